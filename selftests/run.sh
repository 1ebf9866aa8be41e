#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the VM selftests.
#
#   run.sh [TEST...]      with test names: one guest (6.1) runs those
#   run.sh                the tests of tests.list on the kernel lines of
#                         NFOVPN_KERNELS (default "6.1 6.12")
#
# Every test runs on 6.1.  Another line runs the tests whose third field in
# tests.list names it (e.g. "6.12,7"), or every test when NFOVPN_ALL=1
# (make check-all).  A third field "=LINES" names the only kernels a test
# runs on (what needs a driver only newer kernels have); "all" keeps a
# test for make check-all (too long for make check's budget).  A guest
# boots one kernel, so the work is cut into
# guests per kernel; the guests run in as many slots side by side as the
# host has cores (at most 4; NFOVPN_VM_SHARDS overrides), because a TCG
# guest runs on one host thread.  The cut balances the seconds tests.list
# gives each test; within a guest the tests keep the list's order.
# Each kernel's module is built beforehand (scripts/kbuild.sh --copy for
# any kernel but the machine's own 6.1).
#
# A guest's run fails when its kernel log shows a bug report or it does not
# finish, even if every test said ok; the summary line accounts for that.
# Last line: `N passed, N failed, N skipped` over all guests.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
timeout=${NFOVPN_VM_TIMEOUT:-2700}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# one line per guest: SLOT LINE TEST...
if [ $# -gt 0 ]; then
	echo "1 6.1 $*" > "$tmp/plan"
else
	n=${NFOVPN_VM_SHARDS:-$(nproc)}
	[ "$n" -ge 1 ] 2>/dev/null || n=1
	[ "$n" -gt 4 ] && n=4
	# (line, test) pairs onto slots of about equal seconds
	awk -v n="$n" -v lines="${NFOVPN_KERNELS:-6.1 6.12}" \
	    -v all="${NFOVPN_ALL:-0}" '
		!/^#/ && NF {
			t[++c] = $1; w[c] = ($2 == "" ? 60 : $2)
			# "=LINES": on those kernels only, in every mode;
			# "all": in make check-all only (every kernel)
			only[c] = substr($3, 1, 1) == "="
			on[c] = "," (only[c] ? substr($3, 2) : $3) ","
			allonly[c] = $3 == "all"
		}
		END {
			nl = split(lines, L, " ")
			for (k = 1; k <= nl; k++)
				for (i = 1; i <= c; i++)
					if (allonly[i] && all != 1)
						continue
					else if (index(on[i], "," L[k] ",") ||
					    (!only[i] && (L[k] == "6.1" || all == 1))) {
						m++; il[m] = L[k]; it[m] = t[i]
						iw[m] = w[i]; total += w[i]
					}
			# longest first onto the least loaded slot: slots end
			# within about one test of each other
			for (j = 1; j <= m; j++)
				done[j] = 0
			for (r = 1; r <= m; r++) {
				b = 0
				for (j = 1; j <= m; j++)
					if (!done[j] && (!b || iw[j] > iw[b]))
						b = j
				done[b] = 1
				s = 1
				for (q = 2; q <= n; q++)
					if (load[q] < load[s])
						s = q
				slot[b] = s
				load[s] += iw[b]
			}
			# per slot, one kernel after another, tests in list
			# order; no guest longer than about 25 minutes: one
			# that hangs late loses less, and its timeout stays
			# apart from a slow but healthy run
			for (s = 1; s <= n; s++)
				for (k = 1; k <= nl; k++) {
					g = 0
					for (j = 1; j <= m; j++) {
						if (slot[j] != s || il[j] != L[k])
							continue
						if (!g || gl[g] + iw[j] > 1500) {
							g = ++ng
							order[g] = s " " L[k]
						}
						tests[g] = tests[g] " " it[j]
						gl[g] += iw[j]
					}
				}
			for (k = 1; k <= ng; k++) {
				split(order[k], o, " ")
				print o[1] " " o[2] tests[k]
			}
		}' "$here/tests.list" > "$tmp/plan"
fi

# NFOVPN_VM_PLAN=1: only show how the work is cut
if [ "${NFOVPN_VM_PLAN:-0}" = 1 ]; then
	cat "$tmp/plan"
	exit 0
fi

# the modules for the kernels other than the machine's own
while read -r _ line _; do
	[ "$line" = 6.1 ] && continue
	[ -f "$tmp/built.$line" ] && continue
	# 7.x guests also run OpenVPN 2.7 from the trixie root (ovpn_beside.sh)
	if [ "$line" = 7 ]; then
		"$top/scripts/trixie-root.sh" "$("$top/scripts/kernels.sh" kver 7)" \
			openvpn > "$tmp/root.$line" 2>&1 ||
			{ echo "# no OpenVPN 2.7 in the trixie root:"; sed 's/^/#   /' "$tmp/root.$line"; }
	fi
	if "$top/scripts/kbuild.sh" "$line" --copy > "$tmp/kbuild.$line" 2>&1; then
		touch "$tmp/built.$line"
	else
		echo "not ok - nf_ovpn.ko for Linux $line does not build:"
		tail -n 15 "$tmp/kbuild.$line" | sed 's/^/#   /'
		touch "$tmp/broken.$line"
	fi
done < "$tmp/plan"

ng=$(wc -l < "$tmp/plan")
# each slot boots its guests one after another
for s in $(cut -d' ' -f1 "$tmp/plan" | sort -un); do
	(
		i=0
		while read -r slot line tests; do
			i=$((i + 1))
			[ "$slot" = "$s" ] || continue
			[ -f "$tmp/broken.$line" ] && continue
			name=selftests
			[ "$ng" -gt 1 ] && name=selftests-$i
			[ "$line" != 6.1 ] && name=$name-$line
			# shellcheck disable=SC2086 # a list of test names
			"$here/vm/run-vm.sh" --timeout "$timeout" --name "$name" \
				--kver "$line" -- bash selftests/guest-run.sh $tests \
				> "$tmp/out.$i" 2>&1
			echo $? > "$tmp/rc.$i"
		done < "$tmp/plan"
	) &
done
wait

passed=0 failed=0 skipped=0
i=0
while read -r slot line tests; do
	i=$((i + 1))
	out=$tmp/out.$i
	[ "$ng" -gt 1 ] && echo "# guest $i of $ng (Linux $line): $tests"
	if [ -f "$tmp/broken.$line" ]; then
		echo "not ok - guest $i: no module for Linux $line"
		failed=$((failed + 1))
		continue
	fi
	# results of other kernels say which kernel they are from
	if [ "$line" = 6.1 ]; then
		cat "$out"
	else
		sed -E "s/^((not )?ok [0-9]+ )/\1[Linux $line] /" "$out"
	fi
	rc=$(cat "$tmp/rc.$i" 2>/dev/null || echo 1)
	sum=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	if [ -z "$sum" ]; then
		echo "not ok - guest $i produced no summary (run-vm exit $rc)"
		failed=$((failed + 1))
		continue
	fi
	p=$(echo "$sum" | sed -E 's/^([0-9]+) passed.*/\1/')
	f=$(echo "$sum" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	s=0
	echo "$sum" | grep -q skipped && s=$(echo "$sum" | sed -E 's/.* ([0-9]+) skipped.*/\1/')
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - guest $i: VM run failed (exit $rc): guest kernel log or timeout"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
done < "$tmp/plan"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
