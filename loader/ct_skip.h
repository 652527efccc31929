/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Kube-OVN's conntrack skip (DESIGN §4, reference/kubeovn-patches.md §1b)
 * on top of upstream ovn-northd: the daemon writes the flows Kube-OVN's
 * patched northd would add, as compiled entries it owns.
 *
 * Knobs (SB_Global options, copied there from NB_Global by northd):
 *   ls_ct_skip_dst_lport_ips=true, skip_conntrack_dst_cidrs=CIDR,...,
 *   node_local_dns_ip=IP,...
 *
 * On every local switch with load-balancer VIPs (it has northd's
 * `ls_in_pre_lb` priority-100 `reg0[2] = 1; next;` flow), priority 105
 * `ls_in_pre_lb` flows `ip4 && ip4.dst == X` -> `next;` (ip6 alike), so that
 * these destinations skip ingress conntrack and LB:
 *   - each node-local DNS IP and each configured CIDR;
 *   - with ls_ct_skip_dst_lport_ips: if the switch has exactly one router
 *     port, every network of every port of that router (169.254.0.0/16 and
 *     fe80::/10 excepted; this is the 22.x behaviour, which the fork's
 *     24.03+ rebase lost), otherwise the ipv4_network / ipv6_network
 *     external_ids of its localnet ports (prefix lengths 0, 32, 128 ignored).
 * A node-local DNS destination also skips ACL conntrack: priority 110
 * `ls_in_pre_acl` and `ls_out_pre_acl` flows, on switches with stateful
 * ACLs (northd's priority-100 pre_acl flow).
 *
 * A flow the SB already has at the same stage, priority and match (an SB
 * written by Kube-OVN's patched northd) is not added again.  Recomputed
 * whenever SB_Global, Port_Binding, Logical_DP_Group or a pre_acl/pre_lb
 * flow changes; only the differences reach the compiler.
 */
#ifndef __OVNBPF_LOADER_CT_SKIP_H
#define __OVNBPF_LOADER_CT_SKIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct compiler;
struct ovsdb_replica;
struct ct_skip;

int ct_skip_new(struct compiler *c, struct ct_skip **out);
void ct_skip_free(struct ct_skip *cs);
/* Whether R's tracked changes may change what ct_skip_sync() computes. */
bool ct_skip_tracked(const struct ovsdb_replica *r);
/* Recompute from R for the local datapaths LDP (tunnel keys) and apply
 * the differences.  Returns the number of flows added + removed. */
int ct_skip_sync(struct ct_skip *cs, const struct ovsdb_replica *r, const uint32_t *ldp,
		 size_t n_ldp);
/* Flows installed now. */
size_t ct_skip_count(const struct ct_skip *cs);
/* Whether the flow (DP, stage by name, PRIO, MATCH) is installed. */
bool ct_skip_installed(const struct ct_skip *cs, uint32_t dp, const char *stage, uint16_t prio,
		       const char *match);

#endif /* __OVNBPF_LOADER_CT_SKIP_H */
