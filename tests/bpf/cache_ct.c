// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Conntrack guards of the exact-match cache (bpf/lib/cache_ct.h) through
 * BPF_PROG_TEST_RUN.
 *
 * 1. A stateful switch, flows as northd writes them for allow-related
 *    ACLs (compiled by the real compiler).  Switch dp 1, VIF ports p1
 *    (zone 1, the test's interface lo: every packet enters there) and p2
 *    (zone 2); the client sends with eth.src MAC1, the server with MAC2
 *    (from lo too: the ingress zone sees it as the reply direction):
 *
 *      ls_in t0       ip                                ct_next;
 *      ls_in t1 65535 ct.inv || (ct.est && ct.rpl && ct_mark.blocked == 1)   drop;
 *               65534 ct.est && !ct.rel && !ct.new && !ct.inv && ct.rpl
 *                     && ct_mark.blocked == 0            next;
 *               65533 !ct.est && ct.rel && !ct.new && !ct.inv
 *                     && ct_mark.blocked == 0            next;
 *                2000 ct.new && udp.dst == 7777           drop;   (the ACL)
 *                1001 ct.new && eth.src == MAC1          ct_commit { ct_mark.blocked = 0;
 *                                                        ct_label.label = 5; }; next;
 *                1000 ct.est && !ct.rpl && ct_mark.blocked == 0   next;
 *                   1 ip                                 drop;
 *      ls_in t2       1                                  outport = "p2"; output;
 *      ls_out t0      ip                                 ct_next;
 *      ls_out t1      ct.new   ct_commit; next;   ct.inv  drop;
 *
 * 2. A routed path from a real northd SB (corpus scale-lsp-10x10: one
 *    router, ten switches with two allow-related ACLs per port): ls1-p1 ->
 *    lr0 -> ls2-p1.
 *
 * Each sequence runs twice from an empty conntrack table, cache off and
 * cache on; every packet must get the same verdict, drop reason,
 * deliveries and bytes, and the conntrack table must end up the same
 * (states, marks, labels, NAT, packet and byte counters: every ct op runs
 * exactly once per packet, hit or miss).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/compile_sb.h"
#include "tests/bpf/pkt.h"
#include "tests/bpf/pl_flows.h"
#include "tests/unit/sb_corpus.h"
#include "loader/compile.h"
#include "ovnbpf_vif.skel.h"

#define LO 1

static const uint8_t MAC1[6] = { 0x0a, 0, 0, 0, 0, 1 };
static const uint8_t MAC2[6] = { 0x0a, 0, 0, 0, 0, 2 };

#define S_NEW (1u << OVN_CS_NEW)
#define S_EST (1u << OVN_CS_EST)
#define S_RPL (1u << OVN_CS_RPL)
#define S_INV (1u << OVN_CS_INV)
#define S_REL (1u << OVN_CS_REL)

static uint32_t ip4a(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return htonl((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
}

#define A ip4a(10, 0, 0, 1)
#define B ip4a(10, 0, 0, 2)

struct cc_fix {
	struct pl_fix f;
	struct compiler *c;
	int ct_fd;
};

static struct ovn_ctx ctx;

static int sw_setup(struct cc_fix *x)
{
	struct compile_opts o = { 0 };
	int err = 0;

	memset(x, 0, sizeof(*x));
	if (pl_fix_open(&x->f))
		return -1;
	x->ct_fd = bpf_map__fd(x->f.skel->maps.ovn_ct);
	if (compiler_new(x->f.w, &o, &x->c))
		return -1;
	err |= pl_switch_p1p2(x->c, LO);
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 0, 100, "ip", "ct_next;");
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 0, 0, "1", "next;");
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 1, 65535,
		       "ct.inv || (ct.est && ct.rpl && ct_mark.blocked == 1)", "drop;");
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 1, 65534,
		       "ct.est && !ct.rel && !ct.new && !ct.inv && ct.rpl && ct_mark.blocked == 0",
		       "next;");
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 1, 65533,
		       "!ct.est && ct.rel && !ct.new && !ct.inv && ct_mark.blocked == 0", "next;");
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 1, 2000, "ct.new && udp.dst == 7777", "drop;");
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 1, 1001,
		       "ct.new && eth.src == 0a:00:00:00:00:01",
		       "ct_commit { ct_mark.blocked = 0; ct_label.label = 5; }; next;");
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 1, 1000,
		       "ct.est && !ct.rpl && ct_mark.blocked == 0", "next;");
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 1, 1, "ip", "drop;");
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 1, 0, "1", "next;");
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 2, 0, "1", "outport = \"p2\"; output;");
	err |= pl_flow_fill(x->c, 1, OVN_PIPE_INGRESS, 3, OVN_LS_IN_TABLES, "output;");
	err |= pl_flow(x->c, 1, OVN_PIPE_EGRESS, 0, 100, "ip", "ct_next;");
	err |= pl_flow(x->c, 1, OVN_PIPE_EGRESS, 0, 0, "1", "next;");
	err |= pl_flow(x->c, 1, OVN_PIPE_EGRESS, 1, 100, "ct.new", "ct_commit; next;");
	err |= pl_flow(x->c, 1, OVN_PIPE_EGRESS, 1, 90, "ct.inv", "drop;");
	err |= pl_flow(x->c, 1, OVN_PIPE_EGRESS, 1, 0, "1", "next;");
	err |= pl_flow_fill(x->c, 1, OVN_PIPE_EGRESS, 2, OVN_LS_OUT_TABLES, "output;");
	err |= compile_commit(x->c);
	return err ? -1 : 0;
}

static void fix_close(struct cc_fix *x)
{
	compiler_free(x->c);
	pl_fix_close(&x->f);
}

/* ---- packets ---- */

static size_t tcp4(uint8_t *b, const uint8_t *smac, uint32_t s, uint32_t d, uint16_t sp,
		   uint16_t dp, uint8_t flags)
{
	return pkt_tcp4(b, smac == MAC1 ? MAC2 : MAC1, smac, s, d, sp, dp, flags);
}

static size_t udp4(uint8_t *b, const uint8_t *smac, uint32_t s, uint32_t d, uint16_t sp,
		   uint16_t dp, uint16_t plen)
{
	return pkt_udp4(b, smac == MAC1 ? MAC2 : MAC1, smac, s, d, sp, dp, plen);
}

/* ICMP echo (type 8 request / 0 reply) with identifier ID. */
static size_t echo4(uint8_t *b, const uint8_t *smac, uint32_t s, uint32_t d, uint8_t type,
		    uint16_t id)
{
	return pkt_echo4(b, smac == MAC1 ? MAC2 : MAC1, smac, s, d, type, id);
}

/* ICMP port unreachable from S to D quoting a UDP packet INNER_S ->
 * INNER_D (ports ISP -> IDP). */
static size_t unreach4(uint8_t *b, const uint8_t *smac, uint32_t s, uint32_t d, uint32_t inner_s,
		       uint32_t inner_d, uint16_t isp, uint16_t idp)
{
	uint8_t *t = b + 34, *in = t + 8;

	pkt_eth(b, smac == MAC1 ? MAC2 : MAC1, smac, 0x0800);
	pkt_ip4(b + 14, 1, s, d, 8 + 28);
	memset(t, 0, 8);
	t[0] = 3;
	t[1] = 3;
	pkt_ip4(in, 17, inner_s, inner_d, 8);
	in[20] = isp >> 8; in[21] = isp & 0xff;
	in[22] = idp >> 8; in[23] = idp & 0xff;
	in[24] = 0; in[25] = 8; in[26] = in[27] = 0;
	return 34 + 8 + 28;
}

/* ---- running ---- */

struct res {
	uint32_t ret, olen, steps, reason, n_out, ct_state;
	uint32_t n_vif, vif[OVN_OUT_LOG];	/* deliveries to VIFs (n_out also
						 * logs patch-port hops, which a
						 * cache hit does not take) */
	uint8_t out[256];
};

static int run(struct pl_fix *f, const void *pkt, uint32_t len, struct res *r)
{
	int err;

	memset(r, 0, sizeof(*r));
	r->olen = sizeof(r->out);
	err = bpf_test_run_skb(f->prog_fd, pkt, len, &r->ret, r->out, &r->olen);
	if (!err)
		err = pl_read_ctx(f, &ctx);
	if (err)
		return err;
	r->steps = ctx.x.steps;
	r->reason = ctx.x.drop_reason;
	r->n_out = ctx.x.n_out;
	r->ct_state = ntohl(ctx.md.ct_state);
	for (uint32_t i = 0; i < ctx.x.n_out && i < OVN_OUT_LOG; i++)
		if (ctx.x.out_ifindex[i])
			r->vif[r->n_vif++] = ctx.x.out_ifindex[i];
	return 0;
}

static struct ovn_cache_stats cstats(struct pl_fix *f)
{
	struct ovn_cache_stats s;

	if (ovnbpf_cache_read_stats(&f->m, &s, NULL, NULL))
		memset(&s, 0xff, sizeof(s));
	return s;
}

static int ct_flush(int fd)
{
	struct ovn_ct_key k;

	while (!bpf_map_get_next_key(fd, NULL, &k))
		if (bpf_map_delete_elem(fd, &k))
			return -1;
	return 0;
}

/* The conntrack table without its clocks, sorted: what two runs of the
 * same packets must agree on. */
struct ct_row {
	struct ovn_ct_key k;
	struct ovn_ct_entry e;
};

#define MAX_ROWS 64

static int ct_rows_cmp(const void *a, const void *b)
{
	return memcmp(&((const struct ct_row *)a)->k, &((const struct ct_row *)b)->k,
		      sizeof(struct ovn_ct_key));
}

static int ct_dump(int fd, struct ct_row *rows)
{
	struct ovn_ct_key k, nk;
	void *prev = NULL;
	int n = 0;

	while (n < MAX_ROWS && !bpf_map_get_next_key(fd, prev, &nk)) {
		k = nk;
		prev = &k;
		rows[n].k = k;
		if (bpf_map_lookup_elem(fd, &k, &rows[n].e))
			continue;
		rows[n].e.created_ns = rows[n].e.last_seen_ns = 0;
		if (rows[n].e.kind == OVN_CT_K_CONN)
			rows[n].e.expires_ns = 0;
		n++;
	}
	qsort(rows, n, sizeof(*rows), ct_rows_cmp);
	return n;
}

struct pkt {
	uint8_t b[128];
	uint32_t len;
	const char *what;
};

/* Run the NP packets from an empty conntrack table with the cache off,
 * then again with it on; same results, same table.  Returns the hits of
 * the cached pass. */
static uint64_t equivalence(struct cc_fix *x, const struct pkt *p, int np, struct res *ref,
			    struct res *got)
{
	static struct ct_row rows_ref[MAX_ROWS], rows_got[MAX_ROWS];
	struct ovn_cache_stats s0, s1;
	int i, nr, ng;

	ASSERT_OK(ct_flush(x->ct_fd), "flush");
	ASSERT_OK(ovnbpf_cache_enable(x->f.w, false), "cache off");
	for (i = 0; i < np; i++)
		ASSERT_OK(run(&x->f, p[i].b, p[i].len, &ref[i]), p[i].what);
	nr = ct_dump(x->ct_fd, rows_ref);
	ASSERT_OK(ct_flush(x->ct_fd), "flush");
	ASSERT_OK(ovnbpf_cache_enable(x->f.w, true), "cache on");
	s0 = cstats(&x->f);
	for (i = 0; i < np; i++)
		ASSERT_OK(run(&x->f, p[i].b, p[i].len, &got[i]), p[i].what);
	s1 = cstats(&x->f);
	ng = ct_dump(x->ct_fd, rows_got);
	for (i = 0; i < np; i++) {
		printf("  %-28s ref: ret %u reason %u ct 0x%02x steps %u | cache: ret %u reason %u ct 0x%02x steps %u\n",
		       p[i].what, ref[i].ret, ref[i].reason, ref[i].ct_state, ref[i].steps,
		       got[i].ret, got[i].reason, got[i].ct_state, got[i].steps);
		ASSERT_EQ(got[i].ret, ref[i].ret, p[i].what);
		ASSERT_EQ(got[i].reason, ref[i].reason, p[i].what);
		if (ASSERT_EQ(got[i].n_vif, ref[i].n_vif, p[i].what))
			ASSERT_MEMEQ(got[i].vif, ref[i].vif, ref[i].n_vif * 4, p[i].what);
		if (ASSERT_EQ(got[i].olen, ref[i].olen, p[i].what))
			ASSERT_MEMEQ(got[i].out, ref[i].out, ref[i].olen, p[i].what);
	}
	if (ASSERT_EQ(ng, nr, "same number of conntrack entries"))
		for (i = 0; i < nr; i++)
			ASSERT_MEMEQ(&rows_got[i], &rows_ref[i], sizeof(rows_ref[i]),
				     "same conntrack entry (state, mark, label, counters)");
	printf("  cached pass: hits %llu (ct %llu) ct_miss %llu misses %llu uncacheable %llu\n",
	       (unsigned long long)(s1.hits - s0.hits),
	       (unsigned long long)(s1.ct_hits - s0.ct_hits),
	       (unsigned long long)(s1.ct_miss - s0.ct_miss),
	       (unsigned long long)(s1.misses - s0.misses),
	       (unsigned long long)(s1.uncacheable - s0.uncacheable));
	return s1.hits - s0.hits;
}

static struct pkt seq[40];
static struct res ref[40], got[40];

#define P(expr, name)						\
	do {							\
		seq[np].len = (expr);				\
		seq[np].what = (name);				\
		np++;						\
	} while (0)

static void sub_stateful_hits(struct cc_fix *x)
{
	struct ovn_cache_stats s0, s1;
	uint8_t b[128], r[128];
	uint32_t len, rlen;
	struct res a;
	int i;

	ASSERT_OK(ct_flush(x->ct_fd), "flush");
	ASSERT_OK(ovnbpf_cache_enable(x->f.w, true), "cache on");
	/* UDP client -> server, then the reply: from then on the client's
	 * packets are +est and hit the cache. */
	len = udp4(b, MAC1, A, B, 1000, 53, 8);
	rlen = udp4(r, MAC2, B, A, 53, 1000, 8);
	ASSERT_OK(run(&x->f, b, len, &a), "first");
	ASSERT_EQ(a.ret, TC_ACT_REDIRECT, "first delivered");
	ASSERT_OK(run(&x->f, r, rlen, &a), "reply");
	ASSERT_EQ(a.ret, TC_ACT_REDIRECT, "reply delivered");
	ASSERT_EQ(a.ct_state & (S_EST | S_RPL), S_EST | S_RPL, "reply +est+rpl");
	ASSERT_OK(run(&x->f, b, len, &a), "est, pipeline");
	ASSERT_GT(a.steps, 0, "first +est packet runs the pipeline");
	s0 = cstats(&x->f);
	for (i = 0; i < 5; i++) {
		ASSERT_OK(run(&x->f, b, len, &a), "est");
		ASSERT_EQ(a.steps, 0, "+est packet answered by the cache");
		ASSERT_EQ(a.ret, TC_ACT_REDIRECT, "delivered");
	}
	s1 = cstats(&x->f);
	ASSERT_EQ(s1.ct_hits, s0.ct_hits + 5, "five guarded hits");
	/* Replies hit too. */
	ASSERT_OK(run(&x->f, r, rlen, &a), "reply");
	ASSERT_OK(run(&x->f, r, rlen, &a), "reply");
	ASSERT_EQ(a.steps, 0, "reply answered by the cache");
}

static void sub_state_changes(struct cc_fix *x)
{
	struct ovn_cache_stats s0, s1;
	uint8_t b[128], r[128], syn[128], ack[128], rst[128];
	uint32_t len, rlen, lsyn, lack, lrst;
	struct ovn_ct_key k = { .zone = 1, .proto = 17, .family = 4, .sport = htons(1000),
				.dport = htons(53) };
	struct ovn_ct_entry e;
	struct res a;

	ASSERT_OK(ct_flush(x->ct_fd), "flush");
	len = udp4(b, MAC1, A, B, 1000, 53, 8);
	rlen = udp4(r, MAC2, B, A, 53, 1000, 8);
	ASSERT_OK(run(&x->f, b, len, &a), "new");
	ASSERT_OK(run(&x->f, r, rlen, &a), "reply");
	ASSERT_OK(run(&x->f, b, len, &a), "est");
	ASSERT_OK(run(&x->f, b, len, &a), "est");
	ASSERT_EQ(a.steps, 0, "cached");

	/* Conntrack flush: the guard sees +new, a miss; the pipeline
	 * commits the connection again. */
	ASSERT_OK(ct_flush(x->ct_fd), "flush");
	s0 = cstats(&x->f);
	ASSERT_OK(run(&x->f, b, len, &a), "after flush");
	s1 = cstats(&x->f);
	ASSERT_EQ(s1.ct_miss, s0.ct_miss + 1, "flush: guard differs");
	ASSERT_GT(a.steps, 0, "pipeline ran");
	ASSERT_EQ(a.ct_state & (S_NEW | S_EST), S_NEW, "+new again");
	memcpy(k.src, &(uint32_t){ A }, 4);
	memcpy(k.dst, &(uint32_t){ B }, 4);
	if (ASSERT_OK(bpf_map_lookup_elem(x->ct_fd, &k, &e), "committed again"))
		ASSERT_EQ(e.packets[0], 1, "counted once (not by the check and the pipeline)");

	/* ct_mark change: the reply direction's entry is cached as
	 * allowed; ct_mark.blocked = 1 on the connection makes it drop. */
	ASSERT_OK(run(&x->f, r, rlen, &a), "reply");
	ASSERT_OK(run(&x->f, r, rlen, &a), "reply");
	ASSERT_EQ(a.steps, 0, "reply cached");
	ASSERT_EQ(a.ret, TC_ACT_REDIRECT, "reply delivered");
	if (ASSERT_OK(bpf_map_lookup_elem(x->ct_fd, &k, &e), "entry")) {
		e.mark |= 1;	/* ct_mark.blocked */
		ASSERT_OK(bpf_map_update_elem(x->ct_fd, &k, &e, BPF_EXIST), "set blocked");
	}
	s0 = cstats(&x->f);
	ASSERT_OK(run(&x->f, r, rlen, &a), "reply, blocked");
	s1 = cstats(&x->f);
	ASSERT_EQ(s1.ct_miss, s0.ct_miss + 1, "ct_mark change: guard differs");
	ASSERT_EQ(a.ret, TC_ACT_SHOT, "blocked reply dropped");
	ASSERT_EQ(a.reason, DROP_STAGE_ACTION, "by the ACL stage");
	ASSERT_OK(run(&x->f, r, rlen, &a), "reply, blocked");
	ASSERT_EQ(a.steps, 0, "the drop is cached");
	ASSERT_EQ(a.ret, TC_ACT_SHOT, "still dropped");

	/* TCP: handshake, then established packets hit; an RST closes the
	 * connection and the next SYN starts a new one (miss, +new). */
	ASSERT_OK(ct_flush(x->ct_fd), "flush");
	lsyn = tcp4(syn, MAC1, A, B, 2000, 80, 0x02);
	lack = tcp4(ack, MAC1, A, B, 2000, 80, 0x10);
	lrst = tcp4(rst, MAC2, B, A, 80, 2000, 0x14);
	ASSERT_OK(run(&x->f, syn, lsyn, &a), "syn");
	ASSERT_EQ(a.ret, TC_ACT_REDIRECT, "syn delivered");
	rlen = tcp4(r, MAC2, B, A, 80, 2000, 0x12);
	ASSERT_OK(run(&x->f, r, rlen, &a), "syn-ack");
	ASSERT_OK(run(&x->f, ack, lack, &a), "ack");
	ASSERT_OK(run(&x->f, ack, lack, &a), "ack");
	ASSERT_EQ(a.steps, 0, "established ACKs hit");
	ASSERT_EQ(a.ret, TC_ACT_REDIRECT, "delivered");
	ASSERT_OK(run(&x->f, rst, lrst, &a), "rst");
	ASSERT_EQ(a.ret, TC_ACT_REDIRECT, "rst delivered");
	/* After the RST the connection is closed but still +est for ACKs
	 * (netfilter keeps it until the timeout): same guard result, hit. */
	ASSERT_OK(run(&x->f, syn, lsyn, &a), "syn after rst");
	ASSERT_EQ(a.ct_state & (S_NEW | S_EST), S_NEW, "new connection");
	ASSERT_EQ(a.ret, TC_ACT_REDIRECT, "new SYN delivered");

	/* ACL change: a new rule version makes every entry stale. */
	ASSERT_OK(run(&x->f, ack, lack, &a), "ack");
	ASSERT_OK(pl_flow(x->c, 1, OVN_PIPE_INGRESS, 1, 2001, "tcp.dst == 80", "drop;"), "acl");
	ASSERT_OK(compile_commit(x->c), "commit");
	s0 = cstats(&x->f);
	ASSERT_OK(run(&x->f, ack, lack, &a), "ack after ACL change");
	s1 = cstats(&x->f);
	ASSERT_EQ(s1.stale, s0.stale + 1, "entry stale after the ACL change");
	ASSERT_EQ(a.ret, TC_ACT_SHOT, "new ACL drops");
	ASSERT_EQ(a.reason, DROP_STAGE_ACTION, "by the ACL");
	ASSERT_OK(compile_flow_del(x->c, pl_flow_last_uuid()), "del acl");
	ASSERT_OK(compile_commit(x->c), "commit");
}

static void sub_equivalence(struct cc_fix *x)
{
	int np = 0, i;
	uint64_t hits;

	/* UDP: new, new again, reply, est x3, reply x2 */
	P(udp4(seq[np].b, MAC1, A, B, 1000, 53, 8), "udp new");
	P(udp4(seq[np].b, MAC1, A, B, 1000, 53, 8), "udp new again");
	P(udp4(seq[np].b, MAC2, B, A, 53, 1000, 8), "udp reply");
	for (i = 0; i < 3; i++)
		P(udp4(seq[np].b, MAC1, A, B, 1000, 53, 20 + i), "udp est");
	P(udp4(seq[np].b, MAC2, B, A, 53, 1000, 8), "udp reply 2");
	P(udp4(seq[np].b, MAC2, B, A, 53, 1000, 8), "udp reply 3");
	/* related: an ICMP error about the UDP connection, twice */
	P(unreach4(seq[np].b, MAC2, B, A, A, B, 1000, 53), "icmp error related");
	P(unreach4(seq[np].b, MAC2, B, A, A, B, 1000, 53), "icmp error related 2");
	/* ... and about nothing: invalid */
	P(unreach4(seq[np].b, MAC2, B, A, A, B, 1001, 53), "icmp error unrelated");
	P(unreach4(seq[np].b, MAC2, B, A, A, B, 1001, 53), "icmp error unrelated 2");
	/* denied by the ACL, twice */
	P(udp4(seq[np].b, MAC1, A, B, 1000, 7777, 8), "acl drop");
	P(udp4(seq[np].b, MAC1, A, B, 1000, 7777, 8), "acl drop 2");
	/* server-initiated: default deny */
	P(udp4(seq[np].b, MAC2, B, A, 5000, 6000, 8), "server new: drop");
	P(udp4(seq[np].b, MAC2, B, A, 5000, 6000, 8), "server new: drop 2");
	/* TCP handshake, data, FIN both ways, invalid flags */
	P(tcp4(seq[np].b, MAC1, A, B, 2000, 80, 0x02), "tcp syn");
	P(tcp4(seq[np].b, MAC2, B, A, 80, 2000, 0x12), "tcp syn-ack");
	P(tcp4(seq[np].b, MAC1, A, B, 2000, 80, 0x10), "tcp ack");
	P(tcp4(seq[np].b, MAC1, A, B, 2000, 80, 0x10), "tcp ack 2");
	P(tcp4(seq[np].b, MAC2, B, A, 80, 2000, 0x10), "tcp ack reply");
	P(tcp4(seq[np].b, MAC2, B, A, 80, 2000, 0x10), "tcp ack reply 2");
	P(tcp4(seq[np].b, MAC1, A, B, 2000, 80, 0x11), "tcp fin");
	P(tcp4(seq[np].b, MAC2, B, A, 80, 2000, 0x11), "tcp fin reply");
	P(tcp4(seq[np].b, MAC1, A, B, 2000, 80, 0x10), "tcp last ack");
	P(tcp4(seq[np].b, MAC1, A, B, 2000, 80, 0x10), "tcp ack after close");
	P(tcp4(seq[np].b, MAC1, A, B, 2000, 80, 0x03), "tcp syn+fin invalid");
	P(tcp4(seq[np].b, MAC1, A, B, 2000, 80, 0x03), "tcp syn+fin invalid 2");
	P(tcp4(seq[np].b, MAC1, A, B, 2001, 80, 0x04), "tcp rst, no conn");
	/* ICMP echo: ids are not in the cache key, their tuples differ */
	P(echo4(seq[np].b, MAC1, A, B, 8, 7), "echo id 7");
	P(echo4(seq[np].b, MAC2, B, A, 0, 7), "echo reply id 7");
	P(echo4(seq[np].b, MAC1, A, B, 8, 7), "echo id 7 again");
	P(echo4(seq[np].b, MAC1, A, B, 8, 8), "echo id 8 (same key)");
	P(echo4(seq[np].b, MAC1, A, B, 8, 7), "echo id 7 again");
	P(echo4(seq[np].b, MAC2, B, A, 0, 9), "echo reply id 9: invalid");
	P(echo4(seq[np].b, MAC2, B, A, 0, 7), "echo reply id 7");
	hits = equivalence(x, seq, np, ref, got);
	ASSERT_GT(hits, 8, "the cached pass hit the cache");
}

/* ---- routed: scale-lsp-10x10 ---- */

static uint32_t rt_ifindex(void *aux, const char *port)
{
	(void)aux;
	if (!strcmp(port, "ls1-p1"))
		return LO;
	if (!strcmp(port, "ls2-p1"))
		return 1000;	/* placeholder: BPF_PROG_TEST_RUN redirects nowhere */
	return 0;
}

static void sub_routed(void)
{
	static const uint8_t P1[6] = { 0x0a, 0, 0, 0x01, 0, 0x01 };
	static const uint8_t RTR1[6] = { 0x00, 0, 0x01, 0, 0, 0x01 };
	struct compile_opts o = { 0 };
	struct cc_fix x;
	struct ovn_cache_stats s0, s1;
	char path[512];
	json_t *db;
	int np = 0, i;
	uint64_t hits;

	snprintf(path, sizeof(path), "%s/scale-lsp-10x10.sb.db", sb_corpus_dir());
	db = sb_corpus_load(path);
	if (!db) {
		test__skip("corpus scale-lsp-10x10.sb.db not found");
		return;
	}
	memset(&x, 0, sizeof(x));
	if (!ASSERT_OK(pl_fix_open(&x.f), "pl_fix_open"))
		goto out_db;
	x.ct_fd = bpf_map__fd(x.f.skel->maps.ovn_ct);
	if (!ASSERT_OK(compiler_new(x.f.w, &o, &x.c), "compiler"))
		goto out;
	if (!ASSERT_GT(compile_sb_load(db, x.c, rt_ifindex, NULL), 0, "flows") ||
	    !ASSERT_OK(compile_commit(x.c), "commit"))
		goto out;
	/* ls1-p1 (10.0.1.2) -> 10.0.2.2 (ls2-p1) through lr0 */
	for (i = 0; i < 6; i++)
		P(pkt_udp4(seq[np].b, RTR1, P1, ip4a(10, 0, 1, 2), ip4a(10, 0, 2, 2), 40000, 5201,
			   32), "routed udp");
	for (i = 0; i < 4; i++)
		P(pkt_udp4(seq[np].b, RTR1, P1, ip4a(10, 0, 1, 2), ip4a(10, 0, 2, 2), 40001 + i % 2,
			   5201, 32), "routed udp, two flows");
	hits = equivalence(&x, seq, np, ref, got);
	ASSERT_EQ(ref[0].ret, TC_ACT_REDIRECT, "routed and delivered");
	ASSERT_EQ(got[np - 1].steps, 0, "routed packets answered by the cache");
	ASSERT_GE(hits, 6, "hits");
	/* TTL decremented, MACs rewritten, by the cache too */
	ASSERT_EQ(got[3].out[14 + 8], 63, "ttl decremented");
	{
		static const uint8_t RTR2[6] = { 0x00, 0, 0x01, 0, 0, 0x02 };

		ASSERT_MEMEQ(got[3].out + 6, RTR2, 6, "eth.src = lr0-ls2");
	}
	/* A conntrack flush: the hit's guards commit the connections again. */
	ASSERT_OK(ct_flush(x.ct_fd), "flush");
	s0 = cstats(&x.f);
	ASSERT_OK(run(&x.f, seq[0].b, seq[0].len, &got[0]), "after flush");
	s1 = cstats(&x.f);
	ASSERT_GT(bpf_map_get_next_key(x.ct_fd, NULL, &(struct ovn_ct_key){ 0 }) == 0, 0,
		  "connections committed again");
	printf("  after flush: steps %u, hits +%llu, ct_miss +%llu\n", got[0].steps,
	       (unsigned long long)(s1.hits - s0.hits),
	       (unsigned long long)(s1.ct_miss - s0.ct_miss));
out:
	fix_close(&x);
out_db:
	json_decref(db);
}

void test_cache_ct(void)
{
	struct cc_fix x;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(sw_setup(&x), "setup"))
		goto out;
	if (test__start_subtest("stateful_acl_hits"))
		sub_stateful_hits(&x);
	if (test__start_subtest("state_changes_miss"))
		sub_state_changes(&x);
	if (test__start_subtest("same_results_mixed"))
		sub_equivalence(&x);
out:
	fix_close(&x);
	if (test__start_subtest("routed_hits"))
		sub_routed();
}
