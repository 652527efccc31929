/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * put_dhcpv6_opts: ovnbpfd's DHCPv6 server, as ovn-controller's pinctrl.
 * A Solicit punted by ls_in_dhcp_options is answered with an Advertise;
 * a Request, Confirm, Decline or Information-request with a Reply.  The
 * answer carries the client's Client Identifier and the flow's options
 * (from SB DHCP_Options of the port): server_id as a DUID-LL, ia_addr in
 * an IA_NA with the client's IAID (left out in stateless mode, when the
 * client sent no IA_NA, i.e. an Information-request), dns_server,
 * domain_search.  It resumes the pipeline after the punt with the result
 * bit set; ls_in_dhcp_response addresses and outputs it.
 */
#ifndef __OVNBPF_LOADER_DHCP6_H
#define __OVNBPF_LOADER_DHCP6_H

#include <stddef.h>
#include <stdint.h>

struct compiler;
struct action_put_opts;
struct pause_reply_stats;

int dhcp6_server_start(struct compiler *compiler);
void dhcp6_server_stop(void);
void dhcp6_server_stats(struct pause_reply_stats *s);

/* Build the answer to the request frame REQ (LEN bytes, Ethernet/IPv6/UDP/
 * DHCPv6) with options PO into OUT.  Returns its length, 0 for a message
 * that gets no answer (Renew, Rebind, Release, a server's message), -errno
 * when the request is malformed (truncated, no Client Identifier, no IA_NA
 * where one is needed). */
int dhcp6_build_reply(const uint8_t *req, size_t len, const struct action_put_opts *po,
		      uint8_t *out, size_t out_size);

/* RFC 1035 encoding of the comma/space separated domain list S (each
 * name as labels ending with the root).  Returns the length, -EINVAL for
 * an empty label or a label over 63 bytes, -ENOSPC past CAP. */
int dhcp6_encode_domains(const char *s, uint8_t *out, size_t cap);

#endif
