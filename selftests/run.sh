#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the VM selftests: boot one guest and run guest-run.sh in it
# (all tests, or those named).  The run fails when the guest's kernel log
# shows a bug report or the guest does not finish, even if every test said
# ok; the summary line accounts for that.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$here/vm/run-vm.sh" --timeout 1800 --name selftests -- \
	bash selftests/guest-run.sh "$@" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
if [ -z "$line" ]; then
	echo "not ok - guest produced no summary (run-vm exit $rc)"
	echo "0 passed, 1 failed"
	exit 1
fi
if [ "$rc" != 0 ]; then
	p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	s=$(echo "$line" | sed -E 's/.* ([0-9]+) skipped.*/\1/')
	if [ "$f" = 0 ]; then
		echo "not ok - VM run failed (exit $rc): guest kernel log or timeout"
		echo "$p passed, 1 failed, $s skipped"
		exit 1
	fi
fi
exit "$rc"
