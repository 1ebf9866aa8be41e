#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build OpenVPN 2.6.14 as Debian 12 ships it, with openvpn-patches/*.patch
# applied, into build/openvpn-src/src/openvpn/openvpn.  The system's
# openvpn is never touched.
#
# The source comes from `apt-get source openvpn` (deb-src is enabled and
# the build dependencies installed by scripts/deps.sh); the downloaded
# package is kept in build/openvpn-dl so a rebuild does not fetch again.
# A stamp holding the hash of the patches (and of this script) makes the
# build happen only when they changed.  Quiet on success.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$TOP/build
DL=$BUILD/openvpn-dl
SRC=$BUILD/openvpn-src
PATCHES=$TOP/openvpn-patches
LOG=$BUILD/openvpn-build.log
STAMP=$SRC/.nf_ovpn-stamp
BIN=$SRC/src/openvpn/openvpn
WANT_VERSION=2.6.14

die() { echo "openvpn.sh: $*" >&2; exit 1; }
fail() {
	echo "openvpn.sh: $1 failed; last lines of $LOG:" >&2
	tail -n 30 "$LOG" >&2
	exit 1
}

patch_list() {
	find "$PATCHES" -maxdepth 1 -name '*.patch' 2>/dev/null | LC_ALL=C sort
}

stamp_of() {
	{
		sha256sum "$0"
		patch_list | while read -r p; do sha256sum "$p"; done
	} | sha256sum | cut -d' ' -f1
}

want=$(stamp_of)
if [ -x "$BIN" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
	exit 0
fi

for tool in dpkg-source autoreconf make patch; do
	command -v "$tool" >/dev/null || die "$tool missing: run 'make deps'"
done
mkdir -p "$BUILD" "$DL"
: > "$LOG"

# 1. fetch (once) and unpack a pristine tree; Debian's own patches are
#    applied by dpkg-source, ours go on top of them
dsc=$(find "$DL" -maxdepth 1 -name "openvpn_${WANT_VERSION}-*.dsc" | LC_ALL=C sort | tail -n 1)
if [ -z "$dsc" ]; then
	(cd "$DL" && apt-get source --download-only openvpn) >>"$LOG" 2>&1 ||
		fail "apt-get source openvpn (is deb-src enabled? run 'make deps')"
	dsc=$(find "$DL" -maxdepth 1 -name "openvpn_${WANT_VERSION}-*.dsc" | LC_ALL=C sort | tail -n 1)
	[ -n "$dsc" ] || die "apt-get source did not deliver OpenVPN $WANT_VERSION (got: $(ls "$DL"))"
fi
rm -rf "$SRC"
dpkg-source --no-check -x "$dsc" "$SRC" >>"$LOG" 2>&1 || fail "dpkg-source -x $dsc"

# 2. our series
n=0
while read -r p; do
	[ -n "$p" ] || continue
	echo "== applying $(basename "$p")" >>"$LOG"
	(cd "$SRC" && patch -p1 --batch --forward -s <"$p") >>"$LOG" 2>&1 ||
		fail "applying $(basename "$p")"
	n=$((n + 1))
done < <(patch_list)

# 3. configure as Debian does (hardening flags, DCO so libnl-genl-3 is
#    linked), without plugins, tests and installed paths we do not need
cd "$SRC"
eval "$(dpkg-buildflags --export=sh)"
export CFLAGS CPPFLAGS LDFLAGS
echo "== autoreconf" >>"$LOG"
autoreconf -fi >>"$LOG" 2>&1 || fail "autoreconf"
echo "== configure" >>"$LOG"
./configure --enable-dco --enable-x509-alt-username --disable-plugins \
	--disable-unit-tests >>"$LOG" 2>&1 || fail "configure"
echo "== make" >>"$LOG"
make -j"$(nproc)" >>"$LOG" 2>&1 || fail "make"

[ -x "$BIN" ] || die "build finished but $BIN is missing"
# (grep -q would stop reading early: ldd dies of SIGPIPE under pipefail)
ldd "$BIN" | grep libnl-genl-3 >/dev/null || die "$BIN is not linked with libnl-genl-3 (DCO support lost?)"
echo "$want" >"$STAMP"
echo "== built $BIN with $n patch(es)" >>"$LOG"
