/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ACL logging: OVN's `log(name=..., severity=..., verdict=..., meter=...)`.
 *
 * The compiler turns each log() into a PUNT op that continues (maps/
 * actions.h) whose arg is PUNT_MAKE(ACT_LOG, descriptor id): the
 * descriptor (name, verdict, severity, direction) is interned here, so the
 * event needs no more than that id.  The daemon's punt handler formats the
 * packet as ovn-controller's pinctrl does and logs it under module
 * "acl_log" at INFO:
 *
 *   name="x", verdict=allow, severity=alert, direction=from-lport: icmp,
 *   vlan_tci=0x0000,dl_src=...,dl_dst=...,nw_src=...,nw_dst=...,nw_tos=0,
 *   nw_ecn=0,nw_ttl=64,nw_frag=no,icmp_type=8,icmp_code=0
 *
 * (one line; the flow part is OVS's flow_format() of the packet headers).
 * Descriptors are never freed: there is one per distinct (name, verdict,
 * severity, direction), at most 65535.
 */
#ifndef __OVNBPF_LOADER_ACL_LOG_H
#define __OVNBPF_LOADER_ACL_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "maps/actions.h"

struct strbuf;
struct action_log;
struct ovn_punt_event;

struct acl_log_desc {
	char *name;			/* NULL: "<unnamed>" */
	uint8_t verdict;		/* enum action_log_verdict */
	uint8_t severity;		/* enum action_log_severity */
	bool ingress;			/* from-lport (ingress) / to-lport */
};

/* Id (1..65535) of the descriptor, or -ENOSPC. */
int acl_log_intern(const char *name, uint8_t verdict, uint8_t severity, bool ingress);
const struct acl_log_desc *acl_log_get(uint32_t id);

/* The PUNT op of a log() action in a flow of PIPELINE whose punts go to
 * meter METER (0: default). */
int acl_log_op(const struct action_log *log, bool ingress, uint16_t meter,
	       struct ovn_op *op);

/* OVS flow_format() of an Ethernet frame's headers. */
void acl_log_flow_format(struct strbuf *out, const uint8_t *pkt, size_t len);
/* The whole message (without the log line prefix). */
void acl_log_format(struct strbuf *out, const struct acl_log_desc *d, const uint8_t *pkt,
		    size_t len);

/* Register the punt handler of ACT_LOG. */
int acl_log_register(void);

#endif /* __OVNBPF_LOADER_ACL_LOG_H */
