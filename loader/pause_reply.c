// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Answers to pausing controller actions (pause_reply.h). */
#include <errno.h>
#include <string.h>

#include "loader/compile.h"
#include "loader/log.h"
#include "loader/pause_reply.h"
#include "loader/resume.h"

#define MOD "pause"

uint32_t pr_csum_add(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

uint16_t pr_csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

uint16_t pr_csum6(const uint8_t *ip6, const uint8_t *l4, size_t len, uint8_t proto)
{
	uint32_t s = pr_csum_add(0, ip6 + 8, 32);

	s += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + proto;
	return pr_csum_fold(pr_csum_add(s, l4, len));
}

void pr_const_ip6(const struct action_const *c, uint8_t out[16])
{
	for (int i = 0; i < 8; i++) {
		out[i] = (uint8_t)(c->value.hi >> (56 - 8 * i));
		out[8 + i] = (uint8_t)(c->value.lo >> (56 - 8 * i));
	}
}

void pause_reply(struct compiler *c, const struct ovn_punt_event *ev, enum action_type type,
		 pause_reply_fn *fn, void *aux, bool resume_unanswered,
		 struct pause_reply_stats *st)
{
	const struct compile_pause *p;
	struct action_parse_result res;
	const struct action *act = NULL;
	uint8_t out[1500];
	int n, err;

	st->requests++;
	p = c ? compile_pause_find(c, ev->flow) : NULL;
	if (!p) {
		st->no_flow++;
		return;
	}
	if (compile_pause_parse(c, p, &res)) {
		st->failed++;
		return;
	}
	for (size_t i = 0; i < res.acts.n && !act; i++)
		if (res.acts.acts[i].type == type)
			act = &res.acts.acts[i];
	n = act ? fn(ev, act, out, sizeof(out), aux) : -ENOENT;
	if (n < 0) {
		st->bad_request++;
		pr_dbg(MOD, "flow %u: %s not answered: %s", ev->flow, action_info(type)->name,
		       strerror(-n));
		goto out;
	}
	if (!n) {
		st->unanswered++;
		/* Only a whole packet can go on. */
		if (!resume_unanswered || ev->cap_len != ev->pkt_len)
			goto out;
		err = resume_packet(ev, p, ev->pkt, ev->cap_len);
	} else if (type == ACT_DNS_LOOKUP) {
		/* Its result bit is set here, in the state handed back: no
		 * op after the punt sets it (compile.c, emit_dns_lookup). */
		static struct ovn_punt_event ans;
		uint16_t byte;
		uint8_t mask;

		err = compile_result_bit(&act->result.dst, &byte, &mask);
		if (!err && byte >= sizeof(ans.md))
			err = -EINVAL;
		if (!err) {
			memcpy(&ans, ev, offsetof(struct ovn_punt_event, pkt));
			((uint8_t *)&ans.md)[byte] |= mask;
			err = resume_packet(&ans, p, out, n);
		}
		if (!err)
			st->replies++;
	} else {
		err = resume_packet(ev, p, out, n);
		if (!err)
			st->replies++;
	}
	if (err) {
		st->failed++;
		pr_warn(MOD, "flow %u: cannot resume %s: %s", ev->flow, action_info(type)->name,
			strerror(-err));
	}
out:
	action_parse_result_free(&res);
}
