// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/bpf/bpf_test.h"

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
