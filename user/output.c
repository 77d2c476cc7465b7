// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Timestamps of printed records (output.h). UTC with a 'Z', so that a
 * record read on another host, or after a change of time zone, means the
 * same instant; the times status shows (attached, policy applied, synced)
 * stay in local time with their offset, as they always were.
 */
#include <errno.h>
#include <stdio.h>

#include <json-c/json.h>

#include "output.h"

int ig_timestamp_format(const struct timespec *ts, char *buf, size_t size)
{
	struct tm tm;
	char day[32];

	if (!gmtime_r(&ts->tv_sec, &tm) ||
	    !strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm))
		return -EINVAL;
	if ((size_t)snprintf(buf, size, "%s.%03ldZ", day,
			     ts->tv_nsec / 1000000) >= size)
		return -ENOSPC;
	return 0;
}

void ig_local_time_format(uint64_t ns, char *buf, size_t size)
{
	time_t t = ns / 1000000000ull;
	struct tm tm;

	if (!ns || !localtime_r(&t, &tm) ||
	    !strftime(buf, size, "%Y-%m-%dT%H:%M:%S%z", &tm))
		snprintf(buf, size, "-");
}

int ig_json_stamp(struct json_object *obj)
{
	char buf[IG_TIMESTAMP_LEN];
	struct json_object *val;
	struct timespec ts;

	if (!json_object_is_type(obj, json_type_object) ||
	    json_object_object_get_ex(obj, "timestamp", NULL))
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (ig_timestamp_format(&ts, buf, sizeof(buf)))
		return -EINVAL;
	val = json_object_new_string(buf);
	if (!val || json_object_object_add(obj, "timestamp", val)) {
		json_object_put(val);
		return -ENOMEM;
	}
	return 0;
}
