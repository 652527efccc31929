// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * trigger_event through the real compiler and BPF_PROG_TEST_RUN: northd's
 * priority-130 ls_in_pre_lb flow for a VIP without backends punts one
 * ring buffer record naming its event (PUNT_MAKE(ACT_TRIGGER_EVENT, id),
 * loader/controller_event.h) and the packet ends there; a trigger_event
 * without a load_balancer option is reported with its flow's UUID and
 * punts nothing; other traffic is untouched.
 */
#include <arpa/inet.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "tests/bpf/pl_flows.h"
#include "loader/actions.h"
#include "loader/compile.h"
#include "loader/controller_event.h"
#include "loader/meter.h"
#include "loader/punt.h"
#include "ovnbpf_vif.skel.h"

#define LO		1
#define T_PRE_LB	5	/* ls_in_pre_lb in 23.03 */
#define LB_UUID		"0b2b0a7e-1111-4222-8333-944455556666"

static const uint8_t MAC1[6] = { 0x0a, 0, 0, 0, 0, 1 };
static const uint8_t MAC2[6] = { 0x0a, 0, 0, 0, 0, 2 };
static struct ovn_ctx ctx;

struct seen {
	int n;
	uint32_t opcode;
	size_t len;
};

static int on_record(void *aux, void *data, size_t len)
{
	struct seen *s = aux;
	const struct ovn_punt_event *ev = data;

	s->n++;
	if (len >= offsetof(struct ovn_punt_event, pkt))
		s->opcode = ev->opcode;
	s->len = len;
	return 0;
}

struct reports {
	int n;
	char uuid[64], reason[128];
};

static void on_report(void *aux, enum compile_report_kind kind, const char *uuid,
		      const char *reason, const char *detail)
{
	struct reports *r = aux;

	(void)detail;
	if (kind != COMPILE_R_UNSUPPORTED)
		return;
	r->n++;
	snprintf(r->uuid, sizeof(r->uuid), "%s", uuid);
	snprintf(r->reason, sizeof(r->reason), "%s", reason);
}

/* One TCP SYN p1 -> DST:DPORT; the records it punted go to S. */
static int run(struct pl_fix *f, struct ring_buffer *rb, uint32_t dst, uint16_t dport,
	       struct seen *s)
{
	uint8_t pkt[64];
	size_t len = pkt_tcp4(pkt, MAC2, MAC1, htonl(0x0a000001), dst, 40000, dport, 0x02);

	memset(s, 0, sizeof(*s));
	if (pl_run_ctx(f, pkt, len, NULL, &ctx))
		return -1;
	return ring_buffer__consume(rb) < 0 ? -1 : 0;
}

void test_cev_trigger_event_punt(void)
{
	struct reports rep = { 0 };
	struct compile_opts o = { .report = on_report, .aux = &rep };
	struct ring_buffer *rb = NULL;
	struct compiler *c = NULL;
	const struct ctrl_event_desc *d;
	struct pl_fix f;
	char bad_uuid[64];
	struct seen s;
	int err = 0;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		return;
	if (!ASSERT_OK(compiler_new(f.w, &o, &c), "compiler_new"))
		goto out;
	meter_set_default(1000, 100);
	meter_bind_writer(f.w);
	err |= pl_switch_p1p2(c, LO);
	err |= pl_flow(c, 1, OVN_PIPE_INGRESS, T_PRE_LB, 130,
		       "ip4.dst == 10.96.0.50 && tcp && tcp.dst == 80",
		       "trigger_event(event = \"empty_lb_backends\", vip = \"10.96.0.50:80\", "
		       "protocol = \"tcp\", load_balancer = \"" LB_UUID "\");");
	err |= pl_flow(c, 1, OVN_PIPE_INGRESS, T_PRE_LB, 130,
		       "ip4.dst == 10.96.0.51 && tcp && tcp.dst == 80",
		       "trigger_event(event = \"empty_lb_backends\", vip = \"10.96.0.51:80\", "
		       "protocol = \"tcp\");");
	snprintf(bad_uuid, sizeof(bad_uuid), "%s", pl_flow_last_uuid());
	err |= pl_flow_fill(c, 1, OVN_PIPE_INGRESS, 0, OVN_LS_IN_TABLES,
			    "outport = \"p2\"; output;");
	err |= pl_flow_fill(c, 1, OVN_PIPE_EGRESS, 0, OVN_LS_OUT_TABLES, "output;");
	if (!ASSERT_OK(err, "flows") || !ASSERT_OK(compile_commit(c), "commit"))
		goto out;
	rb = ring_buffer__new(f.m.punt, on_record, &s, NULL);
	if (!ASSERT_OK_PTR(rb, "ring buffer"))
		goto out;

	/* The bad flow: reported with its UUID, compiled without a punt. */
	ASSERT_EQ(rep.n, 1, "one report");
	ASSERT_STREQ(rep.uuid, bad_uuid, "the bad flow's UUID");
	ASSERT_TRUE(strstr(rep.reason, "load_balancer") != NULL, "names the missing option");

	if (!ASSERT_OK(run(&f, rb, htonl(0x0a600032), 80, &s), "run VIP"))
		goto out;
	ASSERT_EQ(s.n, 1, "one record");
	ASSERT_EQ(PUNT_OPCODE(s.opcode), ACT_TRIGGER_EVENT, "trigger_event verb");
	ASSERT_FALSE(s.opcode & PUNT_F_UNSUPPORTED, "supported");
	d = ctrl_event_get(PUNT_ARG(s.opcode));
	if (ASSERT_OK_PTR(d, "descriptor of the record")) {
		ASSERT_STREQ(d->vip, "10.96.0.50:80", "vip");
		ASSERT_STREQ(d->protocol, "tcp", "protocol");
		ASSERT_STREQ(d->load_balancer, LB_UUID, "load_balancer");
	}
	ASSERT_EQ(ctx.x.n_out, 0, "the packet ends with the flow");
	ASSERT_NEQ(ctx.x.drop_reason, DROP_NONE, "dropped");

	if (!ASSERT_OK(run(&f, rb, htonl(0x0a600033), 80, &s), "run bad VIP"))
		goto out;
	ASSERT_EQ(s.n, 0, "the bad event punts nothing");
	ASSERT_EQ(ctx.x.n_out, 0, "and its packet ends there too");

	if (!ASSERT_OK(run(&f, rb, htonl(0x0a600032), 81, &s), "run other port"))
		goto out;
	ASSERT_EQ(s.n, 0, "another port: no event");
	ASSERT_EQ(ctx.x.n_out, 1, "delivered");
	ASSERT_EQ(ctx.x.out_port[0], 2, "to p2");
out:
	meter_bind_writer(NULL);
	meter_set_default(METER_DEFAULT_PPS, METER_DEFAULT_BURST);
	ring_buffer__free(rb);
	compiler_free(c);
	pl_fix_close(&f);
}
