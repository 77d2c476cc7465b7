/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Values shared by the names of ICMP (names.h) and the policy language
 * (policy.h), kept here so that names.c, the lower of the two, needs
 * nothing from the higher.
 */
#ifndef IG_CODES_H
#define IG_CODES_H

/* A rule, or a lookup, for every code of a type. */
#define IG_CODE_ANY (-1)

#endif /* IG_CODES_H */
