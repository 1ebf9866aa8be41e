#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the VM selftests.  With test names: one guest runs those.
# Without: the tests of tests.list are split across guests booted side by
# side (one per host core, at most 4; NFOVPN_VM_SHARDS overrides), because
# a TCG guest runs on one host thread and the whole list in one guest takes
# longer than CI allows.  The split balances the seconds tests.list gives
# each test; within a guest the tests keep the list's order.
#
# A guest's run fails when its kernel log shows a bug report or it does not
# finish, even if every test said ok; the summary line accounts for that.
# Last line: `N passed, N failed, N skipped` over all guests.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
timeout=${NFOVPN_VM_TIMEOUT:-2700}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

shards=()
if [ $# -gt 0 ]; then
	shards=("$*")
else
	n=${NFOVPN_VM_SHARDS:-$(nproc)}
	[ "$n" -ge 1 ] 2>/dev/null || n=1
	[ "$n" -gt 4 ] && n=4
	# longest first onto the guest with the least so far, then each guest's
	# tests back into list order
	mapfile -t shards < <(awk -v n="$n" '
		!/^#/ && NF { name[++c] = $1; w[c] = ($2 == "" ? 60 : $2) }
		END {
			for (i = 1; i <= c; i++) done[i] = 0
			for (k = 1; k <= c; k++) {
				best = 0
				for (i = 1; i <= c; i++)
					if (!done[i] && (!best || w[i] > w[best]))
						best = i
				done[best] = 1
				g = 1
				for (j = 2; j <= n; j++)
					if (load[j] < load[g])
						g = j
				load[g] += w[best]
				shard[best] = g
			}
			for (g = 1; g <= n; g++) {
				line = ""
				for (i = 1; i <= c; i++)
					if (shard[i] == g)
						line = line (line == "" ? "" : " ") name[i]
				if (line != "")
					print line
			}
		}' "$here/tests.list")
fi

pids=()
for i in "${!shards[@]}"; do
	name=selftests
	[ ${#shards[@]} -gt 1 ] && name=selftests-$((i + 1))
	# shellcheck disable=SC2086 # a shard is a list of test names
	"$here/vm/run-vm.sh" --timeout "$timeout" --name "$name" -- \
		bash selftests/guest-run.sh ${shards[$i]} > "$tmp/out.$i" 2>&1 &
	pids+=($!)
done

passed=0 failed=0 skipped=0
for i in "${!shards[@]}"; do
	wait "${pids[$i]}"
	rc=$?
	out=$tmp/out.$i
	[ ${#shards[@]} -gt 1 ] && echo "# guest $((i + 1)) of ${#shards[@]}: ${shards[$i]}"
	cat "$out"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	if [ -z "$line" ]; then
		echo "not ok - guest $((i + 1)) produced no summary (run-vm exit $rc)"
		failed=$((failed + 1))
		continue
	fi
	p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	s=0
	echo "$line" | grep -q skipped && s=$(echo "$line" | sed -E 's/.* ([0-9]+) skipped.*/\1/')
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - guest $((i + 1)): VM run failed (exit $rc): guest kernel log or timeout"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
