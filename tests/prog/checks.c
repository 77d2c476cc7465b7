// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Checks that look inside a packet once its rule is known: PMTUD
 * validation (the quote, the MTU, `validate socket` on real sockets), NDP
 * hop limits, RA guard, ping of death, max-size, echo to a broadcast.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "localaddr.h"
#include "stats.h"

#include "harness.h"

static const char VALIDATE_ERRORS[] = "v4 time-exceeded pass validate\n"
				      "v6 dest-unreachable pass validate\n";
static const char RA_GUARD[] = "ra-guard allow fe80::1\n"
			       "ra-guard allow 2001:db8:1::/48\n";
static const char BCAST_PASS[] = "broadcast-echo pass\n";

const struct prog_case cases_checks[] = {
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
	/* The message's length, not the options' in front of it. */
	{ "max-size: v6 echo-request of 1480 behind hop-by-hop",
	  "v6 echo-request pass max-size 1480\n",
	  { ECHO6, .n_ext = 1, .ext = { IPPROTO_HOPOPTS }, .l4_len = 1480 },
	  PASS(V6, 128, PASS_RULE) },
	{ "max-size: v6 echo-request of 1481 behind hop-by-hop",
	  "v6 echo-request pass max-size 1480\n",
	  { ECHO6, .n_ext = 1, .ext = { IPPROTO_HOPOPTS }, .l4_len = 1481 },
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
};

const size_t cases_checks_n = sizeof(cases_checks) / sizeof(cases_checks[0]);

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

/*
 * PMTUD health: each frag-needed or packet-too-big a passing or limiting
 * entry judges moves exactly one bucket of one histogram by one, and its
 * sum by its MTU: its family's, valid or forged as validation said (the
 * reason counted agrees), in the bucket of the first bound (IG_PMTU_BOUNDS)
 * not below its MTU. Other messages, and those a rule drops, move none.
 */
struct pmtud_case {
	const char *policy; /* NULL: the default policy */
	struct pkt_desc pkt;
	int outcome; /* IG_PMTU_VALID, IG_PMTU_FORGED, or -1: not recorded */
	int reason;
};

static const char PTB_PASS[] = "v4 dest-unreachable pass\n"
			       "v6 packet-too-big pass\n";
static const char PTB_DROP[] = "v4 dest-unreachable/frag-needed drop force\n"
			       "v6 packet-too-big drop force\n";

static const struct pmtud_case pmtud_cases[] = {
	{ NULL, { PTB4(576) }, IG_PMTU_VALID, IG_R_PASS_LIMIT },
	{ NULL, { PTB4(1280) }, IG_PMTU_VALID, IG_R_PASS_LIMIT },
	{ NULL, { PTB4(1281) }, IG_PMTU_VALID, IG_R_PASS_LIMIT },
	{ NULL, { PTB4(QUOTED_LEN4 - 1) }, IG_PMTU_VALID, IG_R_PASS_LIMIT },
	{ NULL, { PTB4(67) }, IG_PMTU_FORGED, IG_R_INVALID_MTU },
	{ NULL, { PTB4(9000) }, IG_PMTU_FORGED, IG_R_INVALID_MTU },
	{ NULL, { PTB4(65535) }, IG_PMTU_FORGED, IG_R_INVALID_MTU },
	{ NULL,
	  { PTB4Q(1400, "192.0.2.77", REMOTE4) },
	  IG_PMTU_FORGED,
	  IG_R_INVALID_SOURCE },
	{ NULL, { PTB6(1280) }, IG_PMTU_VALID, IG_R_PASS_LIMIT },
	{ NULL, { PTB6(1400) }, IG_PMTU_VALID, IG_R_PASS_LIMIT },
	{ NULL, { PTB6(1279) }, IG_PMTU_FORGED, IG_R_INVALID_MTU },
	{ NULL, { PTB6(100000) }, IG_PMTU_FORGED, IG_R_INVALID_MTU },
	{ NULL,
	  { PTB6Q(1400, "2001:db8::99", REMOTE6) },
	  IG_PMTU_FORGED,
	  IG_R_INVALID_SOURCE },
	/* Not validated: valid whatever they quote. */
	{ PTB_PASS,
	  { PTB4Q(1500, "192.0.2.77", REMOTE4) },
	  IG_PMTU_VALID,
	  IG_R_PASS_RULE },
	{ PTB_PASS, { PTB6(1279) }, IG_PMTU_VALID, IG_R_PASS_RULE },
	/* Dropped by rule: in the counters only. */
	{ PTB_DROP, { PTB4(1400) }, -1, IG_R_DROP_RULE },
	{ PTB_DROP, { PTB6(1400) }, -1, IG_R_DROP_RULE },
	/* Not PMTUD: another code of dest-unreachable, time-exceeded. */
	{ PTB_PASS,
	  { ICMP4(3, 1), .mtu = 1400, .q_src = OUR4, .q_dst = REMOTE4 },
	  -1,
	  IG_R_PASS_RULE },
	{ NULL,
	  { ICMP6(3, 0), .mtu = 1400, .q_src = OUR6, .q_dst = REMOTE6 },
	  -1,
	  IG_R_PASS_DEFAULT },
};

/* The bucket of mtu by the bounds the controller prints. */
static int bucket_by_bounds(__u32 mtu)
{
	int b = 0;

	while (b < IG_PMTU_BUCKETS - 1 && mtu > ig_pmtu_bounds[b])
		b++;
	return b;
}

static void test_pmtud_histogram(void **state)
{
	struct ig_pmtu_hist was[IG_PMTU_ENTRIES], now[IG_PMTU_ENTRIES];
	const struct pmtud_case *tc;
	size_t i, moved;
	int e, b, want_e, want_b;

	(void)state;
	for (i = 0; i < sizeof(pmtud_cases) / sizeof(pmtud_cases[0]); i++) {
		tc = &pmtud_cases[i];
		assert_int_equal(apply_policy(tc->policy), 0);
		clock_advance(3600ull * 1000000000ull); /* buckets full */
		assert_int_equal(ig_pmtud_read(&maps, was), 0);
		assert_int_equal(reason_of(&tc->pkt), tc->reason);
		assert_int_equal(ig_pmtud_read(&maps, now), 0);
		want_e = tc->outcome < 0 ?
				 -1 :
				 (int)ig_pmtu_index(pkt_family(&tc->pkt),
						    tc->outcome);
		want_b = bucket_by_bounds(tc->pkt.mtu);
		moved = 0;
		for (e = 0; e < IG_PMTU_ENTRIES; e++)
			for (b = 0; b < IG_PMTU_BUCKETS; b++) {
				if (now[e].count[b] == was[e].count[b])
					continue;
				moved++;
				if (e != want_e || b != want_b ||
				    now[e].count[b] != was[e].count[b] + 1)
					fail_msg(
						"case %zu (MTU %u): entry %d "
						"bucket %d moved by %llu",
						i, tc->pkt.mtu, e, b,
						(unsigned long long)(now[e].count
									     [b] -
								     was[e].count
									     [b]));
			}
		assert_int_equal(moved, want_e < 0 ? 0 : 1);
		for (e = 0; e < IG_PMTU_ENTRIES; e++)
			assert_int_equal(now[e].sum - was[e].sum,
					 e == want_e ? tc->pkt.mtu : 0);
	}
}

const struct CMUnitTest seqs_checks[] = {
	cmocka_unit_test(test_validate_socket),
	cmocka_unit_test(test_many_broadcasts),
	cmocka_unit_test(test_pmtud_histogram),
};

const size_t seqs_checks_n = sizeof(seqs_checks) / sizeof(seqs_checks[0]);
