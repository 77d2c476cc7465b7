/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The policy language: the values of a statement and their canonical words,
 * both ways. Below the parser, whose errors quote them, the checker and the
 * formatter, which print them. Private to user/policy/.
 */
#ifndef IG_POLICY_TEXT_H
#define IG_POLICY_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "../policy.h"

#define WORD_MAX 64 /* longer than any name, TYPE/CODE or CIDR */
#define NAME_MAX_LEN (2 * WORD_MAX) /* "TYPE/CODE" built from names */

/* By enum ig_action and enum ig_prefix_list. */
extern const char *const pol_action_names[];
extern const char *const pol_list_names[];

/* name, or num in decimal (into buf) when there is no name. */
const char *pol_num_str(char *buf, size_t n, const char *name, int num);
/* "echo-request", "dest-unreachable/frag-needed", "7", "echo-request/5" */
void pol_target_str(char *buf, size_t n, int family, int type, int code);
/* An action by name; `limit` only where rules are (last = IG_ACT_LIMIT). */
int pol_action_by_name(const char *s, int last);

/* Bits in a unit of a bit rate ("kbit": 1000), or 0 if s is none. */
uint64_t pol_bit_unit(const char *s, size_t len);
/* Does a burst hold more than IG_LIMIT_BURST_MAX_SECONDS at its rate? */
bool pol_burst_too_long(const struct ig_rate_spec *r);
/* "100/s", "6/min", "10mbit/s", "1500kbit/s" */
void pol_rate_str(char *buf, size_t n, const struct ig_rate_spec *r);
/* The words of a limit, as the formatter prints them; buf holds 160. */
void pol_limit_str(char *buf, size_t n, const struct ig_rule_spec *r);

/* addr with the bits past len cleared. */
void pol_mask_addr(uint8_t *out, const uint8_t *addr, unsigned len);
/* AF_INET or AF_INET6 for a family. */
int pol_addr_af(int family);
/* 32 or 128. */
unsigned pol_addr_bits(int family);

#endif /* IG_POLICY_TEXT_H */
