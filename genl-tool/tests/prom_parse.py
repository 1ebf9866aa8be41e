#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Parse nfovpn's Prometheus output (the unit tests' sample, or a live
`nfovpn stats --prometheus` with --live) with prometheus_client's own
text-format parser and check what it must hold.

  prom_parse.py FILE          the unit tests' sample (tests/test_format.c)
  prom_parse.py --live FILE   any output: every family typed, names and
                              labels as documented; prints the families
"""
import sys

from prometheus_client.parser import text_string_to_metric_families


def families(path):
    with open(path) as f:
        return {m.name: m for m in text_string_to_metric_families(f.read())}


def live(path):
    fams = families(path)
    for name, fam in fams.items():
        assert name.startswith("nf_ovpn_"), name
        want = "gauge" if name == "nf_ovpn_instance_peers" else "counter"
        assert fam.type == want, (name, fam.type)
        for s in fam.samples:
            assert "instance" in s.labels, s
            assert ("peer" in s.labels) != name.startswith("nf_ovpn_instance_"), s
            assert ("reason" in s.labels) == name.endswith("drops"), s
            assert s.value >= 0, s
    print(len(fams), "families")


def sample(path):
    fams = families(path)
    rx = [s for s in fams["nf_ovpn_rx_packets"].samples
          if s.labels == {"instance": "tun0", "peer": "7"}]
    assert fams["nf_ovpn_rx_packets"].type == "counter" and rx[0].value == 1000
    drops = {s.labels["reason"]: s.value
             for s in fams["nf_ovpn_instance_drops"].samples
             if s.labels["instance"] == "tun0"}
    assert drops["auth"] == 3 and drops["loop"] == 4 and len(drops) == 11, drops
    peers = {s.labels["instance"]: s.value
             for s in fams["nf_ovpn_instance_peers"].samples}
    assert peers == {"tun0": 2, 'tun"x': 0}, peers
    live(path)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--live":
        live(sys.argv[2])
    elif len(sys.argv) == 2:
        sample(sys.argv[1])
    else:
        sys.exit(__doc__)
