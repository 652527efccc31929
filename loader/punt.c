// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The ovn_punt ring buffer reader and its handler table (punt.h).
 *
 * Minimal version written on h-gaps for FDB learning; the API is the one
 * h-acl's loader/punt.h defines, so either implementation can be kept.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "loader/log.h"
#include "loader/punt.h"

#define N_OPCODES	65536

struct handler {
	punt_handler_fn *fn;
	void *aux;
};

static struct handler handlers[N_OPCODES];
static struct ring_buffer *rb;
static struct punt_stats stats;

int punt_register(uint32_t opcode, punt_handler_fn *fn, void *aux)
{
	struct handler *h = &handlers[PUNT_OPCODE(opcode)];

	if (fn && h->fn && (h->fn != fn || h->aux != aux))
		return -EEXIST;
	h->fn = fn;
	h->aux = fn ? aux : NULL;
	return 0;
}

void punt_unregister(uint32_t opcode)
{
	punt_register(opcode, NULL, NULL);
}

void punt_dispatch(const void *data, size_t len)
{
	const struct ovn_punt_event *ev = data;
	struct handler *h;

	stats.events++;
	if (len < offsetof(struct ovn_punt_event, pkt) ||
	    ev->cap_len > len - offsetof(struct ovn_punt_event, pkt)) {
		stats.short_records++;
		return;
	}
	h = &handlers[PUNT_OPCODE(ev->opcode)];
	if (!h->fn) {
		stats.unhandled++;
		return;
	}
	stats.handled++;
	h->fn(ev, len, h->aux);
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
		return -errno ?: -ENOMEM;
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
	int n;

	if (!rb)
		return -ENOTCONN;
	n = ring_buffer__consume(rb);
	if (n < 0)
		pr_warn("punt", "ring buffer: %s", strerror(-n));
	return n;
}

void punt_get_stats(struct punt_stats *s)
{
	*s = stats;
}
