// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Per-port flow families: logical flows of one datapath and stage with
 * the same priority, the same actions and the same match except for one
 * `inport == "P"` / `outport == "P"` equality (northd writes one such
 * flow per port for an ACL on a port list without a port group, for
 * instance) are one *family*.  From compile_opts.family_min members on
 * (COMPILE_FAMILY_MIN) a family compiles to ONE writer flow whose port
 * test is `inport/outport == @G`, G an implicit port group whose members
 * are the family's ports: a GROUP member in each member port's record
 * (maps/ports.h, OVN_SET_T_PORT_REC), spilling to the set map as any port
 * group does (loader/compile_sb.c).
 *
 * So a flow joining or leaving an active family is a membership change of
 * G, written with the next commit like any port-group change; the family's
 * flow is not compiled again.  A port deleted or whose key changed is
 * handled by the port-group resolution (pg_resolve).  The family's flow
 * goes with its last member; a family that shrinks below the threshold
 * stays one (no thrashing between the two forms).  Below the threshold the
 * members are compiled one by one, as without families.
 *
 * Why this is the same as the separate flows: the port equality is a
 * positive leaf of the match (the parser pushes negations into the
 * relational operators, so an EQ leaf is never negated), the match is
 * monotone in it, and two port equalities cannot hold at once: the union
 * over the members of M(port == Pi) is M(port in {Pi}).  The actions,
 * priority and stage being equal, the packet's fate is the same.
 *
 * What stays out of families, because its compiled form depends on more
 * than the flow's text and would need a recompile of the family:
 * matches with any other port-name string or an is_chassis_resident()
 * condition, actions that load a port name (`outport = "P"`), pausing
 * controller actions (recorded per writer flow), select() and set_meter()
 * (recorded per flow UUID by compile_router.c / compile_qos.c), port names
 * "none" and "_MC_*" (key 0 and multicast groups, which have no record).
 *
 * Traces: the family's writer flows are recorded under "fam\1<id>";
 * compile_for_each_family_member() lists (writer flow, port key, member
 * UUID) so that `ovnbpfctl trace` names the member flow whose port the
 * packet had (loader/trace_sb.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/compile_int.h"
#include "loader/expr.h"
#include "loader/strbuf.h"

/* Name of the implicit groups (the SB-style name is "<dp>_" + this + id). */
#define FAM_PG_PREFIX	"ovnbpf.family."

struct fam_member {
	char *uuid;			/* the member flow's key (compile_lflow.uuid) */
	char *port;			/* its port name */
};

struct cc_fam {
	char *sig;			/* key in by_sig */
	char rec_key[32];		/* "fam\1<id>": its writer flows in c->recs */
	char pg[48];			/* implicit group, "<dp>_ovnbpf.family.<id>" */
	char *text;			/* match to compile (with @ovnbpf.family.<id>) */
	struct compile_lflow f;		/* dp, pipeline, table, priority, meter */
	bool outport;			/* the varying port is outport (else inport) */
	struct fam_member *m;
	size_t n, alloc;
	bool active;			/* compiled as one flow */
	bool failed;			/* that compile failed: members stay single */
	bool dirty;			/* members changed since the last commit */
};

struct cc_families {
	struct smap by_sig;		/* signature -> struct cc_fam */
	struct smap by_uuid;		/* member flow key -> struct cc_fam */
	uint32_t next_id;
	size_t n_active;
	size_t n_members;		/* members of active families */
};

static struct cc_families *fams(struct compiler *c)
{
	if (!c->fam)
		c->fam = xcalloc(1, sizeof(*c->fam));
	return c->fam;
}

static unsigned int fam_min(const struct compiler *c)
{
	return c->opts.family_min ? c->opts.family_min : COMPILE_FAMILY_MIN;
}

/* ---- which flows can be members ---- */

struct fam_scan {
	struct expr *hit;		/* the port equality */
	size_t n_strings;		/* string constants and conditions seen */
};

static void scan(struct expr *e, struct fam_scan *s)
{
	const struct symbol *sym;

	switch (e->type) {
	case EXPR_T_CMP:
		for (size_t i = 0; i < e->cmp.n_values; i++)
			s->n_strings += e->cmp.values[i].type == EXPR_C_STRING;
		sym = e->cmp.field.symbol;
		if (e->cmp.n_values == 1 && e->cmp.values[0].type == EXPR_C_STRING &&
		    e->cmp.relop == EXPR_R_EQ && sym && !sym->width &&
		    (sym->field == MFF_LOG_INPORT || sym->field == MFF_LOG_OUTPORT) &&
		    !e->cmp.field.n_bits)
			s->hit = e;
		break;
	case EXPR_T_AND:
	case EXPR_T_OR:
		for (size_t i = 0; i < e->andor.n_subs; i++)
			scan(e->andor.subs[i], s);
		break;
	case EXPR_T_CONDITION:
		/* is_chassis_resident(): evaluated at compile time. */
		s->n_strings++;
		break;
	default:
		break;
	}
}

/* The flow's family signature, or NULL if F cannot be a member.  *PORT
 * gets its port name (malloc()ed), *OUTPORT the field, *TREEP the parsed
 * match with the port's constant turned into a placeholder group *KP. */
static char *signature(struct compiler *c, const struct compile_lflow *f, char **port,
		       bool *outport, struct expr **treep, struct expr_const **kp)
{
	struct fam_scan s = { 0 };
	struct expr_const *k;
	struct expr *e;
	char *err = NULL, *tmpl, *sig;

	e = expr_parse(f->match, c->symtab, NULL, &err);
	free(err);
	if (!e)
		return NULL;
	scan(e, &s);
	if (!s.hit || s.n_strings != 1)
		goto no;
	k = &s.hit->cmp.values[0];
	if (!strcmp(k->string, "none") || !strncmp(k->string, "_MC_", 4))
		goto no;
	*outport = s.hit->cmp.field.symbol->field == MFF_LOG_OUTPORT;
	*port = k->string;
	/* The placeholder takes the port's place in the signature. */
	k->type = EXPR_C_PORT_GROUP;
	k->string = xstrndup(FAM_PG_PREFIX "0", strlen(FAM_PG_PREFIX "0"));
	tmpl = expr_to_string(e);
	sig = xasprintf("%u\x01%u\x01%u\x01%u\x01%u\x01%c\x01%s\x01%s", f->dp, f->pipeline,
			f->table, f->priority, f->controller_meter, *outport ? 'o' : 'i',
			f->actions, tmpl);
	free(tmpl);
	*treep = e;
	*kp = k;
	return sig;
no:
	expr_free(e);
	return NULL;
}

/* ---- members ---- */

static void member_push(struct cc_families *fs, struct cc_fam *fam, const char *uuid,
			const char *port)
{
	if (fam->n == fam->alloc) {
		fam->alloc = fam->alloc ? 2 * fam->alloc : 8;
		fam->m = xrealloc(fam->m, fam->alloc * sizeof(*fam->m));
	}
	fam->m[fam->n].uuid = xstrndup(uuid, strlen(uuid));
	fam->m[fam->n].port = xstrndup(port, strlen(port));
	fam->n++;
	smap_put(&fs->by_uuid, uuid, fam);
}

static void fam_free(struct cc_fam *fam)
{
	if (!fam)
		return;
	for (size_t i = 0; i < fam->n; i++) {
		free(fam->m[i].uuid);
		free(fam->m[i].port);
	}
	free(fam->m);
	free(fam->sig);
	free(fam->text);
	free(fam);
}

/* Remove FAM (no member left, or its datapath went): its flow, its group. */
static void fam_remove(struct compiler *c, struct cc_fam *fam)
{
	struct cc_families *fs = fams(c);

	if (fam->active) {
		cc_del_rec(c, fam->rec_key);
		fs->n_active--;
	}
	/* The group's record members are deleted with the next commit. */
	cc_set_drop(c, "@", fam->pg);
	smap_del(&fs->by_sig, fam->sig);
	fam_free(fam);
}

static void quiet(void *aux, enum compile_report_kind kind, const char *uuid,
		  const char *reason, const char *detail)
{
	(void)aux, (void)kind, (void)uuid, (void)reason, (void)detail;
}

/* Compile FAM as one flow with OPS; false (and the family marked failed)
 * if the compiler or the writer refused it. */
static bool fam_activate(struct compiler *c, struct cc_fam *fam, const char *uuid,
			 const struct cc_ops *ops)
{
	struct compile_lflow tf = fam->f;
	size_t werr = c->st.writer_errors, ent = c->st.entries_written;
	size_t empty = c->st.empty;
	struct compile_opts saved = c->opts;
	int r;

	tf.uuid = uuid;
	/* A refusal is not reported: the members then compile one by one,
	 * and report for themselves. */
	c->opts.report = quiet;
	r = cc_compile(c, fam->rec_key, &tf, fam->text, ops, false);
	c->opts = saved;
	c->st.empty = empty;
	if (r || c->st.writer_errors != werr) {
		c->st.writer_errors = werr;
		cc_del_rec(c, fam->rec_key);
		c->st.entries_written = ent;
		fam->failed = true;
		return false;
	}
	/* The members so far were compiled one by one: their flows go in
	 * the same commit as the family's comes. */
	for (size_t i = 0; i < fam->n; i++)
		if (strcmp(fam->m[i].uuid, uuid))
			cc_del_rec(c, fam->m[i].uuid);
	fam->active = true;
	fam->dirty = true;
	fams(c)->n_active++;
	fams(c)->n_members += fam->n;
	return true;
}

int cc_family_add(struct compiler *c, const struct compile_lflow *f, const struct cc_ops *ops,
		  const char *prereqs)
{
	struct cc_families *fs;
	struct expr_const *k = NULL;
	struct expr *tree = NULL;
	struct cc_fam *fam;
	char *sig, *port = NULL;
	bool outport = false;

	if (c->opts.family_min == UINT_MAX || !strstr(f->match, "port == \""))
		return 0;
	sig = signature(c, f, &port, &outport, &tree, &k);
	if (!sig)
		return 0;
	fs = fams(c);
	fam = smap_get(&fs->by_sig, sig);
	if (!fam) {
		char *m;

		fam = xcalloc(1, sizeof(*fam));
		fam->sig = sig;
		sig = NULL;
		fam->f = *f;
		fam->f.uuid = NULL;
		fam->f.match = NULL;
		fam->f.actions = NULL;
		fam->outport = outport;
		snprintf(fam->rec_key, sizeof(fam->rec_key), "fam\x01%u", ++fs->next_id);
		snprintf(fam->pg, sizeof(fam->pg), "%u_" FAM_PG_PREFIX "%u", f->dp, fs->next_id);
		/* The placeholder becomes this family's group; the actions'
		 * prerequisites are the same for every member. */
		free(k->string);
		k->string = xasprintf(FAM_PG_PREFIX "%u", fs->next_id);
		m = expr_to_string(tree);
		fam->text = prereqs && *prereqs ? xasprintf("(%s) && (%s)", m, prereqs) : m;
		if (fam->text != m)
			free(m);
		smap_put(&fs->by_sig, fam->sig, fam);
	}
	free(sig);
	expr_free(tree);
	member_push(fs, fam, f->uuid, port);
	free(port);
	if (fam->active) {
		fs->n_members++;
		fam->dirty = true;
		return 1;
	}
	if (fam->failed || fam->n < fam_min(c))
		return 0;
	return fam_activate(c, fam, f->uuid, ops) ? 1 : 0;
}

bool cc_family_has(const struct compiler *c, const char *uuid)
{
	return c->fam && smap_get(&c->fam->by_uuid, uuid);
}

int cc_family_del(struct compiler *c, const char *uuid)
{
	struct cc_families *fs = c->fam;
	struct cc_fam *fam = fs ? smap_del(&fs->by_uuid, uuid) : NULL;
	bool active;
	size_t i;

	if (!fam)
		return 0;
	for (i = 0; i < fam->n && strcmp(fam->m[i].uuid, uuid); i++)
		;
	if (i < fam->n) {
		free(fam->m[i].uuid);
		free(fam->m[i].port);
		fam->m[i] = fam->m[--fam->n];
	}
	active = fam->active;
	if (active) {
		fs->n_members--;
		fam->dirty = true;
	}
	if (!fam->n)
		fam_remove(c, fam);
	/* An inactive member's own flows are the caller's to delete. */
	return active ? 1 : 0;
}

void cc_family_commit(struct compiler *c)
{
	size_t i = 0;
	const char *k;
	void *v;

	if (!c->fam)
		return;
	while (smap_next(&c->fam->by_sig, &i, &k, &v)) {
		struct cc_fam *fam = v;
		const char **names;

		if (!fam->active || !fam->dirty)
			continue;
		names = xcalloc(fam->n ? fam->n : 1, sizeof(*names));
		for (size_t j = 0; j < fam->n; j++)
			names[j] = fam->m[j].port;
		/* Resolved to port keys with the port groups (compile_commit). */
		compile_port_group_set(c, fam->pg, names, fam->n);
		free(names);
		fam->dirty = false;
	}
}

void cc_family_datapath_del(struct compiler *c, uint32_t dp)
{
	struct cc_fam **gone = NULL;
	size_t i = 0, n = 0;
	const char *k;
	void *v;

	if (!c->fam)
		return;
	while (smap_next(&c->fam->by_sig, &i, &k, &v)) {
		if (((struct cc_fam *)v)->f.dp != dp)
			continue;
		gone = xrealloc(gone, (n + 1) * sizeof(*gone));
		gone[n++] = v;
	}
	for (i = 0; i < n; i++) {
		struct cc_fam *fam = gone[i];

		for (size_t j = 0; j < fam->n; j++)
			smap_del(&c->fam->by_uuid, fam->m[j].uuid);
		if (fam->active) {
			/* Their logical flows go with the datapath. */
			c->st.flows -= fam->n;
			c->fam->n_members -= fam->n;
		}
		fam_remove(c, fam);
	}
	free(gone);
}

void cc_family_free(struct compiler *c)
{
	size_t i = 0;
	const char *k;
	void *v;

	if (!c->fam)
		return;
	while (smap_next(&c->fam->by_sig, &i, &k, &v))
		fam_free(v);
	smap_destroy(&c->fam->by_sig, NULL);
	smap_destroy(&c->fam->by_uuid, NULL);
	free(c->fam);
	c->fam = NULL;
}

void cc_family_stats(const struct compiler *c, struct compile_stats *s)
{
	s->families = c->fam ? c->fam->n_active : 0;
	s->family_members = c->fam ? c->fam->n_members : 0;
}

void compile_for_each_family_member(const struct compiler *c,
				    void (*fn)(void *aux, uint32_t flow_id, bool outport,
					       uint32_t port_key, const char *uuid),
				    void *aux)
{
	size_t i = 0;
	const char *k;
	void *v;

	if (!c->fam)
		return;
	while (smap_next(&c->fam->by_sig, &i, &k, &v)) {
		struct cc_fam *fam = v;
		struct cc_rec *r = fam->active ? smap_get(&c->recs, fam->rec_key) : NULL;

		for (size_t j = 0; r && j < fam->n; j++) {
			struct cc_port *p = cc_port_in_dp(c, fam->f.dp, fam->m[j].port);

			for (size_t x = 0; p && x < r->n; x++)
				fn(aux, r->ids[x], fam->outport, p->key, fam->m[j].uuid);
		}
	}
}
