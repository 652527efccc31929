// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The compiler's Southbound objects: datapaths, ports (and the helper
 * flows of their port security), multicast groups, address sets, port
 * groups and FDB rows, written through the map writer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/compile_int.h"
#include "loader/compile_router.h"
#include "loader/strbuf.h"
#include "loader/symtab.h"

int compiler_new(struct ovnbpf_writer *w, const struct compile_opts *opts,
		 struct compiler **out)
{
	struct compiler *c = xcalloc(1, sizeof(*c));

	c->w = w;
	if (opts)
		c->opts = *opts;
	c->symtab = symtab_create_ovn();
	if (!c->symtab) {
		free(c);
		return -ENOMEM;
	}
	*out = c;
	return 0;
}

static void port_free(void *p)
{
	struct cc_port *cp = p;

	if (cp) {
		free(cp->name);
		free(cp->type);
		free(cp->peer);
		free(cp);
	}
}

static void set_free(void *p)
{
	struct cc_set *s = p;

	if (!s)
		return;
	for (size_t i = 0; i < s->n_names; i++)
		free(s->names[i]);
	free(s->names);
	free(s->m);
	free(s);
}

static void rec_free2(void *p)
{
	struct cc_rec *r = p;

	if (r) {
		free(r->ids);
		free(r);
	}
}

void compiler_free(struct compiler *c)
{
	if (!c)
		return;
	smap_destroy(&c->recs, rec_free2);
	smap_destroy(&c->ports, port_free);
	smap_destroy(&c->mcgroups, NULL);
	smap_destroy(&c->sets, set_free);
	smap_destroy(&c->dps, NULL);
	cc_pause_free_all(c);
	cc_router_free(c);
	symtab_destroy(c->symtab);
	free(c);
}

void compile_set_opt_tables(struct compiler *c, const struct action_opt_table *dhcp,
			    const struct action_opt_table *dhcpv6)
{
	c->opts.dhcp_opts = dhcp;
	c->opts.dhcpv6_opts = dhcpv6;
}

void compile_get_stats(const struct compiler *c, struct compile_stats *s)
{
	*s = c->st;
}

uint8_t cc_n_tables(const struct compiler *c, uint32_t dp, uint8_t pipeline)
{
	char k[16];
	uintptr_t t;

	snprintf(k, sizeof(k), "%u", dp);
	t = (uintptr_t)smap_get(&c->dps, k);
	if (t == 1 + OVN_DP_ROUTER)
		return pipeline == OVN_PIPE_EGRESS ? OVN_LR_OUT_TABLES : OVN_LR_IN_TABLES;
	return pipeline == OVN_PIPE_EGRESS ? OVN_LS_OUT_TABLES : OVN_LS_IN_TABLES;
}

int compile_datapath_add(struct compiler *c, uint32_t dp, enum ovn_dp_type type)
{
	char k[16];

	snprintf(k, sizeof(k), "%u", dp);
	smap_put(&c->dps, k, (void *)(uintptr_t)(1 + type));
	return ovnbpf_datapath_add(c->w, dp, type);
}

/* ---- addresses ---- */

/* "10.0.0.1", "10.0.0.0/24", "fd00::1/64", "0a:00:00:00:00:01". */
static int parse_addr(const char *s, struct cc_member *m)
{
	char buf[64], *slash;
	unsigned int b[6];
	int plen = -1;

	memset(m, 0, sizeof(*m));
	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = 0;
		plen = atoi(slash + 1);
	}
	if (inet_pton(AF_INET, buf, m->v) == 1) {
		m->len = 4;
	} else if (inet_pton(AF_INET6, buf, m->v) == 1) {
		m->len = 16;
	} else if (sscanf(buf, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) == 6
		   && !slash) {
		for (int i = 0; i < 6; i++)
			m->v[i] = b[i];
		m->len = 6;
	} else {
		return -EINVAL;
	}
	if (plen < 0 || plen > m->len * 8)
		plen = m->len * 8;
	m->plen = plen;
	/* Host bits of a CIDR do not matter. */
	for (int i = 0; i < m->len; i++) {
		int keep = plen - 8 * i;

		if (keep <= 0)
			m->v[i] = 0;
		else if (keep < 8)
			m->v[i] &= (uint8_t)(0xff << (8 - keep));
	}
	return 0;
}

static bool member_eq(const struct cc_member *a, const struct cc_member *b)
{
	return a->len == b->len && a->plen == b->plen && !memcmp(a->v, b->v, a->len);
}

/* Install exactly WANT (N) as S's members: delete the old ones not in it,
 * add the new ones.  Quadratic in the worst case; sets change rarely. */
static int set_sync(struct compiler *c, struct cc_set *s, struct cc_member *want, size_t n)
{
	int err = 0, r;
	size_t i, j;

	for (i = 0; i < s->n_m; i++) {
		for (j = 0; j < n && !member_eq(&s->m[i], &want[j]); j++)
			;
		if (j == n) {
			r = ovnbpf_set_del(c->w, s->id, s->m[i].v, s->m[i].len, s->m[i].plen);
			if (!r) {
				c->st.set_members--;
				c->st.set_members_written++;
			}
			err = err ?: r;
		}
	}
	for (j = 0; j < n; j++) {
		bool dup = false;

		for (i = 0; i < s->n_m && !member_eq(&s->m[i], &want[j]); i++)
			;
		for (size_t k = 0; k < j && !dup; k++)
			dup = member_eq(&want[k], &want[j]);
		if (i < s->n_m || dup)
			continue;
		r = ovnbpf_set_add(c->w, s->id, want[j].v, want[j].len, want[j].plen);
		if (!r) {
			c->st.set_members++;
			c->st.set_members_written++;
		}
		err = err ?: r;
	}
	free(s->m);
	s->m = want;
	s->n_m = n;
	return err;
}

static struct cc_set *set_get(struct compiler *c, const char *kind, const char *name)
{
	char k[300];

	cc_set_id(c, kind, name);
	snprintf(k, sizeof(k), "%s%s", kind, name);
	return smap_get(&c->sets, k);
}

int compile_addr_set_set(struct compiler *c, const char *name, const char *const *addrs,
			 size_t n)
{
	struct cc_set *s = set_get(c, "$", name);
	struct cc_member *want = xcalloc(n ? n : 1, sizeof(*want));
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (parse_addr(addrs[i], &want[k])) {
			cc_report(c, COMPILE_R_ERROR, name, "bad address set member", addrs[i]);
			continue;
		}
		k++;
	}
	return set_sync(c, s, want, k);
}

static void pg_resolve(struct compiler *c, struct cc_set *s, const char *sbname)
{
	uint32_t dp = strtoul(sbname, NULL, 10);
	struct cc_member *want = xcalloc(s->n_names ? s->n_names : 1, sizeof(*want));
	size_t k = 0;

	for (size_t i = 0; i < s->n_names; i++) {
		struct cc_port *p = cc_port_in_dp(c, dp, s->names[i]);
		uint32_t be;

		if (!p)
			continue;
		be = htonl(p->key);
		memcpy(want[k].v, &be, 4);
		want[k].len = 4;
		want[k].plen = 32;
		k++;
	}
	set_sync(c, s, want, k);
	s->dirty = false;
}

int compile_port_group_set(struct compiler *c, const char *name, const char *const *ports,
			   size_t n)
{
	struct cc_set *s = set_get(c, "@", name);

	for (size_t i = 0; i < s->n_names; i++)
		free(s->names[i]);
	free(s->names);
	s->names = xcalloc(n ? n : 1, sizeof(*s->names));
	for (size_t i = 0; i < n; i++)
		s->names[i] = xstrndup(ports[i], strlen(ports[i]));
	s->n_names = n;
	s->dirty = true;
	return 0;
}

/* ---- ports ---- */

static int port_write(struct compiler *c, struct cc_port *p)
{
	struct ovn_port op = { .ifindex = p->ifindex, .ct_zone = p->ct_zone };

	if (p->ifindex) {
		op.type = OVN_PORT_VIF;
	} else if (p->peer && (!strcmp(p->type, "patch") || !strcmp(p->type, "router") ||
			       !strcmp(p->type, "l3gateway"))) {
		struct cc_port *peer = smap_get(&c->ports, p->peer);

		if (!peer)
			return 0;	/* written when the peer arrives */
		op.type = OVN_PORT_PATCH;
		op.peer_dp = peer->dp;
		op.peer_port = peer->key;
	} else {
		op.type = OVN_PORT_REMOTE;
	}
	return ovnbpf_port_add(c->w, p->dp, p->key, &op);
}

static void cc_ops_push(struct cc_ops *o, const struct ovn_op *op)
{
	if (o->n == o->alloc) {
		o->alloc = o->alloc ? 2 * o->alloc : 4;
		o->v = xrealloc(o->v, o->alloc * sizeof(*o->v));
	}
	o->v[o->n++] = *op;
}

/* Port security, with the verdicts of ovn-trace's model of
 * check_in_port_sec()/check_out_port_sec() (which the diff tests compare
 * against): each helper flow either allows (returns with
 * flags.check_port_sec 0) or flags a violation.  Per port_security entry
 * (MAC, IPv4 list, IPv6 list), ingress:
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
struct ps_gen {
	struct compiler *c;
	const struct cc_port *p;
	struct strbuf key;
	int n;
};

static void ps_flow(struct ps_gen *g, uint8_t table, uint16_t prio, bool violation,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void ps_flow(struct ps_gen *g, uint8_t table, uint16_t prio, bool violation,
		    const char *fmt, ...)
{
	struct compile_lflow f = { .uuid = g->p->name, .dp = g->p->dp,
				   .pipeline = OVN_PIPE_HELPER, .table = table,
				   .priority = prio };
	struct ovn_op set = { .code = OVN_OP_SET, .n = 1,
			      .dst = OVN_OFF_FLAGS + 3 - OVN_MLF_CHECK_PORT_SEC / 8 };
	struct ovn_op end = { .code = OVN_OP_END };
	struct cc_ops ops = { 0 };
	struct strbuf m = STRBUF_INIT;
	char key[300];
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(&m, fmt, ap);
	va_end(ap);
	if (violation) {
		set.mask[0] = set.value[0] = 1u << (OVN_MLF_CHECK_PORT_SEC % 8);
		cc_ops_push(&ops, &set);
	}
	cc_ops_push(&ops, &end);
	snprintf(key, sizeof(key), "ps\x01%s\x01%d", g->p->name, g->n++);
	cc_compile(g->c, key, &f, strbuf_str(&m), &ops, true);
	g->c->st.helper_flows++;
	strbuf_free(&m);
	free(ops.v);
}

static void port_security(struct compiler *c, const struct cc_port *p, const char *ps)
{
	struct ps_gen g = { .c = c, .p = p };
	struct strbuf a4 = STRBUF_INIT, a6 = STRBUF_INIT, s6 = STRBUF_INIT;
	char *copy = xstrndup(ps, strlen(ps)), *tok, *save = NULL;
	const char *mac = NULL;
	struct cc_member mm;
	char lla[64];
	static int seq;

	g.n = 1000 * (seq++ % 1000000);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (!mac) {
			mac = tok;
			continue;
		}
		if (strchr(tok, ':'))
			strbuf_printf(&a6, "%s%s", a6.len ? ", " : "", tok);
		else
			strbuf_printf(&a4, "%s%s", a4.len ? ", " : "", tok);
	}
	if (!mac || parse_addr(mac, &mm) || mm.len != 6) {
		cc_report(c, COMPILE_R_ERROR, p->name, "bad port_security", ps);
		goto out;
	}
	snprintf(lla, sizeof(lla), "fe80::%02x%02x:%02xff:fe%02x:%02x%02x", mm.v[0] ^ 2,
		 mm.v[1], mm.v[2], mm.v[3], mm.v[4], mm.v[5]);

#define IN_P "inport == \"%s\" && eth.src == %s"
#define OUT_P "outport == \"%s\" && eth.dst == %s"
	/* Ingress. */
	ps_flow(&g, OVN_HT_PORT_SEC_IN, 80, true, "inport == \"%s\"", p->name);
	ps_flow(&g, OVN_HT_PORT_SEC_IN, 84, false, IN_P, p->name, mac);
	ps_flow(&g, OVN_HT_PORT_SEC_IN, 94, true, IN_P " && arp", p->name, mac);
	if (a4.len)
		ps_flow(&g, OVN_HT_PORT_SEC_IN, 95, false,
			IN_P " && arp && arp.sha == %s && arp.spa == {%s}", p->name, mac, mac,
			strbuf_str(&a4));
	else
		ps_flow(&g, OVN_HT_PORT_SEC_IN, 95, false, IN_P " && arp && arp.sha == %s",
			p->name, mac, mac);
	if (a4.len || a6.len) {
		const char *src6;

		strbuf_printf(&s6, "%s%s%s", lla, a6.len ? ", " : "", strbuf_str(&a6));
		src6 = strbuf_str(&s6);
		ps_flow(&g, OVN_HT_PORT_SEC_IN, 85, true, IN_P " && ip", p->name, mac);
		if (a4.len)
			ps_flow(&g, OVN_HT_PORT_SEC_IN, 90, false, IN_P " && ip4.src == {%s}",
				p->name, mac, strbuf_str(&a4));
		ps_flow(&g, OVN_HT_PORT_SEC_IN, 90, false,
			IN_P " && ip4.src == 0.0.0.0 && ip4.dst == 255.255.255.255 && "
			"udp.src == 68 && udp.dst == 67", p->name, mac);
		ps_flow(&g, OVN_HT_PORT_SEC_IN, 90, false, IN_P " && ip6.src == {%s}",
			p->name, mac, src6);
		ps_flow(&g, OVN_HT_PORT_SEC_IN, 90, false,
			IN_P " && ip6.src == :: && ip6.dst == ff02::/16 && "
			"icmp6.type == {131, 135, 143}", p->name, mac);
		ps_flow(&g, OVN_HT_PORT_SEC_IN, 91, true, IN_P " && ip6.src == {%s} && nd_ns",
			p->name, mac, src6);
		ps_flow(&g, OVN_HT_PORT_SEC_IN, 92, false,
			IN_P " && ip6.src == {%s} && nd_ns && "
			"nd.sll == {00:00:00:00:00:00, %s}", p->name, mac, src6, mac);
		/* An NA's source is not checked with its target: both sets would
		 * need more classifier words than a flow has (OVN_CLS_WORDS). */
		ps_flow(&g, OVN_HT_PORT_SEC_IN, 91, true, IN_P " && nd_na", p->name, mac);
		if (a6.len)
			ps_flow(&g, OVN_HT_PORT_SEC_IN, 92, false,
				IN_P " && nd_na && nd.tll == {00:00:00:00:00:00, %s} && "
				"nd.target == {%s}", p->name, mac, mac, src6);
		else
			ps_flow(&g, OVN_HT_PORT_SEC_IN, 92, false,
				IN_P " && nd_na && nd.tll == {00:00:00:00:00:00, %s}", p->name,
				mac, mac);
	}

	/* Egress (75). */
	ps_flow(&g, OVN_HT_PORT_SEC_OUT, 80, true, "outport == \"%s\"", p->name);
	if (a4.len || a6.len) {
		ps_flow(&g, OVN_HT_PORT_SEC_OUT, 85, true, OUT_P " && ip", p->name, mac);
		ps_flow(&g, OVN_HT_PORT_SEC_OUT, 85, true, "outport == \"%s\" && eth.mcast && ip",
			p->name);
		if (a4.len)
			ps_flow(&g, OVN_HT_PORT_SEC_OUT, 90, false,
				"outport == \"%s\" && (eth.dst == %s || eth.mcast) && "
				"ip4.dst == {%s, 255.255.255.255, 224.0.0.0/4}", p->name, mac,
				strbuf_str(&a4));
		if (a6.len)
			ps_flow(&g, OVN_HT_PORT_SEC_OUT, 90, false,
				"outport == \"%s\" && (eth.dst == %s || eth.mcast) && "
				"ip6.dst == {%s, %s, ff00::/8}", p->name, mac, lla, strbuf_str(&a6));
	}
	ps_flow(&g, OVN_HT_PORT_SEC_OUT, 84, false, OUT_P, p->name, mac);
	ps_flow(&g, OVN_HT_PORT_SEC_OUT, 83, false, "outport == \"%s\" && eth.mcast", p->name);
#undef IN_P
#undef OUT_P
out:
	strbuf_free(&a4);
	strbuf_free(&a6);
	strbuf_free(&s6);
	free(copy);
}

static void port_security_del(struct compiler *c, const char *name)
{
	char pfx[300];
	size_t i = 0, n = 0, plen;
	const char *k;
	void *v;
	char **keys = NULL;

	plen = snprintf(pfx, sizeof(pfx), "ps\x01%s\x01", name);
	while (smap_next(&c->recs, &i, &k, &v)) {
		if (!strncmp(k, pfx, plen)) {
			keys = xrealloc(keys, (n + 1) * sizeof(*keys));
			keys[n++] = xstrndup(k, strlen(k));
		}
	}
	for (i = 0; i < n; i++) {
		cc_del_rec(c, keys[i]);
		free(keys[i]);
	}
	free(keys);
}

int compile_port_add(struct compiler *c, const struct compile_port *in)
{
	struct cc_port *p = xcalloc(1, sizeof(*p)), *old;
	size_t i = 0;
	const char *k;
	void *v;
	int err;

	p->name = xstrndup(in->name, strlen(in->name));
	p->type = xstrndup(in->type ? in->type : "", strlen(in->type ? in->type : ""));
	p->peer = in->peer ? xstrndup(in->peer, strlen(in->peer)) : NULL;
	p->dp = in->dp;
	p->key = in->key;
	p->ifindex = in->ifindex;
	p->ct_zone = in->ct_zone;
	port_security_del(c, in->name);
	old = smap_put(&c->ports, in->name, p);
	/* A port whose tunnel key (or datapath) changed leaves its old entry. */
	if (old && (old->dp != p->dp || old->key != p->key))
		ovnbpf_port_del(c->w, old->dp, old->key);
	port_free(old);
	err = port_write(c, p);
	/* A patch port waiting for this one as its peer. */
	while (smap_next(&c->ports, &i, &k, &v)) {
		struct cc_port *o = v;

		if (o != p && o->peer && !strcmp(o->peer, p->name))
			port_write(c, o);
	}
	if (in->ifindex) {
		struct ovn_vif vif = { .dp = in->dp, .port = in->key, .ct_zone = in->ct_zone };

		err = err ?: ovnbpf_vif_add(c->w, in->ifindex, &vif);
	}
	for (size_t j = 0; j < in->n_port_security; j++)
		port_security(c, p, in->port_security[j]);
	/* Port groups naming this port get their key at the next commit. */
	i = 0;
	while (smap_next(&c->sets, &i, &k, &v))
		if (((struct cc_set *)v)->is_pg)
			((struct cc_set *)v)->dirty = true;
	return err;
}

int compile_port_del(struct compiler *c, const char *name)
{
	struct cc_port *p = smap_del(&c->ports, name);
	size_t i = 0;
	const char *k;
	void *v;

	if (!p)
		return -ENOENT;
	port_security_del(c, name);
	ovnbpf_port_del(c->w, p->dp, p->key);
	if (p->ifindex)
		ovnbpf_vif_del(c->w, p->ifindex);
	port_free(p);
	while (smap_next(&c->sets, &i, &k, &v))
		if (((struct cc_set *)v)->is_pg)
			((struct cc_set *)v)->dirty = true;
	return 0;
}

int compile_mcgroup_set(struct compiler *c, uint32_t dp, uint32_t key, const char *name,
			const char *const *ports, size_t n)
{
	uint32_t keys[OVN_MC_MAX_PORTS];
	size_t k = 0;
	char mk[300];

	snprintf(mk, sizeof(mk), "%u\x01%s", dp, name);
	smap_put(&c->mcgroups, mk, (void *)(uintptr_t)key);
	for (size_t i = 0; i < n && k < OVN_MC_MAX_PORTS; i++) {
		struct cc_port *p = cc_port_in_dp(c, dp, ports[i]);

		if (p)
			keys[k++] = p->key;
	}
	if (n > OVN_MC_MAX_PORTS)
		cc_report(c, COMPILE_R_WRITER, name, "multicast group truncated", NULL);
	return ovnbpf_mcgroup_set(c->w, dp, key, keys, k);
}

/* Everything installed for datapath DP: its flows (and helper flows),
 * ports, VIFs, multicast groups, FDB entries, then the datapath itself.
 * The flows go with the generation swap of the next commit, which also
 * removes the ovn_dps entry. */
int compile_datapath_del(struct compiler *c, uint32_t dp)
{
	char k[16], **keys = NULL, pfx[24];
	size_t i = 0, n = 0, plen;
	const char *key;
	void *v;

	snprintf(k, sizeof(k), "%u", dp);
	if (!smap_del(&c->dps, k))
		return -ENOENT;
	while (smap_next(&c->recs, &i, &key, &v)) {
		if (((struct cc_rec *)v)->dp != dp)
			continue;
		keys = xrealloc(keys, (n + 1) * sizeof(*keys));
		keys[n++] = xstrndup(key, strlen(key));
	}
	for (i = 0; i < n; i++) {
		/* Logical flows count under flows, port security and FDB
		 * entries under helper_flows. */
		bool helper = !strncmp(keys[i], "ps\x01", 3) || !strncmp(keys[i], "fdb\x01", 4);
		struct cc_rec *r = smap_get(&c->recs, keys[i]);

		if (helper && r && !strncmp(keys[i], "fdb\x01", 4))
			c->st.helper_flows -= r->n;
		if (!cc_del_rec(c, keys[i]) && !helper)
			c->st.flows--;
		free(keys[i]);
	}
	n = 0;
	i = 0;
	while (smap_next(&c->ports, &i, &key, &v)) {
		if (((struct cc_port *)v)->dp != dp)
			continue;
		keys = xrealloc(keys, (n + 1) * sizeof(*keys));
		keys[n++] = xstrndup(key, strlen(key));
	}
	for (i = 0; i < n; i++) {
		compile_port_del(c, keys[i]);
		free(keys[i]);
	}
	n = 0;
	i = 0;
	plen = snprintf(pfx, sizeof(pfx), "%u\x01", dp);
	while (smap_next(&c->mcgroups, &i, &key, &v)) {
		if (strncmp(key, pfx, plen))
			continue;
		ovnbpf_mcgroup_del(c->w, dp, (uint32_t)(uintptr_t)v);
		keys = xrealloc(keys, (n + 1) * sizeof(*keys));
		keys[n++] = xstrndup(key, strlen(key));
	}
	for (i = 0; i < n; i++) {
		smap_del(&c->mcgroups, keys[i]);
		free(keys[i]);
	}
	free(keys);
	return ovnbpf_datapath_del(c->w, dp);
}

int compile_commit(struct compiler *c)
{
	size_t i = 0;
	const char *k;
	void *v;

	while (smap_next(&c->sets, &i, &k, &v)) {
		struct cc_set *s = v;

		if (s->is_pg && s->dirty)
			pg_resolve(c, s, k + 1);
	}
	cc_router_commit(c);
	return ovnbpf_commit(c->w);
}
