/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Port security (Port_Binding.port_security) as the helper tables
 * check_in_port_sec()/check_out_port_sec() call: ovn-controller's OpenFlow
 * tables 73-75.
 *
 * A port with one port_security entry ("MAC [IP...]", the usual form) adds
 * memberships, not flows: its addresses go into its own per-port set (set
 * id = the datapath's block base + port key, tested with
 * OVN_SET_T_BY_INPORT/OUTPORT) and its port key into one of four "class"
 * sets (has IPv4 addresses? has IPv6 addresses?).  Since session 5 these
 * memberships live in the port's record (its ovn_ports value,
 * maps/ports.h) and cost no map entry of their own; what does not fit in
 * the record's slots spills to the set maps, which the tests then also
 * ask.  The flows are generic: one copy per (datapath, class) in use,
 * whatever the number of ports.  Other ports (several entries, port key
 * > 0xffff) get per-port flows.
 */
#ifndef __OVNBPF_LOADER_PORT_SECURITY_H
#define __OVNBPF_LOADER_PORT_SECURITY_H

#include <stddef.h>
#include <stdint.h>

struct compiler;
struct cc_port;

/* Install (or replace) the port security of port P: PS (N) are its
 * port_security strings.  Unchanged input is a no-op. */
void port_sec_set(struct compiler *c, const struct cc_port *p, const char *const *ps, size_t n);
/* Remove what port_sec_set installed for port NAME. */
void port_sec_clear(struct compiler *c, const char *name);
void port_sec_free(struct compiler *c);

/* Counts for engine-stats and tests. */
struct port_sec_stats {
	size_t ports_sets;		/* ports handled by set members */
	size_t ports_flows;		/* ports with per-port flows */
	size_t members;			/* set members installed */
	size_t class_flows;		/* generic (datapath, class) flows */
};
void port_sec_get_stats(const struct compiler *c, struct port_sec_stats *s);

#endif
