// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* DHCPv6 answers for put_dhcpv6_opts (dhcp6.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "loader/actions.h"
#include "loader/dhcp6.h"
#include "loader/log.h"
#include "loader/pause_reply.h"
#include "loader/punt.h"

#define MOD "dhcp6"

#define ETH_HDR		14
#define IP6_HDR		40
#define UDP_HDR		8

enum { SOLICIT = 1, ADVERTISE, REQUEST, CONFIRM, RENEW, REBIND, REPLY, RELEASE, DECLINE,
       RECONFIGURE, INFO_REQ };
enum { OPT_CLIENTID = 1, OPT_SERVERID = 2, OPT_IA_NA = 3, OPT_IAADDR = 5,
       OPT_DNS_SERVERS = 23, OPT_DOMAIN_LIST = 24 };

static struct compiler *server_c;
static struct pause_reply_stats st;

struct wbuf {
	uint8_t *p;
	size_t n, cap;
	bool full;
};

static uint8_t *wput(struct wbuf *b, const void *v, size_t n)
{
	uint8_t *at = b->p + b->n;

	if (b->full || b->n + n > b->cap) {
		b->full = true;
		return NULL;
	}
	if (v)
		memcpy(at, v, n);
	else
		memset(at, 0, n);
	b->n += n;
	return at;
}

static void wput16(struct wbuf *b, uint16_t v)
{
	uint8_t x[2] = { v >> 8, v & 0xff };

	wput(b, x, 2);
}

static void wput32(struct wbuf *b, uint32_t v)
{
	uint8_t x[4] = { v >> 24, v >> 16, v >> 8, v };

	wput(b, x, 4);
}

int dhcp6_encode_domains(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (*s) {
		size_t l;

		while (*s == ',' || *s == ' ')
			s++;
		if (!*s)
			break;
		/* One name: labels up to the next separator. */
		for (;;) {
			l = strcspn(s, ".,; ");
			if (!l || l > 63)
				return -EINVAL;
			if (n + 1 + l + 1 > cap)
				return -ENOSPC;
			out[n++] = (uint8_t)l;
			memcpy(out + n, s, l);
			n += l;
			s += l;
			if (*s != '.')
				break;
			s++;
			if (!*s || *s == ',' || *s == ' ')
				break;	/* a trailing dot: already rooted */
		}
		out[n++] = 0;
	}
	return (int)n;
}

/* The flow's options, in the order the flow gives them. */
static void put_options(struct wbuf *b, const struct action_put_opts *po, const uint8_t *iaid)
{
	for (size_t i = 0; i < po->n_opts; i++) {
		const struct action_opt *o = &po->opts[i];
		const struct action_const_set *v = &o->value;
		uint8_t a[16], dom[256];
		int n;

		if (!v->n)
			continue;
		switch (o->code) {
		case OPT_SERVERID:
			/* DUID-LL (type 3), hardware type Ethernet. */
			wput16(b, OPT_SERVERID);
			wput16(b, 10);
			wput16(b, 3);
			wput16(b, 1);
			for (int k = 0; k < 6; k++)
				a[k] = (uint8_t)(v->v[0].value.lo >> (40 - 8 * k));
			wput(b, a, 6);
			break;
		case OPT_IAADDR:
			/* Only in an IA_NA, with the client's IAID; an
			 * Information-request (stateless) gets none. */
			if (!iaid)
				break;
			pr_const_ip6(&v->v[0], a);
			wput16(b, OPT_IA_NA);
			wput16(b, 12 + 4 + 24);
			wput(b, iaid, 4);
			wput32(b, 0xffffffff);	/* T1, T2: infinity */
			wput32(b, 0xffffffff);
			wput16(b, OPT_IAADDR);
			wput16(b, 24);
			wput(b, a, 16);
			wput32(b, 0xffffffff);	/* preferred, valid lifetime */
			wput32(b, 0xffffffff);
			break;
		case OPT_DNS_SERVERS:
			wput16(b, OPT_DNS_SERVERS);
			wput16(b, (uint16_t)(16 * v->n));
			for (size_t k = 0; k < v->n; k++) {
				pr_const_ip6(&v->v[k], a);
				wput(b, a, 16);
			}
			break;
		case OPT_DOMAIN_LIST:
			n = v->v[0].string ? dhcp6_encode_domains(v->v[0].string, dom, sizeof(dom))
					   : -EINVAL;
			if (n <= 0) {
				pr_dbg(MOD, "domain_search \"%s\" not encoded",
				       v->v[0].string ? v->v[0].string : "");
				break;
			}
			wput16(b, OPT_DOMAIN_LIST);
			wput16(b, (uint16_t)n);
			wput(b, dom, n);
			break;
		default:
			pr_dbg(MOD, "option %s (%u) not encoded", o->name, o->code);
			break;
		}
	}
}

int dhcp6_build_reply(const uint8_t *req, size_t len, const struct action_put_opts *po,
		      uint8_t *out, size_t out_size)
{
	const uint8_t *ip6, *udp, *msg, *o, *end, *cid = NULL, *iaid = NULL;
	size_t ulen, cid_len = 0;
	uint8_t type, rtype;
	struct wbuf b;
	uint16_t cs;

	if (len < ETH_HDR + IP6_HDR + UDP_HDR + 4 || req[12] != 0x86 || req[13] != 0xdd)
		return -EINVAL;
	ip6 = req + ETH_HDR;
	udp = ip6 + IP6_HDR;
	if ((ip6[0] >> 4) != 6 || ip6[6] != 17)
		return -EINVAL;
	ulen = (size_t)udp[4] << 8 | udp[5];
	if (ulen < UDP_HDR + 4)
		return -EINVAL;
	if (ulen > len - ETH_HDR - IP6_HDR)
		ulen = len - ETH_HDR - IP6_HDR;
	msg = udp + UDP_HDR;
	end = udp + ulen;
	type = msg[0];
	switch (type) {
	case SOLICIT:
		rtype = ADVERTISE;
		break;
	case REQUEST:
	case CONFIRM:
	case DECLINE:
	case INFO_REQ:
		rtype = REPLY;
		break;
	default:
		return 0;
	}
	for (o = msg + 4; o < end;) {
		uint16_t code, olen;

		if (end - o < 4)
			return -EINVAL;
		code = (uint16_t)(o[0] << 8 | o[1]);
		olen = (uint16_t)(o[2] << 8 | o[3]);
		if ((size_t)(end - o - 4) < olen)
			return -EINVAL;
		if (code == OPT_CLIENTID) {
			cid = o;
			cid_len = 4 + olen;
		} else if (code == OPT_IA_NA) {
			if (olen < 12)
				return -EINVAL;
			iaid = o + 4;
		}
		o += 4 + olen;
	}
	if (!cid || (!iaid && type != INFO_REQ))
		return -EINVAL;
	if (type == INFO_REQ)
		iaid = NULL;
	b = (struct wbuf){ .p = out, .cap = out_size };
	wput(&b, req, ETH_HDR + IP6_HDR + 4);	/* L2, IPv6, UDP ports */
	wput(&b, NULL, 4);			/* UDP length, checksum */
	wput(&b, &rtype, 1);
	wput(&b, msg + 1, 3);			/* transaction id */
	wput(&b, cid, cid_len);
	put_options(&b, po, iaid);
	if (b.full || b.n - ETH_HDR - IP6_HDR > 0xffff)
		return -ENOSPC;
	ulen = b.n - ETH_HDR - IP6_HDR;
	{
		uint8_t *oip = out + ETH_HDR, *oudp = oip + IP6_HDR;

		oip[4] = ulen >> 8, oip[5] = ulen & 0xff;
		oudp[4] = ulen >> 8, oudp[5] = ulen & 0xff;
		/* Over the request's addresses: ls_in_dhcp_response's
		 * rewrites update it as they would in OVS. */
		cs = pr_csum6(oip, oudp, ulen, 17);
		if (!cs)
			cs = 0xffff;
		oudp[6] = cs >> 8, oudp[7] = cs & 0xff;
	}
	return (int)b.n;
}

static int build(const struct ovn_punt_event *ev, const struct action *act, uint8_t *out,
		 size_t out_size, void *aux)
{
	(void)aux;
	return dhcp6_build_reply(ev->pkt, ev->cap_len, &act->put_opts, out, out_size);
}

static void on_put_dhcpv6_opts(const struct ovn_punt_event *ev, size_t len, void *aux)
{
	(void)len;
	(void)aux;
	pause_reply(server_c, ev, ACT_PUT_DHCPV6_OPTS, build, NULL, false, &st);
}

int dhcp6_server_start(struct compiler *compiler)
{
	server_c = compiler;
	return punt_register(ACT_PUT_DHCPV6_OPTS, on_put_dhcpv6_opts, NULL);
}

void dhcp6_server_stop(void)
{
	punt_unregister(ACT_PUT_DHCPV6_OPTS);
	server_c = NULL;
}

void dhcp6_server_stats(struct pause_reply_stats *s)
{
	*s = st;
}
