/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Continuations of pausing controller actions (OVN's "resume" of
 * put_dhcp_opts, put_dhcpv6_opts, dns_lookup, put_nd_ra_opts).
 *
 * A pausing action compiles to PUNT (without OVN_PUNT_F_CONTINUE) followed
 * by `R = 1` for its result R.  The punted packet stops; ovnbpfd answers
 * (e.g. builds the DHCP reply from the action's options) and hands the
 * new packet back with this header appended at its end, by running the
 * ovnbpf_resume program through BPF_PROG_TEST_RUN.  The program trims the
 * header, parses the packet, restores the logical state of the punt and
 * continues with the op after the PUNT (the `R = 1`, then whatever the
 * flow does next).  Deliveries of a resumed packet use
 * bpf_clone_redirect(), which transmits from a test run; it works on its
 * own per-CPU context (ovn_ctx[OVN_CTX_RESUME]) so that a packet taken by
 * tc on the same CPU meanwhile cannot clobber it.
 *
 * The continuation point names a program and op; it is only valid in the
 * rule version it was computed in, so a header of another version is
 * dropped (DROP_RESUME_STALE).
 */
#ifndef __OVNBPF_MAPS_RESUME_H
#define __OVNBPF_MAPS_RESUME_H

#include "maps/abi.h"
#include "maps/context.h"

#define OVN_RESUME_MAGIC	0x6f76726dU	/* "ovrm" */
#define OVN_CTX_RESUME		1

struct ovn_resume_hdr {
	__u32 magic;
	__u32 version;		/* ovn_gen[0] the point was computed in */
	__u32 dp;		/* datapath tunnel key */
	__u32 prog;		/* continue at op `pc` of program `prog` */
	__u32 pc;
	__u8 pipeline;		/* enum ovn_pipeline of that flow */
	__u8 table;
	__u16 pad;
	struct ovn_md md;	/* logical state at the punt */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_resume_hdr) == 24 + 128, "ovn_resume_hdr is ABI");

#endif /* __OVNBPF_MAPS_RESUME_H */
