/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Logging for ovnbpfd and ovnbpfctl, in OVS's log line format
 * ("2026-11-21T10:00:00.123Z|00042|module|WARN|text") so that operators'
 * tools keep working.  pr_* take a module name as their first argument.
 */
#ifndef __OVNBPF_LOADER_LOG_H
#define __OVNBPF_LOADER_LOG_H

#include <stdbool.h>
#include <stdio.h>

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DBG };

/* Messages at or below LEVEL are written; default LOG_LVL_INFO. */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Log to FILE (append) instead of stderr; NULL goes back to stderr. */
int log_set_file(const char *path);
/* Re-open the log file (after logrotate): SIGHUP handler's job. */
int log_reopen(void);

void log_msg(enum log_level level, const char *module, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define pr_err(mod, ...)  log_msg(LOG_LVL_ERR, mod, __VA_ARGS__)
#define pr_warn(mod, ...) log_msg(LOG_LVL_WARN, mod, __VA_ARGS__)
#define pr_info(mod, ...) log_msg(LOG_LVL_INFO, mod, __VA_ARGS__)
#define pr_dbg(mod, ...)  do { if (log_get_level() >= LOG_LVL_DBG) \
		log_msg(LOG_LVL_DBG, mod, __VA_ARGS__); } while (0)

#endif /* __OVNBPF_LOADER_LOG_H */
