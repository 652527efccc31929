// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Baselines for the datapath benchmark (tests/bench): the cheapest tc
 * programs a pod->pod datapath could be, so that the ovnbpf pipeline's cost
 * is reported as a ratio to them, measured in the same run.
 */
#include "lib/common.h"

/* Where bench_redirect sends every packet; set before load. */
const volatile __u32 bench_out_ifindex = 1;

/* Nothing at all: the floor of a tc program run. */
SEC("tc")
int bench_ok(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

/* A fixed redirect: what a datapath with no lookup at all would do. */
SEC("tc")
int bench_redirect(struct __sk_buff *skb)
{
	return bpf_redirect(bench_out_ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
