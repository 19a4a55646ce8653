"""Real processes for end-to-end, load and failure tests: the server (`python -m backend`) and
the Qikink emulator (`python -m qikink_emulator`), on 127.0.0.1 only, with bounded waits."""

from __future__ import annotations

import itertools
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.support import EmulatorControl

ROOT = Path(__file__).resolve().parent.parent

# Every setting the server reads, so that a developer's own .env never leaks into a test server
# (python-dotenv does not override variables that are already set, even to "").
BASE_ENV = {
    "QIKINK_CLIENT_ID": "",
    "QIKINK_CLIENT_SECRET": "",
    "QIKINK_ENV": "off",
    "QIKINK_BASE_URL": "",
    "QIKINK_SIGN_REQUESTS": "true",
    "QIKINK_CONNECT_TIMEOUT": "1",
    "QIKINK_READ_TIMEOUT": "2",
    "QIKINK_RATE_LIMIT_PER_MINUTE": "0",
    "QIKINK_PUSH_BUDGET_SECONDS": "3",
    "QIKINK_EMULATOR_PORT": "0",
    "QIKINK_EMULATOR_STEP_SECONDS": "1",
    "SYNC_INTERVAL_SECONDS": "0.5",
    "SYNC_ENABLED": "true",
    "QIKINK_RETRY_BASE_SECONDS": "0.2",
    "QIKINK_BREAKER_COOLDOWN_SECONDS": "1",
    "HOST": "127.0.0.1",
    "APP_ENV": "development",
    "ADMIN_API_KEY": "",
    "CORS_ORIGINS": "",
    "ALLOWED_HOSTS": "",
    "RATELIMIT_ENABLED": "false",
    # Test clients (thread pools over one connection pool) open and drop connections faster than
    # the server forgets them: no per-client cap unless a test sets one (tests/robustness).
    "MAX_CONNECTIONS_PER_CLIENT": "0",
    "HEADER_TIMEOUT": "15",
    "BODY_TIMEOUT": "60",
    "ORDER_RATE_LIMIT": "30 per minute",
    "STORAGE_LOCK_TIMEOUT": "5",
    "SERVER_THREADS": "8",
    "CATALOGUE_FILE": "",
    "QIKINK_TRACKING_FRESHNESS_MINUTES": "",
    "QIKINK_CREATE_RESERVE_PER_MINUTE": "",
    "DATABASE_URL": "",
    "DATABASE_POOL_MIN": "1",
    "DATABASE_POOL_MAX": "10",
    "DATABASE_POOL_TIMEOUT": "2",
    "DATABASE_CONNECT_TIMEOUT": "2",
    "DATABASE_STATEMENT_TIMEOUT": "10",
    # Payments off unless a test turns them on: prepaid orders count as paid outside the shop.
    "PAYMENTS_ENV": "off",
    "COD_CONFIRMATION": "off",
    "RAZORPAY_KEY_ID": "",
    "RAZORPAY_KEY_SECRET": "",
    "RAZORPAY_WEBHOOK_SECRET": "",
    "RAZORPAY_BASE_URL": "",
    "RAZORPAY_CHECKOUT_URL": "",
    "RAZORPAY_EMULATOR_PORT": "0",
    "PAYMENT_WINDOW_MINUTES": "30",
    # Never a developer's SMTP server from .env: emails go to the log unless a test sets one.
    "SMTP_URL": "",
    "MAIL_FROM": "",
    "SMTP_TIMEOUT_SECONDS": "10",
}


# A port handed out here is bound only once the child process listens, so under pytest-xdist two
# workers asking the kernel for one at the same moment could both get it. Each worker (gw0, gw1...)
# takes its ports in turn from a range of its own below the kernel's ephemeral ports (32768 and up
# on Linux, 49152 on Windows), starting anywhere in it, skipping any port in use.
WORKER_PORTS = 1000
_worker_ports = itertools.count(random.randrange(WORKER_PORTS))


def free_port() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]
    first = 20_000 + int(worker[2:]) % 12 * WORKER_PORTS
    for _ in range(WORKER_PORTS):
        port = first + next(_worker_ports) % WORKER_PORTS
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError(f"no free port in {first}-{first + WORKER_PORTS - 1}")


def wait_until(check, timeout: float, interval: float = 0.05, what: str = "condition"):
    """Poll `check()` until it returns a truthy value; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
            if value:
                return value
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not reached within {timeout}s")
        time.sleep(interval)


class Process:
    """A child process whose output goes to a log file, stopped (or killed) on exit."""

    def __init__(self, args: list[str], env: dict, log_path: Path):
        self.args = args
        self.env = env
        self.log_path = Path(log_path)
        self.proc: subprocess.Popen | None = None

    def start(self):
        environ = {**os.environ, **self.env, "PYTHONUNBUFFERED": "1"}
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, *self.args],
            cwd=ROOT,
            env=environ,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        return self

    def stop(self, timeout: float = 10):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT if os.name != "nt" else signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        if getattr(self, "_log", None):
            self._log.close()

    def kill(self):
        """SIGKILL: the process gets no chance to clean up."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class EmulatorProcess(Process):
    """`python -m qikink_emulator` on a free port."""

    def __init__(
        self,
        log_dir: Path,
        *,
        port: int | None = None,
        step_seconds: float = 1.0,
        rate_limit: int | None = 0,
        extra_args=(),
    ):
        self.port = port or free_port()
        args = ["-m", "qikink_emulator", "--port", str(self.port), "--step-seconds", str(step_seconds)]
        args += ["--no-rate-limit"] if not rate_limit else ["--rate-limit", str(rate_limit)]
        super().__init__(args + list(extra_args), {}, Path(log_dir) / f"emulator-{self.port}.log")
        self.url = f"http://127.0.0.1:{self.port}"
        self.control = EmulatorControl(self.url)

    def start(self, timeout: float = 20):
        super().start()
        wait_until(
            lambda: requests.get(f"{self.url}/_emulator/counters", timeout=1).ok,
            timeout,
            what=f"emulator on {self.url}",
        )
        return self

    def counters(self) -> dict:
        return self.control.counters()

    def fault(self, kind: str, **options) -> None:
        self.control.fault(kind, **options)

    def clear_faults(self) -> None:
        self.control.clear_faults()


class ServerProcess(Process):
    """`python -m backend` on a free port and a given data directory."""

    def __init__(
        self,
        data_dir: Path,
        log_dir: Path,
        *,
        port: int | None = None,
        emulator_url: str | None = None,
        env: dict | None = None,
    ):
        self.port = port or free_port()
        settings = dict(BASE_ENV)
        settings.update(DATA_DIR=str(data_dir), PORT=str(self.port))
        if emulator_url:
            settings.update(QIKINK_ENV="emulator", QIKINK_BASE_URL=emulator_url)
        settings.update(env or {})
        super().__init__(["-m", "backend"], settings, Path(log_dir) / f"server-{self.port}.log")
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30):
        super().start()
        try:
            wait_until(
                lambda: self.proc.poll() is not None or requests.get(f"{self.url}/api/health", timeout=1).ok,
                timeout,
                what=f"server on {self.url}",
            )
        except TimeoutError:
            self.kill()
            raise TimeoutError(f"server did not start:\n{self.output()[-3000:]}") from None
        if self.proc.poll() is not None:
            raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.output()[-3000:]}")
        return self

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(f"{self.url}{path}", timeout=kwargs.pop("timeout", 15), **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return requests.post(f"{self.url}{path}", timeout=kwargs.pop("timeout", 15), **kwargs)

    def patch(self, path: str, **kwargs) -> requests.Response:
        return requests.patch(f"{self.url}{path}", timeout=kwargs.pop("timeout", 15), **kwargs)
