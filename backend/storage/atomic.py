"""Atomic, durable file writes and strict JSON reads: the primitives every repository uses."""

from __future__ import annotations

import json
import logging
import os
import secrets
import time
from decimal import Decimal
from pathlib import Path

import orjson

log = logging.getLogger(__name__)

TEMP_SUFFIX = ".tmp"
UTF8_BOM = b"\xef\xbb\xbf"
_REPLACE_RETRY_SECONDS = 1.0


class CorruptFile(Exception):
    """A data file that cannot be read as what it should be; names the file and the problem."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = Path(path)
        self.problem = problem


def json_default(value):
    if isinstance(value, Decimal):
        value = value.quantize(Decimal("0.01"))
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(obj) -> bytes:
    """Compact UTF-8 JSON. orjson writes an order in about a tenth of the time json takes (measured:
    0.85 µs against 9.3 µs); what it refuses (an integer past 64 bits, a non-string key) goes to json."""
    try:
        return orjson.dumps(obj, default=json_default)
    except orjson.JSONEncodeError:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=json_default).encode("utf-8")


def loads(data: bytes):
    """Parse JSON bytes (orjson: about three times as fast as json); what orjson refuses is tried
    again with json. (orjson reads an integer past 64 bits as a float; no stored field holds one:
    quantities, paise and timestamps are far smaller, and ids are strings.) Raises ValueError."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable (POSIX only; Windows has no directory handles)."""
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _retry_while_locked(action, *, sleep=time.sleep):
    """Run `action`, retrying for up to a second while it fails with PermissionError: on Windows
    another process holding the file open makes os.replace fail, and a file being replaced can
    refuse to open, for a moment."""
    deadline = time.monotonic() + _REPLACE_RETRY_SECONDS
    delay = 0.01
    while True:
        try:
            return action()
        except PermissionError:
            if time.monotonic() >= deadline:
                raise
            sleep(delay)
            delay = min(delay * 2, 0.1)


def replace_file(source: Path, target: Path, *, sleep=time.sleep) -> None:
    """os.replace, retried briefly while Windows reports the target as in use."""
    _retry_while_locked(lambda: os.replace(source, target), sleep=sleep)


def atomic_write(path: Path, data: bytes, *, sync_dir: bool = True) -> None:
    """Write `data` to `path` so that a crash leaves either the old file or the new one, whole.

    Temp file in the same directory, flush, fsync, os.replace, then fsync the directory.
    On any failure the temp file is removed and the old file is untouched.
    """
    path = Path(path)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    try:
        with open(temp, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        replace_file(temp, path)
    except BaseException:
        try:
            temp.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("Could not remove temp file %s: %s", temp, exc)
        raise
    if sync_dir:
        fsync_dir(path.parent)


def write_json(path: Path, obj, *, sync_dir: bool = True) -> None:
    atomic_write(path, dumps(obj), sync_dir=sync_dir)


def decode_text(path: Path, data: bytes) -> str:
    """Bytes → text, accepting what Windows editors save: UTF-8 with BOM, UTF-16 with BOM."""
    if not data.strip():
        raise CorruptFile(path, "file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise CorruptFile(path, f"invalid UTF-16 text ({exc.reason})") from None
        log.warning("%s is UTF-16 (as PowerShell saves it); read it, but please save it as UTF-8", path)
    else:
        if data.startswith(UTF8_BOM):
            data = data[len(UTF8_BOM) :]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CorruptFile(path, f"not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    if "\x00" in text:
        raise CorruptFile(path, "contains NUL bytes (a torn or zero-filled write)")
    return text


def read_json(path: Path, expect: type = dict, *, decimals: bool = False):
    """Read a JSON file strictly; raise CorruptFile naming the problem, FileNotFoundError if absent."""
    path = Path(path)
    data = _retry_while_locked(path.read_bytes)
    text = decode_text(path, data)
    try:
        value = json.loads(text, parse_float=Decimal if decimals else float)
    except json.JSONDecodeError as exc:
        problem = "truncated JSON" if exc.pos >= len(text.rstrip()) - 1 else "invalid JSON"
        raise CorruptFile(path, f"{problem} at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise CorruptFile(path, "JSON nested too deeply") from None
    if not isinstance(value, expect):
        raise CorruptFile(path, f"expected a JSON {expect.__name__}, found {type(value).__name__}")
    return value


def remove_temp_files(directory: Path) -> list[Path]:
    """Delete the temp files a crash left behind (they never hold acknowledged data)."""
    removed: list[Path] = []
    if not directory.is_dir():
        return removed
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX) and entry.is_file():
                try:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
                except FileNotFoundError:
                    pass
    if removed:
        log.warning("Removed %d temp file(s) left by an interrupted write in %s", len(removed), directory)
    return removed
