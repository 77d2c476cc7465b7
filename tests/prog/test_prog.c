// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The prog tier: the real XDP program, loaded from the skeleton and fed
 * crafted frames with BPF_PROG_TEST_RUN. Each case names a policy, a frame,
 * the verdict it must get and the one counter that must move (by exactly
 * one packet and the frame's bytes; no other counter may move). Policies
 * go in through the controller's own path: parse, compile, store.
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "icmpgate.h"
#include "icmpgate.skel.h"
#include "compile.h"
#include "policy.h"
#include "reasons.h"
#include "store.h"
#include "frames.h"

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

/* Verdicts and counters */
#define PASS(fam, t, r) XDP_PASS, fam, t, IG_R_##r
#define DROP(fam, t, r) XDP_DROP, fam, t, IG_R_##r

static const char DEFAULT_DROP[] = "default drop\n"
				   "v4 echo-reply pass\n"
				   "v6 echo-reply pass\n";
static const char ECHO_DROP[] = "v4 echo-request drop\n"
				"v6 echo-request drop\n";
static const char FRAG_DROP[] = "fragments drop\n";
static const char PREFIXES[] = "v4 echo-request drop\n"
			       "v6 echo-request drop\n"
			       "allow 192.0.2.0/24\n"
			       "block 203.0.113.0/24\n"
			       "block 10.0.0.0/8\n"
			       "allow 10.1.0.0/16\n"
			       "block 2001:db8:bad::/48\n"
			       "allow 2001:db8::/32\n";
static const char V6_PREFIX_ONLY[] = "block 2001:db8::/32\n";
static const char CODES[] = "v4 dest-unreachable drop\n"
			    "v4 dest-unreachable/frag-needed pass\n"
			    "v4 dest-unreachable/port-unreachable pass\n"
			    "v6 dest-unreachable/port-unreachable drop\n";
static const char NUMBERS[] = "v4 200 drop\n"
			      "v6 200/7 drop\n";
static const char FORCED[] = "v6 packet-too-big drop force\n"
			     "v4 dest-unreachable/frag-needed drop force\n";

static const struct prog_case cases[] = {
	/* The built-in default policy. */
	{ "default: v4 echo-request passes",
	  NULL,
	  { ECHO4 },
	  PASS(V4, 8, PASS_DEFAULT) },
	{ "default: v4 redirect dropped",
	  NULL,
	  { ICMP4(5, 1) },
	  DROP(V4, 5, DROP_RULE) },
	{ "default: v4 frag-needed passes",
	  NULL,
	  { ICMP4(3, 4) },
	  PASS(V4, 3, PASS_ESSENTIAL) },
	{ "default: v4 timestamp dropped",
	  NULL,
	  { ICMP4(13, 0) },
	  DROP(V4, 13, DROP_RULE) },
	{ "default: v4 source-quench dropped",
	  NULL,
	  { ICMP4(4, 0) },
	  DROP(V4, 4, DROP_RULE) },
	{ "default: v6 echo-request passes",
	  NULL,
	  { ECHO6 },
	  PASS(V6, 128, PASS_DEFAULT) },
	{ "default: v6 neighbor-solicit passes",
	  NULL,
	  { ICMP6(135, 0) },
	  PASS(V6, 135, PASS_ESSENTIAL) },
	{ "default: v6 redirect dropped",
	  NULL,
	  { ICMP6(137, 0) },
	  DROP(V6, 137, DROP_RULE) },
	{ "default: v4 UDP untouched",
	  NULL,
	  { .ethertype = ETH_P_IP, .proto = IPPROTO_UDP },
	  PASS(V4, 0, NON_ICMP) },
	{ "default: v6 TCP untouched",
	  NULL,
	  { .ethertype = ETH_P_IPV6, .proto = IPPROTO_TCP },
	  PASS(V6, 0, NON_ICMP) },
	{ "default: ARP untouched",
	  NULL,
	  { .ethertype = ETH_P_ARP },
	  PASS(OTHER, 0, NON_ICMP) },

	/* default drop: NDP, MLD and PMTUD still pass (RFC 4890, 1191). */
	{ "default drop: v4 echo-request",
	  DEFAULT_DROP,
	  { ECHO4 },
	  DROP(V4, 8, DROP_DEFAULT) },
	{ "default drop: v4 echo-reply rule",
	  DEFAULT_DROP,
	  { ICMP4(0, 0) },
	  PASS(V4, 0, PASS_RULE) },
	{ "default drop: v4 frag-needed",
	  DEFAULT_DROP,
	  { ICMP4(3, 4) },
	  PASS(V4, 3, PASS_ESSENTIAL) },
	{ "default drop: v4 port-unreachable",
	  DEFAULT_DROP,
	  { ICMP4(3, 3) },
	  DROP(V4, 3, DROP_DEFAULT) },
	{ "default drop: v6 packet-too-big",
	  DEFAULT_DROP,
	  { ICMP6(2, 0) },
	  PASS(V6, 2, PASS_ESSENTIAL) },
	{ "default drop: v6 router-solicit",
	  DEFAULT_DROP,
	  { ICMP6(133, 0) },
	  PASS(V6, 133, PASS_ESSENTIAL) },
	{ "default drop: v6 router-advert",
	  DEFAULT_DROP,
	  { ICMP6(134, 0) },
	  PASS(V6, 134, PASS_ESSENTIAL) },
	{ "default drop: v6 neighbor-solicit",
	  DEFAULT_DROP,
	  { ICMP6(135, 0) },
	  PASS(V6, 135, PASS_ESSENTIAL) },
	{ "default drop: v6 neighbor-advert",
	  DEFAULT_DROP,
	  { ICMP6(136, 0) },
	  PASS(V6, 136, PASS_ESSENTIAL) },
	{ "default drop: v6 MLDv2 report",
	  DEFAULT_DROP,
	  { ICMP6(143, 0) },
	  PASS(V6, 143, PASS_ESSENTIAL) },
	{ "default drop: v6 echo-request",
	  DEFAULT_DROP,
	  { ECHO6 },
	  DROP(V6, 128, DROP_DEFAULT) },
	{ "default drop: v6 echo-reply rule",
	  DEFAULT_DROP,
	  { ICMP6(129, 0) },
	  PASS(V6, 129, PASS_RULE) },
	{ "default drop: UDP untouched",
	  DEFAULT_DROP,
	  { .ethertype = ETH_P_IP, .proto = IPPROTO_UDP },
	  PASS(V4, 0, NON_ICMP) },

	/* L2: VLAN and QinQ. */
	{ "802.1Q echo-request",
	  ECHO_DROP,
	  { .vlan = { ETH_P_8021Q }, ECHO4 },
	  DROP(V4, 8, DROP_RULE) },
	{ "802.1ad+802.1Q echo-request",
	  ECHO_DROP,
	  { .vlan = { ETH_P_8021AD, ETH_P_8021Q }, ECHO4 },
	  DROP(V4, 8, DROP_RULE) },
	{ "QinQ ICMPv6 echo-request",
	  ECHO_DROP,
	  { .vlan = { ETH_P_8021AD, ETH_P_8021Q }, ECHO6 },
	  DROP(V6, 128, DROP_RULE) },
	{ "three tags: not classified",
	  ECHO_DROP,
	  { .vlan = { ETH_P_8021AD, ETH_P_8021Q, ETH_P_8021Q }, ECHO4 },
	  PASS(OTHER, 0, NON_ICMP) },
	{ "VLAN tag truncated",
	  ECHO_DROP,
	  { .vlan = { ETH_P_8021Q }, ECHO4, .cut = 16 },
	  PASS(OTHER, 0, NON_ICMP) },

	/* IPv4 header. */
	{ "IPv4 options ihl=6",
	  ECHO_DROP,
	  { ECHO4, .ihl = 6 },
	  DROP(V4, 8, DROP_RULE) },
	{ "IPv4 options ihl=15",
	  ECHO_DROP,
	  { ECHO4, .ihl = 15 },
	  DROP(V4, 8, DROP_RULE) },
	{ "IPv4 ihl=4 is malformed",
	  ECHO_DROP,
	  { ECHO4, .ihl = 4 },
	  DROP(V4, 0, MALFORMED_L3) },
	{ "IPv4 ihl=0 is malformed",
	  ECHO_DROP,
	  { ECHO4, .ihl = 0xf0 },
	  DROP(V4, 0, MALFORMED_L3) },
	{ "IPv4 header truncated",
	  ECHO_DROP,
	  { ECHO4, .cut = 14 + 12 },
	  DROP(V4, 0, MALFORMED_L3) },
	{ "IPv4 options truncated",
	  ECHO_DROP,
	  { ECHO4, .ihl = 15, .cut = 14 + 40 },
	  DROP(V4, 0, MALFORMED_L3) },
	{ "IPv4 total length below header",
	  ECHO_DROP,
	  { ECHO4, .ip_len_delta = -45 },
	  DROP(V4, 0, MALFORMED_L3) },
	{ "ICMP header truncated by frame",
	  ECHO_DROP,
	  { ECHO4, .cut = 14 + 20 + 6 },
	  DROP(V4, 0, MALFORMED_ICMP) },
	{ "ICMP shorter than 8 bytes",
	  ECHO_DROP,
	  { ECHO4, .l4_len = 4 },
	  DROP(V4, 0, MALFORMED_ICMP) },
	{ "ICMP short by IP length, padded frame",
	  ECHO_DROP,
	  { ECHO4, .l4_len = 16, .ip_len_delta = -12 },
	  DROP(V4, 0, MALFORMED_ICMP) },
	{ "protocol 58 in IPv4 is not ICMP",
	  ECHO_DROP,
	  { .ethertype = ETH_P_IP, .proto = IPPROTO_ICMPV6, .type = 128 },
	  PASS(V4, 0, NON_ICMP) },

	/* IPv4 fragments. */
	{ "IPv4 first fragment classified",
	  ECHO_DROP,
	  { ECHO4, .more_frags = true },
	  DROP(V4, 8, DROP_RULE) },
	{ "IPv4 non-first fragment, fragments pass",
	  ECHO_DROP,
	  { ECHO4, .frag_offset = 185 },
	  PASS(V4, 0, PASS_FRAGMENT) },
	{ "IPv4 non-first fragment, fragments drop",
	  FRAG_DROP,
	  { ECHO4, .frag_offset = 185, .more_frags = true },
	  DROP(V4, 0, DROP_FRAGMENT) },
	{ "IPv4 non-first fragment, 4 bytes",
	  FRAG_DROP,
	  { ECHO4, .frag_offset = 1, .l4_len = 4 },
	  DROP(V4, 0, DROP_FRAGMENT) },
	{ "IPv4 non-first UDP fragment untouched",
	  FRAG_DROP,
	  { .ethertype = ETH_P_IP, .proto = IPPROTO_UDP, .frag_offset = 185 },
	  PASS(V4, 0, NON_ICMP) },

	/* IPv6 header and extension headers. */
	{ "IPv6 echo behind hop-by-hop",
	  ECHO_DROP,
	  { ECHO6, .n_ext = 1, .ext = { IPPROTO_HOPOPTS } },
	  DROP(V6, 128, DROP_RULE) },
	{ "IPv6 echo behind hbh, dstopts, routing, AH",
	  ECHO_DROP,
	  { ECHO6, .n_ext = 4,
	    .ext = { IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING,
		     IPPROTO_AH } },
	  DROP(V6, 128, DROP_RULE) },
	{ "IPv6 eight extension headers",
	  ECHO_DROP,
	  { ECHO6, .n_ext = 8, .ext = { 0, 60, 43, 60, 60, 60, 60, 60 } },
	  DROP(V6, 128, DROP_RULE) },
	{ "IPv6 nine extension headers: fail closed",
	  ECHO_DROP,
	  { ECHO6, .n_ext = 9, .ext = { 0, 60, 43, 60, 60, 60, 60, 60, 60 } },
	  DROP(V6, 0, MALFORMED_L3) },
	{ "IPv6 extension header truncated",
	  ECHO_DROP,
	  { ECHO6, .n_ext = 1, .ext = { IPPROTO_DSTOPTS }, .cut = 14 + 40 + 1 },
	  DROP(V6, 0, MALFORMED_L3) },
	{ "IPv6 extension header past frame end",
	  ECHO_DROP,
	  { ECHO6, .n_ext = 1, .ext = { IPPROTO_DSTOPTS },
	    .cut = 14 + 40 + 10 },
	  DROP(V6, 0, MALFORMED_L3) },
	{ "IPv6 header truncated",
	  ECHO_DROP,
	  { ECHO6, .cut = 14 + 30 },
	  DROP(V6, 0, MALFORMED_L3) },
	{ "IPv6 payload length below ext headers",
	  ECHO_DROP,
	  { ECHO6, .n_ext = 1, .ext = { IPPROTO_HOPOPTS },
	    .ip_len_delta = -50 },
	  DROP(V6, 0, MALFORMED_L3) },
	{ "ICMPv6 header truncated",
	  ECHO_DROP,
	  { ECHO6, .cut = 14 + 40 + 5 },
	  DROP(V6, 0, MALFORMED_ICMP) },
	{ "ICMPv6 short by payload length",
	  ECHO_DROP,
	  { ECHO6, .ip_len_delta = -36 },
	  DROP(V6, 0, MALFORMED_ICMP) },
	{ "protocol 1 in IPv6 is not ICMP",
	  ECHO_DROP,
	  { .ethertype = ETH_P_IPV6, .proto = IPPROTO_ICMP, .type = 8 },
	  PASS(V6, 0, NON_ICMP) },
	{ "IPv6 UDP behind ext headers untouched",
	  ECHO_DROP,
	  { .ethertype = ETH_P_IPV6,
	    .proto = IPPROTO_UDP,
	    .n_ext = 2,
	    .ext = { 0, 60 } },
	  PASS(V6, 0, NON_ICMP) },

	/* IPv6 fragments. */
	{ "IPv6 first fragment classified",
	  ECHO_DROP,
	  { ECHO6, .n_ext = 1, .ext = { IPPROTO_FRAGMENT },
	    .more_frags = true },
	  DROP(V6, 128, DROP_RULE) },
	{ "IPv6 non-first fragment, fragments pass",
	  ECHO_DROP,
	  { ECHO6, .n_ext = 1, .ext = { IPPROTO_FRAGMENT },
	    .frag_offset = 181 },
	  PASS(V6, 0, PASS_FRAGMENT) },
	{ "IPv6 non-first fragment, fragments drop",
	  FRAG_DROP,
	  { ECHO6, .n_ext = 2, .ext = { IPPROTO_HOPOPTS, IPPROTO_FRAGMENT },
	    .frag_offset = 181 },
	  DROP(V6, 0, DROP_FRAGMENT) },
	{ "IPv6 non-first UDP fragment untouched",
	  FRAG_DROP,
	  { .ethertype = ETH_P_IPV6,
	    .proto = IPPROTO_UDP,
	    .n_ext = 1,
	    .ext = { IPPROTO_FRAGMENT },
	    .frag_offset = 181 },
	  PASS(V6, 0, NON_ICMP) },

	/* Source prefixes: the most specific of allow and block decides. */
	{ "allow 192.0.2.0/24",
	  PREFIXES,
	  { ECHO4, .src = "192.0.2.7" },
	  PASS(V4, 8, PASS_ALLOWLIST) },
	{ "block 203.0.113.0/24",
	  PREFIXES,
	  { ICMP4(0, 0), .src = "203.0.113.9" },
	  DROP(V4, 0, DROP_BLOCKLIST) },
	{ "block 10.0.0.0/8",
	  PREFIXES,
	  { ICMP4(0, 0), .src = "10.2.3.4" },
	  DROP(V4, 0, DROP_BLOCKLIST) },
	{ "allow 10.1.0.0/16 inside block /8",
	  PREFIXES,
	  { ECHO4, .src = "10.1.2.3" },
	  PASS(V4, 8, PASS_ALLOWLIST) },
	{ "no prefix: rule applies",
	  PREFIXES,
	  { ECHO4, .src = "198.18.0.1" },
	  DROP(V4, 8, DROP_RULE) },
	{ "block 2001:db8:bad::/48 inside allow /32",
	  PREFIXES,
	  { ICMP6(129, 0), .src = "2001:db8:bad::1" },
	  DROP(V6, 129, DROP_BLOCKLIST) },
	{ "allow 2001:db8::/32",
	  PREFIXES,
	  { ECHO6, .src = "2001:db8:1::1" },
	  PASS(V6, 128, PASS_ALLOWLIST) },
	{ "no v6 prefix: rule applies",
	  PREFIXES,
	  { ECHO6, .src = "2001:db9::1" },
	  DROP(V6, 128, DROP_RULE) },
	{ "blocked source, UDP untouched",
	  PREFIXES,
	  { .ethertype = ETH_P_IP, .proto = IPPROTO_UDP, .src = "203.0.113.9" },
	  PASS(V4, 0, NON_ICMP) },
	{ "prefixes of the old policy are gone",
	  ECHO_DROP,
	  { ICMP4(0, 0), .src = "203.0.113.9" },
	  PASS(V4, 0, PASS_DEFAULT) },
	{ "v6-only prefixes leave v4 alone",
	  V6_PREFIX_ONLY,
	  { ICMP4(0, 0), .src = "203.0.113.9" },
	  PASS(V4, 0, PASS_DEFAULT) },
	{ "v6-only prefixes apply to v6",
	  V6_PREFIX_ONLY,
	  { ECHO6 },
	  DROP(V6, 128, DROP_BLOCKLIST) },

	/* Codes: the most specific rule wins. */
	{ "type rule: v4 host-unreachable",
	  CODES,
	  { ICMP4(3, 1) },
	  DROP(V4, 3, DROP_RULE) },
	{ "code rule: v4 frag-needed",
	  CODES,
	  { ICMP4(3, 4) },
	  PASS(V4, 3, PASS_RULE) },
	{ "code rule: v4 port-unreachable",
	  CODES,
	  { ICMP4(3, 3) },
	  PASS(V4, 3, PASS_RULE) },
	{ "code rule: v6 port-unreachable",
	  CODES,
	  { ICMP6(1, 4) },
	  DROP(V6, 1, DROP_RULE) },
	{ "no rule: v6 no-route",
	  CODES,
	  { ICMP6(1, 0) },
	  PASS(V6, 1, PASS_DEFAULT) },
	{ "numeric type", NUMBERS, { ICMP4(200, 9) }, DROP(V4, 200, DROP_RULE) },
	{ "numeric type, other type",
	  NUMBERS,
	  { ICMP4(201, 0) },
	  PASS(V4, 201, PASS_DEFAULT) },
	{ "numeric code", NUMBERS, { ICMP6(200, 7) }, DROP(V6, 200, DROP_RULE) },
	{ "numeric code, other code",
	  NUMBERS,
	  { ICMP6(200, 8) },
	  PASS(V6, 200, PASS_DEFAULT) },
	{ "forced: v6 packet-too-big dropped",
	  FORCED,
	  { ICMP6(2, 0) },
	  DROP(V6, 2, DROP_RULE) },
	{ "forced: v4 frag-needed dropped",
	  FORCED,
	  { ICMP4(3, 4) },
	  DROP(V4, 3, DROP_RULE) },
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static struct icmpgate_bpf *skel;
static struct ig_maps maps;
static const char *live_policy; /* the policy text now in force */
static struct ig_counter before[IG_COUNTER_ENTRIES];
static struct ig_counter after[IG_COUNTER_ENTRIES];

static int apply_policy(const char *text)
{
	struct ig_compiled compiled = {};
	struct ig_policy policy;
	struct ig_diag diag = {};
	char msg[512];
	int err;

	if (!text)
		text = ig_default_policy;
	if (live_policy == text)
		return 0;
	ig_policy_init(&policy);
	err = ig_policy_parse(&policy, text, strlen(text), "case", &diag);
	if (err) {
		ig_diag_format(&diag, msg, sizeof(msg));
		fprintf(stderr, "policy: %s\n", msg);
		goto out;
	}
	err = ig_policy_compile(&policy, &compiled);
	if (err)
		goto out;
	err = ig_store_apply(&maps, &compiled);
	if (!err)
		live_policy = text;
out:
	ig_compiled_free(&compiled);
	ig_policy_free(&policy);
	return err;
}

static void run_case(void **state)
{
	const struct prog_case *tc = *state;
	uint8_t frame[FRAME_MAX];
	size_t len = frame_build(&tc->pkt, frame);
	size_t i, moved = 0;
	__u32 want = ig_counter_index(tc->family, tc->type, tc->reason);
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = len, .repeat = 1);

	assert_int_equal(apply_policy(tc->policy), 0);
	assert_int_equal(ig_counters_read(&maps, before), 0);
	assert_int_equal(bpf_prog_test_run_opts(
				 bpf_program__fd(skel->progs.icmpgate_xdp),
				 &opts),
			 0);
	assert_int_equal(ig_counters_read(&maps, after), 0);

	for (i = 0; i < IG_COUNTER_ENTRIES; i++) {
		if (!memcmp(&before[i], &after[i], sizeof(before[i])))
			continue;
		moved++;
		if (i != want)
			print_error(
				"counter moved: family %zu type %zu reason %s\n",
				i / IG_REASON_COUNT / IG_TYPES,
				i / IG_REASON_COUNT % IG_TYPES,
				ig_reasons[i % IG_REASON_COUNT].name);
	}
	assert_int_equal(opts.retval, tc->verdict);
	assert_int_equal(after[want].packets - before[want].packets, 1);
	assert_int_equal(after[want].bytes - before[want].bytes, len);
	assert_int_equal(moved, 1);
}

static int load_program(void **state)
{
	(void)state;
	skel = icmpgate_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "cannot load the XDP program: %s\n",
			strerror(errno));
		return -1;
	}
	return ig_maps_from_object(&maps, skel->obj);
}

static int unload_program(void **state)
{
	(void)state;
	ig_maps_close(&maps);
	icmpgate_bpf__destroy(skel);
	return 0;
}

int main(void)
{
	struct CMUnitTest tests[N_CASES];
	size_t i;

	for (i = 0; i < N_CASES; i++) {
		tests[i] = (struct CMUnitTest){
			.name = cases[i].name,
			.test_func = run_case,
			.initial_state = (void *)&cases[i],
		};
	}
	return _cmocka_run_group_tests("prog", tests, N_CASES, load_program,
				       unload_program);
}
