/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Test helper: the Logical_Flow rows of an OVSDB database file (the
 * corpora in /work/shared/corpus), as ovsdb-server would load them.
 */
#ifndef __OVNBPF_TESTS_SBDB_FILE_H
#define __OVNBPF_TESTS_SBDB_FILE_H

#include <stddef.h>

struct sbdb_flow {
	char uuid[40];
	char *match;
	char *actions;
};

/* Read 'path' (an OVSDB log: "OVSDB JSON len hash" lines each followed by
 * one JSON record; the first the schema, then transactions) and return
 * the final Logical_Flow rows.  0 or -errno. */
int sbdb_file_flows(const char *path, struct sbdb_flow **flows, size_t *n);
void sbdb_flows_free(struct sbdb_flow *flows, size_t n);

#endif /* __OVNBPF_TESTS_SBDB_FILE_H */
