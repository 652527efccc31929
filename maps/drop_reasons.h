/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Numbered drop reasons, as Cilium's drop_reasons.h: BPF helpers return
 * -DROP_*; the entry program turns that into a counter bump and TC_ACT_SHOT.
 * Numbers are ABI (counters and trace output name them): append, never
 * renumber.  A drop by a logical stage (no flow matched, `drop;`) is counted
 * under DROP_STAGE_* here and, per stage, in ovn_stage_stats.
 */
#ifndef __OVNBPF_MAPS_DROP_REASONS_H
#define __OVNBPF_MAPS_DROP_REASONS_H

#include "maps/abi.h"

#define OVNBPF_DROP_REASONS(X)						\
	X(DROP_NONE, 0, "none")						\
	/* Packet parsing (bpf/lib/parse.h). */				\
	X(DROP_RUNT_ETH, 1, "runt-eth")					\
	X(DROP_TRUNC_VLAN, 2, "trunc-vlan")				\
	X(DROP_TRUNC_ARP, 3, "trunc-arp")				\
	X(DROP_BAD_ARP, 4, "bad-arp")					\
	X(DROP_TRUNC_IP4, 5, "trunc-ip4")				\
	X(DROP_BAD_IP4, 6, "bad-ip4")					\
	X(DROP_TRUNC_IP6, 7, "trunc-ip6")				\
	X(DROP_BAD_IP6_EXTHDR, 8, "bad-ip6-exthdr")			\
	X(DROP_TRUNC_TCP, 9, "trunc-tcp")				\
	X(DROP_TRUNC_UDP, 10, "trunc-udp")				\
	X(DROP_TRUNC_SCTP, 11, "trunc-sctp")				\
	X(DROP_TRUNC_ICMP4, 12, "trunc-icmp4")				\
	X(DROP_TRUNC_ICMP6, 13, "trunc-icmp6")				\
	X(DROP_BAD_ND, 14, "bad-nd")					\
	/* Pipeline (bpf/lib/pipeline.h). */				\
	X(DROP_NO_VIF, 32, "no-vif")					\
	X(DROP_NO_DATAPATH, 33, "no-datapath")				\
	X(DROP_STAGE_NO_MATCH, 34, "stage-no-match")			\
	X(DROP_STAGE_ACTION, 35, "stage-drop-action")			\
	X(DROP_ACTIONS_END, 36, "actions-end")				\
	X(DROP_LOOPBACK, 37, "output-to-inport")			\
	X(DROP_UNSUPPORTED_OP, 38, "unsupported-op")			\
	X(DROP_NO_PROG, 39, "no-action-program")			\
	X(DROP_LOOP_LIMIT, 40, "step-limit")				\
	X(DROP_TTL_EXCEEDED, 41, "ttl-exceeded")			\
	X(DROP_NO_PORT, 42, "unknown-outport")				\
	X(DROP_PORT_REMOTE, 43, "remote-port-unsupported")		\
	X(DROP_MC_EMPTY, 44, "mc-group-empty")				\
	X(DROP_MC_NESTED, 45, "mc-nested")				\
	X(DROP_CALL_NESTED, 46, "helper-call-nested")			\
	X(DROP_BAD_OP, 47, "malformed-op")				\
	X(DROP_PUNT, 48, "punted")					\
	X(DROP_PUNT_METER, 49, "punt-metered")				\
	X(DROP_PUNT_RINGBUF, 50, "punt-ringbuf-full")			\
	X(DROP_WRITEBACK, 51, "header-writeback-failed")		\
	X(DROP_REDIRECT, 52, "redirect-failed")				\
	X(DROP_CT_UNSUPPORTED, 53, "ct-op-unsupported")			\
	X(DROP_EGRESS_OUTPORT, 54, "egress-changed-outport")		\
	/* Conntrack (bpf/lib/ct.h). */					\
	X(DROP_CT_BAD_ZONE, 60, "ct-bad-zone-register")		\
	X(DROP_LB_NO_BACKEND, 61, "lb-no-backend-of-family")		\
	X(DROP_NAT_FAILED, 62, "nat-insert-failed")			\
	X(DROP_SCTP_TOO_LONG, 63, "sctp-nat-crc-too-long")		\
	/* Packet generators (bpf/lib/pktgen.h). */			\
	X(DROP_PKTGEN_PROTO, 80, "pktgen-wrong-protocol")		\
	X(DROP_PKTGEN_REJECT_IGNORED, 81, "reject-of-rst-or-unreach")	\
	X(DROP_PKTGEN_SHAPE, 82, "pktgen-on-rebuilt-packet")		\
	X(DROP_PKTGEN_FAILED, 83, "pktgen-skb-helper-failed")		\
	/* Logical router helpers (bpf/lib/select.h). */		\
	X(DROP_SELECT_NO_MEMBER, 90, "select-no-live-member")		\
	/* Distributed gateway ports (bpf/lib/gw_redirect.h). */	\
	X(DROP_GW_NOT_RESIDENT, 95, "chassisredirect-remote")	\
	X(DROP_GW_NO_DISTRIBUTED, 96, "chassisredirect-no-lrp")	\
	/* clone (bpf/lib/clone.h). */					\
	X(DROP_CLONE_SHAPE, 100, "clone-changed-packet-shape")	\
	/* continuations (bpf/lib/resume.h). */				\
	X(DROP_RESUME_BAD, 101, "resume-bad-header")			\
	X(DROP_RESUME_STALE, 102, "resume-stale-version")		\
	/* multicast groups (bpf/lib/mcgroup.h). */			\
	X(DROP_MC_TOO_BIG, 125, "mc-group-over-max-members")		\
	X(DROP_MC_PAGE, 126, "mc-group-page-missing")			\
	/* QoS set_meter (bpf/lib/qos.h). */				\
	/* the frame kept across a fan-out's rebuilds (bpf/lib/pkt_keep.h) */ \
	X(DROP_KEEP_TOO_BIG, 140, "fanout-frame-too-big-to-keep")	\
	X(DROP_KEEP_FAILED, 141, "fanout-frame-keep-failed")		\
	X(DROP_KEEP_BUSY, 142, "fanout-nested-frame-keep-busy")		\
	/* QoS set_meter (bpf/lib/qos.h). */				\
	X(DROP_QOS_METER, 170, "qos-meter-over-rate")			\
	X(DROP_QOS_NO_METER, 171, "qos-meter-missing")		\
	/* IP fragments (bpf/lib/frag.h). */				\
	X(DROP_FRAG_NO_FIRST, 200, "frag-first-fragment-not-seen")	\
	/* Geneve tunnels (bpf/lib/encap.h). */				\
	X(DROP_TUN_NO_DEVICE, 190, "tunnel-no-geneve-device")		\
	X(DROP_TUN_NO_ENDPOINT, 191, "tunnel-chassis-no-endpoint")	\
	X(DROP_TUN_SET_FAILED, 192, "tunnel-set-key-failed")		\
	X(DROP_TUN_NO_KEY, 193, "from-tunnel-no-tunnel-key")		\
	X(DROP_TUN_NO_OPT, 194, "from-tunnel-no-ovn-option")		\
	X(DROP_TUN_BAD_OPT, 195, "from-tunnel-bad-options")		\
	X(DROP_TUN_UNKNOWN_DP, 196, "from-tunnel-unknown-datapath")	\
	X(DROP_TUN_UNKNOWN_PORT, 197, "from-tunnel-unknown-port")	\
	X(DROP_TUN_NOT_LOCAL, 198, "from-tunnel-outport-not-local")	\
	/* Localnet ports (bpf/lib/localnet.h).  220 and 221 count	\
	 * frames handed to the host stack (TC_ACT_OK), not drops. */	\
	X(DROP_LN_TO_HOST, 220, "localnet-no-port-to-host")		\
	X(DROP_LN_MALFORMED, 221, "localnet-malformed-to-host")		\
	X(DROP_LN_LOOP, 222, "localnet-back-to-localnet")		\
	X(DROP_LN_VLAN, 223, "localnet-vlan-push-failed")		\
	X(DROP_LN_NO_PORT, 224, "localnet-via-port-missing")

enum ovnbpf_drop_reason {
#define __OVN_DROP_ENUM(name, num, str) name = num,
	OVNBPF_DROP_REASONS(__OVN_DROP_ENUM)
#undef __OVN_DROP_ENUM
};

/* One more than the highest reason, whatever the order of the list: a
 * union is as big as its biggest member.  (An enum member after the list
 * would be one more than the LAST entry -- a reason added above a higher
 * one would fall outside the counters and ovnbpfctl drops.) */
union ovnbpf_drop_reason_max {
#define __OVN_DROP_SIZE(name, num, str) char name##_[(num) + 1];
	OVNBPF_DROP_REASONS(__OVN_DROP_SIZE)
#undef __OVN_DROP_SIZE
};
#define DROP_MAX_REASON	((unsigned int)sizeof(union ovnbpf_drop_reason_max))

#ifndef __VMLINUX_H__
/* Short name of a drop reason, for ovnbpfctl and test output. */
static inline const char *ovnbpf_drop_reason_name(unsigned int r)
{
	switch (r) {
#define __OVN_DROP_NAME(name, num, str) case num: return str;
	OVNBPF_DROP_REASONS(__OVN_DROP_NAME)
#undef __OVN_DROP_NAME
	default: return "unknown";
	}
}
#endif

#endif /* __OVNBPF_MAPS_DROP_REASONS_H */
