// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Interface presence from netlink messages built here (no socket, no
 * root): appear, disappear, re-creation with a new ifindex, rename, bridge
 * port noise, malformed messages.  Then local_vifs on top of it: a binding
 * made before its interface, duplicate ports refused, re-binding, and the
 * bindings surviving a restart through the state file.
 */
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "loader/iface.h"
#include "loader/local_vifs.h"
#include "tests/test_progs.h"

struct nlbuf {
	__u64 space[2048];	/* aligned, like a recv buffer */
	size_t len;
};

static struct nlmsghdr *nl_link(struct nlbuf *b, int type, int family, int ifindex,
				const char *name, int name_len)
{
	struct nlmsghdr *nh = (void *)((char *)b->space + b->len);
	struct ifinfomsg *ifi;
	struct rtattr *rta;

	memset(nh, 0, NLMSG_SPACE(sizeof(*ifi)) + RTA_SPACE(IFNAMSIZ + 8));
	nh->nlmsg_type = type;
	nh->nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
	ifi = NLMSG_DATA(nh);
	ifi->ifi_family = family;
	ifi->ifi_index = ifindex;
	if (name) {
		rta = (void *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));
		rta->rta_type = IFLA_IFNAME;
		rta->rta_len = RTA_LENGTH(name_len);
		memcpy(RTA_DATA(rta), name, name_len);
		nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	}
	b->len += NLMSG_ALIGN(nh->nlmsg_len);
	return nh;
}

static void newlink(struct nlbuf *b, int ifindex, const char *name)
{
	nl_link(b, RTM_NEWLINK, AF_UNSPEC, ifindex, name, strlen(name) + 1);
}

static void dellink(struct nlbuf *b, int ifindex, const char *name)
{
	nl_link(b, RTM_DELLINK, AF_UNSPEC, ifindex, name, strlen(name) + 1);
}

struct events {
	char log[4096];
};

static void record(void *aux, const char *name, int ifindex, bool present)
{
	struct events *e = aux;
	size_t l = strlen(e->log);

	snprintf(e->log + l, sizeof(e->log) - l, "%s%s/%d ", present ? "+" : "-", name,
		 ifindex);
}

static void test_presence(void)
{
	struct events ev = { 0 };
	struct iface_monitor *m = iface_monitor_create(record, &ev);
	struct nlbuf b = { 0 };

	if (!ASSERT_OK_PTR(m, "create"))
		return;
	newlink(&b, 5, "veth-a");
	newlink(&b, 6, "veth-b");
	newlink(&b, 5, "veth-a");	/* a flags change: no event */
	ASSERT_EQ(iface_monitor_input(m, b.space, b.len), 3, "three applied");
	ASSERT_STREQ(ev.log, "+veth-a/5 +veth-b/6 ", "two appeared");
	ASSERT_EQ(iface_monitor_ifindex(m, "veth-a"), 5, "lookup a");
	ASSERT_EQ(iface_monitor_ifindex(m, "nope"), 0, "lookup absent");

	/* Re-created: gone with the old index, back with a new one. */
	ev.log[0] = 0;
	b.len = 0;
	dellink(&b, 5, "veth-a");
	newlink(&b, 9, "veth-a");
	iface_monitor_input(m, b.space, b.len);
	ASSERT_STREQ(ev.log, "-veth-a/5 +veth-a/9 ", "re-created");
	ASSERT_EQ(iface_monitor_ifindex(m, "veth-a"), 9, "new ifindex");

	/* A missed deletion: the name shows up on another index. */
	ev.log[0] = 0;
	b.len = 0;
	newlink(&b, 12, "veth-a");
	iface_monitor_input(m, b.space, b.len);
	ASSERT_STREQ(ev.log, "-veth-a/9 +veth-a/12 ", "stale entry replaced");

	/* Rename. */
	ev.log[0] = 0;
	b.len = 0;
	newlink(&b, 6, "pod-b");
	iface_monitor_input(m, b.space, b.len);
	ASSERT_STREQ(ev.log, "-veth-b/6 +pod-b/6 ", "rename");
	ASSERT_EQ(iface_monitor_ifindex(m, "veth-b"), 0, "old name gone");

	/* A bridge port leaving its bridge is no device deletion. */
	ev.log[0] = 0;
	b.len = 0;
	nl_link(&b, RTM_DELLINK, AF_BRIDGE, 6, "pod-b", 6);
	iface_monitor_input(m, b.space, b.len);
	ASSERT_STREQ(ev.log, "", "AF_BRIDGE ignored");
	ASSERT_EQ(iface_monitor_ifindex(m, "pod-b"), 6, "still there");

	/* Malformed: no name, name without NUL, name too long, bad index,
	 * truncated header; the good message after them still counts. */
	ev.log[0] = 0;
	b.len = 0;
	nl_link(&b, RTM_NEWLINK, AF_UNSPEC, 20, NULL, 0);
	nl_link(&b, RTM_NEWLINK, AF_UNSPEC, 21, "abc", 3);
	nl_link(&b, RTM_NEWLINK, AF_UNSPEC, 22, "0123456789abcdefghij", 21);
	nl_link(&b, RTM_NEWLINK, AF_UNSPEC, -1, "neg", 4);
	{
		struct nlmsghdr *nh = nl_link(&b, RTM_NEWLINK, AF_UNSPEC, 23, NULL, 0);

		nh->nlmsg_len = NLMSG_LENGTH(2);
		b.len -= NLMSG_ALIGN(NLMSG_LENGTH(sizeof(struct ifinfomsg)));
		b.len += NLMSG_ALIGN(nh->nlmsg_len);
	}
	newlink(&b, 30, "good");
	ASSERT_EQ(iface_monitor_input(m, b.space, b.len), 1, "only the good one");
	ASSERT_STREQ(ev.log, "+good/30 ", "good one applied");

	/* A message claiming more bytes than the buffer has. */
	b.len = 0;
	{
		struct nlmsghdr *nh = nl_link(&b, RTM_NEWLINK, AF_UNSPEC, 31, "cut", 4);

		nh->nlmsg_len = 4000;
	}
	ASSERT_EQ(iface_monitor_input(m, b.space, b.len), 0, "overlong skipped");
	ASSERT_EQ(iface_monitor_input(m, b.space, 3), 0, "three bytes");
	iface_monitor_close(m);
}

struct changes {
	int n_changed, n_removed;
	char last[64];
};

static void on_change(void *aux, struct binding *b, bool removed)
{
	struct changes *c = aux;

	if (removed)
		c->n_removed++;
	else
		c->n_changed++;
	snprintf(c->last, sizeof(c->last), "%s%s=%s@%d", removed ? "-" : "", b->iface,
		 b->lport, b->ifindex);
}

static void test_local_vifs(void)
{
	char dir[] = "/tmp/ovnbpf-test-bind-vifs.XXXXXX", state[300], err[256], cmd[300];
	struct changes ch = { 0 };
	struct local_vifs lv, lv2;
	struct iface_monitor *m;
	struct nlbuf b = { 0 };
	struct binding *x;

	if (!ASSERT_OK_PTR(mkdtemp(dir), "mkdtemp"))
		return;
	snprintf(state, sizeof(state), "%s/state/sub", dir);
	/* prog_fd -1: track, attach nothing (no root needed). */
	if (!ASSERT_OK(local_vifs_init(&lv, state, -1), "init"))
		goto out;
	lv.change_fn = on_change;
	lv.change_aux = &ch;
	m = iface_monitor_create(local_vifs_iface_event, &lv);
	if (!ASSERT_OK_PTR(m, "monitor"))
		goto out;
	local_vifs_set_ifaces(&lv, m);
	newlink(&b, 7, "exists");
	iface_monitor_input(m, b.space, b.len);

	ASSERT_OK(local_vifs_bind(&lv, "later", "lp1", err, sizeof(err)), "bind before iface");
	ASSERT_STREQ(ch.last, "later=lp1@0", "told, no ifindex");
	ASSERT_OK(local_vifs_bind(&lv, "exists", "lp2", err, sizeof(err)), "bind existing");
	ASSERT_STREQ(ch.last, "exists=lp2@7", "told with its ifindex");
	ASSERT_OK(local_vifs_bind(&lv, "exists", "lp2", err, sizeof(err)), "same again is fine");
	ASSERT_EQ(local_vifs_bind(&lv, "other", "lp2", err, sizeof(err)), -EEXIST,
		  "lport bound twice");
	ASSERT_TRUE(strstr(err, "already bound to interface exists") != NULL, "says where");
	ASSERT_EQ(local_vifs_bind(&lv, "bad/name", "lp9", err, sizeof(err)), -EINVAL, "bad name");
	ASSERT_EQ(local_vifs_unbind(&lv, "nothere", err, sizeof(err)), -ENOENT, "unbind unknown");
	ASSERT_TRUE(strstr(err, "not bound") != NULL, "says not bound");

	/* The interface appears, goes, comes back with a new index. */
	b.len = 0;
	newlink(&b, 8, "later");
	iface_monitor_input(m, b.space, b.len);
	x = bindings_find_iface(&lv.bindings, "later");
	ASSERT_EQ(x ? x->ifindex : -1, 8, "learned ifindex");
	b.len = 0;
	dellink(&b, 8, "later");
	iface_monitor_input(m, b.space, b.len);
	ASSERT_EQ(x ? x->ifindex : -1, 0, "gone");
	ASSERT_STREQ(ch.last, "later=lp1@0", "told gone");
	b.len = 0;
	newlink(&b, 11, "later");
	iface_monitor_input(m, b.space, b.len);
	ASSERT_EQ(x ? x->ifindex : -1, 11, "back with a new ifindex");

	/* Re-binding an interface releases its old port first. */
	ch.n_removed = 0;
	ASSERT_OK(local_vifs_bind(&lv, "later", "lp3", err, sizeof(err)), "re-bind");
	ASSERT_EQ(ch.n_removed, 1, "old port released");
	ASSERT_STREQ(ch.last, "later=lp3@11", "new port, same ifindex");
	ASSERT_NULL(bindings_find_lport(&lv.bindings, "lp1"), "lp1 free");
	ASSERT_OK(local_vifs_bind(&lv, "third", "lp1", err, sizeof(err)), "lp1 reusable");
	ASSERT_OK(local_vifs_unbind(&lv, "third", err, sizeof(err)), "unbind");
	ASSERT_STREQ(ch.last, "-third=lp1@0", "told removed");

	/* Restart: the bindings come back from the state file. */
	ASSERT_OK(local_vifs_init(&lv2, state, -1), "init again");
	ASSERT_EQ(lv2.bindings.n, 2, "two bindings persisted");
	x = bindings_find_iface(&lv2.bindings, "later");
	ASSERT_STREQ(x ? x->lport : NULL, "lp3", "re-bind persisted");
	x = bindings_find_iface(&lv2.bindings, "exists");
	ASSERT_STREQ(x ? x->lport : NULL, "lp2", "first binding persisted");
	ASSERT_NULL(bindings_find_iface(&lv2.bindings, "third"), "unbind persisted");
	local_vifs_destroy(&lv2);

	iface_monitor_close(m);
	local_vifs_destroy(&lv);
out:
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "cleanup failed\n");
}

void test_bind_iface(void)
{
	if (test__start_subtest("presence"))
		test_presence();
	if (test__start_subtest("local_vifs"))
		test_local_vifs();
}
