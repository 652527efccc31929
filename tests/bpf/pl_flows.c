// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Logical flows for the pipeline fixture: see pl_flows.h. */
#include <stdio.h>

#include "tests/bpf/pl_flows.h"
#include "tests/test_progs.h"

static int pl_nflow;
static char pl_uuid[40];

int pl_flow(struct compiler *c, uint32_t dp, uint8_t pl, uint8_t t, uint16_t prio,
	    const char *match, const char *actions)
{
	struct compile_lflow f = {
		.uuid = pl_uuid, .dp = dp, .pipeline = pl, .table = t, .priority = prio,
		.match = match, .actions = actions,
	};

	snprintf(pl_uuid, sizeof(pl_uuid), "00000000-0000-0000-0000-%012d", ++pl_nflow);
	return compile_flow_add(c, &f);
}

const char *pl_flow_last_uuid(void)
{
	return pl_uuid;
}

int pl_flow_replace(struct compiler *c, const char *uuid, uint32_t dp, uint8_t t,
		    uint16_t prio, const char *match, const char *actions)
{
	struct compile_lflow f = { .uuid = uuid, .dp = dp, .pipeline = OVN_PIPE_INGRESS,
				   .table = t, .priority = prio, .match = match,
				   .actions = actions };

	compile_flow_del(c, uuid);
	return compile_flow_add(c, &f);
}

int pl_flow_fill(struct compiler *c, uint32_t dp, uint8_t pl, uint8_t from, uint8_t n,
		 const char *last)
{
	int err = 0;

	for (unsigned int t = from; t < n; t++)
		err |= pl_flow(c, dp, pl, t, 0, "1", t + 1 < n ? "next;" : last);
	return err;
}

int pl_switch_p1p2(struct compiler *c, uint32_t ifindex)
{
	struct compile_port p1 = { .name = "p1", .dp = 1, .key = 1, .type = "",
				   .ifindex = ifindex, .ct_zone = 1 };
	struct compile_port p2 = { .name = "p2", .dp = 1, .key = 2, .type = "",
				   .ifindex = ifindex, .ct_zone = 2 };
	int err = 0;

	err |= compile_datapath_add(c, 1, OVN_DP_SWITCH);
	err |= compile_port_add(c, &p2);
	err |= compile_port_add(c, &p1);
	return err;
}

int pl_run_ctx(struct pl_fix *f, const void *pkt, uint32_t len, uint32_t *ret,
	       struct ovn_ctx *ctx)
{
	uint32_t r;
	int err = bpf_test_run_skb(f->prog_fd, pkt, len, ret ? ret : &r, NULL, NULL);

	return err ?: pl_read_ctx(f, ctx);
}

int pl_add_raw(struct pl_fix *f, uint32_t dp, uint8_t pl, uint8_t t, uint16_t prio,
	       const struct ovnbpf_match *m, uint32_t nm, const struct ovn_op *ops,
	       uint32_t nops)
{
	struct ovnbpf_flow_spec s = {
		.dp = dp, .pipeline = pl, .table = t, .priority = prio,
		.match = m, .n_match = nm, .ops = ops, .n_ops = nops,
	};
	uint32_t id;

	return ovnbpf_flow_add(f->w, &s, &id);
}

uint64_t pl_drops(struct pl_fix *f, uint32_t reason)
{
	struct ovnbpf_counter c;

	return bpf_test_read_counter(f->m.drops, reason, &c) ? UINT64_MAX : c.packets;
}

void pl_report_count(void *aux, enum compile_report_kind kind, const char *uuid,
		     const char *reason, const char *detail)
{
	int *n = aux;

	printf("  report %d %s: %s %s\n", kind, uuid, reason, detail ? detail : "");
	(*n)++;
}

int pl_open_compiled(struct pl_fix *f, const struct compile_opts *o,
		     int (*setup)(struct compiler *c), struct compiler **c)
{
	*c = NULL;
	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return -1;
	}
	if (!ASSERT_OK(pl_fix_open(f), "pl_fix_open"))
		return -1;
	if (ASSERT_OK(compiler_new(f->w, o, c), "compiler_new") &&
	    ASSERT_OK(setup(*c), "setup"))
		return 0;
	compiler_free(*c);
	*c = NULL;
	pl_fix_close(f);
	return -1;
}
