// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Policy replay against the program itself: a sequence of frames (built
 * by lib/frame.c) with their times is run through the harness's program
 * on its fake clock, and written as a capture (libpcap's dump API) that
 * the replay engine of `policy replay` reads back and runs through a copy
 * of its own. Under a policy that drops, passes, limits (a class bucket
 * and per-source ones) and validates, every frame must get the same
 * verdict both ways and every counter the same packets and bytes; and
 * the counts are the ones the policy and the times call for, so that two
 * runs that agreed on nothing happening would still fail.
 */
#include <linux/if_ether.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intake.h"
#include "localaddr.h"
#include "reasons.h"
#include "replay.h"

#include "harness.h"
#include "pcap_write.h"

#define MS 1000000ull

static const char REPLAY_POLICY[] = "v4 echo-request limit 10/s burst 3\n"
				    "v6 echo-request limit per-source 5/s "
				    "burst 2\n"
				    "v4 timestamp-request drop\n"
				    "v6 packet-too-big pass validate\n";

#define SRC6_A "2001:db8:a::1"
#define SRC6_B "2001:db8:b::1"

static const struct {
	struct pkt_desc pkt;
	uint64_t at; /* ns after the first frame */
} frames[] = {
	/* Six echo requests 1 ms apart: the burst of 3, then 3 limited. */
	{ { ECHO4 }, 0 },
	{ { ECHO4 }, 1 * MS },
	{ { ECHO4 }, 2 * MS },
	{ { ECHO4 }, 3 * MS },
	{ { ECHO4 }, 4 * MS },
	{ { ECHO4 }, 5 * MS },
	/* Per source: A spends its burst of 2, B has its own. */
	{ { ECHO6, .src = SRC6_A }, 6 * MS },
	{ { ECHO6, .src = SRC6_A }, 7 * MS },
	{ { ECHO6, .src = SRC6_A }, 8 * MS },
	{ { ECHO6, .src = SRC6_B }, 9 * MS },
	{ { ECHO6, .src = SRC6_A }, 10 * MS },
	{ { ECHO6, .src = SRC6_B }, 11 * MS },
	{ { ICMP4(13, 0) }, 20 * MS },
	{ { PTB6(1400) }, 21 * MS },
	{ { PTB6Q(1400, "2001:db8:9::9", REMOTE6) }, 22 * MS },
	{ { ICMP4(0, 0) }, 23 * MS },
	{ { .ethertype = ETH_P_ARP }, 24 * MS },
	{ { ECHO4, .cut = FRAME_ETH_LEN + 20 + 2 }, 25 * MS },
	/* 300 ms on: 3 tokens back (10/s); 1.5 s on: the burst again. */
	{ { ECHO4 }, 300 * MS },
	{ { ECHO6, .src = SRC6_A }, 400 * MS },
	{ { ECHO4 }, 1500 * MS },
};
#define N_FRAMES (sizeof(frames) / sizeof(frames[0]))

/* What the sequence must count, by (family, type, reason). */
static const struct {
	int family, type, reason;
	uint64_t packets;
} expected[] = {
	{ V4, 8, IG_R_PASS_LIMIT, 5 },
	{ V4, 8, IG_R_RATE_LIMITED_CLASS, 3 },
	{ V6, 128, IG_R_PASS_LIMIT, 5 },
	{ V6, 128, IG_R_RATE_LIMITED_SOURCE, 2 },
	{ V4, 13, IG_R_DROP_RULE, 1 },
	{ V6, 2, IG_R_PASS_RULE, 1 },
	{ V6, 2, IG_R_INVALID_SOURCE, 1 },
	{ V4, 0, IG_R_PASS_DEFAULT, 1 },
	{ OTHER, 0, IG_R_NON_ICMP, 1 },
	{ V4, 0, IG_R_MALFORMED_ICMP, 1 },
};

/* The frames through the harness's program on its clock. */
static void run_direct(struct pcap_frame *f, int *verdicts,
		       struct ig_counter *delta)
{
	__u64 start;
	size_t i;

	assert_int_equal(apply_policy(REPLAY_POLICY), 0);
	clock_advance(3600ull * 1000000000ull); /* every bucket full */
	start = fake_now;
	assert_int_equal(ig_counters_read(&maps, before), 0);
	for (i = 0; i < N_FRAMES; i++) {
		clock_set(start + frames[i].at);
		verdicts[i] = one_from(frames[i].pkt, frames[i].pkt.src);
		f[i].data = malloc(FRAME_MAX);
		assert_non_null(f[i].data);
		f[i].len = frame_len(&frames[i].pkt, f[i].data);
		/* A capture taken at some time of day: only gaps matter. */
		f[i].ts_ns = 1700000000ull * 1000000000ull + frames[i].at;
	}
	assert_int_equal(ig_counters_read(&maps, after), 0);
	for (i = 0; i < IG_COUNTER_ENTRIES; i++) {
		delta[i].packets = after[i].packets - before[i].packets;
		delta[i].bytes = after[i].bytes - before[i].bytes;
	}
}

/* The capture through the replay engine, as `policy replay` runs it. */
static void run_replay(const char *path, int *verdicts,
		       struct ig_counter *counters)
{
	struct ig_pcap_reader *r = malloc(sizeof(*r));
	struct ig_local_set *local = local_addresses();
	struct ig_compiled c = {};
	struct ig_replay_prog p;
	const uint8_t *frame;
	size_t len, n = 0;
	uint64_t ts;

	assert_non_null(r);
	assert_non_null(local);
	assert_int_equal(ig_intake_text("replay", REPLAY_POLICY,
					strlen(REPLAY_POLICY), "replay", &c),
			 0);
	assert_int_equal(ig_replay_prog_open(&p, SOURCES_MAX, &c, local), 0);
	assert_int_equal(ig_pcap_reader_open("replay", path, r), 0);
	while (ig_pcap_reader_next("replay", r, &frame, &len, &ts) == 1) {
		assert_true(n < N_FRAMES);
		assert_int_equal(ig_replay_prog_run(&p, frame, len, ts,
						    &verdicts[n]),
				 0);
		n++;
	}
	assert_int_equal(n, N_FRAMES);
	assert_int_equal(r->truncated + r->outgoing, 0);
	assert_int_equal(ig_replay_prog_counters(&p, counters), 0);
	ig_pcap_reader_close(r);
	ig_replay_prog_close(&p);
	ig_compiled_free(&c);
	free(local);
	free(r);
}

static void replay_matches_program(void **state)
{
	struct ig_counter *direct = calloc(IG_COUNTER_ENTRIES, sizeof(*direct));
	struct ig_counter *replayed =
		calloc(IG_COUNTER_ENTRIES, sizeof(*replayed));
	struct pcap_frame f[N_FRAMES] = {};
	int v_direct[N_FRAMES], v_replay[N_FRAMES];
	char path[] = "/tmp/ig-replay-XXXXXX";
	size_t i, differ = 0;
	int fd;

	(void)state;
	assert_non_null(direct);
	assert_non_null(replayed);
	run_direct(f, v_direct, direct);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pcap_write_frames(path, f, N_FRAMES), 0);
	run_replay(path, v_replay, replayed);
	unlink(path);

	for (i = 0; i < N_FRAMES; i++) {
		if (v_direct[i] != v_replay[i])
			print_error("frame %zu: verdict %d, replayed %d\n", i,
				    v_direct[i], v_replay[i]);
		differ += v_direct[i] != v_replay[i];
		free(f[i].data);
	}
	for (i = 0; i < IG_COUNTER_ENTRIES; i++) {
		if (!memcmp(&direct[i], &replayed[i], sizeof(direct[i])))
			continue;
		print_error("counter family %zu type %zu reason %s: %llu "
			    "packets, replayed %llu\n",
			    i / IG_REASON_COUNT / IG_TYPES,
			    i / IG_REASON_COUNT % IG_TYPES,
			    ig_reasons[i % IG_REASON_COUNT].name,
			    (unsigned long long)direct[i].packets,
			    (unsigned long long)replayed[i].packets);
		differ++;
	}
	for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
		assert_int_equal(replayed[ig_counter_index(expected[i].family,
							   expected[i].type,
							   expected[i].reason)]
					 .packets,
				 expected[i].packets);
	free(direct);
	free(replayed);
	assert_int_equal(differ, 0);
}

const struct CMUnitTest seqs_replay[] = {
	cmocka_unit_test(replay_matches_program),
};
const size_t seqs_replay_n = sizeof(seqs_replay) / sizeof(seqs_replay[0]);
