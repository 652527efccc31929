// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bind_vport(V, inport) as a continuing punt (loader/vport.h).
 */
#include <errno.h>
#include <string.h>

#include "loader/actions.h"
#include "loader/compile_int.h"
#include "loader/punt.h"
#include "loader/symtab.h"
#include "loader/vport.h"

int cc_emit_bind_vport(struct compiler *c, const struct compile_lflow *f, struct cc_ops *ops,
		       const struct action *act, const char **why)
{
	const struct action_bind_vport *b = &act->bind_vport;
	struct ovn_op op = { .code = OVN_OP_PUNT, .n = OVN_PUNT_F_CONTINUE };
	struct cc_port *v;

	/* The daemon reads the parent from the punt's inport; northd never
	 * names another field (ovn-controller would move it there). */
	if (!b->parent.sym || strcmp(b->parent.sym->name, "inport")) {
		*why = "bind_vport with a parent other than inport";
		return -EOPNOTSUPP;
	}
	v = b->vport ? cc_port_in_dp(c, f->dp, b->vport) : NULL;
	if (!v)
		return 0;	/* ovn-controller encodes nothing either */
	if (!v->key || v->key > 0xffff) {
		*why = "bind_vport: virtual port key does not fit the punt";
		return -EOPNOTSUPP;
	}
	op.arg = PUNT_MAKE(ACT_BIND_VPORT, v->key);
	op.meter = f->controller_meter;
	cc_ops_push(ops, &op);
	return 0;
}
