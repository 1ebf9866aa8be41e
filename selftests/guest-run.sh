#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the test guest: every script in tests.list (or those named on
# the command line), each under its `settings` timeout, with the kernel log
# checked after each.  Prints TAP per test and `N passed, N failed, N
# skipped` last.
cd "$(dirname "$0")" || exit 1
source ./lib.sh
timeout=$(sed -n 's/^timeout=//p' settings)
tests=("$@")
if [ ${#tests[@]} = 0 ]; then
	mapfile -t tests < <(awk '!/^#/ && NF { print $1 }' tests.list)
fi

pass=0 fail=0 skip=0 n=0
echo "TAP version 13"
echo "1..${#tests[@]}"
for t in "${tests[@]}"; do
	n=$((n + 1))
	echo "# running $t"
	dmesg -c > /dev/null
	start=$SECONDS
	timeout -k 5 "$timeout" bash "./$t" 2>&1 | sed 's/^/#   /'
	rc=${PIPESTATUS[0]}
	echo "# $t: $((SECONDS - start)) s"
	dmesg > "/tmp/dmesg.$t"
	logbad=
	if ! ./vm/dmesg-check.sh "/tmp/dmesg.$t" > "/tmp/dmesg-check.$t"; then
		logbad=1
		sed 's/^/#   /' "/tmp/dmesg-check.$t"
	fi
	if [ "$rc" = "$ksft_skip" ] && [ -z "$logbad" ]; then
		echo "ok $n $t # SKIP"
		skip=$((skip + 1))
	elif [ "$rc" = 0 ] && [ -z "$logbad" ]; then
		echo "ok $n $t"
		pass=$((pass + 1))
	else
		[ "$rc" = 124 ] && echo "# $t: timed out after ${timeout}s"
		[ -n "$logbad" ] && echo "# $t: kernel log not clean"
		echo "not ok $n $t (exit $rc)"
		fail=$((fail + 1))
	fi
done
# whatever a test left loaded goes now, so unload paths are always run
lsmod | grep -q '^nf_ovpn ' && rmmod nf_ovpn
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
