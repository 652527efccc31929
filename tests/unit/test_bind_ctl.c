// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The control socket protocol: request dispatch (argument counts, unknown
 * commands, malformed requests), reply decoding, and the real socket (mode
 * 0600, several requests per connection, a second server refused, a stale
 * socket replaced).
 */
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "loader/ctl_socket.h"
#include "tests/test_progs.h"

static void h_echo(struct ctl_reply *r, int argc, const char *argv[], void *aux)
{
	json_t *a = json_array();
	int i;

	(*(int *)aux)++;
	for (i = 0; i < argc; i++)
		json_array_append_new(a, json_string(argv[i]));
	ctl_reply_ok(r, a);
}

static void h_fail(struct ctl_reply *r, int argc, const char *argv[], void *aux)
{
	ctl_reply_error(r, "no luck with %s", argv[0]);
	ctl_reply_ok(r, json_true());	/* ignored: the first answer wins */
}

static void h_silent(struct ctl_reply *r, int argc, const char *argv[], void *aux)
{
}

/* Dispatch LINE; return the decoded reply's error, or NULL and *res. */
static char *roundtrip(struct ctl_server *s, const char *line, json_t **res, int *rc)
{
	char *reply = ctl_server_handle_line(s, line, strlen(line));
	char *err = NULL;

	*res = NULL;
	if (!ASSERT_OK_PTR(reply, "reply"))
		return NULL;
	ASSERT_TRUE(!strchr(reply, '\n'), "reply is one line");
	*rc = ctl_reply_decode(reply, res, &err);
	free(reply);
	return err;
}

static void test_dispatch(void)
{
	struct ctl_server *s = NULL;
	json_t *res;
	char *err, *req;
	char *args[] = { "a", "b\"c", "d\n" };
	int calls = 0, rc;

	if (!ASSERT_OK(ctl_server_open(NULL, &s), "open"))
		return;
	ASSERT_OK(ctl_server_register(s, "echo", "[ARG...]", 0, 3, h_echo, &calls), "reg echo");
	ASSERT_OK(ctl_server_register(s, "fail", "X", 1, 1, h_fail, NULL), "reg fail");
	ASSERT_OK(ctl_server_register(s, "silent", "", 0, 0, h_silent, NULL), "reg silent");
	ASSERT_EQ(ctl_server_register(s, "echo", "", 0, 0, h_echo, NULL), -EINVAL, "dup");
	ASSERT_EQ(ctl_server_register(s, "x", "", 2, 1, h_echo, NULL), -EINVAL, "min>max");

	req = ctl_request_encode("echo", 3, args);
	err = roundtrip(s, req, &res, &rc);
	free(req);
	ASSERT_EQ(rc, 0, "echo ok");
	ASSERT_NULL(err, "no error");
	ASSERT_EQ(json_array_size(res), 3, "three args back");
	ASSERT_STREQ(json_string_value(json_array_get(res, 1)), "b\"c", "quote survives");
	ASSERT_STREQ(json_string_value(json_array_get(res, 2)), "d\n", "newline survives");
	ASSERT_EQ(calls, 1, "handler called once");
	json_decref(res);

	err = roundtrip(s, "{\"command\":\"echo\",\"args\":[\"1\",\"2\",\"3\",\"4\"]}", &res, &rc);
	ASSERT_EQ(rc, -EREMOTEIO, "too many args refused");
	ASSERT_TRUE(err && strstr(err, "usage: echo [ARG...]"), "usage in error");
	ASSERT_EQ(calls, 1, "handler not called");
	free(err);

	err = roundtrip(s, "{\"command\":\"fail\",\"args\":[\"x\"]}", &res, &rc);
	ASSERT_EQ(rc, -EREMOTEIO, "handler error");
	ASSERT_STREQ(err, "no luck with x", "handler's text");
	free(err);

	err = roundtrip(s, "{\"command\":\"silent\"}", &res, &rc);
	ASSERT_EQ(rc, 0, "silent handler answers");
	ASSERT_TRUE(json_is_null(res), "with null");
	json_decref(res);

	err = roundtrip(s, "{\"command\":\"nope\"}", &res, &rc);
	ASSERT_TRUE(rc == -EREMOTEIO && err && strstr(err, "unknown command 'nope'"),
		    "unknown command");
	free(err);

	err = roundtrip(s, "{\"command\":\"echo\",\"args\":[1]}", &res, &rc);
	ASSERT_TRUE(rc == -EREMOTEIO && err && strstr(err, "not a string"), "non-string arg");
	free(err);

	err = roundtrip(s, "{\"command\":\"echo\",\"args\":[\"a\\u0000b\"]}", &res, &rc);
	ASSERT_TRUE(rc == -EREMOTEIO && err && strstr(err, "NUL"), "NUL in arg");
	free(err);

	err = roundtrip(s, "{\"command\":\"echo\",\"args\":\"a\"}", &res, &rc);
	ASSERT_EQ(rc, -EREMOTEIO, "args not an array");
	free(err);

	err = roundtrip(s, "{\"command\":\"echo\",\"command\":\"fail\"}", &res, &rc);
	ASSERT_EQ(rc, -EREMOTEIO, "duplicate key refused");
	free(err);

	err = roundtrip(s, "[\"echo\"]", &res, &rc);
	ASSERT_EQ(rc, -EREMOTEIO, "array request refused");
	free(err);

	err = roundtrip(s, "{\"command\": ", &res, &rc);
	ASSERT_TRUE(rc == -EREMOTEIO && err && strstr(err, "bad request"), "truncated JSON");
	free(err);

	err = roundtrip(s, "", &res, &rc);
	ASSERT_EQ(rc, -EREMOTEIO, "empty line");
	free(err);

	err = roundtrip(s, "{\"command\":\"list-commands\"}", &res, &rc);
	ASSERT_EQ(rc, 0, "list-commands");
	ASSERT_EQ(json_array_size(res), 4, "four commands");
	json_decref(res);

	ASSERT_EQ(ctl_reply_decode("hello", &res, &err), -EPROTO, "not JSON");
	free(err);
	ASSERT_EQ(ctl_reply_decode("{\"result\":1}", &res, &err), -EPROTO, "no ok");
	free(err);
	ASSERT_EQ(ctl_reply_decode("{\"ok\":true}", &res, &err), 0, "ok without result");
	ASSERT_TRUE(json_is_null(res), "is null");
	json_decref(res);
	ctl_server_close(s);
}

struct serve_arg {
	struct ctl_server *s;
	volatile int stop;
};

static void *serve(void *p)
{
	struct serve_arg *a = p;

	while (!a->stop) {
		struct pollfd pfd = { .fd = ctl_server_fd(a->s), .events = POLLIN };

		if (poll(&pfd, 1, 20) > 0)
			ctl_server_run(a->s);
	}
	return NULL;
}

/* Send raw BYTES, then half-close, and read everything back. */
static char *raw_exchange(const char *path, const char *bytes)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *buf = calloc(1, 65536);
	size_t len = 0;
	ssize_t n;
	int fd;

	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || !buf || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    write(fd, bytes, strlen(bytes)) != (ssize_t)strlen(bytes)) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return NULL;
	}
	shutdown(fd, SHUT_WR);
	while (len < 65535 && (n = read(fd, buf + len, 65535 - len)) > 0)
		len += n;
	close(fd);
	return buf;
}

static void test_socket(void)
{
	char dir[] = "/tmp/ovnbpf-test-bind-ctl.XXXXXX", path[256], *err = NULL, *out;
	struct serve_arg a = { 0 };
	struct ctl_server *s2 = NULL;
	char *args[] = { "x", "y" };
	pthread_t th;
	struct stat st;
	json_t *res = NULL;
	int calls = 0, i;

	if (!ASSERT_OK_PTR(mkdtemp(dir), "mkdtemp"))
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, CTL_SOCKET_NAME);

	ASSERT_EQ(ctl_call(path, "echo", 0, NULL, 1000, &res, &err), -ENOENT, "no daemon");
	ASSERT_TRUE(err && strstr(err, "is ovnbpfd running"), "says so");
	free(err);

	if (!ASSERT_OK(ctl_server_open(path, &a.s), "open"))
		goto out;
	ASSERT_OK(ctl_server_register(a.s, "echo", "", 0, 2, h_echo, &calls), "register");
	ASSERT_OK(stat(path, &st), "socket exists");
	ASSERT_TRUE(S_ISSOCK(st.st_mode), "is a socket");
	ASSERT_EQ(st.st_mode & 0777, 0600, "mode 0600");
	ASSERT_EQ(ctl_server_open(path, &s2), -EADDRINUSE, "second server refused");
	ASSERT_OK(stat(path, &st), "first socket still there");

	if (!ASSERT_OK(pthread_create(&th, NULL, serve, &a), "thread"))
		goto out;
	for (i = 0; i < 20; i++) {
		err = NULL;
		if (!ASSERT_OK(ctl_call(path, "echo", 2, args, 5000, &res, &err), "call"))
			break;
		ASSERT_STREQ(json_string_value(json_array_get(res, 1)), "y", "answer");
		json_decref(res);
	}
	ASSERT_EQ(calls, 20, "twenty calls");

	/* Several requests on one connection, the last without newline. */
	out = raw_exchange(path, "{\"command\":\"echo\",\"args\":[\"1\"]}\n"
				 "garbage\n"
				 "{\"command\":\"echo\",\"args\":[\"3\"]}");
	ASSERT_OK_PTR(out, "raw exchange");
	if (out) {
		char *l2 = strchr(out, '\n'), *l3 = l2 ? strchr(l2 + 1, '\n') : NULL;

		ASSERT_TRUE(!strncmp(out, "{\"ok\":true,\"result\":[\"1\"]}\n", 27), "first");
		ASSERT_TRUE(l2 && !strncmp(l2 + 1, "{\"ok\":false", 11), "second refused");
		ASSERT_TRUE(l3 && !strcmp(l3 + 1, "{\"ok\":true,\"result\":[\"3\"]}\n"), "third");
	}
	free(out);

	/* A request longer than the limit is refused, the server lives on. */
	{
		size_t n = CTL_MAX_REQUEST + 100;
		char *big = malloc(n + 1);

		if (big) {
			memset(big, 'x', n);
			big[n] = '\0';
			out = raw_exchange(path, big);
			ASSERT_TRUE(out && strstr(out, "too long"), "long request refused");
			free(out);
			free(big);
		}
	}
	err = NULL;
	ASSERT_OK(ctl_call(path, "echo", 0, NULL, 5000, &res, &err), "still serving");
	json_decref(res);

	a.stop = 1;
	pthread_join(th, NULL);
	ctl_server_close(a.s);
	a.s = NULL;
	ASSERT_ERR(stat(path, &st), "socket removed on close");

	/* A stale socket (bound, nobody listening) is replaced. */
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		strcpy(sa.sun_path, path);
		ASSERT_OK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), "stale bind");
		close(fd);
		ASSERT_OK(ctl_server_open(path, &s2), "stale socket replaced");
		ctl_server_close(s2);
		s2 = NULL;
	}
	/* Something that is not a socket is left alone. */
	{
		FILE *f = fopen(path, "w");

		if (f)
			fclose(f);
		ASSERT_EQ(ctl_server_open(path, &s2), -EEXIST, "regular file refused");
		ASSERT_OK(stat(path, &st), "file kept");
		unlink(path);
	}
out:
	ctl_server_close(a.s);
	rmdir(dir);
}

void test_bind_ctl(void)
{
	if (test__start_subtest("dispatch"))
		test_dispatch();
	if (test__start_subtest("socket"))
		test_socket();
}
