/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Policy replay: the frames of a capture run through a copy of the real
 * XDP program (the skeleton the controller attaches, loaded but never
 * attached) with BPF_PROG_TEST_RUN, its maps holding a policy written by
 * the store, its clock driven by the capture's timestamps. Here: the
 * program copy, the capture reader (libpcap's offline API, every link
 * type turned into the Ethernet frames the program parses), and the key
 * of a frame (family, ICMP type, source) that the diff groups by
 * (replay_diff.h).
 */
#ifndef IG_REPLAY_H
#define IG_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compile.h"
#include "localaddr.h"
#include "store.h"

struct icmpgate_bpf;

/*
 * The largest frame replayed: an IP datagram of 65535 bytes behind
 * Ethernet and two VLAN tags. Larger records (a GRO'd TCP stream seen by
 * tcpdump) are cut to it and counted as truncated.
 */
#define IG_REPLAY_FRAME_MAX (65535 + 14 + 8)

/* One loaded, unattached copy of the program with a policy in its maps. */
struct ig_replay_prog {
	struct icmpgate_bpf *skel;
	struct ig_maps maps;
	int prog_fd;
	uint64_t base_ns; /* its clock at the capture's first frame */
	uint64_t first_ts; /* the first frame's timestamp, ns */
	uint64_t last_ns; /* the clock at the last frame: never goes back */
	bool started;
};

/*
 * Load a copy with max_sources per-source buckets and make c its live
 * policy (ig_store_apply(): the path `policy apply` takes). local, if not
 * NULL, is the interface's addresses (broadcast-echo reads them).
 */
int ig_replay_prog_open(struct ig_replay_prog *p, uint32_t max_sources,
			const struct ig_compiled *c,
			const struct ig_local_set *local);
/*
 * Run one Ethernet frame at capture time ts_ns. The clock the rate
 * limiter reads is the capture's time, an hour ahead of every bucket's
 * start: a limit acts on the replay as it would have acted on the
 * traffic. *verdict is the program's XDP return value.
 */
int ig_replay_prog_run(struct ig_replay_prog *p, const uint8_t *frame,
		       size_t len, uint64_t ts_ns, int *verdict);
/* Its counters, summed over CPUs: IG_COUNTER_ENTRIES entries. */
int ig_replay_prog_counters(const struct ig_replay_prog *p,
			    struct ig_counter *out);
void ig_replay_prog_close(struct ig_replay_prog *p);

/*
 * Judge every packet on one side (IG_SIDE_HOST or IG_SIDE_TRANSIT),
 * whatever this machine routes: move the process into a network
 * namespace of its own where the program's host-or-transit lookup
 * (bpf/side.h) gives that answer. For the host, forwarding is off; for
 * transit, it is on, and a blackhole default route (IPv4 and IPv6) makes
 * every unicast destination one the kernel would forward (multicast and
 * broadcast stay the host's, as on a router). `validate socket` finds no
 * socket there. -EPERM without CAP_SYS_ADMIN.
 */
int ig_replay_private_netns(int side);

/* A capture read with libpcap, frame by frame, as Ethernet. */
struct ig_pcap_reader {
	void *pcap; /* pcap_t */
	int dlt; /* its link type */
	uint64_t records; /* records read */
	uint64_t truncated; /* shorter than on the wire (snaplen), or cut */
	uint64_t outgoing; /* sent by the capturing host: not replayed */
	uint8_t buf[IG_REPLAY_FRAME_MAX + 64];
};

/*
 * Open path ("-": stdin) with pcap_open_offline(). Refuses a link type
 * that is not Ethernet, raw IP or Linux cooked (SLL, SLL2), naming it.
 * Prints the one line that says why.
 */
int ig_pcap_reader_open(const char *cmd, const char *path,
			struct ig_pcap_reader *r);
/*
 * The next frame to replay: 1 and *frame, *len, *ts_ns; 0 at the end of
 * the capture; a negative errno (printed) for a damaged one. Packets the
 * capturing host sent (Linux cooked captures say which) are skipped: XDP
 * never sees them.
 */
int ig_pcap_reader_next(const char *cmd, struct ig_pcap_reader *r,
			const uint8_t **frame, size_t *len, uint64_t *ts_ns);
void ig_pcap_reader_close(struct ig_pcap_reader *r);

/* Link types the reader turns into Ethernet (pcap's DLT_ values). */
enum {
	IG_DLT_EN10MB = 1,
	IG_DLT_RAW = 12,
	IG_DLT_RAW_OPENBSD = 14, /* DLT_RAW on some systems */
	IG_DLT_RAW_LINUX = 101, /* LINKTYPE_RAW */
	IG_DLT_LINUX_SLL = 113,
	IG_DLT_IPV4 = 228,
	IG_DLT_IPV6 = 229,
	IG_DLT_LINUX_SLL2 = 276,
};

/* Is dlt one of those? */
bool ig_dlt_supported(int dlt);

/*
 * One record of link type dlt as an Ethernet frame in out (size bytes).
 * Returns its length; IG_FRAME_OUTGOING for a packet the capturing host
 * sent; -EPROTONOSUPPORT for another link type; -EINVAL for a record too
 * short for its link header. A raw IP packet gets an Ethernet header for
 * its version; a cooked one keeps its protocol, source MAC and whether
 * it was sent to a broadcast or multicast address (the broadcast-echo
 * check reads the destination MAC).
 */
#define IG_FRAME_OUTGOING (-1000)
int ig_frame_to_ether(int dlt, const uint8_t *in, size_t len, uint8_t *out,
		      size_t size);

/* A big-endian 16-bit field of a frame. */
static inline uint16_t ig_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* What the diff groups a frame by; icmp false: not ICMP (never changes). */
struct ig_frame_key {
	bool icmp;
	uint8_t family; /* IG_FAM_V4 or IG_FAM_V6 */
	uint8_t type; /* 0 for a non-first fragment, as the program counts */
	uint8_t src[16]; /* v4: the first 4 bytes */
};

/*
 * Family, ICMP type and source of an Ethernet frame, read as the program
 * reads them: up to two VLAN tags, IPv4 options, IPv6 extension headers.
 */
int ig_frame_key(const uint8_t *frame, size_t len, struct ig_frame_key *k);

#endif /* IG_REPLAY_H */
