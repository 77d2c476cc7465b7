// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The exposition of `metrics` and `serve` (metrics.h): Prometheus text
 * format 0.0.4. Each metric family is written once, its HELP and TYPE
 * lines first and then its samples of every interface, as the format
 * requires. Counters are only written for entries that counted something:
 * a series appears with its first packet, as Prometheus clients do.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "loader.h"
#include "metrics.h"
#include "names.h"
#include "reasons.h"
#include "stats.h"

void ig_metrics_label(FILE *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\')
			fputs("\\\\", out);
		else if (*v == '"')
			fputs("\\\"", out);
		else if (*v == '\n')
			fputs("\\n", out);
		else
			fputc(*v, out);
	}
}

static void family_head(FILE *out, const char *name, const char *type,
			const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* `name{interface="..."` : the caller adds its labels and the value. */
static void sample_start(FILE *out, const char *name,
			 const struct ig_metrics_iface *i)
{
	fprintf(out, "%s{interface=\"", name);
	ig_metrics_label(out, i->name);
	fputc('"', out);
}

/* A gauge with the interface as its only label. */
static void iface_gauge(FILE *out, const struct ig_metrics_iface *ifs, size_t n,
			const char *name, const char *help,
			uint64_t (*value)(const struct ig_metrics_iface *))
{
	size_t k;

	family_head(out, name, "gauge", help);
	for (k = 0; k < n; k++) {
		sample_start(out, name, &ifs[k]);
		fprintf(out, "} %" PRIu64 "\n", value(&ifs[k]));
	}
}

static uint64_t v_attached(const struct ig_metrics_iface *i)
{
	return i->attached;
}

static uint64_t v_generation(const struct ig_metrics_iface *i)
{
	return i->state.generation;
}

static uint64_t v_sources_used(const struct ig_metrics_iface *i)
{
	return i->sources_used;
}

static uint64_t v_sources_capacity(const struct ig_metrics_iface *i)
{
	return i->sources_capacity;
}

/* A CLOCK_REALTIME ns time of the state as seconds since the epoch. */
static void iface_time(FILE *out, const struct ig_metrics_iface *ifs, size_t n,
		       const char *name, const char *help, int which)
{
	uint64_t ns;
	size_t k;

	family_head(out, name, "gauge", help);
	for (k = 0; k < n; k++) {
		ns = which ? ifs[k].state.policy_at : ifs[k].state.attached_at;
		sample_start(out, name, &ifs[k]);
		fprintf(out, "} %" PRIu64 ".%03" PRIu64 "\n", ns / 1000000000,
			ns / 1000000 % 1000);
	}
}

static void write_info(FILE *out, const struct ig_metrics_iface *ifs, size_t n)
{
	const struct ig_state *st;
	size_t k;

	family_head(
		out, "icmpgate_info", "gauge",
		"The attachment of an interface: XDP mode, libxdp dispatcher "
		"or legacy, pin layout, program id and the FNV-1a digest of "
		"the canonical text of the live policy; always 1.");
	for (k = 0; k < n; k++) {
		st = &ifs[k].state;
		sample_start(out, "icmpgate_info", &ifs[k]);
		fprintf(out,
			",mode=\"%s\",dispatcher=\"%s\",layout=\"%u\","
			"prog_id=\"%u\",netns=\"%u\","
			"policy_digest=\"%016" PRIx64 "\"} 1\n",
			ig_mode_name(st->mode),
			st->multiprog ? "libxdp" : "legacy", st->layout,
			st->prog_id, st->netns, (uint64_t)st->digest);
	}
}

/* The labels every counter sample has after the interface's. */
static void counter_labels(FILE *out, __u32 cfam, __u32 type, __u32 r)
{
	__u32 side = cfam < IG_FAM_COUNT ? IG_SIDE_HOST : IG_SIDE_TRANSIT;
	__u32 fam = cfam < IG_FAM_COUNT ? cfam : cfam - IG_FAM_COUNT;
	enum ig_total total = ig_reasons[r].total;
	const char *name = NULL;
	bool typed = ig_reasons[r].typed && fam < IG_POLICY_FAMILIES;

	fprintf(out, ",side=\"%s\",family=\"%s\"", ig_side_name((int)side),
		ig_family_name((int)fam));
	/* A reason without a type is counted under 0: no type label value. */
	if (typed) {
		name = ig_type_name((int)fam, (int)type);
		fprintf(out, ",type=\"%u\",type_name=\"%s\"", type,
			name ? name : "");
	} else {
		fputs(",type=\"\",type_name=\"\"", out);
	}
	/* Audit mode passes what it would drop: the reason says so. */
	fprintf(out, ",reason=\"%s\",verdict=\"%s\"}", ig_reasons[r].name,
		total == IG_TOTAL_PASSED || total == IG_TOTAL_NON_ICMP ||
				total == IG_TOTAL_WOULD_DROP ?
			"pass" :
			"drop");
}

static void write_counters(FILE *out, const struct ig_metrics_iface *ifs,
			   size_t n, bool bytes)
{
	const char *name = bytes ? "icmpgate_bytes_total" :
				   "icmpgate_packets_total";
	const struct ig_counter *c;
	__u32 cfam, type, r;
	size_t k;

	family_head(out, name, "counter",
		    bytes ? "Bytes of the packets the XDP program judged, by "
			    "side, family, ICMP type, reason and verdict." :
			    "Packets the XDP program judged, by side, family, "
			    "ICMP type, reason and verdict.");
	for (k = 0; k < n; k++) {
		if (!ifs[k].counters)
			continue;
		for (cfam = 0; cfam < IG_COUNTER_FAMILIES; cfam++)
			for (type = 0; type < IG_TYPES; type++)
				for (r = 0; r < IG_REASON_COUNT; r++) {
					c = &ifs[k].counters[ig_counter_index(
						cfam, type, r)];
					if (!c->packets)
						continue;
					sample_start(out, name, &ifs[k]);
					counter_labels(out, cfam, type, r);
					fprintf(out, " %" PRIu64 "\n",
						(uint64_t)(bytes ? c->bytes :
								   c->packets));
				}
	}
}

static void limit_labels(FILE *out, const struct ig_metrics_iface *i,
			 const char *name, const struct ig_metrics_limit *l)
{
	const char *tname = ig_type_name(l->family, l->type);

	sample_start(out, name, i);
	fprintf(out, ",side=\"%s\",family=\"%s\",type=\"%u\",type_name=\"%s\"",
		ig_side_name(l->side), ig_family_name(l->family), l->type,
		tname ? tname : "");
	if (l->code < 0)
		fputs(",code=\"\"", out);
	else
		fprintf(out, ",code=\"%d\"", l->code);
	fprintf(out, ",bucket=\"%s\",unit=\"%s\"}",
		l->source ? "source" : "class", l->bytes ? "bytes" : "packets");
}

static void write_limits(FILE *out, const struct ig_metrics_iface *ifs,
			 size_t n, bool burst)
{
	const char *name = burst ? "icmpgate_ratelimit_burst" :
				   "icmpgate_ratelimit_rate";
	const struct ig_metrics_limit *l;
	size_t k, j;

	family_head(
		out, name, "gauge",
		burst ? "Burst of each `limit` bucket of the live policy, "
			"in its unit (packets or bytes); bucket=\"source\" "
			"is each source's." :
			"Rate of each `limit` bucket of the live policy, in "
			"its unit (packets or bytes) per second; "
			"bucket=\"source\" is each source's.");
	for (k = 0; k < n; k++)
		for (j = 0; j < ifs[k].n_limits; j++) {
			l = &ifs[k].limits[j];
			limit_labels(out, &ifs[k], name, l);
			fprintf(out, " %.9g\n", burst ? l->burst : l->rate);
		}
}

static void hist_labels(FILE *out, const struct ig_metrics_iface *i,
			const char *name, int fam, int o)
{
	sample_start(out, name, i);
	fprintf(out, ",family=\"%s\",outcome=\"%s\"", ig_family_name(fam),
		ig_pmtu_outcome_name(o));
}

static void write_pmtud(FILE *out, const struct ig_metrics_iface *ifs, size_t n)
{
	const struct ig_pmtu_hist *h;
	uint64_t cum;
	size_t k;
	int fam, o, b;

	family_head(out, "icmpgate_pmtud_mtu_bytes", "histogram",
		    "MTUs reported by IPv4 frag-needed and IPv6 packet-too-big "
		    "messages, valid or forged (failed validation).");
	for (k = 0; k < n; k++)
		for (fam = 0; fam < IG_POLICY_FAMILIES; fam++)
			for (o = 0; o < IG_PMTU_OUTCOMES; o++) {
				h = &ifs[k].pmtud[ig_pmtu_index(fam, o)];
				cum = 0;
				for (b = 0; b < IG_PMTU_BUCKETS; b++) {
					cum += h->count[b];
					hist_labels(
						out, &ifs[k],
						"icmpgate_pmtud_mtu_bytes_bucket",
						fam, o);
					if (b < IG_PMTU_BUCKETS - 1)
						fprintf(out, ",le=\"%u\"}",
							ig_pmtu_bounds[b]);
					else
						fputs(",le=\"+Inf\"}", out);
					fprintf(out, " %" PRIu64 "\n", cum);
				}
				hist_labels(out, &ifs[k],
					    "icmpgate_pmtud_mtu_bytes_sum", fam,
					    o);
				fprintf(out, "} %" PRIu64 "\n",
					(uint64_t)h->sum);
				hist_labels(out, &ifs[k],
					    "icmpgate_pmtud_mtu_bytes_count",
					    fam, o);
				fprintf(out, "} %" PRIu64 "\n", cum);
			}
}

int ig_metrics_write(FILE *out, const struct ig_metrics_iface *ifs, size_t n)
{
	family_head(out, "icmpgate_interfaces", "gauge",
		    "Interfaces icmpgate is attached to whose metrics follow.");
	fprintf(out, "icmpgate_interfaces %zu\n", n);
	write_info(out, ifs, n);
	iface_gauge(out, ifs, n, "icmpgate_attached",
		    "1 if the program the pins record still runs on the "
		    "interface, 0 if the attachment went stale or was made in "
		    "another network namespace than this command's.",
		    v_attached);
	iface_time(out, ifs, n, "icmpgate_attached_timestamp_seconds",
		   "When the program was attached, in seconds since the epoch.",
		   0);
	iface_gauge(out, ifs, n, "icmpgate_policy_generation",
		    "Policy changes since attach (the live policy's "
		    "generation).",
		    v_generation);
	iface_time(out, ifs, n, "icmpgate_policy_applied_timestamp_seconds",
		   "When the live policy was applied, in seconds since the "
		   "epoch.",
		   1);
	write_counters(out, ifs, n, false);
	write_counters(out, ifs, n, true);
	write_limits(out, ifs, n, false);
	write_limits(out, ifs, n, true);
	iface_gauge(out, ifs, n, "icmpgate_sources_tracked",
		    "Per-source buckets in use in the per-source table.",
		    v_sources_used);
	iface_gauge(out, ifs, n, "icmpgate_sources_capacity",
		    "Per-source buckets the table holds (attach "
		    "--max-sources).",
		    v_sources_capacity);
	write_pmtud(out, ifs, n);
	return ferror(out) ? -EIO : 0;
}
