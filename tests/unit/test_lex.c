// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The match/action lexer: every token kind, numbers, masks, errors. */
#include "tests/test_progs.h"
#include "loader/lex.h"

/* All tokens of 'in' written back, space separated. */
static char *relex(const char *in)
{
	struct strbuf sb = STRBUF_INIT;
	struct lexer lx;

	lexer_init(&lx, in);
	while (lexer_next(&lx) != LEX_T_END) {
		if (sb.len)
			strbuf_putc(&sb, ' ');
		lex_token_format(&lx.token, &sb);
	}
	lexer_destroy(&lx);
	return strbuf_steal(&sb);
}

static void check_relex(const char *in, const char *want)
{
	char *got = relex(in);

	ASSERT_STREQ(got, want, in);
	free(got);
}

/* The first token of 'in'. */
static enum lex_type first(const char *in, struct lex_token *out)
{
	struct lexer lx;
	enum lex_type t;

	lexer_init(&lx, in);
	t = lexer_next(&lx);
	*out = lx.token;
	lx.token.s = NULL;
	lexer_destroy(&lx);
	return t;
}

static void check_error(const char *in, const char *msg, size_t pos)
{
	struct lexer lx;

	lexer_init(&lx, in);
	while (lexer_next(&lx) != LEX_T_END && !lx.error)
		;
	if (ASSERT_OK_PTR(lx.error, in)) {
		ASSERT_STREQ(lx.error, msg, in);
		ASSERT_EQ(lx.error_pos, pos, in);
	}
	lexer_destroy(&lx);
}

void test_match_lex(void)
{
	struct lex_token t;

	if (test__start_subtest("punctuation")) {
		check_relex("( ) { } [ ] == != < <= > >= ! && || .. , ; = <-> -- -> : -",
			    "( ) { } [ ] == != < <= > >= ! && || .. , ; = <-> -- -> : -");
		check_relex("a==b&&!c||d<=e", "a == b && ! c || d <= e");
		check_relex("ip.ttl--;", "ip.ttl -- ;");
		check_relex("reg0[0..15]", "reg0 [ 0 .. 15 ]");
		check_relex("1..5", "1 .. 5");
	}
	if (test__start_subtest("identifiers")) {
		check_relex("ip4.src ct.new _MC_flood x_1.y2",
			    "ip4.src ct.new _MC_flood x_1.y2");
		ASSERT_EQ(first("eth.src", &t), LEX_T_ID, "id");
		ASSERT_STREQ(t.s, "eth.src", "id text");
		ASSERT_EQ(t.start, 0, "start");
		ASSERT_EQ(t.end, 7, "end");
		lex_token_free(&t);
		/* words starting with hex letters stay identifiers */
		ASSERT_EQ(first("deadbeef", &t), LEX_T_ID, "hexy id");
		lex_token_free(&t);
		ASSERT_TRUE(lex_is_identifier("inport"), "is id");
		ASSERT_FALSE(lex_is_identifier("1x"), "not id");
		ASSERT_FALSE(lex_is_identifier("a-b"), "not id 2");
		ASSERT_FALSE(lex_is_identifier("ab:cd"), "hex colon");
	}
	if (test__start_subtest("sigils")) {
		check_relex("$as1 @pg_1 ^tmpl $a.b",
			    "$as1 @pg_1 ^tmpl $a.b");
		ASSERT_EQ(first("$foo_ip4", &t), LEX_T_ADDR_SET, "$");
		ASSERT_STREQ(t.s, "foo_ip4", "$ name");
		lex_token_free(&t);
		ASSERT_EQ(first("@1_pg", &t), LEX_T_ERROR, "@ digit");
		lex_token_free(&t);
		ASSERT_EQ(first("^v", &t), LEX_T_TEMPLATE, "^");
		lex_token_free(&t);
	}
	if (test__start_subtest("strings")) {
		ASSERT_EQ(first("\"lsp-1\"", &t), LEX_T_STRING, "str");
		ASSERT_STREQ(t.s, "lsp-1", "str text");
		lex_token_free(&t);
		ASSERT_EQ(first("\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\"", &t),
			  LEX_T_STRING, "escapes");
		ASSERT_STREQ(t.s, "a\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80", "escapes text");
		lex_token_free(&t);
		check_relex("\"x\\ty\"", "\"x\\ty\"");
		check_error("\"abc", "Input ends inside quoted string.", 0);
		check_error("a == \"b\\q\"", "Invalid escape in quoted string.", 5);
		check_error("\"\\u0000\"", "Null character in quoted string.", 0);
		check_error("\"\\ud800x\"", "Unpaired surrogate in quoted string.", 0);
	}
	if (test__start_subtest("integers")) {
		ASSERT_EQ(first("18446744073709551615", &t), LEX_T_INTEGER, "u64max");
		ASSERT_EQ(t.value.lo, UINT64_MAX, "u64max value");
		ASSERT_EQ(t.format, LEX_F_DECIMAL, "dec");
		ASSERT_EQ(first("0x0000ffffffffffffffffffffffffffffffff", &t),
			  LEX_T_INTEGER, "hex128");
		ASSERT_EQ(t.value.hi, UINT64_MAX, "hex128 hi");
		ASSERT_EQ(t.format, LEX_F_HEXADECIMAL, "hex");
		check_error("18446744073709551616",
			    "Decimal constants must be less than 2**64.", 0);
		check_error("x == 012", "Decimal constants must not have leading zeros.", 5);
		check_error("0x1ffffffffffffffffffffffffffffffff",
			    "Hexadecimal constant requires more than 128 bits.", 0);
		check_error("0x", "Hex digits expected following 0x.", 0);
		check_error("0xfg", "Invalid syntax in hexadecimal constant.", 0);
		check_error("1.2.3", "Invalid numeric constant.", 0);
		check_relex("0 1 0x1F 4294967295", "0 1 0x1f 4294967295");
	}
	if (test__start_subtest("addresses")) {
		ASSERT_EQ(first("10.0.0.1", &t), LEX_T_INTEGER, "ip4");
		ASSERT_EQ(t.value.lo, 0x0a000001, "ip4 value");
		ASSERT_EQ(t.format, LEX_F_IPV4, "ip4 fmt");
		ASSERT_EQ(first("fe80::1", &t), LEX_T_INTEGER, "ip6");
		ASSERT_EQ(t.value.hi, 0xfe80000000000000ULL, "ip6 hi");
		ASSERT_EQ(t.value.lo, 1, "ip6 lo");
		ASSERT_EQ(t.format, LEX_F_IPV6, "ip6 fmt");
		ASSERT_EQ(first("0a:00:00:00:00:01", &t), LEX_T_INTEGER, "mac");
		ASSERT_EQ(t.value.lo, 0x0a0000000001ULL, "mac value");
		ASSERT_EQ(t.format, LEX_F_ETHERNET, "mac fmt");
		check_relex("::ffff:1.2.3.4 ::1 ff:ff:ff:ff:ff:ff",
			    "::ffff:1.2.3.4 ::1 ff:ff:ff:ff:ff:ff");
		/* an IPv4 address then a port: three tokens */
		check_relex("1.2.3.4:80", "1.2.3.4 : 80");
		check_relex("[fe80::1]:80", "[ fe80::1 ] : 80");
	}
	if (test__start_subtest("masks")) {
		ASSERT_EQ(first("10.1.2.3/8", &t), LEX_T_MASKED_INTEGER, "cidr");
		ASSERT_EQ(t.value.lo, 0x0a000000, "cidr value masked");
		ASSERT_EQ(t.mask.lo, 0xff000000, "cidr mask");
		ASSERT_EQ(first("fe80::/10", &t), LEX_T_MASKED_INTEGER, "cidr6");
		ASSERT_EQ(t.mask.hi, 0xffc0000000000000ULL, "cidr6 mask hi");
		ASSERT_EQ(t.mask.lo, 0, "cidr6 mask lo");
		ASSERT_EQ(first("0/0x3", &t), LEX_T_MASKED_INTEGER, "0/hex");
		ASSERT_EQ(t.format, LEX_F_HEXADECIMAL, "0/hex fmt");
		check_relex("10.0.0.0/8 1.2.3.4/255.0.255.0 ::/0 0/0x3 5/7 ff02::1:ff00:0/104",
			    "10.0.0.0/8 1.0.3.0/255.0.255.0 ::/0 0x0/0x3 5/7 ff02::1:ff00:0/104");
		check_relex("01:00:00:00:00:00/01:00:00:00:00:00",
			    "01:00:00:00:00:00/01:00:00:00:00:00");
		check_error("10.0.0.0/33", "Value and mask have incompatible formats.", 0);
		check_error("1/0x3", "Value and mask have incompatible formats.", 0);
		check_error("10.0.0.0/", "Integer constant expected.", 0);
	}
	if (test__start_subtest("comments")) {
		check_relex("a // x\n b /* c */ d", "a b d");
		check_error("a /* x", "`/*' without matching `*/'.", 2);
		check_error("a / b", "`/' is only valid as part of `//' or `/*'.", 2);
	}
	if (test__start_subtest("bad characters")) {
		check_error("a & b", "`&' is only valid as part of `&&'.", 2);
		check_error("a | b", "`|' is only valid as part of `||'.", 2);
		check_error("a # b", "Invalid character `#' in input.", 2);
		check_error("a \x01", "Invalid byte 0x01 in input.", 2);
		check_error(".x", "`.' is only valid as part of `..' or a number.", 0);
	}
	if (test__start_subtest("parser helpers")) {
		struct lexer lx;
		int n;
		char *err;

		lexer_init(&lx, "next(12); foo");
		lexer_next(&lx);
		ASSERT_EQ(lexer_peek(&lx), LEX_T_LPAREN, "peek");
		ASSERT_TRUE(lexer_match_id(&lx, "next"), "match id");
		ASSERT_TRUE(lexer_match(&lx, LEX_T_LPAREN), "match (");
		ASSERT_TRUE(lexer_get_int(&lx, &n), "int");
		ASSERT_EQ(n, 12, "int value");
		ASSERT_FALSE(lexer_match(&lx, LEX_T_COMMA), "no comma");
		lexer_syntax_error(&lx, "expecting `%s'", ",");
		err = lexer_format_error(&lx);
		ASSERT_STREQ(err, "column 8: Syntax error at `)': expecting `,'", "err");
		free(err);
		lexer_destroy(&lx);

		lexer_init(&lx, "a\n  b");
		lexer_next(&lx);
		lexer_next(&lx);
		lexer_syntax_error(&lx, NULL);
		err = lexer_format_error(&lx);
		ASSERT_STREQ(err, "column 3: Syntax error at `b'.", "multiline col");
		free(err);
		lexer_destroy(&lx);
	}
}
