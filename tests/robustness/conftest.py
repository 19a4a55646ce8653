"""Fixtures of the robustness suite: distinctive secrets, one log folder for every process, a
capture of everything the suite produces, the leak scan when the session ends (so it sees every test
that ran, in any order), and the figure table at the end."""

from __future__ import annotations

import json
import logging
import secrets
from pathlib import Path

import pytest
import requests
from flask.testing import FlaskClient

from tests.harness import EmulatorProcess, ServerProcess
from tests.robustness import figures

HERE = Path(__file__).resolve().parent
FIGURES_FILE = HERE / "last-figures.json"

# Distinctive values, so that a leak anywhere is found by a plain substring search.
CLIENT_ID = f"rb{secrets.token_hex(6)}"
CLIENT_SECRET = f"QKSECRET{secrets.token_hex(16)}"
ADMIN_KEY = f"ADMINKEY{secrets.token_hex(16)}"
SECRETS = {"QIKINK_CLIENT_SECRET": CLIENT_SECRET, "ADMIN_API_KEY": ADMIN_KEY}
CAPTURE_LIMIT = 64 * 1024
SCAN_FILE_LIMIT = 20 * 1024 * 1024

CAPTURED: list[str] = []  # answers, log records, exception and report text, in order
_state = {"ran": False, "log_dir": None}


def capture(text) -> None:
    """Keep something the suite produced, for the leak scan."""
    if isinstance(text, bytes):
        text = text[:CAPTURE_LIMIT].decode("utf-8", "replace")
    CAPTURED.append(str(text)[:CAPTURE_LIMIT])


class _CaptureHandler(logging.Handler):
    def emit(self, record):
        try:
            capture(self.format(record))
        except Exception:  # never let the capture break a test
            pass


@pytest.fixture(scope="session")
def log_dir(tmp_path_factory) -> Path:
    """Every process log of the suite goes here; the leak scan reads all of it."""
    path = tmp_path_factory.mktemp("robustness-logs")
    _state["log_dir"] = path
    return path


@pytest.fixture(scope="session", autouse=True)
def _capture_everything(log_dir):
    """Record every HTTP answer (requests and the Flask test client) and every backend log record."""
    _state["ran"] = True
    real_send, real_open = requests.Session.send, FlaskClient.open

    def send(self, request, **kwargs):
        try:
            response = real_send(self, request, **kwargs)
        except Exception as exc:
            capture(f"{type(exc).__name__}: {exc}")
            raise
        capture(f"{response.status_code} {dict(response.headers)}\n")
        if not kwargs.get("stream"):
            capture(response.content)
        return response

    def open_(self, *args, **kwargs):
        response = real_open(self, *args, **kwargs)
        capture(f"{response.status_code} {dict(response.headers)}\n")
        if not response.is_streamed:
            capture(response.get_data())
        return response

    handler = _CaptureHandler(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    backend_log = logging.getLogger("backend")
    level = backend_log.level
    backend_log.setLevel(logging.DEBUG)
    backend_log.addHandler(handler)
    requests.Session.send, FlaskClient.open = send, open_
    try:
        yield
    finally:
        requests.Session.send, FlaskClient.open = real_send, real_open
        backend_log.removeHandler(handler)
        backend_log.setLevel(level)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if "robustness" in str(item.path):
        if report.longrepr is not None:
            capture(report.longreprtext)
        for _, content in report.sections:
            capture(content)


@pytest.fixture
def emulator(log_dir):
    """The Qikink emulator as its own process, accepting only the suite's client id and secret."""
    process = EmulatorProcess(
        log_dir, step_seconds=1.0, rate_limit=0, extra_args=["--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET]
    )
    process.start()
    yield process
    process.stop()


def server_env(emulator_url: str | None = None, **extra) -> dict:
    """The environment of a test server: the suite's admin key, and the emulator if given."""
    env = {"ADMIN_API_KEY": ADMIN_KEY}
    if emulator_url:
        env.update(
            QIKINK_ENV="emulator",
            QIKINK_BASE_URL=emulator_url,
            QIKINK_CLIENT_ID=CLIENT_ID,
            QIKINK_CLIENT_SECRET=CLIENT_SECRET,
        )
    env.update({k: str(v) for k, v in extra.items()})
    return env


@pytest.fixture
def start_server(log_dir):
    """Start `python -m backend` processes; every one is stopped (or killed) at the end."""
    started: list[ServerProcess] = []

    def start(data_dir, *, emulator_url=None, port=None, **extra) -> ServerProcess:
        server = ServerProcess(data_dir, log_dir, port=port, env=server_env(emulator_url, **extra))
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


def leaks_in(text: str) -> list[str]:
    """Which secrets (by setting name) appear in `text`, whole or as a long enough fragment."""
    found = []
    for name, value in SECRETS.items():
        fragments = {value, value[8:], value[:8] + value[8:24]}  # whole, random part, a prefix
        if any(fragment in text for fragment in fragments):
            found.append(name)
    return found


def scan_for_secrets(captured: list[str], folder: Path | None) -> tuple[list[tuple[str, str]], int]:
    """(where, which secret) for every leak in the captured texts and the files under `folder`
    (process logs, data directories), and how many files were read."""
    leaks = [(f"captured #{index}", name) for index, text in enumerate(captured) for name in leaks_in(text)]
    files = 0
    for path in sorted(folder.rglob("*")) if folder is not None else ():
        if path.is_file() and path.stat().st_size <= SCAN_FILE_LIMIT:
            files += 1
            leaks += [(str(path), name) for name in leaks_in(path.read_bytes().decode("utf-8", "replace"))]
    return leaks, files


def pytest_sessionfinish(session, exitstatus):
    """The leak scan, once every test that ran has finished (whatever their order or selection):
    a leak fails the run and is listed in the summary. A pytest-xdist worker scans what it ran and
    hands the result on (its exit status is not passed on): the controller, which never loads this
    file unless it is named on the command line, takes it in tests/conftest.py and fails the run
    there."""
    if not _state["ran"] or took_worker_output():
        return
    folder = _state["log_dir"].parent if _state["log_dir"] else None  # pytest's temporary folder
    _state["leaks"], files = scan_for_secrets(CAPTURED, folder)
    _state["scanned"] = (len(CAPTURED), files)
    figures.put("secrets_leaked", len(_state["leaks"]))
    worker_output = getattr(session.config, "workeroutput", None)
    if worker_output is not None:
        worker_output["robustness"] = {"leaks": _state["leaks"], "scanned": _state["scanned"], **figures.snapshot()}
        return
    fail_on_leaks(session)


def fail_on_leaks(session) -> None:
    if _state.get("leaks") and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def take_worker_output(output: dict) -> None:
    """pytest-xdist's controller: one worker's leak scan and figures, added to the others'."""
    captured, files = _state.get("scanned", (0, 0))
    _state.update(ran=True, from_workers=True, scanned=(captured + output["scanned"][0], files + output["scanned"][1]))
    _state["leaks"] = _state.get("leaks", []) + [tuple(leak) for leak in output["leaks"]]
    figures.merge(output)
    figures.put("secrets_leaked", len(_state["leaks"]))


def took_worker_output() -> bool:
    return bool(_state.get("from_workers"))


def pytest_terminal_summary(terminalreporter):
    if not _state["ran"] or hasattr(terminalreporter.config, "workeroutput") or took_worker_output():
        return  # nothing ran here, or pytest-xdist: its controller reports from tests/conftest.py
    report(terminalreporter)


def report(terminalreporter) -> None:
    """The leaks found and the figure table, also written to last-figures.json."""
    leaks = _state.get("leaks")
    if leaks:
        terminalreporter.write_sep("=", f"SECRETS LEAKED ({len(leaks)})", red=True)
        for where, name in leaks[:20]:
            terminalreporter.write_line(f"{name} in {where}")
    rows = figures.rows()
    width = max(len(name) for name, _ in rows)
    terminalreporter.write_sep("=", "robustness figures")
    for name, value in rows:
        terminalreporter.write_line(f"{name:<{width}}  {value}")
    try:
        FIGURES_FILE.write_text(json.dumps(figures.FIGURES, indent=1, default=str) + "\n", encoding="utf-8")
    except OSError as exc:
        terminalreporter.write_line(f"(could not write {FIGURES_FILE}: {exc})")
