// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The policy language (text.h): values and their canonical words. A burst
 * that is not written is resolved to its default at parse time and not
 * printed when it equals it, so two ways of writing one limit give one
 * canonical text.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../../include/icmpgate.h"
#include "../names.h"
#include "text.h"

const char *const pol_action_names[] = {
	[IG_ACT_PASS] = "pass",
	[IG_ACT_DROP] = "drop",
	[IG_ACT_LIMIT] = "limit",
};

const char *const pol_list_names[] = {
	[IG_LIST_ALLOW] = "allow",
	[IG_LIST_BLOCK] = "block",
	[IG_LIST_RA] = "ra-guard allow",
};

const char *pol_num_str(char *buf, size_t n, const char *name, int num)
{
	if (name)
		return name;
	snprintf(buf, n, "%d", num);
	return buf;
}

/* "echo-request", "dest-unreachable/frag-needed", "7", "echo-request/5" */
void pol_target_str(char *buf, size_t n, int family, int type, int code)
{
	char t[12], c[12];
	const char *ts =
		pol_num_str(t, sizeof(t), ig_type_name(family, type), type);

	if (code == IG_CODE_ANY)
		snprintf(buf, n, "%s", ts);
	else
		snprintf(buf, n, "%s/%s", ts,
			 pol_num_str(c, sizeof(c),
				     ig_code_name(family, type, code), code));
}

/* An action by name; `limit` only where rules are (last = IG_ACT_LIMIT). */
int pol_action_by_name(const char *s, int last)
{
	int a;

	for (a = 0; a <= last; a++)
		if (!strcmp(s, pol_action_names[a]))
			return a;
	return -1;
}

struct rate_unit {
	const char *name; /* before the '/': "" for packets */
	uint64_t mult; /* bits, for a bit rate */
};

/* Largest first: the formatter prints the largest that divides exactly. */
static const struct rate_unit bit_units[] = {
	{ "gbit", 1000000000ull },
	{ "mbit", 1000000ull },
	{ "kbit", 1000ull },
	{ "bit", 1ull },
};

uint64_t pol_bit_unit(const char *s, size_t len)
{
	size_t u;

	for (u = 0; u < sizeof(bit_units) / sizeof(bit_units[0]); u++)
		if (strlen(bit_units[u].name) == len &&
		    !strncmp(s, bit_units[u].name, len))
			return bit_units[u].mult;
	return 0;
}

uint64_t ig_rate_default_burst(const struct ig_rate_spec *r)
{
	uint64_t b;

	if (r->bits) {
		b = r->amount / 8 / IG_LIMIT_BURST_DIVISOR;
		return b > IG_LIMIT_BURST_MIN_BYTES ? b :
						      IG_LIMIT_BURST_MIN_BYTES;
	}
	b = r->period ? r->amount / r->period / IG_LIMIT_BURST_DIVISOR : 0;
	return b > IG_LIMIT_BURST_MIN_PACKETS ? b : IG_LIMIT_BURST_MIN_PACKETS;
}

uint8_t ig_limit_default_prefix(int family)
{
	return family == IG_FAM_V6 ? IG_LIMIT_PREFIX_V6 : IG_LIMIT_PREFIX_V4;
}

/* Does a burst hold more than IG_LIMIT_BURST_MAX_SECONDS at its rate? */
bool pol_burst_too_long(const struct ig_rate_spec *r)
{
	/* burst / (amount / period) seconds, in bits for a bit rate. */
	uint64_t units = r->bits ? r->burst * 8 : r->burst;
	uint64_t per_day = r->amount * IG_LIMIT_BURST_MAX_SECONDS / r->period;

	if (r->bits && r->burst > UINT64_MAX / 8)
		return true;
	return units > per_day;
}

/* "100/s", "6/min", "10mbit/s", "1500kbit/s" */
void pol_rate_str(char *buf, size_t n, const struct ig_rate_spec *r)
{
	size_t u;

	if (!r->bits) {
		snprintf(buf, n, "%llu/%s", (unsigned long long)r->amount,
			 r->period == 60 ? "min" : "s");
		return;
	}
	for (u = 0; u < sizeof(bit_units) / sizeof(bit_units[0]); u++)
		if (r->amount % bit_units[u].mult == 0)
			break;
	snprintf(buf, n, "%llu%s/s",
		 (unsigned long long)(r->amount / bit_units[u].mult),
		 bit_units[u].name);
}

/* The words of a limit, as the formatter prints them; buf holds 160. */
void pol_limit_str(char *buf, size_t n, const struct ig_rule_spec *r)
{
	const struct ig_limit_spec *l = &r->limit;
	char rate[48], burst[40] = "", prefix[16] = "";
	size_t len = 0;

	buf[0] = '\0';
	if (l->cls.amount) {
		pol_rate_str(rate, sizeof(rate), &l->cls);
		if (l->cls.burst != ig_rate_default_burst(&l->cls))
			snprintf(burst, sizeof(burst), " burst %llu",
				 (unsigned long long)l->cls.burst);
		len += (size_t)snprintf(buf + len, n - len, " %s%s", rate,
					burst);
	}
	if (l->src.amount && len < n) {
		pol_rate_str(rate, sizeof(rate), &l->src);
		burst[0] = '\0';
		if (l->src.burst != ig_rate_default_burst(&l->src))
			snprintf(burst, sizeof(burst), " burst %llu",
				 (unsigned long long)l->src.burst);
		if (l->prefix_len != ig_limit_default_prefix(r->family))
			snprintf(prefix, sizeof(prefix), " prefix /%u",
				 l->prefix_len);
		snprintf(buf + len, n - len, " per-source %s%s%s", rate, burst,
			 prefix);
	}
}

void pol_mask_addr(uint8_t *out, const uint8_t *addr, unsigned len)
{
	unsigned i, bits;

	for (i = 0; i < 16; i++) {
		bits = len > i * 8 ? len - i * 8 : 0;
		out[i] = addr[i] &
			 (bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits));
	}
}

int pol_addr_af(int family)
{
	return family == IG_FAM_V6 ? AF_INET6 : AF_INET;
}

unsigned pol_addr_bits(int family)
{
	return family == IG_FAM_V6 ? 128 : 32;
}
