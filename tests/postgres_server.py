"""A throwaway PostgreSQL server for the tests: `initdb` in a temporary folder, its own port on
127.0.0.1, trust authentication (nothing to leak), run as the `postgres` user when we are root
(PostgreSQL refuses to run as root). Without the server binaries the tests that need it skip,
except under CI=true, where that is a failure."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.harness import free_port

BINARY_GLOBS = (
    "/usr/lib/postgresql/*/bin",
    "/usr/pgsql-*/bin",
    "/opt/homebrew/opt/postgresql*/bin",
    "/usr/local/opt/postgresql*/bin",
)
MISSING = (
    "PostgreSQL server binaries (initdb, pg_ctl) not found: install them (Debian/Ubuntu: "
    "apt-get install postgresql) to run the PostgreSQL tests"
)


def find_bindir() -> Path | None:
    """PGBIN (GitHub's Windows runners set it), else the folder of the newest initdb on this
    machine, or None."""
    if os.environ.get("PGBIN") and shutil.which("initdb", path=os.environ["PGBIN"]):
        return Path(os.environ["PGBIN"])
    candidates = [Path(p) for pattern in BINARY_GLOBS for p in glob.glob(pattern) if (Path(p) / "initdb").exists()]
    if candidates:
        return max(candidates, key=lambda p: int(re.sub(r"\D", "", p.parent.name) or 0))
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def skip_or_fail(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


class PostgresServer:
    """One PostgreSQL cluster: start, stop, restart, and a fresh database per test."""

    def __init__(self, bindir: Path, *, fsync: bool = True):
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="bhrt-pg-"))
        self.datadir = self.root / "data"
        self.port = free_port()
        self.fsync = fsync
        self.user = None
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            import pwd  # POSIX only, like running as root

            try:
                self.user = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("running as root and there is no `postgres` user to run PostgreSQL as") from None
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)
        self.log = self.root / "server.log"

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.user is not None:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if result.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({result.returncode}): {result.stderr[-2000:]}\n{self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def init(self) -> PostgresServer:
        self._run(
            "initdb", "-D", str(self.datadir), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"
        )
        return self.start()

    def start(self) -> PostgresServer:
        sockets = f"-k {self.root} " if os.name != "nt" else ""
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 {sockets}-c max_connections=200 "
            f"-c fsync={'on' if self.fsync else 'off'} -c shared_buffers=64MB"
        )
        self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.datadir), "-l", str(self.log), "-o", options)
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "-w", "-t", "60", "-D", str(self.datadir), "-m", mode)

    def restart(self) -> None:
        self.stop("fast")
        self.start()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; its URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        except (RuntimeError, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(self.root, ignore_errors=True)


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server can be started here; the message says why."""


def launch(**options) -> PostgresServer:
    """A running throwaway server (tests, benchmark), or PostgresUnavailable."""
    bindir = find_bindir()
    if bindir is None:
        raise PostgresUnavailable(MISSING)
    try:
        server = PostgresServer(bindir, **options)
    except RuntimeError as exc:
        raise PostgresUnavailable(str(exc)) from None
    try:
        return server.init()
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as exc:
        server.destroy()
        raise PostgresUnavailable(f"could not start a test PostgreSQL server: {exc}") from None


def start_server(**options) -> PostgresServer:
    """A running server, or a skip (a failure under CI=true) saying why there is none."""
    try:
        return launch(**options)
    except PostgresUnavailable as exc:
        skip_or_fail(str(exc))
