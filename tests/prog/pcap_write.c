// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Frames written as a capture (pcap_write.h). */
#include <pcap/pcap.h>
#include <stdio.h>

#include "pcap_write.h"

int pcap_write_frames(const char *path, const struct pcap_frame *f, size_t n)
{
	struct pcap_pkthdr h;
	pcap_dumper_t *d;
	pcap_t *p;
	size_t i;

	p = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535,
						 PCAP_TSTAMP_PRECISION_NANO);
	if (!p)
		return -1;
	d = pcap_dump_open(p, path);
	if (!d) {
		fprintf(stderr, "%s: %s\n", path, pcap_geterr(p));
		pcap_close(p);
		return -1;
	}
	for (i = 0; i < n; i++) {
		h.ts.tv_sec = (time_t)(f[i].ts_ns / 1000000000ull);
		/* Nanoseconds, in a capture opened with them. */
		h.ts.tv_usec = (suseconds_t)(f[i].ts_ns % 1000000000ull);
		h.caplen = h.len = (bpf_u_int32)f[i].len;
		pcap_dump((u_char *)d, &h, f[i].data);
	}
	pcap_dump_close(d);
	pcap_close(p);
	return 0;
}
