// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <string.h>

#include "loader/l3gateway.h"
#include "loader/log.h"
#include "loader/sb_row.h"

bool l3gw_is_port(const struct ovsdb_row *pb)
{
	const char *type = sb_row_string(pb, "type");

	return type && !strcmp(type, "l3gateway");
}

int l3gw_claim_reconcile(const struct ovsdb_table *port_binding, const struct chassis_cfg *cfg,
			 const struct ovsdb_uuid *me, const json_t *me_ref, json_t *ops)
{
	const struct ovsdb_row *pb;
	int n = 0;

	if (!port_binding || !port_binding->ts || !me || !me_ref)
		return 0;
	OVSDB_TABLE_FOR_EACH(pb, port_binding) {
		const char *lport = sb_row_string(pb, "logical_port");
		const char *gw = sb_row_smap_get(pb, "options", "l3gateway-chassis");
		const struct ovsdb_uuid *owner = sb_row_uuid(pb, "chassis");
		bool mine = owner && ovsdb_uuid_equals(owner, me);
		bool want = gw && cfg->name && !strcmp(gw, cfg->name);
		json_t *row;

		if (!lport || !l3gw_is_port(pb) || want == mine)
			continue;
		if (want)
			pr_info("claim", "claiming gateway router port %s", lport);
		else
			pr_info("claim", "releasing gateway router port %s", lport);
		row = json_pack("{s:o}", "chassis",
				want ? json_deep_copy(me_ref) : json_pack("[s, []]", "set"));
		json_array_append_new(ops, json_pack("{s:s, s:s, s:o, s:o}", "op", "update",
						     "table", "Port_Binding", "where",
						     sb_where_uuid(&pb->uuid), "row", row));
		n++;
	}
	return n;
}
