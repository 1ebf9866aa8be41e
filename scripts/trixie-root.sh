#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A Debian 13 (trixie) build root for kernels whose kbuild bookworm's
# toolchain cannot run: trixie-backports' 7.x wants gcc-14 and trixie's
# libc.  debootstrapped once into build/trixie-root (a few minutes) and
# kept; only kernel modules are built in it.
#
#   trixie-root.sh KVER [PACKAGE...]
#       make sure the root has linux-headers-KVER and the PACKAGEs (from
#       trixie-backports where it has them: OpenVPN 2.7), print its path
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
root=$top/build/trixie-root
mirror=${NFOVPN_MIRROR:-http://deb.debian.org/debian}
kv=${1:?usage: trixie-root.sh KVER [PACKAGE...]}
shift
tools="gcc-14 make libc6-dev bc bison flex libelf-dev libssl-dev kmod xz-utils"

log() { echo "trixie-root: $*" >&2; }

command -v debootstrap >/dev/null ||
	{ log "debootstrap missing (run 'make deps')"; exit 1; }

# apt inside the root needs /proc and /dev; unmounted again on any exit
in_root() {
	mount -t proc proc "$root/proc"
	mount --bind /dev "$root/dev"
	local rc=0
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive "$@" || rc=$?
	umount "$root/dev" "$root/proc"
	return $rc
}

exec 9>"$top/build/.trixie-root.lock"
flock 9

if [ ! -f "$root/.bootstrapped" ]; then
	log "debootstrap trixie into ${root#"$top"/} (once, a few minutes)"
	rm -rf "$root"
	mkdir -p "$root"
	debootstrap --variant=minbase --include="${tools// /,}" trixie \
		"$root" "$mirror" > "$top/build/trixie-root.log" 2>&1 ||
		{ tail -20 "$top/build/trixie-root.log" >&2; log "debootstrap failed"; exit 1; }
	printf 'deb %s trixie main\ndeb %s trixie-backports main\n' \
		"$mirror" "$mirror" > "$root/etc/apt/sources.list"
	touch "$root/.bootstrapped"
fi

if [ ! -d "$root/usr/src/linux-headers-$kv" ]; then
	log "installing linux-headers-$kv in the trixie root"
	{ in_root apt-get update -q &&
	  in_root apt-get install -y -q --no-install-recommends \
		-t trixie-backports "linux-headers-$kv"; } \
		>> "$top/build/trixie-root.log" 2>&1 ||
		{ tail -20 "$top/build/trixie-root.log" >&2; log "installing headers failed"; exit 1; }
fi
missing=
for p in "$@"; do
	in_root dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	log "installing$missing in the trixie root"
	# shellcheck disable=SC2086 # a list of package names
	{ in_root apt-get update -q &&
	  in_root apt-get install -y -q --no-install-recommends \
		-t trixie-backports $missing; } \
		>> "$top/build/trixie-root.log" 2>&1 ||
		{ tail -20 "$top/build/trixie-root.log" >&2; log "installing$missing failed"; exit 1; }
fi
echo "$root"
