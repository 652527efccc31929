// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ovsdb-client/stream.h"

/* Read at most this much per ovsdb_stream_recv() call before handing a
 * message out, so that one busy connection cannot starve the loop. */
#define READ_CHUNK (4u << 20)

/* Split "tcp:HOST:PORT" / "tcp:[HOST]:PORT" into HOST and PORT. */
static int parse_tcp(const char *spec, char *host, size_t hlen, char *port,
		     size_t plen)
{
	const char *colon;
	size_t n;

	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');

		if (!end || end[1] != ':')
			return -EINVAL;
		n = (size_t)(end - spec - 1);
		if (n >= hlen)
			return -EINVAL;
		memcpy(host, spec + 1, n);
		host[n] = '\0';
		colon = end + 1;
	} else {
		colon = strrchr(spec, ':');
		if (!colon)
			return -EINVAL;
		n = (size_t)(colon - spec);
		if (n >= hlen || !n)
			return -EINVAL;
		memcpy(host, spec, n);
		host[n] = '\0';
	}
	if (!colon[1] || strlen(colon + 1) >= plen ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return -EINVAL;
	strcpy(port, colon + 1);
	return 0;
}

bool ovsdb_stream_remote_valid(const char *remote)
{
	char host[256], port[16];

	if (!strncmp(remote, "unix:", 5))
		return remote[5] && strlen(remote + 5) <
			sizeof(((struct sockaddr_un *)0)->sun_path);
	if (!strncmp(remote, "tcp:", 4))
		return !parse_tcp(remote + 4, host, sizeof(host), port,
				  sizeof(port));
	return false;
}

static int open_unix(const char *path, int *fdp)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	*fdp = fd;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		int err = errno;

		/* EAGAIN: the listen backlog is full; count as failure. */
		if (err == EINPROGRESS)
			return 1;
		close(fd);
		*fdp = -1;
		return -err;
	}
	return 0;
}

static int open_tcp(const char *spec, int *fdp)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
	}, *ai = NULL;
	char host[256], port[16];
	int fd, ret, one = 1;

	if (parse_tcp(spec, host, sizeof(host), port, sizeof(port)))
		return -EINVAL;
	ret = getaddrinfo(host, port, &hints, &ai);
	if (ret || !ai)
		return -EINVAL;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	*fdp = fd;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		ret = errno == EINPROGRESS ? 1 : -errno;
		if (ret < 0) {
			close(fd);
			*fdp = -1;
		}
		goto out;
	}
	ret = 0;
out:
	freeaddrinfo(ai);
	return ret;
}

int ovsdb_stream_open(const char *remote, size_t max_msg,
		      struct ovsdb_stream **out)
{
	struct ovsdb_stream *s;
	int ret, fd = -1;

	*out = NULL;
	if (!strncmp(remote, "unix:", 5))
		ret = open_unix(remote + 5, &fd);
	else if (!strncmp(remote, "tcp:", 4))
		ret = open_tcp(remote + 4, &fd);
	else
		ret = -EAFNOSUPPORT;
	if (ret < 0)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->name = strdup(remote))) {
		free(s);
		close(fd);
		return -ENOMEM;
	}
	s->fd = fd;
	s->connecting = ret == 1;
	s->is_unix = !strncmp(remote, "unix:", 5);
	ovsdb_framer_init(&s->in, max_msg);
	*out = s;
	return 0;
}

void ovsdb_stream_close(struct ovsdb_stream *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	ovsdb_framer_destroy(&s->in);
	free(s->out);
	free(s->name);
	free(s);
}

short ovsdb_stream_events(const struct ovsdb_stream *s)
{
	if (s->connecting)
		return POLLOUT;
	return POLLIN | (s->out_len > s->out_off ? POLLOUT : 0);
}

static int flush_out(struct ovsdb_stream *s)
{
	while (s->out_off < s->out_len) {
		ssize_t n = send(s->fd, s->out + s->out_off,
				 s->out_len - s->out_off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
		s->out_off += (size_t)n;
	}
	s->out_off = s->out_len = 0;
	return 0;
}

int ovsdb_stream_run(struct ovsdb_stream *s)
{
	if (s->connecting) {
		struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };
		int err = 0;
		socklen_t len = sizeof(err);

		if (poll(&pfd, 1, 0) <= 0)
			return 0;	/* still connecting */
		if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len))
			return -errno;
		if (err)
			return -err;
		s->connecting = false;
	}
	return flush_out(s);
}

int ovsdb_stream_send(struct ovsdb_stream *s, json_t *msg)
{
	size_t need;
	char *text;

	text = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (!text)
		return -ENOMEM;
	need = strlen(text);
	if (s->out_off && s->out_off == s->out_len)
		s->out_off = s->out_len = 0;
	if (s->out_cap - s->out_len < need) {
		size_t ncap = s->out_cap ? s->out_cap : 4096;
		char *nb;

		while (ncap - s->out_len < need)
			ncap *= 2;
		nb = realloc(s->out, ncap);
		if (!nb) {
			free(text);
			return -ENOMEM;
		}
		s->out = nb;
		s->out_cap = ncap;
	}
	memcpy(s->out + s->out_len, text, need);
	s->out_len += need;
	free(text);
	if (s->connecting)
		return 0;
	return flush_out(s);
}

int ovsdb_stream_recv(struct ovsdb_stream *s, char **msg, size_t *len,
		      char *errbuf, size_t errlen)
{
	size_t budget = READ_CHUNK;
	int ret;

	*msg = NULL;
	if (s->connecting)
		return 0;
	for (;;) {
		size_t room;
		ssize_t n;
		char *p;

		ret = ovsdb_framer_next_span(&s->in, msg, len, errbuf, errlen);
		if (ret)
			return ret;
		if (!budget)
			return 0;
		p = ovsdb_framer_space(&s->in, 65536, &room);
		if (!p)
			return -ENOMEM;
		if (room > budget)
			room = budget;
		n = recv(s->fd, p, room, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
		if (n == 0)
			return -ECONNRESET;
		ovsdb_framer_commit(&s->in, (size_t)n);
		s->rx_bytes += (unsigned long long)n;
		budget -= (size_t)n;
	}
}
