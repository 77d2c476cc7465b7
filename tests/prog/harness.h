/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The prog tier's harness, shared by its case tables and sequences: the
 * real XDP program loaded from the skeleton with its test-only clock, a
 * policy applied through the controller's own path (parse, compile,
 * store), one table case run (apply its policy, every bucket full, run its
 * frame, exactly one counter moved by one packet and the frame's bytes),
 * and the counter deltas a sequence reads. The frames are lib/frame.h's.
 */
#ifndef IG_TEST_PROG_HARNESS_H
#define IG_TEST_PROG_HARNESS_H

#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "icmpgate.h"
#include "icmpgate.skel.h"
#include "store.h"
#include "frame.h"

#define V4 IG_FAM_V4
#define V6 IG_FAM_V6
#define OTHER IG_FAM_OTHER

struct prog_case {
	const char *name;
	const char *policy; /* NULL: the built-in default policy */
	struct pkt_desc pkt;
	int verdict; /* XDP_PASS or XDP_DROP */
	int family; /* the counter that must move */
	int type;
	int reason;
};

/* Frames */
#define ICMP4(t, c) \
	.ethertype = ETH_P_IP, .proto = IPPROTO_ICMP, .type = t, .code = c
#define ICMP6(t, c) \
	.ethertype = ETH_P_IPV6, .proto = IPPROTO_ICMPV6, .type = t, .code = c
#define ECHO4 ICMP4(8, 0)
#define ECHO6 ICMP6(128, 0)

/*
 * This host, as the local-address map knows it (load_program()): the
 * frames' default destinations, a second address each, the directed
 * broadcast of the v4 one, and an MTU of 1500.
 */
#define OUR4 "198.51.100.1"
#define OUR4_BCAST "198.51.100.255"
#define OUR6 "2001:db8::2"
#define OUR6_LL "fe80::2"
#define IF_MTU 1500
/* What the quote of lib/frame.c says its packet was: 1400 bytes of TCP. */
#define QUOTED_LEN4 (20 + 1400)
#define QUOTED_LEN6 (40 + 1400)
#define REMOTE4 "203.0.113.5"
#define REMOTE6 "2001:db8:ffff::5"
/* A frag-needed / packet-too-big quoting a packet we sent. */
#define PTB4Q(m, s, d) ICMP4(3, 4), .mtu = m, .q_src = s, .q_dst = d
#define PTB6Q(m, s, d) ICMP6(2, 0), .mtu = m, .q_src = s, .q_dst = d
#define PTB4(m) PTB4Q(m, OUR4, REMOTE4)
#define PTB6(m) PTB6Q(m, OUR6, REMOTE6)

/* Verdicts and counters */
#define PASS(fam, t, r) XDP_PASS, fam, t, IG_R_##r
#define DROP(fam, t, r) XDP_DROP, fam, t, IG_R_##r

/*
 * The real program with its test-only clock switched on, and a per-source
 * table of SOURCES_MAX buckets so that the spoofed flood overflows it.
 */
#define SOURCES_MAX 1024

/* Policies more than one table uses. */
extern const char DEFAULT_DROP[];
extern const char ECHO_DROP[];

/* Each file's table of cases, run in order by test_prog.c. */
extern const struct prog_case cases_policy[], cases_parse[], cases_checks[],
	cases_ratelimit[], cases_audit[];
extern const size_t cases_policy_n, cases_parse_n, cases_checks_n,
	cases_ratelimit_n, cases_audit_n;

extern struct icmpgate_bpf *skel;
extern struct ig_maps maps;
extern __u64 fake_now; /* ns, what the program's clock reads */
extern struct ig_counter before[IG_COUNTER_ENTRIES];
extern struct ig_counter after[IG_COUNTER_ENTRIES];

int apply_policy(const char *text);
void clock_set(__u64 ns);
void clock_advance(__u64 ns);
void sources_clear(void);
void run_case(void **state);
struct ig_local_set;
struct ig_local_set *local_addresses(void);
int set_local_addresses(void);
int sh(const char *cmd);
int load_program(void **state);
int unload_program(void **state);

/* frame_build() into frame (FRAME_MAX bytes); fails the test on error. */
size_t frame_len(const struct pkt_desc *d, uint8_t *frame);
int pkt_family(const struct pkt_desc *pkt);
int one_from(struct pkt_desc pkt, const char *src);
int reason_of(const struct pkt_desc *pkt);
int outcome_of(const struct pkt_desc *pkt, int *side);

/*
 * Each file's sequences (static there, so that -Werror=unused-function
 * catches one left out of its list), run in order after the tables.
 */
extern const struct CMUnitTest seqs_ratelimit[], seqs_checks[], seqs_side[],
	seqs_replay[], seqs_audit[], seqs_diff[], seqs_capture[];
extern const size_t seqs_ratelimit_n, seqs_checks_n, seqs_side_n, seqs_replay_n,
	seqs_audit_n, seqs_diff_n, seqs_capture_n;

/*
 * The differential test's options (diff.c): `test_prog diff [--seed S]
 * [--iters N] [--frames F] [--round R] [--batch B]`, and DIFF_SEED,
 * DIFF_ITERS in the environment. -1 on a word it does not know.
 */
int diff_options(int argc, char **argv);

#endif /* IG_TEST_PROG_HARNESS_H */
