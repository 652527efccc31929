// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Punt meter ids and rates (meters.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "loader/log.h"
#include "loader/meters.h"
#include "loader/sb_row.h"
#include "maps/ovnbpf_maps.h"

#define MOD "meter"

struct meter {
	char *name;
	int64_t pps;		/* SB rate; < 0: none, default applies */
	uint32_t burst;
};

static struct {
	struct ovnbpf_writer *w;
	uint32_t dflt_pps, dflt_burst;
	struct meter m[OVN_MAX_METERS];	/* [0] is the default meter */
	bool full_reported;
} R;

static int write_id(uint16_t id)
{
	const struct meter *m = &R.m[id];
	uint32_t pps = R.dflt_pps, burst = R.dflt_burst;
	int err;

	if (!R.w)
		return 0;
	if (id && m->pps >= 0) {
		pps = m->pps > UINT32_MAX ? UINT32_MAX : (uint32_t)m->pps;
		/* A burst of 0 would never let a packet through. */
		burst = m->burst ? m->burst : (pps ? pps : 1);
	}
	err = ovnbpf_meter_set(R.w, id, pps, burst);
	if (err)
		pr_warn(MOD, "meter %u (%s): %s", id, id ? m->name : "default", strerror(-err));
	return err;
}

int meters_bind(struct ovnbpf_writer *w, uint32_t default_pps, uint32_t default_burst)
{
	int err = 0;

	R.w = w;
	R.dflt_pps = default_pps;
	R.dflt_burst = default_burst ? default_burst : (default_pps ? default_pps : 1);
	R.m[0].pps = -1;
	if (!w)
		return 0;
	for (uint16_t id = 0; id < OVN_MAX_METERS; id++)
		if (!id || R.m[id].name)
			err = write_id(id) ?: err;
	return err;
}

uint16_t meters_id(const char *name)
{
	uint16_t id, free_id = 0;

	if (!name || !*name)
		return 0;
	for (id = 1; id < OVN_MAX_METERS; id++) {
		if (R.m[id].name && !strcmp(R.m[id].name, name))
			return id;
		if (!R.m[id].name && !free_id)
			free_id = id;
	}
	if (!free_id) {
		if (!R.full_reported)
			pr_warn(MOD, "more than %d meters: %s and later ones use the default",
				OVN_MAX_METERS - 1, name);
		R.full_reported = true;
		return 0;
	}
	R.m[free_id].name = strdup(name);
	if (!R.m[free_id].name)
		return 0;
	R.m[free_id].pps = -1;
	write_id(free_id);
	return free_id;
}

int meters_set(const char *name, int64_t rate_pps, uint32_t burst)
{
	uint16_t id = meters_id(name);
	struct meter *m;

	if (!id)
		return -ENOENT;
	m = &R.m[id];
	if (m->pps == rate_pps && m->burst == burst)
		return 0;
	m->pps = rate_pps < 0 ? -1 : rate_pps;
	m->burst = burst;
	pr_dbg(MOD, "meter %s (id %u): %lld pps burst %u", name, id, (long long)rate_pps, burst);
	return write_id(id);
}

int64_t meters_band_pps(const char *unit, int64_t rate)
{
	if (rate < 0)
		return -1;
	if (unit && !strcmp(unit, "kbps"))
		return rate / 8 ? rate / 8 : 1;
	return rate;
}

void meters_sb_sync(const struct ovsdb_table *meter, const struct ovsdb_table *band)
{
	bool seen[OVN_MAX_METERS] = { false };
	const struct ovsdb_row *row;

	if (!meter || !meter->ts)
		return;
	OVSDB_TABLE_FOR_EACH(row, meter) {
		const char *name = sb_row_string(row, "name");
		const char *unit = sb_row_string(row, "unit");
		const struct ovsdb_datum *d = sb_row_datum(row, "bands", OVSDB_TYPE_UUID);
		int64_t best = -1;
		uint32_t burst = 0;
		uint16_t id;

		if (!name || !*name)
			continue;
		for (size_t i = 0; d && band && band->ts && i < d->n; i++) {
			const struct ovsdb_row *b = ovsdb_table_find(band, &d->keys[i].uuid);
			int64_t pps;

			if (!b)
				continue;
			pps = meters_band_pps(unit, sb_row_int(b, "rate", -1));
			if (pps >= 0 && (best < 0 || pps < best)) {
				best = pps;
				burst = (uint32_t)meters_band_pps(unit, sb_row_int(b, "burst_size", 0));
			}
		}
		id = meters_id(name);
		if (!id)
			continue;
		seen[id] = true;
		meters_set(name, best, burst);
	}
	/* Names whose row is gone: back to the default. */
	for (uint16_t id = 1; id < OVN_MAX_METERS; id++)
		if (R.m[id].name && !seen[id] && R.m[id].pps >= 0)
			meters_set(R.m[id].name, -1, 0);
}

void meters_reset(void)
{
	for (uint16_t id = 0; id < OVN_MAX_METERS; id++)
		free(R.m[id].name);
	memset(&R, 0, sizeof(R));
}
