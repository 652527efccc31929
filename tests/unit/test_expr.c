// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The match parser, annotation and normal form. */
#include "tests/test_progs.h"
#include "loader/expr.h"

static struct symtab *st;

/* Parse and print back; NULL (and the error in *errp) on failure. */
static char *parse_fmt(const char *in, char **errp)
{
	struct expr *e = expr_parse(in, st, NULL, errp);
	char *s;

	if (!e)
		return NULL;
	s = expr_to_string(e);
	expr_free(e);
	return s;
}

static void check_ast(const char *in, const char *want)
{
	char *err = NULL, *got = parse_fmt(in, &err);

	if (ASSERT_OK_PTR(got, in))
		ASSERT_STREQ(got, want, in);
	else
		printf("  error: %s\n", err);
	free(got);
	free(err);
}

static void check_err(const char *in, const char *want)
{
	char *err = NULL, *got = parse_fmt(in, &err);

	if (ASSERT_NULL(got, in))
		ASSERT_STREQ(err, want, in);
	free(got);
	free(err);
}

static struct expr_dnf *normalize(const char *in, size_t limit, char **errp)
{
	struct expr *e = expr_parse(in, st, NULL, errp);
	struct expr_dnf *d;

	if (!e)
		return NULL;
	d = expr_normalize(e, st, limit, errp);
	expr_free(e);
	return d;
}

static void check_dnf(const char *in, const char *want)
{
	char *err = NULL, *got = NULL;
	struct expr_dnf *d = normalize(in, 0, &err);

	if (ASSERT_OK_PTR(d, in))
		got = expr_dnf_to_string(d);
	else
		printf("  error: %s\n", err);
	if (got)
		ASSERT_STREQ(got, want, in);
	free(got);
	free(err);
	expr_dnf_free(d);
}

static void check_norm_err(const char *in, size_t limit, const char *want)
{
	char *err = NULL;
	struct expr_dnf *d = normalize(in, limit, &err);

	if (ASSERT_NULL(d, in))
		ASSERT_STREQ(err, want, in);
	expr_dnf_free(d);
	free(err);
}

/* Whether a packet whose 'field' is 'v' (other fields anything) passes
 * the clauses of 'c' on that field. */
static bool clauses_match(const struct expr_conj *c, enum mf_field_id field,
			  struct u128 v)
{
	for (size_t i = 0; i < c->n_clauses; i++) {
		const struct expr_clause *cl = &c->clauses[i];
		bool in = false;

		if (cl->field != field)
			continue;
		if (cl->type == EXPR_CL_VALUE)
			in = u128_eq(u128_and(v, cl->mask), cl->value);
		for (size_t k = 0; cl->type == EXPR_CL_VALUE_SET &&
				   k < cl->n_values; k++)
			in |= u128_eq(u128_and(v, cl->values[k].mask),
				      cl->values[k].value);
		if (in == cl->negated)
			return false;
	}
	return true;
}

static bool dnf_match(const struct expr_dnf *d, enum mf_field_id field,
		      struct u128 v)
{
	for (size_t i = 0; i < d->n_conjs; i++)
		if (clauses_match(&d->conjs[i], field, v))
			return true;
	return false;
}

/* The normal form of 'in' over 16-bit tcp.src matches exactly [lo, hi];
 * returns the number of terms used. */
static size_t check_range16(const char *in, unsigned int lo, unsigned int hi)
{
	char *err = NULL;
	struct expr_dnf *d = normalize(in, 0, &err);
	size_t bad = 0, terms = 0;

	if (!ASSERT_OK_PTR(d, in)) {
		free(err);
		return 0;
	}
	for (unsigned int v = 0; v < 65536; v++)
		bad += dnf_match(d, MFF_TCP_SRC, u128_from_u64(v)) !=
		       (v >= lo && v <= hi);
	ASSERT_EQ(bad, 0, in);
	for (size_t i = 0; i < d->n_conjs; i++)
		for (size_t k = 0; k < d->conjs[i].n_clauses; k++) {
			const struct expr_clause *c = &d->conjs[i].clauses[k];

			if (c->field == MFF_TCP_SRC)
				terms += c->type == EXPR_CL_VALUE ? 1 : c->n_values;
		}
	expr_dnf_free(d);
	return terms;
}

static const char *tmpl_value(void *aux, const char *name)
{
	return !strcmp(name, "vip") ? "10.0.0.1" :
	       !strcmp(name, "port") ? "80" : NULL;
}

static bool as_exists(void *aux, const char *name)
{
	return !strcmp(name, "as1");
}

static void test_grammar(void)
{
	check_ast("ip4.src == 10.0.0.1", "ip4.src == 10.0.0.1");
	check_ast("ip4.src==10.0.0.0/8&&tcp", "ip4.src == 10.0.0.0/8 && tcp");
	check_ast("(tcp)", "tcp");
	check_ast("tcp.dst == {80, 443,8080}", "tcp.dst == {80, 443, 8080}");
	check_ast("tcp.dst == {80 443}", "tcp.dst == {80, 443}");
	check_ast("tcp.dst == {80}", "tcp.dst == {80}");
	check_ast("eth.src == 0a:00:00:00:00:01", "eth.src == 0a:00:00:00:00:01");
	check_ast("ip6.dst == fe80::/64", "ip6.dst == fe80::/64");
	check_ast("inport == \"lsp1\" && outport == @pg_1",
		  "inport == \"lsp1\" && outport == @pg_1");
	check_ast("ip4.src == {$as1, 10.0.0.1}", "ip4.src == {$as1, 10.0.0.1}");
	check_ast("reg0[3]", "reg0[3]");
	check_ast("reg0[3] == 1", "reg0[3] == 1");
	check_ast("reg0[0..15] == 0x10", "reg0[0..15] == 0x10");
	check_ast("reg0[0..31] == 1", "reg0 == 1");
	check_ast("1", "1");
	check_ast("0 || tcp", "0 || tcp");
	check_ast("is_chassis_resident(\"cr-lrp\")",
		  "is_chassis_resident(\"cr-lrp\")");
	check_ast("!is_chassis_resident(\"x\")", "!is_chassis_resident(\"x\")");
	/* comments and blanks */
	check_ast("  tcp /* x */ && // y\n udp", "tcp && udp");
	/* range sugar and reversed comparisons */
	check_ast("1024 <= tcp.src <= 49151", "tcp.src >= 1024 && tcp.src <= 49151");
	check_ast("5 > tcp.dst", "tcp.dst < 5");
	check_ast("80 == tcp.dst", "tcp.dst == 80");
	/* templates need a lookup */
	{
		struct expr_lookups lk = { .template_value = tmpl_value };
		char *err = NULL, *s;
		struct expr *e;

		e = expr_parse("ip4.dst == ^vip && tcp.dst == ^port", st, &lk, &err);
		if (ASSERT_OK_PTR(e, "template")) {
			s = expr_to_string(e);
			ASSERT_STREQ(s, "ip4.dst == 10.0.0.1 && tcp.dst == 80",
				     "template text");
			free(s);
		}
		expr_free(e);
		e = expr_parse("ip4.dst == ^nope", st, &lk, &err);
		ASSERT_NULL(e, "unresolved template");
		ASSERT_STREQ(err, "column 12: Unresolved template ^nope.",
			     "unresolved template error");
		free(err);
		e = expr_parse("ip4.dst == ^vip", st, NULL, &err);
		ASSERT_NULL(e, "no lookup");
		free(err);
	}
	/* address set existence is the caller's to check, if it wants */
	{
		struct expr_lookups lk = { .addr_set_exists = as_exists };
		char *err = NULL;
		struct expr *e = expr_parse("ip4.src == $as1", st, &lk, &err);

		ASSERT_OK_PTR(e, "known set");
		expr_free(e);
		e = expr_parse("ip4.src == $as2", st, &lk, &err);
		ASSERT_NULL(e, "unknown set");
		ASSERT_STREQ(err, "column 12: Unknown address set $as2.",
			     "unknown set error");
		free(err);
	}
}

static void test_precedence(void)
{
	check_ast("tcp && (udp || sctp)", "tcp && (udp || sctp)");
	check_ast("(tcp && udp) || sctp", "(tcp && udp) || sctp");
	check_ast("((tcp && udp) && sctp)", "tcp && udp && sctp");
	check_ast("tcp || (udp || sctp)", "tcp || udp || sctp");
	/* ! binds to one atom and is pushed down (De Morgan) */
	check_ast("!(ct.est || ct.rel)", "!ct.est && !ct.rel");
	check_ast("!(tcp.dst == 80)", "tcp.dst != 80");
	check_ast("!(tcp.dst < 80)", "tcp.dst >= 80");
	check_ast("!(ip4.src == $as1)", "ip4.src != $as1");
	check_ast("!(!ct.new)", "ct.new");
	check_err("!!ct.new", "column 2: Syntax error at `!': expecting constant");
	check_ast("ct.new && !(ct.est && ct.rpl)",
		  "ct.new && (!ct.est || !ct.rpl)");
	check_err("tcp && udp || sctp",
		  "column 12: && and || must be parenthesized when used together.");
	check_err("tcp || udp && sctp",
		  "column 12: && and || must be parenthesized when used together.");
	check_err("!tcp.dst == 80",
		  "column 1: Missing parentheses around operand of !.");
}

static void test_errors(void)
{
	check_err("", "column 1: Syntax error at end of input: expecting constant");
	check_err("ip4.src ==", "column 11: Syntax error at end of input: expecting constant");
	check_err("foo == 1", "column 1: Syntax error at `foo': expecting field name");
	check_err("tcp.dst == 80 80", "column 15: Syntax error at `80': expecting end of input");
	check_err("(tcp", "column 5: Syntax error at end of input: expecting `)'");
	check_err("tcp.dst = 80", "column 9: Syntax error at `=': expecting relational operator");
	check_err("tcp.dst == 65536",
		  "column 12: 17-bit constant is not compatible with 16-bit field tcp.dst.");
	check_err("inport == 5",
		  "column 11: String field inport is not compatible with integer constant.");
	check_err("ip4.src == \"x\"",
		  "column 12: Integer field ip4.src is not compatible with string constant.");
	check_err("ip4.src == @pg",
		  "column 12: Integer field ip4.src is not compatible with string constant.");
	check_err("inport != \"a\"",
		  "column 1: Nominal field inport may only be tested for equality (taking enclosing `!' operators into account).");
	check_err("eth.type < 5",
		  "column 1: Only == and != operators may be used with nominal field eth.type.");
	check_err("!ip4",
		  "column 2: Nominal predicate ip4 may only be tested positively, e.g. `ip4' or `ip4 == 1' but not `!ip4' or `ip4 == 0'.");
	check_err("tcp.dst < {5, 6}",
		  "column 1: Only == and != operators may be used with value sets.");
	check_err("ip4.src < 10.0.0.0/8",
		  "column 1: Only == and != operators may be used with masked constants.  Consider using subfields instead (e.g. eth.src[0..15] > 0x1111 in place of eth.src > 00:00:00:00:11:11/00:00:00:00:ff:ff).");
	check_err("ip4.src < $as", "column 1: Only == and != operators may be used with address sets.");
	check_err("reg0", "column 1: Explicit `!= 0' is required for inequality test of multibit field against 0.");
	check_err("reg0[5..2] == 1", "column 1: Invalid bit range 5 to 2.");
	check_err("reg0[32] == 1", "column 1: Cannot select bits 32 to 32 of 32-bit field reg0.");
	check_err("eth.type[0] == 1", "column 1: Cannot select subfield of nominal field eth.type.");
	check_err("inport[0] == 1", "column 1: Cannot select subfield of string field inport.");
	check_err("1 < tcp.dst > 5",
		  "column 1: Range expressions must have the form `x < field < y' or `x > field > y', with each `<' optionally replaced by `<=' or `>' by `>='.");
	check_err("foo(1)", "column 1: Unknown function `foo'.");
	check_err("is_chassis_resident(5)", "column 21: Syntax error at `5': expecting string");
	check_err("icmp4.frag_mtu == 5", "column 1: Field icmp4.frag_mtu may only be used in actions.");
	check_err("tcp.dst == 0x", "column 12: Hex digits expected following 0x.");
	check_err("ip4.src == 1.2.3.4 & tcp", "column 20: `&' is only valid as part of `&&'.");
	{
		struct strbuf sb = STRBUF_INIT;
		char *err = NULL, *got;

		for (int i = 0; i < 101; i++)
			strbuf_putc(&sb, '(');
		strbuf_puts(&sb, "tcp");
		for (int i = 0; i < 101; i++)
			strbuf_putc(&sb, ')');
		got = parse_fmt(strbuf_str(&sb), &err);
		ASSERT_NULL(got, "deep parens");
		ASSERT_STREQ(err, "column 101: Parentheses nested too deeply.",
			     "deep parens error");
		free(err);
		strbuf_free(&sb);
	}
}

static void test_prereqs(void)
{
	check_dnf("tcp.dst == 80",
		  "eth.type == {0x800, 0x86dd} && ip.proto == 6 && tcp.dst == 80");
	check_dnf("ip4.src == 10.0.0.0/8",
		  "eth.type == 0x800 && ip4.src == 10.0.0.0/8");
	check_dnf("ip4 && tcp.dst == 80",
		  "eth.type == 0x800 && ip.proto == 6 && tcp.dst == 80");
	/* ct.* states but trk require trk */
	check_dnf("ct.est", "ct_state[1..5] == 0x11/0x11");
	check_dnf("ct.trk", "ct_state[5] == 0x1");
	check_dnf("!ct.est", "ct_state[1..5] == 0x10/0x11");
	check_dnf("nd.sll == 00:00:00:00:00:00",
		  "eth.type == 0x86dd && ip.proto == 58 && ip.ttl == 255 && icmp6.type == 135 && icmp6.code == 0 && nd.sll == 00:00:00:00:00:00");
	check_dnf("vlan.vid == 10", "vlan.tci[0..12] == 4106");
	/* a subtree over one symbol gets its prerequisites once */
	check_dnf("tcp.dst == 80 || tcp.dst == 443",
		  "eth.type == {0x800, 0x86dd} && ip.proto == 6 && tcp.dst == {80, 443}");
	/* prerequisites stay positive under ! */
	check_dnf("!(ip4.src == 10.0.0.1) && ip4.src[24..31] == 10",
		  "eth.type == 0x800 && ip4.src[24..31] == 10 && ip4.src == {0x0/0x1, 0x2/0x2, 0x4/0x4, 0x8/0x8, 0x10/0x10, 0x20/0x20, 0x40/0x40, 0x80/0x80, 0x100/0x100, 0x200/0x200, 0x400/0x400, 0x800/0x800, 0x1000/0x1000, 0x2000/0x2000, 0x4000/0x4000, 0x8000/0x8000, 0x10000/0x10000, 0x20000/0x20000, 0x40000/0x40000, 0x80000/0x80000, 0x100000/0x100000, 0x200000/0x200000, 0x400000/0x400000, 0x800000/0x800000}");
	/* contradictory prerequisites match nothing */
	check_dnf("ip4.src == 1.2.3.4 && ip6.src == ::1", "0");
	check_dnf("tcp && udp", "0");
	/* predicates expand */
	check_dnf("eth.bcast", "eth.dst == ff:ff:ff:ff:ff:ff");
	check_dnf("icmp",
		  "(eth.type == 0x800 && ip.proto == 1) || (eth.type == 0x86dd && ip.proto == 58)");
	check_dnf("ip.first_frag", "eth.type == {0x800, 0x86dd} && ip.frag == 0x1");
	check_dnf("nd", "eth.type == 0x86dd && ip.proto == 58 && ip.ttl == 255 && icmp6.type == {135, 136} && icmp6.code == 0");
}

static void test_subfields(void)
{
	/* reg0 is the top quarter of xxreg0 */
	check_dnf("reg0 == 0x11223344", "xxreg0[96..127] == 0x11223344");
	check_dnf("reg0[1] && reg3[0]", "xxreg0[0..97] == 0x2000000000000000000000001/0x2000000000000000000000001");
	check_dnf("xreg0[0..47] == 0a:00:00:00:00:01",
		  "xxreg0[64..111] == 0a:00:00:00:00:01");
	check_dnf("reg8[0..15] == 5 && reg9 == 1",
		  "xreg4[0..47] == 21474836481");
	/* overlap: reg0 and xxreg0 are the same bits */
	check_dnf("reg0 == 1 && xxreg0[96..127] == 1", "xxreg0[96..127] == 1");
	check_dnf("reg0[1] == 1 && xxreg0 == 5", "0");
	check_dnf("xreg1 == 1 && reg3 == 1", "xxreg0[0..63] == 1");
	check_dnf("xreg1 == 1 && reg3 == 2", "0");
	check_dnf("flags.loopback", "flags[0] == 0x1");
	check_dnf("ct_label.blocked == 1", "ct_label[0] == 1");
	check_dnf("ct_mark.natted == 1 && ct_mark.blocked == 0",
		  "ct_mark[0..1] == 2");
	check_dnf("reg0 == $as", "xxreg0[96..127] == $as");
}

static void test_normalize(void)
{
	check_dnf("outport == @pg1 && ip4.src == $as1",
		  "outport == @pg1 && eth.type == 0x800 && ip4.src == $as1");
	check_dnf("ip4.src != $as1", "eth.type == 0x800 && ip4.src != $as1");
	check_dnf("!(ip4.src == $as1)", "eth.type == 0x800 && ip4.src != $as1");
	check_dnf("tcp.dst != {80, 443}",
		  "eth.type == {0x800, 0x86dd} && ip.proto == 6 && tcp.dst != {80, 443}");
	check_dnf("ip4.src == {$a, $b}",
		  "(eth.type == 0x800 && ip4.src == $a) || (eth.type == 0x800 && ip4.src == $b)");
	check_dnf("ip4.src == {$a, 10.0.0.1}",
		  "(eth.type == 0x800 && ip4.src == 10.0.0.1) || (eth.type == 0x800 && ip4.src == $a)");
	check_dnf("inport == {\"a\", \"b\"} && inport == \"b\"", "inport == \"b\"");
	check_dnf("inport == \"a\" && inport == \"b\"", "0");
	check_dnf("inport == \"a\" || inport == \"b\"", "inport == {\"a\", \"b\"}");
	check_dnf("inport == \"a\" && is_chassis_resident(\"cr-a\")",
		  "is_chassis_resident(\"cr-a\") && inport == \"a\"");
	check_dnf("tcp.dst != 80", "eth.type == {0x800, 0x86dd} && ip.proto == 6 && tcp.dst == {0x1/0x1, 0x2/0x2, 0x4/0x4, 0x8/0x8, 0x0/0x10, 0x20/0x20, 0x0/0x40, 0x80/0x80, 0x100/0x100, 0x200/0x200, 0x400/0x400, 0x800/0x800, 0x1000/0x1000, 0x2000/0x2000, 0x4000/0x4000, 0x8000/0x8000}");
	check_dnf("1", "1");
	check_dnf("0", "0");
	check_dnf("tcp.dst == {}", "0");
	/* as in OVN, an empty set is a constant: no prerequisites */
	check_dnf("tcp.dst != {}", "1");
	check_dnf("tcp || 1", "1");
	check_dnf("ip4.src == 0.0.0.0/0", "eth.type == 0x800");
	check_dnf("ip4.src != 0.0.0.0/0", "0");
	check_dnf("(tcp.src == 1 || udp.src == 1) && (tcp.dst == 2 || udp.dst == 2)",
		  "(eth.type == {0x800, 0x86dd} && ip.proto == 6 && tcp.src == 1 && tcp.dst == 2) || (eth.type == {0x800, 0x86dd} && ip.proto == 17 && udp.src == 1 && udp.dst == 2)");

	/* the normal form does not grow with the sets: membership clauses */
	{
		char *err = NULL;
		struct expr_dnf *d = normalize(
			"outport == @pg1 && ip4.src == $as1 && tcp.dst == {80, 443, 8080} && ip4.dst != $as2",
			0, &err);

		if (ASSERT_OK_PTR(d, "sets")) {
			ASSERT_EQ(d->n_conjs, 1, "one conjunction");
			/* outport, eth.type, ip.proto, ip4.src, ip4.dst, tcp.dst */
			ASSERT_EQ(d->conjs[0].n_clauses, 6, "six clauses");
		}
		expr_dnf_free(d);
	}
	/* bounded expansion */
	check_norm_err("(reg0[0] == 1 || flags[0] == 1) && (reg4[0] == 1 || pkt.mark == 1) && (xreg4[0] == 1 || ct_mark == 1)",
		       4, "column 2: Expression too complex: its normal form needs more than 4 conjunctions.");
	check_norm_err("ct.est || ((reg0[0] == 1 || flags[0] == 1) && (reg4[0] == 1 || pkt.mark == 1))",
		       3, "column 13: Expression too complex: its normal form needs more than 3 conjunctions.");
	/* the bound is on the products tried; contradictions are pruned
	 * as they are built */
	{
		char *err = NULL;
		struct expr_dnf *d = normalize("(tcp.src == 1 || udp.src == 1) && (tcp.dst == 1 || udp.dst == 1) && (tcp.flags == 1 || udp.dst == 2)", 4, &err);

		if (ASSERT_OK_PTR(d, "pruned product"))
			ASSERT_EQ(d->n_conjs, 1, "pruned conjunctions");
		expr_dnf_free(d);
		free(err);
	}
	{
		struct strbuf sb = STRBUF_INIT;
		char *err = NULL;
		struct expr_dnf *d;

		/* 2^13 branches, beyond the default bound */
		for (int i = 0; i < 13; i++)
			strbuf_printf(&sb, "%s(reg0[%d] == 1 || flags[%d] == 1)",
				      i ? " && " : "", i, i);
		d = normalize(strbuf_str(&sb), 0, &err);
		ASSERT_NULL(d, "default bound");
		ASSERT_OK_PTR(err ? strstr(err, "more than 4096") : NULL,
			      "default bound message");
		free(err);
		expr_dnf_free(d);
		strbuf_free(&sb);
	}
}

static void test_ranges(void)
{
	ASSERT_EQ(check_range16("1024 <= tcp.src <= 49151", 1024, 49151), 6,
		  "ephemeral terms");
	ASSERT_EQ(check_range16("tcp.src < 1024", 0, 1023), 1, "< 1024");
	ASSERT_EQ(check_range16("tcp.src >= 1024", 1024, 65535), 6, ">= 1024");
	ASSERT_EQ(check_range16("tcp.src > 0", 1, 65535), 16, "> 0");
	ASSERT_EQ(check_range16("1 <= tcp.src <= 65534", 1, 65534), 30,
		  "1..65534");
	ASSERT_EQ(check_range16("tcp.src >= 5 && tcp.src <= 5", 5, 5), 1,
		  "point");
	ASSERT_EQ(check_range16("tcp.src <= 65535", 0, 65535), 0, "all");
	ASSERT_EQ(check_range16("1000 < tcp.src < 2000", 1001, 1999), 9,
		  "1001..1999");
	ASSERT_EQ(check_range16("tcp.src > 100 && tcp.src < 200 && tcp.src >= 150",
				150, 199), 4, "three bounds");
	check_dnf("tcp.src < 0", "0");
	check_dnf("tcp.src > 65535", "0");
	check_dnf("tcp.src > 10 && tcp.src < 5", "0");
	/* on a subfield: bits 8..15 of reg0 in 16..31 */
	check_dnf("reg0[8..15] >= 0x80", "xxreg0[104..111] == 0x80/0x80");
	/* != against one value is OVN's bit expansion, one clause */
	{
		char *err = NULL;
		struct expr_dnf *d = normalize("tcp.src != 7", 0, &err);
		size_t bad = 0;

		if (ASSERT_OK_PTR(d, "!=")) {
			for (unsigned int v = 0; v < 65536; v++)
				bad += dnf_match(d, MFF_TCP_SRC, u128_from_u64(v)) != (v != 7);
			ASSERT_EQ(bad, 0, "!= semantics");
			ASSERT_EQ(d->n_conjs, 1, "!= one conjunction");
		}
		expr_dnf_free(d);
	}
}

static void test_formats(void)
{
	char *err = NULL;
	struct expr *e = expr_parse("ip4.src == 10.0.0.0/8 && tcp.dst == {80, 443} && ct.est && outport == @pg",
				    st, NULL, &err);
	struct expr *c;

	if (!ASSERT_OK_PTR(e, "parse"))
		return;
	c = expr_clone(e);
	ASSERT_TRUE(expr_equal(e, c), "clone equal");
	ASSERT_EQ(expr_n_leaves(e), 4, "leaves");
	expr_free(c);
	expr_free(e);

	e = expr_parse("ip4.src == 10.0.0.1", st, NULL, &err);
	c = expr_parse("ip4.src == 10.0.0.2", st, NULL, &err);
	ASSERT_FALSE(expr_equal(e, c), "different");
	expr_free(c);
	expr_free(e);

	{
		struct expr_dnf *d = normalize("ip4.src == 10.0.0.0/8 && ip4.dst == 1.2.3.4 && tcp.dst == 0x50/0xf0", 0, &err);

		if (ASSERT_OK_PTR(d, "kinds")) {
			unsigned int plen = 0;
			size_t prefixes = 0, exact = 0, masked = 0;

			for (size_t i = 0; i < d->conjs[0].n_clauses; i++) {
				const struct expr_clause *cl = &d->conjs[0].clauses[i];

				if (cl->type != EXPR_CL_VALUE)
					continue;
				if (expr_clause_is_exact(cl))
					exact++;
				else if (expr_clause_is_prefix(cl, &plen))
					prefixes++;
				else
					masked++;
			}
			/* ip4.src /8 prefix; ip4.dst, ip.proto exact;
			 * tcp.dst 0x50/0xf0 is a mask; eth.type exact */
			ASSERT_EQ(prefixes, 1, "prefix");
			ASSERT_EQ(exact, 3, "exact");
			ASSERT_EQ(masked, 1, "masked");
		}
		expr_dnf_free(d);
	}
}

void test_match_expr(void)
{
	char *err = NULL;

	st = symtab_create_ovn();
	if (!ASSERT_OK_PTR(st, "symtab"))
		return;
	if (!ASSERT_OK(expr_symtab_prepare(st, &err), "prepare")) {
		printf("  %s\n", err);
		free(err);
		symtab_destroy(st);
		return;
	}
	if (test__start_subtest("grammar"))
		test_grammar();
	if (test__start_subtest("precedence"))
		test_precedence();
	if (test__start_subtest("errors"))
		test_errors();
	if (test__start_subtest("prerequisites"))
		test_prereqs();
	if (test__start_subtest("subfields"))
		test_subfields();
	if (test__start_subtest("normalize"))
		test_normalize();
	if (test__start_subtest("ranges"))
		test_ranges();
	if (test__start_subtest("formats"))
		test_formats();
	symtab_destroy(st);
	st = NULL;
}
