// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * handle_svc_check packets (loader/svc_monitor.h): whatever a pod sends to
 * svc_monitor_mac reaches the reply parser.  Monitors for TCP and UDP, IPv4
 * and IPv6, each with a probe in flight; the input is the frame.  Nothing
 * may crash or read out of bounds, and the monitors' state must stay one
 * of the defined ones.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/log.h"
#include "loader/svc_monitor.h"

static int no_send(void *aux, int ifindex, const void *frame, size_t len)
{
	(void)aux;
	if (ifindex <= 0 || !frame || len > SVC_MON_FRAME_MAX)
		abort();
	return 0;
}

static void add(struct svc_monitors *sm, uint32_t n, uint8_t proto, bool v6)
{
	struct ovsdb_uuid u = { { n, 0, 0, 1 } };
	struct svc_mon_cfg c = {
		.dp_key = 1, .port_key = 2, .ifindex = 3, .proto = proto, .port = 80, .v6 = v6,
		.mac = { 0, 0, 0, 0, 0, 1 }, .src_mac = { 2, 0, 0, 0, 0, 2 },
		.interval_ms = 1000, .timeout_ms = 1000, .success_count = 1, .failure_count = 1,
	};

	if (v6) {
		inet_pton(AF_INET6, "fd00::1", c.ip);
		inet_pton(AF_INET6, "fd00::fe", c.src_ip);
	} else {
		inet_pton(AF_INET, "10.0.0.1", c.ip);
		inet_pton(AF_INET, "10.0.0.254", c.src_ip);
	}
	if (svc_monitors_add(sm, &u, &c))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct svc_monitors *sm;
	static uint64_t now;
	uint8_t *copy;

	if (!sm) {
		log_set_level(LOG_LVL_ERR);
		log_set_file("/dev/null");
		if (svc_monitors_create(NULL, NULL, &sm))
			abort();
		svc_monitors_set_send(sm, no_send, NULL);
		svc_monitors_set_seed(sm, 1);
		add(sm, 1, IPPROTO_TCP, false);
		add(sm, 2, IPPROTO_UDP, false);
		add(sm, 3, IPPROTO_TCP, true);
		add(sm, 4, IPPROTO_UDP, true);
	}
	/* An exact-size heap copy: ASan catches any read past the frame. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	svc_monitors_reply(sm, 1, 2, copy, size, now);
	free(copy);
	now += 700;
	svc_monitors_tick(sm, now);
	for (uint32_t n = 1; n <= 4; n++) {
		struct ovsdb_uuid u = { { n, 0, 0, 1 } };
		enum svc_mon_state s;
		enum svc_mon_status st;

		if (svc_monitors_get(sm, &u, &s, &st, NULL, NULL) || s > SVC_S_OFFLINE ||
		    st > SVC_ST_ONLINE)
			abort();
	}
	return 0;
}
