/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One non-blocking JSON-RPC connection to an OVSDB server: `unix:PATH` or
 * `tcp:IP:PORT` (IPv6 as `tcp:[ADDR]:PORT`).  No threads, no blocking
 * calls: the owner polls ovsdb_stream_fd() for ovsdb_stream_events() and
 * calls ovsdb_stream_run() / ovsdb_stream_recv().
 */
#ifndef __OVSDB_STREAM_H
#define __OVSDB_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "ovsdb-client/framer.h"

struct ovsdb_stream {
	int fd;
	bool connecting;
	bool is_unix;
	char *name;
	struct ovsdb_framer in;
	char *out;
	size_t out_len, out_off, out_cap;
	unsigned long long rx_bytes;
};

/* Is REMOTE a syntactically valid remote we support? */
bool ovsdb_stream_remote_valid(const char *remote);
/* Start connecting to REMOTE.  0 and *OUT on success (the connection may
 * still be in progress), -errno otherwise. */
int ovsdb_stream_open(const char *remote, size_t max_msg,
		      struct ovsdb_stream **out);
void ovsdb_stream_close(struct ovsdb_stream *s);
/* POLLIN, plus POLLOUT while connecting or output is queued. */
short ovsdb_stream_events(const struct ovsdb_stream *s);
/* Finish connecting, write queued output.  0 or -errno (connection dead). */
int ovsdb_stream_run(struct ovsdb_stream *s);
/* Queue MSG (reference stolen) and try to write it. */
int ovsdb_stream_send(struct ovsdb_stream *s, json_t *msg);
/* Next received message: 1 with its bytes at *MSG and *LEN (writable, valid
 * until the next call on S), 0 if none is available now, or -errno:
 * -ECONNRESET on EOF, -EPROTO on a framing error (ERRBUF says what). */
int ovsdb_stream_recv(struct ovsdb_stream *s, char **msg, size_t *len,
		      char *errbuf, size_t errlen);
static inline bool ovsdb_stream_connected(const struct ovsdb_stream *s)
{
	return !s->connecting;
}

#endif /* __OVSDB_STREAM_H */
