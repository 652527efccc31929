/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * This chassis's Geneve device: one kernel geneve link in external
 * (collect-metadata) mode, OVNBPF_GENEVE_DEV, on UDP port PORT.  Created
 * when absent, adopted as it is when present (a restart does not touch the
 * datapath: DESIGN.md §3.9), brought up; ovnbpf_from_tunnel goes on its tc
 * ingress; ovn_chassis[0] gets its ifindex and our endpoint
 * (maps/encap.h).
 */
#ifndef __OVNBPF_LOADER_TUNNEL_H
#define __OVNBPF_LOADER_TUNNEL_H

#include <stdint.h>

#define OVNBPF_GENEVE_DEV	"ovnbpf-gnv0"

/* Returns the device's ifindex, or -errno (logged). */
int tunnel_open(int prog_fd, int chassis_map_fd, const char *chassis_name,
		const char *encap_ip, uint16_t port);

#endif /* __OVNBPF_LOADER_TUNNEL_H */
