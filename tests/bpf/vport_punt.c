// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Virtual ports through the real compiler and BPF_PROG_TEST_RUN
 * (loader/vport.h): northd's ls_in_arp_rsp `bind_vport(V, inport); next;`
 * punts one record naming V's key with the parent as inport, and the GARP
 * goes on (flood); a V unknown on the datapath punts nothing (as
 * ovn-controller encodes nothing); another parent field is reported.  A
 * virtual port installed deliver-only on its parent's interface gets the
 * packets whose outport it is, while the interface stays the parent's
 * (ovn_vifs untouched, also when V goes).  The record, handed to
 * vports_note(), becomes one pending binding.
 */
#include <arpa/inet.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "tests/bpf/pl_flows.h"
#include "loader/actions.h"
#include "loader/compile.h"
#include "loader/meter.h"
#include "loader/punt.h"
#include "loader/vport.h"
#include "ovnbpf_vif.skel.h"

#define LO		1
#define T_ARP_RSP	19	/* ls_in_arp_rsp in 23.03 */
#define T_L2_LKUP	25	/* ls_in_l2_lkup */
#define VKEY		7

static const uint8_t MAC1[6] = { 0x0a, 0, 0, 0, 0, 1 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t VMAC[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x64 };
static const uint8_t ZERO[6];
static struct ovn_ctx ctx;

struct seen {
	int n;
	struct ovn_punt_event ev;
	size_t len;
};

static int on_record(void *aux, void *data, size_t len)
{
	struct seen *s = aux;

	if (!s->n++) {
		memcpy(&s->ev, data, len < sizeof(s->ev) ? len : sizeof(s->ev));
		s->len = len;
	}
	return 0;
}

/* A gratuitous ARP for IP (host order) from p1. */
static int garp(struct pl_fix *f, struct ring_buffer *rb, uint32_t ip, struct seen *s)
{
	uint8_t pkt[64];
	size_t len = pkt_arp(pkt, BCAST, MAC1, 1, MAC1, htonl(ip), ZERO, htonl(ip));

	memset(s, 0, sizeof(*s));
	if (pl_run_ctx(f, pkt, len, NULL, &ctx))
		return -1;
	return ring_buffer__consume(rb) < 0 ? -1 : 0;
}

static int vif_port(struct pl_fix *f, uint32_t ifindex, uint32_t *port)
{
	struct ovn_vif v;
	int err = bpf_map_lookup_elem(f->m.vifs, &ifindex, &v);

	*port = err ? 0 : v.port;
	return err;
}

void test_vport_bind_punt(void)
{
	int reports = 0;
	struct compile_opts o = { .report = pl_report_count, .aux = &reports };
	struct compile_port v = { .name = "v", .dp = 1, .key = VKEY, .type = "virtual",
				  .ifindex = LO, .ct_zone = 9, .deliver_only = true };
	struct ring_buffer *rb = NULL;
	struct compiler *c = NULL;
	struct vports *vp = NULL;
	struct vport_stats st;
	struct pl_fix f;
	struct seen s;
	uint8_t pkt[64];
	uint32_t port;
	size_t len;
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
	err |= compile_port_add(c, &v);
	err |= pl_flow(c, 1, OVN_PIPE_INGRESS, T_ARP_RSP, 100,
		       "inport == \"p1\" && ((arp.op == 1 && arp.spa == 10.0.0.100 && "
		       "arp.tpa == 10.0.0.100) || (arp.op == 2 && arp.spa == 10.0.0.100))",
		       "bind_vport(\"v\", inport); next;");
	err |= pl_flow(c, 1, OVN_PIPE_INGRESS, T_ARP_RSP, 100,
		       "inport == \"p1\" && arp.op == 1 && arp.spa == 10.0.0.101",
		       "bind_vport(\"nope\", inport); next;");
	if (!ASSERT_OK(err, "flows"))
		goto out;
	ASSERT_EQ(reports, 0, "no report so far");
	err |= pl_flow(c, 1, OVN_PIPE_INGRESS, T_ARP_RSP, 100,
		       "inport == \"p1\" && arp.op == 1 && arp.spa == 10.0.0.102",
		       "bind_vport(\"v\", outport); next;");
	ASSERT_EQ(reports, 1, "a parent other than inport is reported");
	err |= pl_flow(c, 1, OVN_PIPE_INGRESS, T_L2_LKUP, 50, "eth.dst == 00:00:5e:00:01:64",
		       "outport = \"v\"; output;");
	err |= pl_flow_fill(c, 1, OVN_PIPE_INGRESS, 0, OVN_LS_IN_TABLES,
			    "outport = \"p2\"; output;");
	err |= pl_flow_fill(c, 1, OVN_PIPE_EGRESS, 0, OVN_LS_OUT_TABLES, "output;");
	if (!ASSERT_OK(err, "flows") || !ASSERT_OK(compile_commit(c), "commit"))
		goto out;
	rb = ring_buffer__new(f.m.punt, on_record, &s, NULL);
	if (!ASSERT_OK_PTR(rb, "ring buffer") || !ASSERT_OK(vports_create(NULL, NULL, &vp),
							    "vports"))
		goto out;

	/* The parent's GARP: one record naming V, the packet goes on. */
	if (!ASSERT_OK(garp(&f, rb, 0x0a000064, &s), "GARP"))
		goto out;
	ASSERT_EQ(s.n, 1, "one record");
	ASSERT_EQ(PUNT_OPCODE(s.ev.opcode), ACT_BIND_VPORT, "bind_vport verb");
	ASSERT_FALSE(s.ev.opcode & PUNT_F_UNSUPPORTED, "supported");
	ASSERT_EQ(PUNT_ARG(s.ev.opcode), VKEY, "V's key");
	ASSERT_EQ(ntohl(s.ev.md.inport), 1, "parent p1 as inport");
	ASSERT_EQ(ntohl(s.ev.md.metadata), 1, "datapath");
	ASSERT_EQ(ctx.x.n_out, 1, "the GARP goes on");
	ASSERT_EQ(ctx.x.out_port[0], 2, "to p2");
	ASSERT_EQ(vports_note(vp, &s.ev, s.len), 1, "the record pends");
	ASSERT_EQ(vports_note(vp, &s.ev, s.len), 0, "the same one again: deduplicated");
	ASSERT_EQ(vports_pending(vp), 1, "one pending");

	/* An unknown V: nothing punted, the packet goes on. */
	if (!ASSERT_OK(garp(&f, rb, 0x0a000065, &s), "GARP for unknown V"))
		goto out;
	ASSERT_EQ(s.n, 0, "no record");
	ASSERT_EQ(ctx.x.n_out, 1, "delivered");

	/* Outport V: delivered to the parent's interface as V. */
	len = pkt_arp(pkt, VMAC, MAC1, 2, MAC1, htonl(0x0a000001), VMAC, htonl(0x0a000064));
	if (!ASSERT_OK(pl_run_ctx(&f, pkt, len, NULL, &ctx), "to VMAC"))
		goto out;
	ASSERT_EQ(ctx.x.n_out, 1, "delivered once");
	ASSERT_EQ(ctx.x.out_port[0], VKEY, "as V");
	ASSERT_EQ(ctx.x.out_ifindex[0], LO, "on the parent's interface");
	ASSERT_OK(vif_port(&f, LO, &port), "ovn_vifs entry");
	ASSERT_EQ(port, 1, "the interface is still p1's");
	ASSERT_OK(compile_port_del(c, "v"), "V goes");
	ASSERT_OK(compile_commit(c), "commit");
	ASSERT_OK(vif_port(&f, LO, &port), "ovn_vifs entry after V");
	ASSERT_EQ(port, 1, "still p1's");
	vports_get_stats(vp, &st);
	ASSERT_EQ(st.punts, 2, "two punts noted");
	ASSERT_EQ(st.deduped, 1, "one deduplicated");
out:
	meter_bind_writer(NULL);
	meter_set_default(METER_DEFAULT_PPS, METER_DEFAULT_BURST);
	vports_destroy(vp);
	ring_buffer__free(rb);
	compiler_free(c);
	pl_fix_close(&f);
}
