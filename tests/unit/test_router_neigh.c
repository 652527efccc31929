// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The neighbour table's bookkeeping without BPF (loader/mac_binding.c):
 * a row that changes its IP leaves its old key, mark and sweep drops the
 * rows not seen again, priorities between learnt and static rows, and
 * parsing.
 */
#include <string.h>

#include "tests/test_progs.h"
#include "loader/mac_binding.h"

static const uint8_t M1[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t M2[6] = { 2, 0, 0, 0, 0, 2 };

void test_router_neigh(void)
{
	struct mac_bindings *mb = mac_bindings_new(-1);
	struct ovn_mac_bind_key k1 = { .dp = 1, .port = 2 }, k2 = k1;
	uint8_t m[6];

	ASSERT_OK(mac_binding_parse_ip("10.0.0.1", &k1), "parse ip4");
	ASSERT_EQ(k1.len, 4, "ip4 len");
	ASSERT_OK(mac_binding_parse_ip("fd00::1", &k2), "parse ip6");
	ASSERT_EQ(k2.len, 16, "ip6 len");
	ASSERT_ERR(mac_binding_parse_ip("10.0.0.300", &k2), "bad ip");
	ASSERT_ERR(mac_binding_parse_mac("02:00:00:00:00", m), "short mac");
	ASSERT_ERR(mac_binding_parse_mac("02:00:00:00:00:01x", m), "trailing junk");
	ASSERT_OK(mac_binding_parse_mac("02:00:00:00:00:01", m), "mac");
	ASSERT_MEMEQ(m, M1, 6, "mac bytes");
	ASSERT_OK(mac_binding_parse_ip("fd00::1", &k2), "parse ip6");

	ASSERT_OK(mac_bindings_set(mb, "r1", &k1, M1, MB_DYNAMIC), "r1 at k1");
	ASSERT_TRUE(mac_bindings_lookup(mb, &k1, m) && !memcmp(m, M1, 6), "k1 -> M1");
	/* r1 moves to k2: k1 is gone. */
	ASSERT_OK(mac_bindings_set(mb, "r1", &k2, M2, MB_DYNAMIC), "r1 moves to k2");
	ASSERT_FALSE(mac_bindings_lookup(mb, &k1, m), "k1 left behind");
	ASSERT_TRUE(mac_bindings_lookup(mb, &k2, m) && !memcmp(m, M2, 6), "k2 -> M2");
	ASSERT_EQ(mac_bindings_count(mb), 1, "one key");

	/* Static without override loses to learnt; removing learnt exposes it. */
	ASSERT_OK(mac_bindings_set(mb, "s1", &k2, M1, MB_STATIC_LOW), "static low");
	ASSERT_TRUE(mac_bindings_lookup(mb, &k2, m) && !memcmp(m, M2, 6), "learnt wins");
	ASSERT_OK(mac_bindings_del(mb, "r1"), "del learnt");
	ASSERT_TRUE(mac_bindings_lookup(mb, &k2, m) && !memcmp(m, M1, 6), "static remains");
	ASSERT_EQ(mac_bindings_del(mb, "r1"), -ENOENT, "del twice");

	/* Mark and sweep: only rows set again survive. */
	ASSERT_OK(mac_bindings_set(mb, "r2", &k1, M2, MB_DYNAMIC), "r2");
	mac_bindings_mark(mb);
	ASSERT_OK(mac_bindings_set(mb, "r2", &k1, M2, MB_DYNAMIC), "r2 seen again");
	mac_bindings_sweep(mb);
	ASSERT_TRUE(mac_bindings_lookup(mb, &k1, m), "r2 kept");
	ASSERT_FALSE(mac_bindings_lookup(mb, &k2, m), "s1 swept");
	ASSERT_EQ(mac_bindings_count(mb), 1, "one key left");
	mac_bindings_free(mb);
}
