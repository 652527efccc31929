// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ovnbpfd: the ovnbpf chassis daemon.  It loads the BPF datapath (maps
 * pinned, so a restart never flushes it), and keeps it in sync with the OVN
 * Southbound database.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "loader/datapath.h"
#include "loader/log.h"
#include "loader/version.h"
#include "maps/abi.h"

struct options {
	const char *ovnsb_db;
	const char *chassis_name;
	const char *encap_type;
	const char *encap_ip;
	const char *pidfile;
	const char *log_file;
	const char *pin_dir;
	const char *state_dir;
	bool detach;
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: ovnbpfd [OPTIONS]\n"
"An OVN chassis without Open vSwitch: runs OVN's logical pipelines in eBPF\n"
"and keeps them in sync with the OVN Southbound database.\n"
"\n"
"  --ovnsb-db=REMOTE[,REMOTE...]  Southbound remotes, unix:PATH or tcp:IP:PORT\n"
"                                 (default: $OVN_SB_DB, else unix:/var/run/ovn/ovnsb_db.sock)\n"
"  --chassis-name=NAME            this chassis's name (default: the hostname)\n"
"  --encap-type=geneve            tunnel encapsulation (only geneve)\n"
"  --encap-ip=IP                  this chassis's tunnel endpoint address\n"
"  --bpffs-dir=DIR                where maps are pinned (default %s)\n"
"  --state-dir=DIR                bindings and control socket (default /var/lib/ovnbpf)\n"
"  --pidfile[=FILE]               write the pid (default /var/run/ovnbpf/ovnbpfd.pid)\n"
"  --detach                       run in the background\n"
"  --log-file[=FILE]              log to FILE (default /var/log/ovnbpf/ovnbpfd.log)\n"
"  -v, --verbose                  debug logging\n"
"  -V, --version                  print the version and exit\n"
"  -h, --help                     print this help and exit\n",
		OVNBPF_PIN_DIR);
}

static int write_pidfile(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fprintf(f, "%d\n", getpid());
	return fclose(f) ? -errno : 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	enum { OPT_SB = 256, OPT_CHASSIS, OPT_ENCAP_TYPE, OPT_ENCAP_IP, OPT_PIDFILE,
	       OPT_DETACH, OPT_LOG_FILE, OPT_BPFFS, OPT_STATE };
	static const struct option longopts[] = {
		{ "ovnsb-db", required_argument, NULL, OPT_SB },
		{ "chassis-name", required_argument, NULL, OPT_CHASSIS },
		{ "encap-type", required_argument, NULL, OPT_ENCAP_TYPE },
		{ "encap-ip", required_argument, NULL, OPT_ENCAP_IP },
		{ "pidfile", optional_argument, NULL, OPT_PIDFILE },
		{ "detach", no_argument, NULL, OPT_DETACH },
		{ "log-file", optional_argument, NULL, OPT_LOG_FILE },
		{ "bpffs-dir", required_argument, NULL, OPT_BPFFS },
		{ "state-dir", required_argument, NULL, OPT_STATE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	o->ovnsb_db = getenv("OVN_SB_DB") ? getenv("OVN_SB_DB")
					  : "unix:/var/run/ovn/ovnsb_db.sock";
	o->encap_type = "geneve";
	o->pin_dir = OVNBPF_PIN_DIR;
	o->state_dir = "/var/lib/ovnbpf";
	while ((c = getopt_long(argc, argv, "vVh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SB: o->ovnsb_db = optarg; break;
		case OPT_CHASSIS: o->chassis_name = optarg; break;
		case OPT_ENCAP_TYPE:
			if (strcmp(optarg, "geneve")) {
				fprintf(stderr, "ovnbpfd: unsupported encap type %s (only geneve)\n",
					optarg);
				return -EINVAL;
			}
			o->encap_type = optarg;
			break;
		case OPT_ENCAP_IP: o->encap_ip = optarg; break;
		case OPT_PIDFILE:
			o->pidfile = optarg ? optarg : "/var/run/ovnbpf/ovnbpfd.pid";
			break;
		case OPT_DETACH: o->detach = true; break;
		case OPT_LOG_FILE:
			o->log_file = optarg ? optarg : "/var/log/ovnbpf/ovnbpfd.log";
			break;
		case OPT_BPFFS: o->pin_dir = optarg; break;
		case OPT_STATE: o->state_dir = optarg; break;
		case 'v': log_set_level(LOG_LVL_DBG); break;
		case 'V': printf("ovnbpfd %s\n", OVNBPF_VERSION); exit(0);
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ovnbpfd: unexpected argument %s\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct datapath *dp = NULL;
	struct pollfd pfd;
	sigset_t mask;
	int err, sfd = -1;

	err = parse_args(argc, argv, &o);
	if (err)
		return 2;
	if (o.log_file && (err = log_set_file(o.log_file))) {
		fprintf(stderr, "ovnbpfd: %s: %s\n", o.log_file, strerror(-err));
		return 1;
	}
	if (o.detach && daemon(0, o.log_file ? 0 : 1)) {
		fprintf(stderr, "ovnbpfd: daemon: %s\n", strerror(errno));
		return 1;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		pr_err("main", "signalfd: %s", strerror(errno));
		err = -errno;
		goto cleanup;
	}

	err = datapath_open(o.pin_dir, &dp);
	if (err)
		goto cleanup;
	/* The pidfile says "ready": written once the datapath is in place. */
	if (o.pidfile && (err = write_pidfile(o.pidfile))) {
		pr_err("main", "pidfile %s: %s", o.pidfile, strerror(-err));
		goto cleanup;
	}
	pr_info("main", "ovnbpfd %s started (southbound %s)", OVNBPF_VERSION, o.ovnsb_db);

	for (;;) {
		struct signalfd_siginfo si;

		pfd.fd = sfd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 1000) < 0 && errno != EINTR) {
			err = -errno;
			pr_err("main", "poll: %s", strerror(errno));
			break;
		}
		if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGHUP) {
				log_reopen();
				continue;
			}
			pr_info("main", "exiting on signal %u; the datapath stays in place",
				si.ssi_signo);
			break;
		}
	}
cleanup:
	datapath_close(dp);
	if (sfd >= 0)
		close(sfd);
	if (o.pidfile)
		unlink(o.pidfile);
	return err ? 1 : 0;
}
