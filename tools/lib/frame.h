/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Frame templates for the traffic generator and the benchmarks: Ethernet
 * with an optional 802.1Q tag, IPv4 or IPv6 (optionally behind one
 * destination-options header), then ICMP, ICMPv6, UDP or TCP, padded to
 * an exact frame size, with every checksum right, so that a receiving
 * kernel without a filter accepts the packet (a bad IPv4 header checksum
 * would be dropped by ip_rcv before any netfilter hook, and flatter
 * nftables). Header-only: each tool is built from its own .c file.
 */
#ifndef IG_TOOLS_FRAME_H
#define IG_TOOLS_FRAME_H

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define FRAME_ETH_LEN 14
#define FRAME_VLAN_LEN 4
#define FRAME_IP4_LEN 20
#define FRAME_IP6_LEN 40
#define FRAME_EXT_LEN 8 /* one destination-options header, PadN only */
#define FRAME_ICMP_LEN 8
#define FRAME_UDP_LEN 8
#define FRAME_TCP_LEN 20
#define FRAME_ECHO_ID 0x4947 /* "IG": tells our echo requests apart */

struct frame_spec {
	int family; /* AF_INET or AF_INET6 */
	uint8_t proto; /* IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_UDP, _TCP */
	uint8_t type; /* ICMP type and code */
	uint8_t code;
	bool vlan; /* one 802.1Q tag */
	uint16_t vlan_id; /* 0-4095 */
	bool ext_hdr; /* IPv6: a destination-options header before L4 */
	uint8_t dst_mac[6];
	uint8_t src_mac[6];
	uint8_t src[16]; /* network order; IPv4 in the first 4 bytes */
	uint8_t dst[16];
	size_t size; /* whole frame, Ethernet header on, without FCS */
};

/* Where a source rewrite lands, and the one checksum it changes. */
struct frame_layout {
	size_t l3_off;
	size_t src_off; /* source address */
	size_t addr_len; /* 4 or 16 */
	size_t csum_off; /* IPv4: header checksum; IPv6: L4 checksum */
};

static inline size_t frame_l4_hdr_len(uint8_t proto)
{
	if (proto == IPPROTO_TCP)
		return FRAME_TCP_LEN;
	if (proto == IPPROTO_UDP)
		return FRAME_UDP_LEN;
	return FRAME_ICMP_LEN;
}

/* The smallest frame that holds every header of the spec. */
static inline size_t frame_min_size(const struct frame_spec *s)
{
	size_t n = FRAME_ETH_LEN + (s->vlan ? FRAME_VLAN_LEN : 0);

	if (s->family == AF_INET6)
		n += FRAME_IP6_LEN + (s->ext_hdr ? FRAME_EXT_LEN : 0);
	else
		n += FRAME_IP4_LEN;
	return n + frame_l4_hdr_len(s->proto);
}

static inline void frame_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* RFC 1071 sum of 16-bit big-endian words, not yet folded. */
static inline uint32_t frame_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static inline uint16_t frame_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * The checksum after `len` bytes covered by it change from `from` to `to`
 * (RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m')). len is even.
 */
static inline uint16_t frame_csum_replace(uint16_t csum, const uint8_t *from,
					  const uint8_t *to, size_t len)
{
	uint32_t sum = (uint16_t)~csum;
	size_t i;

	for (i = 0; i < len; i += 2) {
		sum += (uint16_t) ~((uint32_t)from[i] << 8 | from[i + 1]);
		sum += (uint32_t)to[i] << 8 | to[i + 1];
	}
	return frame_fold(sum);
}

static inline void frame_layout_of(const struct frame_spec *s,
				   struct frame_layout *l)
{
	size_t l3 = FRAME_ETH_LEN + (s->vlan ? FRAME_VLAN_LEN : 0);

	l->l3_off = l3;
	if (s->family == AF_INET6) {
		size_t l4 =
			l3 + FRAME_IP6_LEN + (s->ext_hdr ? FRAME_EXT_LEN : 0);

		l->src_off = l3 + 8;
		l->addr_len = 16;
		l->csum_off = l4 + (s->proto == IPPROTO_TCP ? 16 :
				    s->proto == IPPROTO_UDP ? 6 :
							      2);
	} else {
		l->src_off = l3 + 12;
		l->addr_len = 4;
		l->csum_off = l3 + 10;
	}
}

/* The L4 header: ICMP echo carries an id and a sequence number. */
static inline void frame_put_l4(const struct frame_spec *s, uint8_t *p,
				size_t len)
{
	if (s->proto == IPPROTO_UDP) {
		frame_put16(p, 40000);
		frame_put16(p + 2, 9); /* discard */
		frame_put16(p + 4, len);
	} else if (s->proto == IPPROTO_TCP) {
		frame_put16(p, 40000);
		frame_put16(p + 2, 9);
		p[12] = (FRAME_TCP_LEN / 4) << 4;
		p[13] = 0x10; /* ACK */
		frame_put16(p + 14, 65535);
	} else {
		p[0] = s->type;
		p[1] = s->code;
		frame_put16(p + 4, FRAME_ECHO_ID);
	}
}

/*
 * Writes the frame of spec into buf (cap bytes); returns its length, or
 * -EINVAL if s->size cannot hold the headers or does not fit.
 */
static inline int frame_build(const struct frame_spec *s, uint8_t *buf,
			      size_t cap)
{
	size_t l3, l4, l4_len, off, i;
	uint16_t csum;
	uint32_t sum;
	uint8_t *p;

	if (s->size < frame_min_size(s) || s->size > cap || s->size > 65535)
		return -EINVAL;
	memset(buf, 0, s->size);
	memcpy(buf, s->dst_mac, 6);
	memcpy(buf + 6, s->src_mac, 6);
	off = 12;
	if (s->vlan) {
		frame_put16(buf + off, ETH_P_8021Q);
		frame_put16(buf + off + 2, s->vlan_id & 0x0fff);
		off += FRAME_VLAN_LEN;
	}
	frame_put16(buf + off, s->family == AF_INET6 ? ETH_P_IPV6 : ETH_P_IP);
	l3 = off + 2;

	if (s->family == AF_INET6) {
		l4 = l3 + FRAME_IP6_LEN + (s->ext_hdr ? FRAME_EXT_LEN : 0);
		l4_len = s->size - l4;
		p = buf + l3;
		p[0] = 0x60;
		frame_put16(p + 4, s->size - l3 - FRAME_IP6_LEN);
		p[6] = s->ext_hdr ? IPPROTO_DSTOPTS : s->proto;
		p[7] = 64;
		memcpy(p + 8, s->src, 16);
		memcpy(p + 24, s->dst, 16);
		if (s->ext_hdr) {
			p += FRAME_IP6_LEN;
			p[0] = s->proto;
			p[1] = 0; /* (0 + 1) * 8 bytes */
			p[2] = 1; /* PadN (RFC 8200 4.2), 4 bytes of zeros */
			p[3] = 4;
		}
	} else {
		l4 = l3 + FRAME_IP4_LEN;
		l4_len = s->size - l4;
		p = buf + l3;
		p[0] = 0x45;
		frame_put16(p + 2, s->size - l3);
		p[8] = 64;
		p[9] = s->proto;
		memcpy(p + 12, s->src, 4);
		memcpy(p + 16, s->dst, 4);
		frame_put16(p + 10, frame_fold(frame_sum(p, FRAME_IP4_LEN, 0)));
	}

	frame_put_l4(s, buf + l4, l4_len);
	for (i = l4 + frame_l4_hdr_len(s->proto); i < s->size; i++)
		buf[i] = (uint8_t)i; /* a recognisable payload */

	/* The L4 checksum; every one but ICMPv4's covers a pseudo-header. */
	sum = 0;
	if (s->family == AF_INET6) {
		sum = frame_sum(s->src, 16, sum);
		sum = frame_sum(s->dst, 16, sum);
		sum += l4_len + s->proto;
	} else if (s->proto != IPPROTO_ICMP) {
		sum = frame_sum(s->src, 4, sum);
		sum = frame_sum(s->dst, 4, sum);
		sum += l4_len + s->proto;
	}
	sum = frame_sum(buf + l4, l4_len, sum);
	off = l4 + (s->proto == IPPROTO_TCP ? 16 :
		    s->proto == IPPROTO_UDP ? 6 :
					      2);
	csum = frame_fold(sum);
	if (s->proto == IPPROTO_UDP && !csum)
		csum = 0xffff; /* zero means "no checksum" (RFC 768) */
	frame_put16(buf + off, csum);
	return (int)s->size;
}

/*
 * The ICMP frame with its source replaced by src: writes the address and
 * updates the one checksum that covers it (for IPv4 the header checksum;
 * ICMPv4 has no pseudo-header, so its checksum stays). Not for IPv4 UDP or
 * TCP, whose checksums would need updating too.
 */
static inline void frame_set_source(uint8_t *frame,
				    const struct frame_layout *l,
				    const uint8_t *src)
{
	uint16_t csum =
		(uint16_t)(frame[l->csum_off] << 8 | frame[l->csum_off + 1]);

	csum = frame_csum_replace(csum, frame + l->src_off, src, l->addr_len);
	memcpy(frame + l->src_off, src, l->addr_len);
	frame_put16(frame + l->csum_off, csum);
}

#endif /* IG_TOOLS_FRAME_H */
