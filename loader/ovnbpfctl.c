// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ovnbpfctl: look at and steer a running ovnbpf datapath.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "loader/version.h"
#include "maps/abi.h"
#include "maps/counters.h"

static const char *pin_dir = OVNBPF_PIN_DIR;

static void usage(FILE *f)
{
	fprintf(f,
"Usage: ovnbpfctl [--bpffs-dir=DIR] COMMAND [ARGS]\n"
"Commands:\n"
"  drops                 packets accepted and dropped, per drop reason\n"
"  version               print the version\n"
"Options:\n"
"  --bpffs-dir=DIR       where ovnbpfd pinned its maps (default %s)\n"
"  -h, --help            print this help\n",
		OVNBPF_PIN_DIR);
}

/* Sum each drop reason's per-CPU counters from the pinned ovn_drops map. */
static int cmd_drops(void)
{
	int ncpu = libbpf_num_possible_cpus(), fd, err = 0;
	struct ovnbpf_counter *vals = NULL;
	char path[4096];
	__u32 r;

	snprintf(path, sizeof(path), "%s/ovn_drops", pin_dir);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		fprintf(stderr, "ovnbpfctl: %s: %s (is ovnbpfd running?)\n", path,
			strerror(errno));
		return -errno;
	}
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals) {
		err = -ENOMEM;
		goto cleanup;
	}
	printf("%-4s %-24s %12s %14s\n", "id", "reason", "packets", "bytes");
	for (r = 0; r < DROP_MAX_REASON; r++) {
		__u64 p = 0, b = 0;
		int i;

		if (bpf_map_lookup_elem(fd, &r, vals)) {
			err = -errno;
			goto cleanup;
		}
		for (i = 0; i < ncpu; i++) {
			p += vals[i].packets;
			b += vals[i].bytes;
		}
		printf("%-4u %-24s %12llu %14llu\n", r,
		       r == DROP_NONE ? "(accepted)" : ovnbpf_drop_reason_name(r),
		       (unsigned long long)p, (unsigned long long)b);
	}
cleanup:
	free(vals);
	close(fd);
	return err;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bpffs-dir", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *cmd;
	int c;

	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'B': pin_dir = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	if (!strcmp(cmd, "drops"))
		return cmd_drops() ? 1 : 0;
	if (!strcmp(cmd, "version")) {
		printf("ovnbpfctl %s\n", OVNBPF_VERSION);
		return 0;
	}
	fprintf(stderr, "ovnbpfctl: unknown command %s\n", cmd);
	usage(stderr);
	return 2;
}
