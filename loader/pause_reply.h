/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Answers to pausing controller actions (put_dhcpv6_opts, put_nd_ra_opts,
 * dns_lookup), as ovn-controller's pinctrl gives them: the punted packet's
 * flow is looked up (compile_pause_find), its action parsed, a reply
 * built from the packet and the action, and the reply resumes the
 * pipeline after the punt (loader/resume.c) so the response stage
 * rewrites its addresses and outputs it.  A malformed request is counted
 * and dropped.
 */
#ifndef __OVNBPF_LOADER_PAUSE_REPLY_H
#define __OVNBPF_LOADER_PAUSE_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "loader/actions.h"
#include "maps/punt.h"

struct compiler;

struct pause_reply_stats {
	uint64_t requests;	/* punts received */
	uint64_t replies;	/* answers resumed */
	uint64_t unanswered;	/* well-formed, nothing to answer (resumed as is if allowed) */
	uint64_t bad_request;	/* malformed: dropped */
	uint64_t no_flow;	/* flow gone (rules changed meanwhile) */
	uint64_t failed;	/* resume failed */
};

/* Build the answer to EV (its frame is ev->pkt, ev->cap_len bytes) for the
 * action ACT into OUT (OUT_SIZE bytes).  Returns its length, 0 when there
 * is nothing to answer, -errno when the request is malformed. */
typedef int pause_reply_fn(const struct ovn_punt_event *ev, const struct action *act,
			   uint8_t *out, size_t out_size, void *aux);

/* Answer a punt of action TYPE with FN, counting in ST.  When FN returns
 * 0 and RESUME_UNANSWERED is set, the original packet resumes instead
 * (dns_lookup: the query goes on with its result bit 0). */
void pause_reply(struct compiler *c, const struct ovn_punt_event *ev, enum action_type type,
		 pause_reply_fn *fn, void *aux, bool resume_unanswered,
		 struct pause_reply_stats *st);

/* Internet checksum helpers for the builders. */
uint32_t pr_csum_add(uint32_t sum, const uint8_t *p, size_t n);
uint16_t pr_csum_fold(uint32_t sum);
/* Checksum of the IPv6 upper-layer packet L4 (LEN bytes, checksum field
 * zero) with the pseudo-header of the IPv6 header IP6. */
uint16_t pr_csum6(const uint8_t *ip6, const uint8_t *l4, size_t len, uint8_t proto);
/* IPv6 address of an action constant (ipv6 option value). */
void pr_const_ip6(const struct action_const *c, uint8_t out[16]);

#endif
