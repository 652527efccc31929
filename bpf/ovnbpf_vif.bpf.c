// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * tc ingress on the host side of a VIF's veth: a packet the pod sent enters
 * the logical switch pipeline of its port here.
 *
 * The interface's logical port comes from ovn_vifs; the flow key is
 * extracted once (lib/parse.h), then the compiled pipelines run
 * (lib/pipeline.h) until the packet is delivered (redirect to a local VIF),
 * punted to ovnbpfd, or dropped.  Before the pipeline, the exact-match
 * cache (lib/cache.h) may answer for it: a packet whose key was seen under
 * the current rules replays the recorded result.  Every verdict is counted once in
 * ovn_drops under its reason (DROP_NONE = delivered).
 */
#include "lib/common.h"
#include "lib/drop.h"
#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/pipeline.h"
#include "lib/resume.h"
#include "lib/cache.h"
#include "lib/frag.h"
#include "lib/encap_rx.h"	/* ovnbpf_from_tunnel: Geneve device ingress */

static __always_inline int ovn_from_vif(struct __sk_buff *skb, struct ovn_ctx *c)
{
	__u32 ifindex = skb->ifindex, zero = 0;
	struct ovn_vif *vif;
	__u32 *ver;
	int err;

	/* The flow key and what a cache hit reads; the rest is reset by
	 * the cache lookup when the pipeline is to run (lib/ctx_init.h). */
	ovn_ctx_reset_hit(c);
	err = ovn_parse(skb, c);
	if (err)
		return err;
	/* A later fragment gets its datagram's ports (lib/frag.h). */
	if (c->key.ip_frag)
		ovn_frag_track(skb, c);
	ver = bpf_map_lookup_elem(&ovn_gen, &zero);
	c->x.version = ver ? *ver : 0;
	/* A packet whose key the pipeline has seen under the current rules
	 * replays the cached result (lib/cache.h). */
	if (ovn_cache_lookup(skb, c))
		goto done;
	vif = bpf_map_lookup_elem(&ovn_vifs, &ifindex);
	if (!vif)
		return -DROP_NO_VIF;
	err = ovn_enter_dp(c, vif->dp);
	if (err)
		return err;
	c->md.inport = bpf_htonl(vif->port);
	c->md.ct_zone = bpf_htonl(vif->ct_zone);
	c->md.pkt_mark = bpf_htonl(skb->mark);
	if (ovn_trace_on)
		ovn_trace_seed_md(c);
	ovn_run(skb, c);
	ovn_cache_store(c);
done:
	if (c->x.drop_reason)
		return -(int)c->x.drop_reason;
	return 0;
}

SEC("tc")
int ovnbpf_from_vif(struct __sk_buff *skb)
{
	struct ovn_ctx *c;
	__u32 zero = 0;
	int err;

	c = bpf_map_lookup_elem(&ovn_ctx, &zero);
	if (!c)
		return TC_ACT_SHOT;
	err = ovn_from_vif(skb, c);
	if (err)
		return ovnbpf_drop(skb, err);
	ovnbpf_count(DROP_NONE, skb->len);
	return c->x.verdict;
}

/* tc ingress of an interface mapped by --bridge-mappings: a frame from the
 * physical network enters the localnet port its VLAN tag selects
 * (lib/localnet.h), else it goes on to the host stack untouched.  No
 * exact-match cache here: its key does not carry the tag. */
static __noinline int ovn_from_phys_enter(struct __sk_buff *skb, struct ovn_ctx *c)
{
	struct ovn_localnet ln;
	__u32 zero = 0, reason = 0, *ver;
	int err;

	err = ovn_ln_select(skb, &ln, &reason);
	if (err < 0)
		return err;
	if (err == OVN_LN_HOST) {
		if (reason)
			ovnbpf_count(reason, skb->len);
		c->x.verdict = TC_ACT_OK;
		return 1;
	}
	ovn_ctx_reset_hit(c);
	err = ovn_parse(skb, c);
	if (err)
		return err;
	ver = bpf_map_lookup_elem(&ovn_gen, &zero);
	c->x.version = ver ? *ver : 0;
	/* What a cache miss leaves (lib/cache.h ovn_cache_probe()), with
	 * the cache off for this run. */
	c->cache.forbid = 2;
	c->cache.n_out = 0;
	c->cache.n_guards = 0;
	c->cache.pre_n = 0;
	ovn_ctx_reset_run(c);
	__builtin_memcpy(&c->pkt, &c->key, sizeof(c->pkt));
	err = ovn_enter_dp(c, ln.dp);
	if (err)
		return err;
	c->md.inport = bpf_htonl(ln.port);
	c->md.ct_zone = bpf_htonl(ln.ct_zone);
	c->md.pkt_mark = bpf_htonl(skb->mark);
	if (ovn_trace_on)
		ovn_trace_seed_md(c);
	return 0;
}

/* Its own frame (ovn_from_phys_enter): the pipeline's call chain is at
 * the 512-byte stack limit. */
static __always_inline int ovn_from_phys(struct __sk_buff *skb, struct ovn_ctx *c)
{
	int err = ovn_from_phys_enter(skb, c);

	if (err)
		return err;
	ovn_run(skb, c);
	if (c->x.drop_reason)
		return -(int)c->x.drop_reason;
	return 0;
}

SEC("tc")
int ovnbpf_from_phys(struct __sk_buff *skb)
{
	struct ovn_ctx *c;
	__u32 zero = 0;
	int err;

	c = bpf_map_lookup_elem(&ovn_ctx, &zero);
	if (!c)
		return TC_ACT_OK;
	err = ovn_from_phys(skb, c);
	if (err < 0)
		return ovnbpf_drop(skb, err);
	if (err == 0)
		ovnbpf_count(DROP_NONE, skb->len);
	return c->x.verdict;
}

/* Continuations of pausing controller actions, run by ovnbpfd through
 * BPF_PROG_TEST_RUN (maps/resume.h). */
SEC("tc")
int ovnbpf_resume(struct __sk_buff *skb)
{
	struct ovn_ctx *c;
	__u32 key = OVN_CTX_RESUME;
	int err;

	c = bpf_map_lookup_elem(&ovn_ctx, &key);
	if (!c)
		return TC_ACT_SHOT;
	err = ovn_resume(skb, c);
	if (err)
		return ovnbpf_drop(skb, err);
	ovnbpf_count(DROP_NONE, skb->len);
	return TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
