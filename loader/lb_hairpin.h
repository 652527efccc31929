/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * SB Load_Balancer -> the ovn_lb_hairpin map (maps/lb.h): what
 * ovn-controller installs in OpenFlow tables 68-70 for chk_lb_hairpin(),
 * chk_lb_hairpin_reply() and ct_snat_to_vip.  For each VIP of each load
 * balancer, each backend:
 *
 *   BACKEND (VIP, VIP port, backend, backend port, proto)
 *   REPLY   (backend, backend port, proto, SNAT address)
 * and per VIP:
 *   SNAT    (VIP, VIP port, proto) -> SNAT address, for every datapath,
 *           or per datapath of the LB when it has hairpin_snat_ip
 *
 * where the SNAT address is the LB's hairpin_snat_ip of the VIP's family
 * (options:hairpin_snat_ip="IP4 IP6"), else the VIP.  A VIP without a
 * port has proto and ports 0.  VIPs that do not parse (templates "^var")
 * are skipped.  Recomputed whenever Load_Balancer, Logical_DP_Group or
 * Datapath_Binding change; only the differences reach the map.
 */
#ifndef __OVNBPF_LOADER_LB_HAIRPIN_H
#define __OVNBPF_LOADER_LB_HAIRPIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "maps/lb.h"

struct ovsdb_replica;
struct lb_hairpin;

/* MAP_FD: the ovn_lb_hairpin map (-1: compute only, tests). */
int lb_hairpin_new(int map_fd, struct lb_hairpin **out);
void lb_hairpin_free(struct lb_hairpin *h);
/* Whether R's tracked changes may change what lb_hairpin_sync() computes. */
bool lb_hairpin_tracked(const struct ovsdb_replica *r);
/* Recompute from R and write the differences.  Returns the number of
 * entries written + deleted, or -errno. */
int lb_hairpin_sync(struct lb_hairpin *h, const struct ovsdb_replica *r);
/* Entries now. */
size_t lb_hairpin_count(const struct lb_hairpin *h);
/* The value of key K now, or NULL. */
const struct ovn_lbh_val *lb_hairpin_find(const struct lb_hairpin *h, const struct ovn_lbh_key *k);

/* The entries of one VIP ("IP", "IP:port", "[IP6]:port") with BACKENDS
 * ("IP[:port],...") of protocol PROTO ("tcp", "udp", "sctp"; NULL = tcp),
 * SNAT_IPS (hairpin_snat_ip or NULL) on datapaths DPS: ADD is called for
 * each.  -EINVAL if the VIP does not parse (a bad backend is skipped). */
typedef int lb_hairpin_add_fn(void *aux, const struct ovn_lbh_key *k, const struct ovn_lbh_val *v);
int lb_hairpin_vip(const char *vip, const char *backends, const char *proto, const char *snat_ips,
		   const uint32_t *dps, size_t n_dps, lb_hairpin_add_fn *add, void *aux);

#endif /* __OVNBPF_LOADER_LB_HAIRPIN_H */
