#!/usr/bin/env python3
"""Talks ttrpc to a running shim, for RPCs ctr cannot send (Update) and protocol checks.

Usage:
  ttrpc_call.py SOCKET update ID RESOURCES_JSON   -> prints "ok" or "error CODE MESSAGE"
  ttrpc_call.py SOCKET call SERVICE METHOD        -> empty payload; prints "ok" or "error CODE MESSAGE"
  ttrpc_call.py SOCKET oversized                  -> sends a 4 MiB + 1 payload; prints the status code
Protobuf is encoded by hand: the messages are tiny (ttrpc Request/Response, UpdateTaskRequest, Any).
"""
import socket
import struct
import sys


def varint(n):
    out = b""
    while n >= 0x80:
        out += bytes([(n & 0x7F) | 0x80])
        n >>= 7
    return out + bytes([n])


def field(num, data):
    return varint(num << 3 | 2) + varint(len(data)) + data


def parse(buf):
    fields, i = {}, 0
    while i < len(buf):
        key, i = read_varint(buf, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            val, i = read_varint(buf, i)
        elif wire == 2:
            n, i = read_varint(buf, i)
            val, i = buf[i:i + n], i + n
        else:
            raise ValueError("wire type %d" % wire)
        fields[num] = val
    return fields


def read_varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7


def roundtrip(path, payload):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(struct.pack(">IIBB", len(payload), 1, 1, 0) + payload)
    header = recv_exact(s, 10)
    length, stream, typ, _ = struct.unpack(">IIBB", header)
    assert stream == 1 and typ == 2, (stream, typ)
    resp = parse(recv_exact(s, length))
    s.close()
    if 1 in resp:
        status = parse(resp[1])
        return "error %d %s" % (status.get(1, 0), status.get(2, b"").decode())
    return "ok"


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise EOFError("connection closed")
        data += chunk
    return data


def request(service, method, payload):
    return field(1, service.encode()) + field(2, method.encode()) + (field(3, payload) if payload else b"")


def main():
    path, cmd = sys.argv[1].replace("unix://", ""), sys.argv[2]
    if cmd == "update":
        any_ = field(1, b"types.containerd.io/opencontainers/runtime-spec/1/LinuxResources") + field(2, sys.argv[4].encode())
        print(roundtrip(path, request("containerd.task.v2.Task", "Update", field(1, sys.argv[3].encode()) + field(2, any_))))
    elif cmd == "call":
        print(roundtrip(path, request(sys.argv[3], sys.argv[4], b"")))
    elif cmd == "oversized":
        print(roundtrip(path, request("containerd.task.v2.Task", "State", b"x" * (4 << 20)))[:8])


if __name__ == "__main__":
    main()
