// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Session affinity verbs -> ops (maps/actions.h OVN_OP_CHK_LB_AFF,
 * OVN_OP_COMMIT_LB_AFF), run by bpf/lib/lb_aff.h on the ovn_lb_aff map
 * (maps/lb_aff.h).
 *
 * Where a hit loads the backend is decided here, from the datapath of the
 * committing flow, as ovn-controller's learn action does: reg4 for IPv4,
 * xxreg0 (switch) or xxreg1 (router) for IPv6; the port goes to
 * reg8[0..15].
 */
#include <errno.h>
#include <string.h>

#include "loader/compile.h"
#include "loader/compile_int.h"

/* IPv4 (low 32 bits of V) -> 4 bytes, IPv6 -> 16, big-endian. */
static void aff_addr(struct u128 v, bool ip6, uint8_t *out)
{
	int n = ip6 ? 16 : 4;

	memset(out, 0, 16);
	for (int i = 0; i < n; i++) {
		int sh = 8 * (n - 1 - i);

		out[i] = (uint8_t)(sh >= 64 ? v.hi >> (sh - 64) : v.lo >> sh);
	}
}

/* R = chk_lb_aff(): the op writes R itself (one bit of one byte). */
static int emit_chk(struct cc_ops *ops, const struct action *act)
{
	struct ovn_op op = { .code = OVN_OP_CHK_LB_AFF };
	enum mf_field_id fid;
	unsigned int bit, n;
	uint16_t off;
	uint8_t len;

	if (afield_bytes(&act->result.dst, &fid, &off, &len, &bit, &n) || n != 1 ||
	    bit / 8 >= len)
		return -EOPNOTSUPP;
	op.dst = (uint16_t)(off + len - 1 - bit / 8);
	op.dst_shift = (uint8_t)(bit % 8);
	return cc_ops_push_err(ops, &op);
}

static int emit_commit(struct compiler *c, const struct compile_lflow *f, struct cc_ops *ops,
		       const struct action *act)
{
	const struct action_commit_lb_aff *a = &act->lb_aff;
	struct ovn_op op = { .code = OVN_OP_COMMIT_LB_AFF };

	if (!a->timeout)
		return -EINVAL;
	op.n = a->ipv6 ? 6 : 4;
	aff_addr(a->vip, a->ipv6, op.value);
	aff_addr(a->backend, a->ipv6, op.mask);
	if (a->vip_port && a->proto) {
		op.pipeline = a->proto;
		op.src = a->vip_port;
	}
	op.meter = a->backend_port;
	op.arg = a->timeout;
	if (!a->ipv6)
		op.dst = OVN_OFF_REG(4);
	else
		op.dst = cc_dp_is_router(c, f->dp) ? OVN_OFF_XXREG(1) : OVN_OFF_XXREG(0);
	return cc_ops_push_err(ops, &op);
}

int cc_emit_lb_aff(struct compiler *c, const struct compile_lflow *f, struct cc_ops *ops,
		   const struct action *act)
{
	switch (act->type) {
	case ACT_CHK_LB_AFF:
		return emit_chk(ops, act);
	case ACT_COMMIT_LB_AFF:
		return emit_commit(c, f, ops, act);
	default:
		return -EOPNOTSUPP;
	}
}
