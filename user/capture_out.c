// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Where captured packets go (capture.h): a pcap file through libpcap's
 * dump API (stdout for "-", flushed a packet at a time so that a pipe
 * into `tcpdump -r -` flows), or one line a packet. Apart from capture.c:
 * libpcap's headers and libbpf's both define bpf_insn.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/if_ether.h>
#include <pcap/pcap.h>

#include "capture.h"
#include "names.h"
#include "reasons.h"

struct ig_sink {
	pcap_t *dead;
	pcap_dumper_t *dumper;
	bool to_stdout;
	uint32_t snaplen;
};

int ig_sink_open(struct ig_sink **out, const char *file, uint32_t snaplen)
{
	struct ig_sink *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->snaplen = snaplen;
	if (file) {
		s->dead = pcap_open_dead(DLT_EN10MB, (int)snaplen);
		if (!s->dead) {
			free(s);
			return -ENOMEM;
		}
		/* libpcap takes "-" for stdout. */
		s->dumper = pcap_dump_open(s->dead, file);
		if (!s->dumper) {
			pcap_close(s->dead);
			free(s);
			return errno ? -errno : -EIO;
		}
		s->to_stdout = !strcmp(file, "-");
	}
	*out = s;
	return 0;
}

/* Family, type and code of the frame, and its addresses, as text. */
static void frame_fields(const uint8_t *d, uint32_t n, char *src, char *dst,
			 int *code)
{
	uint32_t off = ETH_HLEN, ihl;
	uint16_t proto;

	strcpy(src, "?");
	strcpy(dst, "?");
	*code = -1;
	if (n < ETH_HLEN)
		return;
	proto = (uint16_t)(d[12] << 8 | d[13]);
	while ((proto == ETH_P_8021Q || proto == ETH_P_8021AD) &&
	       off + 4 <= n) {
		proto = (uint16_t)(d[off + 2] << 8 | d[off + 3]);
		off += 4;
	}
	if (proto == ETH_P_IP && off + 20 <= n) {
		inet_ntop(AF_INET, d + off + 12, src, INET6_ADDRSTRLEN);
		inet_ntop(AF_INET, d + off + 16, dst, INET6_ADDRSTRLEN);
		ihl = (d[off] & 0xf) * 4u;
		/* First fragments only: others carry no ICMP header. */
		if (d[off + 9] == 1 &&
		    !((d[off + 6] << 8 | d[off + 7]) & 0x1fff) &&
		    off + ihl + 2 <= n)
			*code = d[off + ihl + 1];
	} else if (proto == ETH_P_IPV6 && off + 40 <= n) {
		inet_ntop(AF_INET6, d + off + 8, src, INET6_ADDRSTRLEN);
		inet_ntop(AF_INET6, d + off + 24, dst, INET6_ADDRSTRLEN);
		if (d[off + 6] == 58 && off + 42 <= n)
			*code = d[off + 41];
	}
}

void ig_capture_line(const struct ig_captured *p, char *buf, size_t size)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], when[32];
	uint32_t idx = p->outcome >> 2, reason, type, cfam;
	const char *tname, *fam = "?", *side = "";
	time_t sec = (time_t)(p->ts_ns / 1000000000ull);
	struct tm tm;
	int code;

	localtime_r(&sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	frame_fields(p->data, p->caplen, src, dst, &code);
	if (!p->has_outcome) {
		snprintf(buf, size, "%s.%06u ? %s > %s, %u bytes", when,
			 (unsigned)(p->ts_ns % 1000000000ull / 1000), src, dst,
			 p->len);
		return;
	}
	reason = idx % IG_REASON_COUNT;
	type = idx / IG_REASON_COUNT % IG_TYPES;
	cfam = idx / IG_REASON_COUNT / IG_TYPES;
	if (cfam < IG_COUNTER_FAMILIES) {
		fam = ig_family_name((int)(cfam % IG_FAM_COUNT)) ?: "?";
		side = cfam >= IG_FAM_COUNT ? " transit" : "";
	}
	if (!ig_reasons[reason % IG_REASON_COUNT].typed) {
		snprintf(buf, size, "%s.%06u %s %s%s %s > %s, %u bytes", when,
			 (unsigned)(p->ts_ns % 1000000000ull / 1000),
			 ig_reasons[reason % IG_REASON_COUNT].name, fam, side,
			 src, dst, p->len);
		return;
	}
	tname = ig_type_name((int)(cfam % IG_FAM_COUNT), (int)type);
	snprintf(buf, size, "%s.%06u %s %s%s %s %u/%d %s > %s, %u bytes", when,
		 (unsigned)(p->ts_ns % 1000000000ull / 1000),
		 ig_reasons[reason].name, fam, side, tname ? tname : "type",
		 type, code, src, dst, p->len);
}

int ig_sink_packet(struct ig_sink *s, const struct ig_captured *p)
{
	struct pcap_pkthdr h;
	char line[256];

	if (!s->dumper) {
		ig_capture_line(p, line, sizeof(line));
		if (printf("%s\n", line) < 0 || fflush(stdout))
			return errno ? -errno : -EIO;
		return 0;
	}
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(p->ts_ns / 1000000000ull);
	h.ts.tv_usec = (suseconds_t)(p->ts_ns % 1000000000ull / 1000);
	h.caplen = p->caplen < s->snaplen ? p->caplen : s->snaplen;
	h.len = p->len > p->caplen ? p->len : p->caplen;
	pcap_dump((u_char *)s->dumper, &h, p->data);
	if (s->to_stdout)
		return ig_sink_flush(s);
	return 0;
}

int ig_sink_flush(struct ig_sink *s)
{
	if (!s->dumper)
		return fflush(stdout) ? -errno : 0;
	if (pcap_dump_flush(s->dumper) || ferror(pcap_dump_file(s->dumper)))
		return errno ? -errno : -EIO;
	return 0;
}

void ig_sink_close(struct ig_sink *s)
{
	if (!s)
		return;
	if (s->dumper)
		pcap_dump_close(s->dumper);
	if (s->dead)
		pcap_close(s->dead);
	free(s);
}
