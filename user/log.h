/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The controller's one printer. Errors and warnings go to stderr as
 * "icmpgate: ...", information to stdout, debug lines (and everything libbpf
 * and libxdp say) to stderr only with -v.
 */
#ifndef IG_LOG_H
#define IG_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum ig_log_level {
	IG_LOG_ERR, /* the one line that says why a command failed */
	IG_LOG_WARN, /* something odd that did not stop the command */
	IG_LOG_INFO, /* what a successful command did */
	IG_LOG_DEBUG, /* only with -v */
};

/* Set verbosity and route libbpf's and libxdp's output through ig_log. */
void ig_log_init(bool verbose);

void ig_vlog(enum ig_log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void ig_log(enum ig_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * How many IG_LOG_ERR lines were printed: main() prints a generic line
 * for a failure only when nothing more precise was said.
 */
unsigned ig_log_errors(void);

/*
 * The last line libxdp printed about something that failed (without its
 * "libxdp: " prefix), or "": why it attached without its dispatcher.
 * Forget it before the call whose reason is wanted.
 */
#define IG_LOG_REASON_MAX 96
const char *ig_log_libxdp_failure(void);
void ig_log_libxdp_forget(void);

/*
 * The line that explains a failed call: "cmd: what: reason", the reason
 * from libxdp_strerror() (which knows libbpf's and libxdp's errors too),
 * or, for a permission error, the capabilities the process lacks.
 * Returns err.
 */
int ig_fail(const char *cmd, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define pr_err(...) ig_log(IG_LOG_ERR, __VA_ARGS__)
#define pr_warn(...) ig_log(IG_LOG_WARN, __VA_ARGS__)
#define pr_info(...) ig_log(IG_LOG_INFO, __VA_ARGS__)
#define pr_debug(...) ig_log(IG_LOG_DEBUG, __VA_ARGS__)

#endif /* IG_LOG_H */
