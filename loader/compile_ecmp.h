/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The compiler's ECMP symmetric-reply actions (maps/ecmp_nh.h):
 * R = chk_ecmp_nh(), R = chk_ecmp_nh_mac(), commit_ecmp_nh(...), and the
 * push(f)/pop(f) northd wraps around the reply MAC read in
 * lr_in_arp_resolve.
 */
#ifndef __OVNBPF_LOADER_COMPILE_ECMP_H
#define __OVNBPF_LOADER_COMPILE_ECMP_H

#include <stdbool.h>

#include "loader/actions.h"

struct cc_ops;

/* Whether cc_ecmp_emit() handles actions of TYPE. */
bool cc_ecmp_handles(enum action_type type);

/* Append the ops of ACT to OPS.  *SP is the push/pop stack depth in bytes
 * of the action list being compiled (0 at its start): push(f) saves f in
 * the context's stack area (OVN_OFF_STACK) at *SP, pop(f) restores the
 * top.  Returns 0, or -errno with *WHY set (stack overflow or underflow, a
 * result that is not one bit, a push of more than 64 bits that is not
 * whole bytes). */
int cc_ecmp_emit(struct cc_ops *ops, const struct action *act, unsigned int *sp,
		 const char **why);

#endif /* __OVNBPF_LOADER_COMPILE_ECMP_H */
