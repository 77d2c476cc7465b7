// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rlcost: what a rate-limited class costs per packet in icmpgate's XDP
 * program, next to a drop by type in the same program and a bare
 * `return XDP_DROP;`, with the per-source table filled with a million
 * tracked sources (tools/bench_ratelimit.sh runs it).
 *
 * The method is tools/bench_prog.c's: one crafted frame per case through
 * the real program with BPF_PROG_TEST_RUN and a large repeat count, timed
 * with clock_gettime around the call, the median of several runs; every
 * timed program is attached (native mode) to an interface of the caller's,
 * so that a run does not install it in the XDP dispatcher first. The same
 * frame repeated finds its source's bucket hot in the cache: this is the
 * cost under a flood from a few sources. A new source on every packet (a
 * spoofed flood) is measured on a live flood by bench_ratelimit.sh.
 *
 * Usage: rlcost [--runs N] [--ms MS] [--sources N] [--json FILE]
 *               IFACE_PROG IFACE_DROP
 */
#include <errno.h>
#include <getopt.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "icmpgate.h"
#include "icmpgate.skel.h"
#include "../bpf/ratelimit.h"
#include "compile.h"
#include "policy.h"
#include "store.h"
#include "frame.h"
#include "loader.h"

#define MAX_RUNS 51
#define FRAME_LEN 74 /* an echo with a small payload, as bench_prog's */

struct rl_case {
	const char *name;
	const char *key; /* for JSON */
	const char *policy;
	int family; /* AF_INET, AF_INET6 */
	uint8_t type;
	bool fill; /* a million other sources in the table */
};

/* Rates so high that a bucket never empties: the pass path. */
#define HUGE "1000000000/s"

static const struct rl_case cases[] = {
	{ "drop by type (no limit)", "drop_by_type", "v4 echo-request drop\n",
	  AF_INET, 8, false },
	{ "class bucket empty: drop (coarse clock)", "class_drop_coarse",
	  "v4 echo-request limit 1000/s\n", AF_INET, 8, false },
	{ "class bucket empty: drop (fine clock)", "class_drop_fine",
	  "v4 echo-request limit 1000/s burst 5\n", AF_INET, 8, false },
	{ "class bucket has tokens: pass", "class_pass",
	  "v4 echo-request limit " HUGE "\n", AF_INET, 8, false },
	{ "per-source empty: drop, 1M sources", "source_drop",
	  "v4 echo-request limit per-source 10/s\n", AF_INET, 8, true },
	{ "per-source + class, source empty: drop, 1M", "both_drop",
	  "v4 echo-request limit 1000/s per-source 10/s burst 20\n", AF_INET, 8,
	  true },
	{ "per-source + class, tokens: pass, 1M", "both_pass",
	  "v4 echo-request limit " HUGE " per-source " HUGE "\n", AF_INET, 8,
	  true },
	{ "v6 per-source + class, source empty: drop, 1M", "v6_both_drop",
	  "v6 echo-request limit 1000/s per-source 10/s burst 20\n", AF_INET6,
	  128, true },
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void pr_err(const char *fmt, ...)
{
	va_list ap;

	fputs("rlcost: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int quiet(enum libbpf_print_level l, const char *f, va_list ap)
{
	(void)l;
	(void)f;
	(void)ap;
	return 0;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int build_frame(const struct rl_case *c, uint8_t *buf)
{
	struct frame_spec s = {
		.family = c->family,
		.proto = c->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6,
		.type = c->type,
		.dst_mac = { 2, 0, 0, 0, 0, 2 },
		.src_mac = { 2, 0, 0, 0, 0, 1 },
	};

	if (c->family == AF_INET) {
		inet_pton(AF_INET, "192.0.2.1", s.src);
		inet_pton(AF_INET, "198.51.100.1", s.dst);
	} else {
		inet_pton(AF_INET6, "2001:db8::1", s.src);
		inet_pton(AF_INET6, "2001:db8:ffff::1", s.dst);
	}
	s.size = frame_min_size(&s) + 32;
	return frame_build(&s, buf, FRAME_LEN + 64);
}

static int apply(struct ig_maps *m, const char *text)
{
	struct ig_compiled c = {};
	struct ig_policy p;
	struct ig_diag d = {};
	int err;

	ig_policy_init(&p);
	err = ig_policy_parse(&p, text, strlen(text), "case", &d);
	if (!err)
		err = ig_policy_compile(&p, &c);
	if (!err)
		err = ig_store_apply(m, &c);
	if (err)
		pr_err("policy '%s': %s %s", text, strerror(-err), d.msg);
	ig_compiled_free(&c);
	ig_policy_free(&p);
	return err;
}

/*
 * n sources of the live policy's first class: 10.0.0.0/8, or
 * 2001:db8:1::/48 by /64, each in its set of the table (a set that is
 * full already keeps its two). *filled: how many found room.
 */
static int fill_sources(const struct ig_maps *m, int family, __u32 n,
			__u32 *filled)
{
	const struct ig_limit *lim = &m->slots[*m->active & 1].limits[0];
	struct ig_source_slot *slots, *e;
	__u32 max = 0, sets, x, set;
	__u8 a[16];
	__u64 w[2];
	size_t size;
	int err;

	err = ig_sources_capacity(m, &max);
	if (err)
		return err;
	sets = max / 2;
	size = (size_t)max * sizeof(*slots);
	slots = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		     m->sources_fd, 0);
	if (slots == MAP_FAILED)
		return -errno;
	memset(slots, 0, size);
	*filled = 0;
	for (x = 0; x < n; x++) {
		memset(a, 0, sizeof(a));
		if (family == AF_INET) {
			a[0] = 10;
			a[1] = x >> 16;
			a[2] = x >> 8;
			a[3] = x;
		} else {
			a[0] = 0x20;
			a[1] = 0x01;
			a[2] = 0x0d;
			a[3] = 0xb8;
			a[4] = x >> 16;
			a[5] = 1;
			a[6] = x >> 8;
			a[7] = x;
		}
		memcpy(w, a, sizeof(w));
		ig_rl_mask_addr(w, lim->prefix_len);
		set = ig_rl_source_set(lim->tag, w, sets);
		e = &slots[set * 2];
		if (e->tag)
			e++;
		if (e->tag)
			continue;
		e->tag = lim->tag;
		e->addr[0] = w[0];
		e->addr[1] = w[1];
		(*filled)++;
	}
	munmap(slots, size);
	return 0;
}

static int time_once(int fd, const uint8_t *frame, int len, __u32 repeat,
		     double *ns, __u32 *verdict)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = len, .repeat = repeat);
	double t0, t1;

	t0 = now_ns();
	if (bpf_prog_test_run_opts(fd, &opts))
		return -errno;
	t1 = now_ns();
	*ns = (t1 - t0) / repeat;
	*verdict = opts.retval;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median of runs of about ms each; *verdict of the last. */
static int measure(int fd, const uint8_t *frame, int len, int runs, double ms,
		   double *med, __u32 *verdict)
{
	double ns[MAX_RUNS], x;
	__u32 repeat;
	int i, err;

	err = time_once(fd, frame, len, 100000, &x, verdict);
	if (err)
		return err;
	x = ms * 1e6 / (x > 0.1 ? x : 0.1);
	repeat = x > 1e9 ? 1000000000u : x < 1000 ? 1000 : (__u32)x;
	for (i = 0; i < runs; i++) {
		err = time_once(fd, frame, len, repeat, &ns[i], verdict);
		if (err)
			return err;
	}
	qsort(ns, runs, sizeof(ns[0]), cmp_double);
	*med = runs % 2 ? ns[runs / 2] : (ns[runs / 2 - 1] + ns[runs / 2]) / 2;
	return 0;
}

static int load_bare_drop(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K,
		  .dst_reg = BPF_REG_0,
		  .imm = XDP_DROP },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "bare_drop", "GPL", insns, 2,
			       NULL);

	return fd < 0 ? -errno : fd;
}

static int attach(const char *ifname, int fd)
{
	int ifindex = if_nametoindex(ifname), err;

	if (!ifindex) {
		pr_err("no interface '%s'", ifname);
		return -ENODEV;
	}
	err = bpf_xdp_attach(ifindex, fd,
			     XDP_FLAGS_DRV_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST,
			     NULL);
	if (err) {
		pr_err("cannot attach to %s: %s", ifname, strerror(-err));
		return err;
	}
	return ifindex;
}

static void detach(int ifindex)
{
	if (ifindex > 0)
		bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: rlcost [--runs N] [--ms MS] [--sources N] "
		   "[--json FILE] IFACE_PROG IFACE_DROP\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "runs", required_argument, NULL, 'r' },
		{ "ms", required_argument, NULL, 't' },
		{ "sources", required_argument, NULL, 's' },
		{ "json", required_argument, NULL, 'j' },
		{ "fake-clock", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double ms = 200, med[N_CASES], bare = 0;
	unsigned long sources = 1000000;
	int runs = 5, opt, err = 0, ig_fd, drop_fd = -1, len;
	int if_prog = -1, if_drop = -1;
	const char *json = NULL;
	struct icmpgate_bpf *skel = NULL;
	struct ig_maps maps;
	uint8_t frame[FRAME_LEN + 64];
	__u32 verdict[N_CASES], v, filled[N_CASES] = { 0 };
	FILE *jf = NULL;
	size_t i;

	bool fake = false;

	while ((opt = getopt_long(argc, argv, "r:t:s:j:fh", longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'f':
			fake = true;
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		case 't':
			ms = atof(optarg);
			break;
		case 's':
			sources = strtoul(optarg, NULL, 10);
			break;
		case 'j':
			json = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2 || runs < 1 || runs > MAX_RUNS || ms <= 0 ||
	    sources > IG_MAX_SOURCES_MAX - 1024) {
		usage(stderr);
		return 2;
	}
	libbpf_set_print(quiet);
	ig_maps_init(&maps);

	skel = icmpgate_bpf__open();
	if (!skel)
		return pr_err("cannot open the program"), 1;
	skel->rodata->ig_fake_clock = fake;
	err = ig_loader_size_sources(skel, sources + 1024);
	if (!err)
		err = icmpgate_bpf__load(skel);
	if (!err)
		err = ig_maps_from_object(&maps, skel->obj);
	if (err) {
		pr_err("cannot load the program: %s", strerror(-err));
		goto out;
	}
	ig_fd = bpf_program__fd(skel->progs.icmpgate_xdp);
	if (fake) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		skel->bss->ig_fake_now = ts.tv_sec * 1000000000ull + ts.tv_nsec;
	}
	drop_fd = load_bare_drop();
	if (drop_fd < 0) {
		err = drop_fd;
		goto out;
	}
	if_prog = attach(argv[optind], ig_fd);
	if_drop = attach(argv[optind + 1], drop_fd);
	if (if_prog < 0 || if_drop < 0) {
		err = -ENODEV;
		goto out;
	}

	len = build_frame(&cases[0], frame);
	err = measure(drop_fd, frame, len, runs, ms, &bare, &v);
	for (i = 0; i < N_CASES && !err; i++) {
		const struct rl_case *c = &cases[i];
		err = apply(&maps, c->policy);
		if (!err && c->fill)
			err = fill_sources(&maps, c->family, sources,
					   &filled[i]);
		if (err) {
			pr_err("%s: %s", c->name, strerror(-err));
			break;
		}
		len = build_frame(c, frame);
		err = measure(ig_fd, frame, len, runs, ms, &med[i],
			      &verdict[i]);
	}
	if (err) {
		pr_err("BPF_PROG_TEST_RUN: %s", strerror(-err));
		goto out;
	}

	printf("  %-48s %8s %8s %8s\n", "class (icmpgate, one source)",
	       "verdict", "ns/pkt", "+ bare");
	printf("  %-48s %8s %8.1f %8s\n", "bare XDP_DROP", "drop", bare, "");
	for (i = 0; i < N_CASES; i++)
		printf("  %-48s %8s %8.1f %+8.1f\n", cases[i].name,
		       verdict[i] == XDP_DROP ? "drop" : "pass", med[i],
		       med[i] - bare);
	for (i = 0; i < N_CASES; i++)
		if (cases[i].fill)
			printf("  (%s: %u of %lu other sources found room in "
			       "the table)\n",
			       cases[i].key, filled[i], sources);
	if (json) {
		jf = fopen(json, "w");
		if (!jf) {
			err = -errno;
			pr_err("%s: %s", json, strerror(errno));
			goto out;
		}
		fprintf(jf,
			"{\"benchmark\": \"ratelimit_cost\", \"runs\": %d, "
			"\"run_ms\": %.0f, \"sources\": %lu, "
			"\"bare_drop_ns\": %.2f, \"cases\": {",
			runs, ms, sources, bare);
		for (i = 0; i < N_CASES; i++)
			fprintf(jf,
				"%s\"%s\": {\"label\": \"%s\", \"verdict\": "
				"\"%s\", \"ns_per_packet\": %.2f, "
				"\"over_bare_drop_ns\": %.2f}",
				i ? ", " : "", cases[i].key, cases[i].name,
				verdict[i] == XDP_DROP ? "drop" : "pass",
				med[i], med[i] - bare);
		fprintf(jf, "}}\n");
		fclose(jf);
	}
out:
	detach(if_prog);
	detach(if_drop);
	if (drop_fd >= 0)
		close(drop_fd);
	ig_maps_close(&maps);
	icmpgate_bpf__destroy(skel);
	return err ? 1 : 0;
}
