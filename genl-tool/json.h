/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal streaming JSON writer: tracks commas and indentation. */
#ifndef NFOVPN_JSON_H
#define NFOVPN_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	bool pretty;
	int depth;
	bool first[JSON_MAX_DEPTH];
};

void json_init(struct json *j, FILE *f, bool pretty);
/* key is NULL inside arrays and for the top-level value */
void json_obj_open(struct json *j, const char *key);
void json_obj_close(struct json *j);
void json_arr_open(struct json *j, const char *key);
void json_arr_close(struct json *j);
void json_str(struct json *j, const char *key, const char *val); /* NULL -> null */
void json_u64(struct json *j, const char *key, uint64_t val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);
/* ends the top-level value with a newline */
void json_end(struct json *j);

#endif /* NFOVPN_JSON_H */
