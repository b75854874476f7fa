"""When requests really left the crawler: kernel timestamps of the HTTP requests on the loopback
interface, read through an AF_PACKET socket (root only), per destination address.

A server's own clock says when it got round to a request, which on a busy machine is late by as
much as its event loop lags (0.17 s seen on the scale benchmark); the kernel stamps each packet
as it is sent. Two requests to one address closer together than the delay are a violation.
"""

from __future__ import annotations

import multiprocessing
import socket
import struct
from multiprocessing.connection import Connection

ETH_P_ALL, SO_TIMESTAMPNS, PACKET_OUTGOING = 0x0003, 35, 4
ETHERNET_HEADER = 14


def _watch(port: int, delay: float, ready: multiprocessing.Event, pipe: Connection) -> None:
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(ETH_P_ALL))
    sock.bind(("lo", 0))
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 << 20)
    sock.settimeout(0.2)
    last: dict[bytes, tuple[float, bytes]] = {}
    figures: dict = {"requests": 0, "violations": 0, "closest": 10.0, "pairs": []}
    ready.set()
    while not pipe.poll():
        try:
            data, ancillary, _flags, address = sock.recvmsg(65535, 256)
        except TimeoutError:
            continue
        if address[2] != PACKET_OUTGOING or len(data) < ETHERNET_HEADER + 40:
            continue
        ip = data[ETHERNET_HEADER:]
        header = (ip[0] & 0x0F) * 4
        if ip[9] != socket.IPPROTO_TCP or struct.unpack("!H", ip[header + 2 : header + 4])[0] != port:
            continue
        tcp_header = (ip[header + 12] >> 4) * 4
        payload = ip[header + tcp_header :]
        if not payload.startswith(b"GET "):
            continue
        seconds, nanoseconds = struct.unpack("qq", ancillary[0][2][:16])
        stamp, destination, path = seconds + nanoseconds / 1e9, ip[16:20], payload.split(b" ", 2)[1]
        figures["requests"] += 1
        if destination in last:
            gap = stamp - last[destination][0]
            figures["closest"] = min(figures["closest"], gap)
            if gap < delay:
                figures["violations"] += 1
                if len(figures["pairs"]) < 10:  # which requests: the way to a fix
                    figures["pairs"].append((last[destination][1].decode(), path.decode(), round(gap, 3)))
        last[destination] = (stamp, path)
    pipe.send(figures)


class Sniffer:
    """Watches requests to port on lo until stop(); stop() returns what it saw."""

    def __init__(self, port: int, delay: float) -> None:
        context = multiprocessing.get_context("fork")
        ready = context.Event()
        self._ours, theirs = context.Pipe()
        self.process = context.Process(target=_watch, args=(port, delay, ready, theirs), daemon=True)
        self.process.start()
        ready.wait(10)

    def stop(self) -> dict[str, float]:
        self._ours.send("stop")
        figures = self._ours.recv()
        self.process.join(10)
        return figures


def available() -> bool:
    try:
        socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(ETH_P_ALL)).close()
    except (PermissionError, OSError):
        return False
    return True
