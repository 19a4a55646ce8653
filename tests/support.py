"""What many tests share: the emulator's test controls, a fake clock, threads run together, the
error envelope, and a bare POST."""

from __future__ import annotations

import threading
import time

import requests


class EmulatorControl:
    """The emulator's test controls under /_emulator/ (an EmulatorServer thread or a process)."""

    def __init__(self, url: str, *, timeout: float = 5):
        self.url = url.rstrip("/")
        self.timeout = timeout

    def _call(self, method: str, path: str, body=None) -> dict:
        response = requests.request(method, f"{self.url}/_emulator{path}", json=body, timeout=self.timeout)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        """Forget every order, token, fault and counter."""
        self._call("POST", "/reset")

    def counters(self) -> dict:
        """calls, created (per order number), create_attempts, tokens_minted, rate_limited, ..."""
        return self._call("GET", "/counters")

    def accepted_call_times(self) -> list[float]:
        """When each call within the rate limit was made (emulator clock, with a limit set)."""
        return self._call("GET", "/calls")["accepted"]

    def fault(self, kind: str, **options) -> list:
        """Inject a fault (count, fraction, seconds, paths: see qikink_emulator.state.add_fault)."""
        return self._call("POST", "/faults", {"kind": kind, **options})["faults"]

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def set_status(self, qikink_id, status: str, number: str | None = None) -> dict:
        """Force an order's status at the emulated Qikink; returns the order as Qikink reads it."""
        return self._call("POST", f"/orders/{qikink_id}/status", {"status": status, "number": number})


class FakeClock:
    """An injectable clock: call it for the time; `sleep` records the wait and moves the clock,
    `advance` moves it. Fixed at `start` unless told to move; with real_time=True it is the real
    time plus whatever was added (for code that also waits in real time, e.g. a worker thread)."""

    def __init__(self, start: float = 1_800_000_000.0, *, real_time: bool = False):
        self._start = None if real_time else start
        self.offset = 0.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return (time.time() if self._start is None else self._start) + self.offset

    @property
    def now(self) -> float:
        return self()

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.offset += seconds

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.offset += seconds


def run_in_threads(target, arguments, *, timeout: float = 30) -> None:
    """Run `target(*args)` in one thread per tuple in `arguments` and wait for them all; fail if one
    is still running after `timeout` seconds (results gathered so far would be only a part)."""
    threads = [threading.Thread(target=target, args=args, daemon=True) for args in arguments]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(deadline - time.monotonic(), 0))
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"{len(stuck)} of {len(threads)} threads still running after {timeout}s"


def assert_error_body(body, code: str | None = None) -> dict:
    """`body` is the error envelope {"status": "error", "error": {"code", "message", ...}}, with
    `code` if given; returns the error object."""
    assert isinstance(body, dict) and body.get("status") == "error", body
    error = body["error"]
    assert isinstance(error, dict) and isinstance(error.get("code"), str) and error["code"], body
    assert isinstance(error.get("message"), str) and error["message"], body
    if code is not None:
        assert error["code"] == code, body
    return error


def assert_error(response, status: int, code: str | None = None) -> dict:
    """A Flask test response or a requests response: `status`, JSON, the error envelope with `code`."""
    is_flask = not callable(response.json)
    text = response.get_data(as_text=True) if is_flask else response.text
    assert response.status_code == status, text[:500]
    media_type = response.mimetype if is_flask else response.headers.get("Content-Type", "").split(";")[0]
    assert media_type == "application/json", (media_type, text[:200])
    return assert_error_body(response.json if is_flask else response.json(), code)


def requests_post(url):
    """POST to a URL with no body (e.g. an emulator's control), the JSON answer back."""
    response = requests.post(url, timeout=5)
    response.raise_for_status()
    return response.json()
