// SPDX-License-Identifier: GPL-2.0
/* unit test runner: tests/unit [OUTDIR] */
#include <stdio.h>

#include "harness.h"

int main(int argc, char *argv[])
{
	if (argc > 1)
		t_outdir = argv[1];
	test_args();
	test_keyfile();
	test_format();
	test_netlink();
	return t_failed() ? 1 : 0;
}
