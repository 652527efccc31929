/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Common ground of every maps/ header: fixed-width types that mean the same
 * thing in BPF C (where vmlinux.h provides them) and in user space.
 */
#ifndef __OVNBPF_MAPS_ABI_H
#define __OVNBPF_MAPS_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#include <stddef.h>
#endif

#ifndef __OVNBPF_STATIC_ASSERT
#define __OVNBPF_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

/* Default directory where every map is pinned (--bpffs-dir overrides). */
#define OVNBPF_PIN_DIR "/sys/fs/bpf/ovnbpf"

#endif /* __OVNBPF_MAPS_ABI_H */
