// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The capture decision (bpf/capture.h): not armed, nothing happens; armed,
 * a packet of a chosen reason and type, sampled, with a token, goes to the
 * AF_XDP socket of its queue (a drop) or as a copy into the ring buffer
 * (a pass, or a drop without AF_XDP); the verdict and the counters are
 * those of the packet either way; a lease that ran out disarms.
 */
#include <net/if.h>
#include <string.h>
#include <unistd.h>

#include <xdp/xsk.h>

#include "harness.h"
#include "capture.h"
#include "reasons.h"

#define MS 1000000ull

/* What the ring buffer handed over since the last drain. */
static struct {
	unsigned n;
	struct ig_capture_rec last;
	size_t last_size;
} ring;

static int on_rec(void *ctx, void *data, size_t size)
{
	(void)ctx;
	ring.n++;
	ring.last_size = size;
	memcpy(&ring.last, data,
	       size < sizeof(ring.last) ? size : sizeof(ring.last));
	return 0;
}

static unsigned ring_drain(void)
{
	struct ring_buffer *rb;

	memset(&ring, 0, sizeof(ring));
	rb = ring_buffer__new(maps.capture_ring_fd, on_rec, NULL, NULL);
	assert_non_null(rb);
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
	return ring.n;
}

/*
 * Arm as the controller does: every drop reason (and pass-rule with
 * passes), every type, no sampling, no bound, snaplen 64.
 */
static struct ig_capture *arm(bool passes, __u32 flags)
{
	struct ig_capture *c = maps.capture;
	unsigned r;

	memset(c, 0, sizeof(*c));
	for (r = 0; r < IG_REASON_COUNT; r++)
		if (ig_reasons[r].total != IG_TOTAL_PASSED &&
		    ig_reasons[r].total != IG_TOTAL_NON_ICMP)
			c->reasons |= 1ull << r;
	if (passes)
		c->reasons |= 1ull << IG_R_PASS_RULE;
	memset(c->types, 0xff, sizeof(c->types));
	c->flags = flags;
	c->snaplen = 64;
	c->lease = fake_now + 500 * MS;
	ig_capture_want(c);
	assert_int_equal(ig_capture_cpu_reset(maps.capture_cpu_fd), 0);
	ring_drain();
	return c;
}

static void disarm(void)
{
	memset(maps.capture, 0, sizeof(*maps.capture));
	ring_drain();
}

/* One frame of pkt; its verdict, and the counter it moved checked. */
static int run_one(const struct pkt_desc *pkt, int family, int reason)
{
	__u32 want = ig_counter_index(family, pkt->type, reason);
	int verdict;

	assert_int_equal(ig_counters_read(&maps, before), 0);
	verdict = one_from(*pkt, pkt->src);
	assert_int_equal(ig_counters_read(&maps, after), 0);
	/* Captured or not, counted once, as what it is. */
	assert_int_equal(after[want].packets - before[want].packets, 1);
	return verdict;
}

static void test_capture_not_armed(void **state)
{
	struct pkt_desc echo = { ECHO4 };

	(void)state;
	assert_int_equal(apply_policy(ECHO_DROP), 0);
	disarm();
	assert_int_equal(run_one(&echo, V4, IG_R_DROP_RULE), XDP_DROP);
	assert_int_equal(maps.capture->seen, 0);
	assert_int_equal(ring_drain(), 0);
}

/* A drop to AF_XDP with no socket on the queue: dropped all the same. */
static void test_capture_drop_no_socket(void **state)
{
	struct pkt_desc echo = { ECHO4 };
	struct ig_capture *c;

	(void)state;
	assert_int_equal(apply_policy(ECHO_DROP), 0);
	c = arm(false, IG_CAP_XSK);
	assert_int_equal(run_one(&echo, V4, IG_R_DROP_RULE), XDP_DROP);
	assert_int_equal(c->seen, 1);
	assert_int_equal(c->no_socket, 1);
	assert_int_equal(c->to_xsk, 0);
	disarm();
}

/* A drop to the socket of queue 0: XDP_REDIRECT, counted as the drop. */
static void test_capture_drop_to_socket(void **state)
{
	struct xsk_umem_config ucfg = { .fill_size = 64,
					.comp_size = 64,
					.frame_size = 4096 };
	struct xsk_socket_config scfg = {
		.rx_size = 64,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
	};
	struct pkt_desc echo = { ECHO4 }, echo6 = { ECHO6 };
	struct xsk_ring_prod fq;
	struct xsk_ring_cons cq, rx;
	struct xsk_socket *xsk = NULL;
	struct xsk_umem *umem = NULL;
	struct ig_capture *c;
	__u32 q = 0;
	void *area;
	int fd;

	(void)state;
	assert_int_equal(sh("ip link add igcap0 type veth peer name igcap1 && "
			    "ip link set igcap0 up && ip link set igcap1 up"),
			 0);
	assert_int_equal(posix_memalign(&area, 4096, 64 * 4096), 0);
	assert_int_equal(
		xsk_umem__create(&umem, area, 64 * 4096, &fq, &cq, &ucfg), 0);
	assert_int_equal(xsk_socket__create(&xsk, "igcap0", 0, umem, &rx, NULL,
					    &scfg),
			 0);
	fd = xsk_socket__fd(xsk);
	assert_int_equal(bpf_map_update_elem(maps.xsks_fd, &q, &fd, BPF_ANY),
			 0);

	assert_int_equal(apply_policy("v4 echo-request drop\n"
				      "v6 echo-request pass\n"),
			 0);
	c = arm(true, IG_CAP_XSK);
	assert_int_equal(run_one(&echo, V4, IG_R_DROP_RULE), XDP_REDIRECT);
	assert_int_equal(c->to_xsk, 1);
	/* A pass is never redirected: it is copied, and passes. */
	assert_int_equal(run_one(&echo6, V6, IG_R_PASS_RULE), XDP_PASS);
	assert_int_equal(c->to_xsk, 1);
	assert_int_equal(c->to_ring, 1);
	assert_int_equal(ring_drain(), 1);
	/* Not armed: the socket in the map changes nothing. */
	disarm();
	assert_int_equal(run_one(&echo, V4, IG_R_DROP_RULE), XDP_DROP);

	xsk_socket__delete(xsk);
	xsk_umem__delete(umem);
	free(area);
	assert_int_equal(sh("ip link del igcap0"), 0);
}

/* Without IG_CAP_XSK, a drop is copied into the ring, with its outcome. */
static void test_capture_ring_record(void **state)
{
	struct pkt_desc echo = { ECHO4 };
	uint8_t frame[FRAME_MAX];
	size_t len = frame_len(&echo, frame);
	struct ig_capture *c;

	(void)state;
	assert_int_equal(apply_policy(ECHO_DROP), 0);
	c = arm(false, 0);
	assert_int_equal(run_one(&echo, V4, IG_R_DROP_RULE), XDP_DROP);
	assert_int_equal(c->to_ring, 1);
	assert_int_equal(ring_drain(), 1);
	assert_int_equal(ring.last.outcome,
			 ig_counter_index(V4, 8, IG_R_DROP_RULE) << 2 |
				 XDP_DROP);
	assert_int_equal(ring.last.len, len);
	assert_int_equal(ring.last.caplen, 64); /* the snaplen */
	assert_int_equal(ring.last_size, IG_CAPTURE_REC_HDR + 64);
	assert_memory_equal(ring.last.data, frame, 64);
	assert_int_equal(ring.last.ts, fake_now);
	disarm();
}

/* Reasons and types not chosen are not taken. */
static void test_capture_filters(void **state)
{
	struct pkt_desc echo = { ECHO4 }, echo6 = { ECHO6 };
	struct ig_capture *c;

	(void)state;
	assert_int_equal(apply_policy("v4 echo-request drop\n"
				      "v6 echo-request pass\n"),
			 0);
	c = arm(false, 0);
	/* Passes are not taken unless asked for. */
	assert_int_equal(run_one(&echo6, V6, IG_R_PASS_RULE), XDP_PASS);
	assert_int_equal(c->seen, 0);
	/* Another reason only. */
	c->reasons = 1ull << IG_R_RATE_LIMITED_CLASS;
	ig_capture_want(c);
	assert_int_equal(run_one(&echo, V4, IG_R_DROP_RULE), XDP_DROP);
	assert_int_equal(c->seen, 0);
	/* The reason, but v4 type 8 left out of the types. */
	c->reasons = 1ull << IG_R_DROP_RULE;
	c->types[V4][0] &= ~(1ull << 8);
	ig_capture_want(c);
	assert_int_equal(run_one(&echo, V4, IG_R_DROP_RULE), XDP_DROP);
	assert_int_equal(c->seen, 0);
	/* v6 type 128 left in does not make v4 type 8 match. */
	c->types[V6][128 / 64] = 1ull << (128 % 64);
	ig_capture_want(c);
	assert_int_equal(run_one(&echo, V4, IG_R_DROP_RULE), XDP_DROP);
	assert_int_equal(c->seen, 0);
	c->types[V4][0] |= 1ull << 8;
	ig_capture_want(c);
	assert_int_equal(run_one(&echo, V4, IG_R_DROP_RULE), XDP_DROP);
	assert_int_equal(c->seen, 1);
	assert_int_equal(ring_drain(), 1);
	disarm();
}

/* --sample 1/3: one packet in three of those that match, the first. */
static void test_capture_sample(void **state)
{
	struct pkt_desc echo = { ECHO4 };
	struct ig_capture *c;
	uint64_t matched;
	int k;

	(void)state;
	assert_int_equal(apply_policy(ECHO_DROP), 0);
	c = arm(false, 0);
	c->sample = 3;
	for (k = 0; k < 9; k++)
		assert_int_equal(run_one(&echo, V4, IG_R_DROP_RULE), XDP_DROP);
	assert_int_equal(ig_capture_cpu_matched(maps.capture_cpu_fd, &matched),
			 0);
	assert_int_equal(matched, 9);
	assert_int_equal(c->seen, 3);
	assert_int_equal(c->to_ring, 3);
	assert_int_equal(ring_drain(), 3);
	disarm();
}

/* The bucket: a burst of 3, then one a millisecond. */
static void test_capture_bucket(void **state)
{
	struct pkt_desc echo = { ECHO4 };
	struct ig_capture *c;
	int k;

	(void)state;
	assert_int_equal(apply_policy(ECHO_DROP), 0);
	c = arm(false, 0);
	c->interval = MS;
	c->tau = 2 * MS;
	for (k = 0; k < 10; k++)
		assert_int_equal(run_one(&echo, V4, IG_R_DROP_RULE), XDP_DROP);
	assert_int_equal(c->to_ring, 3);
	assert_int_equal(c->over_rate, 7);
	clock_advance(MS);
	for (k = 0; k < 3; k++)
		assert_int_equal(run_one(&echo, V4, IG_R_DROP_RULE), XDP_DROP);
	assert_int_equal(c->to_ring, 4);
	assert_int_equal(c->over_rate, 9);
	assert_int_equal(ring_drain(), 4);
	disarm();
}

/* A lease that ran out: nothing taken, and the program clears it. */
static void test_capture_lease_expired(void **state)
{
	struct pkt_desc echo = { ECHO4 };
	struct ig_capture *c;

	(void)state;
	assert_int_equal(apply_policy(ECHO_DROP), 0);
	c = arm(false, 0);
	c->lease = fake_now - 1;
	assert_int_equal(run_one(&echo, V4, IG_R_DROP_RULE), XDP_DROP);
	assert_int_equal(c->seen, 0);
	assert_int_equal(c->lease, 0);
	assert_int_equal(ring_drain(), 0);
	/* Renewed: taken again. */
	c->lease = fake_now + MS;
	assert_int_equal(run_one(&echo, V4, IG_R_DROP_RULE), XDP_DROP);
	assert_int_equal(c->seen, 1);
	disarm();
}

const struct CMUnitTest seqs_capture[] = {
	cmocka_unit_test(test_capture_not_armed),
	cmocka_unit_test(test_capture_drop_no_socket),
	cmocka_unit_test(test_capture_drop_to_socket),
	cmocka_unit_test(test_capture_ring_record),
	cmocka_unit_test(test_capture_filters),
	cmocka_unit_test(test_capture_sample),
	cmocka_unit_test(test_capture_bucket),
	cmocka_unit_test(test_capture_lease_expired),
};

const size_t seqs_capture_n = sizeof(seqs_capture) / sizeof(seqs_capture[0]);
