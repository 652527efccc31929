// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * tc ingress on the host side of a VIF's veth: a packet the pod sent enters
 * the logical switch pipeline here.
 *
 * Today: the frame is checked to hold an Ethernet header (a runt is dropped
 * with DROP_RUNT_ETH) and accepted otherwise.  The pipeline executor lands
 * on top of this entry point.
 */
#include "lib/common.h"
#include "lib/drop.h"

SEC("tc")
int ovnbpf_from_vif(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	if (data + ETH_HLEN > data_end)
		return ovnbpf_drop(skb, -DROP_RUNT_ETH);
	ovnbpf_count(DROP_NONE, skb->len);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
