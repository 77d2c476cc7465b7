// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Policy replay (replay.h): a copy of the program run on a capture's
 * frames, and the key of a frame. The capture reader is replay_pcap.c:
 * libpcap's headers and libbpf's both define struct bpf_insn.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../include/icmpgate.h" /* the skeleton names its structs */
#include "icmpgate.skel.h"
#include "loader.h"
#include "log.h"
#include "replay.h"

#define NS_PER_S 1000000000ull

int ig_replay_prog_open(struct ig_replay_prog *p, uint32_t max_sources,
			const struct ig_compiled *c,
			const struct ig_local_set *local)
{
	struct timespec ts;
	int err;

	memset(p, 0, sizeof(*p));
	ig_maps_init(&p->maps);
	err = ig_loader_load_detached(&p->skel, max_sources, true);
	err = err ?: ig_maps_from_object(&p->maps, p->skel->obj);
	if (!err && local)
		err = ig_local_sync(&p->maps, local, NULL, NULL);
	err = err ?: ig_store_apply(&p->maps, c);
	if (err) {
		ig_replay_prog_close(p);
		return err;
	}
	p->prog_fd = bpf_program__fd(p->skel->progs.icmpgate_xdp);
	/*
	 * An hour past CLOCK_MONOTONIC, which the buckets of a fresh policy
	 * may have been stamped with: every bucket is full at the first
	 * frame, as on a program that had been idle before the capture.
	 */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	p->base_ns = (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec +
		     3600 * NS_PER_S;
	return 0;
}

int ig_replay_prog_run(struct ig_replay_prog *p, const uint8_t *frame,
		       size_t len, uint64_t ts_ns, int *verdict)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = (__u32)len, .repeat = 1);
	uint64_t now;

	if (!p->started) {
		p->first_ts = ts_ns;
		p->started = true;
	}
	/*
	 * Records of merged captures may go back in time: the clock stands
	 * still rather than run backwards, as the kernel's does.
	 */
	now = p->base_ns + (ts_ns > p->first_ts ? ts_ns - p->first_ts : 0);
	if (now < p->last_ns)
		now = p->last_ns;
	p->last_ns = now;
	p->skel->bss->ig_fake_now = now;
	if (bpf_prog_test_run_opts(p->prog_fd, &opts))
		return -errno;
	*verdict = (int)opts.retval;
	return 0;
}

int ig_replay_prog_counters(const struct ig_replay_prog *p,
			    struct ig_counter *out)
{
	return ig_counters_read(&p->maps, out);
}

void ig_replay_prog_close(struct ig_replay_prog *p)
{
	ig_maps_close(&p->maps);
	icmpgate_bpf__destroy(p->skel);
	p->skel = NULL;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* Bring lo up: the blackhole routes of IPv6 hang on it. */
static int loopback_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		err = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!err && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* `ip route add blackhole default` for family, over rtnetlink. */
static int blackhole_default(int family)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct {
		struct nlmsghdr nh;
		union {
			struct rtmsg rt;
			struct nlmsgerr ack;
		};
	} msg = {
		.nh = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg)),
			.nlmsg_type = RTM_NEWROUTE,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
				       NLM_F_CREATE | NLM_F_EXCL,
			.nlmsg_seq = 1 },
		.rt = { .rtm_family = (unsigned char)family,
			.rtm_table = RT_TABLE_MAIN,
			.rtm_protocol = RTPROT_STATIC,
			.rtm_scope = RT_SCOPE_UNIVERSE,
			.rtm_type = RTN_BLACKHOLE },
	};
	int fd, err = 0;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (sendto(fd, &msg, msg.nh.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0 ||
	    recv(fd, &msg, sizeof(msg), 0) < 0)
		err = -errno;
	else if (msg.nh.nlmsg_type != NLMSG_ERROR)
		err = -EPROTO;
	else
		err = msg.ack.error;
	close(fd);
	return err;
}

int ig_replay_private_netns(int side)
{
	/* A new namespace copies IPv4 forwarding from the first one. */
	static const char *const forwarding[] = {
		"/proc/sys/net/ipv4/conf/all/forwarding",
		"/proc/sys/net/ipv4/conf/lo/forwarding",
		"/proc/sys/net/ipv6/conf/all/forwarding",
	};
	const char *on = side == IG_SIDE_TRANSIT ? "1" : "0";
	size_t i;
	int err = 0;

	if (unshare(CLONE_NEWNET))
		return -errno;
	for (i = 0; i < sizeof(forwarding) / sizeof(forwarding[0]) && !err; i++)
		err = write_file(forwarding[i], on);
	if (err || side != IG_SIDE_TRANSIT)
		return err;
	err = loopback_up();
	err = err ?: blackhole_default(AF_INET);
	return err ?: blackhole_default(AF_INET6);
}

/* ---- the key of a frame ----------------------------------------------- */

#define IG_KEY_MAX_VLANS 2
#define IG_KEY_MAX_EXT 8

static int key_v4(const uint8_t *ip, size_t len, struct ig_frame_key *k)
{
	size_t ihl;

	if (len < 20 || (ip[0] >> 4) != 4 || (ip[0] & 0xf) < 5)
		return -EINVAL;
	ihl = (ip[0] & 0xf) * 4u;
	k->family = IG_FAM_V4;
	memcpy(k->src, ip + 12, 4);
	if (ip[9] != IPPROTO_ICMP)
		return 0;
	k->icmp = true;
	if (ig_be16(ip + 6) & 0x1fff) /* a non-first fragment: no header */
		return 0;
	if (len < ihl + 1)
		return -EINVAL;
	k->type = ip[ihl];
	return 0;
}

static bool ip6_ext(uint8_t next)
{
	return next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING ||
	       next == IPPROTO_DSTOPTS || next == IPPROTO_AH ||
	       next == IPPROTO_FRAGMENT;
}

static int key_v6(const uint8_t *ip, size_t len, struct ig_frame_key *k)
{
	const uint8_t *hdr;
	size_t off = 40;
	uint8_t next;
	int i;

	if (len < 40 || (ip[0] >> 4) != 6)
		return -EINVAL;
	k->family = IG_FAM_V6;
	memcpy(k->src, ip + 8, 16);
	next = ip[6];
	for (i = 0; i <= IG_KEY_MAX_EXT && ip6_ext(next); i++) {
		if (len < off + 8)
			return -EINVAL;
		hdr = ip + off;
		if (next == IPPROTO_FRAGMENT && (ig_be16(hdr + 2) & 0xfff8)) {
			/* Counted under type 0, as the program does. */
			k->icmp = hdr[0] == IPPROTO_ICMPV6;
			return 0;
		}
		if (next == IPPROTO_FRAGMENT)
			off += 8;
		else if (next == IPPROTO_AH) /* RFC 4302: 4-byte units - 2 */
			off += (hdr[1] + 2u) * 4;
		else
			off += (hdr[1] + 1u) * 8;
		next = hdr[0];
	}
	if (next != IPPROTO_ICMPV6)
		return ip6_ext(next) ? -EINVAL : 0;
	k->icmp = true;
	if (len < off + 1)
		return -EINVAL;
	k->type = ip[off];
	return 0;
}

int ig_frame_key(const uint8_t *frame, size_t len, struct ig_frame_key *k)
{
	size_t off = ETH_HLEN;
	uint16_t proto;
	int i;

	memset(k, 0, sizeof(*k));
	if (len < ETH_HLEN)
		return -EINVAL;
	proto = ig_be16(frame + 12);
	for (i = 0; i < IG_KEY_MAX_VLANS &&
		    (proto == ETH_P_8021Q || proto == ETH_P_8021AD);
	     i++) {
		if (len < off + 4)
			return -EINVAL;
		proto = ig_be16(frame + off + 2);
		off += 4;
	}
	if (proto == ETH_P_IP)
		return key_v4(frame + off, len - off, k);
	if (proto == ETH_P_IPV6)
		return key_v6(frame + off, len - off, k);
	return 0;
}
