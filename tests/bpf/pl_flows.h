/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Logical flows for the pipeline fixture (struct pl_fix): flows compiled
 * by the real compiler, with generated UUIDs, the "fill every other stage"
 * pass, the two-VIF switch most tests stand on, and a run that reads the
 * per-packet context back.
 */
#ifndef __OVNBPF_TESTS_BPF_PL_FLOWS_H
#define __OVNBPF_TESTS_BPF_PL_FLOWS_H

#include <stdint.h>

#include "loader/compile.h"
#include "tests/bpf/bpf_test.h"

/* Compile a logical flow on DP with a UUID of its own (a process-wide
 * counter: UUIDs never repeat, even across compilers). */
int pl_flow(struct compiler *c, uint32_t dp, uint8_t pl, uint8_t t, uint16_t prio,
	    const char *match, const char *actions);
/* The UUID the last pl_flow() gave its flow (to delete it). */
const char *pl_flow_last_uuid(void);

/* Delete flow UUID if there is one, then add it again in ingress table T
 * at priority PRIO (no commit). */
int pl_flow_replace(struct compiler *c, const char *uuid, uint32_t dp, uint8_t t,
		    uint16_t prio, const char *match, const char *actions);

/* Priority-0 "1" flows in tables FROM..N-1 of pipeline PL: "next;", and
 * LAST in table N-1. */
int pl_flow_fill(struct compiler *c, uint32_t dp, uint8_t pl, uint8_t from, uint8_t n,
		 const char *last);

/* Switch datapath 1 with VIFs p1 (key 1, ct zone 1) and p2 (key 2, zone
 * 2), both on IFINDEX; p1 added last so that IFINDEX's VIF is p1. */
int pl_switch_p1p2(struct compiler *c, uint32_t ifindex);

/* Run PKT once and read CPU 0's context into CTX; the verdict goes to
 * *RET when RET is not NULL.  0 or -errno. */
int pl_run_ctx(struct pl_fix *f, const void *pkt, uint32_t len, uint32_t *ret,
	       struct ovn_ctx *ctx);

/* A hand-written classifier entry (see tests/bpf/ops_build.h). */
int pl_add_raw(struct pl_fix *f, uint32_t dp, uint8_t pl, uint8_t t, uint16_t prio,
	       const struct ovnbpf_match *m, uint32_t nm, const struct ovn_op *ops,
	       uint32_t nops);

/* compile_opts.report for tests: prints the report and counts it in
 * *(int *)AUX. */
void pl_report_count(void *aux, enum compile_report_kind kind, const char *uuid,
		     const char *reason, const char *detail);

/* The usual start of a test on a compiled pipeline: skip it without root,
 * open the fixture, make a compiler with O into *C and run SETUP(*C).
 * 0, or -1 after a failed assertion or a skip (everything closed again). */
int pl_open_compiled(struct pl_fix *f, const struct compile_opts *o,
		     int (*setup)(struct compiler *c), struct compiler **c);

/* Packets dropped for REASON, summed over CPUs (UINT64_MAX on error). */
uint64_t pl_drops(struct pl_fix *f, uint32_t reason);

#endif /* __OVNBPF_TESTS_BPF_PL_FLOWS_H */
