/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Attaching BPF programs at tc, the 6.1 way: a clsact qdisc and a
 * direct-action cls_bpf filter, through netlink (libbpf's bpf_tc_*; tcx
 * links only exist from 6.6).
 *
 * Our filter is recognised by its fixed handle and priority, so attaching
 * is idempotent: an existing clsact qdisc is reused (it may carry other
 * tools' filters), and attaching again — after a daemon restart, with a
 * newly loaded program — atomically replaces our filter instead of adding
 * a second one.  Detaching removes our filter only, never the qdisc.
 */
#ifndef __OVNBPF_LOADER_TC_ATTACH_H
#define __OVNBPF_LOADER_TC_ATTACH_H

#include <linux/types.h>

/* `tc filter show` shows these: "pref 1 bpf ... handle 0x6f76". */
#define OVNBPF_TC_HANDLE 0x6f76		/* "ov" */
#define OVNBPF_TC_PRIORITY 1

/* Put PROG_FD on IFINDEX's ingress (the VIF side: what the pod sends).
 * Returns 0 or -errno (-ENODEV: the interface is gone). */
int tc_attach_ingress(int ifindex, int prog_fd);
/* Remove our ingress filter.  Returns 0, -ENOENT when it was not there, or
 * another -errno. */
int tc_detach_ingress(int ifindex);
/* The id of the program in our ingress filter, or -ENOENT. */
int tc_query_ingress(int ifindex, __u32 *prog_id);

#endif /* __OVNBPF_LOADER_TC_ATTACH_H */
