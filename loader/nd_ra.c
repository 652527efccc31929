// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Router Advertisements for put_nd_ra_opts (nd_ra.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "loader/actions.h"
#include "loader/dhcp6.h"
#include "loader/log.h"
#include "loader/nd_ra.h"
#include "loader/pause_reply.h"
#include "loader/punt.h"

#define MOD "nd_ra"

#define ETH_HDR		14
#define IP6_HDR		40
#define RA_HDR		16

/* Option codes of action_nd_ra_opts (loader/actions-info.c). */
enum { RA_ADDR_MODE = 0, RA_PRF = 255, RA_SLLA = 1, RA_PREFIX = 3, RA_MTU = 5, RA_RDNSS = 25,
       RA_DNSSL = 31, RA_ROUTE_INFO = 24 };

#define RA_F_MANAGED	0x80
#define RA_F_OTHER	0x40
#define RA_PRF_HIGH	0x08
#define RA_PRF_LOW	0x18

static struct compiler *ra_c;
static struct pause_reply_stats st;

struct rbuf {
	uint8_t *p;
	size_t n, cap;
	bool full;
};

static uint8_t *rput(struct rbuf *b, size_t n)
{
	uint8_t *at = b->p + b->n;

	if (b->full || b->n + n > b->cap) {
		b->full = true;
		return NULL;
	}
	memset(at, 0, n);
	b->n += n;
	return at;
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

static const char *str_of(const struct action_opt *o)
{
	return o->value.n && o->value.v[0].string ? o->value.v[0].string : "";
}

/* The M/O and preference bits, from every option before any is written:
 * a prefix's A flag depends on M whatever the options' order. */
static uint8_t ra_flags(const struct action_put_opts *po)
{
	uint8_t f = 0;

	for (size_t i = 0; i < po->n_opts; i++) {
		const struct action_opt *o = &po->opts[i];

		if (o->code == RA_ADDR_MODE && !strcmp(o->name, "addr_mode")) {
			if (!strcmp(str_of(o), "dhcpv6_stateful"))
				f |= RA_F_MANAGED;
			else if (!strcmp(str_of(o), "dhcpv6_stateless"))
				f |= RA_F_OTHER;
		} else if (o->code == RA_PRF) {
			if (!strcmp(str_of(o), "HIGH"))
				f |= RA_PRF_HIGH;
			else if (!strcmp(str_of(o), "LOW"))
				f |= RA_PRF_LOW;
		}
	}
	return f;
}

static void put_option(struct rbuf *b, const struct action_opt *o, uint8_t flags)
{
	const struct action_const_set *v = &o->value;
	uint8_t *p, dom[256];
	int n;

	if (!v->n)
		return;
	switch (o->code) {
	case RA_SLLA:
		if ((p = rput(b, 8))) {
			p[0] = RA_SLLA, p[1] = 1;
			for (int k = 0; k < 6; k++)
				p[2 + k] = (uint8_t)(v->v[0].value.lo >> (40 - 8 * k));
		}
		break;
	case RA_MTU:
		if ((p = rput(b, 8))) {
			p[0] = RA_MTU, p[1] = 1;
			be32(p + 4, (uint32_t)v->v[0].value.lo);
		}
		break;
	case RA_PREFIX:
		for (size_t k = 0; k < v->n; k++) {
			const struct action_const *c = &v->v[k];
			unsigned int plen = 128;

			if (c->masked)
				plen = __builtin_popcountll(c->mask.hi) +
				       __builtin_popcountll(c->mask.lo);
			if (!(p = rput(b, 32)))
				return;
			p[0] = RA_PREFIX, p[1] = 4, p[2] = (uint8_t)plen;
			p[3] = 0x80 | (flags & RA_F_MANAGED ? 0 : 0x40);	/* L, A */
			be32(p + 4, 0xffffffff);	/* valid lifetime */
			be32(p + 8, 0xffffffff);	/* preferred lifetime */
			pr_const_ip6(c, p + 16);
		}
		break;
	case RA_RDNSS:
		if (!(p = rput(b, 8 + 16 * v->n)))
			return;
		p[0] = RA_RDNSS, p[1] = (uint8_t)(1 + 2 * v->n);
		be32(p + 4, 0xffffffff);
		for (size_t k = 0; k < v->n; k++)
			pr_const_ip6(&v->v[k], p + 8 + 16 * k);
		break;
	case RA_DNSSL:
		n = dhcp6_encode_domains(str_of(o), dom, sizeof(dom) - 8);
		if (n <= 0) {
			pr_dbg(MOD, "dnssl \"%s\" not encoded", str_of(o));
			return;
		}
		/* Padded with zeros to a multiple of 8 bytes. */
		if (!(p = rput(b, (8 + n + 7) / 8 * 8)))
			return;
		p[0] = RA_DNSSL, p[1] = (uint8_t)((8 + n + 7) / 8);
		be32(p + 4, 0xffffffff);
		memcpy(p + 8, dom, n);
		break;
	default:
		/* addr_mode, router_preference: header flags; route_info is
		 * not encoded yet. */
		if (o->code != RA_ADDR_MODE && o->code != RA_PRF)
			pr_dbg(MOD, "option %s not encoded", o->name);
		break;
	}
}

int nd_ra_build(const uint8_t *req, size_t len, const struct action_put_opts *po,
		uint8_t *out, size_t out_size)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	struct rbuf b = { .p = out, .cap = out_size };
	uint8_t flags = ra_flags(po), *ip6, *ra;
	size_t plen;
	uint16_t cs;

	if (len < ETH_HDR + IP6_HDR + 8 || req[12] != 0x86 || req[13] != 0xdd)
		return -EINVAL;
	if ((req[ETH_HDR] >> 4) != 6 || req[ETH_HDR + 6] != 58 ||
	    req[ETH_HDR + IP6_HDR] != 133 || req[ETH_HDR + IP6_HDR + 1] != 0)
		return -EINVAL;
	if (!rput(&b, ETH_HDR + IP6_HDR + RA_HDR))
		return -ENOSPC;
	memcpy(out, req, ETH_HDR + IP6_HDR);
	ra = out + ETH_HDR + IP6_HDR;
	ra[0] = 134;			/* Router Advertisement */
	ra[4] = 255;			/* current hop limit */
	ra[5] = flags;
	ra[6] = 0xff, ra[7] = 0xff;	/* router lifetime */
	for (size_t i = 0; i < po->n_opts; i++)
		put_option(&b, &po->opts[i], flags);
	if (b.full)
		return -ENOSPC;
	ip6 = out + ETH_HDR;
	/* An RS from the unspecified address: answer all nodes. */
	if (!memcmp(ip6 + 8, (uint8_t[16]){ 0 }, 16))
		memcpy(ip6 + 8, all_nodes, 16);
	plen = b.n - ETH_HDR - IP6_HDR;
	ip6[4] = plen >> 8, ip6[5] = plen & 0xff;
	cs = pr_csum6(ip6, ra, plen, 58);
	ra[2] = cs >> 8, ra[3] = cs & 0xff;
	return (int)b.n;
}

static int build(const struct ovn_punt_event *ev, const struct action *act, uint8_t *out,
		 size_t out_size, void *aux)
{
	(void)aux;
	return nd_ra_build(ev->pkt, ev->cap_len, &act->put_opts, out, out_size);
}

static void on_put_nd_ra_opts(const struct ovn_punt_event *ev, size_t len, void *aux)
{
	(void)len;
	(void)aux;
	pause_reply(ra_c, ev, ACT_PUT_ND_RA_OPTS, build, NULL, false, &st);
}

int nd_ra_start(struct compiler *compiler)
{
	ra_c = compiler;
	return punt_register(ACT_PUT_ND_RA_OPTS, on_put_nd_ra_opts, NULL);
}

void nd_ra_stop(void)
{
	punt_unregister(ACT_PUT_ND_RA_OPTS);
	ra_c = NULL;
}

void nd_ra_stats(struct pause_reply_stats *s)
{
	*s = st;
}
