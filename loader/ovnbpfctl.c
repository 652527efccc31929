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

#include <jansson.h>

#include "loader/conntrack.h"
#include "loader/ctl_socket.h"
#include "loader/lflow_check.h"
#include "loader/trace.h"
#include "loader/version.h"
#include "maps/abi.h"
#include "maps/counters.h"
#include "maps/ovnbpf_maps.h"
#include "maps/punt.h"
#include "maps/qos.h"

#define DEFAULT_STATE_DIR "/var/lib/ovnbpf"

static const char *pin_dir = OVNBPF_PIN_DIR;
static const char *state_dir = DEFAULT_STATE_DIR;
static const char *ctl_path;
static int timeout_ms = 10000;
static bool json_output;

static void usage(FILE *f)
{
	fprintf(f,
"Usage: ovnbpfctl [OPTIONS] COMMAND [ARGS]\n"
"Commands (through ovnbpfd's control socket):\n"
"  bind IFACE LPORT [IFACE LPORT]...\n"
"                        make IFACE the VIF of logical port LPORT (what OVS\n"
"                        calls external_ids:iface-id); IFACE need not exist\n"
"                        yet; an interface already bound is re-bound; many\n"
"                        pairs go in batches of %d\n"
"  unbind IFACE          undo bind: detach and release the logical port\n"
"  show [IFACE]          list the bindings and their state\n"
"  status                southbound connection, chassis registration, nb_cfg\n"
"  engine-stats          compiler and engine counters (flows compiled, set members)\n"
"  services              counters of the packet services: punts, DHCPv4/v6,\n"
"                        router advertisements, DNS, MAC_Binding and FDB\n"
"                        learning, Controller_Event rows, service monitors\n"
"  list-commands         what the running ovnbpfd answers\n"
"Commands (on the Southbound DB):\n"
"  lflow-check [--ovnsb-db=REMOTE]  parse every Logical_Flow, report failures\n"
"  trace [--ovnsb-db=REMOTE] [--ct=FLAGS]... [--detailed|--summary] [--json]\n"
"        DATAPATH MICROFLOW   ovn-trace on the BPF datapath: run the packet\n"
"                        through a private copy compiled from the whole SB\n"
"Commands (on the pinned maps):\n"
"  drops                 packets accepted and dropped, per drop reason\n"
"  cache                 exact-match cache: hits, misses, stale entries,\n"
"                        inserts, uncacheable runs, entries in use (hits do\n"
"                        not run the stages: per-stage counters in `drops`\n"
"                        count only packets that missed)\n"
"  conntrack [list] [--zone N]   connections, as ovs-appctl dpctl/dump-conntrack\n"
"  conntrack flush [--zone N]    delete connections (all, or of zone N)\n"
"  conntrack stats               entries, creations, deletions, LRU evictions\n"
"  meters                QoS meters (set_meter) in use: rate, burst, packets\n"
"                        passed and dropped; punt meters: rate and burst\n"
"  version               print the version\n"
"Options:\n"
"  --state-dir=DIR       ovnbpfd's state directory (default %s);\n"
"                        the control socket is DIR/%s\n"
"  --ctl=PATH            the control socket itself (overrides --state-dir)\n"
"  --timeout=SECS        wait at most SECS for ovnbpfd (default 10)\n"
"  -j, --json            print replies as JSON\n"
"  --bpffs-dir=DIR       where ovnbpfd pinned its maps (default %s)\n"
"  -h, --help            print this help\n",
		CTL_MAX_ARGS / 2, DEFAULT_STATE_DIR, CTL_SOCKET_NAME, OVNBPF_PIN_DIR);
}

static void print_show(json_t *result)
{
	json_t *arr = json_object_get(result, "bindings"), *b;
	size_t i;

	printf("%-15s %-36s %7s  %s\n", "IFACE", "LPORT", "IFINDEX", "STATE");
	json_array_foreach(arr, i, b) {
		const char *err = json_string_value(json_object_get(b, "error"));
		int ifindex = json_integer_value(json_object_get(b, "ifindex"));
		char idx[16], state[64];

		if (ifindex)
			snprintf(idx, sizeof(idx), "%d", ifindex);
		else
			snprintf(idx, sizeof(idx), "-");
		if (!ifindex)
			snprintf(state, sizeof(state), "no-interface");
		else if (json_is_true(json_object_get(b, "attached")))
			snprintf(state, sizeof(state), "attached");
		else
			snprintf(state, sizeof(state), "not-attached");
		if (json_is_true(json_object_get(b, "claimed")))
			strncat(state, ",claimed", sizeof(state) - strlen(state) - 1);
		printf("%-15s %-36s %7s  %s%s%s\n",
		       json_string_value(json_object_get(b, "iface")),
		       json_string_value(json_object_get(b, "lport")), idx, state,
		       err ? ": " : "", err ? err : "");
	}
}

static void print_list_commands(json_t *result)
{
	json_t *c;
	size_t i;

	json_array_foreach(result, i, c) {
		const char *u = json_string_value(json_object_get(c, "usage"));

		printf("%s%s%s\n", json_string_value(json_object_get(c, "command")),
		       u && *u ? " " : "", u ? u : "");
	}
}

/* Send COMMAND with ARGV to ovnbpfd and print the answer. */
static int cmd_ctl(const char *command, int argc, char *const argv[])
{
	char path[4096], *error = NULL;
	json_t *result = NULL;
	int err;

	if (ctl_path)
		snprintf(path, sizeof(path), "%s", ctl_path);
	else
		snprintf(path, sizeof(path), "%s/%s", state_dir, CTL_SOCKET_NAME);
	err = ctl_call(path, command, argc, argv, timeout_ms, &result, &error);
	if (err) {
		fprintf(stderr, "ovnbpfctl: %s\n", error ? error : strerror(-err));
		free(error);
		return err;
	}
	if (json_output) {
		if (!json_is_null(result)) {
			json_dumpf(result, stdout, JSON_INDENT(2));
			putchar('\n');
		}
	} else if (!strcmp(command, "show")) {
		print_show(result);
	} else if (!strcmp(command, "list-commands")) {
		print_list_commands(result);
	} else if (!strcmp(command, "status") || !strcmp(command, "engine-stats")) {
		const char *k;
		json_t *v;

		/* key: value lines, in the daemon's order */
		json_object_foreach(result, k, v) {
			char *t = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY);

			printf("%s: %s\n", k, t ? t : json_string_value(v));
			free(t);
		}
	} else if (!strcmp(command, "services")) {
		const char *k, *k2;
		json_t *v, *v2;

		/* one line per service: name, then its counters */
		json_object_foreach(result, k, v) {
			printf("%-17s", k);
			json_object_foreach(v, k2, v2)
				printf(" %s=%lld", k2, (long long)json_integer_value(v2));
			putchar('\n');
		}
	}
	json_decref(result);
	return 0;
}

/* bind with many pairs: requests of CTL_MAX_ARGS / 2 pairs each. */
static int cmd_bind_many(int argc, char *const argv[])
{
	int i, err = 0;

	if (argc % 2) {
		fprintf(stderr, "ovnbpfctl: bind takes IFACE LPORT pairs\n");
		return -EINVAL;
	}
	for (i = 0; i < argc && !err; i += CTL_MAX_ARGS)
		err = cmd_ctl("bind", argc - i < CTL_MAX_ARGS ? argc - i : CTL_MAX_ARGS, argv + i);
	return err;
}

/* The map pinned as NAME under --bpffs-dir: its fd, or -errno after
 * saying why on stderr (QUIET: say nothing, for optional maps). */
static int open_pinned(const char *name, bool quiet)
{
	char path[4096];
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", pin_dir, name);
	fd = bpf_obj_get(path);
	if (fd >= 0)
		return fd;
	err = -errno;
	if (!quiet)
		fprintf(stderr, "ovnbpfctl: %s: %s (is ovnbpfd running?)\n", path, strerror(-err));
	return err;
}

/* Which OVN stage dropped (stage-no-match / stage-drop-action above, by
 * stage name as ovn-trace prints it): only stages that dropped something.
 * A datapath built without the stage map prints nothing. */
static int print_stage_drops(int ncpu)
{
	struct ovn_stage_stats *v = calloc(ncpu, sizeof(*v));
	bool header = false;
	__u32 idx;
	int fd;

	fd = open_pinned("ovn_stage_stats", true);
	if (fd < 0 || !v) {
		free(v);
		if (fd >= 0)
			close(fd);
		return 0;
	}
	for (idx = 0; idx < OVN_STAGE_IDX_MAX; idx++) {
		__u64 nm = 0, da = 0;
		unsigned int type = idx >> 6, pipe = (idx >> 5) & 1, table = idx & 31;
		const char *name;
		int i;

		if (bpf_map_lookup_elem(fd, &idx, v))
			continue;
		for (i = 0; i < ncpu; i++) {
			nm += v[i].no_match;
			da += v[i].drop_action;
		}
		if (!nm && !da)
			continue;
		if (!header) {
			printf("\n%-28s %12s %14s\n", "stage", "no-match", "drop-action");
			header = true;
		}
		name = ovnbpf_stage_name(type, pipe, table);
		printf("%-28s %12llu %14llu\n", name ? name : "?", (unsigned long long)nm,
		       (unsigned long long)da);
	}
	free(v);
	close(fd);
	return 0;
}

/* Sum each drop reason's per-CPU counters from the pinned ovn_drops map. */
static int cmd_drops(void)
{
	int ncpu = libbpf_num_possible_cpus(), fd, err = 0;
	struct ovnbpf_counter *vals = NULL;
	__u32 r;

	fd = open_pinned("ovn_drops", false);
	if (fd < 0)
		return fd;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals) {
		err = -ENOMEM;
		goto cleanup;
	}
	printf("%-4s %-24s %12s %14s\n", "id", "reason", "packets", "bytes");
	for (r = 0; r < DROP_MAX_REASON; r++) {
		__u64 p = 0, b = 0;
		int i;

		/* Reasons are numbered in ranges with gaps: skip the gaps. */
		if (r != DROP_NONE && !strcmp(ovnbpf_drop_reason_name(r), "unknown"))
			continue;
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
	if (!err)
		err = print_stage_drops(ncpu);
cleanup:
	free(vals);
	close(fd);
	return err;
}

/* set_meter buckets in use (maps/qos.h) and the punt meters' settings
 * (maps/punt.h), from the pinned maps. */
static int cmd_meters(void)
{
	int ncpu = libbpf_num_possible_cpus(), fd, err = 0;
	struct ovn_meter *pm = NULL;
	struct ovn_qos_meter q;
	__u32 id;

	fd = open_pinned("ovn_qos_meters", false);
	if (fd < 0)
		return fd;
	printf("QoS meters (set_meter)\n%-6s %10s %12s %12s %14s %12s %14s\n", "id",
	       "rate_kbps", "burst_kbit", "passed", "passed_bytes", "dropped", "dropped_bytes");
	for (id = 0; id < OVN_QOS_METERS; id++) {
		if (bpf_map_lookup_elem_flags(fd, &id, &q, BPF_F_LOCK)) {
			err = -errno;
			goto cleanup;
		}
		if (!q.rate_kbps)
			continue;
		/* cap is the burst in kbit x 1e9 tokens */
		printf("%-6u %10u %12llu %12llu %14llu %12llu %14llu\n", id, q.rate_kbps,
		       (unsigned long long)(q.cap / 1000000000ULL),
		       (unsigned long long)q.pass_pkts, (unsigned long long)q.pass_bytes,
		       (unsigned long long)q.drop_pkts, (unsigned long long)q.drop_bytes);
	}
	close(fd);

	fd = open_pinned("ovn_meters", false);
	if (fd < 0)
		return fd;
	pm = calloc(ncpu, sizeof(*pm));
	if (!pm) {
		err = -ENOMEM;
		goto cleanup;
	}
	printf("punt meters (0: the default, others: controller_meter)\n%-6s %12s %8s\n",
	       "id", "rate_pps/cpu", "burst");
	for (id = 0; id < OVN_MAX_METERS; id++) {
		if (bpf_map_lookup_elem(fd, &id, pm)) {
			err = -errno;
			goto cleanup;
		}
		/* the daemon writes the same settings in every CPU's copy */
		if (id != OVN_METER_DEFAULT && !pm[0].rate_pps && !pm[0].burst)
			continue;
		printf("%-6u %12u %8u\n", id, pm[0].rate_pps, pm[0].burst);
	}
cleanup:
	free(pm);
	close(fd);
	return err;
}

/* The exact-match cache's counters (maps/cache.h) from the pinned maps. */
static int cmd_cache(void)
{
	struct ovnbpf_maps m = { 0 };
	struct ovn_cache_stats s;
	uint64_t entries = 0, ehits = 0, looked;
	unsigned int epoch = 0;
	bool off = false;
	char path[4096];
	struct bpf_map_info info = {};
	__u32 ilen = sizeof(info);
	int err;

	/* Only the three cache maps: the rest need not exist for this. */
	snprintf(path, sizeof(path), "%s/ovn_cache_stats", pin_dir);
	m.cache_stats = bpf_obj_get(path);
	snprintf(path, sizeof(path), "%s/ovn_cache", pin_dir);
	m.cache = bpf_obj_get(path);
	if (m.cache_stats < 0 || m.cache < 0) {
		err = -errno;
		fprintf(stderr, "ovnbpfctl: %s/ovn_cache*: %s (is ovnbpfd running?)\n", pin_dir,
			strerror(errno));
		goto out;
	}
	err = ovnbpf_cache_read_stats(&m, &s, &entries, &ehits);
	if (err) {
		fprintf(stderr, "ovnbpfctl: reading the cache: %s\n", strerror(-err));
		goto out;
	}
	bpf_obj_get_info_by_fd(m.cache, &info, &ilen);
	looked = s.hits + s.misses + s.stale;
	{
		struct ovn_cache_ctl ctl = { 0 };
		__u32 zero = 0;
		int fd;

		fd = open_pinned("ovn_cache_ctl", true);
		if (fd >= 0) {
			bpf_map_lookup_elem(fd, &zero, &ctl);
			close(fd);
		}
		off = ctl.flags & OVN_CACHE_F_DISABLED;
		epoch = ctl.epoch;
	}
	if (json_output) {
		printf("{\"hits\": %llu, \"misses\": %llu, \"stale\": %llu, \"inserts\": %llu, "
		       "\"uncacheable\": %llu, \"insert_fail\": %llu, \"entries\": %llu, "
		       "\"max_entries\": %u, \"entry_hits\": %llu, \"enabled\": %s, "
		       "\"epoch\": %u, \"ct_hits\": %llu, \"ct_miss\": %llu}\n",
		       (unsigned long long)s.hits, (unsigned long long)s.misses,
		       (unsigned long long)s.stale, (unsigned long long)s.inserts,
		       (unsigned long long)s.uncacheable, (unsigned long long)s.insert_fail,
		       (unsigned long long)entries, info.max_entries, (unsigned long long)ehits,
		       off ? "false" : "true", epoch, (unsigned long long)s.ct_hits,
		       (unsigned long long)s.ct_miss);
		goto out;
	}
	printf("cache:        %s (epoch %u)\n", off ? "off (ovnbpfd --cache-entries=0)" : "on",
	       epoch);
	printf("hits:         %llu (%.1f%% of lookups)\n", (unsigned long long)s.hits,
	       looked ? 100.0 * s.hits / looked : 0.0);
	printf("misses:       %llu\n", (unsigned long long)s.misses);
	printf("stale:        %llu (entry from older rules, recomputed)\n",
	       (unsigned long long)s.stale);
	printf("inserts:      %llu (failed: %llu)\n", (unsigned long long)s.inserts,
	       (unsigned long long)s.insert_fail);
	printf("uncacheable:  %llu (pipeline runs with a non-cacheable op)\n",
	       (unsigned long long)s.uncacheable);
	printf("ct hits:      %llu (hits whose conntrack guards gave the recorded results)\n",
	       (unsigned long long)s.ct_hits);
	printf("ct misses:    %llu (conntrack gave another result: pipeline ran)\n",
	       (unsigned long long)s.ct_miss);
	printf("entries:      %llu of %u (hits of live entries: %llu)\n",
	       (unsigned long long)entries, info.max_entries, (unsigned long long)ehits);
out:
	if (m.cache_stats > 0)
		close(m.cache_stats);
	if (m.cache > 0)
		close(m.cache);
	return err;
}

static int print_ct(const struct ovn_ct_key *k, const struct ovn_ct_entry *e, void *aux)
{
	char line[512];

	if (e->kind != OVN_CT_K_CONN)
		return 0;
	ovnbpf_ct_format(k, e, *(uint64_t *)aux, line, sizeof(line));
	puts(line);
	return 0;
}

/* ovnbpfctl conntrack [list|flush|stats] [--zone N], on the pinned maps. */
static int cmd_conntrack(int argc, char **argv)
{
	const char *sub = "list";
	struct ovnbpf_ct ct;
	int zone = -1, i, err;
	uint64_t now;
	char *end;

	for (i = 1; i < argc; i++) {
		const char *z = NULL;

		if (!strcmp(argv[i], "--zone") && i + 1 < argc)
			z = argv[++i];
		else if (!strncmp(argv[i], "--zone=", 7))
			z = argv[i] + 7;
		else if (i == 1 && (!strcmp(argv[i], "list") || !strcmp(argv[i], "flush") ||
				    !strcmp(argv[i], "stats")))
			sub = argv[i];
		else {
			fprintf(stderr, "ovnbpfctl: conntrack: unexpected %s\n", argv[i]);
			return 2;
		}
		if (z) {
			zone = strtol(z, &end, 10);
			if (*end || zone < 0 || zone > 65535) {
				fprintf(stderr, "ovnbpfctl: bad zone %s\n", z);
				return 2;
			}
		}
	}
	err = ovnbpf_ct_open_pinned(pin_dir, &ct);
	if (err) {
		fprintf(stderr, "ovnbpfctl: conntrack maps under %s: %s (is ovnbpfd running?)\n",
			pin_dir, strerror(-err));
		return 1;
	}
	if (!strcmp(sub, "list")) {
		now = ovnbpf_ct_now();
		err = ovnbpf_ct_walk(&ct, zone, print_ct, &now);
	} else if (!strcmp(sub, "flush")) {
		err = ovnbpf_ct_flush(&ct, zone);
		if (err >= 0) {
			printf("%d connections flushed\n", err);
			err = 0;
		}
	} else {
		struct ovnbpf_ct_summary s;

		err = ovnbpf_ct_summarize(&ct, &s);
		if (!err && json_output) {
			printf("{\"entries\": %llu, \"max\": %llu, \"created\": %llu, "
			       "\"evicted\": %llu, \"gc_deleted\": %llu, \"flushed\": %llu}\n",
			       (unsigned long long)s.live, (unsigned long long)s.max,
			       (unsigned long long)s.stats.created, (unsigned long long)s.evicted,
			       (unsigned long long)s.gc.gc_deleted, (unsigned long long)s.gc.flushed);
		} else if (!err) {
			printf("entries: %llu of %llu\n", (unsigned long long)s.live,
			       (unsigned long long)s.max);
			printf("lookups: %llu (found %llu, invalid %llu, related %llu)\n",
			       (unsigned long long)s.stats.lookups, (unsigned long long)s.stats.hits,
			       (unsigned long long)s.stats.invalid,
			       (unsigned long long)s.stats.related);
			printf("created: %llu (insert failed %llu), commits on existing: %llu\n",
			       (unsigned long long)s.stats.created,
			       (unsigned long long)s.stats.insert_failed,
			       (unsigned long long)s.stats.updated);
			printf("deleted: by datapath %llu (expired %llu), by gc %llu in %llu runs, "
			       "flushed %llu\n",
			       (unsigned long long)s.stats.deleted_bpf,
			       (unsigned long long)s.stats.expired,
			       (unsigned long long)s.gc.gc_deleted, (unsigned long long)s.gc.gc_runs,
			       (unsigned long long)s.gc.flushed);
			printf("lru evictions (created - deleted - entries): %llu\n",
			       (unsigned long long)s.evicted);
		}
	}
	ovnbpf_ct_close(&ct);
	if (err < 0) {
		fprintf(stderr, "ovnbpfctl: conntrack %s: %s\n", sub, strerror(-err));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bpffs-dir", required_argument, NULL, 'B' },
		{ "state-dir", required_argument, NULL, 'S' },
		{ "ctl", required_argument, NULL, 'C' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const struct {
		const char *name;
		int min_args, max_args;
	} ctl_cmds[] = {
		{ "bind", 2, 1 << 20 }, { "unbind", 1, 1 }, { "show", 0, 1 },
		{ "list-commands", 0, 0 }, { "status", 0, 0 }, { "engine-stats", 0, 0 },
		{ "services", 0, 0 },
	};
	const char *cmd;
	unsigned int i;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "+hj", longopts, NULL)) != -1) {
		switch (c) {
		case 'B': pin_dir = optarg; break;
		case 'S': state_dir = optarg; break;
		case 'C': ctl_path = optarg; break;
		case 'T':
			timeout_ms = strtol(optarg, &end, 10) * 1000;
			if (*end || timeout_ms <= 0) {
				fprintf(stderr, "ovnbpfctl: bad --timeout %s\n", optarg);
				return 2;
			}
			break;
		case 'j': json_output = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	for (i = 0; i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++) {
		int n = argc - optind - 1;

		if (strcmp(cmd, ctl_cmds[i].name))
			continue;
		if (n < ctl_cmds[i].min_args || n > ctl_cmds[i].max_args) {
			fprintf(stderr, "ovnbpfctl: wrong number of arguments for %s\n", cmd);
			usage(stderr);
			return 2;
		}
		if (!strcmp(cmd, "bind") && n > 2)
			return cmd_bind_many(n, argv + optind + 1) ? 1 : 0;
		return cmd_ctl(cmd, n, argv + optind + 1) ? 1 : 0;
	}
	if (!strcmp(cmd, "trace"))
		return trace_main(argc - optind, argv + optind);
	if (!strcmp(cmd, "lflow-check"))
		return lflow_check_main(argc - optind, argv + optind);
	if (!strcmp(cmd, "conntrack"))
		return cmd_conntrack(argc - optind, argv + optind);
	if (!strcmp(cmd, "drops"))
		return cmd_drops() ? 1 : 0;
	if (!strcmp(cmd, "cache"))
		return cmd_cache() ? 1 : 0;
	if (!strcmp(cmd, "meters"))
		return cmd_meters() ? 1 : 0;
	if (!strcmp(cmd, "version")) {
		printf("ovnbpfctl %s\n", OVNBPF_VERSION);
		return 0;
	}
	fprintf(stderr, "ovnbpfctl: unknown command %s\n", cmd);
	usage(stderr);
	return 2;
}
