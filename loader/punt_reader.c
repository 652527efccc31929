// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The punt ring buffer reader (punt_reader.h), on libbpf's ring_buffer.
 */
#include <errno.h>
#include <stdlib.h>

#include <bpf/libbpf.h>

#include "loader/log.h"
#include "loader/punt_reader.h"

struct punt_reader {
	struct ring_buffer *rb;
	struct {
		punt_handler_fn *fn;
		void *aux;
	} h[256];
	struct punt_reader_stats st;
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct punt_reader *r = ctx;
	const struct ovn_punt_event *ev = data;
	uint8_t op;

	r->st.events++;
	if (size < offsetof(struct ovn_punt_event, pkt)) {
		r->st.short_events++;
		return 0;
	}
	op = ev->opcode & 0xff;
	if (!r->h[op].fn) {
		r->st.unhandled++;
		return 0;
	}
	r->st.handled++;
	r->h[op].fn(r->h[op].aux, ev, size);
	return 0;
}

int punt_reader_new(int ringbuf_fd, struct punt_reader **out)
{
	struct punt_reader *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->rb = ring_buffer__new(ringbuf_fd, on_event, r, NULL);
	if (!r->rb) {
		int err = -errno;

		free(r);
		return err ? err : -EINVAL;
	}
	*out = r;
	return 0;
}

void punt_reader_free(struct punt_reader *r)
{
	if (!r)
		return;
	ring_buffer__free(r->rb);
	free(r);
}

int punt_reader_register(struct punt_reader *r, uint8_t opcode, punt_handler_fn *fn, void *aux)
{
	if (r->h[opcode].fn && r->h[opcode].fn != fn)
		return -EBUSY;
	r->h[opcode].fn = fn;
	r->h[opcode].aux = aux;
	return 0;
}

int punt_reader_fd(const struct punt_reader *r)
{
	return ring_buffer__epoll_fd(r->rb);
}

int punt_reader_run(struct punt_reader *r)
{
	int n = ring_buffer__consume(r->rb);

	if (n < 0 && n != -EINTR)
		pr_warn("punt", "ring buffer: %d", n);
	return n < 0 ? n : 0;
}

void punt_reader_get_stats(const struct punt_reader *r, struct punt_reader_stats *s)
{
	*s = r->st;
}
