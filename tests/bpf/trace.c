// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ovnbpfctl trace's two halves below the command:
 *   - the BPF recording (bpf/lib/trace.h): a daemon-style load records
 *     nothing and is smaller (the verifier removed the branches); a tracing
 *     load records the stage, its flow, the drop;
 *   - the microflow (loader/trace_flow.c): parsed with ovn-trace's rules,
 *     turned into a frame the datapath's parser reads back field for field.
 */
#include <arpa/inet.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "loader/symtab.h"
#include "loader/trace.h"
#include "maps/drop_reasons.h"
#include "maps/trace.h"
#include "ovnbpf_vif.skel.h"

#define LO 1

struct tr_fix {
	struct ovnbpf_vif *skel;
	struct ovnbpf_maps m;
	struct ovnbpf_writer *w;
	__u32 flow;
	int trace_refs;		/* loads of ovn_trace's address left in the program */
};

/* How many ld_imm64 of the translated program load map MAP_ID (the
 * kernel dumps map pointers as ids). */
static int map_refs(int prog_fd, __u32 map_id)
{
	struct bpf_prog_info info = {};
	__u32 ilen = sizeof(info), n, i;
	struct bpf_insn *insns;
	int refs = 0;

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &ilen) || !info.xlated_prog_len)
		return -1;
	n = info.xlated_prog_len / sizeof(*insns);
	insns = calloc(n, sizeof(*insns));
	if (!insns)
		return -1;
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = n * sizeof(*insns);
	info.xlated_prog_insns = (__u64)(unsigned long)insns;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &ilen)) {
		free(insns);
		return -1;
	}
	for (i = 0; i + 1 < n; i++)
		if (insns[i].code == (BPF_LD | BPF_DW | BPF_IMM) &&
		    (insns[i].src_reg == BPF_PSEUDO_MAP_FD ||
		     insns[i].src_reg == BPF_PSEUDO_MAP_VALUE) &&
		    (__u32)insns[i].imm == map_id)
			refs++;
	free(insns);
	return refs;
}

/* dp 1, VIF port 1 on lo; ls_in table 0 has one flow, `drop;`. */
static int tr_open(struct tr_fix *f, bool trace)
{
	struct ovn_port p1 = { .ifindex = LO, .type = OVN_PORT_VIF, .ct_zone = 1 };
	struct ovn_vif v = { .dp = 1, .port = 1, .ct_zone = 1 };
	struct ovn_op drop = { .code = OVN_OP_DROP };
	struct ovnbpf_flow_spec s = { .dp = 1, .pipeline = OVN_PIPE_INGRESS, .table = 0,
				      .priority = 7, .ops = &drop, .n_ops = 1 };
	struct bpf_map_info mi = {};
	__u32 mlen = sizeof(mi);
	int err;

	memset(f, 0, sizeof(*f));
	f->skel = ovnbpf_vif__open();
	if (!f->skel)
		return -errno;
	f->skel->rodata->ovn_trace_on = trace;
	bpf_test_unpin_all(f->skel->obj);
	err = ovnbpf_vif__load(f->skel);
	if (err)
		return err;
	if (bpf_obj_get_info_by_fd(bpf_map__fd(f->skel->maps.ovn_trace), &mi, &mlen))
		return -errno;
	f->trace_refs = map_refs(bpf_program__fd(f->skel->progs.ovnbpf_from_vif), mi.id);
	err = ovnbpf_maps_from_object(f->skel->obj, &f->m) ?: ovnbpf_writer_new(&f->m, &f->w);
	if (err)
		return err;
	ovnbpf_writer_set_grace(f->w, 0);
	err = ovnbpf_datapath_add(f->w, 1, OVN_DP_SWITCH) ?: ovnbpf_port_add(f->w, 1, 1, &p1) ?:
	      ovnbpf_vif_add(f->w, LO, &v) ?: ovnbpf_flow_add(f->w, &s, &f->flow) ?:
	      ovnbpf_commit(f->w);
	return err;
}

static void tr_close(struct tr_fix *f)
{
	ovnbpf_writer_free(f->w);
	ovnbpf_vif__destroy(f->skel);
}

static int tr_run(struct tr_fix *f, const void *pkt, size_t len, struct ovn_trace_buf *b)
{
	__u32 zero = 0, ret;
	int fd = bpf_map__fd(f->skel->maps.ovn_trace);

	memset(b, 0, sizeof(*b));
	if (bpf_map_update_elem(fd, &zero, b, BPF_ANY))
		return -errno;
	if (bpf_test_run_skb(bpf_program__fd(f->skel->progs.ovnbpf_from_vif), pkt, len, &ret,
			     NULL, NULL))
		return -1;
	return bpf_map_lookup_elem(fd, &zero, b) ? -errno : 0;
}

static bool port_lookup(void *aux, const char *name, uint32_t *key)
{
	(void)aux;
	if (strcmp(name, "p1"))
		return false;
	*key = 1;
	return true;
}

void test_trace_bpf(void)
{
	static const char *mf = "inport == \"p1\" && eth.src == 0a:00:00:00:00:01 && "
				"eth.dst == 0a:00:00:00:00:02 && ip4.src == 10.0.0.1 && "
				"ip4.dst == 10.0.0.2 && ip.ttl == 64 && udp.src == 5 && udp.dst == 53";
	struct ovn_trace_buf *b = calloc(1, sizeof(*b));
	struct tr_fix off, on;
	struct symtab *st = symtab_create_ovn();
	struct ovn_flow_key key;
	struct ovn_md md;
	uint8_t frame[256];
	size_t n;
	char *err = NULL;

	if (!ASSERT_OK_PTR(b, "calloc") || !ASSERT_OK_PTR(st, "symtab"))
		goto out_free;
	if (!ASSERT_OK(trace_microflow_parse(mf, st, port_lookup, NULL, &md, &key, &err), "parse"))
		goto out_free;
	ASSERT_EQ(ntohl(md.inport), 1, "inport key");
	ASSERT_EQ(ntohs(key.eth_type), 0x0800, "eth.type from the prerequisites");
	ASSERT_EQ(key.ip_proto, 17, "ip.proto from udp.*");
	ASSERT_EQ(key.ip_ttl, 64, "ttl");
	n = trace_build_frame(&key, frame, sizeof(frame));
	ASSERT_EQ(n, 14 + 20 + 8, "frame length");

	if (!ASSERT_OK(tr_open(&off, false), "daemon-style load"))
		goto out_off;
	if (ASSERT_OK(tr_run(&off, frame, n, b), "run, tracing off"))
		ASSERT_EQ(b->n_ev, 0, "tracing off records nothing");

	if (!ASSERT_OK(tr_open(&on, true), "tracing load"))
		goto out_on;
	/* The verifier removed every recording branch of the daemon-style
	 * load: no instruction of it even loads the trace map. */
	ASSERT_EQ(off.trace_refs, 0, "tracing off: ovn_trace never referenced");
	ASSERT_GT(on.trace_refs, 0, "tracing on: ovn_trace referenced");
	if (ASSERT_OK(tr_run(&on, frame, n, b), "run, tracing on") &&
	    ASSERT_EQ(b->n_ev, 2, "stage + drop")) {
		ASSERT_EQ(b->ev[0].kind, OVN_TR_STAGE, "stage event");
		ASSERT_EQ(b->ev[0].flow, on.flow, "matched flow id");
		ASSERT_EQ(b->ev[0].prio, 7, "its priority");
		ASSERT_EQ(b->ev[0].port, 1, "inport");
		ASSERT_EQ(b->ev[1].kind, OVN_TR_DROP, "drop event");
		ASSERT_EQ(b->ev[1].arg, DROP_STAGE_ACTION, "drop reason");
		ASSERT_EQ(b->n_out, 0, "no output");
	}
out_on:
	tr_close(&on);
out_off:
	tr_close(&off);
out_free:
	free(err);
	free(b);
	if (st)
		symtab_destroy(st);
}

void test_trace_microflow(void)
{
	struct symtab *st = symtab_create_ovn();
	struct ovn_flow_key key;
	struct ovn_md md;
	uint8_t fr[256];
	char *err = NULL;
	size_t n;

	if (!ASSERT_OK_PTR(st, "symtab"))
		return;
	test__start_subtest("ambiguous");
	ASSERT_ERR(trace_microflow_parse("tcp.dst == 80", st, port_lookup, NULL, &md, &key, &err),
		   "ip4 or ip6?");
	ASSERT_TRUE(err && strstr(err, "ambiguous"), "says ambiguous");
	free(err);
	err = NULL;
	test__start_subtest("contradictory");
	ASSERT_ERR(trace_microflow_parse("ip4 && ip6", st, port_lookup, NULL, &md, &key, &err),
		   "ip4 && ip6");
	free(err);
	err = NULL;
	test__start_subtest("unknown port");
	ASSERT_ERR(trace_microflow_parse("inport == \"zz\"", st, port_lookup, NULL, &md, &key, &err),
		   "zz");
	ASSERT_TRUE(err && strstr(err, "\"zz\""), "names the port");
	free(err);
	err = NULL;
	test__start_subtest("nd_ns frame");
	if (ASSERT_OK(trace_microflow_parse("eth.src == 0a:00:00:00:00:01 && ip6.src == fd00::1 && "
					    "ip6.dst == ff02::1:ff00:2 && ip.ttl == 255 && "
					    "icmp6.type == 135 && icmp6.code == 0 && "
					    "nd.target == fd00::2 && nd.sll == 0a:00:00:00:00:01",
					    st, port_lookup, NULL, &md, &key, &err), "parse ns")) {
		n = trace_build_frame(&key, fr, sizeof(fr));
		ASSERT_EQ(n, 14 + 40 + 24 + 8, "NS with SLL option");
		ASSERT_EQ(fr[14 + 6], 58, "next header icmp6");
		ASSERT_EQ(fr[14 + 40], 135, "type");
		ASSERT_EQ(fr[14 + 40 + 24], 1, "SLL option");
	}
	test__start_subtest("metadata mask");
	{
		struct ovn_md mask;

		if (ASSERT_OK(trace_microflow_parse_mask("inport == \"p1\" && flags.loopback == 1 && "
							 "reg0[3] == 1 && reg2 == 0 && "
							 "eth.type == 0x88b5", st, port_lookup,
							 NULL, &md, &mask, &key, &err),
			      "parse with registers")) {
			ASSERT_EQ(ntohl(md.flags), 1, "flags.loopback set");
			ASSERT_EQ(ntohl(mask.flags), 1, "only flags.loopback named");
			ASSERT_EQ(ntohl(md.reg[0]), 8, "reg0[3] set");
			ASSERT_EQ(ntohl(mask.reg[0]), 8, "only reg0[3] named");
			ASSERT_EQ(mask.reg[2], 0xffffffffu, "reg2 == 0 named whole");
			ASSERT_EQ(mask.reg[1], 0, "reg1 not named");
			ASSERT_EQ(mask.inport, 0xffffffffu, "inport named");
			ASSERT_EQ(mask.ct_state, 0, "ct_state not named");
		}
	}
	test__start_subtest("arp frame");
	if (ASSERT_OK(trace_microflow_parse("arp.op == 1 && arp.spa == 10.0.0.1 && arp.tpa == 10.0.0.2",
					    st, port_lookup, NULL, &md, &key, &err), "parse arp")) {
		n = trace_build_frame(&key, fr, sizeof(fr));
		ASSERT_EQ(n, 14 + 28, "ARP frame");
		ASSERT_EQ(fr[12] << 8 | fr[13], 0x0806, "ethertype");
		ASSERT_EQ(fr[21], 1, "op");
	}
	free(err);
	symtab_destroy(st);
}
