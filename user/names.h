/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * IANA names of ICMP and ICMPv6 types and codes, in kebab case, and the set
 * of messages the Internet cannot live without (NDP, MLD, PMTUD).
 */
#ifndef IG_NAMES_H
#define IG_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "codes.h"

/* Canonical name of a type, or NULL if it has none. */
const char *ig_type_name(int family, int type);
/* Canonical name of a code of a type, or NULL if it has none. */
const char *ig_code_name(int family, int type, int code);
/* Type number for a name or alias (e.g. nftables' spelling), or -1. */
int ig_type_by_name(int family, const char *name);
/* Code number for a name of a code of this type, or -1. */
int ig_code_by_name(int family, int type, const char *name);
/*
 * True if (type, code) must pass under every default: IPv4 frag-needed
 * (RFC 1191), IPv6 packet-too-big (RFC 8201), NDP (RFC 4861) and MLD
 * (RFC 2710, 3810). code may be IG_CODE_ANY: true if any code is essential.
 */
bool ig_is_essential(int family, int type, int code);
/* "v4" / "v6" ("other" for IG_FAM_OTHER), or NULL. */
const char *ig_family_name(int family);
/* "host" / "transit" (enum ig_side), or NULL. */
const char *ig_side_name(int side);

/*
 * Does an ICMP error of this type quote the packet that caused it, so that
 * `validate` can check it? v4 dest-unreachable, time-exceeded and
 * parameter-problem (RFC 792); v6 types 1-4 (RFC 4443).
 */
bool ig_is_quoting_error(int family, int type);
/* IG_FAM_V4 for "v4", IG_FAM_V6 for "v6", or -1. */
int ig_family_by_name(const char *name);
/*
 * The type of this family that has a code called name, or -1: lets an error
 * say which type a misplaced code name belongs to.
 */
int ig_code_type_by_name(int family, const char *name);

/*
 * "Did you mean": for an unknown type word, the TYPE/CODE it names when it
 * is a code name ("dest-unreachable/frag-needed" for "frag-needed"), else
 * the nearest type or code name close enough to be a misspelling; into
 * buf. 0, or -ENOENT when nothing is close.
 */
int ig_suggest_type(int family, const char *word, char *buf, size_t size);
/* The same for an unknown code of a type: the nearest of its code names. */
int ig_suggest_code(int family, int type, const char *word, char *buf,
		    size_t size);

/*
 * Every type name (aliases included) of a family, by index i from 0; NULL
 * past the last. *type is its number.
 */
const char *ig_type_name_at(int family, size_t i, int *type);
/*
 * Code name j of the i-th type that has named codes, or NULL past the
 * last (of the type, or of the types); *type is the type it belongs to.
 */
const char *ig_code_name_at(int family, size_t i, size_t j, int *type);

/* A message that must pass under every default, and why. */
struct ig_essential {
	int family;
	int type;
	int code; /* IG_CODE_ANY: every code of the type */
	const char *why; /* e.g. "path-MTU discovery needs (RFC 1191)" */
	/*
	 * May it be limited per source without `force`? Yes for PMTUD: its
	 * senders are routers, each with its own bucket. No for NDP and MLD:
	 * their senders share fe80::/64 and ::, so "per source" would be one
	 * bucket for the whole link.
	 */
	bool source_limit_ok;
};

/*
 * The entry that makes (type, code) essential, or NULL. code may be
 * IG_CODE_ANY: the first entry for the type, if any.
 */
const struct ig_essential *ig_essential_find(int family, int type, int code);

#endif /* IG_NAMES_H */
