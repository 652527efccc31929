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

/* Clear every map's pin path so that load() neither pins nor reuses. */
void bpf_test_unpin_all(struct bpf_object *obj);

/* Sum a PERCPU_ARRAY of struct ovnbpf_counter at KEY over all CPUs. */
int bpf_test_read_counter(int map_fd, __u32 key, struct ovnbpf_counter *sum);

/* Run PROG once on DATA; the verdict goes to *retval, the output packet (if
 * OUT) to OUT with its length in *out_len.  Returns 0 or -errno. */
int bpf_test_run_skb(int prog_fd, const void *data, __u32 len, __u32 *retval,
		     void *out, __u32 *out_len);

#endif /* __OVNBPF_TESTS_BPF_TEST_H */
