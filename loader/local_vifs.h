/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Local VIFs: the bindings table brought to life.  A binding whose
 * interface exists gets the VIF ingress program attached at tc; when the
 * interface goes away the binding waits for it to come back (with a new
 * ifindex); unbinding detaches.  The table is persisted on every change,
 * before it is acted on.
 *
 * Serves the `bind`, `unbind` and `show` control commands.
 */
#ifndef __OVNBPF_LOADER_LOCAL_VIFS_H
#define __OVNBPF_LOADER_LOCAL_VIFS_H

#include <stdbool.h>

#include "loader/bindings.h"

struct ctl_server;
struct iface_monitor;

/* Told after a binding appeared, changed state (interface present or not)
 * or is about to be removed (REMOVED).  Port claiming hangs here. */
typedef void local_vifs_change_fn(void *aux, struct binding *b, bool removed);

struct local_vifs {
	struct bindings bindings;
	char *state_path;		/* the bindings state file */
	int prog_fd;			/* VIF ingress program, -1: attach nothing */
	struct iface_monitor *ifaces;	/* NULL until set */
	local_vifs_change_fn *change_fn;
	void *change_aux;
	bool defer_save;		/* a batch bind writes the file once, at its end */
};

/* The state file's name in the state directory. */
#define LOCAL_VIFS_STATE_FILE "bindings.json"

/* Load the bindings from STATE_DIR (created 0700 if missing).  PROG_FD is
 * what gets attached to bound interfaces. */
int local_vifs_init(struct local_vifs *lv, const char *state_dir, int prog_fd);
void local_vifs_destroy(struct local_vifs *lv);

/* Follow interface presence: pass this as the iface monitor's callback
 * (aux = lv), then hand the monitor over with local_vifs_set_ifaces(). */
void local_vifs_iface_event(void *aux, const char *name, int ifindex, bool present);
void local_vifs_set_ifaces(struct local_vifs *lv, struct iface_monitor *m);

/* Register bind/unbind/show on the control socket. */
int local_vifs_register_ctl(struct local_vifs *lv, struct ctl_server *ctl);

/* The operations behind the commands; ERR gets the reason on failure.
 * bind: IFACE already bound to another port is re-bound; LPORT bound to
 * another interface is -EEXIST. */
int local_vifs_bind(struct local_vifs *lv, const char *iface, const char *lport,
		    char *err, size_t errlen);
int local_vifs_unbind(struct local_vifs *lv, const char *iface, char *err, size_t errlen);

#endif /* __OVNBPF_LOADER_LOCAL_VIFS_H */
