#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fail (exit 1, printing the offending lines) when a kernel log shows a bug
# report.  Usage: dmesg-check.sh [FILE]   (stdin when no file)
pat='BUG:|WARNING:|Oops|general protection|refcount_t:|list_del corruption|list_add corruption|UBSAN|KASAN|kmemleak|Call Trace:|RIP:|soft lockup|hung_task|unregister_netdevice: waiting'
bad=$(grep -E "$pat" "${1:--}")
if [ -n "$bad" ]; then
	echo "kernel log shows a bug report:"
	echo "$bad" | head -n 40
	exit 1
fi
exit 0
