// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Service monitors (loader/svc_monitor.h): Service_Monitor rows parsed
 * (bad rows refused with a reason), probe frames (headers, checksums), the
 * state machine as ovn-controller runs it (TCP SYN-ACK / RST / silence,
 * UDP silence / ICMP port unreachable, success_count and failure_count)
 * and replies that are malformed, truncated or answer another probe.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "loader/svc_monitor.h"
#include "tests/test_progs.h"

#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_ACK	0x10

static const uint8_t BACKEND_MAC[6] = { 0x00, 0x00, 0x00, 0x5e, 0x0b, 0x01 };
static const uint8_t SVC_MAC[6] = { 0x0a, 0x58, 0x0a, 0x00, 0x00, 0x01 };

struct sent {
	int n;
	int ifindex;
	uint8_t frame[SVC_MON_FRAME_MAX];
	size_t len;
};

static int capture(void *aux, int ifindex, const void *frame, size_t len)
{
	struct sent *s = aux;

	s->n++;
	s->ifindex = ifindex;
	memcpy(s->frame, frame, len);
	s->len = len;
	return 0;
}

static uint16_t g16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t g32(const uint8_t *p)
{
	return (uint32_t)g16(p) << 16 | g16(p + 2);
}

/* One's complement sum of the pseudo header + L4 (0xffff when right). */
static uint16_t l4_sum(const uint8_t *f, size_t len, bool v6)
{
	const uint8_t *l4 = f + 14 + (v6 ? 40 : 20);
	size_t l4_len = len - (size_t)(l4 - f);
	uint32_t sum = 0;
	size_t i;

	if (v6) {
		for (i = 0; i < 32; i += 2)
			sum += g16(f + 22 + i);
		sum += f[20];
	} else {
		for (i = 0; i < 8; i += 2)
			sum += g16(f + 26 + i);
		sum += f[23];
	}
	sum += (uint32_t)l4_len;
	for (i = 0; i + 1 < l4_len; i += 2)
		sum += g16(l4 + i);
	if (l4_len & 1)
		sum += (uint32_t)l4[l4_len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint16_t ip4_sum(const uint8_t *f)
{
	uint32_t sum = 0;

	for (int i = 0; i < 20; i += 2)
		sum += g16(f + 14 + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void cfg4(struct svc_mon_cfg *c, uint8_t proto)
{
	memset(c, 0, sizeof(*c));
	c->dp_key = 3;
	c->port_key = 7;
	c->ifindex = 42;
	c->proto = proto;
	c->port = 8080;
	inet_pton(AF_INET, "10.0.0.11", c->ip);
	inet_pton(AF_INET, "10.0.0.254", c->src_ip);
	memcpy(c->mac, BACKEND_MAC, 6);
	memcpy(c->src_mac, SVC_MAC, 6);
	c->interval_ms = 5000;
	c->timeout_ms = 3000;
	c->success_count = 1;
	c->failure_count = 1;
}

/* What the backend would answer: the probe's cfg mirrored. */
static size_t tcp_answer(const struct svc_mon_cfg *c, uint16_t probe_sport, uint8_t flags,
			 uint32_t seq, uint32_t ack, uint8_t *buf)
{
	struct svc_mon_cfg r = *c;

	memcpy(r.mac, c->src_mac, 6);
	memcpy(r.src_mac, c->mac, 6);
	memcpy(r.ip, c->src_ip, 16);
	memcpy(r.src_ip, c->ip, 16);
	r.port = probe_sport;
	return svc_mon_build_probe(&r, flags, seq, ack, c->port, buf);
}

/* ICMP port unreachable from the backend quoting PROBE (PLEN bytes). */
static size_t icmp_unreach(const uint8_t *probe, size_t plen, bool v6, uint8_t *buf)
{
	size_t l3 = 14, ip_len = v6 ? 40 : 20, in_len = plen - 14;

	memset(buf, 0, 256);
	memcpy(buf, probe + 6, 6);
	memcpy(buf + 6, probe, 6);
	memcpy(buf + 12, probe + 12, 2);
	if (v6) {
		buf[l3] = 0x60;
		buf[l3 + 4] = 0;
		buf[l3 + 5] = (uint8_t)(8 + in_len);
		buf[l3 + 6] = IPPROTO_ICMPV6;
		buf[l3 + 7] = 64;
		memcpy(buf + l3 + 8, probe + 14 + 24, 16);
		memcpy(buf + l3 + 24, probe + 14 + 8, 16);
		buf[l3 + 40] = 1;
		buf[l3 + 41] = 4;
	} else {
		buf[l3] = 0x45;
		buf[l3 + 3] = (uint8_t)(20 + 8 + in_len);
		buf[l3 + 8] = 64;
		buf[l3 + 9] = IPPROTO_ICMP;
		memcpy(buf + l3 + 12, probe + 14 + 16, 4);
		memcpy(buf + l3 + 16, probe + 14 + 12, 4);
		buf[l3 + 20] = 3;
		buf[l3 + 21] = 3;
	}
	memcpy(buf + l3 + ip_len + 8, probe + 14, in_len);
	return l3 + ip_len + 8 + in_len;
}

static void test_rows(void)
{
	const char *macs[] = { "00:00:00:5e:0b:09 10.0.0.9", "00:00:00:5e:0b:01 10.0.0.11 fd00::11",
			       "00:00:00:5e:0b:02" };
	struct svc_mon_row r = {
		.protocol = "tcp", .ip = "10.0.0.11", .src_ip = "10.0.0.254",
		.src_mac = "0a:58:0a:00:00:01", .port = 8080, .pb_macs = macs, .n_pb_macs = 3,
	};
	struct svc_mon_cfg c;
	const char *why = NULL;

	if (!ASSERT_OK(svc_mon_cfg_from_row(&r, &c, &why), "good row"))
		return;
	ASSERT_EQ(c.proto, IPPROTO_TCP, "tcp");
	ASSERT_FALSE(c.v6, "v4");
	ASSERT_EQ(c.port, 8080, "port");
	ASSERT_MEMEQ(c.mac, BACKEND_MAC, 6, "MAC of the entry holding ip");
	ASSERT_MEMEQ(c.src_mac, SVC_MAC, 6, "src_mac");
	ASSERT_EQ(c.interval_ms, 5000, "interval default 5 s");
	ASSERT_EQ(c.timeout_ms, 3000, "timeout default 3 s");
	ASSERT_EQ(c.success_count, 1, "success_count default");
	ASSERT_EQ(c.failure_count, 1, "failure_count default");

	r.protocol = NULL;
	ASSERT_OK(svc_mon_cfg_from_row(&r, &c, &why), "no protocol: tcp");
	ASSERT_EQ(c.proto, IPPROTO_TCP, "absent protocol is tcp");
	r.protocol = "udp";
	r.interval = "2";
	r.timeout = "1";
	r.success_count = "3";
	r.failure_count = "4";
	ASSERT_OK(svc_mon_cfg_from_row(&r, &c, &why), "udp with options");
	ASSERT_EQ(c.proto, IPPROTO_UDP, "udp");
	ASSERT_EQ(c.interval_ms, 2000, "interval");
	ASSERT_EQ(c.timeout_ms, 1000, "timeout");
	ASSERT_EQ(c.success_count, 3, "success_count");
	ASSERT_EQ(c.failure_count, 4, "failure_count");

	r.protocol = "sctp";
	why = NULL;
	ASSERT_EQ(svc_mon_cfg_from_row(&r, &c, &why), -EINVAL, "sctp refused");
	ASSERT_OK_PTR(why, "with a reason");
	r.protocol = "udp";
	r.interval = "0";
	ASSERT_EQ(svc_mon_cfg_from_row(&r, &c, &why), -EINVAL, "interval 0 refused");
	r.interval = "5x";
	ASSERT_EQ(svc_mon_cfg_from_row(&r, &c, &why), -EINVAL, "interval 5x refused");
	r.interval = NULL;
	r.ip = "10.0.0.300";
	ASSERT_EQ(svc_mon_cfg_from_row(&r, &c, &why), -EINVAL, "bad ip");
	r.ip = "fd00::11";
	ASSERT_EQ(svc_mon_cfg_from_row(&r, &c, &why), -EINVAL, "v6 ip, v4 src_ip");
	r.src_ip = "fd00::fe";
	ASSERT_OK(svc_mon_cfg_from_row(&r, &c, &why), "v6 row");
	ASSERT_TRUE(c.v6, "v6");
	ASSERT_MEMEQ(c.mac, BACKEND_MAC, 6, "MAC of the v6 address");
	r.ip = "10.0.0.11";
	r.src_ip = "10.0.0.254";
	r.src_mac = "0a:58:0a:00:00";
	ASSERT_EQ(svc_mon_cfg_from_row(&r, &c, &why), -EINVAL, "short src_mac");
	r.src_mac = "0a:58:0a:00:00:01";
	r.port = 70000;
	ASSERT_EQ(svc_mon_cfg_from_row(&r, &c, &why), -EINVAL, "port > 65535");
	r.port = 8080;
	r.ip = "10.0.0.77";
	ASSERT_OK(svc_mon_cfg_from_row(&r, &c, &why), "ip on no entry: address-less MAC");
	ASSERT_EQ(c.mac[5], 0x02, "the address-less entry's MAC");
	r.n_pb_macs = 2;
	ASSERT_EQ(svc_mon_cfg_from_row(&r, &c, &why), -EINVAL, "no MAC for ip");
	r.n_pb_macs = 0;
	ASSERT_EQ(svc_mon_cfg_from_row(&r, &c, &why), -EINVAL, "port without MAC");
}

static void test_probes(void)
{
	uint8_t f[SVC_MON_FRAME_MAX];
	struct svc_mon_cfg c;
	size_t len;

	cfg4(&c, IPPROTO_TCP);
	len = svc_mon_build_probe(&c, TH_SYN, 0x11223344, 0, 40000, f);
	ASSERT_EQ(len, 54, "eth + ip + tcp");
	ASSERT_MEMEQ(f, BACKEND_MAC, 6, "to the backend's MAC");
	ASSERT_MEMEQ(f + 6, SVC_MAC, 6, "from svc_monitor_mac");
	ASSERT_EQ(g16(f + 12), 0x0800, "IPv4");
	ASSERT_EQ(g16(f + 16), 40, "total length");
	ASSERT_EQ(f[22], 63, "ttl 63");
	ASSERT_EQ(f[23], IPPROTO_TCP, "tcp");
	ASSERT_EQ(ip4_sum(f), 0xffff, "ip checksum");
	ASSERT_MEMEQ(f + 26, c.src_ip, 4, "src ip");
	ASSERT_MEMEQ(f + 30, c.ip, 4, "dst ip");
	ASSERT_EQ(g16(f + 34), 40000, "sport");
	ASSERT_EQ(g16(f + 36), 8080, "dport");
	ASSERT_EQ(g32(f + 38), 0x11223344, "seq");
	ASSERT_EQ(f[47], TH_SYN, "SYN");
	ASSERT_EQ(l4_sum(f, len, false), 0xffff, "tcp checksum");

	c.proto = IPPROTO_UDP;
	len = svc_mon_build_probe(&c, 0, 0, 0, 40001, f);
	ASSERT_EQ(len, 14 + 20 + 8 + 8, "udp probe with 8 bytes");
	ASSERT_EQ(f[23], IPPROTO_UDP, "udp");
	ASSERT_EQ(g16(f + 38), 16, "udp length");
	ASSERT_EQ(ip4_sum(f), 0xffff, "ip checksum");
	ASSERT_EQ(l4_sum(f, len, false), 0xffff, "udp checksum");

	c.proto = IPPROTO_TCP;
	c.v6 = true;
	inet_pton(AF_INET6, "fd00::11", c.ip);
	inet_pton(AF_INET6, "fd00::fe", c.src_ip);
	len = svc_mon_build_probe(&c, TH_SYN, 5, 0, 40002, f);
	ASSERT_EQ(len, 14 + 40 + 20, "v6 tcp");
	ASSERT_EQ(g16(f + 12), 0x86dd, "IPv6");
	ASSERT_EQ(g16(f + 18), 20, "payload length");
	ASSERT_EQ(f[20], IPPROTO_TCP, "next header");
	ASSERT_EQ(f[21], 63, "hop limit");
	ASSERT_EQ(l4_sum(f, len, true), 0xffff, "tcp6 checksum");
}

static struct ovsdb_uuid uuid_n(uint32_t n)
{
	struct ovsdb_uuid u = { { n, 1, 2, 3 } };

	return u;
}

static void test_tcp(void)
{
	struct ovsdb_uuid u = uuid_n(1);
	uint8_t ans[SVC_MON_FRAME_MAX];
	enum svc_mon_status st;
	enum svc_mon_state s;
	struct svc_monitors *sm;
	struct svc_mon_cfg c;
	struct sent sent = { 0 };
	uint32_t seq, seq2;
	uint16_t sport, sport2;
	size_t len;
	int next;

	if (!ASSERT_OK(svc_monitors_create(NULL, NULL, &sm), "create"))
		return;
	svc_monitors_set_send(sm, capture, &sent);
	svc_monitors_set_seed(sm, 12345);
	cfg4(&c, IPPROTO_TCP);
	c.success_count = 2;
	ASSERT_OK(svc_monitors_add(sm, &u, &c), "add");
	ASSERT_EQ(svc_monitors_count(sm), 1, "one monitor");

	next = svc_monitors_tick(sm, 1000);
	ASSERT_EQ(sent.n, 1, "SYN sent at once");
	ASSERT_EQ(sent.ifindex, 42, "into the VIF");
	ASSERT_EQ(sent.frame[47], TH_SYN, "a SYN");
	ASSERT_GT(next, 2999, "next deadline: the timeout");
	ASSERT_LE(next, 3001, "next deadline: the timeout");
	svc_monitors_get(sm, &u, &s, &st, &seq, &sport);
	ASSERT_EQ(s, SVC_S_WAITING, "waiting");
	ASSERT_EQ(st, SVC_ST_UNKNOWN, "status unknown");
	ASSERT_EQ(g32(sent.frame + 38), seq, "SYN carries seq");
	ASSERT_EQ(g16(sent.frame + 34), sport, "from sport");
	ASSERT_GE(sport, 32768, "ephemeral port");

	/* Not answers to this probe. */
	len = tcp_answer(&c, sport, TH_SYN | TH_ACK, 777, seq + 2, ans);
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, ans, len, 1100), SVC_REPLY_UNMATCHED,
		  "SYN-ACK with a wrong ack");
	len = tcp_answer(&c, sport + 1, TH_SYN | TH_ACK, 777, seq + 1, ans);
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, ans, len, 1100), SVC_REPLY_UNMATCHED,
		  "to another port");
	len = tcp_answer(&c, sport, TH_SYN | TH_ACK, 777, seq + 1, ans);
	ASSERT_EQ(svc_monitors_reply(sm, 3, 8, ans, len, 1100), SVC_REPLY_UNMATCHED,
		  "from another logical port");
	ASSERT_EQ(svc_monitors_reply(sm, 4, 7, ans, len, 1100), SVC_REPLY_UNMATCHED,
		  "on another datapath");
	len = tcp_answer(&c, sport, TH_ACK, 777, seq + 1, ans);
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, ans, len, 1100), SVC_REPLY_UNMATCHED,
		  "a bare ACK");
	svc_monitors_get(sm, &u, &s, NULL, NULL, NULL);
	ASSERT_EQ(s, SVC_S_WAITING, "still waiting");
	ASSERT_EQ(sent.n, 1, "nothing sent");

	/* The answer: success, and a RST for the half-open connection. */
	len = tcp_answer(&c, sport, TH_SYN | TH_ACK, 777, seq + 1, ans);
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, ans, len, 1100), SVC_REPLY_SUCCESS, "SYN-ACK");
	ASSERT_EQ(sent.n, 2, "RST sent");
	ASSERT_EQ(sent.frame[47], TH_RST | TH_ACK, "RST+ACK");
	ASSERT_EQ(g32(sent.frame + 38), seq + 1, "RST seq = their ack");
	ASSERT_EQ(g32(sent.frame + 42), 778, "RST ack = their seq + 1");
	ASSERT_EQ(l4_sum(sent.frame, sent.len, false), 0xffff, "RST checksum");
	svc_monitors_tick(sm, 1200);
	svc_monitors_get(sm, &u, &s, &st, NULL, NULL);
	ASSERT_EQ(s, SVC_S_ONLINE, "online state");
	ASSERT_EQ(st, SVC_ST_UNKNOWN, "1 of success_count 2: status not yet");

	/* Next probe after the interval, with a new port and seq. */
	svc_monitors_tick(sm, 6000);
	ASSERT_EQ(sent.n, 2, "no probe before the interval");
	svc_monitors_tick(sm, 6100);
	ASSERT_EQ(sent.n, 3, "second probe");
	svc_monitors_get(sm, &u, NULL, NULL, &seq2, &sport2);
	ASSERT_TRUE(seq2 != seq || sport2 != sport, "fresh seq/port");
	len = tcp_answer(&c, sport, TH_SYN | TH_ACK, 777, seq + 1, ans);
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, ans, len, 6150), SVC_REPLY_UNMATCHED,
		  "answer to the old probe");
	len = tcp_answer(&c, sport2, TH_SYN | TH_ACK, 9, seq2 + 1, ans);
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, ans, len, 6200), SVC_REPLY_SUCCESS, "2nd SYN-ACK");
	svc_monitors_tick(sm, 6300);
	svc_monitors_get(sm, &u, NULL, &st, NULL, NULL);
	ASSERT_EQ(st, SVC_ST_ONLINE, "online after 2 successes");

	/* The server goes away: RST. */
	svc_monitors_tick(sm, 11300);
	svc_monitors_get(sm, &u, NULL, NULL, &seq, &sport);
	len = tcp_answer(&c, sport, TH_RST | TH_ACK, 0, seq + 1, ans);
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, ans, len, 11310), SVC_REPLY_FAILURE, "RST");
	svc_monitors_tick(sm, 11320);
	svc_monitors_get(sm, &u, &s, &st, NULL, NULL);
	ASSERT_EQ(s, SVC_S_OFFLINE, "offline state");
	ASSERT_EQ(st, SVC_ST_OFFLINE, "offline after 1 failure");

	/* Silence is a failure too; then the server is back. */
	svc_monitors_tick(sm, 16400);
	svc_monitors_get(sm, &u, &s, NULL, &seq, &sport);
	ASSERT_EQ(s, SVC_S_WAITING, "probing again");
	svc_monitors_tick(sm, 19400);
	svc_monitors_get(sm, &u, &s, NULL, NULL, NULL);
	ASSERT_EQ(s, SVC_S_WAITING, "not before the timeout");
	svc_monitors_tick(sm, 19401);
	svc_monitors_get(sm, &u, &s, &st, NULL, NULL);
	ASSERT_EQ(s, SVC_S_OFFLINE, "timed out: offline");
	ASSERT_EQ(st, SVC_ST_OFFLINE, "status offline");
	svc_monitors_destroy(sm);
}

static void test_udp(void)
{
	struct ovsdb_uuid u = uuid_n(2);
	uint8_t ans[256], probe[SVC_MON_FRAME_MAX];
	struct svc_monitors *sm;
	enum svc_mon_status st;
	struct svc_mon_cfg c;
	struct sent sent = { 0 };
	uint16_t sport;
	size_t len, plen;

	if (!ASSERT_OK(svc_monitors_create(NULL, NULL, &sm), "create"))
		return;
	svc_monitors_set_send(sm, capture, &sent);
	cfg4(&c, IPPROTO_UDP);
	svc_monitors_add(sm, &u, &c);
	svc_monitors_tick(sm, 0);
	ASSERT_EQ(sent.n, 1, "datagram sent");
	ASSERT_EQ(sent.frame[23], IPPROTO_UDP, "udp");
	svc_monitors_tick(sm, 3001);
	svc_monitors_get(sm, &u, NULL, &st, NULL, &sport);
	ASSERT_EQ(st, SVC_ST_ONLINE, "no answer: online");

	svc_monitors_tick(sm, 8001);
	ASSERT_EQ(sent.n, 2, "second datagram");
	svc_monitors_get(sm, &u, NULL, NULL, NULL, &sport);
	ASSERT_EQ(g16(sent.frame + 34), sport, "same port kept for udp");
	memcpy(probe, sent.frame, sent.len);
	plen = sent.len;

	/* Another ICMP error, or one quoting another datagram: ignored. */
	len = icmp_unreach(probe, plen, false, ans);
	ans[14 + 21] = 1;	/* host unreachable */
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, ans, len, 8100), SVC_REPLY_UNMATCHED,
		  "host unreachable");
	len = icmp_unreach(probe, plen, false, ans);
	ans[14 + 28 + 20 + 1] ^= 1;	/* quoted source port */
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, ans, len, 8100), SVC_REPLY_UNMATCHED,
		  "quotes another source port");
	len = icmp_unreach(probe, plen, false, ans);
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, ans, 14 + 20 + 8 + 20 + 4, 8100), SVC_REPLY_BAD,
		  "quoted udp header cut");
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, ans, 14 + 20 + 4, 8100), SVC_REPLY_BAD,
		  "icmp header cut");
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, ans, 14 + 20 + 8, 8100), SVC_REPLY_BAD,
		  "icmp without the quoted datagram");
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, ans, len, 8100), SVC_REPLY_FAILURE,
		  "port unreachable");
	svc_monitors_tick(sm, 8200);
	svc_monitors_get(sm, &u, NULL, &st, NULL, NULL);
	ASSERT_EQ(st, SVC_ST_OFFLINE, "offline");
	svc_monitors_destroy(sm);
}

static void test_malformed(void)
{
	struct ovsdb_uuid u = uuid_n(3);
	uint8_t ans[SVC_MON_FRAME_MAX], bad[SVC_MON_FRAME_MAX];
	struct svc_monitors *sm;
	struct svc_mon_cfg c;
	struct sent sent = { 0 };
	enum svc_mon_state s;
	uint32_t seq;
	uint16_t sport;
	size_t len, cut;
	int worst = 0;

	if (!ASSERT_OK(svc_monitors_create(NULL, NULL, &sm), "create"))
		return;
	svc_monitors_set_send(sm, capture, &sent);
	cfg4(&c, IPPROTO_TCP);
	svc_monitors_add(sm, &u, &c);
	svc_monitors_tick(sm, 0);
	svc_monitors_get(sm, &u, NULL, NULL, &seq, &sport);
	len = tcp_answer(&c, sport, TH_SYN | TH_ACK, 1, seq + 1, ans);

	/* Every truncation of a good answer: never a success. */
	for (cut = 0; cut < len; cut++) {
		int r = svc_monitors_reply(sm, 3, 7, ans, cut, 10);

		if (r == SVC_REPLY_SUCCESS)
			worst = 1;
	}
	ASSERT_EQ(worst, 0, "no truncated answer counts");
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, ans, 13, 10), SVC_REPLY_BAD, "short eth");
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, ans, 30, 10), SVC_REPLY_BAD, "short ip");
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, ans, 40, 10), SVC_REPLY_BAD, "short tcp");

	memcpy(bad, ans, len);
	bad[14] = 0x44;		/* ihl 16 bytes */
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, bad, len, 10), SVC_REPLY_BAD, "ihl < 5");
	memcpy(bad, ans, len);
	bad[14] = 0x4f;		/* ihl 60 bytes: past the capture */
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, bad, len, 10), SVC_REPLY_BAD, "ihl past the end");
	memcpy(bad, ans, len);
	bad[16] = 0;
	bad[17] = 24;		/* total length cuts tcp */
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, bad, len, 10), SVC_REPLY_BAD, "ip length cuts tcp");
	memcpy(bad, ans, len);
	bad[14] = 0x65;		/* version 6 in an IPv4 frame */
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, bad, len, 10), SVC_REPLY_BAD, "wrong version");
	memcpy(bad, ans, len);
	bad[14 + 20 + 12] = 0x40;	/* tcp data offset 4 */
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, bad, len, 10), SVC_REPLY_BAD, "tcp doff < 5");
	memcpy(bad, ans, len);
	bad[12] = 0x08;
	bad[13] = 0x06;		/* ARP */
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, bad, len, 10), SVC_REPLY_UNMATCHED, "not ip");
	memcpy(bad, ans, len);
	bad[23] = IPPROTO_UDP;
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, bad, len, 10), SVC_REPLY_UNMATCHED, "udp reply");
	memcpy(bad, ans, len);
	bad[21] = 0x01;		/* a later fragment (offset 8) */
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, bad, len, 10), SVC_REPLY_UNMATCHED, "fragment");
	memset(bad, 0xff, sizeof(bad));
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, bad, sizeof(bad), 10), SVC_REPLY_UNMATCHED,
		  "all ones");

	svc_monitors_get(sm, &u, &s, NULL, NULL, NULL);
	ASSERT_EQ(s, SVC_S_WAITING, "garbage changed nothing");
	ASSERT_EQ(svc_monitors_reply(sm, 3, 7, ans, len, 10), SVC_REPLY_SUCCESS,
		  "the good answer still counts");
	svc_monitors_destroy(sm);
}

void test_svc_monitor(void)
{
	if (test__start_subtest("rows"))
		test_rows();
	if (test__start_subtest("probes"))
		test_probes();
	if (test__start_subtest("tcp"))
		test_tcp();
	if (test__start_subtest("udp"))
		test_udp();
	if (test__start_subtest("malformed"))
		test_malformed();
}
