// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench_rr: legitimate traffic for the flood benchmark. A TCP
 * request/response client and its echo server: every interval the client
 * opens a connection, sends a small request and waits for the echo, and
 * it reports how many transactions succeeded within a deadline and their
 * latency percentiles. Transactions overlap (open loop), so one that stalls
 * does not delay the next. Both sides stop by themselves after their
 * duration.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "toolutil.h"

#define REQ_LEN 64
#define MAX_CONNS 1024

struct opts {
	bool server;
	const char *addr; /* client: server address; server: bind address */
	const char *port;
	double duration; /* seconds */
	double interval_ms;
	double timeout_ms;
	bool json;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bench_rr server [-a ADDR] -p PORT [-T SECONDS]\n"
		"       bench_rr client -a ADDR -p PORT [-T SECONDS] [-i MS] [-t MS] [-j]\n"
		"\n"
		"TCP request/response: every interval the client opens a connection,\n"
		"sends a %d-byte request and waits for the server to echo it; a\n"
		"transaction (handshake included) succeeds if the answer comes within\n"
		"the timeout. Transactions overlap. The client reports attempts,\n"
		"successes and latency percentiles; both sides exit after SECONDS.\n"
		"\n"
		"  -a, --addr ADDR      server address (client), bind address (server)\n"
		"  -p, --port PORT\n"
		"  -T, --duration S     run for S seconds (default 10)\n"
		"  -i, --interval MS    client: one request every MS ms (default 10)\n"
		"  -t, --timeout MS     client: a transaction's deadline (default 1000)\n"
		"  -j, --json           client: report as one JSON object\n"
		"  -h, --help\n",
		REQ_LEN);
}

static int resolve(const char *addr, const char *port, bool passive,
		   struct addrinfo **res)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV |
			    (passive ? AI_PASSIVE : 0),
	};
	int err;

	err = getaddrinfo(addr, port, &hints, res);
	if (err) {
		pr_err("address '%s' port '%s': %s", addr ? addr : "*", port,
		       gai_strerror(err));
		return -EINVAL;
	}
	return 0;
}

/* ---- server ----------------------------------------------------------- */

static int run_server(const struct opts *o)
{
	struct pollfd fds[MAX_CONNS + 1];
	struct addrinfo *ai;
	uint64_t deadline;
	int lfd, n = 1, one = 1, i, err;
	char buf[4096];

	err = resolve(o->addr, o->port, true, &ai);
	if (err)
		return err;
	lfd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, ai->ai_addr, ai->ai_addrlen) || listen(lfd, 1024)) {
		err = -errno;
		pr_err("cannot listen on port %s: %s", o->port, strerror(-err));
		freeaddrinfo(ai);
		if (lfd >= 0)
			close(lfd);
		return err;
	}
	freeaddrinfo(ai);
	fds[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
	deadline = bu_now_ns() + (uint64_t)(o->duration * 1e9);
	while (!bu_stop && bu_now_ns() < deadline) {
		if (poll(fds, n, 100) < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (fds[0].revents & POLLIN) {
			int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

			if (c >= 0 && n <= MAX_CONNS) {
				setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one,
					   sizeof(one));
				fds[n++] = (struct pollfd){ .fd = c,
							    .events = POLLIN };
			} else if (c >= 0) {
				close(c);
			}
		}
		for (i = 1; i < n; i++) {
			ssize_t r;

			if (!fds[i].revents)
				continue;
			r = read(fds[i].fd, buf, sizeof(buf));
			if (r > 0 && write(fds[i].fd, buf, r) == r)
				continue;
			close(fds[i].fd); /* closed, reset or short write */
			fds[i--] = fds[--n];
		}
	}
	for (i = 0; i < n; i++)
		close(fds[i].fd);
	return err;
}

/* ---- client ----------------------------------------------------------- */

/*
 * Open loop: a new transaction starts every interval whatever became of
 * the earlier ones, so a flood that stalls some does not thin out the
 * attempts. Each one is a connection of its own (handshake, request,
 * response, close), so a lost SYN counts like a lost request.
 */
struct txn {
	int fd; /* -1: slot free */
	uint64_t start;
	uint64_t seq;
	bool connected;
	size_t got;
};

static void txn_end(struct txn *t)
{
	close(t->fd);
	t->fd = -1;
}

/* Start transaction seq in slot t: a non-blocking connect. */
static int txn_start(struct txn *t, const struct addrinfo *ai, uint64_t seq)
{
	int one = 1;

	t->fd = socket(ai->ai_family,
		       SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (t->fd < 0)
		return -errno;
	setsockopt(t->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	t->start = bu_now_ns();
	t->seq = seq;
	t->connected = false;
	t->got = 0;
	if (connect(t->fd, ai->ai_addr, ai->ai_addrlen) &&
	    errno != EINPROGRESS) {
		txn_end(t);
		return -1; /* counted as a failure */
	}
	return 0;
}

/* Advance t on readiness; 1: done, 0: in progress, -1: failed. */
static int txn_step(struct txn *t, short revents)
{
	char req[REQ_LEN], resp[REQ_LEN];
	socklen_t len = sizeof(int);
	int soerr = 0;
	ssize_t r;

	memset(req, 0, sizeof(req));
	memcpy(req, &t->seq, sizeof(t->seq));
	if (!t->connected) {
		if (!(revents & (POLLOUT | POLLERR | POLLHUP)))
			return 0;
		if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) ||
		    soerr)
			return -1;
		t->connected = true;
		if (write(t->fd, req, sizeof(req)) != sizeof(req))
			return -1;
		return 0;
	}
	if (!(revents & (POLLIN | POLLERR | POLLHUP)))
		return 0;
	r = read(t->fd, resp + t->got, sizeof(resp) - t->got);
	if (r < 0 && errno == EAGAIN)
		return 0;
	if (r <= 0)
		return -1;
	t->got += r;
	if (t->got < sizeof(resp))
		return 0;
	return memcmp(req, resp, sizeof(req)) ? -1 : 1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct(const uint64_t *v, size_t n, double p)
{
	size_t i;

	if (!n)
		return 0;
	i = (size_t)(p / 100.0 * (n - 1) + 0.5);
	return v[i] / 1e3; /* us */
}

static int run_client(const struct opts *o)
{
	uint64_t next, end, interval, timeout, now;
	size_t attempts = 0, ok = 0, cap, n_slots, i, active = 0;
	struct pollfd *pfd = NULL;
	struct txn *txns = NULL;
	struct addrinfo *ai;
	uint64_t *lat = NULL;
	int err = 0, r;

	err = resolve(o->addr, o->port, false, &ai);
	if (err)
		return err;
	interval = (uint64_t)(o->interval_ms * 1e6);
	timeout = (uint64_t)(o->timeout_ms * 1e6);
	cap = (size_t)(o->duration * 1e3 / o->interval_ms) + 2;
	n_slots = (size_t)(o->timeout_ms / o->interval_ms) + 2;
	lat = calloc(cap, sizeof(*lat));
	txns = calloc(n_slots, sizeof(*txns));
	pfd = calloc(n_slots, sizeof(*pfd));
	if (!lat || !txns || !pfd) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n_slots; i++)
		txns[i].fd = -1;
	next = bu_now_ns();
	end = next + (uint64_t)(o->duration * 1e9);
	while (!bu_stop && (active || next < end)) {
		now = bu_now_ns();
		/* Start what is due; a slot is always free (timeout). */
		while (next <= now && next < end && attempts < cap) {
			for (i = 0; i < n_slots && txns[i].fd >= 0; i++)
				;
			attempts++;
			if (i < n_slots && !txn_start(&txns[i], ai, attempts))
				active++;
			next += interval;
		}
		for (i = 0; i < n_slots; i++) {
			pfd[i].fd = txns[i].fd;
			pfd[i].events = txns[i].connected ? POLLIN : POLLOUT;
			pfd[i].revents = 0;
		}
		poll(pfd, n_slots, 1);
		now = bu_now_ns();
		for (i = 0; i < n_slots; i++) {
			struct txn *t = &txns[i];

			if (t->fd < 0)
				continue;
			r = txn_step(t, pfd[i].revents);
			if (!r && now - t->start < timeout)
				continue;
			if (r == 1)
				lat[ok++] = bu_now_ns() - t->start;
			txn_end(t); /* done, failed or too late */
			active--;
		}
	}
	qsort(lat, ok, sizeof(*lat), cmp_u64);
	if (o->json)
		printf("{\"attempts\": %zu, \"ok\": %zu, \"success\": %.4f, "
		       "\"p50_us\": %.1f, \"p90_us\": %.1f, \"p99_us\": %.1f, "
		       "\"max_us\": %.1f}\n",
		       attempts, ok, attempts ? (double)ok / attempts : 0,
		       pct(lat, ok, 50), pct(lat, ok, 90), pct(lat, ok, 99),
		       pct(lat, ok, 100));
	else
		printf("bench_rr: %zu of %zu transactions within %.0f ms "
		       "(%.1f%%); latency p50 %.1f us, p90 %.1f us, p99 %.1f us, max %.1f us\n",
		       ok, attempts, o->timeout_ms,
		       attempts ? 100.0 * ok / attempts : 0, pct(lat, ok, 50),
		       pct(lat, ok, 90), pct(lat, ok, 99), pct(lat, ok, 100));
out:
	if (txns)
		for (i = 0; i < n_slots; i++)
			if (txns[i].fd >= 0)
				close(txns[i].fd);
	free(txns);
	free(pfd);
	free(lat);
	freeaddrinfo(ai);
	return err;
}

int main(int argc, char **argv)
{
	struct opts o = { .duration = 10,
			  .interval_ms = 10,
			  .timeout_ms = 1000 };
	const struct bu_opt opts[] = {
		{ "addr", 'a', BU_STRING, &o.addr, 0, 0 },
		{ "port", 'p', BU_STRING, &o.port, 0, 0 },
		{ "duration", 'T', BU_DOUBLE, &o.duration, 0.001, 86400 },
		{ "interval", 'i', BU_DOUBLE, &o.interval_ms, 0.01, 60000 },
		{ "timeout", 't', BU_DOUBLE, &o.timeout_ms, 1, 600000 },
		{ "json", 'j', BU_FLAG, &o.json, 0, 0 },
		{ NULL },
	};
	int err;

	bu_init("bench_rr", false);
	if (argc < 2 ||
	    (strcmp(argv[1], "server") && strcmp(argv[1], "client"))) {
		if (argc >= 2 &&
		    (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
			usage(stdout);
			return 0;
		}
		usage(stderr);
		return 2;
	}
	o.server = !strcmp(argv[1], "server");
	optind = 2;
	err = bu_parse_opts(argc, argv, opts, usage);
	if (err)
		return err > 0 ? 0 : 2;
	if (!o.port || (!o.server && !o.addr)) {
		pr_err("need --port%s (see --help)",
		       o.server ? "" : " and --addr");
		return 2;
	}
	bu_catch_signals();
	signal(SIGPIPE, SIG_IGN);
	err = o.server ? run_server(&o) : run_client(&o);
	return err ? 1 : 0;
}
