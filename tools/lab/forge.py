# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Forged ICMP for the e2e tier and the demo, sent from a namespace they made.

forge.py ptb 4|6 DST QSRC QDST MTU COUNT [QLEN]
    an IPv4 frag-needed or IPv6 packet-too-big to DST reporting MTU and
    quoting the IP header of a TCP packet from QSRC to QDST and 8 bytes of
    its TCP header, COUNT times; the quoted packet was QLEN bytes long
    (its IP header says so; default 1500)
forge.py ns DST TARGET HOPS COUNT
    an IPv6 neighbour solicitation for TARGET, sent to DST with hop limit
    HOPS, COUNT times"""
import socket
import struct
import sys


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def neighbor_solicit(dst, target, hops, count):
    # RFC 4861 4.3: type, code, checksum, reserved, target address.
    msg = struct.pack("!BBHI16s", 135, 0, 0, 0,
                      socket.inet_pton(socket.AF_INET6, target))
    sock = socket.socket(socket.AF_INET6, socket.SOCK_RAW,
                         socket.IPPROTO_ICMPV6)
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, hops)
    for _ in range(count):
        sock.sendto(msg, (dst, 0))


def main():
    if sys.argv[1] == "ns":
        neighbor_solicit(sys.argv[2], sys.argv[3], int(sys.argv[4]),
                         int(sys.argv[5]))
        return
    fam, dst, qsrc, qdst = sys.argv[2:6]
    mtu, count = int(sys.argv[6]), int(sys.argv[7])
    qlen = int(sys.argv[8]) if len(sys.argv) > 8 else 1500
    tcp8 = struct.pack("!HHI", 40000, 5001, 1)  # ports and sequence number
    if fam == "4":
        inner = struct.pack("!BBHHHBBH4s4s", 0x45, 0, qlen, 1, 0x4000, 64,
                            socket.IPPROTO_TCP, 0, socket.inet_aton(qsrc),
                            socket.inet_aton(qdst))
        msg = struct.pack("!BBHHH", 3, 4, 0, 0, mtu) + inner + tcp8
        msg = msg[:2] + struct.pack("!H", checksum(msg)) + msg[4:]
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                             socket.IPPROTO_ICMP)
    else:
        inner = struct.pack("!IHBB16s16s", 0x60000000, qlen - 40,
                            socket.IPPROTO_TCP, 64,
                            socket.inet_pton(socket.AF_INET6, qsrc),
                            socket.inet_pton(socket.AF_INET6, qdst))
        # The kernel fills in the checksum of raw ICMPv6 (RFC 3542 3.1).
        msg = struct.pack("!BBHI", 2, 0, 0, mtu) + inner + tcp8
        sock = socket.socket(socket.AF_INET6, socket.SOCK_RAW,
                             socket.IPPROTO_ICMPV6)
    for _ in range(count):
        sock.sendto(msg, (dst, 0))


if __name__ == "__main__":
    main()
