// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "loader/log.h"
#include "loader/tc_attach.h"

int tc_attach_ingress(int ifindex, int prog_fd)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = OVNBPF_TC_HANDLE,
		    .priority = OVNBPF_TC_PRIORITY, .prog_fd = prog_fd,
		    .flags = BPF_TC_F_REPLACE);
	int err;

	/* The clsact qdisc may be there already: ours from before a
	 * restart, or another tool's.  Either is fine to share. */
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST)
		return err;
	return bpf_tc_attach(&hook, &opts);
}

int tc_detach_ingress(int ifindex)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = OVNBPF_TC_HANDLE,
		    .priority = OVNBPF_TC_PRIORITY);
	int err;

	err = bpf_tc_detach(&hook, &opts);
	/* No clsact qdisc (EINVAL) or no such filter: not attached. */
	if (err == -EINVAL || err == -ENOENT)
		return -ENOENT;
	return err;
}

int tc_query_ingress(int ifindex, __u32 *prog_id)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = OVNBPF_TC_HANDLE,
		    .priority = OVNBPF_TC_PRIORITY);
	int err;

	err = bpf_tc_query(&hook, &opts);
	if (err == -EINVAL || err == -ENOENT)
		return -ENOENT;
	if (err)
		return err;
	*prog_id = opts.prog_id;
	return 0;
}
