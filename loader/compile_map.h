/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A string-keyed hash map for the compiler's indexes (lflow UUID -> its
 * writer flows, port name -> port, set name -> set).  Keys are copied.
 */
#ifndef __OVNBPF_LOADER_COMPILE_MAP_H
#define __OVNBPF_LOADER_COMPILE_MAP_H

#include <stddef.h>

struct smap_slot {
	char *key;		/* NULL: free; SMAP_TOMB: deleted */
	void *val;
};

struct smap {
	struct smap_slot *slots;
	size_t n, used, n_slots;
};

void *smap_get(const struct smap *m, const char *key);
/* Insert or replace; returns the old value (or NULL). */
void *smap_put(struct smap *m, const char *key, void *val);
/* Remove; returns the value (or NULL). */
void *smap_del(struct smap *m, const char *key);
void smap_destroy(struct smap *m, void (*free_val)(void *));
/* Iterate: for (i = 0; smap_next(m, &i, &k, &v); ) */
int smap_next(const struct smap *m, size_t *i, const char **key, void **val);

#endif
