// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `icmpgate metrics` and `icmpgate serve` (metrics_cmds.h): the handlers
 * are thin; metrics.h formats, serve.h serves.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/metrics_cmds.h"
#include "log.h"
#include "metrics.h"
#include "serve.h"
#include "session.h"

static const struct ig_arg metrics_args[] = {
	{ "IFACE", IG_OPTS_AT(struct ig_metrics_opts, iface),
	  IG_ARG_IFACE | IG_ARG_OPTIONAL },
	IG_ARG_END,
};

static const struct ig_arg serve_args[] = {
	{ "IFACE", IG_OPTS_AT(struct ig_serve_opts, iface),
	  IG_ARG_IFACE | IG_ARG_OPTIONAL },
	IG_ARG_END,
};

static const struct ig_opt serve_opts[] = {
	{ "listen", 'l', IG_OPT_STRING,
	  IG_OPTS_AT(struct ig_serve_opts, listen), "ADDR:PORT",
	  "listen on ADDR:PORT ([ADDR]:PORT for IPv6; default "
	  "127.0.0.1:9797)",
	  0, 0, NULL },
	IG_OPT_END,
};

int ig_cmd_metrics(const void *opts)
{
	const struct ig_metrics_opts *o = opts;
	char *text;
	size_t len;
	int err;

	err = ig_env_check("metrics");
	if (err)
		return err;
	err = ig_metrics_render("metrics", o->iface, &text, &len);
	if (err)
		return err == -ENOMEM ? ig_fail("metrics", err,
						"cannot build the metrics") :
					err;
	if (fwrite(text, 1, len, stdout) != len || fflush(stdout))
		err = ig_fail("metrics", -EIO, "cannot write the metrics");
	free(text);
	return err;
}

/* A bad address is a usage error (exit 2), found while parsing. */
static const char *serve_check(const void *opts)
{
	const struct ig_serve_opts *o = opts;
	static char *msg; /* the process prints it and exits */
	struct sockaddr_storage sa;
	const char *why;
	socklen_t len;

	if (!o->listen)
		return NULL;
	why = ig_serve_parse_listen(o->listen, &sa, &len);
	if (!why)
		return NULL;
	free(msg);
	if (asprintf(&msg, "--listen '%s': %s", o->listen, why) < 0)
		return why;
	return msg;
}

int ig_cmd_serve(const void *opts)
{
	const struct ig_serve_opts *o = opts;
	int err;

	err = ig_env_check("serve");
	if (err)
		return err;
	return ig_serve_run("serve",
			    o->listen ? o->listen : IG_SERVE_LISTEN_DEFAULT,
			    o->iface);
}

const struct ig_command ig_metrics_cmd = {
	"metrics",
	"print the metrics for Prometheus",
	"Print the metrics of IFACE, or of every attached interface, in the "
	"Prometheus text format: packets and bytes by side, family, ICMP "
	"type, reason and verdict; the rate limits of the live policy; the "
	"per-source table's occupancy; the MTUs PMTUD messages carry; and "
	"the attachment (mode, layout, policy digest and generation). For "
	"node_exporter's textfile collector: write to a temporary file and "
	"rename it into the collector's directory.",
	metrics_args,
	ig_no_opts,
	NULL,
	ig_cmd_metrics
};

const struct ig_command ig_serve_cmd = {
	"serve",
	"serve the metrics over HTTP",
	"Serve the metrics of `icmpgate metrics` at http://ADDR:PORT/metrics "
	"until SIGINT or SIGTERM, read afresh for every scrape (interfaces "
	"attached or detached in between included). Other paths answer 404. "
	"The systemd unit icmpgate-metrics.service runs it.",
	serve_args,
	serve_opts,
	serve_check,
	ig_cmd_serve
};
