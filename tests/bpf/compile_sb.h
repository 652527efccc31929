/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Test helper: feed a whole SB (sb_corpus JSON) into the compiler. */
#ifndef __OVNBPF_TESTS_COMPILE_SB_H
#define __OVNBPF_TESTS_COMPILE_SB_H

#include <jansson.h>

#include "loader/compile.h"

/* IFINDEX(name) gives the local interface of a logical port (0: not
 * local).  Returns the number of logical flows fed. */
size_t compile_sb_load(json_t *db, struct compiler *c,
		       uint32_t (*ifindex)(void *aux, const char *port), void *aux);

#endif
