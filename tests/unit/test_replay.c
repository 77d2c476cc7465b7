// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the pure parts of policy replay: link types turned into
 * Ethernet (user/replay_pcap.c), the key of a frame (user/replay.c) and
 * the changes grouped by verdict, type and source prefix
 * (user/replay_diff.c). The program itself is the prog tier's.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <linux/bpf.h>

#include "../include/icmpgate.h"
#include "replay.h"
#include "replay_diff.h"

/* An IPv4 ICMP packet of type `type` from src, 28 bytes. */
static size_t ip4_icmp(uint8_t *p, const char *src, uint8_t type)
{
	memset(p, 0, 28);
	p[0] = 0x45;
	p[3] = 28;
	p[8] = 64;
	p[9] = 1; /* ICMP */
	inet_pton(AF_INET, src, p + 12);
	inet_pton(AF_INET, "198.51.100.1", p + 16);
	p[20] = type;
	return 28;
}

/* An IPv6 packet from src: a hop-by-hop header if hbh, then ICMPv6. */
static size_t ip6_icmp(uint8_t *p, const char *src, uint8_t type, bool hbh)
{
	size_t off = 40;

	memset(p, 0, 64);
	p[0] = 0x60;
	p[6] = hbh ? 0 : 58;
	p[7] = 64;
	inet_pton(AF_INET6, src, p + 8);
	inet_pton(AF_INET6, "2001:db8::2", p + 24);
	if (hbh) {
		p[off] = 58; /* next header; length 0: 8 bytes */
		off += 8;
	}
	p[off] = type;
	return off + 8;
}

static void test_raw_ip(void **state)
{
	uint8_t in[64], out[128];
	size_t n;
	int len;

	(void)state;
	n = ip4_icmp(in, "203.0.113.7", 8);
	len = ig_frame_to_ether(IG_DLT_RAW, in, n, out, sizeof(out));
	assert_int_equal(len, n + 14);
	assert_int_equal(ig_be16(out + 12), 0x0800);
	assert_memory_equal(out + 14, in, n);
	n = ip6_icmp(in, "2001:db8:1::1", 128, false);
	len = ig_frame_to_ether(IG_DLT_IPV6, in, n, out, sizeof(out));
	assert_int_equal(len, n + 14);
	assert_int_equal(ig_be16(out + 12), 0x86dd);
	assert_int_equal(ig_frame_to_ether(IG_DLT_RAW, in, 0, out, 64),
			 -EINVAL);
}

static void test_cooked(void **state)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	uint8_t in[128], out[160];
	size_t n;
	int len;

	(void)state;
	/* SLL: type, hatype, halen, address, protocol. */
	memset(in, 0, 16);
	in[1] = 1; /* PACKET_BROADCAST */
	in[5] = 6;
	memcpy(in + 6, mac, 6);
	in[14] = 0x08;
	n = ip4_icmp(in + 16, "203.0.113.7", 8) + 16;
	len = ig_frame_to_ether(IG_DLT_LINUX_SLL, in, n, out, sizeof(out));
	assert_int_equal(len, n - 16 + 14);
	assert_memory_equal(out, "\xff\xff\xff\xff\xff\xff", 6);
	assert_memory_equal(out + 6, mac, 6);
	assert_int_equal(ig_be16(out + 12), 0x0800);
	assert_memory_equal(out + 14, in + 16, n - 16);
	in[1] = 4; /* PACKET_OUTGOING: XDP never sees it */
	assert_int_equal(ig_frame_to_ether(IG_DLT_LINUX_SLL, in, n, out,
					   sizeof(out)),
			 IG_FRAME_OUTGOING);
	assert_int_equal(ig_frame_to_ether(IG_DLT_LINUX_SLL, in, 15, out,
					   sizeof(out)),
			 -EINVAL);

	/* SLL2: protocol, reserved, ifindex, hatype, type, halen, address. */
	memset(in, 0, 20);
	in[0] = 0x86;
	in[1] = 0xdd;
	in[10] = 2; /* PACKET_MULTICAST */
	in[11] = 6;
	memcpy(in + 12, mac, 6);
	n = ip6_icmp(in + 20, "2001:db8:1::1", 135, false) + 20;
	len = ig_frame_to_ether(IG_DLT_LINUX_SLL2, in, n, out, sizeof(out));
	assert_int_equal(len, n - 20 + 14);
	assert_true(out[0] & 1); /* a multicast MAC */
	assert_memory_equal(out + 6, mac, 6);
	assert_int_equal(ig_be16(out + 12), 0x86dd);
}

static void test_link_types(void **state)
{
	uint8_t in[2000] = { 0 }, out[100];

	(void)state;
	assert_true(ig_dlt_supported(IG_DLT_EN10MB));
	assert_true(ig_dlt_supported(IG_DLT_LINUX_SLL2));
	assert_false(ig_dlt_supported(0)); /* BSD loopback */
	assert_false(ig_dlt_supported(127)); /* 802.11 radiotap */
	assert_int_equal(ig_frame_to_ether(0, in, 20, out, sizeof(out)),
			 -EPROTONOSUPPORT);
	/* Ethernet longer than the buffer: cut to it. */
	assert_int_equal(ig_frame_to_ether(IG_DLT_EN10MB, in, sizeof(in), out,
					   sizeof(out)),
			 sizeof(out));
}

/* An Ethernet frame (VLAN-tagged if vlan) around an IP packet. */
static size_t ether(uint8_t *f, uint16_t proto, bool vlan, const uint8_t *ip,
		    size_t n)
{
	size_t off = 12;

	memset(f, 0, 12);
	if (vlan) {
		f[off++] = 0x81;
		f[off++] = 0x00;
		f[off++] = 0;
		f[off++] = 100;
	}
	f[off++] = proto >> 8;
	f[off++] = proto & 0xff;
	memcpy(f + off, ip, n);
	return off + n;
}

/* The key of frame f is ICMP of family and type from src. */
static void expect_key(const uint8_t *f, size_t n, int family, int type,
		       const char *src)
{
	struct ig_frame_key k;
	uint8_t addr[16];

	assert_int_equal(ig_frame_key(f, n, &k), 0);
	assert_true(k.icmp);
	assert_int_equal(k.family, family);
	assert_int_equal(k.type, type);
	inet_pton(family == IG_FAM_V4 ? AF_INET : AF_INET6, src, addr);
	assert_memory_equal(k.src, addr, family == IG_FAM_V4 ? 4 : 16);
}

static void test_key(void **state)
{
	uint8_t ip[128], f[160];
	struct ig_frame_key k;
	size_t n;

	(void)state;
	n = ether(f, 0x0800, true, ip, ip4_icmp(ip, "203.0.113.7", 13));
	expect_key(f, n, IG_FAM_V4, 13, "203.0.113.7");

	/* A non-first fragment is counted under type 0. */
	ip[6] = 0x00;
	ip[7] = 0x10;
	n = ether(f, 0x0800, false, ip, 28);
	assert_int_equal(ig_frame_key(f, n, &k), 0);
	assert_true(k.icmp);
	assert_int_equal(k.type, 0);

	/* IPv6 behind a hop-by-hop header. */
	n = ether(f, 0x86dd, false, ip,
		  ip6_icmp(ip, "2001:db8:1::1", 128, true));
	expect_key(f, n, IG_FAM_V6, 128, "2001:db8:1::1");
	/* The chain cut inside its header. */
	assert_int_equal(ig_frame_key(f, 14 + 44, &k), -EINVAL);

	/* TCP is not ICMP; neither is ARP. */
	ip4_icmp(ip, "203.0.113.7", 8);
	ip[9] = 6;
	n = ether(f, 0x0800, false, ip, 28);
	assert_int_equal(ig_frame_key(f, n, &k), 0);
	assert_false(k.icmp);
	n = ether(f, 0x0806, false, ip, 28);
	assert_int_equal(ig_frame_key(f, n, &k), 0);
	assert_false(k.icmp);
}

static struct ig_frame_key key(int family, const char *src, uint8_t type)
{
	struct ig_frame_key k = { .icmp = true };

	k.family = (uint8_t)family;
	k.type = type;
	inet_pton(family == IG_FAM_V4 ? AF_INET : AF_INET6, src, k.src);
	return k;
}

/* Frames whose verdict changed: 5 groups. */
static const struct {
	int family;
	const char *src;
	uint8_t type;
	int from, to;
	uint64_t bytes;
} frames[] = {
	{ IG_FAM_V4, "203.0.113.7", 8, XDP_PASS, XDP_DROP, 98 },
	{ IG_FAM_V4, "203.0.113.200", 8, XDP_PASS, XDP_DROP, 100 },
	{ IG_FAM_V4, "203.0.113.9", 8, XDP_DROP, XDP_PASS, 98 },
	{ IG_FAM_V4, "203.0.114.1", 8, XDP_PASS, XDP_DROP, 98 },
	{ IG_FAM_V6, "2001:db8:1:2::1", 128, XDP_PASS, XDP_DROP, 118 },
	{ IG_FAM_V6, "2001:db8:1:3::1", 128, XDP_PASS, XDP_DROP, 118 },
	{ IG_FAM_V6, "2001:db8:1:3::1", 129, XDP_PASS, XDP_DROP, 118 },
};

static void test_diff(void **state)
{
	struct ig_frame_key k;
	struct ig_change *ch;
	struct ig_diff d;
	char buf[IG_PREFIX_STRLEN];
	size_t n;

	(void)state;
	ig_diff_init(&d, IG_DIFF_PLEN4, IG_DIFF_PLEN6);
	k = key(IG_FAM_V4, "203.0.113.7", 8);
	/* Same verdict both ways: no change. */
	assert_int_equal(ig_diff_add(&d, &k, XDP_PASS, XDP_PASS, 98), 0);
	assert_int_equal(d.n, 0);
	for (n = 0; n < sizeof(frames) / sizeof(frames[0]); n++) {
		k = key(frames[n].family, frames[n].src, frames[n].type);
		assert_int_equal(ig_diff_add(&d, &k, frames[n].from,
					     frames[n].to, frames[n].bytes),
				 0);
	}
	assert_int_equal(d.packets, 7);
	assert_int_equal(d.bytes, 98 * 3 + 100 + 3 * 118);
	assert_int_equal(d.n, 5);

	assert_int_equal(ig_diff_list(&d, &ch, &n), 0);
	assert_int_equal(n, 5);
	/* Most packets first; equal counts in key order. */
	assert_int_equal(ch[0].packets, 2);
	assert_int_equal(ch[0].bytes, 198);
	ig_change_prefix(&ch[0], buf, sizeof(buf));
	assert_string_equal(buf, "203.0.113.0/24");
	assert_int_equal(ch[0].from, XDP_PASS);
	assert_int_equal(ch[0].to, XDP_DROP);
	assert_int_equal(ch[1].packets, 2);
	ig_change_prefix(&ch[1], buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8:1::/48");
	assert_int_equal(ch[1].type, 128);
	for (n = 2; n < 5; n++)
		assert_int_equal(ch[n].packets, 1);
	free(ch);
	ig_diff_free(&d);

	/* Other prefix lengths. */
	ig_diff_init(&d, 32, 64);
	k = key(IG_FAM_V6, "2001:db8:1:3::1", 128);
	assert_int_equal(ig_diff_add(&d, &k, XDP_PASS, XDP_DROP, 118), 0);
	assert_int_equal(ig_diff_list(&d, &ch, &n), 0);
	ig_change_prefix(&ch[0], buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8:1:3::/64");
	free(ch);
	ig_diff_free(&d);
}

static void test_thousands(void **state)
{
	char buf[32];

	(void)state;
	ig_thousands(0, buf, sizeof(buf));
	assert_string_equal(buf, "0");
	ig_thousands(999, buf, sizeof(buf));
	assert_string_equal(buf, "999");
	ig_thousands(1204, buf, sizeof(buf));
	assert_string_equal(buf, "1,204");
	ig_thousands(1234567, buf, sizeof(buf));
	assert_string_equal(buf, "1,234,567");
	ig_thousands(18446744073709551615ull, buf, sizeof(buf));
	assert_string_equal(buf, "18,446,744,073,709,551,615");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raw_ip),
		cmocka_unit_test(test_cooked),
		cmocka_unit_test(test_link_types),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_thousands),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
