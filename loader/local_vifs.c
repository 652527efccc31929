// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "loader/ctl_socket.h"
#include "loader/iface.h"
#include "loader/local_vifs.h"
#include "loader/fsutil.h"
#include "loader/log.h"
#include "loader/tc_attach.h"

#define SWAP_LPORT(b, other) do {		\
	char *__t = (b)->lport;			\
	(b)->lport = (other);			\
	(other) = __t;				\
} while (0)

static void notify(struct local_vifs *lv, struct binding *b, bool removed)
{
	if (lv->change_fn)
		lv->change_fn(lv->change_aux, b, removed);
}

static void vif_attach(struct local_vifs *lv, struct binding *b)
{
	char msg[256];
	int err;

	if (lv->prog_fd < 0 || !b->ifindex)
		return;
	err = tc_attach_ingress(b->ifindex, lv->prog_fd);
	free(b->attach_error);
	b->attach_error = NULL;
	if (err) {
		b->attached = false;
		snprintf(msg, sizeof(msg), "tc attach to %s (ifindex %d): %s", b->iface,
			 b->ifindex, strerror(-err));
		pr_err("vif", "%s", msg);
		b->attach_error = strdup(msg);
		return;
	}
	b->attached = true;
	pr_info("vif", "%s (ifindex %d) attached for logical port %s", b->iface, b->ifindex,
		b->lport);
}

static void vif_detach(struct binding *b)
{
	int err;

	if (!b->ifindex || !b->attached)
		return;
	err = tc_detach_ingress(b->ifindex);
	if (err && err != -ENOENT && err != -ENODEV)
		pr_warn("vif", "tc detach from %s (ifindex %d): %s", b->iface, b->ifindex,
			strerror(-err));
	else
		pr_info("vif", "%s (ifindex %d) detached", b->iface, b->ifindex);
	b->attached = false;
}

int local_vifs_init(struct local_vifs *lv, const char *state_dir, int prog_fd)
{
	int err;

	memset(lv, 0, sizeof(*lv));
	bindings_init(&lv->bindings);
	lv->prog_fd = prog_fd;
	err = mkdir_p(state_dir, 0700);
	if (err) {
		pr_err("vif", "state directory %s: %s", state_dir, strerror(-err));
		return err;
	}
	if (asprintf(&lv->state_path, "%s/%s", state_dir, LOCAL_VIFS_STATE_FILE) < 0) {
		lv->state_path = NULL;
		return -ENOMEM;
	}
	err = bindings_load(&lv->bindings, lv->state_path);
	if (err < 0)
		return err;
	pr_info("vif", "%zu bindings loaded from %s%s", lv->bindings.n, lv->state_path,
		err ? " (with errors)" : "");
	return 0;
}

void local_vifs_destroy(struct local_vifs *lv)
{
	bindings_destroy(&lv->bindings);
	free(lv->state_path);
	lv->state_path = NULL;
}

void local_vifs_set_ifaces(struct local_vifs *lv, struct iface_monitor *m)
{
	lv->ifaces = m;
}

void local_vifs_iface_event(void *aux, const char *name, int ifindex, bool present)
{
	struct local_vifs *lv = aux;
	struct binding *b = bindings_find_iface(&lv->bindings, name);

	if (!b)
		return;
	if (present) {
		b->ifindex = ifindex;
		vif_attach(lv, b);
		notify(lv, b, false);
		return;
	}
	if (b->ifindex != ifindex)
		return;
	/* A deleted device took its filter along, but a renamed one still
	 * carries it and is no longer bound: detach, ignoring "no device". */
	if (b->attached && !tc_detach_ingress(ifindex))
		pr_info("vif", "%s (ifindex %d) was renamed; detached from it", name, ifindex);
	pr_info("vif", "%s (ifindex %d) of logical port %s went away", name, ifindex, b->lport);
	b->ifindex = 0;
	b->attached = false;
	notify(lv, b, false);
}

int local_vifs_bind(struct local_vifs *lv, const char *iface, const char *lport,
		    char *err, size_t errlen)
{
	struct binding *b;
	char *prev;
	int ret;

	if (binding_check_iface(iface, err, errlen) || binding_check_lport(lport, err, errlen))
		return -EINVAL;
	b = bindings_find_lport(&lv->bindings, lport);
	if (b && !strcmp(b->iface, iface))
		return 0;	/* already so */
	if (b) {
		snprintf(err, errlen, "logical port %s is already bound to interface %s",
			 lport, b->iface);
		return -EEXIST;
	}
	b = bindings_find_iface(&lv->bindings, iface);
	if (b) {
		/* Re-binding an interface to another port, like changing its
		 * iface-id: the old port is released, the filter stays. */
		prev = b->lport;
		b->lport = strdup(lport);
		if (!b->lport) {
			b->lport = prev;
			return -ENOMEM;
		}
		ret = lv->defer_save ? 0 : bindings_save(&lv->bindings, lv->state_path);
		if (ret) {
			free(b->lport);
			b->lport = prev;
			goto save_failed;
		}
		pr_info("vif", "bound %s to logical port %s, was %s", iface, lport, prev);
		SWAP_LPORT(b, prev);
		notify(lv, b, true);
		SWAP_LPORT(b, prev);
		free(prev);
		notify(lv, b, false);
		return 0;
	}
	ret = bindings_add(&lv->bindings, iface, lport, &b);
	if (ret) {
		snprintf(err, errlen, "%s", strerror(-ret));
		return ret;
	}
	ret = lv->defer_save ? 0 : bindings_save(&lv->bindings, lv->state_path);
	if (ret) {
		bindings_remove(&lv->bindings, b);
		goto save_failed;
	}
	pr_info("vif", "bound %s to logical port %s", iface, lport);
	if (lv->ifaces)
		b->ifindex = iface_monitor_ifindex(lv->ifaces, iface);
	vif_attach(lv, b);
	notify(lv, b, false);
	return 0;
save_failed:
	snprintf(err, errlen, "cannot record the binding in %s: %s", lv->state_path,
		 strerror(-ret));
	return ret;
}

int local_vifs_unbind(struct local_vifs *lv, const char *iface, char *err, size_t errlen)
{
	struct binding *b = bindings_find_iface(&lv->bindings, iface);
	int ret;

	if (!b) {
		snprintf(err, errlen, "interface %s is not bound", iface);
		return -ENOENT;
	}
	/* Persisted first: if that fails, nothing changed. */
	ret = bindings_save_without(&lv->bindings, lv->state_path, b);
	if (ret) {
		snprintf(err, errlen, "cannot record the change in %s: %s", lv->state_path,
			 strerror(-ret));
		return ret;
	}
	pr_info("vif", "unbound %s (logical port %s)", iface, b->lport);
	vif_detach(b);
	notify(lv, b, true);
	bindings_remove(&lv->bindings, b);
	return 0;
}

static json_t *binding_json(const struct binding *b)
{
	json_t *o = json_pack("{s:s, s:s, s:i, s:b, s:b}", "iface", b->iface, "lport", b->lport,
			      "ifindex", b->ifindex, "attached", b->attached,
			      "claimed", b->claimed);

	if (o && b->attach_error)
		json_object_set_new(o, "error", json_string(b->attach_error));
	return o;
}

/* bind IFACE LPORT [IFACE LPORT]...: several pairs write the state file
 * once (a bulk setup of many pods is then not one fsync per pod).  The
 * pairs before a refused one stay bound; the reply says which failed. */
static void cmd_bind(struct ctl_reply *r, int argc, const char *argv[], void *aux)
{
	struct local_vifs *lv = aux;
	json_t *arr;
	char err[512];
	int i, ret = 0;

	if (argc % 2) {
		ctl_reply_error(r, "bind takes IFACE LPORT pairs");
		return;
	}
	if (argc == 2) {
		if (local_vifs_bind(lv, argv[0], argv[1], err, sizeof(err)))
			ctl_reply_error(r, "%s", err);
		else
			ctl_reply_ok(r, binding_json(bindings_find_iface(&lv->bindings, argv[0])));
		return;
	}
	lv->defer_save = true;
	for (i = 0; i < argc && !ret; i += 2)
		ret = local_vifs_bind(lv, argv[i], argv[i + 1], err, sizeof(err));
	lv->defer_save = false;
	if (ret) {
		i -= 2;
		snprintf(err + strlen(err), sizeof(err) - strlen(err), " (%s %s)", argv[i],
			 argv[i + 1]);
	}
	if (i && bindings_save(&lv->bindings, lv->state_path)) {
		snprintf(err, sizeof(err), "bound, but cannot record the bindings in %s",
			 lv->state_path);
		ret = -EIO;
	}
	if (ret) {
		ctl_reply_error(r, "%s", err);
		return;
	}
	arr = json_array();
	for (i = 0; i < argc; i += 2)
		json_array_append_new(arr, binding_json(bindings_find_iface(&lv->bindings,
									   argv[i])));
	ctl_reply_ok(r, json_pack("{s:o}", "bindings", arr));
}

static void cmd_unbind(struct ctl_reply *r, int argc, const char *argv[], void *aux)
{
	struct local_vifs *lv = aux;
	char err[512];

	if (local_vifs_unbind(lv, argv[0], err, sizeof(err)))
		ctl_reply_error(r, "%s", err);
	else
		ctl_reply_ok(r, NULL);
}

static void cmd_show(struct ctl_reply *r, int argc, const char *argv[], void *aux)
{
	struct local_vifs *lv = aux;
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < lv->bindings.n; i++) {
		const struct binding *b = lv->bindings.v[i];

		/* show IFACE: just that one. */
		if (argc && strcmp(argv[0], b->iface))
			continue;
		json_array_append_new(arr, binding_json(b));
	}
	if (argc && !json_array_size(arr)) {
		json_decref(arr);
		ctl_reply_error(r, "interface %s is not bound", argv[0]);
		return;
	}
	ctl_reply_ok(r, json_pack("{s:o}", "bindings", arr));
}

int local_vifs_register_ctl(struct local_vifs *lv, struct ctl_server *ctl)
{
	int err;

	err = ctl_server_register(ctl, "bind", "IFACE LPORT [IFACE LPORT]...", 2,
				  CTL_MAX_ARGS, cmd_bind, lv);
	if (!err)
		err = ctl_server_register(ctl, "unbind", "IFACE", 1, 1, cmd_unbind, lv);
	if (!err)
		err = ctl_server_register(ctl, "show", "[IFACE]", 0, 1, cmd_show, lv);
	return err;
}
