// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* dns_build_reply(): the answer ovnbpfd resumes for dns_lookup -- A, AAAA,
 * ANY, PTR from the datapath's records; queries it leaves alone;
 * malformed queries refused. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "tests/test_progs.h"
#include "loader/dns.h"
#include "loader/pause_reply.h"

static const char *recs(void *aux, const char *name)
{
	(void)aux;
	if (!strcmp(name, "web.ovn.test"))
		return "10.11.0.80 fd11::80 10.11.0.81";
	if (!strcmp(name, "80.0.11.10.in-addr.arpa"))
		return "web.ovn.test";
	return NULL;
}

/* Ethernet/IPv4 (or IPv6)/UDP 33333->53, DNS id 0x1234 RD, one question
 * NAME TYPE IN, plus an EDNS OPT record. */
static size_t query(uint8_t *b, bool v6, const char *name, uint16_t type)
{
	size_t l3 = v6 ? 40 : 20, n;
	uint8_t *ip = b + 14, *udp = ip + l3, *d = udp + 8, *q = d + 12;

	memset(b, 0, 400);
	memcpy(b, "\x00\x00\x00\x0b\x00\x02\x00\x00\x00\x0b\x00\x01", 12);
	if (v6) {
		b[12] = 0x86, b[13] = 0xdd;
		ip[0] = 0x60, ip[6] = 17, ip[7] = 64;
		ip[8] = 0xfd, ip[9] = 0x11, ip[23] = 1;
		ip[24] = 0xfd, ip[25] = 0x11, ip[39] = 2;
	} else {
		b[12] = 8;
		ip[0] = 0x45, ip[8] = 64, ip[9] = 17;
		memcpy(ip + 12, "\x0a\x0b\x00\x01\x0a\x0b\x00\x02", 8);
	}
	udp[0] = 0x82, udp[1] = 0x35, udp[3] = 53;
	d[0] = 0x12, d[1] = 0x34, d[2] = 0x01, d[5] = 1, d[11] = 1;
	while (*name) {
		size_t l = strcspn(name, ".");

		*q++ = (uint8_t)l;
		memcpy(q, name, l);
		q += l;
		name += l + (name[l] == '.');
	}
	*q++ = 0;
	*q++ = type >> 8, *q++ = type & 0xff, *q++ = 0, *q++ = 1;
	/* OPT RR: root, type 41, size 1232, ttl 0, rdlen 0 */
	memcpy(q, "\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00", 11);
	q += 11;
	n = q - udp;
	udp[4] = n >> 8, udp[5] = n & 0xff;
	if (v6)
		ip[4] = n >> 8, ip[5] = n & 0xff;
	else
		ip[3] = (uint8_t)(20 + n);
	return q - b;
}

void test_dns_reply(void)
{
	uint8_t req[400], out[1024];
	const uint8_t *d;
	size_t len;
	int n;

	if (test__start_subtest("a")) {
		len = query(req, false, "Web.OVN.test", 1);
		n = dns_build_reply(req, len, recs, NULL, out, sizeof(out));
		if (!ASSERT_GT(n, 0, "answered (case-insensitive)"))
			return;
		d = out + 14 + 20 + 8;
		ASSERT_MEMEQ(out, req, 14, "L2 as the query (the pipeline swaps it)");
		ASSERT_EQ(d[0] << 8 | d[1], 0x1234, "id");
		ASSERT_TRUE(d[2] & 0x80, "QR set");
		ASSERT_EQ(d[6] << 8 | d[7], 2, "two A answers");
		ASSERT_EQ(d[10] << 8 | d[11], 0, "no additional RRs");
		ASSERT_EQ(out[14 + 2] << 8 | out[14 + 3], n - 14, "IPv4 total length");
		ASSERT_EQ(pr_csum_fold(pr_csum_add(0, out + 14, 20)), 0, "IPv4 header checksum");
		ASSERT_EQ(out[14 + 20 + 4] << 8 | out[14 + 20 + 5], n - 34, "UDP length");
		/* question (18) then answer: name, A, IN, TTL, len 4, address */
		ASSERT_MEMEQ(d + 12 + 18, "\x03Web\x03OVN\x04test\x00\x00\x01\x00\x01"
			     "\x00\x00\x0e\x10\x00\x04\x0a\x0b\x00\x50", 28, "first answer");
		ASSERT_EQ(n, 14 + 20 + 8 + 12 + 18 + 2 * 28, "no OPT record copied");
	}
	if (test__start_subtest("aaaa_any_ptr_v6")) {
		n = dns_build_reply(req, query(req, true, "web.ovn.test", 28), recs, NULL, out,
				    sizeof(out));
		d = out + 14 + 40 + 8;
		ASSERT_TRUE(n > 0 && (d[6] << 8 | d[7]) == 1, "one AAAA answer");
		ASSERT_TRUE(n > 0 && d[12 + 18 + 24 + 15] == 0x80, "fd11::80");
		if (n > 0) {
			uint32_t s = pr_csum_add(0, out + 14 + 8, 32) + (uint32_t)(n - 54) + 17;

			ASSERT_EQ(pr_csum_fold(pr_csum_add(s, out + 54, n - 54)), 0, "UDP checksum");
		}
		n = dns_build_reply(req, query(req, true, "web.ovn.test", 255), recs, NULL, out,
				    sizeof(out));
		ASSERT_TRUE(n > 0 && (d[6] << 8 | d[7]) == 3, "ANY: every address");
		n = dns_build_reply(req, query(req, false, "80.0.11.10.in-addr.arpa", 12), recs,
				    NULL, out, sizeof(out));
		d = out + 14 + 20 + 8;
		ASSERT_TRUE(n > 0 && (d[6] << 8 | d[7]) == 1, "PTR answered");
		ASSERT_TRUE(n > 0 && !memcmp(out + n - 14, "\x03web\x03ovn\x04test\x00", 14),
			    "PTR target as a name");
	}
	if (test__start_subtest("not_answered")) {
		ASSERT_EQ(dns_build_reply(req, query(req, false, "other.ovn.test", 1), recs, NULL,
					  out, sizeof(out)), 0, "no record");
		ASSERT_EQ(dns_build_reply(req, query(req, false, "web.ovn.test", 15), recs, NULL,
					  out, sizeof(out)), 0, "MX");
		ASSERT_EQ(dns_build_reply(req, query(req, true, "80.0.11.10.in-addr.arpa", 1), recs,
					  NULL, out, sizeof(out)), 0, "A of a PTR record: nothing");
		len = query(req, false, "web.ovn.test", 1);
		req[14 + 20 + 8 + 2] |= 0x80;
		ASSERT_EQ(dns_build_reply(req, len, recs, NULL, out, sizeof(out)), 0, "a response");
		len = query(req, false, "web.ovn.test", 1);
		req[14 + 20 + 8 + 5] = 0;
		ASSERT_EQ(dns_build_reply(req, len, recs, NULL, out, sizeof(out)), 0, "no question");
	}
	if (test__start_subtest("malformed")) {
		len = query(req, false, "web.ovn.test", 1);
		for (size_t cut = 0; cut < 14 + 20 + 8 + 12 + 18; cut++)
			ASSERT_EQ(dns_build_reply(req, cut, recs, NULL, out, sizeof(out)), -EINVAL,
				  "truncated");
		req[14 + 20 + 8 + 12] = 200;
		ASSERT_EQ(dns_build_reply(req, len, recs, NULL, out, sizeof(out)), -EINVAL,
			  "label past the end");
		req[14 + 20 + 8 + 12] = 0xc0;
		ASSERT_EQ(dns_build_reply(req, len, recs, NULL, out, sizeof(out)), -EINVAL,
			  "compression pointer in a question");
		len = query(req, false, "web.ovn.test", 1);
		req[14 + 9] = 6;
		ASSERT_EQ(dns_build_reply(req, len, recs, NULL, out, sizeof(out)), -EINVAL, "TCP");
		len = query(req, false, "web.ovn.test", 1);
		ASSERT_EQ(dns_build_reply(req, len, recs, NULL, out, 60), -ENOSPC, "no room");
	}
}
