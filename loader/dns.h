/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * dns_lookup: ovnbpfd's DNS responder, as ovn-controller's pinctrl.  A
 * UDP query to port 53 on a switch with DNS records (ls_in_dns_lookup)
 * pauses; a query for A, AAAA, ANY or PTR whose name is a record of an SB
 * DNS row of the packet's datapath is answered (TTL 3600) and the answer
 * resumes the pipeline with the action's result bit set, for
 * ls_in_dns_response to send back.  Any other well-formed query resumes
 * as it was, with the bit 0, toward the server it was sent to.  Malformed
 * queries are counted and dropped.
 */
#ifndef __OVNBPF_LOADER_DNS_H
#define __OVNBPF_LOADER_DNS_H

#include <stddef.h>
#include <stdint.h>

struct compiler;
struct ovsdb_client;
struct pause_reply_stats;

int dns_server_start(struct ovsdb_client *cl, struct compiler *compiler);
void dns_server_stop(void);
void dns_server_stats(struct pause_reply_stats *s);

/* The record for NAME (lower case, no trailing dot): a PTR target, or
 * space separated addresses.  NULL when there is none. */
typedef const char *dns_lookup_fn(void *aux, const char *name);

/* Build the answer to the query frame REQ (LEN bytes, Ethernet/IPv4 or
 * IPv6/UDP/DNS) into OUT.  Returns its length, 0 when there is nothing to
 * answer (a response, no question, another type, no record), -errno when
 * the query is malformed. */
int dns_build_reply(const uint8_t *req, size_t len, dns_lookup_fn *lookup, void *aux,
		    uint8_t *out, size_t out_size);

#endif
