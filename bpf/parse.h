/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Cursor parsers: each takes the cursor and the end of the packet, checks
 * bounds before every read, advances the cursor past its header and
 * returns the next protocol, or a negative IG_PARSE_* value.
 */
#ifndef IG_BPF_PARSE_H
#define IG_BPF_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "icmp.h"

#define IG_MAX_VLANS 2 /* 802.1Q inside 802.1ad (QinQ) */
#define IG_MAX_EXT_HDRS 8 /* more than any sane IPv6 packet carries */

enum {
	IG_PARSE_MALFORMED = -1, /* header truncated or inconsistent */
	IG_PARSE_OTHER = -2, /* not a protocol we classify */
};

struct cursor {
	void *pos;
};

struct vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

/* Fragment header (RFC 8200 §4.5). */
struct ip6_frag_hdr {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off; /* offset in 8-byte units << 3 | M flag */
	__be32 id;
};

/* Generic extension header: hop-by-hop, routing, destination options. */
struct ip6_ext_hdr {
	__u8 nexthdr;
	__u8 hdrlen;
};

#define IP_OFFSET_MASK 0x1fff
#define IP6_OFFSET_MASK 0xfff8
#define IG_IP_MAXPACKET 65535 /* RFC 791 total length, RFC 8200 payload */

/*
 * *nonfirst of the IP parsers. Constants, not the offset itself: the
 * verifier prunes the states of the extension header walk only while what
 * it carries out of the loop is the same.
 */
enum {
	IG_FRAG_NONFIRST = 1, /* a fragment with offset > 0 */
	/* ... whose data would end past the largest datagram: the ping of
	 * death, which no honest sender can make */
	IG_FRAG_PAST_MAX = 2,
};

/*
 * IG_FRAG_PAST_MAX if a datagram would be len bytes long, which is more
 * than it can be, else IG_FRAG_NONFIRST. Without a branch: the parsers
 * run on every path, and a branch there doubles the verifier's states.
 * len < 2^17 here, so the subtraction wraps exactly when len > 65535.
 */
static __always_inline int frag_kind(__u32 len)
{
	return IG_FRAG_NONFIRST + (((IG_IP_MAXPACKET - len) >> 31) & 1);
}

static __always_inline int proto_is_vlan(__u16 proto)
{
	return proto == bpf_htons(ETH_P_8021Q) ||
	       proto == bpf_htons(ETH_P_8021AD);
}

/* The extension headers parse_ip6hdr walks. */
static __always_inline int ip6_is_ext(__u8 nexthdr)
{
	return nexthdr == IPPROTO_HOPOPTS || nexthdr == IPPROTO_ROUTING ||
	       nexthdr == IPPROTO_DSTOPTS || nexthdr == IPPROTO_AH ||
	       nexthdr == IPPROTO_FRAGMENT;
}

/* Ethernet and up to IG_MAX_VLANS tags; returns the EtherType (BE). */
static __always_inline int parse_ethhdr(struct cursor *c, void *end)
{
	struct ethhdr *eth = c->pos;
	struct vlan_hdr *vlh;
	__u16 proto;
	int i;

	if ((void *)(eth + 1) > end)
		return IG_PARSE_OTHER;
	c->pos = eth + 1;
	/* One 16-bit load: struct ethhdr is packed, which makes two of it. */
	proto = ((__be16 *)eth)[6];
	if (proto == bpf_htons(ETH_P_IP) || proto == bpf_htons(ETH_P_IPV6))
		return proto;

#pragma unroll
	for (i = 0; i < IG_MAX_VLANS; i++) {
		if (!proto_is_vlan(proto))
			break;
		vlh = c->pos;
		if ((void *)(vlh + 1) > end)
			return IG_PARSE_OTHER;
		proto = vlh->encap_proto;
		c->pos = vlh + 1;
	}
	/* A third tag: not a frame we classify, so it passes untouched. */
	if (proto_is_vlan(proto))
		return IG_PARSE_OTHER;
	return proto;
}

/*
 * IPv4 with options. ihl < 5 or a total length shorter than the header is
 * malformed (RFC 791). *nonfirst is set for a fragment with offset > 0: it
 * carries no transport header, so nothing after the IP header is read.
 * The datagram it belongs to is header + offset + data = offset + total
 * length long.
 * *l4len is what the IP header says follows it.
 */
static __always_inline int parse_iphdr(struct cursor *c, void *end,
				       struct iphdr **iph, int *nonfirst,
				       __u32 *l4len)
{
	struct iphdr *h = c->pos;
	__u32 hdrsize, tot_len, off;
	__u8 vihl;

	if ((void *)(h + 1) > end)
		return IG_PARSE_MALFORMED;
	/* version 4 and ihl >= 5 in one compare: the first byte is 0x45-0x4f */
	vihl = *(__u8 *)h;
	if ((__u8)(vihl - 0x45) > 0x0a)
		return IG_PARSE_MALFORMED;
	hdrsize = (vihl & 0xf) * 4;
	tot_len = bpf_ntohs(h->tot_len);
	if (tot_len < hdrsize)
		return IG_PARSE_MALFORMED;
	if (c->pos + hdrsize > end)
		return IG_PARSE_MALFORMED;
	c->pos += hdrsize;
	*iph = h;
	off = (bpf_ntohs(h->frag_off) & IP_OFFSET_MASK) * 8;
	if (off)
		*nonfirst = frag_kind(off + tot_len);
	*l4len = tot_len - hdrsize;
	return h->protocol;
}

/*
 * IPv6 and its extension headers (RFC 8200 §4): hop-by-hop, routing,
 * destination options, fragment and AH are walked, at most
 * IG_MAX_EXT_HDRS of them; a longer or truncated chain is malformed (fail
 * closed). Returns the upper-layer protocol. For a fragment with offset >
 * 0, *nonfirst is set and the fragment header's next header is returned.
 * Its datagram's payload is (this payload - the fragment header) + offset
 * long: the headers before the fragment header are in both.
 */
static __always_inline int parse_ip6hdr(struct cursor *c, void *end,
					struct ipv6hdr **ip6h, int *nonfirst,
					__u32 *l4len)
{
	struct ipv6hdr *h = c->pos;
	struct ip6_frag_hdr *fh;
	struct ip6_ext_hdr *eh;
	__u32 payload, used = 0;
	__u8 nexthdr;
	int i;

	if ((void *)(h + 1) > end)
		return IG_PARSE_MALFORMED;
	if (h->version != 6)
		return IG_PARSE_MALFORMED;
	c->pos = h + 1;
	*ip6h = h;
	nexthdr = h->nexthdr;
	payload = bpf_ntohs(h->payload_len);
	/* No extension header, as in most packets: no walk. */
	if (!ip6_is_ext(nexthdr)) {
		*l4len = payload;
		return nexthdr;
	}

	/* One more round than headers: the last one reads the upper layer. */
	for (i = 0; i < IG_MAX_EXT_HDRS + 1; i++) {
		/* A header that runs past the frame is a broken chain. */
		if (c->pos > end)
			return IG_PARSE_MALFORMED;
		switch (nexthdr) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			eh = c->pos;
			if ((void *)(eh + 1) > end)
				return IG_PARSE_MALFORMED;
			nexthdr = eh->nexthdr;
			used += (eh->hdrlen + 1) * 8;
			c->pos += (eh->hdrlen + 1) * 8;
			break;
		case IPPROTO_AH: /* RFC 4302: length in 4-byte units, minus 2 */
			eh = c->pos;
			if ((void *)(eh + 1) > end)
				return IG_PARSE_MALFORMED;
			nexthdr = eh->nexthdr;
			used += (eh->hdrlen + 2) * 4;
			c->pos += (eh->hdrlen + 2) * 4;
			break;
		case IPPROTO_FRAGMENT:
			fh = c->pos;
			/* The round that reads the upper layer reads no more. */
			if ((void *)(fh + 1) > end || i == IG_MAX_EXT_HDRS)
				return IG_PARSE_MALFORMED;
			nexthdr = fh->nexthdr;
			used += sizeof(*fh);
			c->pos = fh + 1;
			if (fh->frag_off & bpf_htons(IP6_OFFSET_MASK)) {
				*nonfirst =
					(bpf_ntohs(fh->frag_off) &
					 IP6_OFFSET_MASK) + payload >
							IG_IP_MAXPACKET +
								sizeof(*fh) ?
						IG_FRAG_PAST_MAX :
						IG_FRAG_NONFIRST;
				/*
				 * A chain past the payload is malformed here
				 * too; without a branch (frag_kind()): -1,
				 * IG_PARSE_MALFORMED, when payload < used.
				 */
				return nexthdr |
				       -(int)(((payload - used) >> 31) & 1);
			}
			break;
		default:
			if (used > payload)
				return IG_PARSE_MALFORMED;
			*l4len = payload - used;
			return nexthdr;
		}
	}
	return IG_PARSE_MALFORMED;
}

#define IG_PLAIN_MIN \
	(sizeof(struct ethhdr) + sizeof(struct iphdr) + IG_ICMP_HDR_LEN)

/* What parse_plain() found. */
enum {
	IG_PLAIN_NO = 0, /* another frame: the general parsers take it */
	IG_PLAIN_ICMP, /* ICMP of the frame's family */
	IG_PLAIN_OTHER, /* anything else over IP */
};

/* The longest options header a plain frame has (hop-by-hop with a
 * router alert, as MLD sends, is 8 bytes). */
#define IG_PLAIN_OPTS_MAX 32

/*
 * The IPv6 header ip6h (payload len bytes, whole in the first buffer)
 * followed by one hop-by-hop or destination options header of at most
 * IG_PLAIN_OPTS_MAX bytes, then ICMPv6 of at least a header: as the
 * general parser would find it (one round of its walk), at an offset the
 * options' length gives. Anything else (a chain, a longer header, another
 * protocol behind it, a header the payload does not hold) is left to the
 * general parser.
 */
static __always_inline int parse_plain_opts(struct cursor *c, void *end,
					    struct ipv6hdr *ip6h, __u32 len,
					    __u32 *l4len, __u64 *saddr)
{
	struct ip6_ext_hdr *eh = (void *)(ip6h + 1);
	__u32 opts;

	/* The caller checked an ICMP header's worth past the IPv6 header. */
	if (eh->nexthdr != IPPROTO_ICMPV6 ||
	    eh->hdrlen >= IG_PLAIN_OPTS_MAX / 8)
		return IG_PLAIN_NO;
	opts = (eh->hdrlen + 1) * 8;
	if (len < opts + IG_ICMP_HDR_LEN ||
	    (void *)eh + opts + IG_ICMP_HDR_LEN > end)
		return IG_PLAIN_NO;
	c->pos = (void *)eh + opts;
	*l4len = len - opts;
	__builtin_memcpy(saddr, &ip6h->saddr, 16);
	return IG_PLAIN_ICMP;
}

/*
 * parse_plain() with the IP header at a constant offset (off: 14, or 18
 * behind one tag), proto the EtherType in front of it. Constants, not one
 * offset in [14, 18]: the ICMP path after it costs about 1 ns less with
 * them, and the verifier's count was the same when it was measured
 * (511,816 against 520,436).
 */
static __always_inline int parse_plain_at(struct cursor *c, void *end,
					  __u64 first, const __u32 off,
					  __u16 proto, __u32 *l3_off,
					  __u32 *family, __u32 *l4len,
					  __u64 *saddr)
{
	struct ipv6hdr *ip6h = c->pos + off;
	struct iphdr *iph = c->pos + off;
	__u32 len;

	if ((void *)(iph + 1) + IG_ICMP_HDR_LEN > end)
		return IG_PLAIN_NO;
	*l3_off = off;
	if (proto == bpf_htons(ETH_P_IP)) {
		if (*(__u8 *)iph != 0x45 ||
		    iph->frag_off & bpf_htons(IP_OFFSET_MASK))
			return IG_PLAIN_NO;
		len = bpf_ntohs(iph->tot_len);
		if (len < sizeof(*iph) + IG_ICMP_HDR_LEN || off + len > first)
			return IG_PLAIN_NO;
		c->pos = iph + 1;
		*family = IG_FAM_V4;
		*l4len = len - sizeof(*iph);
		if (iph->protocol != IPPROTO_ICMP)
			return IG_PLAIN_OTHER;
		*(__u32 *)saddr = iph->saddr;
		return IG_PLAIN_ICMP;
	}
	if (proto != bpf_htons(ETH_P_IPV6) ||
	    (void *)(ip6h + 1) + IG_ICMP_HDR_LEN > end || ip6h->version != 6)
		return IG_PLAIN_NO;
	len = bpf_ntohs(ip6h->payload_len);
	if (len < IG_ICMP_HDR_LEN || off + sizeof(*ip6h) + len > first)
		return IG_PLAIN_NO;
	*family = IG_FAM_V6;
	/* ICMPv6 first, then what is not an extension header: the options
	 * header costs neither of them a test. */
	if (ip6h->nexthdr != IPPROTO_ICMPV6) {
		if (!ip6_is_ext(ip6h->nexthdr)) {
			c->pos = ip6h + 1;
			*l4len = len;
			return IG_PLAIN_OTHER;
		}
		if (ip6h->nexthdr == IPPROTO_HOPOPTS ||
		    ip6h->nexthdr == IPPROTO_DSTOPTS)
			return parse_plain_opts(c, end, ip6h, len, l4len,
						saddr);
		return IG_PLAIN_NO;
	}
	c->pos = ip6h + 1;
	*l4len = len;
	__builtin_memcpy(saddr, &ip6h->saddr, 16);
	return IG_PLAIN_ICMP;
}

/*
 * The frame most traffic is: Ethernet with no tag or one 802.1Q tag, then
 * IPv4 with a 20-byte header and no fragment offset, or IPv6 without an
 * extension header or, for ICMPv6, with one short options header
 * (parse_plain_opts()), the datagram whole in the first buffer (first bytes
 * long) and at least an ICMP header long. A bounds check and a few loads,
 * where the general parsers walk tags, options and chains; for such a
 * frame they find the same (tests/prog/parse.c, "the edges of the plain
 * frame"). On IG_PLAIN_ICMP and IG_PLAIN_OTHER the cursor is past the IP
 * header (and the options header) and *l3_off, *family and *l4len are
 * set; on IG_PLAIN_ICMP, saddr too. On IG_PLAIN_NO the cursor has not
 * moved.
 */
static __always_inline int parse_plain(struct cursor *c, void *end, __u64 first,
				       __u32 *l3_off, __u32 *family,
				       __u32 *l4len, __u64 *saddr)
{
	__u16 proto;

	/* Up to the inner EtherType, and no plain frame is shorter. */
	if (c->pos + IG_PLAIN_MIN > end)
		return IG_PLAIN_NO;
	proto = ((__be16 *)c->pos)[6];
	if (proto == bpf_htons(ETH_P_8021Q))
		return parse_plain_at(
			c, end, first,
			sizeof(struct ethhdr) + sizeof(struct vlan_hdr),
			((__be16 *)c->pos)[8], l3_off, family, l4len, saddr);
	return parse_plain_at(c, end, first, sizeof(struct ethhdr), proto,
			      l3_off, family, l4len, saddr);
}

/*
 * 0, read from a global: the verifier takes what a map holds for any
 * number, so an offset plus it is a number it cannot tell from another
 * (the program never writes it; neither does the controller).
 */
__u32 ig_opaque_zero = 0;

/* Past every header the parsers walk: 8 x 2 KiB of IPv6 options. */
#define IG_MAX_HDR_OFF 0x7fff

/*
 * An offset the parsers found, as the verifier will see it: any number up
 * to IG_MAX_HDR_OFF, the same for every path through the parsers. The
 * VLAN tags and each extension header chain leave the parsers with a
 * different constant offset, and the verifier walked the rest of the
 * program once for each (it nearly exhausted its million instructions);
 * blind, the paths meet as one state. What is read past this is read
 * through a bounds check of its own. The mask changes no offset the
 * parsers return: they stop within IG_MAX_HDR_OFF.
 */
static __always_inline __u32 layout_blind(__u32 off)
{
	return (off + ig_opaque_zero) & IG_MAX_HDR_OFF;
}

#endif /* IG_BPF_PARSE_H */
