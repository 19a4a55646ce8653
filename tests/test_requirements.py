"""What a shop installs: the embedded default needs none of PostgreSQL's packages, the files
include one another as the bootstrap scripts expect, and the wheel check finds a pin that has no
wheel for a platform or Python (the check itself runs against PyPI in .ci/run, not here)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from backend.config import Config
from backend.storage import open_store
from backend.storage.errors import StoreStartupError
from tests.conftest import make_data_dir, order_body

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ONLY = {"psycopg", "psycopg-binary", "psycopg-pool", "cryptography", "cffi", "pycparser"}


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_wheels = _load("check_wheels")
requirements_stamp = _load("requirements_stamp")


def names(filename: str) -> set[str]:
    return {name.lower() for name, _, _ in check_wheels.pins(filename)}


def test_the_embedded_default_installs_nothing_of_postgresql_and_the_files_include_each_other():
    assert not names("requirements.txt") & POSTGRES_ONLY
    assert POSTGRES_ONLY <= names("requirements-postgres.txt")
    assert names("requirements.txt") < names("requirements-postgres.txt") < names("requirements-dev.txt")
    # A change to requirements.txt reinstalls every file that includes it.
    assert list(requirements_stamp.included("requirements-dev.txt")) == [
        "requirements-dev.txt",
        "requirements-postgres.txt",
        "requirements.txt",
    ]


def test_the_server_runs_and_takes_an_order_without_postgresqls_packages(tmp_path):
    """In a fresh interpreter where psycopg and cryptography cannot be imported, as on a machine
    that installed only requirements.txt."""
    data_dir = make_data_dir(tmp_path / "data")
    script = textwrap.dedent(
        f"""
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("psycopg", "psycopg_pool", "psycopg_binary", "cryptography", "cffi"):
                    raise ImportError(f"blocked: {{name}}", name=name)
        sys.meta_path.insert(0, Block())
        from backend import create_app
        from pathlib import Path
        from backend.config import Config
        app = create_app(Config(data_dir=Path({str(data_dir)!r}), ratelimit_enabled=False, app_env="test", qikink_env="off"))
        answer = app.test_client().post("/api/orders", json={order_body()!r})
        assert answer.status_code == 201, answer.get_json()
        assert app.test_client().get("/api/openapi.json").status_code == 200
        print("ok", sorted(m for m in sys.modules if m.split(".")[0] in ("psycopg", "cryptography")))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "ok []"


def test_database_url_without_postgresqls_packages_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "backend.storage.postgres", None)  # import fails as if psycopg were absent
    config = Config(data_dir=make_data_dir(tmp_path / "data"), database_url="postgresql://shop@localhost/shop")
    with pytest.raises(StoreStartupError, match="requirements-postgres.txt"):
        open_store(config)


def _wheel_check(tmp_path, monkeypatch, requirements: str, wheels: dict, targets=None):
    (tmp_path / "requirements.txt").write_text(requirements, encoding="utf-8")
    monkeypatch.setattr(check_wheels, "ROOT", tmp_path)
    targets = targets or {
        "Windows x64": (["win_amd64"], "win32", "AMD64", ("requirements.txt",)),
        "Linux x86_64": (check_wheels._manylinux("x86_64", 5), "linux", "x86_64", ("requirements.txt",)),
    }
    return check_wheels.check(targets, [(3, 11), (3, 15)], fetch=lambda name, version: wheels[name])


def test_the_wheel_check_names_each_pin_platform_and_python_without_a_wheel(tmp_path, monkeypatch):
    rows, missing, count = _wheel_check(
        tmp_path,
        monkeypatch,
        "pure==1.0\nnative==2.0\nold==3.0\nwinonly==4.0; sys_platform == 'win32'\n",
        {
            "pure": [("pure-1.0-py3-none-any.whl", ">=3.9")],
            # abi3 from 3.11 on Windows; only a cp311 wheel on Linux (its legacy manylinux1 tag).
            "native": [
                ("native-2.0-cp311-abi3-win_amd64.whl", None),
                ("native-2.0-cp311-cp311-manylinux1_x86_64.whl", None),
            ],
            # A wheel for any Python, but its Requires-Python stops before 3.15.
            "old": [("old-3.0-py3-none-any.whl", "<3.15")],
            "winonly": [("winonly-4.0-cp315-cp315-win_amd64.whl", None)],
        },
    )
    assert count == 4
    assert sorted(missing) == [
        "Linux x86_64, Python 3.15: no wheel for native==2.0",
        "Linux x86_64, Python 3.15: no wheel for old==3.0",
        "Windows x64, Python 3.11: no wheel for winonly==4.0",
        "Windows x64, Python 3.15: no wheel for old==3.0",
    ]
    assert rows == [["Windows x64", "1 missing", "1 missing"], ["Linux x86_64", "ok", "2 missing"]]


def test_the_wheel_check_reads_a_package_pinned_per_platform_as_two_pins(tmp_path, monkeypatch):
    targets = {
        "macOS x86_64": (
            list(check_wheels.tags.mac_platforms((12, 0), "x86_64")),
            "darwin",
            "x86_64",
            ("requirements.txt",),
        ),
        "macOS arm64": (
            list(check_wheels.tags.mac_platforms((14, 0), "arm64")),
            "darwin",
            "arm64",
            ("requirements.txt",),
        ),
    }
    wheels = {
        "crypto": [
            ("crypto-9.0-cp311-abi3-macosx_11_0_arm64.whl", None),
            ("crypto-8.0-cp311-abi3-macosx_10_9_universal2.whl", None),
        ]
    }
    requirements = 'crypto==9.0; platform_machine != "x86_64"\ncrypto==8.0; platform_machine == "x86_64"\n'
    fetch = {("crypto", "9.0"): wheels["crypto"][:1], ("crypto", "8.0"): wheels["crypto"][1:]}
    (tmp_path / "requirements.txt").write_text(requirements, encoding="utf-8")
    monkeypatch.setattr(check_wheels, "ROOT", tmp_path)
    rows, missing, count = check_wheels.check(targets, [(3, 12)], fetch=lambda n, v: fetch[(n, v)])
    assert (count, missing) == (2, [])


def test_a_line_that_is_not_a_pin_is_refused(tmp_path, monkeypatch):
    (tmp_path / "requirements.txt").write_text("flask>=3\n", encoding="utf-8")
    monkeypatch.setattr(check_wheels, "ROOT", tmp_path)
    with pytest.raises(SystemExit, match="not a pin"):
        check_wheels.pins("requirements.txt")
