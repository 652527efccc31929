// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * What ovnbpfd's local side reads from outside: control socket request
 * lines, rtnetlink messages, and the bindings state file.  The first byte
 * picks the parser; none may crash, leak or read out of bounds.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader/bindings.h"
#include "loader/ctl_socket.h"
#include "loader/iface.h"
#include "loader/log.h"

static void h_args(struct ctl_reply *r, int argc, const char *argv[], void *aux)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < argc; i++)
		json_array_append_new(a, json_string(argv[i]));
	ctl_reply_ok(r, a);
}

static void on_link(void *aux, const char *name, int ifindex, bool present)
{
	/* The name must be a usable C string of a device name's size. */
	if (strlen(name) >= 16 || ifindex <= 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctl_server *srv;
	static char path[64];

	if (!size)
		return 0;
	if (!srv) {
		log_set_level(LOG_LVL_ERR);
		log_set_file("/dev/null");
		if (ctl_server_open(NULL, &srv) ||
		    ctl_server_register(srv, "x", "A [B]", 1, 2, h_args, NULL))
			abort();
		snprintf(path, sizeof(path), "/tmp/fuzz-bind-state.%d", getpid());
	}
	switch (data[0] % 3) {
	case 0: {
		char *reply = ctl_server_handle_line(srv, (const char *)data + 1, size - 1);
		json_t *res = NULL;
		char *err = NULL;

		if (reply && ctl_reply_decode(reply, &res, &err) == -EPROTO)
			abort();	/* we must always produce a valid reply */
		json_decref(res);
		free(err);
		free(reply);
		break;
	}
	case 1: {
		struct iface_monitor *m = iface_monitor_create(on_link, NULL);
		/* netlink buffers are 4-byte aligned */
		uint32_t *buf = malloc(size + 4);

		if (m && buf) {
			memcpy(buf, data + 1, size - 1);
			iface_monitor_input(m, buf, size - 1);
			iface_monitor_input(m, buf, size - 1);
		}
		free(buf);
		iface_monitor_close(m);
		break;
	}
	case 2: {
		struct bindings bs;
		FILE *f = fopen(path, "w");
		char bad[80];

		if (!f)
			break;
		fwrite(data + 1, 1, size - 1, f);
		fclose(f);
		bindings_init(&bs);
		bindings_load(&bs, path);
		bindings_destroy(&bs);
		unlink(path);
		snprintf(bad, sizeof(bad), "%s.bad", path);
		unlink(bad);
		break;
	}
	}
	return 0;
}
