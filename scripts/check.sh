#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The whole test suite, as `make check` runs it: build (module with W=1 and
# sparse, warnings are failures; userspace with -Werror), checkpatch, unit
# tests, then the VM selftests.  Every stage reports; the last line is the
# sum: `N passed, N failed[, N skipped]`.  Exit status 1 on any failure.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
top=$PWD
logs=$top/build/check
rm -rf "$logs"
mkdir -p "$logs"
KVER=${KVER:-$(scripts/kver.sh)} || exit 1
export KVER
kdir=/lib/modules/$KVER/build

passed=0 failed=0 skipped=0
skips=()
failures=()
failed_checks=()

note() { printf '%s\n' "$*"; }

# stage_cmd NAME CMD...: one pass or fail from the command's exit status
stage_cmd() {
	local name=$1 log t0=$SECONDS
	shift
	log=$logs/$(echo "$name" | tr ' /' '__').log
	if "$@" > "$log" 2>&1; then
		note "ok - $name ($((SECONDS - t0)) s)"
		passed=$((passed + 1))
	else
		note "not ok - $name ($((SECONDS - t0)) s, log: ${log#"$top"/})"
		tail -n 25 "$log" | sed 's/^/    /'
		failed=$((failed + 1))
		failures+=("$name")
	fi
}

# stage_tests NAME CMD...: a test runner whose last summary line is added in
stage_tests() {
	local name=$1 log line p f s rc t0=$SECONDS
	shift
	log=$logs/$(echo "$name" | tr ' /' '__').log
	"$@" > "$log" 2>&1
	rc=$?
	grep -E '^(not )?ok |^# SKIP|^SKIP' "$log" | sed "s/^/    [$name] /"
	line=$(grep -E '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		note "not ok - $name: no summary line (exit $rc, log: ${log#"$top"/})"
		tail -n 25 "$log" | sed 's/^/    /'
		failed=$((failed + 1))
		failures+=("$name")
		return
	fi
	p=$(echo "$line" | sed -E 's/.*\b([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.*\b([0-9]+) failed.*/\1/')
	s=0
	echo "$line" | grep -q skipped && s=$(echo "$line" | sed -E 's/.*\b([0-9]+) skipped.*/\1/')
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	# skipped scripts, and skipped checks inside passing ones, are listed
	if grep -qE '# SKIP|^SKIP' "$log"; then
		skips+=("$name: $(grep -E '# SKIP|^SKIP' "$log" | sed 's/^[# ]*//' | tr '\n' ';')")
	fi
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		note "not ok - $name: runner exited $rc with no failed test (log: ${log#"$top"/})"
		tail -n 25 "$log" | sed 's/^/    /'
		failed=$((failed + 1))
	fi
	if [ "$f" != 0 ] || [ "$rc" != 0 ]; then
		failures+=("$name")
		# the failed checks inside a failed test script, so that the
		# tail of the run (all CI keeps) says which check it was
		# with the first lines of their diagnostics
		failed_checks+=("$(grep -A4 -E '^(#[[:space:]]+)?not ok|^# .*: (timed out|kernel log not clean)' \
			"$log" | grep -v '^--$' | head -n 40 | sed "s/^/    [$name] /")")
	fi
	note "$name: $line ($((SECONDS - t0)) s)"
}

# kernel build: W=1 must be silent about our own files
build_module() {
	make -C "$kdir" M="$top" W=1 modules 2>&1 | tee "$logs/module-build.out"
	[ "${PIPESTATUS[0]}" = 0 ] || return 1
	! grep -E 'warning:|error:' "$logs/module-build.out"
}

# sparse: force a rebuild of every object so each is checked
sparse_module() {
	make -C "$kdir" M="$top" C=2 CF=-D__CHECK_ENDIAN__ modules 2>&1 |
		tee "$logs/sparse.out"
	[ "${PIPESTATUS[0]}" = 0 ] || return 1
	! grep -E '^[^ ]*\.[ch]:[0-9]+:[0-9]+: (warning|error):' "$logs/sparse.out"
}

build_user() {
	local d
	for d in genl-tool selftests/tools tests/unit; do
		[ -f "$d/Makefile" ] || continue
		make -C "$d" all || return 1
	done
}

# stage_skip NAME REASON: a stage that cannot run here, listed as skipped
stage_skip() {
	note "ok - $1 # SKIP $2"
	skipped=$((skipped + 1))
	skips+=("$1: $2")
}

# the same for another kernel line (scripts/kbuild.sh finds its tree)
build_module_for() {
	scripts/kbuild.sh "$1" --copy W=1 modules 2>&1 | tee "$logs/module-build-$1.out"
	[ "${PIPESTATUS[0]}" = 0 ] || return 1
	! grep -E 'warning:|error:' "$logs/module-build-$1.out"
}

sparse_module_for() {
	scripts/kbuild.sh "$1" --copy C=2 CF=-D__CHECK_ENDIAN__ modules 2>&1 |
		tee "$logs/sparse-$1.out"
	[ "${PIPESTATUS[0]}" = 0 ] || return 1
	grep -q '^  CHECK ' "$logs/sparse-$1.out" || { echo "sparse did not run"; return 1; }
	! grep -E '^[^ ]*\.[ch]:[0-9]+:[0-9]+: (warning|error):' "$logs/sparse-$1.out"
}

note "# nf_ovpn check: kernel $KVER"
stage_cmd "build: module (W=1, no warnings)" build_module
stage_cmd "build: sparse (C=2 CF=-D__CHECK_ENDIAN__, no warnings)" sparse_module
stage_cmd "build: module for Linux 6.12 from bookworm-backports (W=1, no warnings)" \
	build_module_for 6.12
stage_cmd "build: sparse for Linux 6.12 (no warnings)" sparse_module_for 6.12
stage_cmd "build: module for Linux 7.x from trixie-backports, in the trixie root (W=1, no warnings)" \
	build_module_for 7
stage_skip "build: sparse for Linux 7.x" \
	"Debian's sparse (0.6.4, bookworm and trixie) cannot parse 7.x headers (__typeof_unqual__); kbuild turns C=2 off itself"
stage_cmd "style: checkpatch --strict on kmod/" scripts/checkpatch.sh
stage_cmd "spec: nf_ovpn.yaml matches the uapi header" python3 scripts/check-spec.py
[ -f genl-tool/Makefile ] || [ -f selftests/tools/Makefile ] &&
	stage_cmd "build: userspace (-Wall -Wextra -Werror)" build_user
stage_cmd "build: patched OpenVPN 2.6.14 (openvpn-patches/)" bash scripts/openvpn.sh
stage_cmd "deb: nf-ovpn-dkms and nfovpn packages, lintian without errors" bash scripts/deb.sh
stage_cmd "deb: DKMS builds the packaged module for 6.1 and 6.12, refuses 5.10" \
	bash scripts/dkms-check.sh
[ -f tests/unit/Makefile ] && stage_tests "unit" make -s -C tests/unit test
[ -f genl-tool/Makefile ] && stage_tests "cli-unit" make -s -C genl-tool test
[ -f selftests/tools/Makefile ] && stage_tests "peer-tool" make -s -C selftests/tools test
stage_tests "fuzz (libFuzzer, 30 s per target)" make -s -C tests/fuzz smoke
stage_tests "vm-runner" selftests/vm/test-runner.sh
stage_tests "vm-selftests" selftests/run.sh

note ""
if [ ${#skips[@]} -gt 0 ]; then
	note "skipped:"
	printf '  %s\n' "${skips[@]}"
fi
if [ ${#failures[@]} -gt 0 ]; then
	note "failed stages:"
	printf '  %s\n' "${failures[@]}"
	for c in "${failed_checks[@]}"; do
		[ -n "$c" ] && printf '%s\n' "$c"
	done
fi
note "# check took $SECONDS s"
if [ "$skipped" != 0 ]; then
	note "$passed passed, $failed failed, $skipped skipped"
else
	note "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
