/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Verb parsers shared between actions-verbs.c (table of verbs, packet and
 * conntrack verbs) and actions-ctrl.c (control-plane verbs).  Statement
 * verbs have the act_verb_fn signature; "R = f(...)" functions get the
 * result field, with f and `(' already consumed.
 */
#ifndef __OVNBPF_LOADER_ACTIONS_VERBS_H
#define __OVNBPF_LOADER_ACTIONS_VERBS_H

#include "loader/actions-int.h"

act_verb_fn act_parse_set_queue;
act_verb_fn act_parse_log;
act_verb_fn act_parse_set_meter;
act_verb_fn act_parse_trigger_event;
act_verb_fn act_parse_bind_vport;
act_verb_fn act_parse_handle_svc_check;
act_verb_fn act_parse_fwd_group;
act_verb_fn act_parse_handle_bfd_msg;
act_verb_fn act_parse_commit_ecmp_nh;
act_verb_fn act_parse_commit_lb_aff;
act_verb_fn act_parse_sample;

void act_parse_select(struct act_ctx *c, struct action_list *l, size_t pos,
		      const struct action_field *dst);
void act_parse_lookup_mac(struct act_ctx *c, struct action_list *l,
			  size_t pos, const struct action_field *dst,
			  enum action_type type);
void act_parse_fdb_fn(struct act_ctx *c, struct action_list *l, size_t pos,
		      const struct action_field *dst, enum action_type type);
void act_parse_put_opts(struct act_ctx *c, struct action_list *l,
			size_t pos, const struct action_field *dst,
			enum action_type type);
void act_parse_check_pkt_larger(struct act_ctx *c, struct action_list *l,
				size_t pos, const struct action_field *dst);

#endif /* __OVNBPF_LOADER_ACTIONS_VERBS_H */
