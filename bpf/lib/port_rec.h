/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Set tests answered from a port's record (maps/ports.h): the port's
 * group memberships (port groups, port-security classes) and its own
 * addresses (port security) live in its ovn_ports value, one entry per
 * port, instead of one set-map entry per membership.
 */
#pragma once

#include "lib/state.h"

/* Do the first PLEN bits of A and B agree?  Both 16 bytes, 4-aligned. */
static __always_inline bool ovn_prefix_eq(const __u32 *a, const __u32 *b, __u32 plen)
{
	int j;

#pragma unroll
	for (j = 0; j < 4; j++) {
		int bits = (int)plen - 32 * j;
		__u32 mask;

		if (bits <= 0)
			break;
		mask = bits >= 32 ? 0xffffffffu : bpf_htonl(0xffffffffu << (32 - bits));
		if ((a[j] ^ b[j]) & mask)
			return false;
	}
	return true;
}

/* The tested value, as the record test reads it (a type of its own: a
 * global function's pointer argument must name a sized type). */
struct ovn_rec_val {
	__u32 w[4];
};

/* Test packing for ovn_port_rec_test(): set id, length, flags. */
#define OVN_REC_TEST(t) \
	((__u64)(t)->set_id | (__u64)(t)->len << 32 | (__u64)(t)->flags << 40)

/*
 * A set test with OVN_SET_T_PORT_REC against the record of port PORT of
 * datapath DP, for a packet of rule version VERSION; VAL holds the tested
 * bytes (zero padded).  Returns 1 (member), 0 (not a member) or -1 (the
 * record cannot tell: no such port, or some of its memberships are in the
 * set maps).
 *
 * A global function: the verifier checks it once, not at each of the
 * set-test call sites (24 in a classifier step), which the 6.1 budget of
 * ovnbpf_from_vif could not afford.  Hence scalar arguments only, and a
 * pointer to a sized type.
 */
__noinline int ovn_port_rec_test(__u32 dp, __u32 port, __u32 version, __u64 test,
				 const struct ovn_rec_val *val);
__noinline int ovn_port_rec_test(__u32 dp, __u32 port, __u32 version, __u64 test,
				 const struct ovn_rec_val *val)
{
	struct ovn_port_key pk = { .dp = dp, .port = port };
	__u32 set_id = (__u32)test, len = (test >> 32) & 0xff, flags = (test >> 40) & 0xff;
	bool group = !(flags & (OVN_SET_T_BY_INPORT | OVN_SET_T_BY_OUTPORT));
	struct ovn_port *p;
	int i;

	if (!val)
		return -1;
	p = bpf_map_lookup_elem(&ovn_ports, &pk);
	if (!p)
		return -1;
	for (i = 0; i < OVN_PORT_MEMBERS; i++) {
		struct ovn_port_member *m = &p->member[i];

		if (!(m->add_ver <= version && version < m->rm_ver))
			continue;
		if (group) {
			if (m->kind == OVN_PM_GROUP && m->set_id == set_id)
				return 1;
			continue;
		}
		if (m->kind != OVN_PM_ADDR || m->len != len)
			continue;
		if (m->plen < len * 8 && !(flags & OVN_SET_T_LPM))
			continue;
		if (ovn_prefix_eq((const __u32 *)m->v, val->w, m->plen))
			return 1;
	}
	return p->flags & OVN_PORT_F_SPILL ? -1 : 0;
}
