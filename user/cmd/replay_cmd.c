// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * policy replay (replay_cmd.h): compile the policy (and, with --live, the
 * one in force on an interface, read from its pins and nothing else),
 * load a copy of the program for each, run every frame of the capture
 * through them (replay.h), and print the counters as `stats` does, and
 * what changes (replay_diff.h).
 *
 * The table comes from the copy's counters, read once at the end: the
 * program counts every frame once, under its reason, exactly as on an
 * interface. The diff needs each frame's verdict under both policies:
 * the return value of each run, grouped by the frame's key. Reading the
 * counters around every frame would cost a read of every counter per
 * frame for nothing the return value does not say.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <linux/bpf.h>

#include "cmd/replay_cmd.h"
#include "intake.h"
#include "log.h"
#include "names.h"
#include "pindir.h"
#include "policy.h"
#include "replay.h"
#include "replay_diff.h"
#include "session.h"
#include "stats.h"

/* Changes printed as text unless --lines says otherwise. */
#define IG_REPLAY_LINES 20

static const struct ig_arg replay_args[] = {
	{ "POLICY", IG_OPTS_AT(struct ig_policy_replay_opts, policy), 0 },
	{ "FILE.pcap", IG_OPTS_AT(struct ig_policy_replay_opts, pcap), 0 },
	IG_ARG_END,
};

static const struct ig_enum_value side_values[] = {
	{ "host", IG_SIDE_HOST },
	{ "transit", IG_SIDE_TRANSIT },
	{ NULL, 0 },
};

static const struct ig_opt replay_opts[] = {
	{ "side", 's', IG_OPT_ENUM,
	  IG_OPTS_AT(struct ig_policy_replay_opts, side), "host|transit",
	  "judge every packet as addressed to this host (default: the rules "
	  "and default) or as forwarded (the forward rules)",
	  0, 0, side_values },
	{ "live", 'l', IG_OPT_STRING,
	  IG_OPTS_AT(struct ig_policy_replay_opts, live), "IFACE",
	  "replay under the policy in force on IFACE too, and print what "
	  "POLICY would change; IFACE's filter is only read",
	  0, 0, NULL },
	{ "prefix4", 0, IG_OPT_UINT,
	  IG_OPTS_AT(struct ig_policy_replay_opts, prefix4), "LEN",
	  "group changes by IPv4 source prefixes of LEN bits (default 24)", 0,
	  32, NULL },
	{ "prefix6", 0, IG_OPT_UINT,
	  IG_OPTS_AT(struct ig_policy_replay_opts, prefix6), "LEN",
	  "group changes by IPv6 source prefixes of LEN bits (default 48)", 0,
	  128, NULL },
	{ "lines", 'n', IG_OPT_UINT,
	  IG_OPTS_AT(struct ig_policy_replay_opts, lines), "N",
	  "print the N largest changes (default 20; JSON has them all)", 1,
	  1000000, NULL },
	{ "allow-empty", 0, IG_OPT_BOOL,
	  IG_OPTS_AT(struct ig_policy_replay_opts, allow_empty), NULL,
	  "accept a POLICY without statements, as policy apply does", 0, 0,
	  NULL },
	{ "audit", 0, IG_OPT_BOOL,
	  IG_OPTS_AT(struct ig_policy_replay_opts, audit), NULL,
	  "POLICY in audit mode, as policy apply --audit would put it: what "
	  "it would drop passes and is counted as would_drop",
	  0, 0, NULL },
	{ "json", 'j', IG_OPT_BOOL,
	  IG_OPTS_AT(struct ig_policy_replay_opts, json), NULL,
	  "print JSON: the counters as stats --json has them, and every "
	  "change",
	  0, 0, NULL },
	IG_OPT_END,
};

static const char *replay_check(const void *opts)
{
	const struct ig_policy_replay_opts *o = opts;

	if (!strcmp(o->policy, "-") && !strcmp(o->pcap, "-"))
		return "POLICY and FILE.pcap cannot both be stdin";
	if (o->live && ig_ifname_check(o->live))
		return "--live: invalid interface name";
	return NULL;
}

/* Everything one run holds; ig_replay_prog_open() fills progs[]. */
struct replay_run {
	const struct ig_policy_replay_opts *o;
	struct ig_pcap_reader *reader;
	struct ig_replay_prog progs[2]; /* POLICY, and the live one */
	int nprogs;
	bool private_netns; /* sides as this host's own (false: routed) */
	uint64_t frames;
	struct ig_diff diff;
};

/* POLICY: a file, stdin, or the built-in default. */
static int policy_intake(const char *cmd, const struct ig_policy_replay_opts *o,
			 struct ig_compiled *c)
{
	if (!strcmp(o->policy, "default"))
		return ig_intake_text_mode(cmd, ig_default_policy,
					   strlen(ig_default_policy),
					   "the default policy", o->audit, c);
	return ig_intake_file_mode(cmd, o->policy, o->allow_empty, o->audit, c);
}

/*
 * The policy in force on ifname, its per-source table's size, and its
 * addresses (NULL if they cannot be read here: another namespace). Read
 * only: no lock, nothing written.
 */
static int live_intake(const char *cmd, const char *ifname,
		       struct ig_compiled *c, uint32_t *max_sources,
		       struct ig_local_set **local)
{
	char *text = NULL, source[64];
	struct ig_iface i;
	int err;

	err = ig_iface_open(cmd, ifname, IG_OPEN_ANY_NETNS, &i);
	if (err)
		return err;
	err = ig_live_text(cmd, &i, &text, source, sizeof(source));
	if (err)
		goto out;
	err = ig_intake_text(cmd, text, strlen(text), source, c);
	if (err)
		goto out;
	err = ig_sources_capacity(&i.maps, max_sources);
	if (err) {
		ig_fail(cmd, err, "cannot read the per-source table of %s",
			ifname);
		goto out;
	}
	*local = calloc(1, sizeof(**local));
	if (*local && ig_local_read(ifname, *local)) {
		pr_debug("%s: addresses of %s not readable here; replaying "
			 "without them",
			 cmd, ifname);
		free(*local);
		*local = NULL;
	}
out:
	free(text);
	ig_iface_close(&i);
	return err;
}

static int replay_frames(const char *cmd, struct replay_run *r)
{
	struct ig_frame_key key;
	const uint8_t *frame;
	uint64_t ts;
	size_t len;
	int v[2], k, err;

	while ((err = ig_pcap_reader_next(cmd, r->reader, &frame, &len, &ts)) ==
	       1) {
		r->frames++;
		for (k = 0; k < r->nprogs; k++) {
			err = ig_replay_prog_run(&r->progs[k], frame, len, ts,
						 &v[k]);
			if (err)
				return ig_fail(
					cmd, err,
					"record %llu: the program did "
					"not run on its %zu bytes",
					(unsigned long long)r->reader->records,
					len);
		}
		if (r->nprogs < 2 || v[0] == v[1])
			continue;
		/* A frame the key cannot read changed all the same. */
		ig_frame_key(frame, len, &key);
		err = ig_diff_add(&r->diff, &key, v[1], v[0], len);
		if (err)
			return err;
	}
	return err;
}

static const char *verdict_word(int v)
{
	return v == XDP_DROP ? "drop" : v == XDP_PASS ? "pass" : "abort";
}

/* "v4 echo-request", or "v6 type 200" for a type without a name. */
static void type_words(const struct ig_change *c, char *buf, size_t size)
{
	const char *name = ig_type_name(c->family, c->type);

	if (name)
		snprintf(buf, size, "%s %s", ig_family_name(c->family), name);
	else
		snprintf(buf, size, "%s type %u", ig_family_name(c->family),
			 c->type);
}

static void print_changes(const struct replay_run *r,
			  const struct ig_change *ch, size_t n)
{
	char num[32], total[32], type[64], prefix[IG_PREFIX_STRLEN], bytes[32];
	size_t i, shown = r->o->lines ? r->o->lines : IG_REPLAY_LINES;

	ig_thousands(r->diff.packets, num, sizeof(num));
	ig_thousands(r->frames, total, sizeof(total));
	printf("\nagainst the live policy of %s: %s of %s packets change "
	       "verdict\n",
	       r->o->live, num, total);
	for (i = 0; i < n && i < shown; i++) {
		ig_thousands(ch[i].packets, num, sizeof(num));
		ig_thousands(ch[i].bytes, bytes, sizeof(bytes));
		type_words(&ch[i], type, sizeof(type));
		ig_change_prefix(&ch[i], prefix, sizeof(prefix));
		printf("  would now %s %s %s from %s (%s bytes; %s now)\n",
		       verdict_word(ch[i].to), num, type, prefix, bytes,
		       ch[i].from == XDP_PASS ? "passed" : "dropped");
	}
	if (n > shown)
		printf("  ... and %zu more (--lines N shows more, -j all)\n",
		       n - shown);
}

static struct json_object *change_json(const struct ig_change *c)
{
	struct json_object *o = json_object_new_object();
	char prefix[IG_PREFIX_STRLEN];
	int err;

	if (!o)
		return NULL;
	ig_change_prefix(c, prefix, sizeof(prefix));
	err = ig_json_add(o, "from",
			  json_object_new_string(verdict_word(c->from)));
	err = err   ?:
		      ig_json_add(o, "to",
				  json_object_new_string(verdict_word(c->to)));
	err = err ?: ig_json_add_type(o, c->family, c->type);
	err = err ?: ig_json_add(o, "source", json_object_new_string(prefix));
	err = err   ?:
		      ig_json_add(o, "packets",
				  json_object_new_uint64(c->packets));
	err = err ?: ig_json_add(o, "bytes", json_object_new_uint64(c->bytes));
	if (err) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* The counters of progs[k] as `stats --json` has them, without "interface". */
static int counters_json(const struct replay_run *r, int k, struct ig_stats *s,
			 struct ig_counter *c, struct json_object **out)
{
	int err = ig_replay_prog_counters(&r->progs[k], c);

	if (err)
		return err;
	ig_stats_aggregate(c, s);
	err = ig_stats_json(s, "", 0, out);
	if (!err)
		json_object_object_del(*out, "interface");
	return err;
}

/* The side every packet was judged on, or "routed" as this host routes. */
static const char *side_word(const struct replay_run *r)
{
	return r->private_netns ? ig_side_name((int)r->o->side) : "routed";
}

static int print_json(const struct replay_run *r, struct ig_stats *s,
		      struct ig_counter *c, const struct ig_change *ch,
		      size_t n)
{
	struct json_object *obj = json_object_new_object(), *res = NULL, *live,
			   *arr;
	size_t i;
	int err;

	if (!obj)
		return -ENOMEM;
	err = ig_json_add(obj, "capture", json_object_new_string(r->o->pcap));
	err = err   ?:
		      ig_json_add(obj, "policy",
				  json_object_new_string(r->o->policy));
	err = err   ?:
		      ig_json_add(obj, "side",
				  json_object_new_string(side_word(r)));
	err = err   ?:
		      ig_json_add(obj, "records",
				  json_object_new_uint64(r->reader->records));
	err = err   ?:
		      ig_json_add(obj, "replayed",
				  json_object_new_uint64(r->frames));
	err = err   ?:
		      ig_json_add(obj, "outgoing",
				  json_object_new_uint64(r->reader->outgoing));
	err = err   ?:
		      ig_json_add(obj, "truncated",
				  json_object_new_uint64(r->reader->truncated));
	err = err ?: counters_json(r, 0, s, c, &res);
	err = err ?: ig_json_add(obj, "counters", res);
	if (!err && r->nprogs > 1) {
		live = json_object_new_object();
		err = ig_json_add(obj, "live", live);
		err = err   ?:
			      ig_json_add(live, "interface",
					  json_object_new_string(r->o->live));
		err = err ?: counters_json(r, 1, s, c, &res);
		err = err ?: ig_json_add(live, "counters", res);
		err = err   ?:
			      ig_json_add(
				      live, "changed_packets",
				      json_object_new_uint64(r->diff.packets));
		err = err   ?:
			      ig_json_add(
				      live, "changed_bytes",
				      json_object_new_uint64(r->diff.bytes));
		arr = err ? NULL : json_object_new_array();
		err = err ?: ig_json_add(live, "changes", arr);
		for (i = 0; i < n && !err; i++)
			if (json_object_array_add(arr, change_json(&ch[i])))
				err = -ENOMEM;
	}
	if (!err)
		ig_json_print(obj, true);
	json_object_put(obj);
	return err;
}

static int print_text(const struct replay_run *r, struct ig_stats *s,
		      struct ig_counter *c, const struct ig_change *ch,
		      size_t n)
{
	char label[512];
	int err = ig_replay_prog_counters(&r->progs[0], c);

	if (err)
		return err;
	ig_stats_aggregate(c, s);
	snprintf(label, sizeof(label), "replay of %s under %s, judged %s",
		 strcmp(r->o->pcap, "-") ? r->o->pcap : "<stdin>",
		 strcmp(r->o->policy, "-") ? r->o->policy : "<stdin>",
		 !r->private_netns	       ? "as this host routes" :
		 r->o->side == IG_SIDE_TRANSIT ? "as forwarded" :
						 "as addressed to this host");
	ig_stats_print(stdout, s, label, 0);
	if (r->reader->outgoing)
		printf("\n  %llu packets the capturing host sent were not "
		       "replayed (XDP sees only what arrives)\n",
		       (unsigned long long)r->reader->outgoing);
	if (r->reader->truncated)
		printf("\n  %llu packets were captured shorter than they were "
		       "(snaplen): replayed as captured\n",
		       (unsigned long long)r->reader->truncated);
	if (r->nprogs > 1)
		print_changes(r, ch, n);
	return 0;
}

static int print_result(const struct replay_run *r)
{
	struct ig_change *ch = NULL;
	struct ig_counter *c;
	struct ig_stats *s;
	size_t n = 0;
	int err = -ENOMEM;

	c = calloc(IG_COUNTER_ENTRIES, sizeof(*c));
	s = malloc(sizeof(*s));
	if (!c || !s)
		goto out;
	err = ig_diff_list(&r->diff, &ch, &n);
	if (err)
		goto out;
	err = r->o->json ? print_json(r, s, c, ch, n) :
			   print_text(r, s, c, ch, n);
out:
	free(ch);
	free(c);
	free(s);
	return err;
}

int ig_cmd_policy_replay(const void *opts)
{
	const struct ig_policy_replay_opts *o = opts;
	const char *cmd = "policy replay";
	struct ig_compiled c[2] = {};
	struct ig_local_set *local = NULL;
	uint32_t max_sources = IG_MAX_SOURCES_DEFAULT;
	struct replay_run r = { .o = o };
	int k, err;

	ig_diff_init(&r.diff, o->prefix4 ? o->prefix4 : IG_DIFF_PLEN4,
		     o->prefix6 ? o->prefix6 : IG_DIFF_PLEN6);
	r.reader = malloc(sizeof(*r.reader));
	if (!r.reader)
		return -ENOMEM;
	/* Everything is checked before anything is loaded. */
	err = policy_intake(cmd, o, &c[0]);
	if (!err && o->live)
		err = live_intake(cmd, o->live, &c[1], &max_sources, &local);
	if (err)
		goto out_free;
	err = ig_pcap_reader_open(cmd, o->pcap, r.reader);
	if (err)
		goto out_free;
	/* Loading a program is what it takes; say so before anything else. */
	err = ig_priv_check(cmd);
	if (err)
		goto out;
	err = ig_replay_private_netns((int)o->side);
	r.private_netns = !err;
	if (err == -EPERM && o->side == IG_SIDE_HOST)
		pr_warn("%s: no network namespace of its own (CAP_SYS_ADMIN): "
			"packets are judged host or transit as this host "
			"routes them",
			cmd);
	else if (err) {
		ig_fail(cmd, err,
			"cannot make a network namespace to replay in");
		goto out;
	}
	for (k = 0; k < (o->live ? 2 : 1); k++) {
		err = ig_replay_prog_open(&r.progs[k], max_sources, &c[k],
					  local);
		if (err) {
			ig_fail(cmd, err, "cannot load the XDP program");
			goto out;
		}
		r.nprogs++;
	}
	err = replay_frames(cmd, &r);
	err = err ?: print_result(&r);
out:
	for (k = 0; k < r.nprogs; k++)
		ig_replay_prog_close(&r.progs[k]);
	ig_pcap_reader_close(r.reader);
out_free:
	ig_diff_free(&r.diff);
	ig_compiled_free(&c[0]);
	ig_compiled_free(&c[1]);
	free(local);
	free(r.reader);
	return err;
}

const struct ig_command ig_policy_replay_cmd = {
	"policy replay",
	"run a capture through the filter under a policy",
	"Run every packet of FILE.pcap (or stdin for -) through a copy of the "
	"XDP program holding POLICY (a file, - for stdin, or 'default' for "
	"the built-in default policy; ./default names a file), on the "
	"capture's own clock, so that rate limits act as they would have in "
	"time, and print the counters by family, type and reason as stats "
	"does. Every packet is judged as addressed to this host, or with "
	"--side transit as forwarded (multicast and broadcast stay the "
	"host's). Ethernet, "
	"raw IP and Linux cooked (SLL, SLL2) captures are read; packets the "
	"capturing host sent are skipped. With --live IFACE, the capture is "
	"replayed under the policy in force on IFACE as well, and the packets "
	"whose verdict POLICY would change are listed by verdict, family, "
	"type and source prefix. Nothing attached changes; needs the "
	"privileges to load a program.",
	replay_args,
	replay_opts,
	replay_check,
	ig_cmd_policy_replay
};
