// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <unistd.h>

#include "loader/datapath.h"
#include "loader/fsutil.h"
#include "loader/log.h"
#include "maps/cache.h"
#include "maps/pipeline.h"
#include "maps/ports.h"
#include "ovnbpf_vif.skel.h"

static bool is_bpffs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == BPF_FS_MAGIC;
}

int bpffs_prepare(const char *pin_dir)
{
	int err;

	/* The usual place: mount bpffs at /sys/fs/bpf when nothing is
	 * there yet (systemd does this on most distributions; containers
	 * and minimal hosts do not). */
	if (!strncmp(pin_dir, "/sys/fs/bpf/", 12) && !is_bpffs("/sys/fs/bpf")) {
		if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700")) {
			err = -errno;
			pr_err("datapath", "mount bpffs on /sys/fs/bpf: %s", strerror(errno));
			return err;
		}
		pr_info("datapath", "mounted bpffs on /sys/fs/bpf");
	}
	err = mkdir_p(pin_dir, 0700);
	if (err) {
		pr_err("datapath", "mkdir %s: %s", pin_dir, strerror(-err));
		return err;
	}
	if (!is_bpffs(pin_dir)) {
		pr_err("datapath", "%s is not on a bpf filesystem", pin_dir);
		return -ENOTSUP;
	}
	return 0;
}

static unsigned int cache_entries = OVN_CACHE_ENTRIES;

void datapath_set_cache_entries(unsigned int n)
{
	cache_entries = n;
}

/* The cache holds nothing that cannot be recomputed: a pinned cache of
 * another size is dropped rather than failing the load (libbpf refuses to
 * reuse a pinned map whose size differs). */
static int cache_size(struct ovnbpf_vif *vif, const char *pin_dir)
{
	unsigned int n = cache_entries ? cache_entries : 1;
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd, err;

	err = bpf_map__set_max_entries(vif->maps.ovn_cache, n);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/ovn_cache", pin_dir);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.max_entries != n) {
		pr_info("datapath", "cache size %u -> %u: dropping the pinned cache",
			info.max_entries, n);
		unlink(path);
	}
	close(fd);
	return 0;
}

/* A map pinned by a daemon from before a layout change has another value
 * size, which libbpf refuses to reuse: drop it; the resync writes every
 * entry again.  ovn_mcgroups before multicast pages (maps/ports.h),
 * ovn_dps before stage descriptor slots (maps/pipeline.h, session 6).
 * The old program keeps its own maps until the new one is attached. */
static void drop_old_layout(const char *pin_dir, const char *name, __u32 value_size)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", pin_dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.value_size != value_size) {
		pr_info("datapath", "%s pinned with the old layout (value %u bytes, now %u): "
			"dropping it", name, info.value_size, value_size);
		unlink(path);
	}
	close(fd);
}

static uint32_t ct_max;

void datapath_set_ct_max(uint32_t n)
{
	ct_max = n;
}

/* Size ovn_ct: the requested size, unless a pinned table exists (reused
 * as it is: resizing means flushing every connection). */
static void size_ct(struct datapath *dp)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/ovn_ct", dp->pin_dir);
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		if (!bpf_obj_get_info_by_fd(fd, &info, &len)) {
			if (ct_max && info.max_entries != ct_max)
				pr_warn("datapath", "conntrack table pinned with %u entries, "
					"keeping it (remove %s to resize)", info.max_entries, path);
			bpf_map__set_max_entries(dp->vif->maps.ovn_ct, info.max_entries);
		}
		close(fd);
		return;
	}
	if (ct_max)
		bpf_map__set_max_entries(dp->vif->maps.ovn_ct, ct_max);
}

int datapath_open(const char *pin_dir, struct datapath **out)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = pin_dir);
	struct datapath *dp;
	int err;

	*out = NULL;
	dp = calloc(1, sizeof(*dp));
	if (!dp)
		return -ENOMEM;
	dp->pin_dir = strdup(pin_dir);
	if (!dp->pin_dir) {
		err = -ENOMEM;
		goto cleanup;
	}
	err = bpffs_prepare(pin_dir);
	if (err)
		goto cleanup;
	dp->vif = ovnbpf_vif__open_opts(&opts);
	if (!dp->vif) {
		err = -errno;
		pr_err("datapath", "open ovnbpf_vif: %s", strerror(-err));
		goto cleanup;
	}
	err = cache_size(dp->vif, pin_dir);
	if (err) {
		pr_err("datapath", "cache size: %s", strerror(-err));
		goto cleanup;
	}
	size_ct(dp);
	drop_old_layout(pin_dir, "ovn_mcgroups", sizeof(struct ovn_mcgroup));
	drop_old_layout(pin_dir, "ovn_dps", sizeof(struct ovn_dp));
	err = ovnbpf_vif__load(dp->vif);
	if (err) {
		pr_err("datapath", "load ovnbpf_vif: %s", strerror(-err));
		goto cleanup;
	}
	pr_info("datapath", "BPF datapath loaded, maps pinned under %s", pin_dir);
	*out = dp;
	return 0;
cleanup:
	datapath_close(dp);
	return err;
}

void datapath_close(struct datapath *dp)
{
	if (!dp)
		return;
	ovnbpf_vif__destroy(dp->vif);
	free(dp->pin_dir);
	free(dp);
}
