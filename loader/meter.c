// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Punt meter ids and rates (meter.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/log.h"
#include "loader/meter.h"
#include "loader/strbuf.h"
#include "maps/ovnbpf_maps.h"

struct meter {
	char *name;
	uint32_t rate, burst;		/* as written; 0/0: default */
};

static struct meter meters[OVN_MAX_METERS];	/* [0] is the default */
static unsigned int n_meters = 1;
static struct ovnbpf_writer *writer;
static uint32_t dflt_pps = METER_DEFAULT_PPS, dflt_burst = METER_DEFAULT_BURST;

static int write_rate(uint16_t id)
{
	const struct meter *m = &meters[id];
	uint32_t rate = m->rate ? m->rate : dflt_pps;
	uint32_t burst = m->rate ? m->burst : dflt_burst;

	if (!writer)
		return 0;
	return ovnbpf_meter_set(writer, id, rate, burst ? burst : 1);
}

void meter_bind_writer(struct ovnbpf_writer *w)
{
	writer = w;
	for (unsigned int i = 0; i < n_meters; i++)
		write_rate(i);
}

void meter_set_default(uint32_t rate_pps, uint32_t burst)
{
	dflt_pps = rate_pps;
	dflt_burst = burst ? burst : rate_pps;
	for (unsigned int i = 0; i < n_meters; i++)
		if (!meters[i].rate)
			write_rate(i);
}

static int find(const char *name)
{
	for (unsigned int i = 1; i < n_meters; i++)
		if (!strcmp(meters[i].name, name))
			return (int)i;
	return -ENOENT;
}

uint16_t meter_id(const char *name)
{
	int id;

	if (!name || !*name)
		return 0;
	id = find(name);
	if (id > 0)
		return (uint16_t)id;
	if (n_meters == OVN_MAX_METERS) {
		pr_warn("meter", "meter %s: out of meter ids, using the default meter", name);
		return 0;
	}
	meters[n_meters].name = xstrndup(name, strlen(name));
	id = (int)n_meters++;
	write_rate((uint16_t)id);
	return (uint16_t)id;
}

int meter_set_rate(const char *name, int64_t rate_pps, uint32_t burst)
{
	uint16_t id = meter_id(name);
	struct meter *m;

	if (!id)
		return -ENOENT;
	m = &meters[id];
	if (rate_pps < 0) {
		m->rate = m->burst = 0;
	} else {
		/* A zero rate would block every punt: at least 1 pps. */
		m->rate = rate_pps > UINT32_MAX ? UINT32_MAX : rate_pps ? (uint32_t)rate_pps : 1;
		m->burst = burst;
	}
	pr_dbg("meter", "meter %s (id %u): %u pps burst %u", name, id, m->rate, m->burst);
	return write_rate(id);
}

int64_t meter_band_pps(const char *unit, int64_t rate)
{
	if (rate < 0)
		return 0;
	if (unit && !strcmp(unit, "kbps"))
		return rate / 8 ? rate / 8 : 1;	/* 1000-byte packets */
	return rate;
}
