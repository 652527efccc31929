// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "loader/log.h"

static enum log_level cur_level = LOG_LVL_INFO;
static FILE *log_fp;
static char *log_path;
static unsigned int log_seq;

void log_set_level(enum log_level level)
{
	cur_level = level;
}

enum log_level log_get_level(void)
{
	return cur_level;
}

int log_set_file(const char *path)
{
	FILE *fp = NULL;

	if (path) {
		fp = fopen(path, "a");
		if (!fp)
			return -errno;
		setvbuf(fp, NULL, _IOLBF, 0);
	}
	if (log_fp)
		fclose(log_fp);
	log_fp = fp;
	free(log_path);
	log_path = path ? strdup(path) : NULL;
	return 0;
}

int log_reopen(void)
{
	char *p;
	int err;

	if (!log_path)
		return 0;
	p = strdup(log_path);
	if (!p)
		return -ENOMEM;
	err = log_set_file(p);
	free(p);
	return err;
}

void log_msg(enum log_level level, const char *module, const char *fmt, ...)
{
	static const char *names[] = { "ERR", "WARN", "INFO", "DBG" };
	FILE *out = log_fp ? log_fp : stderr;
	struct timeval tv;
	struct tm tm;
	char ts[32];
	va_list ap;

	if (level > cur_level)
		return;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(out, "%s.%03ldZ|%05u|%s|%s|", ts, (long)tv.tv_usec / 1000,
		++log_seq, module, names[level]);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}
