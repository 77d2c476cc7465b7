/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Crafted frames for the prog tier: a descriptor says what the packet
 * looks like (tags, IP version, options, extension headers, fragments,
 * ICMP type/code, truncation) and frame_build() writes the bytes.
 */
#ifndef IG_TEST_FRAMES_H
#define IG_TEST_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX 2048
#define MAX_EXT 10

struct pkt_desc {
	uint16_t vlan[3]; /* TPIDs of the tags, outermost first; 0 = none */
	uint16_t ethertype; /* ETH_P_IP, ETH_P_IPV6, ETH_P_ARP, ... */
	const char *src; /* source address; NULL: 192.0.2.1 / 2001:db8::1 */
	uint8_t ihl; /* IPv4 header length in words; 0: 5 */
	uint8_t proto; /* IPv4 protocol / IPv6 upper-layer next header */
	uint8_t n_ext; /* IPv6 extension headers, in order */
	uint8_t ext[MAX_EXT];
	uint16_t frag_offset; /* in 8-byte units, IPv4 or IPv6 fragment hdr */
	bool more_frags;
	uint8_t type;
	uint8_t code;
	int l4_len; /* bytes after the IP headers; 0: 8 + 32, or 8 + quote + 8 */
	int cut; /* > 0: cut the frame to this many bytes */
	int ip_len_delta; /* added to tot_len / payload_len */
	const char *dst; /* NULL: 198.51.100.1 / 2001:db8::2 */
	uint8_t hop_limit; /* TTL / hop limit; 0: 64 / 255 */
	bool mac_bcast; /* destination MAC ff:ff:ff:ff:ff:ff */
	uint32_t mtu; /* frag-needed / packet-too-big MTU field */
	/*
	 * An ICMP error's quote: the IP header of a TCP packet from q_src to
	 * q_dst (of the outer family), then 8 bytes of TCP header. NULL: none.
	 */
	const char *q_src;
	const char *q_dst;
	uint8_t q_version; /* 0: the family's own */
	uint16_t q_sport, q_dport; /* the quoted TCP ports; 0: a pattern */
};

/* Writes the frame into buf (FRAME_MAX bytes); returns its length. */
size_t frame_build(const struct pkt_desc *d, uint8_t *buf);

#endif /* IG_TEST_FRAMES_H */
