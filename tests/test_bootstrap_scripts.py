"""The README's commands set a fresh clone up: scripts/bootstrap.sh run for real (bash) in a copy
of the project with a stand-in Python on PATH that records what it is asked to do, and the .bat
files held to what cmd.exe needs (no Windows here: see the closing note of issue 28 for the run
under wine's cmd).

The stand-in is a shell script: `-c` answers the version check (FAKE_PY_OLD=1: too old), `-m venv`
makes a .venv whose python is the stand-in again, `-m pip install -r F` records F, and the
requirements stamp runs the real scripts/requirements_stamp.py."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

needs_bash = pytest.mark.skipif(
    os.name == "nt" or shutil.which("bash") is None,
    reason="scripts/bootstrap.sh is the Linux/macOS bootstrap (Windows runs bootstrap.bat, checked below)",
)

FAKE_PYTHON = f"""#!/bin/sh
echo "python $*" >> "$FAKE_LOG"
case "$1" in
  -c) [ -n "$FAKE_PY_OLD" ] && [ "$0" = "$FAKE_BIN/python3" ] && exit 1; exit 0 ;;
  -m) case "$2" in
        venv) mkdir -p "$3/bin" && cp "$0" "$3/bin/python" && echo "home = x" > "$3/pyvenv.cfg"; exit 0 ;;
        pip) shift 2; while [ "$#" -gt 1 ]; do shift; done; echo "installed $1" >> "$FAKE_LOG"; exit 0 ;;
        backend) echo "backend ran"; exit 0 ;;
      esac ;;
  scripts/requirements_stamp.py) exec {sys.executable} "$@" ;;
esac
exit 2
"""


@pytest.fixture
def project(tmp_path):
    folder = tmp_path / "shop"
    (folder / "scripts").mkdir(parents=True)
    (folder / "backend").mkdir()
    (folder / "backend" / "__main__.py").write_text("", encoding="utf-8")
    for name in ("requirements.txt", "requirements-postgres.txt", "requirements-dev.txt", ".env.example"):
        shutil.copy(ROOT / name, folder / name)
    for name in ("bootstrap.sh", "requirements_stamp.py"):
        shutil.copy(ROOT / "scripts" / name, folder / "scripts" / name)
    shutil.copy(ROOT / "start-backend.sh", folder / "start-backend.sh")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "python3"
    fake.write_text(FAKE_PYTHON, encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    return folder, bin_dir


def start(project, **env):
    folder, bin_dir = project
    log = folder.parent / "python.log"
    environment = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "FAKE_LOG": str(log),
        "FAKE_BIN": str(bin_dir),
        "HOME": str(folder.parent),
        **env,
    }
    result = subprocess.run(
        ["bash", "start-backend.sh"], cwd=folder, env=environment, capture_output=True, text=True, timeout=60
    )
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return result, [line.removeprefix("installed ") for line in lines if line.startswith("installed ")]


@needs_bash
def test_a_fresh_clone_is_set_up_once_and_then_started_at_once(project):
    first, installed = start(project)
    assert first.returncode == 0, first.stderr
    assert installed == ["requirements.txt"]
    assert "Creating the virtual environment in .venv" in first.stdout and "backend ran" in first.stdout
    assert (project[0] / ".env").read_text(encoding="utf-8") == (ROOT / ".env.example").read_text(encoding="utf-8")
    again, installed = start(project)
    assert (again.returncode, installed) == (0, [])
    assert "Creating" not in again.stdout


@needs_bash
def test_database_url_installs_postgresqls_packages_and_an_empty_one_does_not(project):
    assert start(project)[1] == ["requirements.txt"]  # .env.example has DATABASE_URL= (empty)
    assert start(project, DATABASE_URL="postgresql://shop@localhost/shop")[1] == ["requirements-postgres.txt"]
    env_file = project[0] / ".env"
    env_file.write_text(env_file.read_text(encoding="utf-8") + "# DATABASE_URL=postgresql://commented\n", "utf-8")
    assert start(project)[1] == []  # requirements.txt's stamp holds; a comment is not a setting
    (project[0] / ".venv" / "requirements-postgres.sha256").unlink()
    env_file.write_text("DATABASE_URL=postgresql://shop@localhost/shop\r\n", encoding="utf-8")
    assert start(project)[1] == ["requirements-postgres.txt"]


@needs_bash
def test_a_changed_requirements_file_is_installed_again(project):
    start(project)
    with (project[0] / "requirements.txt").open("a", encoding="utf-8") as file:
        file.write("# changed\n")
    assert start(project)[1] == ["requirements.txt"]


@needs_bash
def test_each_failure_says_what_to_do(project, tmp_path):
    folder, _ = project
    too_old, installed = start(project, FAKE_PY_OLD="1")
    assert too_old.returncode == 1 and installed == []
    assert "Python 3.11 or newer is needed" in too_old.stderr
    start(project)
    (folder / ".venv" / "bin" / "python").unlink()
    (folder / ".venv" / "bin" / "python").symlink_to(tmp_path / "uninstalled-python")
    broken, _ = start(project)
    assert broken.returncode == 1
    assert "The .venv folder is broken" in broken.stderr and "delete the .venv folder" in broken.stderr
    (folder / "requirements.txt").unlink()
    alone, _ = start(project)
    assert alone.returncode == 1 and "The project files are not next to this script" in alone.stderr


def test_the_bat_files_are_what_cmd_exe_needs():
    for name in ("start-backend.bat", "run-tests.bat", "scripts/bootstrap.bat"):
        raw = (ROOT / name).read_bytes()
        assert raw.count(b"\n") == raw.count(b"\r\n"), f"{name}: cmd.exe needs CRLF line endings"
        text = raw.decode("ascii")
        # `if errorlevel 1` misses negative exit codes; compare the value instead.
        assert "if errorlevel" not in text.lower(), name
        # pyenv-win's python is a .bat shim: without `call` it never returns to this script.
        for line in text.splitlines():
            if re.search(r"^\s*%PYTHON_CMD%|^\s*(py|python)\s", line, re.I):
                pytest.fail(f"{name}: a Python found on PATH is run without call: {line}")
    for name in ("start-backend.bat", "run-tests.bat"):
        text = (ROOT / name).read_text(encoding="ascii")
        assert text.count("pause") == text.count("if defined CLICKED pause"), "pause only when double-clicked"
        assert "pushd" in text, f"{name}: pushd, so a network share gets a drive letter"


def test_the_bat_files_say_what_the_sh_files_say():
    shell = (ROOT / "scripts" / "bootstrap.sh").read_text(encoding="utf-8")
    batch = (ROOT / "scripts" / "bootstrap.bat").read_text(encoding="ascii").replace("^(", "(").replace("^)", ")")
    for sentence in (
        "Creating the virtual environment in .venv ...",
        "Python 3.11 or newer is needed: install it from https://www.python.org/downloads/",
        "then run this again.",
        "The .venv folder is broken (its Python was removed or moved, or is older than 3.11): "
        "delete the .venv folder and run this again.",
        "The project files are not next to this script (requirements.txt, backend/): run it from the "
        "unpacked project folder (a ZIP must be extracted first: right-click, Extract All).",
        "Installing the requirements failed (see pip's message above).",
        "Created .env from .env.example (no Qikink credentials: the local emulator is used).",
    ):
        assert sentence in shell, sentence
        assert sentence in batch, sentence


@needs_bash
def test_the_shell_scripts_are_executable():
    for name in ("start-backend.sh", "run-tests.sh"):
        assert os.access(ROOT / name, os.X_OK), name
