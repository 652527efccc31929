/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ovnbpfd's side of the ovn_punt ring buffer (maps/punt.h): packets and
 * logical state the datapath hands to the control plane.  Handlers
 * register per punt opcode (the low byte of ovn_punt_event.opcode: the
 * action type that punted); events nobody handles are counted.
 */
#ifndef __OVNBPF_LOADER_PUNT_READER_H
#define __OVNBPF_LOADER_PUNT_READER_H

#include <stdint.h>

#include "maps/punt.h"

struct punt_reader;

typedef void punt_handler_fn(void *aux, const struct ovn_punt_event *ev, size_t size);

/* RINGBUF_FD: the ovn_punt map. */
int punt_reader_new(int ringbuf_fd, struct punt_reader **out);
void punt_reader_free(struct punt_reader *r);
int punt_reader_register(struct punt_reader *r, uint8_t opcode, punt_handler_fn *fn, void *aux);

/* Poll integration: readable fd; consume what is there. */
int punt_reader_fd(const struct punt_reader *r);
int punt_reader_run(struct punt_reader *r);

struct punt_reader_stats {
	uint64_t events, handled, unhandled, short_events;
};
void punt_reader_get_stats(const struct punt_reader *r, struct punt_reader_stats *s);

#endif /* __OVNBPF_LOADER_PUNT_READER_H */
