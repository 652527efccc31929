/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Service monitors: OVN load-balancer health checks, as ovn-controller
 * 23.03's pinctrl runs them.  northd writes one SB Service_Monitor row per
 * (backend ip, port, protocol) of a load balancer with health_check rows
 * and ip_port_mappings; the chassis that has the row's logical_port bound
 * probes it and writes the row's status, and northd drops "offline"
 * backends from the VIP's ct_lb_mark flows.
 *
 *  - a row is ours when its logical_port is bound here (local binding with
 *    an interface, Port_Binding.chassis = us).  Its probe's eth.dst is the
 *    Port_Binding MAC whose addresses hold the row's ip (the first MAC of
 *    an address-less entry otherwise).  A row that is not ours is counted
 *    and skipped; a bad row (protocol neither tcp nor udp, unparsable ip,
 *    src_ip, src_mac or port) is reported once, with its UUID, and skipped;
 *  - options interval (s, default 5), timeout (s, 3), success_count (1),
 *    failure_count (1);
 *  - probes: TCP SYN (random source port and sequence number) or a UDP
 *    datagram of 8 zero bytes (one random source port per monitor), from
 *    src_mac/src_ip, TTL 63, written into the pod's netns through the
 *    host side of its veth (AF_PACKET).  OVN delivers them to the port as
 *    if the switch did, bypassing the logical ingress pipeline; its
 *    egress-stage flows let eth.src == $svc_monitor_mac through, so going
 *    straight to the VIF is the same thing;
 *  - replies come back to svc_monitor_mac, where northd's ls_in_l2_lkup
 *    flow handle_svc_check(inport) punts them here.  TCP: SYN+ACK acking
 *    our sequence number + 1, to our source port = success (and we send
 *    RST+ACK so the backend forgets the half-open connection); RST to our
 *    port = failure.  UDP: ICMP port unreachable (ICMPv6 type 1 code 4)
 *    quoting our datagram = failure; no answer within timeout = success
 *    (TCP: no answer = failure);
 *  - success_count consecutive successes make the status online,
 *    failure_count failures offline; the row's status is written when it
 *    differs from ours (one transaction in flight at a time).
 */
#ifndef __OVNBPF_LOADER_SVC_MONITOR_H
#define __OVNBPF_LOADER_SVC_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ovsdb-client/replica.h"

struct local_vifs;
struct ovsdb_client;

#define SVC_MON_FRAME_MAX	128	/* eth + ipv6 + tcp is 74 */

enum svc_mon_state {
	SVC_S_INIT,		/* nothing sent yet */
	SVC_S_WAITING,		/* probe sent, waiting until wait_ms */
	SVC_S_ONLINE,		/* last probe succeeded */
	SVC_S_OFFLINE,		/* last probe failed */
};

enum svc_mon_status {
	SVC_ST_UNKNOWN,
	SVC_ST_OFFLINE,
	SVC_ST_ONLINE,
};

/* What a Service_Monitor row (and its Port_Binding) says, parsed. */
struct svc_mon_cfg {
	uint32_t dp_key, port_key;	/* Datapath/Port_Binding tunnel keys */
	int ifindex;			/* host side of the VIF */
	bool v6;
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port;			/* backend's port */
	uint8_t ip[16], src_ip[16];	/* IPv4 in the first 4 bytes */
	uint8_t mac[6], src_mac[6];	/* backend's, svc_monitor_mac */
	uint32_t interval_ms, timeout_ms;
	uint32_t success_count, failure_count;
};

/* A Service_Monitor row as strings (tests build these by hand). */
struct svc_mon_row {
	const char *protocol;		/* NULL: tcp (the schema's default) */
	const char *ip, *src_ip, *src_mac;
	int64_t port;
	const char *interval, *timeout, *success_count, *failure_count;
	const char *const *pb_macs;	/* Port_Binding "mac" entries */
	size_t n_pb_macs;
};

/* Fill C from R (keys and ifindex untouched); -EINVAL with *WHY. */
int svc_mon_cfg_from_row(const struct svc_mon_row *r, struct svc_mon_cfg *c, const char **why);

/* A probe of C into BUF (at least SVC_MON_FRAME_MAX bytes): TCP with
 * FLAGS (TH_SYN, TH_RST|TH_ACK), SEQ, ACK from SPORT; UDP (flags, seq,
 * ack ignored) from SPORT.  Returns the frame length. */
size_t svc_mon_build_probe(const struct svc_mon_cfg *c, uint8_t flags, uint32_t seq,
			   uint32_t ack, uint16_t sport, uint8_t *buf);

struct svc_monitors;

/* Sends FRAME (LEN bytes) out of IFINDEX; 0 or -errno. */
typedef int svc_mon_send_fn(void *aux, int ifindex, const void *frame, size_t len);

struct svc_mon_stats {
	uint64_t probes, probe_errors;	/* frames sent, send failures */
	uint64_t replies;		/* handle_svc_check punts */
	uint64_t bad_replies;		/* not parsable */
	uint64_t unmatched;		/* no monitor, or not our probe */
	uint64_t rows_bad, rows_remote;	/* at the last sync */
	uint64_t status_writes, txn_failed;
};

/* CL NULL: no SB (tests feed monitors with svc_monitors_add()).  With a
 * client: monitors Service_Monitor, takes the handle_svc_check punts and
 * sends with an AF_PACKET socket.  VIFS may be NULL without a client. */
int svc_monitors_create(struct ovsdb_client *cl, struct local_vifs *vifs,
			struct svc_monitors **out);
void svc_monitors_destroy(struct svc_monitors *sm);
void svc_monitors_set_send(struct svc_monitors *sm, svc_mon_send_fn *fn, void *aux);
/* Seed of the probes' random ports and sequence numbers (tests). */
void svc_monitors_set_seed(struct svc_monitors *sm, uint64_t seed);

/* Tests: a monitor for C under row uuid U; 0 or -errno. */
int svc_monitors_add(struct svc_monitors *sm, const struct ovsdb_uuid *u,
		     const struct svc_mon_cfg *c);

/* The timers at NOW_MS: probes due are sent, timeouts become results,
 * statuses follow the counts.  Returns the ms until the next deadline
 * (-1: none). */
int svc_monitors_tick(struct svc_monitors *sm, uint64_t now_ms);

enum svc_reply {
	SVC_REPLY_BAD = -1,		/* malformed */
	SVC_REPLY_UNMATCHED = 0,	/* no monitor or not an answer to our probe */
	SVC_REPLY_SUCCESS = 1,
	SVC_REPLY_FAILURE = 2,
};
/* A handle_svc_check packet (FRAME, LEN bytes from eth) that came in on
 * port INPORT of datapath DP. */
enum svc_reply svc_monitors_reply(struct svc_monitors *sm, uint32_t dp, uint32_t inport,
				  const uint8_t *frame, size_t len, uint64_t now_ms);

/* The monitor of row U (NULL if none): its state and status. */
int svc_monitors_get(const struct svc_monitors *sm, const struct ovsdb_uuid *u,
		     enum svc_mon_state *state, enum svc_mon_status *status,
		     uint32_t *seq, uint16_t *sport);
size_t svc_monitors_count(const struct svc_monitors *sm);

/* From the poll loop: resync from the SB when it changed, run the timers
 * and write the statuses (ME: our Chassis row, NULL while unknown).
 * Returns the ms until the next deadline (-1: none). */
int svc_monitors_run(struct svc_monitors *sm, const struct ovsdb_uuid *me, uint64_t now_ms);

void svc_monitors_get_stats(const struct svc_monitors *sm, struct svc_mon_stats *s);

#endif /* __OVNBPF_LOADER_SVC_MONITOR_H */
