/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What every ovnbpf BPF object includes first: kernel types (CO-RE), libbpf's
 * helpers, and the constants that vmlinux.h cannot carry (macros).
 */
#pragma once

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define TC_ACT_UNSPEC		(-1)
#define TC_ACT_OK		0
#define TC_ACT_SHOT		2
#define TC_ACT_REDIRECT		7

#define ETH_HLEN		14
#define ETH_ALEN		6
#define ETH_P_IP		0x0800
#define ETH_P_ARP		0x0806
#define ETH_P_8021Q		0x8100
#define ETH_P_8021AD		0x88A8
#define ETH_P_IPV6		0x86DD

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
