/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * An SB replica for tests: the real OVN_Southbound schema (as installed by
 * Debian's ovn-common) with a few tables monitored, filled by update2
 * messages written with ' for " so that they read well in C strings.
 */
#ifndef __OVNBPF_TESTS_UNIT_SB_REPLICA_FIX_H
#define __OVNBPF_TESTS_UNIT_SB_REPLICA_FIX_H

#include <stdbool.h>

#include "ovsdb-client/replica.h"

#define SB_SCHEMA "/usr/share/ovn/ovn-sb.ovsschema"

/* A replica of TABLES (NULL-terminated) with SB_SCHEMA set; NULL when the
 * schema is not installed or does not parse. */
struct ovsdb_replica *sb_fix_replica(const char *const *tables);

/* Apply TEXT, an update2 message with ' for ", asserting that it parses
 * and applies. */
bool sb_fix_apply(struct ovsdb_replica *r, const char *text);

#endif /* __OVNBPF_TESTS_UNIT_SB_REPLICA_FIX_H */
