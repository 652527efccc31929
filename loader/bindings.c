// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "loader/bindings.h"
#include "loader/log.h"

#define STATE_VERSION 1

int binding_check_iface(const char *iface, char *err, size_t errlen)
{
	size_t len = strlen(iface), i;

	/* The kernel's own rule for a device name (dev_valid_name()). */
	if (!len || len >= IFNAMSIZ) {
		snprintf(err, errlen, "interface name '%s' must have 1 to %d characters",
			 iface, IFNAMSIZ - 1);
		return -EINVAL;
	}
	if (!strcmp(iface, ".") || !strcmp(iface, "..")) {
		snprintf(err, errlen, "'%s' is not a valid interface name", iface);
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = iface[i];

		if (c == '/' || c == ':' || c <= ' ' || c == 0x7f) {
			snprintf(err, errlen,
				 "interface name '%s' has an invalid character at %zu",
				 iface, i);
			return -EINVAL;
		}
	}
	return 0;
}

int binding_check_lport(const char *lport, char *err, size_t errlen)
{
	size_t len = strlen(lport), i;
	json_t *s;

	if (!len || len > BINDING_LPORT_MAX) {
		snprintf(err, errlen, "logical port name must have 1 to %d bytes",
			 BINDING_LPORT_MAX);
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = lport[i];

		if (c < ' ' || c == 0x7f) {
			snprintf(err, errlen,
				 "logical port name has a control character at %zu", i);
			return -EINVAL;
		}
	}
	/* OVSDB strings are UTF-8; so is our state file. */
	s = json_string(lport);
	if (!s) {
		snprintf(err, errlen, "logical port name is not valid UTF-8");
		return -EINVAL;
	}
	json_decref(s);
	return 0;
}

void bindings_init(struct bindings *bs)
{
	memset(bs, 0, sizeof(*bs));
}

static void binding_free(struct binding *b)
{
	if (!b)
		return;
	free(b->lport);
	free(b->attach_error);
	free(b);
}

void bindings_destroy(struct bindings *bs)
{
	size_t i;

	for (i = 0; i < bs->n; i++)
		binding_free(bs->v[i]);
	free(bs->v);
	bindings_init(bs);
}

struct binding *bindings_find_iface(const struct bindings *bs, const char *iface)
{
	size_t i;

	for (i = 0; i < bs->n; i++)
		if (!strcmp(bs->v[i]->iface, iface))
			return bs->v[i];
	return NULL;
}

struct binding *bindings_find_lport(const struct bindings *bs, const char *lport)
{
	size_t i;

	for (i = 0; i < bs->n; i++)
		if (!strcmp(bs->v[i]->lport, lport))
			return bs->v[i];
	return NULL;
}

int bindings_add(struct bindings *bs, const char *iface, const char *lport,
		 struct binding **out)
{
	struct binding *b;
	char err[128];

	if (binding_check_iface(iface, err, sizeof(err)) ||
	    binding_check_lport(lport, err, sizeof(err)))
		return -EINVAL;
	if (bindings_find_iface(bs, iface) || bindings_find_lport(bs, lport))
		return -EEXIST;
	if (bs->n == bs->cap) {
		size_t cap = bs->cap ? bs->cap * 2 : 16;
		struct binding **v = realloc(bs->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		bs->v = v;
		bs->cap = cap;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->lport = strdup(lport);
	if (!b->lport) {
		free(b);
		return -ENOMEM;
	}
	strcpy(b->iface, iface);	/* length checked above */
	bs->v[bs->n++] = b;
	if (out)
		*out = b;
	return 0;
}

void bindings_remove(struct bindings *bs, struct binding *b)
{
	size_t i;

	for (i = 0; i < bs->n; i++) {
		if (bs->v[i] != b)
			continue;
		/* Keep the order: the state file and `show` list bindings in
		 * the order they were made. */
		memmove(&bs->v[i], &bs->v[i + 1], (bs->n - i - 1) * sizeof(*bs->v));
		bs->n--;
		binding_free(b);
		return;
	}
}

static int fsync_dir_of(const char *path)
{
	char dir[PATH_MAX], *slash;
	int fd, err = 0;

	if (strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd))
		err = -errno;
	close(fd);
	return err;
}

int bindings_save(const struct bindings *bs, const char *path)
{
	return bindings_save_without(bs, path, NULL);
}

int bindings_save_without(const struct bindings *bs, const char *path,
			  const struct binding *skip)
{
	json_t *root = NULL, *arr = NULL;
	char tmp[PATH_MAX];
	int err = 0, fd = -1;
	size_t i;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	arr = json_array();
	root = json_pack("{s:i, s:o}", "version", STATE_VERSION, "bindings", arr);
	if (!root) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (i = 0; i < bs->n; i++) {
		json_t *e;

		if (bs->v[i] == skip)
			continue;
		e = json_pack("{s:s, s:s}", "iface", bs->v[i]->iface,
				      "lport", bs->v[i]->lport);

		if (!e || json_array_append_new(arr, e)) {
			err = -ENOMEM;
			goto cleanup;
		}
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		goto cleanup;
	}
	errno = 0;
	if (json_dumpfd(root, fd, JSON_INDENT(2)) || write(fd, "\n", 1) != 1) {
		err = errno ? -errno : -EIO;
		goto cleanup;
	}
	if (fsync(fd)) {
		err = -errno;
		goto cleanup;
	}
	if (close(fd)) {
		fd = -1;
		err = -errno;
		goto cleanup;
	}
	fd = -1;
	if (rename(tmp, path)) {
		err = -errno;
		goto cleanup;
	}
	/* The rename itself must reach the disk for the new table to. */
	err = fsync_dir_of(path);
cleanup:
	if (fd >= 0)
		close(fd);
	if (err) {
		unlink(tmp);
		pr_err("bindings", "saving %s: %s", path, strerror(-err));
	}
	json_decref(root);
	return err;
}

/* Move an unreadable state file aside instead of overwriting it later. */
static void set_aside(const char *path)
{
	char bad[PATH_MAX];

	if (snprintf(bad, sizeof(bad), "%s.bad", path) >= (int)sizeof(bad))
		return;
	if (rename(path, bad))
		pr_err("bindings", "rename %s to %s: %s", path, bad, strerror(errno));
	else
		pr_warn("bindings", "kept the unreadable %s as %s", path, bad);
}

int bindings_load(struct bindings *bs, const char *path)
{
	json_t *root, *arr, *e, *ver;
	json_error_t jerr;
	int skipped = 0;
	size_t i;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		pr_err("bindings", "%s: %s", path, strerror(errno));
		return -errno;
	}
	root = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
	fclose(f);
	if (!root) {
		pr_err("bindings", "%s:%d:%d: %s; starting with no bindings", path,
		       jerr.line, jerr.column, jerr.text);
		set_aside(path);
		return 1;
	}
	ver = json_object_get(root, "version");
	arr = json_object_get(root, "bindings");
	if (!json_is_object(root) || !json_is_integer(ver) || !json_is_array(arr)) {
		pr_err("bindings", "%s: not an ovnbpf bindings file "
		       "(want {\"version\": N, \"bindings\": [...]}); starting with no bindings",
		       path);
		json_decref(root);
		set_aside(path);
		return 1;
	}
	if (json_integer_value(ver) != STATE_VERSION)
		pr_warn("bindings", "%s: version %lld, expected %d; reading it anyway",
			path, (long long)json_integer_value(ver), STATE_VERSION);
	/* Entries are numbered from 1 in messages, as an editor would. */
	json_array_foreach(arr, i, e) {
		const char *iface = json_string_value(json_object_get(e, "iface"));
		const char *lport = json_string_value(json_object_get(e, "lport"));
		char why[256];
		int err;

		if (!iface || !lport) {
			pr_err("bindings", "%s: binding #%zu: needs string \"iface\" and "
			       "\"lport\"; skipped", path, i + 1);
			skipped++;
			continue;
		}
		if (binding_check_iface(iface, why, sizeof(why)) ||
		    binding_check_lport(lport, why, sizeof(why))) {
			pr_err("bindings", "%s: binding #%zu: %s; skipped", path, i + 1, why);
			skipped++;
			continue;
		}
		err = bindings_add(bs, iface, lport, NULL);
		if (err == -EEXIST) {
			pr_err("bindings", "%s: binding #%zu (%s -> %s): interface or "
			       "logical port bound twice; skipped", path, i + 1, iface, lport);
			skipped++;
			continue;
		}
		if (err) {
			json_decref(root);
			return err;
		}
	}
	json_decref(root);
	return skipped;
}
