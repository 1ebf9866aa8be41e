#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs the unit tests, checks the JSON samples they wrote with jq, checks
# the binary's exit codes, and ends with "N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
out=tests/out
rm -rf "$out"
mkdir -p "$out"

./tests/unit "$out" | tee "$out/unit.tap"
rc=$?
pass=$(grep -c '^ok ' "$out/unit.tap")
fail=$(grep -c '^not ok ' "$out/unit.tap")
n=$((pass + fail))

result() {	# result OK DESC
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		pass=$((pass + 1)); echo "ok $n - $2"
	else
		fail=$((fail + 1)); echo "not ok $n - $2"
	fi
}

# the unit binary may have crashed before printing its failures
if [ "$rc" != 0 ] && [ "$fail" = 0 ]; then
	result 1 "unit test binary exited with status $rc"
fi

if command -v jq >/dev/null 2>&1; then
	for f in "$out"/*.json "$out"/*.jsonl; do
		[ -e "$f" ] || continue
		jq -e . "$f" >/dev/null 2>&1
		result $? "jq parses $(basename "$f")"
	done
	jq -e '.instances[0].peers[0].keys[0].tx_pktid == 4242' \
		"$out/show.json" >/dev/null 2>&1
	result $? "jq finds show.json fields"
	[ "$(jq -s length "$out/events.jsonl" 2>/dev/null)" = 5 ]
	result $? "events.jsonl holds one object per line"
else
	n=$((n + 1)); echo "ok $n - jq checks # SKIP jq not installed"
fi

# the Prometheus sample through Prometheus' own parser
# (Debian's python3, where python3-prometheus-client installs, even when
# another python3 comes first in PATH)
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
if $py -c 'import prometheus_client' 2>/dev/null; then
	$py tests/prom_parse.py "$out/stats.prom" >"$out/prom.out" 2>&1
	result $? "prometheus_client parses stats.prom ($(tail -n 1 "$out/prom.out"))"
else
	n=$((n + 1)); echo "ok $n - prometheus parse # SKIP python3-prometheus-client not installed"
fi

# exit codes of the binary that need no kernel module
exit_is() {	# exit_is CODE DESC ARGS...
	want=$1 desc=$2
	shift 2
	./nfovpn "$@" >/dev/null 2>&1
	[ $? = "$want" ]
	result $? "$desc"
}
exit_is 0 "--help exits 0" --help
exit_is 0 "peer add --help exits 0" peer add --help
exit_is 0 "--version exits 0" --version
exit_is 2 "unknown command exits 2" frobnicate
exit_is 2 "missing arguments exit 2" peer add tun0
exit_is 2 "bad option exits 2" show --bogus
exit_is 2 "--prometheus outside stats exits 2" show --prometheus
exit_is 2 "--prometheus with --json exits 2" stats --prometheus --json
exit_is 2 "missing key file exits 2" key add tun0 1 slot primary key-id 0 \
	key-file /nonexistent/key
printf 'cipher AES-256-GCM\nencrypt-key zz\n' > "$out/bad.key"
exit_is 2 "bad key file exits 2" key add tun0 1 slot primary key-id 0 \
	key-file "$out/bad.key"
msg=$(./nfovpn status 2>&1)
code=$?
if echo "$msg" | grep -q 'nf_ovpn family not found'; then
	[ $code = 1 ] && echo "$msg" | grep -q 'modprobe nf_ovpn'
	result $? "module missing: clear message and exit 1"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
