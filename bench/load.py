"""Load generators for 127.0.0.1 only: `wrk` when installed, else a bundled keep-alive client.

Both run `connections` concurrent keep-alive connections for `duration` seconds and return the
same summary: requests per second, p50/p99 latency in ms, and how many answers were not the
expected status (those are counted, never hidden).
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

LOOPBACK = "127.0.0.1"
MAX_REQUESTS_PER_CONNECTION = 2_000_000  # a hard bound on top of the time bound

WRK_SCRIPT = """
wrk.method = %(method)s
wrk.body = %(body)s
wrk.headers["Content-Type"] = "application/json"
local out = %(out)s
function done(summary, latency, requests)
  local f = io.open(out, "w")
  f:write(string.format('{"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, ' ..
    '"non_2xx": %%d, "socket_errors": %%d}',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout))
  f:close()
end
"""


def _check_loopback(url: str) -> None:
    host = urlsplit(url).hostname
    if host != LOOPBACK:
        raise ValueError(f"the benchmark only sends traffic to {LOOPBACK}, not {host}")


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal for this text


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    connections: int = 16,
    duration: float = 10.0,
    threads: int = 2,
) -> dict:
    """One wrk run; expected answers are 2xx (wrk counts anything else as non_2xx)."""
    _check_loopback(url)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "summary.json"
        script = Path(tmp) / "request.lua"
        script.write_text(
            WRK_SCRIPT
            % {
                "method": _lua_string(method),
                "out": _lua_string(str(out)),
                "body": _lua_string(body.decode("utf-8")) if body else "nil",
            }
        )
        seconds = max(1, round(duration))
        subprocess.run(
            [
                "wrk",
                f"-t{min(threads, connections)}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                url,
            ],
            check=True,
            capture_output=True,
            timeout=seconds + 60,
        )
        raw = json.loads(out.read_text())
    elapsed = raw["duration_us"] / 1e6
    return {
        "tool": "wrk",
        "requests": raw["requests"],
        "seconds": round(elapsed, 2),
        "rps": round(raw["requests"] / elapsed, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "errors": raw["non_2xx"] + raw["socket_errors"],
    }


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def run_python(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    connections: int = 16,
    duration: float = 10.0,
    max_requests: int = MAX_REQUESTS_PER_CONNECTION,
) -> dict:
    """The bundled generator: one thread per keep-alive http.client connection."""
    _check_loopback(url)
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {"Content-Type": "application/json"} if body is not None else {}
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    start_gate = threading.Barrier(connections + 1)
    stop_at = [0.0]

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        mine = latencies[index]
        start_gate.wait()
        count = 0
        while count < max_requests and time.perf_counter() < stop_at[0]:
            count += 1
            began = time.perf_counter()
            try:
                conn.request(method, target, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                if not 200 <= response.status < 300:
                    errors[index] += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                errors[index] += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            mine.append(time.perf_counter() - began)
        conn.close()

    workers = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in workers:
        thread.start()
    began = time.perf_counter()
    stop_at[0] = began + duration
    start_gate.wait()
    for thread in workers:
        thread.join(duration + 30)
    elapsed = time.perf_counter() - began
    every = sorted(x for per in latencies for x in per)
    return {
        "tool": "python",
        "requests": len(every),
        "seconds": round(elapsed, 2),
        "rps": round(len(every) / elapsed, 1),
        "p50_ms": round(_percentile(every, 0.50) * 1000, 2),
        "p99_ms": round(_percentile(every, 0.99) * 1000, 2),
        "errors": sum(errors),
    }


def run_load(url: str, *, tool: str = "auto", **options) -> dict:
    """wrk when `tool` is "wrk" or "auto" and wrk is installed; else the bundled generator."""
    if tool == "wrk" or (tool == "auto" and wrk_available()):
        return run_wrk(url, **options)
    return run_python(url, **options)
