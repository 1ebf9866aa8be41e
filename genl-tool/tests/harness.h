/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny TAP harness: each test function may make many CHECKs; the test
 * prints "ok N - name" when none failed, else "not ok N - name" with a
 * "# file:line: expression" line per failed check.
 */
#ifndef NFOVPN_TEST_HARNESS_H
#define NFOVPN_TEST_HARNESS_H

#include <stdbool.h>
#include <string.h>

void t_check(bool ok, const char *file, int line, const char *expr);
void t_run(const char *name, void (*fn)(void));
/* mark the running test as skipped (prints "# SKIP why") */
void t_skip(const char *why);
int t_failed(void);
/* directory for JSON samples checked by run.sh */
extern const char *t_outdir;

#define CHECK(c) t_check(!!(c), __FILE__, __LINE__, #c)
#define CHECK_STR(a, b)							\
	t_check(!strcmp((a), (b)), __FILE__, __LINE__, #a " == \"" b "\"")
#define RUN(fn) t_run(#fn, fn)

void test_args(void);
void test_keyfile(void);
void test_format(void);
void test_netlink(void);

#endif /* NFOVPN_TEST_HARNESS_H */
