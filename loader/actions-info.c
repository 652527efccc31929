// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Facts about each action verb (execution class, support) and the
 * lifetime of the IR: free, deep comparison, walk.
 */
#include <stdlib.h>
#include <string.h>

#include "loader/actions.h"

#define N ACT_EXEC_NATIVE
#define P ACT_EXEC_PUNT

/* DESIGN.md §3.4: packet rewrites, conntrack and table lookups run in BPF;
 * what needs the SB (learning, DHCP/DNS/RA answers, events, logging) is
 * punted.  "supported" follows the P0/P1 list of ovn-pipeline.md §2. */
static const struct action_info infos[ACT__MAX] = {
	[ACT_OUTPUT]		= { "output",		N, true },
	[ACT_NEXT]		= { "next",		N, true },
	[ACT_LOAD]		= { "=",		N, true },
	[ACT_MOVE]		= { "= field",		N, true },
	[ACT_EXCHANGE]		= { "<->",		N, true },
	[ACT_PUSH]		= { "push",		N, true },
	[ACT_POP]		= { "pop",		N, true },
	[ACT_DEC_TTL]		= { "ip.ttl--",		N, true },
	[ACT_CT_NEXT]		= { "ct_next",		N, true },
	[ACT_CT_COMMIT]		= { "ct_commit",	N, true },
	[ACT_CT_COMMIT_V1]	= { "ct_commit(...)",	N, true },
	[ACT_CT_DNAT]		= { "ct_dnat",		N, true },
	[ACT_CT_SNAT]		= { "ct_snat",		N, true },
	[ACT_CT_DNAT_IN_CZONE]	= { "ct_dnat_in_czone",	N, true },
	[ACT_CT_SNAT_IN_CZONE]	= { "ct_snat_in_czone",	N, true },
	[ACT_CT_COMMIT_NAT]	= { "ct_commit_nat",	N, true },
	[ACT_CT_LB]		= { "ct_lb",		N, true },
	[ACT_CT_LB_MARK]	= { "ct_lb_mark",	N, true },
	[ACT_CT_CLEAR]		= { "ct_clear",		N, true },
	[ACT_CT_SNAT_TO_VIP]	= { "ct_snat_to_vip",	N, true },
	[ACT_SELECT]		= { "select",		N, true },
	[ACT_CLONE]		= { "clone",		N, true },
	[ACT_ARP]		= { "arp",		N, true },
	[ACT_ND_NS]		= { "nd_ns",		N, true },
	[ACT_ND_NA]		= { "nd_na",		N, true },
	[ACT_ND_NA_ROUTER]	= { "nd_na_router",	N, true },
	[ACT_ICMP4]		= { "icmp4",		N, true },
	[ACT_ICMP4_ERROR]	= { "icmp4_error",	N, true },
	[ACT_ICMP6]		= { "icmp6",		N, true },
	[ACT_ICMP6_ERROR]	= { "icmp6_error",	N, true },
	[ACT_TCP_RESET]		= { "tcp_reset",	N, true },
	[ACT_SCTP_ABORT]	= { "sctp_abort",	N, true },
	[ACT_REJECT]		= { "reject",		N, true },
	[ACT_IGMP]		= { "igmp",		P, false },
	[ACT_GET_ARP]		= { "get_arp",		N, true },
	[ACT_PUT_ARP]		= { "put_arp",		P, true },
	[ACT_LOOKUP_ARP]	= { "lookup_arp",	N, true },
	[ACT_LOOKUP_ARP_IP]	= { "lookup_arp_ip",	N, true },
	[ACT_GET_ND]		= { "get_nd",		N, true },
	[ACT_PUT_ND]		= { "put_nd",		P, true },
	[ACT_LOOKUP_ND]		= { "lookup_nd",	N, true },
	[ACT_LOOKUP_ND_IP]	= { "lookup_nd_ip",	N, true },
	[ACT_GET_FDB]		= { "get_fdb",		N, true },
	[ACT_PUT_FDB]		= { "put_fdb",		P, true },
	[ACT_LOOKUP_FDB]	= { "lookup_fdb",	N, true },
	[ACT_PUT_DHCPV4_OPTS]	= { "put_dhcp_opts",	P, true },
	[ACT_PUT_DHCPV6_OPTS]	= { "put_dhcpv6_opts",	P, true },
	[ACT_PUT_ND_RA_OPTS]	= { "put_nd_ra_opts",	P, false },
	[ACT_DNS_LOOKUP]	= { "dns_lookup",	P, true },
	[ACT_CHECK_IN_PORT_SEC]	= { "check_in_port_sec", N, true },
	[ACT_CHECK_OUT_PORT_SEC] = { "check_out_port_sec", N, true },
	[ACT_CHK_LB_HAIRPIN]	= { "chk_lb_hairpin",	N, true },
	[ACT_CHK_LB_HAIRPIN_REPLY] = { "chk_lb_hairpin_reply", N, true },
	[ACT_CHK_LB_AFF]	= { "chk_lb_aff",	N, true },
	[ACT_COMMIT_LB_AFF]	= { "commit_lb_aff",	N, true },
	[ACT_CHK_ECMP_NH]	= { "chk_ecmp_nh",	N, false },
	[ACT_CHK_ECMP_NH_MAC]	= { "chk_ecmp_nh_mac",	N, false },
	[ACT_COMMIT_ECMP_NH]	= { "commit_ecmp_nh",	N, false },
	[ACT_CHECK_PKT_LARGER]	= { "check_pkt_larger",	N, true },
	[ACT_OVNFIELD_LOAD]	= { "frag_mtu =",	N, true },
	[ACT_SET_QUEUE]		= { "set_queue",	N, true },
	[ACT_SET_METER]		= { "set_meter",	N, true },
	[ACT_LOG]		= { "log",		P, true },
	[ACT_TRIGGER_EVENT]	= { "trigger_event",	P, false },
	[ACT_BIND_VPORT]	= { "bind_vport",	P, false },
	[ACT_HANDLE_SVC_CHECK]	= { "handle_svc_check",	P, true },
	[ACT_HANDLE_DHCPV6_REPLY] = { "handle_dhcpv6_reply", P, false },
	[ACT_HANDLE_BFD_MSG]	= { "handle_bfd_msg",	P, false },
	[ACT_FWD_GROUP]		= { "fwd_group",	N, false },
	[ACT_SAMPLE]		= { "sample",		N, false },
	[ACT_CT_COMMIT_TO_ZONE]	= { "ct_commit_to_zone", N, false },
	[ACT_MAC_CACHE_USE]	= { "mac_cache_use",	N, false },
};

#undef N
#undef P

const struct action_info *action_info(enum action_type type)
{
	static const struct action_info bad = { "?", ACT_EXEC_PUNT, false };

	if ((unsigned int)type >= ACT__MAX || !infos[type].name)
		return &bad;
	return &infos[type];
}

/* ovn-controller's own tables for put_nd_ra_opts and trigger_event;
 * codes are the ND option types (RFC 4861/6106/4191) and OVN's event
 * option numbers. */
static const struct action_opt_def nd_ra_defs[] = {
	{ "addr_mode",		0,	"str" },
	{ "router_preference",	255,	"str" },
	{ "slla",		1,	"mac" },
	{ "prefix",		3,	"ipv6" },
	{ "mtu",		5,	"uint32" },
	{ "rdnss",		25,	"ipv6" },
	{ "dnssl",		31,	"str" },
	{ "route_info",		24,	"str" },
};

const struct action_opt_table action_nd_ra_opts = {
	nd_ra_defs, sizeof(nd_ra_defs) / sizeof(nd_ra_defs[0])
};

static const struct action_opt_def empty_lb_defs[] = {
	{ "vip",		1,	"str" },
	{ "protocol",		2,	"str" },
	{ "load_balancer",	3,	"str" },
};

const struct action_opt_table action_event_empty_lb_opts = {
	empty_lb_defs, sizeof(empty_lb_defs) / sizeof(empty_lb_defs[0])
};

/* ---- free ---- */

static void const_set_free(struct action_const_set *cs)
{
	for (size_t i = 0; i < cs->n; i++)
		free(cs->v[i].string);
	free(cs->v);
	cs->v = NULL;
	cs->n = 0;
}

static void opts_free(struct action_opt *opts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(opts[i].name);
		free(opts[i].type);
		const_set_free(&opts[i].value);
	}
	free(opts);
}

static bool type_is_nested(enum action_type t)
{
	switch (t) {
	case ACT_CT_COMMIT:
	case ACT_CLONE:
	case ACT_ARP:
	case ACT_ND_NS:
	case ACT_ND_NA:
	case ACT_ND_NA_ROUTER:
	case ACT_ICMP4:
	case ACT_ICMP4_ERROR:
	case ACT_ICMP6:
	case ACT_ICMP6_ERROR:
	case ACT_TCP_RESET:
	case ACT_SCTP_ABORT:
	case ACT_REJECT:
		return true;
	default:
		return false;
	}
}

static void action_free(struct action *a)
{
	if (type_is_nested(a->type)) {
		action_list_free(&a->nested);
		return;
	}
	switch (a->type) {
	case ACT_LOAD:
	case ACT_OVNFIELD_LOAD:
		free(a->load.imm.string);
		break;
	case ACT_CT_LB:
	case ACT_CT_LB_MARK:
		free(a->ct_lb.backends);
		free(a->ct_lb.hash_fields);
		break;
	case ACT_SELECT:
		free(a->select.members);
		free(a->select.hash_fields);
		break;
	case ACT_PUT_DHCPV4_OPTS:
	case ACT_PUT_DHCPV6_OPTS:
	case ACT_PUT_ND_RA_OPTS:
		opts_free(a->put_opts.opts, a->put_opts.n_opts);
		break;
	case ACT_LOG:
		free(a->log.name);
		free(a->log.meter);
		break;
	case ACT_TRIGGER_EVENT:
		free(a->event.event);
		opts_free(a->event.opts, a->event.n_opts);
		break;
	case ACT_BIND_VPORT:
		free(a->bind_vport.vport);
		break;
	case ACT_FWD_GROUP:
		for (size_t i = 0; i < a->fwd_group.n_child_ports; i++)
			free(a->fwd_group.child_ports[i]);
		free(a->fwd_group.child_ports);
		break;
	default:
		break;
	}
}

void action_list_free(struct action_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		action_free(&list->acts[i]);
	free(list->acts);
	list->acts = NULL;
	list->n = list->alloc = 0;
}

void action_parse_result_free(struct action_parse_result *res)
{
	action_list_free(&res->acts);
	free(res->prereqs);
	res->prereqs = NULL;
}

/* ---- equality ---- */

static bool field_eq(const struct action_field *a, const struct action_field *b)
{
	return a->sym == b->sym && a->ofs == b->ofs && a->n_bits == b->n_bits;
}

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static bool const_eq(const struct action_const *a, const struct action_const *b)
{
	if (a->string || b->string)
		return str_eq(a->string, b->string);
	return a->masked == b->masked && u128_eq(a->value, b->value) &&
	       (!a->masked || u128_eq(a->mask, b->mask));
}

static bool const_set_eq(const struct action_const_set *a,
			 const struct action_const_set *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!const_eq(&a->v[i], &b->v[i]))
			return false;
	return true;
}

static bool opts_eq(const struct action_opt *a, size_t na,
		    const struct action_opt *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (a[i].code != b[i].code || !str_eq(a[i].name, b[i].name) ||
		    !const_set_eq(&a[i].value, &b[i].value))
			return false;
	return true;
}

static bool ct_lb_eq(const struct action_ct_lb *a, const struct action_ct_lb *b)
{
	if (a->n_backends != b->n_backends || a->flag != b->flag ||
	    !str_eq(a->hash_fields, b->hash_fields))
		return false;
	for (size_t i = 0; i < a->n_backends; i++) {
		const struct action_lb_backend *x = &a->backends[i];
		const struct action_lb_backend *y = &b->backends[i];

		if (x->ipv6 != y->ipv6 || !u128_eq(x->addr, y->addr) ||
		    x->port != y->port)
			return false;
	}
	return true;
}

static bool action_eq(const struct action *a, const struct action *b)
{
	if (a->type != b->type)
		return false;
	if (type_is_nested(a->type))
		return action_list_equal(&a->nested, &b->nested);

	switch (a->type) {
	case ACT_NEXT:
		return a->next.pipeline == b->next.pipeline &&
		       a->next.table == b->next.table;
	case ACT_LOAD:
	case ACT_OVNFIELD_LOAD:
		return field_eq(&a->load.dst, &b->load.dst) &&
		       const_eq(&a->load.imm, &b->load.imm);
	case ACT_MOVE:
	case ACT_EXCHANGE:
		return field_eq(&a->move.lhs, &b->move.lhs) &&
		       field_eq(&a->move.rhs, &b->move.rhs);
	case ACT_PUSH:
	case ACT_POP:
	case ACT_HANDLE_SVC_CHECK:
		return field_eq(&a->field, &b->field);
	case ACT_CT_COMMIT_V1:
		return a->ct_commit_v1.mark == b->ct_commit_v1.mark &&
		       a->ct_commit_v1.mark_mask == b->ct_commit_v1.mark_mask &&
		       u128_eq(a->ct_commit_v1.label, b->ct_commit_v1.label) &&
		       u128_eq(a->ct_commit_v1.label_mask,
			       b->ct_commit_v1.label_mask);
	case ACT_CT_NEXT:
	case ACT_CT_COMMIT_NAT:
	case ACT_CT_COMMIT_TO_ZONE:
		return a->ct_zone == b->ct_zone;
	case ACT_CT_DNAT:
	case ACT_CT_SNAT:
	case ACT_CT_DNAT_IN_CZONE:
	case ACT_CT_SNAT_IN_CZONE:
		return a->ct_nat.family == b->ct_nat.family &&
		       u128_eq(a->ct_nat.addr, b->ct_nat.addr) &&
		       a->ct_nat.has_ports == b->ct_nat.has_ports &&
		       a->ct_nat.port_lo == b->ct_nat.port_lo &&
		       a->ct_nat.port_hi == b->ct_nat.port_hi;
	case ACT_CT_LB:
	case ACT_CT_LB_MARK:
		return ct_lb_eq(&a->ct_lb, &b->ct_lb);
	case ACT_SELECT:
		return field_eq(&a->select.dst, &b->select.dst) &&
		       str_eq(a->select.hash_fields, b->select.hash_fields) &&
		       a->select.n_members == b->select.n_members &&
		       !memcmp(a->select.members, b->select.members,
			       a->select.n_members *
			       sizeof(a->select.members[0]));
	case ACT_GET_ARP:
	case ACT_PUT_ARP:
	case ACT_LOOKUP_ARP:
	case ACT_LOOKUP_ARP_IP:
	case ACT_GET_ND:
	case ACT_PUT_ND:
	case ACT_LOOKUP_ND:
	case ACT_LOOKUP_ND_IP:
		return field_eq(&a->mac_bind.dst, &b->mac_bind.dst) &&
		       field_eq(&a->mac_bind.port, &b->mac_bind.port) &&
		       field_eq(&a->mac_bind.ip, &b->mac_bind.ip) &&
		       field_eq(&a->mac_bind.mac, &b->mac_bind.mac);
	case ACT_GET_FDB:
	case ACT_PUT_FDB:
	case ACT_LOOKUP_FDB:
		return field_eq(&a->fdb.dst, &b->fdb.dst) &&
		       field_eq(&a->fdb.port, &b->fdb.port) &&
		       field_eq(&a->fdb.mac, &b->fdb.mac);
	case ACT_PUT_DHCPV4_OPTS:
	case ACT_PUT_DHCPV6_OPTS:
	case ACT_PUT_ND_RA_OPTS:
		return field_eq(&a->put_opts.dst, &b->put_opts.dst) &&
		       opts_eq(a->put_opts.opts, a->put_opts.n_opts,
			       b->put_opts.opts, b->put_opts.n_opts);
	case ACT_DNS_LOOKUP:
	case ACT_CHECK_IN_PORT_SEC:
	case ACT_CHECK_OUT_PORT_SEC:
	case ACT_CHK_LB_HAIRPIN:
	case ACT_CHK_LB_HAIRPIN_REPLY:
	case ACT_CHK_LB_AFF:
	case ACT_CHK_ECMP_NH:
	case ACT_CHK_ECMP_NH_MAC:
		return field_eq(&a->result.dst, &b->result.dst);
	case ACT_CHECK_PKT_LARGER:
		return field_eq(&a->pkt_larger.dst, &b->pkt_larger.dst) &&
		       a->pkt_larger.len == b->pkt_larger.len;
	case ACT_SET_QUEUE:
		return a->queue_id == b->queue_id;
	case ACT_SET_METER:
		return a->meter.rate == b->meter.rate &&
		       a->meter.burst == b->meter.burst;
	case ACT_LOG:
		return str_eq(a->log.name, b->log.name) &&
		       str_eq(a->log.meter, b->log.meter) &&
		       a->log.verdict == b->log.verdict &&
		       a->log.severity == b->log.severity;
	case ACT_TRIGGER_EVENT:
		return str_eq(a->event.event, b->event.event) &&
		       opts_eq(a->event.opts, a->event.n_opts,
			       b->event.opts, b->event.n_opts);
	case ACT_BIND_VPORT:
		return str_eq(a->bind_vport.vport, b->bind_vport.vport) &&
		       field_eq(&a->bind_vport.parent, &b->bind_vport.parent);
	case ACT_FWD_GROUP:
		if (a->fwd_group.liveness != b->fwd_group.liveness ||
		    a->fwd_group.n_child_ports != b->fwd_group.n_child_ports)
			return false;
		for (size_t i = 0; i < a->fwd_group.n_child_ports; i++)
			if (strcmp(a->fwd_group.child_ports[i],
				   b->fwd_group.child_ports[i]))
				return false;
		return true;
	case ACT_SAMPLE:
		return a->sample.probability == b->sample.probability &&
		       a->sample.obs_domain == b->sample.obs_domain &&
		       a->sample.collector_set == b->sample.collector_set &&
		       a->sample.obs_point == b->sample.obs_point &&
		       a->sample.obs_point_cookie == b->sample.obs_point_cookie;
	case ACT_COMMIT_ECMP_NH:
		return a->ecmp_nh.ipv6 == b->ecmp_nh.ipv6 &&
		       a->ecmp_nh.proto == b->ecmp_nh.proto;
	case ACT_COMMIT_LB_AFF:
		return a->lb_aff.ipv6 == b->lb_aff.ipv6 &&
		       u128_eq(a->lb_aff.vip, b->lb_aff.vip) &&
		       a->lb_aff.vip_port == b->lb_aff.vip_port &&
		       u128_eq(a->lb_aff.backend, b->lb_aff.backend) &&
		       a->lb_aff.backend_port == b->lb_aff.backend_port &&
		       a->lb_aff.proto == b->lb_aff.proto &&
		       a->lb_aff.timeout == b->lb_aff.timeout;
	default:
		/* verbs without arguments */
		return true;
	}
}

bool action_list_equal(const struct action_list *a,
		       const struct action_list *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!action_eq(&a->acts[i], &b->acts[i]))
			return false;
	return true;
}

static void walk(const struct action_list *list, int depth,
		 void (*fn)(const struct action *, int, void *), void *aux)
{
	for (size_t i = 0; i < list->n; i++) {
		const struct action *a = &list->acts[i];

		fn(a, depth, aux);
		if (type_is_nested(a->type))
			walk(&a->nested, depth + 1, fn, aux);
	}
}

void action_list_walk(const struct action_list *list,
		      void (*fn)(const struct action *a, int depth, void *aux),
		      void *aux)
{
	walk(list, 0, fn, aux);
}

bool action_type_is_nested(enum action_type type)
{
	return type_is_nested(type);
}
