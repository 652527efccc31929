/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Lexer for OVN's match and action languages (ovn-sb(5), "Logical_Flow
 * TABLE"): the tokens of Logical_Flow.match and Logical_Flow.actions.
 *
 * Usage:
 *
 *	struct lexer lx;
 *
 *	lexer_init(&lx, text);
 *	while (lexer_next(&lx) != LEX_T_END && !lx.error)
 *		... look at lx.token ...
 *	lexer_destroy(&lx);
 *
 * A bad token becomes LEX_T_ERROR and sets lx.error (the first error
 * only) with its byte offset in lx.error_pos; parsers report their own
 * syntax errors through lexer_error()/lexer_syntax_error() so that the
 * first problem, with its column, is what the user sees.
 *
 * Numbers are 128-bit values (struct u128) with a format tag that says how
 * they were written (decimal, hex, IPv4, IPv6, Ethernet), so that they can
 * be written back the same way.  "1.2.3.0/24", "::1/64", "0x10/0xf0",
 * "01:00:00:00:00:00/01:00:00:00:00:00" are LEX_T_MASKED_INTEGER with the
 * value already ANDed with the mask.
 *
 * Templates (^name) are a token here; expanding them is the parser's job
 * (see expr_parse()).
 */
#ifndef __OVNBPF_LOADER_LEX_H
#define __OVNBPF_LOADER_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "loader/strbuf.h"
#include "loader/u128.h"

enum lex_type {
	LEX_T_END,		/* end of input */

	/* tokens with data */
	LEX_T_ID,		/* foo, ip4.src, ct.new */
	LEX_T_STRING,		/* "foo" (token.s unescaped) */
	LEX_T_INTEGER,		/* 42, 0x2a, 1.2.3.4, ::1, 00:11:22:33:44:55 */
	LEX_T_MASKED_INTEGER,	/* 10.0.0.0/8, 0/0xff, fe80::/10 */
	LEX_T_ADDR_SET,		/* $name (token.s without the $) */
	LEX_T_PORT_GROUP,	/* @name (token.s without the @) */
	LEX_T_TEMPLATE,		/* ^name (token.s without the ^) */
	LEX_T_ERROR,		/* bad input; token.s is the message */

	/* punctuation */
	LEX_T_LPAREN,		/* ( */
	LEX_T_RPAREN,		/* ) */
	LEX_T_LCURLY,		/* { */
	LEX_T_RCURLY,		/* } */
	LEX_T_LSQUARE,		/* [ */
	LEX_T_RSQUARE,		/* ] */
	LEX_T_EQ,		/* == */
	LEX_T_NE,		/* != */
	LEX_T_LT,		/* < */
	LEX_T_LE,		/* <= */
	LEX_T_GT,		/* > */
	LEX_T_GE,		/* >= */
	LEX_T_LOG_NOT,		/* ! */
	LEX_T_LOG_AND,		/* && */
	LEX_T_LOG_OR,		/* || */
	LEX_T_ELLIPSIS,		/* .. */
	LEX_T_COMMA,		/* , */
	LEX_T_SEMICOLON,	/* ; */
	LEX_T_EQUALS,		/* = */
	LEX_T_EXCHANGE,		/* <-> */
	LEX_T_DECREMENT,	/* -- */
	LEX_T_ARROW,		/* -> */
	LEX_T_COLON,		/* : */
	LEX_T_HYPHEN,		/* - */
};

/* How an integer was written; only used to write it back. */
enum lex_format {
	LEX_F_DECIMAL,
	LEX_F_HEXADECIMAL,
	LEX_F_IPV4,
	LEX_F_IPV6,
	LEX_F_ETHERNET,
};

struct lex_token {
	enum lex_type type;
	enum lex_format format;	/* LEX_T_INTEGER, LEX_T_MASKED_INTEGER */
	struct u128 value;	/* LEX_T_INTEGER, LEX_T_MASKED_INTEGER */
	struct u128 mask;	/* LEX_T_MASKED_INTEGER; all ones otherwise */
	char *s;		/* ID, STRING, ADDR_SET, PORT_GROUP, TEMPLATE,
				 * ERROR: malloc()ed, owned by the token */
	size_t start;		/* byte offset of the token in the input */
	size_t end;		/* byte offset just past it */
};

struct lexer {
	const char *input;	/* whole input, not owned */
	const char *p;		/* where the next token starts scanning */
	struct lex_token token;	/* current token (LEX_T_END before the first
				 * lexer_next()) */
	char *error;		/* first error, malloc()ed, or NULL */
	size_t error_pos;	/* its byte offset in 'input' */
};

void lexer_init(struct lexer *lx, const char *input);
void lexer_destroy(struct lexer *lx);

/* Scan the next token into lx->token and return its type.  After an
 * error token the lexer still moves forward, so a loop always ends. */
enum lex_type lexer_next(struct lexer *lx);
/* The type of the token after the current one, without consuming it. */
enum lex_type lexer_peek(const struct lexer *lx);
/* If the current token is 'type', consume it and return true. */
bool lexer_match(struct lexer *lx, enum lex_type type);
/* If the current token is the identifier 'id', consume it, return true. */
bool lexer_match_id(struct lexer *lx, const char *id);
/* Whether the current token is the identifier 'id'. */
bool lexer_is_id(const struct lexer *lx, const char *id);
/* If the current token is a small non-negative decimal integer, store it,
 * consume the token and return true. */
bool lexer_get_int(struct lexer *lx, int *value);
/* Take ownership of the current token's string (so that it is not freed
 * by the next lexer_next()). */
char *lexer_steal_string(struct lexer *lx);

/* Record an error at the current token unless one is recorded already.
 * lexer_syntax_error() prefixes "Syntax error at `TOKEN'" (or "at end of
 * input"), as OVN does. */
void lexer_error(struct lexer *lx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void lexer_syntax_error(struct lexer *lx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Same as lexer_error() at an explicit byte offset. */
void lexer_error_at(struct lexer *lx, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "column N: message" for the recorded error (malloc()ed), NULL if none. */
char *lexer_format_error(const struct lexer *lx);

/* Parse one token from the start of 'p' (skipping blanks and comments)
 * into 'tok' (which must not own a string); returns where scanning
 * stops.  'base' is the start of the whole input, for token offsets. */
const char *lex_token_parse(struct lex_token *tok, const char *p,
			    const char *base);
void lex_token_free(struct lex_token *tok);

/* Write a token back as text, in a form the lexer reads back. */
void lex_token_format(const struct lex_token *tok, struct strbuf *sb);
/* Punctuation and kinds: "==", "identifier", ... */
const char *lex_type_to_string(enum lex_type type);
const char *lex_format_to_string(enum lex_format format);
/* Write a number as 'format' says. */
void lex_format_value(struct u128 value, enum lex_format format,
		      struct strbuf *sb);
/* "value/mask", as a CIDR prefix length where 'format' is an IP address
 * and the mask is a prefix. */
void lex_format_masked(struct u128 value, struct u128 mask,
		       enum lex_format format, struct strbuf *sb);
/* Write 's' as a quoted string with JSON escapes. */
void lex_format_string(const char *s, struct strbuf *sb);
/* Whether 's' is a valid identifier (so that it can be written bare). */
bool lex_is_identifier(const char *s);

#endif /* __OVNBPF_LOADER_LEX_H */
