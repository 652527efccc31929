// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Veth baseline for tests/bench/run.sh: tc ingress on a host-side veth
 * redirects straight into the peer of another host-side veth (the other
 * pod's eth0), with one hash lookup -- the least a pod->pod datapath can do.
 */
#include "lib/common.h"

/* Ingress ifindex -> host-side ifindex whose peer receives; written by
 * run.sh with bpftool. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u32);
} bench_peer_map SEC(".maps");

SEC("tc")
int bench_peer(struct __sk_buff *skb)
{
	__u32 in = skb->ifindex, *out;

	out = bpf_map_lookup_elem(&bench_peer_map, &in);
	if (!out)
		return TC_ACT_OK;
	return bpf_redirect_peer(*out, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
