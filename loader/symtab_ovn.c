// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * OVN 23.03's logical fields (ovn-sb(5) "Logical_Flow TABLE", OVN's
 * ovn_init_symtab()).  Definitions follow v23.03.1, the version of the
 * northd that wrote our corpora; flags.localnet, flags.from_ctrl and
 * nd_ns_mcast from later 23.03 releases are added as well since they only
 * add names.  (Later releases also narrowed igmp/mldv1/mldv2 to multicast
 * destinations; we keep v23.03.1's broader definitions.)
 */
#include <errno.h>
#include <stdio.h>

#include "loader/log.h"
#include "loader/strbuf.h"
#include "loader/symtab.h"

struct builder {
	struct symtab *st;
	int err;
};

static void fail(struct builder *b, const char *what, const char *name,
		 int err)
{
	pr_err("symtab", "cannot add %s %s: %d", what, name, err);
	if (!b->err)
		b->err = err;
}

static void field(struct builder *b, const char *name, enum mf_field_id id,
		  const char *prereqs, bool must_crossproduct)
{
	int err = symtab_add_field(b->st, name, id, prereqs, must_crossproduct,
				   SYM_WR_DEFAULT);

	if (err)
		fail(b, "field", name, err);
}

static void ct_field(struct builder *b, const char *name, enum mf_field_id id)
{
	int err = symtab_add_field(b->st, name, id, NULL, false,
				   SYM_WR_CT_COMMIT);

	if (err)
		fail(b, "field", name, err);
}

static void subfield_scoped(struct builder *b, const char *name,
			    const char *prereqs, const char *spec,
			    unsigned int scope)
{
	int err = symtab_add_subfield(b->st, name, prereqs, spec, scope);

	if (err)
		fail(b, "subfield", name, err);
}

static void subfield(struct builder *b, const char *name, const char *prereqs,
		     const char *spec)
{
	subfield_scoped(b, name, prereqs, spec, SYM_WR_DEFAULT);
}

static void predicate(struct builder *b, const char *name,
		      const char *expansion)
{
	int err = symtab_add_predicate(b->st, name, expansion);

	if (err)
		fail(b, "predicate", name, err);
}

/* xxreg0..1 are fields; xreg0..3 their 64-bit halves (xreg0 the upper
 * half of xxreg0); reg0..7 their 32-bit quarters (reg0 the top one);
 * xreg4 is a field and reg8/reg9 its halves. */
static void add_registers(struct builder *b)
{
	char name[16], spec[32];

	field(b, "xxreg0", MFF_XXREG0, NULL, false);
	field(b, "xxreg1", MFF_XXREG1, NULL, false);
	for (int xi = 0; xi < 4; xi++) {
		int lsb = 64 * (1 - xi % 2);

		snprintf(name, sizeof(name), "xreg%d", xi);
		snprintf(spec, sizeof(spec), "xxreg%d[%d..%d]", xi / 2, lsb,
			 lsb + 63);
		subfield(b, name, NULL, spec);
	}
	field(b, "xreg4", MFF_XREG4, NULL, false);
	for (int i = 0; i < 10; i++) {
		int lsb;

		snprintf(name, sizeof(name), "reg%d", i);
		if (i < 8) {
			lsb = 32 * (3 - i % 4);
			snprintf(spec, sizeof(spec), "xxreg%d[%d..%d]", i / 4,
				 lsb, lsb + 31);
		} else {
			lsb = 32 * (1 - i % 2);
			snprintf(spec, sizeof(spec), "xreg4[%d..%d]", lsb,
				 lsb + 31);
		}
		subfield(b, name, NULL, spec);
	}
}

static void add_flags(struct builder *b)
{
	static const struct { const char *name; int bit; } flags[] = {
		{ "flags.loopback", MLF_ALLOW_LOOPBACK_BIT },
		{ "flags.force_snat_for_dnat", MLF_FORCE_SNAT_FOR_DNAT_BIT },
		{ "flags.force_snat_for_lb", MLF_FORCE_SNAT_FOR_LB_BIT },
		{ "flags.skip_snat_for_lb", MLF_SKIP_SNAT_FOR_LB_BIT },
		{ "flags.use_snat_zone", MLF_USE_SNAT_ZONE_BIT },
		{ "flags.localnet", MLF_LOCALNET_BIT },
		{ "flags.from_ctrl", MLF_FROM_CTRL_BIT },
	};
	char spec[32];

	field(b, "flags", MFF_LOG_FLAGS, NULL, false);
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		snprintf(spec, sizeof(spec), "flags[%d]", flags[i].bit);
		subfield(b, flags[i].name, NULL, spec);
	}
}

static void add_conntrack(struct builder *b)
{
	static const struct { const char *name; const char *spec; } bits[] = {
		{ "ct_mark.blocked", "ct_mark[0]" },
		{ "ct_mark.natted", "ct_mark[1]" },
		{ "ct_mark.ecmp_reply_port", "ct_mark[16..31]" },
		{ "ct_mark.skip_snat", "ct_mark[2]" },
		{ "ct_mark.force_snat", "ct_mark[3]" },
	}, lbits[] = {
		{ "ct_label.blocked", "ct_label[0]" },
		{ "ct_label.natted", "ct_label[1]" },
		{ "ct_label.ecmp_reply_eth", "ct_label[32..79]" },
		{ "ct_label.ecmp_reply_port", "ct_label[80..95]" },
		{ "ct_label.label", "ct_label[96..127]" },
		{ "ct_label.skip_snat", "ct_label[2]" },
		{ "ct_label.force_snat", "ct_label[3]" },
	};
	static const struct { const char *name; int bit; } states[] = {
		{ "ct.new", CS_NEW_BIT },
		{ "ct.est", CS_ESTABLISHED_BIT },
		{ "ct.rel", CS_RELATED_BIT },
		{ "ct.rpl", CS_REPLY_DIR_BIT },
		{ "ct.inv", CS_INVALID_BIT },
		{ "ct.trk", CS_TRACKED_BIT },
		{ "ct.snat", CS_SRC_NAT_BIT },
		{ "ct.dnat", CS_DST_NAT_BIT },
	};
	char spec[32];

	ct_field(b, "ct_mark", MFF_CT_MARK);
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		subfield_scoped(b, bits[i].name, NULL, bits[i].spec,
				SYM_WR_CT_COMMIT);
	ct_field(b, "ct_label", MFF_CT_LABEL);
	for (size_t i = 0; i < sizeof(lbits) / sizeof(lbits[0]); i++)
		subfield_scoped(b, lbits[i].name, NULL, lbits[i].spec,
				SYM_WR_CT_COMMIT);

	field(b, "ct_state", MFF_CT_STATE, NULL, false);
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		snprintf(spec, sizeof(spec), "ct_state[%d]", states[i].bit);
		/* every state bit but trk means "tracked and ..." */
		subfield(b, states[i].name,
			 states[i].bit == CS_TRACKED_BIT ? NULL : "ct.trk",
			 spec);
	}
}

static void add_l2_l3(struct builder *b)
{
	field(b, "eth.src", MFF_ETH_SRC, NULL, false);
	field(b, "eth.dst", MFF_ETH_DST, NULL, false);
	field(b, "eth.type", MFF_ETH_TYPE, NULL, true);
	predicate(b, "eth.bcast", "eth.dst == ff:ff:ff:ff:ff:ff");
	subfield(b, "eth.mcast", NULL, "eth.dst[40]");
	predicate(b, "eth.mcastv6", "eth.dst[32..47] == 0x3333");

	field(b, "vlan.tci", MFF_VLAN_TCI, NULL, false);
	predicate(b, "vlan.present", "vlan.tci[12]");
	subfield(b, "vlan.pcp", "vlan.present", "vlan.tci[13..15]");
	subfield(b, "vlan.vid", "vlan.present", "vlan.tci[0..11]");

	predicate(b, "ip4", "eth.type == 0x800");
	predicate(b, "ip6", "eth.type == 0x86dd");
	predicate(b, "ip", "ip4 || ip6");
	field(b, "ip.proto", MFF_IP_PROTO, "ip", true);
	field(b, "ip.dscp", MFF_IP_DSCP, "ip", false);
	field(b, "ip.ecn", MFF_IP_ECN, "ip", false);
	field(b, "ip.ttl", MFF_IP_TTL, "ip", false);

	field(b, "ip4.src", MFF_IPV4_SRC, "ip4", false);
	field(b, "ip4.dst", MFF_IPV4_DST, "ip4", false);
	predicate(b, "ip4.src_mcast", "ip4.src[28..31] == 0xe");
	predicate(b, "ip4.mcast", "eth.mcast && ip4.dst[28..31] == 0xe");

	predicate(b, "icmp4", "ip4 && ip.proto == 1");
	field(b, "icmp4.type", MFF_ICMPV4_TYPE, "icmp4", false);
	field(b, "icmp4.code", MFF_ICMPV4_CODE, "icmp4", false);

	predicate(b, "igmp", "ip4 && ip.proto == 2");

	field(b, "ip6.src", MFF_IPV6_SRC, "ip6", false);
	field(b, "ip6.dst", MFF_IPV6_DST, "ip6", false);
	field(b, "ip6.label", MFF_IPV6_LABEL, "ip6", false);

	/* RFC 4291 2.7.1 well-known multicast groups */
	predicate(b, "ip6.mcast_rsvd",
		  "ip6.dst[116..127] == 0xff0 && ip6.dst[0..111] == 0x0");
	predicate(b, "ip6.mcast_all_nodes",
		  "ip6.dst == ff01::1 || ip6.dst == ff02::1");
	predicate(b, "ip6.mcast_all_rtrs",
		  "ip6.dst == ff01::2 || ip6.dst == ff02::2 || "
		  "ip6.dst == ff05::2");
	predicate(b, "ip6.mcast_sol_node",
		  "ip6.dst == ff02::1:ff00:0000/104");
	predicate(b, "ip6.mcast_flood",
		  "eth.mcastv6 && (ip6.mcast_rsvd || ip6.mcast_all_nodes || "
		  "ip6.mcast_all_rtrs || ip6.mcast_sol_node)");
	predicate(b, "ip6.mcast", "eth.mcastv6 && ip6.dst[120..127] == 0xff");

	predicate(b, "icmp6", "ip6 && ip.proto == 58");
	field(b, "icmp6.type", MFF_ICMPV6_TYPE, "icmp6", true);
	field(b, "icmp6.code", MFF_ICMPV6_CODE, "icmp6", true);
	predicate(b, "icmp", "icmp4 || icmp6");

	field(b, "ip.frag", MFF_IP_FRAG, "ip", false);
	predicate(b, "ip.is_frag", "ip.frag[0]");
	predicate(b, "ip.later_frag", "ip.frag[1]");
	predicate(b, "ip.first_frag", "ip.is_frag && !ip.later_frag");
}

static void add_arp_nd(struct builder *b)
{
	static const char *const arp[] = { "arp", "rarp" };
	static const struct { const char *f; enum mf_field_id id; } af[] = {
		{ "op", MFF_ARP_OP }, { "spa", MFF_ARP_SPA },
		{ "sha", MFF_ARP_SHA }, { "tpa", MFF_ARP_TPA },
		{ "tha", MFF_ARP_THA },
	};
	char name[32];

	predicate(b, "arp", "eth.type == 0x806");
	predicate(b, "rarp", "eth.type == 0x8035");
	/* RARP has ARP's layout: the same base fields under rarp.* names,
	 * each requiring rarp instead of arp */
	for (size_t k = 0; k < 2; k++) {
		for (size_t i = 0; i < sizeof(af) / sizeof(af[0]); i++) {
			snprintf(name, sizeof(name), "%s.%s", arp[k], af[i].f);
			field(b, name, af[i].id, arp[k], false);
		}
	}

	predicate(b, "nd",
		  "icmp6.type == {135, 136} && icmp6.code == 0 && ip.ttl == 255");
	predicate(b, "nd_ns",
		  "icmp6.type == 135 && icmp6.code == 0 && ip.ttl == 255");
	predicate(b, "nd_ns_mcast",
		  "ip6.mcast && icmp6.type == 135 && icmp6.code == 0 && "
		  "ip.ttl == 255");
	predicate(b, "nd_na",
		  "icmp6.type == 136 && icmp6.code == 0 && ip.ttl == 255");
	predicate(b, "nd_rs",
		  "icmp6.type == 133 && icmp6.code == 0 && ip.ttl == 255");
	predicate(b, "nd_ra",
		  "icmp6.type == 134 && icmp6.code == 0 && ip.ttl == 255");
	field(b, "nd.target", MFF_ND_TARGET, "nd", false);
	field(b, "nd.sll", MFF_ND_SLL, "nd_ns", false);
	field(b, "nd.tll", MFF_ND_TLL, "nd_na", false);

	/* MLD (RFC 2710, RFC 3810) */
	predicate(b, "mldv1",
		  "ip6.src == fe80::/10 && icmp6.type == {130, 131, 132}");
	predicate(b, "mldv2", "ip6.dst == ff02::16 && icmp6.type == 143");
}

static void add_l4(struct builder *b)
{
	predicate(b, "tcp", "ip.proto == 6");
	field(b, "tcp.src", MFF_TCP_SRC, "tcp", false);
	field(b, "tcp.dst", MFF_TCP_DST, "tcp", false);
	field(b, "tcp.flags", MFF_TCP_FLAGS, "tcp", false);

	predicate(b, "udp", "ip.proto == 17");
	field(b, "udp.src", MFF_UDP_SRC, "udp", false);
	field(b, "udp.dst", MFF_UDP_DST, "udp", false);

	predicate(b, "sctp", "ip.proto == 132");
	field(b, "sctp.src", MFF_SCTP_SRC, "sctp", false);
	field(b, "sctp.dst", MFF_SCTP_DST, "sctp", false);

	field(b, "pkt.mark", MFF_PKT_MARK, NULL, false);
}

struct symtab *symtab_create_ovn(void)
{
	struct builder b = { .st = symtab_create(), .err = 0 };
	int err;

	/* port names; the keys live in reg14/reg15 */
	err = symtab_add_string(b.st, "inport", MFF_LOG_INPORT, NULL);
	if (!err)
		err = symtab_add_string(b.st, "outport", MFF_LOG_OUTPORT, NULL);
	if (err)
		fail(&b, "string", "inport/outport", err);
	add_registers(&b);
	add_flags(&b);
	add_conntrack(&b);
	add_l2_l3(&b);
	add_arp_nd(&b);
	add_l4(&b);
	if (symtab_add_ovn_field(b.st, "icmp4.frag_mtu", MFF_ICMP4_FRAG_MTU) ||
	    symtab_add_ovn_field(b.st, "icmp6.frag_mtu", MFF_ICMP6_FRAG_MTU))
		fail(&b, "OVN field", "icmp4/6.frag_mtu", -EINVAL);
	if (b.err) {
		symtab_destroy(b.st);
		return NULL;
	}
	return b.st;
}
