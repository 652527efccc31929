/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
#ifndef __OVNBPF_LOADER_VERSION_H
#define __OVNBPF_LOADER_VERSION_H
#define OVNBPF_VERSION "0.1.0"
#endif
