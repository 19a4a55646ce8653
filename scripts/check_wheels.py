"""Every pinned requirement has a wheel for every platform and Python a shop may run on.

A shop installs requirements.txt (the embedded JSON-file default), requirements-postgres.txt
(DATABASE_URL) and, to run the tests, requirements-dev.txt, on Windows (x64; ARM64 for the
embedded default only), macOS (arm64, x86_64) or Linux (x86_64, aarch64), on Python 3.11 to the
newest. A pin without a wheel there means a source build (a C or Rust compiler a shop does not
have), so it fails here instead, naming the package, the platform and the Python.

It reads each pin's files from PyPI's simple index, the JSON form pip itself reads (PEP 691; one
request a package, nothing downloaded;
`pip download --only-binary` for 30 targets would fetch several GB of wheels) and checks their
tags against each target's compatible tags, as pip does (packaging.tags: the same code pip uses).

    .venv/bin/python scripts/check_wheels.py   # the table; exit 1 on a missing wheel, 2 without PyPI
"""

from __future__ import annotations

import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from packaging import tags
from packaging.markers import Marker
from packaging.specifiers import SpecifierSet
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYTHONS = [(3, 11), (3, 12), (3, 13), (3, 14), (3, 15)]
OLDEST = {"Windows ARM64": (3, 12)}  # the oldest Python a target is checked on, when not 3.11


def _manylinux(arch: str, oldest: int) -> list[str]:
    """manylinux tags from glibc 2.40 down to 2.`oldest`, with the legacy aliases pip accepts."""
    legacy = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
    minors = range(40, oldest - 1, -1)
    return [f"manylinux_2_{m}_{arch}" for m in minors] + [f"{legacy[m]}_{arch}" for m in minors if m in legacy]


# name → (platform tags in pip's order of preference, sys_platform, machine, requirement files)
# requirements-dev.txt includes requirements-postgres.txt, which includes requirements.txt.
EVERYTHING = ("requirements-dev.txt",)
TARGETS = {
    "Windows x64": (["win_amd64"], "win32", "AMD64", EVERYTHING),
    # The embedded default only (no wheels of psycopg or cryptography), and from Python 3.12: PyYAML
    # (swagger-ui-py's) has no 3.11 wheel there, and python.org's ARM64 3.11 was experimental.
    "Windows ARM64": (["win_arm64"], "win32", "ARM64", ("requirements.txt",)),
    "macOS arm64": (list(tags.mac_platforms((14, 0), "arm64")), "darwin", "arm64", EVERYTHING),
    "macOS x86_64": (list(tags.mac_platforms((12, 0), "x86_64")), "darwin", "x86_64", EVERYTHING),
    "Linux x86_64": (_manylinux("x86_64", 5), "linux", "x86_64", EVERYTHING),
    "Linux aarch64": (_manylinux("aarch64", 17), "linux", "aarch64", EVERYTHING),
}


def pins(filename: str, seen=None) -> list[tuple[str, str, str | None]]:
    """(name, version, marker) of each `name==version` line, following `-r` includes."""
    seen = seen or set()
    found = []
    for raw in (ROOT / filename).read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-r "):
            include = line[3:].strip()
            if include not in seen:
                seen.add(include)
                found += pins(include, seen)
            continue
        requirement, _, marker = line.partition(";")
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([^\s]+)", requirement.strip())
        if not match:
            raise SystemExit(f"{filename}: not a pin: {raw!r}")
        found.append((match.group(1), match.group(3), marker.strip() or None))
    return found


INDEX = "https://pypi.org/simple"
SIMPLE_JSON = {"Accept": "application/vnd.pypi.simple.v1+json"}


def _is_wheel_of(file: dict, version: Version) -> bool:
    if not file["filename"].endswith(".whl") or file.get("yanked"):
        return False
    try:
        return parse_wheel_filename(file["filename"])[1] == version
    except InvalidWheelFilename:  # some old releases' names pip would not read either
        return False


class IndexUnreachable(Exception):
    """PyPI did not answer (after retries): nothing was checked."""


def wheels(name: str, version: str) -> list[tuple[str, str | None]]:
    """(file name, Requires-Python) of each wheel PyPI has for name==version (3 tries: a flaky
    network is not a finding)."""
    for attempt in range(3):
        try:
            answer = requests.get(f"{INDEX}/{canonicalize_name(name)}/", headers=SIMPLE_JSON, timeout=30)
            if answer.status_code == 404:
                raise SystemExit(f"{name} is not on PyPI")
            answer.raise_for_status()
            return [
                (f["filename"], f.get("requires-python"))
                for f in answer.json()["files"]
                if _is_wheel_of(f, Version(version))
            ]
        except requests.RequestException as exc:
            if attempt == 2:
                raise IndexUnreachable(f"{name}=={version}: {exc}") from exc
            time.sleep(2**attempt)
    raise AssertionError("unreachable")


def supported(python: tuple[int, int], platforms: list[str]) -> set:
    interpreter = f"cp{python[0]}{python[1]}"
    return set(tags.cpython_tags(python, platforms=platforms)) | set(
        tags.compatible_tags(python, interpreter=interpreter, platforms=platforms)
    )


def check(targets=TARGETS, pythons=PYTHONS, fetch=wheels) -> tuple[list[list[str]], list[str], int]:
    """(table rows, one line per missing wheel, pins checked) for every target and Python."""
    all_pins = {}
    for _, _, _, requirement_files in targets.values():
        for filename in requirement_files:
            for name, version, _ in pins(filename):
                all_pins[(canonicalize_name(name), version)] = (name, version)
    with ThreadPoolExecutor(8) as pool:
        files = dict(zip(all_pins, pool.map(lambda p: fetch(p[0], p[1]), all_pins.values()), strict=True))
    # (tags, Requires-Python) of each wheel: pip skips a wheel whose Requires-Python excludes it.
    tag_sets = {
        key: [(parse_wheel_filename(f)[3], SpecifierSet(requires or "")) for f, requires in found]
        for key, found in files.items()
    }
    missing, rows = [], []
    for target, (platforms, sys_platform, machine, requirement_files) in targets.items():
        wanted = {(canonicalize_name(n), v): (n, v, m) for f in requirement_files for n, v, m in pins(f)}
        row = [target]
        for major, minor in pythons:
            if (major, minor) < OLDEST.get(target, pythons[0]):
                row.append("-")
                continue
            env = {"sys_platform": sys_platform, "platform_machine": machine, "python_version": f"{major}.{minor}"}
            usable = supported((major, minor), platforms)
            python = f"{major}.{minor}.0"
            lacking = [
                f"{name}=={version}"
                for key, (name, version, marker) in wanted.items()
                if (marker is None or Marker(marker).evaluate(env))
                and not any(wheel_tags & usable and python in requires for wheel_tags, requires in tag_sets[key])
            ]
            row.append("ok" if not lacking else f"{len(lacking)} missing")
            missing += [f"{target}, Python {major}.{minor}: no wheel for {pin}" for pin in lacking]
        rows.append(row)
    return rows, missing, len(all_pins)


def main() -> int:
    try:
        rows, missing, count = check()
    except IndexUnreachable as exc:
        print(f"Could not reach PyPI, so no wheel was checked: {exc}", file=sys.stderr)
        return 2
    header = ["platform", *(f"{a}.{b}" for a, b in PYTHONS)]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    print(f"{count} pins checked against {len(TARGETS)} platforms x {len(PYTHONS)} Pythons")
    for line in missing:
        print(line)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
