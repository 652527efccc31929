// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ovnbpfd: the ovnbpf chassis daemon.  It loads the BPF datapath (maps
 * pinned, so a restart never flushes it), and keeps it in sync with the OVN
 * Southbound database.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "loader/bridge_mappings.h"
#include "loader/conntrack.h"
#include "loader/ct_zones.h"
#include "loader/acl_log.h"
#include "loader/services.h"
#include "loader/ctl_socket.h"
#include "loader/datapath.h"
#include "loader/dhcp.h"
#include "loader/dhcp6.h"
#include "loader/dns.h"
#include "loader/nd_ra.h"
#include "loader/engine.h"
#include "loader/fdb.h"
#include "loader/controller_event.h"
#include "loader/iface.h"
#include "loader/local_vifs.h"
#include "loader/localnet.h"
#include "loader/log.h"
#include "loader/meter.h"
#include "loader/punt.h"
#include "loader/resume.h"
#include "loader/punt_mac_binding.h"
#include "loader/sb_sync.h"
#include "loader/svc_monitor.h"
#include "loader/vport.h"
#include "loader/version.h"
#include "maps/abi.h"
#include "maps/ovnbpf_maps.h"
#include "loader/encaps.h"
#include "loader/tunnel.h"
#include "maps/encap.h"
#include "ovnbpf_vif.skel.h"

struct options {
	const char *ovnsb_db;
	const char *chassis_name;
	const char *encap_type;
	const char *encap_ip;
	const char *pidfile;
	const char *log_file;
	const char *pin_dir;
	const char *state_dir;
	long cache_entries;		/* -1: default (maps/cache.h), 0: off */
	bool detach;
	uint32_t punt_rate, punt_burst;
	unsigned long ct_max;		/* 0: default */
	unsigned int ct_gc_interval;	/* seconds */
	char hostname[256];
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
"  --encap-ip=IP                  this chassis's tunnel endpoint address (required);\n"
"                                 Geneve device ovnbpf-gnv0 (external, udp 6081)\n"
"  --bridge-mappings=NET:IFACE[,NET:IFACE...]\n"
"                                 provider networks: localnet ports whose\n"
"                                 options:network_name is NET reach the physical\n"
"                                 network through the Linux device IFACE (uplink\n"
"                                 NIC, bond, veth); frames on IFACE for no localnet\n"
"                                 port go on to the host stack (as OVS's\n"
"                                 ovn-bridge-mappings, with a device for a bridge)\n"
"  --bpffs-dir=DIR                where maps are pinned (default %s)\n"
"  --state-dir=DIR                bindings, conntrack zones and control socket\n"
"                                 (default /var/lib/ovnbpf)\n"
"  --cache-entries=N              exact-match cache keys (default %u; each holds\n"
"                                 one result per CPU; 0 turns the cache off)\n"
"  --ct-max=N                     conntrack table size (default %u; a pinned table\n"
"                                 keeps its size)\n"
"  --ct-gc-interval=SECS          delete expired connections every SECS (default 10)\n"
"  --pidfile[=FILE]               write the pid (default /var/run/ovnbpf/ovnbpfd.pid)\n"
"  --punt-rate=PPS                default punt meter: packets per second per CPU\n"
"                                 sent to ovnbpfd by flows without a controller_meter\n"
"                                 (default %u; 0 drops them)\n"
"  --punt-burst=N                 burst of the default punt meter (default %u)\n"
"  --detach                       run in the background\n"
"  --log-file[=FILE]              log to FILE (default /var/log/ovnbpf/ovnbpfd.log)\n"
"  -v, --verbose                  debug logging\n"
"  -V, --version                  print the version and exit\n"
"  -h, --help                     print this help and exit\n",
		OVNBPF_PIN_DIR, OVN_CACHE_ENTRIES, OVN_CT_MAX, METER_DEFAULT_PPS,
		METER_DEFAULT_BURST);
}

static int parse_u32(const char *opt, const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > UINT32_MAX || *s == '-') {
		fprintf(stderr, "ovnbpfd: --%s=%s: not a number\n", opt, s);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* --detach changes to "/": make a relative PATH absolute first.  The
 * result is kept for the life of the process. */
static const char *absolute(const char *path)
{
	char cwd[PATH_MAX], *abs;

	if (!path || path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return path;
	if (asprintf(&abs, "%s/%s", cwd, path) < 0)
		return path;
	return abs;
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
	       OPT_DETACH, OPT_LOG_FILE, OPT_BPFFS, OPT_STATE, OPT_CACHE, OPT_PUNT_RATE,
	       OPT_PUNT_BURST, OPT_CT_MAX, OPT_CT_GC, OPT_BRIDGE_MAPPINGS };
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
		{ "punt-rate", required_argument, NULL, OPT_PUNT_RATE },
		{ "punt-burst", required_argument, NULL, OPT_PUNT_BURST },
		{ "cache-entries", required_argument, NULL, OPT_CACHE },
		{ "ct-max", required_argument, NULL, OPT_CT_MAX },
		{ "ct-gc-interval", required_argument, NULL, OPT_CT_GC },
		{ "bridge-mappings", required_argument, NULL, OPT_BRIDGE_MAPPINGS },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char *end;
	int c;

	o->ct_gc_interval = 10;
	o->ovnsb_db = getenv("OVN_SB_DB") ? getenv("OVN_SB_DB")
					  : "unix:/var/run/ovn/ovnsb_db.sock";
	o->encap_type = "geneve";
	o->pin_dir = OVNBPF_PIN_DIR;
	o->state_dir = "/var/lib/ovnbpf";
	o->punt_rate = METER_DEFAULT_PPS;
	o->punt_burst = METER_DEFAULT_BURST;
	o->cache_entries = -1;
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
		case OPT_PUNT_RATE:
			if (parse_u32("punt-rate", optarg, &o->punt_rate))
				return -EINVAL;
			break;
		case OPT_PUNT_BURST:
			if (parse_u32("punt-burst", optarg, &o->punt_burst))
				return -EINVAL;
			break;
		case OPT_CACHE: {
			o->cache_entries = strtol(optarg, &end, 10);
			if (*end || o->cache_entries < 0 || o->cache_entries > (1L << 24)) {
				fprintf(stderr, "ovnbpfd: bad --cache-entries %s\n", optarg);
				return -EINVAL;
			}
			break;
		}
		case OPT_CT_MAX:
			o->ct_max = strtoul(optarg, &end, 10);
			if (*end || o->ct_max < 1 || o->ct_max > (1ul << 26)) {
				fprintf(stderr, "ovnbpfd: --ct-max=%s: 1 .. 67108864\n", optarg);
				return -EINVAL;
			}
			break;
		case OPT_CT_GC:
			o->ct_gc_interval = strtoul(optarg, &end, 10);
			if (*end || o->ct_gc_interval < 1 || o->ct_gc_interval > 3600) {
				fprintf(stderr, "ovnbpfd: --ct-gc-interval=%s: 1 .. 3600\n",
					optarg);
				return -EINVAL;
			}
			break;
		case OPT_BRIDGE_MAPPINGS:
			if (bridge_mappings_parse(optarg)) {
				fprintf(stderr, "ovnbpfd: bad --bridge-mappings=%s (NET:IFACE,...)\n",
					optarg);
				return -EINVAL;
			}
			break;
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
	if (!o->encap_ip) {
		fprintf(stderr, "ovnbpfd: --encap-ip is required (the address other "
			"chassis tunnel to)\n");
		return -EINVAL;
	}
	{
		unsigned char addr[16];

		if (inet_pton(AF_INET, o->encap_ip, addr) != 1 &&
		    inet_pton(AF_INET6, o->encap_ip, addr) != 1) {
			fprintf(stderr, "ovnbpfd: --encap-ip=%s is not an IPv4 or IPv6 address\n",
				o->encap_ip);
			return -EINVAL;
		}
	}
	if (o->chassis_name && !*o->chassis_name) {
		fprintf(stderr, "ovnbpfd: --chassis-name must not be empty\n");
		return -EINVAL;
	}
	if (gethostname(o->hostname, sizeof(o->hostname) - 1)) {
		fprintf(stderr, "ovnbpfd: gethostname: %s\n", strerror(errno));
		return -errno;
	}
	if (!o->chassis_name)
		o->chassis_name = o->hostname;
	o->state_dir = absolute(o->state_dir);
	o->pin_dir = absolute(o->pin_dir);
	o->pidfile = absolute(o->pidfile);
	o->log_file = absolute(o->log_file);
	return 0;
}

/* Everything the poll loop serves. */
struct daemon {
	struct datapath *dp;
	struct local_vifs vifs;
	struct iface_monitor *ifaces;
	struct ctl_server *ctl;
	struct sb_sync *sb;
	struct ovnbpf_maps maps;
	struct ovnbpf_writer *writer;
	struct engine *engine;
	struct fdb_learner *fdb;
	struct ctrl_events *events;	/* trigger_event -> Controller_Event */
	struct svc_monitors *svc;	/* LB health checks -> Service_Monitor */
	struct vports *vports;		/* bind_vport -> Port_Binding (virtual) */
	struct ovnbpf_ct ct;
	struct ct_zones *zones;
	unsigned int ct_gc_interval;
	uint64_t next_gc_ns;
	struct mac_learner *learner;	/* put_arp/put_nd -> MAC_Binding */
	struct services services;	/* their counters: `services` */
	struct encaps *enc;		/* other chassis' tunnel endpoints */
	int sfd;
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A zone given to a new user starts empty. */
static void flush_zone(void *aux, uint16_t zone)
{
	struct daemon *d = aux;
	int n = ovnbpf_ct_flush(&d->ct, zone);

	if (n > 0)
		pr_info("conntrack", "zone %u reassigned: flushed %d connections", zone, n);
}

static int mark_zone(const struct ovn_ct_key *k, const struct ovn_ct_entry *e, void *aux)
{
	(void)e;
	ct_zones_mark_used(aux, k->zone);
	return 0;
}

/* Conntrack GC, every ct_gc_interval seconds. */
static void daemon_ct_gc(struct daemon *d)
{
	uint64_t now = ovnbpf_ct_now();
	int n;

	if (now < d->next_gc_ns)
		return;
	d->next_gc_ns = now + d->ct_gc_interval * 1000000000ULL;
	n = ovnbpf_ct_gc(&d->ct, now);
	if (n < 0)
		pr_warn("conntrack", "gc: %s", strerror(-n));
	else if (n)
		pr_dbg("conntrack", "gc: %d expired connections deleted", n);
}

/* An interface appeared or went: bound VIFs, then mapped devices
 * (loader/bridge_mappings.h), whose localnet ports follow. */
static void daemon_iface_event(void *aux, const char *name, int ifindex, bool present)
{
	struct daemon *d = aux;

	local_vifs_iface_event(&d->vifs, name, ifindex, present);
	if (bridge_mappings_iface_event(name, ifindex, present) && d->engine)
		localnet_refresh(engine_compiler(d->engine));
}

/* Local side: bindings, their control socket, interface presence. */
static int daemon_open_local(struct daemon *d, const struct options *o)
{
	char ctl_path[PATH_MAX];
	int err;

	err = local_vifs_init(&d->vifs, o->state_dir,
			      bpf_program__fd(d->dp->vif->progs.ovnbpf_from_vif));
	if (err)
		return err;
	/* The control socket first: it also keeps a second daemon on the
	 * same state directory from touching the interfaces. */
	if (snprintf(ctl_path, sizeof(ctl_path), "%s/%s", o->state_dir, CTL_SOCKET_NAME) >=
	    (int)sizeof(ctl_path))
		return -ENAMETOOLONG;
	err = ctl_server_open(ctl_path, &d->ctl);
	if (err)
		return err;
	bridge_mappings_set_prog(bpf_program__fd(d->dp->vif->progs.ovnbpf_from_phys));
	localnet_set_map_fd(bpf_map__fd(d->dp->vif->maps.ovn_localnet));
	err = iface_monitor_open(daemon_iface_event, d, &d->ifaces);
	if (err)
		return err;
	local_vifs_set_ifaces(&d->vifs, d->ifaces);
	return local_vifs_register_ctl(&d->vifs, d->ctl);
}

/* The SB side: chassis registration, port claims, nb_cfg. */
static int daemon_open_sb(struct daemon *d, const struct options *o)
{
	struct sb_sync_options so = {
		.remote = o->ovnsb_db,
		.chassis = {
			.name = o->chassis_name,
			.hostname = o->hostname,
			.encap_type = o->encap_type,
			.encap_ip = o->encap_ip,
			.bridge_mappings = bridge_mappings_string(),
		},
	};
	int err;

	err = sb_sync_create(&so, &d->vifs, &d->sb);
	if (err)
		return err;
	/* The engine compiles the SB into the maps of the loaded datapath. */
	err = ovnbpf_maps_from_object(d->dp->vif->obj, &d->maps);
	if (!err)
		err = ovnbpf_writer_new(&d->maps, &d->writer);
	/* Explicitly on or off: the flag lives in a pinned map and would
	 * otherwise outlive the run that set it. */
	if (!err)
		err = ovnbpf_cache_enable(d->writer, o->cache_entries != 0);
	/* Before the engine binds the meters to the writer. */
	meter_set_default(o->punt_rate, o->punt_burst);
	if (!err)
		err = engine_create(d->sb, &d->vifs, d->writer, &d->engine);
	if (!err)
		err = ovnbpf_ct_from_object(d->dp->vif->obj, &d->ct);
	if (!err)
		err = ct_zones_open(o->state_dir, &d->zones);
	if (!err) {
		/* The pinned table may hold connections of zones the state
		 * file no longer names: those get flushed when handed out. */
		ovnbpf_ct_walk(&d->ct, -1, mark_zone, d->zones);
		ct_zones_set_flush(d->zones, flush_zone, d);
		engine_set_ct_zones(d->engine, d->zones);
	}
	if (!err)
		err = mac_learner_create(sb_sync_client(d->sb), &d->learner);
	/* Punt handlers: FDB learning, DHCP. */
	if (!err)
		err = fdb_learner_create(sb_sync_client(d->sb), &d->fdb);
	if (!err)
		err = ctrl_events_create(sb_sync_client(d->sb), &d->events);
	if (!err)
		err = svc_monitors_create(sb_sync_client(d->sb), &d->vifs, &d->svc);
	if (!err)
		err = vports_create(sb_sync_client(d->sb), &d->vifs.bindings, &d->vports);
	/* Pausing actions answered here continue in the pipeline. */
	if (!err) {
		resume_init(bpf_program__fd(d->dp->vif->progs.ovnbpf_resume), d->writer);
		err = dhcp_server_start(engine_compiler(d->engine)) ?:
		      dhcp6_server_start(engine_compiler(d->engine)) ?:
		      nd_ra_start(engine_compiler(d->engine)) ?:
		      dns_server_start(sb_sync_client(d->sb), engine_compiler(d->engine));
	}
	if (err) {
		pr_err("main", "datapath writer / engine / punt: %s", strerror(-err));
		return err;
	}
	/* Punted packets: handlers first, then the reader. */
	err = acl_log_register();
	if (!err)
		err = punt_open(d->maps.punt);
	if (!err)
		err = engine_register_ctl(d->engine, d->ctl);
	if (!err) {
		d->services = (struct services){
			.learner = d->learner, .fdb = d->fdb,
			.events = d->events, .svc = d->svc, .vports = d->vports,
		};
		err = services_register_ctl(&d->services, d->ctl);
	}
	if (err) {
		pr_err("main", "punt reader: %s", strerror(-err));
		return err;
	}
	return sb_sync_register_ctl(d->sb, d->ctl);
}

/* Geneve: our device (created or adopted) with ovnbpf_from_tunnel on its
 * ingress, and the endpoints of the chassis remote ports live on. */
static int daemon_open_tunnel(struct daemon *d, const struct options *o)
{
	int fd = bpf_map__fd(d->dp->vif->maps.ovn_chassis), err;

	err = tunnel_open(bpf_program__fd(d->dp->vif->progs.ovnbpf_from_tunnel), fd,
			  o->chassis_name, o->encap_ip, OVN_GENEVE_PORT);
	/* A kernel without Geneve (no geneve module) still serves the local
	 * pods: packets for other chassis are dropped and counted
	 * (tunnel-no-geneve-device), as before tunnels existed. */
	if (err < 0)
		pr_warn("main", "no Geneve device (%s): traffic to other chassis is dropped",
			strerror(-err));
	err = encaps_new(fd, &d->enc);
	if (err)
		return err;
	engine_set_encaps(d->engine, d->enc);
	return 0;
}

/* Returns 1 to go on, 0 to exit cleanly, -errno on failure. */
static int daemon_poll_once(struct daemon *d)
{
	enum { FD_SIGNAL, FD_CTL, FD_IFACE, FD_SB, FD_PUNT, N_FDS };
	struct pollfd pfd[N_FDS] = {
		[FD_SIGNAL] = { .fd = d->sfd, .events = POLLIN },
		[FD_CTL] = { .fd = ctl_server_fd(d->ctl), .events = POLLIN },
		[FD_IFACE] = { .fd = iface_monitor_fd(d->ifaces), .events = POLLIN },
		/* -1 while waiting to reconnect: poll() skips it */
		[FD_SB] = { .fd = sb_sync_fd(d->sb), .events = sb_sync_events(d->sb) },
		[FD_PUNT] = { .fd = punt_fd(), .events = POLLIN },
	};
	int err, timeout = sb_sync_timeout(d->sb);
	struct signalfd_siginfo si;

	struct ovnbpf_writer_stats ws;

	if (timeout < 0 || timeout > 1000)
		timeout = 1000;
	/* Entries retired by the last commits are freed once no packet can
	 * see them (the writer's grace period), without waiting for the next
	 * SB change. */
	ovnbpf_writer_stats(d->writer, &ws);
	if (ws.retired && timeout > 100)
		timeout = 100;
	/* Neighbours learnt from broadcasts wait a few ms before they are
	 * written (loader/punt_mac_binding.h). */
	err = mac_learner_timeout(d->learner);
	if (err >= 0 && err < timeout)
		timeout = err;
	/* Health-check probes and their timeouts. */
	err = svc_monitors_run(d->svc, sb_sync_chassis_uuid(d->sb), mono_ms());
	if (err >= 0 && err < timeout)
		timeout = err;
	daemon_ct_gc(d);
	if (poll(pfd, N_FDS, timeout) < 0) {
		if (errno == EINTR)
			return 1;
		pr_err("main", "poll: %s", strerror(errno));
		return -errno;
	}
	if (pfd[FD_IFACE].revents) {
		err = iface_monitor_run(d->ifaces);
		if (err)
			return err;
	}
	if (pfd[FD_CTL].revents)
		ctl_server_run(d->ctl);
	if (pfd[FD_PUNT].revents)
		punt_run();
	mac_learner_run(d->learner);
	ctrl_events_run(d->events, sb_sync_chassis_uuid(d->sb), mono_ms());
	if (ws.retired)
		ovnbpf_reclaim(d->writer);
	/* Always: the SB client has timers, and local changes above may
	 * need claims. */
	sb_sync_run(d->sb);
	/* After the SB's news: claims/releases of virtual ports follow it. */
	vports_run(d->vports, sb_sync_chassis_uuid(d->sb));
	if (pfd[FD_SIGNAL].revents && read(d->sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			log_reopen();
			return 1;
		}
		pr_info("main", "exiting on signal %u; the datapath stays in place",
			si.ssi_signo);
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	struct daemon d = { .sfd = -1 };
	struct options o = { 0 };
	bool pid_written = false;
	sigset_t mask;
	int err;

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
	d.sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (d.sfd < 0) {
		pr_err("main", "signalfd: %s", strerror(errno));
		err = -errno;
		goto cleanup;
	}

	if (o.cache_entries >= 0)
		datapath_set_cache_entries(o.cache_entries);
	d.ct_gc_interval = o.ct_gc_interval;
	datapath_set_ct_max(o.ct_max);
	err = datapath_open(o.pin_dir, &d.dp);
	if (err)
		goto cleanup;
	err = daemon_open_local(&d, &o);
	if (!err)
		err = daemon_open_sb(&d, &o);
	if (!err)
		err = daemon_open_tunnel(&d, &o);
	if (err)
		goto cleanup;
	/* The pidfile says "ready": written once the datapath is in place
	 * and the control socket answers. */
	if (o.pidfile && (err = write_pidfile(o.pidfile))) {
		pr_err("main", "pidfile %s: %s", o.pidfile, strerror(-err));
		goto cleanup;
	}
	pid_written = !!o.pidfile;
	pr_info("main", "ovnbpfd %s started (chassis %s, southbound %s)", OVNBPF_VERSION,
		o.chassis_name, o.ovnsb_db);

	while ((err = daemon_poll_once(&d)) > 0)
		;
cleanup:
	/* Bound interfaces keep their filters: a restart is hitless. */
	/* Claims and the chassis stay in the SB too: a restarted daemon
	 * picks them up again. */
	dhcp_server_stop();
	dhcp6_server_stop();
	nd_ra_stop();
	dns_server_stop();
	resume_init(-1, NULL);
	fdb_learner_destroy(d.fdb);
	punt_close();
	engine_destroy(d.engine);
	encaps_free(d.enc);
	ct_zones_close(d.zones);
	ovnbpf_writer_free(d.writer);
	sb_sync_destroy(d.sb);
	/* After the client: it may call back pending transactions. */
	mac_learner_destroy(d.learner);
	ctrl_events_destroy(d.events);
	svc_monitors_destroy(d.svc);
	vports_destroy(d.vports);
	ctl_server_close(d.ctl);
	iface_monitor_close(d.ifaces);
	local_vifs_destroy(&d.vifs);
	datapath_close(d.dp);
	if (d.sfd >= 0)
		close(d.sfd);
	/* Only ours: a daemon refused because another one runs must not
	 * remove that one's pidfile. */
	if (pid_written)
		unlink(o.pidfile);
	return err ? 1 : 0;
}
