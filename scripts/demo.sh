#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: build everything, boot the Debian kernel in a guest and show
# nf_ovpn working there (selftests/demo.sh runs inside).
set -euo pipefail
cd "$(dirname "$0")/.."
make -s all
exec selftests/vm/run-vm.sh --timeout 900 --name demo -- bash selftests/demo.sh
