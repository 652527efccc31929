// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* DHCPv4 replies for put_dhcp_opts (dhcp.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "loader/actions.h"
#include "loader/compile.h"
#include "loader/dhcp.h"
#include "loader/log.h"
#include "loader/punt.h"
#include "loader/resume.h"

#define MOD "dhcp"

#define ETH_HDR		14
#define BOOTP_FIXED	236		/* up to the magic cookie */
#define BOOTP_MIN	300		/* BOOTP messages are at least this long */
#define DHCP_COOKIE	0x63825363u

enum { DHCPDISCOVER = 1, DHCPOFFER, DHCPREQUEST, DHCPDECLINE, DHCPACK, DHCPNAK,
       DHCPRELEASE, DHCPINFORM };

enum { OPT_PAD = 0, OPT_REQ_IP = 50, OPT_MSG_TYPE = 53, OPT_SERVER_ID = 54, OPT_END = 255 };

static struct compiler *server_c;
static struct dhcp_stats st;

static uint16_t ip_csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

/* The DHCP options of a request: message type, requested address. */
static int req_options(const uint8_t *o, size_t n, uint8_t *type, uint32_t *req_ip)
{
	size_t i = 0;

	*type = 0;
	*req_ip = 0;
	while (i < n) {
		uint8_t code = o[i], l;

		if (code == OPT_PAD) {
			i++;
			continue;
		}
		if (code == OPT_END || i + 1 >= n)
			break;
		l = o[i + 1];
		if (i + 2 + l > n)
			return -EINVAL;
		if (code == OPT_MSG_TYPE && l == 1)
			*type = o[i + 2];
		else if (code == OPT_REQ_IP && l == 4)
			memcpy(req_ip, o + i + 2, 4);
		i += 2 + l;
	}
	return *type ? 0 : -EINVAL;
}

struct obuf {
	uint8_t *p;
	size_t n, cap;
	bool full;
};

static void put(struct obuf *b, const void *v, size_t n)
{
	if (b->n + n > b->cap) {
		b->full = true;
		return;
	}
	memcpy(b->p + b->n, v, n);
	b->n += n;
}

static void put_opt(struct obuf *b, uint8_t code, const void *v, size_t n)
{
	uint8_t h[2] = { code, (uint8_t)n };

	if (n > 255) {
		b->full = true;
		return;
	}
	put(b, h, 2);
	put(b, v, n);
}

static uint32_t c_ip4(const struct action_const *c)
{
	return htonl((uint32_t)c->value.lo);
}

/* RFC 3442: {dest/len, router, dest/len, router, ...}. */
static bool enc_static_routes(const struct action_const_set *s, uint8_t *v, size_t *n)
{
	size_t k = 0;

	for (size_t i = 0; i + 1 < s->n; i += 2) {
		uint32_t dst = c_ip4(&s->v[i]), gw = c_ip4(&s->v[i + 1]);
		unsigned int plen = 32, bytes;

		if (s->v[i].masked) {
			uint32_t m = (uint32_t)s->v[i].mask.lo;

			plen = __builtin_popcount(m);
		}
		bytes = (plen + 7) / 8;
		if (k + 1 + bytes + 4 > 255)
			return false;
		v[k++] = plen;
		memcpy(v + k, &dst, bytes);
		k += bytes;
		memcpy(v + k, &gw, 4);
		k += 4;
	}
	*n = k;
	return true;
}

/* One option of the flow into B.  Returns false if its type is not
 * encoded. */
static bool put_flow_opt(struct obuf *b, const struct action_opt *o)
{
	const struct action_const_set *s = &o->value;
	uint8_t v[256];
	size_t n = 0;

	if (!s->n)
		return true;
	if (!strcmp(o->type, "ipv4")) {
		for (size_t i = 0; i < s->n && n + 4 <= 255; i++) {
			uint32_t a = c_ip4(&s->v[i]);

			memcpy(v + n, &a, 4);
			n += 4;
		}
	} else if (!strcmp(o->type, "uint8") || !strcmp(o->type, "bool")) {
		v[0] = (uint8_t)s->v[0].value.lo;
		n = 1;
	} else if (!strcmp(o->type, "uint16")) {
		uint16_t x = htons((uint16_t)s->v[0].value.lo);

		memcpy(v, &x, 2);
		n = 2;
	} else if (!strcmp(o->type, "uint32")) {
		uint32_t x = htonl((uint32_t)s->v[0].value.lo);

		memcpy(v, &x, 4);
		n = 4;
	} else if (!strcmp(o->type, "str") || !strcmp(o->type, "host_id")) {
		if (!s->v[0].string)
			return false;
		n = strlen(s->v[0].string);
		if (n > 255)
			n = 255;
		memcpy(v, s->v[0].string, n);
	} else if (!strcmp(o->type, "static_routes")) {
		if (!enc_static_routes(s, v, &n))
			return false;
	} else {
		return false;
	}
	put_opt(b, (uint8_t)o->code, v, n);
	return true;
}

static const struct action_opt *find_opt(const struct action_put_opts *po, uint16_t code)
{
	for (size_t i = 0; i < po->n_opts; i++)
		if (po->opts[i].code == code)
			return &po->opts[i];
	return NULL;
}

int dhcp_build_reply(const uint8_t *req, size_t len, const struct action_put_opts *po,
		     uint8_t *out, size_t out_size)
{
	const struct action_opt *offer = find_opt(po, 0), *sid = find_opt(po, OPT_SERVER_ID);
	const uint8_t *ip, *udp, *bootp;
	uint32_t offer_ip, req_ip, ciaddr, cookie;
	uint8_t type, rtype, *oip, *oudp;
	struct obuf b;
	size_t ihl, blen;

	if (len < ETH_HDR + 20 || req[12] != 0x08 || req[13] != 0x00)
		return -EINVAL;
	ip = req + ETH_HDR;
	ihl = (ip[0] & 0xf) * 4;
	if ((ip[0] >> 4) != 4 || ihl < 20 || ip[9] != 17 || len < ETH_HDR + ihl + 8 + BOOTP_FIXED + 4)
		return -EINVAL;
	udp = ip + ihl;
	bootp = udp + 8;
	memcpy(&cookie, bootp + BOOTP_FIXED, 4);
	if (bootp[0] != 1 || ntohl(cookie) != DHCP_COOKIE || !offer || !offer->value.n)
		return -EINVAL;
	if (req_options(bootp + BOOTP_FIXED + 4, req + len - (bootp + BOOTP_FIXED + 4), &type,
			&req_ip))
		return -EINVAL;
	offer_ip = c_ip4(&offer->value.v[0]);
	memcpy(&ciaddr, bootp + 12, 4);
	switch (type) {
	case DHCPDISCOVER:
		rtype = DHCPOFFER;
		break;
	case DHCPREQUEST:
		/* The address asked for must be the one this port gets. */
		rtype = (req_ip ? req_ip : ciaddr) == offer_ip ? DHCPACK : DHCPNAK;
		break;
	case DHCPINFORM:
		rtype = DHCPACK;
		break;
	default:
		return 0;	/* RELEASE, DECLINE: nothing to send */
	}
	if (out_size < ETH_HDR + 20 + 8 + BOOTP_MIN)
		return -ENOSPC;
	memset(out, 0, out_size);
	memcpy(out, req, ETH_HDR);
	oip = out + ETH_HDR;
	oudp = oip + 20;
	b = (struct obuf){ .p = oudp + 8, .cap = out_size - ETH_HDR - 28 };

	/* BOOTP: op, htype, hlen, hops, xid, secs, flags, ciaddr, yiaddr,
	 * siaddr, giaddr, chaddr, sname, file. */
	{
		uint8_t fx[BOOTP_FIXED] = { 2, bootp[1], bootp[2], 0 };

		memcpy(fx + 4, bootp + 4, 4);		/* xid */
		memcpy(fx + 10, bootp + 10, 2);		/* flags */
		memcpy(fx + 12, bootp + 12, 4);		/* ciaddr */
		if (rtype != DHCPNAK && type != DHCPINFORM)
			memcpy(fx + 16, &offer_ip, 4);	/* yiaddr */
		memcpy(fx + 24, bootp + 24, 4);		/* giaddr */
		memcpy(fx + 28, bootp + 28, 16);	/* chaddr */
		put(&b, fx, sizeof(fx));
	}
	cookie = htonl(DHCP_COOKIE);
	put(&b, &cookie, 4);
	put_opt(&b, OPT_MSG_TYPE, &rtype, 1);
	if (sid && sid->value.n) {
		uint32_t a = c_ip4(&sid->value.v[0]);

		put_opt(&b, OPT_SERVER_ID, &a, 4);
	}
	if (rtype != DHCPNAK) {
		for (size_t i = 0; i < po->n_opts; i++) {
			const struct action_opt *o = &po->opts[i];

			/* offerip is yiaddr; the server id went first; a
			 * lease time is not given in an INFORM's ACK. */
			if (!o->code || o->code == OPT_SERVER_ID ||
			    (type == DHCPINFORM && o->code == 51))
				continue;
			if (!put_flow_opt(&b, o))
				pr_dbg(MOD, "option %s (%s) not encoded", o->name, o->type);
		}
	}
	put(&b, &(uint8_t){ OPT_END }, 1);
	while (b.n < BOOTP_MIN && !b.full)
		put(&b, &(uint8_t){ OPT_PAD }, 1);
	if (b.full)
		return -ENOSPC;
	blen = b.n;

	/* UDP 68 -> 67 as in the request: ls_in_dhcp_response swaps them.
	 * Checksum 0 (none; allowed over IPv4). */
	oudp[0] = 0, oudp[1] = 68, oudp[2] = 0, oudp[3] = 67;
	oudp[4] = (8 + blen) >> 8, oudp[5] = (8 + blen) & 0xff;
	/* IPv4 as the request's (ls_in_dhcp_response sets the source); a
	 * client that has an address gets the reply at it. */
	oip[0] = 0x45;
	oip[1] = ip[1];
	oip[2] = (20 + 8 + blen) >> 8, oip[3] = (20 + 8 + blen) & 0xff;
	oip[8] = ip[8] ? ip[8] : 64;
	oip[9] = 17;
	memcpy(oip + 12, ip + 12, 4);
	if (ciaddr && rtype != DHCPNAK)
		memcpy(oip + 16, &ciaddr, 4);
	else
		memcpy(oip + 16, ip + 16, 4);
	{
		uint16_t cs = htons(ip_csum(oip, 20));

		memcpy(oip + 10, &cs, 2);
	}
	return (int)(ETH_HDR + 20 + 8 + blen);
}

static void on_put_dhcp_opts(const struct ovn_punt_event *ev, size_t len, void *aux)
{
	const struct compile_pause *p;
	struct action_parse_result res;
	const struct action_put_opts *po = NULL;
	uint8_t out[1024];
	int n, err;

	(void)len;
	(void)aux;
	st.requests++;
	p = server_c ? compile_pause_find(server_c, ev->flow) : NULL;
	if (!p) {
		st.no_flow++;
		return;
	}
	if (compile_pause_parse(server_c, p, &res)) {
		st.failed++;
		return;
	}
	for (size_t i = 0; i < res.acts.n && !po; i++)
		if (res.acts.acts[i].type == ACT_PUT_DHCPV4_OPTS)
			po = &res.acts.acts[i].put_opts;
	n = po ? dhcp_build_reply(ev->pkt, ev->cap_len, po, out, sizeof(out)) : -ENOENT;
	if (n < 0) {
		st.bad_request++;
		pr_dbg(MOD, "flow %u: request not answered: %s", ev->flow, strerror(-n));
	} else if (n > 0) {
		err = resume_packet(ev, p, out, n);
		if (err) {
			st.failed++;
			pr_warn(MOD, "flow %u: cannot resume the reply: %s", ev->flow,
				strerror(-err));
		} else {
			st.replies++;
		}
	}
	action_parse_result_free(&res);
}

int dhcp_server_start(struct compiler *compiler)
{
	server_c = compiler;
	return punt_register(ACT_PUT_DHCPV4_OPTS, on_put_dhcp_opts, NULL);
}

void dhcp_server_stop(void)
{
	punt_unregister(ACT_PUT_DHCPV4_OPTS);
	server_c = NULL;
}

void dhcp_server_stats(struct dhcp_stats *s)
{
	*s = st;
}
