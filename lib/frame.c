// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Builds frames from descriptors (frame.h) for the prog tier and the tools. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <string.h>

#include "frame.h"

#define IP4_LEN 20
#define IP6_LEN 40
#define ICMP_LEN 8
#define UDP_LEN 8
#define TCP_LEN 20

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* RFC 1071 sum of 16-bit big-endian words, not yet folded. */
static uint32_t csum_add(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static size_t n_tags(const struct pkt_desc *d)
{
	size_t n = 0;

	while (n < 3 && d->vlan[n])
		n++;
	return n;
}

static size_t ext_len(const struct pkt_desc *d, uint8_t kind)
{
	if (kind == IPPROTO_FRAGMENT)
		return 8;
	if (kind == IPPROTO_AH)
		return 16;
	return d->ext_units ? d->ext_units * 8u : 16;
}

static size_t l4_hdr_len(uint8_t proto)
{
	return proto == IPPROTO_TCP ? TCP_LEN :
	       proto == IPPROTO_UDP ? UDP_LEN :
				      ICMP_LEN;
}

size_t frame_headers_len(const struct pkt_desc *d)
{
	size_t n = FRAME_ETH_LEN + n_tags(d) * FRAME_VLAN_LEN;
	int i;

	if (d->ethertype == ETH_P_IPV6) {
		n += IP6_LEN;
		for (i = 0; i < d->n_ext && i < MAX_EXT; i++)
			n += ext_len(d, d->ext[i]);
	} else if (d->ethertype == ETH_P_IP) {
		n += d->ihl > 5 ? d->ihl * 4u : IP4_LEN;
	}
	return n;
}

size_t frame_min_size(const struct pkt_desc *d)
{
	return frame_headers_len(d) + l4_hdr_len(d->proto);
}

static size_t put_l2(const struct pkt_desc *d, uint8_t *p)
{
	static const uint8_t dst_mac[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t src_mac[6] = { 2, 0, 0, 0, 0, 2 };
	size_t off = 12;
	int i;

	memcpy(p, d->dst_mac ? d->dst_mac : dst_mac, 6);
	memcpy(p + 6, d->src_mac ? d->src_mac : src_mac, 6);
	if (d->mac_bcast)
		memset(p, 0xff, 6);
	for (i = 0; i < 3 && d->vlan[i]; i++) {
		put16(p + off, d->vlan[i]);
		put16(p + off + 2, d->vlan_id_set ? d->vlan_id & 0x0fff :
						    100 + i); /* VLAN id */
		off += 4;
	}
	put16(p + off, d->ethertype);
	return off + 2;
}

static size_t put_ipv4(const struct pkt_desc *d, uint8_t *p, size_t l4_len)
{
	uint8_t ihl = d->ihl ? d->ihl : 5;
	/* Options, if any, are NOPs; a bad ihl still gets 20 real bytes. */
	size_t hlen = ihl >= 5 ? ihl * 4u : 20;
	uint16_t frag = d->frag_offset | (d->more_frags ? 0x2000 : 0);
	struct in_addr a;

	memset(p, 1, hlen); /* IPOPT_NOOP */
	p[0] = 0x40 | (ihl & 0xf);
	p[1] = 0;
	put16(p + 2, hlen + l4_len + d->ip_len_delta);
	put16(p + 4, 0x1234);
	put16(p + 6, frag);
	p[8] = d->hop_limit ? d->hop_limit : 64;
	p[9] = d->proto;
	put16(p + 10, 0);
	inet_pton(AF_INET, d->src ? d->src : "192.0.2.1", &a);
	memcpy(p + 12, &a, 4);
	inet_pton(AF_INET, d->dst ? d->dst : "198.51.100.1", &a);
	memcpy(p + 16, &a, 4);
	put16(p + 10, csum_fold(csum_add(p, hlen, 0)));
	return hlen;
}

/* One extension header of kind `kind`, followed by `next`. */
static size_t put_ext(const struct pkt_desc *d, uint8_t *p, uint8_t kind,
		      uint8_t next)
{
	size_t len = ext_len(d, kind);

	memset(p, 0, len); /* options: Pad1 */
	p[0] = next;
	switch (kind) {
	case IPPROTO_FRAGMENT:
		put16(p + 2, (d->frag_offset << 3) | (d->more_frags ? 1 : 0));
		break;
	case IPPROTO_AH: /* 12 + 4 bytes of ICV: (16 / 4) - 2 = 2 */
		p[1] = 2;
		break;
	default: /* hop-by-hop, routing, destination options */
		p[1] = len / 8 - 1;
		break;
	}
	return len;
}

static size_t put_ipv6(const struct pkt_desc *d, uint8_t *p, size_t l4_len)
{
	size_t off = 40;
	uint8_t next;
	int i;

	memset(p, 0, 40);
	p[0] = 0x60;
	for (i = 0; i < d->n_ext; i++) {
		next = i + 1 < d->n_ext ? d->ext[i + 1] : d->proto;
		off += put_ext(d, p + off, d->ext[i], next);
	}
	put16(p + 4, off - 40 + l4_len + d->ip_len_delta);
	p[6] = d->n_ext ? d->ext[0] : d->proto;
	p[7] = d->hop_limit ? d->hop_limit : 255;
	inet_pton(AF_INET6, d->src ? d->src : "2001:db8::1", p + 8);
	inet_pton(AF_INET6, d->dst ? d->dst : "2001:db8::2", p + 24);
	return off;
}

/* The quoted packet of an ICMP error: IP header and 8 bytes of TCP. */
static size_t quote_len(const struct pkt_desc *d)
{
	return (d->ethertype == ETH_P_IPV6 ? 40 : 20) + 8;
}

static void put_quote(const struct pkt_desc *d, uint8_t *p)
{
	struct pkt_desc inner = {
		.ethertype = d->ethertype,
		.proto = IPPROTO_TCP,
		.src = d->q_src,
		.dst = d->q_dst,
	};
	uint8_t version = d->q_version;

	size_t hlen;

	if (d->ethertype == ETH_P_IPV6) {
		hlen = put_ipv6(&inner, p, d->q_len ? d->q_len - 40 : 1400);
		version = version ? version : 6;
	} else {
		hlen = put_ipv4(&inner, p, d->q_len ? d->q_len - 20 : 1400);
		version = version ? version : 4;
	}
	p[0] = (uint8_t)(version << 4 | (p[0] & 0xf));
	if (d->q_sport || d->q_dport) {
		put16(p + hlen, d->q_sport);
		put16(p + hlen + 2, d->q_dport);
	}
}

/* UDP and TCP get real ports; ICMP its type, code, id, MTU and quote. */
static void put_l4(const struct pkt_desc *d, uint8_t *p, size_t l4_len)
{
	size_t i;

	for (i = 4; i < l4_len; i++)
		p[i] = (uint8_t)i; /* a recognisable payload */
	if (d->proto == IPPROTO_UDP || d->proto == IPPROTO_TCP) {
		memset(p, 0, d->proto == IPPROTO_UDP ? UDP_LEN : TCP_LEN);
		put16(p, 40000);
		put16(p + 2, 9); /* discard */
		if (d->proto == IPPROTO_UDP) {
			put16(p + 4, l4_len);
		} else {
			p[12] = (TCP_LEN / 4) << 4;
			p[13] = 0x10; /* ACK */
			put16(p + 14, 65535);
		}
		return;
	}
	p[0] = d->type;
	p[1] = d->code;
	if (d->icmp_id) {
		put16(p + 4, d->icmp_id);
		put16(p + 6, 0);
	}
	if (d->mtu && d->ethertype == ETH_P_IPV6) {
		put16(p + 4, d->mtu >> 16);
		put16(p + 6, d->mtu & 0xffff);
	} else if (d->mtu) {
		put16(p + 4, 0);
		put16(p + 6, d->mtu);
	}
	/* Built whole, then cut to l4_len: a short quote is a cut one. */
	if (d->q_src)
		put_quote(d, p + 8);
	if (d->nd_target) {
		memset(p + 4, 0, 4); /* reserved */
		inet_pton(AF_INET6, d->nd_target, p + 8);
	}
}

/* The L4 checksum; every one but ICMPv4's covers a pseudo-header. */
static void put_l4_csum(const struct pkt_desc *d, uint8_t *l3, uint8_t *p,
			size_t l4_len)
{
	size_t off = d->proto == IPPROTO_TCP ? 16 :
		     d->proto == IPPROTO_UDP ? 6 :
					       2;
	uint32_t sum = 0;
	uint16_t csum;

	if (off + 2 > l4_len)
		return;
	put16(p + off, 0);
	if (d->ethertype == ETH_P_IPV6) {
		sum = csum_add(l3 + 8, 32, sum);
		sum += l4_len + d->proto;
	} else if (d->proto != IPPROTO_ICMP) {
		sum = csum_add(l3 + 12, 8, sum);
		sum += l4_len + d->proto;
	}
	csum = csum_fold(csum_add(p, l4_len, sum));
	if (d->proto == IPPROTO_UDP && !csum)
		csum = 0xffff; /* zero means "no checksum" (RFC 768) */
	put16(p + off, csum);
}

int frame_build(const struct pkt_desc *d, uint8_t *buf, size_t cap)
{
	uint8_t f[FRAME_MAX + 64] = { 0 };
	size_t hdrs = frame_headers_len(d), l4_len, l3, off;

	if (d->l4_len)
		l4_len = (size_t)d->l4_len;
	else if (d->size && d->size < frame_min_size(d))
		return -EINVAL;
	else if (d->size)
		l4_len = d->size - hdrs;
	else
		l4_len = d->q_src ? 8 + quote_len(d) + 8 : 40;
	if (d->ethertype != ETH_P_IP && d->ethertype != ETH_P_IPV6)
		l4_len = 46; /* ARP or anything else: opaque bytes */
	if (hdrs + l4_len > FRAME_MAX || hdrs + 8 + quote_len(d) > FRAME_MAX)
		return -EINVAL;

	l3 = put_l2(d, f);
	off = l3;
	if (d->ethertype == ETH_P_IP)
		off += put_ipv4(d, f + off, l4_len);
	else if (d->ethertype == ETH_P_IPV6)
		off += put_ipv6(d, f + off, l4_len);
	put_l4(d, f + off, l4_len);
	if (off != l3)
		put_l4_csum(d, f + l3, f + off, l4_len);
	off += l4_len;
	if (d->cut > 0 && (size_t)d->cut < off)
		off = d->cut;
	if (off > cap)
		return -EINVAL;
	memcpy(buf, f, off);
	return (int)off;
}

void frame_layout_of(const struct pkt_desc *d, struct frame_layout *l)
{
	size_t l3 = FRAME_ETH_LEN + n_tags(d) * FRAME_VLAN_LEN;
	size_t l4 = frame_headers_len(d);

	l->l3_off = l3;
	if (d->ethertype == ETH_P_IPV6) {
		l->src_off = l3 + 8;
		l->addr_len = 16;
		l->csum_off = l4 + (d->proto == IPPROTO_TCP ? 16 :
				    d->proto == IPPROTO_UDP ? 6 :
							      2);
	} else {
		l->src_off = l3 + 12;
		l->addr_len = 4;
		l->csum_off = l3 + 10;
	}
}

/*
 * The checksum after `len` bytes covered by it change from `from` to `to`
 * (RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m')). len is even.
 */
static uint16_t csum_replace(uint16_t csum, const uint8_t *from,
			     const uint8_t *to, size_t len)
{
	uint32_t sum = (uint16_t)~csum;
	size_t i;

	for (i = 0; i < len; i += 2) {
		sum += (uint16_t) ~((uint32_t)from[i] << 8 | from[i + 1]);
		sum += (uint32_t)to[i] << 8 | to[i + 1];
	}
	return csum_fold(sum);
}

void frame_set_source(uint8_t *frame, const struct frame_layout *l,
		      const uint8_t *src)
{
	uint16_t csum =
		(uint16_t)(frame[l->csum_off] << 8 | frame[l->csum_off + 1]);

	csum = csum_replace(csum, frame + l->src_off, src, l->addr_len);
	memcpy(frame + l->src_off, src, l->addr_len);
	put16(frame + l->csum_off, csum);
}
