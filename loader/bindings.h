/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Local interface bindings: which host interface carries which OVN logical
 * port (what OVS keeps in Interface external_ids:iface-id).  The table is
 * set by `ovnbpfctl bind/unbind` and persisted in a state file so that a
 * restarted ovnbpfd finds it again.
 *
 * Invariants: an interface is bound to at most one logical port, and a
 * logical port to at most one interface.  A binding may exist before its
 * interface does (the CNI binds, then creates the veth).
 */
#ifndef __OVNBPF_LOADER_BINDINGS_H
#define __OVNBPF_LOADER_BINDINGS_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

/* Longest logical port name we accept (OVN sets no limit; this is ours). */
#define BINDING_LPORT_MAX 1024

struct binding {
	char iface[IFNAMSIZ];
	char *lport;

	/* Runtime state, not persisted: owned by local_vifs. */
	int ifindex;		/* 0 while the interface does not exist */
	bool attached;		/* our tc filter is on ifindex */
	bool claimed;		/* Port_Binding claimed in the SB */
	char *attach_error;	/* last attach failure, or NULL */
};

struct bindings {
	struct binding **v;
	size_t n, cap;
};

/* Check a name before it goes in the table.  Returns 0, or -EINVAL with an
 * explanation in ERR (ERRLEN bytes). */
int binding_check_iface(const char *iface, char *err, size_t errlen);
int binding_check_lport(const char *lport, char *err, size_t errlen);

void bindings_init(struct bindings *bs);
void bindings_destroy(struct bindings *bs);

struct binding *bindings_find_iface(const struct bindings *bs, const char *iface);
struct binding *bindings_find_lport(const struct bindings *bs, const char *lport);

/* Add IFACE -> LPORT.  Both names must pass the checks above and neither
 * may already be bound (-EEXIST): replacing is the caller's decision.
 * Returns 0 or -errno; *out (if OUT) gets the new binding. */
int bindings_add(struct bindings *bs, const char *iface, const char *lport,
		 struct binding **out);
/* Remove B (a pointer from this table) and free it. */
void bindings_remove(struct bindings *bs, struct binding *b);

/* The state file: JSON, {"version": 1, "bindings": [{"iface": ..,
 * "lport": ..}, ...]}, written to a temporary file in the same directory,
 * fsync'ed and renamed over PATH, so a crash leaves the old or the new
 * table, never half of one. */
int bindings_save(const struct bindings *bs, const char *path);
/* The same, leaving SKIP out: a removal is persisted before it is made. */
int bindings_save_without(const struct bindings *bs, const char *path,
			  const struct binding *skip);

/* Load PATH into the (empty) table BS.  A missing file is an empty table.
 * A bad entry is logged with its position and skipped; the rest is kept.
 * A file that is not JSON at all is logged, moved aside to PATH.bad (so a
 * later save does not destroy what an operator may want to recover) and
 * the table starts empty.  Returns the number of problems found (entries
 * skipped, or 1 for a file set aside), or -errno when the file cannot be
 * read. */
int bindings_load(struct bindings *bs, const char *path);

#endif /* __OVNBPF_LOADER_BINDINGS_H */
