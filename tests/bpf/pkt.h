/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Packet builders and checksum checks for the BPF tests (header-only so
 * that each test file gets its own static copies).
 */
#ifndef __OVNBPF_TESTS_BPF_PKT_H
#define __OVNBPF_TESTS_BPF_PKT_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t pkt_sum(const uint8_t *b, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	return s;
}

static inline uint16_t pkt_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static inline size_t pkt_eth(uint8_t *b, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	b[12] = type >> 8;
	b[13] = type & 0xff;
	return 14;
}

/* IPv4 header (20 bytes) with a correct checksum. */
static inline size_t pkt_ip4(uint8_t *b, uint8_t proto, uint32_t src, uint32_t dst,
			     uint16_t payload)
{
	uint16_t cs, tot = 20 + payload;

	memset(b, 0, 20);
	b[0] = 0x45;
	b[2] = tot >> 8;
	b[3] = tot & 0xff;
	b[8] = 64;
	b[9] = proto;
	memcpy(b + 12, &src, 4);
	memcpy(b + 16, &dst, 4);
	cs = pkt_fold(pkt_sum(b, 20, 0));
	b[10] = cs >> 8;
	b[11] = cs & 0xff;
	return 20;
}

/* Ethernet + IPv4 + UDP with PLEN payload bytes, UDP checksum filled. */
static inline size_t pkt_udp4(uint8_t *b, const uint8_t *dmac, const uint8_t *smac,
			      uint32_t sip, uint32_t dip, uint16_t sport, uint16_t dport,
			      uint16_t plen)
{
	uint8_t *u = b + 34;
	uint32_t s;
	uint16_t cs;

	pkt_eth(b, dmac, smac, 0x0800);
	pkt_ip4(b + 14, 17, sip, dip, 8 + plen);
	u[0] = sport >> 8; u[1] = sport & 0xff;
	u[2] = dport >> 8; u[3] = dport & 0xff;
	u[4] = (8 + plen) >> 8; u[5] = (8 + plen) & 0xff;
	u[6] = u[7] = 0;
	memset(u + 8, 0xab, plen);
	s = pkt_sum(b + 26, 8, 0) + 17 + 8 + plen;
	cs = pkt_fold(pkt_sum(u, 8 + plen, s));
	u[6] = cs >> 8;
	u[7] = cs & 0xff;
	return 34 + 8 + plen;
}

/* IPv4 header checksum valid? */
static inline int pkt_ip4_ok(const uint8_t *ip)
{
	return pkt_fold(pkt_sum(ip, 20, 0)) == 0;
}

/* UDP checksum (IPv4) valid? */
static inline int pkt_udp4_ok(const uint8_t *ip)
{
	uint16_t len = (uint16_t)ip[20 + 4] << 8 | ip[20 + 5];
	uint32_t s = pkt_sum(ip + 12, 8, 0) + 17 + len;

	return pkt_fold(pkt_sum(ip + 20, len, s)) == 0;
}

/* Ethernet + ARP (Ethernet/IPv4). */
static inline size_t pkt_arp(uint8_t *b, const uint8_t *dmac, const uint8_t *smac, uint16_t op,
			     const uint8_t *sha, uint32_t spa, const uint8_t *tha, uint32_t tpa)
{
	uint8_t *a = b + 14;

	pkt_eth(b, dmac, smac, 0x0806);
	a[0] = 0; a[1] = 1; a[2] = 8; a[3] = 0; a[4] = 6; a[5] = 4;
	a[6] = op >> 8; a[7] = op & 0xff;
	memcpy(a + 8, sha, 6);
	memcpy(a + 14, &spa, 4);
	memcpy(a + 18, tha, 6);
	memcpy(a + 24, &tpa, 4);
	return 42;
}

/* Ethernet + IPv4 + a 20-byte TCP header SPORT -> DPORT with FLAGS (no
 * TCP checksum); 54 bytes. */
static inline size_t pkt_tcp4(uint8_t *b, const uint8_t *dmac, const uint8_t *smac,
			      uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
			      uint8_t flags)
{
	uint8_t *t = b + 34;

	pkt_eth(b, dmac, smac, 0x0800);
	pkt_ip4(b + 14, 6, src, dst, 20);
	memset(t, 0, 20);
	t[0] = sport >> 8; t[1] = sport & 0xff;
	t[2] = dport >> 8; t[3] = dport & 0xff;
	t[12] = 5 << 4;
	t[13] = flags;
	return 54;
}

/* Ethernet + IPv4 + ICMP echo (TYPE 8 request / 0 reply) with identifier
 * ID and 8 zero bytes of data (no ICMP checksum); 50 bytes. */
static inline size_t pkt_echo4(uint8_t *b, const uint8_t *dmac, const uint8_t *smac,
			       uint32_t src, uint32_t dst, uint8_t type, uint16_t id)
{
	uint8_t *t = b + 34;

	pkt_eth(b, dmac, smac, 0x0800);
	pkt_ip4(b + 14, 1, src, dst, 16);
	memset(t, 0, 16);
	t[0] = type;
	t[4] = id >> 8; t[5] = id & 0xff;
	return 50;
}

/* Ethernet + IPv6 + UDP SPORT -> DPORT with 8 zero bytes of payload (no
 * UDP checksum); 70 bytes. */
static inline size_t pkt_udp6(uint8_t *b, const uint8_t *dmac, const uint8_t *smac,
			      const uint8_t *src6, const uint8_t *dst6, uint16_t sport,
			      uint16_t dport)
{
	uint8_t *ip = b + 14, *u = b + 54;

	pkt_eth(b, dmac, smac, 0x86dd);
	memset(ip, 0, 40);
	ip[0] = 0x60;
	ip[5] = 16;		/* payload length */
	ip[6] = 17;
	ip[7] = 64;
	memcpy(ip + 8, src6, 16);
	memcpy(ip + 24, dst6, 16);
	memset(u, 0, 16);
	u[0] = sport >> 8; u[1] = sport & 0xff;
	u[2] = dport >> 8; u[3] = dport & 0xff;
	u[5] = 16;
	return 70;
}

/* Ethernet + IPv6 + ICMPv6 NS for TARGET with an SLL option. */
static inline size_t pkt_ns(uint8_t *b, const uint8_t *dmac, const uint8_t *smac,
			    const uint8_t *src6, const uint8_t *dst6, const uint8_t *target)
{
	uint8_t *ip = b + 14, *n = b + 54;
	uint32_t s;
	uint16_t cs;

	pkt_eth(b, dmac, smac, 0x86dd);
	memset(ip, 0, 40);
	ip[0] = 0x60;
	ip[5] = 32;
	ip[6] = 58;
	ip[7] = 255;
	memcpy(ip + 8, src6, 16);
	memcpy(ip + 24, dst6, 16);
	memset(n, 0, 32);
	n[0] = 135;
	memcpy(n + 8, target, 16);
	n[24] = 1;
	n[25] = 1;
	memcpy(n + 26, smac, 6);
	s = pkt_sum(ip + 8, 32, 0) + 32 + 58;
	cs = pkt_fold(pkt_sum(n, 32, s));
	n[2] = cs >> 8;
	n[3] = cs & 0xff;
	return 86;
}

/* ICMPv6 checksum of an IPv6 packet at IP valid? */
static inline int pkt_icmp6_ok(const uint8_t *ip)
{
	uint16_t len = (uint16_t)ip[4] << 8 | ip[5];
	uint32_t s = pkt_sum(ip + 8, 32, 0) + len + 58;

	return pkt_fold(pkt_sum(ip + 40, len, s)) == 0;
}

#endif /* __OVNBPF_TESTS_BPF_PKT_H */
