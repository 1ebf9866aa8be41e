#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make deb: the Debian packages of this tree, built with Debian's own tools
# (dpkg-buildpackage, debhelper, dh-dkms) from a clean copy of the tracked
# files, then checked by lintian; its errors fail the build.
#   nf-ovpn-dkms_VERSION_all.deb   the module's source for DKMS
#   nfovpn_VERSION_ARCH.deb        the CLI and its man page
# Output in build/deb/.  The version comes from dkms.conf, and must be the
# module's (kmod/nf_ovpn.h) and debian/changelog's too.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/deb
cd "$top"

v=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
vk=$(sed -n 's/^#define NF_OVPN_VERSION "\(.*\)"/\1/p' kmod/nf_ovpn.h)
vc=$(dpkg-parsechangelog -S Version)
if [ "$v" != "$vk" ] || [ "$v" != "$vc" ]; then
	echo "deb: versions differ: dkms.conf $v, kmod/nf_ovpn.h $vk, debian/changelog $vc" >&2
	exit 1
fi

rm -rf "$out"
mkdir -p "$out/src"
# the tracked files as they are now (uncommitted changes included), no
# build products
git ls-files -z --cached --others --exclude-standard |
	(cd "$top" && xargs -0 cp --parents -t "$out/src" 2>/dev/null) || true
(cd "$out/src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 || {
	tail -n 30 "$out/build.log" >&2
	echo "deb: dpkg-buildpackage failed (log: build/deb/build.log)" >&2
	exit 1
}
ls "$out"/*.deb
changes=$(ls "$out"/*.changes)
rc=0
lintian --fail-on error --info "$changes" >"$out/lintian.log" 2>&1 || rc=$?
cat "$out/lintian.log"
[ $rc = 0 ] || { echo "deb: lintian found errors" >&2; exit 1; }
echo "deb: $(grep -c '^W:' "$out/lintian.log" || true) lintian warnings, no errors"
