"""§7 The client secret and the admin key never appear in anything the suite produced.

Runs last (file order): scans every captured answer, log record and report section, and every
file under pytest's temporary folder (process logs, data directories)."""
from __future__ import annotations

from pathlib import Path

from tests.robustness import conftest, figures

MAX_FILE = 20 * 1024 * 1024


def leaks_in(text: str) -> list[str]:
    """Which secrets (by setting name) appear in `text`, whole or as a long enough fragment."""
    found = []
    for name, value in conftest.SECRETS.items():
        fragments = {value, value[8:], value[:8] + value[8:24]}  # whole, random part, a prefix
        if any(fragment in text for fragment in fragments):
            found.append(name)
    return found


def test_the_scanner_finds_a_planted_secret():
    assert leaks_in(f"token refused for {conftest.CLIENT_SECRET[8:]}") == ["QIKINK_CLIENT_SECRET"]
    assert leaks_in(f"Bearer {conftest.ADMIN_KEY}") == ["ADMIN_API_KEY"]
    assert leaks_in("nothing here") == []


def test_no_secret_in_any_answer_log_or_exception(tmp_path_factory):
    leaks = []
    for index, text in enumerate(conftest.CAPTURED):
        leaks += [(f"captured #{index}", name) for name in leaks_in(text)]
    scanned_files = 0
    for path in Path(tmp_path_factory.getbasetemp()).rglob("*"):
        if path.is_file() and path.stat().st_size <= MAX_FILE:
            scanned_files += 1
            text = path.read_bytes().decode("utf-8", "replace")
            leaks += [(str(path), name) for name in leaks_in(text)]
    figures.put("secrets_leaked", len(leaks))
    assert not leaks, leaks[:10]
    assert conftest.CAPTURED or scanned_files, "nothing was captured to scan"
