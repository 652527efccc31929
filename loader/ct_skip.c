// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Kube-OVN conntrack skip (ct_skip.h).  Each pass computes the wanted flow
 * set from the replica (small: a few flows per local switch); the diff
 * against what is installed is loader/synth_flows.c's, keyed by
 * "ctskip\1dp\1pipeline\1table\1prio\1match".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/compile.h"
#include "loader/compile_map.h"
#include "loader/ct_skip.h"
#include "loader/log.h"
#include "loader/sb_row.h"
#include "loader/strbuf.h"
#include "loader/synth_flows.h"

#define MOD "ct_skip"

struct ct_skip {
	struct synth_set s;
};

/* One local switch. */
struct cs_dp {
	const struct ovsdb_row *row;
	uint32_t key;
	bool has_lb, has_stateful;
	size_t n_router_ports;
	const char *router_peer;	/* peer LRP of the (last) router port */
	struct strbuf nets;		/* localnet networks, ',' separated */
};

struct cs_stages {
	int in_pre_acl, in_pre_lb, out_pre_acl;
};

static struct cs_stages stages(void)
{
	return (struct cs_stages){
		.in_pre_acl = synth_stage(OVN_PIPE_INGRESS, "ls_in_pre_acl"),
		.in_pre_lb = synth_stage(OVN_PIPE_INGRESS, "ls_in_pre_lb"),
		.out_pre_acl = synth_stage(OVN_PIPE_EGRESS, "ls_out_pre_acl"),
	};
}

int ct_skip_new(struct compiler *c, struct ct_skip **out)
{
	struct ct_skip *cs = calloc(1, sizeof(*cs));

	if (!cs)
		return -ENOMEM;
	cs->s.c = c;
	cs->s.prefix = "ctskip";
	*out = cs;
	return 0;
}

void ct_skip_free(struct ct_skip *cs)
{
	if (!cs)
		return;
	synth_set_destroy(&cs->s);
	free(cs);
}

size_t ct_skip_count(const struct ct_skip *cs)
{
	return cs->s.installed.n;
}

bool ct_skip_installed(const struct ct_skip *cs, uint32_t dp, const char *stage, uint16_t prio,
		       const char *match)
{
	return synth_set_installed(&cs->s, dp, stage, prio, match);
}

static bool relevant_flow(const struct ovsdb_row *row, const void *arg)
{
	const struct cs_stages *st = arg;
	const char *pl = sb_row_string(row, "pipeline") ?: "";
	int t = (int)sb_row_int(row, "table_id", -1);

	if (!strcmp(pl, "egress"))
		return t == st->out_pre_acl;
	return t == st->in_pre_acl || t == st->in_pre_lb;
}

bool ct_skip_tracked(const struct ovsdb_replica *r)
{
	struct cs_stages st = stages();

	return synth_tracked(r, relevant_flow, &st);
}

/* ---- addresses ---- */

/* "10.1.0.5/16" -> "10.1.0.0/16" in OUT; false when not a CIDR we use. */
static bool cidr_network(const char *s, bool need_plen, bool skip_host, char *out, size_t len,
			 bool *v6)
{
	char buf[INET6_ADDRSTRLEN + 8], txt[INET6_ADDRSTRLEN], *slash, *end;
	uint8_t a[16];
	long plen;
	int af;

	while (*s == ' ' || *s == '\t')
		s++;
	snprintf(buf, sizeof(buf), "%s", s);
	end = buf + strlen(buf);
	while (end > buf && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = 0;
	slash = strchr(buf, '/');
	if (!slash && need_plen)
		return false;
	if (slash)
		*slash = 0;
	*v6 = strchr(buf, ':') != NULL;
	af = *v6 ? AF_INET6 : AF_INET;
	if (inet_pton(af, buf, a) != 1)
		return false;
	plen = slash ? strtol(slash + 1, &end, 10) : (*v6 ? 128 : 32);
	if ((slash && (*end || end == slash + 1)) || plen < 0 || plen > (*v6 ? 128 : 32))
		return false;
	if (skip_host && (plen == 0 || plen == (*v6 ? 128 : 32)))
		return false;
	for (int i = 0; i < (*v6 ? 16 : 4); i++) {
		long keep = plen - 8 * i;

		if (keep <= 0)
			a[i] = 0;
		else if (keep < 8)
			a[i] &= (uint8_t)(0xff << (8 - keep));
	}
	inet_ntop(af, a, txt, sizeof(txt));
	if (slash || need_plen)
		snprintf(out, len, "%s/%ld", txt, plen);
	else
		snprintf(out, len, "%s", txt);
	return true;
}

/* Link-local networks are never subnets of logical ports. */
static bool link_local(const char *net, bool v6)
{
	if (v6)
		return !strncasecmp(net, "fe8", 3) || !strncasecmp(net, "fe9", 3) ||
		       !strncasecmp(net, "fea", 3) || !strncasecmp(net, "feb", 3);
	return !strncmp(net, "169.254.", 8);
}

/* ---- wanted flows ---- */

static void want_add(struct synth_want *w, uint32_t dp, uint8_t pl, int table, uint16_t prio,
		     const char *match)
{
	synth_want_add(w, dp, pl, table, prio, match, "next;");
}

/* For each comma-separated entry of LIST, call want_add for a ct skip. */
static void want_list(struct synth_want *w, const struct cs_dp *d, const struct cs_stages *st,
		      const char *list, bool cidr, bool dns)
{
	char *copy, *tok, *save = NULL;

	if (!list || !*list)
		return;
	copy = xstrndup(list, strlen(list));
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char net[INET6_ADDRSTRLEN + 8], m[128];
		bool v6;

		if (!cidr_network(tok, cidr, false, net, sizeof(net), &v6)) {
			pr_dbg(MOD, "ignoring %s entry \"%s\"", dns ? "node_local_dns_ip"
				    : "skip_conntrack_dst_cidrs", tok);
			continue;
		}
		snprintf(m, sizeof(m), v6 ? "ip6 && ip6.dst == %s" : "ip4 && ip4.dst == %s", net);
		want_add(w, d->key, OVN_PIPE_INGRESS, st->in_pre_lb, 105, m);
		if (dns && d->has_stateful) {
			want_add(w, d->key, OVN_PIPE_INGRESS, st->in_pre_acl, 110, m);
			want_add(w, d->key, OVN_PIPE_EGRESS, st->out_pre_acl, 110, m);
		}
	}
	free(copy);
}

static void want_net(struct synth_want *w, const struct cs_dp *d, const struct cs_stages *st,
		     const char *addr, bool skip_host)
{
	char net[INET6_ADDRSTRLEN + 8], m[128];
	bool v6;

	if (!addr || !cidr_network(addr, true, skip_host, net, sizeof(net), &v6) ||
	    link_local(net, v6))
		return;
	snprintf(m, sizeof(m), v6 ? "ip6 && ip6.dst == %s" : "ip4 && ip4.dst == %s", net);
	want_add(w, d->key, OVN_PIPE_INGRESS, st->in_pre_lb, 105, m);
}

static struct cs_dp *dp_by_uuid(struct cs_dp *dps, size_t n, const struct ovsdb_uuid *u)
{
	for (size_t i = 0; u && i < n; i++)
		if (ovsdb_uuid_equals(&dps[i].row->uuid, u))
			return &dps[i];
	return NULL;
}

/* Look at one SB flow of a stage we care about on switch D. */
static void note_flow(struct synth_want *w, struct cs_dp *d, const struct ovsdb_row *row,
		      const struct cs_stages *st)
{
	const char *pl = sb_row_string(row, "pipeline") ?: "";
	uint8_t p = !strcmp(pl, "egress") ? OVN_PIPE_EGRESS : OVN_PIPE_INGRESS;
	int t = (int)sb_row_int(row, "table_id", -1);
	int prio = (int)sb_row_int(row, "priority", 0);
	const char *match = sb_row_string(row, "match") ?: "";
	const char *act = sb_row_string(row, "actions") ?: "";

	if (p == OVN_PIPE_INGRESS && t == st->in_pre_lb && prio == 100 &&
	    strstr(act, "reg0[2] = 1"))
		d->has_lb = true;
	if (p == OVN_PIPE_INGRESS && t == st->in_pre_acl && prio == 100 &&
	    strstr(act, "reg0[0] = 1"))
		d->has_stateful = true;
	if (prio != 105 && prio != 110)
		return;
	synth_want_existing(w, d->key, p, t, prio, match);
}

static void scan_flows(struct synth_want *w, const struct ovsdb_replica *r, struct cs_dp *dps,
		       size_t n, const struct cs_stages *st)
{
	const struct ovsdb_table *lf = ovsdb_replica_find_table(r, "Logical_Flow");
	const struct ovsdb_table *grp = ovsdb_replica_find_table(r, "Logical_DP_Group");
	const struct ovsdb_row *row;

	for (row = lf && lf->ts ? ovsdb_table_first(lf) : NULL; row; row = ovsdb_table_next(row)) {
		const struct ovsdb_uuid *gu;
		const struct ovsdb_row *g;
		const struct ovsdb_datum *gd;
		struct cs_dp *d;

		if (!relevant_flow(row, st))
			continue;
		d = dp_by_uuid(dps, n, sb_row_uuid(row, "logical_datapath"));
		if (d) {
			note_flow(w, d, row, st);
			continue;
		}
		gu = sb_row_uuid(row, "logical_dp_group");
		g = gu && grp && grp->ts ? ovsdb_table_find(grp, gu) : NULL;
		gd = g ? sb_row_datum(g, "datapaths", OVSDB_TYPE_UUID) : NULL;
		for (size_t i = 0; gd && i < gd->n; i++)
			if ((d = dp_by_uuid(dps, n, &gd->keys[i].uuid)))
				note_flow(w, d, row, st);
	}
}

/* Router port networks: the "mac" column of LRP bindings ("MAC NET..."). */
static void want_router_nets(struct synth_want *w, const struct cs_dp *d, const struct cs_stages *st,
			     const struct ovsdb_table *pb, const struct ovsdb_uuid *router)
{
	const struct ovsdb_row *row;

	for (row = ovsdb_table_first(pb); row; row = ovsdb_table_next(row)) {
		const struct ovsdb_uuid *u = sb_row_uuid(row, "datapath");
		const struct ovsdb_datum *mac;
		const char *type = sb_row_string(row, "type") ?: "";

		if (!u || !ovsdb_uuid_equals(u, router) || !strcmp(type, "chassisredirect"))
			continue;
		mac = sb_row_datum(row, "mac", OVSDB_TYPE_STRING);
		for (size_t i = 0; mac && i < mac->n; i++) {
			char *copy = xstrndup(mac->keys[i].string, strlen(mac->keys[i].string));
			char *tok, *save = NULL;

			for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
				if (strchr(tok, '/'))
					want_net(w, d, st, tok, false);
			free(copy);
		}
	}
}

static void compute(struct synth_want *w, const struct ovsdb_replica *r, const uint32_t *ldp,
		    size_t n_ldp)
{
	const struct ovsdb_table *dpb = ovsdb_replica_find_table(r, "Datapath_Binding");
	const struct ovsdb_table *pb = ovsdb_replica_find_table(r, "Port_Binding");
	const struct ovsdb_table *sg = ovsdb_replica_find_table(r, "SB_Global");
	const struct ovsdb_row *row, *g = sg && sg->ts ? ovsdb_table_first(sg) : NULL;
	const char *dns, *cidrs, *lport;
	struct cs_stages st = stages();
	struct cs_dp *dps = NULL;
	size_t n = 0;

	if (!g || !dpb || !dpb->ts)
		return;
	dns = sb_row_smap_get(g, "options", "node_local_dns_ip");
	cidrs = sb_row_smap_get(g, "options", "skip_conntrack_dst_cidrs");
	lport = sb_row_smap_get(g, "options", "ls_ct_skip_dst_lport_ips");
	if ((!dns || !*dns) && (!cidrs || !*cidrs) && (!lport || strcmp(lport, "true")))
		return;
	for (row = ovsdb_table_first(dpb); row; row = ovsdb_table_next(row)) {
		uint32_t k = (uint32_t)sb_row_int(row, "tunnel_key", 0);

		if (sb_row_smap_get(row, "external_ids", "logical-router") ||
		    !synth_key_local(ldp, n_ldp, k))
			continue;
		dps = xrealloc(dps, (n + 1) * sizeof(*dps));
		memset(&dps[n], 0, sizeof(dps[n]));
		dps[n].row = row;
		dps[n].key = k;
		n++;
	}
	if (!n)
		goto out;
	scan_flows(w, r, dps, n, &st);
	/* Router and localnet ports of each switch. */
	for (row = pb && pb->ts && lport && !strcmp(lport, "true") ? ovsdb_table_first(pb) : NULL;
	     row; row = ovsdb_table_next(row)) {
		struct cs_dp *d = dp_by_uuid(dps, n, sb_row_uuid(row, "datapath"));
		const char *type = sb_row_string(row, "type") ?: "";
		const char *peer = sb_row_smap_get(row, "options", "peer");

		if (!d || !d->has_lb)
			continue;
		if (!strcmp(type, "patch") && peer) {
			d->n_router_ports++;
			d->router_peer = peer;
		} else if (!strcmp(type, "localnet")) {
			const char *v4 = sb_row_smap_get(row, "external_ids", "ipv4_network");
			const char *v6 = sb_row_smap_get(row, "external_ids", "ipv6_network");

			strbuf_printf(&d->nets, "%s%s", d->nets.len ? "," : "", v4 ? v4 : "");
			strbuf_printf(&d->nets, ",%s", v6 ? v6 : "");
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct cs_dp *d = &dps[i];

		if (!d->has_lb)
			continue;
		want_list(w, d, &st, dns, false, true);
		want_list(w, d, &st, cidrs, true, false);
		if (!lport || strcmp(lport, "true"))
			continue;
		if (d->n_router_ports == 1) {
			const struct ovsdb_row *lrp = sb_table_find_by_string(pb, "logical_port",
									    d->router_peer);
			const struct ovsdb_uuid *ru = lrp ? sb_row_uuid(lrp, "datapath") : NULL;

			if (ru)
				want_router_nets(w, d, &st, pb, ru);
		} else if (d->nets.len) {
			char *copy = strbuf_steal(&d->nets), *tok, *save = NULL;

			for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
				want_net(w, d, &st, tok, true);
			free(copy);
		}
	}
out:
	for (size_t i = 0; i < n; i++)
		strbuf_free(&dps[i].nets);
	free(dps);
}

int ct_skip_sync(struct ct_skip *cs, const struct ovsdb_replica *r, const uint32_t *ldp,
		 size_t n_ldp)
{
	struct synth_want w = { 0 };

	compute(&w, r, ldp, n_ldp);
	return synth_set_sync(&cs->s, &w);
}
