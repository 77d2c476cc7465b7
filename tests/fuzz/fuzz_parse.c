// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target: the program's frame parsers (bpf/parse.h), compiled
 * for the host. The header needs nothing of the kernel but its types and
 * libbpf's byte-order macros, so it is included as it is. Each input is a
 * frame, copied to the end of a buffer so that AddressSanitizer catches
 * any read past it, two bytes in so that the IP header is aligned as a
 * driver aligns it (NET_IP_ALIGN); the parsers run as the program runs
 * them (Ethernet and tags, then IPv4 or IPv6 and its extension headers).
 * What must hold, or the target aborts with the input:
 * - a cursor never moves backwards, and is within the frame whenever a
 *   parser returns a protocol (not IG_PARSE_MALFORMED);
 * - a non-first fragment is reported only with a protocol;
 * - what the IP header says follows it (l4len) fits in an IP datagram.
 * The verdicts themselves are the differential test's (tests/prog/diff.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wunused-variable" /* libbpf's helpers */
#include "../../bpf/parse.h"

static void check(int ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_parse: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size + 2), *f = buf + 2;
	struct cursor c;
	struct iphdr *iph = NULL;
	struct ipv6hdr *ip6h = NULL;
	void *end, *before;
	__u32 l4len = 0;
	int proto, nonfirst = 0;

	if (!buf)
		return 0;
	memcpy(f, data, size);
	end = f + size;
	c.pos = f;
	proto = parse_ethhdr(&c, end);
	check(c.pos >= (void *)f, "the Ethernet parser moved back");
	if (proto >= 0)
		check(c.pos <= end, "Ethernet: the cursor left the frame");
	before = c.pos;
	if (proto == bpf_htons(ETH_P_IP))
		proto = parse_iphdr(&c, end, &iph, &nonfirst, &l4len);
	else if (proto == bpf_htons(ETH_P_IPV6))
		proto = parse_ip6hdr(&c, end, &ip6h, &nonfirst, &l4len);
	else
		goto out;
	check(c.pos >= before, "an IP parser moved back");
	if (proto != IG_PARSE_MALFORMED) {
		check(proto >= 0 && proto < 256, "an IP parser's protocol");
		check(c.pos <= end, "IP: the cursor left the frame");
		check(nonfirst || l4len <= 65535, "l4len past a datagram");
	}
	check(nonfirst == 0 || nonfirst == IG_FRAG_NONFIRST ||
		      nonfirst == IG_FRAG_PAST_MAX,
	      "a fragment kind out of range");
out:
	free(buf);
	return 0;
}
