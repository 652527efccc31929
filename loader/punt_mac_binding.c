// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * put_arp/put_nd -> SB MAC_Binding (punt_mac_binding.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "loader/actions.h"
#include "loader/compile_map.h"
#include "loader/log.h"
#include "loader/punt_mac_binding.h"
#include "loader/punt.h"
#include "loader/sb_row.h"
#include "loader/strbuf.h"
#include "maps/router.h"
#include "ovsdb-client/client.h"

#define MOD "mac_learn"
#define REFRESH_MS	60000	/* timestamp refresh of a known neighbour */
#define DEDUP_MS	1000	/* same (key, mac) sent: wait for the SB */
#define TXN_PER_SEC	200	/* transactions per second, at most */
#define MAX_PENDING	4096

struct sent {
	uint8_t mac[6];
	uint64_t at_ms;
};

struct mac_learner {
	struct ovsdb_client *cl;
	struct ovsdb_table *pb, *dpb, *mb;
	struct smap sent;		/* "dp/port/ip" -> struct sent */
	uint64_t win_start_ms;
	unsigned int win_txns;
	struct mac_learner_stats st;
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The Port_Binding of (datapath key, port key) and its datapath row. */
static const struct ovsdb_row *find_port(struct mac_learner *l, uint32_t dp, uint32_t port,
					 const struct ovsdb_uuid **dp_uuid)
{
	const struct ovsdb_row *row;

	if (!l->pb->ts || !l->dpb->ts)
		return NULL;
	for (row = ovsdb_table_first(l->pb); row; row = ovsdb_table_next(row)) {
		const struct ovsdb_uuid *du;
		const struct ovsdb_row *d;

		if ((uint32_t)sb_row_int(row, "tunnel_key", 0) != port)
			continue;
		du = sb_row_uuid(row, "datapath");
		d = du ? ovsdb_table_find(l->dpb, du) : NULL;
		if (d && (uint32_t)sb_row_int(d, "tunnel_key", 0) == dp) {
			*dp_uuid = du;
			return row;
		}
	}
	return NULL;
}

/* The MAC_Binding row of (logical port, ip), comparing addresses. */
static const struct ovsdb_row *find_binding(struct mac_learner *l, const char *lport,
					    const uint8_t *ip, int len)
{
	const struct ovsdb_row *row;
	uint8_t a[16];

	if (!l->mb->ts)
		return NULL;
	for (row = ovsdb_table_first(l->mb); row; row = ovsdb_table_next(row)) {
		const char *p = sb_row_string(row, "logical_port");
		const char *s = sb_row_string(row, "ip");

		if (!p || !s || strcmp(p, lport))
			continue;
		if (inet_pton(len == 4 ? AF_INET : AF_INET6, s, a) == 1 && !memcmp(a, ip, len))
			return row;
	}
	return NULL;
}

static void txn_done(void *arg, int status, const json_t *result)
{
	struct mac_learner *l = arg;

	(void)result;
	/* A neighbour another chassis inserted first fails the (logical_port,
	 * ip) index: the next punt sees its row and updates it. */
	if (status) {
		l->st.txn_errors++;
		pr_dbg(MOD, "MAC_Binding transaction: %s", strerror(-status));
	}
}

static bool rate_ok(struct mac_learner *l, uint64_t now)
{
	if (now - l->win_start_ms >= 1000) {
		l->win_start_ms = now;
		l->win_txns = 0;
	}
	if (l->win_txns >= TXN_PER_SEC)
		return false;
	l->win_txns++;
	return true;
}

static void on_put_mac(const struct ovn_punt_event *ev, size_t size, void *aux)
{
	struct mac_learner *l = aux;
	const uint8_t *ctx = (const uint8_t *)&ev->md;	/* md + key: context bytes 0..255 */
	uint32_t op = ev->opcode, type = op & 0xff, poff = OVN_PUNT_MB_PORT(op);
	uint32_t ioff = OVN_PUNT_MB_IP(op), moff = OVN_PUNT_MB_MAC(op), dp, port;
	int len = type == ACT_PUT_ARP ? 4 : 16;
	const struct ovsdb_uuid *dpu = NULL;
	const struct ovsdb_row *pb, *mb;
	char ipstr[INET6_ADDRSTRLEN], macstr[18], key[96];
	const uint8_t *ip, *mac;
	uint64_t now = mono_ms();
	struct sent *s;
	json_t *ops;

	(void)size;
	l->st.events++;
	if (!poff || poff + 4 > 256 || ioff + len > 256 || moff + 6 > 256) {
		l->st.bad++;
		return;
	}
	memcpy(&dp, ctx + OVN_OFF_METADATA, 4);
	memcpy(&port, ctx + poff, 4);
	dp = ntohl(dp);
	port = ntohl(port);
	ip = ctx + ioff;
	mac = ctx + moff;
	/* A multicast or zero MAC is no neighbour. */
	if ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
		l->st.bad++;
		return;
	}
	inet_ntop(len == 4 ? AF_INET : AF_INET6, ip, ipstr, sizeof(ipstr));
	snprintf(macstr, sizeof(macstr), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	snprintf(key, sizeof(key), "%u/%u/%s", dp, port, ipstr);

	s = smap_get(&l->sent, key);
	if (s && !memcmp(s->mac, mac, 6) && now - s->at_ms < DEDUP_MS) {
		l->st.deduped++;
		return;
	}
	pb = find_port(l, dp, port, &dpu);
	if (!pb) {
		l->st.no_port++;
		return;
	}
	mb = find_binding(l, sb_row_string(pb, "logical_port"), ip, len);
	if (mb) {
		const char *cur = sb_row_string(mb, "mac");
		uint8_t m[6];
		unsigned int b[6];
		bool same = cur && sscanf(cur, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3],
					  &b[4], &b[5]) == 6;

		for (int i = 0; same && i < 6; i++)
			m[i] = b[i];
		same = same && !memcmp(m, mac, 6);
		if (same && wall_ms() - sb_row_int(mb, "timestamp", 0) < REFRESH_MS) {
			l->st.known++;
			return;
		}
		if (!rate_ok(l, now)) {
			l->st.rate_limited++;
			return;
		}
		ops = json_pack("[{s:s, s:s, s:o, s:{s:s, s:I}}]", "op", "update", "table",
				"MAC_Binding", "where", sb_where_uuid(&mb->uuid), "row", "mac", macstr,
				"timestamp", (json_int_t)wall_ms());
		if (same)
			l->st.refreshed++;
		else
			l->st.updated++;
	} else {
		if (!rate_ok(l, now)) {
			l->st.rate_limited++;
			return;
		}
		ops = json_pack("[{s:s, s:s, s:{s:s, s:s, s:s, s:o, s:I}}]", "op", "insert", "table",
				"MAC_Binding", "row", "logical_port", sb_row_string(pb, "logical_port"),
				"ip", ipstr, "mac", macstr, "datapath", sb_uuid_json(dpu), "timestamp",
				(json_int_t)wall_ms());
		l->st.inserted++;
	}
	if (!ops || ovsdb_client_transact(l->cl, ops, txn_done, l)) {
		l->st.txn_errors++;
		return;
	}
	pr_dbg(MOD, "%s %s is at %s (%s)", sb_row_string(pb, "logical_port"), ipstr, macstr,
	       mb ? "update" : "insert");
	if (!s) {
		if (l->sent.n >= MAX_PENDING) {
			smap_destroy(&l->sent, free);
			memset(&l->sent, 0, sizeof(l->sent));
		}
		s = xcalloc(1, sizeof(*s));
		smap_put(&l->sent, key, s);
	}
	memcpy(s->mac, mac, 6);
	s->at_ms = now;
}

int mac_learner_create(struct ovsdb_client *cl, struct mac_learner **out)
{
	struct mac_learner *l = xcalloc(1, sizeof(*l));
	int err;

	*out = NULL;
	l->cl = cl;
	l->pb = ovsdb_client_monitor(cl, "Port_Binding", NULL);
	l->dpb = ovsdb_client_monitor(cl, "Datapath_Binding", NULL);
	l->mb = ovsdb_client_monitor(cl, "MAC_Binding", NULL);
	if (!l->pb || !l->dpb || !l->mb) {
		free(l);
		return -ENOMEM;
	}
	err = punt_register(ACT_PUT_ARP, on_put_mac, l);
	err = err ?: punt_register(ACT_PUT_ND, on_put_mac, l);
	if (err) {
		free(l);
		return err;
	}
	*out = l;
	return 0;
}

void mac_learner_destroy(struct mac_learner *l)
{
	if (!l)
		return;
	smap_destroy(&l->sent, free);
	free(l);
}

void mac_learner_get_stats(const struct mac_learner *l, struct mac_learner_stats *s)
{
	*s = l->st;
}
