// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Logical flows -> writer flows (see compile.h): the field table, match
 * conjunctions -> (offset, value, mask) clauses and set tests, action IR
 * -> ops, and the per-UUID bookkeeping for incremental updates.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/acl_log.h"
#include "loader/compile.h"
#include "loader/compile_int.h"
#include "loader/compile_ecmp.h"
#include "loader/compile_qos.h"
#include "loader/controller_event.h"
#include "loader/compile_router.h"
#include "loader/expr.h"
#include "loader/log.h"
#include "loader/meter.h"
#include "loader/strbuf.h"
#include "loader/symtab.h"
#include "loader/vport.h"

/* ---- field table ---- */

struct field_loc {
	uint16_t off;
	uint8_t len;
	uint8_t shift;
};

static const struct field_loc field_locs[MFF_N_IDS] = {
	[MFF_LOG_INPORT] = { OVN_OFF_INPORT, 4, 0 },
	[MFF_LOG_OUTPORT] = { OVN_OFF_OUTPORT, 4, 0 },
	[MFF_LOG_FLAGS] = { OVN_OFF_FLAGS, 4, 0 },
	[MFF_XXREG0] = { OVN_OFF_XXREG(0), 16, 0 },
	[MFF_XXREG1] = { OVN_OFF_XXREG(1), 16, 0 },
	[MFF_XREG4] = { OVN_OFF_XREG(4), 8, 0 },
	[MFF_CT_STATE] = { OVN_OFF_CT_STATE, 4, 0 },
	[MFF_CT_MARK] = { OVN_OFF_CT_MARK, 4, 0 },
	[MFF_CT_LABEL] = { OVN_OFF_CT_LABEL, 16, 0 },
	[MFF_ETH_SRC] = { OVN_OFF_ETH_SRC, 6, 0 },
	[MFF_ETH_DST] = { OVN_OFF_ETH_DST, 6, 0 },
	[MFF_ETH_TYPE] = { OVN_OFF_ETH_TYPE, 2, 0 },
	[MFF_VLAN_TCI] = { OVN_OFF_VLAN_TCI, 2, 0 },
	[MFF_IP_PROTO] = { OVN_OFF_IP_PROTO, 1, 0 },
	[MFF_IP_DSCP] = { OVN_OFF_IP_TOS, 1, 2 },
	[MFF_IP_ECN] = { OVN_OFF_IP_TOS, 1, 0 },
	[MFF_IP_TTL] = { OVN_OFF_IP_TTL, 1, 0 },
	[MFF_IP_FRAG] = { OVN_OFF_IP_FRAG, 1, 0 },
	[MFF_IPV4_SRC] = { OVN_OFF_IP4_SRC, 4, 0 },
	[MFF_IPV4_DST] = { OVN_OFF_IP4_DST, 4, 0 },
	[MFF_IPV6_SRC] = { OVN_OFF_IP6_SRC, 16, 0 },
	[MFF_IPV6_DST] = { OVN_OFF_IP6_DST, 16, 0 },
	[MFF_IPV6_LABEL] = { OVN_OFF_IP6_LABEL, 4, 0 },
	[MFF_ICMPV4_TYPE] = { OVN_OFF_ICMP_TYPE, 1, 0 },
	[MFF_ICMPV4_CODE] = { OVN_OFF_ICMP_CODE, 1, 0 },
	[MFF_ICMPV6_TYPE] = { OVN_OFF_ICMP_TYPE, 1, 0 },
	[MFF_ICMPV6_CODE] = { OVN_OFF_ICMP_CODE, 1, 0 },
	[MFF_ARP_OP] = { OVN_OFF_ARP_OP, 2, 0 },
	[MFF_ARP_SPA] = { OVN_OFF_ARP_SPA, 4, 0 },
	[MFF_ARP_TPA] = { OVN_OFF_ARP_TPA, 4, 0 },
	[MFF_ARP_SHA] = { OVN_OFF_ARP_SHA, 6, 0 },
	[MFF_ARP_THA] = { OVN_OFF_ARP_THA, 6, 0 },
	[MFF_ND_TARGET] = { OVN_OFF_ND_TARGET, 16, 0 },
	[MFF_ND_SLL] = { OVN_OFF_ND_SLL, 6, 0 },
	[MFF_ND_TLL] = { OVN_OFF_ND_TLL, 6, 0 },
	[MFF_TCP_SRC] = { OVN_OFF_TP_SRC, 2, 0 },
	[MFF_TCP_DST] = { OVN_OFF_TP_DST, 2, 0 },
	[MFF_TCP_FLAGS] = { OVN_OFF_TCP_FLAGS, 2, 0 },
	[MFF_UDP_SRC] = { OVN_OFF_TP_SRC, 2, 0 },
	[MFF_UDP_DST] = { OVN_OFF_TP_DST, 2, 0 },
	[MFF_SCTP_SRC] = { OVN_OFF_TP_SRC, 2, 0 },
	[MFF_SCTP_DST] = { OVN_OFF_TP_DST, 2, 0 },
	[MFF_PKT_MARK] = { OVN_OFF_PKT_MARK, 4, 0 },
	/* MFF_ICMP4/6_FRAG_MTU: action-only, no context place. */
};

int compile_field_loc(enum mf_field_id id, uint16_t *off, uint8_t *len, uint8_t *shift)
{
	if ((unsigned int)id >= MFF_N_IDS || !field_locs[id].len)
		return -ENOENT;
	*off = field_locs[id].off;
	*len = field_locs[id].len;
	*shift = field_locs[id].shift;
	return 0;
}

/* Big-endian bytes of V (bits of a field stored in LEN bytes). */
static void u128_to_be(struct u128 v, uint8_t len, uint8_t *out)
{
	for (unsigned int i = 0; i < len; i++) {
		struct u128 b = u128_shr(v, 8 * i);

		out[len - 1 - i] = (uint8_t)b.lo;
	}
}

/* Bits [ofs, ofs + n) of base field F as a byte range of the context:
 * the smallest range covering them.  *bit gets the shift of bit OFS inside
 * that range. */
static int field_bytes(enum mf_field_id f, unsigned int ofs, unsigned int n, uint16_t *off,
		       uint8_t *len, unsigned int *bit)
{
	uint16_t o;
	uint8_t l, sh;
	unsigned int lo, hi;

	if (compile_field_loc(f, &o, &l, &sh) || !n)
		return -ENOENT;
	lo = ofs + sh;
	hi = lo + n - 1;
	if (hi >= 8u * l)
		return -ERANGE;
	*off = o + l - 1 - hi / 8;
	*len = hi / 8 - lo / 8 + 1;
	*bit = lo - (lo / 8) * 8;
	return 0;
}

/* ---- small helpers ---- */

void cc_report(struct compiler *c, enum compile_report_kind kind, const char *uuid,
	       const char *reason, const char *detail)
{
	if (c->opts.report)
		c->opts.report(c->opts.aux, kind, uuid, reason, detail);
	else
		pr_warn("compile", "flow %s: %s%s%s", uuid ? uuid : "-", reason,
			detail ? ": " : "", detail ? detail : "");
}

void cc_ops_push(struct cc_ops *o, const struct ovn_op *op)
{
	if (o->n == o->alloc) {
		o->alloc = o->alloc ? 2 * o->alloc : 16;
		o->v = xrealloc(o->v, o->alloc * sizeof(*o->v));
	}
	o->v[o->n++] = *op;
}

bool cc_dp_is_router(const struct compiler *c, uint32_t dp)
{
	char k[16];

	snprintf(k, sizeof(k), "%u", dp);
	return (uintptr_t)smap_get(&c->dps, k) == 1 + OVN_DP_ROUTER;
}

struct cc_port *cc_port_in_dp(const struct compiler *c, uint32_t dp, const char *name)
{
	struct cc_port *p = smap_get(&c->ports, name);

	return p && p->dp == dp ? p : NULL;
}

/* Tunnel key of port or multicast group NAME on DP; 0 if unknown (as
 * ovn-controller, which loads 0 for a name it cannot resolve). */
static uint32_t name_key(const struct compiler *c, uint32_t dp, const char *name)
{
	struct cc_port *p = cc_port_in_dp(c, dp, name);
	char k[300];
	void *mc;

	if (p)
		return p->key;
	snprintf(k, sizeof(k), "%u\x01%s", dp, name);
	mc = smap_get(&c->mcgroups, k);
	return mc ? (uint32_t)(uintptr_t)mc : 0;
}

uint32_t cc_set_id(struct compiler *c, const char *kind, const char *name)
{
	char k[300];
	struct cc_set *s;

	snprintf(k, sizeof(k), "%s%s", kind, name);
	s = smap_get(&c->sets, k);
	if (!s) {
		s = xcalloc(1, sizeof(*s));
		s->id = ++c->next_set_id;
		s->is_pg = kind[0] == '@';
		smap_put(&c->sets, k, s);
	}
	return s->id;
}

uint32_t cc_set_use(struct compiler *c, const char *kind, const char *name)
{
	uint32_t id = cc_set_id(c, kind, name);
	char k[300];

	snprintf(k, sizeof(k), "%.8s%.280s", kind, name);
	cc_set_install(c, smap_get(&c->sets, k));
	return id;
}

/* ---- matches ---- */

/* A conjunction being turned into writer specs: fixed clauses, set tests,
 * and a list of alternatives per expanding clause (value sets, strings). */
struct cc_alt {
	struct ovnbpf_match *v;
	size_t n;
};

struct cc_conj {
	struct ovnbpf_match m[64];
	size_t n_m;
	struct ovn_set_test sets[OVN_FLOW_SETS];
	size_t n_sets;
	struct cc_alt alts[16];
	size_t n_alts;
};

static void masked_to_match(enum mf_field_id f, struct u128 v, struct u128 m,
			    struct ovnbpf_match *out)
{
	const struct field_loc *l = &field_locs[f];

	memset(out, 0, sizeof(*out));
	out->off = l->off;
	out->len = l->len;
	u128_to_be(u128_shl(v, l->shift), l->len, out->value);
	u128_to_be(u128_shl(m, l->shift), l->len, out->mask);
	/* Trim bytes the mask does not look at. */
	while (out->len > 1 && !out->mask[0]) {
		memmove(out->value, out->value + 1, out->len - 1);
		memmove(out->mask, out->mask + 1, out->len - 1);
		out->off++;
		out->len--;
	}
	while (out->len > 1 && !out->mask[out->len - 1])
		out->len--;
}

static void port_match(uint16_t off, uint32_t key, struct ovnbpf_match *out)
{
	uint32_t be = htonl(key);

	memset(out, 0, sizeof(*out));
	out->off = off;
	out->len = 4;
	memcpy(out->value, &be, 4);
	memset(out->mask, 0xff, 4);
}

/* Returns 1 if the clause was added, 0 if it can never hold (the whole
 * conjunction is empty), -errno with *why if unsupported. */
static int add_clause(struct compiler *c, uint32_t dp, const struct expr_clause *cl,
		      struct cc_conj *cj, const char **why)
{
	const struct field_loc *l;
	struct cc_alt *alt;
	struct ovn_set_test *t;
	char pgname[300];
	uint16_t off;
	uint8_t len;
	unsigned int bit;
	size_t i;

	if (cl->type == EXPR_CL_CHASSIS_RESIDENT) {
		bool res;

		if (c->opts.is_chassis_resident) {
			res = c->opts.is_chassis_resident(c->opts.aux, cl->name);
		} else {
			struct cc_port *p = smap_get(&c->ports, cl->name);

			res = p && p->ifindex;
		}
		return res != cl->negated;
	}
	if ((unsigned int)cl->field >= MFF_N_IDS || !field_locs[cl->field].len) {
		*why = "field without a context location";
		return -ENOENT;
	}
	l = &field_locs[cl->field];
	switch (cl->type) {
	case EXPR_CL_VALUE:
		if (cj->n_m >= 64)
			goto too_big;
		masked_to_match(cl->field, cl->value, cl->mask, &cj->m[cj->n_m++]);
		return 1;
	case EXPR_CL_VALUE_SET:
	case EXPR_CL_STRINGS:
		if (cj->n_alts >= 16)
			goto too_big;
		alt = &cj->alts[cj->n_alts];
		alt->n = 0;
		if (cl->type == EXPR_CL_VALUE_SET) {
			alt->v = xcalloc(cl->n_values, sizeof(*alt->v));
			for (i = 0; i < cl->n_values; i++)
				masked_to_match(cl->field, cl->values[i].value, cl->values[i].mask,
						&alt->v[alt->n++]);
		} else {
			alt->v = xcalloc(cl->n_strings, sizeof(*alt->v));
			for (i = 0; i < cl->n_strings; i++) {
				uint32_t k = name_key(c, dp, cl->strings[i]);

				/* An unknown port name can never match;
				 * "none" is key 0, as in ovn-controller
				 * (e.g. outport == "none" after a get_fdb
				 * miss). */
				if (k || !strcmp(cl->strings[i], "none"))
					port_match(l->off, k, &alt->v[alt->n++]);
			}
		}
		if (!alt->n) {
			free(alt->v);
			return 0;
		}
		if (alt->n == 1) {
			cj->m[cj->n_m++] = alt->v[0];
			free(alt->v);
			return 1;
		}
		cj->n_alts++;
		return 1;
	case EXPR_CL_ADDR_SET:
	case EXPR_CL_PORT_GROUP:
		if (cj->n_sets >= OVN_FLOW_SETS) {
			*why = "more than 4 set tests in one conjunction";
			return -E2BIG;
		}
		if (field_bytes(cl->field, cl->ofs, cl->n_bits ? cl->n_bits : 8u * l->len, &off,
				&len, &bit) || bit || (cl->n_bits && cl->n_bits % 8)) {
			*why = "set test on a field that is not byte aligned";
			return -EINVAL;
		}
		t = &cj->sets[cj->n_sets++];
		memset(t, 0, sizeof(*t));
		t->off = off;
		t->len = len;
		t->flags = OVN_SET_T_USED | (cl->negated ? OVN_SET_T_NEGATE : 0);
		if (cl->type == EXPR_CL_PORT_GROUP) {
			/* northd 23.03 names the SB group "<dp key>_<name>". */
			snprintf(pgname, sizeof(pgname), "%u_%s", dp, cl->name);
			t->set_id = cc_set_use(c, "@", pgname);
			/* inport/outport: the member ports' records hold it
			 * (maps/ports.h). */
			if (len == 4 && (off == OVN_OFF_INPORT || off == OVN_OFF_OUTPORT))
				t->flags |= OVN_SET_T_PORT_REC;
		} else {
			t->set_id = cc_set_use(c, "$", cl->name);
			if (cl->field == MFF_IPV4_SRC || cl->field == MFF_IPV4_DST ||
			    cl->field == MFF_IPV6_SRC || cl->field == MFF_IPV6_DST ||
			    cl->field == MFF_ARP_SPA || cl->field == MFF_ARP_TPA ||
			    cl->field == MFF_ND_TARGET || len == 4 || len == 16)
				t->flags |= OVN_SET_T_LPM;
		}
		return 1;
	default:
		*why = "unknown clause type";
		return -EINVAL;
	}
too_big:
	*why = "conjunction too large";
	return -E2BIG;
}

/* ---- actions ---- */

struct cc_act {
	struct compiler *c;
	const struct compile_lflow *f;
	struct cc_ops *ops;
	uint32_t dp;
	bool unsupported;
	bool pauses;		/* has a pausing controller action */
	bool port_names;	/* loads a port or group name (`outport = "P"`) */
	unsigned int sp;	/* push/pop stack depth (compile_ecmp.c) */
};

static void act_unsupported(struct cc_act *a, const struct action *act, const char *why)
{
	char detail[64];

	snprintf(detail, sizeof(detail), "at column %u", act->pos + 1);
	cc_report(a->c, COMPILE_R_UNSUPPORTED, a->f->uuid, why, detail);
	a->unsupported = true;
}

/* Byte range of an action field; *bit = shift of its bit 0. */
int afield_bytes(const struct action_field *af, enum mf_field_id *fid, uint16_t *off,
		 uint8_t *len, unsigned int *bit, unsigned int *n_bits)
{
	unsigned int base_ofs;
	enum mf_field_id f = symbol_resolve(af->sym, af->ofs, &base_ofs);
	unsigned int n = af->n_bits;

	if (f == MFF_NONE)
		return -ENOENT;
	if (!n) {		/* string field: the whole 32-bit key */
		n = 32;
		base_ofs = 0;
	}
	*fid = f;
	*n_bits = n;
	return field_bytes(f, base_ofs, n, off, len, bit);
}

static int emit_load(struct cc_act *a, const struct action *act)
{
	const struct action_load *ld = &act->load;
	struct ovn_op op = { .code = OVN_OP_SET };
	enum mf_field_id f;
	unsigned int bit, n;
	struct u128 v, m;

	if (afield_bytes(&ld->dst, &f, &op.dst, &op.n, &bit, &n))
		return -ENOENT;
	if (ld->imm.string) {
		a->port_names = true;
		v = u128_from_u64(name_key(a->c, a->dp, ld->imm.string));
		m = u128_low_mask(32);
	} else {
		v = ld->imm.value;
		m = u128_and(ld->imm.mask, u128_low_mask(n));
	}
	v = u128_shl(u128_and(v, m), bit);
	m = u128_shl(m, bit);
	u128_to_be(v, op.n, op.value);
	u128_to_be(m, op.n, op.mask);
	cc_ops_push(a->ops, &op);
	return 0;
}

static int emit_move(struct cc_act *a, const struct action *act, bool xchg)
{
	struct ovn_op op = { 0 };
	enum mf_field_id fd, fs;
	unsigned int bd, bs, nd, ns;
	uint8_t ld, ls;

	if (afield_bytes(&act->move.lhs, &fd, &op.dst, &ld, &bd, &nd) ||
	    afield_bytes(&act->move.rhs, &fs, &op.src, &ls, &bs, &ns) || nd != ns)
		return -ENOENT;
	if (!bd && !bs && nd % 8 == 0 && ld == ls && ld * 8u == nd) {
		op.code = xchg ? OVN_OP_XCHG : OVN_OP_MOVE;
		op.n = ld;
		cc_ops_push(a->ops, &op);
		return 0;
	}
	if (xchg || ld > 8 || ls > 8 || nd > 64)
		return -EOPNOTSUPP;
	op.code = OVN_OP_MOVE_BITS;
	op.n = nd;
	op.dst_len = ld;
	op.src_len = ls;
	op.dst_shift = bd;
	op.src_shift = bs;
	cc_ops_push(a->ops, &op);
	return 0;
}

static void emit_simple(struct cc_act *a, uint8_t code, uint32_t arg)
{
	struct ovn_op op = { .code = code, .arg = arg };

	if (code == OVN_OP_PUNT)
		op.meter = a->f->controller_meter;
	cc_ops_push(a->ops, &op);
}

/* OVN's controller actions that do not pause the packet: pinctrl gets a
 * copy and the pipeline goes on. */
static bool punt_continues(enum action_type t)
{
	switch (t) {
	case ACT_LOG:
	case ACT_PUT_ARP:
	case ACT_PUT_ND:
	case ACT_PUT_FDB:
	case ACT_TRIGGER_EVENT:
		return true;
	default:
		return false;
	}
}

/* flags bit B := 0; call helper table T; DST := flags bit B. */
static int emit_call_bit(struct cc_act *a, const struct action_field *dst, unsigned int flag_bit,
			 uint8_t table)
{
	struct ovn_op op = { .code = OVN_OP_SET, .dst = OVN_OFF_FLAGS + 3 - flag_bit / 8, .n = 1 };
	enum mf_field_id f;
	unsigned int bit, n;
	uint8_t len;

	op.mask[0] = 1u << (flag_bit % 8);
	cc_ops_push(a->ops, &op);
	memset(&op, 0, sizeof(op));
	op.code = OVN_OP_CALL;
	op.table = table;
	cc_ops_push(a->ops, &op);
	if (afield_bytes(dst, &f, &op.dst, &len, &bit, &n) || n != 1 || len > 8)
		return -EOPNOTSUPP;
	memset(&op, 0, sizeof(op));
	op.code = OVN_OP_MOVE_BITS;
	afield_bytes(dst, &f, &op.dst, &len, &bit, &n);
	op.dst_len = len;
	op.dst_shift = bit;
	op.src = OVN_OFF_FLAGS;
	op.src_len = 4;
	op.src_shift = flag_bit;
	op.n = 1;
	cc_ops_push(a->ops, &op);
	return 0;
}

/* A pausing action R = f(...) resumes (maps/resume.h) at the op after its
 * PUNT, which sets R = 1: the daemon only resumes a packet it answered.
 * The PUNT (the last op) is marked OVN_PUNT_F_RESUMES when it does. */
static void emit_resume_result(struct cc_act *a, const struct action *act)
{
	struct ovn_op *punt = &a->ops->v[a->ops->n - 1];
	const struct action_field *dst = NULL;
	struct ovn_op op = { .code = OVN_OP_SET };
	enum mf_field_id f;
	unsigned int bit, n;

	switch (act->type) {
	case ACT_PUT_DHCPV4_OPTS:
	case ACT_PUT_DHCPV6_OPTS:
	case ACT_PUT_ND_RA_OPTS:
		dst = &act->put_opts.dst;
		break;
	default:
		/* dns_lookup(): emit_dns_lookup(). */
		return;
	}
	if (!dst->sym || afield_bytes(dst, &f, &op.dst, &op.n, &bit, &n) || n != 1)
		return;
	u128_to_be(u128_shl(u128_from_u64(1), bit), op.n, op.value);
	memcpy(op.mask, op.value, sizeof(op.mask));
	punt->n |= OVN_PUNT_F_RESUMES;
	cc_ops_push(a->ops, &op);
}

int compile_result_bit(const struct action_field *dst, uint16_t *byte, uint8_t *mask)
{
	enum mf_field_id f;
	unsigned int bit, n;
	uint16_t off;
	uint8_t len;

	if (afield_bytes(dst, &f, &off, &len, &bit, &n) || n != 1 || bit / 8 >= len)
		return -EOPNOTSUPP;
	*byte = off + len - 1 - bit / 8;
	*mask = 1u << (bit % 8);
	return 0;
}

/* DST = dns_lookup(): ovn-controller answers a query for one of the
 * switch's DNS records (the answer goes on with DST 1) and otherwise
 * resumes the query with DST 0.  Here DST := 0, then a pausing PUNT: the
 * daemon resumes after it either the answer, with DST set in the state
 * it hands back (loader/dns.c), or the query as it was.  A trace goes on
 * with DST 0, as ovn-trace's. */
static int emit_dns_lookup(struct cc_act *a, const struct action_field *dst)
{
	struct ovn_op op = { .code = OVN_OP_SET, .n = 1 };
	uint8_t mask;

	if (compile_result_bit(dst, &op.dst, &mask))
		return -EOPNOTSUPP;
	op.mask[0] = mask;
	cc_ops_push(a->ops, &op);
	emit_simple(a, OVN_OP_PUNT, ACT_DNS_LOOKUP);
	a->ops->v[a->ops->n - 1].n = OVN_PUNT_F_RESUMES;
	a->pauses = true;
	return 0;
}

static bool is_ct(enum action_type t)
{
	switch (t) {
	case ACT_CT_NEXT: case ACT_CT_COMMIT: case ACT_CT_COMMIT_V1: case ACT_CT_DNAT:
	case ACT_CT_SNAT: case ACT_CT_DNAT_IN_CZONE: case ACT_CT_SNAT_IN_CZONE:
	case ACT_CT_COMMIT_NAT: case ACT_CT_LB: case ACT_CT_LB_MARK: case ACT_CT_CLEAR:
	case ACT_CT_SNAT_TO_VIP: case ACT_CT_COMMIT_TO_ZONE: case ACT_CHK_LB_HAIRPIN:
	case ACT_CHK_LB_HAIRPIN_REPLY: case ACT_CHK_LB_AFF: case ACT_COMMIT_LB_AFF:
		return true;
	default:
		return false;
	}
}

static void emit_list(struct cc_act *a, const struct action_list *l);

/* Opcode and flags of a packet-generating action (OVN 23.03 pinctrl: icmp4 {}
 * and icmp6 {} answer UDP with port unreachable, the _error forms do not). */
static uint8_t pktgen_opcode(enum action_type t, uint32_t *arg)
{
	*arg = 0;
	switch (t) {
	case ACT_ICMP4:
	case ACT_ICMP6:
		*arg = OVN_PKTGEN_F_UDP_CODE;
		return OVN_OP_ICMP;
	case ACT_ICMP4_ERROR:
	case ACT_ICMP6_ERROR:
		return OVN_OP_ICMP;
	case ACT_TCP_RESET:
		return OVN_OP_TCP_RESET;
	case ACT_SCTP_ABORT:
		return OVN_OP_SCTP_ABORT;
	case ACT_REJECT:
		return OVN_OP_REJECT;
	default:
		return OVN_OP_ND_NS;
	}
}

/* Actions after a packet-generating block: OVN runs them on the original
 * packet, which here has been replaced (northd never writes any). */
static bool pktgen_type(enum action_type t)
{
	return t == ACT_ICMP4 || t == ACT_ICMP6 || t == ACT_ICMP4_ERROR ||
	       t == ACT_ICMP6_ERROR || t == ACT_TCP_RESET || t == ACT_SCTP_ABORT ||
	       t == ACT_REJECT ||
	       t == ACT_ND_NS;
}

static void emit_nested(void *aux, const struct action_list *l)
{
	emit_list(aux, l);
}

static void emit_action(struct cc_act *a, const struct action *act)
{
	const char *name = action_info(act->type)->name;
	struct ovn_op op = { 0 };
	int err = 0;

	switch (act->type) {
	case ACT_NEXT:
		op.code = OVN_OP_NEXT;
		op.pipeline = act->next.pipeline == ACT_P_EGRESS ? OVN_PIPE_EGRESS
								 : OVN_PIPE_INGRESS;
		op.table = act->next.table;
		cc_ops_push(a->ops, &op);
		return;
	case ACT_LOAD:
		err = emit_load(a, act);
		break;
	case ACT_MOVE:
		err = emit_move(a, act, false);
		break;
	case ACT_EXCHANGE:
		err = emit_move(a, act, true);
		break;
	case ACT_OUTPUT:
		emit_simple(a, OVN_OP_OUTPUT, 0);
		return;
	case ACT_DEC_TTL:
		emit_simple(a, OVN_OP_DEC_TTL, 0);
		return;
	case ACT_ARP:
		emit_simple(a, OVN_OP_ARP, 0);
		emit_list(a, &act->nested);
		return;
	case ACT_CLONE:
		/* bpf/lib/clone.h: the ops between CLONE and CLONE_END run on
		 * a copy. */
		emit_simple(a, OVN_OP_CLONE, 0);
		emit_list(a, &act->nested);
		emit_simple(a, OVN_OP_CLONE_END, 0);
		return;
	case ACT_ND_NA:
	case ACT_ND_NA_ROUTER:
		op.code = OVN_OP_ND_NA;
		op.arg = act->type == ACT_ND_NA_ROUTER;
		cc_ops_push(a->ops, &op);
		emit_list(a, &act->nested);
		return;
	case ACT_ICMP4:
	case ACT_ICMP6:
	case ACT_ICMP4_ERROR:
	case ACT_ICMP6_ERROR:
	case ACT_TCP_RESET:
	case ACT_SCTP_ABORT:
	case ACT_REJECT:
	case ACT_ND_NS:
		/* bpf/lib/pktgen.h: the op makes the packet pinctrl would,
		 * the nested actions follow. */
		op.code = pktgen_opcode(act->type, &op.arg);
		cc_ops_push(a->ops, &op);
		emit_list(a, &act->nested);
		return;
	case ACT_OVNFIELD_LOAD:
		op.code = OVN_OP_ICMP_FRAG_MTU;
		op.n = act->load.dst.sym->field == MFF_ICMP6_FRAG_MTU ? 6 : 4;
		op.arg = (uint32_t)act->load.imm.value.lo;
		cc_ops_push(a->ops, &op);
		return;
	case ACT_CHECK_IN_PORT_SEC:
		err = emit_call_bit(a, &act->result.dst, OVN_MLF_CHECK_PORT_SEC,
				    OVN_HT_PORT_SEC_IN);
		break;
	case ACT_CHECK_OUT_PORT_SEC:
		err = emit_call_bit(a, &act->result.dst, OVN_MLF_CHECK_PORT_SEC,
				    OVN_HT_PORT_SEC_OUT);
		break;
	case ACT_LOOKUP_FDB:
		/* The helper table matches (inport, eth.src) of FDB rows. */
		if (strcmp(act->fdb.port.sym->name, "inport") ||
		    strcmp(act->fdb.mac.sym->name, "eth.src")) {
			err = -EOPNOTSUPP;
			break;
		}
		err = emit_call_bit(a, &act->fdb.dst, OVN_MLF_LOOKUP_FDB, OVN_HT_LOOKUP_FDB);
		break;
	case ACT_GET_FDB:
		/* outport = get_fdb(eth.dst): 0 unless an FDB row says. */
		if (strcmp(act->fdb.dst.sym->name, "outport") ||
		    strcmp(act->fdb.mac.sym->name, "eth.dst")) {
			err = -EOPNOTSUPP;
			break;
		}
		op.code = OVN_OP_SET;
		op.dst = OVN_OFF_OUTPORT;
		op.n = 4;
		memset(op.mask, 0xff, 4);
		cc_ops_push(a->ops, &op);
		memset(&op, 0, sizeof(op));
		op.code = OVN_OP_CALL;
		op.table = OVN_HT_GET_FDB;
		cc_ops_push(a->ops, &op);
		return;
	case ACT_DNS_LOOKUP:
		err = emit_dns_lookup(a, &act->result.dst);
		if (!err)
			return;
		break;
	case ACT_TRIGGER_EVENT: {
		const char *why = name;

		/* The punt names its event (loader/controller_event.h); a bad
		 * one is reported and writes no event, the packet goes on. */
		if (!ctrl_event_op(&act->event, a->f->controller_meter, &op, &why))
			cc_ops_push(a->ops, &op);
		else
			act_unsupported(a, act, why);
		return;
	}
	case ACT_SET_METER:
	case ACT_SET_QUEUE: {
		const char *why = name;

		/* compile_qos.c; a meter that cannot be had is reported and
		 * the flow goes on unmetered rather than dropping. */
		if (cc_emit_qos(a->c, a->f, a->ops, act, &why))
			act_unsupported(a, act, why);
		return;
	}
	case ACT_BIND_VPORT: {
		const char *why = name;

		/* loader/compile_vport.c: a continuing punt naming V. */
		if (cc_emit_bind_vport(a->c, a->f, a->ops, act, &why))
			act_unsupported(a, act, why);
		return;
	}
	case ACT_LOG:
		/* Metered by log(meter=) only, as ovn-controller does. */
		err = acl_log_op(&act->log, a->f->pipeline != OVN_PIPE_EGRESS,
				 meter_id(act->log.meter), &op);
		if (!err) {
			cc_ops_push(a->ops, &op);
			return;
		}
		break;
	default:
		if (cc_ecmp_handles(act->type)) {
			const char *why = name;

			if (!cc_ecmp_emit(a->ops, act, &a->sp, &why))
				return;
			act_unsupported(a, act, why);
			emit_simple(a, OVN_OP_PUNT, COMPILE_PUNT_UNSUPPORTED | act->type);
			return;
		}
		if (cc_router_handles(act->type)) {
			const char *why = name;

			if (!cc_router_emit(a->c, a->f, a->ops, act, &why))
				return;
			act_unsupported(a, act, why);
			emit_simple(a, OVN_OP_PUNT, COMPILE_PUNT_UNSUPPORTED | act->type);
			return;
		}
		if (is_ct(act->type)) {
			if (!cc_emit_ct(a->c, a->f, a->ops, act, emit_nested, a))
				return;
			/* Not done yet: counted DROP_CT_UNSUPPORTED. */
			act_unsupported(a, act, name);
			emit_simple(a, OVN_OP_CT_UNSUPPORTED, act->type);
			return;
		}
		if (act->exec == ACT_EXEC_PUNT) {
			/* Control plane: the daemon handles it. */
			emit_simple(a, OVN_OP_PUNT, act->type);
			if (punt_continues(act->type))
				a->ops->v[a->ops->n - 1].n = OVN_PUNT_F_CONTINUE;
			else
				emit_resume_result(a, act);
			a->pauses |= !punt_continues(act->type);
			return;
		}
		err = -EOPNOTSUPP;
		break;
	}
	if (err) {
		act_unsupported(a, act, name);
		emit_simple(a, OVN_OP_PUNT, COMPILE_PUNT_UNSUPPORTED | act->type);
	}
}

static void emit_list(struct cc_act *a, const struct action_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		if (i && pktgen_type(l->acts[i - 1].type))
			act_unsupported(a, &l->acts[i],
					"action after a packet-generating block");
		emit_action(a, &l->acts[i]);
	}
}

/* ---- flows ---- */

static void rec_free(void *p)
{
	struct cc_rec *r = p;

	if (r) {
		free(r->ids);
		free(r);
	}
}

static int add_specs(struct compiler *c, const char *uuid, const struct compile_lflow *f,
		     struct cc_conj *cj, const struct cc_ops *ops, struct cc_rec *rec)
{
	size_t idx[16] = { 0 }, k, total = 1;
	struct ovnbpf_match m[80];
	struct ovnbpf_flow_spec s = {
		.dp = f->dp, .pipeline = f->pipeline, .table = f->table,
		.priority = f->priority, .sets = cj->sets, .n_sets = cj->n_sets,
		.ops = ops->v, .n_ops = ops->n,
	};
	int err = 0;

	for (k = 0; k < cj->n_alts; k++) {
		total *= cj->alts[k].n;
		if (total > 4096) {
			cc_report(c, COMPILE_R_ERROR, uuid, "match expands to too many flows", NULL);
			return -E2BIG;
		}
	}
	for (;;) {
		uint32_t id;
		int r;

		memcpy(m, cj->m, cj->n_m * sizeof(*m));
		for (k = 0; k < cj->n_alts; k++)
			m[cj->n_m + k] = cj->alts[k].v[idx[k]];
		s.match = m;
		s.n_match = cj->n_m + cj->n_alts;
		r = ovnbpf_flow_add(c->w, &s, &id);
		if (r) {
			const char *why = ovnbpf_writer_why(c->w);
			char d[160];

			snprintf(d, sizeof(d), "%s%s%s", strerror(-r), why ? ": " : "",
				 why ? why : "");
			cc_report(c, COMPILE_R_WRITER, uuid, "writer refused a flow", d);
			c->st.writer_errors++;
			err = r;
		} else {
			if (rec->n == rec->alloc) {
				rec->alloc = rec->alloc ? 2 * rec->alloc : 4;
				rec->ids = xrealloc(rec->ids, rec->alloc * sizeof(*rec->ids));
			}
			rec->ids[rec->n++] = id;
			c->st.writer_flows++;
			c->st.entries_written++;
		}
		for (k = 0; k < cj->n_alts; k++) {
			if (++idx[k] < cj->alts[k].n)
				break;
			idx[k] = 0;
		}
		if (k == cj->n_alts)
			break;
	}
	return err;
}

/* Compile MATCH (text) with OPS into writer flows recorded under KEY. */
int cc_compile(struct compiler *c, const char *key, const struct compile_lflow *f,
	       const char *match, const struct cc_ops *ops, bool helper)
{
	return cc_compile_sets(c, key, f, match, ops, helper, NULL, 0);
}

/* cc_compile with set tests EXTRA (N_EXTRA) added to every conjunction. */
int cc_compile_sets(struct compiler *c, const char *key, const struct compile_lflow *f,
		    const char *match, const struct cc_ops *ops, bool helper,
		    const struct ovn_set_test *extra, size_t n_extra)
{
	struct expr_dnf *dnf = NULL;
	struct expr *e = NULL;
	struct cc_rec *rec;
	char *err = NULL;
	int ret = 0;

	(void)helper;
	e = expr_parse(match, c->symtab, NULL, &err);
	if (e)
		dnf = expr_normalize(e, c->symtab, 0, &err);
	if (!dnf) {
		char d[256];

		snprintf(d, sizeof(d), "match %s", err ? err : "?");
		cc_report(c, COMPILE_R_ERROR, f->uuid, "bad match", d);
		ret = -EINVAL;
		goto out;
	}
	/* Recompiling a key replaces its flows. */
	cc_del_rec(c, key);
	rec = xcalloc(1, sizeof(*rec));
	rec->dp = f->dp;
	smap_put(&c->recs, key, rec);
	for (size_t i = 0; i < dnf->n_conjs; i++) {
		const struct expr_conj *conj = &dnf->conjs[i];
		struct cc_conj *cj = xcalloc(1, sizeof(*cj));
		const char *why = NULL;
		int r = 1;

		for (size_t j = 0; j < conj->n_clauses && r > 0; j++)
			r = add_clause(c, f->dp, &conj->clauses[j], cj, &why);
		if (r > 0 && cj->n_sets + n_extra > OVN_FLOW_SETS) {
			why = "more than 4 set tests in one conjunction";
			r = -E2BIG;
		}
		for (size_t j = 0; r > 0 && j < n_extra; j++)
			cj->sets[cj->n_sets++] = extra[j];
		if (r < 0) {
			cc_report(c, COMPILE_R_UNSUPPORTED, f->uuid, "match", why);
			ret = -EOPNOTSUPP;
		} else if (r > 0) {
			add_specs(c, f->uuid, f, cj, ops, rec);
		}
		for (size_t k = 0; k < cj->n_alts; k++)
			free(cj->alts[k].v);
		free(cj);
	}
	if (!rec->n)
		c->st.empty++;
out:
	free(err);
	expr_dnf_free(dnf);
	expr_free(e);
	return ret;
}

int compile_flow_add(struct compiler *c, const struct compile_lflow *f)
{
	struct action_parse_params pp = {
		.symtab = c->symtab,
		.dhcp_opts = c->opts.dhcp_opts,
		.dhcpv6_opts = c->opts.dhcpv6_opts,
		.pipeline = f->pipeline == OVN_PIPE_EGRESS ? ACT_P_EGRESS : ACT_P_INGRESS,
		.cur_table = f->table,
	};
	struct action_parse_result res = { 0 };
	struct action_error aerr = { 0 };
	struct cc_ops ops = { 0 };
	struct cc_act a = { .c = c, .f = f, .ops = &ops, .dp = f->dp };
	char *match = NULL;
	int r;

	if (smap_get(&c->recs, f->uuid) || cc_family_has(c, f->uuid))
		return -EEXIST;
	/* The parser checks next(table=) against one count; next(pipeline=
	 * ingress, table=N) from egress needs the (larger) ingress count. */
	pp.n_tables = cc_n_tables(c, f->dp, OVN_PIPE_INGRESS);
	if (actions_parse(f->actions, &pp, &res, &aerr)) {
		char d[200];

		snprintf(d, sizeof(d), "actions column %d: %s", aerr.pos + 1, aerr.msg);
		cc_report(c, COMPILE_R_ERROR, f->uuid, "bad actions", d);
		c->st.errors++;
		return -EINVAL;
	}
	emit_list(&a, &res.acts);
	if (!ops.n || (ops.v[ops.n - 1].code != OVN_OP_NEXT && ops.v[ops.n - 1].code != OVN_OP_PUNT &&
		       ops.v[ops.n - 1].code != OVN_OP_OUTPUT))
		emit_simple(&a, res.acts.n ? OVN_OP_END : OVN_OP_DROP, 0);
	/* A member of a family compiled as one flow (compile_family.c)
	 * compiles nothing of its own. */
	if (!a.pauses && !a.port_names && !a.unsupported && !strstr(f->actions, "select(") &&
	    !strstr(f->actions, "set_meter(") && cc_family_add(c, f, &ops, res.prereqs) > 0) {
		c->st.flows++;
		cc_router_flow_added(c, f);
		free(ops.v);
		action_parse_result_free(&res);
		return 0;
	}
	if (res.prereqs && *res.prereqs)
		match = xasprintf("(%s) && (%s)", f->match, res.prereqs);
	r = cc_compile(c, f->uuid, f, match ? match : f->match, &ops, false);
	if (a.pauses)
		cc_pause_record(c, f);
	if (r == -EINVAL) {
		/* Skipped: the caller will not delete it. */
		cc_family_del(c, f->uuid);
		c->st.errors++;
	} else {
		c->st.flows++;
		c->st.flows_compiled++;
	}
	if (r != -EINVAL)
		cc_router_flow_added(c, f);
	if (a.unsupported || r == -EOPNOTSUPP)
		c->st.unsupported++;
	free(match);
	free(ops.v);
	action_parse_result_free(&res);
	return r == -EINVAL ? r : 0;
}

int cc_del_rec(struct compiler *c, const char *key)
{
	struct cc_rec *r = smap_del(&c->recs, key);

	if (!r)
		return -ENOENT;
	for (size_t i = 0; i < r->n; i++) {
		cc_pause_forget(c, r->ids[i]);
		ovnbpf_flow_del(c->w, r->ids[i]);
		c->st.writer_flows--;
	}
	rec_free(r);
	return 0;
}

int compile_flow_del(struct compiler *c, const char *uuid)
{
	int r = cc_family_del(c, uuid) > 0 ? 0 : cc_del_rec(c, uuid);

	if (!r)
		c->st.flows--;
	cc_router_flow_deleted(c, uuid);
	cc_qos_flow_deleted(c, uuid);
	return r;
}

void compile_for_each_flow(const struct compiler *c,
			   void (*fn)(void *aux, const char *key, const uint32_t *ids, size_t n),
			   void *aux)
{
	size_t i = 0;
	const char *k;
	void *v;

	while (smap_next(&c->recs, &i, &k, &v))
		fn(aux, k, ((struct cc_rec *)v)->ids, ((struct cc_rec *)v)->n);
}
