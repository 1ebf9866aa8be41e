// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of nf_ovpn's pure datapath logic (kmod/pktid.c,
 * kmod/proto.c), built unmodified in userspace.  TAP-style output, last
 * line "N passed, N failed"; exit status 1 if anything failed.
 * An optional argument runs only the tests whose name contains it.
 */
#include <string.h>
#include "harness.h"

int unit_failures;

static const struct unit_test *const suites[] = { pktid_tests, proto_tests };

int main(int argc, char **argv)
{
	int passed = 0, failed = 0, n = 0;
	size_t s;

	for (s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		const struct unit_test *t;

		for (t = suites[s]; t->name; t++) {
			if (argc > 1 && !strstr(t->name, argv[1]))
				continue;
			unit_failures = 0;
			t->fn();
			n++;
			if (unit_failures) {
				failed++;
				printf("not ok %d - %s\n", n, t->name);
			} else {
				passed++;
				printf("ok %d - %s\n", n, t->name);
			}
			fflush(stdout);
		}
	}
	printf("1..%d\n", n);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
