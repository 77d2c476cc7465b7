// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of user/metrics.c on synthetic interfaces, without BPF: the
 * exposition is well formed line by line (each family's HELP and TYPE
 * once, before all of its samples, the samples of every interface
 * together), counters carry the labels of their entry and only entries
 * that counted appear, label values are escaped, limits read as rates and
 * bursts, and each PMTUD histogram's buckets are cumulative and end in
 * +Inf = _count. Also: the program's bucket function agrees with the
 * bounds the controller prints.
 */
#include <errno.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../include/icmpgate.h"
#include "ratelimit_math.h"
#include "metrics.h"
#include "stats.h"

/* The exposition of n interfaces, as a malloc'ed string. */
static char *render(const struct ig_metrics_iface *ifs, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	assert_int_equal(ig_metrics_write(out, ifs, n), 0);
	assert_int_equal(fclose(out), 0);
	return text;
}

static struct ig_metrics_iface *two_ifaces(void)
{
	struct ig_metrics_iface *ifs = calloc(2, sizeof(*ifs));
	int k;

	assert_non_null(ifs);
	for (k = 0; k < 2; k++) {
		snprintf(ifs[k].name, sizeof(ifs[k].name), "eth%d", k);
		ifs[k].counters =
			calloc(IG_COUNTER_ENTRIES, sizeof(*ifs[k].counters));
		assert_non_null(ifs[k].counters);
		ifs[k].attached = true;
		ifs[k].state.mode = IG_MODE_SKB;
		ifs[k].state.layout = IG_LAYOUT;
		ifs[k].state.prog_id = 40 + k;
		ifs[k].state.digest = 0x0123456789abcdefull;
		ifs[k].state.generation = 7;
		ifs[k].state.policy_at = 1700000000123456789ull;
		ifs[k].sources_capacity = 65536;
	}
	return ifs;
}

static void free_ifaces(struct ig_metrics_iface *ifs)
{
	free(ifs[0].counters);
	free(ifs[1].counters);
	free(ifs);
}

static void assert_line(const char *text, const char *line)
{
	const char *p = text;
	size_t n = strlen(line);

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return;
		p += n;
	}
	fail_msg("no line '%s' in:\n%s", line, text);
}

/* Does any line start with prefix? */
static bool has_prefix(const char *text, const char *prefix)
{
	const char *p = text;

	while ((p = strstr(p, prefix)) != NULL) {
		if (p == text || p[-1] == '\n')
			return true;
		p++;
	}
	return false;
}

/*
 * The text format's grammar, as far as we use it: every line a HELP, a
 * TYPE, or a sample of the family last typed (a histogram's with its
 * suffixes); no family typed twice; the samples of a family contiguous.
 */
static void assert_well_formed(char *text)
{
	char family[128] = "", type[32] = "", seen[4096] = " ", *line, *save;
	regex_t sample;
	regmatch_t m[2];
	char name[128];
	size_t len;

	assert_int_equal(regcomp(&sample,
				 "^([a-z_]+)(\\{([a-z_]+=\"([^\"\\\\]|\\\\.)*\""
				 "(,[a-z_]+=\"([^\"\\\\]|\\\\.)*\")*)?\\})? "
				 "[0-9][0-9.e+]*$",
				 REG_EXTENDED),
			 0);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "# HELP ", 7)) {
			assert_int_equal(sscanf(line + 7, "%127s", family), 1);
			continue;
		}
		if (!strncmp(line, "# TYPE ", 7)) {
			assert_int_equal(
				sscanf(line + 7, "%127s %31s", name, type), 2);
			assert_string_equal(name, family); /* HELP first */
			snprintf(name, sizeof(name), " %s ", family);
			if (strstr(seen, name))
				fail_msg("family %s typed twice", family);
			strncat(seen, name + 1,
				sizeof(seen) - strlen(seen) - 1);
			continue;
		}
		if (regexec(&sample, line, 2, m, 0))
			fail_msg("not a sample line: '%s'", line);
		len = (size_t)(m[1].rm_eo - m[1].rm_so);
		snprintf(name, sizeof(name), "%.*s", (int)len, line);
		if (!strcmp(name, family))
			continue;
		if (!strcmp(type, "histogram") &&
		    !strncmp(name, family, strlen(family)) &&
		    (!strcmp(name + strlen(family), "_bucket") ||
		     !strcmp(name + strlen(family), "_sum") ||
		     !strcmp(name + strlen(family), "_count")))
			continue;
		fail_msg("sample '%s' outside its family (%s)", line, family);
	}
	regfree(&sample);
}

static void test_well_formed(void **state)
{
	struct ig_metrics_iface *ifs = two_ifaces();
	char *text;

	(void)state;
	ifs[0].counters[ig_counter_index(IG_FAM_V4, 8, IG_R_PASS_RULE)] =
		(struct ig_counter){ 5, 420 };
	ifs[1].counters[ig_counter_index(IG_FAM_V6, 128, IG_R_DROP_RULE)] =
		(struct ig_counter){ 2, 208 };
	ifs[1].pmtud[ig_pmtu_index(IG_FAM_V6, IG_PMTU_FORGED)].count[1] = 3;
	text = render(ifs, 2);
	assert_line(text, "# TYPE icmpgate_packets_total counter");
	assert_line(text, "# TYPE icmpgate_pmtud_mtu_bytes histogram");
	assert_line(text, "icmpgate_interfaces 2");
	assert_well_formed(text);
	free(text);
	/* No interface: every family, no sample but the count. */
	text = render(NULL, 0);
	assert_line(text, "icmpgate_interfaces 0");
	assert_false(has_prefix(text, "icmpgate_packets_total{"));
	assert_well_formed(text);
	free(text);
	free_ifaces(ifs);
}

static void test_counters(void **state)
{
	struct ig_metrics_iface *ifs = two_ifaces();
	char *text;

	(void)state;
	ifs[0].counters[ig_counter_index(IG_FAM_V4, 8, IG_R_PASS_RULE)] =
		(struct ig_counter){ 5, 420 };
	/* transit v6 echo-request, rate-limited by its source's bucket */
	ifs[0].counters[ig_counter_index(
		ig_counter_family(IG_FAM_V6, IG_SIDE_TRANSIT), 128,
		IG_R_RATE_LIMITED_SOURCE)] = (struct ig_counter){ 9, 936 };
	/* not ICMP, counted under type 0: no type in the labels */
	ifs[1].counters[ig_counter_index(IG_FAM_OTHER, 0, IG_R_NON_ICMP)] =
		(struct ig_counter){ 3, 180 };
	/* audit mode: passed, and would have been dropped by rule */
	ifs[1].counters[ig_counter_index(IG_FAM_V4, 13, IG_R_AUDIT_DROP_RULE)] =
		(struct ig_counter){ 2, 128 };
	/* a type without a name */
	ifs[1].counters[ig_counter_index(IG_FAM_V4, 99, IG_R_DROP_DEFAULT)] =
		(struct ig_counter){ 1, 64 };
	text = render(ifs, 2);
	assert_line(text,
		    "icmpgate_packets_total{interface=\"eth0\",side=\"host\","
		    "family=\"v4\",type=\"8\",type_name=\"echo-request\","
		    "reason=\"pass-rule\",verdict=\"pass\"} 5");
	assert_line(text,
		    "icmpgate_bytes_total{interface=\"eth0\",side=\"host\","
		    "family=\"v4\",type=\"8\",type_name=\"echo-request\","
		    "reason=\"pass-rule\",verdict=\"pass\"} 420");
	assert_line(
		text,
		"icmpgate_packets_total{interface=\"eth0\",side=\"transit\","
		"family=\"v6\",type=\"128\",type_name=\"echo-request\","
		"reason=\"rate-limited-source\",verdict=\"drop\"} 9");
	assert_line(text,
		    "icmpgate_packets_total{interface=\"eth1\",side=\"host\","
		    "family=\"other\",type=\"\",type_name=\"\","
		    "reason=\"non-icmp\",verdict=\"pass\"} 3");
	assert_line(text,
		    "icmpgate_packets_total{interface=\"eth1\",side=\"host\","
		    "family=\"v4\",type=\"99\",type_name=\"\","
		    "reason=\"drop-default\",verdict=\"drop\"} 1");
	assert_line(text,
		    "icmpgate_packets_total{interface=\"eth1\",side=\"host\","
		    "family=\"v4\",type=\"13\",type_name=\"timestamp-request\","
		    "reason=\"audit-drop-rule\",verdict=\"pass\"} 2");
	/* only the entries that counted: 5 packet and 5 byte samples */
	{
		const char *p = text;
		int n = 0;

		while ((p = strstr(p, "_total{interface=")) != NULL) {
			n++;
			p++;
		}
		assert_int_equal(n, 10);
	}
	free(text);
	free_ifaces(ifs);
}

static void test_attachment(void **state)
{
	struct ig_metrics_iface *ifs = two_ifaces();
	char *text;

	(void)state;
	ifs[1].attached = false;
	ifs[1].state.mode = IG_MODE_NATIVE;
	ifs[1].state.multiprog = 1;
	ifs[1].state.netns = 4026531840u;
	ifs[0].sources_used = 12;
	text = render(ifs, 2);
	assert_line(text, "icmpgate_attached{interface=\"eth0\"} 1");
	assert_line(text, "icmpgate_attached{interface=\"eth1\"} 0");
	assert_line(text, "icmpgate_policy_generation{interface=\"eth0\"} 7");
	assert_line(text, "icmpgate_policy_applied_timestamp_seconds"
			  "{interface=\"eth0\"} 1700000000.123");
	assert_line(text, "icmpgate_sources_tracked{interface=\"eth0\"} 12");
	assert_line(text,
		    "icmpgate_sources_capacity{interface=\"eth1\"} 65536");
	{
		char want[256];

		snprintf(want, sizeof(want),
			 "icmpgate_info{interface=\"eth1\",mode=\"native\","
			 "dispatcher=\"libxdp\",layout=\"%d\",prog_id=\"41\","
			 "netns=\"4026531840\","
			 "policy_digest=\"0123456789abcdef\"} 1",
			 IG_LAYOUT);
		assert_line(text, want);
	}
	free(text);
	free_ifaces(ifs);
}

static void test_limits(void **state)
{
	struct ig_metrics_iface *ifs = two_ifaces();
	char *text;

	(void)state;
	ifs[0].limits[0] = (struct ig_metrics_limit){
		.side = IG_SIDE_HOST,
		.family = IG_FAM_V4,
		.type = 8,
		.code = -1,
		.rate = 1000,
		.burst = 1000,
	};
	ifs[0].limits[1] = (struct ig_metrics_limit){
		.side = IG_SIDE_HOST,
		.family = IG_FAM_V4,
		.type = 3,
		.code = 4,
		.source = true,
		.prefix_len = 32,
		.rate = 100,
		.burst = 200,
	};
	ifs[0].limits[2] = (struct ig_metrics_limit){
		.side = IG_SIDE_TRANSIT,
		.family = IG_FAM_V6,
		.type = 128,
		.code = -1,
		.bytes = true,
		.rate = 125000.5,
		.burst = 1500,
	};
	ifs[0].n_limits = 3;
	text = render(ifs, 2);
	assert_line(text,
		    "icmpgate_ratelimit_rate{interface=\"eth0\",side=\"host\","
		    "family=\"v4\",type=\"8\",type_name=\"echo-request\","
		    "code=\"\",bucket=\"class\",unit=\"packets\"} 1000");
	assert_line(text,
		    "icmpgate_ratelimit_burst{interface=\"eth0\",side=\"host\","
		    "family=\"v4\",type=\"3\",type_name=\"dest-unreachable\","
		    "code=\"4\",bucket=\"source\",unit=\"packets\"} 200");
	assert_line(text,
		    "icmpgate_ratelimit_rate{interface=\"eth0\","
		    "side=\"transit\",family=\"v6\",type=\"128\","
		    "type_name=\"echo-request\",code=\"\",bucket=\"class\","
		    "unit=\"bytes\"} 125000.5");
	assert_false(
		has_prefix(text, "icmpgate_ratelimit_rate{interface=\"eth1\""));
	free(text);
	free_ifaces(ifs);
}

static void test_pmtud_histogram(void **state)
{
	struct ig_metrics_iface *ifs = two_ifaces();
	struct ig_pmtu_hist *h;
	char *text;

	(void)state;
	h = &ifs[0].pmtud[ig_pmtu_index(IG_FAM_V4, IG_PMTU_VALID)];
	h->count[ig_pmtu_bucket(576)] += 1;
	h->count[ig_pmtu_bucket(1280)] += 3;
	h->count[ig_pmtu_bucket(1500)] += 2;
	h->count[ig_pmtu_bucket(9001)] += 1;
	h->sum = 576 + 3 * 1280 + 2 * 1500 + 9001;
	text = render(ifs, 2);
#define V4_VALID(suffix, le)                 \
	"icmpgate_pmtud_mtu_bytes_" suffix   \
	"{interface=\"eth0\",family=\"v4\"," \
	"outcome=\"valid\"" le "}"
	assert_line(text, V4_VALID("bucket", ",le=\"576\"") " 1");
	assert_line(text, V4_VALID("bucket", ",le=\"1280\"") " 4");
	assert_line(text, V4_VALID("bucket", ",le=\"1492\"") " 4");
	assert_line(text, V4_VALID("bucket", ",le=\"1500\"") " 6");
	assert_line(text, V4_VALID("bucket", ",le=\"9000\"") " 6");
	assert_line(text, V4_VALID("bucket", ",le=\"+Inf\"") " 7");
	assert_line(text, V4_VALID("count", "") " 7");
	assert_line(text, V4_VALID("sum", "") " 16417");
#undef V4_VALID
	/* every histogram of every interface is there, zeros included */
	assert_line(text, "icmpgate_pmtud_mtu_bytes_count{interface=\"eth1\","
			  "family=\"v6\",outcome=\"forged\"} 0");
	free(text);
	free_ifaces(ifs);
}

/* A bucket as the compiler makes it reads back as the policy's numbers. */
static void limit_is(__u64 amount, __u64 period_s, __u64 burst, bool bits,
		     double rate, double want_burst)
{
	struct ig_bucket_cfg b =
		ig_rl_bucket(amount, period_s * 1000000000ull, burst, bits);
	struct ig_metrics_limit l;

	ig_metrics_limit_of(&b, bits, &l);
	assert_int_equal(l.bytes, bits);
	if (l.rate < rate * 0.9999 || l.rate > rate * 1.0001 ||
	    l.burst < want_burst * 0.9999 || l.burst > want_burst * 1.0001)
		fail_msg("%llu per %llu s burst %llu%s: rate %g burst %g, want "
			 "%g and %g",
			 (unsigned long long)amount,
			 (unsigned long long)period_s,
			 (unsigned long long)burst, bits ? " (bits)" : "",
			 l.rate, l.burst, rate, want_burst);
}

static void test_limit_numbers(void **state)
{
	struct ig_bucket_cfg zero = ig_rl_bucket(0, 1000000000ull, 5, 0);
	struct ig_metrics_limit l;

	(void)state;
	limit_is(1000, 1, 1000, false, 1000, 1000);
	limit_is(10, 1, 20, false, 10, 20);
	limit_is(30, 60, 5, false, 0.5, 5); /* 30/min */
	limit_is(1000000, 1, 1, false, 1000000, 1);
	/* 10mbit/s with a burst of 3000 bytes: bytes per second */
	limit_is(10000000, 1, 3000, true, 1250000, 3000);
	limit_is(8, 1, 1500, true, 1, 1500);
	/* rate 0 passes nothing: no rate, no burst */
	ig_metrics_limit_of(&zero, false, &l);
	assert_true(l.rate == 0 && l.burst == 0);
}

/* The program's buckets (ig_pmtu_bucket) are the bounds shown, le-style. */
static void test_pmtu_buckets(void **state)
{
	int b;

	(void)state;
	assert_int_equal(ig_pmtu_bucket(0), 0);
	for (b = 0; b < IG_PMTU_BUCKETS - 1; b++) {
		assert_int_equal(ig_pmtu_bucket(ig_pmtu_bounds[b]), b);
		assert_int_equal(ig_pmtu_bucket(ig_pmtu_bounds[b] + 1), b + 1);
		if (b)
			assert_true(ig_pmtu_bounds[b] > ig_pmtu_bounds[b - 1]);
	}
	assert_int_equal(ig_pmtu_bucket(0xffffffff), IG_PMTU_BUCKETS - 1);
	assert_int_equal(ig_pmtu_index(IG_FAM_V6, IG_PMTU_FORGED),
			 IG_PMTU_ENTRIES - 1);
}

static void test_escape(void **state)
{
	struct ig_metrics_iface *ifs = two_ifaces();
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	out = open_memstream(&text, &len);
	assert_non_null(out);
	ig_metrics_label(out, "a\"b\\c\nd");
	fclose(out);
	assert_string_equal(text, "a\\\"b\\\\c\\nd");
	free(text);
	/* an interface name may hold a quote (Linux refuses only / : and
	 * white space) */
	snprintf(ifs[0].name, sizeof(ifs[0].name), "we\"ird");
	text = render(ifs, 1);
	assert_line(text, "icmpgate_attached{interface=\"we\\\"ird\"} 1");
	assert_well_formed(text);
	free(text);
	free_ifaces(ifs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_well_formed),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_attachment),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_limit_numbers),
		cmocka_unit_test(test_pmtud_histogram),
		cmocka_unit_test(test_pmtu_buckets),
		cmocka_unit_test(test_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
