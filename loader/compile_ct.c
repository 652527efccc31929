// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Conntrack verbs -> ops (maps/actions.h OVN_OP_CT_*), and the conntrack
 * zones of datapaths.
 *
 * The zone register follows ovn-controller's encoding: on a logical switch
 * every ct verb uses the port's zone (reg13); on a router, ct_next and
 * ct_commit use the DNAT zone (reg11) unless ct_next(snat) asks for the
 * SNAT zone (reg12).  ct_next goes on at the next stage of the flow's
 * pipeline, as OVS recirculates to it.
 *
 * NAT and ct_lb_mark: compile_lb.c; chk_lb_aff, commit_lb_aff:
 * compile_lb_aff.c.  Not yet: ct_lb, ct_snat_to_vip, chk_lb_hairpin_reply
 * (compiled as OVN_OP_CT_UNSUPPORTED).
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/compile.h"
#include "loader/compile_int.h"

static uint16_t zone_off(const struct compiler *c, uint32_t dp, uint8_t which)
{
	if (!cc_dp_is_router(c, dp))
		return OVN_OFF_CT_ZONE;
	return which == ACT_CT_ZONE_SNAT ? OVN_OFF_SNAT_ZONE : OVN_OFF_DNAT_ZONE;
}

static void be128(struct u128 v, uint8_t *out)
{
	for (int i = 0; i < 8; i++) {
		out[7 - i] = (uint8_t)(v.hi >> (8 * i));
		out[15 - i] = (uint8_t)(v.lo >> (8 * i));
	}
}

/* ct_commit(ct_mark=V/M, ct_label=V/M): the legacy form, as assignments. */
static int emit_v1(struct cc_ops *ops, const struct action_ct_commit_v1 *v)
{
	struct ovn_op op = { .code = OVN_OP_SET, .dst = OVN_OFF_CT_MARK, .n = 4 };
	uint32_t mv = htobe32(v->mark & v->mark_mask), mm = htobe32(v->mark_mask);
	int err;

	memcpy(op.value, &mv, 4);
	memcpy(op.mask, &mm, 4);
	err = cc_ops_push_err(ops, &op);
	memset(&op, 0, sizeof(op));
	op.code = OVN_OP_SET;
	op.dst = OVN_OFF_CT_LABEL;
	op.n = 16;
	be128(u128_and(v->label, v->label_mask), op.value);
	be128(v->label_mask, op.mask);
	return err ?: cc_ops_push_err(ops, &op);
}

int cc_emit_ct(struct compiler *c, const struct compile_lflow *f, struct cc_ops *ops,
	       const struct action *act,
	       void (*nested)(void *aux, const struct action_list *l), void *aux)
{
	struct ovn_op op = { 0 };
	int err;

	switch (act->type) {
	case ACT_CT_NEXT:
		if (f->pipeline > OVN_PIPE_EGRESS ||
		    f->table + 1 >= cc_n_tables(c, f->dp, f->pipeline))
			return -EINVAL;
		op.code = OVN_OP_CT_NEXT;
		op.src = zone_off(c, f->dp, act->ct_zone);
		op.pipeline = f->pipeline;
		op.table = f->table + 1;
		return cc_ops_push_err(ops, &op);
	case ACT_CT_COMMIT:
	case ACT_CT_COMMIT_V1:
		op.src = zone_off(c, f->dp, ACT_CT_ZONE_DEFAULT);
		if (act->type == ACT_CT_COMMIT && !act->nested.n) {
			op.code = OVN_OP_CT_COMMIT;
			return cc_ops_push_err(ops, &op);
		}
		op.code = OVN_OP_CT_COMMIT_BEGIN;
		err = cc_ops_push_err(ops, &op);
		if (err)
			return err;
		if (act->type == ACT_CT_COMMIT_V1) {
			err = emit_v1(ops, &act->ct_commit_v1);
			if (err)
				return err;
		} else {
			/* ct_mark/ct_label assignments only (the parser's
			 * rule for ct_commit's block). */
			nested(aux, &act->nested);
		}
		op.code = OVN_OP_CT_COMMIT;
		op.n = 1;
		return cc_ops_push_err(ops, &op);
	case ACT_CT_CLEAR:
		op.code = OVN_OP_CT_CLEAR;
		return cc_ops_push_err(ops, &op);
	case ACT_CHK_LB_AFF:
	case ACT_COMMIT_LB_AFF:
		return cc_emit_lb_aff(c, f, ops, act);
	default:
		return cc_emit_natlb(c, f, ops, act);
	}
}

int compile_datapath_set_zones(struct compiler *c, uint32_t dp, uint16_t dnat, uint16_t snat)
{
	return ovnbpf_datapath_set_zones(c->w, dp, dnat, snat);
}
