// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The local-address map (localaddr.h). Addresses come from getifaddrs(),
 * which asks the kernel over netlink in the caller's network namespace;
 * the MTU from SIOCGIFMTU.
 *
 * Races we accept: an address added to the interface after we read it is
 * unknown to the program until the next sync, so a PMTUD message quoting
 * a packet sent from it is dropped as invalid-source until then (the
 * sender retransmits; PMTUD recovers at the next sync). An address
 * removed is believed until the next sync: it can no longer be the source
 * of our packets, so at worst a forged message quoting it passes, as it
 * would without validation. The README says how to sync on changes.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "localaddr.h"

int ig_local_add(struct ig_local_set *s, int family, const void *addr,
		 uint32_t kind)
{
	struct ig_local_key key = { .family = (__u8)family };
	size_t i;

	memcpy(key.addr, addr, family == IG_FAM_V4 ? 4 : 16);
	for (i = 0; i < s->n; i++) {
		if (memcmp(&s->e[i].key, &key, sizeof(key)))
			continue;
		/* An address that is also a broadcast: it is ours first. */
		if (kind == IG_LOCAL_ADDR)
			s->e[i].value.kind = kind;
		return 0;
	}
	if (s->n >= IG_MAX_LOCAL)
		return -E2BIG;
	s->e[s->n].key = key;
	s->e[s->n].value.kind = kind;
	s->n++;
	return 0;
}

static int read_mtu(const char *ifname, uint32_t *mtu)
{
	struct ifreq ifr = {};
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFMTU, &ifr))
		err = -errno;
	else
		*mtu = (uint32_t)ifr.ifr_mtu;
	close(fd);
	return err;
}

/*
 * The directed broadcast of an IPv4 address: the one the interface was
 * given (`brd`), else the subnet's all-ones host address, which is what
 * a smurf aims at whether or not the interface was told (RFC 919); none
 * for /31 and /32, which have no broadcast (RFC 3021).
 */
static int add_broadcast(struct ig_local_set *s, const struct ifaddrs *ifa)
{
	const struct sockaddr_in *in4 = (const void *)ifa->ifa_addr, *b;
	const struct sockaddr_in *mask = (const void *)ifa->ifa_netmask;
	struct in_addr bcast;
	int err = 0;

	b = (const void *)ifa->ifa_broadaddr;
	if ((ifa->ifa_flags & IFF_BROADCAST) && b && b->sin_family == AF_INET &&
	    b->sin_addr.s_addr)
		err = ig_local_add(s, IG_FAM_V4, &b->sin_addr,
				   IG_LOCAL_BROADCAST);
	if (err || !mask || mask->sin_family != AF_INET ||
	    ntohl(mask->sin_addr.s_addr) >= 0xfffffffe)
		return err;
	bcast.s_addr = in4->sin_addr.s_addr | ~mask->sin_addr.s_addr;
	return ig_local_add(s, IG_FAM_V4, &bcast, IG_LOCAL_BROADCAST);
}

/* One address of getifaddrs(), and for IPv4 its broadcast addresses. */
static int add_ifaddr(struct ig_local_set *s, const struct ifaddrs *ifa)
{
	const struct sockaddr_in *in4;
	const struct sockaddr_in6 *in6;
	int err;

	if (ifa->ifa_addr->sa_family == AF_INET6) {
		in6 = (const struct sockaddr_in6 *)ifa->ifa_addr;
		return ig_local_add(s, IG_FAM_V6, &in6->sin6_addr,
				    IG_LOCAL_ADDR);
	}
	if (ifa->ifa_addr->sa_family != AF_INET)
		return 0;
	in4 = (const struct sockaddr_in *)ifa->ifa_addr;
	err = ig_local_add(s, IG_FAM_V4, &in4->sin_addr, IG_LOCAL_ADDR);
	return err ? err : add_broadcast(s, ifa);
}

int ig_local_read(const char *ifname, struct ig_local_set *s)
{
	struct ifaddrs *list, *ifa;
	int err = 0;

	memset(s, 0, sizeof(*s));
	if (getifaddrs(&list))
		return -errno;
	for (ifa = list; ifa && !err; ifa = ifa->ifa_next)
		if (ifa->ifa_addr && !strcmp(ifa->ifa_name, ifname))
			err = add_ifaddr(s, ifa);
	freeifaddrs(list);
	return err ? err : read_mtu(ifname, &s->mtu);
}

static bool in_set(const struct ig_local_set *s, const struct ig_local_key *k)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!memcmp(&s->e[i].key, k, sizeof(*k)))
			return true;
	return false;
}

/* Delete what is in the map but not in s; the walk restarts after one. */
static int delete_stale(int fd, const struct ig_local_set *s, size_t *removed)
{
	struct ig_local_key key, next;
	void *prev = NULL;

	for (;;) {
		if (bpf_map_get_next_key(fd, prev, &next))
			return errno == ENOENT ? 0 : -errno;
		if (in_set(s, &next)) {
			key = next;
			prev = &key;
			continue;
		}
		if (bpf_map_delete_elem(fd, &next) && errno != ENOENT)
			return -errno;
		(*removed)++;
		prev = NULL;
	}
}

int ig_local_sync(const struct ig_maps *m, const struct ig_local_set *s,
		  size_t *added, size_t *removed)
{
	struct ig_local_value old;
	struct ig_ifinfo info = {};
	size_t n_added = 0, n_removed = 0, i;
	struct timespec ts;
	__u32 zero = 0;
	int err;

	for (i = 0; i < s->n; i++) {
		if (bpf_map_lookup_elem(m->local_fd, &s->e[i].key, &old))
			n_added++;
		if (bpf_map_update_elem(m->local_fd, &s->e[i].key,
					&s->e[i].value, BPF_ANY))
			return -errno;
	}
	err = delete_stale(m->local_fd, s, &n_removed);
	if (err)
		return err;
	clock_gettime(CLOCK_REALTIME, &ts);
	info.mtu = s->mtu;
	info.n_local = (__u32)s->n;
	for (i = 0; i < s->n; i++) {
		if (s->e[i].value.kind != IG_LOCAL_BROADCAST)
			continue;
		if (info.n_bcast < IG_IFINFO_BCAST)
			memcpy(&info.bcast[info.n_bcast], s->e[i].key.addr, 4);
		info.n_bcast++;
	}
	info.synced_at = (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
	if (bpf_map_update_elem(m->ifinfo_fd, &zero, &info, BPF_ANY))
		return -errno;
	if (added)
		*added = n_added;
	if (removed)
		*removed = n_removed;
	return 0;
}

int ig_ifinfo_read(const struct ig_maps *m, struct ig_ifinfo *info)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(m->ifinfo_fd, &zero, info))
		return -errno;
	return 0;
}
