// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovsdb-client/framer.h"

void ovsdb_framer_init(struct ovsdb_framer *f, size_t max_msg)
{
	memset(f, 0, sizeof(*f));
	f->max_msg = max_msg ? max_msg : OVSDB_FRAMER_DEFAULT_MAX;
}

void ovsdb_framer_destroy(struct ovsdb_framer *f)
{
	free(f->buf);
	f->buf = NULL;
	f->cap = 0;
	ovsdb_framer_reset(f);
}

void ovsdb_framer_reset(struct ovsdb_framer *f)
{
	f->head = f->scan = f->len = f->msg_start = 0;
	f->depth = 0;
	f->in_msg = f->in_str = f->esc = false;
	f->offset = 0;
	/* A huge buffer from an initial dump is not kept for ever. */
	if (f->cap > (1u << 20)) {
		free(f->buf);
		f->buf = NULL;
		f->cap = 0;
	}
}

bool ovsdb_framer_partial(const struct ovsdb_framer *f)
{
	return f->in_msg;
}

char *ovsdb_framer_space(struct ovsdb_framer *f, size_t min, size_t *room)
{
	if (f->cap - f->len < min && f->head) {
		/* Slide the unconsumed bytes down first. */
		size_t keep = f->len - f->head;

		memmove(f->buf, f->buf + f->head, keep);
		f->offset += f->head;
		f->scan -= f->head;
		if (f->in_msg)
			f->msg_start -= f->head;
		f->len = keep;
		f->head = 0;
	}
	if (!f->buf || f->cap - f->len < min) {
		/* Grow geometrically so that a large message costs
		 * O(size) copies and reads can be large. */
		size_t ncap = f->cap ? f->cap : 65536;
		char *nb;

		while (ncap - f->len < min || ncap < f->len * 2)
			ncap *= 2;
		nb = realloc(f->buf, ncap);
		if (!nb)
			return NULL;
		f->buf = nb;
		f->cap = ncap;
	}
	*room = f->cap - f->len;
	return f->buf + f->len;
}

void ovsdb_framer_commit(struct ovsdb_framer *f, size_t n)
{
	f->len += n;
}

int ovsdb_framer_feed(struct ovsdb_framer *f, const void *data, size_t n)
{
	size_t room;
	char *p;

	if (!n)
		return 0;
	p = ovsdb_framer_space(f, n, &room);
	if (!p)
		return -ENOMEM;
	memcpy(p, data, n);
	ovsdb_framer_commit(f, n);
	return 0;
}

/* Advance the scanner.  Returns the index one past a complete message,
 * 0 if none yet, or -EPROTO on a byte that cannot start a message. */
static long scan(struct ovsdb_framer *f, char *errbuf, size_t errlen)
{
	const char *b = f->buf;
	size_t i = f->scan, n = f->len;

	while (i < n) {
		char c = b[i];

		if (!f->in_msg) {
			if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
				i++;
				f->head = i;
				continue;
			}
			if (c != '{') {
				snprintf(errbuf, errlen, "stream offset %llu: "
					 "expected '{' to start a message, got "
					 "byte 0x%02x", f->offset + i,
					 (unsigned char)c);
				f->scan = i;
				return -EPROTO;
			}
			f->in_msg = true;
			f->msg_start = i;
			f->depth = 1;
			i++;
			continue;
		}
		if (f->in_str) {
			/* Skip ordinary string bytes quickly. */
			while (i < n && b[i] != '"' && b[i] != '\\' && !f->esc)
				i++;
			if (i == n)
				break;
			if (f->esc)
				f->esc = false;
			else if (b[i] == '\\')
				f->esc = true;
			else
				f->in_str = false;
			i++;
			continue;
		}
		switch (c) {
		case '"':
			f->in_str = true;
			break;
		case '{':
		case '[':
			f->depth++;
			break;
		case '}':
		case ']':
			if (--f->depth == 0) {
				f->in_msg = false;
				f->scan = i + 1;
				return (long)(i + 1);
			}
			break;
		default:
			break;
		}
		i++;
	}
	f->scan = i;
	return 0;
}

/* After a big message (an initial dump) was handed out, give its buffer
 * back rather than holding it next to the replica. */
static void maybe_shrink(struct ovsdb_framer *f)
{
	size_t keep = f->len - f->head, ncap = 65536;
	char *nb;

	if (f->cap <= (8u << 20) || keep >= f->cap / 16 || f->in_msg)
		return;
	while (ncap < keep)
		ncap *= 2;
	nb = malloc(ncap);
	if (!nb)
		return;
	memcpy(nb, f->buf + f->head, keep);
	free(f->buf);
	f->buf = nb;
	f->cap = ncap;
	f->offset += f->head;
	f->scan -= f->head;
	f->len = keep;
	f->head = 0;
}

int ovsdb_framer_next_span(struct ovsdb_framer *f, char **msg, size_t *len,
			   char *errbuf, size_t errlen)
{
	long end;

	*msg = NULL;
	*len = 0;
	maybe_shrink(f);
	end = scan(f, errbuf, errlen);
	if (end < 0)
		return (int)end;
	if (!end) {
		if (f->in_msg && f->len - f->msg_start > f->max_msg) {
			snprintf(errbuf, errlen, "stream offset %llu: message "
				 "exceeds %zu bytes", f->offset + f->msg_start,
				 f->max_msg);
			return -EPROTO;
		}
		return 0;
	}
	f->head = (size_t)end;
	*msg = f->buf + f->msg_start;
	*len = (size_t)end - f->msg_start;
	return 1;
}

int ovsdb_framer_next(struct ovsdb_framer *f, json_t **msg,
		      char *errbuf, size_t errlen)
{
	json_error_t jerr;
	size_t len;
	char *span;
	int ret;

	*msg = NULL;
	ret = ovsdb_framer_next_span(f, &span, &len, errbuf, errlen);
	if (ret <= 0)
		return ret;
	*msg = json_loadb(span, len, 0, &jerr);
	if (!*msg) {
		snprintf(errbuf, errlen, "stream offset %llu: malformed JSON "
			 "message (line %d column %d): %s",
			 f->offset + (unsigned long long)(span - f->buf),
			 jerr.line, jerr.column, jerr.text);
		return -EPROTO;
	}
	if (!json_is_object(*msg)) {
		json_decref(*msg);
		*msg = NULL;
		snprintf(errbuf, errlen, "message is not a JSON object");
		return -EPROTO;
	}
	return 1;
}
