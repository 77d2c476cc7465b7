// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The prog tier: the real XDP program, loaded from the skeleton and fed
 * crafted frames with BPF_PROG_TEST_RUN. Each case names a policy, a frame,
 * the verdict it must get and the one counter that must move (by exactly
 * one packet and the frame's bytes; no other counter may move). Policies
 * go in through the controller's own path: parse, compile, store.
 *
 * Rate limits run on a fake clock: the test build sets the program's
 * ig_fake_clock switch and drives ig_fake_now, so bursts and refills are
 * exact. Every table case starts an hour after the last, with full
 * buckets; the sequences after the table send many packets and check
 * what passed, what each bucket dropped, and the per-source table.
 */
#include <arpa/inet.h>
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
#include <time.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "icmpgate.h"
#include "icmpgate.skel.h"
#include "compile.h"
#include "localaddr.h"
#include "policy.h"
#include "reasons.h"
#include "store.h"
#include "ratelimit_math.h"
#include "frames.h"
#include "loader.h"

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
/* What the quote of frames.c says its packet was: 1400 bytes of TCP. */
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
static const char VALIDATE_ERRORS[] = "v4 time-exceeded pass validate\n"
				      "v6 dest-unreachable pass validate\n";
static const char RA_GUARD[] = "ra-guard allow fe80::1\n"
			       "ra-guard allow 2001:db8:1::/48\n";
static const char BCAST_PASS[] = "broadcast-echo pass\n";
static const char LIMITS_OK[] = "v4 echo-request limit 10/s\n"
				"v6 echo-request limit per-source 10/s\n"
				"v4 dest-unreachable limit per-source 1/s\n"
				"v4 dest-unreachable/port-unreachable drop\n";

static const struct prog_case cases[] = {
	/* The built-in default policy. */
	{ "default: v4 echo-request passes its limit",
	  NULL,
	  { ECHO4 },
	  PASS(V4, 8, PASS_LIMIT) },
	{ "default: v4 redirect dropped",
	  NULL,
	  { ICMP4(5, 1) },
	  DROP(V4, 5, DROP_RULE) },
	{ "default: v4 frag-needed passes its per-source limit",
	  NULL,
	  { PTB4(1400) },
	  PASS(V4, 3, PASS_LIMIT) },
	{ "default: v4 host-unreachable passes",
	  NULL,
	  { ICMP4(3, 1) },
	  PASS(V4, 3, PASS_DEFAULT) },
	{ "default: v4 timestamp dropped",
	  NULL,
	  { ICMP4(13, 0) },
	  DROP(V4, 13, DROP_RULE) },
	{ "default: v4 source-quench dropped",
	  NULL,
	  { ICMP4(4, 0) },
	  DROP(V4, 4, DROP_RULE) },
	{ "default: v6 echo-request passes its limit",
	  NULL,
	  { ECHO6 },
	  PASS(V6, 128, PASS_LIMIT) },
	{ "default: v6 packet-too-big passes its per-source limit",
	  NULL,
	  { PTB6(1400) },
	  PASS(V6, 2, PASS_LIMIT) },
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

	/* PMTUD validation (default policy): what the error quotes. */
	{ "validate: v4 frag-needed quoting nothing",
	  NULL,
	  { ICMP4(3, 4), .mtu = 1400 },
	  DROP(V4, 3, INVALID_QUOTE) },
	{ "validate: v4 frag-needed from a packet we did not send",
	  NULL,
	  { PTB4Q(1400, "192.0.2.77", REMOTE4) },
	  DROP(V4, 3, INVALID_SOURCE) },
	{ "validate: v4 frag-needed from our second address",
	  NULL,
	  { PTB4Q(1400, "198.51.100.2", REMOTE4), .dst = "198.51.100.2" },
	  PASS(V4, 3, PASS_LIMIT) },
	{ "validate: v4 frag-needed quoting our other address",
	  NULL,
	  { PTB4Q(1400, "198.51.100.2", REMOTE4) },
	  DROP(V4, 3, INVALID_SOURCE) },
	{ "validate: v4 frag-needed from our broadcast address",
	  NULL,
	  { PTB4Q(1400, OUR4_BCAST, REMOTE4) },
	  DROP(V4, 3, INVALID_SOURCE) },
	{ "validate: v4 frag-needed for a packet to ourselves",
	  NULL,
	  { PTB4Q(1400, OUR4, OUR4) },
	  DROP(V4, 3, INVALID_DEST) },
	{ "validate: v4 MTU 67", NULL, { PTB4(67) }, DROP(V4, 3, INVALID_MTU) },
	{ "validate: v4 MTU 68", NULL, { PTB4(68) }, PASS(V4, 3, PASS_LIMIT) },
	{ "validate: v4 MTU 0 (RFC 1191 plateau)",
	  NULL,
	  { PTB4(0) },
	  DROP(V4, 3, INVALID_MTU) },
	{ "validate: v4 MTU 1419 below the quoted packet's 1420",
	  NULL,
	  { PTB4(QUOTED_LEN4 - 1) },
	  PASS(V4, 3, PASS_LIMIT) },
	{ "validate: v4 MTU 1420, the quoted packet's own length",
	  NULL,
	  { PTB4(QUOTED_LEN4) },
	  DROP(V4, 3, INVALID_MTU) },
	{ "validate: v4 MTU 9000 under a 1420-byte packet",
	  NULL,
	  { PTB4(9000) },
	  DROP(V4, 3, INVALID_MTU) },
	{ "validate: v4 MTU 1500, the interface's own",
	  NULL,
	  { PTB4(IF_MTU) },
	  DROP(V4, 3, INVALID_MTU) },
	{ "validate: v4 quote one byte short of 8 after its header",
	  NULL,
	  { PTB4(1400), .l4_len = 8 + 20 + 7 },
	  DROP(V4, 3, INVALID_QUOTE) },
	{ "validate: v4 quote of exactly header + 8",
	  NULL,
	  { PTB4(1400), .l4_len = 8 + 20 + 8 },
	  PASS(V4, 3, PASS_LIMIT) },
	{ "validate: v4 quote cut by the frame",
	  NULL,
	  { PTB4(1400), .cut = 14 + 20 + 8 + 20 + 4 },
	  DROP(V4, 3, INVALID_QUOTE) },
	{ "validate: v4 quote with IP version 6",
	  NULL,
	  { PTB4(1400), .q_version = 6 },
	  DROP(V4, 3, INVALID_QUOTE) },
	{ "validate: v6 packet-too-big MTU 1280",
	  NULL,
	  { PTB6(1280) },
	  PASS(V6, 2, PASS_LIMIT) },
	{ "validate: v6 packet-too-big MTU 1279",
	  NULL,
	  { PTB6(1279) },
	  DROP(V6, 2, INVALID_MTU) },
	{ "validate: v6 packet-too-big MTU 1500",
	  NULL,
	  { PTB6(IF_MTU) },
	  DROP(V6, 2, INVALID_MTU) },
	{ "validate: v6 packet-too-big from a packet we did not send",
	  NULL,
	  { PTB6Q(1400, "2001:db8::99", REMOTE6) },
	  DROP(V6, 2, INVALID_SOURCE) },
	{ "validate: v6 packet-too-big from our link-local address",
	  NULL,
	  { PTB6Q(1400, OUR6_LL, REMOTE6), .dst = OUR6_LL },
	  PASS(V6, 2, PASS_LIMIT) },
	{ "validate: v6 packet-too-big for a packet to ourselves",
	  NULL,
	  { PTB6Q(1400, OUR6, OUR6) },
	  DROP(V6, 2, INVALID_DEST) },
	{ "validate: v6 MTU 1439 below the quoted packet's 1440",
	  NULL,
	  { PTB6(QUOTED_LEN6 - 1) },
	  PASS(V6, 2, PASS_LIMIT) },
	{ "validate: v6 MTU 1440, the quoted packet's own length",
	  NULL,
	  { PTB6(QUOTED_LEN6) },
	  DROP(V6, 2, INVALID_MTU) },
	{ "validate: v6 quote one byte short",
	  NULL,
	  { PTB6(1400), .l4_len = 8 + 40 + 7 },
	  DROP(V6, 2, INVALID_QUOTE) },
	{ "validate: v6 quote of exactly header + 8",
	  NULL,
	  { PTB6(1400), .l4_len = 8 + 40 + 8 },
	  PASS(V6, 2, PASS_LIMIT) },
	{ "validate: v6 quote with IP version 4",
	  NULL,
	  { PTB6(1400), .q_version = 4 },
	  DROP(V6, 2, INVALID_QUOTE) },
	{ "validate: v4 time-exceeded, not validated by default",
	  NULL,
	  { ICMP4(11, 0), .q_src = "192.0.2.77", .q_dst = REMOTE4 },
	  PASS(V4, 11, PASS_DEFAULT) },
	{ "validate: v4 time-exceeded quoting our packet",
	  VALIDATE_ERRORS,
	  { ICMP4(11, 0), .q_src = OUR4, .q_dst = REMOTE4 },
	  PASS(V4, 11, PASS_RULE) },
	{ "validate: v4 time-exceeded quoting another's packet",
	  VALIDATE_ERRORS,
	  { ICMP4(11, 0), .q_src = "192.0.2.77", .q_dst = REMOTE4 },
	  DROP(V4, 11, INVALID_SOURCE) },
	{ "validate: v4 time-exceeded: no MTU to check",
	  VALIDATE_ERRORS,
	  { ICMP4(11, 0), .q_src = OUR4, .q_dst = REMOTE4, .mtu = 1 },
	  PASS(V4, 11, PASS_RULE) },
	{ "validate: v6 port-unreachable quoting another's packet",
	  VALIDATE_ERRORS,
	  { ICMP6(1, 4), .q_src = "2001:db8::99", .q_dst = REMOTE6 },
	  DROP(V6, 1, INVALID_SOURCE) },
	{ "validate: v6 port-unreachable quoting our packet",
	  VALIDATE_ERRORS,
	  { ICMP6(1, 4), .q_src = OUR6, .q_dst = REMOTE6 },
	  PASS(V6, 1, PASS_RULE) },
	{ "validate: default drop keeps unvalidated PTB essential",
	  DEFAULT_DROP,
	  { ICMP6(2, 0), .mtu = 100 },
	  PASS(V6, 2, PASS_ESSENTIAL) },

	/* NDP: a hop limit other than 255 came from off the link. */
	{ "NDP: neighbor-solicit hop limit 255",
	  NULL,
	  { ICMP6(135, 0), .hop_limit = 255 },
	  PASS(V6, 135, PASS_ESSENTIAL) },
	{ "NDP: neighbor-solicit hop limit 254",
	  NULL,
	  { ICMP6(135, 0), .hop_limit = 254 },
	  DROP(V6, 135, SPOOFED_NDP) },
	{ "NDP: router-solicit hop limit 1",
	  NULL,
	  { ICMP6(133, 0), .hop_limit = 1 },
	  DROP(V6, 133, SPOOFED_NDP) },
	{ "NDP: router-advert hop limit 254",
	  NULL,
	  { ICMP6(134, 0), .hop_limit = 254 },
	  DROP(V6, 134, SPOOFED_NDP) },
	{ "NDP: neighbor-advert hop limit 254, even under a pass rule",
	  "v6 neighbor-advert pass\n",
	  { ICMP6(136, 0), .hop_limit = 254 },
	  DROP(V6, 136, SPOOFED_NDP) },
	{ "NDP: redirect hop limit 254",
	  NULL,
	  { ICMP6(137, 0), .hop_limit = 254 },
	  DROP(V6, 137, SPOOFED_NDP) },
	{ "NDP: MLD query hop limit 1 is not NDP",
	  NULL,
	  { ICMP6(130, 0), .hop_limit = 1 },
	  PASS(V6, 130, PASS_ESSENTIAL) },
	{ "NDP: v6 echo hop limit 254 untouched",
	  ECHO_DROP,
	  { ECHO6, .hop_limit = 254 },
	  DROP(V6, 128, DROP_RULE) },

	/* RA guard (RFC 6105). */
	{ "RA guard: allowed router",
	  RA_GUARD,
	  { ICMP6(134, 0), .src = "fe80::1" },
	  PASS(V6, 134, PASS_ESSENTIAL) },
	{ "RA guard: unknown router",
	  RA_GUARD,
	  { ICMP6(134, 0), .src = "fe80::66" },
	  DROP(V6, 134, DROP_RA_GUARD) },
	{ "RA guard: router in an allowed prefix",
	  RA_GUARD,
	  { ICMP6(134, 0), .src = "2001:db8:1:2::1" },
	  PASS(V6, 134, PASS_ESSENTIAL) },
	{ "RA guard: router just outside the prefix",
	  RA_GUARD,
	  { ICMP6(134, 0), .src = "2001:db8:2::1" },
	  DROP(V6, 134, DROP_RA_GUARD) },
	{ "RA guard: neighbor-solicit from anyone",
	  RA_GUARD,
	  { ICMP6(135, 0), .src = "fe80::66" },
	  PASS(V6, 135, PASS_ESSENTIAL) },
	{ "RA guard: routers are not trusted sources",
	  RA_GUARD,
	  { ICMP6(137, 0), .src = "fe80::1" },
	  PASS(V6, 137, PASS_DEFAULT) },
	{ "RA guard off: any router",
	  NULL,
	  { ICMP6(134, 0), .src = "fe80::66" },
	  PASS(V6, 134, PASS_ESSENTIAL) },

	/* Ping of death: fragments past 65535 bytes. */
	{ "ping of death: v4 fragment ending at 65535",
	  NULL,
	  { ECHO4, .frag_offset = 8185, .l4_len = 35 },
	  PASS(V4, 0, PASS_FRAGMENT) },
	{ "ping of death: v4 fragment ending at 65536",
	  NULL,
	  { ECHO4, .frag_offset = 8185, .l4_len = 36 },
	  DROP(V4, 0, DROP_PING_OF_DEATH) },
	{ "ping of death: v4 with options, ending at 65536",
	  NULL,
	  { ECHO4, .ihl = 6, .frag_offset = 8185, .l4_len = 32 },
	  DROP(V4, 0, DROP_PING_OF_DEATH) },
	{ "ping of death: v6 fragment ending at 65535",
	  NULL,
	  { ECHO6, .n_ext = 1, .ext = { IPPROTO_FRAGMENT }, .frag_offset = 8185,
	    .l4_len = 55 },
	  PASS(V6, 0, PASS_FRAGMENT) },
	{ "ping of death: v6 fragment ending at 65536",
	  NULL,
	  { ECHO6, .n_ext = 1, .ext = { IPPROTO_FRAGMENT }, .frag_offset = 8185,
	    .l4_len = 56 },
	  DROP(V6, 0, DROP_PING_OF_DEATH) },
	{ "ping of death: v6 behind hop-by-hop, ending at 65536",
	  NULL,
	  { ECHO6, .n_ext = 2, .ext = { IPPROTO_HOPOPTS, IPPROTO_FRAGMENT },
	    .frag_offset = 8185, .l4_len = 56 },
	  DROP(V6, 0, DROP_PING_OF_DEATH) },
	{ "ping of death: v4 UDP fragment untouched",
	  NULL,
	  { .ethertype = ETH_P_IP,
	    .proto = IPPROTO_UDP,
	    .frag_offset = 8185,
	    .l4_len = 36 },
	  PASS(V4, 0, NON_ICMP) },

	/*
	 * max-size: the default caps no echo (ping -M do -s MTU-28 at any
	 * MTU); a rule's max-size does.
	 */
	{ "max-size: default passes a v4 echo-request of 1900",
	  NULL,
	  { ECHO4, .l4_len = 1900 },
	  PASS(V4, 8, PASS_LIMIT) },
	{ "max-size: default passes a v6 echo-request of 1900",
	  NULL,
	  { ECHO6, .l4_len = 1900 },
	  PASS(V6, 128, PASS_LIMIT) },
	{ "max-size: default passes a v4 echo-reply of 1900",
	  NULL,
	  { ICMP4(0, 0), .l4_len = 1900 },
	  PASS(V4, 0, PASS_DEFAULT) },
	{ "max-size: v4 echo-request of 1480 under max-size 1480",
	  "v4 echo-request pass max-size 1480\n",
	  { ECHO4, .l4_len = 1480 },
	  PASS(V4, 8, PASS_RULE) },
	{ "max-size: v4 echo-request of 1481 under max-size 1480",
	  "v4 echo-request pass max-size 1480\n",
	  { ECHO4, .l4_len = 1481 },
	  DROP(V4, 8, DROP_MAX_SIZE) },
	{ "max-size: v6 echo-request of 1481 under max-size 1480",
	  "v6 echo-request limit 10/s max-size 1480\n",
	  { ECHO6, .l4_len = 1481 },
	  DROP(V6, 128, DROP_MAX_SIZE) },
	{ "max-size: a rule's own cap",
	  "v4 timestamp-request pass max-size 20\n",
	  { ICMP4(13, 0), .l4_len = 21 },
	  DROP(V4, 13, DROP_MAX_SIZE) },

	/* Smurf: v4 echo-request to a broadcast (RFC 2644). */
	{ "smurf: echo to 255.255.255.255",
	  NULL,
	  { ECHO4, .dst = "255.255.255.255" },
	  DROP(V4, 8, DROP_BROADCAST_ECHO) },
	{ "smurf: echo to 224.0.0.1",
	  NULL,
	  { ECHO4, .dst = "224.0.0.1" },
	  DROP(V4, 8, DROP_BROADCAST_ECHO) },
	{ "smurf: echo to our directed broadcast",
	  NULL,
	  { ECHO4, .dst = OUR4_BCAST },
	  DROP(V4, 8, DROP_BROADCAST_ECHO) },
	{ "smurf: echo to ff:ff:ff:ff:ff:ff",
	  NULL,
	  { ECHO4, .mac_bcast = true },
	  DROP(V4, 8, DROP_BROADCAST_ECHO) },
	{ "smurf: echo to 239.255.255.255 is multicast",
	  NULL,
	  { ECHO4, .dst = "239.255.255.255" },
	  DROP(V4, 8, DROP_BROADCAST_ECHO) },
	{ "smurf: echo to 240.0.0.1 is not",
	  NULL,
	  { ECHO4, .dst = "240.0.0.1" },
	  PASS(V4, 8, PASS_LIMIT) },
	{ "smurf: echo-reply to a broadcast untouched",
	  NULL,
	  { ICMP4(0, 0), .dst = "255.255.255.255" },
	  PASS(V4, 0, PASS_DEFAULT) },
	{ "smurf: broadcast-echo pass",
	  BCAST_PASS,
	  { ECHO4, .dst = "255.255.255.255", .mac_bcast = true },
	  PASS(V4, 8, PASS_DEFAULT) },

	/* Limits: a full bucket passes (the sequences below do the rest). */
	{ "limit: v4 class bucket passes",
	  LIMITS_OK,
	  { ECHO4 },
	  PASS(V4, 8, PASS_LIMIT) },
	{ "limit: v6 per-source bucket passes",
	  LIMITS_OK,
	  { ECHO6 },
	  PASS(V6, 128, PASS_LIMIT) },
	{ "limit: type-wide limit covers frag-needed",
	  LIMITS_OK,
	  { ICMP4(3, 4) },
	  PASS(V4, 3, PASS_LIMIT) },
	{ "limit: code rule beats type limit",
	  LIMITS_OK,
	  { ICMP4(3, 3) },
	  DROP(V4, 3, DROP_RULE) },
	{ "limit: other types untouched",
	  LIMITS_OK,
	  { ICMP4(0, 0) },
	  PASS(V4, 0, PASS_DEFAULT) },
	{ "limit: VLAN-tagged echo limited",
	  LIMITS_OK,
	  { .vlan = { ETH_P_8021Q }, ECHO4 },
	  PASS(V4, 8, PASS_LIMIT) },
	{ "limit: IPv6 echo behind ext headers limited",
	  LIMITS_OK,
	  { ECHO6, .n_ext = 2, .ext = { IPPROTO_HOPOPTS, IPPROTO_DSTOPTS } },
	  PASS(V6, 128, PASS_LIMIT) },
	{ "limit: allowlist bypasses the limit",
	  "v4 echo-request limit 10/s\nallow 192.0.2.0/24\n",
	  { ECHO4 },
	  PASS(V4, 8, PASS_ALLOWLIST) },
	{ "limit: blocklist before the limit",
	  "v4 echo-request limit 10/s\nblock 192.0.2.0/24\n",
	  { ECHO4 },
	  DROP(V4, 8, DROP_BLOCKLIST) },
	{ "limit: truncated ICMP never reaches a bucket",
	  LIMITS_OK,
	  { ECHO4, .cut = 14 + 20 + 6 },
	  DROP(V4, 0, MALFORMED_ICMP) },
	{ "limit: UDP untouched",
	  LIMITS_OK,
	  { .ethertype = ETH_P_IP, .proto = IPPROTO_UDP },
	  PASS(V4, 0, NON_ICMP) },
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static struct icmpgate_bpf *skel;
static struct ig_maps maps;
static __u64 fake_now; /* ns, what the program's clock reads */
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

/* Move the program's clock; buckets see it at their next packet. */
static void clock_set(__u64 ns)
{
	fake_now = ns;
	__atomic_store_n(&skel->bss->ig_fake_now, ns, __ATOMIC_RELAXED);
}

static void clock_advance(__u64 ns)
{
	clock_set(fake_now + ns);
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
	clock_advance(3600ull * 1000000000ull); /* every bucket full */
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

/*
 * The real program with its test-only clock switched on, and a per-source
 * table of SOURCES_MAX buckets so that the spoofed flood overflows it.
 */
#define SOURCES_MAX 1024

/* The local-address map as `sync` would write it for our interface. */
static int set_local_addresses(void)
{
	static const struct {
		int family;
		const char *addr;
		uint32_t kind;
	} ours[] = {
		{ V4, OUR4, IG_LOCAL_ADDR },
		{ V4, "198.51.100.2", IG_LOCAL_ADDR },
		{ V4, OUR4_BCAST, IG_LOCAL_BROADCAST },
		{ V6, OUR6, IG_LOCAL_ADDR },
		{ V6, OUR6_LL, IG_LOCAL_ADDR },
		{ V4, "127.0.0.1", IG_LOCAL_ADDR }, /* validate socket */
	};
	struct ig_local_set *s = calloc(1, sizeof(*s));
	uint8_t addr[16];
	size_t i;
	int err = 0;

	if (!s)
		return -1;
	for (i = 0; i < sizeof(ours) / sizeof(ours[0]) && !err; i++) {
		inet_pton(ours[i].family == V6 ? AF_INET6 : AF_INET,
			  ours[i].addr, addr);
		err = ig_local_add(s, ours[i].family, addr, ours[i].kind);
	}
	s->mtu = IF_MTU;
	if (!err)
		err = ig_local_sync(&maps, s, NULL, NULL);
	free(s);
	return err;
}

/* Run a shell command in the test's namespace; 0 if it succeeded. */
static int sh(const char *cmd)
{
	int rc = system(cmd);

	if (rc)
		fprintf(stderr, "'%s' failed (%d)\n", cmd, rc);
	return rc ? -EIO : 0;
}

/*
 * The tests run in a network namespace of their own, with loopback up
 * and forwarding off: the program asks the kernel whether a frame is
 * addressed to this host (bpf/side.h), and the answer must not depend on
 * the routes and sysctls of the machine the tests run on. (A new
 * namespace inherits IPv4 forwarding from the first one: set it.)
 */
static int enter_test_netns(void)
{
	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "cannot make a network namespace: %s\n",
			strerror(errno));
		return -errno;
	}
	return sh("ip link set lo up && "
		  "sysctl -qw net.ipv4.conf.all.forwarding=0 "
		  "net.ipv6.conf.all.forwarding=0");
}

static int load_program(void **state)
{
	struct timespec ts;
	int err;

	(void)state;
	if (enter_test_netns())
		return -1;
	skel = icmpgate_bpf__open();
	if (!skel) {
		fprintf(stderr, "cannot open the XDP program: %s\n",
			strerror(errno));
		return -1;
	}
	skel->rodata->ig_fake_clock = true;
	err = ig_loader_size_sources(skel, SOURCES_MAX);
	if (!err)
		err = icmpgate_bpf__load(skel);
	if (err) {
		fprintf(stderr, "cannot load the XDP program: %s\n",
			strerror(-err));
		return -1;
	}
	/*
	 * A new class bucket starts full at the controller's CLOCK_MONOTONIC:
	 * keep the fake clock ahead of it.
	 */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	clock_set((__u64)ts.tv_sec * 1000000000ull + 3600ull * 1000000000ull);
	err = ig_maps_from_object(&maps, skel->obj);
	return err ? err : set_local_addresses();
}

static int unload_program(void **state)
{
	(void)state;
	ig_maps_close(&maps);
	icmpgate_bpf__destroy(skel);
	return 0;
}

/* ---- rate-limit sequences ------------------------------------------- */

#define MS 1000000ull
#define HOUR (3600ull * 1000000000ull)

/* What a sequence did to the counters of one (family, type). */
struct tally {
	__u64 pass, cls, src, other;
};

static int pkt_family(const struct pkt_desc *pkt)
{
	return pkt->ethertype == ETH_P_IPV6 ? V6 : V4;
}

static void tally_delta(const struct pkt_desc *pkt, struct tally *t)
{
	__u32 fam = pkt_family(pkt), r;
	__u64 d;

	memset(t, 0, sizeof(*t));
	assert_int_equal(ig_counters_read(&maps, after), 0);
	for (r = 0; r < IG_REASON_COUNT; r++) {
		__u32 i = ig_counter_index(fam, pkt->type, r);

		d = after[i].packets - before[i].packets;
		if (r == IG_R_PASS_LIMIT)
			t->pass += d;
		else if (r == IG_R_RATE_LIMITED_CLASS)
			t->cls += d;
		else if (r == IG_R_RATE_LIMITED_SOURCE)
			t->src += d;
		else
			t->other += d;
	}
}

/* n copies of one packet at the same instant (the fake clock stands). */
static void burst(const struct pkt_desc *pkt, __u32 n, struct tally *t)
{
	uint8_t frame[FRAME_MAX];
	size_t len = frame_build(pkt, frame);
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = len, .repeat = n);

	assert_int_equal(ig_counters_read(&maps, before), 0);
	assert_int_equal(bpf_prog_test_run_opts(
				 bpf_program__fd(skel->progs.icmpgate_xdp),
				 &opts),
			 0);
	tally_delta(pkt, t);
	assert_int_equal(t->pass + t->cls + t->src, n);
	assert_int_equal(t->other, 0);
}

static void expect_tally(const struct tally *t, __u64 pass, __u64 cls,
			 __u64 src)
{
	if (t->pass != pass || t->cls != cls || t->src != src)
		fail_msg("passed %llu, class-limited %llu, source-limited %llu;"
			 " want %llu, %llu, %llu",
			 (unsigned long long)t->pass,
			 (unsigned long long)t->cls, (unsigned long long)t->src,
			 (unsigned long long)pass, (unsigned long long)cls,
			 (unsigned long long)src);
}

/* One packet from src; its verdict. */
static int one_from(struct pkt_desc pkt, const char *src)
{
	uint8_t frame[FRAME_MAX];
	size_t len;

	pkt.src = src;
	len = frame_build(&pkt, frame);
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = len, .repeat = 1);
	assert_int_equal(bpf_prog_test_run_opts(
				 bpf_program__fd(skel->progs.icmpgate_xdp),
				 &opts),
			 0);
	return (int)opts.retval;
}

/* The per-source bucket of src for tag, from the table as `top` reads it. */
static bool source_bucket(__u32 tag, const char *src,
			  struct ig_source_bucket *out)
{
	struct ig_source_entry *e = NULL;
	struct ig_source_key key = { .tag = tag };
	bool found = false;
	size_t n, i;

	assert_int_equal(inet_pton(strchr(src, ':') ? AF_INET6 : AF_INET, src,
				   key.addr),
			 1);
	assert_int_equal(ig_sources_read(&maps, &e, &n), 0);
	for (i = 0; i < n && !found; i++) {
		if (memcmp(&e[i].key, &key, sizeof(key)))
			continue;
		*out = e[i].val;
		found = true;
	}
	free(e);
	return found;
}

/* A burst passes exactly `burst` packets, then refills at the rate. */
static void test_limit_burst_refill(void **state)
{
	const struct pkt_desc echo = { ECHO4 };
	struct tally t;

	(void)state;
	assert_int_equal(apply_policy("v4 echo-request limit 10/s burst 7\n"),
			 0);
	clock_advance(HOUR);
	burst(&echo, 20, &t);
	expect_tally(&t, 7, 13, 0);
	burst(&echo, 5, &t);
	expect_tally(&t, 0, 5, 0);
	/* 100 ms a token: not at 99 ms, at 100 ms. */
	clock_advance(99 * MS);
	burst(&echo, 5, &t);
	expect_tally(&t, 0, 5, 0);
	clock_advance(1 * MS);
	burst(&echo, 5, &t);
	expect_tally(&t, 1, 4, 0);
	clock_advance(350 * MS);
	burst(&echo, 10, &t);
	expect_tally(&t, 3, 7, 0);
	/* Time going back makes no tokens, nor does coming back to now. */
	clock_set(fake_now - 500 * MS);
	burst(&echo, 5, &t);
	expect_tally(&t, 0, 5, 0);
	clock_advance(500 * MS);
	burst(&echo, 5, &t);
	expect_tally(&t, 0, 5, 0);
	clock_advance(50 * MS); /* the 50 ms left of the last interval */
	burst(&echo, 5, &t);
	expect_tally(&t, 1, 4, 0);
	/* A long idle time is worth a burst, not more. */
	clock_advance(HOUR);
	burst(&echo, 100, &t);
	expect_tally(&t, 7, 93, 0);
}

/*
 * The source's bucket comes first: an abuser is stopped there and leaves
 * the class to the others.
 */
static void test_limit_source_first(void **state)
{
	const struct pkt_desc a = { ECHO4, .src = "198.18.1.1" };
	const struct pkt_desc b = { ECHO4, .src = "198.18.1.2" };
	const struct pkt_desc c = { ECHO4, .src = "198.18.1.3" };
	const struct pkt_desc d = { ECHO4, .src = "198.18.1.4" };
	struct ig_source_bucket sb;
	__u32 tag = ig_rl_tag(V4, 8, IG_CODE_ANY, 0, 32);
	struct tally t;

	(void)state;
	assert_int_equal(apply_policy("v4 echo-request limit 100/s burst 10 "
				      "per-source 10/s burst 3\n"),
			 0);
	clock_advance(HOUR);
	burst(&a, 20, &t);
	expect_tally(&t, 3, 0, 17);
	burst(&b, 3, &t);
	expect_tally(&t, 3, 0, 0);
	burst(&c, 3, &t);
	expect_tally(&t, 3, 0, 0);
	/* One token left in the class: d gets it, the class drops the rest. */
	burst(&d, 3, &t);
	expect_tally(&t, 1, 2, 0);
	/* a is still held at its own bucket. */
	burst(&a, 1, &t);
	expect_tally(&t, 0, 0, 1);
	/* What `top` reads: passed and dropped of each source's packets. */
	assert_true(source_bucket(tag, "198.18.1.1", &sb));
	assert_int_equal(sb.passed, 3);
	assert_int_equal(sb.dropped, 18);
	assert_true(source_bucket(tag, "198.18.1.4", &sb));
	assert_int_equal(sb.passed, 1);
	assert_int_equal(sb.dropped, 2);
	assert_false(source_bucket(tag, "198.18.1.5", &sb));
}

/*
 * A spoofed flood, a new source every packet, many times the table's
 * size: the class holds its rate exactly, and the table its bound.
 */
static void test_limit_spoofed(void **state)
{
	const struct pkt_desc echo = { ECHO4 };
	struct ig_source_entry *e = NULL;
	__u32 i, k, verdict, passed = 0;
	char src[INET_ADDRSTRLEN];
	struct tally t;
	size_t n;

	(void)state;
	assert_int_equal(apply_policy("v4 echo-request limit 50/s burst 50 "
				      "per-source 10/s burst 10\n"),
			 0);
	clock_advance(HOUR);
	assert_int_equal(ig_counters_read(&maps, before), 0);
	/* 2 s, 5 packets a ms, each from a source never seen: 5000/s. */
	for (i = 0; i < 2000; i++) {
		clock_advance(MS);
		for (k = 0; k < 5; k++) {
			snprintf(src, sizeof(src), "10.%u.%u.%u",
				 (i * 5 + k) >> 16, ((i * 5 + k) >> 8) & 0xff,
				 (i * 5 + k) & 0xff);
			verdict = one_from(echo, src);
			passed += verdict == XDP_PASS;
		}
	}
	tally_delta(&echo, &t);
	/* The burst, then 50/s for 2 s; the last token may be due at the end. */
	assert_true(t.pass >= 50 + 100 - 1 && t.pass <= 50 + 100);
	assert_int_equal(t.pass, passed);
	assert_int_equal(t.src, 0);
	assert_int_equal(t.pass + t.cls, 10000);
	assert_int_equal(ig_sources_read(&maps, &e, &n), 0);
	free(e);
	assert_true(n <= SOURCES_MAX);
	assert_true(n >= SOURCES_MAX / 2);
}

/*
 * A policy change carries a class's bucket over (it is no fresh burst for
 * a flood), gives a new class a full one, and a shorter burst empties it.
 */
static void test_limit_policy_change(void **state)
{
	static const char a[] = "v4 echo-request limit 10/s burst 5\n";
	static const char b[] = "v4 echo-request limit 10/s burst 5\n"
				"v4 timestamp-request drop\n";
	static const char c[] = "v4 echo-request limit 10/s burst 5\n"
				"v4 echo-reply limit 10/s burst 5\n";
	static const char d[] = "v4 echo-request limit 20/s burst 2\n"
				"v4 echo-reply limit 10/s burst 5\n";
	const struct pkt_desc echo = { ECHO4 }, reply = { ICMP4(0, 0) };
	struct tally t;

	(void)state;
	assert_int_equal(apply_policy(a), 0);
	clock_advance(HOUR);
	burst(&echo, 10, &t);
	expect_tally(&t, 5, 5, 0);
	assert_int_equal(apply_policy(b), 0);
	burst(&echo, 10, &t);
	expect_tally(&t, 0, 10, 0);
	assert_int_equal(apply_policy(c), 0);
	burst(&echo, 10, &t);
	expect_tally(&t, 0, 10, 0);
	burst(&reply, 10, &t);
	expect_tally(&t, 5, 5, 0);
	/* 500 ms of debt, and a burst of 100 ms now: empty, refill at once. */
	assert_int_equal(apply_policy(d), 0);
	burst(&echo, 10, &t);
	expect_tally(&t, 0, 10, 0);
	clock_advance(50 * MS);
	burst(&echo, 10, &t);
	expect_tally(&t, 1, 9, 0);
	/* The other class kept its state through both changes. */
	burst(&reply, 10, &t);
	expect_tally(&t, 0, 10, 0);
}

/*
 * Under a per-source limit with burst 2: `first` gets its burst, `same`
 * (in first's prefix) finds the bucket empty, `other` has its own.
 */
static void expect_prefix(struct pkt_desc pkt, const char *first,
			  const char *same, const char *other)
{
	static const __u64 want[3][3] = { { 2, 0, 1 },
					  { 0, 0, 3 },
					  { 2, 0, 1 } };
	const char *src[3] = { first, same, other };
	struct tally t;
	int i;

	for (i = 0; i < 3; i++) {
		pkt.src = src[i];
		burst(&pkt, 3, &t);
		expect_tally(&t, want[i][0], want[i][1], want[i][2]);
	}
}

/* IPv6 sources by /64 (the default), or the prefix the rule gives. */
static void test_limit_v6_prefix(void **state)
{
	const struct pkt_desc echo = { ECHO6 };

	(void)state;
	assert_int_equal(apply_policy("v6 echo-request limit per-source 10/s "
				      "burst 2\n"),
			 0);
	clock_advance(HOUR);
	/* The same /64, then the next. */
	expect_prefix(echo, "2001:db8:1::1", "2001:db8:1::ffff:1",
		      "2001:db8:1:1::1");
	assert_int_equal(apply_policy("v6 echo-request limit per-source 10/s "
				      "burst 2 prefix /48\n"),
			 0);
	expect_prefix(echo, "2001:db8:1:2::1", "2001:db8:1:3::1",
		      "2001:db8:2::1");
}

/* Prefixes shorter than an IPv4 address, and longer than a /64. */
static void test_limit_prefix_lengths(void **state)
{
	const struct pkt_desc echo4 = { ECHO4 }, echo6 = { ECHO6 };

	(void)state;
	assert_int_equal(apply_policy("v4 echo-request limit per-source 10/s "
				      "burst 2 prefix /24\n"
				      "v6 echo-request limit per-source 10/s "
				      "burst 2 prefix /80\n"),
			 0);
	clock_advance(HOUR);
	expect_prefix(echo4, "198.18.1.1", "198.18.1.200", "198.18.2.1");
	/* The last differs from the first two in bits 64-79 only. */
	expect_prefix(echo6, "2001:db8:1:0:1::1", "2001:db8:1:0:1:ffff::1",
		      "2001:db8:1:0:2::1");
}

/* A bit rate counts the frame's bytes: a burst of B bytes, B / len. */
static void test_limit_bytes(void **state)
{
	const struct pkt_desc echo = { ECHO4, .l4_len = 1000 };
	uint8_t frame[FRAME_MAX];
	size_t len = frame_build(&echo, frame);
	struct tally t;

	(void)state;
	assert_int_equal(apply_policy("v4 echo-request limit 8mbit/s "
				      "burst 10000\n"),
			 0);
	clock_advance(HOUR);
	burst(&echo, 100, &t);
	expect_tally(&t, 10000 / len, 100 - 10000 / len, 0);
	/* 1 MB/s, a byte a us: the bytes a frame lacks come back in time. */
	clock_advance((len - 10000 % len) * 1000 - 1);
	burst(&echo, 1, &t);
	expect_tally(&t, 0, 1, 0);
	clock_advance(1);
	burst(&echo, 2, &t);
	expect_tally(&t, 1, 1, 0);
	clock_advance(len * 1000);
	burst(&echo, 2, &t);
	expect_tally(&t, 1, 1, 0);
}

/* The reason counted for one packet of pkt's family and type. */
static int reason_of(const struct pkt_desc *pkt)
{
	__u32 fam = pkt_family(pkt), r;
	int found = -1;

	assert_int_equal(ig_counters_read(&maps, before), 0);
	one_from(*pkt, pkt->src);
	assert_int_equal(ig_counters_read(&maps, after), 0);
	for (r = 0; r < IG_REASON_COUNT; r++)
		if (after[ig_counter_index(fam, pkt->type, r)].packets !=
		    before[ig_counter_index(fam, pkt->type, r)].packets)
			found = (int)r;
	return found;
}

/* The reason and side one packet of pkt's family and type is counted on. */
static int outcome_of(const struct pkt_desc *pkt, int *side)
{
	__u32 fam = pkt_family(pkt), r, cfam, sd;
	int found = -1;

	assert_int_equal(ig_counters_read(&maps, before), 0);
	one_from(*pkt, pkt->src);
	assert_int_equal(ig_counters_read(&maps, after), 0);
	for (sd = 0; sd < IG_SIDES; sd++) {
		cfam = ig_counter_family(fam, sd);
		for (r = 0; r < IG_REASON_COUNT; r++)
			if (after[ig_counter_index(cfam, pkt->type, r)].packets !=
			    before[ig_counter_index(cfam, pkt->type, r)]
				    .packets) {
				found = (int)r;
				*side = (int)sd;
			}
	}
	return found;
}

#define SIDE_CMDS_UP                                           \
	"ip link add igside0 type veth peer name igside1 && "  \
	"ip link set igside0 up && ip link set igside1 up && " \
	"ip addr add 10.9.0.1/24 dev igside0 && "              \
	"ip -6 addr add fd00:9::1/64 dev igside0 nodad && "    \
	"ip route add 198.51.100.0/24 via 10.9.0.2 && "        \
	"ip -6 route add 2001:db8::/64 via fd00:9::2"

/*
 * Host or transit, as the kernel says at the moment (bpf/side.h): the
 * same frames, judged by the host rule while forwarding is off, by the
 * `forward` rule once the kernel would route them on, by the host rule
 * again when their destination becomes an address of this host. Each
 * answer is kept for IG_SIDE_TTL_NS of the program's (fake) clock.
 */
static void test_side_follows_kernel(void **state)
{
	struct pkt_desc echo4 = { ECHO4 }, echo6 = { ECHO6 };
	int side = -1;

	(void)state;
	assert_int_equal(apply_policy("v4 echo-request drop\n"
				      "v6 echo-request drop\n"
				      "forward v4 echo-request pass\n"
				      "forward v6 echo-request pass\n"),
			 0);
	clock_advance(IG_SIDE_TTL_NS + 1);
	assert_int_equal(outcome_of(&echo4, &side), IG_R_DROP_RULE);
	assert_int_equal(side, IG_SIDE_HOST);
	assert_int_equal(outcome_of(&echo6, &side), IG_R_DROP_RULE);
	assert_int_equal(side, IG_SIDE_HOST);

	assert_int_equal(sh(SIDE_CMDS_UP " && sysctl -qw "
					 "net.ipv4.conf.all.forwarding=1 "
					 "net.ipv6.conf.all.forwarding=1"),
			 0);
	/* Within the TTL, the answer of a moment ago. */
	assert_int_equal(outcome_of(&echo4, &side), IG_R_DROP_RULE);
	assert_int_equal(side, IG_SIDE_HOST);
	clock_advance(IG_SIDE_TTL_NS + 1);
	assert_int_equal(outcome_of(&echo4, &side), IG_R_PASS_RULE);
	assert_int_equal(side, IG_SIDE_TRANSIT);
	assert_int_equal(outcome_of(&echo6, &side), IG_R_PASS_RULE);
	assert_int_equal(side, IG_SIDE_TRANSIT);

	/* The destination becomes ours: the host's rule again. */
	assert_int_equal(sh("ip addr add 198.51.100.1/32 dev igside0 && "
			    "ip -6 addr add 2001:db8::2/128 dev igside0 nodad"),
			 0);
	clock_advance(IG_SIDE_TTL_NS + 1);
	assert_int_equal(outcome_of(&echo4, &side), IG_R_DROP_RULE);
	assert_int_equal(side, IG_SIDE_HOST);
	assert_int_equal(outcome_of(&echo6, &side), IG_R_DROP_RULE);
	assert_int_equal(side, IG_SIDE_HOST);

	/* Multicast is the host's without asking. */
	echo4.dst = "224.0.0.1";
	assert_int_equal(outcome_of(&echo4, &side), IG_R_DROP_RULE);
	assert_int_equal(side, IG_SIDE_HOST);

	assert_int_equal(sh("ip link del igside0 && sysctl -qw "
			    "net.ipv4.conf.all.forwarding=0 "
			    "net.ipv6.conf.all.forwarding=0"),
			 0);
	clock_advance(IG_SIDE_TTL_NS + 1);
}

/* A loopback TCP socket bound to addr, port 0; its port in *port. */
static int tcp_socket(const char *addr, uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	inet_pton(AF_INET, addr, &sa.sin_addr);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

/*
 * validate socket, on real sockets of this (the test's) network
 * namespace over loopback: 127.0.0.1 is "ours" in the local-address map.
 * A frag-needed quoting the segment of an established connection passes;
 * one port off, or quoting what only a listener could match, is
 * invalid-socket; without `socket`, the same forgery passes.
 */
static void test_validate_socket(void **state)
{
	struct pkt_desc ptb = { PTB4Q(1400, "127.0.0.1", "127.0.0.2"),
				.dst = "127.0.0.1" };
	struct sockaddr_in sa = { .sin_family = AF_INET };
	uint16_t lport, cport, l2port;
	int lfd, cfd, afd, l2fd;

	(void)state;
	lfd = tcp_socket("127.0.0.2", &lport);
	assert_int_equal(listen(lfd, 1), 0);
	cfd = tcp_socket("127.0.0.1", &cport);
	sa.sin_port = htons(lport);
	inet_pton(AF_INET, "127.0.0.2", &sa.sin_addr);
	assert_int_equal(connect(cfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	afd = accept(lfd, NULL, NULL);
	assert_true(afd >= 0);
	l2fd = tcp_socket("127.0.0.1", &l2port);
	assert_int_equal(listen(l2fd, 1), 0);

	assert_int_equal(apply_policy("v4 dest-unreachable/frag-needed pass "
				      "validate socket\n"),
			 0);
	ptb.q_sport = cport;
	ptb.q_dport = lport;
	assert_int_equal(reason_of(&ptb), IG_R_PASS_RULE);
	ptb.q_dport = lport + 1;
	assert_int_equal(reason_of(&ptb), IG_R_INVALID_SOCKET);
	ptb.q_dport = lport;
	ptb.q_dst = "127.0.0.3";
	assert_int_equal(reason_of(&ptb), IG_R_INVALID_SOCKET);
	/* Our listener matches any remote end, and does not count. */
	ptb.q_sport = l2port;
	assert_int_equal(reason_of(&ptb), IG_R_INVALID_SOCKET);
	/* The MTU is still checked first. */
	ptb.mtu = 67;
	assert_int_equal(reason_of(&ptb), IG_R_INVALID_MTU);
	/* Without `socket`, the forgery that names our address passes. */
	ptb.mtu = 1400;
	ptb.q_sport = cport + 1;
	assert_int_equal(apply_policy("v4 dest-unreachable/frag-needed pass "
				      "validate\n"),
			 0);
	assert_int_equal(reason_of(&ptb), IG_R_PASS_RULE);
	close(afd);
	close(cfd);
	close(lfd);
	close(l2fd);
}

/*
 * More directed broadcasts than ig_ifinfo holds: the echo path asks the
 * local map for them, and still finds the last one; then the usual set.
 */
static void test_many_broadcasts(void **state)
{
	struct ig_local_set *s = calloc(1, sizeof(*s));
	struct pkt_desc echo = { ECHO4, .dst = "10.77.9.255" };
	struct pkt_desc other = { ECHO4, .dst = "10.77.9.254" };
	uint8_t addr[4] = { 10, 77, 0, 255 };
	__u32 i;

	(void)state;
	assert_non_null(s);
	assert_int_equal(apply_policy("v4 echo-request pass\n"), 0);
	for (i = 0; i < IG_IFINFO_BCAST + 2; i++) {
		addr[2] = (uint8_t)i;
		assert_int_equal(ig_local_add(s, V4, addr, IG_LOCAL_BROADCAST),
				 0);
	}
	s->mtu = IF_MTU;
	assert_int_equal(ig_local_sync(&maps, s, NULL, NULL), 0);
	free(s);
	assert_int_equal(reason_of(&echo), IG_R_DROP_BROADCAST_ECHO);
	assert_int_equal(reason_of(&other), IG_R_PASS_RULE);
	assert_int_equal(set_local_addresses(), 0);
	assert_int_equal(reason_of(&echo), IG_R_PASS_RULE);
}

int main(void)
{
	const struct CMUnitTest seqs[] = {
		cmocka_unit_test(test_limit_burst_refill),
		cmocka_unit_test(test_limit_source_first),
		cmocka_unit_test(test_limit_spoofed),
		cmocka_unit_test(test_limit_policy_change),
		cmocka_unit_test(test_limit_v6_prefix),
		cmocka_unit_test(test_limit_prefix_lengths),
		cmocka_unit_test(test_limit_bytes),
		cmocka_unit_test(test_validate_socket),
		cmocka_unit_test(test_many_broadcasts),
		cmocka_unit_test(test_side_follows_kernel),
	};
#define N_SEQS (sizeof(seqs) / sizeof(seqs[0]))
	struct CMUnitTest tests[N_CASES + N_SEQS];
	size_t i;

	for (i = 0; i < N_CASES; i++) {
		tests[i] = (struct CMUnitTest){
			.name = cases[i].name,
			.test_func = run_case,
			.initial_state = (void *)&cases[i],
		};
	}
	for (i = 0; i < N_SEQS; i++)
		tests[N_CASES + i] = seqs[i];
	return _cmocka_run_group_tests("prog", tests, N_CASES + N_SEQS,
				       load_program, unload_program);
}
