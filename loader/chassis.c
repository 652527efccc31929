// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <string.h>

#include "loader/chassis.h"
#include "loader/log.h"
#include "loader/sb_row.h"

#define ENCAP_NAMED_UUID "ovnbpf_encap"

const char *const chassis_features[] = {
	"ct-no-masked-label",	/* ct_label.* fields, not masked ct_label */
	"mac-binding-timestamp",/* MAC_Binding.timestamp is kept fresh */
	"ovn-ct-lb-related",	/* ct_lb_mark handles related traffic */
	"port-up-notif",	/* we set Port_Binding.up ourselves */
	NULL,
};

/* Options of our Encap row: checksums on, as ovn-controller's default,
 * so peers compute the outer UDP checksum for us. */
static json_t *encap_options(void)
{
	return json_pack("[s, [[s, s]]]", "map", "csum", "true");
}

static bool encap_is_ours(const struct ovsdb_row *e, const struct chassis_cfg *cfg)
{
	const char *type = sb_row_string(e, "type"), *ip = sb_row_string(e, "ip");
	const char *cn = sb_row_string(e, "chassis_name");
	const char *csum = sb_row_smap_get(e, "options", "csum");

	return type && ip && cn && csum && !strcmp(type, cfg->encap_type) &&
	       !strcmp(ip, cfg->encap_ip) && !strcmp(cn, cfg->name) && !strcmp(csum, "true");
}

static bool encap_same_endpoint(const struct ovsdb_row *e, const struct chassis_cfg *cfg)
{
	const char *type = sb_row_string(e, "type"), *ip = sb_row_string(e, "ip");

	return type && ip && !strcmp(type, cfg->encap_type) && !strcmp(ip, cfg->encap_ip);
}

static json_t *encap_row(const struct chassis_cfg *cfg)
{
	return json_pack("{s:s, s:s, s:s, s:o}", "type", cfg->encap_type, "ip", cfg->encap_ip,
			 "chassis_name", cfg->name, "options", encap_options());
}

static void append_insert_encap(json_t *ops, const struct chassis_cfg *cfg)
{
	json_array_append_new(ops, json_pack("{s:s, s:s, s:s, s:o}", "op", "insert",
					     "table", "Encap", "uuid-name", ENCAP_NAMED_UUID,
					     "row", encap_row(cfg)));
}

#define BRIDGE_MAPPINGS_KEY "ovn-bridge-mappings"

/* other_config as it should be: what is there, plus our feature flags
 * and ovn-bridge-mappings (ovn-controller 23.03 writes it always, "" when
 * there are none; northd does not read it).  NULL when nothing needs to
 * change. */
static json_t *wanted_other_config(const struct ovsdb_row *ch, const struct chassis_cfg *cfg)
{
	const char *bm = cfg->bridge_mappings ? cfg->bridge_mappings : "";
	const char *cur_bm = ch ? sb_row_smap_get(ch, "other_config", BRIDGE_MAPPINGS_KEY) : NULL;
	const struct ovsdb_datum *d = ch ? sb_row_datum(ch, "other_config", OVSDB_TYPE_STRING)
					 : NULL;
	json_t *pairs = json_array();
	bool change = !ch;
	unsigned int i;

	for (i = 0; chassis_features[i]; i++) {
		const char *v = ch ? sb_row_smap_get(ch, "other_config", chassis_features[i]) : NULL;

		if (!v || strcmp(v, "true"))
			change = true;
		json_array_append_new(pairs, json_pack("[s, s]", chassis_features[i], "true"));
	}
	if (!cur_bm || strcmp(cur_bm, bm))
		change = true;
	json_array_append_new(pairs, json_pack("[s, s]", BRIDGE_MAPPINGS_KEY, bm));
	if (!change) {
		json_decref(pairs);
		return NULL;
	}
	/* Keys others (an operator, a later ovnbpfd feature) set stay. */
	for (i = 0; d && d->values && i < d->n; i++) {
		const char *k = d->keys[i].string;
		unsigned int f;

		for (f = 0; chassis_features[f]; f++)
			if (!strcmp(k, chassis_features[f]))
				break;
		if (!chassis_features[f] && strcmp(k, BRIDGE_MAPPINGS_KEY))
			json_array_append_new(pairs, json_pack("[s, s]", k, d->values[i].string));
	}
	return json_pack("[s, o]", "map", pairs);
}

/* The Encap row of TABLE with our endpoint that is not one of ENCAPS. */
static const struct ovsdb_row *foreign_encap(const struct ovsdb_table *t,
					     const struct chassis_cfg *cfg,
					     const struct ovsdb_datum *encaps)
{
	const struct ovsdb_row *e;

	if (!t || !t->ts)
		return NULL;
	OVSDB_TABLE_FOR_EACH(e, t) {
		union ovsdb_atom a = { .uuid = e->uuid };

		if (!encap_same_endpoint(e, cfg))
			continue;
		if (encaps && ovsdb_datum_find_key(encaps, &a, OVSDB_TYPE_UUID) >= 0)
			continue;
		return e;
	}
	return NULL;
}

static int encap_conflict(const struct ovsdb_row *e, const struct chassis_cfg *cfg)
{
	const char *owner = sb_row_string(e, "chassis_name");

	pr_err("chassis", "cannot register chassis %s: encap %s %s is already used by "
	       "chassis %s; give this node another --encap-ip or delete that chassis "
	       "(ovn-sbctl chassis-del)", cfg->name, cfg->encap_type, cfg->encap_ip,
	       owner && *owner ? owner : "(unnamed)");
	return -EEXIST;
}

/* Append what fixes the encaps of existing chassis row CH. */
static int reconcile_encaps(const struct chassis_cfg *cfg, const struct chassis_tables *t,
			    const struct ovsdb_row *ch, json_t *ops, json_t *ch_update)
{
	const struct ovsdb_datum *encaps = sb_row_datum(ch, "encaps", OVSDB_TYPE_UUID);
	const struct ovsdb_row *mine = NULL, *other;
	unsigned int i;

	for (i = 0; encaps && i < encaps->n; i++) {
		const struct ovsdb_row *e = t->encap ? ovsdb_table_find(t->encap,
									&encaps->keys[i].uuid)
						     : NULL;

		if (e && encap_same_endpoint(e, cfg))
			mine = e;
	}
	if (mine && encaps->n == 1 && encap_is_ours(mine, cfg))
		return 0;
	if (mine) {
		/* Our endpoint, stale chassis_name or options: fix it. */
		if (!encap_is_ours(mine, cfg))
			json_array_append_new(ops, json_pack("{s:s, s:s, s:o, s:o}", "op", "update",
							     "table", "Encap", "where",
							     sb_where_uuid(&mine->uuid),
							     "row", encap_row(cfg)));
		/* Only ours: others (an old IP) are garbage-collected. */
		if (encaps->n != 1)
			json_object_set_new(ch_update, "encaps", sb_uuid_json(&mine->uuid));
		return 0;
	}
	other = foreign_encap(t->encap, cfg, encaps);
	if (other)
		return encap_conflict(other, cfg);
	append_insert_encap(ops, cfg);
	json_object_set_new(ch_update, "encaps",
			    json_pack("[s, s]", "named-uuid", ENCAP_NAMED_UUID));
	return 0;
}

int chassis_reconcile(const struct chassis_cfg *cfg, const struct chassis_tables *t,
		      int64_t ack_cfg, int64_t now_ms, json_t *ops,
		      const struct ovsdb_uuid **me, json_t **me_ref)
{
	const struct ovsdb_row *ch, *cp;
	json_t *update, *oc, *cp_row;
	size_t n_ops = json_array_size(ops);
	int err;

	*me = NULL;
	*me_ref = NULL;
	if (!cfg->name || !*cfg->name || !cfg->encap_ip || !cfg->encap_type || !cfg->hostname)
		return -EINVAL;
	ch = sb_table_find_by_string(t->chassis, "name", cfg->name);
	if (!ch) {
		const struct ovsdb_row *other = foreign_encap(t->encap, cfg, NULL);

		if (other)
			return encap_conflict(other, cfg);
		append_insert_encap(ops, cfg);
		json_array_append_new(ops, json_pack(
			"{s:s, s:s, s:s, s:{s:s, s:s, s:[s, s], s:o}}",
			"op", "insert", "table", "Chassis", "uuid-name", CHASSIS_NAMED_UUID,
			"row", "name", cfg->name, "hostname", cfg->hostname,
			"encaps", "named-uuid", ENCAP_NAMED_UUID,
			"other_config", wanted_other_config(NULL, cfg)));
		*me_ref = json_pack("[s, s]", "named-uuid", CHASSIS_NAMED_UUID);
		pr_info("chassis", "registering chassis %s (%s %s)", cfg->name, cfg->encap_type,
			cfg->encap_ip);
	} else {
		update = json_object();
		err = reconcile_encaps(cfg, t, ch, ops, update);
		if (err) {
			json_decref(update);
			while (json_array_size(ops) > n_ops)
				json_array_remove(ops, json_array_size(ops) - 1);
			return err;
		}
		if (!sb_row_string(ch, "hostname") ||
		    strcmp(sb_row_string(ch, "hostname"), cfg->hostname))
			json_object_set_new(update, "hostname", json_string(cfg->hostname));
		oc = wanted_other_config(ch, cfg);
		if (oc)
			json_object_set_new(update, "other_config", oc);
		if (json_object_size(update)) {
			pr_info("chassis", "updating chassis %s (re-using its row)", cfg->name);
			json_array_append_new(ops, json_pack("{s:s, s:s, s:o, s:o}", "op", "update",
							     "table", "Chassis", "where",
							     sb_where_uuid(&ch->uuid), "row", update));
		} else {
			json_decref(update);
		}
		*me = &ch->uuid;
		*me_ref = sb_uuid_json(&ch->uuid);
	}

	/* Chassis_Private: same name, pointing at our chassis, and the
	 * acknowledged nb_cfg. */
	cp = sb_table_find_by_string(t->chassis_private, "name", cfg->name);
	cp_row = json_object();
	if (!cp || !*me || !sb_row_uuid(cp, "chassis") ||
	    !ovsdb_uuid_equals(sb_row_uuid(cp, "chassis"), *me))
		json_object_set(cp_row, "chassis", *me_ref);
	if (ack_cfg >= 0 && (!cp || sb_row_int(cp, "nb_cfg", -1) != ack_cfg)) {
		json_object_set_new(cp_row, "nb_cfg", json_integer(ack_cfg));
		json_object_set_new(cp_row, "nb_cfg_timestamp", json_integer(now_ms));
	}
	if (!cp) {
		json_object_set_new(cp_row, "name", json_string(cfg->name));
		json_array_append_new(ops, json_pack("{s:s, s:s, s:o}", "op", "insert",
						     "table", "Chassis_Private", "row", cp_row));
	} else if (json_object_size(cp_row)) {
		json_array_append_new(ops, json_pack("{s:s, s:s, s:o, s:o}", "op", "update",
						     "table", "Chassis_Private", "where",
						     sb_where_uuid(&cp->uuid), "row", cp_row));
	} else {
		json_decref(cp_row);
	}
	return 0;
}
