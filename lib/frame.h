/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The one frame builder of the prog tier and the tools: a descriptor says
 * what the packet looks like (tags, IP version, options, extension
 * headers, fragments, ICMP type/code, an error's quote or an NDP target,
 * size, truncation) and frame_build() writes the bytes, every checksum right,
 * so that a receiving kernel without a filter accepts the packet too (a
 * bad IPv4 header checksum would be dropped by ip_rcv before any
 * netfilter hook, and flatter nftables). frame_set_source() rewrites an
 * ICMP frame's source with the one checksum that covers it, for the
 * traffic generator's many sources.
 */
#ifndef IG_LIB_FRAME_H
#define IG_LIB_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX 4096
#define MAX_EXT 10
#define FRAME_ETH_LEN 14
#define FRAME_VLAN_LEN 4
#define FRAME_ECHO_ID 0x4947 /* "IG": tells our echo requests apart */

struct pkt_desc {
	uint16_t vlan[3]; /* TPIDs of the tags, outermost first; 0 = none */
	bool vlan_id_set; /* every tag carries vlan_id; else 100, 101, ... */
	uint16_t vlan_id;
	uint16_t ethertype; /* ETH_P_IP, ETH_P_IPV6, ETH_P_ARP, ... */
	const uint8_t *dst_mac; /* NULL: 02:00:00:00:00:01 */
	const uint8_t *src_mac; /* NULL: 02:00:00:00:00:02 */
	bool mac_bcast; /* destination MAC ff:ff:ff:ff:ff:ff */
	const char *src; /* source address; NULL: 192.0.2.1 / 2001:db8::1 */
	const char *dst; /* NULL: 198.51.100.1 / 2001:db8::2 */
	uint8_t ihl; /* IPv4 header length in words; 0: 5 */
	uint8_t proto; /* IPv4 protocol / IPv6 upper-layer next header */
	uint8_t n_ext; /* IPv6 extension headers, in order */
	uint8_t ext[MAX_EXT];
	/* hop-by-hop, routing and destination options headers: their length
	 * in 8-byte units (1 to 256); 0: 2, 16 bytes */
	uint16_t ext_units;
	uint16_t frag_offset; /* in 8-byte units, IPv4 or IPv6 fragment hdr */
	bool more_frags;
	uint8_t hop_limit; /* TTL / hop limit; 0: 64 / 255 */
	uint8_t type;
	uint8_t code;
	uint16_t icmp_id; /* ICMP bytes 4-5 (an echo's id); 0: the pattern */
	uint32_t mtu; /* frag-needed / packet-too-big MTU field */
	/*
	 * An ICMP error's quote: the IP header of a TCP packet from q_src to
	 * q_dst (of the outer family), then 8 bytes of TCP header. NULL: none.
	 */
	const char *q_src;
	const char *q_dst;
	uint8_t q_version; /* 0: the family's own */
	uint16_t q_sport, q_dport; /* the quoted TCP ports; 0: a pattern */
	uint16_t q_len; /* the quoted packet's length; 0: IP header + 1400 */
	/* An NDP message's target (bytes 8-23, RFC 4861 4.3); NULL: none. */
	const char *nd_target;
	/* bytes after the IP headers; 0: from size, or 8 + 32, or the quote's */
	int l4_len;
	size_t size; /* > 0: the whole frame, padded (l4_len 0) */
	int cut; /* > 0: cut the frame to this many bytes */
	int ip_len_delta; /* added to tot_len / payload_len */
};

/* Where a source rewrite lands, and the one checksum it changes. */
struct frame_layout {
	size_t l3_off;
	size_t src_off; /* source address */
	size_t addr_len; /* 4 or 16 */
	size_t csum_off; /* IPv4: header checksum; IPv6: L4 checksum */
};

/* Ethernet and IP headers, extension headers included. */
size_t frame_headers_len(const struct pkt_desc *d);

/* The smallest frame that holds every header of d, L4 header included. */
size_t frame_min_size(const struct pkt_desc *d);

/*
 * Writes the frame of d into buf (cap bytes); returns its length, or
 * -EINVAL if d->size cannot hold the headers or the frame does not fit.
 */
int frame_build(const struct pkt_desc *d, uint8_t *buf, size_t cap);

void frame_layout_of(const struct pkt_desc *d, struct frame_layout *l);

/*
 * The ICMP frame with its source replaced by src: writes the address and
 * updates the one checksum that covers it (for IPv4 the header checksum;
 * ICMPv4 has no pseudo-header, so its checksum stays). Not for UDP or
 * TCP over IPv4, whose checksums would need updating too.
 */
void frame_set_source(uint8_t *frame, const struct frame_layout *l,
		      const uint8_t *src);

#endif /* IG_LIB_FRAME_H */
