#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch.pl --strict over the module's sources.  checkpatch comes from
# Debian's linux-source tarball (extracted once into build/checkpatch).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build/checkpatch
if [ ! -x "$dir/scripts/checkpatch.pl" ]; then
	tarball=$(ls /usr/src/linux-source-*.tar.* 2>/dev/null | sort -V | tail -n 1)
	[ -n "$tarball" ] || { echo "checkpatch: no /usr/src/linux-source-*.tar.* (run 'make deps')" >&2; exit 1; }
	mkdir -p "$dir"
	top=$(set +o pipefail; tar -tf "$tarball" | head -n 1 | cut -d/ -f1)
	tar -xf "$tarball" -C "$dir" --strip-components=1 \
		"$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
		"$top/scripts/const_structs.checkpatch"
fi
files=$(ls kmod/*.[ch] kmod/uapi/*.h | grep -v '\.mod\.c$')
# shellcheck disable=SC2086
"$dir/scripts/checkpatch.pl" --no-tree --strict --quiet --terse \
	--ignore FILE_PATH_CHANGES --show-types -f $files
