// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * icmpgate's XDP program: classify every ICMP and ICMPv6 packet by
 * (family, type, code) against the live policy and pass, drop or
 * rate-limit it; everything else passes untouched. Every packet is counted once, at the
 * one exit, under the reason for its verdict.
 */
#include <linux/bpf.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <bpf/bpf_helpers.h>

#include "icmpgate.h"
#include "maps.h"
#include "parse.h"
#include "policy.h"
#include "ratelimit.h"
#include "validate.h"
#include "counters.h"

#define ICMP_HDR_LEN 8 /* type, code, checksum, 4 bytes of rest (RFC 792) */

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp")
int icmpgate_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct cursor c = { .pos = data };
	__u32 family = IG_FAM_OTHER, type = 0, reason = IG_R_NON_ICMP;
	int verdict = XDP_PASS, proto, nonfirst = 0;
	struct ig_policy_slot *slot;
	const struct ig_rule *rule;
	struct ipv6hdr *ip6h;
	struct icmphdr *icmp;
	struct iphdr *iph;
	const void *saddr;
	void *l3;
	__u32 slot_nr, l4len = 0, list;

	proto = parse_ethhdr(&c, end);
	l3 = c.pos;
	if (proto == bpf_htons(ETH_P_IP)) {
		family = IG_FAM_V4;
		proto = parse_iphdr(&c, end, &iph, &nonfirst, &l4len);
		if (proto != IPPROTO_ICMP)
			goto l3_done;
		saddr = &iph->saddr;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		family = IG_FAM_V6;
		proto = parse_ip6hdr(&c, end, &ip6h, &nonfirst, &l4len);
		if (proto != IPPROTO_ICMPV6)
			goto l3_done;
		saddr = &ip6h->saddr;
	} else {
		goto out;
	}

	slot = live_slot(&slot_nr);
	if (!slot)
		goto out; /* cannot happen: index is masked to the array */

	if (nonfirst) {
		if (nonfirst == IG_FRAG_PAST_MAX) {
			verdict = XDP_DROP;
			reason = IG_R_DROP_PING_OF_DEATH;
			goto out;
		}
		if (slot->meta.fragments == IG_ACT_DROP) {
			verdict = XDP_DROP;
			reason = IG_R_DROP_FRAGMENT;
		} else {
			reason = IG_R_PASS_FRAGMENT;
		}
		goto out;
	}

	icmp = c.pos; /* icmphdr and icmp6hdr share type and code */
	if ((void *)icmp + ICMP_HDR_LEN > end || l4len < ICMP_HDR_LEN) {
		verdict = XDP_DROP;
		reason = IG_R_MALFORMED_ICMP;
		goto out;
	}
	type = icmp->type;

	if (slot->meta.has_prefixes[family & 1]) {
		if (family == IG_FAM_V4)
			list = source_list(slot_nr, family, saddr, 4);
		else
			list = source_list(slot_nr, family, saddr, 16);
		if (list == IG_LIST_ALLOW) {
			reason = IG_R_PASS_ALLOWLIST;
			goto out;
		}
		if (list == IG_LIST_BLOCK) {
			verdict = XDP_DROP;
			reason = IG_R_DROP_BLOCKLIST;
			goto out;
		}
	}

	rule = &slot->rules[family & 1][type][icmp->code];
	reason = check_packet(ctx, l3 - data, (void *)icmp - data, l4len,
			      check_cfg(slot, slot_nr, rule, family));
	if (reason) {
		verdict = XDP_DROP;
		goto out;
	}
	if (rule->action == IG_ACT_LIMIT) {
		/* The only path that reads the clock or the bucket maps. */
		reason = rate_limit(slot, slot_nr, rule->class_id, family,
				    saddr, end - data);
		if (reason != IG_R_PASS_LIMIT)
			verdict = XDP_DROP;
		goto out;
	}
	reason = rule_reason(rule);
	if (rule->action == IG_ACT_DROP)
		verdict = XDP_DROP;
	goto out;

l3_done:
	/* Not ICMP of this family (protocol 58 in IPv4 is not ICMP), or a
	 * header we could not trust. */
	if (proto == IG_PARSE_MALFORMED) {
		verdict = XDP_DROP;
		reason = IG_R_MALFORMED_L3;
	}
out:
	count_packet(family, type, reason, end - data);
	return verdict;
}
