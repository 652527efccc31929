/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Framing of back-to-back JSON-RPC messages on a stream (RFC 7047 §4: no
 * length prefix, no delimiter).  Bytes are appended as they arrive; a
 * scanner tracks brace depth and string/escape state incrementally, so each
 * byte is looked at once however many reads a message takes, and a
 * complete message is handed to jansson exactly once.  This keeps an
 * initial dump of tens of MB linear.
 */
#ifndef __OVSDB_FRAMER_H
#define __OVSDB_FRAMER_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

struct ovsdb_framer {
	char *buf;
	size_t cap;
	size_t head;		/* first byte not yet consumed */
	size_t scan;		/* bytes before this were scanned */
	size_t len;		/* bytes held */
	size_t max_msg;		/* reject messages larger than this */
	size_t msg_start;	/* start of the message being scanned */
	unsigned int depth;
	bool in_msg, in_str, esc;
	unsigned long long offset;	/* stream offset of buf[0], for errors */
};

#define OVSDB_FRAMER_DEFAULT_MAX (1024ul * 1024 * 1024)

void ovsdb_framer_init(struct ovsdb_framer *f, size_t max_msg);
void ovsdb_framer_destroy(struct ovsdb_framer *f);
/* Drop buffered bytes and state (new connection). */
void ovsdb_framer_reset(struct ovsdb_framer *f);

/* Room to read into: at least MIN bytes at the returned pointer (*ROOM is
 * how many).  NULL on allocation failure. */
char *ovsdb_framer_space(struct ovsdb_framer *f, size_t min, size_t *room);
/* N bytes were written at the pointer ovsdb_framer_space() returned. */
void ovsdb_framer_commit(struct ovsdb_framer *f, size_t n);
/* Copy DATA in (tests and fuzzing). */
int ovsdb_framer_feed(struct ovsdb_framer *f, const void *data, size_t n);

/* The next complete message as bytes: 1 with *MSG and *LEN pointing into the
 * framer's buffer (writable; valid until the next framer call), 0 if more
 * bytes are needed, -EPROTO if the stream is not a sequence of JSON
 * objects.  The span is only delimited, not validated: parse it. */
int ovsdb_framer_next_span(struct ovsdb_framer *f, char **msg, size_t *len,
			   char *errbuf, size_t errlen);
/* The next complete message parsed by jansson: 1 with *MSG (new reference), 0 if more
 * bytes are needed, -EPROTO if the stream is not a sequence of JSON
 * objects (ERRBUF says what and at which stream offset; the framer must
 * then be reset), -ENOMEM. */
int ovsdb_framer_next(struct ovsdb_framer *f, json_t **msg,
		      char *errbuf, size_t errlen);

/* True if bytes of an unfinished message are buffered. */
bool ovsdb_framer_partial(const struct ovsdb_framer *f);

#endif /* __OVSDB_FRAMER_H */
