// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* DNS answers for dns_lookup (dns.h). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "loader/actions.h"
#include "loader/dns.h"
#include "loader/log.h"
#include "loader/pause_reply.h"
#include "loader/punt.h"
#include "loader/sb_row.h"
#include "ovsdb-client/client.h"

#define MOD "dns"

#define ETH_HDR		14
#define UDP_HDR		8
#define DNS_HDR		12
#define DNS_TTL		3600
#define NAME_MAX_LEN	255

enum { QT_A = 1, QT_PTR = 12, QT_AAAA = 28, QT_ANY = 255 };

static struct compiler *dns_c;
static struct ovsdb_table *dns_t, *dpb_t;
static struct pause_reply_stats st;

struct abuf {
	uint8_t *p;
	size_t n, cap;
	bool full;
};

static void aput(struct abuf *b, const void *v, size_t n)
{
	if (b->full || b->n + n > b->cap) {
		b->full = true;
		return;
	}
	memcpy(b->p + b->n, v, n);
	b->n += n;
}

static void aput16(struct abuf *b, uint16_t v)
{
	uint8_t x[2] = { v >> 8, v & 0xff };

	aput(b, x, 2);
}

/* One resource record: the question's name, TYPE, IN, TTL, RDATA. */
static void put_rr(struct abuf *b, const uint8_t *qname, size_t qlen, uint16_t type,
		   const void *rdata, size_t rlen)
{
	uint8_t ttl[4] = { DNS_TTL >> 24, (DNS_TTL >> 16) & 0xff, (DNS_TTL >> 8) & 0xff,
			   DNS_TTL & 0xff };

	aput(b, qname, qlen);
	aput16(b, type);
	aput16(b, 1);
	aput(b, ttl, 4);
	aput16(b, (uint16_t)rlen);
	aput(b, rdata, rlen);
}

/* A PTR's target as a name: labels of the dotted string S. */
static int enc_name(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (*s) {
		size_t l = strcspn(s, ".");

		if (!l || l > 63 || n + 1 + l + 1 > cap)
			return -EINVAL;
		out[n++] = (uint8_t)l;
		memcpy(out + n, s, l);
		n += l;
		s += l;
		if (*s == '.')
			s++;
	}
	if (n + 1 > cap)
		return -EINVAL;
	out[n++] = 0;
	return (int)n;
}

/* The answers for QTYPE from record REC; returns how many. */
static int put_answers(struct abuf *b, const uint8_t *qname, size_t qlen, uint16_t qtype,
		       const char *rec)
{
	char tok[64];
	int an = 0;

	if (qtype == QT_PTR) {
		uint8_t nm[NAME_MAX_LEN + 2];
		int n = enc_name(rec, nm, sizeof(nm));

		if (n <= 0)
			return 0;
		put_rr(b, qname, qlen, QT_PTR, nm, n);
		return 1;
	}
	while (*rec) {
		size_t l = strcspn(rec, " \t,");
		uint8_t a[16];

		if (l && l < sizeof(tok)) {
			memcpy(tok, rec, l);
			tok[l] = 0;
			/* An address may come with a prefix length. */
			tok[strcspn(tok, "/")] = 0;
			if ((qtype == QT_A || qtype == QT_ANY) && inet_pton(AF_INET, tok, a) == 1) {
				put_rr(b, qname, qlen, QT_A, a, 4);
				an++;
			} else if ((qtype == QT_AAAA || qtype == QT_ANY) &&
				   inet_pton(AF_INET6, tok, a) == 1) {
				put_rr(b, qname, qlen, QT_AAAA, a, 16);
				an++;
			}
		}
		rec += l;
		while (*rec == ' ' || *rec == '\t' || *rec == ',')
			rec++;
	}
	return an;
}

int dns_build_reply(const uint8_t *req, size_t len, dns_lookup_fn *lookup, void *aux,
		    uint8_t *out, size_t out_size)
{
	const uint8_t *l3 = req + ETH_HDR, *udp, *dns, *q, *end;
	char name[NAME_MAX_LEN + 1];
	size_t l3len, ulen, nl = 0, qlen;
	uint16_t qtype, etype;
	struct abuf b;
	const char *rec;
	bool v6;
	int an;

	if (len < ETH_HDR + 20)
		return -EINVAL;
	etype = (uint16_t)(req[12] << 8 | req[13]);
	v6 = etype == 0x86dd;
	if (etype == 0x0800) {
		l3len = (size_t)(l3[0] & 0xf) * 4;
		if ((l3[0] >> 4) != 4 || l3len < 20 || l3[9] != 17)
			return -EINVAL;
	} else if (v6) {
		l3len = 40;
		if (len < ETH_HDR + 40 || (l3[0] >> 4) != 6 || l3[6] != 17)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	if (len < ETH_HDR + l3len + UDP_HDR + DNS_HDR)
		return -EINVAL;
	udp = l3 + l3len;
	ulen = (size_t)udp[4] << 8 | udp[5];
	if (ulen < UDP_HDR + DNS_HDR)
		return -EINVAL;
	if (ulen > len - ETH_HDR - l3len)
		ulen = len - ETH_HDR - l3len;
	dns = udp + UDP_HDR;
	end = udp + ulen;
	if (dns[2] & 0x80)
		return 0;	/* a response */
	if (!(dns[4] | dns[5]))
		return 0;	/* no question */
	/* The first question's name: labels, no compression in a query. */
	for (q = dns + DNS_HDR; q < end && *q; q += 1 + *q) {
		if (*q > 63 || end - q - 1 < *q || nl + *q + 1 > NAME_MAX_LEN)
			return -EINVAL;
		for (int i = 1; i <= *q; i++)
			name[nl++] = (char)tolower(q[i]);
		name[nl++] = '.';
	}
	if (q >= end || end - q < 5)
		return -EINVAL;	/* no root label, type and class */
	name[nl ? nl - 1 : 0] = 0;
	qlen = (size_t)(q + 1 - (dns + DNS_HDR));
	qtype = (uint16_t)(q[1] << 8 | q[2]);
	if (qtype != QT_A && qtype != QT_AAAA && qtype != QT_ANY && qtype != QT_PTR)
		return 0;
	rec = lookup(aux, name);
	if (!rec)
		return 0;

	b = (struct abuf){ .p = out, .cap = out_size };
	/* Headers as the query's up to the question (ls_in_dns_response
	 * swaps the addresses and ports). */
	aput(&b, req, (size_t)(q + 5 - req));
	an = put_answers(&b, dns + DNS_HDR, qlen, qtype, rec);
	if (!an)
		return 0;
	if (b.full)
		return -ENOSPC;
	{
		uint8_t *ol3 = out + ETH_HDR, *oudp = ol3 + l3len, *odns = oudp + UDP_HDR;
		size_t nu = b.n - ETH_HDR - l3len;
		uint16_t cs;

		odns[2] |= 0x80;		/* QR: a response */
		odns[6] = an >> 8, odns[7] = an & 0xff;
		odns[10] = 0, odns[11] = 0;	/* the query's additional RRs are gone */
		odns[8] = 0, odns[9] = 0;
		oudp[4] = nu >> 8, oudp[5] = nu & 0xff;
		oudp[6] = 0, oudp[7] = 0;
		if (v6) {
			ol3[4] = nu >> 8, ol3[5] = nu & 0xff;
			cs = pr_csum6(ol3, oudp, nu, 17);
			if (!cs)
				cs = 0xffff;
			oudp[6] = cs >> 8, oudp[7] = cs & 0xff;
		} else {
			size_t tl = l3len + nu;

			ol3[2] = tl >> 8, ol3[3] = tl & 0xff;
			ol3[10] = 0, ol3[11] = 0;
			cs = pr_csum_fold(pr_csum_add(0, ol3, l3len));
			ol3[10] = cs >> 8, ol3[11] = cs & 0xff;
		}
	}
	return (int)b.n;
}

/* DNS rows of the datapath whose tunnel key is *aux. */
static const char *sb_lookup(void *aux, const char *name)
{
	uint32_t dp = *(const uint32_t *)aux;
	const struct ovsdb_row *row;

	if (!dns_t || !dpb_t)
		return NULL;
	OVSDB_TABLE_FOR_EACH(row, dns_t) {
		const struct ovsdb_datum *dps = sb_row_datum(row, "datapaths", OVSDB_TYPE_UUID);
		const char *rec;
		bool here = false;

		for (uint32_t i = 0; dps && i < dps->n && !here; i++) {
			const struct ovsdb_row *d = ovsdb_table_find(dpb_t, &dps->keys[i].uuid);

			here = d && sb_row_int(d, "tunnel_key", -1) == dp;
		}
		if (here && (rec = sb_row_smap_get(row, "records", name)))
			return rec;
	}
	return NULL;
}

static int build(const struct ovn_punt_event *ev, const struct action *act, uint8_t *out,
		 size_t out_size, void *aux)
{
	uint32_t dp = ntohl(ev->md.metadata);

	(void)act;
	(void)aux;
	return dns_build_reply(ev->pkt, ev->cap_len, sb_lookup, &dp, out, out_size);
}

static void on_dns_lookup(const struct ovn_punt_event *ev, size_t len, void *aux)
{
	(void)len;
	(void)aux;
	pause_reply(dns_c, ev, ACT_DNS_LOOKUP, build, NULL, true, &st);
}

int dns_server_start(struct ovsdb_client *cl, struct compiler *compiler)
{
	dns_t = ovsdb_client_monitor(cl, "DNS", NULL);
	dpb_t = ovsdb_client_monitor(cl, "Datapath_Binding", NULL);
	if (!dns_t || !dpb_t)
		return -ENOMEM;
	dns_c = compiler;
	return punt_register(ACT_DNS_LOOKUP, on_dns_lookup, NULL);
}

void dns_server_stop(void)
{
	punt_unregister(ACT_DNS_LOOKUP);
	dns_c = NULL;
	dns_t = dpb_t = NULL;
}

void dns_server_stats(struct pause_reply_stats *s)
{
	*s = st;
}
