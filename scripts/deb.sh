#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make deb: the Debian packages of this tree, built with Debian's own tools
# (dpkg-buildpackage, debhelper, dh-dkms) from a clean copy of the tracked
# files, then checked by lintian; its errors fail the build.
#   nf-ovpn-dkms_VERSION_all.deb   the module's source for DKMS
#   nfovpn_VERSION_ARCH.deb        the CLI and its man page
# With --openvpn (make deb) also, in build/deb/openvpn/:
#   openvpn_DEBVERSION+nf1_ARCH.deb  Debian's own openvpn source package
#       with openvpn-patches/ added to its quilt series: the same binary
#       package name, so openvpn-server@.service, /etc/openvpn and the
#       maintainer scripts stay Debian's, and Debian's next openvpn
#       upgrade (a higher version) replaces it cleanly
# Output in build/deb/.  The version comes from dkms.conf, and must be the
# module's (kmod/nf_ovpn.h) and debian/changelog's too.
set -euo pipefail
with_openvpn=
[ "${1:-}" = --openvpn ] && with_openvpn=1
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

[ -n "$with_openvpn" ] || exit 0

# --- the patched OpenVPN, as Debian builds it ------------------------------
bash "$top/scripts/openvpn.sh"		# fetches Debian's source (and builds)
dsc=$(find "$top/build/openvpn-dl" -maxdepth 1 -name 'openvpn_2.6.14-*.dsc' |
	LC_ALL=C sort | tail -n 1)
[ -n "$dsc" ] || { echo "deb: no OpenVPN source in build/openvpn-dl" >&2; exit 1; }
o=$out/openvpn
mkdir -p "$o"
dpkg-source --no-check -x "$dsc" "$o/src" >"$o/build.log" 2>&1
mkdir -p "$o/src/debian/patches/nf-fastpath"
for p in "$top"/openvpn-patches/*.patch; do
	cp "$p" "$o/src/debian/patches/nf-fastpath/"
	echo "nf-fastpath/$(basename "$p")" >>"$o/src/debian/patches/series"
done
dv=$(cd "$o/src" && dpkg-parsechangelog -S Version)
dist=$(cd "$o/src" && dpkg-parsechangelog -S Distribution)
{
	echo "openvpn ($dv+nf1) $dist; urgency=medium"
	echo
	echo "  * Add --nf-fastpath: the data channel through the nf_ovpn kernel"
	echo "    module (nf_ovpn $v, openvpn-patches/ in debian/patches/nf-fastpath)."
	echo "    Without the option it behaves exactly as $dv."
	echo
	echo " -- nf_ovpn developers <nf-ovpn@lists.invalid>  $(date -R)"
	echo
	cat "$o/src/debian/changelog"
} >"$o/changelog.new"
mv "$o/changelog.new" "$o/src/debian/changelog"
(cd "$o/src" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
	dpkg-buildpackage -us -uc -b) >>"$o/build.log" 2>&1 || {
	tail -n 30 "$o/build.log" >&2
	echo "deb: the OpenVPN package failed (log: build/deb/openvpn/build.log)" >&2
	exit 1
}
ls "$o"/openvpn_*.deb
rc=0
lintian --fail-on error --info "$(ls "$o"/*.changes)" >"$o/lintian.log" 2>&1 || rc=$?
cat "$o/lintian.log"
[ $rc = 0 ] || { echo "deb: lintian found errors in the OpenVPN package" >&2; exit 1; }
echo "deb: openvpn $dv+nf1: $(grep -c '^W:' "$o/lintian.log" || true) lintian warnings, no errors"
