/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Numbered drop reasons, as Cilium's drop_reasons.h: BPF helpers return
 * -DROP_*; the entry program turns that into a counter bump and TC_ACT_SHOT.
 * Numbers are ABI (counters and trace output name them): append, never
 * renumber.  A reason that belongs to a logical stage is named after it.
 */
#ifndef __OVNBPF_MAPS_DROP_REASONS_H
#define __OVNBPF_MAPS_DROP_REASONS_H

#include "maps/abi.h"

enum ovnbpf_drop_reason {
	DROP_NONE = 0,
	/* Packet parsing (bpf/lib/parse.h). */
	DROP_RUNT_ETH = 1,	/* shorter than an Ethernet header */
	DROP_MAX_REASON,
};

#ifndef __VMLINUX_H__
/* Short name of a drop reason, for ovnbpfctl and test output. */
static inline const char *ovnbpf_drop_reason_name(unsigned int r)
{
	switch (r) {
	case DROP_NONE: return "none";
	case DROP_RUNT_ETH: return "runt-eth";
	default: return "unknown";
	}
}
#endif

#endif /* __OVNBPF_MAPS_DROP_REASONS_H */
