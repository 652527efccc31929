// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ovnbpfctl trace (trace.h): load a private tracing copy of the datapath,
 * compile the SB into it, run the microflow's packet once, print the path.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <jansson.h>

#include "loader/actions.h"
#include "loader/compile.h"
#include "loader/log.h"
#include "loader/symtab.h"
#include "loader/punt.h"
#include "loader/trace.h"
#include "maps/counters.h"
#include "maps/drop_reasons.h"
#include "maps/ovnbpf_maps.h"
#include "maps/trace.h"
#include "ovnbpf_vif.skel.h"

/* BPF_PROG_TEST_RUN gives the packet the loopback device. */
#define TRACE_IFINDEX	1

enum trace_fmt { FMT_DETAILED, FMT_SUMMARY, FMT_JSON };

struct tracer {
	struct trace_sb sb;
	const struct trace_dp *dp;	/* the datapath given */
	struct ovn_trace_buf *buf;
	const char *microflow;
	__u32 drop_reason;		/* from ovn_drops when no event says */
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: ovnbpfctl trace [OPTIONS] DATAPATH MICROFLOW\n"
"  Run MICROFLOW (an OVN match naming the packet's fields, as for ovn-trace)\n"
"  through the BPF datapath compiled from the whole southbound DB, in a\n"
"  private copy that touches no running ovnbpfd, and print its path.\n"
"Options:\n"
"  --ovnsb-db=REMOTE  southbound DB (default $OVN_SB_DB, else\n"
"                     unix:/var/run/ovn/ovnsb_db.sock)\n"
"  --ct=FLAGS         ct_state for the next conntrack action (repeatable; each\n"
"                     action takes the next one, then est), e.g. new or est,rpl\n"
"  --detailed         every stage with its flow's match and actions (default)\n"
"  --summary          the actions only, nested as the packet forks\n"
"  --json             outputs and drop as JSON, for machines\n"
"  --timeout=SECS     wait at most SECS for the southbound (default 30)\n"
"  -h, --help         print this help\n");
}

/* "new,est,rpl" -> OVN_CS_* bits (always tracked). */
static int parse_ct(const char *s, __u32 *out)
{
	static const struct { const char *n; int bit; } names[] = {
		{ "new", OVN_CS_NEW }, { "est", OVN_CS_EST }, { "rel", OVN_CS_REL },
		{ "rpl", OVN_CS_RPL }, { "inv", OVN_CS_INV }, { "trk", OVN_CS_TRK },
		{ "snat", OVN_CS_SNAT }, { "dnat", OVN_CS_DNAT },
	};
	char *copy = strdup(s), *tok, *save = NULL;
	__u32 v = 1u << OVN_CS_TRK;
	int err = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",|+ ", &save); tok && !err; tok = strtok_r(NULL, ",|+ ", &save)) {
		size_t i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcmp(tok, names[i].n) ||
			    (tok[0] == '+' && !strcmp(tok + 1, names[i].n)))
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			err = -EINVAL;
		else
			v |= 1u << names[i].bit;
	}
	free(copy);
	*out = v;
	return err;
}

/* ---- names ---- */

static const char *dp_name(const struct tracer *t, __u32 key)
{
	const struct trace_dp *d = trace_sb_dp(&t->sb, key);
	static char buf[16];

	if (d)
		return d->name;
	snprintf(buf, sizeof(buf), "%u", key);
	return buf;
}

static const char *port_name(const struct tracer *t, __u32 dp, __u32 key, char *buf)
{
	const struct trace_port *p = trace_sb_port(&t->sb, dp, key);

	if (p)
		return p->name;
	snprintf(buf, 16, "%u", key);
	return buf;
}

static const char *stage_name(const struct tracer *t, const struct ovn_trace_ev *e)
{
	return trace_sb_stage(&t->sb, e->dp, e->pipeline, e->table);
}

/* ---- headers ---- */

static void mac_str(const __u8 *m, char *b)
{
	sprintf(b, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void put_mac(json_t *o, const char *n, const __u8 *m)
{
	char b[18];

	mac_str(m, b);
	json_object_set_new(o, n, json_string(b));
}

static void put_ip4(json_t *o, const char *n, __be32 a)
{
	char b[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, b, sizeof(b));
	json_object_set_new(o, n, json_string(b));
}

static void put_ip6(json_t *o, const char *n, const __u8 *a)
{
	char b[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a, b, sizeof(b));
	json_object_set_new(o, n, json_string(b));
}

static void put_int(json_t *o, const char *n, long long v)
{
	json_object_set_new(o, n, json_integer(v));
}

/* Every header field the packet carries, in OVN's notation. */
static json_t *headers_json(const struct ovn_flow_key *k)
{
	json_t *h = json_object();
	__u16 type = ntohs(k->eth_type);
	bool v4 = type == 0x0800, v6 = type == 0x86dd;

	put_mac(h, "eth.src", k->eth_src);
	put_mac(h, "eth.dst", k->eth_dst);
	put_int(h, "eth.type", type);
	if (ntohs(k->vlan_tci) & 0x1000)
		put_int(h, "vlan.tci", ntohs(k->vlan_tci));
	if (v4) {
		put_ip4(h, "ip4.src", k->ip4_src);
		put_ip4(h, "ip4.dst", k->ip4_dst);
	} else if (v6) {
		put_ip6(h, "ip6.src", k->ip6_src);
		put_ip6(h, "ip6.dst", k->ip6_dst);
		put_int(h, "ip6.label", ntohl(k->ip6_label) & 0xfffff);
	}
	if (v4 || v6) {
		put_int(h, "ip.proto", k->ip_proto);
		put_int(h, "ip.ttl", k->ip_ttl);
		put_int(h, "ip.dscp", k->ip_tos >> 2);
		put_int(h, "ip.ecn", k->ip_tos & 3);
		switch (k->ip_proto) {
		case 6:
			put_int(h, "tcp.src", ntohs(k->tp_src));
			put_int(h, "tcp.dst", ntohs(k->tp_dst));
			put_int(h, "tcp.flags", ntohs(k->tcp_flags) & 0xfff);
			break;
		case 17:
			put_int(h, "udp.src", ntohs(k->tp_src));
			put_int(h, "udp.dst", ntohs(k->tp_dst));
			break;
		case 132:
			put_int(h, "sctp.src", ntohs(k->tp_src));
			put_int(h, "sctp.dst", ntohs(k->tp_dst));
			break;
		case 1:
			if (v4) {
				put_int(h, "icmp4.type", k->icmp_type);
				put_int(h, "icmp4.code", k->icmp_code);
			}
			break;
		case 58:
			if (!v6)
				break;
			put_int(h, "icmp6.type", k->icmp_type);
			put_int(h, "icmp6.code", k->icmp_code);
			if (k->icmp_type == 135 || k->icmp_type == 136)
				put_ip6(h, "nd.target", k->nd_target);
			if (k->icmp_type == 135)
				put_mac(h, "nd.sll", k->nd_sll);
			if (k->icmp_type == 136)
				put_mac(h, "nd.tll", k->nd_tll);
			break;
		}
	}
	if (type == 0x0806) {
		put_int(h, "arp.op", ntohs(k->arp_op));
		put_mac(h, "arp.sha", k->arp_sha);
		put_ip4(h, "arp.spa", k->arp_spa);
		put_mac(h, "arp.tha", k->arp_tha);
		put_ip4(h, "arp.tpa", k->arp_tpa);
	}
	return h;
}

/* ---- JSON ---- */

static const struct ovn_trace_ev *first_drop(const struct tracer *t)
{
	__u32 n = t->buf->n_ev < OVN_TRACE_MAX_EV ? t->buf->n_ev : OVN_TRACE_MAX_EV;

	for (__u32 i = 0; i < n; i++)
		if (t->buf->ev[i].kind == OVN_TR_DROP)
			return &t->buf->ev[i];
	return NULL;
}

static json_t *trace_json(const struct tracer *t)
{
	__u32 n = t->buf->n_out < OVN_TRACE_MAX_OUT ? t->buf->n_out : OVN_TRACE_MAX_OUT;
	json_t *r = json_object(), *outs = json_array();
	char pb[16];

	for (__u32 i = 0; i < n; i++) {
		const struct ovn_trace_out *o = &t->buf->out[i];
		json_t *j = json_object();

		json_object_set_new(j, "datapath", json_string(dp_name(t, o->dp)));
		json_object_set_new(j, "outport", json_string(port_name(t, o->dp, o->port, pb)));
		json_object_set_new(j, "headers", headers_json(&o->key));
		json_array_append_new(outs, j);
	}
	json_object_set_new(r, "outputs", outs);
	/* All deliveries, also those past the recorded OVN_TRACE_MAX_OUT. */
	json_object_set_new(r, "n_outputs", json_integer(t->buf->n_out));
	if (n) {
		json_object_set_new(r, "drop", json_null());
	} else {
		const struct ovn_trace_ev *d = first_drop(t);
		json_t *dj = json_object();

		if (d) {
			json_object_set_new(dj, "stage", json_string(stage_name(t, d)));
			json_object_set_new(dj, "reason",
					    json_string(ovnbpf_drop_reason_name(d->arg)));
		} else {
			json_object_set_new(dj, "stage", json_null());
			json_object_set_new(dj, "reason",
					    json_string(ovnbpf_drop_reason_name(t->drop_reason)));
		}
		json_object_set_new(r, "drop", dj);
	}
	if (t->buf->n_ev > OVN_TRACE_MAX_EV || t->buf->n_out > OVN_TRACE_MAX_OUT)
		json_object_set_new(r, "truncated", json_true());
	return r;
}

/* ---- text ---- */

struct printer {
	const struct tracer *t;
	bool summary;
	int depth;			/* summary: open blocks */
	/* last stage printed, for passthrough stages skipped by the datapath */
	__u32 dp;
	int pipeline, table;
};

static void indent(const struct printer *p)
{
	for (int i = 0; i < p->depth; i++)
		fputs("    ", stdout);
}

static void header(struct printer *p, const char *text)
{
	if (p->summary) {
		indent(p);
		printf("%s {\n", text);
		p->depth++;
		return;
	}
	printf("\n%s\n", text);
	for (size_t i = 0; i < strlen(text); i++)
		putchar('-');
	putchar('\n');
}

static void comment(const struct printer *p, const char *fmt, const char *a, const char *b)
{
	indent(p);
	fputs(p->summary ? "" : "    ", stdout);
	fputs("/* ", stdout);
	printf(fmt, a, b);
	fputs(" */\n", stdout);
}

static void print_flow(struct printer *p, uint8_t table, const char *stage,
		       const struct trace_lflow *f, int prio)
{
	if (p->summary) {
		indent(p);
		printf("%s\n", f ? f->actions : "(flow not in the southbound)");
		return;
	}
	printf("%2u. %s: %s, priority %d, uuid %.8s\n", table, stage,
	       f ? f->match : "?", f ? f->priority : prio, f ? f->uuid : "?");
	printf("    %s\n", f ? f->actions : "?");
}

/* The stages the datapath skipped for free (their only flow is next;). */
static void passthrough(struct printer *p, __u32 dp, int pipeline, int upto)
{
	if (p->dp != dp || p->pipeline != pipeline)
		return;
	for (int t = p->table + 1; t < upto; t++) {
		const struct trace_lflow *f = trace_sb_passthrough(&p->t->sb, dp, pipeline, t);

		if (f && !p->summary)
			print_flow(p, t, f->stage, f, f->priority);
	}
}

static void print_text(const struct tracer *t, bool summary, const struct ovn_md *md)
{
	struct printer p = { .t = t, .summary = summary, .pipeline = -1, .table = -1 };
	__u32 n = t->buf->n_ev < OVN_TRACE_MAX_EV ? t->buf->n_ev : OVN_TRACE_MAX_EV;
	__u32 cur_dp = t->dp->key, inport = ntohl(md->inport), outport = 0;
	bool need_ingress = true;
	char hb[512], pa[16], pb[16];

	printf("# %s\n", t->microflow);
	for (__u32 i = 0; i < n; i++) {
		const struct ovn_trace_ev *e = &t->buf->ev[i];

		switch (e->kind) {
		case OVN_TR_STAGE:
		case OVN_TR_NO_MATCH:
			if (e->pipeline == OVN_PIPE_HELPER) {
				const char *h = e->flow < t->sb.n_ids ? t->sb.id_helper[e->flow]
								      : NULL;

				if (p.summary)
					break;
				/* Port security by address sets: one flow for all
				 * ports, named after the port it checked. */
				if (h && !strcmp(h, TRACE_PS_SETS)) {
					snprintf(hb, sizeof(hb), "port security of \"%s\" (address sets)",
						 port_name(t, e->dp, e->table == OVN_HT_PORT_SEC_OUT
								 ? outport : e->port, pa));
					h = hb;
				}
				if (e->kind == OVN_TR_NO_MATCH)
					printf("    %s: no match\n", stage_name(t, e));
				else
					printf("    %s: %s, priority %d\n", stage_name(t, e),
					       h ? h : "?", e->prio);
				break;
			}
			if (need_ingress && e->pipeline == OVN_PIPE_INGRESS) {
				snprintf(hb, sizeof(hb), "ingress(dp=\"%s\", inport=\"%s\")",
					 dp_name(t, e->dp), port_name(t, e->dp, e->port, pa));
				header(&p, hb);
				need_ingress = false;
				p.dp = e->dp;
				p.pipeline = OVN_PIPE_INGRESS;
				p.table = -1;
			}
			/* the inport of the datapath the packet is in now */
			if (e->kind == OVN_TR_STAGE && e->pipeline == OVN_PIPE_INGRESS)
				inport = e->port;
			passthrough(&p, e->dp, e->pipeline, e->table);
			p.dp = e->dp;
			p.pipeline = e->pipeline;
			p.table = e->table;
			if (e->kind == OVN_TR_NO_MATCH) {
				if (!p.summary)
					printf("%2u. %s: no match (implicit drop)\n", e->table,
					       stage_name(t, e));
				break;
			}
			{
				int32_t lf = trace_sb_flow_lflow(&t->sb, e->flow, e->port, e->arg);

				print_flow(&p, e->table, stage_name(t, e),
					   lf >= 0 ? &t->sb.lflows[lf] : NULL, e->prio);
			}
			break;
		case OVN_TR_EGRESS:
			outport = e->port;
			/* arg: the chassisredirect port it replaces
			 * (bpf/lib/gw_redirect.h), as ovn-trace says it. */
			if (e->arg)
				comment(&p, "Replacing type \"chassisredirect\" outport \"%s\" "
					"with distributed port \"%s\".",
					port_name(t, e->dp, e->arg, pa),
					port_name(t, e->dp, e->port, pb));
			if (p.summary)
				while (p.depth > 1 && cur_dp != e->dp) {
					p.depth--;
					indent(&p);
					puts("};");
					cur_dp = e->dp;
				}
			snprintf(hb, sizeof(hb), "egress(dp=\"%s\", inport=\"%s\", outport=\"%s\")",
				 dp_name(t, e->dp), port_name(t, e->dp, inport, pa),
				 port_name(t, e->dp, outport, pb));
			header(&p, hb);
			p.dp = e->dp;
			p.pipeline = OVN_PIPE_EGRESS;
			p.table = -1;
			break;
		case OVN_TR_PATCH:
			comment(&p, "output to \"%s\", into datapath \"%s\"",
				port_name(t, e->dp, e->port, pa), dp_name(t, e->arg));
			need_ingress = true;
			cur_dp = e->arg;
			break;
		case OVN_TR_OUTPUT: {
			const struct trace_port *tp = trace_sb_port(&t->sb, e->dp, e->port);

			comment(&p, "output to \"%s\", type \"%s\"", port_name(t, e->dp, e->port, pa),
				tp ? tp->type : "?");
			if (p.summary && p.depth > 1) {
				p.depth--;
				indent(&p);
				puts("};");
			}
			break;
		}
		case OVN_TR_DROP:
			snprintf(pb, sizeof(pb), "%u", e->arg);
			comment(&p, "dropped in %s: %s", stage_name(t, e),
				ovnbpf_drop_reason_name(e->arg));
			if (p.summary && p.pipeline == OVN_PIPE_EGRESS && p.depth > 1) {
				p.depth--;
				indent(&p);
				puts("};");
			}
			break;
		case OVN_TR_PUNT: {
			/* The verb is the low byte; the rest are its arguments. */
			__u32 type = PUNT_OPCODE(e->arg);
			const char *an = type < ACT__MAX ? action_info(type)->name : "?";

			comment(&p, e->arg & COMPILE_PUNT_UNSUPPORTED
				? "%s: not executed by the datapath yet, punted%s"
				: "%s: sent to ovnbpfd%s", an,
				(e->port & OVN_PUNT_F_CONTINUE) ? " (a copy; the pipeline goes on)"
				: (e->port & OVN_PUNT_F_RESUMES)
				? " (assumed answered, as ovn-trace does: the pipeline goes on with the result 1)"
				: "");
			break;
		}
		case OVN_TR_CT: {
			char st[16];

			snprintf(st, sizeof(st), "0x%x", e->arg);
			comment(&p, "conntrack: ct_state = %s%s", st, "");
			break;
		}
		default:
			break;
		}
	}
	while (p.summary && p.depth > 0) {
		p.depth--;
		indent(&p);
		puts("};");
	}
	if (t->buf->n_ev > OVN_TRACE_MAX_EV)
		printf("# (trace truncated after %u events)\n", OVN_TRACE_MAX_EV);
	/* A flood on a big multicast group outruns the recording: say how
	 * many ports got the packet. */
	if (t->buf->n_ev > OVN_TRACE_MAX_EV || t->buf->n_out > OVN_TRACE_MAX_OUT)
		printf("# %u outputs in all\n", t->buf->n_out);
	if (!t->buf->n_out && !first_drop(t))
		printf("# dropped: %s\n", ovnbpf_drop_reason_name(t->drop_reason));
}

/* ---- running ---- */

struct lookup_aux {
	const struct tracer *t;
};

static bool lookup_port(void *aux, const char *name, uint32_t *key)
{
	const struct tracer *t = aux;
	const struct trace_port *p = trace_sb_port_by_name(&t->sb, name);

	if (!p || p->dp != t->dp->key)
		return false;
	*key = p->key;
	return true;
}

/* The reason ovn_drops counted, when the pipeline recorded none. */
static __u32 counted_drop(int fd)
{
	int ncpu = libbpf_num_possible_cpus();
	struct ovnbpf_counter *v;
	__u32 r, hit = DROP_NONE;

	if (ncpu <= 0 || !(v = calloc(ncpu, sizeof(*v))))
		return DROP_NONE;
	for (r = 1; r < DROP_MAX_REASON && hit == DROP_NONE; r++) {
		if (bpf_map_lookup_elem(fd, &r, v))
			continue;
		for (int i = 0; i < ncpu; i++)
			if (v[i].packets)
				hit = r;
	}
	free(v);
	return hit;
}

int trace_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ovnsb-db", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'd' },
		{ "ct", required_argument, NULL, 'c' },
		{ "detailed", no_argument, NULL, 'D' },
		{ "summary", no_argument, NULL, 'S' },
		{ "minimal", no_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *remote = getenv("OVN_SB_DB") ?: "unix:/var/run/ovn/ovnsb_db.sock";
	struct ovn_trace_ct ct = { 0 };
	enum trace_fmt fmt = FMT_DETAILED;
	struct tracer t = { 0 };
	struct ovnbpf_vif *skel = NULL;
	struct ovnbpf_writer *w = NULL;
	struct compiler *c = NULL;
	struct symtab *st = NULL;
	struct ovnbpf_maps m;
	struct bpf_map *map;
	struct ovn_md md;
	struct ovn_trace_md seed = { 0 };
	struct ovn_flow_key key;
	struct ovn_vif vif;
	uint8_t frame[256];
	size_t flen;
	char *err = NULL, *end;
	int timeout_s = 30, ch, ret = 1, e;
	__u32 zero = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': remote = optarg; break;
		case 'c':
			if (ct.n >= OVN_TRACE_MAX_CT || parse_ct(optarg, &ct.state[ct.n])) {
				fprintf(stderr, "ovnbpfctl trace: bad --ct=%s (flags: new est rel "
					"rpl inv trk snat dnat; at most %d)\n", optarg,
					OVN_TRACE_MAX_CT);
				return 2;
			}
			ct.n++;
			break;
		case 'D': fmt = FMT_DETAILED; break;
		case 'S': fmt = FMT_SUMMARY; break;
		case 'j': fmt = FMT_JSON; break;
		case 't':
			timeout_s = strtol(optarg, &end, 10);
			if (*end || timeout_s <= 0) {
				fprintf(stderr, "ovnbpfctl trace: bad --timeout %s\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	t.microflow = argv[optind + 1];

	log_set_level(getenv("OVNBPF_TRACE_DEBUG") ? LOG_LVL_DBG : LOG_LVL_WARN);
	/* A private copy: tracing on, nothing pinned, nothing reused. */
	libbpf_set_print(NULL);
	skel = ovnbpf_vif__open();
	if (!skel) {
		fprintf(stderr, "ovnbpfctl trace: open the BPF object: %s\n", strerror(errno));
		goto out;
	}
	skel->rodata->ovn_trace_on = true;
	bpf_object__for_each_map(map, skel->obj)
		bpf_map__set_pin_path(map, NULL);
	e = ovnbpf_vif__load(skel);
	if (e) {
		fprintf(stderr, "ovnbpfctl trace: load the BPF datapath: %s\n", strerror(-e));
		goto out;
	}
	if (ovnbpf_maps_from_object(skel->obj, &m) || ovnbpf_writer_new(&m, &w)) {
		fprintf(stderr, "ovnbpfctl trace: the datapath's maps: %s\n", strerror(errno));
		goto out;
	}
	ovnbpf_writer_set_grace(w, 0);
	if (trace_sb_load(&t.sb, remote, timeout_s, &c, w))
		goto out;
	trace_sb_index(&t.sb, c);

	t.dp = trace_sb_dp_by_name(&t.sb, argv[optind]);
	if (!t.dp) {
		fprintf(stderr, "ovnbpfctl trace: unknown datapath \"%s\"\n", argv[optind]);
		goto out;
	}
	st = symtab_create_ovn();
	if (!st || trace_microflow_parse_mask(t.microflow, st, lookup_port, &t, &md, &seed.mask,
					      &key, &err)) {
		fprintf(stderr, "ovnbpfctl trace: %s\n", err ? err : "out of memory");
		goto out;
	}
	vif.dp = t.dp->key;
	vif.port = ntohl(md.inport);
	vif.ct_zone = vif.port;
	/* The rest of the microflow's metadata (registers, flags, ct_state)
	 * seeds the packet's; its datapath and inport are the VIF's. */
	seed.value = md;
	seed.mask.metadata = 0;
	seed.mask.inport = 0;
	flen = trace_build_frame(&key, frame, sizeof(frame));
	if (ovnbpf_vif_add(w, TRACE_IFINDEX, &vif) || !flen ||
	    bpf_map_update_elem(bpf_map__fd(skel->maps.ovn_trace_ct), &zero, &ct, BPF_ANY) ||
	    bpf_map_update_elem(bpf_map__fd(skel->maps.ovn_trace_md), &zero, &seed, BPF_ANY)) {
		fprintf(stderr, "ovnbpfctl trace: cannot set up the packet\n");
		goto out;
	}
	{
		LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = frame, .data_size_in = flen,
			    .repeat = 1);

		if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.ovnbpf_from_vif), &topts)) {
			fprintf(stderr, "ovnbpfctl trace: BPF_PROG_TEST_RUN: %s\n",
				strerror(errno));
			goto out;
		}
	}
	t.buf = calloc(1, sizeof(*t.buf));
	if (!t.buf || bpf_map_lookup_elem(bpf_map__fd(skel->maps.ovn_trace), &zero, t.buf)) {
		fprintf(stderr, "ovnbpfctl trace: read the trace: %s\n", strerror(errno));
		goto out;
	}
	t.drop_reason = counted_drop(m.drops);
	if (fmt == FMT_JSON) {
		json_t *j = trace_json(&t);

		json_dumpf(j, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(j);
	} else {
		print_text(&t, fmt == FMT_SUMMARY, &md);
	}
	ret = 0;
out:
	free(err);
	free(t.buf);
	if (st)
		symtab_destroy(st);
	compiler_free(c);
	ovnbpf_writer_free(w);
	trace_sb_free(&t.sb);
	ovnbpf_vif__destroy(skel);
	return ret;
}
