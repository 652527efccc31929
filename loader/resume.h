/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Continuing paused packets (maps/resume.h): the daemon's answer to a
 * pausing punt goes back into the pipeline after the punt's op.
 */
#ifndef __OVNBPF_LOADER_RESUME_H
#define __OVNBPF_LOADER_RESUME_H

#include <stddef.h>
#include <stdint.h>

#include "maps/punt.h"

struct ovnbpf_writer;
struct compile_pause;

/* PROG_FD: ovnbpf_resume; W: the writer that knows the flows. */
void resume_init(int prog_fd, struct ovnbpf_writer *w);
/* Continue EV (punted by its PUNT op) as the packet FRAME (LEN bytes,
 * Ethernet).  P is EV's flow (compile_pause_find()).  Returns the
 * ovnbpf_resume verdict's drop reason (0: delivered) or -errno. */
int resume_packet(const struct ovn_punt_event *ev, const struct compile_pause *p,
		  const void *frame, size_t len);

#endif
