/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * put_dhcp_opts: ovnbpfd's DHCPv4 server, as ovn-controller's pinctrl.  A
 * DHCPDISCOVER/REQUEST/INFORM punted by ls_in_dhcp_options is answered
 * with an OFFER/ACK/NAK built from the flow's options (offerip, router,
 * lease_time, ... from SB DHCP_Options), and the reply resumes the
 * pipeline after the punt with the result bit set (maps/resume.h): the
 * next stage (ls_in_dhcp_response) rewrites its addresses and outputs it
 * to the client's port, through its egress pipeline.
 *
 * Options encoded: ipv4 (one or more addresses), uint8/16/32, bool, str,
 * host_id, static_routes (RFC 3442); others are skipped (logged once).
 */
#ifndef __OVNBPF_LOADER_DHCP_H
#define __OVNBPF_LOADER_DHCP_H

#include <stddef.h>
#include <stdint.h>

struct compiler;
struct action_put_opts;

struct dhcp_stats {
	uint64_t requests, replies, no_flow, bad_request, failed;
};

/* Answer ACT_PUT_DHCPV4_OPTS punts with the flows COMPILER knows. */
int dhcp_server_start(struct compiler *compiler);
void dhcp_server_stop(void);
void dhcp_server_stats(struct dhcp_stats *s);

/* Build the reply to the request frame REQ (LEN bytes, Ethernet/IPv4/UDP/
 * BOOTP) with options PO into OUT (room: OUT_SIZE).  Returns its length,
 * 0 when the request gets no reply (RELEASE, DECLINE, ...), -errno when
 * the request is malformed. */
int dhcp_build_reply(const uint8_t *req, size_t len, const struct action_put_opts *po,
		     uint8_t *out, size_t out_size);

#endif
