// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sched.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <stdio.h>

#include "tests/bpf/bpf_test.h"
#include "ovnbpf_vif.skel.h"

void bpf_test_unpin_all(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
		bpf_map__set_pin_path(map, NULL);
}

int bpf_test_read_counter(int map_fd, __u32 key, struct ovnbpf_counter *sum)
{
	int ncpu = libbpf_num_possible_cpus(), i, err = 0;
	struct ovnbpf_counter *vals;

	if (ncpu < 0)
		return ncpu;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	memset(sum, 0, sizeof(*sum));
	if (bpf_map_lookup_elem(map_fd, &key, vals)) {
		err = -errno;
		goto cleanup;
	}
	for (i = 0; i < ncpu; i++) {
		sum->packets += vals[i].packets;
		sum->bytes += vals[i].bytes;
	}
cleanup:
	free(vals);
	return err;
}

int bpf_test_run_skb(int prog_fd, const void *data, __u32 len, __u32 *retval,
		     void *out, __u32 *out_len)
{
	LIBBPF_OPTS(bpf_test_run_opts, topts,
		.data_in = data,
		.data_size_in = len,
		.data_out = out,
		.data_size_out = out_len ? *out_len : 0,
		.repeat = 1,
	);
	int err;

	err = bpf_prog_test_run_opts(prog_fd, &topts);
	if (err)
		return -errno;
	*retval = topts.retval;
	if (out_len)
		*out_len = topts.data_size_out;
	return 0;
}

static char verifier_log[1 << 20];

int pl_fix_open(struct pl_fix *f)
{
	return pl_fix_open_trace(f, false);
}

int pl_fix_open_trace(struct pl_fix *f, bool trace)
{
	cpu_set_t set;
	const char *p;
	int err;

	memset(f, 0, sizeof(*f));
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -errno;
	f->skel = ovnbpf_vif__open();
	if (!f->skel)
		return -errno;
	f->skel->rodata->ovn_trace_on = trace;
	bpf_test_unpin_all(f->skel->obj);
	/* Statistics only: the verifier's "processed N insns". */
	verifier_log[0] = 0;
	bpf_program__set_log_buf(f->skel->progs.ovnbpf_from_vif, verifier_log, sizeof(verifier_log));
	bpf_program__set_log_level(f->skel->progs.ovnbpf_from_vif, 4);
	err = ovnbpf_vif__load(f->skel);
	if (err)
		goto fail;
	p = strstr(verifier_log, "processed ");
	if (p)
		f->verifier_insns = strtoul(p + 10, NULL, 10);
	f->prog_fd = bpf_program__fd(f->skel->progs.ovnbpf_from_vif);
	{
		struct bpf_prog_info info = {};
		__u32 ilen = sizeof(info);

		if (!bpf_obj_get_info_by_fd(f->prog_fd, &info, &ilen)) {
			f->xlated_len = info.xlated_prog_len;
			f->jited_len = info.jited_prog_len;
		}
	}
	err = ovnbpf_maps_from_object(f->skel->obj, &f->m);
	if (err)
		goto fail;
	err = ovnbpf_writer_new(&f->m, &f->w);
	if (err)
		goto fail;
	ovnbpf_writer_set_grace(f->w, 0);
	return 0;
fail:
	pl_fix_close(f);
	return err;
}

void pl_fix_close(struct pl_fix *f)
{
	ovnbpf_writer_free(f->w);
	ovnbpf_vif__destroy(f->skel);
	memset(f, 0, sizeof(*f));
}

int pl_read_ctx(struct pl_fix *f, struct ovn_ctx *c)
{
	int ncpu = libbpf_num_possible_cpus(), err = 0;
	size_t sz = (sizeof(*c) + 7) & ~7UL;
	__u32 zero = 0;
	char *vals;

	if (ncpu < 0)
		return ncpu;
	vals = calloc(ncpu, sz);
	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(f->m.ctx, &zero, vals))
		err = -errno;
	else
		memcpy(c, vals, sizeof(*c));
	free(vals);
	return err;
}

int pl_stage_stats(struct pl_fix *f, __u32 idx, struct ovn_stage_stats *s)
{
	int ncpu = libbpf_num_possible_cpus(), i, err = 0;
	struct ovn_stage_stats *vals;

	if (ncpu < 0)
		return ncpu;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	memset(s, 0, sizeof(*s));
	if (bpf_map_lookup_elem(f->m.stage_stats, &idx, vals)) {
		err = -errno;
		goto out;
	}
	for (i = 0; i < ncpu; i++) {
		s->hits += vals[i].hits;
		s->no_match += vals[i].no_match;
		s->drop_action += vals[i].drop_action;
		s->punted += vals[i].punted;
		s->punt_lost += vals[i].punt_lost;
	}
out:
	free(vals);
	return err;
}

int bpf_test_capture_open(int ifindex)
{
	struct sockaddr_ll sa = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				  .sll_ifindex = ifindex };
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_ALL));

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}
