#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stage 2 of the test guest: runs as PID 1 in the host's userspace (read-only
# root, tmpfs on /tmp /run /var /root).  Runs the command file the host left
# in the result directory and brings back output, exit status and kernel log
# through the shared work tree; then powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb
res=
for arg in $(cat /proc/cmdline); do
	case "$arg" in nfovpn.result=*) res=${arg#nfovpn.result=} ;; esac
done

mkdir -p /var/tmp /var/lib /var/log /var/cache /run/netns /dev/pts /dev/shm
chmod 1777 /var/tmp
ln -sfn /run /var/run
ln -sfn /run/lock /var/lock
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs tmpfs /dev/shm 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
hostname nfovpn-guest
ip link set lo up
sysctl -qw kernel.panic_on_oops=0 kernel.printk="4 4 1 7"

if [ -n "$res" ] && [ -f "$res/cmd.sh" ]; then
	cd "$(dirname "$res")" || true
	bash "$res/cmd.sh" > >(tee "$res/output.log") 2>&1
	rc=$?
	sleep 0.2	# let tee drain
	dmesg > "$res/dmesg.log"
	echo "$rc" > "$res/rc"
else
	echo "guest-init: no command (nfovpn.result=$res)"
fi
sync
poweroff -f
