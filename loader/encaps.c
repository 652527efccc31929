// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "loader/encaps.h"
#include "loader/log.h"
#include "loader/sb_row.h"
#include "maps/encap.h"

#define MOD "encaps"

struct encap_ent {
	struct ovsdb_uuid ch;
	uint32_t id;
	bool written;
	struct ovn_chassis_ep ep;	/* as last written */
};

struct encaps {
	int fd;
	struct encap_ent *v;
	size_t n, cap;
	uint32_t next_id;
};

static struct encap_ent *ent_add(struct encaps *en, const struct ovsdb_uuid *ch, uint32_t id)
{
	struct encap_ent *e;

	if (en->n == en->cap) {
		size_t cap = en->cap ? en->cap * 2 : 16;
		struct encap_ent *v = realloc(en->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		en->v = v;
		en->cap = cap;
	}
	e = &en->v[en->n++];
	memset(e, 0, sizeof(*e));
	e->ch = *ch;
	e->id = id;
	if (id >= en->next_id)
		en->next_id = id + 1;
	return e;
}

int encaps_new(int map_fd, struct encaps **out)
{
	struct encaps *en = calloc(1, sizeof(*en));
	uint32_t key, next, *prev = NULL;
	struct ovn_chassis_ep ep;

	*out = NULL;
	if (!en)
		return -ENOMEM;
	en->fd = map_fd;
	en->next_id = 1;
	/* A previous daemon's ids: keep them for the same chassis. */
	while (!bpf_map_get_next_key(map_fd, prev, &next)) {
		struct ovsdb_uuid u;
		struct encap_ent *e;

		key = next;
		prev = &key;
		if (key == OVN_CHASSIS_LOCAL || bpf_map_lookup_elem(map_fd, &key, &ep))
			continue;
		memcpy(u.parts, ep.uuid, sizeof(u.parts));
		e = ent_add(en, &u, key);
		if (!e)
			break;
		e->ep = ep;
		e->written = true;
	}
	if (en->n)
		pr_info(MOD, "restart: kept %zu chassis ids", en->n);
	*out = en;
	return 0;
}

void encaps_free(struct encaps *en)
{
	if (!en)
		return;
	free(en->v);
	free(en);
}

uint32_t encaps_id(struct encaps *en, const struct ovsdb_uuid *ch)
{
	struct encap_ent *e;

	if (!en || !ch)
		return 0;
	for (size_t i = 0; i < en->n; i++)
		if (ovsdb_uuid_equals(&en->v[i].ch, ch))
			return en->v[i].id;
	if (en->next_id > OVN_MC_CHASSIS_MASK || en->n >= OVN_MAX_CHASSIS - 1) {
		pr_warn(MOD, "out of chassis ids: a port's chassis gets no tunnel");
		return 0;
	}
	e = ent_add(en, ch, en->next_id);
	return e ? e->id : 0;
}

/* The endpoint of chassis row CH: its first Geneve Encap. */
static void ep_of(const struct ovsdb_row *ch, const struct ovsdb_table *encap,
		  struct ovn_chassis_ep *ep)
{
	const struct ovsdb_datum *d = ch ? sb_row_datum(ch, "encaps", OVSDB_TYPE_UUID) : NULL;
	const char *name = ch ? sb_row_string(ch, "name") : NULL;

	snprintf(ep->name, sizeof(ep->name), "%s", name ? name : "");
	for (size_t i = 0; d && encap && encap->ts && i < d->n; i++) {
		const struct ovsdb_row *r = ovsdb_table_find(encap, &d->keys[i].uuid);
		const char *type = r ? sb_row_string(r, "type") : NULL;
		const char *ip = r ? sb_row_string(r, "ip") : NULL;
		const char *port = r ? sb_row_smap_get(r, "options", "dst_port") : NULL;

		if (!type || strcmp(type, "geneve") || !ip)
			continue;
		if (inet_pton(AF_INET, ip, &ep->ip4) == 1)
			ep->af = 4;
		else if (inet_pton(AF_INET6, ip, ep->ip6) == 1)
			ep->af = 6;
		else
			continue;
		ep->dst_port = port ? (uint16_t)atoi(port) : OVN_GENEVE_PORT;
		return;
	}
}

void encaps_sync(struct encaps *en, const struct ovsdb_table *chassis,
		 const struct ovsdb_table *encap)
{
	if (!en)
		return;
	for (size_t i = 0; i < en->n; i++) {
		struct encap_ent *e = &en->v[i];
		const struct ovsdb_row *ch = chassis && chassis->ts
					     ? ovsdb_table_find(chassis, &e->ch) : NULL;
		struct ovn_chassis_ep ep;

		memset(&ep, 0, sizeof(ep));
		memcpy(ep.uuid, e->ch.parts, sizeof(ep.uuid));
		ep_of(ch, encap, &ep);
		if (e->written && !memcmp(&ep, &e->ep, sizeof(ep)))
			continue;
		if (bpf_map_update_elem(en->fd, &e->id, &ep, BPF_ANY)) {
			pr_warn(MOD, "chassis %s (id %u): %s", ep.name, e->id, strerror(errno));
			continue;
		}
		if (ep.af) {
			char ip[INET6_ADDRSTRLEN];

			inet_ntop(ep.af == 4 ? AF_INET : AF_INET6,
				  ep.af == 4 ? (void *)&ep.ip4 : (void *)ep.ip6, ip, sizeof(ip));
			pr_info(MOD, "chassis %s (id %u): geneve endpoint %s port %u", ep.name,
				e->id, ip, ep.dst_port);
			if (ep.dst_port != OVN_GENEVE_PORT)
				pr_warn(MOD, "chassis %s listens on udp %u: our geneve device "
					"sends to %u", ep.name, ep.dst_port, OVN_GENEVE_PORT);
		} else {
			pr_warn(MOD, "chassis %s (id %u): no geneve endpoint", ep.name, e->id);
		}
		e->ep = ep;
		e->written = true;
	}
}
