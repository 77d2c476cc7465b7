/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * `icmpgate serve`: the metrics (metrics.h) over HTTP at /metrics, with
 * libmicrohttpd, read afresh for every scrape, until SIGINT or SIGTERM.
 */
#ifndef IG_SERVE_H
#define IG_SERVE_H

#include <stddef.h>
#include <sys/socket.h>

#define IG_SERVE_LISTEN_DEFAULT "127.0.0.1:9797"

/*
 * "ADDR:PORT" (an IPv4 address) or "[ADDR]:PORT" (IPv6) into *sa and
 * *len: NULL, or what is wrong with s.
 */
const char *ig_serve_parse_listen(const char *s, struct sockaddr_storage *sa,
				  socklen_t *len);

/*
 * Serve the metrics of ifname (NULL: of every attached interface) on
 * listen until SIGINT or SIGTERM. 0 when stopped by one, or -errno after
 * printing why (the address is taken, say).
 */
int ig_serve_run(const char *cmd, const char *listen, const char *ifname);

#endif /* IG_SERVE_H */
