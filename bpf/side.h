/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Host or transit: is an ICMP packet addressed to this host, and judged by
 * the host policy (nftables' input chain), or one the kernel would forward,
 * judged by the transit policy (nftables' forward chain)? The answer is
 * the kernel's own, read live with bpf_fib_lookup() on the packet's
 * addresses and the interface it came in on:
 *
 *   forwarding off on the interface (FWD_DISABLED)  host: the kernel
 *                                   forwards nothing that arrives here
 *   a local, broadcast or multicast route, or no route at all
 *                                   (NOT_FWDED)  host
 *   a route out (also unreachable, blackhole, prohibit)  transit
 *
 * Multicast and limited-broadcast destinations are the host's without a
 * lookup. A lookup costs about 30 ns with forwarding off and 100-140 ns
 * with it on (make bench, "side" rows), so each CPU keeps the answer for a
 * destination for IG_SIDE_TTL_NS in a small direct-mapped cache: a flood
 * aimed at one address pays one lookup per CPU per 100 ms. On a host,
 * whose interface forwards nothing, one global says so for every
 * destination (ig_fwd_off_until): no call, no cache. That is the
 * only staleness, and it is bounded: an address added or removed, or
 * forwarding switched, is seen within 100 ms with nobody running a
 * command. Until then a packet may be judged on the side it was on a
 * moment ago; PMTUD validation does not depend on the side (validate.h),
 * so no honest error is dropped for it.
 *
 * Accepted races: two CPUs fill their own entries (no sharing); an entry
 * is read and written by one CPU only, with the program not preempted.
 */
#ifndef IG_BPF_SIDE_H
#define IG_BPF_SIDE_H

#include <linux/bpf.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "maps.h"
#include "ratelimit.h"

#define IG_AF_INET 2
#define IG_AF_INET6 10
#define IG_SIDE_MAX_L3 0x3f /* Ethernet and two VLAN tags: 22 */

/*
 * Until when (coarse_now()) the kernel last said that forwarding is off on
 * the interface, by family: until then every packet is the host's,
 * whatever its destination (bpf_fib_lookup() checks forwarding on the
 * interface before it looks at the address). One global read on a host's
 * every ICMP packet instead of a call to packet_side() (a call and its
 * return cost about 8 ns here with AMD's SRSO mitigation): the call is
 * left to routers. Written by whichever CPU asks the kernel when it has
 * expired; every writer writes the same kind of answer, so the race
 * costs at most a second lookup.
 */
__u64 ig_fwd_off_until[IG_POLICY_FAMILIES];

/* The kernel's answer, without the cache. */
static __always_inline __u32 side_lookup(struct xdp_md *ctx, __u32 family,
					 const __u64 *daddr, __u64 now)
{
	struct bpf_fib_lookup p = {};
	long rc;

	p.ifindex = ctx->ingress_ifindex;
	if (family == IG_FAM_V4) {
		p.family = IG_AF_INET;
		p.ipv4_dst = (__u32)daddr[0];
	} else {
		p.family = IG_AF_INET6;
		__builtin_memcpy(p.ipv6_dst, daddr, 16);
	}
	/* No tot_len: the MTU is no question here. No neighbour either. */
	rc = bpf_fib_lookup(ctx, &p, sizeof(p), BPF_FIB_LOOKUP_SKIP_NEIGH);
	if (rc == BPF_FIB_LKUP_RET_FWD_DISABLED)
		ig_fwd_off_until[family & 1] = now + IG_SIDE_TTL_NS;
	if (rc == BPF_FIB_LKUP_RET_FWD_DISABLED ||
	    rc == BPF_FIB_LKUP_RET_NOT_FWDED || rc < 0)
		return IG_SIDE_HOST;
	return IG_SIDE_TRANSIT;
}

/*
 * The side of a packet whose IP header starts l3_off bytes into the frame
 * (the parser checked it). A global function, so that the verifier checks
 * it once on its own rather than on every path through the parsers that
 * reaches it (check_packet() in validate.h says why); that is why it takes
 * an offset and reads the destination again.
 */
__noinline int packet_side(struct xdp_md *ctx, __u32 l3_off, __u32 family)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ig_side_entry *e;
	struct ipv6hdr *ip6h;
	struct iphdr *iph;
	__u64 a[2], now;
	__u32 idx;
	__u8 first;

	if (l3_off > IG_SIDE_MAX_L3)
		return IG_SIDE_HOST;
	barrier_var(l3_off);
	l3_off &= IG_SIDE_MAX_L3;
	if (family == IG_FAM_V4) {
		iph = data + l3_off;
		if ((void *)(iph + 1) > end)
			return IG_SIDE_HOST;
		a[0] = iph->daddr;
		a[1] = 0;
		first = *(__u8 *)&iph->daddr;
		/* 224.0.0.0/4 and 255.255.255.255 */
		if ((first & 0xf0) == 0xe0 || iph->daddr == 0xffffffff)
			return IG_SIDE_HOST;
	} else {
		ip6h = data + l3_off;
		if ((void *)(ip6h + 1) > end)
			return IG_SIDE_HOST;
		__builtin_memcpy(a, &ip6h->daddr, 16);
		if (ip6h->daddr.in6_u.u6_addr8[0] == 0xff) /* ff00::/8 */
			return IG_SIDE_HOST;
	}
	idx = (__u32)(((a[0] ^ a[1]) * 0x9e3779b97f4a7c15ull) >> 56) &
	      (IG_SIDE_CACHE - 1);
	now = coarse_now(bpf_jiffies64());
	e = bpf_map_lookup_elem(&ig_side_cache, &idx);
	if (!e) /* cannot happen: idx is within the array */
		return side_lookup(ctx, family, a, now);
	if (e->addr[0] == a[0] && e->addr[1] == a[1] && e->family == family &&
	    (__s64)(e->expires - now) > 0)
		return e->side;
	e->side = side_lookup(ctx, family, a, now);
	e->addr[0] = a[0];
	e->addr[1] = a[1];
	e->family = family;
	e->expires = now + IG_SIDE_TTL_NS;
	return e->side;
}

/*
 * Is every packet of the family the host's, whatever its destination?
 * Yes while the kernel's last word is that the interface forwards nothing
 * of it.
 */
static __always_inline int side_all_host(__u32 family, __u64 jif)
{
	return (__s64)(ig_fwd_off_until[family & 1] - coarse_now(jif)) > 0;
}

/* The side of a packet: side_all_host(), else packet_side(). */
static __always_inline __u32 side_of(struct xdp_md *ctx, __u32 l3_off,
				     __u32 family, __u64 jif)
{
	if (side_all_host(family, jif))
		return IG_SIDE_HOST;
	return packet_side(ctx, l3_off, family) & 1;
}

#endif /* IG_BPF_SIDE_H */
