// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench_prog: what icmpgate's XDP program costs per packet, by packet
 * class and policy, next to a bare `return XDP_DROP;` and a bare
 * `return XDP_PASS;` measured in the same run.
 *
 * Each class is one crafted frame run through the real program with
 * BPF_PROG_TEST_RUN, 5,000,000 times a call, timed by the thread's CPU
 * time around the call (the kernel's own `duration` is whole
 * nanoseconds; wall time counts whatever else the shared CPU ran). A
 * round times both bare programs and every class back to back; a class's
 * cost is what it adds to the bare program of its verdict in the same
 * round, and the tables give the median of the rounds and their spread.
 * Policies go in through the controller's own path (parse, compile,
 * store).
 *
 * The floor: on the machine this was written on (a KVM guest, AMD, Linux
 * 6.18, Safe RET), a bare XDP_DROP costs about 27 ns a run, the same in a
 * minimal loop of test runs (one 98-byte frame, repeat 5,000,000, held
 * attached, pinned): the kernel's loop around the program (bpf_test_run,
 * local_bh_enable, bpf_test_timer_continue: 85% of its samples in perf)
 * is the floor, not the harness. Hence costs as ns over bare, not ratios.
 *
 * Every timed program is attached (native mode) to an interface while it
 * is timed. An XDP program that is not attached is not in the kernel's
 * XDP dispatcher, so each BPF_PROG_TEST_RUN call would install it there
 * and remove it again (bpf_prog_change_xdp), about 16 ms a call here,
 * which no repeat count fully hides. The interfaces are given by the
 * caller (tools/bench/bench.sh makes veths in a namespace of its own).
 *
 * `bench_prog attach IFACE drop|pass|touch|icmpgate [POLICY]` attaches
 * one program and exits, leaving it attached: the flood benchmark's bare
 * programs, and its icmpgate when the controller cannot attach.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "icmpgate.h"
#include "icmpgate.skel.h"
#include "capture.h"
#include "compile.h"
#include "names.h"
#include "policy.h"
#include "store.h"
#include "toolutil.h"

#define N_PREFIXES 1000
#define FRAME_MAX_LEN 256 /* every class's frame is smaller */
#define MAX_RUNS 101
#define REPEAT_DEFAULT 5000000

/* ---- packet classes --------------------------------------------------- */

struct pkt_class {
	const char *name;
	const char *key; /* for JSON */
	int family; /* AF_INET, AF_INET6 */
	uint8_t proto;
	uint8_t type;
	uint8_t code;
	bool vlan;
	bool ext_hdr;
	const char *src; /* NULL: 192.0.2.1 / 2001:db8::1 */
	bool prefixes_only; /* only meaningful with prefix lists */
	bool by_type; /* dropped by a type rule in the base policy */
};

/* 198.18.0.0/15 (RFC 2544) is where the prefix lists below block. */
#define ICMP4(t, c) \
	.family = AF_INET, .proto = IPPROTO_ICMP, .type = t, .code = c
#define ICMP6(t, c) \
	.family = AF_INET6, .proto = IPPROTO_ICMPV6, .type = t, .code = c

/* by_type: dropped by a type rule under the base policy (the target). */
static const struct pkt_class classes[] = {
	{ "v4 echo-request", "v4_echo_request", ICMP4(8, 0), .by_type = true },
	{ "v4 echo-reply", "v4_echo_reply", ICMP4(0, 0) },
	{ "v4 frag-needed", "v4_frag_needed", ICMP4(3, 4) },
	{ "v4 UDP (not ICMP)", "v4_udp", .family = AF_INET,
	  .proto = IPPROTO_UDP },
	{ "v4 TCP (not ICMP)", "v4_tcp", .family = AF_INET,
	  .proto = IPPROTO_TCP },
	{ "v6 TCP (not ICMP)", "v6_tcp", .family = AF_INET6,
	  .proto = IPPROTO_TCP },
	{ "v6 echo-request", "v6_echo_request", ICMP6(128, 0),
	  .by_type = true },
	{ "v6 neighbor-solicit", "v6_neighbor_solicit", ICMP6(135, 0) },
	{ "VLAN v4 echo-request", "vlan_v4_echo_request", ICMP4(8, 0),
	  .vlan = true, .by_type = true },
	{ "v6 echo-request behind a dst-opts hdr", "v6_ext_echo_request",
	  ICMP6(128, 0), .ext_hdr = true, .by_type = true },
	{ "v4 echo-reply from a blocked source", "v4_blocked_source",
	  ICMP4(0, 0), .src = "198.18.7.9", .prefixes_only = true },
};

#define N_CLASSES (sizeof(classes) / sizeof(classes[0]))

static int class_frame(const struct pkt_class *c, uint8_t *buf, size_t cap)
{
	struct pkt_desc d = {
		.ethertype = c->family == AF_INET6 ? ETH_P_IPV6 : ETH_P_IP,
		.proto = c->proto,
		.type = c->type,
		.code = c->code,
		.vlan = { c->vlan ? ETH_P_8021Q : 0 },
		.vlan_id_set = true,
		.vlan_id = 100,
		.n_ext = c->ext_hdr,
		.ext = { c->ext_hdr ? IPPROTO_DSTOPTS : 0 },
	};

	return bu_class_frame(&d, c->src, buf, cap);
}

/* ---- policies --------------------------------------------------------- */

struct bench_policy {
	const char *name;
	const char *key;
	const char *what;
	char *text; /* malloc'ed */
};

static int text_append(char **buf, size_t *len, size_t *cap, const char *fmt,
		       ...) __attribute__((format(printf, 4, 5)));
static int text_append(char **buf, size_t *len, size_t *cap, const char *fmt,
		       ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -EINVAL;
		if ((size_t)n < *cap - *len)
			break;
		*cap = (*cap + n) * 2;
		*buf = realloc(*buf, *cap);
		if (!*buf)
			return -ENOMEM;
	}
	*len += n;
	return 0;
}

/* Added to the built-in policy for the base of the comparisons. */
static const char ECHO_DROP[] = "v4 echo-request drop\n"
				"v6 echo-request drop\n";

/*
 * A rule for every type of both families and for codes 0-15 of each: 8,704
 * rules. Essential types pass, the rest alternate, so the classes keep the
 * verdicts they have under the base policy.
 */
static int full_policy(char **out)
{
	size_t len = 0, cap = 1 << 16;
	int fam, t, c, err = 0;
	const char *act;

	*out = malloc(cap);
	if (!*out)
		return -ENOMEM;
	**out = 0;
	for (fam = IG_FAM_V4; fam <= IG_FAM_V6 && !err; fam++) {
		for (t = 0; t < 256 && !err; t++) {
			int echo_req = fam == IG_FAM_V4 ? 8 : 128;
			int echo_rep = fam == IG_FAM_V4 ? 0 : 129;

			if (t == echo_req)
				act = "drop";
			else if (t == echo_rep ||
				 ig_is_essential(fam, t, IG_CODE_ANY))
				act = "pass";
			else
				act = t % 2 ? "drop" : "pass";
			err = text_append(out, &len, &cap, "%s %d %s\n",
					  ig_family_name(fam), t, act);
			for (c = 0; c < 16 && !err; c++)
				err = text_append(out, &len, &cap,
						  "%s %d/%d %s\n",
						  ig_family_name(fam), t, c,
						  act);
		}
	}
	return err;
}

/*
 * N_PREFIXES allow and block prefixes, half of each family, of assorted
 * lengths, drawn from a fixed sequence: the v4 ones inside 198.18.0.0/15
 * and 10.0.0.0/8, the v6 ones inside 2001:db8:8000::/33, so the classes'
 * sources (192.0.2.1, 2001:db8::1) match none of them and take the whole
 * lookup, while 198.18.7.9 falls in a block prefix.
 */
static int prefix_policy(char **out, size_t *lenp, size_t *capp)
{
	static uint8_t seen[N_PREFIXES][17]; /* address, length */
	size_t len = *lenp, cap = *capp;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	char addr[INET6_ADDRSTRLEN];
	int n = 1, i, b, plen, err;
	uint8_t a[16];
	bool v4;

	err = text_append(out, &len, &cap, "block 198.18.0.0/20\n");
	while (n < N_PREFIXES && !err) {
		x ^= x << 13; /* xorshift64 */
		x ^= x >> 7;
		x ^= x << 17;
		memset(a, 0, sizeof(a));
		v4 = n % 2 == 0;
		if (v4) {
			plen = 16 + x % 17; /* /16 - /32 */
			a[0] = n % 4 ? 10 : 198;
			a[1] = a[0] == 10 ? (uint8_t)(x >> 8) : 19;
			a[2] = (uint8_t)(x >> 16);
			a[3] = (uint8_t)(x >> 24);
		} else {
			plen = 40 + x % 89; /* /40 - /128 */
			a[0] = 0x20;
			a[1] = 0x01;
			a[2] = 0x0d;
			a[3] = 0xb8;
			for (b = 4; b < 16; b++)
				a[b] = (uint8_t)(x >> (b * 5 % 56));
			a[4] |= 0x80;
		}
		for (b = 0; b < 16; b++) { /* mask to plen */
			if (b * 8 >= plen)
				a[b] = 0;
			else if (b * 8 + 8 > plen)
				a[b] &= (uint8_t)(0xff << (b * 8 + 8 - plen));
		}
		memcpy(seen[n], a, 16);
		seen[n][16] = (uint8_t)(plen | (v4 ? 0x80 : 0));
		for (i = 1; i < n; i++)
			if (!memcmp(seen[i], seen[n], 17))
				break;
		if (i < n)
			continue; /* drawn before */
		inet_ntop(v4 ? AF_INET : AF_INET6, a, addr, sizeof(addr));
		err = text_append(out, &len, &cap, "%s %s/%d\n",
				  n % 4 < 2 ? "allow" : "block", addr, plen);
		n++;
	}
	*lenp = len;
	*capp = cap;
	return err;
}

/*
 * The built-in default policy with echo requests dropped: its own
 * echo-request rules (rate limits) are left out and ECHO_DROP appended.
 */
static int base_text(char **buf, size_t *len, size_t *cap)
{
	const char *line = ig_default_policy, *nl;
	int err = 0;

	*cap = 1 << 16;
	*len = 0;
	*buf = malloc(*cap);
	if (!*buf)
		return -ENOMEM;
	**buf = 0;
	for (; *line && !err; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line) - 1;
		if (!strncmp(line, "v4 echo-request ", 16) ||
		    !strncmp(line, "v6 echo-request ", 16))
			continue;
		err = text_append(buf, len, cap, "%.*s\n", (int)(nl - line),
				  line);
	}
	return err ? err : text_append(buf, len, cap, "%s", ECHO_DROP);
}

static int policy_text(const char *key, char **out)
{
	size_t len, cap;
	int err;

	if (!strcmp(key, "builtin")) {
		*out = strdup(ig_default_policy);
		return *out ? 0 : -ENOMEM;
	}
	if (!strcmp(key, "full"))
		return full_policy(out);
	err = base_text(out, &len, &cap);
	if (err || !strcmp(key, "default") || !strncmp(key, "capture", 7))
		return err;
	return prefix_policy(out, &len, &cap);
}

/* ---- programs --------------------------------------------------------- */

/*
 * Read what any ICMP filter must read (the EtherType, the IPv4 protocol and
 * the ICMP type), then `return XDP_DROP;`. On a real receive path the
 * frame's data is cold: a bare XDP_DROP, which never reads it, does not
 * pay for the cache lines every filter has to load.
 */
static int load_touch(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_LDX | BPF_W | BPF_MEM,
		  .dst_reg = BPF_REG_2,
		  .src_reg = BPF_REG_1,
		  .off = offsetof(struct xdp_md, data) },
		{ .code = BPF_LDX | BPF_W | BPF_MEM,
		  .dst_reg = BPF_REG_3,
		  .src_reg = BPF_REG_1,
		  .off = offsetof(struct xdp_md, data_end) },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X,
		  .dst_reg = BPF_REG_4,
		  .src_reg = BPF_REG_2 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K,
		  .dst_reg = BPF_REG_4,
		  .imm = 14 + 20 + 8 },
		{ .code = BPF_JMP | BPF_JGT | BPF_X,
		  .dst_reg = BPF_REG_4,
		  .src_reg = BPF_REG_3,
		  .off = 3 },
		{ .code = BPF_LDX | BPF_H | BPF_MEM,
		  .dst_reg = BPF_REG_5,
		  .src_reg = BPF_REG_2,
		  .off = 12 }, /* EtherType */
		{ .code = BPF_LDX | BPF_B | BPF_MEM,
		  .dst_reg = BPF_REG_5,
		  .src_reg = BPF_REG_2,
		  .off = 14 + 9 }, /* IPv4 protocol */
		{ .code = BPF_LDX | BPF_B | BPF_MEM,
		  .dst_reg = BPF_REG_5,
		  .src_reg = BPF_REG_2,
		  .off = 14 + 20 }, /* ICMP type */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K,
		  .dst_reg = BPF_REG_0,
		  .imm = XDP_DROP },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd;

	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "touch_drop", "GPL", insns,
			   sizeof(insns) / sizeof(insns[0]), NULL);
	return fd < 0 ? -errno : fd;
}

#define INSN(c, d, sr, o, i)                 \
	((struct bpf_insn){ .code = (c),     \
			    .dst_reg = (d),  \
			    .src_reg = (sr), \
			    .off = (o),      \
			    .imm = (i) })
#define LD_MAP(d, fd)                                                 \
	INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd), \
		INSN(0, 0, 0, 0, 0)
/* r0 = bpf_map_lookup_elem(fd, fp - 4): five instructions. */
#define LOOKUP_FP4(fd)                                                 \
	LD_MAP(1, fd), INSN(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0), \
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -4),        \
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem)

/*
 * The minimal reference filter the issue measures icmpgate against: parse
 * Ethernet and IPv4, one array lookup by ICMP type for the verdict (drop
 * for echo-request), one per-CPU counter; anything else passes uncounted.
 * Its cost over bare on this machine is the yardstick for the targets,
 * which were set on another. maps[0..1] get its two maps.
 */
static int load_reference(int maps[2])
{
	__u32 key = 8, drop = XDP_DROP, pass = XDP_PASS, k;
	int fd;

	maps[0] = bpf_map_create(BPF_MAP_TYPE_ARRAY, "ref_verdict", 4, 4, 256,
				 NULL);
	maps[1] = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "ref_count", 4, 8,
				 256, NULL);
	if (maps[0] < 0 || maps[1] < 0)
		return -errno;
	for (k = 0; k < 256; k++)
		bpf_map_update_elem(maps[0], &k, &pass, BPF_ANY);
	bpf_map_update_elem(maps[0], &key, &drop, BPF_ANY);
	{
		struct bpf_insn insns[] = {
			/* 0 */ INSN(BPF_LDX | BPF_W | BPF_MEM, 2, 1, 0, 0),
			INSN(BPF_LDX | BPF_W | BPF_MEM, 3, 1, 4, 0),
			INSN(BPF_ALU64 | BPF_MOV | BPF_X, 4, 2, 0, 0),
			INSN(BPF_ALU64 | BPF_ADD | BPF_K, 4, 0, 0, 14 + 20 + 8),
			INSN(BPF_JMP | BPF_JGT | BPF_X, 4, 3, 24, 0), /* pass */
			/* 5: EtherType, IPv4 protocol */
			INSN(BPF_LDX | BPF_H | BPF_MEM, 4, 2, 12, 0),
			INSN(BPF_JMP | BPF_JNE | BPF_K, 4, 0, 22, 0x0008),
			INSN(BPF_LDX | BPF_B | BPF_MEM, 4, 2, 14 + 9, 0),
			INSN(BPF_JMP | BPF_JNE | BPF_K, 4, 0, 20, 1),
			/* 9: the type, the key of both lookups */
			INSN(BPF_LDX | BPF_B | BPF_MEM, 4, 2, 14 + 20, 0),
			INSN(BPF_STX | BPF_W | BPF_MEM, 10, 4, -4, 0),
			LOOKUP_FP4(maps[0]),
			/* 16 */ INSN(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 12, 0),
			INSN(BPF_LDX | BPF_W | BPF_MEM, 6, 0, 0, 0),
			LOOKUP_FP4(maps[1]),
			/* 23 */ INSN(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 3, 0),
			INSN(BPF_LDX | BPF_DW | BPF_MEM, 1, 0, 0, 0),
			INSN(BPF_ALU64 | BPF_ADD | BPF_K, 1, 0, 0, 1),
			INSN(BPF_STX | BPF_DW | BPF_MEM, 0, 1, 0, 0),
			/* 27 */ INSN(BPF_ALU64 | BPF_MOV | BPF_X, 0, 6, 0, 0),
			INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
			/* 29: pass */
			INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, XDP_PASS),
			INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		};

		fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "ref_filter", "GPL",
				   insns, sizeof(insns) / sizeof(insns[0]),
				   NULL);
	}
	return fd < 0 ? -errno : fd;
}

/* ---- timing ----------------------------------------------------------- */

struct bench {
	int runs;
	__u32 repeat; /* packets a timed call */
	const char *json_path;
	const char *only; /* measure this policy alone (its key) */
	bool transit; /* the frames are judged as transit: no host targets */
	const char *ifnames[4]; /* icmpgate, bare drop, bare pass, reference */
	int cpu;
	struct icmpgate_bpf *skel;
	struct ig_maps maps;
	int ig_fd, drop_fd, pass_fd, ref_fd;
	int ref_maps[2];
	int ifindex[4];
};

/* ---- results ---------------------------------------------------------- */

struct result {
	double ns[MAX_RUNS];
	double add[MAX_RUNS]; /* ns over the bare program of its verdict */
	double med; /* of ns */
	double add_med, add_lo, add_hi; /* of add: median, min, max */
	__u32 verdict;
	bool valid;
};

struct policy_results {
	bool measured;
	struct result cls[N_CLASSES];
	struct result bare_drop;
	struct result bare_pass;
	struct result ref; /* the reference filter on the v4 echo-request */
};

static const char *verdict_name(__u32 v)
{
	return v == XDP_DROP ? "drop" : v == XDP_PASS ? "pass" : "other";
}

/* Median and spread of a result's rounds (sorts copies: rounds stay in
 * order for the JSON). */
static void summarize(struct result *r, int runs)
{
	double v[MAX_RUNS];

	memcpy(v, r->ns, runs * sizeof(v[0]));
	r->med = bu_median(v, runs);
	memcpy(v, r->add, runs * sizeof(v[0]));
	r->add_med = bu_median(v, runs);
	r->add_lo = v[0];
	r->add_hi = v[runs - 1];
}

static int measure_policy(struct bench *b, const char *key,
			  struct policy_results *pr)
{
	uint8_t frames[N_CLASSES][FRAME_MAX_LEN];
	int lens[N_CLASSES];
	size_t i;
	int run, err;

	for (i = 0; i < N_CLASSES; i++) {
		lens[i] = class_frame(&classes[i], frames[i], FRAME_MAX_LEN);
		if (lens[i] < 0)
			return lens[i];
		pr->cls[i].valid = !classes[i].prefixes_only ||
				   !strcmp(key, "prefixes");
	}
	pr->bare_drop.valid = pr->bare_pass.valid = pr->ref.valid = true;

	/* Each run times every class and both bare programs, back to back,
	 * so the ratios compare measurements taken under the same noise. */
	for (run = 0; run < b->runs; run++) {
		struct result *r;

		r = &pr->bare_drop;
		err = bu_time_once(b->drop_fd, frames[0], lens[0], b->repeat,
				   &r->ns[run], &r->verdict);
		r = &pr->bare_pass;
		if (!err)
			err = bu_time_once(b->pass_fd, frames[0], lens[0],
					   b->repeat, &r->ns[run], &r->verdict);
		r = &pr->ref;
		if (!err)
			err = bu_time_once(b->ref_fd, frames[0], lens[0],
					   b->repeat, &r->ns[run], &r->verdict);
		r->add[run] = r->ns[run] - pr->bare_drop.ns[run];
		for (i = 0; i < N_CLASSES && !err; i++) {
			r = &pr->cls[i];
			if (!r->valid)
				continue;
			err = bu_time_once(b->ig_fd, frames[i], lens[i],
					   b->repeat, &r->ns[run], &r->verdict);
			r->add[run] =
				r->ns[run] - (r->verdict == XDP_DROP ?
						      pr->bare_drop.ns[run] :
						      pr->bare_pass.ns[run]);
		}
		if (err) {
			pr_err("BPF_PROG_TEST_RUN: %s", strerror(-err));
			return err;
		}
	}
	summarize(&pr->bare_drop, b->runs);
	summarize(&pr->bare_pass, b->runs);
	summarize(&pr->ref, b->runs);
	for (i = 0; i < N_CLASSES; i++)
		if (pr->cls[i].valid)
			summarize(&pr->cls[i], b->runs);
	return 0;
}

static const struct {
	const char *key;
	const char *title;
} policies[] = {
	{ "builtin",
	  "the built-in default policy as it is (echo-request rate-limited)" },
	{ "default",
	  "the built-in default policy, v4/v6 echo-request drop (the base)" },
	{ "full",
	  "a full policy: a rule for every type and codes 0-15 of both families (8,704 rules)" },
	{ "prefixes", "the base + 1,000 allow/block prefixes (v4 and v6)" },
	{ "capture",
	  "the base, a capture armed that matches none of the classes (vs base: its cost)" },
	{ "capture_sample",
	  "the base, a capture of every packet, --sample 1/1000, at most 1000/s (vs base: its cost)" },
};

#define BASE_POLICY 1 /* "default": what the others are compared with */

#define N_POLICIES (sizeof(policies) / sizeof(policies[0]))

static double bare_for(const struct policy_results *pr, __u32 verdict)
{
	return verdict == XDP_DROP ? pr->bare_drop.med : pr->bare_pass.med;
}

static const char *cpu_model(void)
{
	static char model[256];
	char line[512];
	FILE *c;

	if (model[0])
		return model;
	snprintf(model, sizeof(model), "unknown CPU");
	c = fopen("/proc/cpuinfo", "r");
	while (c && fgets(line, sizeof(line), c)) {
		char *p = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && p) {
			snprintf(model, sizeof(model), "%s", p + 2);
			model[strcspn(model, "\n")] = 0;
			break;
		}
	}
	if (c)
		fclose(c);
	return model;
}

/* The class of the same packet without its VLAN tag or extension header. */
static size_t plain_class(size_t i)
{
	size_t j;

	for (j = 0; j < N_CLASSES; j++)
		if (!classes[j].vlan && !classes[j].ext_hdr &&
		    classes[j].family == classes[i].family &&
		    classes[j].proto == classes[i].proto &&
		    classes[j].type == classes[i].type &&
		    classes[j].code == classes[i].code && !classes[j].src)
			return j;
	return i;
}

static void print_target(const char *what, double limit, double x, size_t worst)
{
	printf("  %-34s <= %+.1f ns: %+6.2f (%s)  %s\n", what, limit, x,
	       classes[worst].name, x <= limit ? "met" : "MISSED");
}

/* A capture armed, against none armed: by class. */
static void print_capture_cost(const struct policy_results *res, size_t p)
{
	const struct policy_results *cap = &res[p];
	const struct policy_results *base = &res[BASE_POLICY];
	double worst = -1e9, sum = 0, x;
	size_t i, w = 0, n = 0;

	if (!cap->measured || !base->measured)
		return;
	for (i = 0; i < N_CLASSES; i++) {
		if (!cap->cls[i].valid)
			continue;
		/* Each against the bare program of its own round and policy. */
		x = cap->cls[i].add_med - base->cls[i].add_med;
		sum += x;
		n++;
		if (x > worst) {
			worst = x;
			w = i;
		}
	}
	printf("  %-48s %+.2f ns on average, %+.2f worst (%s)\n",
	       strcmp(policies[p].key, "capture") ?
		       "capture of every packet, 1/1000, over none:" :
		       "capture armed, matching nothing, over none:",
	       n ? sum / (double)n : 0, worst, classes[w].name);
}

/* The targets, worst case over the classes each one covers. */
static void print_targets(const struct policy_results *res, bool transit)
{
	const struct policy_results *base = &res[BASE_POLICY];
	double drop = -1e9, pass = -1e9, more = -1e9, full = -1e9, pfx = -1e9,
	       x;
	size_t i, wd = 0, wp = 0, wm = 0, wf = 0, wx = 0;

	for (i = 0; i < N_CLASSES; i++) {
		const struct result *r = &base->cls[i];

		if (!r->valid)
			continue;
		x = r->add_med;
		if (classes[i].by_type && !classes[i].vlan &&
		    !classes[i].ext_hdr && x > drop) {
			drop = x;
			wd = i;
		}
		if (classes[i].proto != IPPROTO_ICMP &&
		    classes[i].proto != IPPROTO_ICMPV6 && x > pass) {
			pass = x;
			wp = i;
		}
		x -= base->cls[plain_class(i)].add_med;
		if ((classes[i].vlan || classes[i].ext_hdr) && x > more) {
			more = x;
			wm = i;
		}
		x = res[BASE_POLICY + 1].cls[i].med - r->med;
		if (x > full) {
			full = x;
			wf = i;
		}
		x = res[BASE_POLICY + 2].cls[i].med - r->med;
		if (x > pfx) {
			pfx = x;
			wx = i;
		}
	}
	if (transit) {
		/* Echo passes in transit: the host's targets do not apply. */
		printf("\non a router (medians of ns over bare; worst class):\n");
		goto capture;
	}
	printf("\ntargets (base policy, medians of ns over bare; worst class):\n");
	print_target("drop by type", 2.5, drop, wd);
	print_target("non-ICMP pass", 1.5, pass, wp);
	print_target("VLAN tag, IPv6 extension header", 1.5, more, wm);
	print_target("full policy (8,704 rules), over base", 0.5, full, wf);
	printf("  1,000 prefixes, over base: %+.2f ns (%s)\n", pfx,
	       classes[wx].name);
capture:
	for (i = BASE_POLICY + 3; i < N_POLICIES; i++)
		print_capture_cost(res, i);
}

static void print_row(const char *name, const struct result *r,
		      const struct result *base)
{
	printf("  %-38s %-7s %7.2f %+8.2f  [%+6.2f %+6.2f]", name,
	       verdict_name(r->verdict), r->med, r->add_med, r->add_lo,
	       r->add_hi);
	if (base && base->valid)
		printf(" %+8.2f", r->med - base->med);
	printf("\n");
}

static void print_tables(const struct bench *b,
			 const struct policy_results *res)
{
	size_t p, i;

	printf("== Program cost: ns per packet through BPF_PROG_TEST_RUN ==\n");
	printf("%d rounds of %u packets a program, interleaved; every program attached (native)\n"
	       "while timed; thread CPU time. +ns: over the bare program of the same verdict in\n"
	       "the same round, median [min max] of the rounds\n",
	       b->runs, b->repeat);
	for (p = 0; p < N_POLICIES; p++) {
		if (!res[p].measured)
			continue;
		const struct policy_results *pr = &res[p];
		bool vs_base = p > BASE_POLICY && res[BASE_POLICY].measured;

		printf("\npolicy: %s\n", policies[p].title);
		printf("  %-38s %-7s %7s %8s  %15s", "class", "verdict",
		       "ns/pkt", "+ns", "spread");
		if (vs_base)
			printf(" %8s", "vs base");
		printf("\n");
		printf("  %-38s %-7s %7.2f\n", "bare return XDP_DROP;",
		       verdict_name(pr->bare_drop.verdict), pr->bare_drop.med);
		printf("  %-38s %-7s %7.2f\n", "bare return XDP_PASS;",
		       verdict_name(pr->bare_pass.verdict), pr->bare_pass.med);
		print_row("reference filter, v4 echo-request", &pr->ref, NULL);
		for (i = 0; i < N_CLASSES; i++) {
			if (pr->cls[i].valid)
				print_row(classes[i].name, &pr->cls[i],
					  vs_base ? &res[BASE_POLICY].cls[i] :
						    NULL);
		}
	}
	if (!b->only)
		print_targets(res, b->transit);
}

/* Every run's ns/packet, for the record. */
static json_object *runs_json(const double *ns, int runs)
{
	json_object *a = json_object_new_array();
	int i;

	for (i = 0; i < runs; i++)
		json_object_array_add(a, json_object_new_double(ns[i]));
	return a;
}

static json_object *json_result(const struct result *r, int runs, double bare,
				double base)
{
	json_object *o = json_object_new_object();

	json_object_object_add(
		o, "verdict", json_object_new_string(verdict_name(r->verdict)));
	json_object_object_add(o, "runs_ns", runs_json(r->ns, runs));
	json_object_object_add(o, "runs_ns_over_bare", runs_json(r->add, runs));
	json_object_object_add(o, "ns_per_packet",
			       json_object_new_double(r->med));
	json_object_object_add(o, "ns_over_bare",
			       json_object_new_double(r->add_med));
	json_object_object_add(o, "ns_over_bare_min",
			       json_object_new_double(r->add_lo));
	json_object_object_add(o, "ns_over_bare_max",
			       json_object_new_double(r->add_hi));
	json_object_object_add(o, "ratio_to_bare",
			       json_object_new_double(r->med / bare));
	if (base > 0)
		json_object_object_add(o, "ns_over_base_policy",
				       json_object_new_double(r->med - base));
	return o;
}

static int write_json(const struct bench *b, const struct policy_results *res)
{
	json_object *root = json_object_new_object(), *pols, *pol, *cls;
	struct utsname u;
	size_t p, i;
	int err = 0;

	uname(&u);
	json_object_object_add(root, "benchmark",
			       json_object_new_string("program_cost"));
	json_object_object_add(root, "kernel",
			       json_object_new_string(u.release));
	json_object_object_add(root, "cpu",
			       json_object_new_string(cpu_model()));
	json_object_object_add(root, "runs", json_object_new_int(b->runs));
	json_object_object_add(root, "repeat",
			       json_object_new_int64(b->repeat));
	json_object_object_add(root, "clock",
			       json_object_new_string("thread CPU time"));
	pols = json_object_new_object();
	for (p = 0; p < N_POLICIES; p++) {
		if (!res[p].measured)
			continue;
		const struct policy_results *pr = &res[p];

		pol = json_object_new_object();
		json_object_object_add(
			pol, "description",
			json_object_new_string(policies[p].title));
		json_object_object_add(
			pol, "bare_drop_ns",
			json_object_new_double(pr->bare_drop.med));
		json_object_object_add(
			pol, "bare_pass_ns",
			json_object_new_double(pr->bare_pass.med));
		json_object_object_add(pol, "reference_filter",
				       json_result(&pr->ref, b->runs,
						   pr->bare_drop.med, 0));
		cls = json_object_new_object();
		for (i = 0; i < N_CLASSES; i++) {
			const struct result *r = &pr->cls[i];
			const struct result *base = &res[BASE_POLICY].cls[i];

			if (!r->valid)
				continue;
			json_object_object_add(
				cls, classes[i].key,
				json_result(r, b->runs,
					    bare_for(pr, r->verdict),
					    p > BASE_POLICY &&
							    res[BASE_POLICY]
								    .measured &&
							    base->valid ?
						    base->med :
						    0));
		}
		json_object_object_add(pol, "classes", cls);
		json_object_object_add(pols, policies[p].key, pol);
	}
	json_object_object_add(root, "policies", pols);
	if (json_object_to_file_ext(b->json_path, root,
				    JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_NOSLASHESCAPE)) {
		err = -EIO;
		pr_err("cannot write %s: %s", b->json_path,
		       json_util_get_last_err());
	}
	json_object_put(root);
	return err;
}

/* ---- setup and main --------------------------------------------------- */

static int bench_setup(struct bench *b)
{
	int err;

	b->ig_fd = b->drop_fd = b->pass_fd = b->ref_fd = -1;
	b->ref_maps[0] = b->ref_maps[1] = -1;
	ig_maps_init(&b->maps);
	b->skel = icmpgate_bpf__open_and_load();
	if (!b->skel) {
		err = -errno;
		pr_err("cannot load icmpgate's XDP program: %s",
		       strerror(-err));
		return err;
	}
	b->ig_fd = bpf_program__fd(b->skel->progs.icmpgate_xdp);
	err = ig_maps_from_object(&b->maps, b->skel->obj);
	if (err) {
		pr_err("cannot open icmpgate's maps: %s", strerror(-err));
		return err;
	}
	b->drop_fd = bu_load_bare(XDP_DROP);
	b->pass_fd = bu_load_bare(XDP_PASS);
	b->ref_fd = load_reference(b->ref_maps);
	if (b->drop_fd < 0 || b->pass_fd < 0 || b->ref_fd < 0) {
		err = b->drop_fd < 0 ? b->drop_fd :
		      b->pass_fd < 0 ? b->pass_fd :
				       b->ref_fd;
		pr_err("cannot load the bare and reference programs: %s",
		       strerror(-err));
		return err;
	}
	b->ifindex[0] = bu_attach(b->ifnames[0], b->ig_fd);
	if (b->ifindex[0] < 0)
		return b->ifindex[0];
	b->ifindex[1] = bu_attach(b->ifnames[1], b->drop_fd);
	if (b->ifindex[1] < 0)
		return b->ifindex[1];
	b->ifindex[2] = bu_attach(b->ifnames[2], b->pass_fd);
	if (b->ifindex[2] < 0)
		return b->ifindex[2];
	b->ifindex[3] = bu_attach(b->ifnames[3], b->ref_fd);
	if (b->ifindex[3] < 0)
		return b->ifindex[3];
	return 0;
}

static void bench_teardown(struct bench *b)
{
	bu_detach(b->ifindex[0], b->ig_fd);
	bu_detach(b->ifindex[1], b->drop_fd);
	bu_detach(b->ifindex[2], b->pass_fd);
	bu_detach(b->ifindex[3], b->ref_fd);
	for (int i = 0; i < 2; i++)
		if (b->ref_maps[i] >= 0)
			close(b->ref_maps[i]);
	if (b->ref_fd >= 0)
		close(b->ref_fd);
	if (b->drop_fd >= 0)
		close(b->drop_fd);
	if (b->pass_fd >= 0)
		close(b->pass_fd);
	ig_maps_close(&b->maps);
	icmpgate_bpf__destroy(b->skel);
}

/*
 * For the policies "capture" and "capture_sample", arm a capture with a
 * lease that never runs out, as `icmpgate capture --reason
 * rate-limited-source` would (every packet tests the capture's bit, none
 * of the classes matches: none is limited per source under the base
 * policy), or as `icmpgate capture --reason ALL --sample 1/1000` would
 * (every packet matches; one in a thousand calls the capture, whose
 * bucket takes 1000 a second: no socket here, so the drops among them
 * stay drops, and the passes are copied into the ring until it is full).
 * Otherwise disarm.
 */
static void capture_arm(struct ig_maps *m, const char *key)
{
	struct ig_capture *c = m->capture;

	memset(c, 0, sizeof(*c));
	ig_capture_cpu_reset(m->capture_cpu_fd);
	if (strncmp(key, "capture", 7))
		return;
	c->reasons = 1ull << IG_R_RATE_LIMITED_SOURCE;
	if (!strcmp(key, "capture_sample")) {
		c->reasons = ~0ull;
		c->sample = 1000;
	}
	memset(c->types, 0xff, sizeof(c->types));
	ig_capture_want(c);
	c->flags = IG_CAP_XSK;
	c->snaplen = 64;
	c->interval = 1000000;
	__atomic_store_n(&c->lease, ~0ull, __ATOMIC_SEQ_CST);
}

static int run_cost(struct bench *b)
{
	struct policy_results *res;
	char *text = NULL;
	size_t p;
	int err;

	res = calloc(N_POLICIES, sizeof(*res));
	if (!res)
		return -ENOMEM;
	err = bench_setup(b);
	for (p = 0; p < N_POLICIES && !err; p++) {
		if (b->only && strcmp(b->only, policies[p].key))
			continue;
		res[p].measured = true;
		err = policy_text(policies[p].key, &text);
		if (err) {
			pr_err("cannot build the %s policy: %s",
			       policies[p].key, strerror(-err));
			break;
		}
		err = bu_apply_policy(&b->maps, text, policies[p].key, NULL);
		free(text);
		text = NULL;
		capture_arm(&b->maps, policies[p].key);
		if (!err)
			err = measure_policy(b, policies[p].key, &res[p]);
		capture_arm(&b->maps, "");
	}
	bench_teardown(b);
	if (!err) {
		print_tables(b, res);
		if (b->json_path)
			err = write_json(b, res);
	}
	free(res);
	return err;
}

/* `attach IFACE drop|pass|icmpgate [POLICY]`: attach and leave attached. */
static int run_attach(int argc, char **argv)
{
	struct icmpgate_bpf *skel = NULL;
	struct ig_maps maps;
	char *text = NULL;
	int fd, err = 0;
	long size;
	FILE *f;

	if (argc < 2 || argc > 3) {
		pr_err("usage: bench_prog attach IFACE drop|pass|touch|icmpgate [POLICY]");
		return -EINVAL;
	}
	ig_maps_init(&maps);
	if (!strcmp(argv[1], "drop") || !strcmp(argv[1], "pass") ||
	    !strcmp(argv[1], "touch")) {
		fd = !strcmp(argv[1], "touch") ? load_touch() :
		     !strcmp(argv[1], "drop")  ? bu_load_bare(XDP_DROP) :
						 bu_load_bare(XDP_PASS);
		if (fd < 0) {
			pr_err("cannot load a bare program: %s", strerror(-fd));
			return fd;
		}
		err = bu_attach(argv[0], fd);
		close(fd);
		return err < 0 ? err : 0;
	}
	if (strcmp(argv[1], "icmpgate")) {
		pr_err("attach: '%s' is not drop, pass, touch or icmpgate",
		       argv[1]);
		return -EINVAL;
	}
	skel = icmpgate_bpf__open_and_load();
	if (!skel) {
		err = -errno;
		pr_err("cannot load icmpgate's XDP program: %s",
		       strerror(-err));
		return err;
	}
	err = ig_maps_from_object(&maps, skel->obj);
	if (err)
		goto out;
	if (argc == 3) {
		f = fopen(argv[2], "r");
		if (!f) {
			err = -errno;
			pr_err("%s: %s", argv[2], strerror(-err));
			goto out;
		}
		fseek(f, 0, SEEK_END);
		size = ftell(f);
		rewind(f);
		text = calloc(1, size + 1);
		if (!text || fread(text, 1, size, f) != (size_t)size)
			err = -EIO;
		fclose(f);
		if (err)
			goto out;
	}
	err = bu_apply_policy(&maps, text ? text : ig_default_policy,
			      argc == 3 ? argv[2] : "default", NULL);
	if (!err) {
		fd = bu_attach(argv[0],
			       bpf_program__fd(skel->progs.icmpgate_xdp));
		err = fd < 0 ? fd : 0;
	}
out:
	free(text);
	ig_maps_close(&maps);
	icmpgate_bpf__destroy(skel);
	return err;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bench_prog [OPTIONS] IFACE_ICMPGATE IFACE_DROP IFACE_PASS IFACE_REF\n"
		"       bench_prog attach IFACE drop|pass|touch|icmpgate [POLICY_FILE]\n"
		"\n"
		"Time icmpgate's XDP program per packet class under four policies\n"
		"(the built-in one; the base: built-in with echo-request dropped; a\n"
		"full policy; the base + 1,000 prefixes), next to a bare\n"
		"`return XDP_DROP;` and a bare `return XDP_PASS;`, with\n"
		"BPF_PROG_TEST_RUN, and a minimal reference filter (parse, one lookup,\n"
		"one per-CPU counter). The four interfaces (veths are fine) each get one\n"
		"of the programs attached in native mode for the duration: attached\n"
		"programs are timed without the ~16 ms a test run of an unattached\n"
		"XDP program pays to enter the kernel's XDP dispatcher. Run it in a\n"
		"network namespace of its own; tools/bench/bench.sh does.\n"
		"\n"
		"  -r, --runs N      rounds: timed runs per measurement, median and\n"
		"                    spread reported (default 5)\n"
		"  -n, --repeat N    packets per timed run (default 5000000)\n"
		"  -c, --cpu N       run pinned to CPU N\n"
		"  -j, --json FILE   also write the results as JSON to FILE\n"
		"  -p, --policy KEY  measure one policy only: builtin, default (the\n"
		"                    base), full or prefixes; no targets\n"
		"  -t, --transit     the frames are judged as transit (a router):\n"
		"                    the capture's cost, not the host's targets\n"
		"  -v, --verbose     libbpf's messages\n"
		"  -h, --help\n"
		"\n"
		"attach: load one program, attach it to IFACE (native mode) and exit,\n"
		"leaving it attached (remove it with `ip link set IFACE xdp off`):\n"
		"a bare XDP_DROP or XDP_PASS; touch, which reads the EtherType, IPv4\n"
		"protocol and ICMP type and drops; or icmpgate with POLICY_FILE\n"
		"(default: the built-in policy).\n");
}

int main(int argc, char **argv)
{
	struct bench b = { .runs = 5, .cpu = -1 };
	unsigned long long runs = 5, repeat = REPEAT_DEFAULT, cpu = ULLONG_MAX;
	bool verbose = false;
	const struct bu_opt opts[] = {
		{ "runs", 'r', BU_ULL, &runs, 1, MAX_RUNS },
		{ "repeat", 'n', BU_ULL, &repeat, 1000, 1000000000 },
		{ "cpu", 'c', BU_ULL, &cpu, 0, CPU_SETSIZE - 1 },
		{ "json", 'j', BU_STRING, &b.json_path, 0, 0 },
		{ "policy", 'p', BU_STRING, &b.only, 0, 0 },
		{ "transit", 't', BU_FLAG, &b.transit, 0, 0 },
		{ "verbose", 'v', BU_FLAG, &verbose, 0, 0 },
		{ NULL },
	};
	cpu_set_t set;
	int err;

	bu_init("bench_prog", false);
	if (argc > 1 && !strcmp(argv[1], "attach"))
		return run_attach(argc - 2, argv + 2) ? 1 : 0;
	err = bu_parse_opts(argc, argv, opts, usage);
	if (err)
		return err > 0 ? 0 : 2;
	bu_init("bench_prog", verbose);
	b.runs = (int)runs;
	b.repeat = (__u32)repeat;
	b.cpu = cpu == ULLONG_MAX ? -1 : (int)cpu;
	if (argc - optind != 4) {
		pr_err("need four interfaces: icmpgate's, bare drop's, bare pass's, the reference's (see --help)");
		return 2;
	}
	b.ifnames[0] = argv[optind];
	b.ifnames[1] = argv[optind + 1];
	b.ifnames[2] = argv[optind + 2];
	b.ifnames[3] = argv[optind + 3];
	if (b.cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(b.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			pr_err("cannot run on CPU %d: %s", b.cpu,
			       strerror(errno));
			return 1;
		}
	}
	err = run_cost(&b);
	return err ? 1 : 0;
}
