/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The datapath's neighbour table (maps/router.h ovn_mac_bind) from SB
 * MAC_Binding and Static_MAC_Binding rows.  Several rows may name one
 * (datapath, port, IP); the map holds the one ovn-controller's priorities
 * would pick: a static binding with override_dynamic_mac (150), else the
 * learnt one (100), else a static one (50).
 */
#ifndef __OVNBPF_LOADER_MAC_BINDING_H
#define __OVNBPF_LOADER_MAC_BINDING_H

#include <stdbool.h>
#include <stdint.h>

#include "maps/router.h"

struct ovnbpf_writer;

enum mac_binding_kind {
	MB_STATIC_LOW = 50,		/* Static_MAC_Binding */
	MB_DYNAMIC = 100,		/* MAC_Binding */
	MB_STATIC_OVERRIDE = 150,	/* ... with override_dynamic_mac */
};

struct mac_bindings;

/* FD: the ovn_mac_bind map (-1: keep the table in memory only). */
struct mac_bindings *mac_bindings_new(int fd);
void mac_bindings_free(struct mac_bindings *mb);
/* Bump W's cache epoch after every write to the neighbour table (the
 * exact-match cache keeps results of get_arp/lookup_arp). */
void mac_bindings_set_cache(struct mac_bindings *mb, struct ovnbpf_writer *w);

/* Parse "10.0.0.1" / "fd00::1" into a key's ip/len.  -EINVAL if bad. */
int mac_binding_parse_ip(const char *s, struct ovn_mac_bind_key *k);
int mac_binding_parse_mac(const char *s, uint8_t mac[6]);

/* Row ID (a UUID string) says K has MAC with priority KIND.  Replaces
 * what ID said before.  Returns 0 or -errno from the map. */
int mac_bindings_set(struct mac_bindings *mb, const char *id, const struct ovn_mac_bind_key *k,
		     const uint8_t mac[6], enum mac_binding_kind kind);
/* Row ID is gone (or no longer applies). */
int mac_bindings_del(struct mac_bindings *mb, const char *id);

/* Mark and sweep: after mac_bindings_mark(), every row set again is kept
 * and mac_bindings_sweep() deletes the others. */
void mac_bindings_mark(struct mac_bindings *mb);
void mac_bindings_sweep(struct mac_bindings *mb);

/* The winning MAC of K (what the map holds).  false if none. */
bool mac_bindings_lookup(const struct mac_bindings *mb, const struct ovn_mac_bind_key *k,
			 uint8_t mac[6]);
size_t mac_bindings_count(const struct mac_bindings *mb);



/* ---- from the Southbound ---- */

struct compiler;
struct ovsdb_row;

/* Apply one MAC_Binding (IS_STATIC false) or Static_MAC_Binding row: a
 * deleted row, a row whose logical port the compiler does not know or
 * whose datapath IS_LOCAL rejects, or a bad row is removed.  Bad rows
 * are logged with their UUID. */
void mac_binding_sync_row(struct mac_bindings *mb, const struct compiler *c,
			  bool (*is_local)(void *aux, uint32_t dp), void *aux,
			  const struct ovsdb_row *row, bool is_static);

#endif /* __OVNBPF_LOADER_MAC_BINDING_H */
