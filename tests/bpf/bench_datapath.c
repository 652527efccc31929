// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Datapath benchmark (tests/bench/run.sh; skipped unless OVNBPF_BENCH=1):
 * ns per packet through BPF_PROG_TEST_RUN, as the kernel reports it
 * (duration of REPEAT runs / REPEAT), for a pod->pod IPv4 UDP and ICMP
 * packet on one logical switch through the real compiled pipeline -- with
 * the exact-match cache (steady state: hits) and without it (every packet
 * misses) -- side by side with an empty tc program and a bare bpf_redirect.  It measures and
 * reports; the only assertions are that each program gives the verdict a
 * delivered packet must get (otherwise the numbers would be meaningless).
 *
 *   OVNBPF_BENCH_SB   SB database file (written by ovn-northd)
 *   OVNBPF_BENCH_A/B  "logical_port MAC IPv4" of the sending / receiving pod
 *   OVNBPF_BENCH_REPEAT  runs per measurement (default 1000000)
 *   OVNBPF_BENCH_ROUNDS  measurements per program, median printed (default 3)
 *   OVNBPF_BENCH_ONLY    time only this program (e.g. "ovnbpf", to profile it)
 *
 * Lines "BENCH <prog> <pkt> ns=<median> runs=<r1,r2,..> insns= xlated= jited="
 * are what run.sh parses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/compile_sb.h"
#include "tests/bpf/pkt.h"
#include "tests/unit/sb_corpus.h"
#include "bench_base.skel.h"

#define LO		1	/* BPF_PROG_TEST_RUN's skb comes from lo */
#define OTHER_IFINDEX	2	/* the receiver; never really redirected to */
#define MAX_ROUNDS	15

struct bench_pod {
	char port[128];
	uint8_t mac[6];
	uint32_t ip;
};

struct bench_prog {
	const char *name;
	int fd;
	__u32 insns, xlated, jited;
};

static struct bench_pod pod_a, pod_b;

static int parse_pod(const char *var, struct bench_pod *p)
{
	const char *s = getenv(var);
	char mac[32], ip[32];
	unsigned int m[6];
	struct in_addr a;

	if (!s || sscanf(s, "%127s %31s %31s", p->port, mac, ip) != 3 ||
	    sscanf(mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6 ||
	    inet_pton(AF_INET, ip, &a) != 1)
		return -1;
	for (int i = 0; i < 6; i++)
		p->mac[i] = m[i];
	p->ip = a.s_addr;
	return 0;
}

static uint32_t pod_ifindex(void *aux, const char *port)
{
	if (!strcmp(port, pod_a.port))
		return LO;
	if (!strcmp(port, pod_b.port))
		return OTHER_IFINDEX;
	return 0;
}

/* Ethernet + IPv4 + ICMP echo request with PLEN payload bytes. */
static size_t pkt_icmp4(uint8_t *b, const uint8_t *dmac, const uint8_t *smac,
			uint32_t sip, uint32_t dip, uint16_t plen)
{
	uint8_t *ic = b + 34;
	uint16_t cs;

	pkt_eth(b, dmac, smac, 0x0800);
	pkt_ip4(b + 14, 1, sip, dip, 8 + plen);
	memset(ic, 0, 8);
	ic[0] = 8;
	ic[5] = 1;	/* id 1 */
	ic[7] = 1;	/* seq 1 */
	memset(ic + 8, 0x5a, plen);
	cs = pkt_fold(pkt_sum(ic, 8 + plen, 0));
	ic[2] = cs >> 8;
	ic[3] = cs & 0xff;
	return 34 + 8 + plen;
}

static void prog_stats(struct bench_prog *p, const char *log)
{
	struct bpf_prog_info info = {};
	__u32 ilen = sizeof(info);
	const char *s = strstr(log, "processed ");

	p->insns = s ? strtoul(s + 10, NULL, 10) : 0;
	if (!bpf_obj_get_info_by_fd(p->fd, &info, &ilen)) {
		p->xlated = info.xlated_prog_len;
		p->jited = info.jited_prog_len;
	}
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/* ROUNDS measurements of REPEAT runs each; prints and checks the verdict. */
static void measure(struct bench_prog *p, const char *pkt_name, const uint8_t *pkt,
		    __u32 len, __u32 repeat, int rounds, __u32 want_ret, struct pl_fix *f)
{
	struct ovn_ctx ctx = {};
	__u32 ns[MAX_ROUNDS], sorted[MAX_ROUNDS];
	char runs[MAX_ROUNDS * 12] = "";
	const char *only = getenv("OVNBPF_BENCH_ONLY");
	size_t off = 0;

	/* OVNBPF_BENCH_ONLY=NAME: time that program alone (for profiling). */
	if (only && *only && strcmp(only, p->name))
		return;
	for (int r = 0; r < rounds; r++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len,
			    .repeat = repeat);

		if (!ASSERT_OK(bpf_prog_test_run_opts(p->fd, &o), "test_run"))
			return;
		if (!ASSERT_EQ(o.retval, want_ret, "verdict")) {
			if (f && !pl_read_ctx(f, &ctx))
				printf("  %s %s: drop reason %u\n", p->name, pkt_name,
				       ctx.x.drop_reason);
			return;
		}
		ns[r] = o.duration;
		off += snprintf(runs + off, sizeof(runs) - off, "%s%u", r ? "," : "", ns[r]);
	}
	memcpy(sorted, ns, sizeof(ns));
	qsort(sorted, rounds, sizeof(sorted[0]), cmp_u32);
	/* The pipeline's bpf_loop steps for this packet (stage entries,
	 * subtable probes, ops): what its cost scales with. */
	if (f && pl_read_ctx(f, &ctx))
		memset(&ctx, 0, sizeof(ctx));
	printf("BENCH %s %s ns=%u runs=%s insns=%u xlated=%u jited=%u steps=%u\n", p->name,
	       pkt_name, sorted[rounds / 2], runs, p->insns, p->xlated, p->jited, ctx.x.steps);
}

/* A packet the pipeline rewrites in place (the ARP request becomes the
 * reply): BPF_PROG_TEST_RUN's repeat would run the later rounds on the
 * reply, so time single runs instead, median of SINGLES per round. */
#define SINGLES 2001
static void measure_single(struct bench_prog *p, const char *pkt_name, const uint8_t *pkt,
			   __u32 len, int rounds, __u32 want_ret, struct pl_fix *f)
{
	static __u32 d[SINGLES];
	__u32 ns[MAX_ROUNDS], sorted[MAX_ROUNDS];
	char runs[MAX_ROUNDS * 12] = "";
	struct ovn_ctx ctx = {};
	size_t off = 0;

	for (int r = 0; r < rounds; r++) {
		for (int i = 0; i < SINGLES; i++) {
			LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len,
				    .repeat = 1);

			if (!ASSERT_OK(bpf_prog_test_run_opts(p->fd, &o), "test_run"))
				return;
			if (!ASSERT_EQ(o.retval, want_ret, "verdict"))
				return;
			d[i] = o.duration;
		}
		qsort(d, SINGLES, sizeof(d[0]), cmp_u32);
		ns[r] = d[SINGLES / 2];
		off += snprintf(runs + off, sizeof(runs) - off, "%s%u", r ? "," : "", ns[r]);
	}
	memcpy(sorted, ns, sizeof(ns));
	qsort(sorted, rounds, sizeof(sorted[0]), cmp_u32);
	if (f && pl_read_ctx(f, &ctx))
		memset(&ctx, 0, sizeof(ctx));
	printf("BENCH %s %s ns=%u runs=%s insns=%u xlated=%u jited=%u steps=%u (median of %d single runs)\n",
	       p->name, pkt_name, sorted[rounds / 2], runs, p->insns, p->xlated, p->jited,
	       ctx.x.steps, SINGLES);
}

static char base_log[2][1 << 16];

void test_bench_datapath(void)
{
	const char *sb = getenv("OVNBPF_BENCH_SB");
	__u32 repeat = getenv("OVNBPF_BENCH_REPEAT") ? atoi(getenv("OVNBPF_BENCH_REPEAT")) : 1000000;
	int rounds = getenv("OVNBPF_BENCH_ROUNDS") ? atoi(getenv("OVNBPF_BENCH_ROUNDS")) : 3;
	struct compile_opts co = { 0 };
	struct bench_base *base = NULL;
	struct compiler *c = NULL;
	struct bench_prog progs[4];
	uint8_t udp[128], icmp[128], arp[64];
	size_t udp_len, icmp_len, arp_len;
	struct pl_fix f;
	json_t *db;
	size_t n;

	if (!getenv("OVNBPF_BENCH") || strcmp(getenv("OVNBPF_BENCH"), "1")) {
		test__skip("OVNBPF_BENCH=1 not set (run tests/bench/run.sh)");
		return;
	}
	if (!env.has_root) {
		test__skip("needs root to load BPF");
		return;
	}
	if (rounds < 1 || rounds > MAX_ROUNDS)
		rounds = 3;
	if (!ASSERT_OK_PTR(sb, "OVNBPF_BENCH_SB") ||
	    !ASSERT_OK(parse_pod("OVNBPF_BENCH_A", &pod_a), "OVNBPF_BENCH_A") ||
	    !ASSERT_OK(parse_pod("OVNBPF_BENCH_B", &pod_b), "OVNBPF_BENCH_B"))
		return;
	db = sb_corpus_load(sb);
	if (!ASSERT_OK_PTR(db, "load SB"))
		return;

	/* The real pipeline: the whole SB compiled into an unpinned datapath. */
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		goto out_db;
	if (!ASSERT_OK(compiler_new(f.w, &co, &c), "compiler_new"))
		goto out;
	n = compile_sb_load(db, c, pod_ifindex, NULL);
	if (!ASSERT_GT(n, 0, "logical flows") || !ASSERT_OK(compile_commit(c), "commit"))
		goto out;
	progs[0] = (struct bench_prog){ .name = "ovnbpf", .fd = f.prog_fd,
		.insns = f.verifier_insns, .xlated = f.xlated_len, .jited = f.jited_len };

	/* The baselines. */
	base = bench_base__open();
	if (!ASSERT_OK_PTR(base, "bench_base open"))
		goto out;
	base->rodata->bench_out_ifindex = OTHER_IFINDEX;
	bpf_program__set_log_buf(base->progs.bench_ok, base_log[0], sizeof(base_log[0]));
	bpf_program__set_log_level(base->progs.bench_ok, 4);
	bpf_program__set_log_buf(base->progs.bench_redirect, base_log[1], sizeof(base_log[1]));
	bpf_program__set_log_level(base->progs.bench_redirect, 4);
	if (!ASSERT_OK(bench_base__load(base), "bench_base load"))
		goto out;
	progs[1] = (struct bench_prog){ .name = "tc_ok", .fd = bpf_program__fd(base->progs.bench_ok) };
	prog_stats(&progs[1], base_log[0]);
	progs[2] = (struct bench_prog){ .name = "tc_redirect",
		.fd = bpf_program__fd(base->progs.bench_redirect) };
	prog_stats(&progs[2], base_log[1]);

	udp_len = pkt_udp4(udp, pod_b.mac, pod_a.mac, pod_a.ip, pod_b.ip, 40000, 5201, 18);
	icmp_len = pkt_icmp4(icmp, pod_b.mac, pod_a.mac, pod_a.ip, pod_b.ip, 56);
	/* A's ARP request for B's address: answered by ls_in_arp_rsp, the
	 * reply goes back out A (session 6: its miss cost, see the ARP
	 * responder's residual cell in maps/pipeline.h). */
	arp_len = pkt_arp(arp, (const uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, pod_a.mac,
			  1, pod_a.mac, pod_a.ip, (const uint8_t[6]){ 0 }, pod_b.ip);
	printf("BENCH_INFO flows=%zu repeat=%u rounds=%d udp_len=%zu icmp_len=%zu\n", n, repeat,
	       rounds, udp_len, icmp_len);

	/* "ovnbpf": the exact-match cache on, as deployed -- the first run
	 * of each round misses, the other REPEAT - 1 hit.  "ovnbpf_miss":
	 * the cache off, every packet runs the whole pipeline. */
	progs[3] = progs[0];
	progs[3].name = "ovnbpf_miss";
	for (int k = 0; k < 3; k++) {
		const char *pn = k == 2 ? "arp" : k ? "icmp" : "udp";
		const uint8_t *pkt = k == 2 ? arp : k ? icmp : udp;
		__u32 plen = k == 2 ? arp_len : k ? icmp_len : udp_len;

		if (k == 2) {
			/* The reply leaves by A's own interface. */
			ASSERT_OK(ovnbpf_cache_enable(f.w, false), "cache off");
			measure_single(&progs[3], pn, pkt, plen, rounds, TC_ACT_REDIRECT, &f);
			ASSERT_OK(ovnbpf_cache_enable(f.w, true), "cache on");
			measure_single(&progs[0], pn, pkt, plen, rounds, TC_ACT_REDIRECT, &f);
			break;
		}

		ASSERT_OK(ovnbpf_cache_enable(f.w, true), "cache on");
		measure(&progs[0], pn, pkt, plen, repeat, rounds, TC_ACT_REDIRECT, &f);
		ASSERT_OK(ovnbpf_cache_enable(f.w, false), "cache off");
		measure(&progs[3], pn, pkt, plen, repeat, rounds, TC_ACT_REDIRECT, &f);
		ASSERT_OK(ovnbpf_cache_enable(f.w, true), "cache on");
		measure(&progs[1], pn, pkt, plen, repeat, rounds, TC_ACT_OK, NULL);
		measure(&progs[2], pn, pkt, plen, repeat, rounds, TC_ACT_REDIRECT, NULL);
	}
out:
	bench_base__destroy(base);
	compiler_free(c);
	pl_fix_close(&f);
out_db:
	json_decref(db);
}
