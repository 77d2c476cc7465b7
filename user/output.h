/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What every record the controller prints carries: the time it was taken.
 * Pure formatting, unit-tested; the printers call ig_json_stamp() on each
 * JSON object they print. And the times of events in a record.
 */
#ifndef IG_OUTPUT_H
#define IG_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct json_object;

/* "2026-05-01T12:00:00.123Z": UTC, milliseconds, RFC 3339. */
#define IG_TIMESTAMP_LEN sizeof("2026-05-01T12:00:00.123Z")
int ig_timestamp_format(const struct timespec *ts, char *buf, size_t size);

/*
 * ns (CLOCK_REALTIME) as local time, ISO 8601: 2024-05-01T12:00:00+0200;
 * "-" for 0 (never). What status and policy show print for when things
 * happened.
 */
void ig_local_time_format(uint64_t ns, char *buf, size_t size);

/*
 * Add "timestamp" (now, CLOCK_REALTIME) to obj, an object that has none.
 * 0, or -ENOMEM.
 */
int ig_json_stamp(struct json_object *obj);

#endif /* IG_OUTPUT_H */
