#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""TCP transfer with a checksum on both ends, for the VM selftests.

  xfer.py recv ADDR PORT
      accept one connection, print the sha256 of what arrived
  xfer.py send ADDR PORT SIZE [--pace SEC] [--sync DIR]
      send SIZE bytes (seeded by SIZE, so both ends can be compared), print
      their sha256.  --pace: sleep SEC after every 64 KiB, so a transfer
      lasts long enough for something to happen during it.  --sync: at half
      way create DIR/half and wait (up to 60 s) for DIR/go.
"""
import argparse
import hashlib
import os
import random
import socket
import time

CHUNK = 65536
TIMEOUT = 150


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def recv(addr, port):
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(1)
    s.settimeout(TIMEOUT)
    c, _ = s.accept()
    c.settimeout(TIMEOUT)
    h = hashlib.sha256()
    while True:
        b = c.recv(CHUNK)
        if not b:
            break
        h.update(b)
    c.sendall(b"k")
    print(h.hexdigest())


def wait_go(sync):
    open(os.path.join(sync, "half"), "w").close()
    for _ in range(600):
        if os.path.exists(os.path.join(sync, "go")):
            return
        time.sleep(0.1)


def send(addr, port, size, pace, sync):
    data = random.Random(size).randbytes(size)
    c = socket.create_connection((addr, port), timeout=TIMEOUT)
    half = size // 2
    for off in range(0, size, CHUNK):
        if sync and off <= half < off + CHUNK:
            c.sendall(data[off:half])
            wait_go(sync)
            c.sendall(data[half:off + CHUNK])
        else:
            c.sendall(data[off:off + CHUNK])
        if pace:
            time.sleep(pace)
    c.shutdown(socket.SHUT_WR)
    c.recv(1)
    c.close()
    print(hashlib.sha256(data).hexdigest())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=("recv", "send"))
    ap.add_argument("addr")
    ap.add_argument("port", type=int)
    ap.add_argument("size", type=int, nargs="?")
    ap.add_argument("--pace", type=float, default=0)
    ap.add_argument("--sync")
    a = ap.parse_args()
    if a.mode == "recv":
        recv(a.addr, a.port)
    else:
        if a.size is None:
            ap.error("send needs SIZE")
        send(a.addr, a.port, a.size, a.pace, a.sync)


if __name__ == "__main__":
    main()
