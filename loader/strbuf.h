/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A growable NUL-terminated string, for formatters and error messages.
 * Allocation failure aborts: these strings are small and a daemon that
 * cannot allocate a few bytes cannot go on anyway.
 */
#ifndef __OVNBPF_LOADER_STRBUF_H
#define __OVNBPF_LOADER_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *s;		/* NULL until something is written */
	size_t len;
	size_t cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

void strbuf_init(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);
void strbuf_clear(struct strbuf *sb);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putn(struct strbuf *sb, const char *s, size_t n);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
/* The string so far ("" when empty); stays owned by 'sb'. */
const char *strbuf_str(const struct strbuf *sb);
/* Hand the string to the caller (free() it) and reset 'sb'. */
char *strbuf_steal(struct strbuf *sb);

/* malloc()ing printf that aborts on allocation failure. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xstrndup(const char *s, size_t n);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);

#endif /* __OVNBPF_LOADER_STRBUF_H */
