/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The kernel/user contract of icmpgate: map layouts, enums and limits shared
 * by the XDP program (bpf/) and the controller (user/). Fixed-width types
 * only; every struct that crosses the boundary has its size asserted below,
 * and the controller checks pinned maps against these sizes before use.
 */
#ifndef ICMPGATE_H
#define ICMPGATE_H

#include <linux/types.h>

#define IG_SLOTS 2 /* policy slots: one live, one being written */
#define IG_POLICY_FAMILIES 2 /* families a policy has rules for: v4, v6 */
#define IG_TYPES 256
#define IG_CODES 256
#define IG_MAX_CLASSES 256 /* `limit` rules per policy; a power of two */

/* Address family of a packet, as counted. OTHER: not IPv4 or IPv6. */
enum ig_family {
	IG_FAM_V4 = 0,
	IG_FAM_V6 = 1,
	IG_FAM_OTHER = 2,
	IG_FAM_COUNT = 3,
};

/*
 * Which policy judges a packet: the host's, for what is addressed to this
 * host (nftables' input), or the transit one, for what the kernel would
 * forward (nftables' forward). bpf/side.h asks the kernel which.
 */
enum ig_side {
	IG_SIDE_HOST = 0,
	IG_SIDE_TRANSIT = 1,
	IG_SIDES = 2,
};

enum ig_action {
	IG_ACT_PASS = 0, /* zero, so an all-zero slot passes everything */
	IG_ACT_DROP = 1,
	IG_ACT_LIMIT = 2, /* token buckets: limits[class_id] of the slot */
};

enum ig_rule_flag {
	IG_RULE_EXPLICIT = 1 << 0, /* from a rule, not from `default` */
	IG_RULE_ESSENTIAL = 1 << 1, /* NDP/MLD/PMTUD kept by `default drop` */
	IG_RULE_VALIDATE = 1 << 2, /* check the quote (validate.h) */
	IG_RULE_VALIDATE_SOCKET = 1 << 3, /* and that a socket sent it */
	/*
	 * check_packet() (bpf/validate.h) may drop what this entry would
	 * pass: the entry validates or is a router advert under the RA
	 * guard. Set by the compiler, so that other packets skip the call; a
	 * packet its entry drops anyway is counted under the entry.
	 */
	IG_RULE_CALL_CHECK = 1 << 4,
	/* v4 echo-request under `broadcast-echo drop` (to_broadcast()). */
	IG_RULE_BCAST = 1 << 5,
	IG_RULE_NDP = 1 << 6, /* neighbour discovery: check the hop limit */
	IG_RULE_SIZE = 1 << 7, /* max_size is set */
	/* Any of the checks: one test on the common path. */
	IG_RULE_ANY_CHECK = IG_RULE_CALL_CHECK | IG_RULE_BCAST | IG_RULE_NDP |
			    IG_RULE_SIZE,
};

#define IG_NDP_HOP_LIMIT 255 /* NDP is link-local: RFC 4861 §6.1, §7.1, §8.1 */
#define IG_V4_ECHO_REQUEST 8
#define IG_ND_ROUTER_SOLICIT 133 /* neighbour discovery (RFC 4861 §4): */
#define IG_ND_ROUTER_ADVERT 134 /* 133 to 137 */
#define IG_ND_REDIRECT 137

/* One (family, type, code) entry of the dense policy table. */
struct ig_rule {
	__u8 action; /* enum ig_action */
	__u8 flags; /* enum ig_rule_flag */
	__u16 class_id; /* IG_ACT_LIMIT: index into the slot's limits[] */
	__u16 max_size; /* drop if the ICMP message is longer; 0 = no cap */
	/*
	 * The counter reason of a pass or drop entry, precomputed by the
	 * controller (ig_rule_reason) and stored XOR IG_R_PASS_DEFAULT, so
	 * that an all-zero entry, as in a slot no policy was written to yet,
	 * reads as passed by default. Saves the program the branches.
	 */
	__u16 reason;
};

/* Per-slot switches read once per packet. */
struct ig_slot_meta {
	__u8 fragments; /* enum ig_action for non-first fragments */
	__u8 has_prefixes[IG_POLICY_FAMILIES]; /* look up the prefix trie? */
	__u8 ra_guard; /* 1: router adverts only from the RA guard's list */
	__u8 broadcast_echo; /* enum ig_action for v4 echo to a broadcast */
	/* Leading bits the prefix filter hashes (ig_prefix_filter_bit). */
	__u8 prefix_bits[IG_POLICY_FAMILIES];
	/*
	 * 1: audit mode (`mode audit`). What the policy would drop passes,
	 * counted under the drop's audit reason (ig_audit_reason()).
	 */
	__u8 audit;
	__u64 generation; /* bumped by every apply; for debugging */
};

/*
 * Rate limits: GCRA token buckets (ratelimit_math.h). A bucket is one 64-bit
 * "theoretical arrival time" (TAT) in units of 2^-IG_RL_SHIFT ns of
 * CLOCK_MONOTONIC; a packet passes while TAT - now, after adding its cost,
 * stays within tau. The controller turns RATE and burst into interval and
 * tau (user/compile.c); the program never divides.
 */
#define IG_RL_SHIFT 8 /* time unit: 2^-8 ns */
#define IG_RL_BYTE_SHIFT 8 /* byte intervals carry 8 more fraction bits */

enum ig_limit_flag {
	IG_LIMIT_CLASS = 1 << 0, /* one bucket for the class */
	IG_LIMIT_SOURCE = 1 << 1, /* a bucket per source prefix */
	IG_LIMIT_CLASS_BYTES = 1 << 2, /* the class bucket counts bytes */
	IG_LIMIT_SOURCE_BYTES = 1 << 3, /* the source buckets count bytes */
	IG_LIMIT_FINE_CLOCK = 1 << 4, /* burst too short for the coarse clock */
};

/* One bucket's configuration: 0/0 for a bucket the limit does not have. */
struct ig_bucket_cfg {
	/*
	 * Cost of one packet in time units, or of one byte in time units
	 * << IG_RL_BYTE_SHIFT; 0 is rate 0 (nothing passes).
	 */
	__u64 interval;
	__u64 tau; /* burst x the cost of one unit: how far TAT may lead now */
};

/* The limits of one class: the rule that says `limit`. */
struct ig_limit {
	struct ig_bucket_cfg cls;
	struct ig_bucket_cfg src;
	/*
	 * Identity of the class across policy changes (family, type, code,
	 * prefix length): it keys the per-source buckets, and the controller
	 * carries the class bucket over to a new policy with the same tag.
	 */
	__u32 tag;
	__u8 flags; /* enum ig_limit_flag */
	__u8 prefix_len; /* per-source prefix length in bits */
	__u8 pad[2];
};

/*
 * The prefix filter: the allow and block prefixes of a family in a bitmap,
 * so that a source no listed prefix can contain, as most are, skips the
 * trie lookup. Every prefix of the family is at least meta.prefix_bits
 * long (the compiler caps it at 32 for IPv4 and 64 for IPv6), and each
 * sets the bit of its first prefix_bits bits. A source inside a prefix
 * shares those bits with it, so a source whose bit is clear is in no
 * prefix. w: the address's first 8 bytes as one word in memory order (an
 * IPv4 address, then zeros).
 */
#define IG_PREFIX_FILTER_BITS 16 /* log2 of the bitmap's bits */
#define IG_PREFIX_FILTER_WORDS ((1u << IG_PREFIX_FILTER_BITS) / 64)

static inline __u32 ig_prefix_filter_bit(__u64 w, __u32 bits)
{
	__u64 m = bits >= 64 ? ~0ull : bits ? ~0ull << (64 - bits) : 0;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	m = __builtin_bswap64(m);
#endif
	return (__u32)(((w & m) * 0x9e3779b97f4a7c15ull) >>
		       (64 - IG_PREFIX_FILTER_BITS));
}

/*
 * A whole compiled policy: the value of one entry of the `policy` map.
 * Every (family, type, code) has its resolved entry, so the program does
 * one indexed read and never loops over rules. The limits live in the slot
 * so that a flip changes rules and limits in one step.
 */
struct ig_policy_slot {
	struct ig_slot_meta meta;
	struct ig_rule rules[IG_SIDES][IG_POLICY_FAMILIES][IG_TYPES][IG_CODES];
	struct ig_limit limits[IG_MAX_CLASSES];
	/* The prefix filter of each family: see ig_prefix_filter_bit(). */
	__u64 prefix_filter[IG_POLICY_FAMILIES][IG_PREFIX_FILTER_WORDS];
};

/*
 * The state of a class bucket, shared by all CPUs: one per (slot, class),
 * a cache line each so that two classes never share one.
 */
struct ig_class_bucket {
	__u64 tat;
	__u64 pad[7];
};
#define IG_CLASS_BUCKETS (IG_SLOTS * IG_MAX_CLASSES)

/* Identity of a per-source bucket: class and source prefix. */
struct ig_source_key {
	__u32 tag; /* the class's ig_limit.tag */
	__u8 addr[16]; /* source masked to the prefix; v4 in the first 4 */
};

/*
 * A per-source bucket and what it let through. tat changes by
 * compare-and-swap; passed and dropped, which only `top` reads, by plain
 * adds (the race it accepts: bpf/ratelimit.h, rate_limit()).
 */
struct ig_source_bucket {
	__u64 tat;
	__u64 passed; /* packets this bucket passed */
	__u64 dropped; /* packets this bucket dropped */
};

/*
 * One entry of the per-source table, --max-sources entries in sets of two
 * (ratelimit_math.h): a source's key hashes to a set, and a new source
 * replaces the set's emptier bucket. A cache line each.
 */
struct ig_source_slot {
	__u64 addr[2]; /* ig_source_key.addr, as two words in memory order */
	__u32 tag; /* ig_source_key.tag; 0: an unused entry (no tag is 0) */
	__u32 pad0;
	struct ig_source_bucket b;
	__u64 pad[2];
};

/* A set of the per-source table: the value of one entry of the array. */
struct ig_source_set {
	struct ig_source_slot e[2];
};

#define IG_MAX_SOURCES_DEFAULT 262144 /* per-source buckets, `--max-sources` */
#define IG_MAX_SOURCES_MIN 64
#define IG_MAX_SOURCES_MAX (1u << 24)

/*
 * Key of the prefix trie. Both slots and both families share one trie; the
 * slot and family bytes lead the data, so prefixlen = 16 + CIDR length.
 */
struct ig_prefix_key {
	__u32 prefixlen;
	__u8 slot;
	__u8 family; /* IG_FAM_V4, IG_FAM_V6 or IG_PREFIX_RA_ROUTERS */
	__u8 addr[16];
	__u8 pad[2]; /* always zero; never reached by prefixlen */
};
#define IG_PREFIX_KEY_BITS 16 /* slot + family bytes before the address */
/* Key family of the RA guard's routers (IPv6 prefixes), apart from v6. */
#define IG_PREFIX_RA_ROUTERS 2

enum ig_prefix_list {
	IG_LIST_ALLOW = 1, /* trusted source: policy bypassed */
	IG_LIST_BLOCK = 2, /* all ICMP from it dropped */
	IG_LIST_RA = 3, /* a router whose advertisements pass the RA guard */
};

/*
 * This host's addresses on the interface, kept by the controller (attach,
 * every policy change, `sync`): what PMTUD validation and the broadcast
 * echo check compare quoted and destination addresses with.
 */
struct ig_local_key {
	__u8 family; /* IG_FAM_V4 or IG_FAM_V6 */
	__u8 pad[3]; /* always zero */
	__u8 addr[16]; /* v4 in the first 4, the rest zero */
};

enum ig_local_kind {
	IG_LOCAL_ADDR = 1, /* an address of the interface */
	IG_LOCAL_BROADCAST = 2, /* a directed broadcast address of it */
};

struct ig_local_value {
	__u32 kind; /* enum ig_local_kind */
};

#define IG_MAX_LOCAL 1024 /* addresses of one interface */

/* The interface as the controller last saw it; one entry. */
#define IG_IFINFO_BCAST 8
struct ig_ifinfo {
	__u32 mtu; /* 0: unknown, the upper MTU bound is not checked */
	__u32 n_local; /* entries in the local map */
	__u64 synced_at; /* CLOCK_REALTIME ns of the last sync */
	/*
	 * The interface's IPv4 directed broadcasts, also in the local map:
	 * the echo-request path compares these instead of a hash lookup.
	 * More than IG_IFINFO_BCAST of them: the program asks the map.
	 */
	__u32 n_bcast;
	__u32 pad;
	__be32 bcast[IG_IFINFO_BCAST];
};

/*
 * One entry of the per-CPU cache of the kernel's answer to "host or
 * transit?" (bpf/side.h), direct-mapped by destination address.
 */
struct ig_side_entry {
	__u64 addr[2]; /* destination, v4 in the first 4 bytes */
	__u64 expires; /* ns of the program's clock; 0: empty */
	__u32 family; /* IG_FAM_V4 or IG_FAM_V6 */
	__u32 side; /* enum ig_side */
};
#define IG_SIDE_CACHE 256 /* entries per CPU; a power of two */
#define IG_SIDE_TTL_NS 100000000ull /* how old an answer may get: 100 ms */

/* Value of the prefix trie. */
struct ig_prefix_value {
	__u32 list; /* enum ig_prefix_list */
};

/*
 * Why a packet got its verdict. Every packet is counted once, under one
 * reason. Keep user/reasons.c (names and totals) in step: it asserts the
 * count.
 *
 * The drops the policy decides (IG_R_DROP_RULE to IG_R_INVALID_SOCKET)
 * come in one run, and their audit reasons in a run of the same order
 * IG_AUDIT_OFFSET further on: in audit mode the program passes such a
 * packet and counts it IG_AUDIT_OFFSET reasons on (bpf/outcome.h), one
 * addition, no branch. The drops of what the parser cannot trust (ping of
 * death, malformed headers) sit outside the run: audit never passes them.
 */
enum ig_reason {
	IG_R_NON_ICMP = 0, /* not ICMP: passed untouched */
	IG_R_PASS_RULE, /* passed by an explicit rule */
	IG_R_PASS_DEFAULT, /* passed by `default pass` */
	IG_R_PASS_ESSENTIAL, /* NDP/MLD/PMTUD passed despite `default drop` */
	IG_R_PASS_ALLOWLIST, /* source in an `allow` prefix */
	IG_R_PASS_FRAGMENT, /* non-first fragment, `fragments pass` */
	IG_R_PASS_LIMIT, /* limited class, and every bucket had a token */
	IG_R_DROP_RULE, /* dropped by an explicit rule */
	IG_R_DROP_DEFAULT, /* dropped by `default drop` */
	IG_R_DROP_BLOCKLIST, /* source in a `block` prefix */
	IG_R_DROP_FRAGMENT, /* non-first fragment, `fragments drop` */
	IG_R_RATE_LIMITED_CLASS, /* the class bucket was empty */
	IG_R_RATE_LIMITED_SOURCE, /* the source's bucket was empty */
	IG_R_SPOOFED_NDP, /* NDP with hop limit != 255: off-link (RFC 4861) */
	IG_R_DROP_RA_GUARD, /* router advert from a router not allowed */
	IG_R_DROP_BROADCAST_ECHO, /* v4 echo-request to a broadcast (smurf) */
	IG_R_DROP_MAX_SIZE, /* ICMP message longer than the rule's max-size */
	IG_R_INVALID_QUOTE, /* validate: no quoted IP header + 8 bytes */
	IG_R_INVALID_SOURCE, /* validate: quoted source is not ours */
	IG_R_INVALID_DEST, /* validate: quoted destination is ours */
	IG_R_INVALID_MTU, /* validate: reported MTU out of range */
	IG_R_INVALID_SOCKET, /* validate socket: no socket sent the quote */
	IG_R_DROP_PING_OF_DEATH, /* fragment past 65535 bytes */
	IG_R_MALFORMED_L3, /* bad IP header (ihl < 5, truncated, ext chain) */
	IG_R_MALFORMED_ICMP, /* ICMP header truncated */
	/* Audit mode: passed, and the policy would have dropped it for ... */
	IG_R_AUDIT_DROP_RULE, /* ... IG_R_DROP_RULE */
	IG_R_AUDIT_DROP_DEFAULT,
	IG_R_AUDIT_DROP_BLOCKLIST,
	IG_R_AUDIT_DROP_FRAGMENT,
	IG_R_AUDIT_RATE_LIMITED_CLASS, /* the bucket gave no token: below */
	IG_R_AUDIT_RATE_LIMITED_SOURCE,
	IG_R_AUDIT_SPOOFED_NDP,
	IG_R_AUDIT_DROP_RA_GUARD,
	IG_R_AUDIT_DROP_BROADCAST_ECHO,
	IG_R_AUDIT_DROP_MAX_SIZE,
	IG_R_AUDIT_INVALID_QUOTE,
	IG_R_AUDIT_INVALID_SOURCE,
	IG_R_AUDIT_INVALID_DEST,
	IG_R_AUDIT_INVALID_MTU,
	IG_R_AUDIT_INVALID_SOCKET, /* ... IG_R_INVALID_SOCKET */
	IG_REASON_COUNT,
};

/*
 * Audit mode. A would-drop by a bucket takes no token, as the drop would
 * not: the buckets do in audit mode exactly what they do enforcing, so
 * the audit counts are what enforcing would drop of the same traffic.
 */
#define IG_AUDIT_FIRST IG_R_DROP_RULE /* the run of drops audit passes */
#define IG_AUDIT_LAST IG_R_INVALID_SOCKET
#define IG_AUDIT_OFFSET (IG_R_AUDIT_DROP_RULE - IG_R_DROP_RULE)

static inline int ig_reason_auditable(__u32 reason)
{
	return reason >= IG_AUDIT_FIRST && reason <= IG_AUDIT_LAST;
}

/* The reason a drop is counted under in audit mode. */
static inline __u32 ig_audit_reason(__u32 reason)
{
	return ig_reason_auditable(reason) ? reason + IG_AUDIT_OFFSET : reason;
}

_Static_assert(IG_R_AUDIT_DROP_RULE == IG_R_DROP_RULE + IG_AUDIT_OFFSET &&
		       IG_R_AUDIT_DROP_DEFAULT ==
			       IG_R_DROP_DEFAULT + IG_AUDIT_OFFSET &&
		       IG_R_AUDIT_DROP_BLOCKLIST ==
			       IG_R_DROP_BLOCKLIST + IG_AUDIT_OFFSET &&
		       IG_R_AUDIT_DROP_FRAGMENT ==
			       IG_R_DROP_FRAGMENT + IG_AUDIT_OFFSET &&
		       IG_R_AUDIT_RATE_LIMITED_CLASS ==
			       IG_R_RATE_LIMITED_CLASS + IG_AUDIT_OFFSET &&
		       IG_R_AUDIT_RATE_LIMITED_SOURCE ==
			       IG_R_RATE_LIMITED_SOURCE + IG_AUDIT_OFFSET &&
		       IG_R_AUDIT_SPOOFED_NDP ==
			       IG_R_SPOOFED_NDP + IG_AUDIT_OFFSET &&
		       IG_R_AUDIT_DROP_RA_GUARD ==
			       IG_R_DROP_RA_GUARD + IG_AUDIT_OFFSET &&
		       IG_R_AUDIT_DROP_BROADCAST_ECHO ==
			       IG_R_DROP_BROADCAST_ECHO + IG_AUDIT_OFFSET &&
		       IG_R_AUDIT_DROP_MAX_SIZE ==
			       IG_R_DROP_MAX_SIZE + IG_AUDIT_OFFSET &&
		       IG_R_AUDIT_INVALID_QUOTE ==
			       IG_R_INVALID_QUOTE + IG_AUDIT_OFFSET &&
		       IG_R_AUDIT_INVALID_SOURCE ==
			       IG_R_INVALID_SOURCE + IG_AUDIT_OFFSET &&
		       IG_R_AUDIT_INVALID_DEST ==
			       IG_R_INVALID_DEST + IG_AUDIT_OFFSET &&
		       IG_R_AUDIT_INVALID_MTU ==
			       IG_R_INVALID_MTU + IG_AUDIT_OFFSET &&
		       IG_R_AUDIT_INVALID_SOCKET ==
			       IG_R_INVALID_SOCKET + IG_AUDIT_OFFSET &&
		       IG_R_AUDIT_INVALID_SOCKET < IG_REASON_COUNT,
	       "every drop audit passes has its audit reason, in one run");
_Static_assert(IG_R_DROP_PING_OF_DEATH > IG_AUDIT_LAST &&
		       IG_R_MALFORMED_L3 > IG_AUDIT_LAST &&
		       IG_R_MALFORMED_ICMP > IG_AUDIT_LAST &&
		       IG_R_PASS_LIMIT < IG_AUDIT_FIRST,
	       "audit passes no drop of what the parser cannot trust");

/*
 * ig_rule.reason as stored and as read: XOR IG_R_PASS_DEFAULT, so that an
 * all-zero entry reads as passed by default.
 */
_Static_assert(IG_ACT_PASS == 0, "an all-zero entry passes");
static inline __u16 ig_reason_store(__u32 reason)
{
	return (__u16)(reason ^ IG_R_PASS_DEFAULT);
}

static inline __u32 ig_reason_load(__u16 stored)
{
	return stored ^ IG_R_PASS_DEFAULT;
}

/* Counter reason of a pass or drop entry: what ig_rule.reason caches. */
static inline __u32 ig_rule_reason(__u8 action, __u8 flags)
{
	if (action == IG_ACT_DROP)
		return flags & IG_RULE_EXPLICIT ? IG_R_DROP_RULE :
						  IG_R_DROP_DEFAULT;
	if (flags & IG_RULE_EXPLICIT)
		return IG_R_PASS_RULE;
	return flags & IG_RULE_ESSENTIAL ? IG_R_PASS_ESSENTIAL :
					   IG_R_PASS_DEFAULT;
}

/* Counter value, summed over CPUs by the controller. */
struct ig_counter {
	__u64 packets;
	__u64 bytes;
};

/*
 * Counters are kept by "counter family": the packet's family on the host
 * side (v4, v6, other), then v4 and v6 judged as transit. Packets that are
 * not ICMP, or whose IP header is malformed, are judged on no side and
 * counted on the host side's.
 */
#define IG_COUNTER_FAMILIES (IG_FAM_COUNT + IG_POLICY_FAMILIES)

/* Arithmetic, not a branch: a branch would split the verifier's states. */
static inline __u32 ig_counter_family(__u32 family, __u32 side)
{
	return (side & 1) * IG_FAM_COUNT + family;
}

/* Reasons that carry no ICMP type are counted under type 0. */
static inline __u32 ig_counter_index(__u32 cfamily, __u32 type, __u32 reason)
{
	return (cfamily * IG_TYPES + type) * IG_REASON_COUNT + reason;
}
#define IG_COUNTER_ENTRIES (IG_COUNTER_FAMILIES * IG_TYPES * IG_REASON_COUNT)

/*
 * PMTUD health: the MTUs that IPv4 frag-needed (RFC 1191) and IPv6
 * packet-too-big (RFC 8201) messages report, by family and by outcome,
 * recorded by check_packet() (bpf/validate.h) for every such message an
 * entry that passes or limits judges (the compiler marks those entries
 * IG_RULE_CALL_CHECK). FORGED: its rule validates and the message failed
 * (counted under an invalid-* reason too); VALID: it did not fail, though
 * a rate limit may still hold it (the counters say so by reason).
 * Messages a rule drops outright are in the counters only.
 *
 * Buckets by the MTU reported, upper bounds inclusive as a Prometheus
 * histogram's `le`: 576 (the least every IPv4 host reassembles, RFC 791),
 * 1280 (the IPv6 minimum, RFC 8200), 1400 (common tunnel MTUs), 1420
 * (WireGuard), 1480 (6in4, IPIP), 1492 (PPPoE), 1500 (Ethernet), 9000
 * (jumbo frames), and the rest.
 */
enum ig_pmtu_outcome {
	IG_PMTU_VALID = 0,
	IG_PMTU_FORGED = 1,
	IG_PMTU_OUTCOMES = 2,
};

#define IG_PMTU_BOUNDS                                        \
	{                                                     \
		576, 1280, 1400, 1420, 1480, 1492, 1500, 9000 \
	}
#define IG_PMTU_BUCKETS 9 /* the bounds above and one past the last */

/* Arithmetic, not branches: the verifier walks one path. */
static inline __u32 ig_pmtu_bucket(__u32 mtu)
{
	return (mtu > 576) + (mtu > 1280) + (mtu > 1400) + (mtu > 1420) +
	       (mtu > 1480) + (mtu > 1492) + (mtu > 1500) + (mtu > 9000);
}

/* One (family, outcome): messages per bucket (not cumulative), MTU sum. */
struct ig_pmtu_hist {
	__u64 count[IG_PMTU_BUCKETS];
	__u64 sum; /* of the MTUs reported, for the histogram's _sum */
};

static inline __u32 ig_pmtu_index(__u32 family, __u32 outcome)
{
	return (family & 1) * IG_PMTU_OUTCOMES + (outcome & 1);
}
#define IG_PMTU_ENTRIES (IG_POLICY_FAMILIES * IG_PMTU_OUTCOMES)

#define IG_MAX_PREFIXES 16384 /* per policy; the trie holds both slots */
#define IG_POLICY_TEXT_MAX (1024 * 1024 - 8)

/* Canonical text of the policy in a slot, for `policy show`. */
struct ig_policy_text {
	__u32 len;
	__u32 pad;
	char text[IG_POLICY_TEXT_MAX];
};

enum ig_attach_mode {
	IG_MODE_NATIVE = 0,
	IG_MODE_SKB = 1,
};

/*
 * Capture (`icmpgate capture`, user/capture.c; bpf/capture.h). The
 * controller arms it by writing a lease; the program hands the packets
 * the capture chooses to an AF_XDP socket of their RX queue (drops) or
 * copies them into a ring buffer (passes, and drops where AF_XDP cannot
 * be had), after counting them as usual. A lease the controller stops
 * renewing (it ended, or was killed) disarms the capture on the next
 * packet: the program clears it.
 */
#define IG_CAPTURE_QUEUES 64 /* XSKMAP entries: RX queues one capture covers */
#define IG_CAPTURE_SNAP_MAX 2048 /* bytes the ring-buffer path copies at most */
#define IG_CAPTURE_RING_BYTES (4u << 20) /* the ring buffer: 4 MiB */
#define IG_CAPTURE_LEASE_NS 500000000ull /* a lease lasts 0.5 s */
#define IG_CAPTURE_META_MAGIC 0x69676370u /* "igcp": our XDP metadata */

/* Bits for every counter index, in a power of two of words (a mask bounds
 * the program's index). */
#define IG_CAPTURE_WANT_WORDS 1024

enum ig_capture_flag {
	IG_CAP_XSK = 1 << 0, /* chosen drops go to the XSKMAP */
};

/*
 * The capture's configuration and the program's state of it: a global of
 * the program in a section of its own (mmapable, pinned as `capture`).
 * The controller writes the configuration, then the lease.
 */
struct ig_capture {
	/* CLOCK_MONOTONIC ns until which the capture is armed; 0: off. */
	__u64 lease;
	__u64 reasons; /* bit r: capture packets counted under reason r */
	__u32 flags; /* enum ig_capture_flag */
	__u32 pad;
	/* bit t of family f: capture type t (all ones without --type) */
	__u64 types[IG_POLICY_FAMILIES][IG_TYPES / 64];
	/*
	 * What the program reads: bit i, capture packets counted under
	 * counter index i; reasons and types spread over every index by the
	 * controller (ig_capture_want()), so that the exit tests one bit.
	 */
	__u64 want[IG_CAPTURE_WANT_WORDS];
	__u32 sample; /* capture 1 of every `sample` that match; 0, 1: all */
	__u32 snaplen; /* bytes the ring-buffer path copies */
	__u64 interval; /* the token bucket: ns a captured packet costs */
	__u64 tau; /* burst x interval */
	/* Written by the program (atomic adds, compare-and-swap): */
	__u64 tat; /* the bucket's theoretical arrival time, ns */
	__u64 seen; /* packets that matched and were sampled */
	__u64 to_xsk; /* handed to an AF_XDP socket */
	__u64 to_ring; /* copied into the ring buffer */
	__u64 over_rate; /* matched and sampled, but the bucket was empty */
	__u64 no_socket; /* no AF_XDP socket on the packet's queue */
	__u64 ring_full; /* the ring buffer had no room */
};

/*
 * Before a packet handed to an AF_XDP socket: its XDP metadata, so that
 * the controller knows its reason.
 */
struct ig_capture_meta {
	__u32 magic; /* IG_CAPTURE_META_MAGIC */
	__u32 outcome; /* counter index << 2 | verdict (bpf/outcome.h) */
	__u32 len; /* the frame's length */
	__u32 pad;
	__u64 ts; /* CLOCK_MONOTONIC ns */
};

/* One record of the ring buffer: a header, then caplen bytes. */
struct ig_capture_rec {
	__u32 outcome; /* as in ig_capture_meta */
	__u32 len; /* the frame's length */
	__u32 caplen; /* bytes of it in data */
	__u32 queue; /* RX queue */
	__u64 ts; /* CLOCK_MONOTONIC ns */
	__u8 data[IG_CAPTURE_SNAP_MAX];
};
#define IG_CAPTURE_REC_HDR 24

/*
 * The capture's per-CPU state: what matched, the sampling countdown, and
 * where a copy is put together before it goes into the ring buffer.
 */
struct ig_capture_cpu {
	__u64 matched; /* packets the capture wanted, sampled or not */
	__u64 countdown; /* matching packets to skip before the next sample */
	struct ig_capture_rec rec;
};

/* Bookkeeping of one attachment; written by the controller only. */
/*
 * The layout of the pins, maps and this struct. Every layout begins with
 * ifindex, prog_id and mode, so that any build can detach any older or
 * newer attachment (detach reads these of a state map of any size);
 * pins without a layout field are layout 1. `upgrade` (user/migrate.c)
 * carries a map of another layout by its pin name when its type and
 * sizes are this build's: a change of what an entry of the counters or of
 * the per-source table means (a reason's index, a key's bits) must change
 * that map's size too, or the next upgrade misreads it.
 *
 * Layout 3: audit mode (ig_slot_meta.audit, the audit reasons, and the
 * ping of death moved after the run of drops audit passes); the counters
 * map grew with the reasons, so an upgrade from 2 starts them at zero.
 */
#define IG_LAYOUT 3

struct ig_state {
	__u32 ifindex;
	__u32 prog_id;
	__u32 mode; /* enum ig_attach_mode */
	__u32 multiprog; /* 1: behind libxdp's dispatcher, 0: legacy */
	__u32 layout; /* IG_LAYOUT of the build that attached */
	__u32 netns; /* inode of the network namespace attached in */
	__u64 attached_at; /* CLOCK_REALTIME ns */
	__u64 policy_at; /* CLOCK_REALTIME ns of the last apply */
	__u64 digest; /* FNV-1a 64 of the canonical policy text */
	__u64 generation; /* number of applies since attach */
	char ifname[16];
	/* Legacy: why libxdp did not use its dispatcher, in its words. */
	char legacy_why[96];
};

/* Pins, under IG_PIN_ROOT/<ifname>/. */
#define IG_PIN_ROOT "/sys/fs/bpf/icmpgate"
#define IG_PIN_ACTIVE "active"
#define IG_PIN_POLICY "policy"
#define IG_PIN_PREFIXES "prefixes"
#define IG_PIN_COUNTERS "counters"
#define IG_PIN_POLICY_TEXT "policy_text"
#define IG_PIN_STATE "state"
#define IG_PIN_CLASS_BUCKETS "class_buckets"
#define IG_PIN_SOURCES "sources"
#define IG_PIN_LOCAL "local"
#define IG_PIN_IFINFO "ifinfo"
#define IG_PIN_PMTUD "pmtud"
#define IG_PIN_CAPTURE "capture"
#define IG_PIN_XSKS "xsks"
#define IG_PIN_CAPTURE_RING "capture_ring"
#define IG_PIN_CAPTURE_CPU "capture_cpu"

#define IG_PROG_NAME "icmpgate_xdp"

_Static_assert(sizeof(struct ig_rule) == 8, "ig_rule layout");
_Static_assert(sizeof(struct ig_slot_meta) == 16, "ig_slot_meta layout");
_Static_assert(sizeof(struct ig_bucket_cfg) == 16, "ig_bucket_cfg layout");
_Static_assert(sizeof(struct ig_limit) == 40, "ig_limit layout");
_Static_assert(sizeof(struct ig_policy_slot) ==
		       16 +
			       IG_SIDES * IG_POLICY_FAMILIES * IG_TYPES *
				       IG_CODES * 8 +
			       IG_MAX_CLASSES * 40 +
			       IG_POLICY_FAMILIES * IG_PREFIX_FILTER_WORDS * 8,
	       "ig_policy_slot layout");
_Static_assert((IG_MAX_CLASSES & (IG_MAX_CLASSES - 1)) == 0, "power of two");
_Static_assert(sizeof(struct ig_class_bucket) == 64, "ig_class_bucket layout");
_Static_assert(sizeof(struct ig_source_key) == 20, "ig_source_key layout");
_Static_assert(sizeof(struct ig_source_bucket) == 24, "source bucket layout");
_Static_assert(sizeof(struct ig_source_slot) == 64, "ig_source_slot layout");
_Static_assert(sizeof(struct ig_source_set) == 128, "ig_source_set layout");
_Static_assert(sizeof(struct ig_prefix_key) == 24, "ig_prefix_key layout");
_Static_assert(sizeof(struct ig_counter) == 16, "ig_counter layout");
_Static_assert(sizeof(struct ig_pmtu_hist) == (IG_PMTU_BUCKETS + 1) * 8,
	       "ig_pmtu_hist layout");
_Static_assert(sizeof(struct ig_local_key) == 20, "ig_local_key layout");
_Static_assert(sizeof(struct ig_ifinfo) == 56, "ig_ifinfo layout");
_Static_assert(sizeof(struct ig_side_entry) == 32, "ig_side_entry layout");
_Static_assert((IG_SIDE_CACHE & (IG_SIDE_CACHE - 1)) == 0, "power of two");
_Static_assert(sizeof(struct ig_state) == 168, "ig_state layout");
_Static_assert(__builtin_offsetof(struct ig_state, mode) == 8,
	       "every layout starts with ifindex, prog_id, mode");
_Static_assert(IG_REASON_COUNT <= 64, "a reason mask fits ig_capture.reasons");
_Static_assert(IG_CAPTURE_WANT_WORDS * 64 >= IG_COUNTER_ENTRIES &&
		       (IG_CAPTURE_WANT_WORDS & (IG_CAPTURE_WANT_WORDS - 1)) ==
			       0,
	       "a bit for every counter index, in a power of two of words");
_Static_assert(sizeof(struct ig_capture) == 168 + IG_CAPTURE_WANT_WORDS * 8,
	       "ig_capture layout");
_Static_assert(sizeof(struct ig_capture_meta) == 24 &&
		       sizeof(struct ig_capture_meta) % 4 == 0,
	       "XDP metadata: a multiple of 4, at most 32 bytes");
_Static_assert(__builtin_offsetof(struct ig_capture_rec, data) ==
		       IG_CAPTURE_REC_HDR,
	       "ig_capture_rec layout");
_Static_assert(sizeof(struct ig_policy_text) == 1024 * 1024, "text layout");

#endif /* ICMPGATE_H */
