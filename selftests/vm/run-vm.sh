#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the Debian kernel under QEMU (TCG, 2 vCPU, 2 GiB) with the host root
# shared read-only and the work tree read-write, run one command inside and
# bring back its output and exit status.  The run fails when the command
# fails, when the guest does not finish in time, or when the guest's kernel
# log shows a bug report (dmesg-check.sh).
#
# Usage: run-vm.sh [--timeout SEC] [--name NAME] [--kver KVER|LINE] -- CMD [ARGS...]
#   KVER: a kernel release; LINE: 6.1, 6.12 or 7 (scripts/kernels.sh)
#   CMD runs under bash in the guest, in the work tree's top directory.
#   Results land in build/vm/NAME/: console.log output.log dmesg.log rc
#   Debugging: NFOVPN_QEMU_EXTRA adds QEMU options (e.g. a -monitor socket),
#   NFOVPN_APPEND adds kernel command line options (e.g. nokaslr).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
timeout=600
name=run
kver=

while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) timeout=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--kver) kver=$2; shift 2 ;;
	--) shift; break ;;
	-h|--help) sed -n '3,12p' "$0"; exit 0 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "run-vm: no command given" >&2; exit 2; }
case "$kver" in
'') kver=$("$top/scripts/kver.sh") || exit 1 ;;
6.1|6.12|7) kver=$("$top/scripts/kernels.sh" fetch "$kver") || exit 1 ;;
esac

# the machine's own kernels, else one scripts/kernels.sh unpacked
kernel=/boot/vmlinuz-$kver
modroot=/
modules_arg=
if [ ! -r "$kernel" ] && [ -r "$top/build/kernels/$kver/root/boot/vmlinuz-$kver" ]; then
	modroot=$top/build/kernels/$kver/root
	kernel=$modroot/boot/vmlinuz-$kver
	modules_arg=nfovpn.modules=$modroot/lib/modules
fi
[ -r "$kernel" ] || { echo "run-vm: $kernel missing (apt-get install linux-image-$kver, 'make deps', or 'scripts/kernels.sh fetch LINE')" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null ||
	{ echo "run-vm: qemu-system-x86_64 missing (run 'make deps')" >&2; exit 1; }

initrd=$top/build/vm/initramfs-$kver.cpio.gz
if [ ! -f "$initrd" ] || [ "$here/stage1-init" -nt "$initrd" ] ||
   [ "$here/initramfs.sh" -nt "$initrd" ]; then
	# built aside and renamed: guests started side by side may both
	# build it, and none may boot a half-written one
	"$here/initramfs.sh" "$kver" "$initrd.$$" "$modroot" &&
		mv -f "$initrd.$$" "$initrd" || { rm -f "$initrd.$$"; exit 1; }
fi

res=$top/build/vm/$name
rm -rf "$res"
mkdir -p "$res"
{
	echo "cd '$top'"
	printf '%q ' "$@"
	echo
} > "$res/cmd.sh"

# KVM hangs on these machines right after real-mode setup: always TCG.
# Multi-threaded TCG deadlocks the guest's 9p client (a spinlock in
# p9_client_rpc spins forever after a few dozen `ip netns exec`, with or
# without nf_ovpn loaded): one host thread for both vCPUs by default.
timeout -k 10 "$timeout" qemu-system-x86_64 \
	-accel tcg,thread=${NFOVPN_TCG_THREAD:-single} -cpu max -smp 2 -m 2048 \
	-nographic -no-reboot -nodefaults -serial stdio \
	-device virtio-rng-pci \
	-kernel "$kernel" -initrd "$initrd" \
	-fsdev local,id=r,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=r,mount_tag=hostroot \
	-fsdev local,id=w,path="$top",security_model=none,multidevs=remap \
	-device virtio-9p-pci,fsdev=w,mount_tag=worktree \
	${NFOVPN_QEMU_EXTRA:-} \
	-append "console=ttyS0 panic=-1 loglevel=4 quiet ${NFOVPN_APPEND:-} nfovpn.tree=$top nfovpn.result=$res $modules_arg" \
	< /dev/null > "$res/console.log" 2>&1
qrc=$?

[ -f "$res/output.log" ] && cat "$res/output.log"
status=0
if [ ! -f "$res/rc" ]; then
	if [ $qrc = 124 ] || [ $qrc = 137 ]; then
		echo "run-vm: guest did not finish within ${timeout}s" >&2
	else
		echo "run-vm: guest ended without a result (qemu exit $qrc)" >&2
	fi
	tail -n 40 "$res/console.log" >&2
	status=1
else
	rc=$(cat "$res/rc")
	[ "$rc" = 0 ] || status=$rc
fi
# The console carries the kernel's messages too, including any panic after
# the guest wrote dmesg.log: check both.  Lines starting with '#' on the
# console are the tests' own diagnostics (an OpenVPN log saying "WARNING:"),
# not the kernel's; the firmware's terminal escapes go first.
for log in "$res/dmesg.log" "$res/console.log"; do
	[ -f "$log" ] || continue
	if ! sed -E 's/.*\x1b\[[0-9;?]*[A-Za-z]//' "$log" | grep -v '^#' |
		"$here/dmesg-check.sh" >&2; then
		echo "run-vm: FAIL: guest kernel log ($log) is not clean" >&2
		[ $status = 0 ] && status=1
	fi
done
exit $status
