#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Tests of the VM runner itself (host side, each boots a guest): exit status
# comes back, a timeout fails, and a planted WARN_ON in a scratch module
# turns an otherwise successful run red.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
source "$top/selftests/lib.sh"
KVER=${KVER:-$("$top/scripts/kver.sh")}
run="$here/run-vm.sh"

scratch=$top/build/scratch-warn
rm -rf "$scratch"
cp -r "$here/warn-mod" "$scratch"
check "scratch WARN_ON module builds" \
	make -C "/lib/modules/$KVER/build" M="$scratch" modules

# the four guests in two pairs side by side (each is one host thread);
# results are checked afterwards, in order
res=$top/build/vm/meta-results
rm -rf "$res"
mkdir -p "$res"
run() {	# run NAME RUN-VM-ARGS...: output and exit status into $res
	local name=$1
	shift
	"$run" "$@" >"$res/$name.out" 2>&1
	echo $? >"$res/$name.rc"
}
# a test's own diagnostics ('#' lines, e.g. an OpenVPN log) may say
# "WARNING:" on the console: that is not the kernel's
run ok --name meta-ok -- echo "#   openvpn: WARNING: not the kernel's" &
run timeout --timeout 25 --name meta-timeout -- sleep 600 &
wait
run rc --name meta-rc -- bash -c 'exit 3' &
run warn --name meta-warn -- insmod "$scratch/warn_mod.ko" &
wait

check_eq "clean command passes, also when a test prints a WARNING: diagnostic" \
	0 "$(cat "$res/ok.rc")" || sed 's/^/#   /' "$res/ok.out"
check_eq "guest exit status is returned" 3 "$(cat "$res/rc.rc")"
check "a guest that does not finish fails" test "$(cat "$res/timeout.rc")" != 0
check_eq "planted WARN_ON fails the run" 1 "$(cat "$res/warn.rc")"
check "failure names the kernel log" grep -q "kernel log .* is not clean" "$res/warn.out"
check "guest log holds the warning" grep -q "WARNING:" "$top/build/vm/meta-warn/dmesg.log"
tap_done
rc=$?
echo "$((__tap_n - __tap_fail)) passed, $__tap_fail failed"
exit $rc
