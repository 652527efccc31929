// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Conntrack zone allocation (ct_zones.h).  The table is small (one user
 * per local port and two per local datapath): an array indexed by zone
 * holds each zone's user; lookups by name scan it through a name index.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/compile_map.h"
#include "loader/ct_zones.h"
#include "loader/fsutil.h"
#include "loader/log.h"

struct ct_zones {
	char *path;			/* NULL: not persisted */
	char *user[CT_ZONE_MAX + 1];	/* zone -> user, NULL = free */
	struct smap by_user;		/* user -> zone (as a pointer) */
	unsigned int n;
	ct_zones_flush_fn *flush;
	void *flush_aux;
};

static void save(struct ct_zones *z)
{
	char *tmp;
	FILE *f;

	if (!z->path || asprintf(&tmp, "%s.tmp", z->path) < 0)
		return;
	f = fopen(tmp, "w");
	if (!f) {
		pr_warn("ct-zones", "%s: %s", tmp, strerror(errno));
		free(tmp);
		return;
	}
	for (unsigned int i = 1; i <= CT_ZONE_MAX; i++)
		if (z->user[i])
			fprintf(f, "%u %s\n", i, z->user[i]);
	if (fclose(f) || rename(tmp, z->path))
		pr_warn("ct-zones", "%s: %s", z->path, strerror(errno));
	free(tmp);
}

static void unassign(struct ct_zones *z, uint16_t zone)
{
	if (!z->user[zone])
		return;
	smap_del(&z->by_user, z->user[zone]);
	free(z->user[zone]);
	z->user[zone] = NULL;
	z->n--;
}

static int assign(struct ct_zones *z, uint16_t zone, const char *user)
{
	char *u = strdup(user);

	if (!u)
		return -ENOMEM;
	unassign(z, zone);
	z->user[zone] = u;
	smap_put(&z->by_user, u, (void *)(uintptr_t)zone);
	z->n++;
	return 0;
}

int ct_zones_open(const char *state_dir, struct ct_zones **out)
{
	struct ct_zones *z = calloc(1, sizeof(*z));
	char line[512];
	unsigned int zone, n = 0;
	FILE *f;

	*out = NULL;
	if (!z)
		return -ENOMEM;
	if (state_dir) {
		if (mkdir_p(state_dir, 0700) || asprintf(&z->path, "%s/%s", state_dir,
							 CT_ZONES_FILE) < 0) {
			free(z);
			return -ENOMEM;
		}
		f = fopen(z->path, "r");
		while (f && fgets(line, sizeof(line), f)) {
			char user[sizeof(line)];

			n++;
			line[strcspn(line, "\n")] = 0;
			if (sscanf(line, "%u %511s", &zone, user) != 2 || !zone ||
			    zone > CT_ZONE_MAX || ct_zones_find(z, user)) {
				pr_warn("ct-zones", "%s:%u: bad line skipped", z->path, n);
				continue;
			}
			assign(z, zone, user);
		}
		if (f)
			fclose(f);
	}
	*out = z;
	return 0;
}

void ct_zones_close(struct ct_zones *z)
{
	if (!z)
		return;
	for (unsigned int i = 0; i <= CT_ZONE_MAX; i++)
		free(z->user[i]);
	smap_destroy(&z->by_user, NULL);
	free(z->path);
	free(z);
}

void ct_zones_set_flush(struct ct_zones *z, ct_zones_flush_fn *fn, void *aux)
{
	z->flush = fn;
	z->flush_aux = aux;
}

uint16_t ct_zones_find(const struct ct_zones *z, const char *user)
{
	return (uint16_t)(uintptr_t)smap_get(&z->by_user, user);
}

uint16_t ct_zones_get(struct ct_zones *z, const char *user, int requested)
{
	uint16_t have = ct_zones_find(z, user), zone = 0;

	if (requested > 0 && requested <= CT_ZONE_MAX) {
		if (have == requested)
			return have;
		zone = requested;
		if (z->user[zone])
			pr_info("ct-zones", "zone %u requested by %s, taken from %s", zone, user,
				z->user[zone]);
		if (have)
			unassign(z, have);
	} else if (have) {
		return have;
	} else {
		for (unsigned int i = 1; i <= CT_ZONE_MAX && !zone; i++)
			if (!z->user[i])
				zone = i;
		if (!zone) {
			pr_warn("ct-zones", "no free conntrack zone for %s", user);
			return 0;
		}
	}
	if (assign(z, zone, user))
		return 0;
	if (z->flush)
		z->flush(z->flush_aux, zone);
	save(z);
	return zone;
}

void ct_zones_release(struct ct_zones *z, const char *user)
{
	uint16_t zone = ct_zones_find(z, user);

	if (!zone)
		return;
	unassign(z, zone);
	save(z);
}

unsigned int ct_zones_count(const struct ct_zones *z)
{
	return z->n;
}
