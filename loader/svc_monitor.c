// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Service monitors (svc_monitor.h): Service_Monitor rows to probes, the
 * per-monitor state machine, replies from handle_svc_check punts and the
 * status writes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "loader/actions.h"
#include "loader/local_vifs.h"
#include "loader/log.h"
#include "loader/punt.h"
#include "loader/sb_row.h"
#include "loader/strbuf.h"
#include "loader/svc_monitor.h"
#include "ovsdb-client/client.h"

#define MOD "svc_monitor"

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_ACK	0x10

#define PROBE_TTL	63
#define PROBE_WINDOW	65160
#define UDP_PROBE_LEN	8	/* payload bytes */

struct svc_mon {
	struct ovsdb_uuid uuid;		/* the Service_Monitor row */
	struct svc_mon_cfg c;
	bool ours;			/* probed: c is valid */
	const char *skip_why;		/* last reason it was skipped */
	bool seen;			/* in the last sync */
	enum svc_mon_state state;
	enum svc_mon_status status;
	uint32_t n_success, n_failures;
	uint64_t wait_ms, next_send_ms;
	uint32_t seq;			/* TCP: sequence number of the SYN */
	uint16_t sport;			/* our source port, 0 before the first probe */
};

struct svc_monitors {
	struct ovsdb_client *cl;
	struct local_vifs *vifs;
	struct ovsdb_table *table;	/* Service_Monitor */
	struct ovsdb_table *pb, *dpb;	/* Port_Binding, Datapath_Binding */
	struct svc_mon *v;
	size_t n;
	uint64_t seen_seqno;		/* replica change seqno of the last sync */
	bool synced_once;
	uint64_t last_sync_ms;
	bool txn_in_flight;
	int sock;			/* AF_PACKET, -1 until needed */
	svc_mon_send_fn *send;
	void *send_aux;
	uint64_t rng;
	struct svc_mon_stats st;
};

/* ---- rows ---- */

static int parse_ip(const char *s, bool *v6, uint8_t ip[16])
{
	char buf[INET6_ADDRSTRLEN + 1];

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	memset(ip, 0, 16);
	if (inet_pton(AF_INET, s, ip) == 1) {
		*v6 = false;
		return 0;
	}
	/* The schema's text form of an IPv6 address may be bracketed. */
	if (s[0] == '[') {
		size_t n = strlen(s);

		if (n < 3 || s[n - 1] != ']')
			return -EINVAL;
		memcpy(buf, s + 1, n - 2);
		buf[n - 2] = 0;
		s = buf;
	}
	if (inet_pton(AF_INET6, s, ip) == 1) {
		*v6 = true;
		return 0;
	}
	return -EINVAL;
}

static bool parse_mac(const char *s, size_t len, uint8_t mac[6])
{
	unsigned int b[6];
	char tmp[18], extra;

	if (!s || len != 17)
		return false;
	memcpy(tmp, s, 17);
	tmp[17] = 0;
	if (sscanf(tmp, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &extra) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = b[i];
	return true;
}

/* Option S as a positive integer, DFLT when absent; -1 when bad. */
static long opt_int(const char *s, long dflt, long max)
{
	char *end;
	long v;

	if (!s)
		return dflt;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > max)
		return -1;
	return v;
}

/* The MAC of the Port_Binding entry holding IP ("MAC [IP[/PLEN]]..."); an
 * entry without addresses gives its MAC when no entry holds IP. */
static bool pb_mac_for(const struct svc_mon_row *r, bool v6, const uint8_t ip[16],
		       uint8_t mac[6])
{
	bool have_fallback = false;
	uint8_t fallback[6];

	for (size_t i = 0; i < r->n_pb_macs; i++) {
		const char *s = r->pb_macs[i], *tok;
		bool any_ip = false;
		uint8_t m[6];
		size_t len;

		if (!s)
			continue;
		s += strspn(s, " ");
		len = strcspn(s, " ");
		if (!parse_mac(s, len, m))
			continue;
		for (tok = s + len; *tok;) {
			char a[INET6_ADDRSTRLEN + 4];
			uint8_t x[16] = { 0 };
			bool xv6;

			tok += strspn(tok, " ");
			len = strcspn(tok, " ");
			if (!len)
				break;
			if (len < sizeof(a)) {
				memcpy(a, tok, len);
				a[len] = 0;
				a[strcspn(a, "/")] = 0;
				if (!parse_ip(a, &xv6, x)) {
					any_ip = true;
					if (xv6 == v6 && !memcmp(x, ip, 16)) {
						memcpy(mac, m, 6);
						return true;
					}
				}
			}
			tok += len;
		}
		if (!any_ip && !have_fallback) {
			memcpy(fallback, m, 6);
			have_fallback = true;
		}
	}
	if (have_fallback)
		memcpy(mac, fallback, 6);
	return have_fallback;
}

int svc_mon_cfg_from_row(const struct svc_mon_row *r, struct svc_mon_cfg *c, const char **why)
{
	long interval, timeout, sc, fc;
	bool src_v6;

	if (!r->protocol || !strcmp(r->protocol, "tcp")) {
		c->proto = IPPROTO_TCP;
	} else if (!strcmp(r->protocol, "udp")) {
		c->proto = IPPROTO_UDP;
	} else {
		*why = "protocol is neither tcp nor udp";
		return -EINVAL;
	}
	if (parse_ip(r->ip, &c->v6, c->ip)) {
		*why = "ip is not an IPv4 or IPv6 address";
		return -EINVAL;
	}
	if (parse_ip(r->src_ip, &src_v6, c->src_ip) || src_v6 != c->v6) {
		*why = "src_ip is not an address of ip's family";
		return -EINVAL;
	}
	if (!r->src_mac || !parse_mac(r->src_mac, strlen(r->src_mac), c->src_mac)) {
		*why = "src_mac is not a MAC address";
		return -EINVAL;
	}
	if (r->port < 0 || r->port > 65535) {
		*why = "port out of range";
		return -EINVAL;
	}
	c->port = (uint16_t)r->port;
	interval = opt_int(r->interval, 5, 86400);
	timeout = opt_int(r->timeout, 3, 86400);
	sc = opt_int(r->success_count, 1, INT_MAX);
	fc = opt_int(r->failure_count, 1, INT_MAX);
	if (interval < 0 || timeout < 0 || sc < 0 || fc < 0) {
		*why = "bad interval, timeout, success_count or failure_count option";
		return -EINVAL;
	}
	c->interval_ms = (uint32_t)interval * 1000;
	c->timeout_ms = (uint32_t)timeout * 1000;
	c->success_count = (uint32_t)sc;
	c->failure_count = (uint32_t)fc;
	if (!pb_mac_for(r, c->v6, c->ip, c->mac)) {
		*why = "the logical port has no MAC for ip";
		return -EINVAL;
	}
	return 0;
}

/* ---- probes ---- */

static uint32_t csum_add(uint32_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;

	for (; len > 1; len -= 2, b += 2)
		sum += (uint32_t)b[0] << 8 | b[1];
	if (len)
		sum += (uint32_t)b[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

size_t svc_mon_build_probe(const struct svc_mon_cfg *c, uint8_t flags, uint32_t seq,
			   uint32_t ack, uint16_t sport, uint8_t *buf)
{
	size_t l3 = 14, l4, l4_len = c->proto == IPPROTO_TCP ? 20 : 8 + UDP_PROBE_LEN;
	uint8_t *th;
	uint32_t sum;

	memset(buf, 0, SVC_MON_FRAME_MAX);
	memcpy(buf, c->mac, 6);
	memcpy(buf + 6, c->src_mac, 6);
	if (c->v6) {
		put16(buf + 12, ETH_P_IPV6);
		buf[l3] = 0x60;
		put16(buf + l3 + 4, (uint16_t)l4_len);
		buf[l3 + 6] = c->proto;
		buf[l3 + 7] = PROBE_TTL;
		memcpy(buf + l3 + 8, c->src_ip, 16);
		memcpy(buf + l3 + 24, c->ip, 16);
		l4 = l3 + 40;
		sum = csum_add(0, buf + l3 + 8, 32);
	} else {
		put16(buf + 12, ETH_P_IP);
		buf[l3] = 0x45;
		put16(buf + l3 + 2, (uint16_t)(20 + l4_len));
		put16(buf + l3 + 6, 0x4000);	/* DF */
		buf[l3 + 8] = PROBE_TTL;
		buf[l3 + 9] = c->proto;
		memcpy(buf + l3 + 12, c->src_ip, 4);
		memcpy(buf + l3 + 16, c->ip, 4);
		put16(buf + l3 + 10, csum_fold(csum_add(0, buf + l3, 20)));
		l4 = l3 + 20;
		sum = csum_add(0, buf + l3 + 12, 8);
	}
	sum += c->proto + (uint32_t)l4_len;
	th = buf + l4;
	put16(th, sport);
	put16(th + 2, c->port);
	if (c->proto == IPPROTO_TCP) {
		put32(th + 4, seq);
		put32(th + 8, ack);
		th[12] = 5 << 4;
		th[13] = flags;
		put16(th + 14, PROBE_WINDOW);
		put16(th + 16, csum_fold(csum_add(sum, th, l4_len)));
	} else {
		uint16_t ck;

		put16(th + 4, (uint16_t)l4_len);
		ck = csum_fold(csum_add(sum, th, l4_len));
		put16(th + 6, ck ? ck : 0xffff);
	}
	return l4 + l4_len;
}

/* ---- monitors ---- */

static uint64_t rng_next(struct svc_monitors *sm)
{
	/* splitmix64: ports and sequence numbers need to be unguessable
	 * only as much as ovn-controller's are (random, per probe). */
	uint64_t z = (sm->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint16_t random_sport(struct svc_monitors *sm)
{
	/* The ephemeral range, away from well-known services. */
	return (uint16_t)(32768 + rng_next(sm) % 28233);
}

static void send_probe(struct svc_monitors *sm, struct svc_mon *m, uint8_t flags, uint32_t seq,
		       uint32_t ack)
{
	uint8_t frame[SVC_MON_FRAME_MAX];
	size_t len = svc_mon_build_probe(&m->c, flags, seq, ack, m->sport, frame);
	int err = sm->send ? sm->send(sm->send_aux, m->c.ifindex, frame, len) : -ENOTCONN;

	if (err) {
		if (!sm->st.probe_errors++ || log_get_level() >= LOG_LVL_DBG)
			pr_warn(MOD, "cannot send a probe on ifindex %d: %s", m->c.ifindex,
				strerror(-err));
		return;
	}
	sm->st.probes++;
}

/* A new probe: ovn-controller picks a fresh TCP port and sequence number
 * each time, and keeps a UDP monitor's port. */
static void probe(struct svc_monitors *sm, struct svc_mon *m, uint64_t now_ms)
{
	if (m->c.proto == IPPROTO_TCP) {
		m->seq = (uint32_t)rng_next(sm);
		m->sport = random_sport(sm);
		send_probe(sm, m, TH_SYN, m->seq, 0);
	} else {
		if (!m->sport)
			m->sport = random_sport(sm);
		send_probe(sm, m, 0, 0, 0);
	}
	m->wait_ms = now_ms + m->c.timeout_ms;
	m->state = SVC_S_WAITING;
}

static uint64_t mon_tick(struct svc_monitors *sm, struct svc_mon *m, uint64_t now_ms)
{
	switch (m->state) {
	case SVC_S_INIT:
		probe(sm, m, now_ms);
		return m->wait_ms;
	case SVC_S_WAITING:
		if (now_ms <= m->wait_ms)
			return m->wait_ms;
		/* No answer: a dead TCP server, a live UDP one (a closed UDP
		 * port answers with ICMP). */
		if (m->c.proto == IPPROTO_TCP) {
			m->n_failures++;
			m->state = SVC_S_OFFLINE;
		} else {
			m->n_success++;
			m->state = SVC_S_ONLINE;
		}
		m->next_send_ms = now_ms + m->c.interval_ms;
		break;
	case SVC_S_ONLINE:
	case SVC_S_OFFLINE:
		break;
	}
	if (m->state == SVC_S_ONLINE && m->n_success >= m->c.success_count) {
		m->status = SVC_ST_ONLINE;
		m->n_success = 0;
	} else if (m->state == SVC_S_OFFLINE && m->n_failures >= m->c.failure_count) {
		m->status = SVC_ST_OFFLINE;
		m->n_failures = 0;
	}
	if (now_ms >= m->next_send_ms) {
		probe(sm, m, now_ms);
		return m->wait_ms;
	}
	return m->next_send_ms;
}

int svc_monitors_tick(struct svc_monitors *sm, uint64_t now_ms)
{
	uint64_t next = UINT64_MAX;

	for (size_t i = 0; i < sm->n; i++) {
		struct svc_mon *m = &sm->v[i];
		uint64_t t;

		if (!m->ours)
			continue;
		t = mon_tick(sm, m, now_ms);
		if (t < next)
			next = t;
	}
	if (next == UINT64_MAX)
		return -1;
	/* WAITING ends strictly after wait_ms. */
	return next >= now_ms ? (int)(next - now_ms + 1 > INT_MAX ? INT_MAX : next - now_ms + 1)
			      : 0;
}

static struct svc_mon *find_uuid(const struct svc_monitors *sm, const struct ovsdb_uuid *u)
{
	for (size_t i = 0; i < sm->n; i++)
		if (ovsdb_uuid_equals(&sm->v[i].uuid, u))
			return &sm->v[i];
	return NULL;
}

static struct svc_mon *add_mon(struct svc_monitors *sm, const struct ovsdb_uuid *u)
{
	struct svc_mon *m;

	sm->v = xrealloc(sm->v, (sm->n + 1) * sizeof(*sm->v));
	m = &sm->v[sm->n++];
	memset(m, 0, sizeof(*m));
	m->uuid = *u;
	return m;
}

/* C replaces M's configuration; a monitor of another backend starts over. */
static void mon_set_cfg(struct svc_mon *m, const struct svc_mon_cfg *c)
{
	bool same = m->ours && m->c.dp_key == c->dp_key && m->c.port_key == c->port_key &&
		    m->c.v6 == c->v6 && m->c.proto == c->proto && m->c.port == c->port &&
		    !memcmp(m->c.ip, c->ip, 16);

	if (!same) {
		m->state = SVC_S_INIT;
		m->status = SVC_ST_UNKNOWN;
		m->n_success = m->n_failures = 0;
		m->sport = 0;
	}
	m->c = *c;
	m->ours = true;
	m->skip_why = NULL;
}

int svc_monitors_add(struct svc_monitors *sm, const struct ovsdb_uuid *u,
		     const struct svc_mon_cfg *c)
{
	struct svc_mon *m = find_uuid(sm, u);

	if (!m)
		m = add_mon(sm, u);
	mon_set_cfg(m, c);
	return 0;
}

int svc_monitors_get(const struct svc_monitors *sm, const struct ovsdb_uuid *u,
		     enum svc_mon_state *state, enum svc_mon_status *status, uint32_t *seq,
		     uint16_t *sport)
{
	const struct svc_mon *m = find_uuid(sm, u);

	if (!m || !m->ours)
		return -ENOENT;
	if (state)
		*state = m->state;
	if (status)
		*status = m->status;
	if (seq)
		*seq = m->seq;
	if (sport)
		*sport = m->sport;
	return 0;
}

size_t svc_monitors_count(const struct svc_monitors *sm)
{
	size_t k = 0;

	for (size_t i = 0; i < sm->n; i++)
		k += sm->v[i].ours;
	return k;
}

/* ---- replies ---- */

static struct svc_mon *find_mon(struct svc_monitors *sm, uint32_t dp, uint32_t port, bool v6,
				const uint8_t ip[16], uint8_t proto, uint16_t l4port)
{
	for (size_t i = 0; i < sm->n; i++) {
		struct svc_mon *m = &sm->v[i];

		if (m->ours && m->c.dp_key == dp && m->c.port_key == port && m->c.v6 == v6 &&
		    m->c.proto == proto && m->c.port == l4port && !memcmp(m->c.ip, ip, 16))
			return m;
	}
	return NULL;
}

static void result(struct svc_mon *m, bool success, uint64_t now_ms)
{
	if (success) {
		m->n_success++;
		m->state = SVC_S_ONLINE;
	} else {
		m->n_failures++;
		m->state = SVC_S_OFFLINE;
	}
	m->next_send_ms = now_ms + m->c.interval_ms;
}

static enum svc_reply tcp_reply(struct svc_monitors *sm, uint32_t dp, uint32_t inport, bool v6,
				const uint8_t ip[16], const uint8_t *th, size_t len,
				uint64_t now_ms)
{
	struct svc_mon *m;
	uint32_t seq, ack;
	uint8_t flags;

	if (len < 20 || (th[12] >> 4) < 5)
		return SVC_REPLY_BAD;
	m = find_mon(sm, dp, inport, v6, ip, IPPROTO_TCP, get16(th));
	/* Only answers to the probe in flight count: a stale or forged
	 * segment must not flip the status. */
	if (!m || !m->sport || get16(th + 2) != m->sport)
		return SVC_REPLY_UNMATCHED;
	seq = get32(th + 4);
	ack = get32(th + 8);
	flags = th[13];
	if ((flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK)) {
		if (ack != m->seq + 1)
			return SVC_REPLY_UNMATCHED;
		result(m, true, now_ms);
		/* The backend's kernel holds a half-open connection: reset it. */
		send_probe(sm, m, TH_RST | TH_ACK, ack, seq + 1);
		return SVC_REPLY_SUCCESS;
	}
	if (flags & TH_RST) {
		/* A RST answering a SYN carries ACK = our seq + 1. */
		if ((flags & TH_ACK) && ack != m->seq + 1)
			return SVC_REPLY_UNMATCHED;
		result(m, false, now_ms);
		return SVC_REPLY_FAILURE;
	}
	return SVC_REPLY_UNMATCHED;
}

/* ICMP(v6) destination/port unreachable quoting our UDP probe; ICMP at
 * its header, LEN bytes.  IP: the backend (the error's source). */
static enum svc_reply icmp_reply(struct svc_monitors *sm, uint32_t dp, uint32_t inport, bool v6,
				 const uint8_t ip[16], const uint8_t *ih, size_t len,
				 uint64_t now_ms)
{
	const uint8_t *in = ih + 8, *uh;
	size_t in_len;
	struct svc_mon *m;

	if (len < 8)
		return SVC_REPLY_BAD;
	if (v6 ? (ih[0] != 1 || ih[1] != 4) : (ih[0] != 3 || ih[1] != 3))
		return SVC_REPLY_UNMATCHED;
	in_len = len - 8;
	if (v6) {
		if (in_len < 40 + 8 || (in[0] >> 4) != 6)
			return SVC_REPLY_BAD;
		if (in[6] != IPPROTO_UDP || memcmp(in + 24, ip, 16))
			return SVC_REPLY_UNMATCHED;
		uh = in + 40;
	} else {
		size_t ihl;

		if (in_len < 20 || (in[0] >> 4) != 4)
			return SVC_REPLY_BAD;
		ihl = (size_t)(in[0] & 0xf) * 4;
		if (ihl < 20 || in_len < ihl + 8)
			return SVC_REPLY_BAD;
		if (in[9] != IPPROTO_UDP || memcmp(in + 16, ip, 4))
			return SVC_REPLY_UNMATCHED;
		uh = in + ihl;
	}
	m = find_mon(sm, dp, inport, v6, ip, IPPROTO_UDP, get16(uh + 2));
	if (!m || !m->sport || get16(uh) != m->sport)
		return SVC_REPLY_UNMATCHED;
	result(m, false, now_ms);
	return SVC_REPLY_FAILURE;
}

enum svc_reply svc_monitors_reply(struct svc_monitors *sm, uint32_t dp, uint32_t inport,
				  const uint8_t *frame, size_t len, uint64_t now_ms)
{
	uint8_t ip[16] = { 0 };
	const uint8_t *l3 = frame + 14, *l4;
	size_t l3_len, l4_len;
	uint8_t proto;
	uint16_t type;
	bool v6;

	if (len < 14)
		return SVC_REPLY_BAD;
	type = get16(frame + 12);
	l3_len = len - 14;
	if (type == ETH_P_IP) {
		size_t ihl, tot;

		if (l3_len < 20 || (l3[0] >> 4) != 4)
			return SVC_REPLY_BAD;
		ihl = (size_t)(l3[0] & 0xf) * 4;
		tot = get16(l3 + 2);
		if (ihl < 20 || tot < ihl || l3_len < ihl)
			return SVC_REPLY_BAD;
		/* Trust the shorter of the IP length and what was captured. */
		if (tot < l3_len)
			l3_len = tot;
		if (get16(l3 + 6) & 0x1fff)
			return SVC_REPLY_UNMATCHED;	/* a later fragment */
		v6 = false;
		proto = l3[9];
		memcpy(ip, l3 + 12, 4);
		l4 = l3 + ihl;
		l4_len = l3_len - ihl;
	} else if (type == ETH_P_IPV6) {
		if (l3_len < 40 || (l3[0] >> 4) != 6)
			return SVC_REPLY_BAD;
		if ((size_t)get16(l3 + 4) + 40 < l3_len)
			l3_len = (size_t)get16(l3 + 4) + 40;
		v6 = true;
		proto = l3[6];	/* extension headers: not from a pod's stack */
		memcpy(ip, l3 + 8, 16);
		l4 = l3 + 40;
		l4_len = l3_len - 40;
	} else {
		return SVC_REPLY_UNMATCHED;
	}
	if (proto == IPPROTO_TCP)
		return tcp_reply(sm, dp, inport, v6, ip, l4, l4_len, now_ms);
	if (proto == (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP))
		return icmp_reply(sm, dp, inport, v6, ip, l4, l4_len, now_ms);
	return SVC_REPLY_UNMATCHED;
}

static void on_svc_check(const struct ovn_punt_event *ev, size_t len, void *aux)
{
	struct svc_monitors *sm = aux;
	size_t cap = len - offsetof(struct ovn_punt_event, pkt);
	struct timespec ts;
	enum svc_reply r;

	if (cap > ev->cap_len)
		cap = ev->cap_len;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	sm->st.replies++;
	r = svc_monitors_reply(sm, ntohl(ev->md.metadata), ntohl(ev->md.inport), ev->pkt, cap,
			       (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	if (r == SVC_REPLY_BAD) {
		if (!sm->st.bad_replies++ || log_get_level() >= LOG_LVL_DBG)
			pr_warn(MOD, "malformed handle_svc_check packet (flow %u, %zu bytes); "
				"dropped", ev->flow, cap);
	} else if (r == SVC_REPLY_UNMATCHED) {
		sm->st.unmatched++;
		pr_dbg(MOD, "handle_svc_check packet on datapath %u port %u matches no probe",
		       ntohl(ev->md.metadata), ntohl(ev->md.inport));
	}
}

/* ---- the SB ---- */

static int af_packet_send(void *aux, int ifindex, const void *frame, size_t len)
{
	struct svc_monitors *sm = aux;
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = ifindex,
		.sll_halen = 6,
	};

	if (sm->sock < 0) {
		/* Protocol 0: a send-only socket, it never queues frames. */
		sm->sock = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
		if (sm->sock < 0)
			return -errno;
	}
	memcpy(sll.sll_addr, frame, 6);
	if (sendto(sm->sock, frame, len, MSG_DONTWAIT, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}

static void warn_skip(struct svc_mon *m, const char *why, const char *lport)
{
	char u[OVSDB_UUID_LEN + 1];

	if (m->skip_why == why)
		return;
	m->skip_why = why;
	pr_warn(MOD, "Service_Monitor %s (port %s): %s; skipped",
		ovsdb_uuid_to_string(&m->uuid, u), lport ? lport : "-", why);
}

/* Port_Binding LPORT's MAC entries into an array (freed by the caller). */
static const char **pb_macs(const struct ovsdb_row *pb, size_t *n)
{
	const struct ovsdb_datum *d = sb_row_datum(pb, "mac", OVSDB_TYPE_STRING);
	const char **v;

	*n = 0;
	if (!d || !d->n)
		return NULL;
	v = xrealloc(NULL, d->n * sizeof(*v));
	for (uint32_t i = 0; i < d->n; i++)
		v[i] = d->keys[i].string;
	*n = d->n;
	return v;
}

/* Row ROW (Service_Monitor) into M; false when it is not probed here. */
static bool sync_row(struct svc_monitors *sm, struct svc_mon *m, const struct ovsdb_row *row,
		     const struct ovsdb_uuid *me)
{
	const char *lport = sb_row_string(row, "logical_port");
	const struct ovsdb_row *pb, *dp;
	const struct ovsdb_uuid *ch, *dpu;
	struct svc_mon_row r = { 0 };
	struct svc_mon_cfg c = { 0 };
	struct binding *b;
	const char *why;
	int64_t pkey, dkey;
	int err;

	/* Most rows are other chassis' backends: the cheap test first. */
	b = lport && sm->vifs ? bindings_find_lport(&sm->vifs->bindings, lport) : NULL;
	if (!b || b->ifindex <= 0) {
		sm->st.rows_remote++;
		return false;
	}
	pb = sm->pb ? sb_table_find_by_string(sm->pb, "logical_port", lport) : NULL;
	ch = pb ? sb_row_uuid(pb, "chassis") : NULL;
	if (!pb || !me || !ch || !ovsdb_uuid_equals(ch, me)) {
		/* Bound locally but not (yet) claimed: not ours to probe. */
		sm->st.rows_remote++;
		return false;
	}
	dpu = sb_row_uuid(pb, "datapath");
	dp = dpu && sm->dpb ? ovsdb_table_find(sm->dpb, dpu) : NULL;
	pkey = sb_row_int(pb, "tunnel_key", 0);
	dkey = dp ? sb_row_int(dp, "tunnel_key", 0) : 0;
	if (!dkey || pkey <= 0 || pkey > UINT32_MAX || dkey <= 0 || dkey > UINT32_MAX) {
		sm->st.rows_remote++;
		return false;
	}
	r.protocol = sb_row_string(row, "protocol");
	r.ip = sb_row_string(row, "ip");
	r.src_ip = sb_row_string(row, "src_ip");
	r.src_mac = sb_row_string(row, "src_mac");
	r.port = sb_row_int(row, "port", -1);
	r.interval = sb_row_smap_get(row, "options", "interval");
	r.timeout = sb_row_smap_get(row, "options", "timeout");
	r.success_count = sb_row_smap_get(row, "options", "success_count");
	r.failure_count = sb_row_smap_get(row, "options", "failure_count");
	r.pb_macs = pb_macs(pb, &r.n_pb_macs);
	err = svc_mon_cfg_from_row(&r, &c, &why);
	free((void *)r.pb_macs);
	if (err) {
		sm->st.rows_bad++;
		warn_skip(m, why, lport);
		m->ours = false;
		return false;
	}
	c.dp_key = (uint32_t)dkey;
	c.port_key = (uint32_t)pkey;
	c.ifindex = b->ifindex;
	if (!m->ours)
		pr_info(MOD, "probing %s port %u (%s) on %s every %u ms",
			c.proto == IPPROTO_TCP ? "tcp" : "udp", c.port,
			r.ip ? r.ip : "-", lport, c.interval_ms);
	mon_set_cfg(m, &c);
	return true;
}

static void sync_sb(struct svc_monitors *sm, const struct ovsdb_uuid *me)
{
	const struct ovsdb_row *row;
	size_t i, k;

	sm->st.rows_bad = sm->st.rows_remote = 0;
	for (i = 0; i < sm->n; i++)
		sm->v[i].seen = false;
	if (sm->table && sm->table->ts) {
		OVSDB_TABLE_FOR_EACH(row, sm->table) {
			struct svc_mon *m = find_uuid(sm, &row->uuid);

			if (!m)
				m = add_mon(sm, &row->uuid);
			m->seen = true;
			if (!sync_row(sm, m, row, me))
				m->ours = false;
		}
	}
	/* Forget monitors of deleted rows; keep skipped rows' reasons so
	 * that a bad row is reported once, not at every SB change. */
	for (i = k = 0; i < sm->n; i++)
		if (sm->v[i].seen)
			sm->v[k++] = sm->v[i];
	sm->n = k;
}

static void txn_done(void *arg, int status, const json_t *res)
{
	struct svc_monitors *sm = arg;
	char *txt;

	sm->txn_in_flight = false;
	if (!status)
		return;
	sm->st.txn_failed++;
	txt = res ? json_dumps(res, JSON_COMPACT) : NULL;
	pr_warn(MOD, "Service_Monitor status update failed (%s): %.300s", strerror(-status),
		txt ? txt : "-");
	free(txt);
}

static void write_status(struct svc_monitors *sm)
{
	json_t *ops = NULL;
	int err;

	if (sm->txn_in_flight || !ovsdb_client_is_synced(sm->cl))
		return;
	for (size_t i = 0; i < sm->n; i++) {
		struct svc_mon *m = &sm->v[i];
		const struct ovsdb_row *row;
		const char *want, *have;
		char u[OVSDB_UUID_LEN + 1];
		json_t *op;

		if (!m->ours || m->status == SVC_ST_UNKNOWN)
			continue;
		row = ovsdb_table_find(sm->table, &m->uuid);
		if (!row)
			continue;
		want = m->status == SVC_ST_ONLINE ? "online" : "offline";
		have = sb_row_string(row, "status");
		if (have && !strcmp(have, want))
			continue;
		op = json_pack("{s:s, s:s, s:o, s:{s:s}}", "op", "update", "table",
			       "Service_Monitor", "where", sb_where_uuid(&m->uuid), "row",
			       "status", want);
		if (!op)
			continue;
		if (!ops)
			ops = json_array();
		json_array_append_new(ops, op);
		sm->st.status_writes++;
		pr_info(MOD, "Service_Monitor %s: %s", ovsdb_uuid_to_string(&m->uuid, u), want);
	}
	if (!ops)
		return;
	err = ovsdb_client_transact(sm->cl, ops, txn_done, sm);
	if (err) {
		sm->st.txn_failed++;
		pr_warn(MOD, "cannot send Service_Monitor status: %s", strerror(-err));
		return;
	}
	sm->txn_in_flight = true;
}

int svc_monitors_run(struct svc_monitors *sm, const struct ovsdb_uuid *me, uint64_t now_ms)
{
	int next;

	if (sm->cl && ovsdb_client_is_synced(sm->cl)) {
		uint64_t seq = ovsdb_client_change_seqno(sm->cl);

		/* Bindings (interfaces coming and going) change without the
		 * SB: resync at least once a second as well. */
		if (!sm->synced_once || seq != sm->seen_seqno ||
		    now_ms >= sm->last_sync_ms + 1000) {
			sync_sb(sm, me);
			sm->seen_seqno = seq;
			sm->synced_once = true;
			sm->last_sync_ms = now_ms;
		}
	}
	next = svc_monitors_tick(sm, now_ms);
	if (sm->cl && me)
		write_status(sm);
	return next;
}

/* ---- life ---- */

int svc_monitors_create(struct ovsdb_client *cl, struct local_vifs *vifs,
			struct svc_monitors **out)
{
	struct svc_monitors *sm = calloc(1, sizeof(*sm));
	struct timespec ts;
	int err;

	if (!sm)
		return -ENOMEM;
	sm->cl = cl;
	sm->vifs = vifs;
	sm->sock = -1;
	clock_gettime(CLOCK_REALTIME, &ts);
	sm->rng = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)getpid() << 40;
	if (cl) {
		sm->table = ovsdb_client_monitor(cl, "Service_Monitor", NULL);
		sm->pb = ovsdb_client_monitor(cl, "Port_Binding", NULL);
		sm->dpb = ovsdb_client_monitor(cl, "Datapath_Binding", NULL);
		err = sm->table && sm->pb && sm->dpb ? 0 : -ENOMEM;
		if (!err)
			err = punt_register(ACT_HANDLE_SVC_CHECK, on_svc_check, sm);
		if (err) {
			free(sm);
			return err;
		}
		sm->send = af_packet_send;
		sm->send_aux = sm;
	}
	*out = sm;
	return 0;
}

void svc_monitors_destroy(struct svc_monitors *sm)
{
	if (!sm)
		return;
	if (sm->cl)
		punt_unregister(ACT_HANDLE_SVC_CHECK);
	if (sm->sock >= 0)
		close(sm->sock);
	free(sm->v);
	free(sm);
}

void svc_monitors_set_send(struct svc_monitors *sm, svc_mon_send_fn *fn, void *aux)
{
	sm->send = fn;
	sm->send_aux = aux;
}

void svc_monitors_set_seed(struct svc_monitors *sm, uint64_t seed)
{
	sm->rng = seed;
}

void svc_monitors_get_stats(const struct svc_monitors *sm, struct svc_mon_stats *s)
{
	*s = sm->st;
}
