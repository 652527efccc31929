/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Builders of hand-written classifier entries for BPF tests: action ops
 * (maps/actions.h) and context matches (maps/ovnbpf_maps.h), plus MATCH()/
 * OPS() to pass a literal list with its length.
 */
#ifndef __OVNBPF_TESTS_BPF_OPS_BUILD_H
#define __OVNBPF_TESTS_BPF_OPS_BUILD_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "maps/actions.h"
#include "maps/ovnbpf_maps.h"

static inline struct ovn_op op_next(uint8_t pl, uint8_t t)
{
	return (struct ovn_op){ .code = OVN_OP_NEXT, .pipeline = pl, .table = t };
}

static inline struct ovn_op op_code(uint8_t code)
{
	return (struct ovn_op){ .code = code };
}

static inline struct ovn_op op_set(uint16_t off, uint8_t n, const void *val)
{
	struct ovn_op o = { .code = OVN_OP_SET, .dst = off, .n = n };

	memcpy(o.value, val, n);
	memset(o.mask, 0xff, n);
	return o;
}

static inline struct ovn_op op_set32(uint16_t off, uint32_t v)
{
	uint32_t be = htonl(v);

	return op_set(off, 4, &be);
}

/* field (off, len) bit BIT = V */
static inline struct ovn_op op_set_bit(uint16_t off, uint8_t len, unsigned int bit, int v)
{
	struct ovn_op o = { .code = OVN_OP_SET, .dst = off + len - 1 - bit / 8, .n = 1 };

	o.mask[0] = 1u << (bit % 8);
	o.value[0] = v ? o.mask[0] : 0;
	return o;
}

static inline struct ovn_op op_move(uint16_t dst, uint16_t src, uint8_t n)
{
	return (struct ovn_op){ .code = OVN_OP_MOVE, .dst = dst, .src = src, .n = n };
}

static inline struct ovn_op op_move_bit(uint16_t dst, uint8_t dl, uint8_t dbit, uint16_t src,
				 uint8_t sl, uint8_t sbit)
{
	return (struct ovn_op){ .code = OVN_OP_MOVE_BITS, .dst = dst, .dst_len = dl,
				.dst_shift = dbit, .src = src, .src_len = sl,
				.src_shift = sbit, .n = 1 };
}

static inline struct ovnbpf_match m_eq(uint16_t off, uint8_t len, const void *val)
{
	struct ovnbpf_match m = { .off = off, .len = len };

	memcpy(m.value, val, len);
	memset(m.mask, 0xff, len);
	return m;
}

static inline struct ovnbpf_match m_eq32(uint16_t off, uint32_t v)
{
	uint32_t be = htonl(v);

	return m_eq(off, 4, &be);
}

static inline struct ovnbpf_match m_eq16(uint16_t off, uint16_t v)
{
	uint16_t be = htons(v);

	return m_eq(off, 2, &be);
}

static inline struct ovnbpf_match m_eq8(uint16_t off, uint8_t v)
{
	return m_eq(off, 1, &v);
}

static inline struct ovnbpf_match m_bit(uint16_t off, uint8_t len, unsigned int bit, int v)
{
	struct ovnbpf_match m = { .off = off + len - 1 - bit / 8, .len = 1 };

	m.mask[0] = 1u << (bit % 8);
	m.value[0] = v ? m.mask[0] : 0;
	return m;
}

#define ARR(type, ...) ((type[]){ __VA_ARGS__ }), \
	(uint32_t)(sizeof((type[]){ __VA_ARGS__ }) / sizeof(type))
#define MATCH(...) ARR(struct ovnbpf_match, __VA_ARGS__)
#define OPS(...) ARR(struct ovn_op, __VA_ARGS__)
#define NOMATCH NULL, 0

#endif /* __OVNBPF_TESTS_BPF_OPS_BUILD_H */
