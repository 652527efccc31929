// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A trace's packet: the microflow (an OVN match expression naming the
 * packet's fields) into a context image, and that image into a real
 * Ethernet frame for BPF_PROG_TEST_RUN.
 *
 * ovn-trace's rules: the expression, with every symbol's prerequisites
 * added, must normalise to ONE conjunction of equalities -- `tcp.dst == 80`
 * alone is ambiguous (IPv4 or IPv6?), `ip4 && ip6` contradictory.  Masked
 * equalities set the bits they name.  Every field not named is zero, the
 * IP TTL included.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/compile.h"
#include "loader/expr.h"
#include "loader/strbuf.h"
#include "loader/trace.h"

static char *errf(const char *fmt, const char *a)
{
	char *s;

	if (asprintf(&s, fmt, a) < 0)
		return NULL;
	return s;
}

/* ctx[off .. off + len) = ctx & ~(mask << shift) | value << shift. */
static void put_bits(uint8_t *ctx, uint16_t off, uint8_t len, uint8_t shift,
		     struct u128 value, struct u128 mask)
{
	struct u128 v = u128_shl(u128_and(value, mask), shift);
	struct u128 m = u128_shl(mask, shift);

	for (unsigned int i = 0; i < len; i++) {
		uint8_t vb = (uint8_t)u128_shr(v, 8 * i).lo;
		uint8_t mb = (uint8_t)u128_shr(m, 8 * i).lo;
		uint8_t *b = &ctx[off + len - 1 - i];

		*b = (*b & ~mb) | (vb & mb);
	}
}

static int apply_clause(const struct expr_clause *cl, uint8_t *ctx, uint8_t *mask,
			trace_port_lookup_fn *lookup, void *aux, char **errp)
{
	static const struct u128 ones = { .lo = ~0ull, .hi = ~0ull };
	uint16_t off;
	uint8_t len, shift;
	uint32_t key;

	switch (cl->type) {
	case EXPR_CL_VALUE:
		if (compile_field_loc(cl->field, &off, &len, &shift)) {
			*errp = errf("%s", "a field of the microflow has no place in the "
				     "datapath's context");
			return -EINVAL;
		}
		put_bits(ctx, off, len, shift, cl->value, cl->mask);
		put_bits(mask, off, len, shift, ones, cl->mask);
		return 0;
	case EXPR_CL_STRINGS:
		if (cl->n_strings != 1 || cl->negated)
			break;
		if (!lookup(aux, cl->strings[0], &key)) {
			*errp = errf("unknown logical port \"%s\"", cl->strings[0]);
			return -EINVAL;
		}
		key = htonl(key);
		off = cl->field == MFF_LOG_OUTPORT ? OVN_OFF_OUTPORT : OVN_OFF_INPORT;
		memcpy(&ctx[off], &key, 4);
		memset(&mask[off], 0xff, 4);
		return 0;
	case EXPR_CL_CHASSIS_RESIDENT:
		/* As ovn-trace: every port is resident. */
		if (!cl->negated)
			return 0;
		*errp = errf("%s", "constraints are contradictory");
		return -EINVAL;
	default:
		break;
	}
	{
		struct strbuf sb = STRBUF_INIT;

		expr_clause_format(cl, &sb);
		*errp = errf("constraints are ambiguous: %s", strbuf_str(&sb));
		strbuf_free(&sb);
	}
	return -EINVAL;
}

int trace_microflow_parse(const char *microflow, const struct symtab *st,
			  trace_port_lookup_fn *lookup, void *aux,
			  struct ovn_md *md, struct ovn_flow_key *key, char **errp)
{
	return trace_microflow_parse_mask(microflow, st, lookup, aux, md, NULL, key, errp);
}

int trace_microflow_parse_mask(const char *microflow, const struct symtab *st,
			       trace_port_lookup_fn *lookup, void *aux, struct ovn_md *md,
			       struct ovn_md *md_mask, struct ovn_flow_key *key, char **errp)
{
	uint8_t ctx[OVN_CTX_FIELDS_END] = { 0 }, mask[OVN_CTX_FIELDS_END] = { 0 };
	struct expr_dnf *dnf = NULL;
	struct expr *e;
	char *err = NULL;
	int ret = -EINVAL;

	*errp = NULL;
	e = expr_parse(microflow, st, NULL, &err);
	if (e)
		dnf = expr_normalize(e, st, 0, &err);
	if (!dnf) {
		*errp = errf("microflow: %s", err ? err : "syntax error");
		goto out;
	}
	if (!dnf->n_conjs) {
		*errp = errf("%s", "microflow: constraints are contradictory");
		goto out;
	}
	if (dnf->n_conjs > 1) {
		char *s = expr_dnf_to_string(dnf);

		*errp = errf("microflow: constraints are ambiguous: %s", s ? s : "");
		free(s);
		goto out;
	}
	for (size_t i = 0; i < dnf->conjs[0].n_clauses; i++) {
		char *m = NULL;

		if (apply_clause(&dnf->conjs[0].clauses[i], ctx, mask, lookup, aux, &m)) {
			*errp = errf("microflow: %s", m ? m : "bad constraint");
			free(m);
			goto out;
		}
	}
	memcpy(md, ctx, sizeof(*md));
	if (md_mask)
		memcpy(md_mask, mask, sizeof(*md_mask));
	memcpy(key, ctx + OVN_OFF_KEY, sizeof(*key));
	ret = 0;
out:
	free(err);
	expr_dnf_free(dnf);
	expr_free(e);
	return ret;
}

/* ---- frame ---- */

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* L4 header of PROTO at P; returns its length. */
static size_t build_l4(const struct ovn_flow_key *k, uint8_t proto, bool v6, uint8_t *p)
{
	switch (proto) {
	case 6:
		memset(p, 0, 20);
		memcpy(p, &k->tp_src, 4);
		/* data offset 5, flags from tcp.flags (12 bits) */
		put16(p + 12, (uint16_t)(5 << 12 | (ntohs(k->tcp_flags) & 0x0fff)));
		put16(p + 14, 65535);
		return 20;
	case 17:
		memset(p, 0, 8);
		memcpy(p, &k->tp_src, 4);
		put16(p + 4, 8);
		return 8;
	case 132:
		memset(p, 0, 12);
		memcpy(p, &k->tp_src, 4);
		return 12;
	case 1:
		if (v6)
			return 0;
		memset(p, 0, 8);
		p[0] = k->icmp_type;
		p[1] = k->icmp_code;
		return 8;
	case 58: {
		size_t n = 8;

		if (!v6)
			return 0;
		memset(p, 0, 8);
		p[0] = k->icmp_type;
		p[1] = k->icmp_code;
		if (k->icmp_type == 135 || k->icmp_type == 136) {
			static const uint8_t zero[6];
			const uint8_t *ll = k->icmp_type == 135 ? k->nd_sll : k->nd_tll;

			memcpy(p + 8, k->nd_target, 16);
			n = 24;
			if (memcmp(ll, zero, 6)) {
				p[n] = k->icmp_type == 135 ? 1 : 2;
				p[n + 1] = 1;
				memcpy(p + n + 2, ll, 6);
				n += 8;
			}
		}
		return n;
	}
	default:
		return 0;
	}
}

static size_t l4_csum_off(uint8_t proto)
{
	switch (proto) {
	case 6: return 16;
	case 17: return 6;
	case 1: case 58: return 2;
	default: return 0;
	}
}

size_t trace_build_frame(const struct ovn_flow_key *k, uint8_t *buf, size_t cap)
{
	uint16_t type = ntohs(k->eth_type), tci = ntohs(k->vlan_tci);
	size_t off = 0, l4len, co;
	uint32_t sum;
	uint8_t *ip, *l4;

	if (cap < 128)
		return 0;
	memset(buf, 0, 128);
	memcpy(buf, k->eth_dst, 6);
	memcpy(buf + 6, k->eth_src, 6);
	off = 12;
	if (tci & 0x1000) {
		put16(buf + off, 0x8100);
		put16(buf + off + 2, tci & ~0x1000);
		off += 4;
	}
	put16(buf + off, type);
	off += 2;
	ip = buf + off;
	switch (type) {
	case 0x0800:
		l4 = ip + 20;
		l4len = build_l4(k, k->ip_proto, false, l4);
		ip[0] = 0x45;
		ip[1] = k->ip_tos;
		put16(ip + 2, (uint16_t)(20 + l4len));
		if (k->ip_frag & 1)
			put16(ip + 6, (k->ip_frag & 2) ? 0x2001 : 0x2000);	/* MF, offset */
		ip[8] = k->ip_ttl;
		ip[9] = k->ip_proto;
		memcpy(ip + 12, &k->ip4_src, 4);
		memcpy(ip + 16, &k->ip4_dst, 4);
		put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
		co = l4_csum_off(k->ip_proto);
		if (co && l4len) {
			sum = 0;
			if (k->ip_proto != 1) {
				sum = csum_add(0, ip + 12, 8);
				sum += k->ip_proto + l4len;
			}
			sum = csum_add(sum, l4, l4len);
			put16(l4 + co, csum_fold(sum));
		}
		return off + 20 + l4len;
	case 0x86dd: {
		uint32_t w = 6u << 28 | (uint32_t)k->ip_tos << 20 | (ntohl(k->ip6_label) & 0xfffff);

		l4 = ip + 40;
		l4len = build_l4(k, k->ip_proto, true, l4);
		put16(ip, w >> 16);
		put16(ip + 2, w & 0xffff);
		put16(ip + 4, (uint16_t)l4len);
		ip[6] = k->ip_proto;
		ip[7] = k->ip_ttl;
		memcpy(ip + 8, k->ip6_src, 16);
		memcpy(ip + 24, k->ip6_dst, 16);
		co = l4_csum_off(k->ip_proto);
		if (co && l4len) {
			sum = csum_add(0, ip + 8, 32);
			sum += k->ip_proto + l4len;
			sum = csum_add(sum, l4, l4len);
			put16(l4 + co, csum_fold(sum));
		}
		return off + 40 + l4len;
	}
	case 0x0806:
		put16(ip, 1);
		put16(ip + 2, 0x0800);
		ip[4] = 6;
		ip[5] = 4;
		memcpy(ip + 6, &k->arp_op, 2);
		memcpy(ip + 8, k->arp_sha, 6);
		memcpy(ip + 14, &k->arp_spa, 4);
		memcpy(ip + 18, k->arp_tha, 6);
		memcpy(ip + 24, &k->arp_tpa, 4);
		return off + 28;
	default:
		return off;
	}
}
