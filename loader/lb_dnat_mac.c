// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Kube-OVN ls_dnat_mod_dl_dst (lb_dnat_mac.h).  A pass walks the local
 * switches and their VIF bindings (a few flows per port) and hands the
 * wanted set to loader/synth_flows.c, keyed "dnatmac\1dp\1...".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/lb_dnat_mac.h"
#include "loader/log.h"
#include "loader/sb_row.h"
#include "loader/strbuf.h"
#include "loader/synth_flows.h"

#define MOD "lb_dnat_mac"
#define DM_PRIO 55

struct lb_dnat_mac {
	struct synth_set s;
};

/* One local switch. */
struct dm_dp {
	const struct ovsdb_row *row;
	uint32_t key;
	size_t n_router_ports;
};

int lb_dnat_mac_new(struct compiler *c, struct lb_dnat_mac **out)
{
	struct lb_dnat_mac *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->s.c = c;
	m->s.prefix = "dnatmac";
	*out = m;
	return 0;
}

void lb_dnat_mac_free(struct lb_dnat_mac *m)
{
	if (!m)
		return;
	synth_set_destroy(&m->s);
	free(m);
}

size_t lb_dnat_mac_count(const struct lb_dnat_mac *m)
{
	return m->s.installed.n;
}

bool lb_dnat_mac_installed(const struct lb_dnat_mac *m, uint32_t dp, uint16_t prio,
			   const char *match)
{
	return synth_set_installed(&m->s, dp, "ls_in_l2_lkup", prio, match);
}

static bool l2_lkup_flow(const struct ovsdb_row *row, const void *arg)
{
	const char *pl = sb_row_string(row, "pipeline") ?: "";

	return strcmp(pl, "egress") && (int)sb_row_int(row, "table_id", -1) == *(const int *)arg;
}

bool lb_dnat_mac_tracked(const struct ovsdb_replica *r)
{
	int l2 = synth_stage(OVN_PIPE_INGRESS, "ls_in_l2_lkup");

	return synth_tracked(r, l2_lkup_flow, &l2);
}

static struct dm_dp *dp_of(struct dm_dp *dps, size_t n, const struct ovsdb_uuid *u)
{
	for (size_t i = 0; u && i < n; i++)
		if (ovsdb_uuid_equals(&dps[i].row->uuid, u))
			return &dps[i];
	return NULL;
}

/* The SB's own priority-55 ls_in_l2_lkup flows (patched northd). */
static void scan_flows(struct synth_want *w, const struct ovsdb_replica *r, struct dm_dp *dps,
		       size_t n, int l2)
{
	const struct ovsdb_table *lf = ovsdb_replica_find_table(r, "Logical_Flow");
	const struct ovsdb_table *grp = ovsdb_replica_find_table(r, "Logical_DP_Group");
	const struct ovsdb_row *row;

	for (row = lf && lf->ts ? ovsdb_table_first(lf) : NULL; row; row = ovsdb_table_next(row)) {
		const struct ovsdb_uuid *gu;
		const struct ovsdb_row *g;
		const struct ovsdb_datum *gd;
		struct dm_dp *d;

		if (!l2_lkup_flow(row, &l2) || sb_row_int(row, "priority", 0) != DM_PRIO)
			continue;
		d = dp_of(dps, n, sb_row_uuid(row, "logical_datapath"));
		if (d) {
			synth_want_existing_row(w, d->key, row);
			continue;
		}
		gu = sb_row_uuid(row, "logical_dp_group");
		g = gu && grp && grp->ts ? ovsdb_table_find(grp, gu) : NULL;
		gd = g ? sb_row_datum(g, "datapaths", OVSDB_TYPE_UUID) : NULL;
		for (size_t i = 0; gd && i < gd->n; i++)
			if ((d = dp_of(dps, n, &gd->keys[i].uuid)))
				synth_want_existing_row(w, d->key, row);
	}
}

/* "MAC IP..." -> canonical MAC in MAC_OUT and up to 16 canonical IPs in
 * IPS (prefix lengths dropped); the number of IPs, -1 if malformed. */
static int parse_addrs(const char *s, char *mac_out, char ips[][INET6_ADDRSTRLEN], int max)
{
	char *copy = xstrndup(s, strlen(s)), *tok, *save = NULL;
	unsigned int m[6];
	int n = -1;

	tok = strtok_r(copy, " ", &save);
	if (!tok || sscanf(tok, "%2x:%2x:%2x:%2x:%2x:%2x", &m[0], &m[1], &m[2], &m[3], &m[4],
			   &m[5]) != 6 || strlen(tok) != 17)
		goto out;
	snprintf(mac_out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	n = 0;
	while ((tok = strtok_r(NULL, " ", &save))) {
		uint8_t a[16];
		char *slash = strchr(tok, '/');
		int af = strchr(tok, ':') ? AF_INET6 : AF_INET;

		if (slash)
			*slash = 0;
		if (inet_pton(af, tok, a) != 1) {
			n = -1;
			goto out;
		}
		if (n < max)
			inet_ntop(af, a, ips[n++], INET6_ADDRSTRLEN);
	}
out:
	free(copy);
	return n;
}

/* Flows for VIF binding ROW of switch D. */
static void want_port(struct synth_want *w, const struct dm_dp *d, const struct ovsdb_row *row,
		      int l2)
{
	const struct ovsdb_datum *mac = sb_row_datum(row, "mac", OVSDB_TYPE_STRING);
	const char *name = sb_row_string(row, "logical_port");
	char ea[18], ips[16][INET6_ADDRSTRLEN];
	int n;

	if (!name || !*name || strpbrk(name, "\"\\") || !mac || mac->n != 1)
		return;
	/* One entry, which is not "unknown" and has an IP. */
	n = parse_addrs(mac->keys[0].string, ea, ips, 16);
	if (n <= 0)
		return;
	for (int i = 0; i < n; i++) {
		bool v6 = strchr(ips[i], ':') != NULL;
		char *m = xasprintf("reg0[2] != 0 && %s.dst == %s", v6 ? "ip6" : "ip4", ips[i]);
		char *a = xasprintf("eth.dst = %s; outport = \"%s\"; output;", ea, name);

		synth_want_add(w, d->key, OVN_PIPE_INGRESS, l2, DM_PRIO, m, a);
		free(m);
		free(a);
	}
}

static void compute(struct synth_want *w, const struct ovsdb_replica *r, const uint32_t *ldp,
		    size_t n_ldp)
{
	const struct ovsdb_table *dpb = ovsdb_replica_find_table(r, "Datapath_Binding");
	const struct ovsdb_table *pb = ovsdb_replica_find_table(r, "Port_Binding");
	const struct ovsdb_table *sg = ovsdb_replica_find_table(r, "SB_Global");
	const struct ovsdb_row *row, *g = sg && sg->ts ? ovsdb_table_first(sg) : NULL;
	int l2 = synth_stage(OVN_PIPE_INGRESS, "ls_in_l2_lkup");
	const char *opt;
	struct dm_dp *dps = NULL;
	size_t n = 0;

	if (!g || !dpb || !dpb->ts || !pb || !pb->ts || l2 < 0)
		return;
	opt = sb_row_smap_get(g, "options", "ls_dnat_mod_dl_dst");
	if (!opt || strcmp(opt, "true"))
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
	/* Router ports: a switch's side of a router port is "patch" (or
	 * "l3gateway" toward a gateway router). */
	for (row = ovsdb_table_first(pb); row; row = ovsdb_table_next(row)) {
		struct dm_dp *d = dp_of(dps, n, sb_row_uuid(row, "datapath"));
		const char *type = sb_row_string(row, "type") ?: "";

		if (d && (!strcmp(type, "patch") || !strcmp(type, "l3gateway")))
			d->n_router_ports++;
	}
	scan_flows(w, r, dps, n, l2);
	for (row = ovsdb_table_first(pb); row; row = ovsdb_table_next(row)) {
		struct dm_dp *d = dp_of(dps, n, sb_row_uuid(row, "datapath"));
		const char *type = sb_row_string(row, "type") ?: "";

		if (d && !d->n_router_ports && !*type)
			want_port(w, d, row, l2);
	}
out:
	free(dps);
}

int lb_dnat_mac_sync(struct lb_dnat_mac *m, const struct ovsdb_replica *r, const uint32_t *ldp,
		     size_t n_ldp)
{
	struct synth_want w = { 0 };

	compute(&w, r, ldp, n_ldp);
	return synth_set_sync(&m->s, &w);
}
