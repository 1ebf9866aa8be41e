#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The two ends of one active-mode FTP exchange, just enough of RFC 959
for conntrack's ftp helper (and nf_nat_ftp) to act on it.

  ftpmini.py server ADDR PORT LOG
      accept one control connection, log the PORT line as received (a NAT
      on the way rewrites it), connect to the address it names, send a
      token over that data connection
  ftpmini.py client SERVER PORT MYADDR DATAPORT
      listen on MYADDR:DATAPORT, send PORT for it, accept the server's data
      connection and print what arrives; exit 1 if nothing does in time
"""
import socket
import sys

TOKEN = b"nf_ovpn-ftp-data-connection"


def lines(sock):
    buf = b""
    while True:
        while b"\r\n" not in buf:
            chunk = sock.recv(4096)
            if not chunk:
                return
            buf += chunk
        line, buf = buf.split(b"\r\n", 1)
        yield line.decode("ascii", "replace")


def server(addr, port, log):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, int(port)))
    ls.listen(1)
    ls.settimeout(30)
    ctl, _ = ls.accept()
    ctl.settimeout(15)
    ctl.sendall(b"220 ftpmini\r\n")
    with open(log, "w") as out:
        for line in lines(ctl):
            out.write(line + "\n")
            out.flush()
            if line.startswith("USER "):
                ctl.sendall(b"331 any password\r\n")
            elif line.startswith("PORT "):
                f = line[5:].split(",")
                host = ".".join(f[:4])
                dport = int(f[4]) * 256 + int(f[5])
                ctl.sendall(b"200 PORT ok\r\n")
                data = socket.create_connection((host, dport), timeout=10)
                data.sendall(TOKEN)
                data.close()
                ctl.sendall(b"226 done\r\n")
            elif line.startswith("QUIT"):
                ctl.sendall(b"221 bye\r\n")
                break
    ctl.close()


def client(srv, port, myaddr, dport):
    dport = int(dport)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((myaddr, dport))
    ls.listen(1)
    ls.settimeout(15)
    ctl = socket.create_connection((srv, int(port)), timeout=15)
    replies = lines(ctl)
    next(replies)                                   # 220
    # conntrack's ftp helper reads a command only after a line end it
    # has seen in that direction: a session starts with USER anyway
    ctl.sendall(b"USER anonymous\r\n")
    next(replies)                                   # 331
    h = myaddr.replace(".", ",")
    ctl.sendall(("PORT %s,%d,%d\r\n" % (h, dport >> 8, dport & 255)).encode())
    try:
        data, peer = ls.accept()
    except socket.timeout:
        print("no data connection")
        return 1
    data.settimeout(10)
    got = b""
    while True:
        chunk = data.recv(4096)
        if not chunk:
            break
        got += chunk
    print("data from %s:%d: %s" % (peer[0], peer[1], got.decode()))
    ctl.sendall(b"QUIT\r\n")
    for _ in replies:
        pass
    return 0 if got == TOKEN else 1


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "server":
        server(*sys.argv[2:])
        sys.exit(0)
    if len(sys.argv) == 6 and sys.argv[1] == "client":
        sys.exit(client(*sys.argv[2:]))
    sys.exit(__doc__)
