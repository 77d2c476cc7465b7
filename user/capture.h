/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * `icmpgate capture`: the packets the program drops (or passes), handed
 * to this process while it runs. The filter (capture_filter.c, pure C)
 * turns the command line into the program's configuration; the engine
 * (capture.c) arms the program, takes the packets from AF_XDP sockets and
 * the ring buffer and renews the lease; the sink (capture_out.c) writes
 * them as pcap or as one line each.
 */
#ifndef IG_CAPTURE_H
#define IG_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../include/icmpgate.h"

#define IG_CAPTURE_RATE_DEFAULT 1000 /* packets a second, --rate */
#define IG_CAPTURE_RATE_MAX 1000000
#define IG_CAPTURE_SAMPLE_MAX 1000000
#define IG_CAPTURE_SNAPLEN_DEFAULT 262144 /* tcpdump's: whole frames */
#define IG_CAPTURE_SNAPLEN_MAX 262144

/* What the command line asks for. */
struct ig_capture_spec {
	const char *reasons; /* NULL, or "R,R,..." */
	const char *types; /* NULL, or "[v4:|v6:]TYPE,..." */
	const char *sample; /* NULL, or "1/N" or "N" */
	unsigned long snaplen; /* 0: IG_CAPTURE_SNAPLEN_DEFAULT */
	unsigned long rate; /* 0: IG_CAPTURE_RATE_DEFAULT */
	bool passed; /* passed ICMP too */
};

/*
 * The program's configuration (the fields of struct ig_capture before its
 * state) for spec: the reasons, types, sampling, bound and snaplen. On a
 * bad word, -EINVAL and the sentence that says why in err.
 */
int ig_capture_compile(const struct ig_capture_spec *spec,
		       struct ig_capture *cfg, char *err, size_t errsize);

/*
 * Spread cfg's reasons and types over want[], the bit of every counter
 * index the program tests: reason r under type t of family f (either
 * side) when r is chosen and, for a reason that carries a type, t of f is
 * chosen too; a reason without one is counted under type 0 alone.
 */
void ig_capture_want(struct ig_capture *cfg);

/* One captured packet, from either path. */
struct ig_captured {
	uint64_t ts_ns; /* CLOCK_REALTIME */
	uint32_t outcome; /* counter index << 2 | verdict; see has_outcome */
	bool has_outcome; /* false: the metadata was missing */
	uint32_t len; /* the frame's length */
	uint32_t caplen; /* bytes in data */
	const uint8_t *data;
};

/* Where the packets go: a pcap file (or stdout), or summary lines. */
struct ig_sink;
/* file NULL: one line a packet on stdout; "-": pcap on stdout. */
int ig_sink_open(struct ig_sink **s, const char *file, uint32_t snaplen);
int ig_sink_packet(struct ig_sink *s, const struct ig_captured *p);
int ig_sink_flush(struct ig_sink *s);
void ig_sink_close(struct ig_sink *s);
/* The summary line of a packet into buf (no newline). */
void ig_capture_line(const struct ig_captured *p, char *buf, size_t size);

/*
 * The per-CPU state (struct ig_capture_cpu) behind fd: zero it (the next
 * matching packet is sampled), or sum what matched.
 */
int ig_capture_cpu_reset(int fd);
int ig_capture_cpu_matched(int fd, uint64_t *matched);

struct ig_iface;

/* What to capture, where to, and until when. */
struct ig_capture_run {
	struct ig_capture cfg; /* from ig_capture_compile() */
	const char *file; /* as ig_sink_open() */
	uint32_t snaplen; /* bytes of a packet written; 0: the default */
	uint64_t count; /* stop after so many packets; 0: no limit */
	uint64_t duration_ms; /* stop after so long; 0: no limit */
	bool ring; /* drops through the ring buffer too, not AF_XDP */
};

/*
 * Capture on the attached interface i until the count, the duration, a
 * signal (INT, TERM, HUP), a closed output or a detach ends it. Takes
 * the interface's capture lock (one capture at a time). On return the
 * program is disarmed and no socket of ours is in its map.
 */
int ig_capture(const char *cmd, struct ig_iface *i,
	       const struct ig_capture_run *r);

/* Whether a capture runs on an attached interface, for `status`. */
struct ig_capture_now {
	bool running; /* a capture process holds the interface's lock */
	int pid; /* its pid, from the lock (0: it wrote none) */
	bool armed; /* the program's lease has not run out */
	uint64_t taken; /* packets the program handed to the last capture */
};
void ig_capture_now(const struct ig_iface *i, struct ig_capture_now *now);

#endif /* IG_CAPTURE_H */
