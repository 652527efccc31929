/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ovnbpfctl lflow-check: parse every Logical_Flow of a Southbound DB with
 * our match and action parsers and report what does not parse.
 */
#ifndef __OVNBPF_LOADER_LFLOW_CHECK_H
#define __OVNBPF_LOADER_LFLOW_CHECK_H

/* argv[0] is "lflow-check".  Returns 0 if every flow parses, 1 if some
 * do not, 2 on a usage or connection error. */
int lflow_check_main(int argc, char **argv);

#endif
