// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The compiler's Southbound objects: datapaths, ports (and the helper
 * flows of their port security), multicast groups, address sets, port
 * groups and FDB rows, written through the map writer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/compile_int.h"
#include "loader/compile_qos.h"
#include "loader/compile_router.h"
#include "loader/localnet.h"
#include "loader/port_security.h"
#include "loader/strbuf.h"
#include "loader/symtab.h"
#include "maps/encap.h"

int compiler_new(struct ovnbpf_writer *w, const struct compile_opts *opts,
		 struct compiler **out)
{
	struct compiler *c = xcalloc(1, sizeof(*c));

	c->w = w;
	if (opts)
		c->opts = *opts;
	c->symtab = symtab_create_ovn();
	if (!c->symtab) {
		free(c);
		return -ENOMEM;
	}
	*out = c;
	return 0;
}

static void port_free(void *p)
{
	struct cc_port *cp = p;

	if (cp) {
		free(cp->name);
		free(cp->type);
		free(cp->peer);
		free(cp->network);
		free(cp);
	}
}

static void set_free(void *p)
{
	struct cc_set *s = p;

	if (!s)
		return;
	for (size_t i = 0; i < s->n_names; i++)
		free(s->names[i]);
	free(s->names);
	free(s->m);
	free(s);
}

static void rec_free2(void *p)
{
	struct cc_rec *r = p;

	if (r) {
		free(r->ids);
		free(r);
	}
}

void compiler_free(struct compiler *c)
{
	if (!c)
		return;
	port_sec_free(c);
	cc_family_free(c);
	smap_destroy(&c->recs, rec_free2);
	smap_destroy(&c->ports, port_free);
	smap_destroy(&c->mcgroups, NULL);
	smap_destroy(&c->sets, set_free);
	smap_destroy(&c->dps, NULL);
	cc_pause_free_all(c);
	cc_router_free(c);
	cc_qos_free(c);
	cc_localnet_free(c);
	symtab_destroy(c->symtab);
	free(c);
}

void compile_set_opt_tables(struct compiler *c, const struct action_opt_table *dhcp,
			    const struct action_opt_table *dhcpv6)
{
	c->opts.dhcp_opts = dhcp;
	c->opts.dhcpv6_opts = dhcpv6;
}

void compile_get_stats(const struct compiler *c, struct compile_stats *s)
{
	*s = c->st;
	cc_family_stats(c, s);
}

uint8_t cc_n_tables(const struct compiler *c, uint32_t dp, uint8_t pipeline)
{
	char k[16];
	uintptr_t t;

	snprintf(k, sizeof(k), "%u", dp);
	t = (uintptr_t)smap_get(&c->dps, k);
	if (t == 1 + OVN_DP_ROUTER)
		return pipeline == OVN_PIPE_EGRESS ? OVN_LR_OUT_TABLES : OVN_LR_IN_TABLES;
	return pipeline == OVN_PIPE_EGRESS ? OVN_LS_OUT_TABLES : OVN_LS_IN_TABLES;
}

int compile_datapath_add(struct compiler *c, uint32_t dp, enum ovn_dp_type type)
{
	char k[16];

	snprintf(k, sizeof(k), "%u", dp);
	smap_put(&c->dps, k, (void *)(uintptr_t)(1 + type));
	return ovnbpf_datapath_add(c->w, dp, type);
}

/* ---- addresses ---- */

/* "10.0.0.1", "10.0.0.0/24", "fd00::1/64", "0a:00:00:00:00:01". */
static int parse_addr(const char *s, struct cc_member *m)
{
	char buf[64], *slash;
	unsigned int b[6];
	int plen = -1;

	memset(m, 0, sizeof(*m));
	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = 0;
		plen = atoi(slash + 1);
	}
	if (inet_pton(AF_INET, buf, m->v) == 1) {
		m->len = 4;
	} else if (inet_pton(AF_INET6, buf, m->v) == 1) {
		m->len = 16;
	} else if (sscanf(buf, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) == 6
		   && !slash) {
		for (int i = 0; i < 6; i++)
			m->v[i] = b[i];
		m->len = 6;
	} else {
		return -EINVAL;
	}
	if (plen < 0 || plen > m->len * 8)
		plen = m->len * 8;
	m->plen = plen;
	/* Host bits of a CIDR do not matter. */
	for (int i = 0; i < m->len; i++) {
		int keep = plen - 8 * i;

		if (keep <= 0)
			m->v[i] = 0;
		else if (keep < 8)
			m->v[i] &= (uint8_t)(0xff << (8 - keep));
	}
	return 0;
}

static int member_cmp(const void *a, const void *b)
{
	const struct cc_member *x = a, *y = b;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if (x->plen != y->plen)
		return x->plen < y->plen ? -1 : 1;
	return memcmp(x->v, y->v, sizeof(x->v));
}

/* A port group's member M (a port key) of datapath S->pg_dp: a GROUP
 * member of that port's record (maps/ports.h) when it has room, else a
 * set member after marking the port as spilled.  Sets M->in_rec. */
static int pg_member_write(struct compiler *c, struct cc_set *s, struct cc_member *m, bool add)
{
	struct ovn_port_member pm = { .kind = OVN_PM_GROUP, .set_id = s->id };
	uint32_t be, key;
	int r;

	memcpy(&be, m->v, 4);
	key = ntohl(be);
	if (!add && m->in_rec) {
		r = ovnbpf_port_member_del(c->w, s->pg_dp, key, &pm);
		/* -ENOENT: the port's entry went, its record with it. */
		return r == -ENOENT ? 0 : r;
	}
	if (add) {
		r = ovnbpf_port_member_add(c->w, s->pg_dp, key, &pm);
		m->in_rec = !r || r == -EEXIST;
		if (m->in_rec)
			return 0;
		if (r != -ENOSPC && r != -ENOENT)
			return r;
		r = ovnbpf_port_spill(c->w, s->pg_dp, key);
		if (r)
			return r;
	}
	return add ? ovnbpf_set_add(c->w, s->id, m->v, m->len, m->plen)
		   : ovnbpf_set_del(c->w, s->id, m->v, m->len, m->plen);
}

static void member_write(struct compiler *c, struct cc_set *s, struct cc_member *m,
			 bool add, int *err)
{
	int r = s->is_pg && m->len == 4 ? pg_member_write(c, s, m, add)
		: add ? ovnbpf_set_add(c->w, s->id, m->v, m->len, m->plen)
		      : ovnbpf_set_del(c->w, s->id, m->v, m->len, m->plen);

	if (!r) {
		c->st.set_members += add ? 1 : -1;
		c->st.set_members_written++;
	}
	*err = *err ?: r;
}

/* Install exactly WANT (N, taken over) as S's members: delete the old
 * ones not in it, add the new ones.  Both lists sorted: one merge walk.
 * A set no compiled flow has used yet keeps its members here only
 * (cc_set_use() writes them when a flow first tests it). */
static int set_sync(struct compiler *c, struct cc_set *s, struct cc_member *want, size_t n)
{
	size_t i = 0, j = 0, k = 0;
	int err = 0;

	if (n > 1)
		qsort(want, n, sizeof(*want), member_cmp);
	for (j = 0; j < n; j++)		/* dedup */
		if (!k || member_cmp(&want[k - 1], &want[j]))
			want[k++] = want[j];
	n = k;
	for (i = 0, j = 0; s->used && (i < s->n_m || j < n);) {
		int d = i == s->n_m ? 1 : j == n ? -1 : member_cmp(&s->m[i], &want[j]);

		if (d < 0)
			member_write(c, s, &s->m[i++], false, &err);
		else if (d > 0)
			member_write(c, s, &want[j++], true, &err);
		else
			want[j++].in_rec = s->m[i++].in_rec;
	}
	free(s->m);
	s->m = want;
	s->n_m = n;
	return err;
}

void cc_set_install(struct compiler *c, struct cc_set *s)
{
	int err = 0;

	if (s->used)
		return;
	s->used = true;
	for (size_t i = 0; i < s->n_m; i++)
		member_write(c, s, &s->m[i], true, &err);
}

/* Port (DP, KEY)'s ovn_ports entry was deleted, and its record with it:
 * the port groups forget the memberships that lived there, so that the
 * next resolve adds them again if the port comes back. */
static void pg_forget_port(struct compiler *c, uint32_t dp, uint32_t key)
{
	uint32_t be = htonl(key);
	size_t i = 0;
	const char *k;
	void *v;

	while (smap_next(&c->sets, &i, &k, &v)) {
		struct cc_set *s = v;
		size_t j, n = 0;

		if (!s->is_pg || s->pg_dp != dp)
			continue;
		for (j = 0; j < s->n_m; j++) {
			if (s->m[j].in_rec && s->m[j].len == 4 && !memcmp(s->m[j].v, &be, 4)) {
				if (s->used)
					c->st.set_members--;
				continue;
			}
			s->m[n++] = s->m[j];
		}
		s->n_m = n;
	}
}

void cc_set_drop(struct compiler *c, const char *kind, const char *name)
{
	char k[300];
	struct cc_set *s;

	snprintf(k, sizeof(k), "%s%s", kind, name);
	s = smap_del(&c->sets, k);
	if (!s)
		return;
	set_sync(c, s, xcalloc(1, sizeof(struct cc_member)), 0);
	set_free(s);
}

static struct cc_set *set_get(struct compiler *c, const char *kind, const char *name)
{
	char k[300];

	cc_set_id(c, kind, name);
	snprintf(k, sizeof(k), "%s%s", kind, name);
	return smap_get(&c->sets, k);
}

int compile_addr_set_set(struct compiler *c, const char *name, const char *const *addrs,
			 size_t n)
{
	struct cc_set *s = set_get(c, "$", name);
	struct cc_member *want = xcalloc(n ? n : 1, sizeof(*want));
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (parse_addr(addrs[i], &want[k])) {
			cc_report(c, COMPILE_R_ERROR, name, "bad address set member", addrs[i]);
			continue;
		}
		k++;
	}
	return set_sync(c, s, want, k);
}

static void pg_resolve(struct compiler *c, struct cc_set *s, const char *sbname)
{
	uint32_t dp = strtoul(sbname, NULL, 10);
	struct cc_member *want = xcalloc(s->n_names ? s->n_names : 1, sizeof(*want));
	size_t k = 0;

	s->pg_dp = dp;
	for (size_t i = 0; i < s->n_names; i++) {
		struct cc_port *p = cc_port_in_dp(c, dp, s->names[i]);
		uint32_t be;

		if (!p)
			continue;
		be = htonl(p->key);
		memcpy(want[k].v, &be, 4);
		want[k].len = 4;
		want[k].plen = 32;
		k++;
	}
	set_sync(c, s, want, k);
	s->dirty = false;
}

int compile_port_group_set(struct compiler *c, const char *name, const char *const *ports,
			   size_t n)
{
	struct cc_set *s = set_get(c, "@", name);

	for (size_t i = 0; i < s->n_names; i++)
		free(s->names[i]);
	free(s->names);
	s->names = xcalloc(n ? n : 1, sizeof(*s->names));
	for (size_t i = 0; i < n; i++)
		s->names[i] = xstrndup(ports[i], strlen(ports[i]));
	s->n_names = n;
	s->dirty = true;
	return 0;
}

/* ---- ports ---- */

static int port_write(struct compiler *c, struct cc_port *p)
{
	struct ovn_port op = { .ifindex = p->ifindex, .ct_zone = p->ct_zone,
			       .chassis = p->chassis };

	if (p->ifindex) {
		op.type = OVN_PORT_VIF;
	} else if (p->peer && (!strcmp(p->type, "patch") || !strcmp(p->type, "router") ||
			       !strcmp(p->type, "l3gateway"))) {
		struct cc_port *peer = smap_get(&c->ports, p->peer);

		if (!peer)
			return 0;	/* written when the peer arrives */
		op.type = OVN_PORT_PATCH;
		op.peer_dp = peer->dp;
		op.peer_port = peer->key;
	} else if (p->peer && !strcmp(p->type, "chassisredirect")) {
		/* cr-P: egress runs for its distributed port P here when this
		 * chassis is P's gateway (bpf/lib/gw_redirect.h). */
		struct cc_port *dist = smap_get(&c->ports, p->peer);

		if (!dist || dist->dp != p->dp)
			return 0;	/* written when P arrives */
		op.type = OVN_PORT_REDIRECT;
		op.peer_dp = p->dp;
		op.peer_port = dist->key;
		op.ct_zone = dist->ct_zone;
		if (c->opts.is_chassis_resident ? c->opts.is_chassis_resident(c->opts.aux, p->name)
						: false)
			op.flags |= OVN_PORT_F_RESIDENT;
	} else {
		op.type = OVN_PORT_REMOTE;
	}
	cc_localnet_port(c, p, &op);
	return ovnbpf_port_add(c->w, p->dp, p->key, &op);
}

int cc_port_rewrite(struct compiler *c, struct cc_port *p)
{
	return port_write(c, p);
}

int compile_port_add(struct compiler *c, const struct compile_port *in)
{
	struct cc_port *p = xcalloc(1, sizeof(*p)), *old;
	size_t i = 0;
	const char *k;
	void *v;
	int err;

	p->name = xstrndup(in->name, strlen(in->name));
	p->type = xstrndup(in->type ? in->type : "", strlen(in->type ? in->type : ""));
	p->peer = in->peer ? xstrndup(in->peer, strlen(in->peer)) : NULL;
	p->dp = in->dp;
	p->key = in->key;
	p->ifindex = in->ifindex;
	p->ct_zone = in->ct_zone;
	p->deliver_only = in->deliver_only;
	p->chassis = in->chassis;
	p->network = in->network ? xstrndup(in->network, strlen(in->network)) : NULL;
	p->tag = in->tag;
	old = smap_put(&c->ports, in->name, p);
	/* A port whose tunnel key (or datapath) changed leaves its old entry. */
	if (old && (old->dp != p->dp || old->key != p->key)) {
		ovnbpf_port_del(c->w, old->dp, old->key);
		pg_forget_port(c, old->dp, old->key);
	}
	port_free(old);
	err = port_write(c, p);
	/* A patch port waiting for this one as its peer. */
	while (smap_next(&c->ports, &i, &k, &v)) {
		struct cc_port *o = v;

		if (o != p && o->peer && !strcmp(o->peer, p->name))
			port_write(c, o);
	}
	if (in->ifindex && !in->deliver_only) {
		struct ovn_vif vif = { .dp = in->dp, .port = in->key, .ct_zone = in->ct_zone };

		err = err ?: ovnbpf_vif_add(c->w, in->ifindex, &vif);
	}
	port_sec_set(c, p, in->port_security, in->n_port_security);
	/* Port groups naming this port get their key at the next commit. */
	i = 0;
	while (smap_next(&c->sets, &i, &k, &v))
		if (((struct cc_set *)v)->is_pg)
			((struct cc_set *)v)->dirty = true;
	return err;
}

int compile_port_del(struct compiler *c, const char *name)
{
	struct cc_port *p = smap_del(&c->ports, name);
	size_t i = 0;
	const char *k;
	void *v;

	if (!p)
		return -ENOENT;
	port_sec_clear(c, name);
	cc_localnet_forget(c, p);
	ovnbpf_port_del(c->w, p->dp, p->key);
	pg_forget_port(c, p->dp, p->key);
	if (p->ifindex && !p->deliver_only)
		ovnbpf_vif_del(c->w, p->ifindex);
	port_free(p);
	while (smap_next(&c->sets, &i, &k, &v))
		if (((struct cc_set *)v)->is_pg)
			((struct cc_set *)v)->dirty = true;
	return 0;
}

int compile_mcgroup_set(struct compiler *c, uint32_t dp, uint32_t key, const char *name,
			const char *const *ports, size_t n)
{
	uint32_t *keys = xcalloc(n ? n : 1, sizeof(*keys));
	size_t k = 0;
	char mk[300];
	int err;

	snprintf(mk, sizeof(mk), "%u\x01%s", dp, name);
	smap_put(&c->mcgroups, mk, (void *)(uintptr_t)key);
	/* Members that are not ports of this datapath we know are left out;
	 * the datapath skips remote ones itself (bpf/lib/output.h) and sends
	 * one copy to each chassis that has some: one OVN_MC_CHASSIS member
	 * per chassis (maps/encap.h), as ovn-controller's remote output. */
	keys = xrealloc(keys, (2 * n + 1) * sizeof(*keys));
	for (size_t i = 0; i < n; i++) {
		struct cc_port *p = cc_port_in_dp(c, dp, ports[i]);
		bool seen = false;

		if (!p)
			continue;
		keys[k++] = p->key;
		if (!p->chassis || p->ifindex || (strcmp(p->type, "") && strcmp(p->type, "virtual")))
			continue;
		for (size_t j = 0; j < k - 1 && !seen; j++)
			seen = keys[j] == (OVN_MC_CHASSIS | p->chassis);
		if (!seen)
			keys[k++] = OVN_MC_CHASSIS | p->chassis;
	}
	err = ovnbpf_mcgroup_set(c->w, dp, key, keys, k);
	if (err == -E2BIG)
		cc_report(c, COMPILE_R_WRITER, name,
			  "multicast group has more members than OVN_MC_MAX_MEMBERS (8192): "
			  "the rest get no flood (counted as mc-group-over-max-members)", NULL);
	else if (err)
		/* The old members stay in force (maps/ports.h). */
		cc_report(c, COMPILE_R_WRITER, name, "writer refused a multicast group",
			  strerror(-err));
	free(keys);
	return err;
}

/* Everything installed for datapath DP: its flows (and helper flows),
 * ports, VIFs, multicast groups, FDB entries, then the datapath itself.
 * The flows go with the generation swap of the next commit, which also
 * removes the ovn_dps entry. */
int compile_datapath_del(struct compiler *c, uint32_t dp)
{
	char k[16], **keys = NULL, pfx[24];
	size_t i = 0, n = 0, plen;
	const char *key;
	void *v;

	snprintf(k, sizeof(k), "%u", dp);
	if (!smap_del(&c->dps, k))
		return -ENOENT;
	cc_family_datapath_del(c, dp);
	while (smap_next(&c->recs, &i, &key, &v)) {
		if (((struct cc_rec *)v)->dp != dp)
			continue;
		keys = xrealloc(keys, (n + 1) * sizeof(*keys));
		keys[n++] = xstrndup(key, strlen(key));
	}
	for (i = 0; i < n; i++) {
		/* Logical flows count under flows, port security and FDB
		 * entries under helper_flows. */
		bool helper = !strncmp(keys[i], "ps\x01", 3) || !strncmp(keys[i], "fdb\x01", 4);
		struct cc_rec *r = smap_get(&c->recs, keys[i]);

		if (helper && r && !strncmp(keys[i], "fdb\x01", 4))
			c->st.helper_flows -= r->n;
		if (!cc_del_rec(c, keys[i]) && !helper)
			c->st.flows--;
		free(keys[i]);
	}
	n = 0;
	i = 0;
	while (smap_next(&c->ports, &i, &key, &v)) {
		if (((struct cc_port *)v)->dp != dp)
			continue;
		keys = xrealloc(keys, (n + 1) * sizeof(*keys));
		keys[n++] = xstrndup(key, strlen(key));
	}
	for (i = 0; i < n; i++) {
		compile_port_del(c, keys[i]);
		free(keys[i]);
	}
	n = 0;
	i = 0;
	plen = snprintf(pfx, sizeof(pfx), "%u\x01", dp);
	while (smap_next(&c->mcgroups, &i, &key, &v)) {
		if (strncmp(key, pfx, plen))
			continue;
		ovnbpf_mcgroup_del(c->w, dp, (uint32_t)(uintptr_t)v);
		keys = xrealloc(keys, (n + 1) * sizeof(*keys));
		keys[n++] = xstrndup(key, strlen(key));
	}
	for (i = 0; i < n; i++) {
		smap_del(&c->mcgroups, keys[i]);
		free(keys[i]);
	}
	free(keys);
	return ovnbpf_datapath_del(c->w, dp);
}

int compile_commit(struct compiler *c)
{
	size_t i = 0;
	const char *k;
	void *v;

	cc_family_commit(c);
	while (smap_next(&c->sets, &i, &k, &v)) {
		struct cc_set *s = v;

		if (s->is_pg && s->dirty)
			pg_resolve(c, s, k + 1);
	}
	cc_router_commit(c);
	cc_localnet_commit(c);
	return ovnbpf_commit(c->w);
}
