/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The daemon's end of the ovn_punt ring buffer (maps/punt.h): one reader
 * per process, and a table of handlers by opcode that the parts of the
 * daemon fill in (ACL log, put_arp/put_nd, ...).
 *
 * The 32-bit opcode of an event is ovn_op.arg of the PUNT op.  Its low 8
 * bits say what to do (enum action_type of the verb); bit 15 is
 * COMPILE_PUNT_UNSUPPORTED (a verb the datapath cannot run: never handed
 * to a handler); the other bits are arguments the compiler and the
 * handler agree on (log(): the log descriptor id in bits 16..31;
 * put_arp/put_nd: context offsets, maps/router.h OVN_PUNT_MB_ARGS).
 * Handlers are registered by the verb:
 *
 *	static void on_put_arp(const struct ovn_punt_event *ev, size_t len,
 *			       void *aux) { ... }
 *	punt_register(ACT_PUT_ARP, on_put_arp, ctx);
 *
 * Handlers run in the daemon's poll loop, one event at a time; LEN is the
 * record size (>= offsetof(pkt), and cap_len <= what was received).
 * Events without a handler are counted and dropped.
 */
#ifndef __OVNBPF_LOADER_PUNT_H
#define __OVNBPF_LOADER_PUNT_H

#include <stddef.h>
#include <stdint.h>

#include "maps/punt.h"

#define PUNT_OPCODE(arg)	((arg) & 0xffu)
#define PUNT_F_UNSUPPORTED	0x8000u
#define PUNT_ARG(arg)		((arg) >> 16)
#define PUNT_MAKE(opcode, a)	(((uint32_t)(a) << 16) | ((opcode) & 0xffffu))

typedef void punt_handler_fn(const struct ovn_punt_event *ev, size_t len, void *aux);

struct punt_stats {
	uint64_t events;		/* records read */
	uint64_t handled;		/* given to a handler */
	uint64_t unhandled;		/* no handler for their opcode */
	uint64_t short_records;		/* smaller than the event header */
};

/* Set (FN != NULL) or clear the handler of OPCODE (low 16 bits used).
 * -EEXIST when another handler holds it. */
int punt_register(uint32_t opcode, punt_handler_fn *fn, void *aux);
void punt_unregister(uint32_t opcode);

/* Hand one record to its handler (the reader does this; tests too). */
void punt_dispatch(const void *data, size_t len);

/* The ring buffer reader: RINGBUF_FD is ovn_punt's fd. */
int punt_open(int ringbuf_fd);
void punt_close(void);
/* fd to poll for POLLIN (-1 when not open); then punt_run(). */
int punt_fd(void);
/* Consume what is there, without blocking.  Returns records or -errno. */
int punt_run(void);

void punt_get_stats(struct punt_stats *s);

#endif /* __OVNBPF_LOADER_PUNT_H */
