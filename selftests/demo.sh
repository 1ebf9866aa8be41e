#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo, run inside the guest by `make demo`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

step() { printf '\n=== %s\n' "$*"; }

step "kernel $(uname -r); loading nf_ovpn"
load_module
lsmod | grep -E '^(nf_ovpn|nf_conntrack) '
modinfo "$NFOVPN_KO" | grep -E '^(description|license|version|vermagic):'
dmesg | grep 'nf_ovpn:' || true

step "unloading"
rmmod nf_ovpn
dmesg | grep 'nf_ovpn:' | tail -n 1
