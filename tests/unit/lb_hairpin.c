// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* loader/lb_hairpin.c: a Load_Balancer VIP -> ovn_lb_hairpin entries. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "tests/test_progs.h"
#include "loader/lb_hairpin.h"

struct got {
	struct ovn_lbh_key k[16];
	struct ovn_lbh_val v[16];
	int n;
};

static int add(void *aux, const struct ovn_lbh_key *k, const struct ovn_lbh_val *v)
{
	struct got *g = aux;

	if (g->n == 16)
		return -ENOSPC;
	g->k[g->n] = *k;
	g->v[g->n++] = *v;
	return 0;
}

static int count(const struct got *g, int kind)
{
	int n = 0;

	for (int i = 0; i < g->n; i++)
		n += g->k[i].kind == kind;
	return n;
}

static const struct ovn_lbh_key *find(const struct got *g, int kind, int *idx)
{
	for (int i = 0; i < g->n; i++)
		if (g->k[i].kind == kind) {
			*idx = i;
			return &g->k[i];
		}
	return NULL;
}

void test_lb_hairpin_vip(void)
{
	uint32_t dps[2] = { 3, 4 }, a;
	const struct ovn_lbh_key *k;
	struct got g;
	uint8_t a6[16];
	int i = 0;

	memset(&g, 0, sizeof(g));
	ASSERT_OK(lb_hairpin_vip("172.31.0.100:80", "10.0.0.1:8080,10.0.0.2:8080", "tcp", NULL,
				 dps, 2, add, &g), "IPv4 VIP");
	ASSERT_EQ(g.n, 5, "one SNAT, two backends, two replies");
	ASSERT_EQ(count(&g, OVN_LBH_SNAT), 1, "SNAT for every datapath");
	k = find(&g, OVN_LBH_SNAT, &i);
	if (ASSERT_OK_PTR(k, "SNAT entry")) {
		ASSERT_EQ(k->dp, 0, "any datapath");
		ASSERT_EQ(k->proto, 6, "tcp");
		ASSERT_EQ(ntohs(k->p1), 80, "VIP port");
		inet_pton(AF_INET, "172.31.0.100", &a);
		ASSERT_MEMEQ(g.v[i].addr, &a, 4, "SNAT to the VIP");
	}
	k = find(&g, OVN_LBH_REPLY, &i);
	if (ASSERT_OK_PTR(k, "reply entry")) {
		ASSERT_EQ(ntohs(k->p2), 8080, "backend port");
		inet_pton(AF_INET, "172.31.0.100", &a);
		ASSERT_MEMEQ(k->a2, &a, 4, "reply to the VIP");
	}

	memset(&g, 0, sizeof(g));
	ASSERT_OK(lb_hairpin_vip("172.31.0.101", "10.0.0.1", "udp", "fd00::5 169.254.0.5",
				 dps, 2, add, &g), "VIP without port, hairpin_snat_ip");
	ASSERT_EQ(count(&g, OVN_LBH_SNAT), 2, "SNAT per datapath");
	k = find(&g, OVN_LBH_SNAT, &i);
	if (ASSERT_OK_PTR(k, "SNAT entry")) {
		ASSERT_EQ(k->dp, 3, "first datapath");
		ASSERT_EQ(k->proto, 0, "no port: any protocol");
		inet_pton(AF_INET, "169.254.0.5", &a);
		ASSERT_MEMEQ(g.v[i].addr, &a, 4, "SNAT to hairpin_snat_ip of the family");
	}
	k = find(&g, OVN_LBH_REPLY, &i);
	if (ASSERT_OK_PTR(k, "reply entry")) {
		inet_pton(AF_INET, "169.254.0.5", &a);
		ASSERT_MEMEQ(k->a2, &a, 4, "reply to hairpin_snat_ip");
	}

	memset(&g, 0, sizeof(g));
	ASSERT_OK(lb_hairpin_vip("[fd00:31::100]:80", "[fd00::a]:8080,10.0.0.9:8080,bogus", "sctp",
				 NULL, dps, 2, add, &g), "IPv6 VIP");
	ASSERT_EQ(count(&g, OVN_LBH_BACKEND), 1, "other family and bad backends skipped");
	k = find(&g, OVN_LBH_BACKEND, &i);
	if (ASSERT_OK_PTR(k, "backend entry")) {
		ASSERT_EQ(k->family, 6, "IPv6");
		ASSERT_EQ(k->proto, 132, "sctp");
		inet_pton(AF_INET6, "fd00::a", a6);
		ASSERT_MEMEQ(k->a2, a6, 16, "backend address");
	}
	memset(&g, 0, sizeof(g));
	ASSERT_EQ(lb_hairpin_vip("^vip:80", "10.0.0.1:80", "tcp", NULL, dps, 2, add, &g), -EINVAL,
		  "template VIP skipped");
	ASSERT_EQ(g.n, 0, "nothing added");
}
