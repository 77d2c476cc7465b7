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

/* Address family of a packet, as counted. OTHER: not IPv4 or IPv6. */
enum ig_family {
	IG_FAM_V4 = 0,
	IG_FAM_V6 = 1,
	IG_FAM_OTHER = 2,
	IG_FAM_COUNT = 3,
};

enum ig_action {
	IG_ACT_PASS = 0, /* zero, so an all-zero slot passes everything */
	IG_ACT_DROP = 1,
	IG_ACT_LIMIT = 2, /* reserved for the rate-limiting issue */
};

enum ig_rule_flag {
	IG_RULE_EXPLICIT = 1 << 0, /* from a rule, not from `default` */
	IG_RULE_ESSENTIAL = 1 << 1, /* NDP/MLD/PMTUD kept by `default drop` */
	IG_RULE_VALIDATE = 1 << 2, /* reserved for the validation issue */
};

/* One (family, type, code) entry of the dense policy table. */
struct ig_rule {
	__u8 action; /* enum ig_action */
	__u8 flags; /* enum ig_rule_flag */
	__u16 class_id; /* reserved: rate-limit class */
	__u16 max_size; /* reserved: size cap, 0 = none */
	__u16 reserved;
};

/* Per-slot switches read once per packet. */
struct ig_slot_meta {
	__u8 fragments; /* enum ig_action for non-first fragments */
	__u8 has_prefixes[IG_POLICY_FAMILIES]; /* look up the prefix trie? */
	__u8 pad[5];
	__u64 generation; /* bumped by every apply; for debugging */
};

/*
 * A whole compiled policy: the value of one entry of the `policy` map.
 * Every (family, type, code) has its resolved entry, so the program does
 * one indexed read and never loops over rules.
 */
struct ig_policy_slot {
	struct ig_slot_meta meta;
	struct ig_rule rules[IG_POLICY_FAMILIES][IG_TYPES][IG_CODES];
};

/*
 * Key of the prefix trie. Both slots and both families share one trie; the
 * slot and family bytes lead the data, so prefixlen = 16 + CIDR length.
 */
struct ig_prefix_key {
	__u32 prefixlen;
	__u8 slot;
	__u8 family; /* IG_FAM_V4 or IG_FAM_V6 */
	__u8 addr[16];
	__u8 pad[2]; /* always zero; never reached by prefixlen */
};
#define IG_PREFIX_KEY_BITS 16 /* slot + family bytes before the address */

enum ig_prefix_list {
	IG_LIST_ALLOW = 1, /* trusted source: policy bypassed */
	IG_LIST_BLOCK = 2, /* all ICMP from it dropped */
};

/* Value of the prefix trie. */
struct ig_prefix_value {
	__u32 list; /* enum ig_prefix_list */
};

/*
 * Why a packet got its verdict. Every packet is counted once, under one
 * reason. Keep user/reasons.c (names and totals) in step: it asserts the
 * count.
 */
enum ig_reason {
	IG_R_NON_ICMP = 0, /* not ICMP: passed untouched */
	IG_R_PASS_RULE, /* passed by an explicit rule */
	IG_R_PASS_DEFAULT, /* passed by `default pass` */
	IG_R_PASS_ESSENTIAL, /* NDP/MLD/PMTUD passed despite `default drop` */
	IG_R_PASS_ALLOWLIST, /* source in an `allow` prefix */
	IG_R_PASS_FRAGMENT, /* non-first fragment, `fragments pass` */
	IG_R_DROP_RULE, /* dropped by an explicit rule */
	IG_R_DROP_DEFAULT, /* dropped by `default drop` */
	IG_R_DROP_BLOCKLIST, /* source in a `block` prefix */
	IG_R_DROP_FRAGMENT, /* non-first fragment, `fragments drop` */
	IG_R_MALFORMED_L3, /* bad IP header (ihl < 5, truncated, ext chain) */
	IG_R_MALFORMED_ICMP, /* ICMP header truncated */
	IG_REASON_COUNT,
};

/* Counter value, summed over CPUs by the controller. */
struct ig_counter {
	__u64 packets;
	__u64 bytes;
};

/* Reasons that carry no ICMP type are counted under type 0. */
static inline __u32 ig_counter_index(__u32 family, __u32 type, __u32 reason)
{
	return (family * IG_TYPES + type) * IG_REASON_COUNT + reason;
}
#define IG_COUNTER_ENTRIES (IG_FAM_COUNT * IG_TYPES * IG_REASON_COUNT)

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

/* Bookkeeping of one attachment; written by the controller only. */
struct ig_state {
	__u32 ifindex;
	__u32 prog_id;
	__u32 mode; /* enum ig_attach_mode */
	__u32 multiprog; /* 1: behind libxdp's dispatcher, 0: legacy */
	__u64 attached_at; /* CLOCK_REALTIME ns */
	__u64 policy_at; /* CLOCK_REALTIME ns of the last apply */
	__u64 digest; /* FNV-1a 64 of the canonical policy text */
	__u64 generation; /* number of applies since attach */
	char ifname[16];
};

/* Pins, under IG_PIN_ROOT/<ifname>/. */
#define IG_PIN_ROOT "/sys/fs/bpf/icmpgate"
#define IG_PIN_ACTIVE "active"
#define IG_PIN_POLICY "policy"
#define IG_PIN_PREFIXES "prefixes"
#define IG_PIN_COUNTERS "counters"
#define IG_PIN_POLICY_TEXT "policy_text"
#define IG_PIN_STATE "state"

#define IG_PROG_NAME "icmpgate_xdp"

_Static_assert(sizeof(struct ig_rule) == 8, "ig_rule layout");
_Static_assert(sizeof(struct ig_slot_meta) == 16, "ig_slot_meta layout");
_Static_assert(sizeof(struct ig_prefix_key) == 24, "ig_prefix_key layout");
_Static_assert(sizeof(struct ig_counter) == 16, "ig_counter layout");
_Static_assert(sizeof(struct ig_state) == 64, "ig_state layout");
_Static_assert(sizeof(struct ig_policy_text) == 1024 * 1024, "text layout");

#endif /* ICMPGATE_H */
