// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Router actions -> ops (compile_router.h, maps/router.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/compile_int.h"
#include "loader/compile_router.h"
#include "loader/strbuf.h"
#include "loader/symtab.h"

static void push(struct cc_ops *o, const struct ovn_op *op)
{
	if (o->n == o->alloc) {
		o->alloc = o->alloc ? 2 * o->alloc : 16;
		o->v = xrealloc(o->v, o->alloc * sizeof(*o->v));
	}
	o->v[o->n++] = *op;
}

/* Context bytes of an action field.  A whole field, or a subfield that
 * is whole bytes, gives (off, len); *bit and *n_bits say which bits. */
static int field_span(const struct action_field *af, uint16_t *off, uint8_t *len,
		      unsigned int *bit, unsigned int *n_bits)
{
	unsigned int base, n = af->n_bits, lo, hi;
	enum mf_field_id f;
	uint16_t o;
	uint8_t l, sh;

	if (!af->sym)
		return -ENOENT;
	f = symbol_resolve(af->sym, af->ofs, &base);
	if (f == MFF_NONE || compile_field_loc(f, &o, &l, &sh))
		return -ENOENT;
	if (!n) {		/* string field (inport/outport): 32-bit key */
		n = 32;
		base = 0;
	}
	lo = base + sh;
	hi = lo + n - 1;
	if (hi >= 8u * l)
		return -ERANGE;
	*off = o + l - 1 - hi / 8;
	*len = hi / 8 - lo / 8 + 1;
	*bit = lo % 8;
	*n_bits = n;
	return 0;
}

/* A byte-aligned field of exactly WANT bytes (0: 4 or 16). */
static int whole_bytes(const struct action_field *af, uint8_t want, uint16_t *off, uint8_t *len)
{
	unsigned int bit, n;

	if (field_span(af, off, len, &bit, &n) || bit || n != 8u * *len)
		return -EINVAL;
	if (want ? *len != want : (*len != 4 && *len != 16))
		return -EINVAL;
	return 0;
}

/* DST = flags.lookup_mac (a 1-bit destination). */
static int move_flag_to(struct cc_ops *ops, const struct action_field *dst)
{
	struct ovn_op op = { .code = OVN_OP_MOVE_BITS, .n = 1 };
	unsigned int bit, n;
	uint8_t len;

	if (field_span(dst, &op.dst, &len, &bit, &n) || n != 1 || len > 8)
		return -EINVAL;
	op.dst_len = len;
	op.dst_shift = bit;
	op.src = OVN_OFF_FLAGS;
	op.src_len = 4;
	op.src_shift = OVN_MLF_LOOKUP_MAC;
	push(ops, &op);
	return 0;
}

static int emit_mac_bind(struct cc_ops *ops, const struct action *act, const char **why)
{
	const struct action_mac_bind *mb = &act->mac_bind;
	struct ovn_op op = { 0 };
	uint16_t off;
	uint8_t len;
	bool get = act->type == ACT_GET_ARP || act->type == ACT_GET_ND;
	bool ip_only = act->type == ACT_LOOKUP_ARP_IP || act->type == ACT_LOOKUP_ND_IP;

	if (whole_bytes(&mb->port, 4, &op.src, &len)) {
		*why = "port argument is not a 32-bit field";
		return -EINVAL;
	}
	if (whole_bytes(&mb->ip, 0, &op.dst, &op.n)) {
		*why = "IP argument is not a whole IPv4/IPv6 field";
		return -EINVAL;
	}
	if (get) {
		op.code = OVN_OP_GET_MAC;
		push(ops, &op);
		return 0;
	}
	op.code = OVN_OP_LOOKUP_MAC;
	op.arg = 0xffff;
	if (!ip_only) {
		if (whole_bytes(&mb->mac, 6, &off, &len)) {
			*why = "MAC argument is not a whole 48-bit field";
			return -EINVAL;
		}
		op.arg = off;
	}
	push(ops, &op);
	if (move_flag_to(ops, &mb->dst)) {
		*why = "result is not a 1-bit field";
		return -EINVAL;
	}
	return 0;
}

static const struct {
	const char *name;
	uint32_t bit;
} hash_names[] = {
	{ "eth_src", OVN_SELECT_H_ETH_SRC }, { "eth_dst", OVN_SELECT_H_ETH_DST },
	{ "ip_src", OVN_SELECT_H_IP4_SRC }, { "ip_dst", OVN_SELECT_H_IP4_DST },
	{ "nw_src", OVN_SELECT_H_IP4_SRC }, { "nw_dst", OVN_SELECT_H_IP4_DST },
	{ "ipv6_src", OVN_SELECT_H_IP6_SRC }, { "ipv6_dst", OVN_SELECT_H_IP6_DST },
	{ "ip_proto", OVN_SELECT_H_IP_PROTO }, { "nw_proto", OVN_SELECT_H_IP_PROTO },
	{ "tp_src", OVN_SELECT_H_TP_SRC }, { "tp_dst", OVN_SELECT_H_TP_DST },
	{ "tcp_src", OVN_SELECT_H_TP_SRC }, { "tcp_dst", OVN_SELECT_H_TP_DST },
	{ "udp_src", OVN_SELECT_H_TP_SRC }, { "udp_dst", OVN_SELECT_H_TP_DST },
	{ "sctp_src", OVN_SELECT_H_TP_SRC }, { "sctp_dst", OVN_SELECT_H_TP_DST },
};

int cc_select_hash_fields(const char *text, uint32_t *bits, const char **bad)
{
	static char badbuf[64];
	const char *p = text;

	*bits = 0;
	while (*p) {
		size_t n, i;

		p += strspn(p, " ,");
		n = strcspn(p, " ,");
		if (!n)
			break;
		for (i = 0; i < sizeof(hash_names) / sizeof(hash_names[0]); i++)
			if (strlen(hash_names[i].name) == n && !strncmp(hash_names[i].name, p, n))
				break;
		if (i == sizeof(hash_names) / sizeof(hash_names[0])) {
			snprintf(badbuf, sizeof(badbuf), "%.*s", (int)(n < 60 ? n : 60), p);
			*bad = badbuf;
			return -EINVAL;
		}
		*bits |= hash_names[i].bit;
		p += n;
	}
	return 0;
}

static int emit_select(struct cc_ops *ops, const struct action *act, uint8_t pipeline,
		       uint8_t table, const char **why)
{
	const struct action_select *s = &act->select;
	unsigned int bit, n_bits;
	uint32_t fields = OVN_SELECT_H_DEFAULT;
	uint16_t off;
	uint8_t len;
	size_t i;

	if (!s->n_members) {
		*why = "select() without members";
		return -EINVAL;
	}
	if (field_span(&s->dst, &off, &len, &bit, &n_bits) || len > 8 || n_bits > 32) {
		*why = "select() result is not a field of at most 32 bits";
		return -EINVAL;
	}
	if (s->hash_fields && cc_select_hash_fields(s->hash_fields, &fields, why))
		return -EINVAL;
	for (i = 0; i < s->n_members; i += OVN_SELECT_PER_OP) {
		struct ovn_op op = { .code = OVN_OP_SELECT, .dst = off, .dst_len = len,
				     .dst_shift = bit, .src_shift = n_bits,
				     .pipeline = pipeline, .table = table + 1, .arg = fields };
		size_t j;

		for (j = 0; j < OVN_SELECT_PER_OP && i + j < s->n_members; j++) {
			uint16_t id = s->members[i + j].id, w = s->members[i + j].weight;

			memcpy(&op.value[2 * j], &id, 2);
			memcpy(&op.mask[2 * j], &w, 2);
		}
		op.n = j;
		if (!i)
			op.src_len |= OVN_SELECT_F_FIRST;
		if (i + j == s->n_members)
			op.src_len |= OVN_SELECT_F_LAST;
		push(ops, &op);
	}
	return 0;
}

/* ct_clear: the packet's conntrack state is forgotten.  Router ports'
 * switch egress (ls_out_pre_lb) has it on every IP packet; until the
 * datapath has conntrack (the ct op range), that is clearing the ct
 * fields of the context. */
static void emit_ct_clear(struct cc_ops *ops)
{
	static const struct {
		uint16_t off;
		uint8_t n;
	} f[] = { { OVN_OFF_CT_STATE, 4 }, { OVN_OFF_CT_MARK, 4 }, { OVN_OFF_CT_LABEL, 16 } };

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		struct ovn_op op = { .code = OVN_OP_SET, .dst = f[i].off, .n = f[i].n };

		memset(op.mask, 0xff, f[i].n);
		push(ops, &op);
	}
}

/* put_arp/put_nd: a copy to ovnbpfd, which writes SB MAC_Binding; the
 * argument offsets ride in the punt opcode (maps/router.h). */
static int emit_put_mac(struct cc_ops *ops, const struct action *act, uint16_t meter,
			const char **why)
{
	const struct action_mac_bind *mb = &act->mac_bind;
	struct ovn_op op = { .code = OVN_OP_PUNT, .n = OVN_PUNT_F_CONTINUE, .meter = meter };
	uint16_t poff, ioff, moff;
	uint8_t len;

	if (whole_bytes(&mb->port, 4, &poff, &len) ||
	    whole_bytes(&mb->ip, act->type == ACT_PUT_ARP ? 4 : 16, &ioff, &len) ||
	    whole_bytes(&mb->mac, 6, &moff, &len) || poff > 255 || ioff > 255 || moff > 255) {
		*why = "put_arp/put_nd arguments are not whole fields";
		return -EINVAL;
	}
	op.arg = OVN_PUNT_MB_ARGS(act->type, poff, ioff, moff);
	push(ops, &op);
	return 0;
}

bool cc_router_handles(enum action_type type)
{
	switch (type) {
	case ACT_PUT_ARP: case ACT_PUT_ND:
	case ACT_CT_CLEAR:
	case ACT_GET_ARP: case ACT_GET_ND:
	case ACT_LOOKUP_ARP: case ACT_LOOKUP_ND:
	case ACT_LOOKUP_ARP_IP: case ACT_LOOKUP_ND_IP:
	case ACT_SELECT:
		return true;
	default:
		return false;
	}
}

int cc_router_emit(struct cc_ops *ops, const struct action *act, uint8_t pipeline, uint8_t table,
		   uint16_t meter, const char **why)
{
	if (act->type == ACT_PUT_ARP || act->type == ACT_PUT_ND)
		return emit_put_mac(ops, act, meter, why);
	if (act->type == ACT_SELECT)
		return emit_select(ops, act, pipeline, table, why);
	if (act->type == ACT_CT_CLEAR) {
		emit_ct_clear(ops);
		return 0;
	}
	return emit_mac_bind(ops, act, why);
}

int compile_port_key(const struct compiler *c, const char *name, uint32_t *dp, uint32_t *key)
{
	struct cc_port *p = smap_get(&c->ports, name);

	if (!p)
		return -ENOENT;
	*dp = p->dp;
	*key = p->key;
	return 0;
}
