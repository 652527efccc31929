// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* FDB learning from put_fdb punts into the SB FDB table (fdb.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loader/actions.h"
#include "loader/fdb.h"
#include "loader/log.h"
#include "loader/punt.h"
#include "loader/sb_row.h"
#include "ovsdb-client/client.h"

#define MOD "fdb"
#define N_RECENT 1024	/* recently written (dp, MAC), hashed */

struct recent {
	uint32_t dp, port;
	uint8_t mac[6];
	uint64_t at_ms;
};

struct fdb_learner {
	struct ovsdb_client *cl;
	struct recent recent[N_RECENT];
	uint64_t sec;			/* second of the rate window */
	uint32_t in_sec;		/* transactions in it */
	struct fdb_stats st;
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char extra;

	if (!s || sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
			 &extra) != 6)
		return false;
	for (int i = 0; i < 6; i++) {
		if (b[i] > 255)
			return false;
		mac[i] = b[i];
	}
	return true;
}

/* The SB row of (dp, MAC), if any. */
static const struct ovsdb_row *sb_fdb_find(const struct ovsdb_table *t, uint32_t dp,
					   const uint8_t mac[6])
{
	const struct ovsdb_row *row;
	uint8_t m[6];

	if (!t || !t->ts)
		return NULL;
	OVSDB_TABLE_FOR_EACH(row, t)
		if ((uint32_t)sb_row_int(row, "dp_key", 0) == dp &&
		    parse_mac(sb_row_string(row, "mac"), m) && !memcmp(m, mac, 6))
			return row;
	return NULL;
}

static void txn_done(void *arg, int status, const json_t *result)
{
	struct fdb_learner *l = arg;
	char *txt;

	if (!status)
		return;
	l->st.failed++;
	/* Another chassis may have inserted the same (mac, dp_key) first:
	 * the SB index refuses ours, and its row comes back as an update. */
	txt = result ? json_dumps(result, JSON_COMPACT) : NULL;
	pr_dbg(MOD, "FDB transaction failed (%s): %s", strerror(-status), txt ? txt : "-");
	free(txt);
}

int fdb_learn(struct fdb_learner *l, uint32_t dp, const uint8_t mac[6], uint32_t port,
	      uint64_t now_ms)
{
	struct ovsdb_table *t = ovsdb_client_table(l->cl, "FDB");
	const struct ovsdb_row *row;
	struct recent *r;
	char smac[18];
	json_t *ops;
	uint32_t h;
	int err;

	l->st.requests++;
	if (!dp || !port || port >= 32768 || (mac[0] & 1))
		return 0;
	row = sb_fdb_find(t, dp, mac);
	if (row && (uint32_t)sb_row_int(row, "port_key", 0) == port) {
		l->st.known++;
		return 0;
	}
	h = (dp * 2654435761u) ^ ((uint32_t)mac[2] << 24 | mac[3] << 16 | mac[4] << 8 | mac[5]);
	r = &l->recent[h % N_RECENT];
	if (r->at_ms && r->dp == dp && !memcmp(r->mac, mac, 6) &&
	    now_ms - r->at_ms < FDB_MAC_INTERVAL_MS) {
		l->st.throttled++;
		return 0;
	}
	if (now_ms / 1000 != l->sec) {
		l->sec = now_ms / 1000;
		l->in_sec = 0;
	}
	if (l->in_sec >= FDB_MAX_PER_SEC) {
		l->st.throttled++;
		return 0;
	}
	snprintf(smac, sizeof(smac), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	if (row)
		ops = json_pack("[{s:s, s:s, s:o, s:{s:I}}]", "op", "update", "table", "FDB",
				"where", sb_where_uuid(&row->uuid), "row", "port_key",
				(json_int_t)port);
	else
		ops = json_pack("[{s:s, s:s, s:{s:s, s:I, s:I}}]", "op", "insert", "table", "FDB",
				"row", "mac", smac, "dp_key", (json_int_t)dp, "port_key",
				(json_int_t)port);
	if (!ops)
		return -ENOMEM;
	err = ovsdb_client_transact(l->cl, ops, txn_done, l);
	if (err) {
		pr_dbg(MOD, "cannot send FDB transaction: %s", strerror(-err));
		return err;
	}
	r->dp = dp;
	r->port = port;
	memcpy(r->mac, mac, 6);
	r->at_ms = now_ms;
	l->in_sec++;
	if (row)
		l->st.updated++;
	else
		l->st.inserted++;
	pr_info(MOD, "learnt %s on datapath %u port %u", smac, dp, port);
	return 1;
}

/* put_fdb(inport, eth.src), the only form northd emits. */
static void on_put_fdb(const struct ovn_punt_event *ev, size_t len, void *aux)
{
	(void)len;
	fdb_learn(aux, ntohl(ev->md.metadata), ev->key.eth_src, ntohl(ev->md.inport), mono_ms());
}

int fdb_learner_create(struct ovsdb_client *cl, struct fdb_learner **out)
{
	struct fdb_learner *l = calloc(1, sizeof(*l));
	int err;

	if (!l)
		return -ENOMEM;
	l->cl = cl;
	err = punt_register(ACT_PUT_FDB, on_put_fdb, l);
	if (err) {
		free(l);
		return err;
	}
	*out = l;
	return 0;
}

void fdb_learner_destroy(struct fdb_learner *l)
{
	if (!l)
		return;
	punt_unregister(ACT_PUT_FDB);
	free(l);
}

void fdb_learner_stats(const struct fdb_learner *l, struct fdb_stats *s)
{
	*s = l->st;
}
