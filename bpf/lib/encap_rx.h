/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * tc ingress of the Geneve device (external mode): a packet another
 * chassis tunnelled here.  As ovn-controller's tunnel receive: the VNI is
 * the datapath, OVN's option (maps/encap.h) names inport and outport, the
 * logical flags and registers start clear, and the packet enters "local
 * output" -- the egress pipeline of outport (or of each local member of a
 * multicast group) -- never the ingress pipeline and never another tunnel
 * (lib/encap.h).  Anything else is dropped and counted: no tunnel
 * metadata, no or a malformed OVN option, a datapath or port we do not
 * have, an outport that is not here.
 *
 * No exact-match cache: the cache key has no tunnel metadata.
 */
#pragma once

#include "lib/pipeline.h"
#include "lib/frag.h"

/* OVN's option value among the Geneve options of SKB (read into C's stage
 * scratch, unused before the pipeline runs), or -DROP_*. */
static __noinline long ovn_tunnel_read_opt(struct __sk_buff *skb, struct ovn_ctx *c)
{
	__u8 *buf = (__u8 *)&c->stage;
	__u32 off = 0, len, i;
	long n;

	_Static_assert(sizeof(c->stage) >= OVN_GENEVE_OPTS_MAX + 4, "options buffer");
	n = bpf_skb_get_tunnel_opt(skb, buf, OVN_GENEVE_OPTS_MAX + 4);
	if (n == -2 /* -ENOENT: none */ || n == 0)
		return -DROP_TUN_NO_OPT;
	if (n < 0 || n > OVN_GENEVE_OPTS_MAX)
		return -DROP_TUN_BAD_OPT;
	/* Each TLV is 4 bytes of header and 0..124 of data. */
	for (i = 0; i < OVN_GENEVE_OPTS_MAX / 4; i++) {
		__u16 cls;
		__u8 type;

		if (off + 4 > (__u32)n)
			break;
		off &= 0xff;
		cls = (__u16)buf[off] << 8 | buf[(off + 1) & 0xff];
		type = buf[(off + 2) & 0xff];
		len = (buf[(off + 3) & 0xff] & 0x1f) * 4;
		if (cls == OVN_GENEVE_CLASS && type == OVN_GENEVE_TYPE) {
			if (len != OVN_GENEVE_LEN || off + 8 > (__u32)n)
				return -DROP_TUN_BAD_OPT;
			return (long)((__u32)buf[(off + 4) & 0xff] << 24 |
				      (__u32)buf[(off + 5) & 0xff] << 16 |
				      (__u32)buf[(off + 6) & 0xff] << 8 | buf[(off + 7) & 0xff]);
		}
		off += 4 + len;
	}
	return off > (__u32)n ? -DROP_TUN_BAD_OPT : -DROP_TUN_NO_OPT;
}

/* The VNI of SKB's tunnel metadata (IPv4 or IPv6 underlay), or -DROP_*. */
static __noinline long ovn_tunnel_read_vni(struct __sk_buff *skb)
{
	struct bpf_tunnel_key k;

	if (bpf_skb_get_tunnel_key(skb, &k, sizeof(k), 0) &&
	    bpf_skb_get_tunnel_key(skb, &k, sizeof(k), BPF_F_TUNINFO_IPV6))
		return -DROP_TUN_NO_KEY;
	return k.tunnel_id & 0xffffff;
}

/* Everything before the pipeline runs, out of line so that the entry's
 * frame stays small (the executor's call chain is at the 512-byte stack
 * limit).  Returns 0 with the first step chosen, or -DROP_*. */
static __noinline int ovn_tunnel_enter(struct __sk_buff *skb, struct ovn_ctx *c)
{
	struct ovn_port_key pk;
	struct ovn_port *p;
	__u32 *ver, zero = 0, in, out;
	long v, dp;
	int err;

	ovn_ctx_reset_hit(c);
	err = ovn_parse(skb, c);
	if (err)
		return err;
	/* A later fragment gets its datagram's ports (lib/frag.h). */
	if (c->key.ip_frag)
		ovn_frag_track(skb, c);
	ver = bpf_map_lookup_elem(&ovn_gen, &zero);
	c->x.version = ver ? *ver : 0;
	ovn_ctx_reset_run(c);
	dp = ovn_tunnel_read_vni(skb);
	if (dp < 0)
		return (int)dp;
	v = ovn_tunnel_read_opt(skb, c);
	if (v < 0)
		return (int)v;
	in = OVN_GENEVE_OPT_IN((__u32)v);
	out = OVN_GENEVE_OPT_OUT((__u32)v);
	if (ovn_enter_dp(c, (__u32)dp))
		return -DROP_TUN_UNKNOWN_DP;
	/* The sender's inport is a port of this datapath too (remote here,
	 * or a router port); the outport a port or a group. */
	pk.dp = (__u32)dp;
	pk.port = in;
	if (!bpf_map_lookup_elem(&ovn_ports, &pk))
		return -DROP_TUN_UNKNOWN_PORT;
	if (out < OVN_MC_KEY_MIN) {
		pk.port = out;
		p = bpf_map_lookup_elem(&ovn_ports, &pk);
		if (!p)
			return -DROP_TUN_UNKNOWN_PORT;
		/* Local output: a VIF here, or cr-P whose gateway we are. */
		if (p->type != OVN_PORT_VIF &&
		    !(p->type == OVN_PORT_REDIRECT && (p->flags & OVN_PORT_F_RESIDENT)))
			return -DROP_TUN_NOT_LOCAL;
	}
	c->md.inport = bpf_htonl(in);
	c->md.outport = bpf_htonl(out);
	c->md.pkt_mark = bpf_htonl(skb->mark);
	c->x.from_tunnel = 1;
	c->x.pipeline = OVN_PIPE_INGRESS;
	c->clone.active = 0;
	c->clone.skipping = 0;
	c->clone.resumed = 0;
	/* Egress of outport, or the fan-out to the group's local members;
	 * an outport equal to the inport is dropped (flags.loopback is clear). */
	ovn_ingress_output(c, false);
	return 0;
}

static __always_inline int ovn_from_tunnel(struct __sk_buff *skb, struct ovn_ctx *c)
{
	struct ovn_loop lc = { .skb = skb, .c = c };
	int err;

	err = ovn_tunnel_enter(skb, c);
	if (err)
		return err;
	bpf_loop(OVN_LOOP_STEPS, ovn_step, &lc, 0);
	if (c->x.phase != OVN_PH_DONE) {
		c->x.verdict = TC_ACT_SHOT;
		c->x.drop_reason = DROP_LOOP_LIMIT;
	}
	if (c->x.drop_reason)
		return -(int)c->x.drop_reason;
	return 0;
}

SEC("tc")
int ovnbpf_from_tunnel(struct __sk_buff *skb)
{
	struct ovn_ctx *c;
	__u32 zero = 0;
	int err;

	c = bpf_map_lookup_elem(&ovn_ctx, &zero);
	if (!c)
		return TC_ACT_SHOT;
	err = ovn_from_tunnel(skb, c);
	if (err)
		return ovnbpf_drop(skb, err);
	ovnbpf_count(DROP_NONE, skb->len);
	return c->x.verdict;
}
