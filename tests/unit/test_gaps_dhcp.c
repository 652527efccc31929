// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* dhcp_build_reply(): OFFER/ACK/NAK from put_dhcp_opts options, option
 * encoding, no reply to RELEASE, malformed requests refused. */
#include <arpa/inet.h>
#include <string.h>

#include "tests/test_progs.h"
#include "loader/actions.h"
#include "loader/dhcp.h"
#include "loader/symtab.h"

static const struct action_opt_def defs[] = {
	{ "offerip", 0, "ipv4" },
	{ "netmask", 1, "ipv4" },
	{ "router", 3, "ipv4" },
	{ "dns_server", 6, "ipv4" },
	{ "domain_name", 15, "str" },
	{ "mtu", 26, "uint16" },
	{ "lease_time", 51, "uint32" },
	{ "server_id", 54, "ipv4" },
	{ "classless_static_route", 121, "static_routes" },
	{ "domain_search_list", 119, "domains" },
};

/* DHCP request from MAC 0a:..:01: TYPE, optional requested IP and ciaddr. */
static size_t request(uint8_t *b, uint8_t type, uint32_t req_ip, uint32_t ciaddr)
{
	uint8_t *ip = b + 14, *udp = ip + 20, *bp = udp + 8, *o = bp + 240;
	size_t n;

	memset(b, 0, 600);
	memset(b, 0xff, 6);
	b[6] = 0x0a, b[11] = 1, b[12] = 8;
	ip[0] = 0x45, ip[8] = 64, ip[9] = 17;
	memcpy(ip + 12, &ciaddr, 4);
	memset(ip + 16, 0xff, 4);
	udp[1] = 68, udp[3] = 67;
	bp[0] = 1, bp[1] = 1, bp[2] = 6;
	memcpy(bp + 4, "\x12\x34\x56\x78", 4);
	memcpy(bp + 12, &ciaddr, 4);
	bp[28] = 0x0a, bp[33] = 1;
	memcpy(bp + 236, "\x63\x82\x53\x63", 4);
	*o++ = 53, *o++ = 1, *o++ = type;
	if (req_ip) {
		*o++ = 50, *o++ = 4;
		memcpy(o, &req_ip, 4);
		o += 4;
	}
	*o++ = 255;
	n = o - b;
	return n;
}

/* Value of option CODE in reply R (length RLEN), or NULL. */
static const uint8_t *opt(const uint8_t *r, int rlen, uint8_t code, uint8_t *len)
{
	const uint8_t *o = r + 14 + 28 + 240, *end = r + rlen;

	while (o < end && *o != 255) {
		if (!*o) {
			o++;
			continue;
		}
		if (o[0] == code) {
			*len = o[1];
			return o + 2;
		}
		o += 2 + o[1];
	}
	return NULL;
}

void test_gaps_dhcp_reply(void)
{
	const struct action_opt_table t = { defs, sizeof(defs) / sizeof(defs[0]) };
	struct symtab *st = symtab_create_ovn();
	struct action_parse_params pp = { .symtab = st, .dhcp_opts = &t, .n_tables = 27 };
	struct action_parse_result res = { 0 };
	struct action_error err = { 0 };
	const struct action_put_opts *po;
	uint8_t req[600], out[1024], l = 0;
	const uint8_t *v;
	uint32_t offer = inet_addr("10.0.0.2");
	int n;

	if (!ASSERT_OK(actions_parse("reg0[3] = put_dhcp_opts(offerip = 10.0.0.2, "
				     "netmask = 255.255.255.0, router = 10.0.0.1, "
				     "dns_server = {8.8.8.8, 8.8.4.4}, domain_name = \"ovn.org\", "
				     "mtu = 1400, lease_time = 3600, server_id = 10.0.0.1, "
				     "classless_static_route = {30.0.0.0/24, 10.0.0.10, "
				     "0.0.0.0/0, 10.0.0.1}, "
				     "domain_search_list = \"a.org,b.org\"); next;",
				     &pp, &res, &err), err.msg))
		goto out;
	po = &res.acts.acts[0].put_opts;

	if (test__start_subtest("offer")) {
		n = dhcp_build_reply(req, request(req, 1, 0, 0), po, out, sizeof(out));
		ASSERT_GE(n, 14 + 28 + 300, "reply length");
		ASSERT_MEMEQ(out, req, 12, "L2 as the request (the pipeline rewrites it)");
		ASSERT_EQ(out[14 + 28], 2, "BOOTREPLY");
		ASSERT_MEMEQ(out + 14 + 28 + 4, "\x12\x34\x56\x78", 4, "xid");
		ASSERT_MEMEQ(out + 14 + 28 + 16, &offer, 4, "yiaddr = offerip");
		ASSERT_EQ(out[14 + 28 + 28], 0x0a, "chaddr");
		v = opt(out, n, 53, &l);
		ASSERT_TRUE(v && l == 1 && v[0] == 2, "DHCPOFFER");
		v = opt(out, n, 54, &l);
		ASSERT_TRUE(v && l == 4 && !memcmp(v, "\x0a\x00\x00\x01", 4), "server id");
		v = opt(out, n, 6, &l);
		ASSERT_TRUE(v && l == 8 && !memcmp(v, "\x08\x08\x08\x08\x08\x08\x04\x04", 8),
			    "two DNS servers");
		v = opt(out, n, 51, &l);
		ASSERT_TRUE(v && l == 4 && !memcmp(v, "\x00\x00\x0e\x10", 4), "lease 3600");
		v = opt(out, n, 26, &l);
		ASSERT_TRUE(v && l == 2 && v[0] == 0x05 && v[1] == 0x78, "mtu 1400");
		v = opt(out, n, 15, &l);
		ASSERT_TRUE(v && l == 7 && !memcmp(v, "ovn.org", 7), "domain name");
		v = opt(out, n, 121, &l);
		ASSERT_TRUE(v && l == 13 &&
			    !memcmp(v, "\x18\x1e\x00\x00\x0a\x00\x00\x0a\x00\x0a\x00\x00\x01", 13),
			    "RFC 3442 routes");
		ASSERT_NULL(opt(out, n, 0, &l), "offerip is not an option");
		ASSERT_EQ(out[14 + 9], 17, "UDP");
		ASSERT_EQ(out[14 + 20 + 1], 68, "udp.src as the request");
		ASSERT_EQ((out[14 + 2] << 8 | out[14 + 3]), n - 14, "ip total length");
	}
	if (test__start_subtest("request_ack_nak")) {
		n = dhcp_build_reply(req, request(req, 3, offer, 0), po, out, sizeof(out));
		v = n > 0 ? opt(out, n, 53, &l) : NULL;
		ASSERT_TRUE(v && v[0] == 5, "DHCPACK for the offered address");
		n = dhcp_build_reply(req, request(req, 3, inet_addr("10.0.0.9"), 0), po, out,
				     sizeof(out));
		v = n > 0 ? opt(out, n, 53, &l) : NULL;
		ASSERT_TRUE(v && v[0] == 6, "DHCPNAK for another");
		ASSERT_NULL(opt(out, n, 51, &l), "no lease in a NAK");
		/* renewing: unicast from the leased address */
		n = dhcp_build_reply(req, request(req, 3, 0, offer), po, out, sizeof(out));
		v = n > 0 ? opt(out, n, 53, &l) : NULL;
		ASSERT_TRUE(v && v[0] == 5, "renew ACK");
		ASSERT_MEMEQ(out + 14 + 16, &offer, 4, "sent to the client's address");
	}
	if (test__start_subtest("no_reply_and_bad")) {
		ASSERT_EQ(dhcp_build_reply(req, request(req, 7, 0, 0), po, out, sizeof(out)), 0,
			  "RELEASE: nothing");
		ASSERT_EQ(dhcp_build_reply(req, 100, po, out, sizeof(out)), -EINVAL, "truncated");
		request(req, 1, 0, 0);
		req[14 + 28 + 236] = 0;
		ASSERT_EQ(dhcp_build_reply(req, 300, po, out, sizeof(out)), -EINVAL, "no cookie");
		ASSERT_EQ(dhcp_build_reply(req, request(req, 1, 0, 0), po, out, 100), -ENOSPC,
			  "no room");
	}
out:
	action_parse_result_free(&res);
	symtab_destroy(st);
}
