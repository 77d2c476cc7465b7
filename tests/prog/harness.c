// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The prog tier's harness (harness.h): load the program, apply a policy,
 * drive its clock, run one frame or one table case, read what the counters
 * did.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compile.h"
#include "localaddr.h"
#include "loader.h"
#include "policy.h"
#include "reasons.h"

#include "harness.h"

const char DEFAULT_DROP[] = "default drop\n"
			    "v4 echo-reply pass\n"
			    "v6 echo-reply pass\n";
const char ECHO_DROP[] = "v4 echo-request drop\n"
			 "v6 echo-request drop\n";

struct icmpgate_bpf *skel;
struct ig_maps maps;
__u64 fake_now; /* ns, what the program's clock reads */
static const char *live_policy; /* the policy text now in force */
struct ig_counter before[IG_COUNTER_ENTRIES];
struct ig_counter after[IG_COUNTER_ENTRIES];

int apply_policy(const char *text)
{
	struct ig_compiled compiled = {};
	struct ig_policy policy;
	struct ig_diag diag = {};
	char msg[512];
	int err;

	if (!text)
		text = ig_default_policy;
	if (live_policy == text)
		return 0;
	ig_policy_init(&policy);
	err = ig_policy_parse(&policy, text, strlen(text), "case", &diag);
	if (err) {
		ig_diag_format(&diag, msg, sizeof(msg));
		fprintf(stderr, "policy: %s\n", msg);
		goto out;
	}
	err = ig_policy_compile(&policy, &compiled);
	if (err)
		goto out;
	err = ig_store_apply(&maps, &compiled);
	if (!err)
		live_policy = text;
out:
	ig_compiled_free(&compiled);
	ig_policy_free(&policy);
	return err;
}

/* Move the program's clock; buckets see it at their next packet. */
void clock_set(__u64 ns)
{
	fake_now = ns;
	__atomic_store_n(&skel->bss->ig_fake_now, ns, __ATOMIC_RELAXED);
}

void clock_advance(__u64 ns)
{
	clock_set(fake_now + ns);
}

/* Every per-source bucket unused, as after a fresh attach. */
void sources_clear(void)
{
	struct bpf_map *m = skel->maps.ig_sources;
	__u32 set, sets = bpf_map__max_entries(m);
	char zero[256] = { 0 };

	assert_true(bpf_map__value_size(m) <= sizeof(zero));
	for (set = 0; set < sets; set++)
		assert_int_equal(
			bpf_map__update_elem(m, &set, sizeof(set), zero,
					     bpf_map__value_size(m), BPF_ANY),
			0);
}

/* One run of a case's frame: its verdict, and exactly its counter moved. */
static void run_once(const struct prog_case *tc, uint8_t *frame, size_t len)
{
	size_t i, moved = 0;
	__u32 want = ig_counter_index(tc->family, tc->type, tc->reason);
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = len, .repeat = 1);

	assert_int_equal(ig_counters_read(&maps, before), 0);
	assert_int_equal(bpf_prog_test_run_opts(
				 bpf_program__fd(skel->progs.icmpgate_xdp),
				 &opts),
			 0);
	assert_int_equal(ig_counters_read(&maps, after), 0);

	for (i = 0; i < IG_COUNTER_ENTRIES; i++) {
		if (!memcmp(&before[i], &after[i], sizeof(before[i])))
			continue;
		moved++;
		if (i != want)
			print_error(
				"counter moved: family %zu type %zu reason %s\n",
				i / IG_REASON_COUNT / IG_TYPES,
				i / IG_REASON_COUNT % IG_TYPES,
				ig_reasons[i % IG_REASON_COUNT].name);
	}
	assert_int_equal(opts.retval, tc->verdict);
	assert_int_equal(after[want].packets - before[want].packets, 1);
	assert_int_equal(after[want].bytes - before[want].bytes, len);
	assert_int_equal(moved, 1);
}

/*
 * A case runs twice, with every bucket full each time. First cold: the
 * kernel's word on forwarding has expired, so the program asks it and
 * judges on the general path. Then with that word still fresh, as for
 * every packet after the first on a host: a plain frame's ICMP may then
 * be judged by judge_plain() (bpf/icmpgate.bpf.c), which must come to the
 * same verdict and count.
 */
void run_case(void **state)
{
	const struct prog_case *tc = *state;
	const __u64 hour = 3600ull * 1000000000ull;
	uint8_t frame[FRAME_MAX];
	size_t len = frame_len(&tc->pkt, frame);
	__u64 *fwd_off = skel->bss->ig_fwd_off_until;
	int family = pkt_family(&tc->pkt);

	assert_int_equal(apply_policy(tc->policy), 0);
	clock_advance(hour); /* every bucket full, the kernel's word old */
	run_once(tc, frame, len);

	/*
	 * Unless the program asked the kernel nothing: the frame is not ICMP,
	 * or its destination is the host's without asking (multicast,
	 * broadcast). The harness's namespace forwards nothing.
	 */
	if (fwd_off[family] <= fake_now)
		return;
	clock_advance(hour);
	fwd_off[family] += hour;
	run_once(tc, frame, len);
}

/* This host's addresses as `sync` would read them; malloc'ed, or NULL. */
struct ig_local_set *local_addresses(void)
{
	static const struct {
		int family;
		const char *addr;
		uint32_t kind;
	} ours[] = {
		{ V4, OUR4, IG_LOCAL_ADDR },
		{ V4, "198.51.100.2", IG_LOCAL_ADDR },
		{ V4, OUR4_BCAST, IG_LOCAL_BROADCAST },
		{ V6, OUR6, IG_LOCAL_ADDR },
		{ V6, OUR6_LL, IG_LOCAL_ADDR },
		{ V4, "127.0.0.1", IG_LOCAL_ADDR }, /* validate socket */
	};
	struct ig_local_set *s = calloc(1, sizeof(*s));
	uint8_t addr[16];
	size_t i;
	int err = 0;

	if (!s)
		return NULL;
	for (i = 0; i < sizeof(ours) / sizeof(ours[0]) && !err; i++) {
		inet_pton(ours[i].family == V6 ? AF_INET6 : AF_INET,
			  ours[i].addr, addr);
		err = ig_local_add(s, ours[i].family, addr, ours[i].kind);
	}
	s->mtu = IF_MTU;
	if (err) {
		free(s);
		return NULL;
	}
	return s;
}

/* The local-address map as `sync` would write it for our interface. */
int set_local_addresses(void)
{
	struct ig_local_set *s = local_addresses();
	int err;

	if (!s)
		return -1;
	err = ig_local_sync(&maps, s, NULL, NULL);
	free(s);
	return err;
}

/* Run a shell command in the test's namespace; 0 if it succeeded. */
int sh(const char *cmd)
{
	int rc = system(cmd);

	if (rc)
		fprintf(stderr, "'%s' failed (%d)\n", cmd, rc);
	return rc ? -EIO : 0;
}

/*
 * The tests run in a network namespace of their own, with loopback up
 * and forwarding off: the program asks the kernel whether a frame is
 * addressed to this host (bpf/side.h), and the answer must not depend on
 * the routes and sysctls of the machine the tests run on. (A new
 * namespace inherits IPv4 forwarding from the first one: set it.)
 */
static int enter_test_netns(void)
{
	cpu_set_t one;

	/*
	 * One CPU: the program keeps per-CPU state (the side cache), and a
	 * test that reads it twice must meet the same CPU's both times.
	 */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		fprintf(stderr, "cannot pin the tests to one CPU: %s\n",
			strerror(errno));
	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "cannot make a network namespace: %s\n",
			strerror(errno));
		return -errno;
	}
	return sh("ip link set lo up && "
		  "sysctl -qw net.ipv4.conf.all.forwarding=0 "
		  "net.ipv6.conf.all.forwarding=0");
}

int load_program(void **state)
{
	struct timespec ts;
	int err;

	(void)state;
	if (enter_test_netns())
		return -1;
	err = ig_loader_load_detached(&skel, SOURCES_MAX, true);
	if (err) {
		fprintf(stderr, "cannot load the XDP program: %s\n",
			strerror(-err));
		return -1;
	}
	/*
	 * A new class bucket starts full at the controller's CLOCK_MONOTONIC:
	 * keep the fake clock ahead of it.
	 */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	clock_set((__u64)ts.tv_sec * 1000000000ull + 3600ull * 1000000000ull);
	err = ig_maps_from_object(&maps, skel->obj);
	return err ? err : set_local_addresses();
}

int unload_program(void **state)
{
	(void)state;
	ig_maps_close(&maps);
	icmpgate_bpf__destroy(skel);
	return 0;
}

size_t frame_len(const struct pkt_desc *d, uint8_t *frame)
{
	int n = frame_build(d, frame, FRAME_MAX);

	if (n < 0)
		fail_msg("cannot build the frame: %s", strerror(-n));
	return (size_t)n;
}

int pkt_family(const struct pkt_desc *pkt)
{
	return pkt->ethertype == ETH_P_IPV6 ? V6 : V4;
}

/* One packet from src; its verdict. */
int one_from(struct pkt_desc pkt, const char *src)
{
	uint8_t frame[FRAME_MAX];
	size_t len;

	pkt.src = src;
	len = frame_len(&pkt, frame);
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = len, .repeat = 1);
	assert_int_equal(bpf_prog_test_run_opts(
				 bpf_program__fd(skel->progs.icmpgate_xdp),
				 &opts),
			 0);
	return (int)opts.retval;
}

/* The reason counted for one packet of pkt's family and type. */
int reason_of(const struct pkt_desc *pkt)
{
	__u32 fam = pkt_family(pkt), r;
	int found = -1;

	assert_int_equal(ig_counters_read(&maps, before), 0);
	one_from(*pkt, pkt->src);
	assert_int_equal(ig_counters_read(&maps, after), 0);
	for (r = 0; r < IG_REASON_COUNT; r++)
		if (after[ig_counter_index(fam, pkt->type, r)].packets !=
		    before[ig_counter_index(fam, pkt->type, r)].packets)
			found = (int)r;
	return found;
}

/* The reason and side one packet of pkt's family and type is counted on. */
int outcome_of(const struct pkt_desc *pkt, int *side)
{
	__u32 fam = pkt_family(pkt), r, cfam, sd;
	int found = -1;

	assert_int_equal(ig_counters_read(&maps, before), 0);
	one_from(*pkt, pkt->src);
	assert_int_equal(ig_counters_read(&maps, after), 0);
	for (sd = 0; sd < IG_SIDES; sd++) {
		cfam = ig_counter_family(fam, sd);
		for (r = 0; r < IG_REASON_COUNT; r++)
			if (after[ig_counter_index(cfam, pkt->type, r)].packets !=
			    before[ig_counter_index(cfam, pkt->type, r)]
				    .packets) {
				found = (int)r;
				*side = (int)sd;
			}
	}
	return found;
}
