// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ECMP symmetric-reply actions and push/pop -> ops (compile_ecmp.h).
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "loader/compile_ecmp.h"
#include "loader/compile_int.h"
#include "maps/context.h"
#include "maps/ecmp_nh.h"

bool cc_ecmp_handles(enum action_type type)
{
	switch (type) {
	case ACT_CHK_ECMP_NH:
	case ACT_CHK_ECMP_NH_MAC:
	case ACT_COMMIT_ECMP_NH:
	case ACT_PUSH:
	case ACT_POP:
		return true;
	default:
		return false;
	}
}

static int emit_chk(struct cc_ops *ops, const struct action *act, const char **why)
{
	struct ovn_op op = { .code = OVN_OP_CHK_ECMP_NH };
	enum mf_field_id f;
	unsigned int bit, n;

	if (afield_bytes(&act->result.dst, &f, &op.dst, &op.dst_len, &bit, &n) || n != 1 ||
	    op.dst_len > 8) {
		*why = "result is not a 1-bit field";
		return -EINVAL;
	}
	op.dst_shift = bit;
	op.n = act->type == ACT_CHK_ECMP_NH_MAC ? OVN_ECMP_NH_K_MAC : OVN_ECMP_NH_K_REPLY;
	cc_ops_push(ops, &op);
	return 0;
}

static int emit_commit(struct cc_ops *ops, const struct action *act, const char **why)
{
	struct ovn_op op = { .code = OVN_OP_COMMIT_ECMP_NH };
	uint8_t p = act->ecmp_nh.proto;

	if (p != IPPROTO_TCP && p != IPPROTO_UDP && p != IPPROTO_SCTP) {
		*why = "commit_ecmp_nh protocol is not tcp, udp or sctp";
		return -EINVAL;
	}
	op.n = act->ecmp_nh.ipv6 ? 6 : 4;
	op.arg = p;
	cc_ops_push(ops, &op);
	return 0;
}

/* push(f): stack[*sp ..] = f; pop(f): f = the top.  A slot is as many
 * bytes as f's container; a whole-byte field moves as bytes, anything
 * else as bits at the same shift. */
static int emit_push_pop(struct cc_ops *ops, const struct action *act, unsigned int *sp,
			 const char **why)
{
	bool push = act->type == ACT_PUSH;
	struct ovn_op op = { 0 };
	enum mf_field_id f;
	unsigned int bit, n, slot;
	uint16_t off;
	uint8_t len;

	if (afield_bytes(&act->field, &f, &off, &len, &bit, &n)) {
		*why = "push/pop of an unknown field";
		return -EINVAL;
	}
	if (push) {
		if (*sp + len > OVN_STACK_BYTES) {
			*why = "push/pop stack overflow";
			return -ENOSPC;
		}
		slot = OVN_OFF_STACK + *sp;
		*sp += len;
	} else {
		if (*sp < len) {
			*why = "pop without a push";
			return -EINVAL;
		}
		*sp -= len;
		slot = OVN_OFF_STACK + *sp;
	}
	op.dst = push ? slot : off;
	op.src = push ? off : slot;
	if (!bit && n == 8u * len) {
		op.code = OVN_OP_MOVE;
		op.n = len;
	} else if (len <= 8) {
		op.code = OVN_OP_MOVE_BITS;
		op.n = n;
		op.src_len = len;
		op.dst_len = len;
		op.src_shift = bit;
		op.dst_shift = bit;
	} else {
		*why = "push/pop of a subfield wider than 64 bits";
		return -EOPNOTSUPP;
	}
	cc_ops_push(ops, &op);
	return 0;
}

int cc_ecmp_emit(struct cc_ops *ops, const struct action *act, unsigned int *sp,
		 const char **why)
{
	switch (act->type) {
	case ACT_CHK_ECMP_NH:
	case ACT_CHK_ECMP_NH_MAC:
		return emit_chk(ops, act, why);
	case ACT_COMMIT_ECMP_NH:
		return emit_commit(ops, act, why);
	case ACT_PUSH:
	case ACT_POP:
		return emit_push_pop(ops, act, sp, why);
	default:
		*why = "not an ECMP action";
		return -EINVAL;
	}
}
