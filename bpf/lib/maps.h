/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Every map of the pipeline executor.  ABI structs live in the maps/ headers; the
 * user-space writer is maps/ovnbpf_maps.c.  All maps are pinned by name so
 * that a restarted ovnbpfd finds them.
 */
#pragma once

#include "lib/common.h"
#include "maps/context.h"
#include "maps/pipeline.h"
#include "maps/actions.h"
#include "maps/ports.h"
#include "maps/punt.h"
#include "maps/counters.h"

/* ovn_ctx: the per-packet context (maps/context.h), one per CPU.  Written
 * and read by BPF only (tests read it after a run). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct ovn_ctx);
	__uint(max_entries, 2);		/* [1]: continuations (maps/resume.h) */
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_ctx SEC(".maps");

/* ovn_gen[0]: the active rule version.  Written by ovnbpfd at commit. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_gen SEC(".maps");

/* ovn_dps: local datapath key -> type, table counts, passthrough tables.
 * Written by ovnbpfd. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct ovn_dp);
	__uint(max_entries, OVN_MAX_DPS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_dps SEC(".maps");

/* ovn_stages: (dp, pipeline, table, cont) -> its subtables (cont 0: the
 * head; the rest continue the list, maps/pipeline.h).  Written by ovnbpfd. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct ovn_stage_key);
	__type(value, struct ovn_stage);
	__uint(max_entries, OVN_MAX_STAGES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_stages SEC(".maps");

/* ovn_stage_descs: (datapath slot, copy, stage) -> the stage's subtables
 * and its catch-all cells (maps/pipeline.h), the fast path of entering a
 * stage.  Written by ovnbpfd. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct ovn_stage_desc);
	__uint(max_entries, OVN_MAX_DESCS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_stage_descs SEC(".maps");

/* ovn_subtables: subtable id -> context words and masks.  Written by
 * ovnbpfd before any stage lists the id. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct ovn_subtable);
	__uint(max_entries, OVN_MAX_SUBTABLES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_subtables SEC(".maps");

/* ovn_cls: (subtable, masked words, slot) -> flows with versions.
 * Written by ovnbpfd. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct ovn_cls_key);
	__type(value, struct ovn_cls_val);
	__uint(max_entries, OVN_MAX_CLS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_cls SEC(".maps");

/* ovn_flows: flow id -> action program and set tests.  Written by ovnbpfd
 * before the flow's cell is visible. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct ovn_flow);
	__uint(max_entries, OVN_MAX_FLOWS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_flows SEC(".maps");

/* ovn_progs: program id -> compiled actions.  Written by ovnbpfd before
 * any flow refers to it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct ovn_prog);
	__uint(max_entries, OVN_MAX_PROGS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_progs SEC(".maps");

/* ovn_set_hash: exact members of address sets, port groups and inline
 * value sets; port-group and port-security memberships only when they do
 * not fit in the port's record in ovn_ports (OVN_PORT_F_SPILL).  Written
 * by ovnbpfd. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct ovn_set_key);
	__type(value, struct ovn_set_member);
	__uint(max_entries, OVN_MAX_SET_MEMBERS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_set_hash SEC(".maps");

/* ovn_set_lpm: CIDR members of IP address sets.  Written by ovnbpfd. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct ovn_set_lpm_key);
	__type(value, struct ovn_set_member);
	__uint(max_entries, OVN_MAX_SET_MEMBERS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_set_lpm SEC(".maps");

/* ovn_ports: (dp, port key) -> where output goes, and the port's record of
 * group memberships and own addresses read by set tests (maps/ports.h).
 * Written by ovnbpfd's map writer. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct ovn_port_key);
	__type(value, struct ovn_port);
	__uint(max_entries, OVN_MAX_PORTS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_ports SEC(".maps");

/* ovn_vifs: ifindex of a host-side veth -> logical port.  Written by
 * ovnbpfd when it binds an interface. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct ovn_vif);
	__uint(max_entries, OVN_MAX_PORTS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_vifs SEC(".maps");

/* ovn_mcgroups: (dp, group key) -> member count and page generation
 * (maps/ports.h).  Written by ovnbpfd from SB Multicast_Group. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct ovn_port_key);
	__type(value, struct ovn_mcgroup);
	__uint(max_entries, OVN_MAX_MCGROUPS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_mcgroups SEC(".maps");

/* ovn_mcpages: (dp, group key, generation, page) -> up to 64 member
 * ports.  Written by ovnbpfd with the group's head. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct ovn_mcpage_key);
	__type(value, struct ovn_mcpage);
	__uint(max_entries, OVN_MAX_MCPAGES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_mcpages SEC(".maps");

/* ovn_stage_stats: per-stage hit/drop counters, per CPU.  Written by BPF,
 * read by ovnbpfctl and tests. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct ovn_stage_stats);
	__uint(max_entries, OVN_STAGE_IDX_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_stage_stats SEC(".maps");

/* ovn_punt: packets for the control plane.  Written by BPF, read by
 * ovnbpfd. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, OVN_PUNT_RINGBUF);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_punt SEC(".maps");

/* ovn_meters: per-CPU token buckets of punts.  Rates written by ovnbpfd,
 * tokens by BPF. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct ovn_meter);
	__uint(max_entries, OVN_MAX_METERS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_meters SEC(".maps");
