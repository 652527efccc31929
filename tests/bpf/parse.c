// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The flow key extractor (bpf/lib/parse.h) on well-formed, malformed and
 * truncated packets of every protocol it parses: a bad header is dropped
 * under its numbered reason (never read out of bounds, never passed on
 * with fields left at zero), a good one fills the context's fields.
 * No VIF is bound, so a packet that parses ends as DROP_NO_VIF.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"

static const uint8_t A[6] = { 0x0a, 0, 0, 0, 0, 1 };
static const uint8_t B[6] = { 0x0a, 0, 0, 0, 0, 2 };

static struct ovn_ctx ctx;

/* Run PKT; return the drop reason the packet ended with, or -1. */
static int reason(struct pl_fix *f, const uint8_t *pkt, uint32_t len)
{
	uint32_t ret;

	if (bpf_test_run_skb(f->prog_fd, pkt, len, &ret, NULL, NULL))
		return -1;
	if (pl_read_ctx(f, &ctx))
		return -1;
	if (ret != TC_ACT_SHOT)
		return -2;
	/* The parser's verdict is the only one a packet gets here. */
	return ctx.x.drop_reason ? (int)ctx.x.drop_reason : DROP_NO_VIF;
}

/* Last reason counted in ovn_drops, by diffing the counters. */
static uint64_t count(struct pl_fix *f, uint32_t r)
{
	struct ovnbpf_counter c;

	return bpf_test_read_counter(f->m.drops, r, &c) ? 0 : c.packets;
}

#define EXPECT_DROP(f, pkt, len, r, name) do {					\
	uint64_t ___before = count(f, r);					\
	uint32_t ___ret;							\
	ASSERT_OK(bpf_test_run_skb((f)->prog_fd, pkt, len, &___ret, NULL, NULL), name); \
	ASSERT_EQ(___ret, TC_ACT_SHOT, name);					\
	ASSERT_EQ(count(f, r) - ___before, 1, name);				\
} while (0)

static size_t ip4_l4(uint8_t *b, uint8_t proto, uint16_t l4len)
{
	pkt_eth(b, B, A, 0x0800);
	pkt_ip4(b + 14, proto, htonl(0x0a000001), htonl(0x0a000002), l4len);
	memset(b + 34, 0x11, l4len);
	return 34 + l4len;
}

static size_t ip6_hdr(uint8_t *b, uint8_t nh, uint16_t plen)
{
	pkt_eth(b, B, A, 0x86dd);
	memset(b + 14, 0, 40);
	b[14] = 0x60;
	b[18] = plen >> 8;
	b[19] = plen & 0xff;
	b[20] = nh;
	b[21] = 64;
	b[22] = 0xfd;
	b[38] = 0xfd;
	b[37] = 1;
	b[53] = 2;
	return 54;
}

void test_parse_packets(void)
{
	uint8_t p[256];
	struct pl_fix f;
	size_t n;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		return;

	if (test__start_subtest("vlan")) {
		memset(p, 0, sizeof(p));
		pkt_eth(p, B, A, 0x8100);
		EXPECT_DROP(&f, p, 16, DROP_TRUNC_VLAN, "cut vlan tag");
		p[14] = 0x20;	/* pcp 1 */
		p[15] = 0x05;	/* vid 5 */
		p[16] = 0x88;
		p[17] = 0xb5;
		ASSERT_EQ(reason(&f, p, 60), DROP_NO_VIF, "tagged frame parses");
		ASSERT_EQ(ntohs(ctx.key.vlan_tci), 0x3005, "vlan.tci with present bit");
		ASSERT_EQ(ntohs(ctx.key.eth_type), 0x88b5, "inner ethertype");
	}
	if (test__start_subtest("arp")) {
		n = pkt_arp(p, B, A, 1, A, htonl(0x0a000001), B, htonl(0x0a000002));
		ASSERT_EQ(reason(&f, p, n), DROP_NO_VIF, "good arp");
		ASSERT_EQ(ntohs(ctx.key.arp_op), 1, "arp.op");
		ASSERT_EQ(ctx.key.arp_tpa, htonl(0x0a000002), "arp.tpa");
		ASSERT_MEMEQ(ctx.key.arp_sha, A, 6, "arp.sha");
		EXPECT_DROP(&f, p, 14 + 20, DROP_TRUNC_ARP, "cut arp");
		p[14 + 4] = 8;	/* hlen 8 */
		EXPECT_DROP(&f, p, n, DROP_BAD_ARP, "non-ethernet arp");
	}
	if (test__start_subtest("ipv4")) {
		n = ip4_l4(p, 17, 8);
		p[34] = 0x12; p[35] = 0x34; p[36] = 0x00; p[37] = 0x35;
		ASSERT_EQ(reason(&f, p, n), DROP_NO_VIF, "good udp");
		ASSERT_EQ(ctx.key.ip_proto, 17, "ip.proto");
		ASSERT_EQ(ctx.key.ip_ttl, 64, "ip.ttl");
		ASSERT_EQ(ntohs(ctx.key.tp_src), 0x1234, "udp.src");
		ASSERT_EQ(ntohs(ctx.key.tp_dst), 53, "udp.dst");
		p[14] = 0x44;	/* ihl 4 */
		EXPECT_DROP(&f, p, n, DROP_BAD_IP4, "ihl < 5");
		p[14] = 0x65;	/* version 6 in an IPv4 frame */
		EXPECT_DROP(&f, p, n, DROP_BAD_IP4, "bad version");
		n = ip4_l4(p, 17, 8);
		EXPECT_DROP(&f, p, n - 4, DROP_TRUNC_IP4, "tot_len beyond the frame");
		p[16] = 0; p[17] = 10;	/* tot_len < ihl */
		EXPECT_DROP(&f, p, n, DROP_BAD_IP4, "tot_len < header");
	}
	if (test__start_subtest("l4_truncated")) {
		/* A full IP packet whose L4 header is cut: dropped, never
		 * matched as "port 0". */
		n = ip4_l4(p, 6, 12);
		EXPECT_DROP(&f, p, n, DROP_TRUNC_TCP, "tcp 12 bytes");
		n = ip4_l4(p, 6, 20);
		p[34 + 12] = 0x40;	/* data offset 4 */
		EXPECT_DROP(&f, p, n, DROP_TRUNC_TCP, "tcp doff < 5");
		p[34 + 12] = 0x50;
		p[34 + 13] = 0x12;	/* SYN|ACK */
		ASSERT_EQ(reason(&f, p, n), DROP_NO_VIF, "good tcp");
		ASSERT_EQ(ntohs(ctx.key.tcp_flags), 0x012, "tcp.flags");
		n = ip4_l4(p, 17, 4);
		EXPECT_DROP(&f, p, n, DROP_TRUNC_UDP, "udp 4 bytes");
		n = ip4_l4(p, 132, 8);
		EXPECT_DROP(&f, p, n, DROP_TRUNC_SCTP, "sctp 8 bytes");
		n = ip4_l4(p, 1, 4);
		EXPECT_DROP(&f, p, n, DROP_TRUNC_ICMP4, "icmp 4 bytes");
		n = ip4_l4(p, 1, 8);
		p[34] = 8;
		ASSERT_EQ(reason(&f, p, n), DROP_NO_VIF, "good icmp");
		ASSERT_EQ(ctx.key.icmp_type, 8, "icmp4.type");
	}
	if (test__start_subtest("ipv4_fragments")) {
		n = ip4_l4(p, 17, 4);
		p[20] = 0x00; p[21] = 0x10;	/* offset 16*8: a later fragment */
		p[24] = p[25] = 0;
		{
			uint16_t cs = pkt_fold(pkt_sum(p + 14, 20, 0));

			p[24] = cs >> 8;
			p[25] = cs & 0xff;
		}
		ASSERT_EQ(reason(&f, p, n), DROP_NO_VIF, "later fragment parses");
		ASSERT_EQ(ctx.key.ip_frag, 3, "ip.is_frag and ip.later_frag");
		ASSERT_EQ(ctx.key.tp_src, 0, "no L4 fields");
		ASSERT_EQ(ctx.x.parse & OVN_P_L4, 0, "no L4 header");
		p[20] = 0x20; p[21] = 0x00;	/* MF, offset 0: first fragment */
		EXPECT_DROP(&f, p, n, DROP_TRUNC_UDP, "first fragment with a cut header");
	}
	if (test__start_subtest("ipv6")) {
		n = ip6_hdr(p, 17, 8);
		p[54] = 0; p[55] = 1; p[56] = 0; p[57] = 2;
		ASSERT_EQ(reason(&f, p, n + 8), DROP_NO_VIF, "good udp6");
		ASSERT_EQ(ctx.key.ip_proto, 17, "ip.proto");
		ASSERT_EQ(ntohs(ctx.key.tp_dst), 2, "udp.dst");
		ASSERT_EQ(ctx.key.ip6_dst[15], 2, "ip6.dst");
		/* The kernel refuses a test skb whose IP header is cut;
		 * behind a VLAN tag it does not look. */
		{
			uint8_t v[64];

			memcpy(v, p, 12);
			v[12] = 0x81; v[13] = 0x00; v[14] = 0; v[15] = 5;
			v[16] = 0x86; v[17] = 0xdd;
			memcpy(v + 18, p + 14, 30);
			EXPECT_DROP(&f, v, 18 + 30, DROP_TRUNC_IP6, "cut header");
			v[16] = 0x08; v[17] = 0x00;
			n = ip4_l4(p, 17, 8);
			memcpy(v + 18, p + 14, 12);
			EXPECT_DROP(&f, v, 18 + 12, DROP_TRUNC_IP4, "cut ipv4 header");
			n = ip6_hdr(p, 17, 8);
		}
		EXPECT_DROP(&f, p, n + 4, DROP_TRUNC_IP6, "payload length beyond frame");
		p[14] = 0x40;
		EXPECT_DROP(&f, p, n + 8, DROP_TRUNC_IP6, "bad version");
	}
	if (test__start_subtest("ipv6_exthdrs")) {
		/* hop-by-hop (8) + dstopts (16) + tcp */
		n = ip6_hdr(p, 0, 8 + 16 + 20);
		memset(p + 54, 0, 8 + 16 + 20);
		p[54] = 60;		/* hbh -> dstopts */
		p[62] = 6;		/* dstopts -> tcp */
		p[63] = 1;		/* 16 bytes */
		p[78] = 0x01; p[79] = 0xbb;	/* sport 443 */
		p[80] = 0x00; p[81] = 0x50;	/* dport 80 */
		p[78 + 12] = 0x50;
		ASSERT_EQ(reason(&f, p, n + 44), DROP_NO_VIF, "ext headers walked");
		ASSERT_EQ(ctx.key.ip_proto, 6, "ip.proto after ext headers");
		ASSERT_EQ(ntohs(ctx.key.tp_dst), 80, "tcp.dst");
		p[18] = 0; p[19] = 8 + 16 + 10;
		EXPECT_DROP(&f, p, n + 34, DROP_TRUNC_TCP, "tcp cut after ext headers");
		p[18] = 0; p[19] = 4;
		EXPECT_DROP(&f, p, n + 4, DROP_BAD_IP6_EXTHDR, "cut hop-by-hop");
		/* seven hop-by-hop headers: more than we walk */
		n = ip6_hdr(p, 0, 7 * 8 + 8);
		memset(p + 54, 0, 7 * 8 + 8);
		for (int i = 0; i < 7; i++)
			p[54 + i * 8] = i < 6 ? 0 : 17;
		EXPECT_DROP(&f, p, n + 64, DROP_BAD_IP6_EXTHDR, "too many ext headers");
		/* fragment header of a later fragment */
		n = ip6_hdr(p, 44, 8 + 8);
		memset(p + 54, 0, 16);
		p[54] = 17;
		p[56] = 0x01;	/* offset 32 */
		ASSERT_EQ(reason(&f, p, n + 16), DROP_NO_VIF, "later v6 fragment parses");
		ASSERT_EQ(ctx.key.ip_frag, 3, "ip.later_frag");
		ASSERT_EQ(ctx.key.tp_dst, 0, "no ports");
	}
	if (test__start_subtest("icmp6_nd")) {
		static const uint8_t s6[16] = { 0xfd, [15] = 1 }, d6[16] = { 0xff, 2, [15] = 2 };
		static const uint8_t t6[16] = { 0xfd, [15] = 2 };

		n = pkt_ns(p, B, A, s6, d6, t6);
		ASSERT_EQ(reason(&f, p, n), DROP_NO_VIF, "good NS");
		ASSERT_EQ(ctx.key.icmp_type, 135, "icmp6.type");
		ASSERT_MEMEQ(ctx.key.nd_target, t6, 16, "nd.target");
		ASSERT_MEMEQ(ctx.key.nd_sll, A, 6, "nd.sll");
		p[54 + 25] = 0;	/* zero-length option */
		EXPECT_DROP(&f, p, n, DROP_BAD_ND, "zero-length ND option");
		n = ip6_hdr(p, 58, 2);
		p[54] = 128;
		EXPECT_DROP(&f, p, n + 2, DROP_TRUNC_ICMP6, "icmp6 2 bytes");
		n = ip6_hdr(p, 58, 16);
		memset(p + 54, 0, 16);
		p[54] = 135;
		EXPECT_DROP(&f, p, n + 16, DROP_BAD_ND, "NS without a whole target");
	}
	pl_fix_close(&f);
}
