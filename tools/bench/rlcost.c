// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rlcost: what a rate-limited class costs per packet in icmpgate's XDP
 * program, next to a drop by type in the same program and a bare
 * `return XDP_DROP;`, with the per-source table filled with a million
 * tracked sources (tools/bench/bench_ratelimit.sh runs it).
 *
 * The method is tools/bench/bench_prog.c's: one crafted frame per case through
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
#include "ratelimit_math.h"
#include "compile.h"
#include "policy.h"
#include "store.h"
#include "loader.h"
#include "toolutil.h"

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
	/* The spoofed flood's path: the class is empty, and the packet is
	 * dropped before its source is looked for in the table. */
	{ "per-source + class, class empty: drop, 1M", "class_empty_first",
	  "v4 echo-request limit 1000/s per-source " HUGE "\n", AF_INET, 8,
	  true },
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

/*
 * n sources of class lim: 10.0.0.0/8, or 2001:db8:1::/48 by /64, each in
 * one of its two sets of the table (two sets that are full already keep
 * their entries). *filled: how many found room.
 */
static int fill_sources(const struct ig_maps *m, const struct ig_limit *lim,
			int family, __u32 n, __u32 *filled)
{
	struct ig_source_set *table;
	struct ig_source_slot *e;
	__u32 max = 0, sets, x, idx[2];
	__u8 a[16];
	__u64 w[2];
	size_t size;
	int err;

	err = ig_sources_capacity(m, &max);
	if (err)
		return err;
	sets = max / 2;
	size = (size_t)sets * sizeof(*table);
	table = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		     m->sources_fd, 0);
	if (table == MAP_FAILED)
		return -errno;
	memset(table, 0, size);
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
		/* As the program places a new source while there is room. */
		ig_rl_source_sets(lim->tag, w, sets, idx);
		e = ig_rl_free_entry(&table[idx[0]], &table[idx[1]]);
		if (!e)
			continue;
		e->tag = lim->tag;
		e->addr[0] = w[0];
		e->addr[1] = w[1];
		(*filled)++;
	}
	munmap(table, size);
	return 0;
}

/* Median of runs of about ms each; *verdict of the last. */
static int measure(int fd, const uint8_t *frame, int len, int runs, double ms,
		   double *med, __u32 *verdict)
{
	double ns[MAX_RUNS];
	__u32 repeat;
	int i, err;

	err = bu_calibrate(fd, frame, len, ms, &repeat);
	for (i = 0; i < runs && !err; i++)
		err = bu_time_once(fd, frame, len, repeat, &ns[i], verdict);
	if (!err)
		*med = bu_median(ns, runs);
	return err;
}

static int build_frame(const struct rl_case *c, uint8_t *buf, size_t cap)
{
	struct pkt_desc d = {
		.ethertype = c->family == AF_INET ? ETH_P_IP : ETH_P_IPV6,
		.proto = c->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6,
		.type = c->type,
	};

	return bu_class_frame(&d, NULL, buf, cap);
}

/*
 * The tag the program keys this case's per-source buckets with: the
 * compiled rule's own, so that the filled sources are the class's, whichever
 * clock (a bit of the tag) the compiler chose for it.
 */
static const struct ig_limit *case_limit(const struct rl_case *c,
					 const struct ig_compiled *comp)
{
	int fam = c->family == AF_INET ? IG_FAM_V4 : IG_FAM_V6;
	const struct ig_rule *r =
		&comp->slot->rules[IG_SIDE_HOST][fam][c->type][0];

	if (r->action != IG_ACT_LIMIT)
		return NULL;
	return &comp->slot->limits[r->class_id & (IG_MAX_CLASSES - 1)];
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: rlcost [--runs N] [--ms MS] [--sources N] [--json FILE]\n"
		"              [--fake-clock] IFACE_PROG IFACE_DROP\n"
		"\n"
		"Time icmpgate's XDP program on rate-limited classes (BPF_PROG_TEST_RUN,\n"
		"one crafted frame a case) next to a bare XDP_DROP, with N other sources\n"
		"tracked in the per-source table. Both interfaces get a program attached\n"
		"in native mode while they are timed; tools/bench/bench_ratelimit.sh makes\n"
		"veths for them.\n"
		"\n"
		"  -r, --runs N      timed runs per case, median reported (default 5)\n"
		"  -t, --ms MS       length of one timed run (default 200)\n"
		"  -s, --sources N   sources in the table (default 1000000)\n"
		"  -j, --json FILE   also write the results as JSON to FILE\n"
		"  -f, --fake-clock  the program's test clock instead of the kernel's\n"
		"  -h, --help\n");
}

struct rl_opts {
	unsigned long long runs;
	double ms;
	unsigned long long sources;
	const char *json;
	bool fake;
	const char *if_prog, *if_drop;
};

struct rl_result {
	double ns;
	__u32 verdict;
	const char *clock; /* "coarse", "fine" or "-" (no limit) */
	__u32 filled; /* other sources that found room in the table */
};

static const char *clock_of(const struct rl_case *c,
			    const struct ig_compiled *comp)
{
	int fam = c->family == AF_INET ? IG_FAM_V4 : IG_FAM_V6;
	const struct ig_rule *r =
		&comp->slot->rules[IG_SIDE_HOST][fam][c->type][0];
	__u8 flags =
		comp->slot->limits[r->class_id & (IG_MAX_CLASSES - 1)].flags;

	if (r->action != IG_ACT_LIMIT)
		return "-";
	return flags & IG_LIMIT_FINE_CLOCK ? "fine" : "coarse";
}

/* Apply case c, fill the table if it says so, and time it. */
static int run_case(const struct rl_opts *o, struct ig_maps *maps, int ig_fd,
		    const struct rl_case *c, struct rl_result *res)
{
	struct ig_compiled comp = {};
	uint8_t frame[FRAME_LEN + 64];
	const struct ig_limit *lim;
	int err, len;

	err = bu_apply_policy(maps, c->policy, c->key, &comp);
	if (err)
		return err;
	res->clock = clock_of(c, &comp);
	if (c->fill) {
		lim = case_limit(c, &comp);
		err = lim ? fill_sources(maps, lim, c->family, o->sources,
					 &res->filled) :
			    -EINVAL;
		if (err)
			pr_err("%s: cannot fill the table: %s", c->name,
			       strerror(-err));
	}
	ig_compiled_free(&comp);
	len = build_frame(c, frame, sizeof(frame));
	if (!err && len < 0)
		err = len;
	if (!err)
		err = measure(ig_fd, frame, len, o->runs, o->ms, &res->ns,
			      &res->verdict);
	return err;
}

static int write_json(const struct rl_opts *o, double bare,
		      const struct rl_result *res)
{
	FILE *jf = fopen(o->json, "w");
	size_t i;

	if (!jf) {
		pr_err("%s: %s", o->json, strerror(errno));
		return -EIO;
	}
	fprintf(jf,
		"{\"benchmark\": \"ratelimit_cost\", \"runs\": %llu, "
		"\"run_ms\": %.0f, \"sources\": %llu, "
		"\"bare_drop_ns\": %.2f, \"cases\": {",
		o->runs, o->ms, o->sources, bare);
	for (i = 0; i < N_CASES; i++)
		fprintf(jf,
			"%s\"%s\": {\"label\": \"%s\", \"verdict\": "
			"\"%s\", \"clock\": \"%s\", \"ns_per_packet\": %.2f, "
			"\"over_bare_drop_ns\": %.2f}",
			i ? ", " : "", cases[i].key, cases[i].name,
			res[i].verdict == XDP_DROP ? "drop" : "pass",
			res[i].clock, res[i].ns, res[i].ns - bare);
	fprintf(jf, "}}\n");
	return fclose(jf) ? -EIO : 0;
}

static int run(const struct rl_opts *o)
{
	struct rl_result res[N_CASES] = {};
	struct icmpgate_bpf *skel;
	int err, ig_fd = -1, drop_fd = -1, len, if_prog = -1, if_drop = -1;
	uint8_t frame[FRAME_LEN + 64];
	struct ig_maps maps;
	double bare = 0;
	size_t i;
	__u32 v;

	ig_maps_init(&maps);
	skel = icmpgate_bpf__open();
	if (!skel) {
		err = -errno;
		pr_err("cannot open the program: %s", strerror(-err));
		return err;
	}
	skel->rodata->ig_fake_clock = o->fake;
	err = ig_loader_size_sources(skel, o->sources + 1024);
	if (!err)
		err = icmpgate_bpf__load(skel);
	if (!err)
		err = ig_maps_from_object(&maps, skel->obj);
	if (err) {
		pr_err("cannot load the program: %s", strerror(-err));
		goto out;
	}
	ig_fd = bpf_program__fd(skel->progs.icmpgate_xdp);
	if (o->fake)
		skel->bss->ig_fake_now = bu_now_ns();
	drop_fd = bu_load_bare(XDP_DROP);
	if (drop_fd < 0) {
		err = drop_fd;
		pr_err("cannot load a bare XDP_DROP: %s", strerror(-err));
		goto out;
	}
	if_prog = bu_attach(o->if_prog, ig_fd);
	if_drop = bu_attach(o->if_drop, drop_fd);
	if (if_prog < 0 || if_drop < 0) {
		err = -ENODEV;
		goto out;
	}

	len = build_frame(&cases[0], frame, sizeof(frame));
	err = len < 0 ? len :
			measure(drop_fd, frame, len, o->runs, o->ms, &bare, &v);
	for (i = 0; i < N_CASES && !err; i++)
		err = run_case(o, &maps, ig_fd, &cases[i], &res[i]);
	if (err) {
		pr_err("%s: %s", i ? cases[i - 1].name : "bare XDP_DROP",
		       strerror(-err));
		goto out;
	}

	printf("  %-48s %8s %7s %8s %8s\n", "class (icmpgate, one source)",
	       "verdict", "clock", "ns/pkt", "+ bare");
	printf("  %-48s %8s %7s %8.1f %8s\n", "bare XDP_DROP", "drop", "-",
	       bare, "");
	for (i = 0; i < N_CASES; i++)
		printf("  %-48s %8s %7s %8.1f %+8.1f\n", cases[i].name,
		       res[i].verdict == XDP_DROP ? "drop" : "pass",
		       res[i].clock, res[i].ns, res[i].ns - bare);
	for (i = 0; i < N_CASES; i++)
		if (cases[i].fill)
			printf("  (%s: %u of %llu other sources found room in "
			       "the table)\n",
			       cases[i].key, res[i].filled, o->sources);
	if (o->json)
		err = write_json(o, bare, res);
out:
	bu_detach(if_prog, ig_fd);
	bu_detach(if_drop, drop_fd);
	if (drop_fd >= 0)
		close(drop_fd);
	ig_maps_close(&maps);
	icmpgate_bpf__destroy(skel);
	return err;
}

int main(int argc, char **argv)
{
	struct rl_opts o = { .runs = 5, .ms = 200, .sources = 1000000 };
	const struct bu_opt opts[] = {
		{ "runs", 'r', BU_ULL, &o.runs, 1, MAX_RUNS },
		{ "ms", 't', BU_DOUBLE, &o.ms, 0.001, 60000 },
		{ "sources", 's', BU_ULL, &o.sources, 0,
		  IG_MAX_SOURCES_MAX - 1024 },
		{ "json", 'j', BU_STRING, &o.json, 0, 0 },
		{ "fake-clock", 'f', BU_FLAG, &o.fake, 0, 0 },
		{ NULL },
	};
	int err;

	bu_init("rlcost", false);
	err = bu_parse_opts(argc, argv, opts, usage);
	if (err)
		return err > 0 ? 0 : 2;
	if (argc - optind != 2) {
		pr_err("need two interfaces: the program's and bare XDP_DROP's (see --help)");
		return 2;
	}
	o.if_prog = argv[optind];
	o.if_drop = argv[optind + 1];
	return run(&o) ? 1 : 0;
}
