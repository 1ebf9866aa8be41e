#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the kernel release nf_ovpn targets: the running kernel when its
# build tree is installed (a real Debian 12 host), otherwise the newest
# installed Debian linux-headers-*-amd64 (this project's build machines,
# whose own kernel cannot load modules).  KVER in the environment wins.
if [ -n "${KVER:-}" ]; then
	echo "$KVER"
	exit 0
fi
if [ -d "/lib/modules/$(uname -r)/build" ]; then
	uname -r
	exit 0
fi
newest=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null |
	sed 's,.*/linux-headers-,,' | sort -V | tail -n 1)
if [ -z "$newest" ]; then
	echo "kver: no kernel headers found (install linux-headers-amd64, or run 'make deps')" >&2
	exit 1
fi
echo "$newest"
