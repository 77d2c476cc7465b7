// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * icmpflood: send ICMP or ICMPv6 floods out of an interface at millions of
 * packets per second, to measure a filter against them. One frame template
 * (type, code, size, family, optional VLAN tag) is sent N times or for a
 * duration, from one source or from N sources of a prefix taken in turn or
 * at random, and what was sent is reported.
 *
 * Two engines:
 *
 * live  (default) BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES (Linux
 *       5.18+): the kernel runs a tiny XDP program over pages of a
 *       page_pool that it initialises from our template once, and turns
 *       the program's XDP_TX into a redirect out of the interface, in
 *       batches, without ever building an skb. On a veth the frames reach
 *       the peer as xdp_frames (ndo_xdp_xmit), which is also how a NIC
 *       hands them to XDP. The program only stamps the next source address
 *       and its precomputed checksum into the frame, and with --rate waits
 *       for the frame's due time. It is a few dozen instructions
 *       assembled here (see live_prog()), so the tool is one
 *       self-contained file with no BPF object to find at run time. A veth
 *       peer takes xdp_frames only while it runs NAPI, that is with an XDP
 *       program attached or GRO on (ethtool -K PEER gro on); otherwise
 *       they are dropped and counted in this side's xdp_xmit_errors.
 *
 * xsk   an AF_XDP socket's TX ring (copy mode on a veth): we write
 *       descriptors, the kernel builds an skb for each one in the sendto()
 *       that kicks it (at most 32 per call before Linux 6.17's
 *       XDP_MAX_TX_SKB_BUDGET) and hands it to the driver.
 *
 * On a veth, live mode is several times faster (about 13 against 2 Mpps
 * here; docs/performance.md), hence the default: AF_XDP in copy mode
 * builds and frees an skb per frame and needs a sendto() per 32 of them
 * (or XDP_MAX_TX_SKB_BUDGET), while live frames are recycled xdp_frames
 * handed to the peer in bulk. Packets are counted as sent when
 * the kernel took them: a receiver that cannot keep up drops the excess in
 * its queue, so measure what arrives at the receiver, not here.
 */
#include <errno.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <limits.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>

#include "icmpgate.h"
#include "names.h"
#include "toolutil.h"

#ifndef BPF_F_TEST_XDP_LIVE_FRAMES
#define BPF_F_TEST_XDP_LIVE_FRAMES (1U << 1)
#endif
#ifndef XDP_MAX_TX_SKB_BUDGET
#define XDP_MAX_TX_SKB_BUDGET 9 /* Linux 6.17 */
#endif

#define MAX_SOURCES (1u << 24)
#define LIVE_MAX_BATCH 256 /* TEST_XDP_MAX_BATCH in net/bpf/test_run.c */
/*
 * One BPF_PROG_TEST_RUN call sends for about a second: each call sets up
 * and tears down a page_pool, and the teardown waits for an RCU grace
 * period (page_pool_destroy), ~25 ms here. With 50 ms calls the generator
 * idled 45 % of the time.
 */
#define LIVE_CHUNK_NS 1000000000ull
#define XSK_FRAMES 4096
#define XSK_FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define XSK_RING 2048
#define DEFAULT_DURATION 10.0

enum engine { ENGINE_LIVE, ENGINE_XSK };

struct options {
	const char *ifname;
	const char *dst;
	const char *src; /* ADDR or ADDR/LEN; NULL: the interface's */
	const char *dst_mac;
	const char *src_mac;
	const char *type; /* name or number; NULL: echo-request */
	const char *code;
	unsigned long long sources;
	bool random;
	unsigned long long size;
	long vlan; /* -1: untagged */
	unsigned long long count; /* 0: by duration */
	unsigned long long rate; /* packets/s; 0: as fast as possible */
	double duration;
	enum engine engine;
	unsigned long long batch;
	unsigned long long queue;
	bool json;
	bool quiet;
	bool verbose;
};

/* The live program's state: the next source in turn, and pacing. */
struct live_state {
	__u32 next_src;
	__u32 pad;
	__u64 due; /* CLOCK_MONOTONIC ns the next frame may leave at */
};

/* A source address as the program stamps it: bytes, then its checksum. */
struct src_entry {
	__u8 addr[16];
	__u8 csum[2]; /* the checksum the address changes, network order */
	__u8 pad[2];
};

/* What the flood sends; lib/frame.h builds it (spec_desc()). */
struct flood_spec {
	int family; /* AF_INET or AF_INET6 */
	uint8_t proto; /* IPPROTO_ICMP or IPPROTO_ICMPV6 */
	uint8_t type; /* ICMP type and code */
	uint8_t code;
	bool vlan; /* one 802.1Q tag */
	uint16_t vlan_id; /* 0-4095 */
	uint8_t dst_mac[6];
	uint8_t src_mac[6];
	uint8_t src[16]; /* network order; IPv4 in the first 4 bytes */
	uint8_t dst[16];
	size_t size; /* whole frame, Ethernet header on, without FCS */
};

struct flood {
	struct options o;
	struct flood_spec spec;
	struct frame_layout layout;
	uint8_t frame[XSK_FRAME_SIZE];
	int len;
	int ifindex;
	struct src_entry *srcs;
	__u32 n_srcs;
	/* results */
	unsigned long long sent;
	double seconds;
	bool interrupted;
};

/* ---- options ---------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: icmpflood -i IFACE -d DST [OPTIONS]\n"
		"Send an ICMP (DST is IPv4) or ICMPv6 (DST is IPv6) flood out of IFACE\n"
		"and report what was sent. Only for links you own: every packet goes to\n"
		"DST, from the sources you give.\n"
		"\n"
		"  -i, --interface IFACE   interface to send on (in this namespace)\n"
		"  -d, --dst ADDR          destination address; its family picks v4 or v6\n"
		"  -s, --src ADDR[/LEN]    the (first) source address; with /LEN, the\n"
		"                          prefix all sources stay in (default: IFACE's\n"
		"                          first address of DST's family)\n"
		"  -N, --sources N         N distinct sources (default 1): ADDR + i, but\n"
		"                          for an IPv6 /LEN shorter than 64 one per /64\n"
		"                          (ADDR + i * 2^64), IPv6's per-source unit\n"
		"      --random            each packet from a random one of the N sources\n"
		"                          (default: the sources in turn)\n"
		"  -t, --type TYPE         ICMP type, name or number (default echo-request)\n"
		"  -c, --code CODE         ICMP code, name or number (default 0)\n"
		"  -l, --size BYTES        frame size from the Ethernet header, without FCS\n"
		"                          (default 64, or the smallest frame that fits)\n"
		"      --vlan ID           add one 802.1Q tag with VLAN ID (0-4095)\n"
		"      --dst-mac MAC       (default: DST's neighbour entry on IFACE)\n"
		"      --src-mac MAC       (default: IFACE's address)\n"
		"  -r, --rate PPS          send PPS packets/s (default: as fast as it can);\n"
		"                          live mode paces frame by frame in the\n"
		"                          program, from about 20 kpps up (slower:\n"
		"                          use --mode xsk)\n"
		"  -n, --count N           send N packets\n"
		"  -T, --duration SECONDS  send for SECONDS (default %.0f, if no --count)\n"
		"  -m, --mode live|xsk     live: BPF_PROG_TEST_RUN live frames (default);\n"
		"                          xsk: AF_XDP socket TX ring\n"
		"  -b, --batch N           live: frames per batch, 1-256 (default 64);\n"
		"                          xsk: descriptors per sendto (default 256)\n"
		"  -q, --queue Q           xsk: TX queue (default 0)\n"
		"  -j, --json              print the report as one JSON object\n"
		"      --quiet             no report\n"
		"  -v, --verbose           libbpf and libxdp messages\n"
		"  -h, --help\n"
		"\n"
		"Live mode into a veth: the peer must have an XDP program or GRO on.\n"
		"Example: icmpflood -i veth0 -d 10.198.0.2 -s 10.198.128.0/17 -N 1000 -T 5\n",
		DEFAULT_DURATION);
}

enum {
	OPT_RANDOM = 256, /* long options without a letter */
	OPT_VLAN,
	OPT_DST_MAC,
	OPT_SRC_MAC,
	OPT_QUIET,
};

static int parse_opts(int argc, char **argv, struct options *o)
{
	unsigned long long vlan = ULLONG_MAX;
	const char *mode = NULL;
	const struct bu_opt opts[] = {
		{ "interface", 'i', BU_STRING, &o->ifname, 0, 0 },
		{ "dst", 'd', BU_STRING, &o->dst, 0, 0 },
		{ "src", 's', BU_STRING, &o->src, 0, 0 },
		{ "sources", 'N', BU_ULL, &o->sources, 1, MAX_SOURCES },
		{ "random", OPT_RANDOM, BU_FLAG, &o->random, 0, 0 },
		{ "type", 't', BU_STRING, &o->type, 0, 0 },
		{ "code", 'c', BU_STRING, &o->code, 0, 0 },
		{ "size", 'l', BU_ULL, &o->size, 1, XSK_FRAME_SIZE },
		{ "vlan", OPT_VLAN, BU_ULL, &vlan, 0, 4095 },
		{ "dst-mac", OPT_DST_MAC, BU_STRING, &o->dst_mac, 0, 0 },
		{ "src-mac", OPT_SRC_MAC, BU_STRING, &o->src_mac, 0, 0 },
		{ "count", 'n', BU_ULL, &o->count, 1, ULLONG_MAX / 2 },
		{ "rate", 'r', BU_ULL, &o->rate, 1, 1000000000 },
		{ "duration", 'T', BU_DOUBLE, &o->duration, 1e-6, 86400 },
		{ "mode", 'm', BU_STRING, &mode, 0, 0 },
		{ "batch", 'b', BU_ULL, &o->batch, 1, XSK_RING },
		{ "queue", 'q', BU_ULL, &o->queue, 0, 65535 },
		{ "json", 'j', BU_FLAG, &o->json, 0, 0 },
		{ "quiet", OPT_QUIET, BU_FLAG, &o->quiet, 0, 0 },
		{ "verbose", 'v', BU_FLAG, &o->verbose, 0, 0 },
		{ NULL },
	};
	int err;

	memset(o, 0, sizeof(*o));
	o->sources = 1;
	err = bu_parse_opts(argc, argv, opts, usage);
	if (err)
		return err;
	o->vlan = vlan == ULLONG_MAX ? -1 : (long)vlan;
	if (!mode || !strcmp(mode, "live")) {
		o->engine = ENGINE_LIVE;
	} else if (!strcmp(mode, "xsk")) {
		o->engine = ENGINE_XSK;
	} else {
		pr_err("--mode: '%s' is neither 'live' nor 'xsk'", mode);
		return -EINVAL;
	}
	if (optind < argc) {
		pr_err("unexpected argument '%s' (see --help)", argv[optind]);
		return -EINVAL;
	}
	if (!o->ifname || !o->dst) {
		pr_err("need --interface and --dst (see --help)");
		return -EINVAL;
	}
	if (o->count && o->duration) {
		pr_err("give --count or --duration, not both");
		return -EINVAL;
	}
	if (!o->count && !o->duration)
		o->duration = DEFAULT_DURATION;
	if (o->engine == ENGINE_LIVE && o->batch > LIVE_MAX_BATCH) {
		pr_err("--batch: live mode takes at most %d frames a batch",
		       LIVE_MAX_BATCH);
		return -EINVAL;
	}
	if (!o->batch)
		o->batch = o->engine == ENGINE_LIVE ? 64 : 256;
	return 0;
}

static int parse_mac(const char *what, const char *s, uint8_t *mac)
{
	unsigned int b[6];
	char tail;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &tail) != 6) {
		pr_err("%s: '%s' is not a MAC address like 02:00:00:00:00:01",
		       what, s);
		return -EINVAL;
	}
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff) {
			pr_err("%s: '%s' is not a MAC address", what, s);
			return -EINVAL;
		}
		mac[i] = b[i];
	}
	return 0;
}

/* A type or code: a number 0-255, or a name for this family (and type). */
static int parse_icmp(const char *what, const char *s, int family, int type,
		      uint8_t *out)
{
	unsigned long long v;
	char *end;
	int n;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (!errno && end != s && !*end) {
		if (v > 255) {
			pr_err("%s: %s is out of range 0-255", what, s);
			return -EINVAL;
		}
		*out = v;
		return 0;
	}
	n = type < 0 ? ig_type_by_name(family, s) :
		       ig_code_by_name(family, type, s);
	if (n < 0) {
		pr_err("%s: '%s' is not a %s %s name or a number 0-255", what,
		       s, family == IG_FAM_V4 ? "ICMP" : "ICMPv6",
		       type < 0 ? "type" : "code");
		return -EINVAL;
	}
	*out = n;
	return 0;
}

/* ---- the interface ---------------------------------------------------- */

static int iface_info(const char *ifname, uint8_t *mac, unsigned *mtu)
{
	struct ifreq ifr = {};
	int fd, err = 0;

	if (strlen(ifname) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		err = -errno;
		goto out;
	}
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(fd, SIOCGIFMTU, &ifr) < 0) {
		err = -errno;
		goto out;
	}
	*mtu = ifr.ifr_mtu;
	/* A frame redirected out of a down interface vanishes silently. */
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		err = -errno;
		goto out;
	}
	if (!(ifr.ifr_flags & IFF_UP))
		err = -ENETDOWN;
out:
	close(fd);
	return err;
}

/* The first address of family af on ifname, global scope preferred. */
static int iface_addr(const char *ifname, int af, uint8_t *addr)
{
	struct ifaddrs *ifa, *i;
	bool found = false;

	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != af ||
		    strcmp(i->ifa_name, ifname))
			continue;
		if (af == AF_INET) {
			memcpy(addr,
			       &((struct sockaddr_in *)i->ifa_addr)->sin_addr,
			       4);
			found = true;
			break;
		}
		memcpy(addr, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr,
		       16);
		found = true;
		if (addr[0] != 0xfe || (addr[1] & 0xc0) != 0x80)
			break; /* not link-local: take it */
	}
	freeifaddrs(ifa);
	return found ? 0 : -EADDRNOTAVAIL;
}

/*
 * The link-layer address of dst in the neighbour table of ifindex (a
 * netlink dump; ip neigh show does the same). -ENOENT if there is none
 * that is usable.
 */
static int neigh_lookup(int ifindex, int af, const uint8_t *dst, uint8_t *mac)
{
	struct {
		struct nlmsghdr nh;
		struct ndmsg nd;
	} req = {
		.nh = { .nlmsg_len = sizeof(req),
			.nlmsg_type = RTM_GETNEIGH,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.nd = { .ndm_family = af },
	};
	size_t alen = af == AF_INET ? 4 : 16;
	char buf[16384];
	int fd, err = -ENOENT, done = 0;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (send(fd, &req, sizeof(req), 0) < 0) {
		err = -errno;
		goto out;
	}
	while (!done) {
		struct nlmsghdr *nh;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			err = -errno;
			goto out;
		}
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n);
		     nh = NLMSG_NEXT(nh, n)) {
			struct ndmsg *nd = NLMSG_DATA(nh);
			struct rtattr *rta =
				(struct rtattr *)((char *)nd +
						  NLMSG_ALIGN(sizeof(*nd)));
			int rlen = nh->nlmsg_len - NLMSG_LENGTH(sizeof(*nd));
			const uint8_t *a = NULL, *ll = NULL;

			if (nh->nlmsg_type == NLMSG_DONE ||
			    nh->nlmsg_type == NLMSG_ERROR) {
				done = 1;
				break;
			}
			if (nh->nlmsg_type != RTM_NEWNEIGH ||
			    nd->ndm_ifindex != ifindex ||
			    !(nd->ndm_state &
			      (NUD_REACHABLE | NUD_STALE | NUD_DELAY |
			       NUD_PROBE | NUD_PERMANENT | NUD_NOARP)))
				continue;
			for (; RTA_OK(rta, rlen); rta = RTA_NEXT(rta, rlen)) {
				if (rta->rta_type == NDA_DST &&
				    RTA_PAYLOAD(rta) == alen)
					a = RTA_DATA(rta);
				else if (rta->rta_type == NDA_LLADDR &&
					 RTA_PAYLOAD(rta) == 6)
					ll = RTA_DATA(rta);
			}
			if (a && ll && !memcmp(a, dst, alen)) {
				memcpy(mac, ll, 6);
				err = 0;
			}
		}
	}
out:
	close(fd);
	return err;
}

/* ---- sources ---------------------------------------------------------- */

/* addr += v << shift (shift 0 or 64), big-endian over len bytes. */
static void addr_add(uint8_t *addr, size_t len, uint64_t v, unsigned shift)
{
	int i = (int)len - 1 - (int)(shift / 8);
	unsigned carry = 0;

	for (; i >= 0 && (v || carry); i--, v >>= 8) {
		carry += addr[i] + (unsigned)(v & 0xff);
		addr[i] = (uint8_t)carry;
		carry >>= 8;
	}
}

/* The first plen bits of a and b are equal. */
static bool same_prefix(const uint8_t *a, const uint8_t *b, unsigned plen)
{
	unsigned full = plen / 8, rest = plen % 8;

	if (memcmp(a, b, full))
		return false;
	return !rest || !((a[full] ^ b[full]) & (uint8_t)(0xff << (8 - rest)));
}

/*
 * The table of sources: base + i, or for IPv6 prefixes of /64 and shorter
 * base + i * 2^64 (one source per /64, IPv6's per-source unit), each with
 * the checksum the frame has with it. All must lie in base/plen.
 */
static int make_sources(struct flood *f, const uint8_t *base, unsigned plen,
			bool prefix)
{
	size_t alen = f->layout.addr_len, i;
	unsigned shift = prefix && alen == 16 && plen < 64 ? 64 : 0;
	uint8_t tmpl[XSK_FRAME_SIZE], last[16];
	char buf[INET6_ADDRSTRLEN];
	uint16_t csum;

	memcpy(last, base, alen);
	addr_add(last, alen, f->o.sources - 1, shift);
	if ((prefix && !same_prefix(base, last, plen)) ||
	    (f->o.sources > 1 && memcmp(base, last, alen) >= 0)) {
		inet_ntop(f->spec.family, base, buf, sizeof(buf));
		pr_err("--sources: %llu sources from %s%s do not fit in %s/%u",
		       f->o.sources, buf, shift ? ", one per /64," : "", buf,
		       prefix ? plen : (unsigned)alen * 8);
		return -EINVAL;
	}
	f->n_srcs = f->o.sources;
	f->srcs = calloc(f->n_srcs, sizeof(*f->srcs));
	if (!f->srcs)
		return -ENOMEM;
	memcpy(tmpl, f->frame, f->len);
	for (i = 0; i < f->n_srcs; i++) {
		struct src_entry *e = &f->srcs[i];

		memcpy(e->addr, base, alen);
		addr_add(e->addr, alen, i, shift);
		frame_set_source(tmpl, &f->layout, e->addr);
		csum = (uint16_t)(tmpl[f->layout.csum_off] << 8 |
				  tmpl[f->layout.csum_off + 1]);
		e->csum[0] = csum >> 8;
		e->csum[1] = csum & 0xff;
	}
	/* The template starts with the first source. */
	frame_set_source(f->frame, &f->layout, f->srcs[0].addr);
	return 0;
}

/* Parse --src: ADDR or ADDR/LEN of the destination's family. */
static int parse_src(const char *s, int af, uint8_t *addr, unsigned *plen,
		     bool *prefix)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	unsigned long long v;
	unsigned max = af == AF_INET ? 32 : 128;

	if (strlen(s) >= sizeof(buf)) {
		pr_err("--src: '%s' is too long", s);
		return -EINVAL;
	}
	strcpy(buf, s);
	*plen = max;
	slash = strchr(buf, '/');
	*prefix = slash != NULL;
	if (slash) {
		*slash = 0;
		if (bu_parse_ull("--src prefix length", slash + 1, 0, max, &v))
			return -EINVAL;
		*plen = v;
	}
	if (inet_pton(af, buf, addr) != 1) {
		pr_err("--src: '%s' is not an %s address (the family of --dst)",
		       buf, af == AF_INET ? "IPv4" : "IPv6");
		return -EINVAL;
	}
	return 0;
}

/* ---- setup ------------------------------------------------------------ */

/*
 * The descriptor of s's frame: an ICMP echo id of our own and hop limit
 * 64; src and dst hold its addresses as text.
 */
static void spec_desc(const struct flood_spec *s, struct pkt_desc *d, char *src,
		      char *dst)
{
	inet_ntop(s->family, s->src, src, INET6_ADDRSTRLEN);
	inet_ntop(s->family, s->dst, dst, INET6_ADDRSTRLEN);
	*d = (struct pkt_desc){
		.ethertype = s->family == AF_INET6 ? ETH_P_IPV6 : ETH_P_IP,
		.proto = s->proto,
		.type = s->type,
		.code = s->code,
		.vlan = { s->vlan ? ETH_P_8021Q : 0 },
		.vlan_id_set = true,
		.vlan_id = s->vlan_id,
		.dst_mac = s->dst_mac,
		.src_mac = s->src_mac,
		.src = src,
		.dst = dst,
		.hop_limit = 64,
		.icmp_id = FRAME_ECHO_ID,
		.size = s->size,
	};
}

static size_t spec_min_size(const struct flood_spec *s)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	struct pkt_desc d;

	spec_desc(s, &d, src, dst);
	return frame_min_size(&d);
}

static int flood_setup(struct flood *f)
{
	struct flood_spec *s = &f->spec;
	char src_text[INET6_ADDRSTRLEN], dst_text[INET6_ADDRSTRLEN];
	struct pkt_desc d;
	const struct options *o = &f->o;
	int fam, err, af;
	unsigned mtu = 0, plen;
	bool prefix = false;
	uint8_t dst[16] = {}, src[16] = {};
	size_t max;

	if (inet_pton(AF_INET, o->dst, dst) == 1) {
		af = AF_INET;
	} else if (inet_pton(AF_INET6, o->dst, dst) == 1) {
		af = AF_INET6;
	} else {
		pr_err("--dst: '%s' is not an IPv4 or IPv6 address", o->dst);
		return -EINVAL;
	}
	fam = af == AF_INET ? IG_FAM_V4 : IG_FAM_V6;
	memset(s, 0, sizeof(*s));
	s->family = af;
	s->proto = af == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	s->type = af == AF_INET ? 8 : 128;
	if (o->type) {
		err = parse_icmp("--type", o->type, fam, -1, &s->type);
		if (err)
			return err;
	}
	if (o->code) {
		err = parse_icmp("--code", o->code, fam, s->type, &s->code);
		if (err)
			return err;
	}
	s->vlan = o->vlan >= 0;
	s->vlan_id = s->vlan ? o->vlan : 0;
	memcpy(s->dst, dst, 16);

	f->ifindex = if_nametoindex(o->ifname);
	if (!f->ifindex) {
		pr_err("interface '%s': %s (in this network namespace)",
		       o->ifname, strerror(errno));
		return -ENODEV;
	}
	err = iface_info(o->ifname, s->src_mac, &mtu);
	if (err) {
		pr_err("interface '%s': %s", o->ifname, strerror(-err));
		return err;
	}
	if (o->src_mac && parse_mac("--src-mac", o->src_mac, s->src_mac))
		return -EINVAL;
	if (o->dst_mac) {
		if (parse_mac("--dst-mac", o->dst_mac, s->dst_mac))
			return -EINVAL;
	} else if (neigh_lookup(f->ifindex, af, dst, s->dst_mac)) {
		pr_err("no neighbour entry for %s on %s: ping it once, or give --dst-mac",
		       o->dst, o->ifname);
		return -ENOENT;
	}

	if (o->src) {
		err = parse_src(o->src, af, src, &plen, &prefix);
		if (err)
			return err;
	} else {
		err = iface_addr(o->ifname, af, src);
		if (err) {
			pr_err("%s has no %s address: give --src", o->ifname,
			       af == AF_INET ? "IPv4" : "IPv6");
			return err;
		}
		plen = af == AF_INET ? 32 : 128;
	}
	memcpy(s->src, src, 16);

	s->size = o->size ? o->size : 64;
	if (!o->size && s->size < spec_min_size(s))
		s->size = spec_min_size(s);
	/* The largest frame the interface sends: MTU + header + tag. */
	max = mtu + FRAME_ETH_LEN + (s->vlan ? FRAME_VLAN_LEN : 0);
	if (max > XSK_FRAME_SIZE - XDP_PACKET_HEADROOM - 320)
		max = XSK_FRAME_SIZE - XDP_PACKET_HEADROOM - 320;
	if (s->size < spec_min_size(s) || s->size > max) {
		pr_err("--size: %zu bytes; this frame needs %zu to %zu on %s",
		       s->size, spec_min_size(s), max, o->ifname);
		return -EINVAL;
	}
	spec_desc(s, &d, src_text, dst_text);
	f->len = frame_build(&d, f->frame, sizeof(f->frame));
	if (f->len < 0)
		return f->len;
	frame_layout_of(&d, &f->layout);
	return make_sources(f, src, plen, prefix);
}

/* ---- live frames ------------------------------------------------------ */

/* Just enough of an assembler for live_prog(). */
#define INSN(c, d, s, o, i)                 \
	((struct bpf_insn){ .code = (c),    \
			    .dst_reg = (d), \
			    .src_reg = (s), \
			    .off = (o),     \
			    .imm = (i) })
#define MOV64_REG(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define ADD64_IMM(d, i) INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define MOD32_IMM(d, i) INSN(BPF_ALU | BPF_MOD | BPF_K, d, 0, 0, i)
#define LDX(sz, d, s, o) INSN(BPF_LDX | (sz) | BPF_MEM, d, s, o, 0)
#define STX(sz, d, s, o) INSN(BPF_STX | (sz) | BPF_MEM, d, s, o, 0)
#define ST_IMM(sz, d, o, i) INSN(BPF_ST | (sz) | BPF_MEM, d, 0, o, i)
#define JMP_IMM(op, d, i, o) INSN(BPF_JMP | (op) | BPF_K, d, 0, o, i)
#define JMP_REG(op, d, s, o) INSN(BPF_JMP | (op) | BPF_X, d, s, o, 0)
#define CALL(fn) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, fn)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#define LIVE_MAX_INSNS 64

struct asm_buf {
	struct bpf_insn insn[LIVE_MAX_INSNS];
	int n;
	int to_out[8]; /* jumps to patch to the `out` label */
	int n_out;
};

static void emit(struct asm_buf *a, struct bpf_insn i)
{
	if (a->n < LIVE_MAX_INSNS)
		a->insn[a->n] = i;
	a->n++;
}

static void emit_ld_map(struct asm_buf *a, int reg, int fd)
{
	emit(a, INSN(BPF_LD | BPF_DW | BPF_IMM, reg, BPF_PSEUDO_MAP_FD, 0, fd));
	emit(a, INSN(0, 0, 0, 0, 0));
}

static void emit_jmp_out(struct asm_buf *a, struct bpf_insn i)
{
	a->to_out[a->n_out++] = a->n;
	emit(a, i);
}

#define LIVE_MAX_SPIN 2048 /* ktime reads per frame while pacing */
#define LIVE_SLACK_NS 1000000 /* at most 1 ms of backlog is caught up */

/*
 * The live-frames program: XDP_TX every frame (the test run turns it into
 * a redirect out of the interface). With --rate it first waits for the
 * frame's due time; with more than one source it then stamps the next
 * source and its checksum, from `srcs_fd`, into the frame (the page keeps
 * what the last use wrote, so every frame is stamped):
 *
 *	st = state[0]
 *	if (rate) {
 *		for (i = 0; i < LIVE_MAX_SPIN && (now = ktime()) < st->due; i++)
 *			;
 *		st->due = max(st->due, now - LIVE_SLACK_NS) + 1e9 / rate
 *	}
 *	idx = random ? prandom() % n : st->next_src++ (wrapping at n)
 *	e = srcs[idx]
 *	if (data + end > data_end) goto out
 *	memcpy(data + src_off, e->addr, alen); memcpy(data + csum_off, e->csum, 2)
 *   out:
 *	return XDP_TX
 *
 * Registers: r6 ctx, r7 loop counter then source index, r8 state, r9 due.
 */
static int live_prog(const struct flood *f, int state_fd, int srcs_fd,
		     struct asm_buf *a)
{
	const struct frame_layout *l = &f->layout;
	bool paced = f->o.rate > 0, multi = f->n_srcs > 1;
	int w, spin, end = l->csum_off + 2;
	long interval = paced ? (long)(1e9 / f->o.rate) : 0;

	if ((int)(l->src_off + l->addr_len) > end)
		end = l->src_off + l->addr_len;
	memset(a, 0, sizeof(*a));
	emit(a, MOV64_REG(BPF_REG_6, BPF_REG_1));
	if (paced || (multi && !f->o.random)) {
		emit(a, ST_IMM(BPF_W, BPF_REG_10, -4, 0));
		emit_ld_map(a, BPF_REG_1, state_fd);
		emit(a, MOV64_REG(BPF_REG_2, BPF_REG_10));
		emit(a, ADD64_IMM(BPF_REG_2, -4));
		emit(a, CALL(BPF_FUNC_map_lookup_elem));
		emit_jmp_out(a, JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0));
		emit(a, MOV64_REG(BPF_REG_8, BPF_REG_0));
	}
	if (paced) {
		emit(a, LDX(BPF_DW, BPF_REG_9, BPF_REG_8,
			    offsetof(struct live_state, due)));
		emit(a, MOV64_IMM(BPF_REG_7, 0));
		spin = a->n;
		emit(a, CALL(BPF_FUNC_ktime_get_ns));
		emit(a, JMP_REG(BPF_JGE, BPF_REG_0, BPF_REG_9, 2));
		emit(a, ADD64_IMM(BPF_REG_7, 1));
		emit(a, JMP_IMM(BPF_JLT, BPF_REG_7, LIVE_MAX_SPIN,
				spin - a->n - 1));
		emit(a, MOV64_REG(BPF_REG_1, BPF_REG_0));
		emit(a, ADD64_IMM(BPF_REG_1, -LIVE_SLACK_NS));
		emit(a, JMP_REG(BPF_JGE, BPF_REG_9, BPF_REG_1, 1));
		emit(a, MOV64_REG(BPF_REG_9, BPF_REG_1));
		emit(a, ADD64_IMM(BPF_REG_9, interval > 0 ? interval : 1));
		emit(a, STX(BPF_DW, BPF_REG_8, BPF_REG_9,
			    offsetof(struct live_state, due)));
	}
	if (multi) {
		if (f->o.random) {
			emit(a, CALL(BPF_FUNC_get_prandom_u32));
			emit(a, MOD32_IMM(BPF_REG_0, f->n_srcs));
			emit(a, MOV64_REG(BPF_REG_7, BPF_REG_0));
		} else {
			emit(a, LDX(BPF_W, BPF_REG_7, BPF_REG_8,
				    offsetof(struct live_state, next_src)));
			emit(a, MOV64_REG(BPF_REG_1, BPF_REG_7));
			emit(a, ADD64_IMM(BPF_REG_1, 1));
			emit(a, JMP_IMM(BPF_JLT, BPF_REG_1, f->n_srcs, 1));
			emit(a, MOV64_IMM(BPF_REG_1, 0));
			emit(a, STX(BPF_W, BPF_REG_8, BPF_REG_1,
				    offsetof(struct live_state, next_src)));
		}
		emit(a, STX(BPF_W, BPF_REG_10, BPF_REG_7, -8));
		emit_ld_map(a, BPF_REG_1, srcs_fd);
		emit(a, MOV64_REG(BPF_REG_2, BPF_REG_10));
		emit(a, ADD64_IMM(BPF_REG_2, -8));
		emit(a, CALL(BPF_FUNC_map_lookup_elem));
		emit_jmp_out(a, JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0));
		emit(a, LDX(BPF_W, BPF_REG_2, BPF_REG_6,
			    offsetof(struct xdp_md, data)));
		emit(a, LDX(BPF_W, BPF_REG_3, BPF_REG_6,
			    offsetof(struct xdp_md, data_end)));
		emit(a, MOV64_REG(BPF_REG_4, BPF_REG_2));
		emit(a, ADD64_IMM(BPF_REG_4, end));
		emit_jmp_out(a, JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 0));
		for (w = 0; w < (int)l->addr_len; w += 4) {
			emit(a, LDX(BPF_W, BPF_REG_1, BPF_REG_0, w));
			emit(a, STX(BPF_W, BPF_REG_2, BPF_REG_1,
				    (int)l->src_off + w));
		}
		emit(a, LDX(BPF_H, BPF_REG_1, BPF_REG_0,
			    offsetof(struct src_entry, csum)));
		emit(a, STX(BPF_H, BPF_REG_2, BPF_REG_1, (int)l->csum_off));
	}
	for (w = 0; w < a->n_out; w++)
		a->insn[a->to_out[w]].off = a->n - a->to_out[w] - 1;
	emit(a, MOV64_IMM(BPF_REG_0, XDP_TX));
	emit(a, EXIT());
	return a->n <= LIVE_MAX_INSNS ? 0 : -E2BIG;
}

static int run_live(struct flood *f)
{
	struct xdp_md ctx = {
		.data_end = f->len,
		.ingress_ifindex = f->ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f->frame,
		    .data_size_in = f->len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx),
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		    .batch_size = f->o.batch);
	LIBBPF_OPTS(bpf_prog_load_opts, popts);
	int state_fd = -1, srcs_fd = -1, prog_fd = -1, err = 0;
	unsigned long long chunk = 1 << 20, left;
	uint64_t t0, t1, deadline = 0;
	struct asm_buf a;
	char log[4096];
	__u32 i;

	state_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "flood_state", 4,
				  sizeof(struct live_state), 1, NULL);
	if (state_fd < 0) {
		err = -errno;
		pr_err("cannot create a BPF map: %s", strerror(-err));
		goto out;
	}
	if (f->n_srcs > 1) {
		srcs_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "flood_srcs", 4,
					 sizeof(struct src_entry), f->n_srcs,
					 NULL);
		if (srcs_fd < 0) {
			err = -errno;
			pr_err("cannot create the sources map (%u entries): %s",
			       f->n_srcs, strerror(-err));
			goto out;
		}
		for (i = 0; i < f->n_srcs; i++) {
			if (bpf_map_update_elem(srcs_fd, &i, &f->srcs[i], 0)) {
				err = -errno;
				pr_err("cannot fill the sources map: %s",
				       strerror(-err));
				goto out;
			}
		}
	}
	err = live_prog(f, state_fd, srcs_fd, &a);
	if (err)
		goto out;
	popts.log_buf = log;
	popts.log_size = sizeof(log);
	log[0] = 0;
	prog_fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "icmpflood", "GPL", a.insn,
				a.n, &popts);
	if (prog_fd < 0) {
		err = -errno;
		/* The verifier's last words say why. */
		pr_err("cannot load the generator program: %s%s%s",
		       strerror(-err), log[0] ? "\n" : "",
		       strlen(log) > 600 ? log + strlen(log) - 600 : log);
		goto out;
	}

	if (f->o.rate && f->o.rate / 10 < chunk) /* the first call: ~100 ms */
		chunk = f->o.rate / 10 + 1;
	t0 = bu_now_ns();
	if (f->o.rate) { /* the first frame is due now */
		struct live_state st = { .due = t0 };

		i = 0;
		if (bpf_map_update_elem(state_fd, &i, &st, 0)) {
			err = -errno;
			goto out;
		}
	}
	if (!f->o.count)
		deadline = t0 + (uint64_t)(f->o.duration * 1e9);
	while (!bu_stop) {
		uint64_t c0 = bu_now_ns(), spent;

		if (f->o.count) {
			left = f->o.count - f->sent;
			if (!left)
				break;
		} else {
			if (c0 >= deadline)
				break;
			left = ULLONG_MAX;
		}
		opts.repeat = chunk < left ? chunk : left;
		err = bpf_prog_test_run_opts(prog_fd, &opts);
		if (err) {
			err = -errno;
			if (err == -EINTR) { /* the chunk's count is unknown */
				f->interrupted = true;
				err = 0;
				break;
			}
			if (err == -EINVAL || err == -EOPNOTSUPP)
				pr_err("BPF_PROG_TEST_RUN with live frames failed on %s: %s (needs Linux 5.18+, an up interface and a frame of at most ~3.5 KiB; try --mode xsk)",
				       f->o.ifname, strerror(-err));
			else
				pr_err("BPF_PROG_TEST_RUN failed: %s",
				       strerror(-err));
			break;
		}
		f->sent += opts.repeat;
		/* Size the next call to ~LIVE_CHUNK_NS and to the deadline. */
		t1 = bu_now_ns();
		spent = t1 - c0 ? t1 - c0 : 1;
		chunk = (unsigned long long)((double)opts.repeat *
					     LIVE_CHUNK_NS / spent) +
			1;
		if (deadline && t1 < deadline) {
			unsigned long long to_end =
				(unsigned long long)((double)opts.repeat *
						     (deadline - t1) / spent) +
				1;
			if (to_end < chunk)
				chunk = to_end;
		}
		if (chunk > INT_MAX)
			chunk = INT_MAX;
	}
	f->seconds = (bu_now_ns() - t0) / 1e9;
	if (bu_stop)
		f->interrupted = true;
out:
	if (prog_fd >= 0)
		close(prog_fd);
	if (state_fd >= 0)
		close(state_fd);
	if (srcs_fd >= 0)
		close(srcs_fd);
	return err;
}

/* ---- AF_XDP ----------------------------------------------------------- */

static int run_xsk(struct flood *f)
{
	struct xsk_umem_config ucfg = {
		.fill_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
		.comp_size = XSK_RING,
		.frame_size = XSK_FRAME_SIZE,
		.frame_headroom = 0,
	};
	struct xsk_socket_config scfg = {
		.tx_size = XSK_RING,
		.rx_size = 0,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_USE_NEED_WAKEUP,
	};
	size_t size = (size_t)XSK_FRAMES * XSK_FRAME_SIZE;
	/* Zeroed: libxdp leaves the umem rings' cached indexes to us. */
	struct xsk_ring_prod fill = {}, tx = {};
	struct xsk_ring_cons comp = {};
	struct xsk_umem *umem = NULL;
	struct xsk_socket *xsk = NULL;
	unsigned long long queued = 0;
	__u64 *free_frames = NULL;
	unsigned n_free = 0, budget = XSK_RING;
	__u32 src_next = 0, idx, n, k;
	uint64_t t0, deadline = 0, now;
	void *area;
	int err, fd;

	area = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return -errno;
	free_frames = calloc(XSK_FRAMES, sizeof(*free_frames));
	if (!free_frames) {
		err = -ENOMEM;
		goto out;
	}
	for (k = 0; k < XSK_FRAMES; k++) {
		memcpy((uint8_t *)area + (size_t)k * XSK_FRAME_SIZE, f->frame,
		       f->len);
		free_frames[n_free++] = (__u64)k * XSK_FRAME_SIZE;
	}
	err = xsk_umem__create(&umem, area, size, &fill, &comp, &ucfg);
	if (err) {
		pr_err("cannot create the AF_XDP umem: %s", strerror(-err));
		goto out;
	}
	err = xsk_socket__create(&xsk, f->o.ifname, f->o.queue, umem, NULL, &tx,
				 &scfg);
	if (err) {
		pr_err("cannot create an AF_XDP socket on %s queue %llu: %s",
		       f->o.ifname, f->o.queue, strerror(-err));
		goto out;
	}
	fd = xsk_socket__fd(xsk);
	/* Linux 6.17+: more than 32 skbs per sendto() in copy mode. */
	if (setsockopt(fd, SOL_XDP, XDP_MAX_TX_SKB_BUDGET, &budget,
		       sizeof(budget)))
		budget = 32;

	t0 = bu_now_ns();
	if (!f->o.count)
		deadline = t0 + (uint64_t)(f->o.duration * 1e9);
	for (now = t0; !bu_stop; now = bu_now_ns()) {
		unsigned long long want = f->o.batch;

		if (f->o.count) {
			if (f->sent >= f->o.count)
				break;
			if (want > f->o.count - queued)
				want = f->o.count - queued;
		} else if (now >= deadline) {
			break;
		}
		if (f->o.rate) { /* no more than rate * elapsed so far */
			unsigned long long due =
				(unsigned long long)((now - t0) * 1e-9 *
						     f->o.rate) +
				1;

			want = due > queued ?
				       (due - queued < want ? due - queued :
							      want) :
				       0;
		}
		if (want > n_free)
			want = n_free;
		n = want ? xsk_ring_prod__reserve(&tx, want, &idx) : 0;
		for (k = 0; k < n; k++) {
			struct xdp_desc *d =
				xsk_ring_prod__tx_desc(&tx, idx + k);
			__u64 addr = free_frames[--n_free];

			if (f->n_srcs > 1) {
				__u32 s = f->o.random ?
						  (__u32)random() % f->n_srcs :
						  src_next;
				uint8_t *p = xsk_umem__get_data(area, addr);

				memcpy(p + f->layout.src_off, f->srcs[s].addr,
				       f->layout.addr_len);
				memcpy(p + f->layout.csum_off, f->srcs[s].csum,
				       2);
				if (++src_next == f->n_srcs)
					src_next = 0;
			}
			d->addr = addr;
			d->len = f->len;
			d->options = 0;
		}
		if (n) {
			xsk_ring_prod__submit(&tx, n);
			queued += n;
		}
		if (sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
		    errno != EAGAIN && errno != EBUSY && errno != ENOBUFS &&
		    errno != ENETDOWN) {
			err = -errno;
			pr_err("sendto on the AF_XDP socket: %s",
			       strerror(-err));
			break;
		}
		n = xsk_ring_cons__peek(&comp, XSK_RING, &idx);
		for (k = 0; k < n; k++)
			free_frames[n_free++] =
				*xsk_ring_cons__comp_addr(&comp, idx + k);
		if (n) {
			xsk_ring_cons__release(&comp, n);
			f->sent += n;
		}
	}
	f->seconds = (bu_now_ns() - t0) / 1e9;
	if (bu_stop)
		f->interrupted = true;
out:
	if (xsk)
		xsk_socket__delete(xsk);
	if (umem)
		xsk_umem__delete(umem);
	free(free_frames);
	munmap(area, size);
	return err;
}

/* ---- report ----------------------------------------------------------- */

static void report(const struct flood *f)
{
	const struct flood_spec *s = &f->spec;
	double pps = f->seconds > 0 ? f->sent / f->seconds : 0;
	/* On the wire a frame also takes FCS, preamble and gap: 24 bytes. */
	double bps = pps * (f->len + 24) * 8;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	const char *mode = f->o.engine == ENGINE_LIVE ? "live" : "xsk";

	inet_ntop(s->family, f->srcs[0].addr, src, sizeof(src));
	inet_ntop(s->family, s->dst, dst, sizeof(dst));
	if (f->o.json) {
		printf("{\"mode\": \"%s\", \"interface\": \"%s\", "
		       "\"family\": \"%s\", \"type\": %u, \"code\": %u, "
		       "\"frame_size\": %d, \"vlan\": %ld, \"src\": \"%s\", "
		       "\"sources\": %u, \"random\": %s, \"dst\": \"%s\", "
		       "\"packets\": %llu, \"seconds\": %.6f, \"pps\": %.0f, "
		       "\"bits_per_second\": %.0f, \"interrupted\": %s}\n",
		       mode, f->o.ifname, s->family == AF_INET ? "v4" : "v6",
		       s->type, s->code, f->len, f->o.vlan, src, f->n_srcs,
		       f->o.random ? "true" : "false", dst, f->sent, f->seconds,
		       pps, bps, f->interrupted ? "true" : "false");
		return;
	}
	printf("icmpflood: %s %s -> %s on %s: %s type %u code %u, %d-byte frames%s\n",
	       mode, src, dst, f->o.ifname,
	       s->family == AF_INET ? "ICMP" : "ICMPv6", s->type, s->code,
	       f->len, s->vlan ? ", VLAN-tagged" : "");
	if (f->n_srcs > 1)
		printf("icmpflood: %u sources from %s, %s\n", f->n_srcs, src,
		       f->o.random ? "at random" : "in turn");
	printf("icmpflood: sent %llu packets in %.3f s: %.3f Mpps, %.1f Mbit/s on the wire%s\n",
	       f->sent, f->seconds, pps / 1e6, bps / 1e6,
	       f->interrupted ?
		       " (interrupted: the last call's packets are not counted)" :
		       "");
}

int main(int argc, char **argv)
{
	struct flood *f;
	int err;

	bu_init("icmpflood", false);
	f = calloc(1, sizeof(*f));
	if (!f) {
		pr_err("out of memory");
		return 1;
	}
	err = parse_opts(argc, argv, &f->o);
	if (err) {
		free(f);
		return err > 0 ? 0 : 2;
	}
	bu_init("icmpflood", f->o.verbose);
	bu_catch_signals();
	srandom((unsigned)bu_now_ns());

	err = flood_setup(f);
	if (!err)
		err = f->o.engine == ENGINE_LIVE ? run_live(f) : run_xsk(f);
	if (!err && !f->o.quiet)
		report(f);
	free(f->srcs);
	free(f);
	return err ? 1 : 0;
}
