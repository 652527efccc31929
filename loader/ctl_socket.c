// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "loader/ctl_socket.h"
#include "loader/log.h"

/* More clients than this at once are turned away (operators and scripts,
 * not a service). */
#define CTL_MAX_CONNS 64

struct ctl_command {
	char *name;
	char *usage;
	int min_args, max_args;
	ctl_handler_fn *fn;
	void *aux;
};

struct ctl_conn {
	int fd;
	char *in;
	size_t in_len, in_cap;
	char *out;
	size_t out_len, out_off, out_cap;
	bool closing;		/* peer is done sending: close once flushed */
	struct ctl_conn *next;
};

struct ctl_server {
	char *path;
	dev_t dev;		/* identity of the socket we bound, so we */
	ino_t ino;		/* never remove a successor's */
	int listen_fd;
	int epfd;
	struct ctl_command *cmds;
	size_t n_cmds;
	struct ctl_conn *conns;
	int n_conns;
};

struct ctl_reply {
	bool done;
	json_t *msg;
};

void ctl_reply_ok(struct ctl_reply *r, json_t *result)
{
	if (r->done) {
		json_decref(result);
		return;
	}
	r->done = true;
	r->msg = json_pack("{s:b, s:o}", "ok", 1, "result", result ? result : json_null());
}

void ctl_reply_error(struct ctl_reply *r, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (r->done)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	r->done = true;
	/* "s%" would fail on a message that is not UTF-8 (an interface
	 * name echoed back); json_stringn_nocheck keeps the bytes. */
	r->msg = json_pack("{s:b, s:o}", "ok", 0, "error",
			   json_stringn_nocheck(buf, strlen(buf)));
}

static struct ctl_command *find_command(struct ctl_server *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n_cmds; i++)
		if (!strcmp(s->cmds[i].name, name))
			return &s->cmds[i];
	return NULL;
}

int ctl_server_register(struct ctl_server *s, const char *command, const char *usage,
			int min_args, int max_args, ctl_handler_fn *fn, void *aux)
{
	struct ctl_command *v, *c;

	if (find_command(s, command) || min_args < 0 || max_args < min_args ||
	    max_args > CTL_MAX_ARGS)
		return -EINVAL;
	v = realloc(s->cmds, (s->n_cmds + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->cmds = v;
	c = &v[s->n_cmds];
	c->name = strdup(command);
	c->usage = strdup(usage ? usage : "");
	if (!c->name || !c->usage) {
		free(c->name);
		free(c->usage);
		return -ENOMEM;
	}
	c->min_args = min_args;
	c->max_args = max_args;
	c->fn = fn;
	c->aux = aux;
	s->n_cmds++;
	return 0;
}

static void cmd_list_commands(struct ctl_reply *r, int argc, const char *argv[], void *aux)
{
	struct ctl_server *s = aux;
	json_t *list = json_array();
	size_t i;

	for (i = 0; i < s->n_cmds; i++)
		json_array_append_new(list, json_pack("{s:s, s:s}", "command", s->cmds[i].name,
						      "usage", s->cmds[i].usage));
	ctl_reply_ok(r, list);
}

/* Parse a request: 0 and fills ARGV (pointers into ROOT), or an error
 * text in ERR. */
static int parse_request(json_t *root, const char **cmd, int *argc, const char **argv,
			 char *err, size_t errlen)
{
	json_t *jcmd = json_object_get(root, "command");
	json_t *jargs = json_object_get(root, "args"), *a;
	size_t i;

	if (!json_is_object(root) || !json_is_string(jcmd)) {
		snprintf(err, errlen, "request must be an object with a string \"command\"");
		return -EINVAL;
	}
	*cmd = json_string_value(jcmd);
	*argc = 0;
	if (!jargs)
		return 0;
	if (!json_is_array(jargs)) {
		snprintf(err, errlen, "\"args\" must be an array of strings");
		return -EINVAL;
	}
	if (json_array_size(jargs) > CTL_MAX_ARGS) {
		snprintf(err, errlen, "too many arguments (at most %d)", CTL_MAX_ARGS);
		return -EINVAL;
	}
	json_array_foreach(jargs, i, a) {
		if (!json_is_string(a)) {
			snprintf(err, errlen, "argument %zu is not a string", i + 1);
			return -EINVAL;
		}
		/* An embedded NUL would silently shorten a name. */
		if (strlen(json_string_value(a)) != json_string_length(a)) {
			snprintf(err, errlen, "argument %zu contains a NUL byte", i + 1);
			return -EINVAL;
		}
		argv[(*argc)++] = json_string_value(a);
	}
	return 0;
}

char *ctl_server_handle_line(struct ctl_server *s, const char *line, size_t len)
{
	struct ctl_reply r = { 0 };
	const char *argv[CTL_MAX_ARGS + 1] = { 0 };
	struct ctl_command *c;
	json_error_t jerr;
	const char *cmd;
	char err[256];
	json_t *root;
	char *out;
	int argc;

	root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		ctl_reply_error(&r, "bad request at column %d: %s", jerr.column, jerr.text);
	} else if (parse_request(root, &cmd, &argc, argv, err, sizeof(err))) {
		ctl_reply_error(&r, "bad request: %s", err);
	} else if (!(c = find_command(s, cmd))) {
		ctl_reply_error(&r, "unknown command '%s'; try list-commands", cmd);
	} else if (argc < c->min_args || argc > c->max_args) {
		ctl_reply_error(&r, "usage: %s%s%s (got %d argument%s)", c->name,
				*c->usage ? " " : "", c->usage, argc, argc == 1 ? "" : "s");
	} else {
		pr_dbg("ctl", "command %s (%d args)", c->name, argc);
		c->fn(&r, argc, argv, c->aux);
		if (!r.done)
			ctl_reply_ok(&r, NULL);
	}
	json_decref(root);
	if (!r.msg)
		return NULL;
	out = json_dumps(r.msg, JSON_COMPACT);
	json_decref(r.msg);
	return out;
}

/* --- sockets --- */

static void conn_free(struct ctl_server *s, struct ctl_conn *c)
{
	struct ctl_conn **pp;

	for (pp = &s->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->in);
	free(c->out);
	free(c);
	s->n_conns--;
}

static int conn_queue(struct ctl_conn *c, const char *line)
{
	size_t len = strlen(line);

	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_len + len + 1 > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		char *p;

		while (cap < c->out_len + len + 1)
			cap *= 2;
		p = realloc(c->out, cap);
		if (!p)
			return -ENOMEM;
		c->out = p;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, line, len);
	c->out[c->out_len + len] = '\n';
	c->out_len += len + 1;
	return 0;
}

/* Write what can be written; adjust the epoll interest.  Returns -errno
 * when the connection is dead. */
static int conn_flush(struct ctl_server *s, struct ctl_conn *c)
{
	struct epoll_event ev = { .data.ptr = c };

	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			return -errno;
		}
		c->out_off += n;
	}
	if (c->out_off == c->out_len && c->closing)
		return -ESHUTDOWN;
	/* Stop reading while replies are pending: a client that sends and
	 * never reads cannot make us buffer without bound. */
	ev.events = c->out_off < c->out_len ? EPOLLOUT : EPOLLIN;
	epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ev);
	return 0;
}

static int conn_read(struct ctl_server *s, struct ctl_conn *c)
{
	char *nl;

	for (;;) {
		ssize_t n;

		if (c->in_cap - c->in_len < 4096) {
			size_t cap = c->in_cap ? c->in_cap * 2 : 8192;
			char *p;

			if (cap > CTL_MAX_REQUEST + 8192)
				cap = CTL_MAX_REQUEST + 8192;
			if (cap <= c->in_cap)
				break;
			p = realloc(c->in, cap);
			if (!p)
				return -ENOMEM;
			c->in = p;
			c->in_cap = cap;
		}
		n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			return -errno;
		}
		if (n == 0) {
			c->closing = true;
			break;
		}
		c->in_len += n;
	}
	/* Answer every complete line. */
	while ((nl = memchr(c->in, '\n', c->in_len))) {
		size_t len = nl - c->in;
		char *reply = ctl_server_handle_line(s, c->in, len);

		if (!reply || conn_queue(c, reply)) {
			free(reply);
			return -ENOMEM;
		}
		free(reply);
		memmove(c->in, nl + 1, c->in_len - len - 1);
		c->in_len -= len + 1;
	}
	/* A client that shut down its side without a final newline still
	 * gets its last request answered. */
	if (c->closing && c->in_len && c->in_len <= CTL_MAX_REQUEST) {
		char *reply = ctl_server_handle_line(s, c->in, c->in_len);

		c->in_len = 0;
		if (!reply || conn_queue(c, reply)) {
			free(reply);
			return -ENOMEM;
		}
		free(reply);
	}
	if (c->in_len > CTL_MAX_REQUEST) {
		conn_queue(c, "{\"ok\":false,\"error\":\"request too long\"}");
		c->closing = true;
		c->in_len = 0;
	}
	return conn_flush(s, c);
}

static void server_accept(struct ctl_server *s)
{
	for (;;) {
		struct epoll_event ev = { .events = EPOLLIN };
		struct ucred cred;
		socklen_t len = sizeof(cred);
		struct ctl_conn *c;
		int fd;

		fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR)
				pr_warn("ctl", "accept: %s", strerror(errno));
			if (errno == EINTR)
				continue;
			return;
		}
		/* The socket is 0600 already; this also covers a socket
		 * directory with looser permissions than we made it. */
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
		    (cred.uid != 0 && cred.uid != geteuid())) {
			pr_warn("ctl", "refused a control connection from uid %d",
				len == sizeof(cred) ? (int)cred.uid : -1);
			close(fd);
			continue;
		}
		if (s->n_conns >= CTL_MAX_CONNS) {
			static const char busy[] = "{\"ok\":false,\"error\":\"too many control connections\"}\n";

			if (send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
				pr_dbg("ctl", "busy reply: %s", strerror(errno));
			close(fd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			return;
		}
		c->fd = fd;
		ev.data.ptr = c;
		if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev)) {
			pr_warn("ctl", "epoll_ctl: %s", strerror(errno));
			close(fd);
			free(c);
			continue;
		}
		c->next = s->conns;
		s->conns = c;
		s->n_conns++;
	}
}

void ctl_server_run(struct ctl_server *s)
{
	struct epoll_event evs[16];
	int n, i;

	if (s->epfd < 0)
		return;
	n = epoll_wait(s->epfd, evs, 16, 0);
	for (i = 0; i < n; i++) {
		struct ctl_conn *c = evs[i].data.ptr;
		int err;

		if (!c) {
			server_accept(s);
			continue;
		}
		if (evs[i].events & EPOLLOUT)
			err = conn_flush(s, c);
		else
			err = conn_read(s, c);
		if (!err && (evs[i].events & (EPOLLERR | EPOLLHUP)) &&
		    c->out_off == c->out_len)
			err = -ECONNRESET;
		if (err)
			conn_free(s, c);
	}
}

int ctl_server_fd(const struct ctl_server *s)
{
	return s->epfd;
}

/* Is something answering at PATH? */
static bool socket_alive(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	bool alive;
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	strcpy(sa.sun_path, path);
	alive = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return alive;
}

static int server_listen(struct ctl_server *s, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
	struct stat st;
	mode_t old_umask;
	int err;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		pr_err("ctl", "control socket path %s is too long (max %zu)", path,
		       sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	if (!lstat(path, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			pr_err("ctl", "%s exists and is not a socket", path);
			return -EEXIST;
		}
		if (socket_alive(path)) {
			pr_err("ctl", "%s: another ovnbpfd is running", path);
			return -EADDRINUSE;
		}
		unlink(path);
	}
	s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0)
		return -errno;
	/* Created 0600 from the start: no window where others may connect. */
	old_umask = umask(0177);
	err = bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ? -errno : 0;
	umask(old_umask);
	if (err) {
		pr_err("ctl", "bind %s: %s", path, strerror(-err));
		return err;
	}
	if (chmod(path, 0600) || stat(path, &st) || listen(s->listen_fd, 16)) {
		err = -errno;
		pr_err("ctl", "%s: %s", path, strerror(errno));
		unlink(path);
		return err;
	}
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->path = strdup(path);
	if (!s->path) {
		unlink(path);
		return -ENOMEM;
	}
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->listen_fd, &ev))
		return -errno;
	return 0;
}

int ctl_server_open(const char *path, struct ctl_server **out)
{
	struct ctl_server *s;
	int err;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->listen_fd = -1;
	s->epfd = -1;
	err = ctl_server_register(s, "list-commands", "", 0, 0, cmd_list_commands, s);
	if (err)
		goto cleanup;
	if (path) {
		s->epfd = epoll_create1(EPOLL_CLOEXEC);
		if (s->epfd < 0) {
			err = -errno;
			goto cleanup;
		}
		err = server_listen(s, path);
		if (err)
			goto cleanup;
		pr_info("ctl", "control socket %s", path);
	}
	*out = s;
	return 0;
cleanup:
	ctl_server_close(s);
	return err;
}

void ctl_server_close(struct ctl_server *s)
{
	struct stat st;
	size_t i;

	if (!s)
		return;
	while (s->conns)
		conn_free(s, s->conns);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->path && !lstat(s->path, &st) && st.st_dev == s->dev && st.st_ino == s->ino)
		unlink(s->path);
	if (s->epfd >= 0)
		close(s->epfd);
	for (i = 0; i < s->n_cmds; i++) {
		free(s->cmds[i].name);
		free(s->cmds[i].usage);
	}
	free(s->cmds);
	free(s->path);
	free(s);
}

/* --- client --- */

char *ctl_request_encode(const char *command, int argc, char *const argv[])
{
	json_t *args = json_array(), *root;
	char *out;
	int i;

	for (i = 0; i < argc; i++)
		json_array_append_new(args, json_stringn_nocheck(argv[i], strlen(argv[i])));
	root = json_pack("{s:s, s:o}", "command", command, "args", args);
	if (!root)
		return NULL;
	out = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return out;
}

int ctl_reply_decode(const char *line, json_t **result, char **error)
{
	json_t *root, *ok;
	json_error_t jerr;
	int err = 0;

	*result = NULL;
	*error = NULL;
	root = json_loads(line, 0, &jerr);
	ok = json_object_get(root, "ok");
	if (!root || !json_is_boolean(ok)) {
		if (asprintf(error, "malformed reply from ovnbpfd: %.80s", line) < 0)
			*error = NULL;
		json_decref(root);
		return -EPROTO;
	}
	if (json_is_true(ok)) {
		*result = json_incref(json_object_get(root, "result"));
		if (!*result)
			*result = json_null();
	} else {
		const char *e = json_string_value(json_object_get(root, "error"));

		*error = strdup(e ? e : "error (no text)");
		err = -EREMOTEIO;
	}
	json_decref(root);
	return err;
}

static int client_fail(char **error, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(error, fmt, ap) < 0)
		*error = NULL;
	va_end(ap);
	return err;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

int ctl_call(const char *path, const char *command, int argc, char *const argv[],
	     int timeout_ms, json_t **result, char **error)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *req = NULL, *buf = NULL, *nl;
	size_t len = 0, cap = 0, off = 0, req_len;
	long deadline = now_ms() + timeout_ms;
	int fd = -1, err;

	*result = NULL;
	*error = NULL;
	if (strlen(path) >= sizeof(sa.sun_path))
		return client_fail(error, -ENAMETOOLONG, "%s: path too long", path);
	strcpy(sa.sun_path, path);
	req = ctl_request_encode(command, argc, argv);
	if (!req)
		return client_fail(error, -ENOMEM, "out of memory");
	req_len = strlen(req);
	req[req_len++] = '\n';	/* replaces the NUL: we send by length */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		err = client_fail(error, -errno, "socket: %s", strerror(errno));
		goto cleanup;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = client_fail(error, -errno, "cannot connect to %s: %s (is ovnbpfd running?)",
				  path, strerror(errno));
		goto cleanup;
	}
	for (;;) {
		struct pollfd pfd = { .fd = fd };
		long left = deadline - now_ms();
		ssize_t n;

		pfd.events = off < req_len ? POLLOUT : POLLIN;
		if (left <= 0) {
			err = client_fail(error, -ETIMEDOUT, "%s: no reply from ovnbpfd within %d ms",
					  path, timeout_ms);
			goto cleanup;
		}
		if (poll(&pfd, 1, left) < 0 && errno != EINTR) {
			err = client_fail(error, -errno, "poll: %s", strerror(errno));
			goto cleanup;
		}
		if (off < req_len) {
			n = send(fd, req + off, req_len - off, MSG_NOSIGNAL);
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				err = client_fail(error, -errno, "send to %s: %s", path,
						  strerror(errno));
				goto cleanup;
			}
			if (n > 0)
				off += n;
			continue;
		}
		if (cap - len < 4096) {
			char *p = realloc(buf, cap = cap ? cap * 2 : 8192);

			if (!p) {
				err = client_fail(error, -ENOMEM, "out of memory");
				goto cleanup;
			}
			buf = p;
		}
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			err = client_fail(error, -errno, "recv from %s: %s", path, strerror(errno));
			goto cleanup;
		}
		if (n == 0) {
			err = client_fail(error, -ECONNRESET, "%s: ovnbpfd closed the connection",
					  path);
			goto cleanup;
		}
		len += n;
		buf[len] = '\0';
		nl = memchr(buf, '\n', len);
		if (nl) {
			*nl = '\0';
			err = ctl_reply_decode(buf, result, error);
			goto cleanup;
		}
	}
cleanup:
	if (fd >= 0)
		close(fd);
	free(req);
	free(buf);
	return err;
}
