/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The neighbour table of logical routers (maps/router.h): get_arp/get_nd
 * resolve a next hop's MAC in lr_in_arp_resolve; lookup_arp/lookup_nd
 * (lr_in_lookup_neighbor) ask whether a binding with the packet's MAC is
 * already known, so that lr_in_learn_neighbor only punts put_arp/put_nd
 * for new or changed neighbours.
 *
 * The op names where the port and IP are in the context (any field OVN
 * allows as an argument), so no register shuffling is needed as in
 * ovn-controller's tables 66/67.
 */
#pragma once

#include "lib/state.h"
#include "maps/router.h"

/* ovn_mac_bind: (datapath, port, IP) -> MAC, from SB MAC_Binding and
 * Static_MAC_Binding.  Written by ovnbpfd (loader/mac_binding.c). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct ovn_mac_bind_key);
	__type(value, struct ovn_mac_bind);
	__uint(max_entries, OVN_MAX_MAC_BINDINGS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_mac_bind SEC(".maps");

#define OVN_MB_B(c, off)	((c)->bytes[(off) & (OVN_CTX_MATCH_BYTES - 1)])

static __always_inline void ovn_flag_set(struct ovn_ctx *c, int bit, bool v)
{
	__u32 f = bpf_ntohl(c->md.flags);

	f = v ? f | (1u << bit) : f & ~(1u << bit);
	c->md.flags = bpf_htonl(f);
}

/* The binding named by OP's port and IP fields, or NULL. */
static __always_inline struct ovn_mac_bind *ovn_mac_bind_find(struct ovn_ctx *c,
							      const struct ovn_op *op)
{
	struct ovn_mac_bind_key k = {};
	__u32 port = 0, i;

#pragma unroll
	for (i = 0; i < 4; i++)
		port = port << 8 | OVN_MB_B(c, op->src + i);
	k.dp = c->x.dp_key;
	k.port = port;
	k.len = op->n == 16 ? 16 : 4;
#pragma unroll
	for (i = 0; i < 16; i++) {
		if (i < k.len)
			k.ip[i] = OVN_MB_B(c, op->dst + i);
	}
	return bpf_map_lookup_elem(&ovn_mac_bind, &k);
}

/* get_arp(port, ip) / get_nd(port, ip). */
static __noinline int ovn_op_get_mac(struct ovn_ctx *c, const struct ovn_op *op)
{
	struct ovn_mac_bind *b;

	if ((op->n != 4 && op->n != 16) || op->src + 4 > OVN_CTX_FIELDS_END ||
	    op->dst + op->n > OVN_CTX_FIELDS_END)
		return -DROP_BAD_OP;
	b = ovn_mac_bind_find(c, op);
	if (b)
		__builtin_memcpy(c->key.eth_dst, b->mac, 6);
	else
		__builtin_memset(c->key.eth_dst, 0, 6);
	ovn_flag_set(c, OVN_MLF_LOOKUP_MAC, b != NULL);
	return 0;
}

/* lookup_arp(port, ip, mac) / lookup_nd(port, ip, mac): flags.lookup_mac
 * = a binding (port, ip) with this MAC exists.  arg 0xffff: any MAC
 * (lookup_arp_ip / lookup_nd_ip). */
static __noinline int ovn_op_lookup_mac(struct ovn_ctx *c, const struct ovn_op *op)
{
	struct ovn_mac_bind *b;
	__u32 moff = op->arg, i;
	__u8 d = 0;

	if ((op->n != 4 && op->n != 16) || op->src + 4 > OVN_CTX_FIELDS_END ||
	    op->dst + op->n > OVN_CTX_FIELDS_END ||
	    (moff != 0xffff && moff + 6 > OVN_CTX_FIELDS_END))
		return -DROP_BAD_OP;
	b = ovn_mac_bind_find(c, op);
	if (b && moff != 0xffff) {
#pragma unroll
		for (i = 0; i < 6; i++)
			d |= b->mac[i] ^ OVN_MB_B(c, moff + i);
	}
	ovn_flag_set(c, OVN_MLF_LOOKUP_MAC, b && !d);
	return 0;
}
