/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The policy language: parse, validate and format policies (DESIGN.md,
 * "The policy language"). Pure C: no BPF, no I/O beyond the strings given,
 * so every function here is unit-tested on the host. The one public header
 * of user/policy/, whose layers look only down: diag, text, words (lex),
 * parse, check, format, edit.
 */
#ifndef IG_POLICY_H
#define IG_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codes.h"

enum ig_spec_flag {
	IG_SPEC_FORCE = 1 << 0, /* statement ended in `force` */
	IG_SPEC_VALIDATE = 1 << 1, /* `validate`: check what an error quotes */
	IG_SPEC_VALIDATE_SOCKET = 1
				  << 2, /* `validate socket`: and its socket */
};

#define IG_MAX_SIZE_MIN 8 /* `max-size`: an ICMP header is 8 bytes */
#define IG_MAX_SIZE_MAX 65535

/*
 * One token bucket as written: `RATE [burst N]`. RATE is N/s or N/min
 * (packets), or a bit rate such as 10mbit/s, whose burst counts bytes.
 */
struct ig_rate_spec {
	uint64_t amount; /* packets, or bits, per period; 0: no bucket */
	uint32_t period; /* seconds: 1 or 60 */
	uint8_t bits; /* 1: a bit rate */
	uint64_t burst; /* packets, or bytes; the default when not written */
};

/* `limit [RATE [burst N]] [per-source RATE [burst N] [prefix /LEN]]` */
struct ig_limit_spec {
	struct ig_rate_spec cls; /* the class bucket; amount 0: none */
	struct ig_rate_spec src; /* per-source buckets; amount 0: none */
	uint8_t prefix_len; /* per-source prefix; the family's default if unset */
};

#define IG_LIMIT_AMOUNT_MAX 1000000000ull /* packets per period */
#define IG_LIMIT_BITS_MIN 8ull /* one byte a second */
#define IG_LIMIT_BITS_MAX 1000000000000ull /* 1000 gbit/s */
#define IG_LIMIT_BURST_MAX_SECONDS 86400 /* a burst holds at most a day */
#define IG_LIMIT_BURST_DIVISOR 10 /* default burst: 1/10 s at the rate */
#define IG_LIMIT_BURST_MIN_PACKETS 5 /* the default's floor, as nftables' */
#define IG_LIMIT_BURST_MIN_BYTES 65536 /* any one packet fits an idle bucket */
#define IG_LIMIT_FRAME_BYTES 1514 /* a byte burst below it passes no frame */
#define IG_LIMIT_PREFIX_V4 32 /* per-source default: one address */
#define IG_LIMIT_PREFIX_V6 64 /* per-source default: one subnet */

/*
 * `[forward] v4|v6 TYPE[/CODE] ACTION [validate] [max-size N] [force]`
 * With `forward`, the rule judges transit traffic (IG_SIDE_TRANSIT).
 */
struct ig_rule_spec {
	uint8_t side; /* IG_SIDE_HOST, or IG_SIDE_TRANSIT for `forward` */
	uint8_t family; /* IG_FAM_V4 or IG_FAM_V6 */
	uint8_t type;
	int16_t code; /* 0-255, or IG_CODE_ANY */
	uint8_t action; /* enum ig_action */
	uint8_t flags; /* enum ig_spec_flag */
	uint16_t max_size; /* `max-size N`: longest ICMP message; 0: none */
	unsigned line; /* source line, for duplicate errors */
	struct ig_limit_spec limit; /* IG_ACT_LIMIT only; zero otherwise */
};

/*
 * `allow CIDR` / `block CIDR` / `ra-guard allow CIDR`; addr holds the
 * masked network. The RA guard's routers (IG_LIST_RA, v6 only) are a list
 * of their own: a prefix may be there and in allow or block too.
 */
struct ig_prefix_spec {
	uint8_t family; /* IG_FAM_V4 or IG_FAM_V6 */
	uint8_t len; /* CIDR length */
	uint8_t list; /* enum ig_prefix_list */
	uint8_t addr[16];
	unsigned line;
};

struct ig_policy {
	uint8_t default_action; /* IG_ACT_PASS or IG_ACT_DROP */
	uint8_t forward_default; /* `forward default`: IG_ACT_PASS or DROP */
	uint8_t fragments; /* IG_ACT_PASS or IG_ACT_DROP */
	uint8_t broadcast_echo; /* IG_ACT_PASS or IG_ACT_DROP (the default) */
	/*
	 * `mode audit`: 1, what the policy would drop passes and is counted
	 * as would-drop; `mode enforce` (the default): 0.
	 */
	uint8_t audit;
	struct ig_rule_spec *rules;
	size_t n_rules;
	size_t cap_rules;
	struct ig_prefix_spec *prefixes;
	size_t n_prefixes;
	size_t cap_prefixes;
};

/* Where and why parsing failed. */
struct ig_diag {
	char source[128]; /* file name, "-" for stdin, "set" for `set` */
	unsigned line; /* 1-based, 0 if not tied to a line */
	unsigned col; /* 1-based column of the offending word */
	char word[64]; /* the offending word, may be empty */
	char msg[1024]; /* what is wrong, and how to fix it */
};

/*
 * An empty policy: `default pass`, `forward default pass`, `fragments
 * pass`, `broadcast-echo drop`, `mode enforce`, no rules.
 */
void ig_policy_init(struct ig_policy *p);
void ig_policy_free(struct ig_policy *p);

/*
 * Parse a whole policy text into *p (which must be freshly initialised).
 * A statement repeated for the same target (two rules for one type/code,
 * two `default` lines, one prefix twice) is an error naming both lines.
 * Returns 0 or -EINVAL (with *diag filled) or -ENOMEM.
 */
int ig_policy_parse(struct ig_policy *p, const char *text, size_t len,
		    const char *source, struct ig_diag *diag);

/*
 * Apply one statement (as given to `icmpgate set`) to an existing policy,
 * replacing any statement for the same target. On error, *p is unchanged.
 */
int ig_policy_set(struct ig_policy *p, const char *stmt, struct ig_diag *diag);

/*
 * Remove what `icmpgate unset` names: "[forward] v4|v6 TYPE[/CODE]", or
 * "allow|block CIDR". -ENOENT (diag filled) if there is no such statement.
 */
int ig_policy_unset(struct ig_policy *p, const char *what,
		    struct ig_diag *diag);

/*
 * Check a policy built by other means than parsing (the compiler calls
 * this): families, actions and prefix lengths in range, and no rule that
 * drops an essential message (NDP, MLD, PMTUD) without `force`. Returns 0
 * or -EINVAL with *diag naming the rule's line (col 0: no text to point at).
 */
int ig_policy_validate(const struct ig_policy *p, struct ig_diag *diag);

/*
 * The canonical text of *p: parsing it gives back an equal policy, and
 * formatting that gives the same text byte for byte. *out is malloc'ed.
 */
int ig_policy_format(const struct ig_policy *p, char **out);

/*
 * "source:line:col: msg" (line and col omitted when 0). msg names the
 * offending word itself, in quotes, e.g. "unknown v4 type 'echo-requst'".
 */
void ig_diag_format(const struct ig_diag *diag, char *buf, size_t size);

/*
 * The burst a bucket gets when none is written: a tenth of a second at its
 * rate, at least IG_LIMIT_BURST_MIN_PACKETS packets, or for a bit rate at
 * least IG_LIMIT_BURST_MIN_BYTES bytes.
 */
uint64_t ig_rate_default_burst(const struct ig_rate_spec *r);

/* The per-source prefix length when none is written: /32 or /64. */
uint8_t ig_limit_default_prefix(int family);

/* The built-in default policy, commented with its RFCs. */
extern const char ig_default_policy[];

#endif /* IG_POLICY_H */
