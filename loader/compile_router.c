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
	cc_ops_push(ops, &op);
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
		cc_ops_push(ops, &op);
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
	cc_ops_push(ops, &op);
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

/* ---- select() member labels ----
 *
 * northd numbers the members of an ECMP group by position, so removing a
 * route renumbers the members after it.  Hashing on the member id would
 * move their sources too.  Instead each member hashes a label taken from
 * what the member does: the actions of the flow that handles it in the
 * next table -- northd's convention (lr_in_ip_routing -> _ecmp,
 * lr_in_policy -> _ecmp): the select flow loads the group id G into
 * reg8[0..15] and the member into reg8[16..31]; the next table has one
 * flow per member matching "reg8[0..15] == G && reg8[16..31] == M" whose
 * actions (next hop, port, MACs) do not name M.  A member without such a
 * flow uses its id.  When member flows come or go, the select flows of
 * their group compile again at the next commit.
 */
struct rt_label {
	uint32_t dp;
	uint8_t pipeline, table;
	uint16_t group, member;
	uint32_t label;
};

struct rt_select {
	struct compile_lflow f;		/* strings owned */
	uint16_t group;
	bool dirty;
};

struct cc_router {
	struct smap labels;		/* flow key -> struct rt_label */
	struct smap selects;		/* flow key -> struct rt_select */
};

static struct cc_router *rt_of(struct compiler *c)
{
	if (!c->rt)
		c->rt = xcalloc(1, sizeof(*c->rt));
	return c->rt;
}

static void select_free(void *p)
{
	struct rt_select *r = p;

	if (!r)
		return;
	free((char *)r->f.uuid);
	free((char *)r->f.match);
	free((char *)r->f.actions);
	free(r);
}

void cc_router_free(struct compiler *c)
{
	if (!c->rt)
		return;
	smap_destroy(&c->rt->labels, free);
	smap_destroy(&c->rt->selects, select_free);
	free(c->rt);
	c->rt = NULL;
}

/* "... reg8[0..15] = G; ..." in the select flow's actions. */
static bool parse_group(const char *actions, uint16_t *g)
{
	const char *p = strstr(actions, "reg8[0..15] = ");
	unsigned int v;

	if (!p || sscanf(p + 14, "%u", &v) != 1 || v > 0xffff)
		return false;
	*g = v;
	return true;
}

/* "reg8[0..15] == G && reg8[16..31] == M" in a member flow's match. */
static bool parse_member(const char *match, uint16_t *g, uint16_t *m)
{
	const char *pg = strstr(match, "reg8[0..15] == ");
	const char *pm = strstr(match, "reg8[16..31] == ");
	unsigned int a, b;

	if (!pg || !pm || sscanf(pg + 15, "%u", &a) != 1 || sscanf(pm + 16, "%u", &b) != 1 ||
	    a > 0xffff || b > 0xffff)
		return false;
	*g = a;
	*m = b;
	return true;
}

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static uint32_t member_label(struct cc_router *rt, const struct compile_lflow *f, uint16_t g,
			     bool have_g, uint16_t id)
{
	size_t i = 0;
	const char *k;
	void *v;

	if (have_g) {
		while (smap_next(&rt->labels, &i, &k, &v)) {
			const struct rt_label *l = v;

			if (l->dp == f->dp && l->pipeline == f->pipeline && l->table == f->table + 1 &&
			    l->group == g && l->member == id)
				return l->label;
		}
	}
	return id;
}

static void mark_group_dirty(struct cc_router *rt, const struct rt_label *l)
{
	size_t i = 0;
	const char *k;
	void *v;

	while (smap_next(&rt->selects, &i, &k, &v)) {
		struct rt_select *s = v;

		if (s->f.dp == l->dp && s->f.pipeline == l->pipeline &&
		    s->f.table + 1 == l->table && s->group == l->group)
			s->dirty = true;
	}
}

void cc_router_flow_added(struct compiler *c, const struct compile_lflow *f)
{
	struct cc_router *rt;
	uint16_t g, m;

	if (strstr(f->actions, "select(")) {
		struct rt_select *s;

		rt = rt_of(c);
		s = xcalloc(1, sizeof(*s));
		s->f = *f;
		s->f.uuid = xstrndup(f->uuid, strlen(f->uuid));
		s->f.match = xstrndup(f->match, strlen(f->match));
		s->f.actions = xstrndup(f->actions, strlen(f->actions));
		if (!parse_group(f->actions, &s->group))
			s->group = 0xffff;
		select_free(smap_put(&rt->selects, f->uuid, s));
	}
	if (f->table > 0 && parse_member(f->match, &g, &m)) {
		struct rt_label *l;

		rt = rt_of(c);
		l = xcalloc(1, sizeof(*l));
		l->dp = f->dp;
		l->pipeline = f->pipeline;
		l->table = f->table;
		l->group = g;
		l->member = m;
		l->label = fnv1a(f->actions);
		free(smap_put(&rt->labels, f->uuid, l));
		mark_group_dirty(rt, l);
	}
}

void cc_router_flow_deleted(struct compiler *c, const char *uuid)
{
	struct rt_label *l;

	if (!c->rt)
		return;
	select_free(smap_del(&c->rt->selects, uuid));
	l = smap_del(&c->rt->labels, uuid);
	if (l) {
		mark_group_dirty(c->rt, l);
		free(l);
	}
}

void cc_router_commit(struct compiler *c)
{
	struct compile_lflow *redo = NULL;
	size_t n = 0, i = 0;
	const char *k;
	void *v;

	if (!c->rt)
		return;
	while (smap_next(&c->rt->selects, &i, &k, &v)) {
		struct rt_select *s = v;

		if (!s->dirty)
			continue;
		redo = xrealloc(redo, (n + 1) * sizeof(*redo));
		redo[n] = s->f;
		redo[n].uuid = xstrndup(s->f.uuid, strlen(s->f.uuid));
		redo[n].match = xstrndup(s->f.match, strlen(s->f.match));
		redo[n].actions = xstrndup(s->f.actions, strlen(s->f.actions));
		n++;
	}
	for (i = 0; i < n; i++) {
		compile_flow_del(c, redo[i].uuid);
		compile_flow_add(c, &redo[i]);
		free((char *)redo[i].uuid);
		free((char *)redo[i].match);
		free((char *)redo[i].actions);
	}
	free(redo);
}

static int emit_select(struct compiler *c, const struct compile_lflow *f, struct cc_ops *ops,
		       const struct action *act, const char **why)
{
	const struct action_select *s = &act->select;
	unsigned int bit, n_bits;
	uint32_t fields = OVN_SELECT_H_DEFAULT;
	uint16_t off, g = 0;
	uint8_t len;
	bool have_g = parse_group(f->actions, &g);
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
				     .pipeline = f->pipeline, .table = f->table + 1,
				     .arg = fields };
		size_t j;

		for (j = 0; j < OVN_SELECT_PER_OP && i + j < s->n_members; j++) {
			uint16_t id = s->members[i + j].id, w = s->members[i + j].weight;
			uint32_t label = member_label(rt_of(c), f, g, have_g, id);

			memcpy(&op.value[4 * j], &id, 2);
			memcpy(&op.value[4 * j + 2], &w, 2);
			memcpy(&op.mask[4 * j], &label, 4);
		}
		op.n = j;
		if (!i)
			op.src_len |= OVN_SELECT_F_FIRST;
		if (i + j == s->n_members)
			op.src_len |= OVN_SELECT_F_LAST;
		cc_ops_push(ops, &op);
	}
	return 0;
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
	cc_ops_push(ops, &op);
	return 0;
}

bool cc_router_handles(enum action_type type)
{
	switch (type) {
	case ACT_PUT_ARP: case ACT_PUT_ND:
	case ACT_GET_ARP: case ACT_GET_ND:
	case ACT_LOOKUP_ARP: case ACT_LOOKUP_ND:
	case ACT_LOOKUP_ARP_IP: case ACT_LOOKUP_ND_IP:
	case ACT_SELECT:
		return true;
	default:
		return false;
	}
}

int cc_router_emit(struct compiler *c, const struct compile_lflow *f, struct cc_ops *ops,
		   const struct action *act, const char **why)
{
	if (act->type == ACT_PUT_ARP || act->type == ACT_PUT_ND)
		return emit_put_mac(ops, act, f->controller_meter, why);
	if (act->type == ACT_SELECT)
		return emit_select(c, f, ops, act, why);
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
