/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Capture: after a packet is counted, hand it to `icmpgate capture` if
 * the capture is armed and wants it. Chosen drops go to the AF_XDP
 * socket of their RX queue (XDP_REDIRECT instead of XDP_DROP: the packet
 * is dropped either way); passed packets must still reach the stack, so
 * they, and drops where no socket can be had, are copied into a ring
 * buffer. A token bucket bounds what the capture takes, so that a flood
 * cannot swamp the socket; the verdict never changes.
 */
#ifndef IG_BPF_CAPTURE_H
#define IG_BPF_CAPTURE_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "icmpgate.h"
#include "maps.h"
#include "outcome.h"

static __always_inline __u64 cap_now(void)
{
	return ig_fake_clock ? ig_fake_now : bpf_ktime_get_ns();
}

/*
 * The bucket (GCRA, as ratelimit_math.h, in ns): 1 if the packet may be
 * captured. One compare-and-swap, no retry: a packet that loses the race
 * to another CPU is not captured, so the bound holds on every CPU
 * together.
 */
static __always_inline int cap_admit(struct ig_capture *cap, __u64 now)
{
	__u64 tat = cap->tat, next;

	if (!cap->interval)
		return 1;
	next = (tat > now ? tat : now) + cap->interval;
	if (next - now > cap->tau + cap->interval)
		return 0;
	return __sync_val_compare_and_swap(&cap->tat, tat, next) == tat;
}

/* Chosen drop: to the AF_XDP socket of the packet's queue, with its meta. */
static __always_inline int cap_to_xsk(struct xdp_md *ctx,
				      struct ig_capture *cap, __u32 outcome,
				      __u32 len, __u64 now)
{
	struct ig_capture_meta *m;
	void *data;
	int ret;

	if (!bpf_xdp_adjust_meta(ctx, -(int)sizeof(*m))) {
		m = (void *)(long)ctx->data_meta;
		data = (void *)(long)ctx->data;
		if ((void *)(m + 1) <= data) {
			m->magic = IG_CAPTURE_META_MAGIC;
			m->outcome = outcome;
			m->len = len;
			m->pad = 0;
			m->ts = now;
		}
	}
	ret = bpf_redirect_map(&ig_xsks, ctx->rx_queue_index, XDP_DROP);
	if (ret == XDP_REDIRECT)
		__sync_fetch_and_add(&cap->to_xsk, 1);
	else
		__sync_fetch_and_add(&cap->no_socket, 1);
	return ret;
}

/* A copy of the first snaplen bytes into the ring buffer. */
static __always_inline void cap_to_ring(struct xdp_md *ctx,
					struct ig_capture *cap, __u32 outcome,
					__u32 len, __u64 now)
{
	struct ig_capture_cpu *pc;
	struct ig_capture_rec *rec;
	__u32 zero = 0, caplen;

	pc = bpf_map_lookup_elem(&ig_capture_cpu, &zero);
	if (!pc)
		return;
	rec = &pc->rec;
	caplen = len < cap->snaplen ? len : cap->snaplen;
	if (caplen < 1 || caplen > IG_CAPTURE_SNAP_MAX)
		caplen = IG_CAPTURE_SNAP_MAX;
	/* The same number, in a form whose bounds the verifier sees. */
	_Static_assert((IG_CAPTURE_SNAP_MAX & (IG_CAPTURE_SNAP_MAX - 1)) == 0,
		       "a power of two");
	caplen = ((caplen - 1) & (IG_CAPTURE_SNAP_MAX - 1)) + 1;
	rec->outcome = outcome;
	rec->len = len;
	rec->caplen = caplen;
	rec->queue = ctx->rx_queue_index;
	rec->ts = now;
	if (bpf_xdp_load_bytes(ctx, 0, rec->data, caplen) ||
	    bpf_ringbuf_output(&ig_capture_ring, rec,
			       IG_CAPTURE_REC_HDR + caplen, 0))
		__sync_fetch_and_add(&cap->ring_full, 1);
	else
		__sync_fetch_and_add(&cap->to_ring, 1);
}

/*
 * Does the capture want a packet of this outcome? One bit of the wanted
 * counter indexes: inlined at the exit, so that what an armed capture
 * does not want costs no call (a call and its return cost about 10 ns
 * here, with the CPU's return-stack mitigations).
 */
static __always_inline int ig_capture_wants(__u32 outcome)
{
	__u32 idx = ig_outcome_counter(outcome);

	/* The mask changes no index (they all fit): it is the verifier's
	 * bound. */
	return ig_capture.want[(idx / 64) & (IG_CAPTURE_WANT_WORDS - 1)] >>
		       (idx % 64) &
	       1;
}

/*
 * Counted as matched, and one of every `sample` of them? Per CPU, with a
 * countdown: no atomic and no division for the packets a sample skips,
 * which under a flood are nearly all of them.
 */
static __always_inline int ig_capture_sampled(void)
{
	struct ig_capture_cpu *pc;
	__u32 zero = 0;

	pc = bpf_map_lookup_elem(&ig_capture_cpu, &zero);
	if (!pc) /* never: the key is within the array */
		return 0;
	pc->matched++;
	if (pc->countdown) {
		pc->countdown--;
		return 0;
	}
	pc->countdown = ig_capture.sample > 1 ? ig_capture.sample - 1 : 0;
	return 1;
}

/*
 * Called at the exit only while a lease is set, for what it wants and
 * samples. A global function: the
 * verifier checks it once, on its own, not once for every path that
 * reaches the exit. Returns the packet's verdict, or XDP_REDIRECT.
 */
__noinline int ig_capture_packet(struct xdp_md *ctx, __u32 outcome, __u32 len)
{
	struct ig_capture *cap = &ig_capture;
	__u32 verdict;
	__u64 now, lease;

	if (!ctx)
		return XDP_PASS;
	verdict = ig_outcome_verdict(outcome);
	now = cap_now();
	lease = cap->lease;
	if (now > lease) {
		/* The controller stopped renewing it: disarm, unless it
		 * renewed it meanwhile. */
		__sync_val_compare_and_swap(&cap->lease, lease, 0);
		return verdict;
	}
	__sync_fetch_and_add(&cap->seen, 1);
	if (!cap_admit(cap, now)) {
		__sync_fetch_and_add(&cap->over_rate, 1);
		return verdict;
	}
	if (verdict == XDP_DROP && (cap->flags & IG_CAP_XSK))
		return cap_to_xsk(ctx, cap, outcome, len, now);
	cap_to_ring(ctx, cap, outcome, len, now);
	return verdict;
}

#endif /* IG_BPF_CAPTURE_H */
