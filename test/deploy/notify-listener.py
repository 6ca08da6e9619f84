#!/usr/bin/env python3
"""Stands in for systemd's notify socket: binds an AF_UNIX SOCK_DGRAM socket
(abstract when the name starts with '@', as systemd's NOTIFY_SOCKET may be)
and prints each datagram as one JSON line {"t": monotonic seconds, "msg": text}.
Independent of groundwatch's code: only the kernel and Python's socket module."""
import json
import socket
import sys
import time

name = sys.argv[1]
address = "\0" + name[1:] if name.startswith("@") else name
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(address)
print(json.dumps({"t": time.monotonic(), "msg": "LISTENING"}), flush=True)
while True:
    data = sock.recv(4096)
    print(json.dumps({"t": time.monotonic(), "msg": data.decode("utf-8", "replace")}), flush=True)
