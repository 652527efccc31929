// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Parsers of the verbs that involve the control plane or configuration
 * outside the packet: DHCPv4/v6 and RA options, log, events, virtual
 * port binding, service checks, forwarding groups, meters and queues,
 * sampling, ECMP and LB-affinity learning, check_pkt_larger.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "loader/actions-verbs.h"
#include "loader/lex.h"

#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_SCTP_ 132

/* ---- generic options: name = value | {value, ...} ---- */

static const struct action_opt_def *
find_opt_def(const struct action_opt_table *t, const char *name)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (!strcmp(t->defs[i].name, name))
			return &t->defs[i];
	return NULL;
}

static bool parse_opt(struct act_ctx *c, const struct action_opt_table *t,
		      const char *kind, struct action_opt *o)
{
	struct lexer *lx = c->lx;
	const struct action_opt_def *def;
	size_t pos = lx->token.start;
	bool want_string;

	memset(o, 0, sizeof(*o));
	if (lx->token.type != LEX_T_ID ||
	    !(def = find_opt_def(t, lx->token.s))) {
		lexer_syntax_error(lx, "expecting %s option name.", kind);
		return false;
	}
	o->name = xstrndup(def->name, strlen(def->name));
	o->type = xstrndup(def->type, strlen(def->type));
	o->code = def->code;
	lexer_next(lx);
	if (!act_force_match(c, LEX_T_EQUALS) ||
	    !act_parse_const_set(c, &o->value))
		return false;
	if (!strcmp(def->type, "host_id"))
		return true;
	want_string = !strcmp(def->type, "str") ||
		      !strcmp(def->type, "domains");
	for (size_t i = 0; i < o->value.n; i++) {
		if (!o->value.v[i].string == !want_string)
			continue;
		lexer_error_at(lx, pos, "%s option %s requires %s value.",
			       kind, def->name, want_string ? "string"
							    : "numeric");
		return false;
	}
	return true;
}

/* Options up to `)'; returns the count, or -1 on error (OPTS is owned by
 * the caller either way). */
static int parse_opts(struct act_ctx *c, const struct action_opt_table *t,
		      const char *kind, struct action_opt **opts, size_t *n)
{
	size_t alloc = 0;

	while (!lexer_match(c->lx, LEX_T_RPAREN)) {
		if (*n == alloc) {
			alloc = alloc ? 2 * alloc : 4;
			*opts = xrealloc(*opts, alloc * sizeof(**opts));
		}
		if (!parse_opt(c, t, kind, &(*opts)[*n])) {
			(*n)++;
			return -1;
		}
		(*n)++;
		lexer_match(c->lx, LEX_T_COMMA);
	}
	return *n;
}

static void free_opts(struct action_opt *opts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(opts[i].name);
		free(opts[i].type);
		for (size_t j = 0; j < opts[i].value.n; j++)
			free(opts[i].value.v[j].string);
		free(opts[i].value.v);
	}
	free(opts);
}

static const struct action_opt *find_opt(const struct action_put_opts *po,
					 uint16_t code)
{
	for (size_t i = 0; i < po->n_opts; i++)
		if (po->opts[i].code == code)
			return &po->opts[i];
	return NULL;
}

static bool str_in(const char *s, const char *const *set)
{
	for (; s && *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
}

/* put_nd_ra_opts() values must make a valid Router Advertisement. */
static bool check_nd_ra(struct act_ctx *c, size_t pos,
			const struct action_put_opts *po)
{
	static const char *const modes[] = {
		"slaac", "dhcpv6_stateful", "dhcpv6_stateless", NULL
	};
	static const char *const prfs[] = { "MEDIUM", "HIGH", "LOW", NULL };
	bool stateful = false, prefix = false, slla = false;

	for (size_t i = 0; i < po->n_opts; i++) {
		const struct action_opt *o = &po->opts[i];
		const struct action_const *k = o->value.v;
		bool ok = o->value.n == 1;

		if (ok) {
			switch (o->code) {
			case 0:		/* addr_mode */
				ok = str_in(k->string, modes);
				stateful = ok && !strcmp(k->string,
							 "dhcpv6_stateful");
				break;
			case 255:	/* router_preference */
				ok = str_in(k->string, prfs);
				break;
			case 1:		/* slla */
				ok = !k->string && k->fmt == LEX_F_ETHERNET;
				slla = true;
				break;
			case 3:		/* prefix */
				ok = !k->string && k->fmt == LEX_F_IPV6 &&
				     k->masked;
				prefix = true;
				break;
			case 5:		/* mtu */
				ok = !k->string && k->fmt == LEX_F_DECIMAL;
				break;
			case 25:	/* rdnss */
				ok = !k->string && k->fmt == LEX_F_IPV6;
				break;
			default:	/* dnssl, route_info */
				ok = k->string != NULL;
				break;
			}
		}
		if (!ok) {
			lexer_error_at(c->lx, pos, "Invalid value for \"%s\" "
				       "option.", o->name);
			return false;
		}
	}
	if (!slla) {
		lexer_error_at(c->lx, pos, "slla option not present.");
		return false;
	}
	if (!stateful && !prefix) {
		lexer_error_at(c->lx, pos, "prefix option needs to be set when "
			       "address mode is slaac/dhcpv6_stateless.");
		return false;
	}
	return true;
}

/* R = put_dhcp_opts(...); R = put_dhcpv6_opts(...);
 * R = put_nd_ra_opts(...); */
void act_parse_put_opts(struct act_ctx *c, struct action_list *l,
			size_t pos, const struct action_field *dst,
			enum action_type type)
{
	struct action_put_opts po = { .dst = *dst };
	const struct action_opt_table *t;
	const char *kind;

	if (!act_check_field(c, dst, 1, true))
		return;
	if (type == ACT_PUT_DHCPV4_OPTS) {
		t = c->pp->dhcp_opts;
		kind = "DHCPv4";
	} else if (type == ACT_PUT_DHCPV6_OPTS) {
		t = c->pp->dhcpv6_opts;
		kind = "DHCPv6";
	} else {
		t = &action_nd_ra_opts;
		kind = "IPv6 ND RA";
	}
	if (parse_opts(c, t, kind, &po.opts, &po.n_opts) < 0)
		goto fail;
	if (type == ACT_PUT_DHCPV4_OPTS && !find_opt(&po, 0)) {
		lexer_error_at(c->lx, pos, "put_dhcp_opts requires offerip to "
			       "be specified.");
		goto fail;
	}
	if (type == ACT_PUT_ND_RA_OPTS) {
		if (!check_nd_ra(c, pos, &po))
			goto fail;
		act_add_prereq(c, "ip6");
	}
	act_append(l, type, pos)->put_opts = po;
	return;
fail:
	free_opts(po.opts, po.n_opts);
}

/* R = check_pkt_larger(L); */
void act_parse_check_pkt_larger(struct act_ctx *c, struct action_list *l,
				size_t pos, const struct action_field *dst)
{
	struct action_check_pkt_larger p = { .dst = *dst };

	if (!act_check_field(c, dst, 1, true) ||
	    !act_parse_uint16(c, &p.len, "packet length") ||
	    !act_force_match(c, LEX_T_RPAREN))
		return;
	act_append(l, ACT_CHECK_PKT_LARGER, pos)->pkt_larger = p;
}

/* ---- addresses written as strings ---- */

static bool parse_ip(const char *s, size_t len, bool *ipv6, struct u128 *a)
{
	unsigned char b[16];
	char buf[INET6_ADDRSTRLEN];

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, b) == 1) {
		*ipv6 = false;
		*a = u128_from_u64((uint64_t)b[0] << 24 | b[1] << 16 |
				   b[2] << 8 | b[3]);
		return true;
	}
	if (inet_pton(AF_INET6, buf, b) == 1) {
		*ipv6 = true;
		a->hi = a->lo = 0;
		for (int i = 0; i < 8; i++) {
			a->hi = a->hi << 8 | b[i];
			a->lo = a->lo << 8 | b[8 + i];
		}
		return true;
	}
	return false;
}

/* "IPv4", "IPv4:port", "IPv6", "[IPv6]", "[IPv6]:port": the way northd
 * writes load balancer VIPs and backends. */
static bool parse_ip_port(const char *s, bool *ipv6, struct u128 *a,
			  uint16_t *port)
{
	const char *colon, *end;
	char *tail;
	unsigned long p;

	*port = 0;
	if (*s == '[') {
		end = strchr(s, ']');
		if (!end || !parse_ip(s + 1, end - s - 1, ipv6, a) || !*ipv6)
			return false;
		colon = end[1] == ':' ? end + 1 : NULL;
		if (!colon && end[1])
			return false;
	} else {
		colon = strchr(s, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;	/* bare IPv6 */
		if (!parse_ip(s, colon ? (size_t)(colon - s) : strlen(s),
			      ipv6, a))
			return false;
	}
	if (!colon)
		return true;
	if (!isdigit((unsigned char)colon[1]))
		return false;
	p = strtoul(colon + 1, &tail, 10);
	if (*tail || p > UINT16_MAX)
		return false;
	*port = p;
	return true;
}

static bool is_uuid(const char *s)
{
	static const int dash[] = { 8, 13, 18, 23 };

	if (strlen(s) != 36)
		return false;
	for (int i = 0, d = 0; i < 36; i++) {
		if (d < 4 && i == dash[d]) {
			if (s[i] != '-')
				return false;
			d++;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

/* ---- statement verbs ---- */

void act_parse_set_queue(struct act_ctx *c, struct action_list *l, size_t pos)
{
	uint16_t q;

	if (!act_force_match(c, LEX_T_LPAREN) ||
	    !act_parse_uint16(c, &q, "queue id") ||
	    !act_force_match(c, LEX_T_RPAREN))
		return;
	/* queue 0 is the default; OVN allows ids up to 0xf000 */
	if (q > 0xf000) {
		lexer_error_at(c->lx, pos, "Queue ID %u for set_queue is not "
			       "in valid range 0 to 61440.", q);
		return;
	}
	act_append(l, ACT_SET_QUEUE, pos)->queue_id = q;
}

static bool parse_string_arg(struct act_ctx *c, char **dst)
{
	if (!act_force_match(c, LEX_T_EQUALS))
		return false;
	if (c->lx->token.type != LEX_T_STRING) {
		lexer_syntax_error(c->lx, "expecting string.");
		return false;
	}
	free(*dst);
	*dst = lexer_steal_string(c->lx);
	lexer_next(c->lx);
	return true;
}

static int match_id_in(struct lexer *lx, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (lexer_match_id(lx, names[i]))
			return i;
	return -1;
}

/* log(name="..", verdict=allow|drop|reject, severity=.., meter="..") */
void act_parse_log(struct act_ctx *c, struct action_list *l, size_t pos)
{
	static const char *const verdicts[] = { "allow", "drop", "reject" };
	static const char *const severities[] = {
		"alert", "warning", "notice", "info", "debug",
	};
	struct lexer *lx = c->lx;
	struct action_log log = { .severity = ACT_LOG_INFO };
	bool have_verdict = false;
	int v;

	if (lexer_match(lx, LEX_T_LPAREN)) {
		while (!lexer_match(lx, LEX_T_RPAREN)) {
			if (lexer_match_id(lx, "verdict")) {
				if (!act_force_match(c, LEX_T_EQUALS))
					goto fail;
				v = match_id_in(lx, verdicts, 3);
				if (v < 0) {
					lexer_syntax_error(lx, "unknown verdict.");
					goto fail;
				}
				log.verdict = v;
				have_verdict = true;
			} else if (lexer_match_id(lx, "severity")) {
				if (!act_force_match(c, LEX_T_EQUALS))
					goto fail;
				v = match_id_in(lx, severities, 5);
				if (v < 0) {
					lexer_syntax_error(lx, "unknown severity.");
					goto fail;
				}
				log.severity = v;
			} else if (lexer_match_id(lx, "name")) {
				if (!parse_string_arg(c, &log.name))
					goto fail;
				if (strlen(log.name) >= 64) {
					lexer_error(lx, "name must be shorter "
						    "than 64 characters.");
					goto fail;
				}
			} else if (lexer_match_id(lx, "meter")) {
				if (!parse_string_arg(c, &log.meter))
					goto fail;
			} else {
				lexer_syntax_error(lx, "expecting log argument.");
				goto fail;
			}
			lexer_match(lx, LEX_T_COMMA);
		}
	}
	if (!have_verdict) {
		lexer_error_at(lx, pos, "log: expecting verdict.");
		goto fail;
	}
	act_append(l, ACT_LOG, pos)->log = log;
	return;
fail:
	free(log.name);
	free(log.meter);
}

/* set_meter(rate[, burst]), both in kbps. */
void act_parse_set_meter(struct act_ctx *c, struct action_list *l, size_t pos)
{
	struct lexer *lx = c->lx;
	const struct lex_token *t = &lx->token;
	struct action_set_meter m = { 0 };

	if (!act_force_match(c, LEX_T_LPAREN))
		return;
	for (int i = 0; i < 2; i++) {
		if (t->type != LEX_T_INTEGER || t->format != LEX_F_DECIMAL ||
		    t->value.hi) {
			lexer_syntax_error(lx, "expecting %s.",
					   i ? "burst" : "rate");
			return;
		}
		if (i)
			m.burst = t->value.lo;
		else
			m.rate = t->value.lo;
		lexer_next(lx);
		if (!lexer_match(lx, LEX_T_COMMA))
			break;
	}
	if (!act_force_match(c, LEX_T_RPAREN))
		return;
	if (!m.rate) {
		lexer_error_at(lx, pos, "Rate 0 for set_meter is not valid.");
		return;
	}
	act_append(l, ACT_SET_METER, pos)->meter = m;
}

static bool check_empty_lb_event(struct act_ctx *c, size_t pos,
				 const struct action_event *e)
{
	static const char *const protos[] = { "tcp", "udp", "sctp", NULL };

	for (size_t i = 0; i < e->n_opts; i++) {
		const struct action_opt *o = &e->opts[i];
		const char *s = o->value.n == 1 ? o->value.v[0].string : NULL;
		struct u128 a;
		uint16_t port;
		bool v6, ok;

		if (!s) {
			lexer_error_at(c->lx, pos, "Invalid value for \"%s\" "
				       "option.", o->name);
			return false;
		}
		switch (o->code) {
		case 1:
			ok = parse_ip_port(s, &v6, &a, &port);
			break;
		case 2:
			ok = str_in(s, protos);
			break;
		default:
			ok = is_uuid(s);
			break;
		}
		if (!ok) {
			lexer_error_at(c->lx, pos, "Invalid value \"%s\" for "
				       "\"%s\" option.", s, o->name);
			return false;
		}
	}
	return true;
}

/* trigger_event(event = "empty_lb_backends", vip = "...", ...) */
void act_parse_trigger_event(struct act_ctx *c, struct action_list *l,
			     size_t pos)
{
	struct lexer *lx = c->lx;
	struct action_event e = { 0 };

	if (!act_force_match(c, LEX_T_LPAREN))
		return;
	if (!lexer_match_id(lx, "event")) {
		lexer_syntax_error(lx, "expecting 'event' option.");
		return;
	}
	if (!parse_string_arg(c, &e.event))
		return;
	if (strcmp(e.event, "empty_lb_backends")) {
		lexer_error_at(lx, pos, "Unknown event \"%s\".", e.event);
		goto fail;
	}
	lexer_match(lx, LEX_T_COMMA);
	if (parse_opts(c, &action_event_empty_lb_opts, e.event, &e.opts,
		       &e.n_opts) < 0 ||
	    !check_empty_lb_event(c, pos, &e))
		goto fail;
	act_append(l, ACT_TRIGGER_EVENT, pos)->event = e;
	return;
fail:
	free(e.event);
	free_opts(e.opts, e.n_opts);
}

/* bind_vport("vport", parent_port_field) */
void act_parse_bind_vport(struct act_ctx *c, struct action_list *l,
			  size_t pos)
{
	struct lexer *lx = c->lx;
	struct action_bind_vport b = { 0 };

	if (!act_force_match(c, LEX_T_LPAREN))
		return;
	if (lx->token.type != LEX_T_STRING) {
		lexer_syntax_error(lx, "expecting port name string.");
		return;
	}
	b.vport = lexer_steal_string(lx);
	lexer_next(lx);
	if (!act_force_match(c, LEX_T_COMMA) ||
	    !act_parse_field_typed(c, &b.parent, 0, false) ||
	    !act_force_match(c, LEX_T_RPAREN)) {
		free(b.vport);
		return;
	}
	act_append(l, ACT_BIND_VPORT, pos)->bind_vport = b;
}

void act_parse_handle_svc_check(struct act_ctx *c, struct action_list *l,
				size_t pos)
{
	struct action_field f;

	if (!act_force_match(c, LEX_T_LPAREN) ||
	    !act_parse_field_typed(c, &f, 0, false) ||
	    !act_force_match(c, LEX_T_RPAREN))
		return;
	act_append(l, ACT_HANDLE_SVC_CHECK, pos)->field = f;
}

void act_parse_handle_bfd_msg(struct act_ctx *c, struct action_list *l,
			      size_t pos)
{
	if (!act_force_match(c, LEX_T_LPAREN) ||
	    !act_force_match(c, LEX_T_RPAREN))
		return;
	act_append(l, ACT_HANDLE_BFD_MSG, pos);
}

/* true / false, bare or quoted. */
static bool parse_bool(struct act_ctx *c, bool *v)
{
	struct lexer *lx = c->lx;
	const char *s = lx->token.type == LEX_T_ID ||
			lx->token.type == LEX_T_STRING ? lx->token.s : NULL;

	if (s && (!strcmp(s, "true") || !strcmp(s, "false"))) {
		*v = !strcmp(s, "true");
		lexer_next(lx);
		return true;
	}
	lexer_syntax_error(lx, "expecting true or false.");
	return false;
}

/* fwd_group(liveness=true, childports="p1", "p2", ...); both optional. */
void act_parse_fwd_group(struct act_ctx *c, struct action_list *l,
			 size_t pos)
{
	struct lexer *lx = c->lx;
	struct action_fwd_group g = { 0 };
	size_t alloc = 0;

	if (lexer_match(lx, LEX_T_LPAREN)) {
		if (lexer_match_id(lx, "liveness")) {
			if (!act_force_match(c, LEX_T_EQUALS) ||
			    !parse_bool(c, &g.liveness))
				return;
			lexer_match(lx, LEX_T_COMMA);
		}
		if (lexer_match_id(lx, "childports") &&
		    !act_force_match(c, LEX_T_EQUALS))
			return;
		while (!lexer_match(lx, LEX_T_RPAREN)) {
			if (lx->token.type != LEX_T_STRING) {
				lexer_syntax_error(lx, "expecting logical "
						   "switch port.");
				goto fail;
			}
			if (g.n_child_ports == alloc) {
				alloc = alloc ? 2 * alloc : 4;
				g.child_ports = xrealloc(g.child_ports, alloc *
						sizeof(*g.child_ports));
			}
			g.child_ports[g.n_child_ports++] =
				lexer_steal_string(lx);
			lexer_next(lx);
			lexer_match(lx, LEX_T_COMMA);
		}
	}
	act_append(l, ACT_FWD_GROUP, pos)->fwd_group = g;
	return;
fail:
	for (size_t i = 0; i < g.n_child_ports; i++)
		free(g.child_ports[i]);
	free(g.child_ports);
}

static bool parse_proto(struct act_ctx *c, uint8_t *proto)
{
	static const char *const names[] = { "tcp", "udp", "sctp" };
	static const uint8_t nums[] = {
		IPPROTO_TCP_, IPPROTO_UDP_, IPPROTO_SCTP_
	};
	int i = match_id_in(c->lx, names, 3);

	if (i < 0) {
		lexer_syntax_error(c->lx, "invalid protocol.");
		return false;
	}
	*proto = nums[i];
	return true;
}

static bool match_named(struct act_ctx *c, const char *name)
{
	if (!lexer_match_id(c->lx, name)) {
		lexer_syntax_error(c->lx, "expecting `%s'.", name);
		return false;
	}
	return act_force_match(c, LEX_T_EQUALS);
}

/* commit_ecmp_nh(ipv6 = true|false, proto = tcp|udp|sctp) */
void act_parse_commit_ecmp_nh(struct act_ctx *c, struct action_list *l,
			      size_t pos)
{
	struct action_commit_ecmp_nh e = { 0 };

	if (!act_force_match(c, LEX_T_LPAREN) ||
	    !match_named(c, "ipv6") || !parse_bool(c, &e.ipv6) ||
	    !act_force_match(c, LEX_T_COMMA) ||
	    !match_named(c, "proto") || !parse_proto(c, &e.proto) ||
	    !act_force_match(c, LEX_T_RPAREN))
		return;
	act_append(l, ACT_COMMIT_ECMP_NH, pos)->ecmp_nh = e;
}

static bool parse_lb_key(struct act_ctx *c, bool *ipv6, struct u128 *a,
			 uint16_t *port)
{
	struct lexer *lx = c->lx;

	if (lx->token.type != LEX_T_STRING ||
	    !parse_ip_port(lx->token.s, ipv6, a, port)) {
		lexer_syntax_error(lx, "expecting \"IP[:PORT]\".");
		return false;
	}
	lexer_next(lx);
	return true;
}

/* commit_lb_aff(vip = "V[:P]", backend = "B[:P]"[, proto = tcp],
 *		 timeout = T) */
void act_parse_commit_lb_aff(struct act_ctx *c, struct action_list *l,
			     size_t pos)
{
	struct action_commit_lb_aff a = { 0 };
	bool backend_v6;

	if (!act_force_match(c, LEX_T_LPAREN) ||
	    !match_named(c, "vip") ||
	    !parse_lb_key(c, &a.ipv6, &a.vip, &a.vip_port) ||
	    !act_force_match(c, LEX_T_COMMA) ||
	    !match_named(c, "backend") ||
	    !parse_lb_key(c, &backend_v6, &a.backend, &a.backend_port))
		return;
	if (backend_v6 != a.ipv6) {
		lexer_error_at(c->lx, pos, "commit_lb_aff: vip and backend "
			       "are of different address families.");
		return;
	}
	if (!act_force_match(c, LEX_T_COMMA))
		return;
	if (a.vip_port && (!match_named(c, "proto") ||
			   !parse_proto(c, &a.proto) ||
			   !act_force_match(c, LEX_T_COMMA)))
		return;
	if (!match_named(c, "timeout") ||
	    !act_parse_uint16(c, &a.timeout, "affinity timeout") ||
	    !act_force_match(c, LEX_T_RPAREN))
		return;
	act_append(l, ACT_COMMIT_LB_AFF, pos)->lb_aff = a;
}

static bool parse_u32(struct act_ctx *c, uint32_t *v, uint32_t max,
		      const char *what)
{
	const struct lex_token *t = &c->lx->token;

	if (t->type != LEX_T_INTEGER || t->format != LEX_F_DECIMAL ||
	    t->value.hi || t->value.lo > max) {
		lexer_syntax_error(c->lx, "expecting %s.", what);
		return false;
	}
	*v = t->value.lo;
	lexer_next(c->lx);
	return true;
}

/* sample(probability=N, collector_set=N, obs_domain=N,
 *	  obs_point=N|$cookie) */
void act_parse_sample(struct act_ctx *c, struct action_list *l, size_t pos)
{
	struct lexer *lx = c->lx;
	struct action_sample s = { 0 };
	uint32_t v;

	if (lexer_match(lx, LEX_T_LPAREN)) {
		while (!lexer_match(lx, LEX_T_RPAREN)) {
			if (lexer_match_id(lx, "probability")) {
				if (!act_force_match(c, LEX_T_EQUALS) ||
				    !act_parse_uint16(c, &s.probability,
						      "probability"))
					return;
			} else if (lexer_match_id(lx, "collector_set")) {
				if (!act_force_match(c, LEX_T_EQUALS) ||
				    !parse_u32(c, &s.collector_set, UINT32_MAX,
					       "collector set id"))
					return;
			} else if (lexer_match_id(lx, "obs_domain")) {
				if (!act_force_match(c, LEX_T_EQUALS) ||
				    !parse_u32(c, &v, UINT8_MAX,
					       "8-bit obs_domain"))
					return;
				s.obs_domain = v;
			} else if (lexer_match_id(lx, "obs_point")) {
				if (!act_force_match(c, LEX_T_EQUALS))
					return;
				if (lx->token.type == LEX_T_ADDR_SET &&
				    !strcmp(lx->token.s, "cookie")) {
					s.obs_point_cookie = true;
					lexer_next(lx);
				} else if (!parse_u32(c, &s.obs_point,
						      UINT32_MAX,
						      "observation point id")) {
					return;
				}
			} else {
				lexer_syntax_error(lx, "unknown argument.");
				return;
			}
			lexer_match(lx, LEX_T_COMMA);
		}
	}
	if (!s.probability) {
		lexer_error_at(lx, pos, "probability must be greater than "
			       "zero.");
		return;
	}
	act_append(l, ACT_SAMPLE, pos)->sample = s;
}
