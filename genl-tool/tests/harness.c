// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "harness.h"

const char *t_outdir = "tests/out";
static int num, failed_tests, cur_fail;
static const char *skip_why;

void t_check(bool ok, const char *file, int line, const char *expr)
{
	if (ok)
		return;
	cur_fail++;
	printf("# %s:%d: check failed: %s\n", file, line, expr);
}

void t_skip(const char *why)
{
	skip_why = why;
}

void t_run(const char *name, void (*fn)(void))
{
	cur_fail = 0;
	skip_why = NULL;
	fn();
	num++;
	if (cur_fail)
		failed_tests++;
	printf("%sok %d - %s%s%s\n", cur_fail ? "not " : "", num, name,
	       skip_why ? " # SKIP " : "", skip_why ? skip_why : "");
	fflush(stdout);
}

int t_failed(void)
{
	return failed_tests;
}
