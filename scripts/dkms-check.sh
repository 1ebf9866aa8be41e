#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The nf-ovpn-dkms package (make deb) builds through DKMS for each kernel
# line it claims (BUILD_EXCLUSIVE_KERNEL in dkms.conf) and refuses others.
# DKMS runs on a private tree (--dkmstree/--sourcetree under build/dkms):
# nothing is installed on this machine.  6.1 uses the host's headers, 6.12
# the headers scripts/kernels.sh unpacked; 7.x needs trixie's compiler,
# which a Debian 13 host has (here make check builds 7.x in the trixie root
# instead: scripts/kbuild.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
work=$top/build/dkms
deb=$(ls "$top"/build/deb/nf-ovpn-dkms_*_all.deb 2>/dev/null | tail -n 1)
[ -n "$deb" ] || { echo "dkms-check: no package: run make deb" >&2; exit 1; }
v=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
rm -rf "$work"
mkdir -p "$work/tree"
dpkg-deb -x "$deb" "$work/root"
d=(--dkmstree "$work/tree" --sourcetree "$work/root/usr/src" -m nf-ovpn -v "$v")
dkms add "${d[@]}" >/dev/null

build() {	# build KVER KDIR
	dkms build "${d[@]}" -k "$1" --kernelsourcedir "$2" >"$work/$1.log" 2>&1 ||
		{ tail -n 20 "$work/$1.log"; echo "dkms-check: build for $1 failed"; return 1; }
	local ko=$work/tree/nf-ovpn/$v/$1/x86_64/module/nf_ovpn.ko
	case "$(modinfo -F vermagic "$ko")" in
	"$1 "*) echo "dkms-check: $1: built, vermagic matches" ;;
	*) echo "dkms-check: $1: wrong vermagic"; return 1 ;;
	esac
}
k61=$("$top/scripts/kver.sh")
build "$k61" "/lib/modules/$k61/build"
k612=$("$top/scripts/kernels.sh" fetch 6.12)
build "$k612" "$(ls -d "$top/build/kernels/$k612/root/usr/src/linux-headers-$k612")"
# a kernel outside the supported lines is refused, not built
if dkms build "${d[@]}" -k 5.10.0-99-amd64 --kernelsourcedir "/lib/modules/$k61/build" \
	>"$work/5.10.log" 2>&1 || ! grep -q BUILD_EXCLUSIVE "$work/5.10.log"; then
	cat "$work/5.10.log"; echo "dkms-check: 5.10 was not refused"; exit 1
fi
echo "dkms-check: 5.10 refused (BUILD_EXCLUSIVE_KERNEL)"
dkms status "${d[@]:0:4}"
