// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Conntrack maintenance from user space (conntrack.h).
 *
 * Deletions are collected during a map walk and done after it: deleting
 * the key bpf_map_get_next_key() stands on would restart the walk.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "loader/conntrack.h"

static const char *const names[] = { "ovn_ct", "ovn_ct_stats", "ovn_ct_gc" };

static int *slot(struct ovnbpf_ct *ct, int i)
{
	return i == 0 ? &ct->ct : i == 1 ? &ct->stats : &ct->gc;
}

int ovnbpf_ct_from_object(struct bpf_object *obj, struct ovnbpf_ct *ct)
{
	memset(ct, 0, sizeof(*ct));
	for (int i = 0; i < 3; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(obj, names[i]);
		int fd = m ? bpf_map__fd(m) : -1;

		if (fd < 0)
			return -ENOENT;
		*slot(ct, i) = fd;
	}
	return 0;
}

int ovnbpf_ct_open_pinned(const char *pin_dir, struct ovnbpf_ct *ct)
{
	char path[PATH_MAX];
	int err;

	memset(ct, 0, sizeof(*ct));
	ct->ct = ct->stats = ct->gc = -1;
	ct->owned = true;
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", pin_dir ? pin_dir : OVNBPF_PIN_DIR,
			 names[i]);
		*slot(ct, i) = bpf_obj_get(path);
		if (*slot(ct, i) < 0) {
			err = -errno;
			ovnbpf_ct_close(ct);
			return err;
		}
	}
	return 0;
}

void ovnbpf_ct_close(struct ovnbpf_ct *ct)
{
	if (!ct->owned)
		return;
	for (int i = 0; i < 3; i++) {
		if (*slot(ct, i) >= 0)
			close(*slot(ct, i));
		*slot(ct, i) = -1;
	}
	ct->owned = false;
}

uint64_t ovnbpf_ct_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int ovnbpf_ct_walk(struct ovnbpf_ct *ct, int zone, ovnbpf_ct_walk_fn *fn, void *aux)
{
	struct ovn_ct_key k, next;
	struct ovn_ct_entry e;
	bool first = true;
	int r;

	for (;;) {
		if (bpf_map_get_next_key(ct->ct, first ? NULL : &k, &next))
			return errno == ENOENT ? 0 : -errno;
		first = false;
		k = next;
		if (bpf_map_lookup_elem(ct->ct, &k, &e))
			continue;	/* gone meanwhile */
		if (zone >= 0 && k.zone != zone)
			continue;
		r = fn(&k, &e, aux);
		if (r)
			return r;
	}
}

struct doomed {
	struct ovn_ct_key *k;
	size_t n, alloc;
	uint64_t now;
	bool expired_only;
};

static int collect(const struct ovn_ct_key *k, const struct ovn_ct_entry *e, void *aux)
{
	struct doomed *d = aux;

	if (d->expired_only && e->expires_ns > d->now)
		return 0;
	if (d->n == d->alloc) {
		size_t n = d->alloc ? 2 * d->alloc : 256;
		struct ovn_ct_key *v = realloc(d->k, n * sizeof(*v));

		if (!v)
			return -ENOMEM;
		d->k = v;
		d->alloc = n;
	}
	d->k[d->n++] = *k;
	return 0;
}

/* ovn_ct_gc[0] += what we deleted (read-modify-write: one GC at a time
 * in ovnbpfd; a concurrent flush by ovnbpfctl can lose a count). */
static void account(struct ovnbpf_ct *ct, uint64_t gc_deleted, uint64_t flushed, bool run,
		    uint64_t now)
{
	struct ovn_ct_gc g;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(ct->gc, &zero, &g))
		return;
	g.gc_deleted += gc_deleted;
	g.flushed += flushed;
	if (run) {
		g.gc_runs++;
		g.last_gc_ns = now;
	}
	bpf_map_update_elem(ct->gc, &zero, &g, BPF_ANY);
}

static int delete_collected(struct ovnbpf_ct *ct, struct doomed *d)
{
	int n = 0;

	for (size_t i = 0; i < d->n; i++) {
		struct ovn_ct_entry e;

		/* refreshed by a packet since the walk: keep it */
		if (d->expired_only &&
		    (bpf_map_lookup_elem(ct->ct, &d->k[i], &e) || e.expires_ns > d->now))
			continue;
		if (!bpf_map_delete_elem(ct->ct, &d->k[i]))
			n++;
	}
	return n;
}

int ovnbpf_ct_gc(struct ovnbpf_ct *ct, uint64_t now_ns)
{
	struct doomed d = { .now = now_ns ? now_ns : ovnbpf_ct_now(), .expired_only = true };
	int r, n;

	r = ovnbpf_ct_walk(ct, -1, collect, &d);
	n = delete_collected(ct, &d);
	free(d.k);
	account(ct, n, 0, true, d.now);
	return r < 0 ? r : n;
}

int ovnbpf_ct_flush(struct ovnbpf_ct *ct, int zone)
{
	struct doomed d = { 0 };
	int r, n;

	r = ovnbpf_ct_walk(ct, zone, collect, &d);
	n = delete_collected(ct, &d);
	free(d.k);
	account(ct, 0, n, false, 0);
	return r < 0 ? r : n;
}

static int count(const struct ovn_ct_key *k, const struct ovn_ct_entry *e, void *aux)
{
	(void)k;
	(void)e;
	++*(uint64_t *)aux;
	return 0;
}

int ovnbpf_ct_summarize(struct ovnbpf_ct *ct, struct ovnbpf_ct_summary *s)
{
	int ncpu = libbpf_num_possible_cpus();
	struct ovn_ct_stats *v;
	struct bpf_map_info info = { 0 };
	__u32 zero = 0, len = sizeof(info);
	uint64_t gone;
	int r;

	memset(s, 0, sizeof(*s));
	if (ncpu <= 0)
		return -EINVAL;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(ct->stats, &zero, v)) {
		r = -errno;
		free(v);
		return r;
	}
	for (int i = 0; i < ncpu; i++) {
		const __u64 *a = (const __u64 *)&v[i];
		__u64 *sum = (__u64 *)&s->stats;

		for (size_t j = 0; j < sizeof(*v) / sizeof(__u64); j++)
			sum[j] += a[j];
	}
	free(v);
	bpf_map_lookup_elem(ct->gc, &zero, &s->gc);
	if (!bpf_obj_get_info_by_fd(ct->ct, &info, &len))
		s->max = info.max_entries;
	r = ovnbpf_ct_walk(ct, -1, count, &s->live);
	gone = s->stats.deleted_bpf + s->gc.gc_deleted + s->gc.flushed + s->live;
	s->evicted = s->stats.created > gone ? s->stats.created - gone : 0;
	return r < 0 ? r : 0;
}

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case 6: return "tcp";
	case 17: return "udp";
	case 132: return "sctp";
	case 136: return "udplite";
	case 1: return "icmp";
	case 58: return "icmpv6";
	default: return NULL;
	}
}

const char *ovnbpf_ct_tcp_state_name(unsigned int s)
{
	static const char *const n[] = {
		[OVN_TCP_NONE] = "NONE", [OVN_TCP_SYN_SENT] = "SYN_SENT",
		[OVN_TCP_SYN_RECV] = "SYN_RECV", [OVN_TCP_ESTABLISHED] = "ESTABLISHED",
		[OVN_TCP_FIN_WAIT] = "FIN_WAIT", [OVN_TCP_LAST_ACK] = "LAST_ACK",
		[OVN_TCP_TIME_WAIT] = "TIME_WAIT", [OVN_TCP_CLOSE] = "CLOSE",
	};

	return s < OVN_TCP_N_STATES ? n[s] : "?";
}

static void addr(char *b, size_t n, uint8_t fam, const uint8_t *a)
{
	if (!inet_ntop(fam == 6 ? AF_INET6 : AF_INET, a, b, n))
		snprintf(b, n, "?");
}

/* "src=A,dst=B,sport=P,dport=Q" / ICMP "src=A,dst=B,id=I,type=T,code=0" */
static int side(char *b, size_t n, const struct ovn_ct_key *k, bool reply)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	const uint8_t *src = reply ? k->dst : k->src, *dst = reply ? k->src : k->dst;
	uint16_t sp = ntohs(reply ? k->dport : k->sport), dp = ntohs(reply ? k->sport : k->dport);
	int t;

	addr(s, sizeof(s), k->family, src);
	addr(d, sizeof(d), k->family, dst);
	if (k->proto == 1 || k->proto == 58) {
		t = k->proto == 1 ? (reply ? 0 : 8) : (reply ? 129 : 128);
		return snprintf(b, n, "src=%s,dst=%s,id=%u,type=%d,code=0", s, d,
				ntohs(k->sport), t);
	}
	if (k->proto == 6 || k->proto == 17 || k->proto == 132 || k->proto == 136)
		return snprintf(b, n, "src=%s,dst=%s,sport=%u,dport=%u", s, d, sp, dp);
	return snprintf(b, n, "src=%s,dst=%s", s, d);
}

void ovnbpf_ct_format(const struct ovn_ct_key *k, const struct ovn_ct_entry *e, uint64_t now_ns,
		      char *buf, size_t n)
{
	char o[160], r[160], lab[40], pn[16];
	const char *p = proto_name(k->proto);
	int64_t left = e->expires_ns > now_ns ? (int64_t)((e->expires_ns - now_ns) / 1000000000ULL)
					      : 0;
	size_t i;
	int len;

	if (!p) {
		snprintf(pn, sizeof(pn), "proto=%u", k->proto);
		p = pn;
	}
	side(o, sizeof(o), k, false);
	side(r, sizeof(r), k, true);
	/* ct_label as one hex number, leading zeros dropped */
	for (i = 0; i < 15 && !e->label[i]; i++)
		;
	len = snprintf(lab, sizeof(lab), "0x%x", e->label[i]);
	for (i++; i < 16 && len > 0 && (size_t)len < sizeof(lab); i++)
		len += snprintf(lab + len, sizeof(lab) - len, "%02x", e->label[i]);
	len = snprintf(buf, n, "%s%s,orig=(%s),reply=(%s),zone=%u,mark=%u,labels=%s,timeout=%lld",
		       p, k->family == 6 && k->proto != 58 ? "6" : "", o, r, k->zone, e->mark, lab,
		       (long long)left);
	if (k->proto == 6 && len > 0 && (size_t)len < n)
		snprintf(buf + len, n - len, ",protoinfo=(state=%s)",
			 ovnbpf_ct_tcp_state_name(e->tcp_state));
}
