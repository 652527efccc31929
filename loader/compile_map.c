// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Open-addressing string map (see compile_map.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/compile_map.h"
#include "loader/strbuf.h"

static char smap_tomb_key;
#define SMAP_TOMB (&smap_tomb_key)

static uint64_t smap_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct smap_slot *smap_find(const struct smap *m, const char *key)
{
	size_t i;

	if (!m->n_slots)
		return NULL;
	for (i = smap_hash(key) & (m->n_slots - 1); m->slots[i].key;
	     i = (i + 1) & (m->n_slots - 1))
		if (m->slots[i].key != SMAP_TOMB && !strcmp(m->slots[i].key, key))
			return &m->slots[i];
	return NULL;
}

void *smap_get(const struct smap *m, const char *key)
{
	struct smap_slot *s = smap_find(m, key);

	return s ? s->val : NULL;
}

static void smap_grow(struct smap *m)
{
	struct smap g = { .n_slots = m->n_slots ? m->n_slots * 2 : 64 };
	size_t i, j;

	if (m->n * 4 < m->n_slots && m->used < m->n_slots / 2)
		g.n_slots = m->n_slots;	/* only tombstones: rehash in place */
	g.slots = xcalloc(g.n_slots, sizeof(*g.slots));
	for (i = 0; i < m->n_slots; i++) {
		char *k = m->slots[i].key;

		if (!k || k == SMAP_TOMB)
			continue;
		for (j = smap_hash(k) & (g.n_slots - 1); g.slots[j].key;
		     j = (j + 1) & (g.n_slots - 1))
			;
		g.slots[j] = m->slots[i];
		g.n++;
	}
	g.used = g.n;
	free(m->slots);
	*m = g;
}

void *smap_put(struct smap *m, const char *key, void *val)
{
	struct smap_slot *s = smap_find(m, key);
	void *old;
	size_t i;

	if (s) {
		old = s->val;
		s->val = val;
		return old;
	}
	if ((m->used + 1) * 2 > m->n_slots)
		smap_grow(m);
	for (i = smap_hash(key) & (m->n_slots - 1); m->slots[i].key && m->slots[i].key != SMAP_TOMB;
	     i = (i + 1) & (m->n_slots - 1))
		;
	if (!m->slots[i].key)
		m->used++;
	m->slots[i].key = xstrndup(key, strlen(key));
	m->slots[i].val = val;
	m->n++;
	return NULL;
}

void *smap_del(struct smap *m, const char *key)
{
	struct smap_slot *s = smap_find(m, key);
	void *v;

	if (!s)
		return NULL;
	v = s->val;
	free(s->key);
	s->key = SMAP_TOMB;
	s->val = NULL;
	m->n--;
	return v;
}

int smap_next(const struct smap *m, size_t *i, const char **key, void **val)
{
	for (; *i < m->n_slots; (*i)++) {
		struct smap_slot *s = &m->slots[*i];

		if (s->key && s->key != SMAP_TOMB) {
			*key = s->key;
			*val = s->val;
			(*i)++;
			return 1;
		}
	}
	return 0;
}

void smap_destroy(struct smap *m, void (*free_val)(void *))
{
	for (size_t i = 0; i < m->n_slots; i++) {
		if (m->slots[i].key && m->slots[i].key != SMAP_TOMB) {
			if (free_val)
				free_val(m->slots[i].val);
			free(m->slots[i].key);
		}
	}
	free(m->slots);
	memset(m, 0, sizeof(*m));
}
