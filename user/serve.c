// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `icmpgate serve` (serve.h). We bind the listening socket ourselves and
 * hand it to libmicrohttpd, so that an address in use is reported with
 * its errno rather than as a daemon that would not start. One internal
 * thread answers the scrapes one at a time (a scrape reads the maps, a
 * few milliseconds); the main thread waits for SIGINT or SIGTERM, blocked
 * in every thread so that only sigwait() takes them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "log.h"
#include "metrics.h"
#include "opts.h"
#include "serve.h"

#define SERVE_BACKLOG 16
#define SERVE_MAX_CONNS 16 /* a scraper or two, and a person with curl */
#define SERVE_TIMEOUT_S 10 /* idle connections are closed after this */

const char *ig_serve_parse_listen(const char *s, struct sockaddr_storage *sa,
				  socklen_t *len)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;
	struct sockaddr_in *s4 = (struct sockaddr_in *)sa;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *port = NULL;
	unsigned long p;
	bool bracketed = s[0] == '[';
	size_t hlen;

	memset(sa, 0, sizeof(*sa));
	if (bracketed) {
		colon = strstr(s, "]:");
		if (colon)
			port = colon + 2;
		hlen = colon ? (size_t)(colon - s - 1) : 0;
		s++;
	} else {
		colon = strrchr(s, ':');
		if (colon)
			port = colon + 1;
		hlen = colon ? (size_t)(colon - s) : 0;
	}
	if (!port)
		return "expected ADDR:PORT (an IPv6 address in brackets: "
		       "[::1]:9797)";
	if (ig_parse_ulong(port, 1, 65535, &p))
		return "the port must be a number from 1 to 65535";
	if (!hlen || hlen >= sizeof(host))
		return "expected an IP address before the port";
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (!bracketed && strchr(host, ':'))
		return "an IPv6 address goes in brackets: [::1]:9797";
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)p);
		*len = sizeof(*s4);
		return NULL;
	}
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*s6);
		return NULL;
	}
	return "not an IPv4 address, nor an IPv6 address in brackets";
}

struct serve_ctx {
	const char *cmd;
	const char *ifname;
};

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status,
			     const char *type, char *body, size_t len,
			     enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body, mode);
	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	static const char not_found[] =
		"not found: the metrics are at /metrics\n";
	static const char not_allowed[] = "only GET and HEAD\n";
	static const char failed[] = "cannot read the metrics; see the log\n";
	const struct serve_ctx *ctx = cls;
	char *text;
	size_t len;
	int err;

	(void)version;
	(void)upload;
	(void)upload_size;
	(void)con_cls;
	if (strcmp(url, "/metrics"))
		return reply(conn, MHD_HTTP_NOT_FOUND, "text/plain",
			     (char *)not_found, sizeof(not_found) - 1,
			     MHD_RESPMEM_PERSISTENT);
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
			     (char *)not_allowed, sizeof(not_allowed) - 1,
			     MHD_RESPMEM_PERSISTENT);
	err = ig_metrics_render(ctx->cmd, ctx->ifname, &text, &len);
	if (err)
		return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain",
			     (char *)failed, sizeof(failed) - 1,
			     MHD_RESPMEM_PERSISTENT);
	return reply(conn, MHD_HTTP_OK, IG_METRICS_CONTENT_TYPE, text, len,
		     MHD_RESPMEM_MUST_FREE);
}

/* A listening socket on listen, or -errno after saying why. */
static int listen_on(const char *cmd, const char *listen_addr)
{
	struct sockaddr_storage sa;
	const char *why;
	socklen_t len;
	int fd, one = 1, err;

	why = ig_serve_parse_listen(listen_addr, &sa, &len);
	if (why) {
		pr_err("%s: --listen %s: %s", cmd, listen_addr, why);
		return -EINVAL;
	}
	fd = socket(sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		goto fail;
	}
	/* Restart at once after a stop: TIME_WAIT is no listener. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, len) ||
	    listen(fd, SERVE_BACKLOG)) {
		err = -errno;
		close(fd);
		goto fail;
	}
	return fd;
fail:
	pr_err("%s: cannot listen on %s: %s%s", cmd, listen_addr,
	       strerror(-err),
	       err == -EADDRINUSE ? " (another server has that port; "
				    "choose another with --listen)" :
				    "");
	return err;
}

int ig_serve_run(const char *cmd, const char *listen_addr, const char *ifname)
{
	struct serve_ctx ctx = { cmd, ifname };
	sigset_t stop, old;
	struct MHD_Daemon *d;
	int fd, sig = 0;

	fd = listen_on(cmd, listen_addr);
	if (fd < 0)
		return fd;
	/* Blocked before the daemon's thread starts: it inherits the mask. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL,
		NULL, on_request, &ctx, MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)SERVE_MAX_CONNS,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SERVE_TIMEOUT_S,
		MHD_OPTION_END);
	if (!d) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		close(fd);
		pr_err("%s: cannot start the HTTP server on %s", cmd,
		       listen_addr);
		return -EIO;
	}
	pr_info("%s: serving the metrics of %s at http://%s/metrics", cmd,
		ifname ? ifname : "every attached interface", listen_addr);
	while (sigwait(&stop, &sig))
		;
	pr_debug("%s: stopping on signal %d", cmd, sig);
	MHD_stop_daemon(d); /* closes the listening socket too */
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return 0;
}
