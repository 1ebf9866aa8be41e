#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that the netlink spec and the hand-written uAPI header agree.

Usage: check-spec.py [SPEC [HEADER]]
  SPEC   default Documentation/netlink/specs/nf_ovpn.yaml
  HEADER default kmod/uapi/nf_ovpn.h
(both relative to the repository root).

For every attribute set of the spec (subsets excluded) the C enum named by
its enum-name must list exactly the spec's attributes, in order and with
the same values, named <name-prefix><ATTR>, followed by the __<prefix>MAX /
<prefix>MAX pair.  The operations must match the command enum the same way,
the enum definitions their C enums, the constants their #defines, and the
family name and multicast groups their #defines.  Subsets must name
attributes of their parent set in the parent's order, and every reference
(nested-attributes, enum, attribute-set, operation attribute lists) must
resolve.  Prints "ok" or one line per mismatch; exits 1 on any mismatch.
"""

import os
import re
import sys

try:
    import yaml
except ImportError:
    sys.exit("check-spec: python3-yaml is missing (apt-get install python3-yaml)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
errors = []


def err(msg):
    errors.append(msg)


def c_upper(name):
    return name.upper().replace('-', '_')


def c_lower(name):
    return name.lower().replace('-', '_')


def parse_int(text, consts):
    text = text.strip()
    m = re.fullmatch(r'(\w+)\s*-\s*1', text)
    if m and m.group(1) in consts:
        return consts[m.group(1)] - 1
    if text in consts:
        return consts[text]
    return int(text, 0)


def parse_header(path):
    """Return (enums, defines): enums maps C enum name -> [(entry, value)]."""
    src = open(path).read()
    src = re.sub(r'/\*.*?\*/', ' ', src, flags=re.S)
    src = re.sub(r'//[^\n]*', ' ', src)

    defines = {}
    for m in re.finditer(r'^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+(.+?)[ \t]*$', src, re.M):
        defines[m.group(1)] = m.group(2)

    enums = {}
    for m in re.finditer(r'\benum\s+(\w+)\s*\{(.*?)\}\s*;', src, re.S):
        entries, known, val = [], {}, 0
        for item in m.group(2).split(','):
            item = item.strip()
            if not item:
                continue
            if '=' in item:
                name, expr = (x.strip() for x in item.split('=', 1))
                val = parse_int(expr, known)
            else:
                name = item
            entries.append((name, val))
            known[name] = val
            val += 1
        enums[m.group(1)] = entries
    return enums, defines


def compare(what, want, have):
    """want/have: lists of (name, value)."""
    if want == have:
        return
    for i in range(max(len(want), len(have))):
        w = want[i] if i < len(want) else None
        h = have[i] if i < len(have) else None
        if w != h:
            err(f"{what}: entry {i}: spec {w} != header {h}")


def main():
    spec_path = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.join(ROOT, 'Documentation/netlink/specs/nf_ovpn.yaml')
    hdr_path = sys.argv[2] if len(sys.argv) > 2 else \
        os.path.join(ROOT, 'kmod/uapi/nf_ovpn.h')

    spec = yaml.safe_load(open(spec_path))
    enums, defines = parse_header(hdr_path)
    family = spec['name']
    fam_up = c_upper(family)
    used_enums = set()

    # family name and version
    cname = c_upper(spec.get('c-family-name', f'{family}-family-name'))
    if defines.get(cname) != f'"{family}"':
        err(f"family: #define {cname} is {defines.get(cname)}, spec says \"{family}\"")
    vname = c_upper(spec.get('c-version-name', f'{family}-family-version'))
    if vname not in defines:
        err(f"family: #define {vname} missing")

    # definitions
    defs = {}
    for d in spec.get('definitions', []):
        defs[d['name']] = d
        if d['type'] == 'const':
            name = c_upper(f"{family}-{d['name']}")
            if name not in defines:
                err(f"const {d['name']}: #define {name} missing")
            elif parse_int(defines[name], {}) != d['value']:
                err(f"const {d['name']}: #define {name} is {defines[name]}, "
                    f"spec says {d['value']}")
            continue
        if d['type'] != 'enum':
            err(f"definition {d['name']}: type {d['type']} not checked")
            continue
        ename = c_lower(d.get('enum-name', f"{family}-{d['name']}"))
        prefix = d.get('name-prefix', f"{family}-{d['name']}-")
        val = d.get('value-start', 0)
        want = []
        for e in d['entries']:
            e = e if isinstance(e, dict) else {'name': e}
            val = e.get('value', val)
            want.append((c_upper(prefix + e['name']), val))
            val += 1
        if ename not in enums:
            err(f"enum {d['name']}: enum {ename} missing from header")
            continue
        used_enums.add(ename)
        compare(f"enum {ename}", want, enums[ename])

    # attribute sets
    sets = {s['name']: s for s in spec['attribute-sets']}
    for s in spec['attribute-sets']:
        sname = s['name']
        if 'subset-of' in s:
            parent = sets.get(s['subset-of'])
            if not parent or 'subset-of' in parent:
                err(f"set {sname}: subset-of {s['subset-of']} is not a full set")
                continue
            order = [a['name'] for a in parent['attributes']]
            last = -1
            for a in s['attributes']:
                if a['name'] not in order:
                    err(f"set {sname}: {a['name']} not in {parent['name']}")
                    continue
                pos = order.index(a['name'])
                if pos <= last:
                    err(f"set {sname}: {a['name']} out of {parent['name']}'s order")
                last = pos
            continue

        if sname == family:
            prefix = f"{family}-a-"
        else:
            prefix = s.get('name-prefix', f"{family}-a-{sname}-")
        if 'enum-name' not in s:
            err(f"set {sname}: no enum-name, cannot find its C enum")
            continue
        ename = c_lower(s['enum-name'])
        val = 1
        want = []
        for a in s['attributes']:
            val = a.get('value', val)
            want.append((c_upper(prefix + a['name']), val))
            val += 1
            if not a.get('doc'):
                err(f"set {sname}: attribute {a['name']} has no doc")
            if 'type' not in a:
                err(f"set {sname}: attribute {a['name']} has no type")
        cnt = c_upper(s.get('attr-cnt-name', f"__{prefix}max"))
        mx = c_upper(s.get('attr-max-name', f"{prefix}max"))
        want += [(cnt, val), (mx, val - 1)]
        if ename not in enums:
            err(f"set {sname}: enum {ename} missing from header")
            continue
        used_enums.add(ename)
        compare(f"set {sname} / enum {ename}", want, enums[ename])

    # references inside sets
    for s in spec['attribute-sets']:
        for a in s['attributes']:
            na = a.get('nested-attributes')
            if na and na not in sets:
                err(f"set {s['name']}: {a['name']} nests unknown set {na}")
            en = a.get('enum')
            if en and (en not in defs or defs[en]['type'] != 'enum'):
                err(f"set {s['name']}: {a['name']} uses unknown enum {en}")

    # operations
    ops = spec['operations']
    prefix = ops.get('name-prefix', f"{family}-cmd-")
    ename = c_lower(ops.get('enum-name', f"{family}-cmd"))
    val = 1
    want = []
    for op in ops['list']:
        val = op.get('value', val)
        want.append((c_upper(prefix + op['name']), val))
        val += 1
        if not op.get('doc'):
            err(f"op {op['name']}: no doc")
        aset = op.get('attribute-set')
        if aset and aset not in sets:
            err(f"op {op['name']}: unknown attribute-set {aset}")
            continue
        names = {a['name'] for a in sets[aset]['attributes']} if aset else set()
        lists = []
        for mode in ('do', 'dump'):
            for part in ('request', 'reply'):
                lists.append(op.get(mode, {}).get(part, {}).get('attributes', []))
        lists.append(op.get('event', {}).get('attributes', []))
        for lst in lists:
            for name in lst:
                if name not in names:
                    err(f"op {op['name']}: attribute {name} not in set {aset}")
        if 'mcgrp' in op:
            groups = [g['name'] for g in spec.get('mcast-groups', {}).get('list', [])]
            if op['mcgrp'] not in groups:
                err(f"op {op['name']}: unknown mcast group {op['mcgrp']}")
    want += [(c_upper(spec.get('cmd-cnt-name', f"__{prefix}max")), val),
             (c_upper(spec.get('cmd-max-name', f"{prefix}max")), val - 1)]
    if ename not in enums:
        err(f"operations: enum {ename} missing from header")
    else:
        used_enums.add(ename)
        compare(f"operations / enum {ename}", want, enums[ename])

    # multicast groups
    for g in spec.get('mcast-groups', {}).get('list', []):
        name = c_upper(g.get('c-define-name', f"{family}-mcgrp-{g['name']}"))
        if defines.get(name) != f'"{g["name"]}"':
            err(f"mcast group {g['name']}: #define {name} is {defines.get(name)}")

    # nothing in the header the spec does not describe
    for e in enums:
        if e not in used_enums:
            err(f"header: enum {e} has no counterpart in the spec")
    consts = {c_upper(f"{family}-{d['name']}") for d in defs.values()
              if d['type'] == 'const'}
    for d in defines:
        if d.startswith(fam_up + '_') and d not in consts and \
                d not in (cname, vname) and not d.startswith(fam_up + '_MCGRP_'):
            err(f"header: #define {d} has no counterpart in the spec")

    if errors:
        for e in errors:
            print(e)
        return 1
    print('ok')
    return 0


if __name__ == '__main__':
    sys.exit(main())
