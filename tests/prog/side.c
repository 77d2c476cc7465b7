// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Host or transit: the side a frame is judged on follows what the kernel
 * would do with it.
 */
#include "harness.h"

#define SIDE_CMDS_UP                                           \
	"ip link add igside0 type veth peer name igside1 && "  \
	"ip link set igside0 up && ip link set igside1 up && " \
	"ip addr add 10.9.0.1/24 dev igside0 && "              \
	"ip -6 addr add fd00:9::1/64 dev igside0 nodad && "    \
	"ip route add 198.51.100.0/24 via 10.9.0.2 && "        \
	"ip -6 route add 2001:db8::/64 via fd00:9::2"

/* pkt gets reason, judged on side. */
static void expect_side(const struct pkt_desc *pkt, int reason, int side)
{
	int got = -1;

	assert_int_equal(outcome_of(pkt, &got), reason);
	assert_int_equal(got, side);
}

/* Echo requests: dropped on the host side, passed in transit. */
static void apply_side_policy(void)
{
	assert_int_equal(apply_policy("v4 echo-request drop\n"
				      "v6 echo-request drop\n"
				      "forward v4 echo-request pass\n"
				      "forward v6 echo-request pass\n"),
			 0);
}

/* SIDE_CMDS_UP undone, forwarding off, every cached answer expired. */
static void side_lab_down(void)
{
	assert_int_equal(sh("ip link del igside0 && sysctl -qw "
			    "net.ipv4.conf.all.forwarding=0 "
			    "net.ipv6.conf.all.forwarding=0"),
			 0);
	clock_advance(IG_SIDE_TTL_NS + 1);
}

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
	(void)state;
	apply_side_policy();
	clock_advance(IG_SIDE_TTL_NS + 1);
	expect_side(&echo4, IG_R_DROP_RULE, IG_SIDE_HOST);
	expect_side(&echo6, IG_R_DROP_RULE, IG_SIDE_HOST);

	assert_int_equal(sh(SIDE_CMDS_UP " && sysctl -qw "
					 "net.ipv4.conf.all.forwarding=1 "
					 "net.ipv6.conf.all.forwarding=1"),
			 0);
	/* Within the TTL, the answer of a moment ago. */
	expect_side(&echo4, IG_R_DROP_RULE, IG_SIDE_HOST);
	clock_advance(IG_SIDE_TTL_NS + 1);
	expect_side(&echo4, IG_R_PASS_RULE, IG_SIDE_TRANSIT);
	expect_side(&echo6, IG_R_PASS_RULE, IG_SIDE_TRANSIT);

	/* The destination becomes ours: the host's rule again. */
	assert_int_equal(sh("ip addr add 198.51.100.1/32 dev igside0 && "
			    "ip -6 addr add 2001:db8::2/128 dev igside0 nodad"),
			 0);
	clock_advance(IG_SIDE_TTL_NS + 1);
	expect_side(&echo4, IG_R_DROP_RULE, IG_SIDE_HOST);
	expect_side(&echo6, IG_R_DROP_RULE, IG_SIDE_HOST);

	/* Multicast is the host's without asking. */
	echo4.dst = "224.0.0.1";
	expect_side(&echo4, IG_R_DROP_RULE, IG_SIDE_HOST);

	side_lab_down();
}

/*
 * The kernel's "forwarding is off" holds for every destination of the
 * family it was given for, and no longer than the TTL (ig_fwd_off_until
 * in side.h): a router for IPv6 only judges v4 as the host's, v6 as
 * transit, in either order, and sees v4 forwarding switched on in time.
 */
static void test_side_forwarding_by_family(void **state)
{
	struct pkt_desc echo4 = { ECHO4 }, echo6 = { ECHO6 };
	(void)state;
	apply_side_policy();
	assert_int_equal(sh(SIDE_CMDS_UP " && sysctl -qw "
					 "net.ipv4.conf.all.forwarding=0 "
					 "net.ipv6.conf.all.forwarding=1"),
			 0);
	clock_advance(IG_SIDE_TTL_NS + 1);
	expect_side(&echo4, IG_R_DROP_RULE, IG_SIDE_HOST);
	expect_side(&echo6, IG_R_PASS_RULE, IG_SIDE_TRANSIT);
	/* Another v4 destination, routed: still the host's. */
	echo4.dst = "198.51.100.7";
	expect_side(&echo4, IG_R_DROP_RULE, IG_SIDE_HOST);

	assert_int_equal(sh("sysctl -qw net.ipv4.conf.all.forwarding=1"), 0);
	clock_advance(IG_SIDE_TTL_NS + 1);
	expect_side(&echo4, IG_R_PASS_RULE, IG_SIDE_TRANSIT);

	side_lab_down();
}

const struct CMUnitTest seqs_side[] = {
	cmocka_unit_test(test_side_follows_kernel),
	cmocka_unit_test(test_side_forwarding_by_family),
};

const size_t seqs_side_n = sizeof(seqs_side) / sizeof(seqs_side[0]);
