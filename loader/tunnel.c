// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <bpf/bpf.h>

#include "loader/log.h"
#include "loader/tc_attach.h"
#include "loader/tunnel.h"
#include "maps/encap.h"

#define MOD "tunnel"

/* Large enough that the device never refuses a frame the pods' MTU
 * allows; the underlay's MTU decides what fits (README: multi-node). */
#define GENEVE_MTU	65000

struct nlreq {
	struct nlmsghdr n;
	struct ifinfomsg i;
	char buf[512];
};

static struct rtattr *nla_put(struct nlreq *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)&r->n + NLMSG_ALIGN(r->n.nlmsg_len));

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	r->n.nlmsg_len = NLMSG_ALIGN(r->n.nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static void nla_end(struct nlreq *r, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)&r->n + r->n.nlmsg_len - (char *)nest);
}

/* Send R and read the kernel's ack.  Returns 0 or -errno. */
static int nl_talk(struct nlreq *r)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[4096];
	int fd, err;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	r->n.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r->n.nlmsg_seq = 1;
	if (sendto(fd, r, r->n.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		goto cleanup;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
		err = n < 0 ? -errno : -EIO;
		goto cleanup;
	}
	err = ((struct nlmsghdr *)buf)->nlmsg_type == NLMSG_ERROR
	      ? ((struct nlmsgerr *)NLMSG_DATA(buf))->error : 0;
cleanup:
	close(fd);
	return err;
}

static int geneve_create(const char *name, uint16_t port)
{
	struct nlreq r;
	struct rtattr *li, *data;
	uint16_t be_port = htons(port);
	uint32_t mtu = GENEVE_MTU;

	memset(&r, 0, sizeof(r));
	r.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	r.n.nlmsg_type = RTM_NEWLINK;
	r.n.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	r.i.ifi_family = AF_UNSPEC;
	nla_put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	nla_put(&r, IFLA_MTU, &mtu, sizeof(mtu));
	li = nla_put(&r, IFLA_LINKINFO, NULL, 0);
	nla_put(&r, IFLA_INFO_KIND, "geneve", strlen("geneve"));
	data = nla_put(&r, IFLA_INFO_DATA, NULL, 0);
	nla_put(&r, IFLA_GENEVE_COLLECT_METADATA, NULL, 0);
	nla_put(&r, IFLA_GENEVE_PORT, &be_port, sizeof(be_port));
	nla_end(&r, data);
	nla_end(&r, li);
	return nl_talk(&r);
}

static int link_up(int ifindex)
{
	struct nlreq r;

	memset(&r, 0, sizeof(r));
	r.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	r.n.nlmsg_type = RTM_NEWLINK;
	r.i.ifi_family = AF_UNSPEC;
	r.i.ifi_index = ifindex;
	r.i.ifi_flags = IFF_UP;
	r.i.ifi_change = IFF_UP;
	return nl_talk(&r);
}

int tunnel_open(int prog_fd, int chassis_map_fd, const char *chassis_name,
		const char *encap_ip, uint16_t port)
{
	struct ovn_chassis_ep ep = { .dst_port = port };
	uint32_t key = OVN_CHASSIS_LOCAL;
	int ifindex, err;

	ifindex = (int)if_nametoindex(OVNBPF_GENEVE_DEV);
	if (!ifindex) {
		err = geneve_create(OVNBPF_GENEVE_DEV, port);
		if (err) {
			/* -EEXIST / -EBUSY: another collect-metadata geneve
			 * device holds the port already. */
			pr_err(MOD, "creating %s (geneve external, udp port %u): %s",
			       OVNBPF_GENEVE_DEV, port, strerror(-err));
			return err;
		}
		ifindex = (int)if_nametoindex(OVNBPF_GENEVE_DEV);
		if (!ifindex)
			return -ENODEV;
		pr_info(MOD, "created %s (ifindex %d, udp port %u)", OVNBPF_GENEVE_DEV, ifindex,
			port);
	} else {
		pr_info(MOD, "adopted %s (ifindex %d)", OVNBPF_GENEVE_DEV, ifindex);
	}
	err = link_up(ifindex);
	if (err) {
		pr_err(MOD, "%s up: %s", OVNBPF_GENEVE_DEV, strerror(-err));
		return err;
	}
	err = tc_attach_ingress(ifindex, prog_fd);
	if (err) {
		pr_err(MOD, "%s: attaching ovnbpf_from_tunnel: %s", OVNBPF_GENEVE_DEV,
		       strerror(-err));
		return err;
	}
	ep.ifindex = (uint32_t)ifindex;
	if (inet_pton(AF_INET, encap_ip, &ep.ip4) == 1)
		ep.af = 4;
	else if (inet_pton(AF_INET6, encap_ip, ep.ip6) == 1)
		ep.af = 6;
	snprintf(ep.name, sizeof(ep.name), "%s", chassis_name);
	err = bpf_map_update_elem(chassis_map_fd, &key, &ep, BPF_ANY) ? -errno : 0;
	if (err)
		pr_err(MOD, "ovn_chassis[0]: %s", strerror(-err));
	return err ? err : ifindex;
}
