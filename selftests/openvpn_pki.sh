#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A throw-away ECDSA P-256 PKI for the OpenVPN tests, in $TMP/pki: a CA, a
# server and a client certificate (CN server, CN client).  Sourced by
# openvpn_lib.sh and openvpn_client.sh.

# gen_certs [NAME...]: further client certificates, CN=NAME, NAME.crt/.key
gen_certs() {
	local d=$TMP/pki ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
	mkdir -p "$d"
	openssl req -x509 "${ec[@]}" -keyout "$d/ca.key" -out "$d/ca.crt" \
		-subj /CN=nf-ovpn-test-ca -days 2 \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign || return 1
	local who eku
	for who in server client "$@"; do
		eku=serverAuth
		[ $who = server ] || eku=clientAuth
		openssl req "${ec[@]}" -keyout "$d/$who.key" -out "$d/$who.csr" \
			-subj "/CN=$who" || return 1
		printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=%s\n' \
			$eku >"$d/$who.ext"
		openssl x509 -req -in "$d/$who.csr" -CA "$d/ca.crt" \
			-CAkey "$d/ca.key" -CAcreateserial -days 2 \
			-extfile "$d/$who.ext" -out "$d/$who.crt" || return 1
	done
}
