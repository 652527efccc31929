// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The OVN 23.03 symbol table: names, widths, levels, base fields. */
#include "tests/test_progs.h"
#include "loader/symtab.h"

static void check_base(const struct symtab *st, const char *name,
		       enum mf_field_id field, unsigned int ofs,
		       unsigned int width)
{
	const struct symbol *s = symtab_lookup(st, name);
	unsigned int base_ofs;

	if (!ASSERT_OK_PTR(s, name))
		return;
	ASSERT_EQ(symbol_resolve(s, 0, &base_ofs), field, name);
	ASSERT_EQ(base_ofs, ofs, name);
	ASSERT_EQ(s->width, width, name);
}

static void check_sym(const struct symtab *st, const char *name,
		      enum symbol_kind kind, enum symbol_level level,
		      const char *prereqs)
{
	const struct symbol *s = symtab_lookup(st, name);

	if (!ASSERT_OK_PTR(s, name))
		return;
	ASSERT_EQ(s->kind, kind, name);
	ASSERT_EQ(s->level, level, name);
	if (prereqs)
		ASSERT_STREQ(s->prereqs ? s->prereqs : "(none)", prereqs, name);
	else
		ASSERT_NULL(s->prereqs, name);
}

void test_match_symtab(void)
{
	struct symtab *st = symtab_create_ovn();

	if (!ASSERT_OK_PTR(st, "symtab_create_ovn"))
		return;

	if (test__start_subtest("every OVN name")) {
		static const char *const names[] = {
			"inport", "outport", "flags", "flags.loopback",
			"flags.force_snat_for_dnat", "flags.force_snat_for_lb",
			"flags.skip_snat_for_lb", "flags.use_snat_zone",
			"ct_mark", "ct_mark.blocked", "ct_mark.natted",
			"ct_mark.ecmp_reply_port", "ct_mark.skip_snat",
			"ct_mark.force_snat", "ct_label", "ct_label.blocked",
			"ct_label.natted", "ct_label.ecmp_reply_eth",
			"ct_label.ecmp_reply_port", "ct_label.label",
			"ct_label.skip_snat", "ct_label.force_snat", "ct_state",
			"ct.new", "ct.est", "ct.rel", "ct.rpl", "ct.inv",
			"ct.trk", "ct.snat", "ct.dnat", "eth.src", "eth.dst",
			"eth.type", "eth.bcast", "eth.mcast", "eth.mcastv6",
			"vlan.tci", "vlan.present", "vlan.pcp", "vlan.vid",
			"ip4", "ip6", "ip", "ip.proto", "ip.dscp", "ip.ecn",
			"ip.ttl", "ip4.src", "ip4.dst", "ip4.src_mcast",
			"ip4.mcast", "icmp4", "icmp4.type", "icmp4.code",
			"igmp", "ip6.src", "ip6.dst", "ip6.label",
			"ip6.mcast_rsvd", "ip6.mcast_all_nodes",
			"ip6.mcast_all_rtrs", "ip6.mcast_sol_node",
			"ip6.mcast_flood", "ip6.mcast", "icmp6", "icmp6.type",
			"icmp6.code", "icmp", "ip.frag", "ip.is_frag",
			"ip.later_frag", "ip.first_frag", "arp", "arp.op",
			"arp.spa", "arp.sha", "arp.tpa", "arp.tha", "rarp",
			"rarp.op", "rarp.spa", "rarp.sha", "rarp.tpa",
			"rarp.tha", "nd", "nd_ns", "nd_na", "nd_rs", "nd_ra",
			"nd.target", "nd.sll", "nd.tll", "mldv1", "mldv2",
			"tcp", "tcp.src", "tcp.dst", "tcp.flags", "udp",
			"udp.src", "udp.dst", "sctp", "sctp.src", "sctp.dst",
			"pkt.mark", "icmp4.frag_mtu", "icmp6.frag_mtu",
			"xxreg0", "xxreg1", "xreg0", "xreg1", "xreg2", "xreg3",
			"xreg4", "reg0", "reg1", "reg2", "reg3", "reg4", "reg5",
			"reg6", "reg7", "reg8", "reg9",
		};
		size_t n = sizeof(names) / sizeof(names[0]);

		for (size_t i = 0; i < n; i++)
			ASSERT_OK_PTR(symtab_lookup(st, names[i]), names[i]);
		ASSERT_NULL(symtab_lookup(st, "ip.src"), "no ip.src");
		ASSERT_NULL(symtab_lookup(st, "reg10"), "no reg10");
		ASSERT_GE(symtab_count(st), n, "count");
		for (size_t i = 0; i < symtab_count(st); i++)
			ASSERT_EQ(symtab_at(st, i)->index, i, "index");
	}
	if (test__start_subtest("registers overlap")) {
		check_base(st, "xxreg0", MFF_XXREG0, 0, 128);
		check_base(st, "xreg0", MFF_XXREG0, 64, 64);
		check_base(st, "xreg1", MFF_XXREG0, 0, 64);
		check_base(st, "xreg2", MFF_XXREG1, 64, 64);
		check_base(st, "xreg3", MFF_XXREG1, 0, 64);
		check_base(st, "reg0", MFF_XXREG0, 96, 32);
		check_base(st, "reg1", MFF_XXREG0, 64, 32);
		check_base(st, "reg3", MFF_XXREG0, 0, 32);
		check_base(st, "reg4", MFF_XXREG1, 96, 32);
		check_base(st, "reg7", MFF_XXREG1, 0, 32);
		check_base(st, "xreg4", MFF_XREG4, 0, 64);
		check_base(st, "reg8", MFF_XREG4, 32, 32);
		check_base(st, "reg9", MFF_XREG4, 0, 32);
		/* as in OVN, reg0..7 are subfields of the xxregs directly */
		ASSERT_STREQ(symtab_lookup(st, "reg1")->parent->name, "xxreg0",
			     "reg1 parent");
	}
	if (test__start_subtest("bits")) {
		check_base(st, "flags.loopback", MFF_LOG_FLAGS, 0, 1);
		check_base(st, "flags.use_snat_zone", MFF_LOG_FLAGS, 11, 1);
		check_base(st, "ct.new", MFF_CT_STATE, 0, 1);
		check_base(st, "ct.trk", MFF_CT_STATE, 5, 1);
		check_base(st, "ct.dnat", MFF_CT_STATE, 7, 1);
		check_base(st, "ct_mark.blocked", MFF_CT_MARK, 0, 1);
		check_base(st, "ct_mark.ecmp_reply_port", MFF_CT_MARK, 16, 16);
		check_base(st, "ct_label.ecmp_reply_eth", MFF_CT_LABEL, 32, 48);
		check_base(st, "ct_label.label", MFF_CT_LABEL, 96, 32);
		check_base(st, "eth.mcast", MFF_ETH_DST, 40, 1);
		check_base(st, "vlan.vid", MFF_VLAN_TCI, 0, 12);
		check_base(st, "vlan.pcp", MFF_VLAN_TCI, 13, 3);
		check_base(st, "ip6.src", MFF_IPV6_SRC, 0, 128);
		check_base(st, "rarp.sha", MFF_ARP_SHA, 0, 48);
		check_base(st, "tcp.flags", MFF_TCP_FLAGS, 0, 12);
	}
	if (test__start_subtest("levels and prerequisites")) {
		check_sym(st, "inport", SYM_STRING, SYM_L_NOMINAL, NULL);
		check_sym(st, "eth.type", SYM_FIELD, SYM_L_NOMINAL, NULL);
		check_sym(st, "ip.proto", SYM_FIELD, SYM_L_NOMINAL, "ip");
		check_sym(st, "ip.ttl", SYM_FIELD, SYM_L_NOMINAL, "ip");
		check_sym(st, "ip4.src", SYM_FIELD, SYM_L_ORDINAL, "ip4");
		check_sym(st, "tcp.dst", SYM_FIELD, SYM_L_ORDINAL, "tcp");
		check_sym(st, "icmp6.type", SYM_FIELD, SYM_L_NOMINAL, "icmp6");
		check_sym(st, "nd.sll", SYM_FIELD, SYM_L_ORDINAL, "nd_ns");
		check_sym(st, "ct.est", SYM_SUBFIELD, SYM_L_ORDINAL, "ct.trk");
		check_sym(st, "ct.trk", SYM_SUBFIELD, SYM_L_ORDINAL, NULL);
		check_sym(st, "vlan.vid", SYM_SUBFIELD, SYM_L_ORDINAL,
			  "vlan.present");
		check_sym(st, "rarp.spa", SYM_FIELD, SYM_L_ORDINAL, "rarp");
		/* predicates over nominal fields are nominal */
		check_sym(st, "ip4", SYM_PREDICATE, SYM_L_NOMINAL, NULL);
		check_sym(st, "ip", SYM_PREDICATE, SYM_L_NOMINAL, NULL);
		check_sym(st, "tcp", SYM_PREDICATE, SYM_L_NOMINAL, NULL);
		check_sym(st, "nd", SYM_PREDICATE, SYM_L_NOMINAL, NULL);
		check_sym(st, "eth.bcast", SYM_PREDICATE, SYM_L_BOOLEAN, NULL);
		check_sym(st, "ip.is_frag", SYM_PREDICATE, SYM_L_BOOLEAN, NULL);
		check_sym(st, "ip.first_frag", SYM_PREDICATE, SYM_L_BOOLEAN,
			  NULL);
		check_sym(st, "vlan.present", SYM_PREDICATE, SYM_L_BOOLEAN,
			  NULL);
		check_sym(st, "icmp4.frag_mtu", SYM_OVN_FIELD, SYM_L_NOMINAL,
			  NULL);
		ASSERT_STREQ(symtab_lookup(st, "ip")->predicate, "ip4 || ip6",
			     "ip expansion");
	}
	if (test__start_subtest("write scopes")) {
		ASSERT_EQ(symtab_lookup(st, "ct_mark")->rw, SYM_WR_CT_COMMIT,
			  "ct_mark");
		ASSERT_EQ(symtab_lookup(st, "ct_label.blocked")->rw,
			  SYM_WR_CT_COMMIT, "ct_label.blocked");
		ASSERT_EQ(symtab_lookup(st, "reg0")->rw, SYM_WR_DEFAULT, "reg0");
		ASSERT_EQ(symtab_lookup(st, "outport")->rw, SYM_WR_DEFAULT,
			  "outport");
		ASSERT_EQ(symtab_lookup(st, "ct.est")->rw, 0, "ct.est r/o");
		ASSERT_EQ(symtab_lookup(st, "eth.type")->rw, 0, "eth.type r/o");
		ASSERT_EQ(symtab_lookup(st, "ip4")->rw, 0, "predicate r/o");
	}
	if (test__start_subtest("building errors")) {
		struct symtab *t = symtab_create();

		ASSERT_OK(symtab_add_field(t, "a", MFF_IPV4_SRC, NULL, false,
					   SYM_WR_DEFAULT), "add a");
		ASSERT_EQ(symtab_add_field(t, "a", MFF_IPV4_DST, NULL, false,
					   SYM_WR_DEFAULT), -EEXIST, "dup");
		ASSERT_EQ(symtab_add_subfield(t, "b", NULL, "a[30..32]",
					      SYM_WR_DEFAULT), -EINVAL,
			  "range too wide");
		ASSERT_EQ(symtab_add_subfield(t, "b", NULL, "zz[0]",
					      SYM_WR_DEFAULT), -EINVAL,
			  "unknown parent");
		ASSERT_OK(symtab_add_subfield(t, "b", NULL, "a[8..15]",
					      SYM_WR_DEFAULT), "b");
		ASSERT_OK(symtab_add_subfield(t, "c", NULL, "b[4]",
					      SYM_WR_DEFAULT), "c");
		check_base(t, "c", MFF_IPV4_SRC, 12, 1);
		ASSERT_EQ(symtab_add_predicate(t, "p", "nosuch == 1"), -EINVAL,
			  "bad predicate");
		ASSERT_EQ(symtab_add_field(t, "s", MFF_LOG_INPORT, NULL, false,
					   0), -EINVAL, "string as field");
		ASSERT_EQ(symtab_add_field(t, "1x", MFF_IPV4_DST, NULL, false,
					   0), -EEXIST, "bad name");
		symtab_destroy(t);
	}
	symtab_destroy(st);
}
