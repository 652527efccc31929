/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Interface presence from rtnetlink: which network devices exist in our
 * namespace, by name and ifindex, kept current from RTM_NEWLINK/DELLINK
 * notifications (RTMGRP_LINK) so that a bound interface is attached when
 * it appears and forgotten when it goes.  A re-created interface keeps its
 * name but gets a new ifindex: that is reported as "gone" then "present".
 *
 * The socket is non-blocking and lives in the daemon's poll loop.  When
 * the kernel drops notifications (ENOBUFS), the table is rebuilt from a
 * fresh dump and only real differences are reported.
 */
#ifndef __OVNBPF_LOADER_IFACE_H
#define __OVNBPF_LOADER_IFACE_H

#include <stdbool.h>
#include <stddef.h>

struct iface_monitor;

/* NAME appeared with IFINDEX (PRESENT) or went away (!PRESENT; IFINDEX is
 * the index it had). */
typedef void iface_event_fn(void *aux, const char *name, int ifindex, bool present);

/* Open the socket and learn every existing link (a dump, waited for up to
 * a few seconds); FN is called for each of them before this returns. */
int iface_monitor_open(iface_event_fn *fn, void *aux, struct iface_monitor **out);
void iface_monitor_close(struct iface_monitor *m);

/* A monitor without a socket: messages only through iface_monitor_input()
 * (tests). */
struct iface_monitor *iface_monitor_create(iface_event_fn *fn, void *aux);

int iface_monitor_fd(const struct iface_monitor *m);
/* Read and apply whatever the kernel sent; never blocks.  Returns 0 or
 * -errno on a socket error. */
int iface_monitor_run(struct iface_monitor *m);

/* Apply one buffer of netlink messages as received from the socket.
 * Malformed messages are logged and skipped.  Returns how many messages
 * were applied. */
int iface_monitor_input(struct iface_monitor *m, const void *buf, size_t len);

/* The ifindex of NAME, or 0 when no such interface exists now. */
int iface_monitor_ifindex(const struct iface_monitor *m, const char *name);

#endif /* __OVNBPF_LOADER_IFACE_H */
