// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * NAT and load-balancer verbs -> ops (maps/actions.h OVN_OP_CT_NAT,
 * OVN_OP_CT_LB + OVN_OP_LB_BACKEND), run by bpf/lib/nat.h and lb.h.
 *
 * Zones as ovn-controller encodes them: on a switch the port's zone
 * (reg13); on a router ct_dnat and ct_lb_mark use the DNAT zone (reg11),
 * ct_snat the SNAT zone (reg12), the _in_czone forms the common zone
 * (the DNAT zone: we do not read the datapath's snat-ct-zone option yet),
 * ct_commit_nat the zone it names.  Every one of them goes on at the next
 * stage, as OVS's ct(table=next).
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/compile.h"
#include "loader/compile_int.h"

/* IPv4 in the low 32 bits of V -> 4 bytes; IPv6 -> 16, big-endian. */
static void addr_bytes(struct u128 v, bool ip6, uint8_t *out)
{
	memset(out, 0, 16);
	if (!ip6) {
		uint32_t a = htobe32((uint32_t)v.lo);

		memcpy(out, &a, 4);
		return;
	}
	for (int i = 0; i < 8; i++) {
		out[7 - i] = (uint8_t)(v.hi >> (8 * i));
		out[15 - i] = (uint8_t)(v.lo >> (8 * i));
	}
}

/* hash_fields="a,b,..." -> OVN_LB_H_*; -EINVAL for a field we cannot hash. */
int cc_lb_hash_fields(const char *s, uint8_t *out)
{
	static const struct { const char *name; uint8_t bit; } tab[] = {
		{ "ip_src", OVN_LB_H_SRC }, { "ipv6_src", OVN_LB_H_SRC },
		{ "ip_dst", OVN_LB_H_DST }, { "ipv6_dst", OVN_LB_H_DST },
		{ "tp_src", OVN_LB_H_SPORT }, { "tcp_src", OVN_LB_H_SPORT },
		{ "udp_src", OVN_LB_H_SPORT }, { "sctp_src", OVN_LB_H_SPORT },
		{ "tp_dst", OVN_LB_H_DPORT }, { "tcp_dst", OVN_LB_H_DPORT },
		{ "udp_dst", OVN_LB_H_DPORT }, { "sctp_dst", OVN_LB_H_DPORT },
		{ "nw_proto", OVN_LB_H_PROTO },
	};
	const char *p = s;

	*out = 0;
	while (*p) {
		size_t n = strcspn(p, ", "), i;

		for (i = 0; n && i < sizeof(tab) / sizeof(tab[0]); i++)
			if (strlen(tab[i].name) == n && !strncmp(p, tab[i].name, n))
				break;
		if (n && i == sizeof(tab) / sizeof(tab[0]))
			return -EINVAL;
		if (n)
			*out |= tab[i].bit;
		p += n;
		p += strspn(p, ", ");
	}
	return 0;
}

static int next_stage(struct compiler *c, const struct compile_lflow *f, struct ovn_op *op)
{
	if (f->pipeline > OVN_PIPE_EGRESS ||
	    f->table + 1 >= cc_n_tables(c, f->dp, f->pipeline))
		return -EINVAL;
	op->pipeline = f->pipeline;
	op->table = f->table + 1;
	return 0;
}

static int emit_nat(struct compiler *c, const struct compile_lflow *f, struct cc_ops *ops,
		    const struct action *act)
{
	const struct action_ct_nat *n = &act->ct_nat;
	struct ovn_op op = { .code = OVN_OP_CT_NAT };
	bool router = cc_dp_is_router(c, f->dp);
	uint16_t lo, hi;

	switch (act->type) {
	case ACT_CT_DNAT:
	case ACT_CT_DNAT_IN_CZONE:
		op.n = OVN_NAT_F_DST;
		op.src = router ? OVN_OFF_DNAT_ZONE : OVN_OFF_CT_ZONE;
		break;
	case ACT_CT_SNAT:
		op.n = OVN_NAT_F_SRC;
		op.src = router ? OVN_OFF_SNAT_ZONE : OVN_OFF_CT_ZONE;
		break;
	case ACT_CT_SNAT_IN_CZONE:
		op.n = OVN_NAT_F_SRC;
		op.src = router ? OVN_OFF_DNAT_ZONE : OVN_OFF_CT_ZONE;
		break;
	case ACT_CT_COMMIT_NAT:
		op.n = OVN_NAT_F_COMMIT;
		op.src = !router ? OVN_OFF_CT_ZONE :
			 act->ct_zone == ACT_CT_ZONE_SNAT ? OVN_OFF_SNAT_ZONE : OVN_OFF_DNAT_ZONE;
		return next_stage(c, f, &op) ?: cc_ops_push_err(ops, &op);
	default:
		return -EOPNOTSUPP;
	}
	if (n->family != ACT_NAT_NONE) {
		/* OVN commits whenever an address is given. */
		op.n |= OVN_NAT_F_COMMIT;
		op.arg = n->family == ACT_NAT_IPV6 ? 6 : 4;
		addr_bytes(n->addr, n->family == ACT_NAT_IPV6, op.value);
		if (n->has_ports) {
			lo = htobe16(n->port_lo);
			hi = htobe16(n->port_hi ? n->port_hi : n->port_lo);
			op.n |= OVN_NAT_F_PORTS;
			memcpy(&op.mask[0], &lo, 2);
			memcpy(&op.mask[2], &hi, 2);
		}
	}
	return next_stage(c, f, &op) ?: cc_ops_push_err(ops, &op);
}

static int emit_lb(struct compiler *c, const struct compile_lflow *f, struct cc_ops *ops,
		   const struct action *act)
{
	const struct action_ct_lb *lb = &act->ct_lb;
	struct ovn_op op = { .code = OVN_OP_CT_LB };
	uint16_t port;
	int err;

	op.src = cc_dp_is_router(c, f->dp) ? OVN_OFF_DNAT_ZONE : OVN_OFF_CT_ZONE;
	op.arg = (uint32_t)lb->n_backends;
	if (lb->flag == ACT_CT_LB_FLAG_SKIP_SNAT)
		op.n = OVN_CT_MARK_SKIP_SNAT;
	else if (lb->flag == ACT_CT_LB_FLAG_FORCE_SNAT)
		op.n = OVN_CT_MARK_FORCE_SNAT;
	/* northd writes ct_lb, not ct_lb_mark, while any chassis does not
	 * report the ct_lb_mark feature (an older ovn-controller, or one
	 * registered by hand): the same DNAT, its bits kept in ct_label. */
	if (act->type == ACT_CT_LB)
		op.n |= OVN_CT_LB_LEGACY;
	if (lb->hash_fields && cc_lb_hash_fields(lb->hash_fields, &op.value[0]))
		return -EINVAL;
	err = next_stage(c, f, &op) ?: cc_ops_push_err(ops, &op);
	for (size_t i = 0; !err && i < lb->n_backends; i++) {
		const struct action_lb_backend *b = &lb->backends[i];
		struct ovn_op d = { .code = OVN_OP_LB_BACKEND };

		d.n = b->ipv6 ? 6 : 4;
		addr_bytes(b->addr, b->ipv6, d.value);
		port = htobe16(b->port);
		memcpy(d.mask, &port, 2);
		err = cc_ops_push_err(ops, &d);
	}
	return err;
}

/* R = chk_lb_hairpin[_reply](): the op sets a flags bit, moved to R. */
static int emit_hairpin(struct cc_ops *ops, const struct action *act)
{
	struct ovn_op op = { .code = OVN_OP_CHK_LB_HAIRPIN };
	enum mf_field_id fid;
	unsigned int bit, n;
	uint16_t off;
	uint8_t len;
	int err;

	if (afield_bytes(&act->result.dst, &fid, &off, &len, &bit, &n) || n != 1 || len > 8)
		return -EOPNOTSUPP;
	op.n = act->type == ACT_CHK_LB_HAIRPIN_REPLY;
	err = cc_ops_push_err(ops, &op);
	if (err)
		return err;
	memset(&op, 0, sizeof(op));
	op.code = OVN_OP_MOVE_BITS;
	op.dst = off;
	op.dst_len = len;
	op.dst_shift = bit;
	op.src = OVN_OFF_FLAGS;
	op.src_len = 4;
	op.src_shift = OVN_MLF_LOOKUP_LB_HAIRPIN;
	op.n = 1;
	return cc_ops_push_err(ops, &op);
}

int cc_emit_natlb(struct compiler *c, const struct compile_lflow *f, struct cc_ops *ops,
		  const struct action *act)
{
	switch (act->type) {
	case ACT_CT_DNAT:
	case ACT_CT_SNAT:
	case ACT_CT_DNAT_IN_CZONE:
	case ACT_CT_SNAT_IN_CZONE:
	case ACT_CT_COMMIT_NAT:
		return emit_nat(c, f, ops, act);
	case ACT_CT_LB:
	case ACT_CT_LB_MARK:
		return emit_lb(c, f, ops, act);
	case ACT_CHK_LB_HAIRPIN:
	case ACT_CHK_LB_HAIRPIN_REPLY:
		return emit_hairpin(ops, act);
	default:
		return -EOPNOTSUPP;
	}
}
