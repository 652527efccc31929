/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * put_nd_ra_opts: Router Advertisements in answer to Router Solicitations,
 * as ovn-controller's pinctrl.  lr_in_nd_ra_options punts an RS to a
 * router port with ipv6_ra_configs; the answer is an RA built from the
 * flow's options -- addr_mode (slaac: no flag, dhcpv6_stateful: M,
 * dhcpv6_stateless: O), router_preference, slla, mtu, prefix (on-link,
 * autonomous unless M), rdnss, dnssl -- with hop limit 255 and router
 * lifetime 0xffff.  It resumes the pipeline with the result bit set;
 * lr_in_nd_ra_response addresses it to the soliciting host.
 * (Periodic unsolicited RAs, send_periodic, are not sent.)
 */
#ifndef __OVNBPF_LOADER_ND_RA_H
#define __OVNBPF_LOADER_ND_RA_H

#include <stddef.h>
#include <stdint.h>

struct compiler;
struct action_put_opts;
struct pause_reply_stats;

int nd_ra_start(struct compiler *compiler);
void nd_ra_stop(void);
void nd_ra_stats(struct pause_reply_stats *s);

/* Build the RA answering the RS frame REQ (LEN bytes, Ethernet/IPv6/
 * ICMPv6) with options PO into OUT.  Returns its length or -errno (not an
 * RS, truncated, no room). */
int nd_ra_build(const uint8_t *req, size_t len, const struct action_put_opts *po,
		uint8_t *out, size_t out_size);

#endif
