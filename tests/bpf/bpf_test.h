/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Helpers shared by the BPF_PROG_TEST_RUN tests: packet builders and map
 * readers.  Tests never pin: a test's maps are private to it, so a running
 * ovnbpfd's pinned maps are never touched.
 */
#ifndef __OVNBPF_TESTS_BPF_TEST_H
#define __OVNBPF_TESTS_BPF_TEST_H

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>

#include "maps/counters.h"
#include "maps/ovnbpf_maps.h"

/* Clear every map's pin path so that load() neither pins nor reuses. */
void bpf_test_unpin_all(struct bpf_object *obj);

/* Sum a PERCPU_ARRAY of struct ovnbpf_counter at KEY over all CPUs. */
int bpf_test_read_counter(int map_fd, __u32 key, struct ovnbpf_counter *sum);

/* Run PROG once on DATA; the verdict goes to *retval, the output packet (if
 * OUT) to OUT with its length in *out_len.  Returns 0 or -errno. */
/* A non-blocking AF_PACKET socket bound to interface IFINDEX (all
 * protocols), to read back the frames a test run sent there.  fd or
 * -errno. */
int bpf_test_capture_open(int ifindex);

int bpf_test_run_skb(int prog_fd, const void *data, __u32 len, __u32 *retval,
		     void *out, __u32 *out_len);

/* A loaded ovnbpf_vif with unpinned maps and a map writer, the test
 * thread pinned to CPU 0 so that the per-CPU context can be read back. */
struct ovnbpf_vif;
struct pl_fix {
	struct ovnbpf_vif *skel;
	struct ovnbpf_maps m;
	struct ovnbpf_writer *w;
	int prog_fd;
	__u32 verifier_insns;	/* "processed N insns" of the load */
	__u32 xlated_len, jited_len;	/* bytes, from bpf_prog_info */
};

int pl_fix_open(struct pl_fix *f);
/* The same with the datapath built for `ovnbpfctl trace` (ovn_trace_on). */
int pl_fix_open_trace(struct pl_fix *f, bool trace);
void pl_fix_close(struct pl_fix *f);
/* CPU 0's copy of the per-packet context after the last run. */
int pl_read_ctx(struct pl_fix *f, struct ovn_ctx *c);
/* ovn_stage_stats at IDX summed over CPUs. */
int pl_stage_stats(struct pl_fix *f, __u32 idx, struct ovn_stage_stats *s);

#endif /* __OVNBPF_TESTS_BPF_TEST_H */
