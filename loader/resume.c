// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Continuations through ovnbpf_resume and BPF_PROG_TEST_RUN (resume.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "loader/compile.h"
#include "loader/log.h"
#include "loader/resume.h"
#include "maps/ovnbpf_maps.h"
#include "maps/resume.h"

#define MOD "resume"
#define RESUME_MAX_FRAME	1500

static int resume_fd = -1;
static struct ovnbpf_writer *resume_w;

void resume_init(int prog_fd, struct ovnbpf_writer *w)
{
	resume_fd = prog_fd;
	resume_w = w;
}

int resume_packet(const struct ovn_punt_event *ev, const struct compile_pause *p,
		  const void *frame, size_t len)
{
	struct ovn_resume_hdr h = { .magic = OVN_RESUME_MAGIC };
	uint8_t buf[RESUME_MAX_FRAME + sizeof(h)];
	LIBBPF_OPTS(bpf_test_run_opts, o);
	int err;

	if (resume_fd < 0 || !resume_w)
		return -ENOTCONN;
	if (len < 14 || len > RESUME_MAX_FRAME)
		return -EMSGSIZE;
	err = ovnbpf_flow_resume_point(resume_w, ev->flow, ev->opcode, &h.prog, &h.pc);
	if (err)
		return err;
	h.version = ovnbpf_version(resume_w);
	h.dp = ntohl(ev->md.metadata);
	h.pipeline = p->pipeline;
	h.table = p->table;
	memcpy(&h.md, &ev->md, sizeof(h.md));
	memcpy(buf, frame, len);
	memcpy(buf + len, &h, sizeof(h));
	o.data_in = buf;
	o.data_size_in = len + sizeof(h);
	o.repeat = 1;
	err = bpf_prog_test_run_opts(resume_fd, &o);
	if (err)
		return -errno;
	/* The program returns TC_ACT_SHOT either way (the delivery is a
	 * clone); what happened is counted in ovn_drops. */
	return 0;
}
