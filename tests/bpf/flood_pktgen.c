// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A multicast fan-out whose members' egress generates packets
 * (bpf/lib/pkt_keep.h): switch dp 1 with sender p1 and members r1, a1, r2,
 * r3, a2 of _MC_flood, all on lo; the egress of r1..r3 rejects UDP and
 * TCP (reject { outport <-> inport; next(pipeline=ingress, table=0); }),
 * a1 and a2 have no ACL.  A broadcast (and a frame to an unknown MAC,
 * flooded the same way) must give one reply per rejecting member back to
 * p1, and a1 and a2 (before and after rejecting members) the original,
 * byte for byte.  The same for clone { reject {} }: the copy answers, the
 * original goes on whole.
 *
 * Every delivery is a bpf_clone_redirect() out of lo, so the frames are
 * read back from an AF_PACKET socket on lo (outgoing copies only, by the
 * test's own MAC addresses); a second object loaded with ovn_trace_on
 * checks what `ovnbpfctl trace` records for the same packets.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "tests/bpf/pl_flows.h"
#include "build/bpf/ovnbpf_vif.skel.h"
#include "maps/trace.h"
#include "loader/compile.h"

#define LO		1
#define MC_FLOOD	32768
#define N_MEMBERS	6	/* p1 (skipped: the inport), r1, a1, r2, r3, a2 */

/* Addresses of this test only: other tests send on lo at the same time. */
static const uint8_t P1MAC[6] = { 0x0a, 0xf1, 0x0d, 0, 0, 0x01 };
static const uint8_t UNKMAC[6] = { 0x0a, 0xf1, 0x0d, 0, 0, 0x99 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t P1IP6[16] = { 0xfd, 0, 0, 0x16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t DSTIP6[16] = { 0xfd, 0, 0, 0x16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x99 };

static const char *const PORTS[] = { "p1", "r1", "a1", "r2", "r3", "a2" };

static uint32_t ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return htonl((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
}

#define P1IP	ip4(10, 0, 16, 1)

/* The compiler of the fixture: freed with it (fl_close). */
static struct compiler *fl_c;

static void fl_close(struct pl_fix *f)
{
	compiler_free(fl_c);
	fl_c = NULL;
	pl_fix_close(f);
}

static int fl_setup(struct pl_fix *f)
{
	struct compile_opts o = {};
	struct compile_port port = { .dp = 1, .type = "", .ifindex = LO };
	struct compiler *c = NULL;
	char mac[32];
	int err, i;

	err = compiler_new(f->w, &o, &c);
	err = err ?: compile_datapath_add(c, 1, OVN_DP_SWITCH);
	/* p1 last: lo's VIF is the sender. */
	for (i = N_MEMBERS - 1; !err && i >= 0; i--) {
		port.name = PORTS[i];
		port.key = i + 1;
		port.ct_zone = i + 1;
		err = compile_port_add(c, &port);
	}
	err = err ?: compile_mcgroup_set(c, 1, MC_FLOOD, "_MC_flood", PORTS, N_MEMBERS);
	snprintf(mac, sizeof(mac), "eth.dst == %02x:%02x:%02x:%02x:%02x:%02x", P1MAC[0], P1MAC[1],
		 P1MAC[2], P1MAC[3], P1MAC[4], P1MAC[5]);
	err = err ?: pl_flow(c, 1, OVN_PIPE_INGRESS, 0, 90, mac, "outport = \"p1\"; output;");
	/* clone { reject }: the copy answers, the original goes on to a1 */
	err = err ?: pl_flow(c, 1, OVN_PIPE_INGRESS, 0, 95, "udp.dst == 7777",
			     "clone { reject { outport <-> inport; output; }; }; "
			     "outport = \"a1\"; output;");
	/* broadcast, and (as ls_in_l2_unknown) every other destination */
	err = err ?: pl_flow(c, 1, OVN_PIPE_INGRESS, 0, 0, "1",
			     "outport = \"_MC_flood\"; output;");
	err = err ?: pl_flow(c, 1, OVN_PIPE_EGRESS, 0, 100,
			     "(outport == \"r1\" || outport == \"r2\" || outport == \"r3\") && "
			     "(udp || tcp)",
			     "reg0 = 0; reject { outport <-> inport; "
			     "next(pipeline=ingress, table=0); };");
	err = err ?: pl_flow(c, 1, OVN_PIPE_EGRESS, 0, 0, "1", "output;");
	err = err ?: compile_commit(c);
	fl_c = c;
	return err;
}

/* ---- capture on lo ---- */

#define CAP_MAX		16
#define CAP_LEN		2048

struct cap {
	int n;
	uint32_t len[CAP_MAX];
	uint8_t b[CAP_MAX][CAP_LEN];
};

/* The outgoing frames of this test (from or to p1's MAC, or to the unknown
 * MAC) that came since the last drain. */
static void cap_read(int fd, struct cap *c)
{
	struct sockaddr_ll from;
	socklen_t fl;
	uint8_t buf[CAP_LEN];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	c->n = 0;
	for (;;) {
		fl = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (n < 0) {
			/* The clones were sent synchronously; a short wait
			 * only in case the tap ran late. */
			if (poll(&p, 1, 50) <= 0)
				break;
			continue;
		}
		if (from.sll_pkttype != PACKET_OUTGOING || n < 14)
			continue;
		if (memcmp(buf, P1MAC, 6) && memcmp(buf + 6, P1MAC, 6) && memcmp(buf, UNKMAC, 6))
			continue;
		if (c->n < CAP_MAX) {
			memcpy(c->b[c->n], buf, n);
			c->len[c->n] = n;
		}
		c->n++;
	}
}

static void cap_drain(int fd)
{
	struct cap *c = calloc(1, sizeof(*c));

	if (c)
		cap_read(fd, c);
	free(c);
}

/* ---- checks ---- */

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)p[0] << 8 | p[1];
}

static int icmp4_ok(const uint8_t *ip)
{
	return pkt_fold(pkt_sum(ip + 20, be16(ip + 2) - 20, 0)) == 0;
}

static int l4_6_ok(const uint8_t *ip, uint8_t proto)
{
	uint16_t len = be16(ip + 4);

	return pkt_fold(pkt_sum(ip + 40, len, pkt_sum(ip + 8, 32, 0) + proto + len)) == 0;
}

/* Frames equal to the sent one (the members that got the original), and
 * replies to p1: ICMPv4 port unreachable quoting SENT (v4) or a TCP RST
 * over IPv6 (v6), each checked whole. */
static void check_frames(struct cap *c, const uint8_t *sent, uint32_t len, bool v6, int *orig,
			 int *replies, int *bad)
{
	*orig = *replies = *bad = 0;
	for (int i = 0; i < c->n && i < CAP_MAX; i++) {
		const uint8_t *b = c->b[i], *ip = b + 14;

		if (c->len[i] == len && !memcmp(b, sent, len)) {
			(*orig)++;
			continue;
		}
		if (memcmp(b, P1MAC, 6)) {
			(*bad)++;
			continue;
		}
		if (!v6) {
			uint32_t q = len - 14;

			if (q > 576 - 14 - 28)
				q = 576 - 14 - 28;
			if (be16(b + 12) == 0x0800 && ip[9] == 1 && pkt_ip4_ok(ip) &&
			    icmp4_ok(ip) && ip[20] == 3 && ip[21] == 3 &&
			    !memcmp(ip + 16, sent + 26, 4) && c->len[i] == 14 + 28 + q &&
			    !memcmp(ip + 28, sent + 14, q))
				(*replies)++;
			else
				(*bad)++;
		} else {
			const uint8_t *t = ip + 40;

			if (be16(b + 12) == 0x86dd && ip[6] == 6 && c->len[i] == 14 + 60 &&
			    l4_6_ok(ip, 6) && t[13] == 0x14 && !memcmp(ip + 24, P1IP6, 16) &&
			    !memcmp(t, sent + 56, 2) && !memcmp(t + 2, sent + 54, 2))
				(*replies)++;
			else
				(*bad)++;
		}
	}
}

static uint8_t sent[CAP_LEN], out[CAP_LEN];
static struct ovn_ctx ctx;

static size_t tcp6_syn(uint8_t *b)
{
	uint8_t *ip = b + 14, *t = b + 54;
	uint16_t cs;

	pkt_eth(b, UNKMAC, P1MAC, 0x86dd);
	memset(ip, 0, 40);
	ip[0] = 0x60;
	ip[5] = 20;
	ip[6] = 6;
	ip[7] = 64;
	memcpy(ip + 8, P1IP6, 16);
	memcpy(ip + 24, DSTIP6, 16);
	memset(t, 0, 20);
	t[0] = 0x9c; t[1] = 0x40;	/* 40000 */
	t[2] = 0; t[3] = 80;
	t[7] = 7;			/* seq 7 */
	t[12] = 5 << 4;
	t[13] = 0x02;			/* SYN */
	t[14] = 0xff; t[15] = 0xff;
	cs = pkt_fold(pkt_sum(t, 20, pkt_sum(ip + 8, 32, 0) + 6 + 20));
	t[16] = cs >> 8;
	t[17] = cs;
	return 74;
}

void test_flood_pktgen(void)
{
	struct pl_fix f = {};
	struct cap *cap = calloc(1, sizeof(*cap));
	uint64_t shape0, keep0;
	int fd = -1, o, r, bad;
	uint32_t ret, len, out_len = sizeof(out);

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN and AF_PACKET");
		goto out;
	}
	if (!ASSERT_OK_PTR(cap, "alloc") || !ASSERT_OK(pl_fix_open(&f), "open") ||
	    !ASSERT_OK(fl_setup(&f), "setup"))
		goto out;
	fd = bpf_test_capture_open(LO);
	if (!ASSERT_GE(fd, 0, "AF_PACKET on lo"))
		goto out;
	shape0 = pl_drops(&f, DROP_PKTGEN_SHAPE);
	keep0 = pl_drops(&f, DROP_KEEP_FAILED);

	test__start_subtest("bcast_udp4");
	/* 1000 bytes of payload: more than the ICMP error quotes, so the
	 * originals after a reply must come back from the kept copy. */
	len = pkt_udp4(sent, BCAST, P1MAC, P1IP, ip4(255, 255, 255, 255), 33000, 53, 1000);
	cap_drain(fd);
	if (ASSERT_OK(pl_run_ctx(&f, sent, len, &ret, &ctx), "run")) {
		cap_read(fd, cap);
		check_frames(cap, sent, len, false, &o, &r, &bad);
		ASSERT_EQ(r, 3, "one ICMP port unreachable per rejecting member");
		ASSERT_EQ(o, 2, "a1 and a2 get the original, byte for byte");
		ASSERT_EQ(bad, 0, "no other frame");
		ASSERT_EQ(ctx.x.n_out, 5, "five deliveries");
		ASSERT_EQ(ctx.x.out_port[0], 1, "r1's reply to p1");
		ASSERT_EQ(ctx.x.out_port[1], 3, "then a1");
		ASSERT_EQ(ctx.x.out_port[4], 6, "a2 last");
		ASSERT_EQ(ctx.x.drop_reason, DROP_NONE, "verdict: sent");
		ASSERT_EQ(ctx.x.kept, 1, "frame kept and put back");
	}

	test__start_subtest("unknown_tcp6");
	len = tcp6_syn(sent);
	cap_drain(fd);
	if (ASSERT_OK(pl_run_ctx(&f, sent, len, &ret, &ctx), "run")) {
		cap_read(fd, cap);
		check_frames(cap, sent, len, true, &o, &r, &bad);
		ASSERT_EQ(r, 3, "one TCP RST per rejecting member");
		ASSERT_EQ(o, 2, "a1 and a2 get the SYN, byte for byte");
		ASSERT_EQ(bad, 0, "no other frame");
		ASSERT_EQ(ctx.x.drop_reason, DROP_NONE, "verdict: sent");
	}

	test__start_subtest("clone_reject");
	/* The original leaves by bpf_redirect, which a test run does not
	 * carry out: it is the run's output frame. */
	len = pkt_udp4(sent, UNKMAC, P1MAC, P1IP, ip4(10, 0, 16, 99), 33000, 7777, 1000);
	cap_drain(fd);
	if (ASSERT_OK(bpf_test_run_skb(f.prog_fd, sent, len, &ret, out, &out_len), "run") &&
	    ASSERT_OK(pl_read_ctx(&f, &ctx), "ctx")) {
		cap_read(fd, cap);
		check_frames(cap, sent, len, false, &o, &r, &bad);
		ASSERT_EQ(r, 1, "the clone's ICMP error to p1");
		ASSERT_EQ(o + bad, 0, "nothing else cloned out");
		ASSERT_EQ(ctx.x.drop_reason, DROP_NONE, "the original is not dropped");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "the original is redirected");
		ASSERT_EQ(ctx.x.out_port[1], 3, "to a1");
		ASSERT_EQ(out_len, len, "original length");
		ASSERT_MEMEQ(out, sent, len, "original bytes");
	}

	test__start_subtest("no_loss_counted");
	ASSERT_EQ(pl_drops(&f, DROP_PKTGEN_SHAPE), shape0, "no pktgen-on-rebuilt-packet");
	ASSERT_EQ(pl_drops(&f, DROP_KEEP_FAILED), keep0, "no keep failure");
out:
	if (fd >= 0)
		close(fd);
	fl_close(&f);
	free(cap);
}

/* What `ovnbpfctl trace` records for the same fan-out: one output per
 * member, the rejecting ones as ICMP errors to p1. */
void test_flood_pktgen_trace(void)
{
	struct ovn_trace_buf *b = calloc(1, sizeof(*b));
	struct pl_fix f = {};
	uint32_t zero = 0, len, ret;
	int tfd;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		goto out;
	}
	if (!ASSERT_OK_PTR(b, "alloc"))
		goto out;
	if (!ASSERT_OK(pl_fix_open_trace(&f, true), "open"))
		goto out;
	if (!ASSERT_OK(fl_setup(&f), "setup"))
		goto cleanup;
	tfd = bpf_map__fd(f.skel->maps.ovn_trace);
	len = pkt_udp4(sent, BCAST, P1MAC, P1IP, ip4(255, 255, 255, 255), 33000, 53, 100);
	if (!ASSERT_OK(bpf_map_update_elem(tfd, &zero, b, BPF_ANY), "clear") ||
	    !ASSERT_OK(bpf_test_run_skb(f.prog_fd, sent, len, &ret, NULL, NULL), "run") ||
	    !ASSERT_OK(bpf_map_lookup_elem(tfd, &zero, b), "read"))
		goto cleanup;
	if (!ASSERT_EQ(b->n_out, 5, "five outputs"))
		goto cleanup;
	for (int i = 0; i < 5; i++) {
		struct ovn_trace_out *t = &b->out[i];
		bool reply = i != 1 && i != 4;

		if (reply) {
			ASSERT_EQ(t->port, 1, "reply to p1");
			ASSERT_EQ(t->key.ip_proto, 1, "ICMP");
			ASSERT_EQ(t->key.icmp_type, 3, "unreachable");
			ASSERT_EQ(t->key.icmp_code, 3, "port");
			ASSERT_EQ(t->key.ip4_dst, P1IP, "to p1's address");
		} else {
			ASSERT_EQ(t->port, i == 1 ? 3 : 6, "a1, then a2");
			ASSERT_EQ(t->key.ip_proto, 17, "the UDP original");
			ASSERT_EQ(t->key.tp_dst, htons(53), "its port");
			ASSERT_MEMEQ(t->key.eth_dst, BCAST, 6, "broadcast");
		}
	}
	ASSERT_EQ(b->out[0].md.inport, htonl(2), "from r1");
	ASSERT_EQ(b->out[2].md.inport, htonl(4), "from r2");
	ASSERT_EQ(b->out[3].md.inport, htonl(5), "from r3");
cleanup:
	fl_close(&f);
out:
	free(b);
}
