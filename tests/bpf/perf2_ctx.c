// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The context reset of the fast path (bpf/lib/ctx_init.h) and the cached
 * "leaves as it came" flag (ovn_cache_val.asis): a cache hit clears only
 * the flow key and the fields it reports, the pipeline (or conntrack
 * guards) the rest.  A packet after a hit must still start from a clean
 * context, and a hit must not report what the packet before it did.
 * Switch dp 1, every packet enters on p1 (UDP, told apart by udp.dst):
 *
 *   ls_in t0 100 udp.dst == 1111      reg0 = 0xdead; reg9 = 7; next;
 *              0 1                    next;
 *   ls_in t1 200 udp.dst == 1111      drop;          (A: dirty, dropped)
 *            150 udp.dst == 2222 && reg0 == 0xdead   drop;
 *            150 udp.dst == 2222 && reg9 == 7        drop;
 *                                     (C: dropped only if A's registers
 *                                     are still there)
 *            120 udp.dst == 4444      ip.ttl--; outport = "p2"; output;
 *              0 1                    outport = "p2"; output;
 */
#include <arpa/inet.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tests/test_progs.h"
#include "tests/bpf/pl_flows.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "loader/compile.h"
#include "ovnbpf_vif.skel.h"

#define LO 1

static const uint8_t P1MAC[6] = { 0x0a, 0, 0, 0, 0x2f, 1 };
static const uint8_t P2MAC[6] = { 0x0a, 0, 0, 0, 0x2f, 2 };

struct p2run {
	uint32_t ret, olen;
	uint8_t out[256];
	struct ovn_ctx c;
};

static struct p2run r_ref_c, r_ref_e, r_ref_a, r;

#define pflow(c, t, prio, m, a) pl_flow(c, 1, OVN_PIPE_INGRESS, t, prio, m, a)

static int p2_setup(struct pl_fix *f, struct compiler **cp)
{
	struct compile_opts o = { 0 };
	struct compiler *c;
	int err = 0;

	if (compiler_new(f->w, &o, cp))
		return -1;
	c = *cp;
	err |= pl_switch_p1p2(c, LO);
	err |= pflow(c, 0, 100, "udp.dst == 1111", "reg0 = 0xdead; reg9 = 7; next;");
	err |= pflow(c, 0, 0, "1", "next;");
	err |= pflow(c, 1, 200, "udp.dst == 1111", "drop;");
	err |= pflow(c, 1, 150, "udp.dst == 2222 && reg0 == 0xdead", "drop;");
	err |= pflow(c, 1, 150, "udp.dst == 2222 && reg9 == 7", "drop;");
	err |= pflow(c, 1, 120, "udp.dst == 4444", "ip.ttl--; outport = \"p2\"; output;");
	err |= pflow(c, 1, 0, "1", "outport = \"p2\"; output;");
	err |= pl_flow_fill(c, 1, OVN_PIPE_INGRESS, 2, OVN_LS_IN_TABLES, "output;");
	err |= pl_flow_fill(c, 1, OVN_PIPE_EGRESS, 0, OVN_LS_OUT_TABLES, "output;");
	err |= compile_commit(c);
	return err ? -1 : 0;
}

static int p2_run(struct pl_fix *f, uint16_t dport, struct p2run *x)
{
	uint8_t p[128];
	size_t n = pkt_udp4(p, P2MAC, P1MAC, htonl(0x0a000001), htonl(0x0a000002), 40000,
			    dport, 18);

	x->olen = sizeof(x->out);
	if (bpf_test_run_skb(f->prog_fd, p, n, &x->ret, x->out, &x->olen))
		return -1;
	return pl_read_ctx(f, &x->c);
}

/* The valid ovn_cache entry (any CPU) whose parsed key has udp.dst DPORT:
 * its asis flag, or -1 when there is none. */
static int p2_entry_asis(struct pl_fix *f, uint16_t dport)
{
	int ncpu = libbpf_num_possible_cpus(), asis = -1, i;
	size_t vsz = (sizeof(struct ovn_cache_val) + 7) & ~(size_t)7;
	struct ovn_cache_key k, next, *prev = NULL;
	uint8_t *vals;

	if (ncpu <= 0)
		return -1;
	vals = calloc(ncpu, vsz);
	if (!vals)
		return -1;
	while (!bpf_map_get_next_key(f->m.cache, prev, &next)) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(f->m.cache, &k, vals))
			continue;
		for (i = 0; i < ncpu; i++) {
			const struct ovn_cache_val *v = (const void *)(vals + i * vsz);
			const struct ovn_flow_key *in = (const void *)v->in_key;

			if (v->valid && in->tp_dst == htons(dport))
				asis = v->asis;
		}
	}
	free(vals);
	return asis;
}

static void p2_same(const struct p2run *ref, const struct p2run *x, const char *what)
{
	printf("  %s: ret %u/%u reason %u/%u n_out %u/%u steps %u/%u\n", what, ref->ret, x->ret,
	       ref->c.x.drop_reason, x->c.x.drop_reason, ref->c.x.n_out, x->c.x.n_out,
	       ref->c.x.steps, x->c.x.steps);
	ASSERT_EQ(x->ret, ref->ret, "same verdict");
	ASSERT_EQ(x->c.x.drop_reason, ref->c.x.drop_reason, "same drop reason");
	ASSERT_EQ(x->c.x.n_out, ref->c.x.n_out, "same number of deliveries");
	if (ASSERT_EQ(x->olen, ref->olen, "same length"))
		ASSERT_MEMEQ(x->out, ref->out, ref->olen, "byte-identical output");
}

void test_perf2_cache_reset(void)
{
	struct compiler *c = NULL;
	struct pl_fix f;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		return;
	if (!ASSERT_OK(p2_setup(&f, &c), "setup"))
		goto cleanup;

	/* References: the cache off, each packet from a fresh start. */
	ASSERT_OK(ovnbpf_cache_enable(f.w, false), "cache off");
	ASSERT_OK(p2_run(&f, 2222, &r_ref_c), "ref C");
	ASSERT_OK(p2_run(&f, 4444, &r_ref_e), "ref E");
	ASSERT_OK(p2_run(&f, 1111, &r_ref_a), "ref A");
	ASSERT_EQ(r_ref_c.ret, TC_ACT_REDIRECT, "C delivered from a clean start");
	ASSERT_EQ(r_ref_a.c.x.drop_reason, DROP_STAGE_ACTION, "A dropped");
	ASSERT_EQ(r_ref_e.out[14 + 8], 63, "E: ttl decremented");
	ASSERT_OK(ovnbpf_cache_enable(f.w, true), "cache on");

	if (test__start_subtest("hit_after_dirty_miss")) {
		ASSERT_OK(p2_run(&f, 3333, &r), "B miss");
		ASSERT_GT(r.c.x.steps, 0, "B ran the pipeline");
		ASSERT_OK(p2_run(&f, 1111, &r), "A miss");
		ASSERT_GT(r.c.x.steps, 0, "A ran the pipeline");
		ASSERT_EQ(r.c.md.reg[0], htonl(0xdead), "A left reg0 set");
		ASSERT_EQ(r.c.x.drop_reason, DROP_STAGE_ACTION, "A dropped");
		/* B hits: it must report its own delivery, not A's drop. */
		ASSERT_OK(p2_run(&f, 3333, &r), "B hit");
		ASSERT_EQ(r.c.x.steps, 0, "B hit (no pipeline step)");
		ASSERT_EQ(r.ret, TC_ACT_REDIRECT, "B delivered");
		ASSERT_EQ(r.c.x.drop_reason, DROP_NONE, "B: no drop reason");
		ASSERT_EQ(r.c.x.n_out, 1, "B: one delivery");
		ASSERT_EQ(r.c.x.out_port[0], 2, "B: to p2");
	}
	if (test__start_subtest("miss_after_hit_starts_clean")) {
		/* A dirties the registers, B hits (a hit leaves them as
		 * they were), then C misses and must not see them. */
		ASSERT_OK(ovnbpf_cache_invalidate(f.w), "invalidate");
		ASSERT_OK(p2_run(&f, 3333, &r), "B miss");
		ASSERT_GT(r.c.x.steps, 0, "B ran the pipeline");
		ASSERT_OK(p2_run(&f, 1111, &r), "A miss");
		ASSERT_EQ(r.c.md.reg[9], htonl(7), "A left reg9 set");
		ASSERT_OK(p2_run(&f, 3333, &r), "B hit");
		ASSERT_EQ(r.c.x.steps, 0, "B hit");
		ASSERT_OK(p2_run(&f, 2222, &r), "C miss");
		ASSERT_GT(r.c.x.steps, 0, "C ran the pipeline");
		p2_same(&r_ref_c, &r, "C after A, B");
	}
	if (test__start_subtest("drop_hit_after_delivery")) {
		/* A's cached drop after C's delivery: no delivery left over. */
		ASSERT_OK(p2_run(&f, 1111, &r), "A fill");
		ASSERT_OK(p2_run(&f, 2222, &r), "C");
		ASSERT_EQ(r.c.x.n_out, 1, "C delivered once");
		ASSERT_OK(p2_run(&f, 1111, &r), "A hit");
		ASSERT_EQ(r.c.x.steps, 0, "A hit");
		p2_same(&r_ref_a, &r, "A hit after C");
	}
	if (test__start_subtest("asis_flag")) {
		ASSERT_OK(p2_run(&f, 4444, &r), "E miss");
		ASSERT_OK(p2_run(&f, 4444, &r), "E hit");
		ASSERT_EQ(r.c.x.steps, 0, "E hit");
		p2_same(&r_ref_e, &r, "E hit (write-back)");
		ASSERT_OK(p2_run(&f, 3333, &r), "B");
		ASSERT_OK(p2_run(&f, 3333, &r), "B hit");
		ASSERT_EQ(r.c.x.steps, 0, "B hit");
		ASSERT_EQ(p2_entry_asis(&f, 3333), 1, "B's entry: leaves as it came");
		ASSERT_EQ(p2_entry_asis(&f, 4444), 0, "E's entry: ttl rewritten");
	}
cleanup:
	compiler_free(c);
	pl_fix_close(&f);
}
