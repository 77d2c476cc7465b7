// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* capture (capture_cmd.h): options, checks and the handler. */
#include <errno.h>
#include <stdio.h>

#include "capture.h"
#include "cmd/capture_cmd.h"
#include "log.h"
#include "session.h"

#define O(field) IG_OPTS_AT(struct ig_capture_opts, field)

static const struct ig_arg capture_args[] = {
	{ "IFACE", O(iface), IG_ARG_IFACE },
	IG_ARG_END,
};

static const struct ig_opt capture_opts[] = {
	{ "write", 'w', IG_OPT_STRING, O(write), "FILE|-",
	  "write pcap to FILE ('-': stdout, e.g. into tcpdump -r -); without it, one line a packet",
	  0, 0, NULL },
	{ "count", 'c', IG_OPT_UINT, O(count), "COUNT",
	  "stop after COUNT packets", 1, 1000000000, NULL },
	{ "reason", 0, IG_OPT_STRING, O(reasons), "R,...",
	  "only packets counted under these reasons ('icmpgate names reasons'); default: every drop",
	  0, 0, NULL },
	{ "type", 0, IG_OPT_STRING, O(types), "[v4:|v6:]TYPE,...",
	  "only ICMP of these types (names or numbers)", 0, 0, NULL },
	{ "sample", 0, IG_OPT_STRING, O(sample), "1/N",
	  "take one in N of the packets that match", 0, 0, NULL },
	{ "snaplen", 's', IG_OPT_UINT, O(snaplen), "N",
	  "write at most N bytes of a packet (64-262144; the ring buffer copies at most 2048)",
	  64, IG_CAPTURE_SNAPLEN_MAX, NULL },
	{ "duration", 'd', IG_OPT_UINT, O(duration), "SECONDS",
	  "stop after SECONDS (1-86400)", 1, 86400, NULL },
	{ "rate", 'r', IG_OPT_UINT, O(rate), "PPS",
	  "take at most PPS packets a second, in bursts of a tenth of that (1-1000000, default 1000)",
	  1, IG_CAPTURE_RATE_MAX, NULL },
	{ "passed", 'p', IG_OPT_BOOL, O(passed), NULL,
	  "passed ICMP too (copied through the ring buffer: the stack still gets it)",
	  0, 0, NULL },
	{ "ring", 0, IG_OPT_BOOL, O(ring), NULL,
	  "drops through the ring buffer too, not AF_XDP", 0, 0, NULL },
	IG_OPT_END,
};

static struct ig_capture_spec spec_of(const struct ig_capture_opts *o)
{
	struct ig_capture_spec spec = {
		.reasons = o->reasons,
		.types = o->types,
		.sample = o->sample,
		.snaplen = o->snaplen,
		.rate = o->rate,
		.passed = o->passed,
	};

	return spec;
}

/* Bad filters are usage errors, found before anything is opened. */
static const char *capture_check(const void *opts)
{
	static char why[256];
	struct ig_capture_spec spec = spec_of(opts);
	struct ig_capture cfg;

	if (ig_capture_compile(&spec, &cfg, why, sizeof(why)))
		return why;
	return NULL;
}

int ig_cmd_capture(const void *opts)
{
	const struct ig_capture_opts *o = opts;
	struct ig_capture_spec spec = spec_of(o);
	struct ig_capture_run run = {
		.file = o->write,
		.snaplen = (uint32_t)o->snaplen,
		.count = o->count,
		.duration_ms = (uint64_t)o->duration * 1000,
		.ring = o->ring,
	};
	const char *cmd = "capture";
	struct ig_iface i;
	char why[256];
	int err;

	err = ig_capture_compile(&spec, &run.cfg, why, sizeof(why));
	if (err)
		return ig_usage_error(cmd, "%s", why);
	err = ig_iface_open(cmd, o->iface, IG_OPEN_LIVE, &i);
	if (err)
		return err;
	err = ig_capture(cmd, &i, &run);
	ig_iface_close(&i);
	return err;
}

const struct ig_command ig_capture_cmd = {
	"capture",
	"show or save the packets the filter drops",
	"Hand the packets the filter drops on IFACE (by default every drop; "
	"--reason and --type choose, --passed adds what passes) to this "
	"command while it runs, and print one line for each (time, reason, "
	"family, type/code, addresses, length) or write them as pcap. Drops "
	"come through an AF_XDP socket per RX queue (zero-copy where the "
	"driver supports it, copy mode otherwise), passed packets as copies "
	"through a ring buffer, which also serves drops where AF_XDP cannot "
	"be had; the first line on stderr says which. Verdicts and counters "
	"do not change. The program takes at most --rate packets a second; "
	"when the command ends, or is killed, the program is back to plain "
	"verdicts within a second. One capture per interface at a time.",
	capture_args,
	capture_opts,
	capture_check,
	ig_cmd_capture
};
