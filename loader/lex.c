// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Lexer for OVN's match and action languages.  The token rules are OVN's
 * (ovn-sb(5)), so that every Logical_Flow northd writes is read the way
 * ovn-controller reads it:
 *
 *  - identifiers start with a letter, '_' or '.', continue with those and
 *    digits ("ip4.src", "ct.new", "_MC_flood" as a bare id);
 *  - a number runs over letters, digits, '.' (never two in a row, so
 *    "1..5" is 1 .. 5) and ':' (never after a '.', so "1.2.3.4:80" is
 *    three tokens while "::ffff:1.2.3.4" is one); a word that starts with
 *    a hex letter is a number only if its hex digits are followed by ':'
 *    (a MAC or IPv6 address: "fe80::1", "aa:bb:...");
 *  - "/mask" after a number: same format, or a prefix length after an IP
 *    address, or "0/0xMASK".
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "loader/lex.h"

static const struct u128 all_ones = { UINT64_MAX, UINT64_MAX };

static bool is_id1(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_' || c == '.';
}

static bool is_idn(unsigned char c)
{
	return is_id1(c) || (c >= '0' && c <= '9');
}

static int hexit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool lex_is_identifier(const char *s)
{
	if (!is_id1((unsigned char)*s))
		return false;
	/* a word of hex digits then ':' would scan as a number */
	if (s[strspn(s, "0123456789abcdefABCDEF")] == ':')
		return false;
	for (s++; *s; s++)
		if (!is_idn((unsigned char)*s))
			return false;
	return true;
}

static void lex_error(struct lex_token *tok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void lex_error(struct lex_token *tok, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	free(tok->s);
	va_start(ap, fmt);
	strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	tok->type = LEX_T_ERROR;
	tok->s = strbuf_steal(&sb);
}

void lex_token_free(struct lex_token *tok)
{
	free(tok->s);
	tok->s = NULL;
}

/* Numbers ------------------------------------------------------------- */

static bool parse_mac(const char *p, size_t len, struct u128 *v)
{
	uint64_t mac = 0;

	if (len != 17)
		return false;
	for (int i = 0; i < 6; i++) {
		int h = hexit(p[i * 3]), l = hexit(p[i * 3 + 1]);

		if (h < 0 || l < 0 || (i < 5 && p[i * 3 + 2] != ':'))
			return false;
		mac = (mac << 8) | (h << 4) | l;
	}
	*v = u128_from_u64(mac);
	return true;
}

static void parse_hex(const char *p, size_t len, struct lex_token *tok)
{
	struct u128 v = { 0, 0 };
	size_t i = 0;

	while (i < len && p[i] == '0')	/* leading zeros are free */
		i++;
	if (len - i > 32) {
		lex_error(tok, "Hexadecimal constant requires more than 128 bits.");
		return;
	}
	for (; i < len; i++) {
		int x = hexit(p[i]);

		if (x < 0) {
			lex_error(tok, "Invalid syntax in hexadecimal constant.");
			return;
		}
		v = u128_shl(v, 4);
		v.lo |= x;
	}
	tok->value = v;
	tok->format = LEX_F_HEXADECIMAL;
}

/* Scan one number (without a mask) at 'p'; returns its end. */
static const char *parse_number(const char *p, struct lex_token *tok)
{
	const char *end = p;
	bool saw_dot = false;
	size_t len;

	tok->type = LEX_T_INTEGER;
	tok->value = (struct u128){ 0, 0 };
	tok->mask = all_ones;
	while (isalnum((unsigned char)*end) || (*end == ':' && !saw_dot) ||
	       (*end == '.' && end[1] != '.')) {
		if (*end == '.')
			saw_dot = true;
		end++;
	}
	len = end - p;

	if (!len) {
		lex_error(tok, "Integer constant expected.");
	} else if (parse_mac(p, len, &tok->value)) {
		tok->format = LEX_F_ETHERNET;
	} else if (strspn(p, "0123456789") >= len) {
		unsigned long long n;
		char *tail;

		if (p[0] == '0' && len > 1) {
			lex_error(tok, "Decimal constants must not have leading zeros.");
			return end;
		}
		errno = 0;
		n = strtoull(p, &tail, 10);
		if (tail != end || errno == ERANGE) {
			lex_error(tok, "Decimal constants must be less than 2**64.");
			return end;
		}
		tok->value = u128_from_u64(n);
		tok->format = LEX_F_DECIMAL;
	} else if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		if (len > 2)
			parse_hex(p + 2, len - 2, tok);
		else
			lex_error(tok, "Hex digits expected following 0%c.", p[1]);
	} else if (len < INET6_ADDRSTRLEN) {
		char copy[INET6_ADDRSTRLEN];
		unsigned char a[16];

		memcpy(copy, p, len);
		copy[len] = '\0';
		if (inet_pton(AF_INET, copy, a) == 1) {
			tok->value = u128_from_u64((uint64_t)a[0] << 24 |
						   a[1] << 16 | a[2] << 8 | a[3]);
			tok->format = LEX_F_IPV4;
		} else if (inet_pton(AF_INET6, copy, a) == 1) {
			for (int i = 0; i < 8; i++) {
				tok->value.hi = tok->value.hi << 8 | a[i];
				tok->value.lo = tok->value.lo << 8 | a[8 + i];
			}
			tok->format = LEX_F_IPV6;
		} else {
			lex_error(tok, "Invalid numeric constant.");
		}
	} else {
		lex_error(tok, "Invalid numeric constant.");
	}
	return end;
}

/* 'p' points at the '/' following the number in 'tok'. */
static const char *parse_mask(const char *p, struct lex_token *tok)
{
	struct lex_token m = { .s = NULL };
	uint64_t plen;

	p = parse_number(p + 1, &m);
	if (m.type == LEX_T_ERROR) {
		free(tok->s);
		*tok = m;
		return p;
	}
	plen = m.value.hi ? UINT64_MAX : m.value.lo;
	if (tok->format == m.format) {
		tok->mask = m.value;
	} else if (tok->format == LEX_F_IPV4 && m.format == LEX_F_DECIMAL &&
		   plen <= 32) {
		tok->mask = u128_shl(u128_low_mask(plen), 32 - plen);
	} else if (tok->format == LEX_F_IPV6 && m.format == LEX_F_DECIMAL &&
		   plen <= 128) {
		tok->mask = u128_shl(u128_low_mask(plen), 128 - plen);
	} else if (tok->format == LEX_F_DECIMAL &&
		   m.format == LEX_F_HEXADECIMAL && u128_is_zero(tok->value)) {
		tok->format = LEX_F_HEXADECIMAL;
		tok->mask = m.value;
	} else {
		lex_error(tok, "Value and mask have incompatible formats.");
		return p;
	}
	tok->type = LEX_T_MASKED_INTEGER;
	tok->value = u128_and(tok->value, tok->mask);
	return p;
}

static const char *parse_integer(const char *p, struct lex_token *tok)
{
	p = parse_number(p, tok);
	if (tok->type == LEX_T_INTEGER && *p == '/')
		p = parse_mask(p, tok);
	return p;
}

/* Strings ------------------------------------------------------------- */

static void put_utf8(struct strbuf *sb, unsigned int c)
{
	if (c < 0x80) {
		strbuf_putc(sb, c);
	} else if (c < 0x800) {
		strbuf_putc(sb, 0xc0 | (c >> 6));
		strbuf_putc(sb, 0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		strbuf_putc(sb, 0xe0 | (c >> 12));
		strbuf_putc(sb, 0x80 | ((c >> 6) & 0x3f));
		strbuf_putc(sb, 0x80 | (c & 0x3f));
	} else {
		strbuf_putc(sb, 0xf0 | (c >> 18));
		strbuf_putc(sb, 0x80 | ((c >> 12) & 0x3f));
		strbuf_putc(sb, 0x80 | ((c >> 6) & 0x3f));
		strbuf_putc(sb, 0x80 | (c & 0x3f));
	}
}

static int parse_u4(const char *p, unsigned int *c)
{
	*c = 0;
	for (int i = 0; i < 4; i++) {
		int x = hexit(p[i]);

		if (x < 0)
			return -EINVAL;
		*c = *c << 4 | x;
	}
	return 0;
}

/* A JSON string body, 'p' just past the opening quote. */
static const char *parse_string(const char *p, struct lex_token *tok)
{
	struct strbuf sb = STRBUF_INIT;
	const char *err = NULL;
	unsigned int c, c2;

	for (;;) {
		const char *run = p;

		while (*p && *p != '"' && *p != '\\')
			p++;
		strbuf_putn(&sb, run, p - run);
		if (!*p) {
			err = "Input ends inside quoted string.";
			break;
		}
		if (*p == '"') {
			p++;
			break;
		}
		p++;		/* backslash */
		switch (*p) {
		case '"': case '\\': case '/':
			strbuf_putc(&sb, *p++);
			continue;
		case 'b': strbuf_putc(&sb, '\b'); p++; continue;
		case 'f': strbuf_putc(&sb, '\f'); p++; continue;
		case 'n': strbuf_putc(&sb, '\n'); p++; continue;
		case 'r': strbuf_putc(&sb, '\r'); p++; continue;
		case 't': strbuf_putc(&sb, '\t'); p++; continue;
		case 'u':
			break;
		case '\0':
			err = "Input ends inside quoted string.";
			goto out;
		default:
			err = "Invalid escape in quoted string.";
			goto skip;
		}
		if (parse_u4(p + 1, &c)) {
			err = "Malformed \\u escape in quoted string.";
			goto skip;
		}
		p += 5;
		if (c >= 0xd800 && c <= 0xdbff) {
			if (p[0] != '\\' || p[1] != 'u' || parse_u4(p + 2, &c2) ||
			    c2 < 0xdc00 || c2 > 0xdfff) {
				err = "Unpaired surrogate in quoted string.";
				goto skip;
			}
			p += 6;
			c = 0x10000 + ((c - 0xd800) << 10) + (c2 - 0xdc00);
		} else if (c >= 0xdc00 && c <= 0xdfff) {
			err = "Unpaired surrogate in quoted string.";
			goto skip;
		}
		if (!c) {
			err = "Null character in quoted string.";
			goto skip;
		}
		put_utf8(&sb, c);
	}
	goto out;
skip:
	/* resynchronise after the closing quote so that the lexer goes on */
	while (*p && *p != '"') {
		if (*p == '\\' && p[1])
			p++;
		p++;
	}
	if (*p)
		p++;
out:
	if (err) {
		strbuf_free(&sb);
		lex_error(tok, "%s", err);
	} else {
		tok->type = LEX_T_STRING;
		tok->s = strbuf_steal(&sb);
	}
	return p;
}

/* Words --------------------------------------------------------------- */

static const char *parse_id(const char *p, enum lex_type type,
			    struct lex_token *tok)
{
	const char *start = p;

	do
		p++;
	while (is_idn((unsigned char)*p));
	tok->type = type;
	tok->s = xstrndup(start, p - start);
	return p;
}

/* $name, @name, ^name: 'p' at the sigil. */
static const char *parse_sigil(const char *p, enum lex_type type,
			       struct lex_token *tok)
{
	if (!is_id1((unsigned char)p[1])) {
		lex_error(tok, "`%c' must be followed by a valid identifier.",
			  *p);
		return p + 1;
	}
	return parse_id(p + 1, type, tok);
}

const char *lex_token_parse(struct lex_token *tok, const char *p,
			    const char *base)
{
	const char *start;

	tok->type = LEX_T_END;
	tok->s = NULL;
	tok->format = LEX_F_DECIMAL;
	tok->value = (struct u128){ 0, 0 };
	tok->mask = all_ones;

again:
	start = p;
	switch (*p) {
	case '\0':
		break;
	case ' ': case '\t': case '\n': case '\r': case '\v': case '\f':
		p++;
		goto again;
	case '/':
		if (p[1] == '/') {
			while (*p && *p != '\n')
				p++;
			goto again;
		}
		if (p[1] == '*') {
			for (p += 2; *p; p++) {
				if (*p == '*' && p[1] == '/') {
					p += 2;
					goto again;
				}
			}
			lex_error(tok, "`/*' without matching `*/'.");
			break;
		}
		p++;
		lex_error(tok, "`/' is only valid as part of `//' or `/*'.");
		break;
	case '(': tok->type = LEX_T_LPAREN; p++; break;
	case ')': tok->type = LEX_T_RPAREN; p++; break;
	case '{': tok->type = LEX_T_LCURLY; p++; break;
	case '}': tok->type = LEX_T_RCURLY; p++; break;
	case '[': tok->type = LEX_T_LSQUARE; p++; break;
	case ']': tok->type = LEX_T_RSQUARE; p++; break;
	case ',': tok->type = LEX_T_COMMA; p++; break;
	case ';': tok->type = LEX_T_SEMICOLON; p++; break;
	case '=':
		p++;
		tok->type = *p == '=' ? (p++, LEX_T_EQ) : LEX_T_EQUALS;
		break;
	case '!':
		p++;
		tok->type = *p == '=' ? (p++, LEX_T_NE) : LEX_T_LOG_NOT;
		break;
	case '&':
		p++;
		if (*p == '&') {
			tok->type = LEX_T_LOG_AND;
			p++;
		} else {
			lex_error(tok, "`&' is only valid as part of `&&'.");
		}
		break;
	case '|':
		p++;
		if (*p == '|') {
			tok->type = LEX_T_LOG_OR;
			p++;
		} else {
			lex_error(tok, "`|' is only valid as part of `||'.");
		}
		break;
	case '<':
		p++;
		if (*p == '=') {
			tok->type = LEX_T_LE;
			p++;
		} else if (*p == '-' && p[1] == '>') {
			tok->type = LEX_T_EXCHANGE;
			p += 2;
		} else {
			tok->type = LEX_T_LT;
		}
		break;
	case '>':
		p++;
		tok->type = *p == '=' ? (p++, LEX_T_GE) : LEX_T_GT;
		break;
	case '-':
		p++;
		if (*p == '-') {
			tok->type = LEX_T_DECREMENT;
			p++;
		} else if (*p == '>') {
			tok->type = LEX_T_ARROW;
			p++;
		} else {
			tok->type = LEX_T_HYPHEN;
		}
		break;
	case '.':
		if (p[1] == '.') {
			tok->type = LEX_T_ELLIPSIS;
			p += 2;
		} else {
			p++;
			lex_error(tok, "`.' is only valid as part of `..' or a number.");
		}
		break;
	case '$':
		p = parse_sigil(p, LEX_T_ADDR_SET, tok);
		break;
	case '@':
		p = parse_sigil(p, LEX_T_PORT_GROUP, tok);
		break;
	case '^':
		p = parse_sigil(p, LEX_T_TEMPLATE, tok);
		break;
	case ':':
		if (p[1] != ':') {
			tok->type = LEX_T_COLON;
			p++;
			break;
		}
		/* "::1" */
		p = parse_integer(p, tok);
		break;
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		p = parse_integer(p, tok);
		break;
	case '"':
		p = parse_string(p + 1, tok);
		break;
	case 'a': case 'b': case 'c': case 'd': case 'e': case 'f':
	case 'A': case 'B': case 'C': case 'D': case 'E': case 'F':
		if (p[strspn(p, "0123456789abcdefABCDEF")] == ':')
			p = parse_integer(p, tok);
		else
			p = parse_id(p, LEX_T_ID, tok);
		break;
	default:
		if (is_id1((unsigned char)*p)) {
			p = parse_id(p, LEX_T_ID, tok);
		} else {
			if (isprint((unsigned char)*p))
				lex_error(tok, "Invalid character `%c' in input.",
					  *p);
			else
				lex_error(tok, "Invalid byte 0x%02x in input.",
					  (unsigned char)*p);
			p++;
		}
		break;
	}
	tok->start = start - base;
	tok->end = p - base;
	return p;
}

/* The lexer ----------------------------------------------------------- */

void lexer_init(struct lexer *lx, const char *input)
{
	memset(lx, 0, sizeof(*lx));
	lx->input = input;
	lx->p = input;
	lx->token.type = LEX_T_END;
	lx->token.mask = all_ones;
}

void lexer_destroy(struct lexer *lx)
{
	lex_token_free(&lx->token);
	free(lx->error);
	lx->error = NULL;
}

enum lex_type lexer_next(struct lexer *lx)
{
	lex_token_free(&lx->token);
	lx->p = lex_token_parse(&lx->token, lx->p, lx->input);
	if (lx->token.type == LEX_T_ERROR && !lx->error) {
		lx->error = xstrndup(lx->token.s, strlen(lx->token.s));
		lx->error_pos = lx->token.start;
	}
	return lx->token.type;
}

enum lex_type lexer_peek(const struct lexer *lx)
{
	struct lex_token t;

	lex_token_parse(&t, lx->p, lx->input);
	lex_token_free(&t);
	return t.type;
}

bool lexer_match(struct lexer *lx, enum lex_type type)
{
	if (lx->token.type != type)
		return false;
	lexer_next(lx);
	return true;
}

bool lexer_is_id(const struct lexer *lx, const char *id)
{
	return lx->token.type == LEX_T_ID && !strcmp(lx->token.s, id);
}

bool lexer_match_id(struct lexer *lx, const char *id)
{
	if (!lexer_is_id(lx, id))
		return false;
	lexer_next(lx);
	return true;
}

bool lexer_get_int(struct lexer *lx, int *value)
{
	const struct lex_token *t = &lx->token;

	if (t->type != LEX_T_INTEGER || t->format != LEX_F_DECIMAL ||
	    t->value.hi || t->value.lo > 0x7fffffff)
		return false;
	*value = t->value.lo;
	lexer_next(lx);
	return true;
}

char *lexer_steal_string(struct lexer *lx)
{
	char *s = lx->token.s;

	lx->token.s = NULL;
	return s;
}

static void lexer_verror_at(struct lexer *lx, size_t pos, const char *prefix,
			    const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;

	if (lx->error)
		return;
	if (lx->token.type == LEX_T_ERROR) {
		/* the bad token explains the problem better than the parser */
		lx->error = xstrndup(lx->token.s, strlen(lx->token.s));
		lx->error_pos = lx->token.start;
		return;
	}
	if (prefix)
		strbuf_puts(&sb, prefix);
	if (fmt)
		strbuf_vprintf(&sb, fmt, ap);
	lx->error = strbuf_steal(&sb);
	lx->error_pos = pos;
}

void lexer_error_at(struct lexer *lx, size_t pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lexer_verror_at(lx, pos, NULL, fmt, ap);
	va_end(ap);
}

void lexer_error(struct lexer *lx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lexer_verror_at(lx, lx->token.start, NULL, fmt, ap);
	va_end(ap);
}

void lexer_syntax_error(struct lexer *lx, const char *fmt, ...)
{
	const struct lex_token *t = &lx->token;
	char *prefix;
	va_list ap;

	if (t->type == LEX_T_END)
		prefix = xasprintf("Syntax error at end of input%s",
				   fmt ? ": " : ".");
	else
		prefix = xasprintf("Syntax error at `%.*s'%s",
				   (int)(t->end - t->start),
				   lx->input + t->start, fmt ? ": " : ".");
	va_start(ap, fmt);
	lexer_verror_at(lx, t->start, prefix, fmt, ap);
	va_end(ap);
	free(prefix);
}

char *lexer_format_error(const struct lexer *lx)
{
	size_t col = 1;

	if (!lx->error)
		return NULL;
	/* columns count from the last newline, as editors do */
	for (size_t i = 0; i < lx->error_pos && lx->input[i]; i++)
		col = lx->input[i] == '\n' ? 1 : col + 1;
	return xasprintf("column %zu: %s", col, lx->error);
}

/* Formatting ---------------------------------------------------------- */

const char *lex_format_to_string(enum lex_format format)
{
	switch (format) {
	case LEX_F_DECIMAL: return "decimal";
	case LEX_F_HEXADECIMAL: return "hexadecimal";
	case LEX_F_IPV4: return "IPv4";
	case LEX_F_IPV6: return "IPv6";
	case LEX_F_ETHERNET: return "Ethernet";
	}
	return "?";
}

const char *lex_type_to_string(enum lex_type type)
{
	switch (type) {
	case LEX_T_END: return "end of input";
	case LEX_T_ID: return "identifier";
	case LEX_T_STRING: return "string";
	case LEX_T_INTEGER: return "integer";
	case LEX_T_MASKED_INTEGER: return "masked integer";
	case LEX_T_ADDR_SET: return "address set";
	case LEX_T_PORT_GROUP: return "port group";
	case LEX_T_TEMPLATE: return "template";
	case LEX_T_ERROR: return "error";
	case LEX_T_LPAREN: return "(";
	case LEX_T_RPAREN: return ")";
	case LEX_T_LCURLY: return "{";
	case LEX_T_RCURLY: return "}";
	case LEX_T_LSQUARE: return "[";
	case LEX_T_RSQUARE: return "]";
	case LEX_T_EQ: return "==";
	case LEX_T_NE: return "!=";
	case LEX_T_LT: return "<";
	case LEX_T_LE: return "<=";
	case LEX_T_GT: return ">";
	case LEX_T_GE: return ">=";
	case LEX_T_LOG_NOT: return "!";
	case LEX_T_LOG_AND: return "&&";
	case LEX_T_LOG_OR: return "||";
	case LEX_T_ELLIPSIS: return "..";
	case LEX_T_COMMA: return ",";
	case LEX_T_SEMICOLON: return ";";
	case LEX_T_EQUALS: return "=";
	case LEX_T_EXCHANGE: return "<->";
	case LEX_T_DECREMENT: return "--";
	case LEX_T_ARROW: return "->";
	case LEX_T_COLON: return ":";
	case LEX_T_HYPHEN: return "-";
	}
	return "?";
}

static void format_hex(struct u128 v, struct strbuf *sb)
{
	if (v.hi)
		strbuf_printf(sb, "0x%" PRIx64 "%016" PRIx64, v.hi, v.lo);
	else
		strbuf_printf(sb, "0x%" PRIx64, v.lo);
}

void lex_format_value(struct u128 v, enum lex_format format,
		      struct strbuf *sb)
{
	unsigned char a[16];
	char buf[INET6_ADDRSTRLEN];

	switch (format) {
	case LEX_F_IPV4:
		if (v.hi || v.lo > UINT32_MAX)
			break;
		strbuf_printf(sb, "%u.%u.%u.%u", (unsigned int)(v.lo >> 24),
			      (unsigned int)(v.lo >> 16) & 0xff,
			      (unsigned int)(v.lo >> 8) & 0xff,
			      (unsigned int)v.lo & 0xff);
		return;
	case LEX_F_IPV6:
		for (int i = 0; i < 8; i++) {
			a[i] = v.hi >> (56 - 8 * i);
			a[8 + i] = v.lo >> (56 - 8 * i);
		}
		inet_ntop(AF_INET6, a, buf, sizeof(buf));
		strbuf_puts(sb, buf);
		return;
	case LEX_F_ETHERNET:
		if (v.hi || v.lo >> 48)
			break;
		for (int i = 5; i >= 0; i--)
			strbuf_printf(sb, "%02x%s",
				      (unsigned int)(v.lo >> (8 * i)) & 0xff,
				      i ? ":" : "");
		return;
	case LEX_F_DECIMAL:
		if (v.hi)
			break;
		strbuf_printf(sb, "%" PRIu64, v.lo);
		return;
	case LEX_F_HEXADECIMAL:
		break;
	}
	/* does not fit the format: hex always reads back */
	format_hex(v, sb);
}

void lex_format_masked(struct u128 value, struct u128 mask,
		       enum lex_format format, struct strbuf *sb)
{
	unsigned int plen;

	if (format == LEX_F_DECIMAL && !value.hi && !mask.hi) {
		strbuf_printf(sb, "%" PRIu64 "/%" PRIu64, value.lo, mask.lo);
		return;
	}
	if (format == LEX_F_DECIMAL || format == LEX_F_HEXADECIMAL) {
		/* the mask of "0/0xff" is hex: both hex read back alike */
		format_hex(value, sb);
		strbuf_putc(sb, '/');
		format_hex(mask, sb);
		return;
	}
	lex_format_value(value, format, sb);
	strbuf_putc(sb, '/');
	if (format == LEX_F_IPV4 && !value.hi && value.lo <= UINT32_MAX &&
	    !mask.hi && mask.lo <= UINT32_MAX &&
	    u128_is_prefix_mask(mask, 32, &plen))
		strbuf_printf(sb, "%u", plen);
	else if (format == LEX_F_IPV6 && u128_is_prefix_mask(mask, 128, &plen))
		strbuf_printf(sb, "%u", plen);
	else
		lex_format_value(mask, format, sb);
}

void lex_format_string(const char *s, struct strbuf *sb)
{
	strbuf_putc(sb, '"');
	for (; *s; s++) {
		unsigned char c = *s;

		switch (c) {
		case '"': strbuf_puts(sb, "\\\""); break;
		case '\\': strbuf_puts(sb, "\\\\"); break;
		case '\n': strbuf_puts(sb, "\\n"); break;
		case '\r': strbuf_puts(sb, "\\r"); break;
		case '\t': strbuf_puts(sb, "\\t"); break;
		case '\b': strbuf_puts(sb, "\\b"); break;
		case '\f': strbuf_puts(sb, "\\f"); break;
		default:
			if (c < 0x20)
				strbuf_printf(sb, "\\u%04x", c);
			else
				strbuf_putc(sb, c);
		}
	}
	strbuf_putc(sb, '"');
}

void lex_token_format(const struct lex_token *tok, struct strbuf *sb)
{
	switch (tok->type) {
	case LEX_T_ID:
		strbuf_puts(sb, tok->s);
		break;
	case LEX_T_STRING:
		lex_format_string(tok->s, sb);
		break;
	case LEX_T_ADDR_SET:
		strbuf_printf(sb, "$%s", tok->s);
		break;
	case LEX_T_PORT_GROUP:
		strbuf_printf(sb, "@%s", tok->s);
		break;
	case LEX_T_TEMPLATE:
		strbuf_printf(sb, "^%s", tok->s);
		break;
	case LEX_T_ERROR:
		strbuf_printf(sb, "error(\"%s\")", tok->s);
		break;
	case LEX_T_INTEGER:
		lex_format_value(tok->value, tok->format, sb);
		break;
	case LEX_T_MASKED_INTEGER:
		lex_format_masked(tok->value, tok->mask, tok->format, sb);
		break;
	case LEX_T_END:
		break;
	default:
		strbuf_puts(sb, lex_type_to_string(tok->type));
		break;
	}
}
