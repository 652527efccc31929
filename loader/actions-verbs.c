// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Parsers of the action verbs that change packets or conntrack state:
 * nested blocks, ct_*, load balancing, select, neighbour and FDB tables,
 * and the table of every statement verb.  The verbs that talk to the
 * control plane (DHCP, RA, DNS, log, events, ...) are in
 * actions-ctrl.c.
 */
#include <stdlib.h>
#include <string.h>

#include "loader/actions-int.h"
#include "loader/actions-verbs.h"
#include "loader/lex.h"

/* ---- nested blocks ---- */

/* NAME { actions };  PREREQ (if any) replaces the inner actions'
 * prerequisites, which describe the generated packet, not this one;
 * without it (clone, reject) the inner prerequisites are the flow's. */
static void parse_nested(struct act_ctx *c, struct action_list *l,
			 size_t pos, enum action_type type, const char *prereq,
			 unsigned int scope)
{
	struct act_prereqs inner_prereqs = { 0 };
	struct action_list nested = { 0 };
	struct act_ctx inner = *c;
	struct action *a;

	if (!act_force_match(c, LEX_T_LCURLY))
		return;
	inner.depth++;
	inner.scope = scope;
	if (prereq)
		inner.prereqs = &inner_prereqs;
	act_parse_list(&inner, &nested, LEX_T_RCURLY);
	act_prereqs_free(&inner_prereqs);
	if (c->lx->error) {
		action_list_free(&nested);
		return;
	}
	if (prereq)
		act_add_prereq(c, prereq);
	a = act_append(l, type, pos);
	a->nested = nested;
}

#define NESTED(fn, type, prereq, scope)					\
static void fn(struct act_ctx *c, struct action_list *l, size_t pos)	\
{									\
	parse_nested(c, l, pos, type, prereq, scope);			\
}

NESTED(parse_clone, ACT_CLONE, NULL, ACT_WR_DEFAULT)
NESTED(parse_arp, ACT_ARP, "ip4", c->scope)
NESTED(parse_icmp4, ACT_ICMP4, "ip4", c->scope)
NESTED(parse_icmp4_error, ACT_ICMP4_ERROR, "ip4", c->scope)
NESTED(parse_icmp6, ACT_ICMP6, "ip6", c->scope)
NESTED(parse_icmp6_error, ACT_ICMP6_ERROR, "ip6", c->scope)
NESTED(parse_tcp_reset, ACT_TCP_RESET, "tcp", c->scope)
NESTED(parse_sctp_abort, ACT_SCTP_ABORT, "sctp", c->scope)
NESTED(parse_nd_na, ACT_ND_NA, "nd_ns", c->scope)
NESTED(parse_nd_na_router, ACT_ND_NA_ROUTER, "nd_ns", c->scope)
NESTED(parse_nd_ns, ACT_ND_NS, "ip6", c->scope)
NESTED(parse_reject, ACT_REJECT, NULL, c->scope)

/* ---- simple verbs ---- */

#define SIMPLE(fn, type, prereq)					\
static void fn(struct act_ctx *c, struct action_list *l, size_t pos)	\
{									\
	const char *pr = prereq;					\
									\
	act_append(l, type, pos);					\
	if (pr)								\
		act_add_prereq(c, pr);					\
}

SIMPLE(parse_output, ACT_OUTPUT, NULL)
SIMPLE(parse_ct_clear, ACT_CT_CLEAR, NULL)
SIMPLE(parse_igmp, ACT_IGMP, NULL)
SIMPLE(parse_ct_snat_to_vip, ACT_CT_SNAT_TO_VIP, NULL)
SIMPLE(parse_dhcp6_reply, ACT_HANDLE_DHCPV6_REPLY, NULL)
SIMPLE(parse_mac_cache_use, ACT_MAC_CACHE_USE, NULL)

/* Verbs that continue at the next table need one to exist. */
static bool check_not_last(struct act_ctx *c, size_t pos, const char *name)
{
	if (c->pp->cur_table >= c->pp->n_tables) {
		lexer_error_at(c->lx, pos, "\"%s\" action not allowed in last "
			       "table.", name);
		return false;
	}
	return true;
}

/* ct_next; ct_commit_nat; and, from later OVN, ct_next(dnat|snat);
 * ct_commit_nat(dnat|snat); ct_commit_to_zone(dnat|snat); */
static void parse_ct_zone_verb(struct act_ctx *c, struct action_list *l,
			       size_t pos, enum action_type type,
			       bool require_zone)
{
	struct lexer *lx = c->lx;
	const char *name = action_info(type)->name;
	uint8_t zone = ACT_CT_ZONE_DEFAULT;

	if (!check_not_last(c, pos, name))
		return;
	act_add_prereq(c, "ip");
	if (require_zone && !act_force_match(c, LEX_T_LPAREN))
		return;
	if (require_zone || lexer_match(lx, LEX_T_LPAREN)) {
		if (lexer_match_id(lx, "dnat")) {
			zone = ACT_CT_ZONE_DNAT;
		} else if (lexer_match_id(lx, "snat")) {
			zone = ACT_CT_ZONE_SNAT;
		} else {
			lexer_error(lx, "\"%s\" action accepts only \"dnat\" "
				    "or \"snat\" parameter.", name);
			return;
		}
		if (!act_force_match(c, LEX_T_RPAREN))
			return;
	}
	act_append(l, type, pos)->ct_zone = zone;
}

static void parse_ct_next(struct act_ctx *c, struct action_list *l,
			  size_t pos)
{
	parse_ct_zone_verb(c, l, pos, ACT_CT_NEXT, false);
}

static void parse_ct_commit_nat(struct act_ctx *c, struct action_list *l,
				size_t pos)
{
	parse_ct_zone_verb(c, l, pos, ACT_CT_COMMIT_NAT, false);
}

static void parse_ct_commit_to_zone(struct act_ctx *c, struct action_list *l,
				    size_t pos)
{
	parse_ct_zone_verb(c, l, pos, ACT_CT_COMMIT_TO_ZONE, true);
}

static void parse_push_pop(struct act_ctx *c, struct action_list *l,
			   size_t pos, bool push)
{
	struct action_field f;

	if (!act_force_match(c, LEX_T_LPAREN) ||
	    !act_parse_field(c, &f) ||
	    !act_check_field(c, &f, f.n_bits, !push) ||
	    !act_force_match(c, LEX_T_RPAREN))
		return;
	act_append(l, push ? ACT_PUSH : ACT_POP, pos)->field = f;
}

static void parse_push(struct act_ctx *c, struct action_list *l, size_t pos)
{
	parse_push_pop(c, l, pos, true);
}

static void parse_pop(struct act_ctx *c, struct action_list *l, size_t pos)
{
	parse_push_pop(c, l, pos, false);
}

/* ---- conntrack ---- */

/* ct_commit(ct_mark=V[/M], ct_label=V[/M]) of OVN before 2.8. */
static void parse_ct_commit_v1(struct act_ctx *c, struct action_list *l,
			       size_t pos)
{
	struct lexer *lx = c->lx;
	struct action_ct_commit_v1 cc = { 0 };

	act_add_prereq(c, "ip");
	while (!lexer_match(lx, LEX_T_RPAREN)) {
		const struct lex_token *t = &lx->token;
		bool mark;

		if (lexer_match_id(lx, "ct_mark")) {
			mark = true;
		} else if (lexer_match_id(lx, "ct_label")) {
			mark = false;
		} else {
			lexer_syntax_error(lx, "expecting ct_mark or ct_label.");
			return;
		}
		if (!act_force_match(c, LEX_T_EQUALS))
			return;
		if (t->type != LEX_T_INTEGER &&
		    t->type != LEX_T_MASKED_INTEGER) {
			lexer_syntax_error(lx, "expecting integer.");
			return;
		}
		if (mark) {
			if (t->value.hi || t->value.lo > UINT32_MAX ||
			    (t->type == LEX_T_MASKED_INTEGER &&
			     (t->mask.hi || t->mask.lo > UINT32_MAX))) {
				lexer_error(lx, "ct_mark is a 32-bit field.");
				return;
			}
			cc.mark = t->value.lo;
			cc.mark_mask = t->type == LEX_T_MASKED_INTEGER
				       ? t->mask.lo : UINT32_MAX;
		} else {
			cc.label = t->value;
			cc.label_mask = t->type == LEX_T_MASKED_INTEGER
					? t->mask : u128_low_mask(128);
		}
		lexer_next(lx);
		lexer_match(lx, LEX_T_COMMA);
		if (lx->token.type == LEX_T_END) {
			act_force_match(c, LEX_T_RPAREN);
			return;
		}
	}
	act_append(l, ACT_CT_COMMIT_V1, pos)->ct_commit_v1 = cc;
}

static void parse_ct_commit(struct act_ctx *c, struct action_list *l,
			    size_t pos)
{
	if (c->lx->token.type == LEX_T_LCURLY) {
		parse_nested(c, l, pos, ACT_CT_COMMIT, "ip", ACT_WR_CT_COMMIT);
	} else if (lexer_match(c->lx, LEX_T_LPAREN)) {
		parse_ct_commit_v1(c, l, pos);
	} else {
		act_add_prereq(c, "ip");
		act_append(l, ACT_CT_COMMIT, pos);
	}
}

/* ct_dnat; ct_dnat(IP); ct_dnat(IP,PORT); ct_dnat(IP,LO-HI); likewise
 * ct_snat and the _in_czone forms. */
static void parse_ct_nat(struct act_ctx *c, struct action_list *l,
			 size_t pos, enum action_type type)
{
	struct lexer *lx = c->lx;
	const struct lex_token *t = &lx->token;
	struct action_ct_nat cn = { 0 };

	act_add_prereq(c, "ip");
	if (!check_not_last(c, pos, action_info(type)->name))
		return;
	if (lexer_match(lx, LEX_T_LPAREN)) {
		if (t->type != LEX_T_INTEGER ||
		    (t->format != LEX_F_IPV4 && t->format != LEX_F_IPV6)) {
			lexer_syntax_error(lx, "expecting IPv4 or IPv6 address.");
			return;
		}
		cn.family = t->format == LEX_F_IPV4 ? ACT_NAT_IPV4
						    : ACT_NAT_IPV6;
		cn.addr = t->value;
		lexer_next(lx);
		if (lexer_match(lx, LEX_T_COMMA)) {
			if (!act_parse_uint16(c, &cn.port_lo, "port number"))
				return;
			if (!cn.port_lo) {
				lexer_error(lx, "Port range can't start at 0.");
				return;
			}
			if (lexer_match(lx, LEX_T_HYPHEN)) {
				size_t hpos = t->start;

				if (!act_parse_uint16(c, &cn.port_hi,
						      "port number"))
					return;
				if (cn.port_hi <= cn.port_lo) {
					lexer_error_at(lx, hpos, "Range high "
						"should be greater than range "
						"low.");
					return;
				}
			}
			cn.has_ports = true;
		}
		if (!act_force_match(c, LEX_T_RPAREN))
			return;
	}
	act_append(l, type, pos)->ct_nat = cn;
}

#define CT_NAT(fn, type)						\
static void fn(struct act_ctx *c, struct action_list *l, size_t pos)	\
{									\
	parse_ct_nat(c, l, pos, type);					\
}

CT_NAT(parse_ct_dnat, ACT_CT_DNAT)
CT_NAT(parse_ct_snat, ACT_CT_SNAT)
CT_NAT(parse_ct_dnat_in_czone, ACT_CT_DNAT_IN_CZONE)
CT_NAT(parse_ct_snat_in_czone, ACT_CT_SNAT_IN_CZONE)

/* One backend: IPv4[:port], IPv6, or [IPv6][:port]. */
static bool parse_lb_backend(struct act_ctx *c, struct action_lb_backend *b)
{
	struct lexer *lx = c->lx;
	const struct lex_token *t = &lx->token;
	bool bracket = lexer_match(lx, LEX_T_LSQUARE);

	memset(b, 0, sizeof(*b));
	if (t->type != LEX_T_INTEGER ||
	    (t->format != LEX_F_IPV6 && (bracket || t->format != LEX_F_IPV4))) {
		lexer_syntax_error(lx, bracket ? "expecting IPv6 address."
					       : "expecting IP address.");
		return false;
	}
	b->ipv6 = t->format == LEX_F_IPV6;
	b->addr = t->value;
	lexer_next(lx);
	if (bracket && !lexer_match(lx, LEX_T_RSQUARE)) {
		lexer_syntax_error(lx, "no closing square bracket.");
		return false;
	}
	if (lx->token.type == LEX_T_COLON) {
		if (b->ipv6 && !bracket) {
			lexer_syntax_error(lx, "IPv6 address needs square "
					   "brackets if port is included.");
			return false;
		}
		lexer_next(lx);
		return act_parse_uint16(c, &b->port, "port number");
	}
	return true;
}

/* Options after the backends: "; hash_fields=\"...\"; skip_snat". */
static bool parse_lb_options(struct act_ctx *c, struct action_ct_lb *cl)
{
	struct lexer *lx = c->lx;

	do {
		if (lexer_match_id(lx, "hash_fields")) {
			if (!act_force_match(c, LEX_T_EQUALS))
				return false;
			if (lx->token.type != LEX_T_STRING) {
				lexer_syntax_error(lx, "invalid hash_fields.");
				return false;
			}
			free(cl->hash_fields);
			cl->hash_fields = lexer_steal_string(lx);
			lexer_next(lx);
		} else if (lexer_match_id(lx, "skip_snat")) {
			cl->flag = ACT_CT_LB_FLAG_SKIP_SNAT;
		} else if (lexer_match_id(lx, "force_snat")) {
			cl->flag = ACT_CT_LB_FLAG_FORCE_SNAT;
		} else {
			lexer_syntax_error(lx, "expecting hash_fields, "
					   "skip_snat or force_snat.");
			return false;
		}
	} while (lexer_match(lx, LEX_T_SEMICOLON));
	return act_force_match(c, LEX_T_RPAREN);
}

/* ct_lb; ct_lb(backends=B,B,...[; hash_fields="f,f"][; skip_snat]) */
static void parse_ct_lb_common(struct act_ctx *c, struct action_list *l,
			       size_t pos, enum action_type type)
{
	struct lexer *lx = c->lx;
	struct action_ct_lb cl = { 0 };
	size_t alloc = 0;

	if (!check_not_last(c, pos, action_info(type)->name))
		return;
	act_add_prereq(c, "ip");
	if (lexer_match(lx, LEX_T_LPAREN) && !lexer_match(lx, LEX_T_RPAREN)) {
		if (!lexer_match_id(lx, "backends") ||
		    !lexer_match(lx, LEX_T_EQUALS)) {
			lexer_syntax_error(lx, "expecting backends.");
			return;
		}
		for (;;) {
			if (lexer_match(lx, LEX_T_RPAREN))
				break;
			if (lexer_match(lx, LEX_T_SEMICOLON)) {
				if (!parse_lb_options(c, &cl))
					goto fail;
				break;
			}
			if (cl.n_backends == alloc) {
				alloc = alloc ? 2 * alloc : 4;
				cl.backends = xrealloc(cl.backends, alloc *
						       sizeof(*cl.backends));
			}
			if (!parse_lb_backend(c, &cl.backends[cl.n_backends]))
				goto fail;
			cl.n_backends++;
			lexer_match(lx, LEX_T_COMMA);
		}
	}
	act_append(l, type, pos)->ct_lb = cl;
	return;
fail:
	free(cl.backends);
	free(cl.hash_fields);
}

static void parse_ct_lb(struct act_ctx *c, struct action_list *l, size_t pos)
{
	parse_ct_lb_common(c, l, pos, ACT_CT_LB);
}

static void parse_ct_lb_mark(struct act_ctx *c, struct action_list *l,
			     size_t pos)
{
	parse_ct_lb_common(c, l, pos, ACT_CT_LB_MARK);
}

/* R = select(ID[=W], ...) or select(values=(ID[=W], ...);
 * hash_fields="..."); the name and `(' are consumed. */
void act_parse_select(struct act_ctx *c, struct action_list *l, size_t pos,
		      const struct action_field *dst)
{
	struct lexer *lx = c->lx;
	struct action_select s = { .dst = *dst };
	bool values;
	size_t alloc = 0;

	if (!act_check_field(c, dst, dst->n_bits, true))
		return;
	if (dst->n_bits < 16) {
		lexer_error_at(lx, pos, "cannot use %u-bit field %s[%u..%u] "
			       "for \"select\", which requires at least 16 "
			       "bits.", dst->n_bits, act_sym_name(dst->sym),
			       dst->ofs, dst->ofs + dst->n_bits - 1);
		return;
	}
	if (!check_not_last(c, pos, "select"))
		return;
	values = lexer_match_id(lx, "values");
	if (values && (!act_force_match(c, LEX_T_EQUALS) ||
		       !act_force_match(c, LEX_T_LPAREN)))
		return;
	while (!lexer_match(lx, LEX_T_RPAREN)) {
		struct action_select_member m = { 0, 100 };

		if (!act_parse_uint16(c, &m.id, "id"))
			goto fail;
		if (lexer_match(lx, LEX_T_EQUALS)) {
			if (!act_parse_uint16(c, &m.weight, "weight"))
				goto fail;
			if (!m.weight) {
				lexer_error(lx, "weight can't be 0.");
				goto fail;
			}
		}
		if (s.n_members == alloc) {
			alloc = alloc ? 2 * alloc : 4;
			s.members = xrealloc(s.members,
					     alloc * sizeof(*s.members));
		}
		s.members[s.n_members++] = m;
		lexer_match(lx, LEX_T_COMMA);
	}
	if (s.n_members < 2) {
		lexer_syntax_error(lx, "expecting at least 2 group members.");
		goto fail;
	}
	if (values) {
		if (!act_force_match(c, LEX_T_SEMICOLON))
			goto fail;
		if (!lexer_match_id(lx, "hash_fields")) {
			lexer_syntax_error(lx, "expecting hash_fields.");
			goto fail;
		}
		if (!act_force_match(c, LEX_T_EQUALS))
			goto fail;
		if (lx->token.type != LEX_T_STRING) {
			lexer_syntax_error(lx, "invalid hash_fields.");
			goto fail;
		}
		s.hash_fields = lexer_steal_string(lx);
		lexer_next(lx);
		if (!act_force_match(c, LEX_T_RPAREN))
			goto fail;
	}
	act_append(l, ACT_SELECT, pos)->select = s;
	return;
fail:
	free(s.members);
	free(s.hash_fields);
}

/* ---- neighbour (MAC_Binding) and FDB tables ---- */

/* get_arp(port, ip); put_arp(port, ip, mac); and the ND twins. */
static void parse_mac_bind(struct act_ctx *c, struct action_list *l,
			   size_t pos, enum action_type type, int ip_bits,
			   bool has_mac)
{
	struct action_mac_bind m = { 0 };

	if (!act_force_match(c, LEX_T_LPAREN) ||
	    !act_parse_field_typed(c, &m.port, 0, false) ||
	    !act_force_match(c, LEX_T_COMMA) ||
	    !act_parse_field_typed(c, &m.ip, ip_bits, false))
		return;
	if (has_mac && (!act_force_match(c, LEX_T_COMMA) ||
			!act_parse_field_typed(c, &m.mac, 48, false)))
		return;
	if (!act_force_match(c, LEX_T_RPAREN))
		return;
	act_append(l, type, pos)->mac_bind = m;
}

#define MAC_BIND(fn, type, bits, mac)					\
static void fn(struct act_ctx *c, struct action_list *l, size_t pos)	\
{									\
	parse_mac_bind(c, l, pos, type, bits, mac);			\
}

MAC_BIND(parse_get_arp, ACT_GET_ARP, 32, false)
MAC_BIND(parse_put_arp, ACT_PUT_ARP, 32, true)
MAC_BIND(parse_get_nd, ACT_GET_ND, 128, false)
MAC_BIND(parse_put_nd, ACT_PUT_ND, 128, true)

/* R = lookup_arp(port, ip, mac); R = lookup_arp_ip(port, ip); ... */
void act_parse_lookup_mac(struct act_ctx *c, struct action_list *l,
			  size_t pos, const struct action_field *dst,
			  enum action_type type)
{
	bool v6 = type == ACT_LOOKUP_ND || type == ACT_LOOKUP_ND_IP;
	bool has_mac = type == ACT_LOOKUP_ARP || type == ACT_LOOKUP_ND;
	struct action_mac_bind m = { .dst = *dst };

	if (!act_check_field(c, dst, 1, true) ||
	    !act_parse_field_typed(c, &m.port, 0, false) ||
	    !act_force_match(c, LEX_T_COMMA) ||
	    !act_parse_field_typed(c, &m.ip, v6 ? 128 : 32, false))
		return;
	if (has_mac && (!act_force_match(c, LEX_T_COMMA) ||
			!act_parse_field_typed(c, &m.mac, 48, false)))
		return;
	if (!act_force_match(c, LEX_T_RPAREN))
		return;
	act_append(l, type, pos)->mac_bind = m;
}

static void parse_put_fdb(struct act_ctx *c, struct action_list *l,
			  size_t pos)
{
	struct action_fdb f = { 0 };

	if (!act_force_match(c, LEX_T_LPAREN) ||
	    !act_parse_field_typed(c, &f.port, 0, false) ||
	    !act_force_match(c, LEX_T_COMMA) ||
	    !act_parse_field_typed(c, &f.mac, 48, false) ||
	    !act_force_match(c, LEX_T_RPAREN))
		return;
	act_append(l, ACT_PUT_FDB, pos)->fdb = f;
}

/* P = get_fdb(mac); R = lookup_fdb(port, mac); */
void act_parse_fdb_fn(struct act_ctx *c, struct action_list *l, size_t pos,
		      const struct action_field *dst, enum action_type type)
{
	struct action_fdb f = { .dst = *dst };

	if (type == ACT_GET_FDB) {
		/* a port: a string field, or a 32-bit register */
		if (!act_check_field(c, dst, dst->n_bits ? 32 : 0, true))
			return;
	} else {
		if (!act_check_field(c, dst, 1, true) ||
		    !act_parse_field_typed(c, &f.port, 0, false) ||
		    !act_force_match(c, LEX_T_COMMA))
			return;
	}
	if (!act_parse_field_typed(c, &f.mac, 48, false) ||
	    !act_force_match(c, LEX_T_RPAREN))
		return;
	act_append(l, type, pos)->fdb = f;
}

/* ---- the statement verbs ---- */

static const struct {
	const char *name;
	act_verb_fn *fn;
} verbs[] = {
	{ "output",		parse_output },
	{ "push",		parse_push },
	{ "pop",		parse_pop },
	{ "ct_next",		parse_ct_next },
	{ "ct_commit",		parse_ct_commit },
	{ "ct_dnat",		parse_ct_dnat },
	{ "ct_snat",		parse_ct_snat },
	{ "ct_dnat_in_czone",	parse_ct_dnat_in_czone },
	{ "ct_snat_in_czone",	parse_ct_snat_in_czone },
	{ "ct_lb",		parse_ct_lb },
	{ "ct_lb_mark",		parse_ct_lb_mark },
	{ "ct_clear",		parse_ct_clear },
	{ "ct_commit_nat",	parse_ct_commit_nat },
	{ "ct_snat_to_vip",	parse_ct_snat_to_vip },
	{ "clone",		parse_clone },
	{ "arp",		parse_arp },
	{ "icmp4",		parse_icmp4 },
	{ "icmp4_error",	parse_icmp4_error },
	{ "icmp6",		parse_icmp6 },
	{ "icmp6_error",	parse_icmp6_error },
	{ "igmp",		parse_igmp },
	{ "tcp_reset",		parse_tcp_reset },
	{ "sctp_abort",		parse_sctp_abort },
	{ "nd_na",		parse_nd_na },
	{ "nd_na_router",	parse_nd_na_router },
	{ "nd_ns",		parse_nd_ns },
	{ "reject",		parse_reject },
	{ "get_arp",		parse_get_arp },
	{ "put_arp",		parse_put_arp },
	{ "get_nd",		parse_get_nd },
	{ "put_nd",		parse_put_nd },
	{ "put_fdb",		parse_put_fdb },
	{ "handle_dhcpv6_reply", parse_dhcp6_reply },
	{ "set_queue",		act_parse_set_queue },
	{ "log",		act_parse_log },
	{ "set_meter",		act_parse_set_meter },
	{ "trigger_event",	act_parse_trigger_event },
	{ "bind_vport",		act_parse_bind_vport },
	{ "handle_svc_check",	act_parse_handle_svc_check },
	{ "fwd_group",		act_parse_fwd_group },
	{ "handle_bfd_msg",	act_parse_handle_bfd_msg },
	{ "commit_ecmp_nh",	act_parse_commit_ecmp_nh },
	{ "commit_lb_aff",	act_parse_commit_lb_aff },
	{ "sample",		act_parse_sample },
	{ "ct_commit_to_zone",	parse_ct_commit_to_zone },
	{ "mac_cache_use",	parse_mac_cache_use },
};

act_verb_fn *act_find_verb(const char *name)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(verbs[i].name, name))
			return verbs[i].fn;
	return NULL;
}

/* R = f() for the lookups whose only operand is the 1-bit result. */
static const struct {
	const char *name;
	enum action_type type;
	const char *prereq;
} result_fns[] = {
	{ "dns_lookup",			ACT_DNS_LOOKUP,		  "udp" },
	{ "chk_lb_hairpin",		ACT_CHK_LB_HAIRPIN,	  NULL },
	{ "chk_lb_hairpin_reply",	ACT_CHK_LB_HAIRPIN_REPLY, NULL },
	{ "check_in_port_sec",		ACT_CHECK_IN_PORT_SEC,	  NULL },
	{ "check_out_port_sec",		ACT_CHECK_OUT_PORT_SEC,	  NULL },
	{ "chk_ecmp_nh_mac",		ACT_CHK_ECMP_NH_MAC,	  NULL },
	{ "chk_ecmp_nh",		ACT_CHK_ECMP_NH,	  NULL },
	{ "chk_lb_aff",			ACT_CHK_LB_AFF,		  NULL },
};

static void parse_result(struct act_ctx *c, struct action_list *l,
			 size_t pos, const struct action_field *dst,
			 enum action_type type, const char *prereq)
{
	if (!lexer_match(c->lx, LEX_T_RPAREN)) {
		lexer_error(c->lx, "%s doesn't take any parameters.",
			    action_info(type)->name);
		return;
	}
	if (!act_check_field(c, dst, 1, true))
		return;
	if (prereq)
		act_add_prereq(c, prereq);
	act_append(l, type, pos)->result.dst = *dst;
}

bool act_parse_result_fn(struct act_ctx *c, struct action_list *l,
			 size_t pos, const struct action_field *dst,
			 const char *name)
{
	static const struct {
		const char *name;
		enum action_type type;
	} lookups[] = {
		{ "lookup_arp",		ACT_LOOKUP_ARP },
		{ "lookup_nd",		ACT_LOOKUP_ND },
		{ "lookup_arp_ip",	ACT_LOOKUP_ARP_IP },
		{ "lookup_nd_ip",	ACT_LOOKUP_ND_IP },
	};
	struct lexer *lx = c->lx;
	size_t i;

#define CONSUME() do { lexer_next(lx); lexer_next(lx); } while (0)
	for (i = 0; i < sizeof(result_fns) / sizeof(result_fns[0]); i++) {
		if (!strcmp(name, result_fns[i].name)) {
			CONSUME();
			parse_result(c, l, pos, dst, result_fns[i].type,
				     result_fns[i].prereq);
			return true;
		}
	}
	for (i = 0; i < sizeof(lookups) / sizeof(lookups[0]); i++) {
		if (!strcmp(name, lookups[i].name)) {
			CONSUME();
			act_parse_lookup_mac(c, l, pos, dst, lookups[i].type);
			return true;
		}
	}
	if (!strcmp(name, "select")) {
		CONSUME();
		act_parse_select(c, l, pos, dst);
	} else if (!strcmp(name, "get_fdb")) {
		CONSUME();
		act_parse_fdb_fn(c, l, pos, dst, ACT_GET_FDB);
	} else if (!strcmp(name, "lookup_fdb")) {
		CONSUME();
		act_parse_fdb_fn(c, l, pos, dst, ACT_LOOKUP_FDB);
	} else if (!strcmp(name, "put_dhcp_opts")) {
		CONSUME();
		act_parse_put_opts(c, l, pos, dst, ACT_PUT_DHCPV4_OPTS);
	} else if (!strcmp(name, "put_dhcpv6_opts")) {
		CONSUME();
		act_parse_put_opts(c, l, pos, dst, ACT_PUT_DHCPV6_OPTS);
	} else if (!strcmp(name, "put_nd_ra_opts")) {
		CONSUME();
		act_parse_put_opts(c, l, pos, dst, ACT_PUT_ND_RA_OPTS);
	} else if (!strcmp(name, "check_pkt_larger")) {
		CONSUME();
		act_parse_check_pkt_larger(c, l, pos, dst);
	} else {
		return false;
	}
#undef CONSUME
	return true;
}
