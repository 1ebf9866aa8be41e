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

# a test's own diagnostics ('#' lines, e.g. an OpenVPN log) may say
# "WARNING:" on the console: that is not the kernel's
check "clean command passes, also when a test prints a WARNING: diagnostic" \
	"$run" --name meta-ok -- echo "#   openvpn: WARNING: not the kernel's"
out=$("$run" --name meta-rc -- bash -c 'exit 3' 2>&1)
check_eq "guest exit status is returned" 3 "$?"
check_not "a guest that does not finish fails" \
	"$run" --timeout 25 --name meta-timeout -- sleep 600

scratch=$top/build/scratch-warn
rm -rf "$scratch"
cp -r "$here/warn-mod" "$scratch"
check "scratch WARN_ON module builds" \
	make -C "/lib/modules/$KVER/build" M="$scratch" modules
out=$("$run" --name meta-warn -- insmod "$scratch/warn_mod.ko" 2>&1)
check_eq "planted WARN_ON fails the run" 1 "$?"
check "failure names the kernel log" grep -q "kernel log .* is not clean" <<<"$out"
check "guest log holds the warning" grep -q "WARNING:" "$top/build/vm/meta-warn/dmesg.log"
tap_done
rc=$?
echo "$((__tap_n - __tap_fail)) passed, $__tap_fail failed"
exit $rc
