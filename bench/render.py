#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn bench/guest-bench.sh's results.jsonl into bench.md, bench.json and
(when python3-matplotlib is installed) bench.png, in the same directory.

Usage: render.py DIR [--title TEXT]

Per figure, path and cipher: the median over the rounds and the spread
(min..max).  Ratios are taken within the run (TCG figures mean little as
absolutes): nf_ovpn against ovpn-dco and against userspace OpenVPN.
"""

import json
import os
import statistics
import sys

FIGURES = [
    ("tcp1", "TCP 1 stream, Mbit/s", True),
    ("tcp4", "TCP 4 streams, Mbit/s", True),
    ("udp1400", "UDP 1400 B, Mbit/s received", True),
    ("udp64_pps", "UDP 64 B, packets/s received", True),
    ("rtt_idle_median", "ping RTT idle, median ms", False),
    ("rtt_idle_p99", "ping RTT idle, p99 ms", False),
    ("rtt_load_median", "ping RTT under TCP load, median ms", False),
    ("rtt_load_p99", "ping RTT under TCP load, p99 ms", False),
    ("cpu_per_gb", "guest CPU s per GB (TCP 1)", False),
    ("mem_per_peer", "slab bytes per installed peer", False),
    ("mem_per_key", "slab bytes per installed key", False),
]
PATHS = ["veth", "userspace", "dco", "nf", "nf-server", "nf-scaled"]
RATIOS = [("nf", "dco"), ("nf", "userspace"), ("nf-server", "userspace"),
          ("nf-scaled", "nf-server")]


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return rows


def summarise(rows):
    """{cipher: {figure: {path: {median, min, max, n}}}}"""
    acc = {}
    for r in rows:
        acc.setdefault(r["cipher"], {}).setdefault(r["figure"], {}) \
           .setdefault(r["path"], []).append(r["value"])
    out = {}
    for c, figs in acc.items():
        for f, paths in figs.items():
            for p, vals in paths.items():
                out.setdefault(c, {}).setdefault(f, {})[p] = {
                    "median": statistics.median(vals),
                    "min": min(vals), "max": max(vals), "n": len(vals),
                }
    return out


def fmt(v):
    if v >= 100:
        return "%.0f" % v
    if v >= 10:
        return "%.1f" % v
    return "%.2f" % v


def cell(s):
    if not s:
        return "–"
    if s["n"] > 1 and s["min"] != s["max"]:
        return "%s (%s–%s)" % (fmt(s["median"]), fmt(s["min"]), fmt(s["max"]))
    return fmt(s["median"])


def ratio(figs, a, b):
    if not figs or a not in figs or b not in figs or not figs[b]["median"]:
        return "–"
    r = figs[a]["median"] / figs[b]["median"]
    return "%.2f" % r


def markdown(summary, title):
    lines = ["# %s" % title, ""]
    for c in sorted(summary):
        paths = [p for p in PATHS
                 if any(p in summary[c].get(f, {}) for f, _, _ in FIGURES)]
        lines.append("## %s" % c)
        lines.append("")
        head = ["figure (median, min–max)"] + paths + \
            ["%s ÷ %s" % (a, b) for a, b in RATIOS]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        for f, label, _ in FIGURES:
            figs = summary[c].get(f)
            if not figs:
                continue
            row = [label] + [cell(figs.get(p)) for p in paths] + \
                [ratio(figs, a, b) for a, b in RATIOS]
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
    lines.append("Ratios above 1 favour the first path for throughput "
                 "figures; for RTT, CPU and memory figures lower is better.")
    return "\n".join(lines) + "\n"


def chart(summary, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    tput = [f for f, _, hb in FIGURES if hb]
    ciphers = sorted(summary)
    fig, axes = plt.subplots(len(ciphers), len(tput),
                             figsize=(4 * len(tput), 3.2 * len(ciphers)),
                             squeeze=False)
    for i, c in enumerate(ciphers):
        for j, f in enumerate(tput):
            ax = axes[i][j]
            figs = summary[c].get(f, {})
            paths = [p for p in PATHS if p in figs and p != "veth"]
            ax.bar(paths, [figs[p]["median"] for p in paths],
                   yerr=[[figs[p]["median"] - figs[p]["min"] for p in paths],
                         [figs[p]["max"] - figs[p]["median"] for p in paths]])
            ax.set_title("%s %s" % (c, f), fontsize=9)
            ax.tick_params(axis="x", labelsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    return True


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: render.py DIR [--title TEXT]")
    d = sys.argv[1]
    title = "nf_ovpn bench"
    if len(sys.argv) > 3 and sys.argv[2] == "--title":
        title = sys.argv[3]
    rows = load(os.path.join(d, "results.jsonl"))
    if not rows:
        sys.exit("render: no results in %s" % d)
    summary = summarise(rows)
    with open(os.path.join(d, "bench.json"), "w") as f:
        json.dump({"title": title, "summary": summary, "rows": rows}, f,
                  indent=1, sort_keys=True)
    md = markdown(summary, title)
    with open(os.path.join(d, "bench.md"), "w") as f:
        f.write(md)
    png = chart(summary, os.path.join(d, "bench.png"))
    sys.stdout.write(md)
    if not png:
        print("(no chart: python3-matplotlib is not installed)")


if __name__ == "__main__":
    main()
