/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Reading an OVSDB database file (the on-disk log ovsdb-server writes:
 * "OVSDB JSON <len> <sha1>" header lines, each followed by a JSON record;
 * the first record is the schema, the others transactions) into the rows
 * it ends up with.  For tests and benchmarks over the SB corpora in
 * /work/shared/corpus; "*.xz" files are read through xz -dc.
 */
#ifndef __OVNBPF_TESTS_SB_CORPUS_H
#define __OVNBPF_TESTS_SB_CORPUS_H

#include <stddef.h>
#include <jansson.h>

/* Directory of the corpora: $OVNBPF_CORPUS or /work/shared/corpus. */
const char *sb_corpus_dir(void);

/* Load PATH; returns {"Table": {"uuid": {column: value, ...}}} (json_decref
 * it) or NULL with errno set. */
json_t *sb_corpus_load(const char *path);

/* The rows of TABLE in DB (an object keyed by uuid; never NULL). */
json_t *sb_corpus_table(json_t *db, const char *table);

/* The Logical_Flow rows of the database file PATH, flattened for tests that
 * only need the texts. */
struct sbdb_flow {
	char uuid[40];
	char *match;
	char *actions;
};

/* 0 or -errno; free with sbdb_flows_free(). */
int sbdb_file_flows(const char *path, struct sbdb_flow **flows, size_t *n);
void sbdb_flows_free(struct sbdb_flow *flows, size_t n);

#endif /* __OVNBPF_TESTS_SB_CORPUS_H */
