"""§7 The client secret and the admin key never appear in anything the suite produced.

The scan itself runs when the session ends (conftest.pytest_sessionfinish), over every captured
answer, log record and report section and every file under pytest's temporary folder, so it does not
depend on running last; a leak fails the run. These tests check that the scanner finds what it must.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.robustness import conftest
from tests.robustness.conftest import leaks_in, scan_for_secrets


def test_the_scanner_finds_a_planted_secret():
    assert leaks_in(f"token refused for {conftest.CLIENT_SECRET[8:]}") == ["QIKINK_CLIENT_SECRET"]
    assert leaks_in(f"Bearer {conftest.ADMIN_KEY}") == ["ADMIN_API_KEY"]
    assert leaks_in("nothing here") == []


def test_the_session_scan_reads_captures_and_files():
    # Outside pytest's temporary folder: the session's own scan must not find this planted secret.
    with tempfile.TemporaryDirectory() as folder:
        check_planted(Path(folder))


def check_planted(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "server.log").write_text(f"minting with {conftest.CLIENT_SECRET}", encoding="utf-8")
    (tmp_path / "clean.log").write_text("nothing to see", encoding="utf-8")
    leaks, files = scan_for_secrets(["200 {}", f"X-Admin-Key: {conftest.ADMIN_KEY}"], tmp_path)
    assert files == 2
    assert leaks == [("captured #1", "ADMIN_API_KEY"), (str(tmp_path / "logs" / "server.log"), "QIKINK_CLIENT_SECRET")]


def test_the_suite_captures_what_it_produces(client):
    """The capture that the session scan reads is live: an answer given in this test is in it."""
    before = len(conftest.CAPTURED)
    assert client.get("/api/health").status_code == 200
    assert len(conftest.CAPTURED) > before
