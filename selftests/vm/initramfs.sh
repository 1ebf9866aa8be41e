#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the tiny virtme-style initramfs for the test guest: busybox-static
# plus the virtio/9p modules needed to mount the host's / read-only and the
# work tree read-write.  Usage: initramfs.sh KVER OUTPUT.cpio.gz
set -euo pipefail
kver=$1
out=$2
mods="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci
      netfs fscache 9pnet 9pnet_virtio 9p"
here=$(cd "$(dirname "$0")" && pwd)

[ -x /bin/busybox ] || { echo "initramfs: /bin/busybox missing (apt-get install busybox-static)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,newroot,lib/modules}
cp /bin/busybox "$tmp/bin/busybox"
for m in $mods; do
	f=$(find "/lib/modules/$kver/kernel" -name "$m.ko*" | head -n 1)
	[ -n "$f" ] || { echo "initramfs: module $m not found for $kver" >&2; exit 1; }
	case "$f" in
	*.xz) xz -dc "$f" > "$tmp/lib/modules/$m.ko" ;;
	*.zst) zstd -qdc "$f" > "$tmp/lib/modules/$m.ko" ;;
	*) cp "$f" "$tmp/lib/modules/$m.ko" ;;
	esac
done
echo "$mods" > "$tmp/lib/modules/order"
install -m 0755 "$here/stage1-init" "$tmp/init"
mkdir -p "$(dirname "$out")"
# guests started side by side may build it at once: each writes its own
# file and the rename makes whichever finishes last the one in place
(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.$$"
mv "$out.$$" "$out"
