/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * IP fragments through conntrack, load balancers and NAT
 * (bpf/lib/frag.h).
 *
 * With ovn-controller, OVS's ct() hands the packet to the kernel's
 * conntrack, which reassembles a fragmented datagram: every stage after
 * the first ct op sees one whole datagram, ports included, and the output
 * fragments it again.  We run each fragment through the pipeline on its
 * own and do not reassemble.  Instead, as Cilium does, the first fragment
 * (offset 0, it holds the L4 header) leaves its L4 fields in ovn_frag,
 * keyed by what names a datagram on the wire -- source, destination,
 * protocol and IP identification (IPv6: the fragment header's 32-bit
 * identification) -- and every later fragment of the same datagram gets
 * them back into its flow key before the pipeline (and the exact-match
 * cache) sees it.  A later fragment therefore matches the same ACLs as
 * its first fragment, looks up the same conntrack tuple (same entry, same
 * state: not +inv), and gets the same NAT / load-balancer backend; NAT
 * rewrites only its IP addresses (and the IPv4 header checksum: the L4
 * checksum lives in the first fragment).
 *
 * The key is zone-independent: the entry is written at packet entry,
 * before any stage, from the addresses as the packet arrives.
 *
 * A later fragment whose first fragment was not seen -- it came first
 * (reordering), the entry was evicted, or it is older than
 * OVN_FRAG_TIMEOUT_S -- is not given ports.  Nothing happens to it while
 * the pipeline does not track connections (OVS would pass it too: a later
 * fragment has no ports to match); at its first conntrack op (ct_next,
 * ct_commit, ct_dnat/ct_snat, ct_lb_mark ...) it is dropped with
 * DROP_FRAG_NO_FIRST, where OVS would have held it for reassembly.  We
 * cannot queue packets, so a datagram whose fragments arrive out of order
 * is lost on a stateful datapath (as in Cilium); the sender's timeout and
 * retransmit recover.  Protocols without ports (other than ICMP) need no
 * entry: their tuple is the addresses.  ICMP queries (echo ...) are
 * recorded with their identifier; ICMP errors are not (their conntrack
 * needs the embedded packet, in the first fragment only), so a later
 * fragment of an ICMP error is dropped by a conntrack op like an orphan.
 *
 * Size and timeout: OVN_FRAG_MAX datagrams in flight (LRU: the least
 * recently used datagram is forgotten first); an entry is trusted for
 * OVN_FRAG_TIMEOUT_S seconds after its first fragment, the kernel's
 * default reassembly timeout (ipfrag_time), after which the 16-bit IPv4
 * identification may name another datagram.
 */
#ifndef __OVNBPF_MAPS_FRAG_H
#define __OVNBPF_MAPS_FRAG_H

#include "maps/abi.h"

#ifndef OVN_FRAG_MAX
#define OVN_FRAG_MAX		8192
#endif
#define OVN_FRAG_TIMEOUT_S	30

struct ovn_frag_key {
	__u8 family;		/* 4 or 6 */
	__u8 proto;		/* IP protocol of the datagram */
	__u16 pad;
	__be32 id;		/* IPv4: identification in the low 16 bits */
	__u8 src[16];		/* IPv4: first 4 bytes */
	__u8 dst[16];
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_frag_key) == 40, "ovn_frag_key is ABI");

/* The first fragment's L4 fields, as in the flow key (maps/context.h:
 * tp_src .. icmp_code), and the ICMP echo identifier conntrack uses. */
struct ovn_frag_val {
	__be16 tp_src;
	__be16 tp_dst;
	__be16 tcp_flags;
	__u8 icmp_type;
	__u8 icmp_code;
	__be16 icmp_id;		/* ICMP(v6) query: identifier */
	__u16 pad;
	__u32 pad2;
	__u64 seen_ns;		/* bpf_ktime_get_ns() of the first fragment */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_frag_val) == 24, "ovn_frag_val is ABI");

/* Per-packet fragment state, in the per-CPU context (struct ovn_ctx.frag):
 * set by the parser for a fragment, read by bpf/lib/frag.h. */
struct ovn_frag_scratch {
	__be32 id;		/* the packet's IP identification */
	__be16 icmp_id;		/* ICMP(v6) query identifier: the parser's, or
				 * a later fragment's datagram's (frag.h) */
	__u16 pad;
	struct ovn_frag_key key;
	struct ovn_frag_val val;
};

#endif /* __OVNBPF_MAPS_FRAG_H */
