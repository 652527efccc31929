/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The loaded BPF datapath: opening the CO-RE objects, pinning (or reusing)
 * their maps under the pin directory, so that a restarted ovnbpfd finds the
 * maps the running programs use and never flushes them.
 */
#ifndef __OVNBPF_LOADER_DATAPATH_H
#define __OVNBPF_LOADER_DATAPATH_H

#include <stdint.h>

struct ovnbpf_vif;

struct datapath {
	char *pin_dir;
	struct ovnbpf_vif *vif;		/* VIF tc ingress program + its maps */
};

/* Make sure a bpffs is mounted at (or above) PIN_DIR and PIN_DIR exists. */
int bpffs_prepare(const char *pin_dir);

/* Load the BPF objects with their maps pinned under PIN_DIR (existing pins
 * are reused).  Returns 0 or -errno; on error *out is NULL. */
int datapath_open(const char *pin_dir, struct datapath **out);
void datapath_close(struct datapath *dp);
/* Size of the conntrack table for the next datapath_open() (0: the
 * default, OVN_CT_MAX); a pinned table keeps its size. */
void datapath_set_ct_max(uint32_t n);

/* Size of the exact-match cache map (maps/cache.h) for the next
 * datapath_open(); 0 = the cache is off (a one-entry map is made). */
void datapath_set_cache_entries(unsigned int n);

#endif /* __OVNBPF_LOADER_DATAPATH_H */
