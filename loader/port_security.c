// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Port security as set members (port_security.h).
 *
 * The helper tables answer one question: does this packet violate the
 * port security of inport (or outport)?  A flow that allows returns with
 * flags.check_port_sec clear, one that forbids sets it; no flow matching
 * means the port has no port security.  ovn-controller writes ~15
 * OpenFlow flows per port for it.  Here a port with a single entry
 * "MAC IP4... IP6..." is data:
 *
 *   class set  (datapath, class):  its port key        (1 member)
 *   port set   (block base + key): MAC, each IPv4/CIDR, each IPv6/CIDR
 *              and, when it lists any address, the MAC's link-local
 *              address (allowed as IPv6 source and NA target)
 *
 * Both go into the port's record first (GROUP member for the class, ADDR
 * members for the port set; maps/ports.h): one ovn_ports entry per port
 * holds them all.  A member that finds no free slot goes to the set map
 * above instead, after the port is marked OVN_PORT_F_SPILL.
 *
 * class = (has IPv4 ? 1 : 0) | (has IPv6 ? 2 : 0) selects which generic
 * flows apply, as the per-port flows differ only by those two facts.
 * Set member keys carry the value's length, so MACs (6), IPv4 (4) and
 * IPv6 (16) share one port set without colliding: "eth.src in inport's
 * set" can only hit the MAC, "ip4.src in inport's set" only its IPv4s.
 *
 * The tests are exact per port: eth.src, arp.sha, nd.sll, nd.tll must be
 * the port's one MAC, arp.spa/ip4.src one of its IPv4 addresses, etc., as
 * in the per-port flows (port_flows(), whose comment gives the verdicts).  With several entries the checks bind each IP
 * list to its entry's MAC, which membership of two independent fields
 * cannot express: such ports keep per-port flows.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/compile_int.h"
#include "loader/port_security.h"
#include "loader/strbuf.h"

#define N_CLASSES	4
#define CLASS_IP4	1
#define CLASS_IP6	2
/* Per-port set blocks live above the ids cc_set_id() hands out. */
#define BLOCK_BASE	0x80000000u
#define BLOCK_SIZE	(OVN_SET_PORT_MASK + 1u)
#define MAX_BLOCKS	((0xffffffffu - BLOCK_BASE) / BLOCK_SIZE)

struct ps_dp {
	uint32_t dp;
	uint32_t base;				/* per-port set block */
	uint32_t class_set[N_CLASSES];		/* port keys of the class */
	uint32_t refs[N_CLASSES];		/* ports in the class */
	uint32_t n_flows[N_CLASSES];		/* compiled under "psc\1dp\1class\1i" */
};

struct ps_port {
	uint32_t dp, key;
	int cls;				/* -1: per-port flows */
	uint32_t n_flows;			/* per-port flows: "ps\1name\1i" */
	struct cc_member *m;			/* port set members */
	size_t n_m;
	bool class_in_rec;			/* class membership in the record */
	char *sig;				/* input, to skip no-op updates */
};

struct port_sec {
	struct smap dps;			/* "%u" -> ps_dp */
	struct smap ports;			/* name -> ps_port */
	uint32_t next_block;
	uint32_t *free_blocks;
	size_t n_free_blocks;
	struct port_sec_stats st;
};

static struct port_sec *ps_get(struct compiler *c)
{
	if (!c->ps)
		c->ps = xcalloc(1, sizeof(*c->ps));
	return c->ps;
}

/* ---- addresses ---- */

/* "MAC", "10.0.0.1", "10.0.0.0/24", "fd00::1/64" -> member (host bits
 * cleared).  WANT_MAC: only a MAC is valid. */
static int ps_parse(const char *s, bool want_mac, struct cc_member *m)
{
	char buf[64], *slash;
	unsigned int b[6];
	int plen = -1;
	char extra;

	memset(m, 0, sizeof(*m));
	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	if (want_mac) {
		if (sscanf(buf, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
			   &extra) != 6)
			return -EINVAL;
		for (int i = 0; i < 6; i++) {
			if (b[i] > 255)
				return -EINVAL;
			m->v[i] = b[i];
		}
		m->len = 6;
		m->plen = 48;
		return 0;
	}
	slash = strchr(buf, '/');
	if (slash) {
		char *end;

		*slash = 0;
		plen = (int)strtol(slash + 1, &end, 10);
		if (*end || end == slash + 1)
			return -EINVAL;
	}
	if (inet_pton(AF_INET, buf, m->v) == 1)
		m->len = 4;
	else if (inet_pton(AF_INET6, buf, m->v) == 1)
		m->len = 16;
	else
		return -EINVAL;
	if (plen < 0)
		plen = m->len * 8;
	if (plen > m->len * 8)
		return -EINVAL;
	m->plen = plen;
	for (int i = 0; i < m->len; i++) {
		int keep = plen - 8 * i;

		if (keep <= 0)
			m->v[i] = 0;
		else if (keep < 8)
			m->v[i] &= (uint8_t)(0xff << (8 - keep));
	}
	return 0;
}

/* One port_security entry split: MAC, IPv4 list text, IPv6 list text.
 * Returns -EINVAL when the MAC (first token) is bad. */
struct ps_entry {
	struct cc_member mac;
	struct cc_member *ip;			/* IPv4 then IPv6, in input order */
	size_t n_ip, n4, n6;
	struct strbuf a4, a6;			/* "a, b" for per-port matches */
	char mac_s[32], lla_s[64];
	struct cc_member lla;
};

static void entry_free(struct ps_entry *e)
{
	free(e->ip);
	strbuf_free(&e->a4);
	strbuf_free(&e->a6);
}

static int entry_parse(struct compiler *c, const char *name, const char *s, struct ps_entry *e)
{
	char *copy = xstrndup(s, strlen(s)), *tok, *save = NULL;
	bool first = true;
	int err = 0;

	memset(e, 0, sizeof(*e));
	e->a4 = (struct strbuf)STRBUF_INIT;
	e->a6 = (struct strbuf)STRBUF_INIT;
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		struct cc_member m;

		if (first) {
			first = false;
			if (ps_parse(tok, true, &e->mac)) {
				err = -EINVAL;
				break;
			}
			snprintf(e->mac_s, sizeof(e->mac_s), "%s", tok);
			continue;
		}
		if (ps_parse(tok, false, &m)) {
			cc_report(c, COMPILE_R_ERROR, name, "bad port_security address", tok);
			continue;
		}
		e->ip = xrealloc(e->ip, (e->n_ip + 1) * sizeof(*e->ip));
		e->ip[e->n_ip++] = m;
		if (m.len == 4) {
			e->n4++;
			strbuf_printf(&e->a4, "%s%s", e->a4.len ? ", " : "", tok);
		} else {
			e->n6++;
			strbuf_printf(&e->a6, "%s%s", e->a6.len ? ", " : "", tok);
		}
	}
	free(copy);
	if (first)
		err = -EINVAL;
	if (err) {
		cc_report(c, COMPILE_R_ERROR, name, "bad port_security", s);
		return err;
	}
	/* The link-local address derived from the MAC (EUI-64). */
	memset(&e->lla, 0, sizeof(e->lla));
	e->lla.len = 16;
	e->lla.plen = 128;
	e->lla.v[0] = 0xfe;
	e->lla.v[1] = 0x80;
	e->lla.v[8] = e->mac.v[0] ^ 2;
	e->lla.v[9] = e->mac.v[1];
	e->lla.v[10] = e->mac.v[2];
	e->lla.v[11] = 0xff;
	e->lla.v[12] = 0xfe;
	e->lla.v[13] = e->mac.v[3];
	e->lla.v[14] = e->mac.v[4];
	e->lla.v[15] = e->mac.v[5];
	inet_ntop(AF_INET6, e->lla.v, e->lla_s, sizeof(e->lla_s));
	return 0;
}

/* ---- helper flows ---- */

/* Allow: return with flags.check_port_sec clear; violation: set it. */
static void ps_ops(bool violation, struct ovn_op ops[2], struct cc_ops *o)
{
	memset(ops, 0, 2 * sizeof(*ops));
	o->v = ops;
	o->n = o->alloc = 0;
	if (violation) {
		ops[0].code = OVN_OP_SET;
		ops[0].n = 1;
		ops[0].dst = OVN_OFF_FLAGS + 3 - OVN_MLF_CHECK_PORT_SEC / 8;
		ops[0].mask[0] = ops[0].value[0] = 1u << (OVN_MLF_CHECK_PORT_SEC % 8);
		o->n++;
	}
	ops[o->n++].code = OVN_OP_END;
}

static void helper_flow(struct compiler *c, const char *key, const char *uuid, uint32_t dp,
			uint8_t table, uint16_t prio, bool violation, const char *match,
			const struct ovn_set_test *t, size_t n_t)
{
	struct compile_lflow f = { .uuid = uuid, .dp = dp, .pipeline = OVN_PIPE_HELPER,
				   .table = table, .priority = prio };
	struct ovn_op ops[2];
	struct cc_ops o;

	ps_ops(violation, ops, &o);
	cc_compile_sets(c, key, &f, match, &o, true, t, n_t);
	c->st.helper_flows++;
}

/* Per-port flows (ports the sets cannot express), per entry, with the
 * verdicts of ovn-trace's model of check_in_port_sec()/check_out_port_sec()
 * (which the diff tests compare against).  Ingress:
 *   - the entry's MAC, nothing else (84) -- other ethertypes pass, and so
 *     does all IP when the entry lists no address;
 *   - ARP (94/95): arp.sha is the MAC and, if IPv4 addresses are listed,
 *     arp.spa one of them;
 *   - with addresses (85/90): ip4.src listed (or a DHCP discover);
 *     ip6.src listed or the MAC's link-local address, and then ND (91/92):
 *     nd.sll / nd.tll zero or the MAC, an NA's target listed (if IPv6
 *     addresses are; an NA's source is not checked);
 *   - as ovn-controller and unlike ovn-trace: DAD and MLD from :: to
 *     ff02::/16 (90), without which IPv6 never comes up on the port.
 * Egress: eth.dst the entry's MAC and, with addresses, ip4.dst / ip6.dst
 * listed, link-local, broadcast or multicast; northd lets eth.mcast
 * through before check_out_port_sec(). */
struct pp_gen {
	struct compiler *c;
	const struct cc_port *p;
	struct ps_port *pp;
};

static void pp_flow(struct pp_gen *g, uint8_t table, uint16_t prio, bool violation,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void pp_flow(struct pp_gen *g, uint8_t table, uint16_t prio, bool violation,
		    const char *fmt, ...)
{
	struct strbuf m = STRBUF_INIT;
	char key[300];
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(&m, fmt, ap);
	va_end(ap);
	snprintf(key, sizeof(key), "ps\x01%s\x01%u", g->p->name, g->pp->n_flows++);
	helper_flow(g->c, key, g->p->name, g->p->dp, table, prio, violation, strbuf_str(&m),
		    NULL, 0);
	strbuf_free(&m);
}

static void port_flows(struct compiler *c, const struct cc_port *p, struct ps_port *pp,
		       const struct ps_entry *e)
{
	struct pp_gen g = { .c = c, .p = p, .pp = pp };
	const char *n = p->name, *mac = e->mac_s, *a4 = strbuf_str(&e->a4),
		   *a6 = strbuf_str(&e->a6), *lla = e->lla_s;

#define IN_P "inport == \"%s\" && eth.src == %s"
#define OUT_P "outport == \"%s\" && eth.dst == %s"
	/* Ingress. */
	pp_flow(&g, OVN_HT_PORT_SEC_IN, 80, true, "inport == \"%s\"", n);
	pp_flow(&g, OVN_HT_PORT_SEC_IN, 84, false, IN_P, n, mac);
	pp_flow(&g, OVN_HT_PORT_SEC_IN, 94, true, IN_P " && arp", n, mac);
	if (e->n4)
		pp_flow(&g, OVN_HT_PORT_SEC_IN, 95, false,
			IN_P " && arp && arp.sha == %s && arp.spa == {%s}", n, mac, mac, a4);
	else
		pp_flow(&g, OVN_HT_PORT_SEC_IN, 95, false, IN_P " && arp && arp.sha == %s",
			n, mac, mac);
	if (e->n4 || e->n6) {
		struct strbuf s6 = STRBUF_INIT;
		const char *src6;

		strbuf_printf(&s6, "%s%s%s", lla, e->n6 ? ", " : "", a6);
		src6 = strbuf_str(&s6);
		pp_flow(&g, OVN_HT_PORT_SEC_IN, 85, true, IN_P " && ip", n, mac);
		if (e->n4)
			pp_flow(&g, OVN_HT_PORT_SEC_IN, 90, false, IN_P " && ip4.src == {%s}",
				n, mac, a4);
		pp_flow(&g, OVN_HT_PORT_SEC_IN, 90, false,
			IN_P " && ip4.src == 0.0.0.0 && ip4.dst == 255.255.255.255 && "
			"udp.src == 68 && udp.dst == 67", n, mac);
		pp_flow(&g, OVN_HT_PORT_SEC_IN, 90, false, IN_P " && ip6.src == {%s}", n, mac,
			src6);
		pp_flow(&g, OVN_HT_PORT_SEC_IN, 90, false,
			IN_P " && ip6.src == :: && ip6.dst == ff02::/16 && "
			"icmp6.type == {131, 135, 143}", n, mac);
		pp_flow(&g, OVN_HT_PORT_SEC_IN, 91, true, IN_P " && ip6.src == {%s} && nd_ns",
			n, mac, src6);
		pp_flow(&g, OVN_HT_PORT_SEC_IN, 92, false,
			IN_P " && ip6.src == {%s} && nd_ns && "
			"nd.sll == {00:00:00:00:00:00, %s}", n, mac, src6, mac);
		/* An NA's source is not checked with its target: both sets would
		 * need more classifier words than a flow has (OVN_CLS_WORDS). */
		pp_flow(&g, OVN_HT_PORT_SEC_IN, 91, true, IN_P " && nd_na", n, mac);
		if (e->n6)
			pp_flow(&g, OVN_HT_PORT_SEC_IN, 92, false,
				IN_P " && nd_na && nd.tll == {00:00:00:00:00:00, %s} && "
				"nd.target == {%s}", n, mac, mac, src6);
		else
			pp_flow(&g, OVN_HT_PORT_SEC_IN, 92, false,
				IN_P " && nd_na && nd.tll == {00:00:00:00:00:00, %s}", n, mac,
				mac);
		strbuf_free(&s6);
	}

	/* Egress. */
	pp_flow(&g, OVN_HT_PORT_SEC_OUT, 80, true, "outport == \"%s\"", n);
	if (e->n4 || e->n6) {
		pp_flow(&g, OVN_HT_PORT_SEC_OUT, 85, true, OUT_P " && ip", n, mac);
		pp_flow(&g, OVN_HT_PORT_SEC_OUT, 85, true, "outport == \"%s\" && eth.mcast && ip",
			n);
		if (e->n4)
			pp_flow(&g, OVN_HT_PORT_SEC_OUT, 90, false,
				"outport == \"%s\" && (eth.dst == %s || eth.mcast) && "
				"ip4.dst == {%s, 255.255.255.255, 224.0.0.0/4}", n, mac, a4);
		if (e->n6)
			pp_flow(&g, OVN_HT_PORT_SEC_OUT, 90, false,
				"outport == \"%s\" && (eth.dst == %s || eth.mcast) && "
				"ip6.dst == {%s, %s, ff00::/8}", n, mac, lla, a6);
	}
	pp_flow(&g, OVN_HT_PORT_SEC_OUT, 84, false, OUT_P, n, mac);
	pp_flow(&g, OVN_HT_PORT_SEC_OUT, 83, false, "outport == \"%s\" && eth.mcast", n);
#undef IN_P
#undef OUT_P
}

/* Generic flows of (datapath, class): the per-port flows above with
 * "inport == P && eth.src == MAC" become "inport in class && eth.src in
 * inport's set" and the address lists "x in inport's set". */
struct cl_gen {
	struct compiler *c;
	struct ps_dp *d;
	int cls;
	char uuid[48];
};

static struct ovn_set_test t_class(const struct cl_gen *g, bool out)
{
	return (struct ovn_set_test){ .set_id = g->d->class_set[g->cls],
				      .off = out ? OVN_OFF_OUTPORT : OVN_OFF_INPORT, .len = 4,
				      .flags = OVN_SET_T_USED | OVN_SET_T_PORT_REC };
}

/* FIELD (offset, length) in the port's own set. */
static struct ovn_set_test t_port(const struct cl_gen *g, bool out, uint16_t off, uint8_t len)
{
	return (struct ovn_set_test){
		.set_id = g->d->base, .off = off, .len = len,
		.flags = OVN_SET_T_USED | OVN_SET_T_PORT_REC |
			 (out ? OVN_SET_T_BY_OUTPORT : OVN_SET_T_BY_INPORT) |
			 (len == 4 || len == 16 ? OVN_SET_T_LPM : 0),
	};
}

static void cl_flow(struct cl_gen *g, uint8_t table, uint16_t prio, bool violation,
		    const char *match, size_t n, ...)
{
	struct ovn_set_test t[OVN_FLOW_SETS];
	char key[96];
	va_list ap;
	size_t i;

	va_start(ap, n);
	for (i = 0; i < n && i < OVN_FLOW_SETS; i++)
		t[i] = va_arg(ap, struct ovn_set_test);
	va_end(ap);
	snprintf(key, sizeof(key), "psc\x01%u\x01%d\x01%u", g->d->dp, g->cls,
		 g->d->n_flows[g->cls]++);
	helper_flow(g->c, key, g->uuid, g->d->dp, table, prio, violation, match, t, i);
	ps_get(g->c)->st.class_flows++;
}

static void class_flows(struct compiler *c, struct ps_dp *d, int cls)
{
	struct cl_gen g = { .c = c, .d = d, .cls = cls };
	bool a4 = cls & CLASS_IP4, a6 = cls & CLASS_IP6;
	struct ovn_set_test k = t_class(&g, false), ko = t_class(&g, true);
	struct ovn_set_test src = t_port(&g, false, OVN_OFF_ETH_SRC, 6);
	struct ovn_set_test dst = t_port(&g, true, OVN_OFF_ETH_DST, 6);
	const uint8_t T_IN = OVN_HT_PORT_SEC_IN, T_OUT = OVN_HT_PORT_SEC_OUT;

	snprintf(g.uuid, sizeof(g.uuid), "port-security/%u/%d", d->dp, cls);
	/* Ingress: port_flows() with the port's addresses as set tests. */
	cl_flow(&g, T_IN, 80, true, "1", 1, k);
	cl_flow(&g, T_IN, 84, false, "1", 2, k, src);
	cl_flow(&g, T_IN, 94, true, "arp", 2, k, src);
	if (a4)
		cl_flow(&g, T_IN, 95, false, "arp", 4, k, src,
			t_port(&g, false, OVN_OFF_ARP_SHA, 6), t_port(&g, false, OVN_OFF_ARP_SPA, 4));
	else
		cl_flow(&g, T_IN, 95, false, "arp", 3, k, src,
			t_port(&g, false, OVN_OFF_ARP_SHA, 6));
	if (a4 || a6) {
		/* The port set holds the link-local address whenever the port
		 * lists any address: ip6.src / nd.target "in the set" is
		 * {link-local, IPv6 addresses}. */
		struct ovn_set_test s6 = t_port(&g, false, OVN_OFF_IP6_SRC, 16);

		cl_flow(&g, T_IN, 85, true, "ip", 2, k, src);
		if (a4)
			cl_flow(&g, T_IN, 90, false, "ip4", 3, k, src,
				t_port(&g, false, OVN_OFF_IP4_SRC, 4));
		cl_flow(&g, T_IN, 90, false, "ip4.src == 0.0.0.0 && ip4.dst == 255.255.255.255 && "
			"udp.src == 68 && udp.dst == 67", 2, k, src);
		cl_flow(&g, T_IN, 90, false, "ip6", 3, k, src, s6);
		cl_flow(&g, T_IN, 90, false, "ip6.src == :: && ip6.dst == ff02::/16 && "
			"icmp6.type == {131, 135, 143}", 2, k, src);
		cl_flow(&g, T_IN, 91, true, "nd_ns", 3, k, src, s6);
		cl_flow(&g, T_IN, 92, false, "nd_ns", 4, k, src, s6,
			t_port(&g, false, OVN_OFF_ND_SLL, 6));
		cl_flow(&g, T_IN, 92, false, "nd_ns && nd.sll == 00:00:00:00:00:00", 3, k, src, s6);
		cl_flow(&g, T_IN, 91, true, "nd_na", 2, k, src);
		if (a6) {
			struct ovn_set_test tgt = t_port(&g, false, OVN_OFF_ND_TARGET, 16);

			cl_flow(&g, T_IN, 92, false, "nd_na", 4, k, src,
				t_port(&g, false, OVN_OFF_ND_TLL, 6), tgt);
			cl_flow(&g, T_IN, 92, false, "nd_na && nd.tll == 00:00:00:00:00:00", 3, k,
				src, tgt);
		} else {
			cl_flow(&g, T_IN, 92, false, "nd_na", 3, k, src,
				t_port(&g, false, OVN_OFF_ND_TLL, 6));
			cl_flow(&g, T_IN, 92, false, "nd_na && nd.tll == 00:00:00:00:00:00", 2, k,
				src);
		}
	}

	/* Egress (75). */
	cl_flow(&g, T_OUT, 80, true, "1", 1, ko);
	if (a4 || a6) {
		cl_flow(&g, T_OUT, 85, true, "ip", 2, ko, dst);
		cl_flow(&g, T_OUT, 85, true, "eth.mcast && ip", 1, ko);
	}
	if (a4) {
		struct ovn_set_test d4 = t_port(&g, true, OVN_OFF_IP4_DST, 4);
		const char *fixed = "ip4.dst == {255.255.255.255, 224.0.0.0/4}";

		cl_flow(&g, T_OUT, 90, false, "ip4", 3, ko, dst, d4);
		cl_flow(&g, T_OUT, 90, false, "eth.mcast && ip4", 2, ko, d4);
		cl_flow(&g, T_OUT, 90, false, fixed, 2, ko, dst);
		cl_flow(&g, T_OUT, 90, false,
			"eth.mcast && ip4.dst == {255.255.255.255, 224.0.0.0/4}", 1, ko);
	}
	if (a6) {
		struct ovn_set_test d6 = t_port(&g, true, OVN_OFF_IP6_DST, 16);

		cl_flow(&g, T_OUT, 90, false, "ip6", 3, ko, dst, d6);
		cl_flow(&g, T_OUT, 90, false, "eth.mcast && ip6", 2, ko, d6);
		cl_flow(&g, T_OUT, 90, false, "ip6.dst == ff00::/8", 2, ko, dst);
		cl_flow(&g, T_OUT, 90, false, "eth.mcast && ip6.dst == ff00::/8", 1, ko);
	}
	cl_flow(&g, T_OUT, 84, false, "1", 2, ko, dst);
	cl_flow(&g, T_OUT, 83, false, "eth.mcast", 1, ko);
}

static void class_flows_del(struct compiler *c, struct ps_dp *d, int cls)
{
	char key[96];

	for (uint32_t i = 0; i < d->n_flows[cls]; i++) {
		snprintf(key, sizeof(key), "psc\x01%u\x01%d\x01%u", d->dp, cls, i);
		cc_del_rec(c, key);
	}
	ps_get(c)->st.class_flows -= d->n_flows[cls];
	d->n_flows[cls] = 0;
}

/* ---- datapaths and ports ---- */

static struct ps_dp *dp_get(struct compiler *c, uint32_t dp)
{
	struct port_sec *ps = ps_get(c);
	struct ps_dp *d;
	char k[16];

	snprintf(k, sizeof(k), "%u", dp);
	d = smap_get(&ps->dps, k);
	if (d)
		return d;
	if (ps->n_free_blocks) {
		d = xcalloc(1, sizeof(*d));
		d->base = ps->free_blocks[--ps->n_free_blocks];
	} else {
		if (ps->next_block >= MAX_BLOCKS)
			return NULL;
		d = xcalloc(1, sizeof(*d));
		d->base = BLOCK_BASE + ps->next_block++ * BLOCK_SIZE;
	}
	d->dp = dp;
	for (int i = 0; i < N_CLASSES; i++)
		d->class_set[i] = ++c->next_set_id;
	smap_put(&ps->dps, k, d);
	return d;
}

static void dp_put_if_unused(struct compiler *c, struct ps_dp *d)
{
	struct port_sec *ps = ps_get(c);
	char k[16];

	for (int i = 0; i < N_CLASSES; i++)
		if (d->refs[i] || d->n_flows[i])
			return;
	snprintf(k, sizeof(k), "%u", d->dp);
	smap_del(&ps->dps, k);
	ps->free_blocks = xrealloc(ps->free_blocks, (ps->n_free_blocks + 1) * sizeof(uint32_t));
	ps->free_blocks[ps->n_free_blocks++] = d->base;
	free(d);
}

/* Port P's membership of SET (GROUP: a class set) or its address M (ADDR,
 * set = its per-port set): into P's record when there is room, else into
 * the set map.  Returns whether it went into the record. */
static bool rec_add(struct compiler *c, const struct ps_port *pp, uint32_t set,
		    const struct cc_member *m, bool group)
{
	struct ovn_port_member pm = { .kind = group ? OVN_PM_GROUP : OVN_PM_ADDR };
	int r;

	if (group) {
		pm.set_id = set;
	} else {
		pm.len = m->len;
		pm.plen = m->plen;
		memcpy(pm.v, m->v, sizeof(pm.v));
	}
	r = ovnbpf_port_member_add(c->w, pp->dp, pp->key, &pm);
	if (r && r != -EEXIST) {
		if (r != -ENOSPC && r != -ENOENT)
			cc_report(c, COMPILE_R_WRITER, "port-security",
				  "writer refused a port record member", strerror(-r));
		ovnbpf_port_spill(c->w, pp->dp, pp->key);
		return false;
	}
	c->st.set_members++;
	c->st.set_members_written++;
	return true;
}

static void rec_del(struct compiler *c, const struct ps_port *pp, uint32_t set,
		    const struct cc_member *m, bool group)
{
	struct ovn_port_member pm = { .kind = group ? OVN_PM_GROUP : OVN_PM_ADDR };

	if (group) {
		pm.set_id = set;
	} else {
		pm.len = m->len;
		pm.plen = m->plen;
		memcpy(pm.v, m->v, sizeof(pm.v));
	}
	/* -ENOENT: the port's entry went first (its record with it). */
	ovnbpf_port_member_del(c->w, pp->dp, pp->key, &pm);
	c->st.set_members--;
	c->st.set_members_written++;
}

static void member_add(struct compiler *c, uint32_t set, const struct cc_member *m)
{
	int r = ovnbpf_set_add(c->w, set, m->v, m->len, m->plen);

	if (r && r != -EEXIST) {
		cc_report(c, COMPILE_R_WRITER, "port-security", "writer refused a set member",
			  strerror(-r));
		return;
	}
	if (!r) {
		c->st.set_members++;
		c->st.set_members_written++;
	}
}

static void member_del(struct compiler *c, uint32_t set, const struct cc_member *m)
{
	if (!ovnbpf_set_del(c->w, set, m->v, m->len, m->plen)) {
		c->st.set_members--;
		c->st.set_members_written++;
	}
}

static bool member_eq(const struct cc_member *a, const struct cc_member *b)
{
	return a->len == b->len && a->plen == b->plen && !memcmp(a->v, b->v, a->len);
}

static void port_free(struct ps_port *pp)
{
	if (pp) {
		free(pp->m);
		free(pp->sig);
		free(pp);
	}
}

/* Undo what PP (port NAME) installed. */
static void port_uninstall(struct compiler *c, const char *name, struct ps_port *pp)
{
	struct port_sec *ps = ps_get(c);
	char key[300];

	if (pp->cls < 0) {
		for (uint32_t i = 0; i < pp->n_flows; i++) {
			snprintf(key, sizeof(key), "ps\x01%s\x01%u", name, i);
			cc_del_rec(c, key);
		}
		ps->st.ports_flows--;
		return;
	}
	{
		char k[16];
		struct ps_dp *d;
		struct cc_member km = { .len = 4, .plen = 32 };
		uint32_t be = htonl(pp->key);

		snprintf(k, sizeof(k), "%u", pp->dp);
		d = smap_get(&ps->dps, k);
		if (!d)
			return;
		for (size_t i = 0; i < pp->n_m; i++) {
			if (pp->m[i].in_rec)
				rec_del(c, pp, 0, &pp->m[i], false);
			else
				member_del(c, d->base + pp->key, &pp->m[i]);
		}
		ps->st.members -= pp->n_m;
		memcpy(km.v, &be, 4);
		if (pp->class_in_rec)
			rec_del(c, pp, d->class_set[pp->cls], NULL, true);
		else
			member_del(c, d->class_set[pp->cls], &km);
		ps->st.ports_sets--;
		if (!--d->refs[pp->cls])
			class_flows_del(c, d, pp->cls);
		dp_put_if_unused(c, d);
	}
}

static char *signature(const struct cc_port *p, const char *const *v, size_t n)
{
	struct strbuf s = STRBUF_INIT;
	char *out;

	strbuf_printf(&s, "%u\x01%u", p->dp, p->key);
	for (size_t i = 0; i < n; i++)
		strbuf_printf(&s, "\x01%s", v[i]);
	out = xstrndup(strbuf_str(&s), s.len);
	strbuf_free(&s);
	return out;
}

void port_sec_set(struct compiler *c, const struct cc_port *p, const char *const *v, size_t n)
{
	struct port_sec *ps = ps_get(c);
	struct ps_port *pp = smap_get(&ps->ports, p->name);
	char *sig = signature(p, v, n);
	struct ps_entry e;
	struct ps_dp *d;

	if (pp && !strcmp(pp->sig, sig)) {
		free(sig);
		return;
	}
	if (pp) {
		port_uninstall(c, p->name, pp);
		port_free(smap_del(&ps->ports, p->name));
	}
	if (!n) {
		free(sig);
		return;
	}
	pp = xcalloc(1, sizeof(*pp));
	pp->dp = p->dp;
	pp->key = p->key;
	pp->sig = sig;
	pp->cls = -1;
	smap_put(&ps->ports, p->name, pp);
	d = n == 1 && p->key && p->key <= OVN_SET_PORT_MASK ? dp_get(c, p->dp) : NULL;
	if (!d) {
		/* Several entries (or no room for sets): per-port flows. */
		for (size_t i = 0; i < n; i++) {
			if (entry_parse(c, p->name, v[i], &e))
				continue;
			port_flows(c, p, pp, &e);
			entry_free(&e);
		}
		ps->st.ports_flows++;
		return;
	}
	if (entry_parse(c, p->name, v[0], &e)) {
		/* Nothing installed: the port has no port security we can
		 * enforce, as ovn-controller skips a bad entry. */
		pp->cls = -1;
		ps->st.ports_flows++;
		dp_put_if_unused(c, d);
		return;
	}
	pp->cls = (e.n4 ? CLASS_IP4 : 0) | (e.n6 ? CLASS_IP6 : 0);
	pp->m = xcalloc(e.n_ip + 2, sizeof(*pp->m));
	pp->m[pp->n_m++] = e.mac;
	if (e.n4 || e.n6)
		pp->m[pp->n_m++] = e.lla;
	for (size_t i = 0; i < e.n_ip; i++) {
		size_t j;

		for (j = 0; j < pp->n_m && !member_eq(&pp->m[j], &e.ip[i]); j++)
			;
		if (j == pp->n_m)
			pp->m[pp->n_m++] = e.ip[i];
	}
	entry_free(&e);
	/* The class first: with it in the record, the addresses that fit
	 * there cost nothing more than the port's entry. */
	pp->class_in_rec = rec_add(c, pp, d->class_set[pp->cls], NULL, true);
	if (!pp->class_in_rec) {
		struct cc_member km = { .len = 4, .plen = 32 };
		uint32_t be = htonl(p->key);

		memcpy(km.v, &be, 4);
		member_add(c, d->class_set[pp->cls], &km);
	}
	for (size_t i = 0; i < pp->n_m; i++) {
		pp->m[i].in_rec = rec_add(c, pp, 0, &pp->m[i], false);
		if (!pp->m[i].in_rec)
			member_add(c, d->base + p->key, &pp->m[i]);
	}
	ps->st.members += pp->n_m;
	if (!d->refs[pp->cls]++)
		class_flows(c, d, pp->cls);
	ps->st.ports_sets++;
}

void port_sec_clear(struct compiler *c, const char *name)
{
	struct port_sec *ps = c->ps;
	struct ps_port *pp;

	if (!ps || !(pp = smap_del(&ps->ports, name)))
		return;
	port_uninstall(c, name, pp);
	port_free(pp);
}

static void free_pp(void *p)
{
	port_free(p);
}

void port_sec_free(struct compiler *c)
{
	if (!c->ps)
		return;
	smap_destroy(&c->ps->ports, free_pp);
	smap_destroy(&c->ps->dps, free);
	free(c->ps->free_blocks);
	free(c->ps);
	c->ps = NULL;
}

void port_sec_get_stats(const struct compiler *c, struct port_sec_stats *s)
{
	if (c->ps)
		*s = c->ps->st;
	else
		memset(s, 0, sizeof(*s));
}
