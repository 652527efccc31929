/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The OVN logical-flow action language (Logical_Flow.actions, ovn-sb(5)):
 * a typed IR, its parser and its formatter.
 *
 * A flow's actions parse into a struct action_list: an array of struct
 * action, each a tagged union over the verbs of OVN 23.03.  Nested blocks
 * (clone {}, ct_commit {}, arp {}, icmp4 {}, ...) own an inner
 * action_list.  Field references are resolved through the symbol table
 * (loader/symtab.h) when parsing, so the compiler never looks at text
 * again; the prerequisites the actions impose on the flow's match
 * ("ip" for ct_next, "tcp" for a write to tcp.dst, ...) are collected as
 * match-language text to be AND-ed with the flow's match.
 *
 * Each action also says how our datapath runs it: natively in BPF, or by
 * punting the packet to ovnbpfd (DESIGN.md §3.4); and whether the
 * datapath supports it yet.  See action_info().
 *
 * format(parse(text)) is canonical text that parses back to an equal IR
 * (action_list_equal()).
 */
#ifndef __OVNBPF_LOADER_ACTIONS_H
#define __OVNBPF_LOADER_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/u128.h"

struct symtab;
struct symbol;

/* Every verb of the 23.03 grammar; ACT_LOAD/MOVE/EXCHANGE are the
 * assignment forms "f = c;", "f = g;", "f <-> g;". */
enum action_type {
	ACT_OUTPUT,
	ACT_NEXT,
	ACT_LOAD,
	ACT_MOVE,
	ACT_EXCHANGE,
	ACT_PUSH,
	ACT_POP,
	ACT_DEC_TTL,
	ACT_CT_NEXT,
	ACT_CT_COMMIT,		/* ct_commit; / ct_commit { ... }; */
	ACT_CT_COMMIT_V1,	/* legacy ct_commit(ct_mark=.., ct_label=..); */
	ACT_CT_DNAT,
	ACT_CT_SNAT,
	ACT_CT_DNAT_IN_CZONE,
	ACT_CT_SNAT_IN_CZONE,
	ACT_CT_COMMIT_NAT,
	ACT_CT_LB,
	ACT_CT_LB_MARK,
	ACT_CT_CLEAR,
	ACT_CT_SNAT_TO_VIP,
	ACT_SELECT,
	ACT_CLONE,
	ACT_ARP,
	ACT_ND_NS,
	ACT_ND_NA,
	ACT_ND_NA_ROUTER,
	ACT_ICMP4,
	ACT_ICMP4_ERROR,
	ACT_ICMP6,
	ACT_ICMP6_ERROR,
	ACT_TCP_RESET,
	ACT_SCTP_ABORT,
	ACT_REJECT,
	ACT_IGMP,
	ACT_GET_ARP,
	ACT_PUT_ARP,
	ACT_LOOKUP_ARP,
	ACT_LOOKUP_ARP_IP,
	ACT_GET_ND,
	ACT_PUT_ND,
	ACT_LOOKUP_ND,
	ACT_LOOKUP_ND_IP,
	ACT_GET_FDB,
	ACT_PUT_FDB,
	ACT_LOOKUP_FDB,
	ACT_PUT_DHCPV4_OPTS,
	ACT_PUT_DHCPV6_OPTS,
	ACT_PUT_ND_RA_OPTS,
	ACT_DNS_LOOKUP,
	ACT_CHECK_IN_PORT_SEC,
	ACT_CHECK_OUT_PORT_SEC,
	ACT_CHK_LB_HAIRPIN,
	ACT_CHK_LB_HAIRPIN_REPLY,
	ACT_CHK_LB_AFF,
	ACT_COMMIT_LB_AFF,
	ACT_CHK_ECMP_NH,
	ACT_CHK_ECMP_NH_MAC,
	ACT_COMMIT_ECMP_NH,
	ACT_CHECK_PKT_LARGER,
	ACT_OVNFIELD_LOAD,	/* icmp4.frag_mtu = N; icmp6.frag_mtu = N; */
	ACT_SET_QUEUE,
	ACT_SET_METER,
	ACT_LOG,
	ACT_TRIGGER_EVENT,
	ACT_BIND_VPORT,
	ACT_HANDLE_SVC_CHECK,
	ACT_HANDLE_DHCPV6_REPLY,
	ACT_HANDLE_BFD_MSG,
	ACT_FWD_GROUP,
	ACT_SAMPLE,
	/* later OVN, accepted so that a newer northd's flows parse */
	ACT_CT_COMMIT_TO_ZONE,	/* ct_commit_to_zone(dnat|snat); */
	ACT_MAC_CACHE_USE,	/* mac_cache_use; */
	ACT__MAX
};

/* How the datapath executes an action. */
enum action_exec {
	ACT_EXEC_NATIVE,	/* in BPF */
	ACT_EXEC_PUNT,		/* packet (or event) goes to ovnbpfd */
};

struct action_info {
	const char *name;	/* verb as written ("ct_lb_mark", "=") */
	enum action_exec exec;
	/* The datapath executes it (or is meant to in the first milestone);
	 * false: the compiler reports the flow as not executable.  Whoever
	 * implements a verb in bpf/ flips it in actions-info.c. */
	bool supported;
};

/* Static facts about a type (exec class, support). */
const struct action_info *action_info(enum action_type type);
/* Whether actions of TYPE hold a nested list (struct action.nested). */
bool action_type_is_nested(enum action_type type);

enum action_pipeline {
	ACT_P_INGRESS,
	ACT_P_EGRESS,
};

/* A reference to (a subfield of) a symbol: "reg0", "reg0[3]",
 * "xxreg0[64..95]", "ct_mark.blocked", "outport".  OFS and N_BITS are
 * relative to the symbol; a whole symbol is ofs 0, n_bits = its width.
 * String fields (inport, outport) have n_bits == 0. */
struct action_field {
	const struct symbol *sym;
	uint16_t ofs;
	uint16_t n_bits;
	uint32_t pos;		/* byte offset in the text (not compared) */
};

/* An integer (up to 128 bits, optionally masked) or a string constant.
 * Integers keep the lexer's format (enum lex_format) so that they are
 * written back the way northd wrote them. */
struct action_const {
	char *string;		/* non-NULL: a string constant */
	uint8_t fmt;		/* enum lex_format */
	bool masked;
	struct u128 value;
	struct u128 mask;	/* all ones unless masked */
};

/* A constant or a "{a, b, ...}" set of constants of one kind. */
struct action_const_set {
	struct action_const *v;
	size_t n;
	bool curlies;		/* written with braces */
};

/* Definition of a generic option (DHCPv4, DHCPv6, ND RA, event): the SB
 * DHCP_Options / DHCPv6_Options rows, or built-in tables. */
struct action_opt_def {
	const char *name;
	uint16_t code;
	const char *type;	/* "ipv4", "str", "uint32", "static_routes",... */
};

struct action_opt_table {
	const struct action_opt_def *defs;
	size_t n;
};

/* One "name = value" option of put_dhcp_opts() and friends.  Name and
 * type are copied from the definition so the IR outlives the table. */
struct action_opt {
	char *name;
	uint16_t code;
	char *type;
	struct action_const_set value;
};

struct action;

struct action_list {
	struct action *acts;
	size_t n;
	size_t alloc;
};

struct action_next {
	uint8_t pipeline;	/* enum action_pipeline */
	uint8_t table;
	uint8_t src_pipeline;	/* where the flow is: decides how it prints */
	uint8_t src_table;
};

struct action_load {
	struct action_field dst;
	struct action_const imm;
};

struct action_move {		/* MOVE (lhs = rhs) and EXCHANGE */
	struct action_field lhs;
	struct action_field rhs;
};

/* Conntrack zone of ct_next / ct_commit_nat / ct_commit_to_zone: the
 * flow's default, or explicitly the router's DNAT or SNAT zone
 * ("ct_next(snat);" of OVN >= 23.09). */
enum action_ct_zone {
	ACT_CT_ZONE_DEFAULT,
	ACT_CT_ZONE_DNAT,
	ACT_CT_ZONE_SNAT,
};

struct action_ct_commit_v1 {
	uint32_t mark, mark_mask;
	struct u128 label, label_mask;
};

enum action_ct_nat_family {
	ACT_NAT_NONE,		/* ct_dnat; (un-NAT / commit only) */
	ACT_NAT_IPV4,
	ACT_NAT_IPV6,
};

struct action_ct_nat {		/* CT_DNAT/SNAT[_IN_CZONE], CT_COMMIT_NAT */
	uint8_t family;		/* enum action_ct_nat_family */
	struct u128 addr;	/* IPv4 in the low 32 bits */
	bool has_ports;
	uint16_t port_lo;
	uint16_t port_hi;	/* 0: a single port */
};

enum action_ct_lb_flag {
	ACT_CT_LB_FLAG_NONE,
	ACT_CT_LB_FLAG_SKIP_SNAT,
	ACT_CT_LB_FLAG_FORCE_SNAT,
};

struct action_lb_backend {
	bool ipv6;
	struct u128 addr;	/* IPv4 in the low 32 bits */
	uint16_t port;		/* 0: none */
};

struct action_ct_lb {		/* CT_LB, CT_LB_MARK */
	struct action_lb_backend *backends;
	size_t n_backends;	/* 0: "ct_lb_mark;" (established only) */
	char *hash_fields;	/* NULL: default hash */
	uint8_t flag;		/* enum action_ct_lb_flag */
};

struct action_select_member {
	uint16_t id;
	uint16_t weight;
};

struct action_select {
	struct action_field dst;
	struct action_select_member *members;
	size_t n_members;
	/* select(values=(...); hash_fields="...") of later OVN and Kube-OVN's
	 * pinned 24.03; NULL: default hash (DESIGN.md §3.6). */
	char *hash_fields;
};

struct action_mac_bind {	/* get/put/lookup_arp/nd[_ip] */
	struct action_field dst;	/* lookup_*: 1-bit result */
	struct action_field port;
	struct action_field ip;
	struct action_field mac;	/* put_*, lookup_arp/nd */
};

struct action_fdb {		/* get_fdb, put_fdb, lookup_fdb */
	struct action_field dst;	/* get_fdb: port; lookup_fdb: 1 bit */
	struct action_field port;
	struct action_field mac;
};

struct action_put_opts {	/* put_dhcp_opts, put_dhcpv6_opts, nd_ra */
	struct action_field dst;
	struct action_opt *opts;
	size_t n_opts;
};

struct action_result {		/* R = f(); verbs with no arguments */
	struct action_field dst;
};

struct action_check_pkt_larger {
	struct action_field dst;
	uint16_t len;
};

enum action_log_verdict {
	ACT_LOG_ALLOW,
	ACT_LOG_DROP,
	ACT_LOG_REJECT,
};

enum action_log_severity {
	ACT_LOG_ALERT,
	ACT_LOG_WARNING,
	ACT_LOG_NOTICE,
	ACT_LOG_INFO,
	ACT_LOG_DEBUG,
};

struct action_log {
	char *name;		/* may be NULL */
	char *meter;		/* may be NULL */
	uint8_t verdict;	/* enum action_log_verdict */
	uint8_t severity;	/* enum action_log_severity */
};

struct action_set_meter {
	uint64_t rate;		/* kbps */
	uint64_t burst;		/* 0: none */
};

struct action_event {
	char *event;		/* "empty_lb_backends" */
	struct action_opt *opts;
	size_t n_opts;
};

struct action_bind_vport {
	char *vport;
	struct action_field parent;
};

struct action_fwd_group {
	bool liveness;
	char **child_ports;
	size_t n_child_ports;
};

struct action_sample {
	uint16_t probability;
	uint8_t obs_domain;
	uint32_t collector_set;
	uint32_t obs_point;
	bool obs_point_cookie;	/* obs_point=$cookie */
};

struct action_commit_ecmp_nh {
	bool ipv6;
	uint8_t proto;		/* IPPROTO_TCP/UDP/SCTP */
};

struct action_commit_lb_aff {
	bool ipv6;
	struct u128 vip;	/* IPv4 in the low 32 bits */
	uint16_t vip_port;
	struct u128 backend;
	uint16_t backend_port;
	uint8_t proto;		/* 0 when vip_port == 0 */
	uint16_t timeout;
};

struct action {
	uint8_t type;		/* enum action_type */
	uint8_t exec;		/* enum action_exec, from action_info() */
	bool unsupported;	/* !action_info()->supported */
	uint32_t pos;		/* byte offset of the action in the text */
	union {
		struct action_next next;
		struct action_load load;	/* LOAD, OVNFIELD_LOAD */
		struct action_move move;	/* MOVE, EXCHANGE */
		struct action_field field;	/* PUSH, POP, HANDLE_SVC_CHECK */
		struct action_list nested;	/* CT_COMMIT, CLONE, ARP, ... */
		uint8_t ct_zone;	/* CT_NEXT, CT_COMMIT_NAT,
					 * CT_COMMIT_TO_ZONE: action_ct_zone */
		struct action_ct_commit_v1 ct_commit_v1;
		struct action_ct_nat ct_nat;
		struct action_ct_lb ct_lb;
		struct action_select select;
		struct action_mac_bind mac_bind;
		struct action_fdb fdb;
		struct action_put_opts put_opts;
		struct action_result result;
		struct action_check_pkt_larger pkt_larger;
		uint16_t queue_id;		/* SET_QUEUE */
		struct action_set_meter meter;
		struct action_log log;
		struct action_event event;
		struct action_bind_vport bind_vport;
		struct action_fwd_group fwd_group;
		struct action_sample sample;
		struct action_commit_ecmp_nh ecmp_nh;
		struct action_commit_lb_aff lb_aff;
	};
};

/* Where the actions are parsed: decides what next; means and which
 * tables next(N) may name. */
struct action_parse_params {
	const struct symtab *symtab;
	/* SB DHCP_Options / DHCPv6_Options; NULL: no option is known and
	 * put_dhcp[v6]_opts fails to parse. */
	const struct action_opt_table *dhcp_opts;
	const struct action_opt_table *dhcpv6_opts;
	uint8_t pipeline;	/* enum action_pipeline of the flow */
	uint8_t cur_table;	/* Logical_Flow.table_id */
	uint8_t n_tables;	/* tables per pipeline; 0: next not allowed */
};

/* A parse error: byte offset into the text and a message. */
struct action_error {
	int pos;
	char msg[160];
};

/* The result of a parse: the actions and the prerequisites they add to
 * the flow's match, as match-language text ("" when none). */
struct action_parse_result {
	struct action_list acts;
	char *prereqs;
};

/* Parse TEXT.  Returns 0 and fills RES (release with
 * action_parse_result_free()), or -EINVAL with ERR filled and RES empty. */
int actions_parse(const char *text, const struct action_parse_params *pp,
		  struct action_parse_result *res, struct action_error *err);
void action_parse_result_free(struct action_parse_result *res);
void action_list_free(struct action_list *list);

/* Canonical text of LIST (malloc'ed; "drop;" for an empty list). */
char *actions_format(const struct action_list *list);

bool action_list_equal(const struct action_list *a,
		       const struct action_list *b);

/* Calls FN on every action of LIST, nested ones included, depth first. */
void action_list_walk(const struct action_list *list,
		      void (*fn)(const struct action *a, int depth, void *aux),
		      void *aux);

/* Built-in option tables (ovn-controller has these compiled in too). */
extern const struct action_opt_table action_nd_ra_opts;
extern const struct action_opt_table action_event_empty_lb_opts;

#endif /* __OVNBPF_LOADER_ACTIONS_H */
