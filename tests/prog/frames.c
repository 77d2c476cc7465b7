// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Builds the crafted frames of the prog tier from descriptors. */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <string.h>

#include "frames.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static size_t put_l2(const struct pkt_desc *d, uint8_t *p)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };
	size_t off = 12;
	int i;

	memcpy(p, macs, sizeof(macs));
	if (d->mac_bcast)
		memset(p, 0xff, 6);
	for (i = 0; i < 3 && d->vlan[i]; i++) {
		put16(p + off, d->vlan[i]);
		put16(p + off + 2, 100 + i); /* VLAN id */
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
	return hlen;
}

/* One extension header of kind `kind`, followed by `next`. */
static size_t put_ext(const struct pkt_desc *d, uint8_t *p, uint8_t kind,
		      uint8_t next)
{
	memset(p, 0, 16);
	p[0] = next;
	switch (kind) {
	case IPPROTO_FRAGMENT:
		put16(p + 2, (d->frag_offset << 3) | (d->more_frags ? 1 : 0));
		return 8;
	case IPPROTO_AH: /* 12 + 4 bytes of ICV: (16 / 4) - 2 = 2 */
		p[1] = 2;
		return 16;
	default: /* hop-by-hop, routing, destination options: 16 bytes */
		p[1] = 1;
		return 16;
	}
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
		hlen = put_ipv6(&inner, p, 1400);
		version = version ? version : 6;
	} else {
		hlen = put_ipv4(&inner, p, 1400);
		version = version ? version : 4;
	}
	p[0] = (uint8_t)(version << 4 | (p[0] & 0xf));
	if (d->q_sport || d->q_dport) {
		put16(p + hlen, d->q_sport);
		put16(p + hlen + 2, d->q_dport);
	}
}

size_t frame_build(const struct pkt_desc *d, uint8_t *buf)
{
	size_t l4_len = d->l4_len ? (size_t)d->l4_len :
			d->q_src  ? 8 + quote_len(d) + 8 :
				    40,
	       off, i;

	memset(buf, 0, FRAME_MAX);
	off = put_l2(d, buf);
	if (d->ethertype == ETH_P_IP)
		off += put_ipv4(d, buf + off, l4_len);
	else if (d->ethertype == ETH_P_IPV6)
		off += put_ipv6(d, buf + off, l4_len);
	else
		l4_len = 46; /* ARP or anything else: opaque bytes */

	buf[off] = d->type;
	buf[off + 1] = d->code;
	for (i = 4; i < l4_len; i++)
		buf[off + i] = (uint8_t)i;
	if (d->mtu && d->ethertype == ETH_P_IPV6) {
		put16(buf + off + 4, d->mtu >> 16);
		put16(buf + off + 6, d->mtu & 0xffff);
	} else if (d->mtu) {
		put16(buf + off + 4, 0);
		put16(buf + off + 6, d->mtu);
	}
	/* Built whole, then cut to l4_len: a short quote is a cut one. */
	if (d->q_src && off + 8 + quote_len(d) <= FRAME_MAX)
		put_quote(d, buf + off + 8);
	off += l4_len;
	if (d->cut > 0 && (size_t)d->cut < off)
		off = d->cut;
	return off;
}
