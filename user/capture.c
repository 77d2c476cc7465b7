// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The capture engine (capture.h). One capture per interface at a time: a
 * lock file under /run/icmpgate. The program hands chosen drops to the
 * AF_XDP socket of their RX queue (one socket, with a UMEM of its own, per
 * queue, zero-copy where the driver has it, copy mode otherwise) and
 * copies the rest into its ring buffer; this process takes both, writes
 * them out and renews the lease.
 *
 * Why a lease: a controller killed with SIGKILL cannot disarm. Its
 * sockets close with it, which takes them out of the XSKMAP (the kernel
 * does that), and the lease it no longer renews runs out within
 * IG_CAPTURE_LEASE_NS: the program then clears it, and every packet is
 * back to its plain verdict with no call made.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/ethtool.h>
#include <linux/if_xdp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>

#include "capture.h"
#include "log.h"
#include "reasons.h"
#include "session.h"

#define IG_RUN_DIR "/run/icmpgate"
#define FRAMES 2048 /* UMEM frames per queue */
#define FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define BATCH 64
#define TICK_MS 100 /* lease renewal and checks */

/* One RX queue's socket and its UMEM. */
struct xq {
	void *area;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fq;
	struct xsk_ring_cons cq;
	struct xsk_ring_cons rx;
	__u32 queue;
	bool in_map;
};

struct engine {
	const char *cmd;
	struct ig_iface *i;
	struct ig_sink *sink;
	struct xq *q;
	unsigned nq;
	bool zerocopy;
	struct ring_buffer *rb;
	uint64_t mono_to_real; /* add to CLOCK_MONOTONIC ns: CLOCK_REALTIME */
	uint64_t n, count;
	int err; /* the sink's error that stopped us */
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * The interface's capture lock, kept in *fd until closed. Another
 * capture of it: -EBUSY after saying whose.
 */
static void lock_path(const char *ifname, char *path, size_t size)
{
	snprintf(path, size, "%s/capture-%s.lock", IG_RUN_DIR, ifname);
}

/* The pid a lock file holds, as text ("" if it holds none). */
static void lock_pid(int fd, char *pid, size_t size)
{
	ssize_t n = pread(fd, pid, size - 1, 0);

	pid[n > 0 ? n : 0] = '\0';
	pid[strcspn(pid, "\n")] = '\0';
}

static int capture_lock(const char *cmd, const char *ifname, int *fd)
{
	char path[PATH_MAX], pid[32] = "";
	ssize_t n;
	int err;

	if (mkdir(IG_RUN_DIR, 0755) && errno != EEXIST)
		return ig_fail(cmd, -errno, "cannot create %s", IG_RUN_DIR);
	lock_path(ifname, path, sizeof(path));
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (*fd < 0)
		return ig_fail(cmd, -errno, "cannot open %s", path);
	if (flock(*fd, LOCK_EX | LOCK_NB)) {
		err = -errno;
		if (err == -EWOULDBLOCK) {
			lock_pid(*fd, pid, sizeof(pid));
			pr_err("%s: %s: another capture is running on it (pid %s; lock %s): one capture per interface at a time",
			       cmd, ifname, pid[0] ? pid : "unknown", path);
			err = -EBUSY;
		} else {
			ig_fail(cmd, err, "cannot lock %s", path);
		}
		close(*fd);
		*fd = -1;
		return err;
	}
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(*fd, 0) || pwrite(*fd, pid, (size_t)n, 0) != n)
		pr_debug("%s: cannot write the pid into %s", cmd, path);
	return 0;
}

/* RX queues of the interface (ethtool's channels); 1 if it does not say. */
static unsigned rx_queues(const char *ifname)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr;
	unsigned n = 1;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ch;
	if (!ioctl(fd, SIOCETHTOOL, &ifr)) {
		n = ch.rx_count > ch.combined_count ? ch.rx_count :
						      ch.combined_count;
		if (!n)
			n = 1;
	}
	close(fd);
	return n;
}

static void xq_close(struct engine *e, struct xq *q)
{
	if (q->in_map)
		bpf_map_delete_elem(e->i->maps.xsks_fd, &q->queue);
	if (q->xsk)
		xsk_socket__delete(q->xsk);
	if (q->umem)
		xsk_umem__delete(q->umem);
	if (q->area)
		munmap(q->area, (size_t)FRAMES * FRAME_SIZE);
	memset(q, 0, sizeof(*q));
}

/* A socket on queue, its UMEM full of free frames, in the XSKMAP. */
static int xq_open(struct engine *e, struct xq *q, __u32 queue)
{
	struct xsk_umem_config ucfg = {
		.fill_size = FRAMES,
		.comp_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.frame_size = FRAME_SIZE,
		.frame_headroom = 0,
	};
	struct xsk_socket_config scfg = {
		.rx_size = FRAMES,
		.tx_size = 0,
		/* The program is ours: libxdp must not load its own. */
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
	};
	struct xdp_options opts;
	socklen_t optlen = sizeof(opts);
	__u32 idx, k;
	int err, fd;

	q->queue = queue;
	q->area = mmap(NULL, (size_t)FRAMES * FRAME_SIZE,
		       PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);
	if (q->area == MAP_FAILED) {
		q->area = NULL;
		return -errno;
	}
	err = xsk_umem__create(&q->umem, q->area, (__u64)FRAMES * FRAME_SIZE,
			       &q->fq, &q->cq, &ucfg);
	if (err)
		return err;
	err = xsk_socket__create(&q->xsk, e->i->name, queue, q->umem, &q->rx,
				 NULL, &scfg);
	if (err)
		return err;
	if (xsk_ring_prod__reserve(&q->fq, FRAMES, &idx) != FRAMES)
		return -ENOMEM;
	for (k = 0; k < FRAMES; k++)
		*xsk_ring_prod__fill_addr(&q->fq, idx + k) =
			(__u64)k * FRAME_SIZE;
	xsk_ring_prod__submit(&q->fq, FRAMES);
	fd = xsk_socket__fd(q->xsk);
	if (!getsockopt(fd, SOL_XDP, XDP_OPTIONS, &opts, &optlen))
		e->zerocopy = opts.flags & XDP_OPTIONS_ZEROCOPY;
	if (bpf_map_update_elem(e->i->maps.xsks_fd, &queue, &fd, BPF_ANY))
		return -errno;
	q->in_map = true;
	return 0;
}

/* A socket per RX queue, or none (and why, in *why). */
static int xsks_open(struct engine *e, const char **why)
{
	unsigned n = rx_queues(e->i->name), k;
	int err = 0;

	if (n > IG_CAPTURE_QUEUES) {
		pr_warn("%s: %s has %u RX queues; capturing on the first %u",
			e->cmd, e->i->name, n, IG_CAPTURE_QUEUES);
		n = IG_CAPTURE_QUEUES;
	}
	e->q = calloc(n, sizeof(*e->q));
	if (!e->q)
		return -ENOMEM;
	for (k = 0; k < n && !err; k++) {
		err = xq_open(e, &e->q[k], k);
		e->nq = k + 1;
	}
	if (!err)
		return 0;
	*why = strerror(err < 0 ? -err : err);
	for (k = 0; k < e->nq; k++)
		xq_close(e, &e->q[k]);
	free(e->q);
	e->q = NULL;
	e->nq = 0;
	return err;
}

static int emit(struct engine *e, const struct ig_captured *p)
{
	int err;

	if (e->count && e->n >= e->count)
		return 0;
	err = ig_sink_packet(e->sink, p);
	if (err) {
		e->err = err;
		return err;
	}
	e->n++;
	return 0;
}

/* What the sockets received: out, and their frames back to the kernel. */
static int xq_drain(struct engine *e, struct xq *q)
{
	const struct ig_capture_meta *m;
	struct ig_captured p;
	__u32 idx, fidx, k, n;
	__u64 addr;
	int err = 0;

	n = xsk_ring_cons__peek(&q->rx, BATCH, &idx);
	if (!n)
		return 0;
	for (k = 0; k < n; k++) {
		const struct xdp_desc *d =
			xsk_ring_cons__rx_desc(&q->rx, idx + k);
		const uint8_t *data = xsk_umem__get_data(q->area, d->addr);

		memset(&p, 0, sizeof(p));
		p.data = data;
		p.caplen = d->len;
		p.len = d->len;
		p.ts_ns = mono_ns() + e->mono_to_real;
		/* The metadata sits in the frame's headroom, before data. */
		if (d->addr % FRAME_SIZE >= sizeof(*m)) {
			m = (const void *)(data - sizeof(*m));
			if (m->magic == IG_CAPTURE_META_MAGIC) {
				p.has_outcome = true;
				p.outcome = m->outcome;
				p.len = m->len > d->len ? m->len : d->len;
				p.ts_ns = m->ts + e->mono_to_real;
			}
		}
		if (!err)
			err = emit(e, &p);
	}
	xsk_ring_cons__release(&q->rx, n);
	if (xsk_ring_prod__reserve(&q->fq, n, &fidx) == n) {
		for (k = 0; k < n; k++) {
			addr = xsk_ring_cons__rx_desc(&q->rx, idx + k)->addr;
			*xsk_ring_prod__fill_addr(&q->fq, fidx + k) =
				addr - addr % FRAME_SIZE;
		}
		xsk_ring_prod__submit(&q->fq, n);
	}
	return err;
}

static int on_record(void *ctx, void *data, size_t size)
{
	const struct ig_capture_rec *r = data;
	struct engine *e = ctx;
	struct ig_captured p;

	if (size < IG_CAPTURE_REC_HDR || r->caplen > size - IG_CAPTURE_REC_HDR)
		return 0;
	memset(&p, 0, sizeof(p));
	p.has_outcome = true;
	p.outcome = r->outcome;
	p.len = r->len;
	p.caplen = r->caplen;
	p.data = r->data;
	p.ts_ns = r->ts + e->mono_to_real;
	return emit(e, &p);
}

/* What a record left by an earlier capture would say: nothing. */
static int on_stale(void *ctx, void *data, size_t size)
{
	(void)ctx;
	(void)data;
	(void)size;
	return 0;
}

int ig_capture_cpu_reset(int fd)
{
	int n = libbpf_num_possible_cpus(), err = 0;
	__u32 zero = 0;
	void *v;

	if (n < 1)
		return n < 0 ? n : -EINVAL;
	v = calloc((size_t)n, sizeof(struct ig_capture_cpu));
	if (!v)
		return -ENOMEM;
	if (bpf_map_update_elem(fd, &zero, v, BPF_ANY))
		err = -errno;
	free(v);
	return err;
}

int ig_capture_cpu_matched(int fd, uint64_t *matched)
{
	int n = libbpf_num_possible_cpus(), k, err = 0;
	struct ig_capture_cpu *v;
	__u32 zero = 0;

	_Static_assert(sizeof(struct ig_capture_cpu) % 8 == 0,
		       "per-CPU values come 8-byte aligned");
	*matched = 0;
	if (n < 1)
		return n < 0 ? n : -EINVAL;
	v = calloc((size_t)n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &zero, v))
		err = -errno;
	for (k = 0; k < n && !err; k++)
		*matched += v[k].matched;
	free(v);
	return err;
}

static void disarm(struct engine *e)
{
	__atomic_store_n(&e->i->maps.capture->lease, 0, __ATOMIC_SEQ_CST);
}

static void arm(struct engine *e, const struct ig_capture *cfg, bool xsk)
{
	struct ig_capture *c = e->i->maps.capture;

	disarm(e);
	if (ig_capture_cpu_reset(e->i->maps.capture_cpu_fd))
		pr_debug("%s: cannot reset the capture's per-CPU counts",
			 e->cmd);
	memcpy(c, cfg, offsetof(struct ig_capture, tat));
	c->flags = xsk ? IG_CAP_XSK : 0;
	c->tat = c->seen = c->to_xsk = c->to_ring = 0;
	c->over_rate = c->no_socket = c->ring_full = 0;
	__atomic_store_n(&c->lease, mono_ns() + IG_CAPTURE_LEASE_NS,
			 __ATOMIC_SEQ_CST);
}

static void renew(struct engine *e)
{
	__atomic_store_n(&e->i->maps.capture->lease,
			 mono_ns() + IG_CAPTURE_LEASE_NS, __ATOMIC_SEQ_CST);
}

/* Packets the sockets' rings had no room for, summed. */
static uint64_t xsk_lost(const struct engine *e)
{
	struct xdp_statistics st;
	socklen_t len;
	uint64_t n = 0;
	unsigned k;

	for (k = 0; k < e->nq; k++) {
		len = sizeof(st);
		if (!getsockopt(xsk_socket__fd(e->q[k].xsk), SOL_XDP,
				XDP_STATISTICS, &st, &len))
			n += st.rx_dropped + st.rx_ring_full;
	}
	return n;
}

static int loop(struct engine *e, const struct ig_capture_run *r)
{
	struct pollfd *pfd;
	uint64_t start = mono_ns(), last_probe = start, now;
	struct ig_live lv;
	unsigned k, npfd = e->nq + 1;
	int err = 0;

	pfd = calloc(npfd, sizeof(*pfd));
	if (!pfd)
		return -ENOMEM;
	for (k = 0; k < e->nq; k++)
		pfd[k] = (struct pollfd){ xsk_socket__fd(e->q[k].xsk), POLLIN,
					  0 };
	pfd[e->nq] = (struct pollfd){ ring_buffer__epoll_fd(e->rb), POLLIN, 0 };
	while (!stop_signal && !err && (!r->count || e->n < r->count)) {
		renew(e);
		if (poll(pfd, npfd, TICK_MS) < 0 && errno != EINTR) {
			err = -errno;
			break;
		}
		for (k = 0; k < e->nq && !err; k++)
			err = xq_drain(e, &e->q[k]);
		if (!err) {
			err = ring_buffer__consume(e->rb);
			err = err < 0 ? (e->err ? e->err : err) : 0;
		}
		now = mono_ns();
		if (r->duration_ms &&
		    now - start >= r->duration_ms * 1000000ull)
			break;
		if (now - last_probe >= 1000000000ull) {
			last_probe = now;
			ig_probe_live(e->i->name, &e->i->state, &lv);
			if (!lv.attached) {
				pr_err("%s: %s: the attachment went away (%s); stopping",
				       e->cmd, e->i->name, lv.why_not);
				err = -ENOLINK;
			}
		}
	}
	free(pfd);
	return err;
}

/* Does the reason mask take packets that pass? */
static bool takes_passes(__u64 mask)
{
	unsigned r;

	for (r = 0; r < IG_REASON_COUNT; r++)
		if ((mask >> r & 1) &&
		    (ig_reasons[r].total == IG_TOTAL_PASSED ||
		     ig_reasons[r].total == IG_TOTAL_WOULD_DROP ||
		     ig_reasons[r].total == IG_TOTAL_NON_ICMP))
			return true;
	return false;
}

/*
 * One sequence, kept whole so that every way out passes the one teardown
 * at `out`: lock, sink, ring buffer, sockets, arm, loop, disarm, summary.
 */
int ig_capture(const char *cmd, struct ig_iface *i,
	       const struct ig_capture_run *r)
{
	struct engine e = { .cmd = cmd, .i = i, .count = r->count };
	struct sigaction sa = { .sa_handler = on_signal };
	const char *why = "asked for --ring";
	struct ig_capture *c = i->maps.capture;
	uint64_t matched = 0;
	struct timespec rt;
	int lock_fd = -1, err;
	unsigned k;

	err = capture_lock(cmd, i->name, &lock_fd);
	if (err)
		return err;
	clock_gettime(CLOCK_REALTIME, &rt);
	e.mono_to_real = (uint64_t)rt.tv_sec * 1000000000ull +
			 (uint64_t)rt.tv_nsec - mono_ns();
	err = ig_sink_open(&e.sink, r->file,
			   r->snaplen ? r->snaplen :
					IG_CAPTURE_SNAPLEN_DEFAULT);
	if (err) {
		ig_fail(cmd, err, "cannot open %s for the capture",
			r->file && strcmp(r->file, "-") ? r->file : "stdout");
		goto out;
	}
	/* Records an earlier capture left in the ring are not ours. */
	e.rb = ring_buffer__new(i->maps.capture_ring_fd, on_stale, &e, NULL);
	if (!e.rb) {
		err = -errno;
		ig_fail(cmd, err, "cannot open the capture's ring buffer");
		goto out;
	}
	ring_buffer__consume(e.rb);
	ring_buffer__free(e.rb);
	e.rb = ring_buffer__new(i->maps.capture_ring_fd, on_record, &e, NULL);
	if (!e.rb) {
		err = -errno;
		ig_fail(cmd, err, "cannot open the capture's ring buffer");
		goto out;
	}
	if (!r->ring && xsks_open(&e, &why))
		pr_warn("%s: %s: no AF_XDP socket (%s): drops are copied through the ring buffer (at most %u bytes each)",
			cmd, i->name, why, IG_CAPTURE_SNAP_MAX);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	arm(&e, &r->cfg, e.nq > 0);
	if (e.nq)
		fprintf(stderr,
			"icmpgate: capture: %s: drops via AF_XDP (%s mode, %u RX queue%s)%s\n",
			i->name, e.zerocopy ? "zero-copy" : "copy", e.nq,
			e.nq == 1 ? "" : "s",
			takes_passes(r->cfg.reasons) ?
				", passed packets via the ring buffer" :
				"");
	else
		fprintf(stderr,
			"icmpgate: capture: %s: packets via the ring buffer (at most %u bytes each)\n",
			i->name, IG_CAPTURE_SNAP_MAX);
	err = loop(&e, r);
	disarm(&e);
	for (k = 0; k < e.nq; k++)
		xq_drain(&e, &e.q[k]);
	ring_buffer__consume(e.rb);
	if (!err && e.err)
		err = e.err;
	if (err == -EPIPE)
		err = 0; /* the reader went away: the end of the capture */
	else if (err && err != -ENOLINK)
		ig_fail(cmd, err, "capture on %s failed", i->name);
	if (ig_capture_cpu_matched(i->maps.capture_cpu_fd, &matched))
		matched = c->seen;
	fprintf(stderr,
		"icmpgate: capture: %s: %" PRIu64 " packets captured; %" PRIu64
		" matched, %llu sampled, %llu over the rate bound, %llu with no socket, %llu lost in a full ring\n",
		i->name, e.n, matched, (unsigned long long)c->seen,
		(unsigned long long)c->over_rate,
		(unsigned long long)c->no_socket,
		(unsigned long long)(c->ring_full + xsk_lost(&e)));
out:
	disarm(&e);
	for (k = 0; k < e.nq; k++)
		xq_close(&e, &e.q[k]);
	free(e.q);
	if (e.rb)
		ring_buffer__free(e.rb);
	if (e.sink) {
		ig_sink_flush(e.sink);
		ig_sink_close(e.sink);
	}
	if (lock_fd >= 0)
		close(lock_fd);
	return err;
}

void ig_capture_now(const struct ig_iface *i, struct ig_capture_now *now)
{
	const struct ig_capture *c = i->maps.capture;
	char path[PATH_MAX], pid[32] = "";
	int fd;

	memset(now, 0, sizeof(*now));
	if (!c)
		return;
	now->armed = __atomic_load_n(&c->lease, __ATOMIC_RELAXED) > mono_ns();
	now->taken = c->to_xsk + c->to_ring;
	lock_path(i->name, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	/* A capture holds it exclusively: a shared lock is refused. */
	if (flock(fd, LOCK_SH | LOCK_NB)) {
		if (errno == EWOULDBLOCK) {
			lock_pid(fd, pid, sizeof(pid));
			now->pid = (int)strtol(pid, NULL, 10);
			now->running = true;
		}
	} else {
		flock(fd, LOCK_UN);
	}
	close(fd);
}
