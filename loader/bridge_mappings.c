// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/bridge_mappings.h"
#include "loader/log.h"
#include "loader/strbuf.h"
#include "loader/tc_attach.h"

#define MOD "bridge-mappings"

struct mapping {
	char *net;
	char iface[IFNAMSIZ];
	int ifindex;		/* 0: device absent */
	unsigned char mac[6];
	bool have_mac;
};

static struct mapping *maps;
static size_t n_maps;
static char *spec_str;
static int prog_fd = -1;

void bridge_mappings_clear(void)
{
	for (size_t i = 0; i < n_maps; i++)
		free(maps[i].net);
	free(maps);
	maps = NULL;
	n_maps = 0;
	free(spec_str);
	spec_str = NULL;
}

static struct mapping *find_net(const char *net)
{
	for (size_t i = 0; net && i < n_maps; i++)
		if (!strcmp(maps[i].net, net))
			return &maps[i];
	return NULL;
}

int bridge_mappings_parse(const char *spec)
{
	struct strbuf norm = STRBUF_INIT;
	char *copy, *cur, *next;
	int err = 0;

	bridge_mappings_clear();
	if (!spec || !*spec)
		return 0;
	copy = xstrndup(spec, strlen(spec));
	for (next = copy; (cur = strsep(&next, ","));) {
		char *iface = strchr(cur, ':');
		struct mapping *m;

		if (!iface || iface == cur || !iface[1] || strlen(iface + 1) >= IFNAMSIZ ||
		    strchr(iface + 1, ':') || strchr(iface + 1, '/')) {
			pr_err(MOD, "'%s': expected NET:IFACE (IFACE a device name of at most %d "
			       "bytes)", cur, IFNAMSIZ - 1);
			err = -EINVAL;
			break;
		}
		*iface++ = '\0';
		if (find_net(cur)) {
			pr_err(MOD, "network '%s' is mapped twice", cur);
			err = -EINVAL;
			break;
		}
		maps = realloc(maps, (n_maps + 1) * sizeof(*maps));
		if (!maps)
			abort();
		m = &maps[n_maps++];
		memset(m, 0, sizeof(*m));
		m->net = xstrndup(cur, strlen(cur));
		strcpy(m->iface, iface);
		strbuf_printf(&norm, "%s%s:%s", norm.len ? "," : "", m->net, m->iface);
	}
	free(copy);
	if (err) {
		strbuf_free(&norm);
		bridge_mappings_clear();
		return err;
	}
	spec_str = strbuf_steal(&norm);
	return 0;
}

const char *bridge_mappings_string(void)
{
	return spec_str ? spec_str : "";
}

size_t bridge_mappings_count(void)
{
	return n_maps;
}

int bridge_mappings_ifindex(const char *net)
{
	struct mapping *m = find_net(net);

	return m ? m->ifindex : 0;
}

const char *bridge_mappings_iface(const char *net)
{
	struct mapping *m = find_net(net);

	return m ? m->iface : NULL;
}

int bridge_mappings_mac(const char *net, unsigned char mac[6])
{
	struct mapping *m = find_net(net);

	if (!m || !m->have_mac)
		return -ENOENT;
	memcpy(mac, m->mac, 6);
	return 0;
}

/* The device's MAC from sysfs (our namespace's). */
static bool read_mac(const char *iface, unsigned char mac[6])
{
	unsigned int b[6];
	char path[64];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/sys/class/net/%s/address", iface);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fscanf(f, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]);
	fclose(f);
	if (n != 6)
		return false;
	for (n = 0; n < 6; n++)
		mac[n] = (unsigned char)b[n];
	return true;
}

void bridge_mappings_set_prog(int fd)
{
	prog_fd = fd;
}

bool bridge_mappings_iface_event(const char *name, int ifindex, bool present)
{
	bool changed = false;

	for (size_t i = 0; i < n_maps; i++) {
		struct mapping *m = &maps[i];
		int err;

		if (strcmp(m->iface, name))
			continue;
		if (!present) {
			if (m->ifindex == ifindex) {
				pr_info(MOD, "%s (network %s) is gone", name, m->net);
				m->ifindex = 0;
				changed = true;
			}
			continue;
		}
		if (prog_fd >= 0) {
			err = tc_attach_ingress(ifindex, prog_fd);
			if (err) {
				pr_warn(MOD, "%s (network %s): attaching at tc ingress: %s", name,
					m->net, strerror(-err));
				continue;
			}
		}
		{
			unsigned char mac[6];
			bool have = read_mac(name, mac);

			if (have != m->have_mac || (have && memcmp(mac, m->mac, 6)))
				changed = true;
			m->have_mac = have;
			if (have)
				memcpy(m->mac, mac, 6);
		}
		if (m->ifindex != ifindex) {
			pr_info(MOD, "network %s on %s (ifindex %d)", m->net, name, ifindex);
			m->ifindex = ifindex;
			changed = true;
		}
	}
	return changed;
}
