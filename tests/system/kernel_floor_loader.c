// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * kernel_floor_loader OBJ...: runs inside the Linux 6.1 guest that
 * tests/system/kernel_floor.sh boots, as a static binary.  It loads every
 * program of every object through libbpf against the guest kernel's own BTF
 * and prints one parsable line per program on stdout:
 *
 *   FLOOR ok OBJ PROG type=T insns=N verified=M ms=L
 *   FLOOR log OBJ PROG: one line of libbpf/verifier output (before a fail)
 *   FLOOR fail OBJ PROG: error
 *
 * On the host, `kernel_floor_loader --list OBJ...` prints "OBJ PROG" for
 * every program libbpf finds, without loading: what the guest must report.
 *
 * (N: instructions after the verifier's rewrites; M: instructions it walked,
 * the complexity that counts against the 1M limit; L: milliseconds the load
 * of the object took in the guest, under emulation.)
 *
 * The whole object is loaded first, as ovnbpfd loads it.  Only when that
 * fails is each program loaded on its own (the others set not to autoload),
 * so that a failure names the program the verifier rejected and the log
 * shown is that program's.  Maps pinned by name go under a pin root per
 * object in the guest's bpffs.
 *
 * An object with a `.rodata` variable `ovn_trace_on` (bpf/lib/trace.h) is
 * loaded a second time with it set, as `ovnbpfctl trace` loads it: the
 * recording branches the verifier removes from the daemon's load are
 * verified there.  That load is reported as OBJ+trace.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define PIN_BASE "/sys/fs/bpf/floor"
#define LOG_TAIL_LINES 30
#define TRACE_VAR "ovn_trace_on"
#define TRACE_SUFFIX "+trace"

/* Set while the tracing variant of an object is checked. */
static bool trace_variant;

/* libbpf's messages of the current load; the verifier log comes this way. */
static char msgs[1 << 20];
static size_t msgs_len;

static int capture(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	int n;

	if (level == LIBBPF_DEBUG || msgs_len >= sizeof(msgs) - 1)
		return 0;
	n = vsnprintf(msgs + msgs_len, sizeof(msgs) - msgs_len, fmt, ap);
	if (n > 0)
		msgs_len += (size_t)n < sizeof(msgs) - msgs_len ?
			    (size_t)n : sizeof(msgs) - msgs_len - 1;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Print the last LOG_TAIL_LINES lines libbpf produced, one FLOOR log each. */
static void print_log_tail(const char *obj, const char *prog)
{
	size_t i, start = 0;
	int lines = 0;
	char *line, *save = NULL;

	for (i = msgs_len; i > 0; i--) {
		if (msgs[i - 1] == '\n' && i != msgs_len &&
		    ++lines > LOG_TAIL_LINES) {
			start = i;
			break;
		}
	}
	for (line = strtok_r(msgs + start, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		printf("FLOOR log %s %s: %s\n", obj, prog, line);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void report_loaded(const char *obj, struct bpf_program *prog,
			  long ms)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = bpf_program__fd(prog);

	memset(&info, 0, sizeof(info));
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len)) {
		printf("FLOOR fail %s %s: loaded but no prog info (%s)\n", obj,
		       bpf_program__name(prog), strerror(errno));
		return;
	}
	printf("FLOOR ok %s %s type=%s insns=%u verified=%u ms=%ld\n", obj,
	       bpf_program__name(prog),
	       libbpf_bpf_prog_type_str(bpf_program__type(prog)),
	       info.xlated_prog_len / 8, info.verified_insns, ms);
}

/* Where the .rodata variable TRACE_VAR of OBJ is: its map and the offset
 * in it.  NULL when OBJ has no such variable. */
static struct bpf_map *trace_var(struct bpf_object *obj, size_t *off)
{
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec, *t;
	struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *map;
	size_t size;
	int id;

	if (!btf)
		return NULL;
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (id < 0 || !(sec = btf__type_by_id(btf, id)))
		return NULL;
	vs = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, vs++) {
		t = btf__type_by_id(btf, vs->type);
		if (!t || strcmp(btf__name_by_offset(btf, t->name_off), TRACE_VAR))
			continue;
		bpf_object__for_each_map(map, obj) {
			if (!bpf_map__is_internal(map) ||
			    !strstr(bpf_map__name(map), ".rodata"))
				continue;
			if (bpf_map__initial_value(map, &size) && vs->offset < size) {
				*off = vs->offset;
				return map;
			}
		}
	}
	return NULL;
}

static struct bpf_object *open_obj(const char *path, const char *pin_root,
				   int *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = pin_root);
	struct bpf_object *obj;
	struct bpf_map *map;
	unsigned char *data;
	size_t off, size;

	msgs_len = 0;
	msgs[0] = '\0';
	obj = bpf_object__open_file(path, &opts);
	*err = obj ? 0 : -errno;
	if (obj && trace_variant) {
		map = trace_var(obj, &off);
		data = NULL;
		if (map && (data = malloc(bpf_map__value_size(map) + 1))) {
			memcpy(data, bpf_map__initial_value(map, &size), size);
			data[off] = 1;
			*err = bpf_map__set_initial_value(map, data, size);
		} else {
			*err = -ENOENT;
		}
		free(data);
		if (*err) {
			bpf_object__close(obj);
			return NULL;
		}
	}
	return obj;
}

static bool has_trace_var(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	size_t off;
	bool yes;

	if (!obj)
		return false;
	yes = trace_var(obj, &off) != NULL;
	bpf_object__close(obj);
	return yes;
}

/*
 * Load OBJ with only the program ONLY set to autoload (NULL: all of them,
 * "": none, i.e. maps and externs only).
 * Returns the loaded object, or NULL with the error in *err.
 */
static struct bpf_object *open_load(const char *path, const char *pin_root,
				    const char *only, int *err)
{
	struct bpf_program *prog;
	struct bpf_object *obj;

	obj = open_obj(path, pin_root, err);
	if (!obj)
		return NULL;
	if (only) {
		bpf_object__for_each_program(prog, obj)
			bpf_program__set_autoload(prog,
				!strcmp(bpf_program__name(prog), only));
	}
	*err = bpf_object__load(obj);
	if (*err) {
		bpf_object__close(obj);
		return NULL;
	}
	return obj;
}

static int floor_object(const char *path)
{
	char name[256], pin_root[512], errbuf[128];
	struct bpf_program *prog;
	struct bpf_object *obj, *one;
	int err, failed = 0, n = 0;
	long t0;
	char *dot;

	snprintf(name, sizeof(name), "%s%s", base_name(path),
		 trace_variant ? TRACE_SUFFIX : "");
	/* bpffs refuses names with a dot: OBJ.bpf.o pins under OBJ. */
	snprintf(pin_root, sizeof(pin_root), "%s/%s", PIN_BASE, base_name(path));
	while ((dot = strchr(pin_root, '.')))
		*dot = '_';
	if ((dot = strstr(pin_root, "_bpf_o")) && !dot[6])
		*dot = '\0';
	if (trace_variant)
		strncat(pin_root, "_trace", sizeof(pin_root) - strlen(pin_root) - 1);
	if (mkdir(pin_root, 0700) && errno != EEXIST) {
		printf("FLOOR fail %s -: mkdir %s: %s\n", name, pin_root,
		       strerror(errno));
		return 1;
	}

	/* As ovnbpfd does it: the whole object at once. */
	t0 = now_ms();
	obj = open_load(path, pin_root, NULL, &err);
	if (obj) {
		bpf_object__for_each_program(prog, obj) {
			report_loaded(name, prog, now_ms() - t0);
			n++;
		}
		if (!n)
			printf("FLOOR ok %s - no programs, maps created\n", name);
		bpf_object__close(obj);
		return 0;
	}
	libbpf_strerror(err, errbuf, sizeof(errbuf));

	/* It did not load: find which programs the kernel rejects. */
	obj = open_obj(path, pin_root, &err);
	if (!obj) {
		print_log_tail(name, "-");
		printf("FLOOR fail %s -: open: %s\n", name, errbuf);
		return 1;
	}

	/*
	 * Maps, externs and relocations are per object: when they fail, no
	 * program of the object can load, whichever it is.
	 */
	one = open_load(path, pin_root, "", &err);
	if (!one) {
		libbpf_strerror(err, errbuf, sizeof(errbuf));
		print_log_tail(name, "-");
		printf("FLOOR fail %s -: before any program (maps, externs): "
		       "%s\n", name, errbuf);
		bpf_object__for_each_program(prog, obj)
			printf("FLOOR fail %s %s: not loaded, the object "
			       "fails before its programs\n", name,
			       bpf_program__name(prog));
		bpf_object__close(obj);
		return 1;
	}
	bpf_object__close(one);
	bpf_object__for_each_program(prog, obj) {
		const char *pname = bpf_program__name(prog);

		n++;
		t0 = now_ms();
		one = open_load(path, pin_root, pname, &err);
		if (one) {
			report_loaded(name,
				bpf_object__find_program_by_name(one, pname),
				now_ms() - t0);
			bpf_object__close(one);
			continue;
		}
		libbpf_strerror(err, errbuf, sizeof(errbuf));
		print_log_tail(name, pname);
		printf("FLOOR fail %s %s: %s\n", name, pname, errbuf);
		failed = 1;
	}
	if (!failed) {
		/* Each program loads alone, but not all of them together. */
		one = open_load(path, pin_root, NULL, &err);
		if (one) {
			bpf_object__close(one);
			printf("FLOOR fail %s -: whole object failed once, "
			       "then loaded\n", name);
		} else {
			libbpf_strerror(err, errbuf, sizeof(errbuf));
			print_log_tail(name, "-");
			printf("FLOOR fail %s -: whole object: %s\n", name,
			       errbuf);
		}
	}
	bpf_object__close(obj);
	return 1;
}

static int list_object(const char *path)
{
	struct bpf_program *prog;
	struct bpf_object *obj;
	size_t off;
	int err;

	obj = open_obj(path, NULL, &err);
	if (!obj) {
		fputs(msgs, stderr);
		fprintf(stderr, "%s: %s\n", path, strerror(-err));
		return 1;
	}
	bpf_object__for_each_program(prog, obj)
		printf("%s %s\n", base_name(path), bpf_program__name(prog));
	if (trace_var(obj, &off))
		bpf_object__for_each_program(prog, obj)
			printf("%s%s %s\n", base_name(path), TRACE_SUFFIX,
			       bpf_program__name(prog));
	bpf_object__close(obj);
	return 0;
}

int main(int argc, char **argv)
{
	int i, failed = 0;

	libbpf_set_print(capture);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "--list")) {
		for (i = 2; i < argc; i++)
			failed |= list_object(argv[i]);
		return failed;
	}
	if (mkdir(PIN_BASE, 0700) && errno != EEXIST) {
		printf("FLOOR fail - -: mkdir %s: %s\n", PIN_BASE, strerror(errno));
		return 1;
	}
	for (i = 1; i < argc; i++) {
		failed |= floor_object(argv[i]);
		if (has_trace_var(argv[i])) {
			trace_variant = true;
			failed |= floor_object(argv[i]);
			trace_variant = false;
		}
	}
	return failed;
}
