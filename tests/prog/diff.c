// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The differential verdict test: random policies (every statement form)
 * and random frames (every parse path, truncations and random byte
 * changes included) through the real program, each verdict and counter
 * compared with a reference model of the README's contract ("The policy
 * language", "The built-in default policy", "How a packet flows",
 * "Counters", "What icmpgate follows by itself", "Rate limiting").
 *
 * The model reads the frame's bytes itself and knows the policy only as
 * the generator wrote it, never as the controller compiled it. It shares
 * nothing with bpf/ or user/ but the counter layout of the contract
 * (ig_counter_index, ig_counter_family) and the enum of reasons.
 *
 * Rate limits run on the fake clock, which stands still within an
 * "epoch": a bucket of burst N passes exactly N packets (for a bit rate,
 * N bytes of frames) and then none, so the model predicts every
 * pass-limit and rate-limited-* exactly. An epoch ends (the clock jumps an
 * hour: every bucket full again) at each new policy and before a third
 * per-source bucket would be touched: the per-source table evicts from
 * sets of two (README, "Per-source buckets"), so two buckets in use can
 * never evict each other, and the model need not know the table's hash.
 *
 * Every policy runs twice over the same frames: enforcing, then in audit
 * mode, where the model passes each drop the policy decides under its
 * audit reason (README, "Audit mode").
 *
 * Where the README leaves the answer to the kernel (the side of a
 * destination that is not one of the lab's, say after a random byte
 * change moved the IP header), the model accepts either side.
 *
 * `make check` runs a fixed seed (a few thousand frames); `make fuzz` and
 * `test_prog diff --iters N [--seed S]` run as many as asked. A mismatch
 * prints the seed and round (`test_prog diff --seed S --round R` runs that
 * round alone), the policy, the frame in hex, the model's answer and the
 * program's.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reasons.h"

#include "harness.h"

#define M_RULES 14
#define M_PREFIXES 8
#define M_ANY (-1) /* a rule for every code of its type */
#define BATCH 128 /* frames between two counter reads */
/* BPF_PROG_TEST_RUN keeps a page less head- and tailroom of an XDP frame. */
#define RUN_MAX 3520

/* ---- the policy, as the generator writes it --------------------------- */

struct m_rate {
	uint64_t amount; /* packets per period, or bytes a second; 0: none */
	uint32_t period; /* 1 or 60 */
	bool bytes; /* a bit rate, written in bit/s units */
	uint64_t burst; /* as written; 0: the default */
};

struct m_rule {
	int side, fam, type, code, action;
	int validate; /* 0, 1: validate, 2: validate socket */
	uint32_t max_size; /* 0: none */
	struct m_rate cls, src;
	int prefix_len; /* per-source; 0: the default */
};

struct m_prefix {
	int fam, len, list;
	uint8_t addr[16];
};

struct m_policy {
	int def, fwd_def, frags, bcast; /* IG_ACT_PASS or IG_ACT_DROP */
	bool audit; /* `mode audit` */
	struct m_rule rule[M_RULES];
	int n_rules;
	struct m_prefix pfx[M_PREFIXES];
	int n_pfx;
};

/* ---- the model's state: bucket contents in this epoch ----------------- */

struct m_src {
	int rule;
	uint8_t key[16];
	int64_t left;
};

struct m_state {
	int64_t cls[M_RULES]; /* what each class bucket has left */
	struct m_src src[2];
	int n_src;
};

struct m_out {
	int verdict, cfam, type, reason;
};

/* ---- random numbers ---------------------------------------------------- */

static uint64_t rng;

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n) /* 0 .. n-1 */
{
	return n ? (uint32_t)(splitmix(&rng) % n) : 0;
}

static bool chance(int percent)
{
	return rnd(100) < (uint32_t)percent;
}

static int pick(const int *v, size_t n)
{
	return v[rnd((uint32_t)n)];
}
#define PICK(a) pick(a, sizeof(a) / sizeof(a[0]))

/* ---- what the README says about types ------------------------------- */

/* ICMP errors, the types `validate` is for. */
static bool is_error(int fam, int type)
{
	if (fam == V4)
		return type == 3 || type == 11 || type == 12;
	return type >= 1 && type <= 4;
}

/* NDP, MLD and PMTUD: pass under `default drop` (and `forward default`). */
static bool essential(int fam, int type, int code)
{
	if (fam == V4)
		return type == 3 && code == 4;
	return type == 2 || (type >= 130 && type <= 136) || type == 143;
}

static bool covers_essential(const struct m_rule *r)
{
	int c;

	if (r->code != M_ANY)
		return essential(r->fam, r->type, r->code);
	for (c = 0; c < 256; c++)
		if (essential(r->fam, r->type, c))
			return true;
	return false;
}

static bool is_ndp(int fam, int type)
{
	return fam == V6 && type >= 133 && type <= 137;
}

/* ---- the generator: a random policy ------------------------------------ */

/* Sources the frames come from and prefixes are cut from. */
static const char *const src4[] = { "192.0.2.1",   "192.0.2.77", "10.1.2.3",
				    "10.1.200.9",  "10.2.0.9",	 "203.0.113.5",
				    "198.51.100.7" };
static const char *const src6[] = { "2001:db8::1",	  "2001:db8:1::5",
				    "2001:db8:1:0:ff::5", "fe80::1",
				    "2001:db8:ffff::5",	  "fe80::99" };

static void rand_addr(int fam, uint8_t *a)
{
	memset(a, 0, 16);
	if (fam == V4)
		inet_pton(AF_INET, src4[rnd(7)], a);
	else
		inet_pton(AF_INET6, src6[rnd(6)], a);
	if (chance(30))
		a[(fam == V4 ? 4 : 16) - 1 - rnd(2)] ^= (uint8_t)rnd(256);
}

static void mask(uint8_t *a, int len)
{
	int i;

	for (i = 0; i < 16; i++) {
		int keep = len - i * 8;

		a[i] &= keep >= 8 ? 0xff : keep <= 0 ? 0 : 0xff << (8 - keep);
	}
}

static const int types4[] = { 0, 3, 3, 4, 5, 8, 8, 11, 12, 13, 42, 200 };
static const int types6[] = { 1,   2,	2,   3,	  4,   128, 128, 129,
			      130, 133, 134, 134, 135, 136, 137, 143 };

static void rand_rate(struct m_rate *r, bool allow_bytes)
{
	static const int pps[] = { 1, 10, 50, 100, 200, 1000 };
	static const int ppm[] = { 30, 600, 6000 };
	static const int bps[] = { 1000, 125000, 1000000, 10000000 };

	memset(r, 0, sizeof(*r));
	r->period = 1;
	if (allow_bytes && chance(25)) {
		r->bytes = true;
		r->amount = (uint64_t)PICK(bps);
		if (chance(60))
			r->burst = 1514 + rnd(4000);
	} else {
		if (chance(25)) {
			r->amount = (uint64_t)PICK(ppm);
			r->period = 60;
		} else {
			r->amount = (uint64_t)PICK(pps);
		}
		if (chance(70))
			r->burst = 1 + rnd(6);
	}
}

/* A bucket's size in packets or bytes: as written, or the default. */
static int64_t burst_of(const struct m_rate *r)
{
	int64_t tenth;

	if (r->burst)
		return (int64_t)r->burst;
	tenth = (int64_t)(r->amount / r->period / 10);
	if (r->bytes)
		return tenth > 65536 ? tenth : 65536;
	return tenth > 5 ? tenth : 5;
}

static bool same_target(const struct m_rule *a, const struct m_rule *b)
{
	return a->side == b->side && a->fam == b->fam && a->type == b->type &&
	       a->code == b->code;
}

static void rand_rule(struct m_rule *r, int n_limits)
{
	memset(r, 0, sizeof(*r));
	r->side = chance(25) ? IG_SIDE_TRANSIT : IG_SIDE_HOST;
	r->fam = chance(50) ? V4 : V6;
	r->type = chance(85) ? (r->fam == V4 ? PICK(types4) : PICK(types6)) :
			       (int)rnd(256);
	r->code = chance(55) ? M_ANY :
		  chance(50) ? 0 :
		  chance(50) ? 4 :
			       (int)rnd(256);
	r->action = (int)rnd(3);
	if (r->action == IG_ACT_LIMIT && n_limits >= 6)
		r->action = IG_ACT_DROP;
	if (r->action == IG_ACT_LIMIT) {
		int form = (int)rnd(3); /* class, per-source, both */

		if (form != 1)
			rand_rate(&r->cls, true);
		if (form != 0) {
			rand_rate(&r->src, true);
			if (chance(40))
				r->prefix_len = r->fam == V4 ?
							8 + (int)rnd(25) :
							16 + (int)rnd(113);
		}
	}
	if (r->action != IG_ACT_DROP && is_error(r->fam, r->type) && chance(70))
		r->validate = r->side == IG_SIDE_HOST && chance(25) ? 2 : 1;
	if (r->action != IG_ACT_DROP && chance(20)) {
		static const int sizes[] = { 8, 40, 64, 100, 500, 1400 };

		r->max_size = chance(80) ? (uint32_t)PICK(sizes) :
					   8 + rnd(65528);
	}
}

static void rand_policy(struct m_policy *p)
{
	static const int lens4[] = { 8, 16, 24, 30, 32 };
	static const int lens6[] = { 16, 32, 48, 64, 80, 128 };
	int i, j, n, limits = 0;

	memset(p, 0, sizeof(*p));
	p->def = chance(35) ? IG_ACT_DROP : IG_ACT_PASS;
	p->fwd_def = chance(35) ? IG_ACT_DROP : IG_ACT_PASS;
	p->frags = chance(40) ? IG_ACT_DROP : IG_ACT_PASS;
	p->bcast = chance(30) ? IG_ACT_PASS : IG_ACT_DROP;
	n = (int)rnd(M_RULES + 1);
	for (i = 0; i < n; i++) {
		struct m_rule *r = &p->rule[p->n_rules];

		rand_rule(r, limits);
		for (j = 0; j < p->n_rules; j++)
			if (same_target(r, &p->rule[j]))
				break;
		if (j < p->n_rules)
			continue;
		limits += r->action == IG_ACT_LIMIT;
		p->n_rules++;
	}
	n = chance(40) ? 0 : (int)rnd(M_PREFIXES + 1);
	for (i = 0; i < n; i++) {
		struct m_prefix *x = &p->pfx[p->n_pfx];

		x->list = chance(15) ? IG_LIST_RA :
			  chance(50) ? IG_LIST_ALLOW :
				       IG_LIST_BLOCK;
		x->fam = x->list == IG_LIST_RA || chance(50) ? V6 : V4;
		x->len = x->fam == V4 ? PICK(lens4) : PICK(lens6);
		rand_addr(x->fam, x->addr);
		mask(x->addr, x->len);
		/* One prefix once, in allow or block; the RA list apart. */
		for (j = 0; j < p->n_pfx; j++)
			if (p->pfx[j].fam == x->fam &&
			    p->pfx[j].len == x->len &&
			    !memcmp(p->pfx[j].addr, x->addr, 16) &&
			    (p->pfx[j].list == IG_LIST_RA) ==
				    (x->list == IG_LIST_RA))
				break;
		if (j == p->n_pfx)
			p->n_pfx++;
	}
}

/* ---- the policy as text ---------------------------------------------- */

struct text {
	char *s;
	size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < t->cap - t->len)
		t->len += (size_t)n;
}

static void put_rate(struct text *t, const struct m_rate *r)
{
	uint64_t bits = r->amount * 8;

	if (!r->bytes)
		put(t, " %" PRIu64 "/%s", r->amount,
		    r->period == 60 ? "min" : "s");
	else if (bits % 1000000 == 0)
		put(t, " %" PRIu64 "mbit/s", bits / 1000000);
	else if (bits % 1000 == 0)
		put(t, " %" PRIu64 "kbit/s", bits / 1000);
	else
		put(t, " %" PRIu64 "bit/s", bits);
	if (r->burst)
		put(t, " burst %" PRIu64, r->burst);
}

static const char *act_word(int a)
{
	return a == IG_ACT_DROP ? "drop" : "pass";
}

static void put_target(struct text *t, const struct m_rule *r)
{
	static const struct {
		int fam, type, code;
		const char *name;
	} names[] = {
		{ V4, 8, M_ANY, "echo-request" },
		{ V4, 3, 4, "dest-unreachable/frag-needed" },
		{ V4, 11, M_ANY, "time-exceeded" },
		{ V6, 2, M_ANY, "packet-too-big" },
		{ V6, 128, M_ANY, "echo-request" },
		{ V6, 134, M_ANY, "router-advert" },
		{ V6, 135, M_ANY, "neighbor-solicit" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].fam == r->fam && names[i].type == r->type &&
		    names[i].code == r->code && chance(50)) {
			put(t, " %s", names[i].name);
			return;
		}
	put(t, " %d", r->type);
	if (r->code != M_ANY)
		put(t, "/%d", r->code);
}

static void policy_text(const struct m_policy *p, struct text *t)
{
	char a[INET6_ADDRSTRLEN];
	bool audit_first;
	int i;

	t->len = 0;
	t->s[0] = 0;
	/* Anywhere in the text: first, or after the switches. */
	audit_first = chance(50);
	/* The same draws either way: audit or not, the same frames follow. */
	if (chance(10) && !p->audit)
		put(t, "mode enforce\n");
	if (p->audit && audit_first)
		put(t, "mode audit\n");
	if (p->def != IG_ACT_PASS || chance(30))
		put(t, "default %s\n", act_word(p->def));
	if (p->fwd_def != IG_ACT_PASS || chance(30))
		put(t, "forward default %s\n", act_word(p->fwd_def));
	if (p->frags != IG_ACT_PASS || chance(30))
		put(t, "fragments %s\n", act_word(p->frags));
	if (p->bcast != IG_ACT_DROP || chance(30))
		put(t, "broadcast-echo %s\n", act_word(p->bcast));
	if (p->audit && !audit_first)
		put(t, "mode audit\n");
	for (i = 0; i < p->n_rules; i++) {
		const struct m_rule *r = &p->rule[i];

		put(t, "%s%s", r->side == IG_SIDE_TRANSIT ? "forward " : "",
		    r->fam == V4 ? "v4" : "v6");
		put_target(t, r);
		if (r->action != IG_ACT_LIMIT) {
			put(t, " %s", act_word(r->action));
		} else {
			put(t, " limit");
			if (r->cls.amount)
				put_rate(t, &r->cls);
			if (r->src.amount) {
				put(t, " per-source");
				put_rate(t, &r->src);
				if (r->prefix_len)
					put(t, " prefix /%d", r->prefix_len);
			}
		}
		if (r->validate)
			put(t, " validate%s",
			    r->validate == 2 ? " socket" : "");
		if (r->max_size)
			put(t, " max-size %u", r->max_size);
		if (r->action != IG_ACT_PASS && covers_essential(r))
			put(t, " force");
		put(t, "\n");
	}
	for (i = 0; i < p->n_pfx; i++) {
		const struct m_prefix *x = &p->pfx[i];

		inet_ntop(x->fam == V4 ? AF_INET : AF_INET6, x->addr, a,
			  sizeof(a));
		put(t, "%s %s/%d\n",
		    x->list == IG_LIST_RA    ? "ra-guard allow" :
		    x->list == IG_LIST_ALLOW ? "allow" :
					       "block",
		    a, x->len);
	}
}

/* ---- the generator: a random frame ----------------------------------- */

/*
 * The lab's destinations (diff_lab_up()): addresses of this host, its
 * broadcasts, multicast, and addresses the kernel routes on (transit).
 */
static const char *const dst4[] = { OUR4,	  "198.51.100.2",
				    OUR4_BCAST,	  "255.255.255.255",
				    "224.0.0.1",  "203.0.113.200",
				    "192.0.2.200" };
static const char *const dst6[] = { OUR6, "ff02::1", "2001:db8:77::9",
				    "2001:db8:ffff::5" };

/* A type (and code) of one of the policy's rules, mostly. */
static void rand_type(const struct m_policy *p, struct pkt_desc *d, int fam)
{
	const struct m_rule *r;
	int i, n = 0, of[M_RULES];

	for (i = 0; i < p->n_rules; i++)
		if (p->rule[i].fam == fam)
			of[n++] = i;
	d->code = chance(50) ? 0 : chance(50) ? 4 : (uint8_t)rnd(256);
	if (n && chance(70)) {
		r = &p->rule[of[rnd((uint32_t)n)]];
		d->type = (uint8_t)r->type;
		if (r->code != M_ANY && chance(80))
			d->code = (uint8_t)r->code;
	} else if (chance(90)) {
		d->type = (uint8_t)(fam == V4 ? PICK(types4) : PICK(types6));
	} else {
		d->type = (uint8_t)rnd(256);
	}
}

static void rand_frame(const struct m_policy *p, struct pkt_desc *d,
		       char *srcbuf)
{
	static const uint8_t mcast_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	static const int ext6[] = { IPPROTO_HOPOPTS, IPPROTO_ROUTING,
				    IPPROTO_DSTOPTS, IPPROTO_FRAGMENT,
				    IPPROTO_AH };
	static const int mtus[] = { 0,	  67,	68,   576,  1279, 1280, 1400,
				    1419, 1420, 1439, 1440, 1500, 9000, 70000 };
	uint8_t a[16];
	int fam, n, i;
	uint32_t r = rnd(100);

	memset(d, 0, sizeof(*d));
	fam = r < 47 ? V4 : r < 94 ? V6 : OTHER;
	d->ethertype =
		fam == V4 ? ETH_P_IP :
		fam == V6 ? ETH_P_IPV6 :
			    (uint16_t)(chance(50) ? ETH_P_ARP : rnd(65536));
	n = chance(60) ? 0 : chance(50) ? 1 : chance(80) ? 2 : 3;
	for (i = 0; i < n; i++)
		d->vlan[i] = chance(50) ? ETH_P_8021Q : ETH_P_8021AD;
	if (fam == OTHER)
		return;
	d->mac_bcast = chance(5);
	if (chance(3))
		d->dst_mac = mcast_mac;
	rand_addr(fam, a);
	inet_ntop(fam == V4 ? AF_INET : AF_INET6, a, srcbuf, INET6_ADDRSTRLEN);
	d->src = srcbuf;
	d->dst = fam == V4 ? src4[0] : src6[0]; /* overwritten below */
	d->dst = fam == V4 ? dst4[rnd(7)] : dst6[rnd(4)];
	d->proto = fam == V4 ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	if (chance(8))
		d->proto = chance(40) ? IPPROTO_TCP :
			   chance(60) ? IPPROTO_UDP :
					(uint8_t)rnd(256);
	if (fam == V4 && chance(15))
		d->ihl = chance(70) ? (uint8_t)(6 + rnd(10)) : (uint8_t)rnd(5);
	if (fam == V6 && chance(35)) {
		d->n_ext = (uint8_t)(1 + rnd(chance(80) ? 3 : MAX_EXT));
		for (i = 0; i < d->n_ext; i++)
			d->ext[i] = (uint8_t)PICK(ext6);
	}
	if (chance(20) && (fam == V4 || chance(50))) {
		if (fam == V6 && d->n_ext < MAX_EXT)
			d->ext[d->n_ext++] = IPPROTO_FRAGMENT;
		d->frag_offset = chance(30) ? 0 :
				 chance(40) ? (uint16_t)(8180 + rnd(12)) :
					      (uint16_t)rnd(8192);
		d->more_frags = chance(50);
	}
	rand_type(p, d, fam);
	if (is_ndp(fam, d->type) || chance(10))
		d->hop_limit = chance(70) ? 255 : chance(50) ? 64 : 1;
	if (is_error(fam, d->type) || chance(5)) {
		d->mtu = (uint32_t)PICK(mtus);
		d->q_src = chance(65) ? d->dst :
			   chance(50) ? (fam == V4 ? REMOTE4 : REMOTE6) :
					d->src;
		d->q_dst = chance(85) ? (fam == V4 ? REMOTE4 : REMOTE6) :
					d->q_src;
		if (chance(5))
			d->q_version = (uint8_t)rnd(16);
		if (chance(30))
			d->q_len = (uint16_t)(48 + rnd(3000));
	}
	if (is_ndp(fam, d->type) && chance(50))
		d->nd_target = fam == V6 ? OUR6 : NULL;
	if (chance(10))
		d->size = 60 + rnd(chance(80) ? 1600 : 3400);
	if (chance(8))
		d->l4_len = (int)rnd(64);
	if (chance(5))
		d->ip_len_delta = (int)rnd(61) - 30;
}

/* Random bytes changed anywhere but in the destination address. */
static void mutate(const struct pkt_desc *d, uint8_t *f, size_t len)
{
	struct frame_layout l;
	size_t dst_off, off;
	int i, n = 1 + (int)rnd(4);

	frame_layout_of(d, &l);
	dst_off = l.src_off + l.addr_len;
	for (i = 0; i < n && len; i++) {
		off = chance(70) && len > l.l3_off ?
			      l.l3_off + rnd((uint32_t)(len - l.l3_off)) :
			      rnd((uint32_t)len);
		if (off >= dst_off && off < dst_off + l.addr_len)
			continue;
		f[off] = chance(50) ? (uint8_t)rnd(256) :
				      (uint8_t)(f[off] ^ (1u << rnd(8)));
	}
}

/* ---- the model ---------------------------------------------------------- */

static uint32_t rd16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t rd32(const uint8_t *p)
{
	return rd16(p) << 16 | rd16(p + 2);
}

/* What the model reads of a frame before the policy. */
struct view {
	int fam; /* V4, V6, OTHER */
	int early; /* a reason decided by parsing alone, or -1 */
	size_t l3, l4, end; /* end: the IP length's end or the frame's */
	uint32_t msg_len; /* the ICMP message by the IP length */
	int hop;
	const uint8_t *src, *dst;
	int type, code;
	bool mac_group; /* broadcast or multicast destination MAC */
};

static bool is_ext6(int nh)
{
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
	       nh == IPPROTO_DSTOPTS || nh == IPPROTO_FRAGMENT ||
	       nh == IPPROTO_AH;
}

/*
 * A non-first fragment of ICMP whose datagram would be `fend` bytes long
 * (IPv4: header included; IPv6: the payload, the headers before the
 * fragment header included): the ping of death, or `fragments`.
 */
static int fragment_reason(const struct m_policy *p, uint64_t fend)
{
	if (fend > 65535)
		return IG_R_DROP_PING_OF_DEATH;
	return p->frags == IG_ACT_DROP ? IG_R_DROP_FRAGMENT :
					 IG_R_PASS_FRAGMENT;
}

static void view_v4(const struct m_policy *p, const uint8_t *f, size_t len,
		    struct view *v)
{
	const uint8_t *ip = f + v->l3;
	size_t ihl, tot;
	uint32_t off;

	if (len < v->l3 + 20 || (ip[0] >> 4) != 4 || (ip[0] & 15) < 5) {
		v->early = IG_R_MALFORMED_L3;
		return;
	}
	ihl = (ip[0] & 15) * 4u;
	tot = rd16(ip + 2);
	if (len < v->l3 + ihl || tot < ihl) {
		v->early = IG_R_MALFORMED_L3;
		return;
	}
	v->end = v->l3 + tot < len ? v->l3 + tot : len;
	v->l4 = v->l3 + ihl;
	v->msg_len = (uint32_t)(tot - ihl);
	v->hop = ip[8];
	v->src = ip + 12;
	v->dst = ip + 16;
	if (ip[9] != IPPROTO_ICMP) {
		v->early = IG_R_NON_ICMP;
		return;
	}
	off = (rd16(ip + 6) & 0x1fff) * 8u;
	if (off)
		v->early =
			fragment_reason(p, ihl + off + (uint64_t)(tot - ihl));
}

static void view_v6(const struct m_policy *p, const uint8_t *f, size_t len,
		    struct view *v)
{
	const uint8_t *ip = f + v->l3;
	size_t plen, pos, hlen, ipend;
	int nh, n = 0;

	/* A jumbogram (payload length 0) leaves no room for ICMP: malformed. */
	if (len < v->l3 + 40 || (ip[0] >> 4) != 6) {
		v->early = IG_R_MALFORMED_L3;
		return;
	}
	plen = rd16(ip + 4);
	ipend = v->l3 + 40 + plen;
	v->end = ipend < len ? ipend : len;
	v->hop = ip[7];
	v->src = ip + 8;
	v->dst = ip + 24;
	nh = ip[6];
	pos = v->l3 + 40;
	while (nh != IPPROTO_ICMPV6) {
		if (!is_ext6(nh)) {
			v->early = IG_R_NON_ICMP;
			return;
		}
		if (n == 8 || pos + 8 > v->end) {
			v->early = IG_R_MALFORMED_L3;
			return;
		}
		hlen = nh == IPPROTO_FRAGMENT ? 8 :
		       nh == IPPROTO_AH	      ? (f[pos + 1] + 2u) * 4 :
						(f[pos + 1] + 1u) * 8;
		if (pos + hlen > v->end) {
			v->early = IG_R_MALFORMED_L3;
			return;
		}
		if (nh == IPPROTO_FRAGMENT && (rd16(f + pos + 2) >> 3)) {
			if (f[pos] != IPPROTO_ICMPV6)
				v->early = IG_R_NON_ICMP;
			else
				v->early = fragment_reason(
					p, (pos - v->l3 - 40) +
						   (rd16(f + pos + 2) >> 3) *
							   8ull +
						   (ipend - pos - 8));
			return;
		}
		nh = f[pos];
		pos += hlen;
		n++;
	}
	v->l4 = pos;
	v->msg_len = (uint32_t)(ipend - pos);
}

/* Ethernet, tags, IP: the view, or the reason parsing alone decides. */
static void view_of(const struct m_policy *p, const uint8_t *f, size_t len,
		    struct view *v)
{
	uint32_t et;
	int tags = 0;

	memset(v, 0, sizeof(*v));
	v->fam = OTHER;
	v->early = IG_R_NON_ICMP;
	if (len < FRAME_ETH_LEN)
		return;
	v->mac_group = f[0] & 1;
	et = rd16(f + 12);
	v->l3 = FRAME_ETH_LEN;
	while (et == ETH_P_8021Q || et == ETH_P_8021AD) {
		if (tags == 2 || len < v->l3 + FRAME_VLAN_LEN)
			return; /* a third tag: not parsed */
		et = rd16(f + v->l3 + 2);
		v->l3 += FRAME_VLAN_LEN;
		tags++;
	}
	v->early = -1;
	if (et == ETH_P_IP) {
		v->fam = V4;
		view_v4(p, f, len, v);
	} else if (et == ETH_P_IPV6) {
		v->fam = V6;
		view_v6(p, f, len, v);
	} else {
		v->early = IG_R_NON_ICMP;
	}
	if (v->early >= 0)
		return;
	if (v->end < v->l4 + 8) {
		v->early = IG_R_MALFORMED_ICMP;
		return;
	}
	v->type = f[v->l4];
	v->code = f[v->l4 + 1];
}

static bool addr_eq(int fam, const uint8_t *a, const char *s)
{
	uint8_t b[16];

	inet_pton(fam == V4 ? AF_INET : AF_INET6, s, b);
	return !memcmp(a, b, fam == V4 ? 4 : 16);
}

/*
 * The side of a destination in the lab: this host's addresses,
 * broadcasts and multicast are the host's; what the kernel routes on
 * (a default route, forwarding on) is transit. -1: not one of the lab's
 * destinations; the kernel decides.
 */
static int side_of(const struct view *v)
{
	size_t i;

	if (v->fam == V4) {
		if (v->dst[0] >= 224 && v->dst[0] < 240)
			return IG_SIDE_HOST;
		for (i = 0; i < 4; i++)
			if (addr_eq(V4, v->dst, dst4[i]))
				return IG_SIDE_HOST;
		for (i = 5; i < 7; i++)
			if (addr_eq(V4, v->dst, dst4[i]))
				return IG_SIDE_TRANSIT;
		return -1;
	}
	if (v->dst[0] == 0xff || addr_eq(V6, v->dst, OUR6))
		return IG_SIDE_HOST;
	for (i = 2; i < 4; i++)
		if (addr_eq(V6, v->dst, dst6[i]))
			return IG_SIDE_TRANSIT;
	return -1;
}

static bool in_prefix(const struct m_prefix *x, int fam, const uint8_t *a)
{
	uint8_t m[16] = { 0 };

	if (x->fam != fam)
		return false;
	memcpy(m, a, fam == V4 ? 4 : 16);
	mask(m, x->len);
	return !memcmp(m, x->addr, 16);
}

/* allow or block by the longest matching prefix; 0: none. */
static int prefix_list(const struct m_policy *p, const struct view *v)
{
	int i, best = -1;

	for (i = 0; i < p->n_pfx; i++)
		if (p->pfx[i].list != IG_LIST_RA &&
		    in_prefix(&p->pfx[i], v->fam, v->src) &&
		    (best < 0 || p->pfx[i].len > p->pfx[best].len))
			best = i;
	return best < 0 ? 0 : p->pfx[best].list;
}

/* The RA guard: configured, and the source on none of its prefixes. */
static bool ra_guarded(const struct m_policy *p, const struct view *v)
{
	int i, n = 0;

	for (i = 0; i < p->n_pfx; i++) {
		if (p->pfx[i].list != IG_LIST_RA)
			continue;
		n++;
		if (in_prefix(&p->pfx[i], V6, v->src))
			return false;
	}
	return n > 0;
}

/* The most specific rule of the side for (family, type, code), or NULL. */
static const struct m_rule *rule_for(const struct m_policy *p, int side,
				     const struct view *v)
{
	const struct m_rule *type_rule = NULL;
	int i;

	for (i = 0; i < p->n_rules; i++) {
		const struct m_rule *r = &p->rule[i];

		if (r->side != side || r->fam != v->fam || r->type != v->type)
			continue;
		if (r->code == v->code)
			return r;
		if (r->code == M_ANY)
			type_rule = r;
	}
	return type_rule;
}

static bool to_broadcast(const struct view *v)
{
	return v->mac_group || (v->dst[0] >= 224 && v->dst[0] < 240) ||
	       addr_eq(V4, v->dst, "255.255.255.255") ||
	       addr_eq(V4, v->dst, OUR4_BCAST);
}

/* `validate`: what the error quotes; 0 if it holds. */
static int validate(const struct m_rule *r, const struct view *v,
		    const uint8_t *f)
{
	const uint8_t *q = f + v->l4 + 8;
	size_t have = v->end - (v->l4 + 8), hlen, alen;
	uint32_t mtu, qlen;
	int proto;

	if (v->fam == V4) {
		if (!have || (q[0] >> 4) != 4 || (q[0] & 15) < 5)
			return IG_R_INVALID_QUOTE;
		hlen = (q[0] & 15) * 4u;
		alen = 4;
	} else {
		if (!have || (q[0] >> 4) != 6)
			return IG_R_INVALID_QUOTE;
		hlen = 40;
		alen = 16;
	}
	if (have < hlen + 8)
		return IG_R_INVALID_QUOTE;
	if (memcmp(q + (v->fam == V4 ? 12 : 8), v->dst, alen))
		return IG_R_INVALID_SOURCE;
	if (!memcmp(q + (v->fam == V4 ? 12 : 8), q + (v->fam == V4 ? 16 : 24),
		    alen))
		return IG_R_INVALID_DEST;
	if (v->fam == V4 && v->type == 3 && v->code == 4) {
		mtu = rd16(f + v->l4 + 6);
		qlen = rd16(q + 2);
		if (mtu < 68 || mtu >= qlen)
			return IG_R_INVALID_MTU;
	} else if (v->fam == V6 && v->type == 2) {
		mtu = rd32(f + v->l4 + 4);
		qlen = 40 + rd16(q + 4);
		if (mtu < 1280 || mtu >= qlen)
			return IG_R_INVALID_MTU;
	}
	/* No socket of the test's namespace sent what the frames quote. */
	proto = v->fam == V4 ? q[9] : q[6];
	if (r->validate == 2 && (proto == IPPROTO_TCP || proto == IPPROTO_UDP))
		return IG_R_INVALID_SOCKET;
	return 0;
}

/* The per-source bucket of rule ri for v's source, made if new. */
static struct m_src *source_bucket(const struct m_policy *p, struct m_state *st,
				   int ri, const struct view *v, bool *fresh)
{
	const struct m_rule *r = &p->rule[ri];
	int len = r->prefix_len ? r->prefix_len : v->fam == V4 ? 32 : 64;
	uint8_t key[16] = { 0 };
	int i;

	memcpy(key, v->src, v->fam == V4 ? 4 : 16);
	mask(key, len);
	*fresh = false;
	for (i = 0; i < st->n_src; i++)
		if (st->src[i].rule == ri && !memcmp(st->src[i].key, key, 16))
			return &st->src[i];
	*fresh = true;
	if (st->n_src == 2)
		return NULL; /* a third: the caller starts a new epoch */
	st->src[st->n_src].rule = ri;
	memcpy(st->src[st->n_src].key, key, 16);
	st->src[st->n_src].left = burst_of(&r->src);
	return &st->src[st->n_src++];
}

/*
 * The buckets of a limit rule: the source's first, then the class's;
 * the class's alone when it is empty (README, "Rate limiting").
 */
static int limit(const struct m_policy *p, struct m_state *st,
		 const struct m_rule *r, const struct view *v, size_t len,
		 bool *new_epoch)
{
	int ri = (int)(r - p->rule);
	struct m_src *s;
	bool fresh;
	int64_t cost;

	/* A class already empty drops without asking the source's bucket. */
	if (r->cls.amount && r->src.amount &&
	    st->cls[ri] < (r->cls.bytes ? (int64_t)len : 1))
		return IG_R_RATE_LIMITED_CLASS;
	if (r->src.amount) {
		s = source_bucket(p, st, ri, v, &fresh);
		if (!s) {
			*new_epoch = true;
			return -1;
		}
		cost = r->src.bytes ? (int64_t)len : 1;
		if (s->left < cost)
			return IG_R_RATE_LIMITED_SOURCE;
		s->left -= cost;
	}
	if (r->cls.amount) {
		cost = r->cls.bytes ? (int64_t)len : 1;
		if (st->cls[ri] < cost)
			return IG_R_RATE_LIMITED_CLASS;
		st->cls[ri] -= cost;
	}
	return IG_R_PASS_LIMIT;
}

static bool is_pass(int reason)
{
	return reason == IG_R_NON_ICMP || reason == IG_R_PASS_RULE ||
	       reason == IG_R_PASS_DEFAULT || reason == IG_R_PASS_ESSENTIAL ||
	       reason == IG_R_PASS_ALLOWLIST || reason == IG_R_PASS_FRAGMENT ||
	       reason == IG_R_PASS_LIMIT ||
	       (reason >= IG_R_AUDIT_DROP_RULE &&
		reason <= IG_R_AUDIT_INVALID_SOCKET);
}

/*
 * README, "Audit mode": a drop the policy decides passes under its audit
 * reason; the ping of death and malformed headers stay drops.
 */
static int audited(int reason)
{
	static const int pairs[][2] = {
		{ IG_R_DROP_RULE, IG_R_AUDIT_DROP_RULE },
		{ IG_R_DROP_DEFAULT, IG_R_AUDIT_DROP_DEFAULT },
		{ IG_R_DROP_BLOCKLIST, IG_R_AUDIT_DROP_BLOCKLIST },
		{ IG_R_DROP_FRAGMENT, IG_R_AUDIT_DROP_FRAGMENT },
		{ IG_R_RATE_LIMITED_CLASS, IG_R_AUDIT_RATE_LIMITED_CLASS },
		{ IG_R_RATE_LIMITED_SOURCE, IG_R_AUDIT_RATE_LIMITED_SOURCE },
		{ IG_R_SPOOFED_NDP, IG_R_AUDIT_SPOOFED_NDP },
		{ IG_R_DROP_RA_GUARD, IG_R_AUDIT_DROP_RA_GUARD },
		{ IG_R_DROP_BROADCAST_ECHO, IG_R_AUDIT_DROP_BROADCAST_ECHO },
		{ IG_R_DROP_MAX_SIZE, IG_R_AUDIT_DROP_MAX_SIZE },
		{ IG_R_INVALID_QUOTE, IG_R_AUDIT_INVALID_QUOTE },
		{ IG_R_INVALID_SOURCE, IG_R_AUDIT_INVALID_SOURCE },
		{ IG_R_INVALID_DEST, IG_R_AUDIT_INVALID_DEST },
		{ IG_R_INVALID_MTU, IG_R_AUDIT_INVALID_MTU },
		{ IG_R_INVALID_SOCKET, IG_R_AUDIT_INVALID_SOCKET },
	};
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		if (pairs[i][0] == reason)
			return pairs[i][1];
	return reason;
}

/* The reason for an ICMP message judged on `side`. */
static int judge(const struct m_policy *p, struct m_state *st, int side,
		 const struct view *v, const uint8_t *f, size_t len,
		 bool *new_epoch)
{
	const struct m_rule *r;
	int list = prefix_list(p, v), why, def, entry;

	if (list == IG_LIST_ALLOW)
		return IG_R_PASS_ALLOWLIST;
	if (list == IG_LIST_BLOCK)
		return IG_R_DROP_BLOCKLIST;
	if (is_ndp(v->fam, v->type) && v->hop != IG_NDP_HOP_LIMIT)
		return IG_R_SPOOFED_NDP;
	/* The entry: the most specific rule, else the side's default. */
	r = rule_for(p, side, v);
	def = side == IG_SIDE_HOST ? p->def : p->fwd_def;
	if (r)
		entry = r->action == IG_ACT_DROP ? IG_R_DROP_RULE :
			r->action == IG_ACT_PASS ? IG_R_PASS_RULE :
						   IG_R_PASS_LIMIT;
	else if (essential(v->fam, v->type, v->code))
		entry = IG_R_PASS_ESSENTIAL; /* whatever the default */
	else
		entry = def == IG_ACT_PASS ? IG_R_PASS_DEFAULT :
					     IG_R_DROP_DEFAULT;
	if (!is_pass(entry))
		return entry;
	/* The checks, in the README's order, where the entry would pass. */
	if (side == IG_SIDE_HOST && v->fam == V4 && v->type == 8 &&
	    p->bcast == IG_ACT_DROP && to_broadcast(v))
		return IG_R_DROP_BROADCAST_ECHO;
	if (r && r->max_size && v->msg_len > r->max_size)
		return IG_R_DROP_MAX_SIZE;
	if (side == IG_SIDE_HOST && v->fam == V6 && v->type == 134 &&
	    ra_guarded(p, v))
		return IG_R_DROP_RA_GUARD;
	if (!r)
		return entry;
	if (r->validate) {
		why = validate(r, v, f);
		if (why)
			return why;
	}
	if (r->action == IG_ACT_PASS)
		return IG_R_PASS_RULE;
	return limit(p, st, r, v, len, new_epoch);
}

/*
 * The model's answer for one frame judged on `side` (ignored if parsing
 * decides); new_epoch set if the frame needs a third per-source bucket.
 */
static struct m_out model(const struct m_policy *p, struct m_state *st,
			  const struct view *v, int side, const uint8_t *f,
			  size_t len, bool *new_epoch)
{
	struct m_out o = { .cfam = v->fam, .type = 0 };

	if (v->early == IG_R_NON_ICMP || v->early == IG_R_MALFORMED_L3) {
		o.reason = v->early; /* judged on no side: the host's */
	} else if (v->early >= 0) {
		/* ICMP without a type: on its side, under type 0 */
		o.reason = v->early;
		o.cfam = (int)ig_counter_family((__u32)v->fam, (__u32)side);
	} else {
		o.reason = judge(p, st, side, v, f, len, new_epoch);
		o.type = v->type;
		o.cfam = (int)ig_counter_family((__u32)v->fam, (__u32)side);
	}
	if (p->audit)
		o.reason = audited(o.reason);
	o.verdict = is_pass(o.reason) ? XDP_PASS : XDP_DROP;
	return o;
}

/* ---- the lab and the run ------------------------------------------------ */

/*
 * The test's namespace as a router: this host's addresses on a veth, a
 * default route out of it, forwarding on.
 */
#define DIFF_LAB_UP                                            \
	"ip link add igdiff0 type veth peer name igdiff1 && "  \
	"ip link set igdiff0 up && ip link set igdiff1 up && " \
	"ip addr add 10.77.0.1/24 dev igdiff0 && "             \
	"ip addr add " OUR4 "/24 dev igdiff0 && "              \
	"ip addr add 198.51.100.2/24 dev igdiff0 && "          \
	"ip -6 addr add fd00:77::1/64 dev igdiff0 nodad && "   \
	"ip -6 addr add " OUR6 "/128 dev igdiff0 nodad && "    \
	"ip route add default via 10.77.0.2 && "               \
	"ip -6 route add default via fd00:77::2 && "           \
	"sysctl -qw net.ipv4.conf.all.forwarding=1 "           \
	"net.ipv6.conf.all.forwarding=1"
#define DIFF_LAB_DOWN                        \
	"ip link del igdiff0 && sysctl -qw " \
	"net.ipv4.conf.all.forwarding=0 "    \
	"net.ipv6.conf.all.forwarding=0"

struct diff_opts {
	uint64_t seed;
	long rounds; /* policies */
	long frames; /* frames per policy */
	long only_round; /* -1: all */
	long from_round; /* the first round run (a round's state is the table's history) */
	int batch; /* frames between counter reads */
};

static struct diff_opts opts = {
	.seed = 20261205,
	.rounds = 24,
	.frames = 200,
	.only_round = -1,
	.batch = BATCH,
};

struct sent {
	uint8_t f[FRAME_MAX];
	size_t len;
	struct m_out want;
	long index;
};

static long seen[IG_REASON_COUNT]; /* frames the model put under each */
static char text_a[64 * 1024], text_b[64 * 1024];
static struct ig_counter want_delta[IG_COUNTER_ENTRIES];

static void hexdump(const uint8_t *f, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(stderr, "%02x%s", f[i], i % 32 == 31 ? "\n" : "");
	fprintf(stderr, "\n");
}

static void report(long round, const char *text, const struct sent *s,
		   const char *what)
{
	fprintf(stderr,
		"diff: MISMATCH (%s): seed %" PRIu64 " round %ld frame %ld\n"
		"  rerun: test_prog diff --seed %" PRIu64
		" --round %ld --frames %ld --batch 1 (alone: a fresh table)\n"
		"  the program's clock: %" PRIu64 " ns\n"
		"  model: %s, counter family %d type %d reason %s\n"
		"--- policy\n%s--- frame (%zu bytes)\n",
		what, opts.seed, round, s->index, opts.seed, round,
		s->index + 1, (uint64_t)fake_now,
		s->want.verdict == XDP_PASS ? "XDP_PASS" : "XDP_DROP",
		s->want.cfam, s->want.type, ig_reasons[s->want.reason].name,
		text, s->len);
	hexdump(s->f, s->len);
}

/*
 * A bucket left idle within 6.5 days short of a whole wrap of bucket time
 * (834 days) reads as stepped back (README, "Per-source buckets": a known
 * limit the model does not follow). The test's clock runs years; a fresh
 * per-source table every 2^55 ns (417 days) keeps every bucket's idle time
 * short of that window.
 */
#define SOURCES_FRESH_NS (1ull << 55)

static void clock_jump(struct m_state *st, const struct m_policy *p)
{
	static __u64 sources_cleared_at;
	int i;

	clock_advance(3600ull * 1000000000ull);
	if (fake_now - sources_cleared_at >= SOURCES_FRESH_NS) {
		sources_clear();
		sources_cleared_at = fake_now;
	}
	memset(st, 0, sizeof(*st));
	for (i = 0; i < p->n_rules; i++)
		if (p->rule[i].cls.amount)
			st->cls[i] = burst_of(&p->rule[i].cls);
}

/* Counters of a batch: every expected delta and nothing else. */
static bool check_batch(long round, const char *text, struct sent *b, int n)
{
	size_t i;
	int j;
	bool ok = true;

	assert_int_equal(ig_counters_read(&maps, after), 0);
	for (i = 0; i < IG_COUNTER_ENTRIES; i++) {
		if (after[i].packets - before[i].packets ==
			    want_delta[i].packets &&
		    after[i].bytes - before[i].bytes == want_delta[i].bytes)
			continue;
		fprintf(stderr,
			"diff: counter family %zu type %zu reason %s moved by "
			"%llu packets, %llu bytes; the model says %llu, %llu\n",
			i / IG_REASON_COUNT / IG_TYPES,
			i / IG_REASON_COUNT % IG_TYPES,
			ig_reasons[i % IG_REASON_COUNT].name,
			(unsigned long long)(after[i].packets -
					     before[i].packets),
			(unsigned long long)(after[i].bytes - before[i].bytes),
			(unsigned long long)want_delta[i].packets,
			(unsigned long long)want_delta[i].bytes);
		for (j = 0; j < n; j++)
			if (ig_counter_index((__u32)b[j].want.cfam,
					     (__u32)b[j].want.type,
					     (__u32)b[j].want.reason) == i)
				report(round, text, &b[j], "counter");
		ok = false;
	}
	memcpy(before, after, sizeof(before));
	memset(want_delta, 0, sizeof(want_delta));
	return ok;
}

/* The program's verdict for one frame. */
static int run_frame(const uint8_t *f, size_t len)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f, .data_size_in = len,
		    .repeat = 1);

	assert_int_equal(bpf_prog_test_run_opts(
				 bpf_program__fd(skel->progs.icmpgate_xdp), &o),
			 0);
	return (int)o.retval;
}

/* The counters this frame moved: what moved but the batch's others. */
static void print_moved(void)
{
	size_t i;

	assert_int_equal(ig_counters_read(&maps, after), 0);
	for (i = 0; i < IG_COUNTER_ENTRIES; i++)
		if (after[i].packets - before[i].packets !=
		    want_delta[i].packets)
			fprintf(stderr,
				"  program: counter family %zu type %zu "
				"reason %s\n",
				i / IG_REASON_COUNT / IG_TYPES,
				i / IG_REASON_COUNT % IG_TYPES,
				ig_reasons[i % IG_REASON_COUNT].name);
}

/* Not ICMP, or an IP header that cannot be trusted: judged on no side. */
static bool no_side(const struct view *v)
{
	return v->early == IG_R_NON_ICMP || v->early == IG_R_MALFORMED_L3;
}

static bool side_unknown(const struct m_policy *p, const struct sent *s)
{
	struct view v;

	view_of(p, s->f, s->len, &v);
	return !no_side(&v) && side_of(&v) < 0;
}

/*
 * One frame: the model's answer (both sides where the kernel decides,
 * the one the program took), the program's verdict. Returns false on a
 * mismatch of the verdict; the counter is checked with its batch.
 */
static bool one_frame(const struct m_policy *p, struct m_state *st,
		      struct sent *s, long round, const char *text)
{
	struct m_state try[2];
	struct m_out out[2];
	struct view v;
	int i, got, side;
	bool again = false;

	view_of(p, s->f, s->len, &v);
	side = no_side(&v) ? IG_SIDE_HOST : side_of(&v);
	for (;;) {
		again = false;
		for (i = 0; i < 2; i++) {
			if (side >= 0 && i != side)
				continue;
			try[i] = *st;
			out[i] = model(p, &try[i], &v, i, s->f, s->len, &again);
		}
		if (!again)
			break;
		clock_jump(st, p); /* a third per-source bucket */
	}
	got = run_frame(s->f, s->len);
	i = side;
	if (side < 0) {
		/*
		 * The kernel picked the side: the one whose counter moved
		 * (the caller read the counters just before this frame).
		 */
		assert_int_equal(ig_counters_read(&maps, after), 0);
		i = out[0].verdict == got ? 0 : 1;
		for (side = 0; side < 2; side++) {
			__u32 c = ig_counter_index((__u32)out[side].cfam,
						   (__u32)out[side].type,
						   (__u32)out[side].reason);

			if (after[c].packets != before[c].packets)
				i = side;
		}
	}
	*st = try[i];
	s->want = out[i];
	if (got != s->want.verdict) {
		report(round, text, s, "verdict");
		fprintf(stderr, "  program: %s\n",
			got == XDP_PASS ? "XDP_PASS" :
			got == XDP_DROP ? "XDP_DROP" :
					  "other");
		print_moved();
		return false;
	}
	return true;
}

/*
 * One round: a policy, `frames` frames against it; with audit, the same
 * policy and frames in audit mode (`mode audit`).
 */
static bool diff_round(long round, char *text, bool audit)
{
	struct m_policy p;
	struct m_state st;
	struct text t = { .s = text, .cap = sizeof(text_a) };
	struct ig_policy parsed;
	struct ig_diag diag = {};
	struct sent *b = calloc((size_t)opts.batch, sizeof(*b));
	char srcbuf[INET6_ADDRSTRLEN];
	struct pkt_desc d;
	uint64_t s = opts.seed ^ ((uint64_t)round * 0x9e3779b97f4a7c15ull);
	long k;
	int n = 0, tries, err;
	bool ok = true;

	assert_non_null(b);
	rng = splitmix(&s);
	for (tries = 0;; tries++) {
		rand_policy(&p);
		p.audit = audit;
		policy_text(&p, &t);
		ig_policy_init(&parsed);
		err = ig_policy_parse(&parsed, text, t.len, "diff", &diag);
		ig_policy_free(&parsed);
		if (!err)
			break;
		if (tries == 20) /* the generator writes a wrong policy */
			fail_msg("diff: round %ld: policy refused: %s\n%s",
				 round, diag.msg, text);
	}
	assert_int_equal(apply_policy(text), 0);
	clock_jump(&st, &p);
	assert_int_equal(ig_counters_read(&maps, before), 0);
	memset(want_delta, 0, sizeof(want_delta));
	for (k = 0; k < opts.frames && ok; k++) {
		struct sent *f = &b[n];
		int len;

		rand_frame(&p, &d, srcbuf);
		len = frame_build(&d, f->f, FRAME_MAX);
		if (len < 0) {
			k--;
			continue;
		}
		f->len = (size_t)len;
		if (f->len > RUN_MAX) {
			k--;
			continue;
		}
		/* Cut anywhere after Ethernet (XDP never sees less). */
		if (chance(6))
			f->len = FRAME_ETH_LEN +
				 rnd((uint32_t)(f->len - FRAME_ETH_LEN + 1));
		if (chance(12))
			mutate(&d, f->f, f->len);
		f->index = k;
		if (n && side_unknown(&p, f)) {
			/* Its counter tells the side: read them just before. */
			b[0] = *f;
			f = &b[0];
			ok = check_batch(round, text, b, n);
			n = 0;
			if (!ok)
				break;
		}
		ok = one_frame(&p, &st, f, round, text);
		if (!ok)
			break;
		seen[f->want.reason]++;
		{
			__u32 i = ig_counter_index((__u32)f->want.cfam,
						   (__u32)f->want.type,
						   (__u32)f->want.reason);

			want_delta[i].packets++;
			want_delta[i].bytes += f->len;
		}
		if (++n == opts.batch || k + 1 == opts.frames) {
			ok = check_batch(round, text, b, n);
			n = 0;
		}
	}
	free(b);
	return ok;
}

static void test_differential(void **state)
{
	long r, total = 0;
	size_t i;
	bool ok = true;

	(void)state;
	assert_int_equal(sh(DIFF_LAB_UP), 0);
	memset(seen, 0, sizeof(seen));
	for (r = 0; r < opts.rounds && ok; r++) {
		if ((opts.only_round >= 0 && r != opts.only_round) ||
		    r < opts.from_round)
			continue;
		/*
		 * Each policy enforcing, then in audit mode over the same
		 * frames: every drop reason the first reaches, the second
		 * reaches as its audit reason.
		 */
		ok = diff_round(r, text_a, false);
		ok = ok && diff_round(r, text_b, true);
		total += 2 * opts.frames;
	}
	fprintf(stderr,
		"diff: seed %" PRIu64 ", %ld policies, %ld frames; "
		"frames by the model's reason:\n",
		opts.seed, opts.only_round >= 0 ? 1 : r, total);
	for (i = 0; i < IG_REASON_COUNT; i++)
		fprintf(stderr, "  %-22s %ld\n", ig_reasons[i].name, seen[i]);
	assert_int_equal(sh(DIFF_LAB_DOWN), 0);
	clock_advance(IG_SIDE_TTL_NS + 1);
	assert_true(ok);
	/*
	 * The fixed sample must reach every reason the lab can produce (a
	 * narrowed generator would pass while testing nothing).
	 */
	if (opts.only_round < 0 && total >= 4000)
		for (i = 0; i < IG_REASON_COUNT; i++)
			if (!seen[i])
				fail_msg("diff: no frame reached reason %s",
					 ig_reasons[i].name);
}

const struct CMUnitTest seqs_diff[] = {
	cmocka_unit_test(test_differential),
};

const size_t seqs_diff_n = sizeof(seqs_diff) / sizeof(seqs_diff[0]);

/*
 * `test_prog diff [--seed S] [--iters N] [--frames F] [--round R] [--from R]
 * [--batch B]`: DIFF_SEED and DIFF_ITERS in the environment do the same
 * for a whole run of test_prog.
 */
int diff_options(int argc, char **argv)
{
	const char *e;
	long iters = 0;
	int i;

	if ((e = getenv("DIFF_SEED")))
		opts.seed = strtoull(e, NULL, 0);
	if ((e = getenv("DIFF_ITERS")))
		iters = strtol(e, NULL, 0);
	for (i = 0; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];

		if (!strcmp(k, "--seed"))
			opts.seed = strcmp(v, "random") ? strtoull(v, NULL, 0) :
							  (uint64_t)time(NULL);
		else if (!strcmp(k, "--iters"))
			iters = strtol(v, NULL, 0);
		else if (!strcmp(k, "--frames"))
			opts.frames = strtol(v, NULL, 0);
		else if (!strcmp(k, "--round"))
			opts.only_round = strtol(v, NULL, 0);
		else if (!strcmp(k, "--from"))
			opts.from_round = strtol(v, NULL, 0);
		else if (!strcmp(k, "--batch"))
			opts.batch = (int)strtol(v, NULL, 0);
		else
			return -1;
	}
	if (i != argc || opts.frames <= 0 || opts.batch <= 0 ||
	    opts.batch > 4096)
		return -1;
	if (iters > 0)
		opts.rounds = (iters + opts.frames - 1) / opts.frames;
	if (opts.only_round >= opts.rounds)
		opts.rounds = opts.only_round + 1;
	return 0;
}
