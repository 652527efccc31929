// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ACL log: ovn-controller's line format for the packets OVN logs, the
 * descriptor carried by the punt op, and the punt dispatcher.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <string.h>

#include "loader/acl_log.h"
#include "loader/actions.h"
#include "loader/meter.h"
#include "loader/punt.h"
#include "loader/strbuf.h"
#include "tests/bpf/pkt.h"
#include "tests/test_progs.h"

static const uint8_t MA[6] = { 0x00, 0x00, 0x00, 0x0a, 0x0b, 0x01 };
static const uint8_t MB[6] = { 0x00, 0x00, 0x00, 0x0a, 0x0b, 0x02 };

static char *fmt(const uint8_t *p, size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	acl_log_flow_format(&sb, p, n);
	return strbuf_steal(&sb);
}

static void check_flow(const uint8_t *p, size_t n, const char *want, const char *name)
{
	char *s = fmt(p, n);

	ASSERT_STREQ(s, want, name);
	free(s);
}

static size_t ip4_pkt(uint8_t *b, uint8_t proto, const void *l4, size_t l4len)
{
	size_t n = pkt_eth(b, MB, MA, 0x0800);

	n += pkt_ip4(b + n, proto, inet_addr("10.0.0.1"), inet_addr("10.0.0.2"), l4len);
	memcpy(b + n, l4, l4len);
	return n + l4len;
}

static size_t ip6_pkt(uint8_t *b, uint8_t nh, const void *l4, size_t l4len)
{
	size_t n = pkt_eth(b, MB, MA, 0x86dd);

	memset(b + n, 0, 40);
	b[n] = 0x60;
	b[n + 3] = 0x05;		/* flow label 5 */
	b[n + 4] = l4len >> 8;
	b[n + 5] = l4len & 0xff;
	b[n + 6] = nh;
	b[n + 7] = 255;
	inet_pton(AF_INET6, "fd00::1", b + n + 8);
	inet_pton(AF_INET6, "fd00::2", b + n + 24);
	memcpy(b + n + 40, l4, l4len);
	return n + 40 + l4len;
}

static void test_formats(void)
{
	uint8_t p[256];
	size_t n;

	{
		uint8_t icmp[8] = { 8, 0 };

		n = ip4_pkt(p, 1, icmp, sizeof(icmp));
		check_flow(p, n, "icmp,vlan_tci=0x0000,dl_src=00:00:00:0a:0b:01,"
			   "dl_dst=00:00:00:0a:0b:02,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=0,"
			   "nw_ecn=0,nw_ttl=64,nw_frag=no,icmp_type=8,icmp_code=0", "icmp echo");
	}
	{
		uint8_t tcp[20] = { 0x9c, 0x40, 0x00, 0x50 };

		tcp[12] = 0x50;
		tcp[13] = 0x12;		/* syn|ack */
		n = ip4_pkt(p, 6, tcp, sizeof(tcp));
		p[15] = 0x2a;		/* dscp 40 (tos 0x28), ecn 2 */
		check_flow(p, n, "tcp,vlan_tci=0x0000,dl_src=00:00:00:0a:0b:01,"
			   "dl_dst=00:00:00:0a:0b:02,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=40,"
			   "nw_ecn=2,nw_ttl=64,nw_frag=no,tp_src=40000,tp_dst=80,tcp_flags=syn|ack",
			   "tcp syn-ack with tos");
		p[20] = 0x00;
		p[21] = 0x10;		/* offset 16 bytes: a later fragment */
		check_flow(p, n, "tcp,vlan_tci=0x0000,dl_src=00:00:00:0a:0b:01,"
			   "dl_dst=00:00:00:0a:0b:02,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=40,"
			   "nw_ecn=2,nw_ttl=64,nw_frag=later", "later fragment: no ports");
	}
	{
		uint8_t udp[8] = { 0x00, 0x35, 0x13, 0x88 };

		n = ip4_pkt(p, 17, udp, sizeof(udp));
		check_flow(p, n, "udp,vlan_tci=0x0000,dl_src=00:00:00:0a:0b:01,"
			   "dl_dst=00:00:00:0a:0b:02,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=0,"
			   "nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=53,tp_dst=5000", "udp");
		n = ip4_pkt(p, 47, udp, sizeof(udp));
		check_flow(p, n, "ip,vlan_tci=0x0000,dl_src=00:00:00:0a:0b:01,"
			   "dl_dst=00:00:00:0a:0b:02,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_proto=47,"
			   "nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no", "other IP protocol");
	}
	{
		uint8_t icmp6[8] = { 128, 0 };

		n = ip6_pkt(p, 58, icmp6, sizeof(icmp6));
		check_flow(p, n, "icmp6,vlan_tci=0x0000,dl_src=00:00:00:0a:0b:01,"
			   "dl_dst=00:00:00:0a:0b:02,ipv6_src=fd00::1,ipv6_dst=fd00::2,"
			   "ipv6_label=0x00005,nw_tos=0,nw_ecn=0,nw_hlim=255,nw_frag=no,"
			   "icmp_type=128,icmp_code=0", "icmp6 echo");
	}
	{
		uint8_t ns[32] = { 135, 0 };

		inet_pton(AF_INET6, "fd00::2", ns + 8);
		ns[24] = 1;
		ns[25] = 1;
		memcpy(ns + 26, MA, 6);
		n = ip6_pkt(p, 58, ns, sizeof(ns));
		check_flow(p, n, "icmp6,vlan_tci=0x0000,dl_src=00:00:00:0a:0b:01,"
			   "dl_dst=00:00:00:0a:0b:02,ipv6_src=fd00::1,ipv6_dst=fd00::2,"
			   "ipv6_label=0x00005,nw_tos=0,nw_ecn=0,nw_hlim=255,nw_frag=no,"
			   "icmp_type=135,icmp_code=0,nd_target=fd00::2,nd_sll=00:00:00:0a:0b:01",
			   "neighbour solicitation");
	}
	{
		uint8_t tcp[20] = { 0, 22, 0x9c, 0x41 };

		tcp[13] = 0x01;		/* fin */
		n = ip6_pkt(p, 6, tcp, sizeof(tcp));
		check_flow(p, n, "tcp6,vlan_tci=0x0000,dl_src=00:00:00:0a:0b:01,"
			   "dl_dst=00:00:00:0a:0b:02,ipv6_src=fd00::1,ipv6_dst=fd00::2,"
			   "ipv6_label=0x00005,nw_tos=0,nw_ecn=0,nw_hlim=255,nw_frag=no,"
			   "tp_src=22,tp_dst=40001,tcp_flags=fin", "tcp6");
	}
	n = pkt_arp(p, MB, MA, 1, MA, inet_addr("10.0.0.1"), (const uint8_t[6]){ 0 },
		    inet_addr("10.0.0.2"));
	check_flow(p, n, "arp,vlan_tci=0x0000,dl_src=00:00:00:0a:0b:01,"
		   "dl_dst=00:00:00:0a:0b:02,arp_spa=10.0.0.1,arp_tpa=10.0.0.2,arp_op=1,"
		   "arp_sha=00:00:00:0a:0b:01,arp_tha=00:00:00:00:00:00", "arp request");
	n = pkt_eth(p, MB, MA, 0x88cc);
	check_flow(p, n + 10, "vlan_tci=0x0000,dl_src=00:00:00:0a:0b:01,"
		   "dl_dst=00:00:00:0a:0b:02,dl_type=0x88cc", "non-IP");
	check_flow(p, 10, "(truncated frame, 10 bytes)", "runt");
	/* Truncated L4: the headers we have, zeros for the rest. */
	{
		uint8_t tcp[2] = { 0, 1 };

		n = ip4_pkt(p, 6, tcp, sizeof(tcp));
		check_flow(p, n, "tcp,vlan_tci=0x0000,dl_src=00:00:00:0a:0b:01,"
			   "dl_dst=00:00:00:0a:0b:02,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=0,"
			   "nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=0,tp_dst=0,tcp_flags=0",
			   "truncated tcp");
	}
}

static uint32_t last_opcode;

static void on_test(const struct ovn_punt_event *ev, size_t len, void *aux)
{
	(void)len;
	(*(int *)aux)++;
	last_opcode = ev->opcode;
}

void test_acl_log(void)
{
	struct action_log lg = { .name = (char *)"web \"in\"", .verdict = ACT_LOG_DROP,
				 .severity = ACT_LOG_ALERT };
	const struct acl_log_desc *d;
	struct strbuf sb = STRBUF_INIT;
	struct ovn_punt_event ev;
	struct ovn_op op;
	uint8_t icmp[8] = { 8, 0 };
	size_t n;
	int id, id2;

	test__start_subtest("flow_format");
	test_formats();

	test__start_subtest("descriptor");
	ASSERT_OK(acl_log_op(&lg, true, 3, &op), "op");
	ASSERT_EQ(op.code, OVN_OP_PUNT, "a punt");
	ASSERT_EQ(op.n, OVN_PUNT_F_CONTINUE, "that continues");
	ASSERT_EQ(op.meter, 3, "with the meter");
	ASSERT_EQ(PUNT_OPCODE(op.arg), ACT_LOG, "opcode is log");
	id = (int)PUNT_ARG(op.arg);
	ASSERT_EQ(acl_log_intern(lg.name, lg.verdict, lg.severity, true), id, "interned once");
	id2 = acl_log_intern(lg.name, lg.verdict, lg.severity, false);
	ASSERT_NEQ(id2, id, "direction is part of it");
	d = acl_log_get(id);
	if (ASSERT_OK_PTR(d, "descriptor")) {
		n = ip4_pkt(ev.pkt, 1, icmp, sizeof(icmp));
		acl_log_format(&sb, d, ev.pkt, n);
		ASSERT_STREQ(strbuf_str(&sb),
			     "name=\"web \\\"in\\\"\", verdict=drop, severity=alert, "
			     "direction=from-lport: icmp,vlan_tci=0x0000,dl_src=00:00:00:0a:0b:01,"
			     "dl_dst=00:00:00:0a:0b:02,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=0,"
			     "nw_ecn=0,nw_ttl=64,nw_frag=no,icmp_type=8,icmp_code=0",
			     "ovn-controller's line");
		strbuf_clear(&sb);
	}
	lg.name = NULL;
	lg.verdict = ACT_LOG_ALLOW;
	lg.severity = ACT_LOG_INFO;
	d = acl_log_get(acl_log_intern(NULL, ACT_LOG_ALLOW, ACT_LOG_INFO, false));
	if (ASSERT_OK_PTR(d, "unnamed")) {
		acl_log_format(&sb, d, ev.pkt, 14);
		ASSERT_STREQ(strbuf_str(&sb), "name=\"<unnamed>\", verdict=allow, severity=info, "
			     "direction=to-lport: vlan_tci=0x0000,dl_src=00:00:00:0a:0b:01,"
			     "dl_dst=00:00:00:0a:0b:02,dl_type=0x0800", "unnamed, to-lport");
	}
	strbuf_free(&sb);
	ASSERT_NULL(acl_log_get(0), "id 0 is none");
	ASSERT_NULL(acl_log_get(60000), "unknown id");

	test__start_subtest("meter_ids");
	ASSERT_EQ(meter_id(NULL), 0, "no meter: default");
	ASSERT_EQ(meter_id(""), 0, "empty: default");
	ASSERT_GT(meter_id("m-acl"), 0, "a name gets an id");
	ASSERT_EQ(meter_id("m-acl"), meter_id("m-acl"), "stable");
	ASSERT_NEQ(meter_id("m-other"), meter_id("m-acl"), "distinct");
	ASSERT_EQ(meter_band_pps("pktps", 5), 5, "pktps");
	ASSERT_EQ(meter_band_pps("kbps", 800), 100, "kbps at 1000-byte packets");
	ASSERT_EQ(meter_band_pps("kbps", 1), 1, "never 0");

	test__start_subtest("dispatch");
	{
		struct punt_stats before, after;
		int hits = 0;

		punt_get_stats(&before);
		ASSERT_OK(punt_register(0x7ff0, on_test, &hits), "register");
		ASSERT_EQ(punt_register(0x7ff0, on_test, NULL), -EEXIST, "taken");
		memset(&ev, 0, offsetof(struct ovn_punt_event, pkt));
		ev.opcode = PUNT_MAKE(0x7ff0, 9);
		punt_dispatch(&ev, sizeof(ev));
		ASSERT_EQ(hits, 1, "handler ran");
		ASSERT_EQ(last_opcode, PUNT_MAKE(0x7ff0, 9), "with the whole opcode");
		ev.opcode = 0x7ff1;
		punt_dispatch(&ev, sizeof(ev));
		punt_dispatch(&ev, 8);
		ASSERT_EQ(hits, 1, "other opcodes and short records are not its");
		punt_get_stats(&after);
		ASSERT_EQ(after.events - before.events, 3, "events");
		ASSERT_EQ(after.unhandled - before.unhandled, 1, "unhandled");
		ASSERT_EQ(after.short_records - before.short_records, 1, "short");
		punt_unregister(0x7ff0);
		ev.opcode = 0x7ff0;
		punt_dispatch(&ev, sizeof(ev));
		ASSERT_EQ(hits, 1, "unregistered");
	}
}
