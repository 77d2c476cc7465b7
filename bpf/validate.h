/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Checks that look inside a packet after its rule is known: forged
 * neighbour discovery, the RA guard, broadcast echo (smurf), the rule's
 * size cap and PMTUD validation of ICMP errors. (The ping of death is
 * found by the IP parsers, parse.h.) Each returns 0 (go on with the rule) or the reason the
 * packet is dropped. Every read is bounds-checked here again: the
 * verifier does not carry the parser's checks through every spill.
 */
#ifndef IG_BPF_VALIDATE_H
#define IG_BPF_VALIDATE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "icmp.h"
#include "maps.h"

#define IG_QUOTE_L4 8 /* transport bytes an error must quote (RFC 792) */
#define IG_MIN_MTU_V4 68 /* RFC 791 */
#define IG_MIN_MTU_V6 1280 /* RFC 8200 §5 */

static __always_inline __u32 local_kind(__u32 family, const void *addr)
{
	struct ig_local_key key = { .family = family };
	struct ig_local_value *v;

	if (family == IG_FAM_V4)
		__builtin_memcpy(key.addr, addr, 4);
	else
		__builtin_memcpy(key.addr, addr, 16);
	v = bpf_map_lookup_elem(&ig_local, &key);
	return v ? v->kind : 0;
}

/*
 * An ICMP error worth believing (RFC 5927 §4.1 and RFC 4443 §5.4: check
 * what the error quotes), judged by the packet alone, never by a copy of
 * the host's state that could go stale when its addresses or MTU change:
 *  - it quotes an IP header and the 8 bytes after it (RFC 792);
 *  - the quoted packet came from where the error goes: an error is sent
 *    to the source of the packet that caused it (RFC 792, RFC 4443 §2.2),
 *    so the quote's source is the error's destination. On the host side,
 *    that is an address of this host, the one the kernel delivers the
 *    error to, whatever addresses came or went since attach;
 *  - the quoted packet did not go to its own source (this host does not
 *    send itself packets through a router);
 *  - a PMTUD message reports an MTU a path can have, at least 68 (IPv4)
 *    or 1280 (IPv6), and smaller than the quoted packet: a router that
 *    reports MTU X dropped a packet longer than X (RFC 5927 §4.1,
 *    RFC 1191 §4). Whatever MTU the interface has now.
 */
static __always_inline int same_addr6(const void *a, const void *b)
{
	const __u64 *x = a, *y = b;

	return x[0] == y[0] && x[1] == y[1];
}

static __always_inline int bad_mtu(__u32 mtu, __u32 min, __u32 quoted_len)
{
	return mtu < min || mtu >= quoted_len;
}

/*
 * `validate socket`: did a socket of this host send the quoted TCP or UDP
 * packet? The lookup takes the quote's addresses and ports the other way
 * round, as for a packet coming back. A TCP listener does not count: it
 * sends no data, and a forger who knows our open ports would match it.
 * A quote of another protocol (or, in IPv6, behind an extension header)
 * has no socket to find and is not held against the message.
 */
static __always_inline __u32 quote_socket(struct xdp_md *ctx, __u32 family,
					  __u8 proto, const void *saddr,
					  const void *daddr, void *l4,
					  void *end)
{
	struct bpf_sock_tuple t = {};
	struct bpf_sock *sk;
	__be16 *ports = l4;
	__u32 size;

	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return 0;
	if ((void *)(ports + 2) > end)
		return IG_R_INVALID_QUOTE;
	if (family == IG_FAM_V4) {
		__builtin_memcpy(&t.ipv4.saddr, daddr, 4);
		__builtin_memcpy(&t.ipv4.daddr, saddr, 4);
		t.ipv4.sport = ports[1];
		t.ipv4.dport = ports[0];
		size = sizeof(t.ipv4);
	} else {
		__builtin_memcpy(t.ipv6.saddr, daddr, 16);
		__builtin_memcpy(t.ipv6.daddr, saddr, 16);
		t.ipv6.sport = ports[1];
		t.ipv6.dport = ports[0];
		size = sizeof(t.ipv6);
	}
	if (proto == IPPROTO_TCP)
		sk = bpf_sk_lookup_tcp(ctx, &t, size, BPF_F_CURRENT_NETNS, 0);
	else
		sk = bpf_sk_lookup_udp(ctx, &t, size, BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return IG_R_INVALID_SOCKET;
	size = proto == IPPROTO_TCP && sk->state == BPF_TCP_LISTEN;
	bpf_sk_release(sk);
	return size ? IG_R_INVALID_SOCKET : 0;
}

static __always_inline __u32 validate_error(struct xdp_md *ctx, __u32 family,
					    const void *daddr, void *icmp,
					    void *end, __u32 l4len, int socket)
{
	void *inner = icmp + IG_ICMP_HDR_LEN;
	struct ig_icmphdr *ih = icmp;
	struct ipv6hdr *in6;
	struct iphdr *in4;
	__u32 hdr;

	if (family == IG_FAM_V4) {
		in4 = inner;
		if ((void *)(in4 + 1) > end || in4->version != 4 ||
		    in4->ihl < 5)
			return IG_R_INVALID_QUOTE;
		hdr = in4->ihl * 4;
		if (inner + hdr + IG_QUOTE_L4 > end ||
		    l4len < IG_ICMP_HDR_LEN + hdr + IG_QUOTE_L4)
			return IG_R_INVALID_QUOTE;
		if (in4->saddr != *(const __be32 *)daddr)
			return IG_R_INVALID_SOURCE;
		if (in4->daddr == in4->saddr)
			return IG_R_INVALID_DEST;
		if (ih->type == IG_ICMP_DEST_UNREACH &&
		    ih->code == IG_ICMP_FRAG_NEEDED &&
		    bad_mtu(bpf_ntohs(ih->frag.mtu), IG_MIN_MTU_V4,
			    bpf_ntohs(in4->tot_len)))
			return IG_R_INVALID_MTU;
		return socket ? quote_socket(ctx, family, in4->protocol,
					     &in4->saddr, &in4->daddr,
					     inner + hdr, end) :
				0;
	}
	in6 = inner;
	if ((void *)(in6 + 1) + IG_QUOTE_L4 > end ||
	    l4len < IG_ICMP_HDR_LEN + sizeof(*in6) + IG_QUOTE_L4 ||
	    in6->version != 6)
		return IG_R_INVALID_QUOTE;
	if (!same_addr6(&in6->saddr, daddr))
		return IG_R_INVALID_SOURCE;
	if (same_addr6(&in6->daddr, &in6->saddr))
		return IG_R_INVALID_DEST;
	if (ih->type == IG_ICMPV6_PKT_TOOBIG &&
	    bad_mtu(bpf_ntohl(ih->mtu6), IG_MIN_MTU_V6,
		    sizeof(*in6) + bpf_ntohs(in6->payload_len)))
		return IG_R_INVALID_MTU;
	return socket ? quote_socket(ctx, family, in6->nexthdr, &in6->saddr,
				     &in6->daddr, in6 + 1, end) :
			0;
}

/* Is the RA's source on the RA guard's list of routers? (RFC 6105) */
static __always_inline int ra_router_allowed(__u32 slot_nr, const void *saddr)
{
	struct ig_prefix_key key = {};

	key.prefixlen = IG_PREFIX_KEY_BITS + 128;
	key.slot = slot_nr;
	key.family = IG_PREFIX_RA_ROUTERS;
	__builtin_memcpy(key.addr, saddr, 16);
	return bpf_map_lookup_elem(&ig_prefixes, &key) != NULL;
}

/*
 * An IPv4 echo-request sent to a broadcast or multicast address (the
 * smurf amplifier, RFC 2644): link-layer group address, 255.255.255.255,
 * 224.0.0.0/4, or a directed broadcast address of the interface. Inline
 * on the echo-request path: the interface's broadcasts are compared from
 * ig_ifinfo (an array read the verifier inlines), and only an interface
 * with more of them than it holds costs a hash lookup.
 */
static __always_inline int to_broadcast(const struct ethhdr *eth,
					const struct iphdr *iph)
{
	__u32 dst = bpf_ntohl(iph->daddr), zero = 0, n, i;
	struct ig_ifinfo *ifi;

	if (eth->h_dest[0] & 1)
		return 1;
	if (dst == 0xffffffff || (dst & 0xf0000000) == 0xe0000000)
		return 1;
	ifi = bpf_map_lookup_elem(&ig_ifinfo, &zero);
	if (!ifi)
		return 0;
	n = ifi->n_bcast;
	if (n > IG_IFINFO_BCAST)
		return local_kind(IG_FAM_V4, &iph->daddr) == IG_LOCAL_BROADCAST;
#pragma unroll
	for (i = 0; i < IG_IFINFO_BCAST; i++)
		if (i < n && ifi->bcast[i] == iph->daddr)
			return 1;
	return 0;
}

/* What check_packet() needs of the slot and the rule, in one word. */
enum {
	IG_CHK_V6 = 1 << 0,
	IG_CHK_SLOT1 = 1 << 1, /* the live slot is slot 1 */
	IG_CHK_RA_GUARD = 1 << 2,
	IG_CHK_VALIDATE = 1 << 4,
	IG_CHK_SOCKET = 1 << 5, /* validate socket */
};

/* The verifier allows variable packet offsets up to 0xffff, all in. */
#define IG_CHK_MAX_OFF 0x7fff
#define IG_CHK_MAX_L3 0x3f /* Ethernet and two tags: 22 */

/*
 * Bit operations only: a branch here would split every verifier state
 * that reaches the call (check_packet() below).
 */
static __always_inline __u32 check_cfg(const struct ig_policy_slot *slot,
				       __u32 slot_nr,
				       const struct ig_rule *rule, __u32 family)
{
	_Static_assert(IG_FAM_V6 == 1 && IG_ACT_DROP == 1 &&
			       IG_RULE_VALIDATE == IG_CHK_VALIDATE >> 2 &&
			       IG_RULE_VALIDATE_SOCKET == IG_CHK_SOCKET >> 2,
		       "check_cfg() packs these as they are");
	return (family & 1) | (slot_nr & 1) << 1 |
	       (slot->meta.ra_guard & 1) << 2 |
	       (rule->flags & (IG_RULE_VALIDATE | IG_RULE_VALIDATE_SOCKET))
		       << 2;
}

/*
 * Everything between the rule lookup and its action: 0 to go on with the
 * rule, or the reason to drop the packet. l3_off and icmp_off are where
 * the IP and ICMP headers start (the parser checked both), l4len is what
 * the IP header says follows it, cfg is check_cfg(): the RA guard,
 * broadcast echo and validation, for the entries the compiler marked
 * IG_RULE_CALL_CHECK. (The NDP hop limit and the size cap take a compare
 * each and are checked inline, icmpgate.bpf.c: a call costs more.)
 *
 * A global function, so that the verifier checks it once, on its own,
 * rather than once for every path through the parsers that reaches it:
 * inlined, it nearly doubled the instructions the verifier walks. That is
 * why it takes offsets and one word of flags rather than pointers.
 */
__noinline int check_packet(struct xdp_md *ctx, __u32 l3_off, __u32 icmp_off,
			    __u32 l4len, __u32 cfg)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 family = cfg & IG_CHK_V6 ? IG_FAM_V6 : IG_FAM_V4;
	struct ig_icmphdr *ih;
	struct ipv6hdr *ip6h;
	struct iphdr *iph;
	const void *daddr;
	__u32 type;

	/*
	 * The parser's offsets. An ICMP header 32 KiB into a frame is an
	 * absurd chain of extension headers; the masks only tell the
	 * verifier what the test has made sure of.
	 */
	if (icmp_off > IG_CHK_MAX_OFF || l3_off > IG_CHK_MAX_L3)
		return IG_R_MALFORMED_L3;
	/* Keep clang from dropping the masks the test made redundant. */
	barrier_var(icmp_off);
	barrier_var(l3_off);
	icmp_off &= IG_CHK_MAX_OFF;
	l3_off &= IG_CHK_MAX_L3;
	ih = data + icmp_off;
	if ((void *)(ih + 1) > end)
		return IG_R_MALFORMED_ICMP;
	type = ih->type;
	if (family == IG_FAM_V6) {
		ip6h = data + l3_off;
		if ((void *)(ip6h + 1) > end)
			return IG_R_MALFORMED_L3;
		if (type == IG_ND_ROUTER_ADVERT && (cfg & IG_CHK_RA_GUARD) &&
		    !ra_router_allowed(cfg & IG_CHK_SLOT1 ? 1 : 0,
				       &ip6h->saddr))
			return IG_R_DROP_RA_GUARD;
		daddr = &ip6h->daddr;
	} else {
		iph = data + l3_off;
		if ((void *)(iph + 1) > end)
			return IG_R_MALFORMED_L3;
		daddr = &iph->daddr;
	}
	if (cfg & IG_CHK_VALIDATE)
		return validate_error(ctx, family, daddr, ih, end, l4len,
				      !!(cfg & IG_CHK_SOCKET));
	return 0;
}

/*
 * The checks of a marked entry (IG_RULE_ANY_CHECK), cheapest first: 0 to go
 * on with the rule, or the reason to drop. Inline but for
 * check_packet(): a call costs more than the compares. The IP header
 * starts l3_off bytes into the frame (the parser checked it; the bounds
 * checks here are for the verifier, which knows the offset as a number
 * only: layout_blind()).
 */
static __always_inline __u32 rule_checks(struct xdp_md *ctx,
					 const struct ig_rule *rule,
					 const struct ig_policy_slot *slot,
					 __u32 slot_nr, __u32 family,
					 __u32 icmp_off, __u32 l3_off,
					 __u32 l4len)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	const struct ipv6hdr *ip6h = data + l3_off;
	const struct iphdr *iph = data + l3_off;
	__u8 flags = rule->flags;

	/* Neighbour discovery from off the link, whatever the rule says. */
	if (flags & IG_RULE_NDP) {
		if ((void *)(ip6h + 1) > end)
			return IG_R_MALFORMED_L3;
		if (ip6h->hop_limit != IG_NDP_HOP_LIMIT)
			return IG_R_SPOOFED_NDP;
	}
	if (flags & IG_RULE_BCAST) {
		if ((void *)(iph + 1) > end ||
		    data + sizeof(struct ethhdr) > end)
			return IG_R_MALFORMED_L3;
		if (to_broadcast(data, iph))
			return IG_R_DROP_BROADCAST_ECHO;
	}
	if ((flags & IG_RULE_SIZE) && l4len > rule->max_size)
		return IG_R_DROP_MAX_SIZE;
	if (flags & IG_RULE_CALL_CHECK)
		return check_packet(ctx, l3_off, icmp_off, l4len,
				    check_cfg(slot, slot_nr, rule, family));
	return 0;
}

#endif /* IG_BPF_VALIDATE_H */
