// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The executor on entries compiled from a live SB written by a real
 * ovn-northd (tests/system/executor_northd.sh builds the switch with
 * ovn-nbctl and runs this test; skipped when its environment is absent):
 *
 *   OVNBPF_EXEC_SB        the SB database file
 *   OVNBPF_EXEC_A/B/C     "logical_port MAC IPv4 IPv6" of three ports on one
 *                         switch; A and B have those addresses as port
 *                         security, C has them plus "unknown" and no port
 *                         security
 *
 *   OVNBPF_EXEC_IFX_B/C   ifindexes for B and C (the script makes veths;
 *                         multicast clones really go out of them)
 *
 * Packets enter from A (BPF_PROG_TEST_RUN's skb comes from lo, ifindex 1).  Each
 * packet is run twice: the second run is answered by the exact-match
 * cache and must do the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/compile_sb.h"
#include "tests/bpf/pkt.h"
#include "tests/unit/sb_corpus.h"

#define IFX_A	1	/* lo: where BPF_PROG_TEST_RUN's skb comes from */
static uint32_t IFX_B = 2, IFX_C = 3;

struct xpod {
	char port[128];
	uint8_t mac[6];
	uint32_t ip;
	uint8_t ip6[16];
};

static struct xpod pa, pb, pc;

static int parse_xpod(const char *var, struct xpod *p)
{
	const char *s = getenv(var);
	char mac[32], ip4[64], ip6[64];
	unsigned int m[6];

	if (!s || sscanf(s, "%127s %31s %63s %63s", p->port, mac, ip4, ip6) != 4 ||
	    sscanf(mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6 ||
	    inet_pton(AF_INET, ip4, &p->ip) != 1 || inet_pton(AF_INET6, ip6, p->ip6) != 1)
		return -1;
	for (int i = 0; i < 6; i++)
		p->mac[i] = m[i];
	return 0;
}

static uint32_t xpod_ifindex(void *aux, const char *port)
{
	if (!strcmp(port, pa.port))
		return IFX_A;
	if (!strcmp(port, pb.port))
		return IFX_B;
	if (!strcmp(port, pc.port))
		return IFX_C;
	return 0;
}

/* Ethernet + IPv6 + UDP with PLEN payload bytes, checksum filled. */
static size_t udp6_csum(uint8_t *b, const uint8_t *dmac, const uint8_t *smac, const uint8_t *src,
			const uint8_t *dst, uint16_t sport, uint16_t dport, uint16_t plen)
{
	uint8_t *ip = b + 14, *u = b + 54;
	uint16_t ulen = 8 + plen, cs;
	uint32_t s;

	pkt_eth(b, dmac, smac, 0x86dd);
	memset(ip, 0, 40);
	ip[0] = 0x60;
	ip[4] = ulen >> 8;
	ip[5] = ulen & 0xff;
	ip[6] = 17;
	ip[7] = 64;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	u[0] = sport >> 8; u[1] = sport & 0xff;
	u[2] = dport >> 8; u[3] = dport & 0xff;
	u[4] = ulen >> 8; u[5] = ulen & 0xff;
	u[6] = u[7] = 0;
	memset(u + 8, 0xcd, plen);
	s = pkt_sum(ip + 8, 32, 0) + 17 + ulen;
	cs = pkt_fold(pkt_sum(u, ulen, s));
	u[6] = cs >> 8;
	u[7] = cs & 0xff;
	return 54 + ulen;
}

static struct ovn_ctx xc, xc2;

/* Run PKT twice (pipeline, then cache); both runs must agree.  The first
 * run's context is left in xc, its output in OUT. */
static int xrun(struct pl_fix *f, const void *pkt, uint32_t len, uint32_t *ret, uint8_t *out,
		uint32_t *olen)
{
	uint8_t out2[512];
	uint32_t ret2, olen2 = sizeof(out2);
	int err;

	*olen = 512;
	err = bpf_test_run_skb(f->prog_fd, pkt, len, ret, out, olen) ?: pl_read_ctx(f, &xc);
	if (err)
		return err;
	err = bpf_test_run_skb(f->prog_fd, pkt, len, &ret2, out2, &olen2) ?: pl_read_ctx(f, &xc2);
	if (err)
		return err;
	printf("  ret %u reason %u n_out %u pipeline %u table %u outport %u steps %u outs:", *ret,
	       xc.x.drop_reason, xc.x.n_out, xc.x.pipeline, xc.x.table, ntohl(xc.md.outport),
	       xc.x.steps);
	for (uint32_t i = 0; i < xc.x.n_out && i < OVN_OUT_LOG; i++)
		printf(" %u@%u=%d", xc.x.out_port[i], xc.x.out_ifindex[i], xc.x.out_ret[i]);
	printf("\n");
	ASSERT_EQ(ret2, *ret, "second packet (cache): same verdict");
	ASSERT_EQ(xc2.x.drop_reason, xc.x.drop_reason, "second packet: same drop reason");
	ASSERT_EQ(xc2.x.n_out, xc.x.n_out, "second packet: same deliveries");
	if (ASSERT_EQ(olen2, *olen, "second packet: same length"))
		ASSERT_MEMEQ(out2, out, *olen, "second packet: same bytes");
	return 0;
}

static uint64_t xdrops(struct pl_fix *f, uint32_t reason)
{
	struct ovnbpf_counter c;

	return bpf_test_read_counter(f->m.drops, reason, &c) ? UINT64_MAX : c.packets;
}

static bool delivered_to(const struct ovn_ctx *c, uint32_t ifindex)
{
	for (uint32_t i = 0; i < c->x.n_out && i < OVN_OUT_LOG; i++)
		if (c->x.out_ifindex[i] == ifindex && c->x.out_ret[i] >= 0)
			return true;
	return false;
}

static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t ZERO6[6];

void test_executor_northd(void)
{
	const char *sb = getenv("OVNBPF_EXEC_SB");
	struct compile_opts co = { 0 };
	struct compiler *c = NULL;
	uint8_t pkt[256], out[512], spoof[6] = { 0x00, 0x00, 0x00, 0x0d, 0xea, 0xd0 };
	uint32_t len, ret, olen;
	struct pl_fix f;
	uint64_t d0;
	json_t *db;
	size_t n;

	if (!sb) {
		test__skip("OVNBPF_EXEC_SB not set: run tests/system/executor_northd.sh");
		return;
	}
	if (!env.has_root) {
		test__skip("needs root to load BPF");
		return;
	}
	if (!ASSERT_OK(parse_xpod("OVNBPF_EXEC_A", &pa), "OVNBPF_EXEC_A") ||
	    !ASSERT_OK(parse_xpod("OVNBPF_EXEC_B", &pb), "OVNBPF_EXEC_B") ||
	    !ASSERT_OK(parse_xpod("OVNBPF_EXEC_C", &pc), "OVNBPF_EXEC_C"))
		return;
	if (getenv("OVNBPF_EXEC_IFX_B"))
		IFX_B = atoi(getenv("OVNBPF_EXEC_IFX_B"));
	if (getenv("OVNBPF_EXEC_IFX_C"))
		IFX_C = atoi(getenv("OVNBPF_EXEC_IFX_C"));
	db = sb_corpus_load(sb);
	if (!ASSERT_OK_PTR(db, "load SB"))
		return;
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		goto out_db;
	if (!ASSERT_OK(compiler_new(f.w, &co, &c), "compiler_new"))
		goto out;
	n = compile_sb_load(db, c, xpod_ifindex, NULL);
	printf("logical flows compiled: %zu\n", n);
	if (!ASSERT_GT(n, 0, "logical flows") || !ASSERT_OK(compile_commit(c), "commit"))
		goto out;

	if (test__start_subtest("ipv4_unicast")) {
		len = pkt_udp4(pkt, pb.mac, pa.mac, pa.ip, pb.ip, 40000, 5201, 32);
		ASSERT_OK(xrun(&f, pkt, len, &ret, out, &olen), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict redirect");
		ASSERT_EQ(xc.x.drop_reason, DROP_NONE, "no drop");
		ASSERT_EQ(xc.x.n_out, 1, "one delivery");
		ASSERT_EQ(xc.x.out_ifindex[0], IFX_B, "to B");
		ASSERT_EQ(olen, len, "unchanged length");
		ASSERT_MEMEQ(out, pkt, len, "unchanged bytes");
	}
	if (test__start_subtest("ipv6_unicast")) {
		len = udp6_csum(pkt, pb.mac, pa.mac, pa.ip6, pb.ip6, 40000, 5201, 32);
		ASSERT_OK(xrun(&f, pkt, len, &ret, out, &olen), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict redirect");
		ASSERT_EQ(xc.x.drop_reason, DROP_NONE, "no drop");
		ASSERT_EQ(xc.x.n_out, 1, "one delivery");
		ASSERT_EQ(xc.x.out_ifindex[0], IFX_B, "to B");
	}
	if (test__start_subtest("ipv4_to_c")) {
		len = pkt_udp4(pkt, pc.mac, pa.mac, pa.ip, pc.ip, 40000, 53, 8);
		ASSERT_OK(xrun(&f, pkt, len, &ret, out, &olen), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict redirect");
		ASSERT_EQ(xc.x.out_ifindex[0], IFX_C, "to C");
	}
	if (test__start_subtest("arp_broadcast_floods")) {
		/* An address no port owns: northd floods the request. */
		uint32_t nobody = pb.ip ^ htonl(0x70);

		len = pkt_arp(pkt, BCAST, pa.mac, 1, pa.mac, pa.ip, ZERO6, nobody);
		ASSERT_OK(xrun(&f, pkt, len, &ret, out, &olen), "run");
		ASSERT_EQ(ret, TC_ACT_SHOT, "original consumed (clones sent)");
		ASSERT_EQ(xc.x.drop_reason, DROP_NONE, "delivered");
		ASSERT_EQ(xc.x.n_out, 2, "two copies");
		ASSERT_TRUE(delivered_to(&xc, IFX_B), "B gets it");
		ASSERT_TRUE(delivered_to(&xc, IFX_C), "C gets it");
		ASSERT_FALSE(delivered_to(&xc, IFX_A), "not back to the sender");
	}
	if (test__start_subtest("arp_responder")) {
		/* For B's address northd answers itself, back out of A. */
		uint8_t exp[42];

		len = pkt_arp(pkt, BCAST, pa.mac, 1, pa.mac, pa.ip, ZERO6, pb.ip);
		ASSERT_OK(xrun(&f, pkt, len, &ret, out, &olen), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict redirect");
		ASSERT_EQ(xc.x.n_out, 1, "one reply");
		ASSERT_EQ(xc.x.out_ifindex[0], IFX_A, "back to A");
		pkt_arp(exp, pa.mac, pb.mac, 2, pb.mac, pb.ip, pa.mac, pa.ip);
		ASSERT_EQ(olen, 42, "reply length");
		ASSERT_MEMEQ(out, exp, 42, "ARP reply bytes");
	}
	if (test__start_subtest("spoofed_mac_dropped")) {
		d0 = xdrops(&f, DROP_STAGE_ACTION);
		len = pkt_udp4(pkt, pb.mac, spoof, pa.ip, pb.ip, 40000, 5201, 32);
		ASSERT_OK(xrun(&f, pkt, len, &ret, out, &olen), "run");
		ASSERT_EQ(ret, TC_ACT_SHOT, "dropped");
		ASSERT_EQ(xc.x.drop_reason, DROP_STAGE_ACTION, "by port security's drop;");
		ASSERT_EQ(xc.x.pipeline, OVN_PIPE_INGRESS, "in ingress");
		ASSERT_EQ(xc.x.table, 1, "in ls_in_apply_port_sec");
		ASSERT_EQ(xc.x.n_out, 0, "nobody got it");
		ASSERT_EQ(xdrops(&f, DROP_STAGE_ACTION), d0 + 2, "both packets counted");
	}
	if (test__start_subtest("spoofed_ip_dropped")) {
		uint32_t other = pa.ip ^ htonl(0x50);

		len = pkt_udp4(pkt, pb.mac, pa.mac, other, pb.ip, 40000, 5201, 32);
		ASSERT_OK(xrun(&f, pkt, len, &ret, out, &olen), "run");
		ASSERT_EQ(ret, TC_ACT_SHOT, "dropped");
		ASSERT_EQ(xc.x.drop_reason, DROP_STAGE_ACTION, "by port security's drop;");
		ASSERT_EQ(xc.x.n_out, 0, "nobody got it");
	}
	if (test__start_subtest("unknown_dst_mac")) {
		/* C has "unknown" among its addresses: get_fdb finds nothing,
		 * ls_in_l2_unknown's outport == "none" sends it to
		 * _MC_unknown = {C}. */
		uint8_t nobody[6] = { 0x00, 0x00, 0x00, 0x0d, 0x0e, 0x0f };

		len = pkt_udp4(pkt, nobody, pa.mac, pa.ip, pb.ip, 40000, 5201, 32);
		ASSERT_OK(xrun(&f, pkt, len, &ret, out, &olen), "run");
		ASSERT_EQ(xc.x.drop_reason, DROP_NONE, "delivered");
		ASSERT_EQ(xc.x.n_out, 1, "one copy");
		ASSERT_TRUE(delivered_to(&xc, IFX_C), "to the unknown port C");
		ASSERT_FALSE(delivered_to(&xc, IFX_B), "not to B");
	}
out:
	compiler_free(c);
	pl_fix_close(&f);
out_db:
	json_decref(db);
}
