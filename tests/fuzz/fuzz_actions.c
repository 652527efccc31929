// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target for the action parser: any input parses or fails
 * cleanly, and whatever parses prints to text that parses back to an
 * equal IR.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/actions.h"
#include "loader/symtab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct action_opt_def dhcp_defs[] = {
	{ "offerip", 0, "ipv4" },
	{ "router", 3, "ipv4" },
	{ "hostname", 12, "str" },
	{ "lease_time", 51, "uint32" },
	{ "tftp_server", 66, "host_id" },
	{ "classless_static_route", 121, "static_routes" },
};

static const struct action_opt_def dhcpv6_defs[] = {
	{ "server_id", 2, "mac" },
	{ "ia_addr", 5, "ipv6" },
	{ "domain_search", 24, "str" },
};

static const struct action_opt_table dhcp_opts = { dhcp_defs, 6 };
static const struct action_opt_table dhcpv6_opts = { dhcpv6_defs, 3 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct symtab *st;
	struct action_parse_params pp = {
		.dhcp_opts = &dhcp_opts,
		.dhcpv6_opts = &dhcpv6_opts,
		.pipeline = ACT_P_INGRESS,
		.n_tables = 29,
	};
	struct action_parse_result r1, r2;
	struct action_error err;
	char *text, *t1, *t2;

	if (!st)
		st = symtab_create_ovn();
	if (!st)
		abort();
	pp.symtab = st;
	/* first byte picks where the flow is */
	if (size) {
		pp.pipeline = data[0] & 1;
		pp.cur_table = (data[0] >> 1) % 30;
		data++;
		size--;
	}
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	if (!actions_parse(text, &pp, &r1, &err)) {
		t1 = actions_format(&r1.acts);
		if (actions_parse(t1, &pp, &r2, &err))
			abort();	/* canonical text must parse */
		if (!action_list_equal(&r1.acts, &r2.acts))
			abort();
		t2 = actions_format(&r2.acts);
		if (strcmp(t1, t2))
			abort();
		free(t1);
		free(t2);
		action_parse_result_free(&r2);
		action_parse_result_free(&r1);
	} else if (err.pos < 0 || (size_t)err.pos > size || !err.msg[0]) {
		abort();	/* an error says where and what */
	}
	free(text);
	return 0;
}
