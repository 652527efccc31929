// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "loader/iface.h"
#include "loader/log.h"

/* How long iface_monitor_open() waits for the first dump. */
#define IFACE_DUMP_TIMEOUT_MS 5000
#define IFACE_RCVBUF (4 << 20)

struct iface {
	int ifindex;
	char name[IFNAMSIZ];
	unsigned int gen;	/* dump generation that last saw it */
};

struct iface_monitor {
	int fd;
	iface_event_fn *fn;
	void *aux;
	struct iface *v;
	size_t n, cap;

	unsigned int gen;	/* current dump generation */
	__u32 dump_seq;		/* seq of the dump in progress, 0 if none */
	bool dump_intr;		/* the running dump was inconsistent */
	bool resync_pending;	/* notifications were lost: dump again */
	bool resyncing;		/* the running dump must purge the unseen */
	__u32 next_seq;
};

static struct iface *find_ifindex(struct iface_monitor *m, int ifindex)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->v[i].ifindex == ifindex)
			return &m->v[i];
	return NULL;
}

static struct iface *find_name(const struct iface_monitor *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->v[i].name, name))
			return &m->v[i];
	return NULL;
}

int iface_monitor_ifindex(const struct iface_monitor *m, const char *name)
{
	const struct iface *i = find_name(m, name);

	return i ? i->ifindex : 0;
}

/* Remove entry I (reporting it gone). */
static void iface_gone(struct iface_monitor *m, struct iface *i)
{
	struct iface old = *i;

	*i = m->v[--m->n];
	pr_dbg("iface", "%s (ifindex %d) gone", old.name, old.ifindex);
	m->fn(m->aux, old.name, old.ifindex, false);
}

static void iface_present(struct iface_monitor *m, int ifindex, const char *name)
{
	struct iface *i = find_ifindex(m, ifindex);

	if (i && !strcmp(i->name, name)) {
		i->gen = m->gen;
		return;
	}
	/* A rename is the old name going and the new one coming. */
	if (i)
		iface_gone(m, i);
	/* The same name on another ifindex: we missed a deletion. */
	i = find_name(m, name);
	if (i)
		iface_gone(m, i);
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct iface *v = realloc(m->v, cap * sizeof(*v));

		if (!v) {
			pr_err("iface", "out of memory tracking %s", name);
			return;
		}
		m->v = v;
		m->cap = cap;
	}
	i = &m->v[m->n++];
	i->ifindex = ifindex;
	strcpy(i->name, name);
	i->gen = m->gen;
	pr_dbg("iface", "%s (ifindex %d) present", name, ifindex);
	m->fn(m->aux, name, ifindex, true);
}

/* One RTM_NEWLINK or RTM_DELLINK.  Returns 0 or -EINVAL. */
static int handle_link(struct iface_monitor *m, const struct nlmsghdr *nh)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(nh);
	const char *name = NULL;
	const struct rtattr *rta;
	int len;

	if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return -EINVAL;
	/* Bridge port notifications (AF_BRIDGE) come and go with bridge
	 * membership while the device stays: only AF_UNSPEC tells about
	 * the device itself. */
	if (ifi->ifi_family != AF_UNSPEC)
		return 0;
	if (ifi->ifi_index <= 0)
		return -EINVAL;
	if (nh->nlmsg_type == RTM_DELLINK) {
		struct iface *i = find_ifindex(m, ifi->ifi_index);

		if (i)
			iface_gone(m, i);
		return 0;
	}
	len = nh->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi));
	for (rta = IFLA_RTA(ifi); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type != IFLA_IFNAME)
			continue;
		name = RTA_DATA(rta);
		if (RTA_PAYLOAD(rta) < 2 || RTA_PAYLOAD(rta) > IFNAMSIZ ||
		    strnlen(name, RTA_PAYLOAD(rta)) != RTA_PAYLOAD(rta) - 1)
			return -EINVAL;
	}
	if (!name)
		return -EINVAL;
	iface_present(m, ifi->ifi_index, name);
	return 0;
}

static void dump_done(struct iface_monitor *m)
{
	size_t i;

	if (m->resyncing) {
		/* Whatever the fresh dump did not show is gone. */
		for (i = 0; i < m->n;) {
			if (m->v[i].gen != m->gen)
				iface_gone(m, &m->v[i]);
			else
				i++;
		}
		m->resyncing = false;
	}
	m->dump_seq = 0;
	if (m->dump_intr) {
		pr_info("iface", "link dump was interrupted by changes; dumping again");
		m->dump_intr = false;
		m->resync_pending = true;
	}
}

int iface_monitor_input(struct iface_monitor *m, const void *buf, size_t len)
{
	const struct nlmsghdr *nh;
	int applied = 0;
	int left = len > (size_t)INT32_MAX ? INT32_MAX : (int)len;

	for (nh = buf; NLMSG_OK(nh, left); nh = NLMSG_NEXT(nh, left)) {
		bool ours = m->dump_seq && nh->nlmsg_seq == m->dump_seq;

		if (ours && (nh->nlmsg_flags & NLM_F_DUMP_INTR))
			m->dump_intr = true;
		switch (nh->nlmsg_type) {
		case RTM_NEWLINK:
		case RTM_DELLINK:
			if (handle_link(m, nh))
				pr_warn("iface", "malformed %s message (len %u), skipped",
					nh->nlmsg_type == RTM_NEWLINK ? "RTM_NEWLINK"
								       : "RTM_DELLINK",
					nh->nlmsg_len);
			else
				applied++;
			break;
		case NLMSG_DONE:
			if (ours)
				dump_done(m);
			break;
		case NLMSG_ERROR:
			if (ours) {
				const struct nlmsgerr *e = NLMSG_DATA(nh);

				if (nh->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)))
					pr_err("iface", "link dump failed: %s",
					       strerror(-e->error));
				m->dump_seq = 0;
				m->resyncing = false;
				m->resync_pending = true;
			}
			break;
		default:
			break;
		}
	}
	if (left > 0)
		pr_warn("iface", "%d trailing bytes in a netlink buffer, skipped", left);
	return applied;
}

static int send_dump(struct iface_monitor *m)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = RTM_GETLINK,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		},
		.ifi = { .ifi_family = AF_UNSPEC },
	};
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (!++m->next_seq)
		m->next_seq = 1;
	req.nh.nlmsg_seq = m->next_seq;
	if (sendto(m->fd, &req, sizeof(req), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		pr_err("iface", "RTM_GETLINK dump: %s", strerror(errno));
		return -errno;
	}
	m->dump_seq = m->next_seq;
	m->dump_intr = false;
	return 0;
}

/* Rebuild the table from a new dump; report only differences. */
static int start_resync(struct iface_monitor *m)
{
	int err;

	if (m->dump_seq) {
		/* A dump is running; it may have lost messages as well. */
		m->resync_pending = true;
		return 0;
	}
	m->resync_pending = false;
	m->gen++;
	m->resyncing = true;
	err = send_dump(m);
	if (err) {
		m->resyncing = false;
		m->resync_pending = true;
	}
	return err;
}

int iface_monitor_run(struct iface_monitor *m)
{
	/* Netlink messages are aligned: keep the buffer aligned too. */
	static __u64 buf[65536 / sizeof(__u64)];

	if (m->fd < 0)
		return 0;
	for (;;) {
		ssize_t n = recv(m->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			if (errno == ENOBUFS) {
				pr_warn("iface", "netlink notifications lost; resynchronising");
				start_resync(m);
				continue;
			}
			pr_err("iface", "netlink recv: %s", strerror(errno));
			return -errno;
		}
		if ((size_t)n > sizeof(buf)) {
			pr_warn("iface", "netlink message of %zd bytes truncated; resynchronising",
				n);
			start_resync(m);
			continue;
		}
		iface_monitor_input(m, buf, n);
	}
	if (m->resync_pending && !m->dump_seq)
		start_resync(m);
	return 0;
}

int iface_monitor_fd(const struct iface_monitor *m)
{
	return m->fd;
}

struct iface_monitor *iface_monitor_create(iface_event_fn *fn, void *aux)
{
	struct iface_monitor *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->fd = -1;
	m->fn = fn;
	m->aux = aux;
	m->gen = 1;
	return m;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

int iface_monitor_open(iface_event_fn *fn, void *aux, struct iface_monitor **out)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	int rcvbuf = IFACE_RCVBUF, err;
	struct iface_monitor *m;
	long deadline;

	*out = NULL;
	m = iface_monitor_create(fn, aux);
	if (!m)
		return -ENOMEM;
	m->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (m->fd < 0) {
		err = -errno;
		pr_err("iface", "netlink socket: %s", strerror(errno));
		goto cleanup;
	}
	/* Bursts of link changes (a node starting many pods) should not
	 * overflow into a resync; FORCE works for root, the plain one is
	 * capped by rmem_max. */
	if (setsockopt(m->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(m->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(m->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		pr_err("iface", "netlink bind: %s", strerror(errno));
		goto cleanup;
	}
	err = send_dump(m);
	if (err)
		goto cleanup;
	deadline = now_ms() + IFACE_DUMP_TIMEOUT_MS;
	while (m->dump_seq || m->resync_pending) {
		struct pollfd pfd = { .fd = m->fd, .events = POLLIN };
		long left = deadline - now_ms();

		if (left <= 0) {
			pr_err("iface", "no answer to the link dump within %d ms",
			       IFACE_DUMP_TIMEOUT_MS);
			err = -ETIMEDOUT;
			goto cleanup;
		}
		if (poll(&pfd, 1, left) < 0 && errno != EINTR) {
			err = -errno;
			goto cleanup;
		}
		err = iface_monitor_run(m);
		if (err)
			goto cleanup;
	}
	pr_info("iface", "%zu network interfaces present", m->n);
	*out = m;
	return 0;
cleanup:
	iface_monitor_close(m);
	return err;
}

void iface_monitor_close(struct iface_monitor *m)
{
	if (!m)
		return;
	if (m->fd >= 0)
		close(m->fd);
	free(m->v);
	free(m);
}
