/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The compiler's localnet ports (maps/localnet.h): a localnet port whose
 * network is mapped here (loader/bridge_mappings.h) becomes an
 * OVN_PORT_LOCALNET port out of the mapped device, with its VLAN tag; the
 * ports of its switch bound to other chassis are reached through it
 * (ovn-controller's PORT_LOCALNET access: one localnet port per switch,
 * here the mapped one with the lowest tunnel key); and ovn_localnet says
 * which localnet port a frame from the device enters, by VLAN ID.
 *
 * ovn_localnet is reconciled as a whole at each commit after a localnet
 * port or a mapping changed: entries nobody wants any more (a previous
 * run's, a removed port's) are deleted, so a restarted daemon adopts the
 * pinned map without a gap.
 */
#ifndef __OVNBPF_LOADER_LOCALNET_H
#define __OVNBPF_LOADER_LOCALNET_H

#include <stdbool.h>
#include <stdint.h>

#include "maps/ports.h"

struct compiler;
struct cc_port;
struct cc_localnet;

/* The pinned ovn_localnet map (-1: none, e.g. ovnbpfctl trace). */
void localnet_set_map_fd(int fd);

/* compile_sb.c hooks: what ovn_ports says of port P (OP as computed for
 * any port, changed here for localnet ports and for the ports reached
 * through one); P is being removed; commit; free. */
void cc_localnet_port(struct compiler *c, const struct cc_port *p, struct ovn_port *op);
void cc_localnet_forget(struct compiler *c, const struct cc_port *p);
void cc_localnet_commit(struct compiler *c);
void cc_localnet_free(struct compiler *c);

/* The mappings changed (a mapped device appeared or went): rewrite the
 * localnet ports and what depends on them now. */
void localnet_refresh(struct compiler *c);

/* How many ovn_localnet entries the last reconciliation wanted (tests). */
size_t localnet_entries(const struct compiler *c);

#endif /* __OVNBPF_LOADER_LOCALNET_H */
