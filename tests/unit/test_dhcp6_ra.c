// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* dhcp6_build_reply() and nd_ra_build(): the answers ovnbpfd resumes for
 * put_dhcpv6_opts and put_nd_ra_opts, from options parsed by the action
 * parser as northd writes them; malformed requests refused. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "tests/test_progs.h"
#include "loader/actions.h"
#include "loader/dhcp6.h"
#include "loader/nd_ra.h"
#include "loader/pause_reply.h"
#include "loader/symtab.h"

static const struct action_opt_def d6_defs[] = {
	{ "server_id", 2, "mac" },
	{ "ia_addr", 5, "ipv6" },
	{ "dns_server", 23, "ipv6" },
	{ "domain_search", 24, "str" },
};

static const uint8_t CLIENT_DUID[] = { 0, 3, 0, 1, 0x0a, 0, 0, 0, 0xd6, 1 };

/* Ethernet/IPv6/UDP 546->547 from fe80::1 to ff02::1:2, DHCPv6 TYPE,
 * xid 0xabcdef; with a Client Identifier if CID, an IA_NA (IAID
 * 0x01020304) if IANA.  Returns the frame length. */
static size_t d6_req(uint8_t *b, uint8_t type, bool cid, bool iana)
{
	uint8_t *ip = b + 14, *udp = ip + 40, *m = udp + 8, *o = m + 4;
	size_t ulen;

	memset(b, 0, 300);
	memcpy(b, "\x33\x33\x00\x01\x00\x02\x0a\x00\x00\x00\xd6\x01\x86\xdd", 14);
	ip[0] = 0x60, ip[6] = 17, ip[7] = 1;
	ip[8] = 0xfe, ip[9] = 0x80, ip[23] = 1;
	ip[24] = 0xff, ip[25] = 0x02, ip[37] = 1, ip[39] = 2;
	udp[1] = 0x22, udp[0] = 2;	/* 546 */
	udp[3] = 0x23, udp[2] = 2;	/* 547 */
	m[0] = type, m[1] = 0xab, m[2] = 0xcd, m[3] = 0xef;
	if (cid) {
		*o++ = 0, *o++ = 1, *o++ = 0, *o++ = sizeof(CLIENT_DUID);
		memcpy(o, CLIENT_DUID, sizeof(CLIENT_DUID));
		o += sizeof(CLIENT_DUID);
	}
	if (iana) {
		*o++ = 0, *o++ = 3, *o++ = 0, *o++ = 12;
		memcpy(o, "\x01\x02\x03\x04", 4);
		o += 12;
	}
	*o++ = 0, *o++ = 8, *o++ = 0, *o++ = 2, *o++ = 0, *o++ = 0;	/* elapsed time */
	ulen = o - udp;
	udp[4] = ulen >> 8, udp[5] = ulen & 0xff;
	ip[4] = ulen >> 8, ip[5] = ulen & 0xff;
	return o - b;
}

/* Option CODE of the DHCPv6 reply R (length N), or NULL. */
static const uint8_t *d6_opt(const uint8_t *r, int n, uint16_t code, uint16_t *len)
{
	const uint8_t *o = r + 14 + 40 + 8 + 4, *end = r + n;

	while (end - o >= 4) {
		uint16_t c = o[0] << 8 | o[1], l = o[2] << 8 | o[3];

		if (c == code) {
			*len = l;
			return o + 4;
		}
		o += 4 + l;
	}
	return NULL;
}

/* The IPv6 upper-layer checksum of frame F verifies. */
static bool csum_ok(const uint8_t *f, int n, uint8_t proto)
{
	const uint8_t *ip = f + 14;
	uint32_t s = pr_csum_add(0, ip + 8, 32) + (uint32_t)(n - 54) + proto;

	return pr_csum_fold(pr_csum_add(s, ip + 40, n - 54)) == 0;
}

static int parse(const char *a, const struct action_opt_table *d6, struct action_parse_result *res)
{
	struct symtab *st = symtab_create_ovn();
	struct action_parse_params pp = { .symtab = st, .dhcpv6_opts = d6, .n_tables = 27 };
	struct action_error err = { 0 };
	int r;

	memset(res, 0, sizeof(*res));
	r = actions_parse(a, &pp, res, &err);
	if (r)
		fprintf(stderr, "parse: %s\n", err.msg);
	symtab_destroy(st);
	return r;
}

void test_dhcp6_reply(void)
{
	const struct action_opt_table t = { d6_defs, 4 };
	struct action_parse_result res;
	const struct action_put_opts *po;
	uint8_t req[300], out[1024], dom[64];
	const uint8_t *v;
	uint16_t l = 0;
	int n;

	if (!ASSERT_OK(parse("reg0[3] = put_dhcpv6_opts(ia_addr = fd11::1, "
			     "server_id = 00:00:00:0b:00:ff, dns_server = {fd11::53, fd11::54}, "
			     "domain_search = \"ovn.test\"); next;", &t, &res), "parse"))
		return;
	po = &res.acts.acts[0].put_opts;

	if (test__start_subtest("solicit_advertise")) {
		n = dhcp6_build_reply(req, d6_req(req, 1, true, true), po, out, sizeof(out));
		if (!ASSERT_GT(n, 14 + 40 + 8 + 4, "reply length"))
			goto out;
		ASSERT_MEMEQ(out, req, 14, "L2 as the request (the pipeline rewrites it)");
		ASSERT_EQ(out[14 + 48], 2, "ADVERTISE");
		ASSERT_MEMEQ(out + 14 + 49, "\xab\xcd\xef", 3, "transaction id");
		ASSERT_EQ(out[14 + 41], 0x22, "udp.src 546 as the request (swapped later)");
		ASSERT_EQ(out[14 + 4] << 8 | out[14 + 5], n - 54, "IPv6 payload length");
		ASSERT_EQ(out[14 + 44] << 8 | out[14 + 45], n - 54, "UDP length");
		ASSERT_TRUE(csum_ok(out, n, 17), "UDP checksum");
		v = d6_opt(out, n, 1, &l);
		ASSERT_TRUE(v && l == sizeof(CLIENT_DUID) && !memcmp(v, CLIENT_DUID, l),
			    "client id echoed");
		v = d6_opt(out, n, 2, &l);
		ASSERT_TRUE(v && l == 10 && !memcmp(v, "\x00\x03\x00\x01\x00\x00\x00\x0b\x00\xff", 10),
			    "server id: DUID-LL of server_id");
		v = d6_opt(out, n, 3, &l);
		ASSERT_TRUE(v && l == 40, "IA_NA");
		if (v && l == 40) {
			ASSERT_MEMEQ(v, "\x01\x02\x03\x04", 4, "client's IAID");
			ASSERT_EQ(v[12] << 8 | v[13], 5, "IA address inside");
			ASSERT_MEMEQ(v + 16, "\xfd\x11\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16,
				     "ia_addr fd11::1");
		}
		v = d6_opt(out, n, 23, &l);
		ASSERT_TRUE(v && l == 32 && v[15] == 0x53 && v[31] == 0x54, "two DNS servers");
		v = d6_opt(out, n, 24, &l);
		ASSERT_TRUE(v && l == 10 && !memcmp(v, "\x03ovn\x04test\x00", 10),
			    "domain list, DNS encoded");
		ASSERT_NULL(d6_opt(out, n, 8, &l), "the client's other options are not echoed");
	}
	if (test__start_subtest("request_confirm_inforeq")) {
		n = dhcp6_build_reply(req, d6_req(req, 3, true, true), po, out, sizeof(out));
		ASSERT_TRUE(n > 0 && out[14 + 48] == 7, "REQUEST -> REPLY");
		n = dhcp6_build_reply(req, d6_req(req, 4, true, true), po, out, sizeof(out));
		ASSERT_TRUE(n > 0 && out[14 + 48] == 7, "CONFIRM -> REPLY");
		n = dhcp6_build_reply(req, d6_req(req, 11, true, false), po, out, sizeof(out));
		ASSERT_TRUE(n > 0 && out[14 + 48] == 7, "INFORMATION-REQUEST -> REPLY");
		ASSERT_NULL(n > 0 ? d6_opt(out, n, 3, &l) : NULL, "stateless: no IA_NA");
		ASSERT_OK_PTR(n > 0 ? d6_opt(out, n, 23, &l) : NULL, "stateless: DNS servers");
		n = dhcp6_build_reply(req, d6_req(req, 11, true, true), po, out, sizeof(out));
		ASSERT_NULL(n > 0 ? d6_opt(out, n, 3, &l) : (void *)1, "no address to an info-request");
		ASSERT_EQ(dhcp6_build_reply(req, d6_req(req, 5, true, true), po, out, sizeof(out)), 0,
			  "RENEW: no answer");
		ASSERT_EQ(dhcp6_build_reply(req, d6_req(req, 2, true, true), po, out, sizeof(out)), 0,
			  "a server's ADVERTISE: no answer");
	}
	if (test__start_subtest("malformed")) {
		size_t len = d6_req(req, 1, true, true);

		ASSERT_EQ(dhcp6_build_reply(req, d6_req(req, 1, false, true), po, out, sizeof(out)),
			  -EINVAL, "no client id");
		ASSERT_EQ(dhcp6_build_reply(req, d6_req(req, 1, true, false), po, out, sizeof(out)),
			  -EINVAL, "solicit without IA_NA");
		len = d6_req(req, 1, true, true);
		req[14 + 48 + 4 + 3] = 200;	/* client id longer than the packet */
		ASSERT_EQ(dhcp6_build_reply(req, len, po, out, sizeof(out)), -EINVAL,
			  "option past the end");
		len = d6_req(req, 1, true, true);
		req[14 + 6] = 6;
		ASSERT_EQ(dhcp6_build_reply(req, len, po, out, sizeof(out)), -EINVAL, "not UDP");
		len = d6_req(req, 1, true, true);
		req[12] = 8, req[13] = 0;
		ASSERT_EQ(dhcp6_build_reply(req, len, po, out, sizeof(out)), -EINVAL, "IPv4");
		len = d6_req(req, 1, true, true);
		ASSERT_EQ(dhcp6_build_reply(req, 14 + 40 + 8 + 4 + 7, po, out, sizeof(out)),
			  -EINVAL, "cut inside the client id");
		for (size_t cut = 0; cut < 14 + 40 + 8 + 4 + 14; cut++)
			ASSERT_LT(dhcp6_build_reply(req, cut, po, out, sizeof(out)), 0,
				  "every truncation before the client id ends is refused");
		ASSERT_EQ(dhcp6_build_reply(req, len, po, out, 70), -ENOSPC, "no room");
	}
	if (test__start_subtest("domains")) {
		ASSERT_EQ(dhcp6_encode_domains("a.bc,d.", dom, sizeof(dom)), 9, "two names");
		ASSERT_MEMEQ(dom, "\x01" "a\x02" "bc\x00\x01" "d\x00", 9, "labels");
		ASSERT_EQ(dhcp6_encode_domains("a..b", dom, sizeof(dom)), -EINVAL, "empty label");
		ASSERT_EQ(dhcp6_encode_domains("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
					       dom, sizeof(dom)), -EINVAL, "label over 63");
		ASSERT_EQ(dhcp6_encode_domains("abc.def", dom, 5), -ENOSPC, "no room");
	}
out:
	action_parse_result_free(&res);
}

/* Ethernet/IPv6/ICMPv6 Router Solicitation from SRC (fe80::1 or ::). */
static size_t rs(uint8_t *b, bool unspec, uint8_t type)
{
	uint8_t *ip = b + 14, *ic = ip + 40;

	memset(b, 0, 200);
	memcpy(b, "\x33\x33\x00\x00\x00\x02\x0a\x00\x00\x00\xd6\x01\x86\xdd", 14);
	ip[0] = 0x60, ip[5] = 16, ip[6] = 58, ip[7] = 255;
	if (!unspec)
		ip[8] = 0xfe, ip[9] = 0x80, ip[23] = 1;
	ip[24] = 0xff, ip[25] = 0x02, ip[39] = 2;
	ic[0] = type;
	memcpy(ic + 8, "\x01\x01\x0a\x00\x00\x00\xd6\x01", 8);
	return 14 + 40 + 16;
}

static const uint8_t *ra_opt(const uint8_t *r, int n, uint8_t type)
{
	const uint8_t *o = r + 14 + 40 + 16, *end = r + n;

	while (end - o >= 8 && o[1]) {
		if (o[0] == type)
			return o;
		o += 8 * o[1];
	}
	return NULL;
}

void test_dhcp6_nd_ra(void)
{
	struct action_parse_result res, res2, res3;
	const struct action_put_opts *po;
	uint8_t req[200], out[512];
	const uint8_t *v;
	int n;

	if (!ASSERT_OK(parse("reg0[5] = put_nd_ra_opts(addr_mode = \"dhcpv6_stateful\", "
			     "slla = 00:00:00:0b:00:ff, mtu = 1400, prefix = fd11::/64, "
			     "rdnss = fd11::53, dnssl = \"ovn.test\"); next;", NULL, &res), "parse"))
		return;
	po = &res.acts.acts[0].put_opts;
	memset(&res2, 0, sizeof(res2));
	memset(&res3, 0, sizeof(res3));

	if (test__start_subtest("stateful")) {
		n = nd_ra_build(req, rs(req, false, 133), po, out, sizeof(out));
		if (!ASSERT_GT(n, 14 + 40 + 16, "RA length"))
			goto out;
		ASSERT_EQ(out[54], 134, "Router Advertisement");
		ASSERT_EQ(out[54 + 4], 255, "hop limit 255");
		ASSERT_EQ(out[54 + 5], 0x80, "M flag (dhcpv6_stateful)");
		ASSERT_EQ(out[54 + 6] << 8 | out[54 + 7], 0xffff, "router lifetime");
		ASSERT_EQ(out[18] << 8 | out[19], n - 54, "payload length");
		ASSERT_TRUE(csum_ok(out, n, 58), "ICMPv6 checksum");
		v = ra_opt(out, n, 1);
		ASSERT_TRUE(v && v[1] == 1 && !memcmp(v + 2, "\x00\x00\x00\x0b\x00\xff", 6), "slla");
		v = ra_opt(out, n, 5);
		ASSERT_TRUE(v && v[1] == 1 && !memcmp(v + 4, "\x00\x00\x05\x78", 4), "mtu 1400");
		v = ra_opt(out, n, 3);
		ASSERT_TRUE(v && v[1] == 4 && v[2] == 64 && v[3] == 0x80 &&
			    !memcmp(v + 16, "\xfd\x11\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16),
			    "prefix fd11::/64, on-link, not autonomous (M)");
		v = ra_opt(out, n, 25);
		ASSERT_TRUE(v && v[1] == 3 && v[8 + 15] == 0x53, "rdnss");
		v = ra_opt(out, n, 31);
		ASSERT_TRUE(v && v[1] == 3 && !memcmp(v + 8, "\x03ovn\x04test\x00", 10), "dnssl");
		ASSERT_MEMEQ(out + 14 + 8, "\xfe\x80", 2, "source as the RS (the pipeline rewrites it)");
	}
	if (test__start_subtest("slaac_stateless")) {
		if (ASSERT_OK(parse("reg0[5] = put_nd_ra_opts(addr_mode = \"slaac\", "
				    "slla = 00:00:00:0b:00:ff, prefix = fd11::/64); next;", NULL,
				    &res2), "parse slaac")) {
			n = nd_ra_build(req, rs(req, true, 133), &res2.acts.acts[0].put_opts, out,
					sizeof(out));
			ASSERT_GT(n, 0, "built");
			ASSERT_EQ(out[54 + 5], 0, "slaac: no M/O");
			v = n > 0 ? ra_opt(out, n, 3) : NULL;
			ASSERT_TRUE(v && v[3] == 0xc0, "prefix on-link and autonomous");
			ASSERT_MEMEQ(out + 14 + 8, "\xff\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16,
				     "RS from :: -> from ff02::1");
			ASSERT_TRUE(n > 0 && csum_ok(out, n, 58), "checksum");
		}
		if (ASSERT_OK(parse("reg0[5] = put_nd_ra_opts(addr_mode = \"dhcpv6_stateless\", "
				    "slla = 00:00:00:0b:00:ff, prefix = fd11::/64); next;", NULL,
				    &res3), "parse stateless")) {
			n = nd_ra_build(req, rs(req, false, 133), &res3.acts.acts[0].put_opts, out,
					sizeof(out));
			ASSERT_TRUE(n > 0 && out[54 + 5] == 0x40, "stateless: O flag");
		}
	}
	if (test__start_subtest("malformed")) {
		size_t len = rs(req, false, 133);

		ASSERT_EQ(nd_ra_build(req, rs(req, false, 135), po, out, sizeof(out)), -EINVAL,
			  "an NS is not an RS");
		req[14 + 6] = 17;
		ASSERT_EQ(nd_ra_build(req, len, po, out, sizeof(out)), -EINVAL, "not ICMPv6");
		len = rs(req, false, 133);
		for (size_t cut = 0; cut < 14 + 40 + 8; cut++)
			ASSERT_EQ(nd_ra_build(req, cut, po, out, sizeof(out)), -EINVAL, "truncated");
		ASSERT_EQ(nd_ra_build(req, len, po, out, 100), -ENOSPC, "no room");
	}
out:
	action_parse_result_free(&res);
	action_parse_result_free(&res2);
	action_parse_result_free(&res3);
}
