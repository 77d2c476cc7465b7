/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the traffic generator and the benchmark tools share: one error
 * printer named after the tool, libbpf's messages behind --verbose, a
 * monotonic clock, signals that ask a loop to stop, number parsing with a
 * range check, and for the tools that time the XDP program with
 * BPF_PROG_TEST_RUN: bare programs, attaching to an interface, the timing
 * loop, the crafted frame of a packet class and a policy applied through
 * the controller's own path. Built once into build/tools/toolutil.o and
 * linked into every tool.
 */
#ifndef IG_TOOLS_TOOLUTIL_H
#define IG_TOOLS_TOOLUTIL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/types.h>
#include <string.h>

#include "frame.h"

struct ig_maps;
struct ig_compiled;

/* The tool's name for its messages, and libbpf's messages only if verbose. */
void bu_init(const char *tool, bool verbose);

/* "TOOL: message\n" on stderr. */
void bu_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define pr_err(...) bu_err(__VA_ARGS__)

/* CLOCK_MONOTONIC in ns. */
uint64_t bu_now_ns(void);

/* Set by SIGINT and SIGTERM once bu_catch_signals() has run. */
extern volatile sig_atomic_t bu_stop;
void bu_catch_signals(void);

/*
 * Numbers of options: the whole of s, in [min, max]; otherwise one line
 * naming the option (what) and -EINVAL. Integers take a 0x prefix too.
 */
int bu_parse_ull(const char *what, const char *s, unsigned long long min,
		 unsigned long long max, unsigned long long *out);
int bu_parse_double(const char *what, const char *s, double min, double max,
		    double *out);

/* One option of a tool: --name and -key, and where its value goes. */
enum bu_opt_kind {
	BU_FLAG, /* bool *: set to true */
	BU_STRING, /* const char **: the argument */
	BU_ULL, /* unsigned long long *: an integer in [min, max] */
	BU_DOUBLE, /* double *: a number in [min, max] */
};

struct bu_opt {
	const char *name; /* NULL ends a table */
	int key; /* its letter; above 255, it has none */
	enum bu_opt_kind kind;
	void *dst;
	double min, max;
};

#define BU_OPTS_MAX 24

/*
 * getopt_long over argv from optind with the options of opts, and -h,
 * --help, which print usage to stdout. 0: parsed; 1: help printed;
 * -EINVAL: a bad option, said on stderr.
 */
int bu_parse_opts(int argc, char **argv, const struct bu_opt *opts,
		  void (*usage)(FILE *f));

/* ---- timing the XDP program (BPF_PROG_TEST_RUN) ------------------------ */

/* A loaded `return verdict;` (two instructions): its fd, or -errno. */
int bu_load_bare(int verdict);

/*
 * Attach fd to ifname in native mode, only if it has no program yet:
 * the ifindex, or a negative errno after one line saying why. Timed
 * programs are attached so that a test run does not install them in the
 * kernel's XDP dispatcher first (about 16 ms a call).
 */
int bu_attach(const char *ifname, int fd);
/* Remove fd from ifindex (nothing if ifindex <= 0 or another program). */
void bu_detach(int ifindex, int fd);

/* One timed call: ns per packet; *verdict gets the program's answer. */
int bu_time_once(int fd, const uint8_t *frame, int len, __u32 repeat,
		 double *ns, __u32 *verdict);
/* A repeat count that makes one call last about ms milliseconds. */
int bu_calibrate(int fd, const uint8_t *frame, int len, double ms,
		 __u32 *repeat);
/* The median of v[0..n) (sorts v). */
double bu_median(double *v, int n);

/*
 * The frame of a packet class: d's ethertype, proto, type, code, tags and
 * extension headers as the caller set them, from src (NULL: 192.0.2.1 or
 * 2001:db8::1) to 198.51.100.1 or 2001:db8:ffff::1, hop limit 64, with 32
 * bytes of payload after the L4 header, as an echo usually has. Its
 * length, or -EINVAL.
 */
int bu_class_frame(struct pkt_desc *d, const char *src, uint8_t *buf,
		   size_t cap);

/*
 * Parse, compile and store a policy into maps, as `policy apply` does;
 * one line on failure, naming source. With out, the compiled policy is
 * left there for the caller (ig_compiled_free), else freed.
 */
int bu_apply_policy(struct ig_maps *maps, const char *text, const char *source,
		    struct ig_compiled *out);

#endif /* IG_TOOLS_TOOLUTIL_H */
