// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A stage with more distinct masks than one ovn_stages entry lists
 * (OVN_STAGE_MAX_SUB): every flow must stay reachable, in priority
 * order, through the continuation entries (maps/pipeline.h).  Switch
 * dp 1, every packet enters on p1:
 *
 *   ls_in t0  100+L  ip4.src == A4(L)/L   (L = 1..32)   32 masks
 *             36+L   ip6.src == A6(L)/L   (L = 1..64)   64 masks
 *             0      1                                    1 mask
 *       even L: eth.dst = 02:00:00:00:v:L; next;  (v = 4 or 6)
 *       odd L:  drop;
 *       prio 0: eth.dst = 02:00:00:00:00:ff; next;
 *   ls_in t1  0 1  outport = "p2"; output;
 *
 * A4(L) has its only set bit at prefix bit L, so the prefixes are
 * disjoint: a packet from A4(L) hits exactly flow L (or the default).
 * 97 masks = 4 entries; the ip6 flows and the default sit past the
 * 32nd mask.
 */
#include <arpa/inet.h>

#include "tests/test_progs.h"
#include "tests/bpf/pl_flows.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "loader/compile.h"
#include "ovnbpf_vif.skel.h"

#define LO 1

static const uint8_t MSRC[6] = { 0x0a, 0, 0, 0, 1, 1 };
static const uint8_t MDST[6] = { 0x0a, 0, 0, 0, 1, 2 };

struct mask_fix {
	struct pl_fix f;
	struct compiler *c;
	uint8_t out[256];
	uint32_t out_len, ret;
	unsigned int writer_reports;	/* COMPILE_R_WRITER reports */
	char last_uuid[64], last_detail[160];
	char uuid6[65][40], uuid_def[40];
};

static struct ovn_ctx mctx;

static void mreport(void *aux, enum compile_report_kind kind, const char *uuid,
		    const char *reason, const char *detail)
{
	struct mask_fix *x = aux;

	(void)reason;
	if (kind != COMPILE_R_WRITER)
		return;
	x->writer_reports++;
	snprintf(x->last_uuid, sizeof(x->last_uuid), "%s", uuid ? uuid : "");
	snprintf(x->last_detail, sizeof(x->last_detail), "%s", detail ? detail : "");
}

/* ip4 address with only prefix bit L (1 = MSB) set. */
static uint32_t a4(unsigned int l)
{
	return htonl(1u << (32 - l));
}

static void a6(uint8_t *v, unsigned int l)
{
	memset(v, 0, 16);
	v[(l - 1) / 8] = 0x80 >> ((l - 1) % 8);
}

static void a6_text(char *s, size_t n, unsigned int l)
{
	uint8_t v[16];

	a6(v, l);
	inet_ntop(AF_INET6, v, s, n);
}

static int mflow(struct mask_fix *x, uint16_t prio, const char *match, unsigned int v,
		 unsigned int l)
{
	char act[96];

	if (l & 1)
		snprintf(act, sizeof(act), "drop;");
	else
		snprintf(act, sizeof(act), "eth.dst = 02:00:00:00:%02x:%02x; next;", v, l);
	return pl_flow(x->c, 1, OVN_PIPE_INGRESS, 0, prio, match, act);
}

/* The flows of the header comment, committed, on a new compiler. */
static int minstall(struct mask_fix *x)
{
	struct compile_opts o = { .report = mreport, .aux = x };
	char m[128], s[64];
	int err = 0;

	if (compiler_new(x->f.w, &o, &x->c))
		return -1;
	err |= pl_switch_p1p2(x->c, LO);
	for (unsigned int l = 1; l <= 32; l++) {
		struct in_addr ia = { .s_addr = a4(l) };

		snprintf(m, sizeof(m), "ip4.src == %s/%u", inet_ntoa(ia), l);
		err |= mflow(x, 100 + l, m, 4, l);
	}
	for (unsigned int l = 1; l <= 64; l++) {
		a6_text(s, sizeof(s), l);
		snprintf(m, sizeof(m), "ip6.src == %s/%u", s, l);
		err |= mflow(x, 36 + l, m, 6, l);
		snprintf(x->uuid6[l], sizeof(x->uuid6[l]), "%s", pl_flow_last_uuid());
	}
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 0, 0, "1",
		       "eth.dst = 02:00:00:00:00:ff; next;");
	snprintf(x->uuid_def, sizeof(x->uuid_def), "%s", pl_flow_last_uuid());
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 1, 0, "1", "outport = \"p2\"; output;");
	err |= pl_flow_fill(x->c, 1, OVN_PIPE_INGRESS, 2, OVN_LS_IN_TABLES, "output;");
	err |= pl_flow_fill(x->c, 1, OVN_PIPE_EGRESS, 0, OVN_LS_OUT_TABLES, "output;");
	return err;
}

static int msetup(struct mask_fix *x)
{
	memset(x, 0, sizeof(*x));
	if (pl_fix_open(&x->f))
		return -1;
	/* Retired entries go at the next reclaim: counts below are exact. */
	ovnbpf_writer_set_grace(x->f.w, 0);
	if (minstall(x) || compile_commit(x->c))
		return -1;
	return 0;
}

static void mteardown(struct mask_fix *x)
{
	compiler_free(x->c);
	pl_fix_close(&x->f);
}

static int mrun(struct mask_fix *x, const uint8_t *pkt, size_t len)
{
	x->out_len = sizeof(x->out);
	if (bpf_test_run_skb(x->f.prog_fd, pkt, len, &x->ret, x->out, &x->out_len) ||
	    pl_read_ctx(&x->f, &mctx))
		return -1;
	return 0;
}

/* Expect the packet to hit flow (V, L): dropped for odd L, delivered with
 * eth.dst 02:00:00:00:V:L for even L; L = 0: the default flow. */
static void expect_hit(struct mask_fix *x, const uint8_t *pkt, size_t len, unsigned int v,
		       unsigned int l, const char *what)
{
	uint8_t want[6] = { 2, 0, 0, 0, v, l };
	char name[96];

	if (!l) {
		want[4] = 0;
		want[5] = 0xff;
	}
	snprintf(name, sizeof(name), "%s: run", what);
	if (!ASSERT_OK(mrun(x, pkt, len), name))
		return;
	if (l & 1) {
		snprintf(name, sizeof(name), "%s: dropped by its flow", what);
		ASSERT_EQ(mctx.x.drop_reason, DROP_STAGE_ACTION, name);
		return;
	}
	snprintf(name, sizeof(name), "%s: delivered", what);
	ASSERT_EQ(mctx.x.drop_reason, 0, name);
	snprintf(name, sizeof(name), "%s: eth.dst of its flow", what);
	ASSERT_MEMEQ(x->out, want, 6, name);
}

static size_t pkt4(uint8_t *b, uint32_t src)
{
	return pkt_udp4(b, MDST, MSRC, src, htonl(0x0a000002), 1000, 2000, 8);
}

static size_t pkt6(uint8_t *b, unsigned int l)
{
	uint8_t s[16], d[16] = { 0xfd, 0, [15] = 2 };

	if (l)
		a6(s, l);
	else
		inet_pton(AF_INET6, "::1", s);	/* in no prefix above */
	return pkt_udp6(b, MDST, MSRC, s, d, 1000, 2000);
}

/* Every flow of the 97-mask stage answers its packet. */
static void sub_all_reachable(struct mask_fix *x)
{
	uint8_t p[128];
	char what[48];

	ASSERT_EQ(x->writer_reports, 0, "writer refused no flow");
	for (unsigned int l = 1; l <= 32; l++) {
		snprintf(what, sizeof(what), "ip4 /%u", l);
		expect_hit(x, p, pkt4(p, a4(l)), 4, l, what);
	}
	for (unsigned int l = 1; l <= 64; l++) {
		snprintf(what, sizeof(what), "ip6 /%u", l);
		expect_hit(x, p, pkt6(p, l), 6, l, what);
	}
	expect_hit(x, p, pkt4(p, 0), 0, 0, "ip4 0.0.0.0: default");
	expect_hit(x, p, pkt6(p, 0), 0, 0, "ip6 ::1: default");
}

/* Continuation keys of ls_in t0 on dp 1 (sorted into KEYS), and the
 * number of its ovn_stages entries in all. */
static int t0_entries(struct mask_fix *x, uint16_t *keys, int max)
{
	struct ovn_stage_key k, nk;
	void *prev = NULL;
	int n = 0, nc = 0;

	while (!bpf_map_get_next_key(x->f.m.stages, prev, &nk)) {
		k = nk;
		prev = &k;
		if (k.dp != 1 || k.pipeline != OVN_PIPE_INGRESS || k.table != 0)
			continue;
		n++;
		if (k.cont && nc < max) {
			int i = nc++;

			while (i > 0 && keys[i - 1] > k.cont) {
				keys[i] = keys[i - 1];
				i--;
			}
			keys[i] = k.cont;
		}
	}
	return n;
}

static void sub_layout(struct mask_fix *x)
{
	struct ovn_stage_key k = { .dp = 1, .pipeline = OVN_PIPE_INGRESS, .table = 0 };
	struct ovn_stage v;
	uint32_t total = 0, e;
	int32_t last = INT32_MAX;
	uint16_t keys[8];
	bool sorted = true;

	ASSERT_EQ(t0_entries(x, keys, 8), 4, "97 masks: head + 3 continuations");
	for (e = 0; e < 8; e++) {
		if (!ASSERT_OK(bpf_map_lookup_elem(x->f.m.stages, &k, &v), "entry"))
			return;
		for (uint32_t i = 0; i < v.n_sub; i++) {
			sorted &= v.sub.sub_max_prio[i] <= last;
			last = v.sub.sub_max_prio[i];
		}
		total += v.n_sub;
		if (!v.next)
			break;
		k.cont = v.next;
	}
	ASSERT_EQ(e, 3, "chain of 4 entries from the head");
	ASSERT_EQ(total, 97, "every mask on the chain once");
	ASSERT_TRUE(sorted, "chain in decreasing max priority");
	ASSERT_EQ(last, 0, "the default's mask last");
}

/* A flow at priority 200 on the mask of ip6 /60 (in the last entry)
 * moves that mask to the head: the chain is rewritten under new keys. */
static void sub_resort(struct mask_fix *x)
{
	uint16_t before[8], after[8];
	char m[128], s[64];
	uint8_t p[128], a[16], b[16];
	int nb, na;

	nb = t0_entries(x, before, 8);
	a6(a, 59);
	a6(b, 60);
	for (int i = 0; i < 16; i++)
		a[i] |= b[i];
	inet_ntop(AF_INET6, a, s, sizeof(s));
	/* The packet from A: flow /59 (odd: drop) until the new flow is in. */
	pkt_udp6(p, MDST, MSRC, a, (uint8_t[16]){ 0xfd, [15] = 2 }, 1000, 2000);
	expect_hit(x, p, 70, 6, 59, "before: ip6 /59 drops");
	snprintf(m, sizeof(m), "ip6.src == %s/60", s);
	if (!ASSERT_OK(mflow(x, 200, m, 6, 200), "add prio 200"))
		return;
	expect_hit(x, p, 70, 6, 59, "added, not committed: still /59");
	ASSERT_OK(compile_commit(x->c), "commit");
	expect_hit(x, p, 70, 6, 200, "committed: the prio 200 flow");
	na = t0_entries(x, after, 8);
	ASSERT_EQ(na, 4, "still 4 entries after the reclaim");
	ASSERT_EQ(nb, 4, "4 entries before");
	ASSERT_FALSE(!memcmp(before, after, sizeof(uint16_t) * 3),
		     "the continuations were rewritten under new keys");
	ASSERT_OK(compile_flow_del(x->c, pl_flow_last_uuid()), "del prio 200");
	ASSERT_OK(compile_commit(x->c), "commit del");
	expect_hit(x, p, 70, 6, 59, "deleted: /59 again");
	expect_hit(x, p, pkt6(p, 64), 6, 64, "ip6 /64 still reached");
}

/* A restarted writer adopts the chain as it is: the same flows installed
 * again change no entry, and every flow is still reached. */
static void sub_adopt(struct mask_fix *x)
{
	uint16_t before[8], after[8];
	struct ovnbpf_writer_stats ws0, ws1;
	uint8_t p[128];
	int nb, na;

	ovnbpf_writer_stats(x->f.w, &ws0);
	nb = t0_entries(x, before, 8);
	compiler_free(x->c);
	x->c = NULL;
	ovnbpf_writer_free(x->f.w);	/* killed */
	x->f.w = NULL;
	if (!ASSERT_OK(ovnbpf_writer_new(&x->f.m, &x->f.w), "second writer"))
		return;
	ovnbpf_writer_set_grace(x->f.w, 0);
	ovnbpf_writer_stats(x->f.w, &ws1);
	ASSERT_EQ(ws1.subtables, ws0.subtables, "every subtable adopted, chains included");
	if (!ASSERT_OK(minstall(x), "install again"))
		return;
	ASSERT_OK(ovnbpf_adopt_finish(x->f.w), "adopt finish");
	ASSERT_OK(compile_commit(x->c), "commit");
	ovnbpf_writer_stats(x->f.w, &ws1);
	ASSERT_EQ(ws1.subtables, ws0.subtables, "no subtable added or lost");
	na = t0_entries(x, after, 8);
	ASSERT_EQ(na, nb, "same number of entries");
	ASSERT_MEMEQ(after, before, sizeof(uint16_t) * (nb - 1), "same continuation keys");
	expect_hit(x, p, pkt6(p, 63), 6, 63, "ip6 /63 after restart");
	expect_hit(x, p, pkt6(p, 64), 6, 64, "ip6 /64 after restart");
	expect_hit(x, p, pkt6(p, 0), 0, 0, "default after restart");
}

/* Back under 32 masks: the continuations go, the rest still works. */
static void sub_shrink(struct mask_fix *x)
{
	uint16_t keys[8];
	uint8_t p[128];

	for (unsigned int l = 1; l <= 64; l++)
		ASSERT_OK(compile_flow_del(x->c, x->uuid6[l]), "del ip6 flow");
	ASSERT_OK(compile_flow_del(x->c, x->uuid_def), "del default");
	ASSERT_OK(compile_commit(x->c), "commit");
	ASSERT_OK(ovnbpf_reclaim(x->f.w), "reclaim");
	ASSERT_EQ(t0_entries(x, keys, 8), 1, "32 masks: the head alone");
	expect_hit(x, p, pkt4(p, a4(5)), 4, 5, "ip4 /5");
	expect_hit(x, p, pkt4(p, a4(32)), 4, 32, "ip4 /32");
	ASSERT_OK(mrun(x, p, pkt6(p, 2)), "run ip6");
	ASSERT_EQ(mctx.x.drop_reason, DROP_STAGE_NO_MATCH, "ip6 /2: its flow is gone");
}

void test_mask_chain(void)
{
	struct mask_fix x;

	if (msetup(&x)) {
		ASSERT_TRUE(false, "setup");
		mteardown(&x);
		return;
	}
	if (test__start_subtest("all_reachable"))
		sub_all_reachable(&x);
	if (test__start_subtest("layout"))
		sub_layout(&x);
	if (test__start_subtest("resort"))
		sub_resort(&x);
	if (test__start_subtest("adopt"))
		sub_adopt(&x);
	if (test__start_subtest("shrink") && x.c)
		sub_shrink(&x);
	mteardown(&x);
}

/* Past OVN_STAGE_MAX_MASKS: the flow that would add mask 1025 is refused
 * and reported with its UUID and the limit; the 1024 before it all work,
 * the last one at the end of a 32-entry chain.  Flow i (1..1025) matches
 * ip4.src == i/i (every bit of i set): a mask per flow. */
void test_mask_limit(void)
{
	struct compile_opts o;
	struct ovnbpf_writer_stats ws;
	struct compile_stats cs;
	struct mask_fix x;
	char m[96], a[96], last[40] = "";
	uint8_t p[128], want[6] = { 2, 0, 0, 0, 4, 0 };
	int err = 0;

	memset(&x, 0, sizeof(x));
	if (!ASSERT_OK(pl_fix_open(&x.f), "fixture"))
		return;
	o = (struct compile_opts){ .report = mreport, .aux = &x };
	if (!ASSERT_OK(compiler_new(x.f.w, &o, &x.c), "compiler"))
		goto out;
	err |= pl_switch_p1p2(x.c, LO);
	for (unsigned int i = 1; i <= OVN_STAGE_MAX_MASKS + 1; i++) {
		struct in_addr ia = { .s_addr = htonl(i) };
		char s[20];

		snprintf(s, sizeof(s), "%s", inet_ntoa(ia));
		snprintf(m, sizeof(m), "ip4.src == %s/%s", s, s);
		snprintf(a, sizeof(a), "eth.dst = 02:00:00:00:%02x:%02x; next;", i >> 8, i & 0xff);
		err |= pl_flow(x.c, 1, OVN_PIPE_INGRESS, 0, 2000 - i, m, a);
		if (i == OVN_STAGE_MAX_MASKS + 1)
			snprintf(last, sizeof(last), "%s", pl_flow_last_uuid());
	}
	err |= pl_flow(x.c, 1, OVN_PIPE_INGRESS, 1, 0, "1", "outport = \"p2\"; output;");
	err |= pl_flow_fill(x.c, 1, OVN_PIPE_INGRESS, 2, OVN_LS_IN_TABLES, "output;");
	err |= pl_flow_fill(x.c, 1, OVN_PIPE_EGRESS, 0, OVN_LS_OUT_TABLES, "output;");
	err |= compile_commit(x.c);
	ASSERT_OK(err, "setup");
	ASSERT_EQ(x.writer_reports, 1, "one flow refused");
	ASSERT_STREQ(x.last_uuid, last, "the report names the flow of mask 1025");
	ASSERT_TRUE(strstr(x.last_detail, "1024 distinct masks") != NULL, "and the limit");
	compile_get_stats(x.c, &cs);
	ASSERT_EQ(cs.writer_errors, 1, "counted");
	ovnbpf_writer_stats(x.f.w, &ws);
	ASSERT_EQ(ws.max_stage_masks, OVN_STAGE_MAX_MASKS, "1024 masks on the stage");
	ASSERT_GE(ws.stage_chains, 1, "listed in a chain");
	/* 0.0.4.0 is in flow 1024 alone: the walk reaches the chain's end. */
	if (ASSERT_OK(mrun(&x, p, pkt4(p, htonl(1024))), "run 0.0.4.0")) {
		ASSERT_EQ(mctx.x.drop_reason, 0, "delivered");
		ASSERT_MEMEQ(x.out, want, 6, "by flow 1024 (the 1024th mask)");
	}
	/* 0.0.4.1 is in flows 1, 1024 and 1025 (refused): flow 1 wins. */
	want[4] = 0;
	want[5] = 1;
	if (ASSERT_OK(mrun(&x, p, pkt4(p, htonl(1025))), "run 0.0.4.1"))
		ASSERT_MEMEQ(x.out, want, 6, "by flow 1, the highest priority");
out:
	mteardown(&x);
}
