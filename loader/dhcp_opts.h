/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The SB DHCP_Options / DHCPv6_Options tables (option name -> code, type)
 * as the action parser's option tables: put_dhcp_opts(router = ...) is
 * parsed against them, as ovn-controller does.
 */
#ifndef __OVNBPF_LOADER_DHCP_OPTS_H
#define __OVNBPF_LOADER_DHCP_OPTS_H

#include <stdbool.h>

#include "loader/actions.h"

struct ovsdb_table;

struct dhcp_opts {
	struct action_opt_table t;	/* what compile_set_opt_tables() takes */
	struct action_opt_def *defs;	/* names/types owned */
};

/* Rebuild O from table T (all rows).  Returns true when the content
 * changed. */
bool dhcp_opts_load(struct dhcp_opts *o, const struct ovsdb_table *t);
void dhcp_opts_free(struct dhcp_opts *o);

#endif
