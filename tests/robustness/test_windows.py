"""§8 Windows behaviours, simulated: a held file blocks os.replace, a console that cannot print ✓."""

from __future__ import annotations

import errno
import io
import os

import pytest

from backend import create_app
from backend.cli.banner import print_banner, symbols
from backend.config import Config
from backend.storage import atomic
from tests.conftest import make_data_dir, order_body
from tests.robustness import figures


def held_file_replace(monkeypatch, failures: int | None):
    """os.replace failing as on Windows while another process has the target open; None = for ever."""
    real = os.replace
    left = {"n": failures}

    def replace(source, target):
        if left["n"] is None or left["n"] > 0:
            if left["n"] is not None:
                left["n"] -= 1
            figures.add("faults_injected")
            raise PermissionError(
                errno.EACCES,
                "The process cannot access the file because it is being used by another process",
                str(target),
            )
        return real(source, target)

    monkeypatch.setattr(atomic.os, "replace", replace)
    return left


@pytest.fixture
def client(tmp_path):
    app = create_app(
        Config(data_dir=make_data_dir(tmp_path / "data"), ratelimit_enabled=False, app_env="test", qikink_env="off")
    )
    return app.test_client(), tmp_path / "data"


def test_compaction_retries_a_replace_blocked_for_a_moment(client, monkeypatch):
    """Orders are appended (no replace); the compaction's os.replace is what another process
    holding the journal open can block on Windows."""
    client, data_dir = client
    store = client.application.extensions["shop"].store
    order_id = client.post("/api/orders", json=order_body()).json["data"]["order_id"]
    client.post("/api/orders", json=order_body())
    left = held_file_replace(monkeypatch, 4)
    assert store.compact()["orders"] == 2 and left["n"] == 0
    assert client.get(f"/api/orders/{order_id}?email=asha@example.com").status_code == 200


def test_compaction_blocked_for_good_is_a_clean_failure_and_orders_go_on(client, monkeypatch):
    from backend.storage.errors import StoreWriteFailed

    client, data_dir = client
    first = client.post("/api/orders", json=order_body()).json["data"]["order_id"]
    store = client.application.extensions["shop"].store
    journal = (data_dir / "orders.jsonl").read_bytes()
    held_file_replace(monkeypatch, None)
    monkeypatch.setattr(atomic, "_REPLACE_RETRY_SECONDS", 0.2)
    with pytest.raises(StoreWriteFailed):
        store.compact()
    assert (data_dir / "orders.jsonl").read_bytes() == journal
    assert not list(data_dir.rglob("*.tmp"))
    assert client.post("/api/orders", json=order_body()).status_code == 201
    monkeypatch.undo()
    assert client.get("/api/products/BHRT-001-M").json["data"]["stock_quantity"] == 11
    assert len(store.order_ids()) == 2 and first in store.order_ids()


class Console(io.TextIOWrapper):
    """A console stream with a Windows code page."""


@pytest.mark.parametrize("encoding", ["cp1252", "cp437", "ascii"])
def test_banner_falls_back_to_ascii_where_the_tick_cannot_print(tmp_path, encoding):
    raw = io.BytesIO()
    console = Console(raw, encoding=encoding, errors="strict", write_through=True)
    assert symbols(console) == ("[OK]", "[!!]")
    config = Config(data_dir=tmp_path / "डेटा ✓ data", app_env="test", qikink_env="off")
    print_banner(config, None, emulator_url=None, stream=console)
    text = raw.getvalue().decode(encoding)
    assert "[OK] Flask server starting..." in text and "Listening on" in text


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_real_server_starts_on_a_code_page_console(tmp_path, start_server, encoding):
    """The whole start-up, with stdout in a Windows code page and a data folder named outside it."""
    data_dir = make_data_dir(tmp_path / "Aśha's ✓ data")
    server = start_server(data_dir, PYTHONIOENCODING=encoding)
    assert server.post("/api/orders", json=order_body()).status_code == 201
    output = server.output()
    assert "[OK] Flask server starting..." in output and "✓" not in output
