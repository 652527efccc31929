// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The pipeline map writer (maps/ovnbpf_maps.h).
 *
 * User space keeps just enough state to write incrementally: stages and
 * their subtables (to reuse a mask), flows (where their cell is), programs
 * (shared by identical action lists), and the lists of staged and retired
 * entries.  The kernel maps stay the source of truth for classifier cells
 * and set members: a cell is placed by reading the key's current value.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "maps/ovnbpf_maps.h"
#include "maps/flow_param.h"
#include "maps/cls_residual.h"

/* ---- map discovery --------------------------------------------------- */

static const struct {
	const char *name;
	size_t off;
} map_names[] = {
#define M(f, n) { n, offsetof(struct ovnbpf_maps, f) }
	M(ctx, "ovn_ctx"), M(gen, "ovn_gen"), M(dps, "ovn_dps"), M(stages, "ovn_stages"),
	M(subtables, "ovn_subtables"), M(cls, "ovn_cls"), M(flows, "ovn_flows"),
	M(progs, "ovn_progs"), M(set_hash, "ovn_set_hash"), M(set_lpm, "ovn_set_lpm"),
	M(ports, "ovn_ports"), M(vifs, "ovn_vifs"), M(mcgroups, "ovn_mcgroups"),
	M(mcpages, "ovn_mcpages"),
	M(drops, "ovn_drops"), M(stage_stats, "ovn_stage_stats"), M(punt, "ovn_punt"),
	M(meters, "ovn_meters"), M(cache, "ovn_cache"), M(cache_ctl, "ovn_cache_ctl"),
	M(mac_bind, "ovn_mac_bind"),
	M(cache_stats, "ovn_cache_stats"),
	M(lb_hairpin, "ovn_lb_hairpin"),
	M(qos_meters, "ovn_qos_meters"),
	M(descs, "ovn_stage_descs"),
#undef M
};

#define N_MAPS (sizeof(map_names) / sizeof(map_names[0]))

static int *map_slot(struct ovnbpf_maps *m, size_t i)
{
	return (int *)((char *)m + map_names[i].off);
}

int ovnbpf_maps_from_object(struct bpf_object *obj, struct ovnbpf_maps *m)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < N_MAPS; i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(obj, map_names[i].name);
		int fd = map ? bpf_map__fd(map) : -1;

		if (fd < 0)
			return -ENOENT;
		*map_slot(m, i) = fd;
	}
	return 0;
}

int ovnbpf_maps_open_pinned(const char *pin_dir, struct ovnbpf_maps *m)
{
	char path[PATH_MAX];
	size_t i;
	int err;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < N_MAPS; i++)
		*map_slot(m, i) = -1;
	m->owned = true;
	if (!pin_dir)
		pin_dir = OVNBPF_PIN_DIR;
	for (i = 0; i < N_MAPS; i++) {
		snprintf(path, sizeof(path), "%s/%s", pin_dir, map_names[i].name);
		*map_slot(m, i) = bpf_obj_get(path);
		if (*map_slot(m, i) < 0) {
			err = -errno;
			ovnbpf_maps_close(m);
			return err;
		}
	}
	return 0;
}

void ovnbpf_maps_close(struct ovnbpf_maps *m)
{
	size_t i;

	if (!m->owned)
		return;
	for (i = 0; i < N_MAPS; i++) {
		if (*map_slot(m, i) >= 0)
			close(*map_slot(m, i));
		*map_slot(m, i) = -1;
	}
	m->owned = false;
}

/* ---- small containers ------------------------------------------------ */

/* u64 -> u32 open-addressing table (keys never 0 after mixing: key + 1). */
struct u64map {
	uint64_t *keys;		/* 0 = empty, UINT64_MAX = tombstone */
	uint32_t *vals;
	uint32_t cap, n, used;
};

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static int u64map_grow(struct u64map *h);

static int u64map_put(struct u64map *h, uint64_t key, uint32_t val)
{
	uint64_t k = key + 1;
	uint32_t i;
	int err;

	if ((h->used + 1) * 4 >= h->cap * 3) {
		err = u64map_grow(h);
		if (err)
			return err;
	}
	for (i = mix64(k) & (h->cap - 1);; i = (i + 1) & (h->cap - 1)) {
		if (h->keys[i] == k) {
			h->vals[i] = val;
			return 0;
		}
		if (h->keys[i] == 0) {
			h->keys[i] = k;
			h->vals[i] = val;
			h->n++;
			h->used++;
			return 0;
		}
	}
}

static int u64map_grow(struct u64map *h)
{
	struct u64map nh = { .cap = h->cap ? h->cap * 2 : 64 };
	uint32_t i;

	nh.keys = calloc(nh.cap, sizeof(*nh.keys));
	nh.vals = calloc(nh.cap, sizeof(*nh.vals));
	if (!nh.keys || !nh.vals) {
		free(nh.keys);
		free(nh.vals);
		return -ENOMEM;
	}
	for (i = 0; i < h->cap; i++)
		if (h->keys[i] && h->keys[i] != UINT64_MAX)
			u64map_put(&nh, h->keys[i] - 1, h->vals[i]);
	free(h->keys);
	free(h->vals);
	*h = nh;
	return 0;
}

static bool u64map_get(const struct u64map *h, uint64_t key, uint32_t *val)
{
	uint64_t k = key + 1;
	uint32_t i;

	if (!h->cap)
		return false;
	for (i = mix64(k) & (h->cap - 1); h->keys[i]; i = (i + 1) & (h->cap - 1)) {
		if (h->keys[i] == k) {
			*val = h->vals[i];
			return true;
		}
	}
	return false;
}

static void u64map_del(struct u64map *h, uint64_t key)
{
	uint64_t k = key + 1;
	uint32_t i;

	if (!h->cap)
		return;
	for (i = mix64(k) & (h->cap - 1); h->keys[i]; i = (i + 1) & (h->cap - 1)) {
		if (h->keys[i] == k) {
			h->keys[i] = UINT64_MAX;
			h->n--;
			return;
		}
	}
}

static void u64map_free(struct u64map *h)
{
	free(h->keys);
	free(h->vals);
	memset(h, 0, sizeof(*h));
}

/* Id allocator over [1, max). */
struct idalloc {
	uint32_t next, max;
	uint32_t *free;
	uint32_t n_free, cap_free;
};

static int id_get(struct idalloc *a, uint32_t *id)
{
	if (a->n_free) {
		*id = a->free[--a->n_free];
		return 0;
	}
	if (a->next >= a->max)
		return -ENOSPC;
	*id = a->next++;
	return 0;
}

static void id_put(struct idalloc *a, uint32_t id)
{
	if (a->n_free == a->cap_free) {
		uint32_t nc = a->cap_free ? a->cap_free * 2 : 64;
		uint32_t *nf = realloc(a->free, nc * sizeof(*nf));

		if (!nf)
			return;	/* leak the id rather than fail */
		a->free = nf;
		a->cap_free = nc;
	}
	a->free[a->n_free++] = id;
}

/* Grow *arr (of elem size SZ) so that index IDX is valid, zero-filled. */
static int grow(void **arr, uint32_t *cap, uint32_t idx, size_t sz)
{
	uint32_t nc = *cap ? *cap : 64;
	void *n;

	if (idx < *cap)
		return 0;
	while (nc <= idx)
		nc *= 2;
	n = realloc(*arr, nc * sz);
	if (!n)
		return -ENOMEM;
	memset((char *)n + *cap * sz, 0, (nc - *cap) * sz);
	*arr = n;
	*cap = nc;
	return 0;
}

/* ---- writer state ---------------------------------------------------- */

struct sub_rec {
	bool in_use;
	uint32_t stage;			/* index into stages[] */
	struct ovn_subtable def;
	int32_t max_prio;
	uint32_t refs;			/* flow records using it, any state */
};

struct stage_rec {
	bool in_use;
	struct ovn_stage_key key;
	uint32_t n_sub, cap_sub;
	uint32_t *sub;			/* subtable ids, any order */
	/* The chain as written (maps/pipeline.h): key.cont of the entries
	 * after the head, in walk order. */
	uint16_t *cont;
	uint32_t n_cont;
	uint16_t cont_next;		/* where the search for a free key starts */
	bool list_dirty;		/* sub[] or a max priority changed */
	uint32_t n_flows;		/* after the next commit */
	uint32_t n_pass;		/* of which are `next;` to the next table */
	bool dirty;
};

struct prog_rec {
	bool in_use;
	uint64_t hash;
	uint32_t refs;
	uint32_t n_ops;
	struct ovn_op *ops;
	uint32_t n_chunks;
	uint32_t chunk[8];		/* ovn_progs ids; chunk[0] is the entry */
};

/* An ovn_flows record, shared by the flows with the same content. */
struct rec_rec {
	bool in_use;
	uint32_t refs;
	uint64_t hash;
	struct ovn_flow v;
};

enum flow_state { F_FREE, F_PENDING_ADD, F_LIVE, F_PENDING_DEL, F_RETIRED };

struct flow_rec {
	uint8_t state;
	bool passlike;
	int32_t prio;
	uint32_t stage, sub, prog;
	uint32_t rec;			/* ovn_flows record */
	uint32_t res;			/* its cell's OVN_CLS_RES_* bits, 0: none */
	struct ovn_cls_key key;		/* slot = where the cell is */
	uint32_t cell;
	uint8_t param[OVN_CLS_PARAM_BYTES];	/* its cell's (maps/flow_param.c) */
	uint64_t retired_ns;
};

enum retire_kind { R_FLOW, R_SET_HASH, R_SET_LPM, R_MC_PAGE, R_PORT_MEMBER, R_STAGE_CONT,
		   R_DP_SLOT };

struct retire_rec {
	uint8_t kind;
	uint32_t flow;
	uint32_t ver;			/* hidden from this version on */
	uint64_t retired_ns;		/* 0 while still staged */
	union {
		struct ovn_set_key hk;
		struct ovn_set_lpm_key lk;
		struct ovn_mcpage_key mk;	/* R_MC_PAGE */
		struct ovn_stage_key sk;	/* R_STAGE_CONT */
		uint32_t slot;			/* R_DP_SLOT */
		struct {			/* R_PORT_MEMBER */
			struct ovn_port_key pk;
			struct ovn_port_member pm;
		};
	};
};

struct dp_rec {
	uint32_t key;
	bool in_use;
	bool del_pending;		/* removed from ovn_dps at the next commit */
	struct ovn_dp d;
	/* Stage descriptors (maps/pipeline.h ovn_stage_descs): bit OFF of
	 * desc_ok[k] says copy k holds stage OFF as it is now; desc_dirty:
	 * a stage changed, the next commit writes the inactive copy and
	 * flips d.sel.  flip_ns: when d.sel last changed. */
	uint64_t desc_ok[2];
	bool desc_dirty;
	uint64_t flip_ns;
	/* A slot allocated but not yet in d.slot: published by the commit
	 * that first fills its descriptors. */
	uint16_t new_slot;
};

struct adopt;

struct ovnbpf_writer {
	struct ovnbpf_maps m;
	uint32_t ver;			/* active version */
	struct ovn_cache_ctl cache;	/* ovn_cache_ctl[0] as last written */
	uint64_t grace_ns;

	struct sub_rec *subs;
	uint32_t cap_subs;
	struct idalloc sub_ids;

	struct stage_rec *stages;
	uint32_t cap_stages, n_stages_used;
	struct idalloc stage_ids;
	struct u64map stage_idx;	/* packed stage key -> stages[] index */

	struct prog_rec *progs;
	uint32_t cap_progs, n_progs_used;
	struct idalloc prog_recs;	/* index into progs[] */
	struct idalloc prog_ids;	/* ovn_progs ids */
	struct u64map prog_idx;		/* content hash -> progs[] index */

	struct flow_rec *flows;
	uint32_t cap_flows, n_flows_used;
	struct idalloc flow_ids;

	struct rec_rec *recs;		/* index = ovn_flows id */
	uint32_t cap_recs, n_recs_used;
	struct idalloc rec_ids;
	struct u64map rec_idx;		/* content hash -> recs[] index */

	uint32_t *pending;		/* flow ids staged for this commit */
	uint32_t n_pending, cap_pending;

	struct retire_rec *retire;
	uint32_t n_retire, cap_retire;

	struct dp_rec *dps;
	uint32_t cap_dps;
	struct idalloc dp_recs;
	struct u64map dp_idx;
	struct idalloc dp_slots;	/* ovn_dp.slot, 1..OVN_MAX_DP_SLOTS - 1 */

	/* What a previous writer left pinned (NULL when nothing). */
	struct adopt *adopt;

	/* Next multicast page generation (maps/ports.h): never reused. */
	uint32_t mc_gen;

	/* Ports (dp << 32 | key) that have spilled a membership to the set
	 * maps: their entries carry OVN_PORT_F_SPILL from then on. */
	struct u64map spill;

	/* Why the last call failed, when errno alone does not say (NULL:
	 * nothing more to say). */
	const char *why;
	char why_buf[96];
};

/* Restart reconciliation (bottom of this file). */
static int adopt_scan(struct ovnbpf_writer *w);
static void adopt_free(struct ovnbpf_writer *w);
static bool adopt_claim_flow(struct ovnbpf_writer *w, uint32_t sub, const struct ovn_cls_key *key,
			     int32_t prio, const struct ovn_op *ops, uint32_t n_ops,
			     const uint8_t *param, uint32_t res, const struct ovn_flow *fv,
			     uint32_t *id);
static bool adopt_claim_member(struct ovnbpf_writer *w, bool lpm, const void *k);
enum adopt_imm { A_DP, A_PORT, A_MCGROUP, A_VIF };
static void adopt_claim_imm(struct ovnbpf_writer *w, enum adopt_imm kind, uint32_t a, uint32_t b);
static void adopt_after_commit(struct ovnbpf_writer *w);
static int mc_scan(struct ovnbpf_writer *w);
static struct retire_rec *push_retire(struct ovnbpf_writer *w);
static int all_keys(int fd, size_t ksz, void **out, uint32_t *n);
static int mc_retire_pages(struct ovnbpf_writer *w, uint32_t dp, uint32_t key);

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t stage_pack(const struct ovn_stage_key *k)
{
	return (uint64_t)k->dp << 16 | (uint64_t)k->pipeline << 8 | k->table;
}

int ovnbpf_writer_new(const struct ovnbpf_maps *m, struct ovnbpf_writer **out)
{
	struct ovnbpf_writer *w;
	uint32_t zero = 0;
	int err;

	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->m = *m;
	w->m.owned = false;
	w->grace_ns = 50 * 1000000ULL;
	if (bpf_map_lookup_elem(m->gen, &zero, &w->ver))
		w->ver = 0;
	if (bpf_map_lookup_elem(m->cache_ctl, &zero, &w->cache))
		memset(&w->cache, 0, sizeof(w->cache));
	w->sub_ids = (struct idalloc){ .next = 1, .max = OVN_MAX_SUBTABLES };
	w->stage_ids = (struct idalloc){ .next = 0, .max = OVN_MAX_STAGES };
	w->prog_recs = (struct idalloc){ .next = 0, .max = UINT32_MAX };
	w->prog_ids = (struct idalloc){ .next = 1, .max = OVN_MAX_PROGS };
	w->flow_ids = (struct idalloc){ .next = 1, .max = OVN_MAX_FLOWS };
	w->rec_ids = (struct idalloc){ .next = 1, .max = OVN_MAX_FLOWS };
	w->dp_recs = (struct idalloc){ .next = 0, .max = OVN_MAX_DPS };
	w->dp_slots = (struct idalloc){ .next = 1, .max = OVN_MAX_DP_SLOTS };
	/* A previous ovnbpfd's rules stay in force until ovnbpf_adopt_finish()
	 * (DESIGN §3.9): take them over rather than write over them. */
	err = adopt_scan(w) ?: mc_scan(w);
	if (err) {
		ovnbpf_writer_free(w);
		return err;
	}
	*out = w;
	return 0;
}

void ovnbpf_writer_free(struct ovnbpf_writer *w)
{
	uint32_t i;

	if (!w)
		return;
	adopt_free(w);
	for (i = 0; i < w->cap_progs; i++)
		free(w->progs[i].ops);
	free(w->subs);
	free(w->sub_ids.free);
	for (i = 0; i < w->cap_stages; i++) {
		free(w->stages[i].sub);
		free(w->stages[i].cont);
	}
	free(w->stages);
	free(w->stage_ids.free);
	u64map_free(&w->stage_idx);
	free(w->progs);
	free(w->prog_recs.free);
	free(w->prog_ids.free);
	u64map_free(&w->prog_idx);
	free(w->flows);
	free(w->flow_ids.free);
	free(w->recs);
	free(w->rec_ids.free);
	u64map_free(&w->rec_idx);
	free(w->pending);
	free(w->retire);
	u64map_free(&w->spill);
	free(w->dps);
	free(w->dp_recs.free);
	free(w->dp_slots.free);
	u64map_free(&w->dp_idx);
	free(w);
}

void ovnbpf_writer_set_grace(struct ovnbpf_writer *w, uint64_t grace_ns)
{
	w->grace_ns = grace_ns;
}

const char *ovnbpf_writer_why(const struct ovnbpf_writer *w)
{
	return w->why;
}

uint32_t ovnbpf_version(const struct ovnbpf_writer *w)
{
	return w->ver;
}

const struct ovnbpf_maps *ovnbpf_writer_maps(const struct ovnbpf_writer *w)
{
	return &w->m;
}

static int map_update(int fd, const void *k, const void *v, uint64_t flags)
{
	return bpf_map_update_elem(fd, k, v, flags) ? -errno : 0;
}

/* ---- exact-match cache ----------------------------------------------- */

static int cache_ctl_write(struct ovnbpf_writer *w)
{
	uint32_t zero = 0;

	return map_update(w->m.cache_ctl, &zero, &w->cache, BPF_ANY);
}

/* Called AFTER an immediate write: a packet that read the old epoch may
 * have computed its result from the old entry, and its entry carries the
 * old epoch; one that reads the new epoch reads the new entry too. */
static int cache_bump(struct ovnbpf_writer *w)
{
	w->cache.epoch++;
	return cache_ctl_write(w);
}

/* Result of an immediate write ERR; bump the epoch when it changed
 * something. */
static int bumped(struct ovnbpf_writer *w, int err)
{
	int e;

	if (err)
		return err;
	e = cache_bump(w);
	return e;
}

int ovnbpf_cache_invalidate(struct ovnbpf_writer *w)
{
	return cache_bump(w);
}

int ovnbpf_cache_enable(struct ovnbpf_writer *w, bool on)
{
	if (on)
		w->cache.flags &= ~OVN_CACHE_F_DISABLED;
	else
		w->cache.flags |= OVN_CACHE_F_DISABLED;
	return cache_bump(w);
}

int ovnbpf_cache_read_stats(const struct ovnbpf_maps *m, struct ovn_cache_stats *s,
			    uint64_t *entries, uint64_t *hits)
{
	int ncpu = libbpf_num_possible_cpus(), i, err = 0;
	struct ovn_cache_key k, nk;
	struct ovn_cache_stats *v;
	struct ovn_cache_val *cv = NULL;
	uint32_t zero = 0;
	void *prev = NULL;

	if (ncpu < 0)
		return ncpu;
	memset(s, 0, sizeof(*s));
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(m->cache_stats, &zero, v)) {
		err = -errno;
		goto out;
	}
	for (i = 0; i < ncpu; i++) {
		s->hits += v[i].hits;
		s->misses += v[i].misses;
		s->stale += v[i].stale;
		s->inserts += v[i].inserts;
		s->uncacheable += v[i].uncacheable;
		s->insert_fail += v[i].insert_fail;
		s->ct_hits += v[i].ct_hits;
		s->ct_miss += v[i].ct_miss;
	}
	if (!entries && !hits)
		goto out;
	if (entries)
		*entries = 0;
	if (hits)
		*hits = 0;
	cv = calloc(ncpu, sizeof(*cv));
	if (!cv) {
		err = -ENOMEM;
		goto out;
	}
	while (!bpf_map_get_next_key(m->cache, prev, &nk)) {
		k = nk;
		prev = &k;
		if (entries)
			(*entries)++;
		if (hits && !bpf_map_lookup_elem(m->cache, &k, cv))
			for (i = 0; i < ncpu; i++)
				*hits += cv[i].hits;
	}
out:
	free(cv);
	free(v);
	return err;
}

/* ---- datapaths ------------------------------------------------------- */

static struct dp_rec *dp_find(struct ovnbpf_writer *w, uint32_t dp)
{
	uint32_t i;

	if (!u64map_get(&w->dp_idx, dp, &i))
		return NULL;
	return &w->dps[i];
}

/* Stage OFF of datapath DP changed: both descriptor copies are out of
 * date, the next commit writes one and flips to it. */
static void desc_touch(struct ovnbpf_writer *w, const struct ovn_stage_key *k)
{
	struct dp_rec *r = dp_find(w, k->dp);
	uint64_t bit;

	if (!r || !OVN_DESC_FITS(k->pipeline, k->table))
		return;
	bit = 1ULL << OVN_DESC_OFF(k->pipeline, k->table);
	r->desc_ok[0] &= ~bit;
	r->desc_ok[1] &= ~bit;
	r->desc_dirty = true;
}

/* Give datapath R a descriptor slot, both copies cleared (a slot freed
 * by a datapath delete, or left by a previous ovnbpfd, holds old
 * descriptors).  Without a free slot the datapath's stages are read from
 * ovn_stages: slower, not wrong. */
static void dp_slot_alloc(struct ovnbpf_writer *w, struct dp_rec *r)
{
	struct ovn_stage_desc zero = {};
	uint32_t slot, i, idx;

	r->desc_ok[0] = r->desc_ok[1] = 0;
	r->desc_dirty = true;
	if (r->new_slot || id_get(&w->dp_slots, &slot))
		return;
	for (i = 0; i < 2 * OVN_DESC_PER_DP; i++) {
		idx = slot * 2 * OVN_DESC_PER_DP + i;
		if (bpf_map_update_elem(w->m.descs, &idx, &zero, BPF_ANY)) {
			id_put(&w->dp_slots, slot);
			return;
		}
	}
	r->new_slot = slot;
}

int ovnbpf_datapath_add(struct ovnbpf_writer *w, uint32_t dp, enum ovn_dp_type type)
{
	struct dp_rec *r = dp_find(w, dp);
	uint32_t i;
	int err;

	if (type != OVN_DP_SWITCH && type != OVN_DP_ROUTER)
		return -EINVAL;
	adopt_claim_imm(w, A_DP, dp, 0);
	if (!r) {
		err = id_get(&w->dp_recs, &i);
		if (err)
			return err;
		err = grow((void **)&w->dps, &w->cap_dps, i, sizeof(*w->dps));
		if (!err)
			err = u64map_put(&w->dp_idx, dp, i);
		if (err) {
			id_put(&w->dp_recs, i);
			return err;
		}
		r = &w->dps[i];
		memset(r, 0, sizeof(*r));
		r->key = dp;
		r->in_use = true;
	}
	r->del_pending = false;
	if (!r->d.slot)
		dp_slot_alloc(w, r);
	r->d.type = type;
	r->d.n_tables[0] = type == OVN_DP_SWITCH ? OVN_LS_IN_TABLES : OVN_LR_IN_TABLES;
	r->d.n_tables[1] = type == OVN_DP_SWITCH ? OVN_LS_OUT_TABLES : OVN_LR_OUT_TABLES;
	return bumped(w, map_update(w->m.dps, &dp, &r->d, BPF_ANY));
}

int ovnbpf_datapath_set_zones(struct ovnbpf_writer *w, uint32_t dp, uint16_t dnat, uint16_t snat)
{
	struct dp_rec *r = dp_find(w, dp);

	if (!r)
		return -ENOENT;
	if (r->d.dnat_zone == dnat && r->d.snat_zone == snat)
		return 0;
	r->d.dnat_zone = dnat;
	r->d.snat_zone = snat;
	return map_update(w->m.dps, &dp, &r->d, BPF_ANY);
}

/* The ovn_dps entry goes at the next commit, after the version flip that
 * hides the datapath's flows: until then packets see the old datapath
 * whole (its flows are removed by the caller in the same batch). */
int ovnbpf_datapath_del(struct ovnbpf_writer *w, uint32_t dp)
{
	struct dp_rec *r = dp_find(w, dp);

	if (!r || r->del_pending)
		return -ENOENT;
	r->del_pending = true;
	return 0;
}

static int dp_free(struct ovnbpf_writer *w, struct dp_rec *r)
{
	uint32_t i, dp = r->key;
	struct retire_rec *rr;

	if (!u64map_get(&w->dp_idx, dp, &i))
		return -ENOENT;
	u64map_del(&w->dp_idx, dp);
	/* The slot's descriptors may still be read by a packet that looked
	 * the datapath up before its entry went: reused after the grace
	 * period (and cleared when it is allocated again). */
	if (r->d.slot) {
		rr = push_retire(w);
		if (rr) {
			rr->kind = R_DP_SLOT;
			rr->slot = r->d.slot;
			rr->ver = w->ver;
			rr->retired_ns = now_ns();
		}
		r->d.slot = 0;
	}
	if (r->new_slot) {
		id_put(&w->dp_slots, r->new_slot);	/* never published */
		r->new_slot = 0;
	}
	r->in_use = false;
	r->del_pending = false;
	id_put(&w->dp_recs, i);
	if (bpf_map_delete_elem(w->m.dps, &dp) && errno != ENOENT)
		return -errno;
	return bumped(w, 0);
}

/* ---- ports, VIFs, multicast groups, meters ---------------------------- */

static uint64_t port_pack(uint32_t dp, uint32_t port)
{
	return (uint64_t)dp << 32 | port;
}

/* The record part (members, SPILL) is the member calls' business: keep
 * what the entry has. */
int ovnbpf_port_add(struct ovnbpf_writer *w, uint32_t dp, uint32_t port, const struct ovn_port *p)
{
	struct ovn_port_key k = { .dp = dp, .port = port };
	struct ovn_port v = *p, cur;
	uint32_t dummy;

	adopt_claim_imm(w, A_PORT, dp, port);
	v.flags &= ~OVN_PORT_F_SPILL;
	memset(v.member, 0, sizeof(v.member));
	if (!bpf_map_lookup_elem(w->m.ports, &k, &cur)) {
		memcpy(v.member, cur.member, sizeof(v.member));
		v.flags |= cur.flags & OVN_PORT_F_SPILL;
	}
	if (u64map_get(&w->spill, port_pack(dp, port), &dummy))
		v.flags |= OVN_PORT_F_SPILL;
	return bumped(w, map_update(w->m.ports, &k, &v, BPF_ANY));
}

/* ---- port records (maps/ports.h) ----------------------------------------- */

static bool pm_same(const struct ovn_port_member *a, const struct ovn_port_member *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == OVN_PM_GROUP)
		return a->set_id == b->set_id;
	return a->len == b->len && a->plen == b->plen && !memcmp(a->v, b->v, sizeof(a->v));
}

/* M as the caller gave it, normalised: unused bytes zero. */
static int pm_norm(const struct ovn_port_member *in, struct ovn_port_member *m)
{
	memset(m, 0, sizeof(*m));
	m->kind = in->kind;
	if (in->kind == OVN_PM_GROUP) {
		m->set_id = in->set_id;
		return 0;
	}
	if (in->kind != OVN_PM_ADDR || !in->len || in->len > 16 || in->plen > in->len * 8)
		return -EINVAL;
	m->len = in->len;
	m->plen = in->plen;
	for (int i = 0; i < in->len; i++) {
		int bits = (int)in->plen - i * 8;

		m->v[i] = in->v[i] & (bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits)));
	}
	return 0;
}

int ovnbpf_port_member_add(struct ovnbpf_writer *w, uint32_t dp, uint32_t port,
			   const struct ovn_port_member *in)
{
	struct ovn_port_key k = { .dp = dp, .port = port };
	struct ovn_port_member m;
	struct ovn_port v;
	int i, free_slot = -1, err;

	err = pm_norm(in, &m);
	if (err)
		return err;
	if (bpf_map_lookup_elem(w->m.ports, &k, &v))
		return -ENOENT;
	for (i = 0; i < OVN_PORT_MEMBERS; i++) {
		struct ovn_port_member *x = &v.member[i];

		if (x->kind == OVN_PM_FREE) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		if (!pm_same(x, &m))
			continue;
		if (x->rm_ver == OVN_VER_INF) {
			if (!(x->wflags & OVN_PM_W_ADOPTED))
				return -EEXIST;
			x->wflags &= ~OVN_PM_W_ADOPTED;		/* claimed */
			return map_update(w->m.ports, &k, &v, BPF_EXIST);
		}
		if (x->rm_ver == w->ver + 1) {
			x->rm_ver = OVN_VER_INF;	/* un-delete: stays visible */
			return map_update(w->m.ports, &k, &v, BPF_EXIST);
		}
		/* Hidden by a commit, slot not reclaimed yet: a packet of that
		 * older version may still read it; take another slot. */
	}
	if (free_slot < 0)
		return -ENOSPC;
	m.add_ver = w->ver + 1;
	m.rm_ver = OVN_VER_INF;
	v.member[free_slot] = m;
	return map_update(w->m.ports, &k, &v, BPF_EXIST);
}

int ovnbpf_port_member_del(struct ovnbpf_writer *w, uint32_t dp, uint32_t port,
			   const struct ovn_port_member *in)
{
	struct ovn_port_key k = { .dp = dp, .port = port };
	struct ovn_port_member m;
	struct retire_rec *r;
	struct ovn_port v;
	int i, err;

	err = pm_norm(in, &m);
	if (err)
		return err;
	if (bpf_map_lookup_elem(w->m.ports, &k, &v))
		return -ENOENT;
	for (i = 0; i < OVN_PORT_MEMBERS; i++) {
		struct ovn_port_member *x = &v.member[i];

		if (x->kind == OVN_PM_FREE || x->rm_ver != OVN_VER_INF || !pm_same(x, &m))
			continue;
		if (x->add_ver == w->ver + 1) {
			memset(x, 0, sizeof(*x));	/* never visible */
			return map_update(w->m.ports, &k, &v, BPF_EXIST);
		}
		r = push_retire(w);
		if (!r)
			return -ENOMEM;
		x->rm_ver = w->ver + 1;
		x->wflags &= ~OVN_PM_W_ADOPTED;
		err = map_update(w->m.ports, &k, &v, BPF_EXIST);
		if (err) {
			w->n_retire--;
			return err;
		}
		r->kind = R_PORT_MEMBER;
		r->ver = w->ver + 1;
		r->pk = k;
		r->pm = *x;
		return 0;
	}
	return -ENOENT;
}

int ovnbpf_port_spill(struct ovnbpf_writer *w, uint32_t dp, uint32_t port)
{
	struct ovn_port_key k = { .dp = dp, .port = port };
	struct ovn_port v;
	uint32_t dummy;
	int err;

	if (!u64map_get(&w->spill, port_pack(dp, port), &dummy)) {
		err = u64map_put(&w->spill, port_pack(dp, port), 1);
		if (err)
			return err;
	}
	if (bpf_map_lookup_elem(w->m.ports, &k, &v) || (v.flags & OVN_PORT_F_SPILL))
		return 0;
	/* No packet's answer changes: the set maps hold nothing of this
	 * port yet (the caller adds the spilled member after this). */
	v.flags |= OVN_PORT_F_SPILL;
	return map_update(w->m.ports, &k, &v, BPF_EXIST);
}

/* The grace period after the commit that hid R's member is over: free
 * its slot (unless the port is gone or re-added it since). */
static void port_member_reclaim(struct ovnbpf_writer *w, const struct retire_rec *r)
{
	struct ovn_port v;
	int i;

	if (bpf_map_lookup_elem(w->m.ports, &r->pk, &v))
		return;
	for (i = 0; i < OVN_PORT_MEMBERS; i++) {
		struct ovn_port_member *x = &v.member[i];

		if (x->kind != OVN_PM_FREE && x->rm_ver == r->pm.rm_ver &&
		    x->add_ver == r->pm.add_ver && pm_same(x, &r->pm)) {
			memset(x, 0, sizeof(*x));
			map_update(w->m.ports, &r->pk, &v, BPF_EXIST);
			return;
		}
	}
}

int ovnbpf_port_del(struct ovnbpf_writer *w, uint32_t dp, uint32_t port)
{
	struct ovn_port_key k = { .dp = dp, .port = port };

	return bumped(w, bpf_map_delete_elem(w->m.ports, &k) ? -errno : 0);
}

int ovnbpf_vif_add(struct ovnbpf_writer *w, uint32_t ifindex, const struct ovn_vif *v)
{
	adopt_claim_imm(w, A_VIF, ifindex, 0);
	return bumped(w, map_update(w->m.vifs, &ifindex, v, BPF_ANY));
}

int ovnbpf_vif_del(struct ovnbpf_writer *w, uint32_t ifindex)
{
	return bumped(w, bpf_map_delete_elem(w->m.vifs, &ifindex) ? -errno : 0);
}

/* Pages of a group of N members (the first OVN_MC_MAX_MEMBERS of them). */
static uint32_t mc_n_pages(uint32_t n)
{
	if (n > OVN_MC_MAX_MEMBERS)
		n = OVN_MC_MAX_MEMBERS;
	return (n + OVN_MC_PAGE_PORTS - 1) / OVN_MC_PAGE_PORTS;
}

/* Does the group installed as G (its head) have exactly PORTS[0..N)? */
static bool mc_same(struct ovnbpf_writer *w, uint32_t dp, uint32_t key,
		    const struct ovn_mcgroup *g, const uint32_t *ports, uint32_t n)
{
	struct ovn_mcpage_key pk = { .dp = dp, .group = key, .gen = g->gen };
	struct ovn_mcpage pg;
	uint32_t m = n > OVN_MC_MAX_MEMBERS ? OVN_MC_MAX_MEMBERS : n;

	if (g->n != n)
		return false;
	for (pk.page = 0; pk.page < mc_n_pages(n); pk.page++) {
		uint32_t at = pk.page * OVN_MC_PAGE_PORTS, cnt = m - at;

		if (cnt > OVN_MC_PAGE_PORTS)
			cnt = OVN_MC_PAGE_PORTS;
		if (bpf_map_lookup_elem(w->m.mcpages, &pk, &pg) || pg.n != cnt ||
		    memcmp(pg.port, ports + at, cnt * sizeof(*ports)))
			return false;
	}
	return true;
}

/* Old pages go after the grace period: a fan-out that read the old head
 * may still be reading them. */
static int mc_retire(struct ovnbpf_writer *w, uint32_t dp, uint32_t key,
		     const struct ovn_mcgroup *g)
{
	uint64_t now = now_ns();
	uint32_t i;

	for (i = 0; i < mc_n_pages(g->n); i++) {
		struct retire_rec *r = push_retire(w);

		if (!r)
			return -ENOMEM;
		r->kind = R_MC_PAGE;
		r->ver = w->ver;
		r->retired_ns = now;
		r->mk = (struct ovn_mcpage_key){ .dp = dp, .group = key, .gen = g->gen, .page = i };
	}
	return 0;
}

/* The head of (DP, KEY) is gone or going: retire its pages. */
static int mc_retire_pages(struct ovnbpf_writer *w, uint32_t dp, uint32_t key)
{
	struct ovn_port_key k = { .dp = dp, .port = key };
	struct ovn_mcgroup g;

	if (bpf_map_lookup_elem(w->m.mcgroups, &k, &g))
		return 0;
	return mc_retire(w, dp, key, &g);
}

/* Pages first, under a fresh generation, then the head in one update
 * (maps/ports.h): a fan-out sees the old group or the new one. */
int ovnbpf_mcgroup_set(struct ovnbpf_writer *w, uint32_t dp, uint32_t key, const uint32_t *ports,
		       uint32_t n)
{
	struct ovn_port_key k = { .dp = dp, .port = key };
	struct ovn_mcpage_key pk = { .dp = dp, .group = key };
	struct ovn_mcgroup old, g = { .n = n };
	uint32_t m = n > OVN_MC_MAX_MEMBERS ? OVN_MC_MAX_MEMBERS : n, np = mc_n_pages(n);
	bool had;
	int err = 0;

	if (key < OVN_MC_KEY_MIN)
		return -EINVAL;
	had = !bpf_map_lookup_elem(w->m.mcgroups, &k, &old);
	adopt_claim_imm(w, A_MCGROUP, dp, key);
	if (had && mc_same(w, dp, key, &old, ports, n))
		return n > m ? -E2BIG : 0;	/* unchanged: nothing to write */
	if (!++w->mc_gen)
		w->mc_gen = 1;
	g.gen = pk.gen = w->mc_gen;
	for (pk.page = 0; pk.page < np && !err; pk.page++) {
		struct ovn_mcpage pg = {};
		uint32_t at = pk.page * OVN_MC_PAGE_PORTS;

		pg.n = m - at > OVN_MC_PAGE_PORTS ? OVN_MC_PAGE_PORTS : m - at;
		memcpy(pg.port, ports + at, pg.n * sizeof(*ports));
		err = map_update(w->m.mcpages, &pk, &pg, BPF_ANY);
	}
	err = err ?: map_update(w->m.mcgroups, &k, &g, BPF_ANY);
	if (err) {
		/* Nobody saw the new pages: the old group stays. */
		for (pk.page = 0; pk.page < np; pk.page++)
			bpf_map_delete_elem(w->m.mcpages, &pk);
		return err;
	}
	if (had)
		err = mc_retire(w, dp, key, &old);
	err = bumped(w, err);
	return err ?: n > m ? -E2BIG : 0;
}

int ovnbpf_mcgroup_del(struct ovnbpf_writer *w, uint32_t dp, uint32_t key)
{
	struct ovn_port_key k = { .dp = dp, .port = key };
	struct ovn_mcgroup g;

	if (bpf_map_lookup_elem(w->m.mcgroups, &k, &g))
		return -ENOENT;
	if (bpf_map_delete_elem(w->m.mcgroups, &k))
		return -errno;
	return bumped(w, mc_retire(w, dp, key, &g));
}

/* At start: the generation counter goes past every generation in the
 * maps, and pages no head refers to (left by a writer that died before
 * their grace period ended) are freed. */
static int mc_scan(struct ovnbpf_writer *w)
{
	struct ovn_mcpage_key *keys = NULL;
	struct ovn_port_key hk, *heads = NULL;
	struct ovn_mcgroup g;
	uint32_t n = 0, i, max = 0;
	int err;

	err = all_keys(w->m.mcpages, sizeof(*keys), (void **)&keys, &n);
	for (i = 0; i < n && !err; i++) {
		hk = (struct ovn_port_key){ .dp = keys[i].dp, .port = keys[i].group };
		if (keys[i].gen > max)
			max = keys[i].gen;
		if (bpf_map_lookup_elem(w->m.mcgroups, &hk, &g) || g.gen != keys[i].gen ||
		    keys[i].page >= mc_n_pages(g.n))
			bpf_map_delete_elem(w->m.mcpages, &keys[i]);
	}
	free(keys);
	/* Heads too: an empty group has no page. */
	err = err ?: all_keys(w->m.mcgroups, sizeof(hk), (void **)&heads, &n);
	for (i = 0; i < n && !err; i++)
		if (!bpf_map_lookup_elem(w->m.mcgroups, &heads[i], &g) && g.gen > max)
			max = g.gen;
	free(heads);
	w->mc_gen = max;
	return err;
}

int ovnbpf_meter_set(struct ovnbpf_writer *w, uint32_t id, uint32_t rate_pps, uint32_t burst)
{
	int ncpu = libbpf_num_possible_cpus(), i, err;
	struct ovn_meter *v;

	if (ncpu < 0)
		return ncpu;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < ncpu; i++) {
		v[i].rate_pps = rate_pps;
		v[i].burst = burst;
		v[i].tokens = (uint64_t)burst * 1000000000ULL;
	}
	err = map_update(w->m.meters, &id, v, BPF_ANY);
	free(v);
	return bumped(w, err);
}

/* ---- stages and subtables -------------------------------------------- */

static int stage_get(struct ovnbpf_writer *w, const struct ovn_stage_key *k, bool create,
		     uint32_t *idx)
{
	uint64_t pk = stage_pack(k);
	int err;

	if (u64map_get(&w->stage_idx, pk, idx))
		return 0;
	if (!create)
		return -ENOENT;
	err = id_get(&w->stage_ids, idx);
	if (err)
		return err;
	err = grow((void **)&w->stages, &w->cap_stages, *idx, sizeof(*w->stages));
	if (!err)
		err = u64map_put(&w->stage_idx, pk, *idx);
	if (err) {
		id_put(&w->stage_ids, *idx);
		return err;
	}
	memset(&w->stages[*idx], 0, sizeof(w->stages[*idx]));
	w->stages[*idx].in_use = true;
	w->stages[*idx].key = *k;
	w->n_stages_used++;
	return 0;
}

static int stage_flush(struct ovnbpf_writer *w, uint32_t si);

/* Forget a stage that has no flow and no subtable left: its ovn_stages
 * entries go now (no visible cell is left to reach through them), so a
 * deleted datapath leaves nothing behind. */
static void stage_free(struct ovnbpf_writer *w, uint32_t si)
{
	struct stage_rec *s = &w->stages[si];

	if (!s->in_use)
		return;
	stage_flush(w, si);
	desc_touch(w, &s->key);
	u64map_del(&w->stage_idx, stage_pack(&s->key));
	free(s->sub);
	free(s->cont);
	s->sub = NULL;
	s->cont = NULL;
	s->cap_sub = s->n_cont = 0;
	s->in_use = false;
	s->dirty = false;
	id_put(&w->stage_ids, si);
	w->n_stages_used--;
}

/* The stage's subtable list changed: written by the next stage_flush
 * (the commit writes every changed stage before it flips the version, so
 * a cell never becomes visible before its subtable is listed). */
static void stage_write(struct ovnbpf_writer *w, uint32_t si)
{
	w->stages[si].list_dirty = true;
	desc_touch(w, &w->stages[si].key);
}

/* Hide continuation entry CONT of stage S: deleted after the grace period
 * (a packet that read the old head may still walk it). */
static void cont_retire(struct ovnbpf_writer *w, const struct stage_rec *s, uint16_t cont)
{
	struct retire_rec *r = push_retire(w);

	if (!r) {
		/* Leaked until restart adoption drops it (unreachable). */
		return;
	}
	r->kind = R_STAGE_CONT;
	r->sk = s->key;
	r->sk.cont = cont;
	r->ver = w->ver;
	r->retired_ns = now_ns();
}

/* Write V under a continuation key of stage S that no entry uses. */
static int cont_write(struct ovnbpf_writer *w, struct stage_rec *s, const struct ovn_stage *v,
		      uint16_t *cont)
{
	struct ovn_stage_key k = s->key;
	uint32_t tries;

	for (tries = 0; tries < 65535; tries++) {
		if (!++s->cont_next)
			s->cont_next = 1;
		k.cont = s->cont_next;
		if (!bpf_map_update_elem(w->m.stages, &k, v, BPF_NOEXIST)) {
			*cont = k.cont;
			return 0;
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -ENOSPC;
}

/* Entry E of the chain over the sorted IDS/PRIO (N in all). */
static void stage_entry(struct ovn_stage *v, const uint32_t *ids, const int32_t *prio,
			uint32_t n, uint32_t e, uint16_t next)
{
	uint32_t i, base = e * OVN_STAGE_MAX_SUB;

	memset(v, 0, sizeof(*v));
	v->n_sub = n - base < OVN_STAGE_MAX_SUB ? n - base : OVN_STAGE_MAX_SUB;
	v->next = next;
	for (i = 0; i < v->n_sub; i++) {
		v->sub.sub_id[i] = ids[base + i];
		v->sub.sub_max_prio[i] = prio[base + i];
	}
}

/* The subtables of S in decreasing max priority (stable): the walk order. */
static void stage_sorted(const struct ovnbpf_writer *w, const struct stage_rec *s, uint32_t *ids,
			 int32_t *prio)
{
	uint32_t i, j;

	for (i = 0; i < s->n_sub; i++) {
		uint32_t id = s->sub[i];
		int32_t p = w->subs[id].max_prio;

		/* insertion sort, stable */
		for (j = i; j > 0 && prio[j - 1] < p; j--) {
			ids[j] = ids[j - 1];
			prio[j] = prio[j - 1];
		}
		ids[j] = id;
		prio[j] = p;
	}
}

/* Write the stage's subtable list, in decreasing max priority: the head
 * entry holds the first OVN_STAGE_MAX_SUB, continuation entries the rest.
 * A continuation is never rewritten in place: an entry that changed (and
 * every entry before it, whose `next` changes) is written under a fresh
 * key, and the update of the head switches a packet from the whole old
 * list to the whole new one.  An entry identical to the old one at its
 * position (the tail of a list that changed near its head) is kept. */
static int stage_flush(struct ovnbpf_writer *w, uint32_t si)
{
	struct stage_rec *s = &w->stages[si];
	uint32_t n = s->n_sub, n_ent, i, e;
	uint16_t *cont = NULL, next = 0;
	int32_t *prio = NULL;
	uint32_t *ids = NULL;
	struct ovn_stage v, old;
	int err = 0;

	if (!n) {
		if (bpf_map_delete_elem(w->m.stages, &s->key) && errno != ENOENT)
			return -errno;
		for (i = 0; i < s->n_cont; i++)
			cont_retire(w, s, s->cont[i]);
		s->n_cont = 0;
		s->list_dirty = false;
		return 0;
	}
	n_ent = (n + OVN_STAGE_MAX_SUB - 1) / OVN_STAGE_MAX_SUB;
	ids = malloc(n * sizeof(*ids));
	prio = malloc(n * sizeof(*prio));
	cont = calloc(n_ent, sizeof(*cont));
	if (!ids || !prio || !cont) {
		err = -ENOMEM;
		goto cleanup;
	}
	stage_sorted(w, s, ids, prio);
	/* Back to front: an entry names the key of the one after it. */
	for (e = n_ent - 1; e >= 1; e--) {
		stage_entry(&v, ids, prio, n, e, next);
		if (e - 1 < s->n_cont) {
			struct ovn_stage_key k = s->key;

			k.cont = s->cont[e - 1];
			if (!bpf_map_lookup_elem(w->m.stages, &k, &old) &&
			    !memcmp(&old, &v, sizeof(v))) {
				cont[e] = k.cont;
				next = k.cont;
				continue;
			}
		}
		err = cont_write(w, s, &v, &cont[e]);
		if (err)
			goto unwind;
		next = cont[e];
	}
	stage_entry(&v, ids, prio, n, 0, next);
	err = map_update(w->m.stages, &s->key, &v, BPF_ANY);
	if (err)
		goto unwind;
	/* The old entries the new chain does not reuse. */
	for (i = 0; i < s->n_cont; i++) {
		for (e = 1; e < n_ent && cont[e] != s->cont[i]; e++)
			;
		if (e == n_ent)
			cont_retire(w, s, s->cont[i]);
	}
	free(s->cont);
	s->cont = NULL;
	s->n_cont = n_ent - 1;
	if (s->n_cont) {
		memmove(cont, cont + 1, s->n_cont * sizeof(*cont));
		s->cont = cont;
		cont = NULL;
	}
	s->list_dirty = false;
	goto cleanup;
unwind:
	/* Entries written here that no packet can reach: gone at once. */
	for (e = 1; e < n_ent; e++) {
		struct ovn_stage_key k = s->key;
		bool reused = false;

		if (!cont[e])
			continue;
		for (i = 0; i < s->n_cont; i++)
			reused |= s->cont[i] == cont[e];
		k.cont = cont[e];
		if (!reused)
			bpf_map_delete_elem(w->m.stages, &k);
	}
cleanup:
	free(ids);
	free(prio);
	free(cont);
	return err;
}

/* The descriptor of stage (DP, OFF) as the stage is now (maps/pipeline.h
 * ovn_stage_desc).  The all-wildcard subtable's cells become the
 * catch-all when they are all at priority 0 without set tests, at most
 * OVN_DESC_CA of them are not yet hidden from every version, and they
 * fit in its first slot; otherwise the subtable stays on the list. */
static int desc_build(struct ovnbpf_writer *w, uint32_t dp, uint32_t off, struct ovn_stage_desc *v)
{
	struct ovn_stage_key k = { .dp = dp };
	uint32_t si, n, i, empty_sub = 0;
	struct ovn_cls_key ck;
	struct ovn_cls_val cv;
	struct stage_rec *s;
	int32_t *prio;
	uint32_t *ids;

	memset(v, 0, sizeof(*v));
	k.pipeline = off < 32 ? OVN_PIPE_INGRESS : off < 48 ? OVN_PIPE_EGRESS : OVN_PIPE_HELPER;
	k.table = off < 32 ? off : off & 15;
	if (stage_get(w, &k, false, &si))
		return 0;
	s = &w->stages[si];
	n = s->n_sub;
	if (!n)
		return 0;
	ids = malloc(n * sizeof(*ids));
	prio = malloc(n * sizeof(*prio));
	if (!ids || !prio) {
		free(ids);
		free(prio);
		return -ENOMEM;
	}
	stage_sorted(w, s, ids, prio);
	for (i = 0; i < n; i++)
		if (!w->subs[ids[i]].def.n_words)
			empty_sub = ids[i];
	memset(&ck, 0, sizeof(ck));
	ck.sub_id = empty_sub;
	if (empty_sub && !bpf_map_lookup_elem(w->m.cls, &ck, &cv) && !cv.more) {
		bool ok = true;

		for (i = 0; i < OVN_CLS_CELLS && ok; i++) {
			const struct ovn_cls_cell *c = &cv.cell[i];

			if (c->prio < 0 || c->rm_ver <= w->ver)
				continue;	/* free, or hidden from every version */
			ok = c->prio == 0 && v->n_ca < OVN_DESC_CA && c->rec < w->cap_recs &&
			     w->recs[c->rec].in_use &&
			     !(w->recs[c->rec].v.set[0].flags & OVN_SET_T_USED);
			if (ok)
				v->ca[v->n_ca++] = *c;
		}
		if (!ok || !v->n_ca) {
			memset(v->ca, 0, sizeof(v->ca));
			v->n_ca = 0;
			empty_sub = 0;
		}
	} else {
		empty_sub = 0;
	}
	for (i = 0; i < OVN_DESC_CA; i++)
		if (i >= v->n_ca)
			v->ca[i].prio = -1;
	for (i = 0; i < n; i++) {
		if (empty_sub && ids[i] == empty_sub)
			continue;
		if (v->n_sub == OVN_DESC_SUB) {
			/* Long: ovn_stages has it, catch-all in the cells. */
			memset(v, 0, sizeof(*v));
			v->flags = OVN_DESC_F_LONG;
			break;
		}
		v->sub_id[v->n_sub] = ids[i];
		v->sub_max_prio[v->n_sub] = prio[i];
		v->n_sub++;
	}
	free(ids);
	free(prio);
	return 0;
}

/* How long a packet may go on reading a retired descriptor copy: from
 * its entry into the datapath to its last stage there, one program run.
 * Shorter than the writer's grace period (which also covers ids a cell
 * names): back-to-back commits that change the same datapath wait this
 * long, at most, before the second one writes. */
#define DESC_GRACE_NS	(10 * 1000000ULL)

/* Bring every changed datapath's inactive descriptor copy up to date and
 * flip to it.  Before the version flip of a commit (as stage lists are):
 * a packet of the new version finds its cells' subtables listed.  A copy
 * is rewritten only a grace period after the flip that retired it (a
 * packet that read the old ovn_dp may still walk it). */
static int descs_flush(struct ovnbpf_writer *w)
{
	uint64_t grace = w->grace_ns < DESC_GRACE_NS ? w->grace_ns : DESC_GRACE_NS;
	uint64_t now = now_ns(), wait = 0;
	struct ovn_stage_desc v;
	uint32_t i, off, idx, k, slot;
	struct ovn_dp old;
	int err;

	for (i = 0; i < w->cap_dps; i++) {
		struct dp_rec *r = &w->dps[i];

		if (!r->in_use || r->del_pending || !r->desc_dirty || !r->d.slot)
			continue;
		if (now - r->flip_ns < grace && grace - (now - r->flip_ns) > wait)
			wait = grace - (now - r->flip_ns);
	}
	if (wait) {
		struct timespec ts = { .tv_sec = wait / 1000000000ULL,
				       .tv_nsec = wait % 1000000000ULL };

		nanosleep(&ts, NULL);
	}
	for (i = 0; i < w->cap_dps; i++) {
		struct dp_rec *r = &w->dps[i];

		if (!r->in_use || r->del_pending || !r->desc_dirty || (!r->d.slot && !r->new_slot))
			continue;
		slot = r->d.slot ? r->d.slot : r->new_slot;
		k = r->d.slot ? !r->d.sel : 0;
		for (off = 0; off < OVN_DESC_PER_DP; off++) {
			if (r->desc_ok[k] & (1ULL << off))
				continue;
			err = desc_build(w, r->key, off, &v);
			if (err)
				return err;
			idx = (slot * 2 + k) * OVN_DESC_PER_DP + off;
			err = map_update(w->m.descs, &idx, &v, BPF_ANY);
			if (err)
				return err;
			r->desc_ok[k] |= 1ULL << off;
		}
		old = r->d;
		r->d.slot = slot;
		r->d.sel = k;
		err = map_update(w->m.dps, &r->key, &r->d, BPF_ANY);
		if (err) {
			r->d = old;
			return err;
		}
		r->new_slot = 0;
		r->flip_ns = now_ns();
		r->desc_dirty = false;
	}
	return 0;
}

/* Write every stage whose list changed. */
static int stages_flush(struct ovnbpf_writer *w)
{
	uint32_t i;
	int err, ret = 0;

	for (i = 0; i < w->cap_stages; i++) {
		if (!w->stages[i].in_use || !w->stages[i].list_dirty)
			continue;
		err = stage_flush(w, i);
		ret = ret ?: err;
	}
	return ret;
}

/* Room for one more subtable in stage S's list.  0 or -ENOMEM. */
static int stage_sub_room(struct stage_rec *s)
{
	uint32_t nc, *ns;

	if (s->n_sub < s->cap_sub)
		return 0;
	nc = s->cap_sub ? 2 * s->cap_sub : 8;
	ns = realloc(s->sub, nc * sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	s->sub = ns;
	s->cap_sub = nc;
	return 0;
}

/* The subtable of stage SI with mask DEF, or -1. */
static int64_t sub_find(const struct ovnbpf_writer *w, uint32_t si, const struct ovn_subtable *def)
{
	const struct stage_rec *s = &w->stages[si];
	uint32_t i;

	for (i = 0; i < s->n_sub; i++)
		if (!memcmp(&w->subs[s->sub[i]].def, def, sizeof(*def)))
			return s->sub[i];
	return -1;
}

static int sub_get(struct ovnbpf_writer *w, uint32_t si, const struct ovn_subtable *def,
		   int32_t prio, uint32_t *id)
{
	struct stage_rec *s = &w->stages[si];
	int64_t have = sub_find(w, si, def);
	struct sub_rec *r;
	int err;

	if (have >= 0) {
		*id = (uint32_t)have;
		r = &w->subs[*id];
		if (prio > r->max_prio) {
			r->max_prio = prio;
			stage_write(w, si);
		}
		return 0;
	}
	if (s->n_sub >= OVN_STAGE_MAX_MASKS) {
		snprintf(w->why_buf, sizeof(w->why_buf),
			 "the stage already has %u distinct masks (OVN_STAGE_MAX_MASKS)",
			 (unsigned int)OVN_STAGE_MAX_MASKS);
		w->why = w->why_buf;
		return -ENOSPC;
	}
	if (stage_sub_room(s))
		return -ENOMEM;
	err = id_get(&w->sub_ids, id);
	if (err) {
		w->why = "no free subtable id (OVN_MAX_SUBTABLES)";
		return err;
	}
	err = grow((void **)&w->subs, &w->cap_subs, *id, sizeof(*w->subs));
	if (!err)
		err = map_update(w->m.subtables, id, def, BPF_ANY);
	if (err) {
		id_put(&w->sub_ids, *id);
		return err;
	}
	r = &w->subs[*id];
	memset(r, 0, sizeof(*r));
	r->in_use = true;
	r->stage = si;
	r->def = *def;
	r->max_prio = prio;
	s->sub[s->n_sub++] = *id;
	stage_write(w, si);
	return 0;
}

/* Drop one reference of subtable ID; the last one takes it off its stage. */
static void sub_put(struct ovnbpf_writer *w, uint32_t id)
{
	struct sub_rec *r = &w->subs[id];
	struct stage_rec *s = &w->stages[r->stage];
	uint32_t i;

	if (--r->refs)
		return;
	for (i = 0; i < s->n_sub; i++) {
		if (s->sub[i] == id) {
			s->sub[i] = s->sub[--s->n_sub];
			break;
		}
	}
	stage_write(w, r->stage);
	r->in_use = false;
	id_put(&w->sub_ids, id);
	if (!s->n_sub && !s->n_flows)
		stage_free(w, r->stage);
}

/* ---- programs -------------------------------------------------------- */

static uint64_t fnv1a(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h;
}

static void prog_free_chunks(struct ovnbpf_writer *w, struct prog_rec *p)
{
	uint32_t i;

	for (i = 0; i < p->n_chunks; i++)
		id_put(&w->prog_ids, p->chunk[i]);
	p->n_chunks = 0;
}

/* Find or write the program for OPS; returns its progs[] index. */
static int prog_get(struct ovnbpf_writer *w, const struct ovn_op *ops, uint32_t n, uint32_t *idx)
{
	uint64_t h = fnv1a(ops, n * sizeof(*ops)) ^ n;
	uint32_t per = OVN_PROG_MAX_OPS - 1, i, c, nc;
	struct ovn_prog prog;
	struct prog_rec *p;
	int err;

	if (u64map_get(&w->prog_idx, h, idx)) {
		p = &w->progs[*idx];
		if (p->in_use && p->n_ops == n && !memcmp(p->ops, ops, n * sizeof(*ops))) {
			p->refs++;
			return 0;
		}
	}
	if (n > OVNBPF_MAX_FLOW_OPS)
		return -E2BIG;
	err = id_get(&w->prog_recs, idx);
	if (err)
		return err;
	err = grow((void **)&w->progs, &w->cap_progs, *idx, sizeof(*w->progs));
	if (err) {
		id_put(&w->prog_recs, *idx);
		return err;
	}
	p = &w->progs[*idx];
	free(p->ops);
	memset(p, 0, sizeof(*p));
	p->ops = malloc(n ? n * sizeof(*ops) : 1);
	if (!p->ops) {
		id_put(&w->prog_recs, *idx);
		return -ENOMEM;
	}
	memcpy(p->ops, ops, n * sizeof(*ops));
	p->n_ops = n;
	p->hash = h;
	/* A list longer than one program is split into chunks of `per` ops
	 * chained by GOTO. */
	nc = n <= OVN_PROG_MAX_OPS ? 1 : (n + per - 1) / per;
	for (c = 0; c < nc; c++) {
		err = id_get(&w->prog_ids, &p->chunk[c]);
		if (err)
			goto fail;
		p->n_chunks = c + 1;
	}
	/* Write the chunks back to front so that each GOTO target exists. */
	for (c = nc; c-- > 0;) {
		uint32_t first = nc == 1 ? 0 : c * per;
		uint32_t cnt = nc == 1 ? n : (c == nc - 1 ? n - first : per);

		memset(&prog, 0, sizeof(prog));
		for (i = 0; i < cnt; i++)
			prog.op[i] = ops[first + i];
		if (c != nc - 1) {
			prog.op[cnt].code = OVN_OP_GOTO;
			prog.op[cnt].arg = p->chunk[c + 1];
			cnt++;
		}
		prog.n_ops = cnt;
		err = map_update(w->m.progs, &p->chunk[c], &prog, BPF_ANY);
		if (err)
			goto fail;
	}
	p->in_use = true;
	p->refs = 1;
	u64map_put(&w->prog_idx, h, *idx);
	w->n_progs_used++;
	return 0;
fail:
	prog_free_chunks(w, p);
	free(p->ops);
	p->ops = NULL;
	id_put(&w->prog_recs, *idx);
	return err;
}

static void prog_put(struct ovnbpf_writer *w, uint32_t idx)
{
	struct prog_rec *p = &w->progs[idx];
	uint32_t cur;

	if (--p->refs)
		return;
	if (u64map_get(&w->prog_idx, p->hash, &cur) && cur == idx)
		u64map_del(&w->prog_idx, p->hash);
	prog_free_chunks(w, p);
	free(p->ops);
	p->ops = NULL;
	p->in_use = false;
	id_put(&w->prog_recs, idx);
	w->n_progs_used--;
}

/* ---- flow records ---------------------------------------------------- */

/* Find or write the ovn_flows record with content V; *idx is its id.  A
 * new record is written before any cell names it; a shared one is never
 * rewritten. */
static int rec_get(struct ovnbpf_writer *w, const struct ovn_flow *v, uint32_t *idx)
{
	uint64_t h = fnv1a(v, sizeof(*v));
	struct rec_rec *r;
	bool indexed;
	int err;

	indexed = u64map_get(&w->rec_idx, h, idx);
	if (indexed) {
		r = &w->recs[*idx];
		if (r->in_use && !memcmp(&r->v, v, sizeof(*v))) {
			r->refs++;
			return 0;
		}
	}
	err = id_get(&w->rec_ids, idx);
	if (err)
		return err;
	err = grow((void **)&w->recs, &w->cap_recs, *idx, sizeof(*w->recs));
	if (!err)
		err = map_update(w->m.flows, idx, v, BPF_ANY);
	/* A hash collision (other content under H) just goes unshared. */
	if (!err && !indexed)
		err = u64map_put(&w->rec_idx, h, *idx);
	if (err) {
		id_put(&w->rec_ids, *idx);
		return err;
	}
	r = &w->recs[*idx];
	r->in_use = true;
	r->refs = 1;
	r->hash = h;
	r->v = *v;
	w->n_recs_used++;
	return 0;
}

/* Drop a reference; the last one frees the id (callers drop references
 * only once no packet can see their cell, or it never was visible). */
static void rec_put(struct ovnbpf_writer *w, uint32_t idx)
{
	struct rec_rec *r = &w->recs[idx];
	uint32_t cur;

	if (idx >= w->cap_recs || !r->in_use || --r->refs)
		return;
	if (u64map_get(&w->rec_idx, r->hash, &cur) && cur == idx)
		u64map_del(&w->rec_idx, r->hash);
	r->in_use = false;
	id_put(&w->rec_ids, idx);
	w->n_recs_used--;
}

/* ---- classifier cells ------------------------------------------------ */

static void cls_val_init(struct ovn_cls_val *v)
{
	int i;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < OVN_CLS_CELLS; i++)
		v->cell[i].prio = -1;
}

/* A cell of subtable SUB changed: when SUB is a stage's all-wildcard
 * subtable, the stage's descriptor may carry the cell (its catch-all). */
static void cls_touch(struct ovnbpf_writer *w, uint32_t sub)
{
	const struct sub_rec *r;

	if (sub >= w->cap_subs)
		return;
	r = &w->subs[sub];
	if (r->in_use && !r->def.n_words && r->stage < w->cap_stages && w->stages[r->stage].in_use)
		desc_touch(w, &w->stages[r->stage].key);
}

/* Put CELL under K (any slot with room); K->slot and *ci tell where. */
static int cls_place(struct ovnbpf_writer *w, struct ovn_cls_key *k,
		     const struct ovn_cls_cell *cell, uint32_t *ci)
{
	struct ovn_cls_val v, prev;
	uint32_t slot, i;
	int err;

	cls_touch(w, k->sub_id);
	for (slot = 0; slot < 1024; slot++) {
		k->slot = slot;
		if (bpf_map_lookup_elem(w->m.cls, k, &v)) {
			if (errno != ENOENT)
				return -errno;
			cls_val_init(&v);
			v.cell[0] = *cell;
			err = map_update(w->m.cls, k, &v, BPF_NOEXIST);
			if (err)
				return err;
			*ci = 0;
			if (slot) {
				/* Link the new slot only once it exists. */
				k->slot = slot - 1;
				if (bpf_map_lookup_elem(w->m.cls, k, &prev))
					return -errno;
				prev.more = 1;
				err = map_update(w->m.cls, k, &prev, BPF_EXIST);
				k->slot = slot;
				if (err)
					return err;
			}
			return 0;
		}
		for (i = 0; i < OVN_CLS_CELLS; i++) {
			if (v.cell[i].prio < 0) {
				v.cell[i] = *cell;
				*ci = i;
				return map_update(w->m.cls, k, &v, BPF_EXIST);
			}
		}
	}
	return -ENOSPC;
}

/* Does key K (slot 0) of an existing subtable have room for a residual
 * cell?  Fewer than OVN_CLS_CELLS cells and no continuation: a family of
 * per-port flows with the same other words then fills one key at most
 * and the rest get their own subtable, so a probe never walks a chain of
 * residual cells. */
static bool cls_key_room(struct ovnbpf_writer *w, const struct ovn_cls_key *k)
{
	struct ovn_cls_val v;
	uint32_t i, n = 0;

	if (bpf_map_lookup_elem(w->m.cls, k, &v))
		return errno == ENOENT;
	for (i = 0; i < OVN_CLS_CELLS; i++)
		n += v.cell[i].prio >= 0;
	return !v.more && n < OVN_CLS_CELLS;
}

/* Set rm_ver of the flow's cell (hide it from version VER on). */
static int cls_hide(struct ovnbpf_writer *w, struct flow_rec *f, uint32_t ver)
{
	struct ovn_cls_val v;

	cls_touch(w, f->key.sub_id);
	if (bpf_map_lookup_elem(w->m.cls, &f->key, &v))
		return -errno;
	v.cell[f->cell].rm_ver = ver;
	return map_update(w->m.cls, &f->key, &v, BPF_EXIST);
}

/* Free the flow's cell; delete trailing empty slots. */
static int cls_free(struct ovnbpf_writer *w, struct flow_rec *f)
{
	struct ovn_cls_key k = f->key;
	struct ovn_cls_val v;
	uint32_t i;
	bool empty = true;

	cls_touch(w, k.sub_id);
	if (bpf_map_lookup_elem(w->m.cls, &k, &v))
		return -errno;
	v.cell[f->cell].prio = -1;
	v.cell[f->cell].flow = 0;
	for (i = 0; i < OVN_CLS_CELLS; i++)
		empty &= v.cell[i].prio < 0;
	if (!empty || v.more)
		return map_update(w->m.cls, &k, &v, BPF_EXIST);
	/* The last slot of the chain became empty: unlink backwards. */
	while (empty) {
		if (bpf_map_delete_elem(w->m.cls, &k))
			return -errno;
		if (!k.slot)
			break;
		k.slot--;
		if (bpf_map_lookup_elem(w->m.cls, &k, &v))
			return -errno;
		v.more = 0;
		for (i = 0; i < OVN_CLS_CELLS; i++)
			empty &= v.cell[i].prio < 0;
		if (!empty)
			return map_update(w->m.cls, &k, &v, BPF_EXIST);
	}
	return 0;
}

/* ---- flows ----------------------------------------------------------- */

static bool ops_passlike(const struct ovnbpf_flow_spec *f)
{
	return f->n_ops == 1 && f->ops[0].code == OVN_OP_NEXT &&
	       f->ops[0].pipeline == f->pipeline && f->ops[0].table == f->table + 1 &&
	       f->pipeline <= OVN_PIPE_EGRESS;
}

static int push_pending(struct ovnbpf_writer *w, uint32_t id)
{
	if (w->n_pending == w->cap_pending) {
		uint32_t nc = w->cap_pending ? w->cap_pending * 2 : 64;
		uint32_t *n = realloc(w->pending, nc * sizeof(*n));

		if (!n)
			return -ENOMEM;
		w->pending = n;
		w->cap_pending = nc;
	}
	w->pending[w->n_pending++] = id;
	return 0;
}

static struct retire_rec *push_retire(struct ovnbpf_writer *w)
{
	if (w->n_retire == w->cap_retire) {
		uint32_t nc = w->cap_retire ? w->cap_retire * 2 : 64;
		struct retire_rec *n = realloc(w->retire, nc * sizeof(*n));

		if (!n)
			return NULL;
		w->retire = n;
		w->cap_retire = nc;
	}
	memset(&w->retire[w->n_retire], 0, sizeof(w->retire[0]));
	return &w->retire[w->n_retire++];
}

static const uint32_t res_ports[] = { OVN_CLS_RES_INPORT, OVN_CLS_RES_OUTPORT };

/* The same flow installed by the previous writer, where it put it: as a
 * residual cell (either port word) or in its own mask's subtable.  Only
 * subtables that exist are tried: a claim creates nothing. */
static bool flow_claim(struct ovnbpf_writer *w, uint32_t si, const struct ovnbpf_flow_spec *f,
		       const struct ovn_subtable *def, const struct ovn_cls_key *key,
		       const struct ovn_op *ops, const uint8_t *param, const struct ovn_flow *fv,
		       uint32_t *id)
{
	struct ovnbpf_cls_residual rp;
	int64_t sub;
	uint32_t i;

	if (!w->adopt)
		return false;
	for (i = 0; i < sizeof(res_ports) / sizeof(res_ports[0]); i++) {
		if (!ovnbpf_cls_residual_plan(def, key, ops, f->n_ops, param, res_ports[i], &rp))
			continue;
		sub = sub_find(w, si, &rp.def);
		if (sub >= 0 && adopt_claim_flow(w, (uint32_t)sub, &rp.key, f->priority, ops, f->n_ops,
						 rp.param, rp.res, fv, id))
			return true;
	}
	sub = sub_find(w, si, def);
	return sub >= 0 && adopt_claim_flow(w, (uint32_t)sub, key, f->priority, ops, f->n_ops,
					    param, 0, fv, id);
}

/* The subtable of a new flow's cell: a residual cell (maps/pipeline.h
 * OVN_CLS_RES_*) in the subtable of its mask without a port word when
 * that key has room, else its own mask's.  KEY and PARAM become the
 * chosen key (sub_id, slot 0) and cell parameters, *RES the cell's
 * residual bits.  The target subtable is created when missing so that the
 * order in which a pair of flows arrives does not matter. */
static int flow_place_sub(struct ovnbpf_writer *w, uint32_t si, const struct ovnbpf_flow_spec *f,
			  const struct ovn_subtable *def, struct ovn_cls_key *key,
			  const struct ovn_op *ops, uint8_t *param, uint32_t *sub, uint32_t *res)
{
	struct ovnbpf_cls_residual rp;
	int64_t have;
	uint32_t i;
	int err;

	for (i = 0; i < sizeof(res_ports) / sizeof(res_ports[0]); i++) {
		if (!ovnbpf_cls_residual_plan(def, key, ops, f->n_ops, param, res_ports[i], &rp))
			continue;
		have = sub_find(w, si, &rp.def);
		if (have >= 0) {
			rp.key.sub_id = (uint32_t)have;
			rp.key.slot = 0;
			if (!cls_key_room(w, &rp.key))
				continue;
		}
		/* No room for another mask: the flow's own may still exist. */
		if (sub_get(w, si, &rp.def, f->priority, sub)) {
			w->why = NULL;
			continue;
		}
		*key = rp.key;
		key->sub_id = *sub;
		key->slot = 0;
		memcpy(param, rp.param, OVN_CLS_PARAM_BYTES);
		*res = rp.res;
		return 0;
	}
	*res = 0;
	err = sub_get(w, si, def, f->priority, sub);
	if (err)
		return err;
	key->sub_id = *sub;
	key->slot = 0;
	return 0;
}

/* The (subtable, masked key) of a match. */
static int build_match(const struct ovnbpf_flow_spec *f, struct ovn_subtable *def,
		       struct ovn_cls_key *key)
{
	uint8_t mask[OVN_CTX_FIELDS_END] = {}, val[OVN_CTX_FIELDS_END] = {};
	uint32_t i, j, n = 0;

	for (i = 0; i < f->n_match; i++) {
		const struct ovnbpf_match *m = &f->match[i];

		if (m->len > 16 || m->off + m->len > OVN_CTX_FIELDS_END)
			return -EINVAL;
		for (j = 0; j < m->len; j++) {
			/* in range: checked above */
			uint32_t o = (m->off + j) % OVN_CTX_FIELDS_END;
			uint8_t b = m->mask[j], common = mask[o] & b;

			if ((val[o] & common) != (m->value[j] & common))
				return -EINVAL;	/* contradictory: can never match */
			mask[o] |= b;
			val[o] |= m->value[j] & b;
		}
	}
	memset(def, 0, sizeof(*def));
	memset(key, 0, sizeof(*key));
	for (i = 0; i < OVN_CTX_FIELDS_END / 4; i++) {
		uint32_t mw, vw;

		memcpy(&mw, &mask[i * 4], 4);
		if (!mw)
			continue;
		if (n >= OVN_CLS_WORDS)
			return -E2BIG;
		memcpy(&vw, &val[i * 4], 4);
		def->word[n] = i;
		def->mask[n] = mw;
		key->w[n] = vw & mw;
		n++;
	}
	def->n_words = n;
	return 0;
}

int ovnbpf_flow_add(struct ovnbpf_writer *w, const struct ovnbpf_flow_spec *f, uint32_t *id)
{
	struct ovn_stage_key sk = { .dp = f->dp, .pipeline = f->pipeline, .table = f->table };
	struct ovn_op pops[OVNBPF_MAX_FLOW_OPS];
	uint8_t param[OVN_CLS_PARAM_BYTES] = {};
	const struct ovn_op *ops = f->ops;
	struct ovn_cls_cell cell;
	struct ovn_subtable def;
	struct ovn_flow fv = {};
	struct flow_rec *fr;
	struct dp_rec *dr;
	uint32_t si, sub, pi, ri, i;
	int err;

	w->why = NULL;
	if (f->pipeline >= OVN_PIPE_MAX || f->table >= OVN_MAX_TABLES ||
	    f->n_sets > OVN_FLOW_SETS || (f->n_ops && !f->ops) || (f->n_match && !f->match))
		return -EINVAL;
	for (i = 0; i < f->n_sets; i++) {
		const struct ovn_set_test *t = &f->sets[i];

		if (!(t->flags & OVN_SET_T_USED) || !t->len || t->len > 16 ||
		    t->off + t->len > OVN_CTX_FIELDS_END)
			return -EINVAL;
	}
	{
		struct ovn_cls_key key;
		uint32_t res;

		err = build_match(f, &def, &key);
		if (err)
			return err;
		err = stage_get(w, &sk, true, &si);
		if (err)
			return err;
		memset(&fv, 0, sizeof(fv));
		fv.stage_idx = OVN_STAGE_IDX(f->pipeline == OVN_PIPE_HELPER ? 2 :
					     ((dr = dp_find(w, f->dp)) ? dr->d.type : 0),
					     f->pipeline, f->table);
		for (i = 0; i < f->n_sets; i++)
			fv.set[i] = f->sets[i];
		/* Per-port constants go into the cell: flows that differ only
		 * in them share the program and the record. */
		if (f->n_ops <= OVNBPF_MAX_FLOW_OPS) {
			ovnbpf_flow_parametrise(f->ops, f->n_ops, pops, param);
			ops = pops;
		}
		/* The same flow installed by the previous writer: keep it. */
		if (flow_claim(w, si, f, &def, &key, ops, param, &fv, id))
			return 0;
		err = flow_place_sub(w, si, f, &def, &key, ops, param, &sub, &res);
		if (err)
			return err;
		w->subs[sub].refs++;
		err = prog_get(w, ops, f->n_ops, &pi);
		if (err)
			goto fail_sub;
		err = id_get(&w->flow_ids, id);
		if (err)
			goto fail_prog;
		err = grow((void **)&w->flows, &w->cap_flows, *id, sizeof(*w->flows));
		if (err)
			goto fail_id;
		fv.prog = w->progs[pi].chunk[0];
		err = rec_get(w, &fv, &ri);
		if (err)
			goto fail_id;
		key.sub_id = sub;
		memset(&cell, 0, sizeof(cell));
		cell.prio = f->priority;
		cell.flow = *id;
		cell.rec = ri | res;
		cell.add_ver = w->ver + 1;
		cell.rm_ver = OVN_VER_INF;
		memcpy(cell.param, param, sizeof(cell.param));
		err = cls_place(w, &key, &cell, &i);
		if (err)
			goto fail_rec;
		err = push_pending(w, *id);
		if (err) {
			fr = &(struct flow_rec){ .key = key, .cell = i };
			cls_free(w, fr);
			goto fail_rec;
		}
		fr = &w->flows[*id];
		memset(fr, 0, sizeof(*fr));
		fr->state = F_PENDING_ADD;
		fr->prio = f->priority;
		fr->stage = si;
		fr->sub = sub;
		fr->prog = pi;
		fr->rec = ri;
		fr->res = res;
		fr->key = key;
		fr->cell = i;
		memcpy(fr->param, param, sizeof(fr->param));
		fr->passlike = def.n_words == 0 && f->n_sets == 0 && ops_passlike(f);
		w->stages[si].n_flows++;
		w->stages[si].n_pass += fr->passlike;
		w->stages[si].dirty = true;
		w->n_flows_used++;
		return 0;
	}
fail_rec:
	rec_put(w, ri);
fail_id:
	id_put(&w->flow_ids, *id);
fail_prog:
	prog_put(w, pi);
fail_sub:
	sub_put(w, sub);
	return err;
}

/* Free a flow whose cell no packet can see any more. */
static void flow_reclaim(struct ovnbpf_writer *w, uint32_t id)
{
	struct flow_rec *f = &w->flows[id];

	cls_free(w, f);
	rec_put(w, f->rec);
	prog_put(w, f->prog);
	sub_put(w, f->sub);
	f->state = F_FREE;
	id_put(&w->flow_ids, id);
	w->n_flows_used--;
}

int ovnbpf_flow_del(struct ovnbpf_writer *w, uint32_t id)
{
	struct flow_rec *f;
	struct stage_rec *s;
	uint32_t i;
	int err;

	if (id >= w->cap_flows)
		return -ENOENT;
	f = &w->flows[id];
	if (f->state != F_PENDING_ADD && f->state != F_LIVE)
		return -ENOENT;
	s = &w->stages[f->stage];
	s->n_flows--;
	s->n_pass -= f->passlike;
	s->dirty = true;
	if (f->state == F_PENDING_ADD) {
		/* Never visible: gone at once. */
		for (i = 0; i < w->n_pending; i++) {
			if (w->pending[i] == id) {
				w->pending[i] = w->pending[--w->n_pending];
				break;
			}
		}
		flow_reclaim(w, id);
		return 0;
	}
	err = cls_hide(w, f, w->ver + 1);
	if (err)
		return err;
	f->state = F_PENDING_DEL;
	return push_pending(w, id);
}

int ovnbpf_flow_prog(const struct ovnbpf_writer *w, uint32_t id)
{
	if (id >= w->cap_flows || w->flows[id].state == F_FREE)
		return -ENOENT;
	return w->progs[w->flows[id].prog].chunk[0];
}

int ovnbpf_flow_rec(const struct ovnbpf_writer *w, uint32_t id)
{
	if (id >= w->cap_flows || w->flows[id].state == F_FREE)
		return -ENOENT;
	return w->flows[id].rec;
}

int ovnbpf_flow_resume_point(const struct ovnbpf_writer *w, uint32_t id, uint32_t punt_arg,
			     uint32_t *prog, uint32_t *pc)
{
	uint32_t per = OVN_PROG_MAX_OPS - 1, i;
	const struct prog_rec *p;

	if (id >= w->cap_flows || w->flows[id].state != F_LIVE)
		return -ENOENT;
	p = &w->progs[w->flows[id].prog];
	for (i = 0; i < p->n_ops; i++)
		if (p->ops[i].code == OVN_OP_PUNT && p->ops[i].arg == punt_arg &&
		    !(p->ops[i].n & OVN_PUNT_F_CONTINUE))
			break;
	if (++i >= p->n_ops)
		return -ENOENT;
	/* The chunking of prog_get(). */
	if (p->n_chunks <= 1) {
		*prog = p->chunk[0];
		*pc = i;
	} else {
		*prog = p->chunk[i / per];
		*pc = i % per;
	}
	return 0;
}

/* ---- set members ----------------------------------------------------- */

static int set_keys(uint32_t set_id, const void *val, uint8_t len, uint8_t plen,
		    struct ovn_set_key *hk, struct ovn_set_lpm_key *lk, bool *lpm)
{
	uint32_t i;

	if (!len || len > 16 || plen > len * 8)
		return -EINVAL;
	*lpm = plen < len * 8;
	memset(hk, 0, sizeof(*hk));
	memset(lk, 0, sizeof(*lk));
	hk->set_id = set_id;
	hk->len = len;
	memcpy(hk->v, val, len);
	lk->prefixlen = OVN_SET_LPM_HDR_BITS + plen;
	lk->set_id = htonl(set_id);
	lk->len = len;
	for (i = 0; i < len; i++) {
		int bits = (int)plen - (int)i * 8;
		uint8_t m = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));

		lk->v[i] = ((const uint8_t *)val)[i] & m;
	}
	return 0;
}

int ovnbpf_set_add(struct ovnbpf_writer *w, uint32_t set_id, const void *val, uint8_t len,
		   uint8_t plen)
{
	struct ovn_set_member m = { .add_ver = w->ver + 1, .rm_ver = OVN_VER_INF }, cur;
	struct ovn_set_lpm_key lk;
	struct ovn_set_key hk;
	const void *k;
	bool lpm;
	int fd, err;

	err = set_keys(set_id, val, len, plen, &hk, &lk, &lpm);
	if (err)
		return err;
	fd = lpm ? w->m.set_lpm : w->m.set_hash;
	k = lpm ? (const void *)&lk : (const void *)&hk;
	if (!bpf_map_lookup_elem(fd, k, &cur)) {
		if (cur.rm_ver == OVN_VER_INF)
			return adopt_claim_member(w, lpm, k) ? 0 : -EEXIST;
		if (cur.rm_ver == w->ver + 1)
			m.add_ver = cur.add_ver;	/* un-delete: stays visible */
	}
	return map_update(fd, k, &m, BPF_ANY);
}

int ovnbpf_set_del(struct ovnbpf_writer *w, uint32_t set_id, const void *val, uint8_t len,
		   uint8_t plen)
{
	struct ovn_set_lpm_key lk;
	struct ovn_set_member cur;
	struct retire_rec *r;
	struct ovn_set_key hk;
	const void *k;
	bool lpm;
	int fd, err;

	err = set_keys(set_id, val, len, plen, &hk, &lk, &lpm);
	if (err)
		return err;
	fd = lpm ? w->m.set_lpm : w->m.set_hash;
	k = lpm ? (const void *)&lk : (const void *)&hk;
	if (bpf_map_lookup_elem(fd, k, &cur) || cur.rm_ver != OVN_VER_INF)
		return -ENOENT;
	if (cur.add_ver == w->ver + 1)
		return bpf_map_delete_elem(fd, k) ? -errno : 0;
	r = push_retire(w);
	if (!r)
		return -ENOMEM;
	cur.rm_ver = w->ver + 1;
	err = map_update(fd, k, &cur, BPF_EXIST);
	if (err) {
		w->n_retire--;
		return err;
	}
	r->kind = lpm ? R_SET_LPM : R_SET_HASH;
	r->ver = w->ver + 1;
	if (lpm)
		r->lk = lk;
	else
		r->hk = hk;
	return 0;
}

/* ---- commit ---------------------------------------------------------- */

static bool stage_is_pass(const struct stage_rec *s)
{
	return s->key.pipeline <= OVN_PIPE_EGRESS && s->n_flows == 1 && s->n_pass == 1;
}

int ovnbpf_reclaim(struct ovnbpf_writer *w)
{
	uint64_t now = now_ns();
	uint32_t i = 0;

	while (i < w->n_retire) {
		struct retire_rec *r = &w->retire[i];
		struct ovn_set_member cur;
		int fd;

		if (!r->retired_ns || now - r->retired_ns < w->grace_ns || r->ver > w->ver) {
			i++;
			continue;
		}
		if (r->kind == R_FLOW) {
			flow_reclaim(w, r->flow);
		} else if (r->kind == R_MC_PAGE) {
			bpf_map_delete_elem(w->m.mcpages, &r->mk);
		} else if (r->kind == R_PORT_MEMBER) {
			port_member_reclaim(w, r);
		} else if (r->kind == R_STAGE_CONT) {
			bpf_map_delete_elem(w->m.stages, &r->sk);
		} else if (r->kind == R_DP_SLOT) {
			id_put(&w->dp_slots, r->slot);
		} else {
			const void *k = r->kind == R_SET_LPM ? (const void *)&r->lk :
							       (const void *)&r->hk;

			fd = r->kind == R_SET_LPM ? w->m.set_lpm : w->m.set_hash;
			/* Unless re-added since. */
			if (!bpf_map_lookup_elem(fd, k, &cur) && cur.rm_ver != OVN_VER_INF &&
			    cur.rm_ver <= w->ver)
				bpf_map_delete_elem(fd, k);
		}
		w->retire[i] = w->retire[--w->n_retire];
	}
	/* Subtables the reclaimed flows were the last users of.  A list that
	 * fails to write stays marked: the next commit writes it before it
	 * flips (or fails without flipping). */
	stages_flush(w);
	return 0;
}

int ovnbpf_commit(struct ovnbpf_writer *w)
{
	uint32_t i, zero = 0, next = w->ver + 1;
	uint64_t now;
	int err;

	/* Subtable lists first: a cell of the new version is reachable once
	 * the version flips. */
	err = stages_flush(w) ?: descs_flush(w);
	if (err)
		return err;
	/* Passthrough bits: clear before the flip (the stage's flows are
	 * then classified, which gives the same result as skipping), set
	 * after it. */
	for (i = 0; i < w->cap_stages; i++) {
		struct stage_rec *s = &w->stages[i];
		struct dp_rec *d;
		uint32_t bit, p;

		if (!s->in_use || !s->dirty || s->key.pipeline > OVN_PIPE_EGRESS ||
		    s->key.table >= 32)
			continue;
		d = dp_find(w, s->key.dp);
		if (!d)
			continue;
		p = s->key.pipeline;
		bit = 1u << s->key.table;
		if (!stage_is_pass(s) && (d->d.pass_mask[p] & bit)) {
			d->d.pass_mask[p] &= ~bit;
			err = map_update(w->m.dps, &d->key, &d->d, BPF_ANY);
			if (err)
				return err;
		}
	}
	err = map_update(w->m.gen, &zero, &next, BPF_ANY);
	if (err)
		return err;
	w->ver = next;
	for (i = 0; i < w->cap_stages; i++) {
		struct stage_rec *s = &w->stages[i];
		struct dp_rec *d;
		uint32_t bit, p;

		if (!s->in_use || !s->dirty)
			continue;
		s->dirty = false;
		if (s->key.pipeline > OVN_PIPE_EGRESS || s->key.table >= 32)
			continue;
		d = dp_find(w, s->key.dp);
		if (!d)
			continue;
		p = s->key.pipeline;
		bit = 1u << s->key.table;
		if (stage_is_pass(s) && !(d->d.pass_mask[p] & bit)) {
			d->d.pass_mask[p] |= bit;
			map_update(w->m.dps, &d->key, &d->d, BPF_ANY);
		}
	}
	/* Datapaths deleted in this batch: no packet of the new version
	 * enters them. */
	for (i = 0; i < w->cap_dps; i++)
		if (w->dps[i].in_use && w->dps[i].del_pending)
			dp_free(w, &w->dps[i]);
	now = now_ns();
	for (i = 0; i < w->n_retire; i++)
		if (!w->retire[i].retired_ns)
			w->retire[i].retired_ns = now;
	for (i = 0; i < w->n_pending; i++) {
		struct flow_rec *f = &w->flows[w->pending[i]];
		struct retire_rec *r;

		if (f->state == F_PENDING_ADD) {
			f->state = F_LIVE;
		} else if (f->state == F_PENDING_DEL) {
			r = push_retire(w);
			if (!r)
				continue;	/* leaked until restart */
			f->state = F_RETIRED;
			r->kind = R_FLOW;
			r->flow = w->pending[i];
			r->ver = next;
			r->retired_ns = now;
		}
	}
	w->n_pending = 0;
	adopt_after_commit(w);
	return ovnbpf_reclaim(w);
}

void ovnbpf_writer_stats(const struct ovnbpf_writer *w, struct ovnbpf_writer_stats *s)
{
	uint32_t i, n = 0;

	for (i = 0; i < w->cap_subs; i++)
		n += w->subs[i].in_use;
	s->max_stage_masks = 0;
	s->stage_chains = 0;
	for (i = 0; i < w->cap_stages; i++) {
		const struct stage_rec *st = &w->stages[i];

		if (!st->in_use)
			continue;
		if (st->n_sub > s->max_stage_masks)
			s->max_stage_masks = st->n_sub;
		s->stage_chains += st->n_cont > 0;
	}
	s->flows = w->n_flows_used;
	s->recs = w->n_recs_used;
	s->subtables = n;
	s->progs = w->n_progs_used;
	s->stages = w->n_stages_used;
	s->pending = w->n_pending;
	s->retired = w->n_retire;
}

/* ---- stage names ----------------------------------------------------- */

static const char *const ls_in[OVN_LS_IN_TABLES] = {
	"ls_in_check_port_sec", "ls_in_apply_port_sec", "ls_in_lookup_fdb", "ls_in_put_fdb",
	"ls_in_pre_acl", "ls_in_pre_lb", "ls_in_pre_stateful", "ls_in_acl_hint", "ls_in_acl",
	"ls_in_qos_mark", "ls_in_qos_meter", "ls_in_lb_aff_check", "ls_in_lb",
	"ls_in_lb_aff_learn", "ls_in_pre_hairpin", "ls_in_nat_hairpin", "ls_in_hairpin",
	"ls_in_acl_after_lb", "ls_in_stateful", "ls_in_arp_rsp", "ls_in_dhcp_options",
	"ls_in_dhcp_response", "ls_in_dns_lookup", "ls_in_dns_response", "ls_in_external_port",
	"ls_in_l2_lkup", "ls_in_l2_unknown",
};
static const char *const ls_out[OVN_LS_OUT_TABLES] = {
	"ls_out_pre_acl", "ls_out_pre_lb", "ls_out_pre_stateful", "ls_out_acl_hint",
	"ls_out_acl", "ls_out_qos_mark", "ls_out_qos_meter", "ls_out_stateful",
	"ls_out_check_port_sec", "ls_out_apply_port_sec",
};
static const char *const lr_in[OVN_LR_IN_TABLES] = {
	"lr_in_admission", "lr_in_lookup_neighbor", "lr_in_learn_neighbor", "lr_in_ip_input",
	"lr_in_unsnat", "lr_in_defrag", "lr_in_lb_aff_check", "lr_in_dnat", "lr_in_lb_aff_learn",
	"lr_in_ecmp_stateful", "lr_in_nd_ra_options", "lr_in_nd_ra_response",
	"lr_in_ip_routing_pre", "lr_in_ip_routing", "lr_in_ip_routing_ecmp", "lr_in_policy",
	"lr_in_policy_ecmp", "lr_in_arp_resolve", "lr_in_chk_pkt_len", "lr_in_larger_pkts",
	"lr_in_gw_redirect", "lr_in_arp_request",
};
static const char *const lr_out[OVN_LR_OUT_TABLES] = {
	"lr_out_chk_dnat_local", "lr_out_undnat", "lr_out_post_undnat", "lr_out_snat",
	"lr_out_post_snat", "lr_out_egr_loop", "lr_out_delivery",
};
static const char *const helper[] = {
	"port_sec_in", "port_sec_in_nd", "port_sec_out", "mac_binding", "mac_lookup",
	"get_fdb", "lookup_fdb",
};

const char *ovnbpf_stage_name(enum ovn_dp_type type, enum ovn_pipeline pipeline, unsigned int table)
{
	if (pipeline == OVN_PIPE_HELPER)
		return table < sizeof(helper) / sizeof(helper[0]) ? helper[table] : "helper";
	if (type == OVN_DP_SWITCH && pipeline == OVN_PIPE_INGRESS)
		return table < OVN_LS_IN_TABLES ? ls_in[table] : "ls_in_?";
	if (type == OVN_DP_SWITCH)
		return table < OVN_LS_OUT_TABLES ? ls_out[table] : "ls_out_?";
	if (pipeline == OVN_PIPE_INGRESS)
		return table < OVN_LR_IN_TABLES ? lr_in[table] : "lr_in_?";
	return table < OVN_LR_OUT_TABLES ? lr_out[table] : "lr_out_?";
}

/* ---- restart: adopting a previous writer's entries -------------------- */

/*
 * The maps outlive ovnbpfd (DESIGN §3.9).  A new writer must neither reuse
 * an id that a visible cell still leads to (a program or flow record
 * rewritten under a live cell sends packets into another stage's actions)
 * nor leave the old rules visible forever.  So at start it reads back what
 * packets can see at the active version and takes it over as its own:
 * stages, subtables, flows with their programs, set members, datapaths,
 * ports, multicast groups and VIFs.  What no packet can see any more
 * (retired, or staged by a writer that died before its commit) is freed.
 *
 * The daemon then installs the southbound as usual.  An add identical to an
 * adopted entry claims it and changes nothing in the kernel; anything else
 * is written in fresh ids, invisible until the commit.  ovnbpf_adopt_finish()
 * stages the removal of every unclaimed flow and set member, so the commit
 * that follows the full load swaps the old rule set for the new one at
 * once; unclaimed datapaths, ports, groups and VIFs go right after it.
 */

struct adopt_ent {
	uint8_t kind;			/* enum adopt_imm, or A_MEMBER_* */
	bool claimed;
	union {
		struct ovn_set_key hk;
		struct ovn_set_lpm_key lk;
		uint32_t k[2];
	};
};

enum { A_MEMBER_HASH = 8, A_MEMBER_LPM = 9 };

struct adopt {
	bool finished;
	uint8_t *flow;			/* per flow id: 1 adopted, 2 claimed */
	uint32_t cap_flow;
	struct u64map flow_idx;		/* claim hash (+ i) -> flow id */
	struct adopt_ent *ent;		/* members and immediate entries */
	uint32_t n_ent, cap_ent;
	struct u64map ent_idx;		/* entry hash (+ i) -> ent[] index */
};

static uint64_t flow_claim_hash(uint32_t sub, const struct ovn_cls_key *key, int32_t prio)
{
	return fnv1a(key->w, sizeof(key->w)) ^ ((uint64_t)sub << 32) ^ (uint32_t)prio;
}

static uint64_t ent_hash(const struct adopt_ent *e)
{
	return fnv1a(&e->lk, sizeof(e->lk)) ^ e->kind;
}

/* Insert VAL under the first free key of H, H+1, ... */
static int chain_put(struct u64map *m, uint64_t h, uint32_t val)
{
	uint32_t cur;

	while (u64map_get(m, h, &cur))
		h++;
	return u64map_put(m, h, val);
}

static int ent_add(struct adopt *a, const struct adopt_ent *e)
{
	if (a->n_ent == a->cap_ent) {
		uint32_t nc = a->cap_ent ? a->cap_ent * 2 : 64;
		struct adopt_ent *n = realloc(a->ent, nc * sizeof(*n));

		if (!n)
			return -ENOMEM;
		a->ent = n;
		a->cap_ent = nc;
	}
	a->ent[a->n_ent] = *e;
	a->ent[a->n_ent].claimed = false;
	return chain_put(&a->ent_idx, ent_hash(e), a->n_ent++);
}

static bool ent_claim(struct adopt *a, const struct adopt_ent *e)
{
	uint64_t h = ent_hash(e);
	uint32_t i;

	for (; u64map_get(&a->ent_idx, h, &i); h++) {
		struct adopt_ent *x = &a->ent[i];

		if (x->kind == e->kind && !memcmp(&x->lk, &e->lk, sizeof(e->lk))) {
			x->claimed = true;
			return true;
		}
	}
	return false;
}

static void adopt_claim_imm(struct ovnbpf_writer *w, enum adopt_imm kind, uint32_t a, uint32_t b)
{
	struct adopt_ent e = { .kind = kind };

	if (!w->adopt)
		return;
	e.k[0] = a;
	e.k[1] = b;
	ent_claim(w->adopt, &e);
}

static bool adopt_claim_member(struct ovnbpf_writer *w, bool lpm, const void *k)
{
	struct adopt_ent e = { .kind = lpm ? A_MEMBER_LPM : A_MEMBER_HASH };
	struct adopt_ent *x;
	uint64_t h;
	uint32_t i;

	if (!w->adopt || w->adopt->finished)
		return false;
	if (lpm)
		e.lk = *(const struct ovn_set_lpm_key *)k;
	else
		e.hk = *(const struct ovn_set_key *)k;
	/* Claimed twice is a duplicate add: -EEXIST as without a restart. */
	for (h = ent_hash(&e); u64map_get(&w->adopt->ent_idx, h, &i); h++) {
		x = &w->adopt->ent[i];
		if (x->kind == e.kind && !memcmp(&x->lk, &e.lk, sizeof(e.lk))) {
			if (x->claimed)
				return false;
			x->claimed = true;
			return true;
		}
	}
	return false;
}

static bool adopt_claim_flow(struct ovnbpf_writer *w, uint32_t sub, const struct ovn_cls_key *key,
			     int32_t prio, const struct ovn_op *ops, uint32_t n_ops,
			     const uint8_t *param, uint32_t res, const struct ovn_flow *fv,
			     uint32_t *id)
{
	struct adopt *a = w->adopt;
	struct ovn_flow cur;
	uint64_t h;
	uint32_t fid;

	if (!a || a->finished)
		return false;
	for (h = flow_claim_hash(sub, key, prio); u64map_get(&a->flow_idx, h, &fid); h++) {
		struct flow_rec *f = &w->flows[fid];
		struct prog_rec *p = &w->progs[f->prog];

		if (a->flow[fid] != 1 || f->state != F_LIVE || f->sub != sub || f->prio != prio ||
		    f->res != res ||
		    memcmp(f->key.w, key->w, sizeof(key->w)) || p->n_ops != n_ops ||
		    memcmp(p->ops, ops, n_ops * sizeof(*ops)) ||
		    memcmp(f->param, param, sizeof(f->param)))
			continue;
		cur = w->recs[f->rec].v;
		if (cur.stage_idx != fv->stage_idx || memcmp(cur.set, fv->set, sizeof(cur.set)))
			continue;
		a->flow[fid] = 2;
		*id = fid;
		return true;
	}
	return false;
}

/* Bitmap of ids in use, to rebuild an allocator afterwards. */
static void bit_set(uint8_t *b, uint32_t i)
{
	b[i / 8] |= 1u << (i % 8);
}

static bool bit_get(const uint8_t *b, uint32_t i)
{
	return b[i / 8] & (1u << (i % 8));
}

/* Make A hand out only ids not in USED (ids from A->next on). */
static int id_reserve(struct idalloc *a, const uint8_t *used)
{
	uint32_t first = a->next, last = first, i;

	for (i = first; i < a->max; i++)
		if (bit_get(used, i))
			last = i + 1;
	/* Free ids come off the end of the list: lowest last, so that
	 * allocation stays dense. */
	for (i = last; i-- > first;) {
		if (bit_get(used, i))
			continue;
		if (a->n_free == a->cap_free) {
			uint32_t nc = a->cap_free ? a->cap_free * 2 : 64;
			uint32_t *nf = realloc(a->free, nc * sizeof(*nf));

			if (!nf)
				return -ENOMEM;
			a->free = nf;
			a->cap_free = nc;
		}
		a->free[a->n_free++] = i;
	}
	a->next = last;
	return 0;
}

/* Every key of map FD, read before anything is deleted. */
static int all_keys(int fd, size_t ksz, void **out, uint32_t *n)
{
	uint32_t cap = 0;
	char *keys = NULL, prev[64], cur[64];
	bool first = true;

	*n = 0;
	*out = NULL;
	while (!bpf_map_get_next_key(fd, first ? NULL : prev, cur)) {
		if (*n == cap) {
			char *nk;

			cap = cap ? cap * 2 : 256;
			nk = realloc(keys, (size_t)cap * ksz);
			if (!nk) {
				free(keys);
				return -ENOMEM;
			}
			keys = nk;
		}
		memcpy(keys + (size_t)*n * ksz, cur, ksz);
		(*n)++;
		memcpy(prev, cur, ksz);
		first = false;
	}
	*out = keys;
	return 0;
}

/* The program whose entry chunk is C0, as a progs[] record (shared by the
 * adopted flows that run it). */
static int adopt_prog(struct ovnbpf_writer *w, struct u64map *by_chunk, uint8_t *used,
		      uint32_t c0, uint32_t *idx)
{
	struct ovn_op *ops = NULL, *nops;
	uint32_t n = 0, chunks[8], nc = 0, c = c0, i;
	struct ovn_prog prog;
	struct prog_rec *p;
	int err;

	if (u64map_get(by_chunk, c0, idx)) {
		w->progs[*idx].refs++;
		return 0;
	}
	/* A full chunk ending in GOTO continues in another chunk. */
	for (;;) {
		if (!c || c >= OVN_MAX_PROGS || nc == 8 ||
		    bpf_map_lookup_elem(w->m.progs, &c, &prog) || prog.n_ops > OVN_PROG_MAX_OPS) {
			free(ops);
			return -EINVAL;
		}
		chunks[nc++] = c;
		nops = realloc(ops, (n + prog.n_ops + 1) * sizeof(*ops));
		if (!nops) {
			free(ops);
			return -ENOMEM;
		}
		ops = nops;
		if (prog.n_ops == OVN_PROG_MAX_OPS &&
		    prog.op[OVN_PROG_MAX_OPS - 1].code == OVN_OP_GOTO && nc < 8) {
			memcpy(ops + n, prog.op, (OVN_PROG_MAX_OPS - 1) * sizeof(*ops));
			n += OVN_PROG_MAX_OPS - 1;
			c = prog.op[OVN_PROG_MAX_OPS - 1].arg;
			continue;
		}
		memcpy(ops + n, prog.op, prog.n_ops * sizeof(*ops));
		n += prog.n_ops;
		break;
	}
	err = id_get(&w->prog_recs, idx);
	if (!err)
		err = grow((void **)&w->progs, &w->cap_progs, *idx, sizeof(*w->progs));
	if (!err)
		err = u64map_put(by_chunk, c0, *idx);
	if (err) {
		free(ops);
		return err;
	}
	p = &w->progs[*idx];
	free(p->ops);
	memset(p, 0, sizeof(*p));
	p->in_use = true;
	p->refs = 1;
	p->ops = ops;
	p->n_ops = n;
	p->hash = fnv1a(ops, n * sizeof(*ops)) ^ n;
	p->n_chunks = nc;
	for (i = 0; i < nc; i++) {
		p->chunk[i] = chunks[i];
		bit_set(used, chunks[i]);
	}
	u64map_put(&w->prog_idx, p->hash, *idx);
	w->n_progs_used++;
	return 0;
}

/* Record REC (content FV) of an adopted cell: one more reference.  The
 * program reference is taken by adopt_prog() per cell, as for new flows. */
static int adopt_rec(struct ovnbpf_writer *w, uint32_t rec, const struct ovn_flow *fv,
		     uint8_t *rec_used)
{
	struct rec_rec *r;
	uint32_t cur;
	int err;

	err = grow((void **)&w->recs, &w->cap_recs, rec, sizeof(*w->recs));
	if (err)
		return err;
	r = &w->recs[rec];
	if (bit_get(rec_used, rec)) {
		r->refs++;
		return 0;
	}
	bit_set(rec_used, rec);
	r->in_use = true;
	r->refs = 1;
	r->v = *fv;
	r->hash = fnv1a(fv, sizeof(*fv));
	if (!u64map_get(&w->rec_idx, r->hash, &cur))
		u64map_put(&w->rec_idx, r->hash, rec);
	w->n_recs_used++;
	return 0;
}

/* Residual bits a writer of this version writes (0 or one port word and a
 * param word within the cell). */
static bool res_valid(uint32_t res)
{
	uint32_t port = res & OVN_CLS_RES_PORT;

	if (!res)
		return true;
	return (port == OVN_CLS_RES_INPORT || port == OVN_CLS_RES_OUTPORT) &&
	       OVN_CLS_RES_WORD(res) < OVN_CLS_PARAM_BYTES / 4 &&
	       !(res & ~(OVN_CLS_RES_PORT | 3u << OVN_CLS_RES_WORD_SHIFT));
}

static bool cell_visible(const struct ovn_cls_cell *c, uint32_t ver)
{
	return c->prio >= 0 && c->add_ver <= ver && ver < c->rm_ver;
}

/* One classifier key: adopt its visible cells, free the others. */
static int adopt_cls(struct ovnbpf_writer *w, struct ovn_cls_key *k, struct u64map *by_chunk,
		     uint8_t *sub_used, uint8_t *prog_used, uint8_t *flow_used, uint8_t *rec_used)
{
	struct adopt *a = w->adopt;
	struct ovn_cls_val v;
	struct flow_rec *f;
	struct ovn_flow fv;
	bool changed = false;
	uint32_t i, dead = 0, pi;
	int err;

	if (bpf_map_lookup_elem(w->m.cls, k, &v))
		return 0;
	/* Not on any stage's list: no packet looks here. */
	if (k->sub_id >= OVN_MAX_SUBTABLES || !bit_get(sub_used, k->sub_id))
		return bpf_map_delete_elem(w->m.cls, k) && errno != ENOENT ? -errno : 0;
	for (i = 0; i < OVN_CLS_CELLS; i++) {
		struct ovn_cls_cell *c = &v.cell[i];
		uint32_t rec = c->rec & OVN_CLS_REC_MASK, res = c->rec & ~OVN_CLS_REC_MASK;

		if (c->prio < 0)
			continue;
		if (!cell_visible(c, w->ver) || !c->flow || c->flow >= OVN_MAX_FLOWS ||
		    bit_get(flow_used, c->flow) || !rec || rec >= OVN_MAX_FLOWS ||
		    !res_valid(res) || bpf_map_lookup_elem(w->m.flows, &rec, &fv) ||
		    adopt_prog(w, by_chunk, prog_used, fv.prog, &pi) ||
		    adopt_rec(w, rec, &fv, rec_used)) {
			/* Invisible, or nothing sane to run: free it. */
			dead |= 1u << i;
			continue;
		}
		if (c->rm_ver != OVN_VER_INF) {
			/* A removal staged by a writer that died before its
			 * commit: the flow is live until swept. */
			c->rm_ver = OVN_VER_INF;
			changed = true;
		}
		err = grow((void **)&w->flows, &w->cap_flows, c->flow, sizeof(*w->flows));
		if (!err)
			err = grow((void **)&a->flow, &a->cap_flow, c->flow, 1);
		if (!err)
			err = chain_put(&a->flow_idx, flow_claim_hash(k->sub_id, k, c->prio), c->flow);
		if (err)
			return err;
		bit_set(flow_used, c->flow);
		a->flow[c->flow] = 1;
		f = &w->flows[c->flow];
		memset(f, 0, sizeof(*f));
		f->state = F_LIVE;
		f->prio = c->prio;
		f->sub = k->sub_id;
		f->stage = w->subs[k->sub_id].stage;
		f->prog = pi;
		f->rec = rec;
		f->res = res;
		f->key = *k;
		f->cell = i;
		memcpy(f->param, c->param, sizeof(f->param));
		{
			const struct stage_rec *s = &w->stages[f->stage];
			const struct prog_rec *p = &w->progs[pi];

			f->passlike = w->subs[f->sub].def.n_words == 0 && !fv.set[0].flags && !res &&
				      p->n_ops == 1 && p->ops[0].code == OVN_OP_NEXT &&
				      s->key.pipeline <= OVN_PIPE_EGRESS &&
				      p->ops[0].pipeline == s->key.pipeline &&
				      p->ops[0].table == s->key.table + 1;
		}
		w->subs[f->sub].refs++;
		w->stages[f->stage].n_flows++;
		w->stages[f->stage].n_pass += f->passlike;
		w->n_flows_used++;
	}
	if (changed) {
		err = map_update(w->m.cls, k, &v, BPF_EXIST);
		if (err)
			return err;
	}
	for (i = 0; i < OVN_CLS_CELLS; i++) {
		if (dead & (1u << i)) {
			struct flow_rec tmp = { .key = *k, .cell = i };

			cls_free(w, &tmp);	/* unlinks an emptied tail slot */
		}
	}
	return 0;
}

/* Take over subtable id ID of stage SI at max priority PRIO. */
static int adopt_sub(struct ovnbpf_writer *w, uint32_t si, uint32_t id, int32_t prio,
		     uint8_t *sub_used)
{
	struct stage_rec *s = &w->stages[si];
	struct sub_rec *r;
	int err;

	if (!id || id >= OVN_MAX_SUBTABLES || bit_get(sub_used, id) ||
	    s->n_sub >= OVN_STAGE_MAX_MASKS)
		return 0;
	if (stage_sub_room(s))
		return -ENOMEM;
	err = grow((void **)&w->subs, &w->cap_subs, id, sizeof(*w->subs));
	if (err)
		return err;
	r = &w->subs[id];
	memset(r, 0, sizeof(*r));
	if (bpf_map_lookup_elem(w->m.subtables, &id, &r->def))
		return 0;
	bit_set(sub_used, id);
	r->in_use = true;
	r->stage = si;
	r->max_prio = prio;
	s->sub[s->n_sub++] = id;
	return 0;
}

/* The stage lists: each head entry and the continuation entries its
 * chain reaches (maps/pipeline.h).  A continuation no chain reaches (a
 * previous writer retired it and died before the grace period ended) is
 * deleted: no packet can get there. */
static int adopt_stages(struct ovnbpf_writer *w, uint8_t *sub_used)
{
	struct ovn_stage_key *keys = NULL;
	struct ovn_stage v;
	uint32_t n = 0, i, j, si, e;
	int err;

	err = all_keys(w->m.stages, sizeof(*keys), (void **)&keys, &n);
	if (err)
		return err;
	for (i = 0; i < n && !err; i++) {
		struct ovn_stage_key k = keys[i];
		struct stage_rec *s;

		if (k.cont || bpf_map_lookup_elem(w->m.stages, &k, &v))
			continue;
		err = stage_get(w, &k, true, &si);
		if (err)
			break;
		s = &w->stages[si];
		for (e = 0; !err; e++) {
			for (j = 0; j < v.n_sub && j < OVN_STAGE_MAX_SUB && !err; j++)
				err = adopt_sub(w, si, v.sub.sub_id[j], v.sub.sub_max_prio[j],
						sub_used);
			if (err || !v.next || e + 1 >= OVN_STAGE_MAX_CHAIN)
				break;
			k.cont = v.next;
			if (bpf_map_lookup_elem(w->m.stages, &k, &v))
				break;
			s->cont = realloc(s->cont, (s->n_cont + 1) * sizeof(*s->cont));
			if (!s->cont) {
				s->n_cont = 0;
				err = -ENOMEM;
				break;
			}
			s->cont[s->n_cont++] = k.cont;
			if (k.cont > s->cont_next)
				s->cont_next = k.cont;
		}
	}
	for (i = 0; i < n && !err; i++) {
		struct ovn_stage_key head = keys[i];
		bool reached = false;

		if (!keys[i].cont)
			continue;
		head.cont = 0;
		if (!stage_get(w, &head, false, &si)) {
			for (j = 0; j < w->stages[si].n_cont; j++)
				reached |= w->stages[si].cont[j] == keys[i].cont;
		}
		if (!reached)
			bpf_map_delete_elem(w->m.stages, &keys[i]);
	}
	free(keys);
	return err;
}

static int adopt_members(struct ovnbpf_writer *w, bool lpm)
{
	int fd = lpm ? w->m.set_lpm : w->m.set_hash;
	size_t ksz = lpm ? sizeof(struct ovn_set_lpm_key) : sizeof(struct ovn_set_key);
	struct ovn_set_member cur;
	struct adopt_ent e;
	char *keys = NULL;
	uint32_t n = 0, i;
	int err;

	err = all_keys(fd, ksz, (void **)&keys, &n);
	for (i = 0; i < n && !err; i++) {
		void *k = keys + i * ksz;

		if (bpf_map_lookup_elem(fd, k, &cur))
			continue;
		if (cur.add_ver > w->ver || cur.rm_ver <= w->ver) {
			bpf_map_delete_elem(fd, k);	/* no packet sees it */
			continue;
		}
		if (cur.rm_ver != OVN_VER_INF) {
			cur.rm_ver = OVN_VER_INF;
			err = map_update(fd, k, &cur, BPF_EXIST);
		}
		memset(&e, 0, sizeof(e));
		e.kind = lpm ? A_MEMBER_LPM : A_MEMBER_HASH;
		memcpy(&e.lk, k, ksz);
		err = err ?: ent_add(w->adopt, &e);
	}
	free(keys);
	return err;
}

/* Port records left by a previous writer: members no packet sees are
 * freed, pending removals are undone (as adopt_members() does), and the
 * rest is marked adopted: ovnbpf_port_member_add() claims a member by
 * adding it again, ovnbpf_adopt_finish() removes the unclaimed ones. */
static int adopt_port_records(struct ovnbpf_writer *w)
{
	struct ovn_port_key *keys = NULL;
	struct ovn_port v;
	uint32_t n = 0, i;
	int err;

	err = all_keys(w->m.ports, sizeof(*keys), (void **)&keys, &n);
	for (i = 0; i < n && !err; i++) {
		if (bpf_map_lookup_elem(w->m.ports, &keys[i], &v))
			continue;
		for (int j = 0; j < OVN_PORT_MEMBERS; j++) {
			struct ovn_port_member *x = &v.member[j];

			if (x->kind == OVN_PM_FREE)
				continue;
			if (x->add_ver > w->ver || x->rm_ver <= w->ver) {
				memset(x, 0, sizeof(*x));
				continue;
			}
			x->rm_ver = OVN_VER_INF;
			x->wflags |= OVN_PM_W_ADOPTED;
		}
		if (v.flags & OVN_PORT_F_SPILL)
			err = u64map_put(&w->spill, port_pack(keys[i].dp, keys[i].port), 1);
		err = err ?: map_update(w->m.ports, &keys[i], &v, BPF_EXIST);
	}
	free(keys);
	return err;
}

/* An adopted datapath keeps its descriptor slot and active copy: packets
 * go on reading them.  Its descriptors are rebuilt from the adopted stages
 * at the first commit, into the inactive copy, a grace period after
 * adoption (the previous ovnbpfd may have flipped just before it went).
 * A slot out of range or taken twice gets the stages read from
 * ovn_stages until the first commit gives the datapath a fresh one. */
static void dp_adopt_slot(struct ovnbpf_writer *w, struct dp_rec *r)
{
	uint32_t slot = r->d.slot, i;

	r->desc_ok[0] = r->desc_ok[1] = 0;
	r->desc_dirty = true;
	r->flip_ns = now_ns();
	if (!slot)
		return;
	for (i = 0; i < w->cap_dps; i++) {
		if (&w->dps[i] != r && w->dps[i].in_use && w->dps[i].d.slot == slot)
			slot = 0;
	}
	if (slot >= OVN_MAX_DP_SLOTS || !slot) {
		r->d.slot = 0;
		return;
	}
	/* Taken out of the allocator: ids below next are free unless
	 * listed; keep it simple and move next past it. */
	while (w->dp_slots.next <= slot) {
		if (w->dp_slots.next != slot)
			id_put(&w->dp_slots, w->dp_slots.next);
		w->dp_slots.next++;
	}
	for (i = 0; i < w->dp_slots.n_free; i++) {
		if (w->dp_slots.free[i] == slot) {
			w->dp_slots.free[i] = w->dp_slots.free[--w->dp_slots.n_free];
			break;
		}
	}
}

static int adopt_imm(struct ovnbpf_writer *w, enum adopt_imm kind)
{
	int fd = kind == A_DP ? w->m.dps : kind == A_PORT ? w->m.ports :
		 kind == A_MCGROUP ? w->m.mcgroups : w->m.vifs;
	size_t ksz = kind == A_PORT || kind == A_MCGROUP ? 8 : 4;
	struct adopt_ent e;
	uint32_t n = 0, i, ri;
	char *keys = NULL;
	int err;

	err = all_keys(fd, ksz, (void **)&keys, &n);
	for (i = 0; i < n && !err; i++) {
		memset(&e, 0, sizeof(e));
		e.kind = kind;
		memcpy(e.k, keys + i * ksz, ksz);
		err = ent_add(w->adopt, &e);
		if (err || kind != A_DP)
			continue;
		/* The datapath record keeps its zones and passthrough bits. */
		err = id_get(&w->dp_recs, &ri);
		err = err ?: grow((void **)&w->dps, &w->cap_dps, ri, sizeof(*w->dps));
		err = err ?: u64map_put(&w->dp_idx, e.k[0], ri);
		if (err)
			break;
		memset(&w->dps[ri], 0, sizeof(w->dps[ri]));
		w->dps[ri].key = e.k[0];
		w->dps[ri].in_use = true;
		if (bpf_map_lookup_elem(fd, &e.k[0], &w->dps[ri].d))
			memset(&w->dps[ri].d, 0, sizeof(w->dps[ri].d));
		dp_adopt_slot(w, &w->dps[ri]);
	}
	free(keys);
	return err;
}

static int adopt_scan(struct ovnbpf_writer *w)
{
	uint8_t *sub_used, *prog_used, *flow_used, *rec_used;
	struct u64map by_chunk = {};
	struct ovn_cls_key *keys = NULL;
	uint32_t n = 0, i;
	int err;

	w->adopt = calloc(1, sizeof(*w->adopt));
	sub_used = calloc(OVN_MAX_SUBTABLES / 8 + 1, 1);
	prog_used = calloc(OVN_MAX_PROGS / 8 + 1, 1);
	flow_used = calloc(OVN_MAX_FLOWS / 8 + 1, 1);
	rec_used = calloc(OVN_MAX_FLOWS / 8 + 1, 1);
	if (!w->adopt || !sub_used || !prog_used || !flow_used || !rec_used) {
		err = -ENOMEM;
		goto out;
	}
	err = adopt_imm(w, A_DP) ?: adopt_imm(w, A_PORT) ?: adopt_port_records(w) ?:
	      adopt_imm(w, A_MCGROUP) ?:
	      adopt_imm(w, A_VIF) ?: adopt_members(w, false) ?: adopt_members(w, true) ?:
	      adopt_stages(w, sub_used) ?: all_keys(w->m.cls, sizeof(*keys), (void **)&keys, &n);
	for (i = 0; i < n && !err; i++)
		err = adopt_cls(w, &keys[i], &by_chunk, sub_used, prog_used, flow_used, rec_used);
	if (!err)
		err = id_reserve(&w->sub_ids, sub_used) ?: id_reserve(&w->prog_ids, prog_used) ?:
		      id_reserve(&w->flow_ids, flow_used) ?: id_reserve(&w->rec_ids, rec_used);
out:
	free(keys);
	u64map_free(&by_chunk);
	free(sub_used);
	free(prog_used);
	free(flow_used);
	free(rec_used);
	if (!err && !w->adopt->n_ent && !w->n_flows_used && !w->n_stages_used)
		adopt_free(w);	/* fresh maps */
	return err;
}

static void adopt_free(struct ovnbpf_writer *w)
{
	struct adopt *a = w->adopt;

	if (!a)
		return;
	free(a->flow);
	u64map_free(&a->flow_idx);
	free(a->ent);
	u64map_free(&a->ent_idx);
	free(a);
	w->adopt = NULL;
}

int ovnbpf_adopt_finish(struct ovnbpf_writer *w)
{
	struct adopt *a = w->adopt;
	uint32_t i, j;
	int err, ret = 0;

	if (!a || a->finished)
		return 0;
	a->finished = true;
	for (i = 0; i < a->cap_flow; i++) {
		if (a->flow[i] == 1 && w->flows[i].state == F_LIVE) {
			err = ovnbpf_flow_del(w, i);
			ret = ret ?: err;
		}
	}
	for (i = 0; i < a->n_ent; i++) {
		struct adopt_ent *e = &a->ent[i];
		struct ovn_set_member cur;
		struct retire_rec *r;
		int fd;

		if (e->claimed || (e->kind != A_MEMBER_HASH && e->kind != A_MEMBER_LPM))
			continue;
		fd = e->kind == A_MEMBER_LPM ? w->m.set_lpm : w->m.set_hash;
		if (bpf_map_lookup_elem(fd, &e->lk, &cur) || cur.rm_ver != OVN_VER_INF)
			continue;
		r = push_retire(w);
		if (!r)
			return -ENOMEM;
		cur.rm_ver = w->ver + 1;
		err = map_update(fd, &e->lk, &cur, BPF_EXIST);
		if (err) {
			w->n_retire--;
			ret = ret ?: err;
			continue;
		}
		r->kind = e->kind == A_MEMBER_LPM ? R_SET_LPM : R_SET_HASH;
		r->ver = w->ver + 1;
		r->lk = e->lk;
		e->claimed = true;
	}
	/* Port record members nobody added again. */
	for (i = 0; i < a->n_ent; i++) {
		struct adopt_ent *e = &a->ent[i];
		struct ovn_port v;

		if (e->kind != A_PORT ||
		    bpf_map_lookup_elem(w->m.ports, e->k, &v))
			continue;
		for (j = 0; j < OVN_PORT_MEMBERS; j++) {
			struct ovn_port_member x = v.member[j];

			if (x.kind != OVN_PM_FREE && (x.wflags & OVN_PM_W_ADOPTED) &&
			    x.rm_ver == OVN_VER_INF) {
				err = ovnbpf_port_member_del(w, e->k[0], e->k[1], &x);
				ret = ret ?: err;
			}
		}
	}
	/* Subtables on a stage list that no flow uses (none adopted, none
	 * added): off the list; no packet matched anything there. */
	for (i = 0; i < w->cap_subs; i++) {
		struct sub_rec *r = &w->subs[i];
		struct stage_rec *s;

		if (!r->in_use || r->refs)
			continue;
		s = &w->stages[r->stage];
		for (j = 0; j < s->n_sub; j++) {
			if (s->sub[j] == i) {
				s->sub[j] = s->sub[--s->n_sub];
				break;
			}
		}
		stage_write(w, r->stage);
		r->in_use = false;
		id_put(&w->sub_ids, i);
	}
	return ret;
}

/* After the commit that hid the old rules: the single entries nobody
 * claimed go, and the writer is on its own. */
static void adopt_after_commit(struct ovnbpf_writer *w)
{
	struct adopt *a = w->adopt;
	bool bump = false;
	uint32_t i;

	if (!a || !a->finished)
		return;
	for (i = 0; i < a->n_ent; i++) {
		struct adopt_ent *e = &a->ent[i];
		struct dp_rec *d;
		uint32_t ri;

		if (e->claimed)
			continue;
		switch (e->kind) {
		case A_DP:
			d = dp_find(w, e->k[0]);
			if (d && u64map_get(&w->dp_idx, e->k[0], &ri)) {
				u64map_del(&w->dp_idx, e->k[0]);
				d->in_use = false;
				id_put(&w->dp_recs, ri);
			}
			bpf_map_delete_elem(w->m.dps, &e->k[0]);
			break;
		case A_PORT:
			bpf_map_delete_elem(w->m.ports, e->k);
			break;
		case A_MCGROUP:
			mc_retire_pages(w, e->k[0], e->k[1]);
			bpf_map_delete_elem(w->m.mcgroups, e->k);
			break;
		case A_VIF:
			bpf_map_delete_elem(w->m.vifs, &e->k[0]);
			break;
		default:
			continue;
		}
		bump = true;
	}
	if (bump)
		cache_bump(w);
	adopt_free(w);
}

void ovnbpf_adopt_stats(const struct ovnbpf_writer *w, uint32_t *flows, uint32_t *claimed)
{
	uint32_t i;

	*flows = *claimed = 0;
	if (!w->adopt)
		return;
	for (i = 0; i < w->adopt->cap_flow; i++) {
		*flows += w->adopt->flow[i] != 0;
		*claimed += w->adopt->flow[i] == 2;
	}
}
