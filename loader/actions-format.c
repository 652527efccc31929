// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Action IR back to text.  The output is canonical (one blank between
 * actions, arguments spelled out) and parses back to an equal IR; it
 * follows ovn-controller's spelling wherever OVN has one, so that it can
 * be compared with ovn-trace and `ovn-sbctl lflow-list` output.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "loader/actions-int.h"
#include "loader/lex.h"

void act_format_field(const struct action_field *f, struct strbuf *sb)
{
	unsigned int width = act_sym_width(f->sym);

	strbuf_puts(sb, act_sym_name(f->sym));
	if (f->ofs || f->n_bits != width) {
		if (f->n_bits == 1)
			strbuf_printf(sb, "[%u]", f->ofs);
		else
			strbuf_printf(sb, "[%u..%u]", f->ofs,
				      f->ofs + f->n_bits - 1);
	}
}

void act_format_const(const struct action_const *c, struct strbuf *sb)
{
	if (c->string)
		lex_format_string(c->string, sb);
	else if (c->masked)
		lex_format_masked(c->value, c->mask, c->fmt, sb);
	else
		lex_format_value(c->value, c->fmt, sb);
}

void act_format_const_set(const struct action_const_set *cs,
			  struct strbuf *sb)
{
	bool curlies = cs->curlies || cs->n != 1;

	if (curlies)
		strbuf_putc(sb, '{');
	for (size_t i = 0; i < cs->n; i++) {
		if (i)
			strbuf_puts(sb, ", ");
		act_format_const(&cs->v[i], sb);
	}
	if (curlies)
		strbuf_putc(sb, '}');
}

static void format_opts(const struct action_opt *opts, size_t n,
			bool leading_comma, struct strbuf *sb)
{
	for (size_t i = 0; i < n; i++) {
		if (i || leading_comma)
			strbuf_puts(sb, ", ");
		strbuf_printf(sb, "%s = ", opts[i].name);
		act_format_const_set(&opts[i].value, sb);
	}
}

static void format_addr(bool ipv6, struct u128 a, struct strbuf *sb)
{
	lex_format_value(a, ipv6 ? LEX_F_IPV6 : LEX_F_IPV4, sb);
}

static const char *proto_name(uint8_t proto)
{
	switch (proto) {
	case 17: return "udp";
	case 132: return "sctp";
	default: return "tcp";
	}
}

static void format_next(const struct action_next *n, struct strbuf *sb)
{
	if (n->pipeline != n->src_pipeline)
		strbuf_printf(sb, "next(pipeline=%s, table=%u);",
			      n->pipeline == ACT_P_INGRESS ? "ingress" : "egress",
			      n->table);
	else if (n->table != n->src_table + 1)
		strbuf_printf(sb, "next(%u);", n->table);
	else
		strbuf_puts(sb, "next;");
}

static void format_ct_commit_v1(const struct action_ct_commit_v1 *cc,
				struct strbuf *sb)
{
	bool any = false;

	strbuf_puts(sb, "ct_commit(");
	if (cc->mark_mask) {
		strbuf_printf(sb, "ct_mark=%#" PRIx32, cc->mark);
		if (cc->mark_mask != UINT32_MAX)
			strbuf_printf(sb, "/%#" PRIx32, cc->mark_mask);
		any = true;
	}
	if (!u128_is_zero(cc->label_mask)) {
		if (any)
			strbuf_puts(sb, ", ");
		strbuf_puts(sb, "ct_label=");
		lex_format_value(cc->label, LEX_F_HEXADECIMAL, sb);
		if (!u128_eq(cc->label_mask, u128_low_mask(128))) {
			strbuf_putc(sb, '/');
			lex_format_value(cc->label_mask, LEX_F_HEXADECIMAL, sb);
		}
	}
	strbuf_puts(sb, ");");
}

static void format_ct_nat(const char *name, const struct action_ct_nat *cn,
			  struct strbuf *sb)
{
	strbuf_puts(sb, name);
	if (cn->family != ACT_NAT_NONE) {
		strbuf_putc(sb, '(');
		format_addr(cn->family == ACT_NAT_IPV6, cn->addr, sb);
		if (cn->has_ports) {
			strbuf_printf(sb, ",%u", cn->port_lo);
			if (cn->port_hi)
				strbuf_printf(sb, "-%u", cn->port_hi);
		}
		strbuf_putc(sb, ')');
	}
	strbuf_putc(sb, ';');
}

static void format_ct_lb(const char *name, const struct action_ct_lb *cl,
			 struct strbuf *sb)
{
	strbuf_puts(sb, name);
	if (cl->n_backends) {
		strbuf_puts(sb, "(backends=");
		for (size_t i = 0; i < cl->n_backends; i++) {
			const struct action_lb_backend *b = &cl->backends[i];

			if (i)
				strbuf_putc(sb, ',');
			if (b->ipv6 && b->port)
				strbuf_putc(sb, '[');
			format_addr(b->ipv6, b->addr, sb);
			if (b->ipv6 && b->port)
				strbuf_putc(sb, ']');
			if (b->port)
				strbuf_printf(sb, ":%u", b->port);
		}
		if (cl->hash_fields) {
			strbuf_puts(sb, "; hash_fields=");
			lex_format_string(cl->hash_fields, sb);
		}
		if (cl->flag == ACT_CT_LB_FLAG_SKIP_SNAT)
			strbuf_puts(sb, "; skip_snat");
		else if (cl->flag == ACT_CT_LB_FLAG_FORCE_SNAT)
			strbuf_puts(sb, "; force_snat");
		strbuf_putc(sb, ')');
	}
	strbuf_putc(sb, ';');
}

static void format_select(const struct action_select *s, struct strbuf *sb)
{
	act_format_field(&s->dst, sb);
	strbuf_puts(sb, " = select(");
	if (s->hash_fields)
		strbuf_puts(sb, "values=(");
	for (size_t i = 0; i < s->n_members; i++)
		strbuf_printf(sb, "%s%u=%u", i ? ", " : "", s->members[i].id,
			      s->members[i].weight);
	if (s->hash_fields) {
		strbuf_puts(sb, "); hash_fields=");
		lex_format_string(s->hash_fields, sb);
	}
	strbuf_puts(sb, ");");
}

/* get_arp(port, ip); put_arp(port, ip, mac); R = lookup_arp(port, ip,
 * mac); R = lookup_arp_ip(port, ip); and the _nd twins. */
static void format_mac_bind(const char *name, const struct action *a,
			    struct strbuf *sb)
{
	const struct action_mac_bind *m = &a->mac_bind;
	bool result = a->type == ACT_LOOKUP_ARP || a->type == ACT_LOOKUP_ND ||
		      a->type == ACT_LOOKUP_ARP_IP ||
		      a->type == ACT_LOOKUP_ND_IP;
	bool has_mac = a->type == ACT_PUT_ARP || a->type == ACT_PUT_ND ||
		       a->type == ACT_LOOKUP_ARP || a->type == ACT_LOOKUP_ND;

	if (result) {
		act_format_field(&m->dst, sb);
		strbuf_puts(sb, " = ");
	}
	strbuf_printf(sb, "%s(", name);
	act_format_field(&m->port, sb);
	strbuf_puts(sb, ", ");
	act_format_field(&m->ip, sb);
	if (has_mac) {
		strbuf_puts(sb, ", ");
		act_format_field(&m->mac, sb);
	}
	strbuf_puts(sb, ");");
}

static void format_fdb(const char *name, const struct action *a,
		       struct strbuf *sb)
{
	const struct action_fdb *f = &a->fdb;

	if (a->type != ACT_PUT_FDB) {
		act_format_field(&f->dst, sb);
		strbuf_puts(sb, " = ");
	}
	strbuf_printf(sb, "%s(", name);
	if (a->type != ACT_GET_FDB) {
		act_format_field(&f->port, sb);
		strbuf_puts(sb, ", ");
	}
	act_format_field(&f->mac, sb);
	strbuf_puts(sb, ");");
}

static void format_log(const struct action_log *l, struct strbuf *sb)
{
	static const char *const verdicts[] = { "allow", "drop", "reject" };
	static const char *const severities[] = {
		"alert", "warning", "notice", "info", "debug",
	};

	strbuf_puts(sb, "log(");
	if (l->name) {
		strbuf_puts(sb, "name=");
		lex_format_string(l->name, sb);
		strbuf_puts(sb, ", ");
	}
	strbuf_printf(sb, "verdict=%s, severity=%s",
		      verdicts[l->verdict % 3], severities[l->severity % 5]);
	if (l->meter) {
		strbuf_puts(sb, ", meter=");
		lex_format_string(l->meter, sb);
	}
	strbuf_puts(sb, ");");
}

static void format_fwd_group(const struct action_fwd_group *g,
			     struct strbuf *sb)
{
	strbuf_puts(sb, "fwd_group(");
	if (g->liveness)
		strbuf_printf(sb, "liveness=\"true\"%s",
			      g->n_child_ports ? ", " : "");
	if (g->n_child_ports) {
		strbuf_puts(sb, "childports=");
		for (size_t i = 0; i < g->n_child_ports; i++) {
			if (i)
				strbuf_puts(sb, ", ");
			lex_format_string(g->child_ports[i], sb);
		}
	}
	strbuf_puts(sb, ");");
}

static void format_lb_key(bool ipv6, struct u128 a, uint16_t port,
			  struct strbuf *sb)
{
	strbuf_putc(sb, '"');
	if (ipv6 && port)
		strbuf_putc(sb, '[');
	format_addr(ipv6, a, sb);
	if (ipv6 && port)
		strbuf_putc(sb, ']');
	if (port)
		strbuf_printf(sb, ":%u", port);
	strbuf_putc(sb, '"');
}

static void format_lb_aff(const struct action_commit_lb_aff *l,
			  struct strbuf *sb)
{
	strbuf_puts(sb, "commit_lb_aff(vip = ");
	format_lb_key(l->ipv6, l->vip, l->vip_port, sb);
	strbuf_puts(sb, ", backend = ");
	format_lb_key(l->ipv6, l->backend, l->backend_port, sb);
	if (l->vip_port)
		strbuf_printf(sb, ", proto = %s", proto_name(l->proto));
	strbuf_printf(sb, ", timeout = %u);", l->timeout);
}

static void format_sample(const struct action_sample *s, struct strbuf *sb)
{
	strbuf_printf(sb, "sample(probability=%u,collector_set=%u,"
		      "obs_domain=%u,", s->probability, s->collector_set,
		      s->obs_domain);
	if (s->obs_point_cookie)
		strbuf_puts(sb, "obs_point=$cookie);");
	else
		strbuf_printf(sb, "obs_point=%u);", s->obs_point);
}

/* "R = name();" for the verbs whose only operand is their result. */
static void format_result(const char *name, const struct action_field *dst,
			  struct strbuf *sb)
{
	act_format_field(dst, sb);
	strbuf_printf(sb, " = %s();", name);
}

static void format_action(const struct action *a, struct strbuf *sb)
{
	const char *name = action_info(a->type)->name;

	if (action_type_is_nested(a->type)) {
		if (a->type == ACT_CT_COMMIT && !a->nested.n) {
			strbuf_puts(sb, "ct_commit;");
			return;
		}
		strbuf_printf(sb, "%s { ", name);
		act_format_list(&a->nested, sb);
		strbuf_puts(sb, " };");
		return;
	}

	switch (a->type) {
	case ACT_NEXT:
		format_next(&a->next, sb);
		break;
	case ACT_LOAD:
	case ACT_OVNFIELD_LOAD:
		act_format_field(&a->load.dst, sb);
		strbuf_puts(sb, " = ");
		act_format_const(&a->load.imm, sb);
		strbuf_putc(sb, ';');
		break;
	case ACT_MOVE:
	case ACT_EXCHANGE:
		act_format_field(&a->move.lhs, sb);
		strbuf_puts(sb, a->type == ACT_MOVE ? " = " : " <-> ");
		act_format_field(&a->move.rhs, sb);
		strbuf_putc(sb, ';');
		break;
	case ACT_PUSH:
	case ACT_POP:
	case ACT_HANDLE_SVC_CHECK:
		strbuf_printf(sb, "%s(", name);
		act_format_field(&a->field, sb);
		strbuf_puts(sb, ");");
		break;
	case ACT_CT_COMMIT_V1:
		format_ct_commit_v1(&a->ct_commit_v1, sb);
		break;
	case ACT_CT_DNAT:
	case ACT_CT_SNAT:
	case ACT_CT_DNAT_IN_CZONE:
	case ACT_CT_SNAT_IN_CZONE:
		format_ct_nat(name, &a->ct_nat, sb);
		break;
	case ACT_CT_LB:
	case ACT_CT_LB_MARK:
		format_ct_lb(name, &a->ct_lb, sb);
		break;
	case ACT_SELECT:
		format_select(&a->select, sb);
		break;
	case ACT_GET_ARP:
	case ACT_PUT_ARP:
	case ACT_LOOKUP_ARP:
	case ACT_LOOKUP_ARP_IP:
	case ACT_GET_ND:
	case ACT_PUT_ND:
	case ACT_LOOKUP_ND:
	case ACT_LOOKUP_ND_IP:
		format_mac_bind(name, a, sb);
		break;
	case ACT_GET_FDB:
	case ACT_PUT_FDB:
	case ACT_LOOKUP_FDB:
		format_fdb(name, a, sb);
		break;
	case ACT_PUT_DHCPV4_OPTS:
	case ACT_PUT_DHCPV6_OPTS:
	case ACT_PUT_ND_RA_OPTS:
		act_format_field(&a->put_opts.dst, sb);
		strbuf_printf(sb, " = %s(", name);
		format_opts(a->put_opts.opts, a->put_opts.n_opts, false, sb);
		strbuf_puts(sb, ");");
		break;
	case ACT_DNS_LOOKUP:
	case ACT_CHECK_IN_PORT_SEC:
	case ACT_CHECK_OUT_PORT_SEC:
	case ACT_CHK_LB_HAIRPIN:
	case ACT_CHK_LB_HAIRPIN_REPLY:
	case ACT_CHK_LB_AFF:
	case ACT_CHK_ECMP_NH:
	case ACT_CHK_ECMP_NH_MAC:
		format_result(name, &a->result.dst, sb);
		break;
	case ACT_CHECK_PKT_LARGER:
		act_format_field(&a->pkt_larger.dst, sb);
		strbuf_printf(sb, " = check_pkt_larger(%u);",
			      a->pkt_larger.len);
		break;
	case ACT_SET_QUEUE:
		strbuf_printf(sb, "set_queue(%u);", a->queue_id);
		break;
	case ACT_SET_METER:
		if (a->meter.burst)
			strbuf_printf(sb, "set_meter(%" PRIu64 ", %" PRIu64 ");",
				      a->meter.rate, a->meter.burst);
		else
			strbuf_printf(sb, "set_meter(%" PRIu64 ");",
				      a->meter.rate);
		break;
	case ACT_LOG:
		format_log(&a->log, sb);
		break;
	case ACT_TRIGGER_EVENT:
		strbuf_puts(sb, "trigger_event(event = ");
		lex_format_string(a->event.event, sb);
		format_opts(a->event.opts, a->event.n_opts, true, sb);
		strbuf_puts(sb, ");");
		break;
	case ACT_BIND_VPORT:
		strbuf_puts(sb, "bind_vport(");
		lex_format_string(a->bind_vport.vport, sb);
		strbuf_puts(sb, ", ");
		act_format_field(&a->bind_vport.parent, sb);
		strbuf_puts(sb, ");");
		break;
	case ACT_FWD_GROUP:
		format_fwd_group(&a->fwd_group, sb);
		break;
	case ACT_SAMPLE:
		format_sample(&a->sample, sb);
		break;
	case ACT_COMMIT_ECMP_NH:
		strbuf_printf(sb, "commit_ecmp_nh(ipv6 = %s, proto = %s);",
			      a->ecmp_nh.ipv6 ? "true" : "false",
			      proto_name(a->ecmp_nh.proto));
		break;
	case ACT_COMMIT_LB_AFF:
		format_lb_aff(&a->lb_aff, sb);
		break;
	case ACT_HANDLE_BFD_MSG:
		strbuf_puts(sb, "handle_bfd_msg();");
		break;
	case ACT_CT_NEXT:
	case ACT_CT_COMMIT_NAT:
	case ACT_CT_COMMIT_TO_ZONE:
		strbuf_printf(sb, "%s%s;", name,
			      a->ct_zone == ACT_CT_ZONE_DNAT ? "(dnat)" :
			      a->ct_zone == ACT_CT_ZONE_SNAT ? "(snat)" : "");
		break;
	default:
		/* output; ct_next; ct_clear; ... */
		strbuf_printf(sb, "%s;", name);
		break;
	}
}

void act_format_list(const struct action_list *list, struct strbuf *sb)
{
	if (!list->n) {
		strbuf_puts(sb, "drop;");
		return;
	}
	for (size_t i = 0; i < list->n; i++) {
		if (i)
			strbuf_putc(sb, ' ');
		format_action(&list->acts[i], sb);
	}
}

char *actions_format(const struct action_list *list)
{
	struct strbuf sb = STRBUF_INIT;

	act_format_list(list, &sb);
	return strbuf_steal(&sb);
}
