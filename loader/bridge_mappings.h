/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ovnbpfd --bridge-mappings=NET:IFACE[,NET:IFACE...]: which Linux network
 * device carries each provider network, the equivalent of ovn-controller's
 * external_ids:ovn-bridge-mappings=NET:BRIDGE (OVN there names an OVS
 * bridge; here IFACE is the device itself: an uplink NIC, a bond, a veth).
 * A localnet port whose options:network_name is NET is reached through
 * IFACE (maps/localnet.h).
 *
 * The ovnbpf_from_phys program is attached at tc ingress of each mapped
 * device present, when it appears (interface events, loader/iface.h) and
 * again after a restart (atomic replace: frames never stop flowing).  A
 * device that goes away keeps nothing of ours.  One set of mappings per
 * process.
 */
#ifndef __OVNBPF_LOADER_BRIDGE_MAPPINGS_H
#define __OVNBPF_LOADER_BRIDGE_MAPPINGS_H

#include <stdbool.h>
#include <stddef.h>

/* Replace the mappings with SPEC ("" or NULL: none).  Each NET:IFACE needs
 * a non-empty NET and a device name IFACE (at most 15 bytes); a NET named
 * twice is an error (OVN's bridge mappings keep one bridge per network).
 * Returns 0 or -EINVAL (the reason written to stderr-style log). */
int bridge_mappings_parse(const char *spec);
/* Forget every mapping. */
void bridge_mappings_clear(void);
/* The mappings as given, normalised ("NET:IFACE,..."; "" when none):
 * what Chassis other_config:ovn-bridge-mappings says. */
const char *bridge_mappings_string(void);
size_t bridge_mappings_count(void);
/* The ifindex of NET's device, 0 when NET is not mapped or its device is
 * absent. */
int bridge_mappings_ifindex(const char *net);
/* The MAC address of NET's device as read when it appeared; -ENOENT when
 * unknown. */
int bridge_mappings_mac(const char *net, unsigned char mac[6]);
/* The device name NET is mapped to, NULL if none. */
const char *bridge_mappings_iface(const char *net);

/* The program to attach at ingress of mapped devices (-1: attach nothing,
 * tests). */
void bridge_mappings_set_prog(int prog_fd);
/* A device appeared (PRESENT) or went away.  Returns true when the ifindex
 * of a mapping changed (its localnet ports must be rewritten). */
bool bridge_mappings_iface_event(const char *name, int ifindex, bool present);

#endif /* __OVNBPF_LOADER_BRIDGE_MAPPINGS_H */
