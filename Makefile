# SPDX-License-Identifier: GPL-2.0
#
# nf_ovpn top-level build.
#   make          module (kmod/nf_ovpn.ko), CLI (genl-tool/nfovpn), test tools,
#                 patched OpenVPN 2.6.14 (build/openvpn-src/src/openvpn/openvpn)
#   make check    deps -> build (W=1, sparse) -> unit tests -> VM selftests
#   make demo     boots a guest and shows the fast path working
#   make deps     installs the Debian packages everything needs
#   make style    checkpatch on the kernel sources
#   make bench    every data path in one guest -> build/bench/ (~25 min)
#
# KVER defaults to the running kernel when its build tree exists, otherwise
# to the newest installed Debian linux-headers-*-amd64 (scripts/kver.sh).

KVER ?= $(shell $(CURDIR)/scripts/kver.sh)
KDIR ?= /lib/modules/$(KVER)/build
BUILD := $(CURDIR)/build
export KVER

SUBDIRS_USER := $(wildcard genl-tool selftests/tools tests/unit)

.PHONY: all module sparse userspace openvpn check demo deps style clean help bench

all: module userspace openvpn

module:
	@test -d "$(KDIR)" || { echo "no kernel build tree at $(KDIR): run 'make deps' (KVER=$(KVER))"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

# sparse over every kernel source; the check target counts its warnings
sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 CF=-D__CHECK_ENDIAN__ modules

# fetches Debian's OpenVPN source, applies openvpn-patches/, builds it in
# build/ (the system's openvpn is left alone)
openvpn:
	@bash scripts/openvpn.sh

userspace:
	@set -e; for d in $(SUBDIRS_USER); do $(MAKE) -C $$d; done

deps:
	@bash scripts/deps.sh

check: deps
	@bash scripts/check.sh

demo: deps
	@bash scripts/demo.sh

# not part of check (slow, noisy); selftests/bench_smoke.sh is
bench:
	@bash scripts/deps.sh bench
	@$(MAKE) -s module userspace openvpn
	@bash bench/run.sh

style:
	@bash scripts/checkpatch.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	@for d in $(SUBDIRS_USER); do $(MAKE) -C $$d clean; done
	rm -rf $(BUILD)

help:
	@sed -n '3,13p' Makefile
