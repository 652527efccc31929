// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The map writer across a daemon restart (DESIGN §3.9): a second writer
 * opened on maps that a first one filled -- and left in the middle of a
 * batch, as a kill -9 would -- must not rewrite a flow record or program
 * that a visible cell leads to, must keep serving the old rule set until
 * its commit, and after the commit must hold exactly what a writer on
 * fresh maps holds for the same rule set.
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"

#define RS_DP		1
#define RS_DP_STALE	2
#define RS_SET		7
#define RS_LONG_OPS	40

/* A flow of the test rule sets; the priority names it. */
struct rs_flow {
	uint8_t table;
	uint16_t prio;
	uint16_t match_off;
	uint32_t match_val;
	uint8_t val;			/* what its program writes */
	bool long_prog;			/* several chained program chunks */
	bool set_test;
};

/* Rule set A (first daemon) and B (the southbound after the restart):
 * 10..12 and 15 identical, 13 changed actions, 14 gone, 16 new with a new
 * mask, 17 is staged by the first writer but never committed. */
static const struct rs_flow set_a[] = {
	{ 0, 10, 0, 1, 1, false, false }, { 0, 11, 0, 2, 2, false, true }, { 1, 12, 0, 3, 3, false, false },
	{ 2, 13, 0, 4, 4, false, false }, { 2, 14, 0, 5, 5, false, false }, { 3, 15, 0, 6, 6, true, false },
};
static const struct rs_flow set_b[] = {
	{ 0, 10, 0, 1, 1, false, false }, { 0, 11, 0, 2, 2, false, true }, { 1, 12, 0, 3, 3, false, false },
	{ 2, 13, 0, 4, 40, false, false }, { 3, 15, 0, 6, 6, true, false }, { 2, 16, 4, 9, 16, false, false },
};
static const struct rs_flow staged_a = { 4, 17, 0, 7, 17, false, false };

static uint32_t ops_of(const struct rs_flow *f, struct ovn_op *ops)
{
	uint32_t n = 0, i, cnt = f->long_prog ? RS_LONG_OPS : 1;

	for (i = 0; i < cnt; i++) {
		ops[n] = (struct ovn_op){ .code = OVN_OP_SET, .dst = 100 + i % 16, .n = 1 };
		ops[n].value[0] = f->val + i;
		ops[n].mask[0] = 0xff;
		n++;
	}
	ops[n++] = (struct ovn_op){ .code = OVN_OP_NEXT, .pipeline = OVN_PIPE_INGRESS,
				    .table = f->table + 1 };
	return n;
}

static int rs_add(struct ovnbpf_writer *w, const struct rs_flow *f, uint32_t *id)
{
	struct ovn_op ops[RS_LONG_OPS + 1];
	uint32_t be = htonl(f->match_val);
	struct ovnbpf_match m = { .off = f->match_off, .len = 4 };
	struct ovn_set_test t = { .set_id = RS_SET, .off = 8, .len = 4, .flags = OVN_SET_T_USED };
	struct ovnbpf_flow_spec s = {
		.dp = RS_DP, .pipeline = OVN_PIPE_INGRESS, .table = f->table,
		.priority = f->prio, .match = &m, .n_match = 1,
		.sets = f->set_test ? &t : NULL, .n_sets = f->set_test,
	};

	memcpy(m.value, &be, 4);
	memset(m.mask, 0xff, 4);
	s.ops = ops;
	s.n_ops = ops_of(f, ops);
	return ovnbpf_flow_add(w, &s, id);
}

static int rs_member(struct ovnbpf_writer *w, uint32_t v, bool add)
{
	uint32_t be = htonl(v);

	return add ? ovnbpf_set_add(w, RS_SET, &be, 4, 32) : ovnbpf_set_del(w, RS_SET, &be, 4, 32);
}

/* What a packet of version VER can reach: per visible cell, its flow,
 * the flow record and the program's ops (chunks joined). */
struct rs_seen {
	uint32_t n;
	struct {
		int32_t prio;
		uint32_t flow;
		struct ovn_flow fv;
		uint32_t n_ops;
		struct ovn_op ops[RS_LONG_OPS + 8];
		uint32_t chunk[8], n_chunks;
		bool on_stage;		/* its subtable is on a stage's list */
	} c[64];
};

static bool sub_on_stage(const struct ovnbpf_maps *m, uint32_t sub)
{
	struct ovn_stage_key k, nk;
	struct ovn_stage v;
	void *prev = NULL;
	uint32_t i;

	while (!bpf_map_get_next_key(m->stages, prev, &nk)) {
		k = nk;
		prev = &k;
		if (bpf_map_lookup_elem(m->stages, &k, &v))
			continue;
		for (i = 0; i < v.n_sub && i < OVN_STAGE_MAX_SUB; i++)
			if (v.sub.sub_id[i] == sub)
				return true;
	}
	return false;
}

static int rs_collect(const struct ovnbpf_maps *m, uint32_t ver, struct rs_seen *s)
{
	struct ovn_cls_key k, nk;
	struct ovn_cls_val v;
	void *prev = NULL;
	uint32_t i;

	memset(s, 0, sizeof(*s));
	while (!bpf_map_get_next_key(m->cls, prev, &nk)) {
		k = nk;
		prev = &k;
		if (bpf_map_lookup_elem(m->cls, &k, &v))
			return -errno;
		for (i = 0; i < OVN_CLS_CELLS; i++) {
			struct ovn_cls_cell *c = &v.cell[i];
			struct ovn_prog p;
			uint32_t pid, rec;

			if (c->prio < 0 || c->add_ver > ver || ver >= c->rm_ver)
				continue;
			if (s->n == 64)
				return -E2BIG;
			s->c[s->n].prio = c->prio;
			s->c[s->n].flow = c->flow;
			s->c[s->n].on_stage = sub_on_stage(m, k.sub_id);
			rec = c->rec & OVN_CLS_REC_MASK;
			if (bpf_map_lookup_elem(m->flows, &rec, &s->c[s->n].fv))
				return -errno;
			for (pid = s->c[s->n].fv.prog; s->c[s->n].n_chunks < 8;) {
				uint32_t n;

				if (bpf_map_lookup_elem(m->progs, &pid, &p))
					return -errno;
				s->c[s->n].chunk[s->c[s->n].n_chunks++] = pid;
				n = p.n_ops;
				if (n == OVN_PROG_MAX_OPS && p.op[n - 1].code == OVN_OP_GOTO) {
					memcpy(s->c[s->n].ops + s->c[s->n].n_ops, p.op,
					       (n - 1) * sizeof(p.op[0]));
					s->c[s->n].n_ops += n - 1;
					pid = p.op[n - 1].arg;
					continue;
				}
				memcpy(s->c[s->n].ops + s->c[s->n].n_ops, p.op, n * sizeof(p.op[0]));
				s->c[s->n].n_ops += n;
				break;
			}
			s->n++;
		}
	}
	return 0;
}

/* Does S show exactly rule set F[N], each flow running its own program? */
static bool rs_is(const struct rs_seen *s, const struct rs_flow *f, uint32_t n)
{
	struct ovn_op ops[RS_LONG_OPS + 1];
	uint32_t i, j, nops;

	if (s->n != n)
		return false;
	for (i = 0; i < n; i++) {
		for (j = 0; j < s->n && s->c[j].prio != f[i].prio; j++)
			;
		if (j == s->n || !s->c[j].on_stage)
			return false;
		nops = ops_of(&f[i], ops);
		if (s->c[j].n_ops != nops || memcmp(s->c[j].ops, ops, nops * sizeof(*ops)))
			return false;
		if ((s->c[j].fv.set[0].flags != 0) != f[i].set_test)
			return false;
	}
	return true;
}

static uint32_t count_keys(int fd, size_t ksz)
{
	char k[64], nk[64];
	uint32_t n = 0;
	bool first = true;

	while (!bpf_map_get_next_key(fd, first ? NULL : k, nk)) {
		memcpy(k, nk, ksz);
		first = false;
		n++;
	}
	return n;
}

/* Visible members of RS_SET at VER, as a bitmask of values 0..31. */
static uint32_t rs_members(const struct ovnbpf_maps *m, uint32_t ver)
{
	struct ovn_set_key k, nk;
	struct ovn_set_member v;
	void *prev = NULL;
	uint32_t bits = 0, x;

	while (!bpf_map_get_next_key(m->set_hash, prev, &nk)) {
		k = nk;
		prev = &k;
		if (bpf_map_lookup_elem(m->set_hash, &k, &v) || v.add_ver > ver || ver >= v.rm_ver)
			continue;
		memcpy(&x, k.v, 4);
		bits |= 1u << (ntohl(x) & 31);
	}
	return bits;
}

static int rs_install(struct ovnbpf_writer *w, const struct rs_flow *f, uint32_t n, uint32_t *ids)
{
	struct ovn_port p = {};
	uint32_t i, mc[1] = { 1 };
	int err = ovnbpf_datapath_add(w, RS_DP, OVN_DP_SWITCH);

	err = err ?: ovnbpf_port_add(w, RS_DP, 1, &p);
	err = err ?: ovnbpf_mcgroup_set(w, RS_DP, OVN_MC_KEY_MIN, mc, 1);
	for (i = 0; i < n && !err; i++)
		err = rs_add(w, &f[i], &ids[i]);
	return err;
}

void test_restart_writer(void)
{
	struct pl_fix f = {}, fresh = {};
	struct ovnbpf_writer_stats st, st_fresh;
	static struct rs_seen before, during, after;
	uint32_t ids_a[6], ids_b[6], id, ver, i, j, k;
	struct ovn_port p = {};
	bool ok;

	if (!ASSERT_OK(pl_fix_open(&f), "fixture"))
		return;
	ovnbpf_writer_set_grace(f.w, 3600ull * 1000000000ull);
	/* The first daemon: rule set A, a stale datapath, a port and set
	 * members, one flow deleted (its cell still retired), then a batch
	 * it never commits. */
	ASSERT_OK(rs_install(f.w, set_a, 6, ids_a), "install A");
	ASSERT_OK(ovnbpf_datapath_add(f.w, RS_DP_STALE, OVN_DP_ROUTER), "stale dp");
	ASSERT_OK(ovnbpf_port_add(f.w, RS_DP, 2, &p), "stale port");
	for (i = 1; i <= 3; i++)
		ASSERT_OK(rs_member(f.w, i, true), "member");
	ASSERT_OK(ovnbpf_commit(f.w), "commit A");
	ASSERT_OK(ovnbpf_flow_del(f.w, ids_a[4]), "del 14");
	ASSERT_OK(rs_add(f.w, &set_a[4], &ids_a[4]), "re-add 14");
	ASSERT_OK(ovnbpf_commit(f.w), "commit A'");
	ASSERT_OK(rs_add(f.w, &staged_a, &id), "staged 17");
	ASSERT_OK(rs_member(f.w, 4, true), "staged member 4");
	ASSERT_OK(rs_member(f.w, 3, false), "staged removal of 3");
	ver = ovnbpf_version(f.w);
	ovnbpf_writer_free(f.w);	/* killed: nothing cleaned up */
	f.w = NULL;

	ASSERT_OK(rs_collect(&f.m, ver, &before), "collect before");
	ASSERT_TRUE(rs_is(&before, set_a, 6), "version V shows rule set A");

	/* The second daemon installs rule set B. */
	ASSERT_OK(ovnbpf_writer_new(&f.m, &f.w), "second writer");
	if (!f.w)
		goto out;
	ovnbpf_writer_set_grace(f.w, 0);
	ASSERT_EQ(ovnbpf_version(f.w), ver, "generation kept");
	ASSERT_OK(rs_install(f.w, set_b, 6, ids_b), "install B");
	for (i = 1; i <= 5; i++)
		if (i != 3 && i != 4)
			ASSERT_OK(rs_member(f.w, i, true), "member B");
	ASSERT_ERR(rs_member(f.w, 1, true), "a member added twice is still -EEXIST");

	/* Unchanged flows keep their ids; new ones get ids nobody uses. */
	for (i = 0; i < 6; i++) {
		bool same = i < 3 || set_b[i].prio == 15;

		for (j = 0; j < 6 && set_a[j].prio != set_b[i].prio; j++)
			;
		if (same)
			ASSERT_EQ(ids_b[i], ids_a[j], "identical flow adopted");
		for (k = 0; !same && k < before.n; k++)
			ASSERT_NEQ(ids_b[i], before.c[k].flow, "new flow in a fresh id");
	}
	/* Until the commit packets see A, with A's programs. */
	ASSERT_OK(ovnbpf_adopt_finish(f.w), "finish");
	ASSERT_OK(rs_collect(&f.m, ver, &during), "collect during");
	ok = during.n == before.n;
	for (i = 0; ok && i < before.n; i++) {
		ok = during.c[i].flow == before.c[i].flow &&
		     during.c[i].n_ops == before.c[i].n_ops &&
		     !memcmp(during.c[i].ops, before.c[i].ops, before.c[i].n_ops * sizeof(struct ovn_op)) &&
		     !memcmp(&during.c[i].fv, &before.c[i].fv, sizeof(struct ovn_flow)) &&
		     during.c[i].on_stage;
	}
	ASSERT_TRUE(ok, "old cells keep their flow records and programs");
	ASSERT_TRUE(rs_is(&during, set_a, 6), "version V still shows rule set A");
	ASSERT_EQ(rs_members(&f.m, ver), 0xe, "version V set: 1, 2, 3");

	ASSERT_OK(ovnbpf_commit(f.w), "commit B");
	ASSERT_OK(rs_collect(&f.m, ver + 1, &after), "collect after");
	ASSERT_TRUE(rs_is(&after, set_b, 6), "version V+1 shows rule set B only");
	ASSERT_EQ(rs_members(&f.m, ver + 1), 0x26, "version V+1 set: 1, 2, 5");
	{
		struct ovn_port_key pk = { .dp = RS_DP, .port = 2 };
		uint32_t dp = RS_DP_STALE;
		struct ovn_dp d;

		ASSERT_ERR(bpf_map_lookup_elem(f.m.ports, &pk, &p), "stale port deleted");
		ASSERT_ERR(bpf_map_lookup_elem(f.m.dps, &dp, &d), "stale datapath deleted");
		dp = RS_DP;
		ASSERT_OK(bpf_map_lookup_elem(f.m.dps, &dp, &d), "datapath kept");
	}
	ASSERT_OK(ovnbpf_commit(f.w), "commit (reclaims)");

	/* The same as a writer on fresh maps. */
	if (!ASSERT_OK(pl_fix_open(&fresh), "fresh fixture"))
		goto out;
	ASSERT_OK(rs_install(fresh.w, set_b, 6, ids_a), "fresh install B");
	for (i = 1; i <= 5; i++)
		if (i != 3 && i != 4)
			ASSERT_OK(rs_member(fresh.w, i, true), "fresh member");
	ASSERT_OK(ovnbpf_commit(fresh.w), "fresh commit");
	ovnbpf_writer_stats(f.w, &st);
	ovnbpf_writer_stats(fresh.w, &st_fresh);
	ASSERT_EQ(st.flows, st_fresh.flows, "writer flows");
	ASSERT_EQ(st.progs, st_fresh.progs, "writer programs");
	ASSERT_EQ(st.subtables, st_fresh.subtables, "writer subtables");
	ASSERT_EQ(st.retired, 0, "nothing left to reclaim");
	ASSERT_EQ(count_keys(f.m.cls, sizeof(struct ovn_cls_key)),
		  count_keys(fresh.m.cls, sizeof(struct ovn_cls_key)), "ovn_cls entries");
	ASSERT_EQ(count_keys(f.m.stages, sizeof(struct ovn_stage_key)),
		  count_keys(fresh.m.stages, sizeof(struct ovn_stage_key)), "ovn_stages entries");
	ASSERT_EQ(count_keys(f.m.set_hash, sizeof(struct ovn_set_key)),
		  count_keys(fresh.m.set_hash, sizeof(struct ovn_set_key)), "ovn_set_hash entries");
	ASSERT_EQ(count_keys(f.m.ports, sizeof(struct ovn_port_key)),
		  count_keys(fresh.m.ports, sizeof(struct ovn_port_key)), "ovn_ports entries");
	ASSERT_EQ(count_keys(f.m.dps, 4), count_keys(fresh.m.dps, 4), "ovn_dps entries");
	ASSERT_EQ(count_keys(f.m.mcgroups, sizeof(struct ovn_port_key)),
		  count_keys(fresh.m.mcgroups, sizeof(struct ovn_port_key)), "ovn_mcgroups entries");
	pl_fix_close(&fresh);
out:
	pl_fix_close(&f);
}

/* A writer opened on maps it filled itself and then changed in place: the
 * restart adopts everything (no finish) and a later delete of an adopted
 * flow works as for its own. */
void test_restart_writer_no_finish(void)
{
	struct pl_fix f = {};
	uint32_t ids[6], ver;
	static struct rs_seen s;

	if (!ASSERT_OK(pl_fix_open(&f), "fixture"))
		return;
	ovnbpf_writer_set_grace(f.w, 0);
	ASSERT_OK(rs_install(f.w, set_a, 6, ids), "install A");
	ASSERT_OK(ovnbpf_commit(f.w), "commit A");
	ovnbpf_writer_free(f.w);
	f.w = NULL;
	ASSERT_OK(ovnbpf_writer_new(&f.m, &f.w), "second writer");
	if (!f.w)
		goto out;
	ovnbpf_writer_set_grace(f.w, 0);
	ASSERT_OK(ovnbpf_flow_del(f.w, ids[4]), "delete an adopted flow");
	ASSERT_OK(ovnbpf_commit(f.w), "commit");
	ASSERT_OK(ovnbpf_commit(f.w), "commit (reclaims)");
	ver = ovnbpf_version(f.w);
	ASSERT_OK(rs_collect(&f.m, ver, &s), "collect");
	ASSERT_EQ(s.n, 5, "five flows left");
	ASSERT_EQ(count_keys(f.m.cls, sizeof(struct ovn_cls_key)), 5, "deleted cell reclaimed");
out:
	pl_fix_close(&f);
}
