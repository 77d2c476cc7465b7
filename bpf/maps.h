/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Every map of the XDP program, one line each on what it holds. Layouts
 * are the contract in include/icmpgate.h; the controller pins them all
 * under /sys/fs/bpf/icmpgate/<ifname>/.
 */
#ifndef IG_BPF_MAPS_H
#define IG_BPF_MAPS_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "icmpgate.h"

/*
 * The live policy slot (0 or 1); flipped by one store from userspace. A
 * global in a data section of its own, so that the program reads it with
 * one load instead of a map lookup; libbpf makes the section a one-entry
 * mmapable array, which is what the controller pins as `active`.
 */
__u32 ig_active SEC(".data.active") = 0;

/* Two compiled policies, dense by (family, type, code): live and next. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, IG_SLOTS);
	__type(key, __u32);
	__type(value, struct ig_policy_slot);
} ig_policy SEC(".maps");

/* allow/block prefixes of both slots, keyed (slot, family, address). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, IG_SLOTS *IG_MAX_PREFIXES);
	__type(key, struct ig_prefix_key);
	__type(value, struct ig_prefix_value);
} ig_prefixes SEC(".maps");

/* Packets and bytes per (family, type, reason), per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IG_COUNTER_ENTRIES);
	__type(key, __u32);
	__type(value, struct ig_counter);
} ig_counters SEC(".maps");

/* MTUs of PMTUD messages per (family, outcome), per CPU (validate.h). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IG_PMTU_ENTRIES);
	__type(key, __u32);
	__type(value, struct ig_pmtu_hist);
} ig_pmtud SEC(".maps");

/* Canonical text of each slot's policy; read by `policy show` only. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, IG_SLOTS);
	__type(key, __u32);
	__type(value, struct ig_policy_text);
} ig_policy_text SEC(".maps");

/* Class token buckets, one per (slot, class), shared by every CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, IG_CLASS_BUCKETS);
	__type(key, __u32);
	__type(value, struct ig_class_bucket);
} ig_class_buckets SEC(".maps");

/*
 * Per-source token buckets, in sets of two: max_entries and ig_source_sets
 * are both half of `attach --max-sources` (the loader sets both).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, IG_MAX_SOURCES_DEFAULT / 2);
	__type(key, __u32);
	__type(value, struct ig_source_set);
} ig_sources SEC(".maps");
const volatile __u32 ig_source_sets = IG_MAX_SOURCES_DEFAULT / 2;

/* This host's addresses and broadcast addresses on the interface. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, IG_MAX_LOCAL);
	__type(key, struct ig_local_key);
	__type(value, struct ig_local_value);
} ig_local SEC(".maps");

/* The kernel's recent answers to "host or transit?", per CPU (side.h). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IG_SIDE_CACHE);
	__type(key, __u32);
	__type(value, struct ig_side_entry);
} ig_side_cache SEC(".maps");

/* The interface's directed broadcasts (and MTU) as of the last sync. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ig_ifinfo);
} ig_ifinfo SEC(".maps");

/* Bookkeeping of the attachment (mode, prog id, times); userspace only. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ig_state);
} ig_state SEC(".maps");

/*
 * Capture (capture.h): its configuration and state, a global in a section
 * of its own like ig_active, so that the exit tests whether it is armed
 * with one load.
 */
struct ig_capture ig_capture SEC(".data.capture") = {};

/* The capture's AF_XDP sockets, one per RX queue. */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, IG_CAPTURE_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} ig_xsks SEC(".maps");

/* Copies of the packets the capture takes that AF_XDP cannot have. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, IG_CAPTURE_RING_BYTES);
} ig_capture_ring SEC(".maps");

/* The capture's counts and sampling per CPU; a copy put together. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ig_capture_cpu);
} ig_capture_cpu SEC(".maps");

/*
 * Test builds only: the rate limiter reads time from ig_fake_now when the
 * loader sets ig_fake_clock (the verifier prunes the branch otherwise).
 */
const volatile bool ig_fake_clock = false;
__u64 ig_fake_now = 0;

/* The kernel's tick rate, from its config (libbpf reads it); 0: unknown. */
extern unsigned int CONFIG_HZ __kconfig __weak;

#endif /* IG_BPF_MAPS_H */
