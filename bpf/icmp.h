/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The few ICMP and ICMPv6 definitions the program reads, here rather than
 * from <linux/icmp.h>: that header pulls <linux/if.h> and, through it,
 * glibc's <sys/socket.h>, whose <gnu/stubs.h> wants the 32-bit stubs of
 * an x86 multilib package in a `-target bpf` compile. The BPF objects read
 * no glibc header at all (`make check-format` verifies it with clang -M).
 */
#ifndef IG_BPF_ICMP_H
#define IG_BPF_ICMP_H

#include <linux/types.h>

#define IG_ICMP_HDR_LEN 8 /* type, code, checksum, 4 bytes (RFC 792) */

/* RFC 792 and RFC 1191 (the next-hop MTU of a frag-needed). */
#define IG_ICMP_DEST_UNREACH 3
#define IG_ICMP_FRAG_NEEDED 4
/* RFC 4443 §3.2. */
#define IG_ICMPV6_PKT_TOOBIG 2

/* The header ICMP and ICMPv6 share: type, code, checksum, 4 bytes. */
struct ig_icmphdr {
	__u8 type;
	__u8 code;
	__be16 checksum;
	union {
		struct {
			__be16 unused;
			__be16 mtu; /* ICMP frag-needed, RFC 1191 */
		} frag;
		__be32 mtu6; /* ICMPv6 packet-too-big, RFC 4443 */
	};
};

_Static_assert(sizeof(struct ig_icmphdr) == IG_ICMP_HDR_LEN,
	       "ICMP header is 8 bytes");

#endif /* IG_BPF_ICMP_H */
