#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build nf_ovpn.ko for one kernel, wherever that kernel's build tree is:
#
#   kbuild.sh KVER|LINE [--copy] [MAKE ARGS...]
#
# KVER is a kernel release (6.12.95+deb12-amd64) or a line of
# scripts/kernels.sh (6.1, 6.12, 7): a line is fetched first.  The tree:
#   /lib/modules/KVER/build        installed headers (the machine's 6.1, a
#                                  real host's running kernel)
#   build/kernels/KVER/root/...    headers unpacked by kernels.sh (6.12)
#   build/trixie-root              headers installed in the trixie build
#                                  root, make run there by chroot (7.x)
# Without --copy the module is built in place (kmod/nf_ovpn.ko, what
# `make module KVER=...` does).  With --copy the sources are copied to
# build/ko/KVER/ first and built there, so that modules for several
# kernels stay side by side; the path of the .ko is printed.
# The default make arguments are "W=1 modules".
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
want=${1:?usage: kbuild.sh KVER|LINE [--copy] [MAKE ARGS...]}
shift
copy=0
if [ "${1:-}" = --copy ]; then
	copy=1
	shift
fi
[ $# -gt 0 ] || set -- W=1 modules

log() { echo "kbuild: $*" >&2; }

case "$want" in
6.1|6.12|7|7.*) kv=$("$top/scripts/kernels.sh" fetch "$want") ;;
*) kv=$want ;;
esac

src=$top
if [ $copy = 1 ]; then
	src=$top/build/ko/$kv
	mkdir -p "$src"
	cp -p "$top/Kbuild" "$src/"
	# only what changed, so that kbuild's own dependency tracking holds
	(cd "$top" && find kmod \( -name Kbuild -o -name '*.[ch]' \) ! -name '*.mod.c') > "$src/.files"
	while read -r f; do
		mkdir -p "$src/$(dirname "$f")"
		cmp -s "$top/$f" "$src/$f" || cp -p "$top/$f" "$src/$f"
	done < "$src/.files"
	(cd "$src" && find kmod -name '*.[ch]' ! -name '*.mod.c') | while read -r f; do
		grep -qxF "$f" "$src/.files" || rm -f "$src/$f"
	done
fi

unpacked=$top/build/kernels/$kv/root/usr/src/linux-headers-$kv
troot=$top/build/trixie-root
if [ -d "/lib/modules/$kv/build" ]; then
	make -C "/lib/modules/$kv/build" M="$src" "$@" >&2
elif [ -d "$unpacked" ]; then
	make -C "$unpacked" M="$src" "$@" >&2
else
	case "$kv" in
	7.*) ;;
	*) log "no build tree for $kv (run 'scripts/kernels.sh fetch LINE')"; exit 1 ;;
	esac
	"$top/scripts/trixie-root.sh" "$kv" >/dev/null
	# the work tree appears at its own path inside the root for the build
	mkdir -p "$troot$top"
	exec 9>"$top/build/.trixie-root.lock"
	flock 9
	mount --bind "$top" "$troot$top"
	mount -t proc proc "$troot/proc"	# objtool reads its limits there
	rc=0
	chroot "$troot" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root make -C "/usr/src/linux-headers-$kv" M="$src" "$@" >&2 ||
		rc=$?
	umount "$troot/proc" "$troot$top"
	[ $rc = 0 ] || exit $rc
fi
[ $copy = 1 ] && echo "$src/kmod/nf_ovpn.ko"
exit 0
