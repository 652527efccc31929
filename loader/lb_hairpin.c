// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * SB Load_Balancer -> ovn_lb_hairpin (lb_hairpin.h).
 *
 * The whole set is recomputed into a sorted array and compared with the
 * one installed: load balancers are few compared with flows, and a
 * recompute touches no map entry that did not change.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "loader/lb_hairpin.h"
#include "loader/log.h"
#include "loader/sb_row.h"

#define MOD "lb-hairpin"

struct lbh_ent {
	struct ovn_lbh_key k;
	struct ovn_lbh_val v;
};

struct lbh_set {
	struct lbh_ent *e;
	size_t n, cap;
};

struct lb_hairpin {
	int fd;
	bool synced;		/* the map holds what cur says */
	struct lbh_set cur;
};

static int ent_cmp(const void *a, const void *b)
{
	return memcmp(&((const struct lbh_ent *)a)->k, &((const struct lbh_ent *)b)->k,
		      sizeof(struct ovn_lbh_key));
}

static int set_add(void *aux, const struct ovn_lbh_key *k, const struct ovn_lbh_val *v)
{
	struct lbh_set *s = aux;

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct lbh_ent *e = realloc(s->e, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		s->e = e;
		s->cap = cap;
	}
	memset(&s->e[s->n], 0, sizeof(s->e[s->n]));
	s->e[s->n].k = *k;
	s->e[s->n].v = *v;
	s->n++;
	return 0;
}

/* Sort and drop duplicate keys (two LBs with one VIP: the first wins,
 * as OVN calls that configuration nonsense). */
static void set_sort(struct lbh_set *s)
{
	size_t i, j = 0;

	if (!s->n)
		return;
	qsort(s->e, s->n, sizeof(*s->e), ent_cmp);
	for (i = 1; i < s->n; i++)
		if (ent_cmp(&s->e[i], &s->e[j]))
			s->e[++j] = s->e[i];
	s->n = j + 1;
}

/* "IP", "IP:port", "[IP6]", "[IP6]:port" -> family, address, port (0 =
 * none). */
static int parse_addr_port(const char *s, size_t len, uint8_t *fam, uint8_t *addr, uint16_t *port)
{
	char buf[64];
	const char *p = NULL, *a = buf;
	char *end;
	long v;

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = 0;
	*port = 0;
	memset(addr, 0, 16);
	if (buf[0] == '[') {
		char *rb = strchr(buf, ']');

		if (!rb)
			return -EINVAL;
		*rb = 0;
		a = buf + 1;
		if (rb[1] == ':')
			p = rb + 2;
		else if (rb[1])
			return -EINVAL;
		*fam = 6;
	} else {
		char *c = strchr(buf, ':');

		if (c && !strchr(c + 1, ':')) {
			*c = 0;
			p = c + 1;
			*fam = 4;
		} else {
			*fam = c ? 6 : 4;
		}
	}
	if (inet_pton(*fam == 4 ? AF_INET : AF_INET6, a, addr) != 1)
		return -EINVAL;
	if (p) {
		errno = 0;
		v = strtol(p, &end, 10);
		if (errno || *end || v < 1 || v > 65535)
			return -EINVAL;
		*port = (uint16_t)v;
	}
	return 0;
}

static uint8_t proto_num(const char *proto)
{
	if (proto && !strcmp(proto, "udp"))
		return 17;
	if (proto && !strcmp(proto, "sctp"))
		return 132;
	return 6;
}

/* The hairpin_snat_ip address of family FAM ("IP4 IP6" in any order). */
static bool snat_ip(const char *ips, uint8_t fam, uint8_t *out)
{
	const char *p = ips;

	while (p && *p) {
		size_t n = strcspn(p, " ,");
		uint8_t f;
		uint16_t port;

		if (n && !parse_addr_port(p, n, &f, out, &port) && f == fam && !port)
			return true;
		p += n;
		p += strspn(p, " ,");
	}
	return false;
}

int lb_hairpin_vip(const char *vip, const char *backends, const char *proto, const char *snat_ips,
		   const uint32_t *dps, size_t n_dps, lb_hairpin_add_fn *add, void *aux)
{
	struct ovn_lbh_key k;
	struct ovn_lbh_val v;
	uint8_t fam, vaddr[16], snat[16], bfam, baddr[16];
	uint16_t vport, bport;
	uint8_t pnum = proto_num(proto);
	bool per_dp;
	const char *p;
	int err;

	if (parse_addr_port(vip, strlen(vip), &fam, vaddr, &vport))
		return -EINVAL;
	per_dp = snat_ips && snat_ip(snat_ips, fam, snat);
	if (!per_dp)
		memcpy(snat, vaddr, 16);

	/* SNAT: the VIP's address for ct_snat_to_vip. */
	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	k.kind = OVN_LBH_SNAT;
	k.family = fam;
	k.proto = vport ? pnum : 0;
	k.p1 = htons(vport);
	memcpy(k.a1, vaddr, 16);
	memcpy(v.addr, snat, 16);
	if (!per_dp) {
		err = add(aux, &k, &v);
		if (err)
			return err;
	}
	for (size_t i = 0; per_dp && i < n_dps; i++) {
		k.dp = dps[i];
		err = add(aux, &k, &v);
		if (err)
			return err;
	}

	for (p = backends; p && *p;) {
		size_t n = strcspn(p, ",");

		if (n && !parse_addr_port(p, n, &bfam, baddr, &bport) && bfam == fam &&
		    !vport == !bport) {
			memset(&k, 0, sizeof(k));
			memset(&v, 0, sizeof(v));
			k.kind = OVN_LBH_BACKEND;
			k.family = fam;
			k.proto = vport ? pnum : 0;
			k.p1 = htons(vport);
			k.p2 = htons(bport);
			memcpy(k.a1, vaddr, 16);
			memcpy(k.a2, baddr, 16);
			err = add(aux, &k, &v);
			if (err)
				return err;
			k.kind = OVN_LBH_REPLY;
			k.p1 = 0;
			memcpy(k.a1, baddr, 16);
			memcpy(k.a2, snat, 16);
			err = add(aux, &k, &v);
			if (err)
				return err;
		}
		p += n;
		p += strspn(p, ",");
	}
	return 0;
}

/* Tunnel keys of the datapaths of LB row ROW. */
static size_t lb_dps(const struct ovsdb_replica *r, const struct ovsdb_row *row, uint32_t **out)
{
	const struct ovsdb_table *dpb = ovsdb_replica_find_table(r, "Datapath_Binding");
	const struct ovsdb_table *grp = ovsdb_replica_find_table(r, "Logical_DP_Group");
	const struct ovsdb_datum *d = sb_row_datum(row, "datapaths", OVSDB_TYPE_UUID), *gd = NULL;
	const struct ovsdb_uuid *gu = sb_row_uuid(row, "datapath_group");
	const struct ovsdb_row *g = gu && grp && grp->ts ? ovsdb_table_find(grp, gu) : NULL;
	size_t n = 0, max;
	uint32_t *v;

	if (g)
		gd = sb_row_datum(g, "datapaths", OVSDB_TYPE_UUID);
	max = (d ? d->n : 0) + (gd ? gd->n : 0);
	*out = NULL;
	if (!max || !dpb || !dpb->ts)
		return 0;
	v = calloc(max, sizeof(*v));
	if (!v)
		return 0;
	for (int pass = 0; pass < 2; pass++) {
		const struct ovsdb_datum *x = pass ? gd : d;

		for (size_t i = 0; x && i < x->n; i++) {
			const struct ovsdb_row *dr = ovsdb_table_find(dpb, &x->keys[i].uuid);
			int64_t key = dr ? sb_row_int(dr, "tunnel_key", 0) : 0;

			if (key > 0 && key <= UINT32_MAX)
				v[n++] = (uint32_t)key;
		}
	}
	*out = v;
	return n;
}

static int compute(const struct ovsdb_replica *r, struct lbh_set *s)
{
	const struct ovsdb_table *lb = ovsdb_replica_find_table(r, "Load_Balancer");
	const struct ovsdb_row *row;
	int err = 0;

	for (row = lb && lb->ts ? ovsdb_table_first(lb) : NULL; row && !err;
	     row = ovsdb_table_next(row)) {
		const struct ovsdb_datum *vips = sb_row_datum(row, "vips", OVSDB_TYPE_STRING);
		const char *proto = sb_row_string(row, "protocol");
		const char *snat = sb_row_smap_get(row, "options", "hairpin_snat_ip");
		uint32_t *dps = NULL;
		size_t n_dps = snat ? lb_dps(r, row, &dps) : 0;

		for (size_t i = 0; vips && vips->values && i < vips->n && !err; i++) {
			err = lb_hairpin_vip(vips->keys[i].string, vips->values[i].string, proto,
					     snat, dps, n_dps, set_add, s);
			if (err == -EINVAL) {
				pr_dbg(MOD, "load balancer %s: VIP \"%s\" skipped",
					 sb_row_string(row, "name") ?: "?", vips->keys[i].string);
				err = 0;
			}
		}
		free(dps);
	}
	return err;
}

int lb_hairpin_new(int map_fd, struct lb_hairpin **out)
{
	struct lb_hairpin *h = calloc(1, sizeof(*h));

	*out = NULL;
	if (!h)
		return -ENOMEM;
	h->fd = map_fd;
	*out = h;
	return 0;
}

void lb_hairpin_free(struct lb_hairpin *h)
{
	if (!h)
		return;
	free(h->cur.e);
	free(h);
}

bool lb_hairpin_tracked(const struct ovsdb_replica *r)
{
	static const char *const tables[] = { "Load_Balancer", "Logical_DP_Group",
					      "Datapath_Binding" };

	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		const struct ovsdb_table *t = ovsdb_replica_find_table(r, tables[i]);

		if (t && t->ts && ovsdb_table_tracked_first(t))
			return true;
	}
	return false;
}

int lb_hairpin_sync(struct lb_hairpin *h, const struct ovsdb_replica *r)
{
	struct lbh_set want = { 0 };
	size_t i = 0, j = 0;
	int err, changes = 0;

	err = compute(r, &want);
	if (err) {
		free(want.e);
		return err;
	}
	set_sort(&want);
	if (!h->synced && h->fd >= 0) {
		/* What a previous ovnbpfd left pinned and is no more. */
		struct lbh_ent q = { 0 }, nx = { 0 };
		bool first = true;

		while (!bpf_map_get_next_key(h->fd, first ? NULL : &q.k, &nx.k)) {
			first = false;
			q.k = nx.k;
			if (!want.n || !bsearch(&nx, want.e, want.n, sizeof(nx), ent_cmp)) {
				bpf_map_delete_elem(h->fd, &nx.k);
				first = true;	/* restart: deleting moves the walk */
				changes++;
			}
		}
	}
	h->synced = true;
	/* Merge the two sorted sets: add/update first, then delete, so a
	 * packet never misses an entry that stays. */
	while (i < want.n) {
		int c = j < h->cur.n ? ent_cmp(&want.e[i], &h->cur.e[j]) : -1;

		if (c > 0) {
			j++;
			continue;
		}
		if (c < 0 || memcmp(&want.e[i].v, &h->cur.e[j].v, sizeof(want.e[i].v))) {
			if (h->fd >= 0 &&
			    bpf_map_update_elem(h->fd, &want.e[i].k, &want.e[i].v, BPF_ANY))
				pr_warn(MOD, "map update: %s", strerror(errno));
			changes++;
		}
		if (!c)
			j++;
		i++;
	}
	for (i = 0, j = 0; j < h->cur.n; j++) {
		while (i < want.n && ent_cmp(&want.e[i], &h->cur.e[j]) < 0)
			i++;
		if (i < want.n && !ent_cmp(&want.e[i], &h->cur.e[j]))
			continue;
		if (h->fd >= 0)
			bpf_map_delete_elem(h->fd, &h->cur.e[j].k);
		changes++;
	}
	free(h->cur.e);
	h->cur = want;
	return changes;
}

size_t lb_hairpin_count(const struct lb_hairpin *h)
{
	return h->cur.n;
}

const struct ovn_lbh_val *lb_hairpin_find(const struct lb_hairpin *h, const struct ovn_lbh_key *k)
{
	struct lbh_ent q = { .k = *k }, *e;

	if (!h->cur.n)
		return NULL;
	e = bsearch(&q, h->cur.e, h->cur.n, sizeof(q), ent_cmp);
	return e ? &e->v : NULL;
}
