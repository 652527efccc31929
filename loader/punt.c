// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Punt dispatcher (punt.h): libbpf's ring buffer reader in front of a small
 * table of handlers.  Process-wide, as the ring buffer is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "loader/actions.h"
#include "loader/compile.h"
#include "loader/log.h"
#include "loader/punt.h"

_Static_assert(ACT__MAX <= 256, "a punt's verb is 8 bits");
_Static_assert(PUNT_F_UNSUPPORTED == COMPILE_PUNT_UNSUPPORTED, "punt flag out of date");

#define MOD "punt"
#define PUNT_MAX_HANDLERS 64

struct punt_slot {
	uint16_t opcode;
	punt_handler_fn *fn;
	void *aux;
};

static struct punt_slot slots[PUNT_MAX_HANDLERS];
static size_t n_slots;
static struct ring_buffer *rb;
static struct punt_stats stats;

int punt_register(uint32_t opcode, punt_handler_fn *fn, void *aux)
{
	uint16_t op = PUNT_OPCODE(opcode);
	size_t i;

	if (!fn) {
		punt_unregister(opcode);
		return 0;
	}
	for (i = 0; i < n_slots; i++) {
		if (slots[i].opcode != op)
			continue;
		if (slots[i].fn != fn || slots[i].aux != aux)
			return -EEXIST;
		return 0;
	}
	if (n_slots == PUNT_MAX_HANDLERS)
		return -ENOSPC;
	slots[n_slots++] = (struct punt_slot){ .opcode = op, .fn = fn, .aux = aux };
	return 0;
}

void punt_unregister(uint32_t opcode)
{
	uint16_t op = PUNT_OPCODE(opcode);
	size_t i;

	for (i = 0; i < n_slots; i++) {
		if (slots[i].opcode == op) {
			slots[i] = slots[--n_slots];
			return;
		}
	}
}

void punt_dispatch(const void *data, size_t len)
{
	const struct ovn_punt_event *ev = data;
	uint16_t op;
	size_t i;

	stats.events++;
	if (len < offsetof(struct ovn_punt_event, pkt)) {
		stats.short_records++;
		return;
	}
	op = PUNT_OPCODE(ev->opcode);
	for (i = 0; i < n_slots && !(ev->opcode & PUNT_F_UNSUPPORTED); i++) {
		if (slots[i].opcode == op) {
			stats.handled++;
			slots[i].fn(ev, len, slots[i].aux);
			return;
		}
	}
	/* Unsupported verbs land here too: the compiler reported them. */
	if (!stats.unhandled++ || log_get_level() >= LOG_LVL_DBG)
		pr_info(MOD, "no handler for punt opcode %#x (flow %u); counted and dropped",
			ev->opcode, ev->flow);
}

static int on_record(void *ctx, void *data, size_t len)
{
	(void)ctx;
	punt_dispatch(data, len);
	return 0;
}

int punt_open(int ringbuf_fd)
{
	if (rb)
		return -EBUSY;
	rb = ring_buffer__new(ringbuf_fd, on_record, NULL, NULL);
	if (!rb)
		return -errno ? -errno : -ENOMEM;
	return 0;
}

void punt_close(void)
{
	ring_buffer__free(rb);
	rb = NULL;
}

int punt_fd(void)
{
	return rb ? ring_buffer__epoll_fd(rb) : -1;
}

int punt_run(void)
{
	return rb ? ring_buffer__consume(rb) : 0;
}

void punt_get_stats(struct punt_stats *s)
{
	*s = stats;
}
