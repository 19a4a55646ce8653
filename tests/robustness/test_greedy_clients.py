"""One greedy client cannot make the server unreachable: against the real server (waitress with
backend/serving.py's guards) on 127.0.0.1. The attacker connects from 127.0.0.2 (another loopback
address), the customer from 127.0.0.1. Bounded: at most 250 sockets, each wait capped; the
deadlines are short settings (2 s) so that the waits are too."""

from __future__ import annotations

import socket
import time

import pytest
import requests

from tests.conftest import make_data_dir
from tests.robustness import figures

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ATTACKER = "127.0.0.2"
CAP = 8


def connect_from(address: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.bind((address, 0))
    sock.connect(("127.0.0.1", port))
    return sock


def closed_by_server(sock: socket.socket, timeout: float) -> bool:
    """Whether the server closes `sock` within `timeout` seconds (EOF or reset)."""
    sock.settimeout(timeout)
    try:
        return sock.recv(1024) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def customer_is_answered(server) -> bool:
    answer = requests.get(f"http://127.0.0.1:{server.port}/api/products", timeout=10)
    figures.add("answered_during_attacks")
    return answer.status_code == 200


@pytest.fixture
def server(tmp_path, start_server):
    return start_server(
        make_data_dir(tmp_path / "data"), MAX_CONNECTIONS_PER_CLIENT=CAP, HEADER_TIMEOUT=2, BODY_TIMEOUT=2
    )


def test_250_idle_sockets_from_one_client_hold_only_its_cap(server):
    sockets = []
    try:
        for _ in range(250):
            sockets.append(connect_from(ATTACKER, server.port))
        assert customer_is_answered(server)
        refused = [s for s in sockets[CAP:] if closed_by_server(s, 5)]
        assert len(refused) == 250 - CAP  # each one over the cap was closed at once
        figures.add("greedy_sockets_refused", len(refused))
        assert customer_is_answered(server)
    finally:
        for sock in sockets:
            sock.close()


def test_sockets_trickling_header_lines_are_cut_off_at_the_header_deadline(server):
    sockets = [connect_from(ATTACKER, server.port) for _ in range(CAP)]
    try:
        for sock in sockets:
            sock.sendall(b"GET /api/products HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        deadline = time.monotonic() + 30  # HEADER_TIMEOUT is 2 s: every socket is closed well before
        open_ = list(sockets)
        while open_ and time.monotonic() < deadline:
            for sock in list(open_):
                try:
                    sock.sendall(b"X-Slow: 1\r\n")  # a header line every half second: never silent
                except OSError:
                    open_.remove(sock)
            time.sleep(0.5)
            assert customer_is_answered(server)
        assert open_ == []
        figures.add("slow_sockets_cut_off", len(sockets))
        replacement = connect_from(ATTACKER, server.port)  # their slots are free again
        replacement.sendall(b"GET /api/products HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert replacement.recv(64).startswith(b"HTTP/1.1 200")
        replacement.close()
    finally:
        for sock in sockets:
            sock.close()


def test_a_connection_that_never_sends_a_request_is_closed_at_the_deadline(server):
    silent = connect_from(ATTACKER, server.port)
    try:
        assert closed_by_server(silent, 30)
    finally:
        silent.close()


def test_sockets_trickling_a_body_are_cut_off_at_the_body_deadline(server):
    """Headers sent at once, then a body byte every half second: never silent, so waitress's own
    timeout would keep them for ever."""
    head = (
        b"POST /api/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000\r\n\r\n{"
    )
    sockets = [connect_from(ATTACKER, server.port) for _ in range(CAP)]
    try:
        for sock in sockets:
            sock.sendall(head)
        deadline = time.monotonic() + 30  # BODY_TIMEOUT is 2 s: every socket is closed well before
        open_ = list(sockets)
        while open_ and time.monotonic() < deadline:
            for sock in list(open_):
                try:
                    sock.sendall(b" ")
                except OSError:
                    open_.remove(sock)
            time.sleep(0.5)
            assert customer_is_answered(server)
        assert open_ == []
        figures.add("slow_body_sockets_cut_off", len(sockets))
    finally:
        for sock in sockets:
            sock.close()


def test_a_200_mib_body_is_refused_from_its_headers_alone(server):
    """The issue's 200 MiB: the 413 comes before a byte of the body is sent, and the connection
    is closed (the server reads none of it)."""
    sock = connect_from(ATTACKER, server.port)
    try:
        sock.sendall(
            b"POST /api/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(200 * 1024 * 1024).encode() + b"\r\n\r\n"
        )
        answer = b""
        sock.settimeout(30)
        while chunk := sock.recv(65536):
            answer += chunk
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b'"payload_too_large"' in answer
    figures.add("big_bodies_refused_unread")
    assert customer_is_answered(server)
