/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The control socket between ovnbpfctl and ovnbpfd (what ovs-appctl's
 * unixctl is to OVS daemons): a unix stream socket, mode 0600, in the state
 * directory.  One JSON object per line each way:
 *
 *	request: {"command": "bind", "args": ["veth1", "pod1"]}
 *	reply:   {"ok": true, "result": <any JSON>}
 *	     or  {"ok": false, "error": "text for the operator"}
 *
 * A connection may carry several requests; each gets one reply, in order.
 * Commands are registered by the parts of the daemon that own them, with
 * the number of arguments they take; the server checks that count, and
 * answers unknown commands, so a handler only sees well-formed requests.
 * The server is non-blocking and lives in the daemon's poll loop.
 */
#ifndef __OVNBPF_LOADER_CTL_SOCKET_H
#define __OVNBPF_LOADER_CTL_SOCKET_H

#include <stddef.h>

#include <jansson.h>

/* The socket's name in the state directory. */
#define CTL_SOCKET_NAME "ovnbpfd.ctl"
/* Longest request line we read; a longer one is answered and dropped. */
#define CTL_MAX_REQUEST (64 * 1024)
#define CTL_MAX_ARGS 16

struct ctl_server;
struct ctl_reply;

typedef void ctl_handler_fn(struct ctl_reply *r, int argc, const char *argv[],
			    void *aux);

/* Listen on PATH (NULL: no socket, requests only through
 * ctl_server_handle_line(), for tests).  A stale socket left by a dead
 * daemon is replaced; a live one (another ovnbpfd) is -EADDRINUSE, and a
 * PATH that is not a socket is -EEXIST. */
int ctl_server_open(const char *path, struct ctl_server **out);
/* Close every connection and remove the socket if it is still ours. */
void ctl_server_close(struct ctl_server *s);

/* COMMAND takes MIN_ARGS..MAX_ARGS arguments; USAGE (e.g. "IFACE LPORT")
 * is shown by `list-commands` and in argument-count errors. */
int ctl_server_register(struct ctl_server *s, const char *command, const char *usage,
			int min_args, int max_args, ctl_handler_fn *fn, void *aux);

/* The fd to poll for POLLIN; then call ctl_server_run(). */
int ctl_server_fd(const struct ctl_server *s);
/* Accept, read, dispatch and write whatever is ready; never blocks. */
void ctl_server_run(struct ctl_server *s);

/* Dispatch one request line (without its newline).  Returns the reply line
 * (malloc'ed, no newline) or NULL when out of memory. */
char *ctl_server_handle_line(struct ctl_server *s, const char *line, size_t len);

/* For handlers: answer with RESULT (reference stolen; NULL means JSON
 * null), or with an error.  The first answer wins; a handler that gives
 * none answers null. */
void ctl_reply_ok(struct ctl_reply *r, json_t *result);
void ctl_reply_error(struct ctl_reply *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Client side.  Encode a request line (malloc'ed, no newline). */
char *ctl_request_encode(const char *command, int argc, char *const argv[]);
/* Decode a reply line: 0 with *result (a new reference) on success, or
 * -EREMOTEIO with *error (malloc'ed) when the daemon refused, or -EPROTO
 * with *error when the line is not a reply. */
int ctl_reply_decode(const char *line, json_t **result, char **error);
/* Connect to PATH, send one request, wait up to TIMEOUT_MS for the reply.
 * Returns as ctl_reply_decode(), or another -errno with *error describing
 * the local failure. */
int ctl_call(const char *path, const char *command, int argc, char *const argv[],
	     int timeout_ms, json_t **result, char **error);

#endif /* __OVNBPF_LOADER_CTL_SOCKET_H */
