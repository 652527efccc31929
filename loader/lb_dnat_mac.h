/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Kube-OVN's MAC rewrite after LB DNAT (DESIGN §4,
 * reference/kubeovn-patches.md §3, the fork's 24.03+ form) on top of
 * upstream ovn-northd: the daemon writes the flows the patched northd
 * would add, as compiled entries it owns (loader/synth_flows.h).
 *
 * Knob: SB_Global options:ls_dnat_mod_dl_dst=true (copied there from
 * NB_Global by northd).
 *
 * On every local switch without router ports (no patch or l3gateway port:
 * an underlay subnet), for every VIF port (type "") whose addresses are
 * exactly one "MAC IP..." entry (no "unknown") with at least one IP, one
 * ls_in_l2_lkup priority-55 flow per IP:
 *   reg0[2] != 0 && ip4.dst == IP  (ip6 alike)
 *       eth.dst = MAC; outport = "PORT"; output;
 * so that a packet that went through ingress ct_lb_mark and whose
 * post-DNAT destination is that port goes straight to it with its MAC,
 * instead of following the frame's original eth.dst (the physical
 * gateway, out the localnet port).
 *
 * A flow the SB already carries (patched northd) is not added again.
 * Recomputed whenever SB_Global, Port_Binding, Datapath_Binding,
 * Logical_DP_Group or an ls_in_l2_lkup flow changes; only differences
 * reach the compiler.
 */
#ifndef __OVNBPF_LOADER_LB_DNAT_MAC_H
#define __OVNBPF_LOADER_LB_DNAT_MAC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct compiler;
struct ovsdb_replica;
struct lb_dnat_mac;

int lb_dnat_mac_new(struct compiler *c, struct lb_dnat_mac **out);
void lb_dnat_mac_free(struct lb_dnat_mac *m);
/* Whether R's tracked changes may change what lb_dnat_mac_sync() computes. */
bool lb_dnat_mac_tracked(const struct ovsdb_replica *r);
/* Recompute for the local datapaths LDP (tunnel keys) and apply the
 * differences.  Returns the number of flows added + removed. */
int lb_dnat_mac_sync(struct lb_dnat_mac *m, const struct ovsdb_replica *r, const uint32_t *ldp,
		     size_t n_ldp);
size_t lb_dnat_mac_count(const struct lb_dnat_mac *m);
/* Whether the ls_in_l2_lkup flow (DP, PRIO, MATCH) is installed. */
bool lb_dnat_mac_installed(const struct lb_dnat_mac *m, uint32_t dp, uint16_t prio,
			   const char *match);

#endif /* __OVNBPF_LOADER_LB_DNAT_MAC_H */
