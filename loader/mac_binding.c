// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The neighbour table (mac_binding.h): rows by id, grouped by map key;
 * each change of a group rewrites (or deletes) its one map entry.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "loader/compile_map.h"
#include "loader/compile_router.h"
#include "loader/log.h"
#include "loader/mac_binding.h"
#include "maps/ovnbpf_maps.h"
#include "loader/sb_row.h"
#include "loader/strbuf.h"

struct mb_row {
	struct ovn_mac_bind_key k;
	uint8_t mac[6];
	uint8_t kind;		/* enum mac_binding_kind */
	bool marked;
};

/* The rows naming one key, and what the map holds for it. */
struct mb_group {
	struct mb_row **v;
	size_t n;
	bool installed;
	struct ovn_mac_bind cur;
};

struct mac_bindings {
	int fd;
	struct ovnbpf_writer *cache_w;	/* bump its cache epoch after a write */
	struct smap rows;	/* id -> struct mb_row */
	struct smap groups;	/* key text -> struct mb_group */
};

static void group_free(void *p)
{
	struct mb_group *g = p;

	if (g) {
		free(g->v);
		free(g);
	}
}

struct mac_bindings *mac_bindings_new(int fd)
{
	struct mac_bindings *mb = xcalloc(1, sizeof(*mb));

	mb->fd = fd;
	return mb;
}

void mac_bindings_set_cache(struct mac_bindings *mb, struct ovnbpf_writer *w)
{
	mb->cache_w = w;
}

void mac_bindings_free(struct mac_bindings *mb)
{
	if (!mb)
		return;
	smap_destroy(&mb->rows, free);
	smap_destroy(&mb->groups, group_free);
	free(mb);
}

int mac_binding_parse_ip(const char *s, struct ovn_mac_bind_key *k)
{
	memset(k->ip, 0, sizeof(k->ip));
	if (inet_pton(AF_INET, s, k->ip) == 1) {
		k->len = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, k->ip) == 1) {
		k->len = 16;
		return 0;
	}
	return -EINVAL;
}

int mac_binding_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char end;
	int i;

	if (!s || sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
			 &end) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -EINVAL;
		mac[i] = b[i];
	}
	return 0;
}

static void key_text(const struct ovn_mac_bind_key *k, char *buf, size_t n)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	inet_ntop(k->len == 16 ? AF_INET6 : AF_INET, k->ip, ip, sizeof(ip));
	snprintf(buf, n, "%u/%u/%s", k->dp, k->port, ip);
}

static bool key_eq(const struct ovn_mac_bind_key *a, const struct ovn_mac_bind_key *b)
{
	return a->dp == b->dp && a->port == b->port && a->len == b->len &&
	       !memcmp(a->ip, b->ip, sizeof(a->ip));
}

static struct mb_group *group_get(struct mac_bindings *mb, const struct ovn_mac_bind_key *k,
				  bool create)
{
	struct mb_group *g;
	char kt[96];

	key_text(k, kt, sizeof(kt));
	g = smap_get(&mb->groups, kt);
	if (!g && create) {
		g = xcalloc(1, sizeof(*g));
		smap_put(&mb->groups, kt, g);
	}
	return g;
}

static void group_remove(struct mb_group *g, const struct mb_row *r)
{
	for (size_t i = 0; i < g->n; i++) {
		if (g->v[i] == r) {
			g->v[i] = g->v[--g->n];
			return;
		}
	}
}

/* After a write to the neighbour table: cached pipeline results that
 * read it (get_arp, lookup_arp) are recomputed (maps/cache.h). */
static void cache_bump(struct mac_bindings *mb)
{
	if (mb->cache_w)
		ovnbpf_cache_invalidate(mb->cache_w);
}

/* Rewrite K's map entry from the rows that name it. */
static int group_apply(struct mac_bindings *mb, const struct ovn_mac_bind_key *k)
{
	struct mb_group *g = group_get(mb, k, false);
	const struct mb_row *best = NULL;
	struct ovn_mac_bind v = { 0 };
	struct ovn_mac_bind_key mk = *k;
	char kt[96];

	if (!g)
		return 0;
	for (size_t i = 0; i < g->n; i++)
		if (!best || g->v[i]->kind > best->kind)
			best = g->v[i];
	memset(mk.pad, 0, sizeof(mk.pad));
	if (!best) {
		int err = 0;

		if (g->installed && mb->fd >= 0 && bpf_map_delete_elem(mb->fd, &mk) &&
		    errno != ENOENT)
			err = -errno;
		else if (g->installed)
			cache_bump(mb);
		key_text(k, kt, sizeof(kt));
		group_free(smap_del(&mb->groups, kt));
		return err;
	}
	memcpy(v.mac, best->mac, 6);
	v.is_static = best->kind != MB_DYNAMIC;
	if (g->installed && !memcmp(&g->cur, &v, sizeof(v)))
		return 0;
	if (mb->fd >= 0 && bpf_map_update_elem(mb->fd, &mk, &v, BPF_ANY))
		return -errno;
	cache_bump(mb);
	g->installed = true;
	g->cur = v;
	return 0;
}

int mac_bindings_set(struct mac_bindings *mb, const char *id, const struct ovn_mac_bind_key *k,
		     const uint8_t mac[6], enum mac_binding_kind kind)
{
	struct mb_row *r = smap_get(&mb->rows, id), old;
	bool moved;
	int err;

	if (k->len != 4 && k->len != 16)
		return -EINVAL;
	if (!r) {
		r = xcalloc(1, sizeof(*r));
		smap_put(&mb->rows, id, r);
		old = *r;
		moved = false;
	} else {
		old = *r;
		moved = !key_eq(&old.k, k);
		if (moved)
			group_remove(group_get(mb, &old.k, true), r);
	}
	if (!r->k.len || moved) {
		struct mb_group *g = group_get(mb, k, true);

		g->v = xrealloc(g->v, (g->n + 1) * sizeof(*g->v));
		g->v[g->n++] = r;
	}
	r->k = *k;
	memset(r->k.pad, 0, sizeof(r->k.pad));
	memcpy(r->mac, mac, 6);
	r->kind = kind;
	r->marked = false;
	err = group_apply(mb, &r->k);
	if (moved) {
		int e2 = group_apply(mb, &old.k);

		err = err ?: e2;
	}
	return err;
}

int mac_bindings_del(struct mac_bindings *mb, const char *id)
{
	struct mb_row *r = smap_del(&mb->rows, id);
	struct ovn_mac_bind_key k;

	if (!r)
		return -ENOENT;
	k = r->k;
	group_remove(group_get(mb, &k, true), r);
	free(r);
	return group_apply(mb, &k);
}

void mac_bindings_mark(struct mac_bindings *mb)
{
	size_t i = 0;
	const char *id;
	void *p;

	while (smap_next(&mb->rows, &i, &id, &p))
		((struct mb_row *)p)->marked = true;
}

void mac_bindings_sweep(struct mac_bindings *mb)
{
	char **gone = NULL;
	size_t i = 0, n = 0;
	const char *id;
	void *p;

	while (smap_next(&mb->rows, &i, &id, &p)) {
		if (((struct mb_row *)p)->marked) {
			gone = xrealloc(gone, (n + 1) * sizeof(*gone));
			gone[n++] = xstrndup(id, strlen(id));
		}
	}
	for (i = 0; i < n; i++) {
		mac_bindings_del(mb, gone[i]);
		free(gone[i]);
	}
	free(gone);
}

bool mac_bindings_lookup(const struct mac_bindings *mb, const struct ovn_mac_bind_key *k,
			 uint8_t mac[6])
{
	struct mb_group *g = group_get((struct mac_bindings *)mb, k, false);

	if (!g || !g->installed)
		return false;
	memcpy(mac, g->cur.mac, 6);
	return true;
}

size_t mac_bindings_count(const struct mac_bindings *mb)
{
	return mb->groups.n;
}

/* ---- from the Southbound ---- */

void mac_binding_sync_row(struct mac_bindings *mb, const struct compiler *c,
			  bool (*is_local)(void *aux, uint32_t dp), void *aux,
			  const struct ovsdb_row *row, bool is_static)
{
	const char *port = sb_row_string(row, "logical_port");
	const char *ip = sb_row_string(row, "ip");
	const char *mac = sb_row_string(row, "mac");
	char id[OVSDB_UUID_LEN + 1];
	struct ovn_mac_bind_key k = { 0 };
	enum mac_binding_kind kind = MB_DYNAMIC;
	uint8_t m[6];

	ovsdb_uuid_to_string(&row->uuid, id);
	if (ovsdb_row_is_deleted(row) || !port ||
	    compile_port_key(c, port, &k.dp, &k.port) || !is_local(aux, k.dp)) {
		mac_bindings_del(mb, id);
		return;
	}
	if (!ip || mac_binding_parse_ip(ip, &k) || mac_binding_parse_mac(mac, m)) {
		pr_warn("mac_binding", "%s %s: bad ip %s or mac %s; ignored",
			is_static ? "Static_MAC_Binding" : "MAC_Binding", id, ip ? ip : "-",
			mac ? mac : "-");
		mac_bindings_del(mb, id);
		return;
	}
	if (is_static)
		kind = sb_row_bool(row, "override_dynamic_mac", false) ? MB_STATIC_OVERRIDE
								       : MB_STATIC_LOW;
	if (mac_bindings_set(mb, id, &k, m, kind))
		pr_warn("mac_binding", "%s: neighbour table update failed", id);
}
