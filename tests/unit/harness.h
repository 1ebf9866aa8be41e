/* SPDX-License-Identifier: GPL-2.0 */
/* A minimal TAP-style test harness for the userspace unit tests. */
#ifndef _NF_OVPN_HARNESS_H
#define _NF_OVPN_HARNESS_H

#include <stdio.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
};

/* failures of the test currently running */
extern int unit_failures;

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			unit_failures++;				\
			printf("# %s:%d: CHECK(%s) failed\n",		\
			       __FILE__, __LINE__, #cond);		\
		}							\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		long long _a = (long long)(a), _b = (long long)(b);	\
		if (_a != _b) {						\
			unit_failures++;				\
			printf("# %s:%d: %s == %lld, expected %s == %lld\n", \
			       __FILE__, __LINE__, #a, _a, #b, _b);	\
		}							\
	} while (0)

extern const struct unit_test pktid_tests[];
extern const struct unit_test proto_tests[];

#endif
