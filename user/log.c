// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The controller's one printer (log.h). libbpf and libxdp print through it
 * too, at debug level: they are noisy about things we handle ourselves
 * (the dispatcher fallback, feature probes), so they show only with -v.
 */
#include <stdio.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "log.h"

static bool verbose;
static unsigned n_errors;

static const char *const prefixes[] = {
	[IG_LOG_ERR] = "icmpgate: ",
	[IG_LOG_WARN] = "icmpgate: warning: ",
	[IG_LOG_INFO] = "",
	[IG_LOG_DEBUG] = "icmpgate: debug: ",
};

/* Library lines carry their own "libbpf: " prefix and newline. */
__attribute__((format(printf, 3, 0))) static int
print(enum ig_log_level level, bool library, const char *fmt, va_list ap)
{
	FILE *out = level == IG_LOG_INFO ? stdout : stderr;
	int n;

	if (level == IG_LOG_DEBUG && !verbose)
		return 0;
	if (level == IG_LOG_ERR)
		n_errors++;
	if (!library)
		fputs(prefixes[level], out);
	n = vfprintf(out, fmt, ap);
	if (!library)
		fputc('\n', out);
	return n;
}

void ig_vlog(enum ig_log_level level, const char *fmt, va_list ap)
{
	print(level, false, fmt, ap);
}

void ig_log(enum ig_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print(level, false, fmt, ap);
	va_end(ap);
}

unsigned ig_log_errors(void)
{
	return n_errors;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	(void)level;
	return print(IG_LOG_DEBUG, true, fmt, ap);
}

static int libxdp_print(enum libxdp_print_level level, const char *fmt,
			va_list ap)
{
	(void)level;
	return print(IG_LOG_DEBUG, true, fmt, ap);
}

void ig_log_init(bool on)
{
	verbose = on;
	libbpf_set_print(libbpf_print);
	libxdp_set_print(libxdp_print);
}
