#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernels nf_ovpn is built and tested for, found in Debian's archive.
#
#   kernels.sh kver LINE     print the newest kernel release of LINE
#   kernels.sh fetch LINE    ... and make it bootable and buildable here
#   kernels.sh root LINE     print the root its packages are unpacked in
#
# LINE is one of:
#   6.1    bookworm, the machine's own linux-image/headers-amd64 (make deps)
#   6.12   bookworm-backports: built with bookworm's gcc-12, the Debian 12
#          host moved to 6.12 (same kernel line as Debian 13's)
#   7      trixie-backports: the newest 7.x, with the in-tree ovpn driver;
#          its kbuild wants trixie's gcc-14, so modules for it are built in
#          a debootstrapped trixie root (scripts/trixie-root.sh)
#
# Release numbers move with the archive (6.1.0-56 became 6.1.0-57): the
# release is the one the suite's linux-image-amd64 depends on today.
# Packages are unpacked with dpkg-deb under build/kernels/KVER/root, never
# installed on the host: vmlinuz and modules for the guest (depmod run on
# them), and for 6.12 the headers and kbuild as well.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=$top/build/kernels
mirror=${NFOVPN_MIRROR:-http://deb.debian.org/debian}

log() { echo "kernels: $*" >&2; }
die() { log "$*"; exit 1; }

suite_of() {
	case "$1" in
	6.1) echo bookworm ;;
	6.12) echo bookworm-backports ;;
	7|7.*) echo trixie-backports ;;
	*) die "unknown kernel line '$1' (6.1, 6.12 or 7)" ;;
	esac
}

# apt over one suite only, with its own lists: the host's sources and
# package state are left alone
apt_suite() {
	local suite=$1 dir=$cache/apt/$1
	shift
	apt-get -q -o Dir::Etc::SourceList="$dir/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null -o Dir::State="$dir/state" \
		-o Dir::Cache="$dir/cache" -o Dir::State::status=/dev/null \
		-o APT::Sandbox::User=root "$@"
}

apt_cache_suite() {
	local dir=$cache/apt/$1
	shift
	apt-cache -o Dir::Etc::SourceList="$dir/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null -o Dir::State="$dir/state" \
		-o Dir::Cache="$dir/cache" -o Dir::State::status=/dev/null "$@"
}

# the suite's package lists, fetched again when older than six hours
apt_lists() {
	local suite=$1 dir=$cache/apt/$1 stamp
	stamp=$dir/updated
	mkdir -p "$dir/state/lists/partial" "$dir/cache/archives/partial"
	echo "deb $mirror $suite main" > "$dir/sources.list"
	if [ -f "$stamp" ] && [ -z "$(find "$stamp" -mmin +360)" ]; then
		return 0
	fi
	apt_suite "$suite" update >"$dir/update.log" 2>&1 ||
		{ cat "$dir/update.log" >&2; die "apt-get update for $suite failed"; }
	touch "$stamp"
}

# depends_on SUITE PKG PATTERN: the dependency of PKG matching PATTERN
depends_on() {
	apt_cache_suite "$1" depends "$2" 2>/dev/null |
		sed -n 's/^ *Depends: //p' | grep -E "$3" | head -n 1
}

kver() {
	local line=$1 suite img
	suite=$(suite_of "$line")
	if [ "$line" = 6.1 ]; then
		# the machine's own: what make deps installed
		KVER='' "$top/scripts/kver.sh"
		return
	fi
	apt_lists "$suite"
	img=$(depends_on "$suite" linux-image-amd64 '^linux-image-[0-9].*-amd64$')
	[ -n "$img" ] || die "no linux-image-amd64 in $suite"
	echo "${img#linux-image-}"
}

root_of() { echo "$cache/$1/root"; }

unpack() {
	local suite=$1 root=$2 dl=$3
	shift 3
	(cd "$dl" && apt_suite "$suite" download "$@" >"$dl/download.log" 2>&1) ||
		{ cat "$dl/download.log" >&2; die "apt-get download $* failed"; }
	local p f
	for p in "$@"; do
		f=$(find "$dl" -maxdepth 1 -name "${p}_*.deb" | head -n 1)
		dpkg-deb -x "$f" "$root"
	done
}

fetch() {
	local line=$1 suite kv root dl mods hdr common kbuild
	suite=$(suite_of "$line")
	kv=$(kver "$line")
	if [ "$line" = 6.1 ]; then
		echo "$kv"
		return
	fi
	root=$(root_of "$kv")
	if [ -f "$root/.complete" ]; then
		echo "$kv"
		return
	fi
	log "fetching Linux $kv from $suite"
	rm -rf "${cache:?}/$kv"
	dl=$cache/$kv/debs
	mkdir -p "$root" "$dl"
	# 7.x splits the image into linux-binary, linux-modules and
	# linux-base (modules.builtin, modules.order)
	pkgs="linux-image-$kv $(apt_cache_suite "$suite" depends "linux-image-$kv" 2>/dev/null |
		sed -n 's/^ *Depends: //p' | grep -Fx -e "linux-binary-$kv" -e "linux-modules-$kv" \
		-e "linux-base-$kv" | tr '\n' ' ' || true)"
	if [ "$line" = 6.12 ]; then
		hdr=linux-headers-$kv
		common=$(depends_on "$suite" "$hdr" '^linux-headers-.*-common$')
		kbuild=$(depends_on "$suite" "$hdr" '^linux-kbuild-')
		{ [ -n "$common" ] && [ -n "$kbuild" ]; } ||
			die "cannot tell what $hdr depends on in $suite"
		pkgs="$pkgs $hdr $common $kbuild"
	fi
	# shellcheck disable=SC2086 # a list of package names
	unpack "$suite" "$root" "$dl" $pkgs
	mods=$(find "$root" -maxdepth 4 -type d -path "*/lib/modules/$kv" | head -n 1)
	[ -n "$mods" ] || die "linux-image-$kv has no modules directory"
	# the unpacked tree has no usr-merge links: one place for modules
	if [ "$mods" != "$root/lib/modules/$kv" ]; then
		mkdir -p "$root/lib/modules"
		mv "$mods" "$root/lib/modules/$kv"
	fi
	# and one place for the image: /boot (7.x keeps it beside the modules)
	if [ ! -f "$root/boot/vmlinuz-$kv" ]; then
		mkdir -p "$root/boot"
		mv "$root/lib/modules/$kv/vmlinuz" "$root/boot/vmlinuz-$kv" ||
			die "linux-image-$kv has no vmlinuz"
	fi
	depmod -b "$root" "$kv"
	if [ "$line" = 6.12 ]; then
		# the arch headers' Makefile includes the common part by its
		# absolute path under /usr/src: point it into this root
		sed -i "s,^include /usr/src/,include $root/usr/src/," \
			"$root/usr/src/linux-headers-$kv/Makefile"
	fi
	rm -rf "$dl"
	touch "$root/.complete"
	echo "$kv"
}

case "${1:-}" in
kver) kver "${2:?line}" ;;
fetch) fetch "${2:?line}" ;;
root) root_of "$(kver "${2:?line}")" ;;
*) sed -n '3,22p' "$0"; exit 2 ;;
esac
