// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The action language: every verb's grammar, nesting, prerequisites,
 * execution class, errors with positions, and format/parse round trips.
 */
#include "tests/test_progs.h"
#include "loader/actions.h"
#include "loader/symtab.h"

static const struct action_opt_def dhcp_defs[] = {
	{ "offerip", 0, "ipv4" },
	{ "netmask", 1, "ipv4" },
	{ "router", 3, "ipv4" },
	{ "dns_server", 6, "ipv4" },
	{ "hostname", 12, "str" },
	{ "mtu", 26, "uint16" },
	{ "lease_time", 51, "uint32" },
	{ "server_id", 54, "ipv4" },
	{ "tftp_server", 66, "host_id" },
	{ "domain_search_list", 119, "domains" },
	{ "classless_static_route", 121, "static_routes" },
};

static const struct action_opt_def dhcpv6_defs[] = {
	{ "server_id", 2, "mac" },
	{ "ia_addr", 5, "ipv6" },
	{ "dns_server", 23, "ipv6" },
	{ "domain_search", 24, "str" },
};

static const struct action_opt_table dhcp_opts = { dhcp_defs, 11 };
static const struct action_opt_table dhcpv6_opts = { dhcpv6_defs, 4 };

static struct symtab *st;

static struct action_parse_params params(void)
{
	return (struct action_parse_params){
		.symtab = st,
		.dhcp_opts = &dhcp_opts,
		.dhcpv6_opts = &dhcpv6_opts,
		.pipeline = ACT_P_INGRESS,
		.cur_table = 10,
		.n_tables = 29,
	};
}

/* Parse IN, expect canonical text WANT (NULL: IN itself), and check that
 * the canonical text parses back to an equal IR and prints the same. */
static void check_ok_pp(const struct action_parse_params *pp, const char *in,
			const char *want)
{
	struct action_parse_result r1, r2;
	struct action_error err;
	char *t1 = NULL, *t2 = NULL;

	if (!ASSERT_OK(actions_parse(in, pp, &r1, &err), in)) {
		fprintf(stdout, "  error at %d: %s\n", err.pos, err.msg);
		return;
	}
	t1 = actions_format(&r1.acts);
	ASSERT_STREQ(t1, want ? want : in, in);
	if (ASSERT_OK(actions_parse(t1, pp, &r2, &err), t1)) {
		ASSERT_TRUE(action_list_equal(&r1.acts, &r2.acts), t1);
		t2 = actions_format(&r2.acts);
		ASSERT_STREQ(t2, t1, "reformat");
		action_parse_result_free(&r2);
	}
	free(t1);
	free(t2);
	action_parse_result_free(&r1);
}

static void check_ok(const char *in, const char *want)
{
	struct action_parse_params pp = params();

	check_ok_pp(&pp, in, want);
}

/* Parse IN, expect failure with MSG (a substring) at byte offset POS. */
static void check_err(const char *in, const char *msg, int pos)
{
	struct action_parse_params pp = params();
	struct action_parse_result r;
	struct action_error err;

	if (!ASSERT_ERR(actions_parse(in, &pp, &r, &err), in)) {
		action_parse_result_free(&r);
		return;
	}
	ASSERT_EQ(r.acts.n, 0, "no actions on error");
	if (!ASSERT_OK_PTR(strstr(err.msg, msg), in))
		fprintf(stdout, "  got \"%s\"\n", err.msg);
	ASSERT_EQ(err.pos, pos, in);
}

/* Prerequisites of IN. */
static void check_prereqs(const char *in, const char *want)
{
	struct action_parse_params pp = params();
	struct action_parse_result r;
	struct action_error err;

	if (!ASSERT_OK(actions_parse(in, &pp, &r, &err), in))
		return;
	ASSERT_STREQ(r.prereqs, want, in);
	action_parse_result_free(&r);
}

static void first_action(const char *in, struct action_parse_result *r)
{
	struct action_parse_params pp = params();
	struct action_error err;

	if (!ASSERT_OK(actions_parse(in, &pp, r, &err), in) ||
	    !ASSERT_GE(r->acts.n, 1, in))
		memset(r, 0, sizeof(*r));
}

static void test_basic(void)
{
	struct action_parse_result r;

	check_ok("drop;", NULL);
	check_ok("", "drop;");
	check_ok("output;", NULL);
	check_ok("next;", NULL);
	check_ok("next(11);", "next;");
	check_ok("next(3);", NULL);
	check_ok("next(table=3);", "next(3);");
	check_ok("next(pipeline=egress, table=3);", NULL);
	check_ok("next(table=0, pipeline=ingress);", "next(0);");
	check_ok("/* c */ output ; // x", "output;");
	check_ok("ip.ttl--; next;", NULL);
	check_ok("ct_clear; igmp; ct_snat_to_vip; handle_dhcpv6_reply;", NULL);
	check_ok("handle_bfd_msg();", NULL);
	check_ok("push(xxreg0); pop(reg0[0..15]);", NULL);

	first_action("next(pipeline=egress, table=3);", &r);
	if (r.acts.n) {
		ASSERT_EQ(r.acts.acts[0].type, ACT_NEXT, "type");
		ASSERT_EQ(r.acts.acts[0].next.pipeline, ACT_P_EGRESS, "pl");
		ASSERT_EQ(r.acts.acts[0].next.table, 3, "table");
		action_parse_result_free(&r);
	}
}

static void test_assign(void)
{
	struct action_parse_result r;

	check_ok("reg0 = 1;", NULL);
	check_ok("reg0[3] = 1;", NULL);
	check_ok("reg0[0..31] = 0x5;", "reg0 = 0x5;");
	check_ok("xxreg0 = fe80::1;", NULL);
	check_ok("eth.src = 0a:00:00:00:00:01;", NULL);
	check_ok("ip4.dst = 10.0.0.0/8;", NULL);
	check_ok("reg1 = 0x10/0xf0;", NULL);
	check_ok("outport = \"lsp-1\"; inport = \"\";", NULL);
	check_ok("flags.loopback = 1; flags = 0;", NULL);
	check_ok("eth.dst = eth.src;", NULL);
	check_ok("reg0 = reg1; xreg0 = xreg1[0..63];", "reg0 = reg1; xreg0 = xreg1;");
	check_ok("eth.dst <-> eth.src; ip4.src <-> ip4.dst;", NULL);
	check_ok("outport = inport;", NULL);
	check_ok("reg9[16..31] = tcp.dst;", NULL);
	check_ok("icmp4 { icmp4.frag_mtu = 1442; output; };", NULL);

	first_action("reg0[3..5] = 5;", &r);
	if (r.acts.n) {
		const struct action *a = &r.acts.acts[0];

		ASSERT_EQ(a->type, ACT_LOAD, "type");
		ASSERT_STREQ(a->load.dst.sym->name, "reg0", "sym");
		ASSERT_EQ(a->load.dst.ofs, 3, "ofs");
		ASSERT_EQ(a->load.dst.n_bits, 3, "n_bits");
		ASSERT_EQ(a->load.imm.value.lo, 5, "value");
		ASSERT_EQ(a->exec, ACT_EXEC_NATIVE, "native");
		ASSERT_FALSE(a->unsupported, "supported");
		action_parse_result_free(&r);
	}
	first_action("outport = \"p1\";", &r);
	if (r.acts.n) {
		ASSERT_EQ(r.acts.acts[0].load.dst.n_bits, 0, "string field");
		ASSERT_STREQ(r.acts.acts[0].load.imm.string, "p1", "string");
		action_parse_result_free(&r);
	}
	first_action("icmp4.frag_mtu = 1500;", &r);
	if (r.acts.n) {
		ASSERT_EQ(r.acts.acts[0].type, ACT_OVNFIELD_LOAD, "ovn field");
		action_parse_result_free(&r);
	}
}

static void test_ct(void)
{
	check_ok("ct_next;", NULL);
	check_ok("ct_commit;", NULL);
	check_ok("ct_commit { };", "ct_commit;");
	check_ok("ct_commit { ct_mark.blocked = 0; ct_label.label = reg3; };",
		 NULL);
	check_ok("ct_commit { ct_label.ecmp_reply_eth = eth.src; "
		 "ct_mark.ecmp_reply_port = 5; };", NULL);
	check_ok("ct_commit(ct_mark=0x1/0x1, ct_label=0x2);",
		 "ct_commit(ct_mark=0x1/0x1, ct_label=0x2);");
	check_ok("ct_commit(ct_mark=5);", "ct_commit(ct_mark=0x5);");
	check_ok("ct_commit_nat;", NULL);
	check_ok("ct_dnat;", NULL);
	check_ok("ct_dnat(10.0.0.5);", NULL);
	check_ok("ct_snat(fd00::1);", NULL);
	check_ok("ct_snat(10.0.0.1,1000-2000);", NULL);
	check_ok("ct_dnat(10.0.0.1,80);", NULL);
	check_ok("ct_dnat_in_czone(172.18.0.3); ct_snat_in_czone;", NULL);
	check_ok("ct_lb;", NULL);
	check_ok("ct_lb_mark;", NULL);
	check_ok("ct_lb_mark();", "ct_lb_mark;");
	check_ok("ct_lb_mark(backends=10.16.0.5:8080,10.16.0.6:8080);", NULL);
	check_ok("ct_lb_mark(backends=10.0.0.1, 10.0.0.2);",
		 "ct_lb_mark(backends=10.0.0.1,10.0.0.2);");
	check_ok("ct_lb_mark(backends=[fd00::1]:80,[fd00::2]:80);", NULL);
	check_ok("ct_lb_mark(backends=fd00::1,fd00::2);", NULL);
	check_ok("ct_lb_mark(backends=10.0.0.1:80; "
		 "hash_fields=\"ip_dst,ip_src\");", NULL);
	check_ok("ct_lb_mark(backends=10.0.0.1:80; skip_snat);", NULL);
	check_ok("ct_lb_mark(backends=10.0.0.1:80; hash_fields=\"ip_src\"; "
		 "force_snat);", NULL);
	check_ok("ct_lb(backends=10.0.0.1:80);", NULL);
	check_ok("reg8[16..31] = select(1, 2);",
		 "reg8[16..31] = select(1=100, 2=100);");
	check_ok("reg8[16..31] = select(1=20, 2=30, 3=50);", NULL);
	check_ok("reg8[16..31] = select(values=(1=20, 2=30); "
		 "hash_fields=\"ip_src\");", NULL);
	check_ok("ct_commit_nat; next;", NULL);
	/* later OVN */
	check_ok("ct_next(dnat); ct_next(snat);", NULL);
	check_ok("ct_commit_nat(snat); ct_commit_to_zone(dnat);", NULL);
	check_ok("mac_cache_use;", NULL);
}

static void test_nested(void)
{
	struct action_parse_result r;

	check_ok("clone { ct_clear; inport = outport; outport = \"\"; "
		 "flags = 0; flags.loopback = 1; reg0 = 0; reg9[0] = 1; "
		 "next(pipeline=ingress, table=0); };",
		 "clone { ct_clear; inport = outport; outport = \"\"; "
		 "flags = 0; flags.loopback = 1; reg0 = 0; reg9[0] = 1; "
		 "next(0); };");
	check_ok("arp { eth.dst = ff:ff:ff:ff:ff:ff; arp.spa = reg1; "
		 "arp.tpa = reg0; arp.op = 1; output; };", NULL);
	check_ok("nd_ns { nd.target = xxreg0; output; };", NULL);
	check_ok("nd_na { eth.src = 0a:00:00:00:00:01; nd.tll = "
		 "0a:00:00:00:00:01; outport = inport; flags.loopback = 1; "
		 "output; };", NULL);
	check_ok("nd_na_router { output; };", NULL);
	check_ok("icmp4 { eth.dst <-> eth.src; icmp4.type = 11; "
		 "icmp4.code = 0; ip4.dst <-> ip4.src; ip.ttl = 254; "
		 "output; };", NULL);
	check_ok("icmp4_error { icmp4.type = 3; icmp4.code = 4; "
		 "icmp4.frag_mtu = 1442; output; };", NULL);
	check_ok("icmp6 { output; }; icmp6_error { icmp6.type = 2; "
		 "icmp6.frag_mtu = 1442; output; };", NULL);
	check_ok("tcp_reset { output; }; sctp_abort { output; };", NULL);
	check_ok("reject { };", "reject { drop; };");
	check_ok("reject { drop; };", NULL);
	check_ok("clone { clone { clone { output; }; }; };", NULL);

	first_action("clone { output; next; }; output;", &r);
	if (r.acts.n) {
		ASSERT_EQ(r.acts.n, 2, "outer");
		ASSERT_EQ(r.acts.acts[0].type, ACT_CLONE, "clone");
		ASSERT_EQ(r.acts.acts[0].nested.n, 2, "inner");
		ASSERT_EQ(r.acts.acts[0].nested.acts[1].type, ACT_NEXT, "next");
		action_parse_result_free(&r);
	}
}

static void test_tables(void)
{
	check_ok("get_arp(outport, reg0);", NULL);
	check_ok("get_nd(outport, xxreg0);", NULL);
	check_ok("put_arp(inport, arp.spa, arp.sha);", NULL);
	check_ok("put_nd(inport, nd.target, nd.tll);", NULL);
	check_ok("reg9[2] = lookup_arp(inport, arp.spa, arp.sha);", NULL);
	check_ok("reg9[2] = lookup_nd(inport, ip6.src, nd.sll);", NULL);
	check_ok("reg9[3] = lookup_arp_ip(inport, arp.spa);", NULL);
	check_ok("reg9[3] = lookup_nd_ip(inport, nd.target);", NULL);
	check_ok("outport = get_fdb(eth.dst);", NULL);
	check_ok("reg1 = get_fdb(eth.dst);", NULL);
	check_ok("reg0[11] = lookup_fdb(inport, eth.src);", NULL);
	check_ok("put_fdb(inport, eth.src);", NULL);
	check_ok("reg0[15] = check_in_port_sec();", NULL);
	check_ok("reg0[15] = check_out_port_sec();", NULL);
	check_ok("reg0[6] = chk_lb_hairpin(); reg0[12] = "
		 "chk_lb_hairpin_reply();", NULL);
	check_ok("reg9[6] = chk_lb_aff();", NULL);
	check_ok("reg9[5] = chk_ecmp_nh_mac(); reg9[5] = chk_ecmp_nh();",
		 NULL);
	check_ok("commit_ecmp_nh(ipv6 = false, proto = tcp);", NULL);
	check_ok("commit_ecmp_nh(ipv6 = \"true\", proto = udp);",
		 "commit_ecmp_nh(ipv6 = true, proto = udp);");
	check_ok("commit_lb_aff(vip = \"10.96.0.10:80\", backend = "
		 "\"10.16.0.5:8080\", proto = tcp, timeout = 60);", NULL);
	check_ok("commit_lb_aff(vip = \"10.96.0.10\", backend = "
		 "\"10.16.0.5\", timeout = 60);", NULL);
	check_ok("commit_lb_aff(vip = \"[fd00::a]:80\", backend = "
		 "\"[fd00::5]:8080\", proto = sctp, timeout = 10);", NULL);
	check_ok("reg9[1] = check_pkt_larger(1514);", NULL);
}

static void test_ctrl(void)
{
	struct action_parse_result r;

	check_ok("reg0[3] = put_dhcp_opts(offerip = 10.0.0.5, router = "
		 "10.0.0.1, netmask = 255.255.255.0, dns_server = "
		 "{8.8.8.8, 8.8.4.4}, lease_time = 3600, hostname = \"vm1\", "
		 "classless_static_route = {30.0.0.0/24, 10.0.0.4, 0.0.0.0/0, "
		 "10.0.0.1}, domain_search_list = \"a.com,b.com\", "
		 "tftp_server = \"1.2.3.4\");", NULL);
	check_ok("reg0[3] = put_dhcpv6_opts(ia_addr = fd00::5, server_id = "
		 "00:00:00:00:10:02, dns_server = {fd00::53});", NULL);
	check_ok("reg0[3] = put_dhcpv6_opts();", NULL);
	check_ok("reg0[5] = put_nd_ra_opts(addr_mode = \"slaac\", slla = "
		 "0a:00:00:00:00:01, prefix = fd00::/64, mtu = 1500);", NULL);
	check_ok("reg0[5] = put_nd_ra_opts(addr_mode = \"dhcpv6_stateful\", "
		 "slla = 0a:00:00:00:00:01, router_preference = \"HIGH\");",
		 NULL);
	check_ok("reg0[4] = dns_lookup();", NULL);
	check_ok("log(name=\"acl1\", verdict=drop, severity=alert, "
		 "meter=\"m1\");", NULL);
	check_ok("log(verdict=allow);",
		 "log(verdict=allow, severity=info);");
	check_ok("set_queue(10);", NULL);
	check_ok("set_meter(100); set_meter(100, 200);", NULL);
	check_ok("trigger_event(event = \"empty_lb_backends\", vip = "
		 "\"10.0.0.10:80\", protocol = \"tcp\", load_balancer = "
		 "\"12345678-1234-1234-1234-123456789abc\");", NULL);
	check_ok("bind_vport(\"vip1\", inport);", NULL);
	check_ok("handle_svc_check(inport);", NULL);
	check_ok("fwd_group(childports=\"p1\", \"p2\");", NULL);
	check_ok("fwd_group(liveness=true, childports=\"p1\", \"p2\");",
		 "fwd_group(liveness=\"true\", childports=\"p1\", \"p2\");");
	check_ok("fwd_group;", "fwd_group();");
	check_ok("fwd_group(liveness=\"true\");", NULL);
	check_ok("sample(probability=100,collector_set=1,obs_domain=2,"
		 "obs_point=3);", NULL);
	check_ok("sample(probability=65535,collector_set=1,obs_domain=2,"
		 "obs_point=$cookie);", NULL);

	/* execution classes */
	first_action("put_arp(inport, arp.spa, arp.sha);", &r);
	if (r.acts.n) {
		ASSERT_EQ(r.acts.acts[0].exec, ACT_EXEC_PUNT, "put_arp punts");
		action_parse_result_free(&r);
	}
	first_action("sample(probability=1,collector_set=1,obs_domain=2,"
		     "obs_point=3);", &r);
	if (r.acts.n) {
		ASSERT_TRUE(r.acts.acts[0].unsupported, "sample unsupported");
		action_parse_result_free(&r);
	}
	first_action("reg0[3] = put_dhcp_opts(offerip = 10.0.0.5, "
		     "router = 10.0.0.1);", &r);
	if (r.acts.n) {
		const struct action_put_opts *po = &r.acts.acts[0].put_opts;

		ASSERT_EQ(r.acts.acts[0].exec, ACT_EXEC_PUNT, "dhcp punts");
		if (ASSERT_EQ(po->n_opts, 2, "n_opts")) {
			ASSERT_EQ(po->opts[1].code, 3, "router code");
			ASSERT_STREQ(po->opts[1].type, "ipv4", "router type");
		}
		action_parse_result_free(&r);
	}
	ASSERT_EQ(action_info(ACT_CT_LB_MARK)->exec, ACT_EXEC_NATIVE, "lb");
	ASSERT_EQ(action_info(ACT_LOG)->exec, ACT_EXEC_PUNT, "log");
	ASSERT_EQ(action_info(ACT_DNS_LOOKUP)->exec, ACT_EXEC_PUNT, "dns");
}

static void test_prereqs(void)
{
	check_prereqs("output;", "");
	check_prereqs("ct_next;", "ip");
	check_prereqs("ct_next; ct_commit; ct_lb_mark;", "ip");
	check_prereqs("tcp.dst = 80;", "tcp");
	check_prereqs("ct_next; tcp.dst = 80;", "(ip) && (tcp)");
	check_prereqs("arp { arp.op = 1; output; };", "ip4");
	check_prereqs("nd_na { nd.tll = 0a:00:00:00:00:01; output; };",
		      "nd_ns");
	check_prereqs("clone { tcp.dst = 80; };", "tcp");
	check_prereqs("reg0[4] = dns_lookup();", "udp");
	check_prereqs("ip.ttl--;", "ip");
}

static void test_errors(void)
{
	check_err("output", "Syntax error at end of input", 6);
	check_err("foo;", "expecting action", 0);
	check_err("output; bar;", "expecting action", 8);
	check_err("drop; output;", "expecting", 6);
	check_err("reg0 = 1", "Syntax error at end of input", 8);
	check_err("reg0 = \"x\";", "String constant is not compatible", 0);
	check_err("outport = 5;", "Integer constant is not compatible", 0);
	check_err("reg0[3] = 2;", "2-bit constant is not compatible", 0);
	check_err("reg0[5..2] = 1;", "Invalid bit range", 0);
	check_err("reg0[40] = 1;", "Cannot select bits 40 to 40", 0);
	check_err("nosuch = 1;", "expecting field name", 0);
	check_err("ip4 = 1;", "Predicate symbol ip4 used where lvalue", 0);
	check_err("reg0 = reg1[0..3];", "Can't assign 4-bit value to 32-bit", 0);
	check_err("outport = reg0;", "Can't assign integer field (reg0) to "
		  "string field (outport)", 0);
	check_err("ct_mark.blocked = 1;", "Field ct_mark.blocked is not "
		  "modifiable", 0);
	check_err("ct_commit { reg0 = 1; };", "Field reg0 is not modifiable",
		  12);
	check_err("next(29);", "cannot advance beyond table 28", 0);
	check_err("next(pipeline=sideways);", "expecting \"ingress\"", 14);
	check_err("clone { output; ", "expecting `}'", 16);
	check_err("clone output;", "expecting `{'", 6);
	check_err("reg0[3] = select(1, 2);", "requires at least 16 bits", 0);
	check_err("reg8[16..31] = select(1);", "at least 2 group members", 24);
	check_err("reg8[16..31] = select(1=0, 2);", "weight can't be 0", 25);
	check_err("reg0 = lookup_arp(inport, arp.spa, arp.sha);",
		  "Cannot use 32-bit field reg0[0..31] where 1-bit", 0);
	check_err("get_arp(outport, xxreg0);", "where 32-bit field", 17);
	check_err("get_arp(reg0, reg1);", "Cannot use numeric field reg0 "
		  "where string field", 8);
	check_err("ct_lb_mark(backends=10.0.0.1:99999);", "expecting port",
		  29);
	check_err("ct_lb_mark(backends=[fd00::1:80);", "no closing square "
		  "bracket", 31);
	check_err("ct_lb_mark(foo=1);", "expecting backends", 11);
	check_err("ct_snat(10.0.0.1,0);", "can't start at 0", 18);
	check_err("ct_snat(10.0.0.1,20-10);", "Range high", 20);
	check_err("ct_dnat(foo);", "expecting IPv4 or IPv6", 8);
	check_err("reg0[3] = put_dhcp_opts(router = 10.0.0.1);",
		  "requires offerip", 0);
	check_err("reg0[3] = put_dhcp_opts(offerip = 10.0.0.1, bogus = 1);",
		  "expecting DHCPv4 option name", 44);
	check_err("reg0[3] = put_dhcp_opts(offerip = \"x\");",
		  "requires numeric value", 24);
	check_err("reg0[3] = put_dhcp_opts(offerip = 1.2.3.4, hostname = 5);",
		  "requires string value", 43);
	check_err("reg0[5] = put_nd_ra_opts(addr_mode = \"slaac\", "
		  "prefix = fd00::/64);", "slla option not present", 0);
	check_err("reg0[5] = put_nd_ra_opts(addr_mode = \"bogus\", "
		  "slla = 0a:00:00:00:00:01);", "Invalid value", 0);
	check_err("reg0[4] = dns_lookup(1);", "doesn't take any parameters", 21);
	check_err("log(name=\"x\");", "expecting verdict", 0);
	check_err("log(verdict=maybe);", "unknown verdict", 12);
	check_err("set_queue(70000);", "expecting queue id", 10);
	check_err("set_queue(61441);", "not in valid range", 0);
	check_err("set_meter(0);", "not valid", 0);
	check_err("trigger_event(event = \"nope\");", "Unknown event", 0);
	check_err("trigger_event(event = \"empty_lb_backends\", vip = "
		  "\"bad\");", "Invalid value", 0);
	check_err("commit_lb_aff(vip = \"10.0.0.1:80\", backend = "
		  "\"[fd00::1]:80\", proto = tcp, timeout = 1);",
		  "different address families", 0);
	check_err("commit_ecmp_nh(ipv6 = maybe, proto = tcp);",
		  "expecting true or false", 22);
	check_err("sample(probability=0);", "greater than zero", 0);
	check_err("ct_next(foo);", "accepts only \"dnat\" or \"snat\"", 8);
	check_err("ct_commit_to_zone;", "expecting `('", 17);
	check_err("reg0 = ^tmpl;", "Unexpanded template", 7);
	check_err("^tmpl;", "Unexpanded template", 0);
	check_err("reg0 = 1 $;", "", 9);
	check_err("ip.ttl++;", "expecting action", 0);
}

static void test_depth(void)
{
	char buf[2048];
	size_t n = 0;

	for (int i = 0; i < 40; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "clone { ");
	n += snprintf(buf + n, sizeof(buf) - n, "output; ");
	for (int i = 0; i < 40; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "}; ");
	check_err(buf, "maximum depth", 256);
}

static void test_params(void)
{
	struct action_parse_params pp = params();
	struct action_parse_result r;
	struct action_error err;

	/* the same text prints relative to where the flow is */
	pp.cur_table = 2;
	check_ok_pp(&pp, "next(3);", "next;");
	pp.pipeline = ACT_P_EGRESS;
	check_ok_pp(&pp, "next(pipeline=ingress, table=0);", NULL);
	pp.n_tables = 0;
	ASSERT_ERR(actions_parse("next;", &pp, &r, &err), "next disallowed");
	pp = params();
	pp.dhcp_opts = NULL;
	ASSERT_ERR(actions_parse("reg0[3] = put_dhcp_opts(offerip = 1.2.3.4);",
				 &pp, &r, &err), "no dhcp table");
	pp = params();
	pp.cur_table = 29;
	ASSERT_ERR(actions_parse("ct_next;", &pp, &r, &err), "last table");
}

void test_actions(void)
{
	st = symtab_create_ovn();
	if (!ASSERT_OK_PTR(st, "symtab"))
		return;
	if (test__start_subtest("basic"))
		test_basic();
	if (test__start_subtest("assign"))
		test_assign();
	if (test__start_subtest("ct"))
		test_ct();
	if (test__start_subtest("nested"))
		test_nested();
	if (test__start_subtest("tables"))
		test_tables();
	if (test__start_subtest("ctrl"))
		test_ctrl();
	if (test__start_subtest("prereqs"))
		test_prereqs();
	if (test__start_subtest("errors"))
		test_errors();
	if (test__start_subtest("depth"))
		test_depth();
	if (test__start_subtest("params"))
		test_params();
	symtab_destroy(st);
	st = NULL;
}
