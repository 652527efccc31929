// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "loader/bridge_mappings.h"
#include "loader/compile_int.h"
#include "loader/localnet.h"
#include "loader/log.h"
#include "loader/strbuf.h"
#include "maps/localnet.h"

#define MOD "localnet"

/* The localnet port that carries a switch's traffic to other chassis. */
struct ln_dp {
	uint32_t dp, port, ifindex;
};

struct cc_localnet {
	bool dirty;			/* reconcile at the next commit */
	struct ln_dp *v;		/* per switch, sorted by dp */
	size_t n;
	size_t n_entries;		/* ovn_localnet entries wanted */
};

/* One wanted ovn_localnet entry. */
struct ln_want {
	struct ovn_localnet_key k;
	struct ovn_localnet v;
	const char *name;
};

static int map_fd = -1;

void localnet_set_map_fd(int fd)
{
	map_fd = fd;
}

static struct cc_localnet *ln_get(struct compiler *c)
{
	if (!c->ln)
		c->ln = xcalloc(1, sizeof(*c->ln));
	return c->ln;
}

static const struct ln_dp *ln_dp_find(const struct cc_localnet *ln, uint32_t dp)
{
	size_t lo = 0, hi = ln ? ln->n : 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ln->v[mid].dp == dp)
			return &ln->v[mid];
		if (ln->v[mid].dp < dp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool is_localnet(const struct cc_port *p)
{
	return p->type && !strcmp(p->type, "localnet");
}

/* Mapped here: the device carrying P's network, 0 if none. */
static uint32_t ln_ifindex(const struct cc_port *p)
{
	int ifindex = p->network ? bridge_mappings_ifindex(p->network) : 0;

	return ifindex > 0 && p->tag <= 4095 ? (uint32_t)ifindex : 0;
}

/* Ports that ovn-controller reaches through the localnet port when they
 * are not on this chassis: VIFs (and their virtual/external kin). */
static bool reached_via_localnet(const struct cc_port *p)
{
	return !p->type || !*p->type || !strcmp(p->type, "virtual") ||
	       !strcmp(p->type, "external");
}

void cc_localnet_port(struct compiler *c, const struct cc_port *p, struct ovn_port *op)
{
	const struct ln_dp *d;
	uint32_t ifindex;

	if (is_localnet(p)) {
		ln_get(c)->dirty = true;
		ifindex = ln_ifindex(p);
		if (!ifindex)
			return;		/* not on this chassis's networks */
		op->type = OVN_PORT_LOCALNET;
		op->ifindex = ifindex;
		op->tag = (uint16_t)p->tag;
		op->flags = 0;
		return;
	}
	if (op->type != OVN_PORT_REMOTE || !reached_via_localnet(p))
		return;
	d = ln_dp_find(c->ln, p->dp);
	if (!d)
		return;
	op->type = OVN_PORT_LOCALNET;
	op->flags |= OVN_PORT_F_VIA_LOCALNET;
	op->ifindex = d->ifindex;
	op->peer_dp = p->dp;
	op->peer_port = d->port;
}

void cc_localnet_forget(struct compiler *c, const struct cc_port *p)
{
	if (is_localnet(p))
		ln_get(c)->dirty = true;
}

static int want_cmp(const void *a, const void *b)
{
	const struct ln_want *x = a, *y = b;

	if (x->k.ifindex != y->k.ifindex)
		return x->k.ifindex < y->k.ifindex ? -1 : 1;
	if (x->k.vlan != y->k.vlan)
		return x->k.vlan < y->k.vlan ? -1 : 1;
	if (x->v.dp != y->v.dp)
		return x->v.dp < y->v.dp ? -1 : 1;
	return x->v.port < y->v.port ? -1 : x->v.port > y->v.port;
}

static int key_cmp(const void *a, const void *b)
{
	const struct ovn_localnet_key *x = a, *y = b;

	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	return x->vlan < y->vlan ? -1 : x->vlan > y->vlan;
}

/* ovn_localnet := W[0..N) (sorted by key, unique). */
static void map_sync(const struct ln_want *w, size_t n)
{
	struct ovn_localnet_key k, next, *stale = NULL;
	size_t n_stale = 0, i;
	void *prev = NULL;

	if (map_fd < 0)
		return;
	while (!bpf_map_get_next_key(map_fd, prev, &next)) {
		k = next;
		prev = &k;
		if (bsearch(&k, w, n, sizeof(*w), key_cmp))
			continue;
		stale = xrealloc(stale, (n_stale + 1) * sizeof(*stale));
		stale[n_stale++] = k;
	}
	for (i = 0; i < n_stale; i++)
		bpf_map_delete_elem(map_fd, &stale[i]);
	free(stale);
	for (i = 0; i < n; i++) {
		struct ovn_localnet cur;

		if (!bpf_map_lookup_elem(map_fd, &w[i].k, &cur) && !memcmp(&cur, &w[i].v, sizeof(cur)))
			continue;
		if (bpf_map_update_elem(map_fd, &w[i].k, &w[i].v, BPF_ANY))
			pr_warn(MOD, "%s: ovn_localnet update: %s", w[i].name, strerror(errno));
	}
}

void cc_localnet_commit(struct compiler *c)
{
	struct cc_localnet *ln = c->ln;
	struct ln_want *w = NULL;
	struct ln_dp *dps = NULL, *old;
	size_t n_w = 0, n_dps = 0, n_old, i, j;
	const char *k;
	void *v;

	if (!ln || !ln->dirty)
		return;
	ln->dirty = false;
	for (i = 0; smap_next(&c->ports, &i, &k, &v);) {
		struct cc_port *p = v;
		uint32_t ifindex = is_localnet(p) ? ln_ifindex(p) : 0;

		if (!ifindex)
			continue;
		w = xrealloc(w, (n_w + 1) * sizeof(*w));
		memset(&w[n_w], 0, sizeof(*w));
		w[n_w].k.ifindex = ifindex;
		w[n_w].k.vlan = p->tag;
		w[n_w].v.dp = p->dp;
		w[n_w].v.port = p->key;
		w[n_w].v.ct_zone = p->ct_zone;
		bridge_mappings_mac(p->network, w[n_w].v.dev_mac);
		w[n_w].name = p->name;
		n_w++;
	}
	qsort(w, n_w, sizeof(*w), want_cmp);
	/* One port per (device, VLAN ID): the first by (dp, key). */
	for (i = j = 0; i < n_w; i++) {
		if (j && !key_cmp(&w[j - 1].k, &w[i].k)) {
			pr_warn(MOD, "localnet port %s: VLAN %u on ifindex %u is localnet port %s's "
				"already; frames enter %s only", w[i].name, w[i].k.vlan,
				w[i].k.ifindex, w[j - 1].name, w[j - 1].name);
			continue;
		}
		w[j++] = w[i];
	}
	n_w = j;
	map_sync(w, n_w);
	ln->n_entries = n_w;
	/* Per switch, its mapped localnet port with the lowest key. */
	for (i = 0; i < n_w; i++) {
		struct ln_dp *d = NULL;

		for (j = 0; j < n_dps; j++)
			if (dps[j].dp == w[i].v.dp)
				d = &dps[j];
		if (!d) {
			dps = xrealloc(dps, (n_dps + 1) * sizeof(*dps));
			d = &dps[n_dps++];
			d->dp = w[i].v.dp;
			d->port = UINT32_MAX;
		}
		if (w[i].v.port < d->port) {
			d->port = w[i].v.port;
			d->ifindex = w[i].k.ifindex;
		}
	}
	for (i = 1; i < n_dps; i++)	/* sort by dp (few entries) */
		for (j = i; j > 0 && dps[j - 1].dp > dps[j].dp; j--) {
			struct ln_dp t = dps[j];

			dps[j] = dps[j - 1];
			dps[j - 1] = t;
		}
	free(w);
	old = ln->v;
	n_old = ln->n;
	ln->v = dps;
	ln->n = n_dps;
	/* The ports of switches whose way out changed. */
	for (i = 0; smap_next(&c->ports, &i, &k, &v);) {
		struct cc_port *p = v;
		struct cc_localnet was = { .v = old, .n = n_old };
		const struct ln_dp *a = ln_dp_find(&was, p->dp), *b = ln_dp_find(ln, p->dp);

		if (is_localnet(p) || p->ifindex || !reached_via_localnet(p))
			continue;
		if ((!a && !b) || (a && b && !memcmp(a, b, sizeof(*a))))
			continue;
		cc_port_rewrite(c, p);
	}
	free(old);
}

void localnet_refresh(struct compiler *c)
{
	size_t i;
	const char *k;
	void *v;

	for (i = 0; smap_next(&c->ports, &i, &k, &v);)
		if (is_localnet(v))
			cc_port_rewrite(c, v);
	ln_get(c)->dirty = true;
	cc_localnet_commit(c);
}

size_t localnet_entries(const struct compiler *c)
{
	return c->ln ? c->ln->n_entries : 0;
}

void cc_localnet_free(struct compiler *c)
{
	if (!c->ln)
		return;
	free(c->ln->v);
	free(c->ln);
	c->ln = NULL;
}
