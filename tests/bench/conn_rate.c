// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * conn_rate: new TCP connections per second.
 *
 *   conn_rate -s PORT                  server: accept and close, forever
 *   conn_rate [-p N] DST PORT SECONDS  client: N processes each open a
 *                                      connection, wait for the server's
 *                                      close, close, repeat; prints
 *                                      "conns=C fails=F secs=S rate=R"
 *
 * Each connection is a full handshake plus one round trip of teardown:
 * the server closes first (FIN), the client sees EOF and closes with
 * SO_LINGER 0 (RST), so neither side keeps TIME_WAIT sockets and the
 * client's ephemeral ports never run out however long it runs.  Every
 * connection is new to conntrack (a new source port).  Built by the
 * bench scripts with cc (not part of `make`).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int serve(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 1024)) {
		perror("conn_rate: server");
		return 1;
	}
	for (;;) {
		int c = accept(s, NULL, NULL);

		if (c >= 0)
			close(c);
	}
}

/* One worker: connections until END; counts into *CONNS / *FAILS. */
static void work(const struct sockaddr_in *dst, double end, unsigned long *conns,
		 unsigned long *fails)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct timeval tv = { .tv_sec = 1 };
	char b;

	while (now_s() < end) {
		int s = socket(AF_INET, SOCK_STREAM, 0);

		if (s < 0) {
			(*fails)++;
			continue;
		}
		setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		/* read() == 0: the server's FIN arrived, the connection
		 * went through both directions of the datapath. */
		if (!connect(s, (const struct sockaddr *)dst, sizeof(*dst)) && read(s, &b, 1) == 0)
			(*conns)++;
		else
			(*fails)++;
		close(s);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	unsigned long conns = 0, fails = 0;
	int n = 1, i, fd[2];
	double t0, secs;

	if (argc == 3 && !strcmp(argv[1], "-s"))
		return serve(atoi(argv[2]));
	if (argc == 6 && !strcmp(argv[1], "-p")) {
		n = atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc != 4 || n < 1 || inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) {
		fprintf(stderr, "usage: conn_rate -s PORT | conn_rate [-p N] DST PORT SECONDS\n");
		return 2;
	}
	dst.sin_port = htons(atoi(argv[2]));
	secs = atof(argv[3]);
	if (pipe(fd))
		return 1;
	t0 = now_s();
	for (i = 0; i < n; i++) {
		if (fork() == 0) {
			unsigned long r[2] = { 0, 0 };

			work(&dst, t0 + secs, &r[0], &r[1]);
			if (write(fd[1], r, sizeof(r)) != sizeof(r))
				_exit(1);
			_exit(0);
		}
	}
	close(fd[1]);
	for (i = 0; i < n; i++) {
		unsigned long r[2];

		if (read(fd[0], r, sizeof(r)) == sizeof(r)) {
			conns += r[0];
			fails += r[1];
		}
	}
	while (wait(NULL) > 0)
		;
	secs = now_s() - t0;
	printf("conns=%lu fails=%lu secs=%.2f rate=%.0f\n", conns, fails, secs, conns / secs);
	return 0;
}
