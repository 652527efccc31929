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
#include <unistd.h>

#include <jansson.h>

#include "loader/actions.h"
#include "loader/compile_map.h"
#include "loader/log.h"
#include "loader/punt_mac_binding.h"
#include "loader/punt.h"
#include "loader/sb_row.h"
#include "loader/strbuf.h"
#include "maps/context.h"
#include "maps/router.h"
#include "ovsdb-client/client.h"

#define MOD "mac_learn"
#define DEDUP_MS	1000	/* same (key, mac) sent: wait for the SB */
#define TXN_PER_SEC	200	/* transactions per second, at most */
#define MAX_PENDING	4096
#define MAX_SENT	4096

struct sent {
	uint8_t mac[6];
	uint64_t at_ms;
};

/* A neighbour waiting to be written: what pinctrl keeps in its
 * put_mac_bindings buffer. */
struct pending {
	uint32_t dp, port;
	uint8_t ip[16];
	int len;			/* 4 or 16 */
	uint8_t mac[6];			/* the latest one heard wins */
	uint64_t commit_at_ms;
};

struct mac_learner {
	struct ovsdb_client *cl;
	struct ovsdb_table *pb, *dpb, *mb, *smb;
	struct smap sent;		/* "dp/port/ip" -> struct sent */
	struct smap pending;		/* "dp/port/ip" -> struct pending */
	uint64_t win_start_ms;
	unsigned int win_txns;
	uint32_t rnd;
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

/* 1..MAC_LEARN_DELAY_MS, from a xorshift: the spread only has to differ
 * between chassis. */
static uint32_t random_delay(struct mac_learner *l)
{
	uint32_t x = l->rnd;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	l->rnd = x;
	return x % MAC_LEARN_DELAY_MS + 1;
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

/* The row of (logical port, ip) in T (MAC_Binding or Static_MAC_Binding),
 * comparing addresses. */
static const struct ovsdb_row *find_binding(struct ovsdb_table *t, const char *lport,
					    const uint8_t *ip, int len)
{
	const struct ovsdb_row *row;
	uint8_t a[16];

	if (!t->ts)
		return NULL;
	for (row = ovsdb_table_first(t); row; row = ovsdb_table_next(row)) {
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

static bool same_mac(const char *text, const uint8_t *mac)
{
	unsigned int b[6];

	if (!text || sscanf(text, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
			    &b[5]) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		if (b[i] != mac[i])
			return false;
	return true;
}

/*
 * Write one neighbour as ovn-controller 23.03 does (pinctrl's
 * mac_binding_add_to_sb): a new (logical_port, ip) is inserted with the
 * time; a known one is rewritten only when its MAC changed, and only then
 * does its timestamp move; the same MAC again writes nothing (23.03 never
 * refreshes a timestamp: the aging in northd, mac_binding_age_threshold,
 * removes the row and the next packet learns it anew).  There is one row
 * per (logical_port, ip): the SB's index on the pair makes a second
 * insert fail, and the replica, checked here first, makes it an update.
 */
static void commit(struct mac_learner *l, const char *key, const struct pending *p,
		   uint64_t now)
{
	const struct ovsdb_uuid *dpu = NULL;
	const struct ovsdb_row *pb, *mb, *smb;
	char ipstr[INET6_ADDRSTRLEN], macstr[18];
	struct sent *s;
	json_t *ops;

	pb = find_port(l, p->dp, p->port, &dpu);
	if (!pb) {
		l->st.no_port++;
		return;
	}
	mb = find_binding(l->mb, sb_row_string(pb, "logical_port"), p->ip, p->len);
	if (mb && same_mac(sb_row_string(mb, "mac"), p->mac)) {
		l->st.known++;
		return;
	}
	/* ovn-controller's lookup_arp/lookup_nd match every binding of the
	 * (port, ip), static ones included, so a neighbour speaking with its
	 * Static_MAC_Binding's MAC is known there and never learnt.  The
	 * datapath's neighbour table holds only the winning binding: check
	 * the static row here to the same effect. */
	smb = find_binding(l->smb, sb_row_string(pb, "logical_port"), p->ip, p->len);
	if (smb && same_mac(sb_row_string(smb, "mac"), p->mac)) {
		l->st.known++;
		return;
	}
	/* Sent already and not yet back from the SB: one transaction is
	 * enough for a burst. */
	s = smap_get(&l->sent, key);
	if (s && !memcmp(s->mac, p->mac, 6) && now - s->at_ms < DEDUP_MS) {
		l->st.deduped++;
		return;
	}
	if (!rate_ok(l, now)) {
		l->st.rate_limited++;
		return;
	}
	inet_ntop(p->len == 4 ? AF_INET : AF_INET6, p->ip, ipstr, sizeof(ipstr));
	snprintf(macstr, sizeof(macstr), "%02x:%02x:%02x:%02x:%02x:%02x", p->mac[0], p->mac[1],
		 p->mac[2], p->mac[3], p->mac[4], p->mac[5]);
	if (mb) {
		ops = json_pack("[{s:s, s:s, s:o, s:{s:s, s:I}}]", "op", "update", "table",
				"MAC_Binding", "where", sb_where_uuid(&mb->uuid), "row", "mac", macstr,
				"timestamp", (json_int_t)wall_ms());
		l->st.updated++;
	} else {
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
		if (l->sent.n >= MAX_SENT) {
			smap_destroy(&l->sent, free);
			memset(&l->sent, 0, sizeof(l->sent));
		}
		s = xcalloc(1, sizeof(*s));
		smap_put(&l->sent, key, s);
	}
	memcpy(s->mac, p->mac, 6);
	s->at_ms = now;
}

/*
 * put_arp/put_nd.  As pinctrl: what a unicast frame taught is written at
 * once (no other chassis saw that frame); what a broadcast or multicast
 * frame taught (a GARP, an ARP request, an unsolicited NA) waits a random
 * 1..50 ms, because every chassis of the datapath saw it too and will
 * write the same row: the first one's row reaches the others' replicas
 * within the wait, and they find it known instead of racing it.
 */
static void on_put_mac(const struct ovn_punt_event *ev, size_t size, void *aux)
{
	struct mac_learner *l = aux;
	const uint8_t *ctx = (const uint8_t *)&ev->md;	/* md + key: context bytes 0..255 */
	uint32_t op = ev->opcode, type = op & 0xff, poff = OVN_PUNT_MB_PORT(op);
	uint32_t ioff = OVN_PUNT_MB_IP(op), moff = OVN_PUNT_MB_MAC(op);
	int len = type == ACT_PUT_ARP ? 4 : 16;
	char ipstr[INET6_ADDRSTRLEN], key[96];
	const uint8_t *mac;
	uint64_t now = mono_ms();
	struct pending *p;
	bool mcast;

	(void)size;
	l->st.events++;
	if (!poff || poff + 4 > 256 || ioff + len > 256 || moff + 6 > 256) {
		l->st.bad++;
		return;
	}
	mac = ctx + moff;
	/* A multicast or zero MAC is no neighbour. */
	if ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
		l->st.bad++;
		return;
	}
	mcast = ctx[OVN_OFF_ETH_DST] & 1;
	{
		uint32_t dp, port;

		memcpy(&dp, ctx + OVN_OFF_METADATA, 4);
		memcpy(&port, ctx + poff, 4);
		inet_ntop(len == 4 ? AF_INET : AF_INET6, ctx + ioff, ipstr, sizeof(ipstr));
		snprintf(key, sizeof(key), "%u/%u/%s", ntohl(dp), ntohl(port), ipstr);
		p = smap_get(&l->pending, key);
		if (!p) {
			if (l->pending.n >= MAX_PENDING) {
				l->st.overflow++;
				return;
			}
			p = xcalloc(1, sizeof(*p));
			p->dp = ntohl(dp);
			p->port = ntohl(port);
			p->len = len;
			memcpy(p->ip, ctx + ioff, len);
			p->commit_at_ms = now + (mcast ? random_delay(l) : 0);
			smap_put(&l->pending, key, p);
		}
		/* Already waiting: only the MAC changes, the time stays (as
		 * ovn_mac_binding_add). */
	}
	memcpy(p->mac, mac, 6);
	if (mcast)
		l->st.delayed++;
	else
		mac_learner_run(l);
}

void mac_learner_run(struct mac_learner *l)
{
	uint64_t now = mono_ms();
	char **due = NULL;
	size_t i = 0, n = 0;
	const char *key;
	void *v;

	if (!l || !l->pending.n)
		return;
	while (smap_next(&l->pending, &i, &key, &v)) {
		if (((struct pending *)v)->commit_at_ms <= now) {
			due = xrealloc(due, (n + 1) * sizeof(*due));
			due[n++] = xstrndup(key, strlen(key));
		}
	}
	for (i = 0; i < n; i++) {
		struct pending *p = smap_del(&l->pending, due[i]);

		if (p)
			commit(l, due[i], p, now);
		free(p);
		free(due[i]);
	}
	free(due);
}

int mac_learner_timeout(const struct mac_learner *l)
{
	uint64_t now = mono_ms(), first = UINT64_MAX;
	size_t i = 0;
	const char *key;
	void *v;

	if (!l || !l->pending.n)
		return -1;
	while (smap_next((struct smap *)&l->pending, &i, &key, &v))
		if (((struct pending *)v)->commit_at_ms < first)
			first = ((struct pending *)v)->commit_at_ms;
	return first <= now ? 0 : (int)(first - now);
}

int mac_learner_create(struct ovsdb_client *cl, struct mac_learner **out)
{
	struct mac_learner *l = xcalloc(1, sizeof(*l));
	int err;

	*out = NULL;
	l->cl = cl;
	l->rnd = (uint32_t)wall_ms() ^ (uint32_t)getpid() << 8 ^ 0x9e3779b9u;
	if (!l->rnd)
		l->rnd = 1;
	l->pb = ovsdb_client_monitor(cl, "Port_Binding", NULL);
	l->dpb = ovsdb_client_monitor(cl, "Datapath_Binding", NULL);
	l->mb = ovsdb_client_monitor(cl, "MAC_Binding", NULL);
	l->smb = ovsdb_client_monitor(cl, "Static_MAC_Binding", NULL);
	if (!l->pb || !l->dpb || !l->mb || !l->smb) {
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
	punt_unregister(ACT_PUT_ARP);
	punt_unregister(ACT_PUT_ND);
	smap_destroy(&l->sent, free);
	smap_destroy(&l->pending, free);
	free(l);
}

void mac_learner_get_stats(const struct mac_learner *l, struct mac_learner_stats *s)
{
	*s = l->st;
}
