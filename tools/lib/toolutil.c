// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What the tools share (toolutil.h): printing, the clock, signals,
 * option numbers, and the pieces of timing icmpgate's XDP program with
 * BPF_PROG_TEST_RUN that bench_prog and rlcost both use.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "icmpgate.h"
#include "compile.h"
#include "policy.h"
#include "store.h"
#include "toolutil.h"

static const char *tool = "tool";
static bool verbose;
volatile sig_atomic_t bu_stop;

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	(void)level;
	return verbose ? vfprintf(stderr, fmt, ap) : 0;
}

void bu_init(const char *name, bool on)
{
	tool = name;
	verbose = on;
	libbpf_set_print(libbpf_print);
}

void bu_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", tool);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

uint64_t bu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void on_signal(int sig)
{
	(void)sig;
	bu_stop = 1;
}

void bu_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int bu_parse_ull(const char *what, const char *s, unsigned long long min,
		 unsigned long long max, unsigned long long *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || v < min || v > max) {
		pr_err("%s: '%s' is not a number from %llu to %llu", what, s,
		       min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int bu_parse_double(const char *what, const char *s, double min, double max,
		    double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= min && v <= max)) {
		pr_err("%s: '%s' is not a number from %g to %g", what, s, min,
		       max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int opt_value(const struct bu_opt *o, const char *arg)
{
	char what[64];

	snprintf(what, sizeof(what), "--%s", o->name);
	switch (o->kind) {
	case BU_FLAG:
		*(bool *)o->dst = true;
		return 0;
	case BU_STRING:
		*(const char **)o->dst = arg;
		return 0;
	case BU_ULL:
		return bu_parse_ull(what, arg, (unsigned long long)o->min,
				    (unsigned long long)o->max, o->dst);
	case BU_DOUBLE:
		return bu_parse_double(what, arg, o->min, o->max, o->dst);
	}
	return -EINVAL;
}

int bu_parse_opts(int argc, char **argv, const struct bu_opt *opts,
		  void (*usage)(FILE *f))
{
	struct option lo[BU_OPTS_MAX + 2] = {};
	char so[BU_OPTS_MAX * 2 + 2] = "", *p = so;
	int n, c, i;

	for (n = 0; opts[n].name && n < BU_OPTS_MAX; n++) {
		lo[n] = (struct option){ opts[n].name,
					 opts[n].kind == BU_FLAG ?
						 no_argument :
						 required_argument,
					 NULL, opts[n].key };
		if (opts[n].key > 255)
			continue; /* a long option only */
		*p++ = (char)opts[n].key;
		if (opts[n].kind != BU_FLAG)
			*p++ = ':';
	}
	lo[n] = (struct option){ "help", no_argument, NULL, 'h' };
	*p++ = 'h';
	*p = 0;
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 1;
		}
		for (i = 0; i < n && opts[i].key != c; i++)
			;
		if (i == n) {
			usage(stderr);
			return -EINVAL;
		}
		if (opt_value(&opts[i], optarg))
			return -EINVAL;
	}
	return 0;
}

/* ---- timing the XDP program ------------------------------------------- */

int bu_load_bare(int verdict)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K,
		  .dst_reg = BPF_REG_0,
		  .imm = verdict },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd;

	fd = bpf_prog_load(BPF_PROG_TYPE_XDP,
			   verdict == XDP_DROP ? "bare_drop" : "bare_pass",
			   "GPL", insns, 2, NULL);
	return fd < 0 ? -errno : fd;
}

int bu_attach(const char *ifname, int fd)
{
	int ifindex = if_nametoindex(ifname), err;

	if (!ifindex) {
		pr_err("interface '%s': %s", ifname, strerror(errno));
		return -ENODEV;
	}
	err = bpf_xdp_attach(ifindex, fd,
			     XDP_FLAGS_DRV_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST,
			     NULL);
	if (err) {
		pr_err("cannot attach to %s (native mode): %s%s", ifname,
		       strerror(-err),
		       err == -EBUSY ? "; it already has a program" : "");
		return err;
	}
	return ifindex;
}

void bu_detach(int ifindex, int fd)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = fd);

	if (ifindex > 0)
		bpf_xdp_attach(ifindex, -1,
			       XDP_FLAGS_DRV_MODE | XDP_FLAGS_REPLACE, &opts);
}

/*
 * The calling thread's CPU time, ns. A test run's loop runs in the
 * thread's system call, so this is its time without the time other work
 * on a shared machine preempted it for: wall time around a 200 ms run
 * here came out 0-30% above it, the same loop, depending on the load.
 */
static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int bu_time_once(int fd, const uint8_t *frame, int len, __u32 repeat,
		 double *ns, __u32 *verdict)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = len, .repeat = repeat);
	uint64_t t0, t1;
	int err;

	t0 = thread_cpu_ns();
	err = bpf_prog_test_run_opts(fd, &opts);
	t1 = thread_cpu_ns();
	if (err)
		return -errno;
	*ns = (double)(t1 - t0) / repeat;
	*verdict = opts.retval;
	return 0;
}

int bu_calibrate(int fd, const uint8_t *frame, int len, double ms,
		 __u32 *repeat)
{
	double ns, r;
	__u32 v;
	int err;

	err = bu_time_once(fd, frame, len, 100000, &ns, &v);
	if (err)
		return err;
	r = ms * 1e6 / (ns > 0.1 ? ns : 0.1);
	*repeat = r > 1e9 ? 1000000000u : r < 1000 ? 1000 : (__u32)r;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double bu_median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int bu_class_frame(struct pkt_desc *d, const char *src, uint8_t *buf,
		   size_t cap)
{
	static const uint8_t dst_mac[6] = { 2, 0, 0, 0, 0, 2 };
	static const uint8_t src_mac[6] = { 2, 0, 0, 0, 0, 1 };
	int af = d->ethertype == ETH_P_IPV6 ? AF_INET6 : AF_INET;
	uint8_t a[16];

	d->dst_mac = dst_mac;
	d->src_mac = src_mac;
	d->src = src ? src : af == AF_INET ? "192.0.2.1" : "2001:db8::1";
	d->dst = af == AF_INET ? "198.51.100.1" : "2001:db8:ffff::1";
	if (inet_pton(af, d->src, a) != 1)
		return -EINVAL;
	d->hop_limit = 64;
	d->icmp_id = FRAME_ECHO_ID;
	d->size = frame_min_size(d) + 32; /* an echo's usual small payload */
	return frame_build(d, buf, cap);
}

int bu_apply_policy(struct ig_maps *maps, const char *text, const char *source,
		    struct ig_compiled *out)
{
	struct ig_compiled compiled = {};
	struct ig_policy policy;
	struct ig_diag diag = {};
	char msg[512];
	int err;

	ig_policy_init(&policy);
	err = ig_policy_parse(&policy, text, strlen(text), source, &diag);
	if (err) {
		ig_diag_format(&diag, msg, sizeof(msg));
		pr_err("policy %s", msg);
		goto out;
	}
	err = ig_policy_compile(&policy, &compiled);
	if (err) {
		pr_err("policy %s: cannot compile: %s", source, strerror(-err));
		goto out;
	}
	err = ig_store_apply(maps, &compiled);
	if (err)
		pr_err("policy %s: cannot store: %s", source, strerror(-err));
out:
	if (out && !err)
		*out = compiled;
	else
		ig_compiled_free(&compiled);
	ig_policy_free(&policy);
	return err;
}
