# SPDX-License-Identifier: GPL-2.0
#
# nf_ovpn top-level build.
#   make          module (kmod/nf_ovpn.ko), CLI (genl-tool/nfovpn), test tools,
#                 patched OpenVPN 2.6.14 (build/openvpn-src/src/openvpn/openvpn)
#   make check    deps -> build (W=1, sparse; 6.1, 6.12, 7.x) -> unit tests
#                 -> VM selftests (6.1 all, 6.12 a subset) (~50 min)
#   make check-all  the same with every VM selftest on 6.1, 6.12 and 7.x
#   make demo     boots a guest and shows the fast path working
#   make deps     installs the Debian packages everything needs
#   make style    checkpatch on the kernel sources
#   make bench    every data path in one guest -> build/bench/ (~25 min)
#   make fuzz     libFuzzer on the header parser and the replay window (~20 min)
#   make deb      Debian packages nf-ovpn-dkms, nfovpn, openvpn+nf -> build/deb/
#
# KVER defaults to the running kernel when its build tree exists, otherwise
# to the newest installed Debian linux-headers-*-amd64 (scripts/kver.sh).

KVER ?= $(shell $(CURDIR)/scripts/kver.sh)
KDIR ?= /lib/modules/$(KVER)/build
BUILD := $(CURDIR)/build
export KVER

SUBDIRS_USER := $(wildcard genl-tool selftests/tools tests/unit)

.PHONY: all module sparse userspace openvpn check check-all demo deps style clean help bench fuzz deb

all: module userspace openvpn

# KVER may also name a kernel line, 6.1, 6.12 or 7: scripts/kbuild.sh then
# fetches the newest of that line from Debian's archive and builds for it
# (7.x inside a debootstrapped trixie root)
module:
	@if [ -d "$(KDIR)" ]; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules; \
	else \
		bash scripts/kbuild.sh "$(KVER)" W=1 modules; \
	fi

# sparse over every kernel source; the check target counts its warnings
sparse:
	@if [ -d "$(KDIR)" ]; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 CF=-D__CHECK_ENDIAN__ modules; \
	else \
		bash scripts/kbuild.sh "$(KVER)" C=2 CF=-D__CHECK_ENDIAN__ modules; \
	fi

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

# the whole VM suite on 6.1, 6.12 and 7.x (not part of check: see README)
check-all: deps
	@NFOVPN_ALL=1 NFOVPN_KERNELS="6.1 6.12 7" bash scripts/check.sh

demo: deps
	@bash scripts/demo.sh

# Debian packages nf-ovpn-dkms, nfovpn and the patched openvpn in
# build/deb/, lintian-checked (make check builds the first two)
deb: deps
	@bash scripts/deb.sh --openvpn

# libFuzzer on the parser and the replay window, 10 min each (make check
# runs 30 s each)
fuzz: deps
	@$(MAKE) -s -C tests/fuzz fuzz

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
	-$(MAKE) -C tests/fuzz clean
	rm -rf $(BUILD)

help:
	@sed -n '3,17p' Makefile
