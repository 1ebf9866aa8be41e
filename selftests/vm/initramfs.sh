#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the tiny virtme-style initramfs for the test guest: busybox-static
# plus the virtio/9p modules needed to mount the host's / read-only and the
# work tree read-write.
# Usage: initramfs.sh KVER OUTPUT.cpio.gz [MODROOT]
#   MODROOT holds lib/modules/KVER (default /: the machine's own kernels;
#   scripts/kernels.sh unpacks the others under build/kernels/KVER/root).
set -euo pipefail
kver=$1
out=$2
modroot=${3:-/}
# with their dependencies, in load order, by the kernel's own modules.dep;
# what the kernel has built in needs nothing
wanted="virtio_pci 9pnet_virtio 9p virtio_rng"
here=$(cd "$(dirname "$0")" && pwd)

[ -x /bin/busybox ] || { echo "initramfs: /bin/busybox missing (apt-get install busybox-static)" >&2; exit 1; }
for m in $wanted; do
	modprobe -d "$modroot" -S "$kver" --show-depends "$m" >/dev/null ||
		{ echo "initramfs: module $m not found for $kver under $modroot" >&2; exit 1; }
done
files=$(for m in $wanted; do
		modprobe -d "$modroot" -S "$kver" --show-depends "$m"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,newroot,lib/modules}
cp /bin/busybox "$tmp/bin/busybox"
mods=
for f in $files; do
	m=$(basename "$f")
	m=${m%%.ko*}
	case "$f" in
	*.xz) xz -dc "$f" > "$tmp/lib/modules/$m.ko" ;;
	*.zst) zstd -qdc "$f" > "$tmp/lib/modules/$m.ko" ;;
	*) cp "$f" "$tmp/lib/modules/$m.ko" ;;
	esac
	mods="$mods $m"
done
echo "$mods" > "$tmp/lib/modules/order"
install -m 0755 "$here/stage1-init" "$tmp/init"
mkdir -p "$(dirname "$out")"
# guests started side by side may build it at once: each writes its own
# file and the rename makes whichever finishes last the one in place
(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.$$"
mv "$out.$$" "$out"
