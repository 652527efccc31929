/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * 128-bit unsigned values for the match language.  The widest OVN field
 * (ip6.src, xxreg0, ct_label) is 128 bits, so every constant, mask and
 * field value in the lexer, parser and normaliser is one of these.  Bit 0
 * is the least significant bit of 'lo'; an IPv6 address keeps its first
 * (network order) eight bytes in 'hi'.
 */
#ifndef __OVNBPF_LOADER_U128_H
#define __OVNBPF_LOADER_U128_H

#include <stdbool.h>
#include <stdint.h>

struct u128 {
	uint64_t hi;
	uint64_t lo;
};

static inline struct u128 u128_from_u64(uint64_t v)
{
	return (struct u128){ .hi = 0, .lo = v };
}

static inline bool u128_is_zero(struct u128 a)
{
	return !a.hi && !a.lo;
}

static inline bool u128_eq(struct u128 a, struct u128 b)
{
	return a.hi == b.hi && a.lo == b.lo;
}

/* -1, 0, 1 as a <, ==, > b. */
static inline int u128_cmp(struct u128 a, struct u128 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

static inline struct u128 u128_and(struct u128 a, struct u128 b)
{
	return (struct u128){ a.hi & b.hi, a.lo & b.lo };
}

static inline struct u128 u128_or(struct u128 a, struct u128 b)
{
	return (struct u128){ a.hi | b.hi, a.lo | b.lo };
}

static inline struct u128 u128_xor(struct u128 a, struct u128 b)
{
	return (struct u128){ a.hi ^ b.hi, a.lo ^ b.lo };
}

static inline struct u128 u128_not(struct u128 a)
{
	return (struct u128){ ~a.hi, ~a.lo };
}

static inline struct u128 u128_shl(struct u128 a, unsigned int n)
{
	if (n >= 128)
		return (struct u128){ 0, 0 };
	if (n >= 64)
		return (struct u128){ a.lo << (n - 64), 0 };
	if (n == 0)
		return a;
	return (struct u128){ (a.hi << n) | (a.lo >> (64 - n)), a.lo << n };
}

static inline struct u128 u128_shr(struct u128 a, unsigned int n)
{
	if (n >= 128)
		return (struct u128){ 0, 0 };
	if (n >= 64)
		return (struct u128){ 0, a.hi >> (n - 64) };
	if (n == 0)
		return a;
	return (struct u128){ a.hi >> n, (a.lo >> n) | (a.hi << (64 - n)) };
}

/* The low 'n' bits set (n <= 128). */
static inline struct u128 u128_low_mask(unsigned int n)
{
	if (n >= 128)
		return (struct u128){ UINT64_MAX, UINT64_MAX };
	if (n >= 64)
		return (struct u128){ n == 64 ? 0 : UINT64_MAX >> (128 - n),
				      UINT64_MAX };
	return (struct u128){ 0, n ? UINT64_MAX >> (64 - n) : 0 };
}

/* Bits lo..lo+n-1 set. */
static inline struct u128 u128_bit_range(unsigned int lo, unsigned int n)
{
	return u128_shl(u128_low_mask(n), lo);
}

static inline bool u128_bit(struct u128 a, unsigned int n)
{
	return n < 64 ? (a.lo >> n) & 1 : n < 128 ? (a.hi >> (n - 64)) & 1 : 0;
}

static inline struct u128 u128_add1(struct u128 a)
{
	struct u128 r = { a.hi, a.lo + 1 };

	if (!r.lo)
		r.hi++;
	return r;
}

static inline struct u128 u128_sub1(struct u128 a)
{
	struct u128 r = { a.hi, a.lo - 1 };

	if (!a.lo)
		r.hi--;
	return r;
}

static inline unsigned int u128_popcount(struct u128 a)
{
	return __builtin_popcountll(a.hi) + __builtin_popcountll(a.lo);
}

/* Number of trailing zero bits; 128 for zero. */
static inline unsigned int u128_ctz(struct u128 a)
{
	if (a.lo)
		return __builtin_ctzll(a.lo);
	if (a.hi)
		return 64 + __builtin_ctzll(a.hi);
	return 128;
}

/* Index of the highest set bit plus one; 0 for zero. */
static inline unsigned int u128_bits(struct u128 a)
{
	if (a.hi)
		return 128 - __builtin_clzll(a.hi);
	if (a.lo)
		return 64 - __builtin_clzll(a.lo);
	return 0;
}

/* Whether 'm' within a 'width'-bit field is a CIDR mask (ones, then
 * zeros); *plen gets the prefix length. */
static inline bool u128_is_prefix_mask(struct u128 m, unsigned int width,
				       unsigned int *plen)
{
	struct u128 inv = u128_and(u128_not(m), u128_low_mask(width));
	unsigned int n = u128_popcount(m);

	/* the host part must be a run of low bits */
	if (!u128_eq(inv, u128_low_mask(width - n)) || u128_bits(m) > width)
		return false;
	if (plen)
		*plen = n;
	return true;
}

#endif /* __OVNBPF_LOADER_U128_H */
