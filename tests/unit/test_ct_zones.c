// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Conntrack zone allocation (loader/ct_zones.h): unique, lowest free,
 * requested SNAT zones, flush on (re)assignment, kept across restarts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/test_progs.h"
#include "loader/ct_zones.h"

static int flushed[8], n_flushed;

static void on_flush(void *aux, uint16_t zone)
{
	(void)aux;
	if (n_flushed < 8)
		flushed[n_flushed++] = zone;
}

void test_ct_zones(void)
{
	char dir[] = "/tmp/ovnbpf-ctz-XXXXXX", path[64];
	struct ct_zones *z = NULL;
	uint16_t a, b;

	if (!ASSERT_OK_PTR(mkdtemp(dir), "mkdtemp"))
		return;
	ASSERT_OK(ct_zones_open(dir, &z), "open");
	ct_zones_set_flush(z, on_flush, NULL);
	a = ct_zones_get(z, "pod1", 0);
	b = ct_zones_get(z, "pod2", 0);
	ASSERT_EQ(a, 1, "first zone is 1");
	ASSERT_EQ(b, 2, "then 2");
	ASSERT_EQ(ct_zones_get(z, "pod1", 0), 1, "stable");
	ASSERT_EQ(ct_zones_get(z, "lr1_dnat", 0), 3, "datapath zone");
	ASSERT_EQ(ct_zones_get(z, "lr1_snat", 2), 2, "requested SNAT zone");
	ASSERT_EQ(ct_zones_find(z, "pod2"), 0, "pod2 lost its zone to the request");
	ASSERT_EQ(n_flushed, 4, "every new assignment flushed");
	ASSERT_EQ(flushed[3], 2, "the requested zone flushed");
	ct_zones_release(z, "pod1");
	ASSERT_EQ(ct_zones_get(z, "pod3", 0), 1, "released zone reused");
	ASSERT_EQ(ct_zones_get(z, "pod2", 0), 4, "pod2 gets a new one");
	ASSERT_EQ(ct_zones_count(z), 4, "4 users");
	ct_zones_close(z);

	/* a restart gives everyone the same zone, flushing nothing */
	n_flushed = 0;
	ASSERT_OK(ct_zones_open(dir, &z), "reopen");
	ct_zones_set_flush(z, on_flush, NULL);
	ASSERT_EQ(ct_zones_find(z, "pod3"), 1, "pod3 kept 1");
	ASSERT_EQ(ct_zones_get(z, "lr1_snat", 2), 2, "lr1_snat kept 2");
	ASSERT_EQ(ct_zones_get(z, "pod2", 0), 4, "pod2 kept 4");
	ASSERT_EQ(n_flushed, 0, "nothing flushed");
	ct_zones_close(z);

	snprintf(path, sizeof(path), "%s/%s", dir, CT_ZONES_FILE);
	unlink(path);
	rmdir(dir);
}
