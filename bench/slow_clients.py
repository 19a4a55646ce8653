"""One greedy client against the real server (waitress behind backend/serving.py's guards), with
the shipped settings unless told otherwise: how long a customer waits meanwhile, and how soon the
greedy sockets are closed. 127.0.0.1 only (the attacker binds 127.0.0.2); at most --sockets
sockets (250 by default) and about two minutes with the shipped deadlines.

    .venv/bin/python -m bench.slow_clients
    .venv/bin/python -m bench.slow_clients --set HEADER_TIMEOUT=5 --set BODY_TIMEOUT=5
    .venv/bin/python -m bench.slow_clients --set MAX_CONNECTIONS_PER_CLIENT=0 --set HEADER_TIMEOUT=3600 \\
        --set BODY_TIMEOUT=3600 --give-up 40     # without the guards: what stays open
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from tests.harness import ServerProcess  # noqa: E402

ATTACKER = "127.0.0.2"
BIG = 200 * 1024 * 1024


def connect(port: int, source: str = ATTACKER) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", port))
    return sock


def is_closed(sock: socket.socket) -> bool:
    """Whether the server has closed `sock` (checked without waiting)."""
    sock.setblocking(False)
    try:
        return sock.recv(1024) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        sock.setblocking(True)


def customer_ms(port: int, count: int = 10) -> list[float]:
    """How long a customer's GET /api/products takes, `count` times in a row (new connection each)."""
    took = []
    for _ in range(count):
        began = time.perf_counter()
        requests.get(f"http://127.0.0.1:{port}/api/products", timeout=30, headers={"Connection": "close"})
        took.append((time.perf_counter() - began) * 1000)
    return took


def summary(ms: list[float]) -> str:
    return f"median {statistics.median(ms):.1f} ms, max {max(ms):.1f} ms ({len(ms)} requests)"


def trickle(port: int, count: int, head: bytes, drip: bytes, every: float, give_up: float) -> tuple[list, list]:
    """`count` sockets send `head`, then `drip` every `every` seconds until the server closes them
    (or `give_up` seconds pass). Returns (seconds until each was closed, customer's times)."""
    sockets = [connect(port) for _ in range(count)]
    began = time.monotonic()
    closed_after: dict[int, float] = {}
    waits: list[float] = []
    try:
        for sock in sockets:
            sock.sendall(head)
        while len(closed_after) < count and time.monotonic() - began < give_up:
            time.sleep(every)
            for index, sock in enumerate(sockets):
                if index in closed_after:
                    continue
                try:
                    if is_closed(sock):
                        raise ConnectionResetError
                    sock.sendall(drip)
                except OSError:
                    closed_after[index] = time.monotonic() - began
            waits += customer_ms(port, 2)
    finally:
        for sock in sockets:
            sock.close()
    return sorted(closed_after.values()), waits


def closed_line(closed: list[float], count: int) -> str:
    if not closed:
        return f"none of {count} closed"
    return f"{len(closed)} of {count} closed, after {closed[0]:.1f}–{closed[-1]:.1f} s"


def run(port: int, args) -> list[tuple[str, str]]:
    rows = [("a customer alone", summary(customer_ms(port, 20)))]

    held = []
    try:
        began = time.monotonic()
        for _ in range(args.sockets):
            held.append(connect(port))
        opened = time.monotonic() - began
        time.sleep(1)
        waits = customer_ms(port, 20)
        closed = sum(1 for sock in held if is_closed(sock))
    finally:
        for sock in held:
            sock.close()
    rows.append((f"{args.sockets} idle sockets from one address", f"opened in {opened:.2f} s; {closed} closed at once"))
    rows.append(("  a customer meanwhile", summary(waits)))

    line = b"X-Slow: 1\r\n"
    closed, waits = trickle(port, args.slow, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n", line, args.every, args.give_up)
    rows.append((f"{args.slow} sockets, a header line every {args.every:g} s", closed_line(closed, args.slow)))
    rows.append(("  a customer meanwhile", summary(waits)))

    head = b"POST /api/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    head += b"Content-Length: 1000\r\n\r\n"
    closed, waits = trickle(port, args.slow, head, b" ", args.every, args.give_up)
    rows.append((f"{args.slow} sockets, a body byte every {args.every:g} s", closed_line(closed, args.slow)))
    rows.append(("  a customer meanwhile", summary(waits)))

    with connect(port) as sock:
        began = time.perf_counter()
        sock.sendall(
            b"POST /api/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % BIG
        )
        sock.settimeout(30)
        answer = sock.recv(64)
        took = (time.perf_counter() - began) * 1000
    rows.append(("Content-Length 200 MiB, no body sent", f"{answer.split(b' ')[1].decode()} after {took:.1f} ms"))

    with connect(port) as sock:
        sock.sendall(
            b"POST /api/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        sent = 0
        sock.settimeout(0.05)
        answer = b""
        while sent < 4 * 1024 * 1024 and not answer:
            try:
                sock.sendall(b"1000\r\n" + b"a" * 4096 + b"\r\n")
                sent += 4096
                answer = sock.recv(64)
            except TimeoutError:
                continue
            except OSError:
                break
        if not answer:
            try:
                answer = sock.recv(64)
            except OSError:
                pass
    status = answer.split(b" ")[1].decode() if answer else "no answer"
    rows.append(("a chunked body, 4 KiB at a time", f"{status} after {sent // 1024} KiB sent"))
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.slow_clients", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sockets", type=int, default=250, help="idle sockets from one address (at most 250)")
    parser.add_argument("--slow", type=int, default=20, help="sockets trickling headers or a body (at most 60)")
    parser.add_argument("--every", type=float, default=2.0, help="seconds between their bytes")
    parser.add_argument("--give-up", type=float, default=90.0, help="seconds before a trickle is abandoned")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a server setting")
    args = parser.parse_args(argv)
    args.sockets, args.slow = min(args.sockets, 250), min(args.slow, 60)
    settings = {"RATELIMIT_ENABLED": "false", "MAX_CONNECTIONS_PER_CLIENT": "64", "HEADER_TIMEOUT": "15"}
    settings["BODY_TIMEOUT"] = "60"
    settings.update(item.split("=", 1) for item in args.set)
    scratch = Path(tempfile.mkdtemp(prefix="slow-clients-"))
    (scratch / "data").mkdir()
    (scratch / "logs").mkdir()
    shutil.copy(ROOT / "data" / "products.json", scratch / "data" / "products.json")
    server = ServerProcess(scratch / "data", scratch / "logs", env=settings)
    server.start(timeout=60)
    try:
        rows = run(server.port, args)
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    print("settings: " + ", ".join(f"{k}={v}" for k, v in sorted(settings.items())))
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
