// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* set_meter / set_queue of logical flows (compile_qos.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "loader/actions.h"
#include "loader/compile_int.h"
#include "loader/compile_qos.h"
#include "loader/log.h"
#include "loader/strbuf.h"
#include "maps/ovnbpf_maps.h"

/* The meters of one flow (usually one). */
struct qos_flow {
	struct {
		uint64_t rate, burst;
		uint32_t id;
	} *m;
	size_t n;
};

struct cc_qos {
	struct smap flows;		/* flow UUID -> struct qos_flow */
	uint8_t used[OVN_QOS_METERS];	/* id in use (0 never is) */
	uint32_t next;			/* where the search for a free id starts */
	uint32_t n_used;
};

void qos_meter_init(struct ovn_qos_meter *m, uint64_t rate_kbps, uint64_t burst_kbit)
{
	memset(m, 0, sizeof(*m));
	if (!rate_kbps)
		return;
	if (!burst_kbit)
		burst_kbit = rate_kbps;
	m->rate_kbps = (uint32_t)rate_kbps;
	m->cap = burst_kbit * OVN_QOS_TOK_PER_KBIT;
	/* Elapsed time that fills the bucket; at least 1 ns. */
	m->fill_ns = m->cap / rate_kbps + 1;
	m->tokens = m->cap;
}

int qos_meter_write(int fd, uint32_t id, const struct ovn_qos_meter *m)
{
	/* BPF_F_LOCK: BPF never sees half an entry. */
	return bpf_map_update_elem(fd, &id, m, BPF_F_LOCK) ? -errno : 0;
}

int qos_meter_read(int fd, uint32_t id, struct ovn_qos_meter *m)
{
	return bpf_map_lookup_elem_flags(fd, &id, m, BPF_F_LOCK) ? -errno : 0;
}

static int qos_fd(const struct compiler *c)
{
	return c->w ? ovnbpf_writer_maps(c->w)->qos_meters : -1;
}

static struct cc_qos *qos_of(struct compiler *c)
{
	if (!c->qos) {
		c->qos = xcalloc(1, sizeof(*c->qos));
		c->qos->next = 1;
	}
	return c->qos;
}

static int alloc_id(struct cc_qos *q, uint32_t *id)
{
	for (uint32_t i = 0; i < OVN_QOS_METERS - 1; i++) {
		uint32_t k = 1 + (q->next - 1 + i) % (OVN_QOS_METERS - 1);

		if (!q->used[k]) {
			q->used[k] = 1;
			q->n_used++;
			q->next = k + 1 < OVN_QOS_METERS ? k + 1 : 1;
			*id = k;
			return 0;
		}
	}
	return -ENOSPC;
}

static void free_id(struct compiler *c, uint32_t id)
{
	struct ovn_qos_meter m;
	int fd = qos_fd(c);

	if (!id || id >= OVN_QOS_METERS || !c->qos->used[id])
		return;
	c->qos->used[id] = 0;
	c->qos->n_used--;
	/* No flow refers to it any more once the removal is committed; a
	 * packet still running the old rules meets "missing" and is
	 * dropped as ovs would drop one whose meter is gone. */
	qos_meter_init(&m, 0, 0);
	if (fd >= 0)
		qos_meter_write(fd, id, &m);
}

/* Meter id of (F's UUID, RATE, BURST), written on first use. */
static int meter_get(struct compiler *c, const char *uuid, uint64_t rate, uint64_t burst,
		     uint32_t *id, const char **why)
{
	struct cc_qos *q = qos_of(c);
	struct qos_flow *qf = smap_get(&q->flows, uuid);
	struct ovn_qos_meter m;
	int fd = qos_fd(c), err;

	if (rate > OVN_QOS_MAX_KBPS || burst > OVN_QOS_MAX_KBIT) {
		*why = "set_meter: rate or burst too large";
		return -ERANGE;
	}
	for (size_t i = 0; qf && i < qf->n; i++) {
		if (qf->m[i].rate == rate && qf->m[i].burst == burst) {
			*id = qf->m[i].id;
			return 0;
		}
	}
	if (alloc_id(q, id)) {
		*why = "set_meter: out of meter ids";
		return -ENOSPC;
	}
	qos_meter_init(&m, rate, burst);
	if (fd >= 0) {
		err = qos_meter_write(fd, *id, &m);
		if (err) {
			free_id(c, *id);
			*why = "set_meter: writing ovn_qos_meters failed";
			return -EIO;
		}
	}
	if (!qf) {
		qf = xcalloc(1, sizeof(*qf));
		smap_put(&q->flows, uuid, qf);
	}
	qf->m = xrealloc(qf->m, (qf->n + 1) * sizeof(*qf->m));
	qf->m[qf->n].rate = rate;
	qf->m[qf->n].burst = burst;
	qf->m[qf->n].id = *id;
	qf->n++;
	return 0;
}

int cc_emit_qos(struct compiler *c, const struct compile_lflow *f, struct cc_ops *ops,
		const struct action *act, const char **why)
{
	struct ovn_op op = { 0 };
	uint32_t id;
	int err;

	switch (act->type) {
	case ACT_SET_QUEUE:
		op.code = OVN_OP_SET_QUEUE;
		op.arg = act->queue_id;
		break;
	case ACT_SET_METER:
		err = meter_get(c, f->uuid, act->meter.rate, act->meter.burst, &id, why);
		if (err)
			return err;
		op.code = OVN_OP_SET_METER;
		op.arg = id;
		break;
	default:
		return -EOPNOTSUPP;
	}
	cc_ops_push(ops, &op);
	return 0;
}

static void qos_flow_free(struct compiler *c, struct qos_flow *qf, bool clear)
{
	if (!qf)
		return;
	for (size_t i = 0; clear && i < qf->n; i++)
		free_id(c, qf->m[i].id);
	free(qf->m);
	free(qf);
}

void cc_qos_flow_deleted(struct compiler *c, const char *uuid)
{
	if (c->qos)
		qos_flow_free(c, smap_del(&c->qos->flows, uuid), true);
}

void cc_qos_free(struct compiler *c)
{
	size_t i = 0;
	const char *k;
	void *v;

	if (!c->qos)
		return;
	/* The entries stay: the datapath may outlive the compiler (a
	 * restarted daemon rewrites them). */
	while (smap_next(&c->qos->flows, &i, &k, &v))
		qos_flow_free(c, v, false);
	smap_destroy(&c->qos->flows, NULL);
	free(c->qos);
	c->qos = NULL;
}

uint32_t cc_qos_n_meters(const struct compiler *c)
{
	return c->qos ? c->qos->n_used : 0;
}
