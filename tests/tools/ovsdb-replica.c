// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ovsdb-replica: a test driver for the ovsdb-client library.
 *
 *   ovsdb-replica [OPTIONS] REMOTE DB
 *
 * Replicates DB (every table, or --tables T1,T2) and then either
 *   --dump FILE   writes the replica once synced, in the format of
 *                 `ovsdb-client -f json dump` (one table per line), exits;
 *   --bench       prints sync time and RSS once synced, exits;
 *   (default)     reads commands on stdin, one per line; each answer ends
 *                 with a line holding a single ".":
 *       sync            wait (up to 30 s) until synced; "synced" or "timeout"
 *       dump FILE       write the replica to FILE
 *       track           changes since the last "track": "insert T UUID",
 *                       "modify T UUID col,col", "delete T UUID", "reset T"
 *       stats           "connects N syncs N resumes N errors N"
 *       cond T JSON     set T's condition (JSON array or "null"), wait ack
 *       transact JSON   run a transaction (JSON array of operations);
 *                       prints "status N" and the result
 *       quit
 * Options: --probe MS, --backoff-min MS, --backoff-max MS, --tables LIST,
 *          --log-level LEVEL (err, warn, info, dbg).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loader/log.h"
#include "ovsdb-client/client.h"

static struct ovsdb_client *cl;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int table_cmp(const void *a, const void *b)
{
	return strcmp((*(struct ovsdb_table *const *)a)->name,
		      (*(struct ovsdb_table *const *)b)->name);
}

static int dump_table(FILE *out, const struct ovsdb_table *t)
{
	const struct ovsdb_table_schema *ts = t->ts;
	const struct ovsdb_row *row;
	json_t *data = json_array(), *head = json_array(), *obj;
	char ubuf[OVSDB_UUID_LEN + 1];
	unsigned int i;

	json_array_append_new(head, json_string("_uuid"));
	for (i = 0; i < ts->n_columns; i++)
		json_array_append_new(head, json_string(ts->columns[i].name));
	OVSDB_TABLE_FOR_EACH(row, t) {
		json_t *r = json_array();

		json_array_append_new(r, json_pack("[ss]", "uuid",
				ovsdb_uuid_to_string(&row->uuid, ubuf)));
		for (i = 0; i < ts->n_columns; i++)
			json_array_append_new(r, ovsdb_datum_to_json(
				&row->cols[i], &ts->columns[i].type));
		json_array_append_new(data, r);
	}
	obj = json_pack("{ss+sosO}", "caption", t->name, " table", "data", data,
			"headings", head);
	json_decref(head);
	if (!obj)
		return -ENOMEM;
	json_dumpf(obj, out, JSON_COMPACT);
	fputc('\n', out);
	json_decref(obj);
	return 0;
}

static int dump(const char *path)
{
	struct ovsdb_replica *r = ovsdb_client_replica(cl);
	struct ovsdb_table **v;
	unsigned int i, n = 0;
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	v = calloc(r->n_tables + 1, sizeof(*v));
	for (i = 0; i < r->n_tables; i++)
		if (r->tables[i]->ts)
			v[n++] = r->tables[i];
	qsort(v, n, sizeof(*v), table_cmp);
	for (i = 0; i < n; i++)
		dump_table(f, v[i]);
	free(v);
	return fclose(f) ? -errno : 0;
}

static void print_tracked(void)
{
	struct ovsdb_replica *r = ovsdb_client_replica(cl);
	char ubuf[OVSDB_UUID_LEN + 1];
	unsigned int i, k;

	for (i = 0; i < r->n_tables; i++) {
		struct ovsdb_table *t = r->tables[i];
		const struct ovsdb_row *row;

		if (!t->ts)
			continue;
		if (ovsdb_table_was_reset(t))
			printf("reset %s\n", t->name);
		OVSDB_TABLE_FOR_EACH_TRACKED(row, t) {
			ovsdb_uuid_to_string(&row->uuid, ubuf);
			if (ovsdb_row_is_deleted(row)) {
				printf("delete %s %s\n", t->name, ubuf);
			} else if (ovsdb_row_is_inserted(row)) {
				printf("insert %s %s\n", t->name, ubuf);
			} else {
				const char *sep = "";

				printf("modify %s %s ", t->name, ubuf);
				for (k = 0; k < t->ts->n_columns; k++) {
					if (!ovsdb_row_is_updated(row, k))
						continue;
					printf("%s%s", sep,
					       t->ts->columns[k].name);
					sep = ",";
				}
				printf("\n");
			}
		}
	}
	ovsdb_replica_clear_tracked(r);
}

static bool wait_for(bool (*cond)(void *), void *arg, double secs)
{
	double end = now_s() + secs;

	while (!cond(arg)) {
		if (now_s() > end)
			return false;
		ovsdb_client_poll_once(cl, 50);
	}
	return true;
}

static bool is_synced(void *arg)
{
	return ovsdb_client_is_synced(cl);
}

static bool cond_acked(void *arg)
{
	return ovsdb_client_is_synced(cl) &&
	       ovsdb_client_cond_seqno(cl) >= *(unsigned long *)arg;
}

struct txn_wait {
	bool done;
	int status;
	char *text;
};

static void txn_done(void *arg, int status, const json_t *result)
{
	struct txn_wait *w = arg;

	w->done = true;
	w->status = status;
	w->text = result ? json_dumps(result, JSON_COMPACT | JSON_ENCODE_ANY)
			 : strdup("null");
}

static bool txn_finished(void *arg)
{
	return ((struct txn_wait *)arg)->done;
}

static void command(char *line)
{
	char *arg = strchr(line, ' ');

	if (arg)
		*arg++ = '\0';
	if (!strcmp(line, "sync")) {
		printf("%s\n", wait_for(is_synced, NULL, 30) ? "synced"
							     : "timeout");
	} else if (!strcmp(line, "dump") && arg) {
		int ret = dump(arg);

		printf("%s\n", ret ? strerror(-ret) : "dumped");
	} else if (!strcmp(line, "track")) {
		print_tracked();
	} else if (!strcmp(line, "stats")) {
		const struct ovsdb_client_stats *s = ovsdb_client_stats(cl);

		printf("connects %lu syncs %lu resumes %lu errors %lu\n",
		       s->connects, s->syncs, s->resumes, s->errors);
	} else if (!strcmp(line, "cond") && arg && strchr(arg, ' ')) {
		char *js = strchr(arg, ' ');
		json_t *w;
		long seq;

		*js++ = '\0';
		w = json_loads(js, JSON_DECODE_ANY, NULL);
		seq = ovsdb_client_set_condition(cl, arg,
						 json_is_null(w) ? NULL : w);
		json_decref(w);
		if (seq < 0) {
			printf("error %s\n", strerror((int)-seq));
		} else {
			unsigned long target = (unsigned long)seq;

			printf("%s\n", wait_for(cond_acked, &target, 30) ?
			       "acked" : "timeout");
		}
	} else if (!strcmp(line, "transact") && arg) {
		struct txn_wait w = { 0 };
		json_t *ops = json_loads(arg, 0, NULL);
		int ret = ovsdb_client_transact(cl, ops, txn_done, &w);

		if (ret)
			printf("status %d\n", ret);
		else if (!wait_for(txn_finished, &w, 30))
			printf("timeout\n");
		else
			printf("status %d %s\n", w.status, w.text);
		free(w.text);
	} else {
		printf("unknown command\n");
	}
	printf(".\n");
	fflush(stdout);
}

static int interactive(void)
{
	char buf[65536];
	size_t len = 0;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = 0, .events = POLLIN },
			{ .fd = ovsdb_client_fd(cl),
			  .events = ovsdb_client_events(cl) },
		};
		char *nl;
		ssize_t n;

		poll(p, p[1].fd >= 0 ? 2 : 1, ovsdb_client_timeout(cl));
		ovsdb_client_run(cl);
		if (!(p[0].revents & (POLLIN | POLLHUP)))
			continue;
		n = read(0, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			return 0;
		len += (size_t)n;
		buf[len] = '\0';
		while ((nl = strchr(buf, '\n'))) {
			*nl = '\0';
			if (!strcmp(buf, "quit"))
				return 0;
			command(buf);
			memmove(buf, nl + 1, len - (size_t)(nl + 1 - buf) + 1);
			len -= (size_t)(nl + 1 - buf);
		}
		if (len == sizeof(buf) - 1)
			len = 0;	/* overlong line: drop */
	}
}

static long rss_kb(const char *what)
{
	char line[256], fmt[64];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	snprintf(fmt, sizeof(fmt), "%s: %%ld", what);
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, fmt, &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dump", required_argument, NULL, 'd' },
		{ "bench", no_argument, NULL, 'b' },
		{ "tables", required_argument, NULL, 't' },
		{ "probe", required_argument, NULL, 'p' },
		{ "backoff-min", required_argument, NULL, 'm' },
		{ "backoff-max", required_argument, NULL, 'M' },
		{ "log-level", required_argument, NULL, 'l' },
		{ 0 },
	};
	struct ovsdb_client_options o = { .probe_interval_ms = -1 };
	const char *dump_path = NULL, *tables = NULL;
	bool bench = false;
	double t0;
	int opt, ret = 0;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd': dump_path = optarg; break;
		case 'b': bench = true; break;
		case 't': tables = optarg; break;
		case 'p': o.probe_interval_ms = atoi(optarg); break;
		case 'm': o.backoff_min_ms = atoi(optarg); break;
		case 'M': o.backoff_max_ms = atoi(optarg); break;
		case 'l':
			log_set_level(!strcmp(optarg, "err") ? LOG_LVL_ERR :
				      !strcmp(optarg, "warn") ? LOG_LVL_WARN :
				      !strcmp(optarg, "dbg") ? LOG_LVL_DBG :
				      LOG_LVL_INFO);
			break;
		default:
			fprintf(stderr, "usage: %s [options] REMOTE DB\n",
				argv[0]);
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: %s [options] REMOTE DB\n", argv[0]);
		return 2;
	}
	o.remote = argv[optind];
	o.database = argv[optind + 1];
	cl = ovsdb_client_create(&o);
	if (!cl)
		return 1;
	if (tables) {
		char *copy = strdup(tables), *tok, *save = NULL;

		for (tok = strtok_r(copy, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save))
			ovsdb_client_monitor(cl, tok, NULL);
		free(copy);
	} else {
		ovsdb_client_monitor_all(cl);
	}
	t0 = now_s();
	if (dump_path || bench) {
		if (!wait_for(is_synced, NULL, 120)) {
			fprintf(stderr, "not synced after 120 s\n");
			ret = 1;
		} else if (bench) {
			struct ovsdb_replica *r = ovsdb_client_replica(cl);
			size_t rows = 0;
			unsigned int i;

			for (i = 0; i < r->n_tables; i++)
				rows += ovsdb_table_count(r->tables[i]);
			const struct ovsdb_client_stats *st =
				ovsdb_client_stats(cl);

			printf("sync_s %.3f reply_wait_ms %lld "
			       "parse_ms %lld apply_ms %lld rss_max_mb %.1f "
			       "rss_now_mb %.1f rows %zu\n", now_s() - t0,
			       st->sync_wait_ms,
			       st->sync_parse_ms, st->sync_apply_ms,
			       rss_kb("VmHWM") / 1024.0,
			       rss_kb("VmRSS") / 1024.0, rows);
		} else {
			ret = dump(dump_path) ? 1 : 0;
		}
	} else {
		ret = interactive();
	}
	ovsdb_client_destroy(cl);
	return ret;
}
