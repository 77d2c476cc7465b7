// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The controller's one printer (log.h). libbpf and libxdp print through it
 * too, at debug level: they are noisy about things we handle ourselves
 * (the dispatcher fallback, feature probes), so they show only with -v.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "host.h"
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

/*
 * libxdp says why it fell back from its dispatcher only in its own output
 * ("Compatibility check for dispatcher program failed: ..."): keep the
 * last line that says something failed, for attach and status to show.
 */
static char libxdp_failure[IG_LOG_REASON_MAX];

static void keep_failure(const char *fmt, va_list ap)
{
	char line[512];
	size_t len;

	vsnprintf(line, sizeof(line), fmt, ap);
	if (!strstr(line, "failed") && !strstr(line, "Failed"))
		return;
	len = strcspn(line, "\n");
	line[len] = '\0';
	snprintf(libxdp_failure, sizeof(libxdp_failure), "%s",
		 line + (strncmp(line, "libxdp: ", 8) ? 0 : 8));
}

const char *ig_log_libxdp_failure(void)
{
	return libxdp_failure;
}

void ig_log_libxdp_forget(void)
{
	libxdp_failure[0] = '\0';
}

static int libxdp_print(enum libxdp_print_level level, const char *fmt,
			va_list ap)
{
	va_list copy;

	(void)level;
	va_copy(copy, ap);
	keep_failure(fmt, copy);
	va_end(copy);
	return print(IG_LOG_DEBUG, true, fmt, ap);
}

void ig_log_init(bool on)
{
	verbose = on;
	libbpf_set_print(libbpf_print);
	libxdp_set_print(libxdp_print);
}

int ig_fail(const char *cmd, int err, const char *fmt, ...)
{
	char *what = NULL, why[160], caps[64];
	va_list ap;

	/* Any length: paths and names in it are the user's. */
	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		what = NULL;
	va_end(ap);
	if (err == -EPERM || err == -EACCES) {
		ig_caps_missing(caps, sizeof(caps));
		if (caps[0])
			snprintf(why, sizeof(why),
				 "permission denied (missing %s)", caps);
		else
			snprintf(why, sizeof(why), "permission denied");
	} else
		libxdp_strerror(err, why, sizeof(why));
	pr_err("%s: %s: %s", cmd, what ? what : fmt, why);
	free(what);
	return err;
}
