/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Frames written as a capture with libpcap's dump API, for the replay
 * sequence (replay.c). Apart from the harness: libpcap's headers and
 * libbpf's both define struct bpf_insn.
 */
#ifndef IG_TEST_PROG_PCAP_WRITE_H
#define IG_TEST_PROG_PCAP_WRITE_H

#include <stddef.h>
#include <stdint.h>

struct pcap_frame {
	uint8_t *data;
	size_t len;
	uint64_t ts_ns;
};

/* n Ethernet frames into path, a pcap with nanosecond times; 0 or -1. */
int pcap_write_frames(const char *path, const struct pcap_frame *f, size_t n);

#endif /* IG_TEST_PROG_PCAP_WRITE_H */
