#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install every Debian package nf_ovpn needs, quickly and silently when
# they are already present.  Enables deb-src (OpenVPN's source and build
# dependencies come from it) when it is missing.
set -euo pipefail

PKGS="build-essential bc bison flex libelf-dev linux-headers-amd64 linux-image-amd64
      linux-source qemu-system-x86 busybox-static cpio kmod
      libnl-genl-3-dev libnl-3-dev libssl-dev pkg-config
      iproute2 iputils-ping iperf3 tcpdump openssl openvpn conntrack
      sparse jq python3-yaml nftables iptables procps psmisc dpkg-dev fakeroot git xz-utils
      liblzo2-dev liblz4-dev libpam0g-dev libpkcs11-helper1-dev
      libcap-ng-dev libcmocka-dev autoconf automake libtool python3-docutils
      openvpn-dco-dkms dkms debootstrap dwarves zstd clang libclang-rt-14-dev python3-prometheus-client
      dh-dkms lintian"

# "deps.sh bench": also what make bench draws its chart with
[ "${1:-}" = bench ] && PKGS="$PKGS python3-matplotlib"

log() { echo "deps: $*" >&2; }

if [ "$(id -u)" != 0 ]; then
	log "must run as root (apt-get install)"; exit 1
fi

enable_deb_src() {
	local f=/etc/apt/sources.list.d/debian.sources
	if [ -f "$f" ] && ! grep -q '^Types:.*deb-src' "$f"; then
		log "enabling deb-src in $f"
		sed -i 's/^Types: deb$/Types: deb deb-src/' "$f"
		return 0
	fi
	if [ -f /etc/apt/sources.list ] && grep -q '^deb ' /etc/apt/sources.list &&
	   ! grep -q '^deb-src ' /etc/apt/sources.list; then
		log "enabling deb-src in /etc/apt/sources.list"
		sed -n 's/^deb /deb-src /p' /etc/apt/sources.list >> /etc/apt/sources.list
		return 0
	fi
	return 1
}

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

changed=0
enable_deb_src && changed=1
stamp=/var/lib/nf_ovpn-builddep.stamp

if [ -z "$missing" ] && [ $changed = 0 ] && [ -f "$stamp" ]; then
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
log "apt-get update"
apt-get update -qq >/tmp/nf_ovpn-apt.log 2>&1 || { cat /tmp/nf_ovpn-apt.log; log "apt-get update failed"; exit 1; }
if [ -n "$missing" ]; then
	log "installing:$missing"
	# shellcheck disable=SC2086
	if ! apt-get install -y -qq --no-install-recommends $missing >>/tmp/nf_ovpn-apt.log 2>&1; then
		tail -30 /tmp/nf_ovpn-apt.log
		log "could not install some of:$missing (see /tmp/nf_ovpn-apt.log)"
		exit 1
	fi
fi
if [ ! -f "$stamp" ]; then
	log "installing OpenVPN's build dependencies (apt-get build-dep openvpn)"
	if ! apt-get build-dep -y -qq openvpn >>/tmp/nf_ovpn-apt.log 2>&1; then
		tail -30 /tmp/nf_ovpn-apt.log
		log "apt-get build-dep openvpn failed (is deb-src enabled?)"
		exit 1
	fi
	touch "$stamp"
fi
log "done"
