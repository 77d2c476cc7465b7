// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The capture reader of policy replay (replay.h): libpcap's offline API,
 * and every link type it accepts turned into an Ethernet frame. Apart
 * from replay.c: libpcap's headers and libbpf's both define bpf_insn.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <pcap/pcap.h>

#include "log.h"
#include "replay.h"

#define NS_PER_S 1000000000ull

static const uint8_t mac_ours[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t mac_other[6] = { 0x02, 0, 0, 0, 0, 0x03 };
static const uint8_t mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mac_mcast[6] = { 0x01, 0x00, 0x5e, 0, 0, 0x01 };

/* An Ethernet header in out, then len bytes of payload; the frame length. */
static int ether_wrap(uint8_t *out, size_t size, const uint8_t *dst,
		      const uint8_t *src, uint16_t proto,
		      const uint8_t *payload, size_t len)
{
	size_t n = len + ETH_HLEN <= size ? len : size - ETH_HLEN;

	memcpy(out, dst, ETH_ALEN);
	if (src)
		memcpy(out + ETH_ALEN, src, ETH_ALEN);
	else
		memset(out + ETH_ALEN, 0, ETH_ALEN);
	out[12] = proto >> 8;
	out[13] = proto & 0xff;
	memmove(out + ETH_HLEN, payload, n);
	return (int)(n + ETH_HLEN);
}

/* The destination MAC a cooked capture's packet type stands for. */
static const uint8_t *cooked_dst(unsigned pkttype)
{
	switch (pkttype) {
	case PACKET_BROADCAST:
		return mac_bcast;
	case PACKET_MULTICAST:
		return mac_mcast;
	case PACKET_OTHERHOST:
		return mac_other;
	default:
		return mac_ours;
	}
}

/*
 * Linux cooked: SLL is type(2) hatype(2) halen(2) addr(8) protocol(2);
 * SLL2 is protocol(2) reserved(2) ifindex(4) hatype(2) type(1) halen(1)
 * addr(8).
 */
static int cooked_to_ether(bool v2, const uint8_t *in, size_t len, uint8_t *out,
			   size_t size)
{
	size_t hlen = v2 ? 20 : 16;
	unsigned pkttype, halen;
	const uint8_t *addr;
	uint16_t proto;

	if (len < hlen)
		return -EINVAL;
	pkttype = v2 ? in[10] : ig_be16(in);
	halen = v2 ? in[11] : ig_be16(in + 4);
	addr = v2 ? in + 12 : in + 6;
	proto = v2 ? ig_be16(in) : ig_be16(in + 14);
	if (pkttype == PACKET_OUTGOING)
		return IG_FRAME_OUTGOING;
	return ether_wrap(out, size, cooked_dst(pkttype),
			  halen == ETH_ALEN ? addr : NULL, proto, in + hlen,
			  len - hlen);
}

bool ig_dlt_supported(int dlt)
{
	switch (dlt) {
	case IG_DLT_EN10MB:
	case IG_DLT_RAW:
	case IG_DLT_RAW_OPENBSD:
	case IG_DLT_RAW_LINUX:
	case IG_DLT_IPV4:
	case IG_DLT_IPV6:
	case IG_DLT_LINUX_SLL:
	case IG_DLT_LINUX_SLL2:
		return true;
	default:
		return false;
	}
}

int ig_frame_to_ether(int dlt, const uint8_t *in, size_t len, uint8_t *out,
		      size_t size)
{
	uint16_t proto;

	switch (dlt) {
	case IG_DLT_EN10MB:
		if (len > size)
			len = size;
		memmove(out, in, len);
		return (int)len;
	case IG_DLT_LINUX_SLL:
	case IG_DLT_LINUX_SLL2:
		return cooked_to_ether(dlt == IG_DLT_LINUX_SLL2, in, len, out,
				       size);
	default:
		if (!ig_dlt_supported(dlt))
			return -EPROTONOSUPPORT;
		/* Raw IP: */
		if (!len)
			return -EINVAL;
		/* The version decides; the program judges anything else
		 * as not IP, as it would on the wire. */
		proto = (in[0] >> 4) == 4 ? ETH_P_IP :
			(in[0] >> 4) == 6 ? ETH_P_IPV6 :
					    0;
		return ether_wrap(out, size, mac_ours, NULL, proto, in, len);
	}
}

int ig_pcap_reader_open(const char *cmd, const char *path,
			struct ig_pcap_reader *r)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	const char *name;
	pcap_t *pc;

	memset(r, 0, offsetof(struct ig_pcap_reader, buf));
	/* Nanoseconds, from captures that have them: limits act on them. */
	pc = pcap_open_offline_with_tstamp_precision(
		path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!pc) {
		/* libpcap names the file when it could not open it. */
		if (strstr(errbuf, path))
			pr_err("%s: cannot read the capture: %s", cmd, errbuf);
		else
			pr_err("%s: %s: not a capture libpcap can read: %s",
			       cmd, strcmp(path, "-") ? path : "<stdin>",
			       errbuf);
		return -EINVAL;
	}
	r->dlt = pcap_datalink(pc);
	if (!ig_dlt_supported(r->dlt)) {
		name = pcap_datalink_val_to_name(r->dlt);
		pr_err("%s: %s: link type %d (%s) is not supported: replay "
		       "reads Ethernet, raw IP and Linux cooked (SLL, SLL2) "
		       "captures",
		       cmd, strcmp(path, "-") ? path : "<stdin>", r->dlt,
		       name ? name : "unknown");
		pcap_close(pc);
		return -EPROTONOSUPPORT;
	}
	r->pcap = pc;
	return 0;
}

int ig_pcap_reader_next(const char *cmd, struct ig_pcap_reader *r,
			const uint8_t **frame, size_t *len, uint64_t *ts_ns)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc, n;

	for (;;) {
		rc = pcap_next_ex(r->pcap, &h, &data);
		if (rc == PCAP_ERROR_BREAK)
			return 0;
		if (rc != 1) {
			pr_err("%s: record %llu of the capture: %s", cmd,
			       (unsigned long long)r->records + 1,
			       pcap_geterr(r->pcap));
			return -EINVAL;
		}
		r->records++;
		n = ig_frame_to_ether(r->dlt, data, h->caplen, r->buf,
				      IG_REPLAY_FRAME_MAX);
		if (n == IG_FRAME_OUTGOING) {
			r->outgoing++;
			continue;
		}
		if (n < 0) {
			pr_err("%s: record %llu of the capture: %u bytes, "
			       "shorter than its link-layer header",
			       cmd, (unsigned long long)r->records, h->caplen);
			return -EINVAL;
		}
		if (h->caplen < h->len || (size_t)n == IG_REPLAY_FRAME_MAX)
			r->truncated++;
		*frame = r->buf;
		*len = (size_t)n;
		/* tv_usec holds nanoseconds at PCAP_TSTAMP_PRECISION_NANO. */
		*ts_ns = (uint64_t)h->ts.tv_sec * NS_PER_S +
			 (uint64_t)h->ts.tv_usec;
		return 1;
	}
}

void ig_pcap_reader_close(struct ig_pcap_reader *r)
{
	if (r->pcap)
		pcap_close(r->pcap);
	r->pcap = NULL;
}
