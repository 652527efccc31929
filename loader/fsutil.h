/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Small file-system helpers shared by the daemon's modules. */
#ifndef __OVNBPF_LOADER_FSUTIL_H
#define __OVNBPF_LOADER_FSUTIL_H

#include <sys/types.h>

/* mkdir -p: create PATH and its missing parents (parents 0755, PATH itself
 * MODE).  An existing directory is fine.  Returns 0 or -errno. */
int mkdir_p(const char *path, mode_t mode);

#endif /* __OVNBPF_LOADER_FSUTIL_H */
