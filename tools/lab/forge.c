// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Forged ICMP for the e2e tier and the demo, sent over raw sockets from a
 * namespace they made; the messages are lib/frame.h's, as the prog tier
 * builds them, and only their ICMP part goes out (the kernel writes the
 * IP header).
 *
 * forge ptb 4|6 DST QSRC QDST MTU COUNT [QLEN]
 *     an IPv4 frag-needed or IPv6 packet-too-big to DST reporting MTU and
 *     quoting the IP header of a TCP packet from QSRC to QDST (port 40000
 *     to 5001) and 8 bytes of its TCP header, COUNT times; the quoted
 *     packet was QLEN bytes long (its IP header says so; default 1500)
 * forge ns DST TARGET HOPS COUNT
 *     an IPv6 neighbour solicitation for TARGET, sent to DST with hop
 *     limit HOPS, COUNT times
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "toolutil.h"

static const char usage[] =
	"usage: forge ptb 4|6 DST QSRC QDST MTU COUNT [QLEN]\n"
	"       forge ns DST TARGET HOPS COUNT\n";

/* Send the ICMP part of d's frame to dst, count times. 0 or -errno. */
static int send_icmp(const struct pkt_desc *d, const char *dst, int hops,
		     unsigned long long count)
{
	bool v6 = d->ethertype == ETH_P_IPV6;
	struct sockaddr_in6 sa6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in sa4 = { .sin_family = AF_INET };
	uint8_t frame[FRAME_MAX];
	size_t l4 = frame_headers_len(d);
	unsigned long long i;
	int len, fd, err = 0;

	len = frame_build(d, frame, sizeof(frame));
	if (len < 0 || (size_t)len < l4)
		return -EINVAL;
	if ((v6 ? inet_pton(AF_INET6, dst, &sa6.sin6_addr) :
		  inet_pton(AF_INET, dst, &sa4.sin_addr)) != 1) {
		pr_err("'%s' is not an IPv%d address", dst, v6 ? 6 : 4);
		return -EINVAL;
	}
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW,
		    v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	if (fd < 0) {
		err = -errno;
		pr_err("raw socket: %s", strerror(-err));
		return err;
	}
	/* The kernel fills in the checksum of raw ICMPv6 (RFC 3542 3.1). */
	if (hops >= 0 && setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops,
				    sizeof(hops))) {
		err = -errno;
		pr_err("hop limit %d: %s", hops, strerror(-err));
		goto out;
	}
	for (i = 0; i < count; i++) {
		if (sendto(fd, frame + l4, len - l4, 0,
			   v6 ? (struct sockaddr *)&sa6 :
				(struct sockaddr *)&sa4,
			   v6 ? sizeof(sa6) : sizeof(sa4)) < 0) {
			err = -errno;
			pr_err("send to %s: %s", dst, strerror(-err));
			goto out;
		}
	}
out:
	close(fd);
	return err;
}

static int forge_ptb(int argc, char **argv)
{
	unsigned long long fam, mtu, count, qlen = 1500;
	struct pkt_desc d = { .q_sport = 40000, .q_dport = 5001 };

	if (argc < 8 || argc > 9) {
		fputs(usage, stderr);
		return -EINVAL;
	}
	if (strcmp(argv[2], "4") && strcmp(argv[2], "6")) {
		pr_err("family: '%s', not 4 or 6", argv[2]);
		return -EINVAL;
	}
	fam = argv[2][0] - '0';
	if (bu_parse_ull("MTU", argv[6], 0, 0xffffffff, &mtu) ||
	    bu_parse_ull("COUNT", argv[7], 0, 1000000, &count) ||
	    (argc == 9 &&
	     bu_parse_ull("QLEN", argv[8], fam == 6 ? 40 : 20, 65535, &qlen)))
		return -EINVAL;
	d.ethertype = fam == 6 ? ETH_P_IPV6 : ETH_P_IP;
	d.proto = fam == 6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	d.type = fam == 6 ? 2 : 3;
	d.code = fam == 6 ? 0 : 4;
	d.mtu = (uint32_t)mtu;
	d.dst = argv[3];
	d.q_src = argv[4];
	d.q_dst = argv[5];
	d.q_len = (uint16_t)qlen;
	/* ICMP header, the quoted IP header and 8 bytes of TCP: no more. */
	d.l4_len = 8 + (fam == 6 ? 40 : 20) + 8;
	return send_icmp(&d, argv[3], -1, count);
}

static int forge_ns(int argc, char **argv)
{
	unsigned long long hops, count;
	struct pkt_desc d = {
		.ethertype = ETH_P_IPV6,
		.proto = IPPROTO_ICMPV6,
		.type = 135, /* RFC 4861 4.3: reserved, target address */
		.l4_len = 8 + 16,
	};

	if (argc != 6) {
		fputs(usage, stderr);
		return -EINVAL;
	}
	if (bu_parse_ull("HOPS", argv[4], 0, 255, &hops) ||
	    bu_parse_ull("COUNT", argv[5], 0, 1000000, &count))
		return -EINVAL;
	d.dst = argv[2];
	d.nd_target = argv[3];
	return send_icmp(&d, argv[2], (int)hops, count);
}

int main(int argc, char **argv)
{
	int err = -EINVAL;

	bu_init("forge", false);
	if (argc >= 2 && !strcmp(argv[1], "ptb"))
		err = forge_ptb(argc, argv);
	else if (argc >= 2 && !strcmp(argv[1], "ns"))
		err = forge_ns(argc, argv);
	else
		fputs(usage, stderr);
	return err ? 1 : 0;
}
