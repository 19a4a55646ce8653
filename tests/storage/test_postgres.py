"""The PostgreSQL store beyond the shared contract: migrations, SQL listing, import/export, the
pool's limits, the worker's leader lock and the fleet's one Qikink token. A real PostgreSQL
(tests/postgres_server.py), never a mock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from filelock import Timeout

from backend import create_app
from backend.config import Config
from backend.qikink.auth import TokenCache, TokenInfo
from backend.storage import OrderFilter
from backend.storage.atomic import write_json
from backend.storage.errors import StoreUnavailable
from backend.storage.migrations import available, migrate
from backend.storage.postgres import open_postgres_store
from backend.storage.transfer import export_data_dir, import_data_dir
from tests.conftest import ADDRESS, make_data_dir, order_body
from tests.harness import wait_until

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_config(data_dir, database_url) -> Config:
    return Config(
        data_dir=data_dir,
        database_url=database_url,
        ratelimit_enabled=False,
        app_env="test",
        qikink_env="off",
        database_pool_max=4,
        database_pool_timeout=1.0,
    )


@pytest.fixture
def pg_store(pg_config):
    store = open_postgres_store(pg_config)
    yield store
    store.close()


def test_a_number_saved_by_someone_else_after_the_check_is_drawn_again(pg_store, pg_config, monkeypatch):
    """The order sequence's row lock already serialises the stores' draws; should anything insert
    the number between the check and the insert, the primary key decides and the transaction runs
    again with a new number (nothing of the first attempt is kept: stock taken once)."""
    from tests.storage.order_builder import builder

    drawn = iter([1_234_567_890, 2_345_678_901])
    monkeypatch.setattr("backend.storage.postgres.new_order_number", lambda: next(drawn))
    build, builds = builder(sku="BHRT-002-M"), []
    stock = pg_store.products()["BHRT-002-M"]["stock_quantity"]

    def build_while_someone_else_inserts(products, order_id):
        if not builds:  # after the number was found free, before it is inserted
            with psycopg.connect(pg_config.database_url, autocommit=True) as conn:
                conn.execute(
                    "INSERT INTO orders (order_id, seq, customer_email, status, qikink_status, created_at, doc) "
                    "VALUES ('BHRT-1234567890', 1, 'x@example.com', 'pending', 'sync_pending', '', '{}')"
                )
        builds.append(order_id)
        return build(products, order_id)

    order = pg_store.create_order(build_while_someone_else_inserts)[0]
    assert builds == ["BHRT-1234567890", "BHRT-2345678901"] and order["order_id"] == "BHRT-2345678901"
    assert pg_store.get_order("BHRT-2345678901") == order
    assert pg_store.products()["BHRT-002-M"]["stock_quantity"] == stock - 1


def test_migrations_run_once_when_servers_start_together(pg_config):
    with ThreadPoolExecutor(4) as pool:
        stores = list(pool.map(lambda _: open_postgres_store(pg_config), range(4)))
    try:
        with psycopg.connect(pg_config.database_url) as conn:
            versions = [row[0] for row in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
        assert versions == [version for version, _, _ in available()]
        assert migrate(stores[0].pool) == []
    finally:
        for store in stores:
            store.close()


def test_db_migrate_command_hides_the_password(database_url, data_dir):
    # trust authentication ignores the password: it stands for a real one that must never be printed
    url = database_url.replace("postgres@", "postgres:Sup3rS3cret@")
    env = {**os.environ, "DATABASE_URL": url, "DATA_DIR": str(data_dir), "QIKINK_ENV": "off", "PAYMENTS_ENV": "off"}
    done = subprocess.run(
        [sys.executable, "-m", "backend", "db", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout and "postgres:***@" in done.stdout
    assert "Sup3rS3cret" not in done.stdout + done.stderr


def test_unreachable_database_is_a_startup_error_without_the_password(data_dir):
    from backend.storage.errors import StoreStartupError
    from tests.harness import free_port

    config = Config(
        data_dir=data_dir,
        database_url=f"postgresql://shop:Hidden99@127.0.0.1:{free_port()}/shop",
        database_connect_timeout=1,
        database_pool_timeout=0.5,
    )
    with pytest.raises(StoreStartupError) as caught:
        open_postgres_store(config)
    assert "Hidden99" not in str(caught.value) and "shop:***@" in str(caught.value)


def test_listing_filters_in_sql_on_indexed_columns(pg_store):
    service = create_app(Config(qikink_env="off", app_env="test"), store=pg_store).extensions["shop"].orders
    for email in ("a@example.com", "B@example.com", "a@example.com"):
        service.place(
            order_body(
                customer_email=email,
                shipping_address="12 MG Road, Mumbai 400001" if email.startswith("B") else dict(ADDRESS),
            )
        )
    orders, total = service.list(email="A@EXAMPLE.COM", page=1, per_page=1)
    assert total == 2 and len(orders) == 1 and orders[0]["customer_email"] == "a@example.com"
    assert service.list(qikink_status="action_required")[1] == 1
    assert pg_store.list_orders(OrderFilter(status="pending"), page=2, per_page=50) == ([], 2)
    with pg_store.pool.connection() as conn:
        conn.execute("SET enable_seqscan = off")
        plan = " ".join(
            r[0]
            for r in conn.execute(
                "EXPLAIN SELECT doc FROM orders WHERE lower(customer_email) = lower('a@example.com') ORDER BY seq DESC"
            )
        )
    assert "orders_email_idx" in plan


def test_concurrent_orders_take_stock_exactly(pg_config, pg_store):
    pg_store.update_product("BHRT-001-M", {"stock_quantity": 30})
    app = create_app(pg_config.with_overrides(database_pool_max=8, database_pool_timeout=10), store=pg_store)
    codes = []

    def place(_):
        response = app.test_client().post("/api/orders", json=order_body(items=[{"sku": "BHRT-001-M", "quantity": 1}]))
        codes.append(response.status_code)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(place, range(40)))
    assert codes.count(201) == 30 and codes.count(409) == 10
    assert pg_store.products()["BHRT-001-M"]["stock_quantity"] == 0
    assert len(pg_store.order_ids()) == 30


def test_same_idempotency_key_at_once_makes_one_order(pg_store):
    service = create_app(Config(qikink_env="off", app_env="test"), store=pg_store).extensions["shop"].orders
    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda _: service.place(order_body(), idempotency_key="same-key"), range(6)))
    assert len({order["order_id"] for order, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert pg_store.products()["BHRT-001-M"]["stock_quantity"] == 13


def test_exhausted_pool_answers_503_with_retry_after_not_a_hang(pg_config, pg_store):
    """Two connections, both held by requests waiting on a lock: the next request gets 503 after
    DATABASE_POOL_TIMEOUT (not once the blocked statements time out), and everything works again
    once the slow requests finish."""
    statement_timeout = 60.0
    config = pg_config.with_overrides(
        database_pool_max=2, database_pool_timeout=1.0, database_statement_timeout=statement_timeout
    )
    store = open_postgres_store(config)
    client = create_app(config, store=store).test_client()
    blocker = psycopg.connect(config.database_url)
    blocker.execute("SELECT * FROM order_sequence FOR UPDATE")  # every create now waits for this row
    try:
        with ThreadPoolExecutor(2) as pool:
            slow = [pool.submit(client.post, "/api/orders", json=order_body()) for _ in range(2)]
            wait_until(lambda: waiting_on_a_lock(config.database_url) == 2, 30, what="both pool connections blocked")
            started = time.monotonic()
            refused = client.get("/api/orders/BHRT-1?email=a@example.com")
            waited = time.monotonic() - started
            assert refused.status_code == 503 and refused.json["error"]["code"] == "storage_unavailable"
            assert refused.headers["Retry-After"] and 0.8 < waited < statement_timeout / 2
            blocker.rollback()
            assert [f.result(timeout=statement_timeout).status_code for f in slow] == [201, 201]
        assert client.post("/api/orders", json=order_body()).status_code == 201
    finally:
        blocker.close()
        store.close()


def waiting_on_a_lock(database_url: str) -> int:
    """How many sessions of this database wait on a lock (e.g. a row another one holds)."""
    with psycopg.connect(database_url, autocommit=True) as observer:
        return observer.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()[0]


def test_one_worker_leader_at_a_time(pg_store):
    first, second = pg_store.fleet.worker_lock(), pg_store.fleet.worker_lock()
    first.acquire(timeout=0)
    assert first.is_locked
    with pytest.raises(Timeout):
        second.acquire(timeout=0)
    assert not second.is_locked  # connected, but not the holder
    first.release()
    second.acquire(timeout=1)
    assert second.is_locked and not first.is_locked
    second.release()


def test_servers_racing_to_mint_share_one_token(pg_store):
    minted = []
    gate = threading.Barrier(6)

    def mint():
        time.sleep(0.2)  # a slow Qikink: the others must wait, then re-read, not mint again
        minted.append(1)
        return TokenInfo(token=f"token-{len(minted)}", expires_at=time.time() + 3600)

    def server(_):
        cache = TokenCache(shared=pg_store.fleet.token_store("client-1", "secret-1"))  # one per "server"
        gate.wait()
        return cache.get(mint).token

    with ThreadPoolExecutor(6) as pool:
        tokens = list(pool.map(server, range(6)))
    assert minted == [1] and set(tokens) == {"token-1"}
    with pg_store.pool.connection() as conn:
        stored = bytes(conn.execute("SELECT token FROM qikink_tokens").fetchone()[0])
    assert b"token-1" not in stored  # encrypted at rest
    assert pg_store.fleet.token_store("client-1", "another-secret").load() is None


def test_refused_token_is_replaced_once_for_the_fleet(pg_store):
    count = [0]

    def mint():
        count[0] += 1
        return TokenInfo(token=f"t{count[0]}", expires_at=time.time() + 3600)

    a = TokenCache(shared=pg_store.fleet.token_store("c", "s"))
    b = TokenCache(shared=pg_store.fleet.token_store("c", "s"))
    assert a.get(mint).token == b.get(mint).token == "t1"
    a.invalidate("t1")  # Qikink refused it
    assert a.get(mint).token == "t2"
    b.invalidate("t1")  # b learns later: it must take t2, not mint t3
    assert b.get(mint).token == "t2" and count[0] == 2


def _write_data_dir(path: Path, orders: int) -> None:
    """A JSON data directory with `orders` orders, some keys, and an interrupted write's intent."""
    make_data_dir(path, stock=50_000)
    (path / "orders").mkdir()
    (path / "idempotency").mkdir()
    base = 1_790_000_000
    for i in range(orders):
        order_id = f"BHRT-{base + i}"
        order = {
            "order_id": order_id,
            "customer_email": f"c{i % 97}@example.com",
            "shipping_address": dict(ADDRESS),
            "items": [{"sku": "BHRT-001-M", "name": "Tee", "quantity": 1, "price": 1299.5, "line_total": 1299.5}],
            "total": 1299.5,
            "currency": "INR",
            "payment_method": "prepaid",
            "status": ("pending", "confirmed", "delivered")[i % 3],
            "qikink_status": "synced" if i % 3 else "sync_pending",
            "created_at": f"2026-01-{1 + i % 28:02d}T10:00:00+00:00",
            "updated_at": "2026-01-29T10:00:00+00:00",
            "events": [
                {
                    "event": "order_received",
                    "timestamp": "2026-01-01T10:00:00+00:00",
                    "location": None,
                    "description": "Order placed",
                }
            ],
            "sync": {"synced_at": "2026-01-01T10:00:01+00:00"} if i % 3 else {"lookup_first": True, "attempts": 2},
        }
        (path / "orders" / f"{order_id}.json").write_text(json.dumps(order), encoding="utf-8")
        if i % 10 == 0:
            (path / "idempotency" / f"{i:064x}.json").write_text(json.dumps({"order_id": order_id}), encoding="utf-8")
    write_json(
        path / "state.json",
        {
            "version": 1,
            "last_order_seq": base + orders - 1,
            "stock": {"BHRT-001-M": 50_000 - orders - 7},
            "prices": {"BHRT-002-M": 1499},
            "intents": {f"BHRT-{base + orders}": {"BHRT-001-M": 7}},
        },
    )


def test_import_ten_thousand_orders_twice_then_export_and_compare(tmp_path, pg_config, pg_store):
    source = tmp_path / "json-data"
    _write_data_dir(source, 10_000)
    started = time.monotonic()
    first = import_data_dir(pg_store, source)
    first_seconds = time.monotonic() - started
    env = {
        **os.environ,
        "DATABASE_URL": pg_config.database_url,
        "DATA_DIR": str(pg_config.data_dir),
        "QIKINK_ENV": "off",
    }
    second = subprocess.run(
        [sys.executable, "-m", "backend", "db", "import", "--from", str(source)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert second.returncode == 0, second.stderr
    again = json.loads(second.stdout)
    assert first["orders_added"] == 10_000 and again["orders_added"] == 0
    assert again["orders_in_directory"] == first["orders_in_directory"] == 10_000
    assert again["idempotency_keys"] == first["idempotency_keys"] == 1_000
    assert len(pg_store.order_ids()) == 10_000
    assert pg_store.products()["BHRT-001-M"]["stock_quantity"] == 50_000 - 10_000  # the intent's 7 came back
    assert pg_store.list_orders(OrderFilter(status="pending"), per_page=1)[1] == 3_334

    target = tmp_path / "exported"
    started = time.monotonic()
    exported = export_data_dir(pg_store, target, pg_config.catalogue_file)
    export_seconds = time.monotonic() - started
    assert exported["orders"] == 10_000 and exported["idempotency_keys"] == 1_000
    for path in (source / "orders").iterdir():
        assert json.loads((target / "orders" / path.name).read_text(encoding="utf-8")) == json.loads(path.read_text())
    assert sorted(p.name for p in (target / "idempotency").iterdir()) == sorted(
        p.name for p in (source / "idempotency").iterdir()
    )
    state = json.loads((target / "state.json").read_text(encoding="utf-8"))
    assert state["stock"]["BHRT-001-M"] == 40_000 and state["prices"] == {"BHRT-002-M": 1499}
    assert state["last_order_seq"] == 1_790_009_999
    from backend.storage import JournalOrderStore, load_catalogue

    reopened = JournalOrderStore(target, load_catalogue(target / "products.json"))
    assert len(reopened.order_ids()) == 10_000 and reopened.quarantined == []
    print(f"\nimport 10,000 orders: {first_seconds:.2f}s; export: {export_seconds:.2f}s")


def test_import_skips_an_unreadable_order_and_its_key(tmp_path, pg_store):
    source = tmp_path / "json-data"
    _write_data_dir(source, 3)
    (source / "orders" / "BHRT-1790000001.json").write_bytes(b'{"order_id": "BHRT-17')  # cut short by a crash
    report = import_data_dir(pg_store, source)
    assert report["orders_added"] == 2 and len(report["skipped"]) == 1 and "BHRT-1790000001" in report["skipped"][0]
    assert pg_store.order_ids() == ["BHRT-1790000002", "BHRT-1790000000"]
    with pg_store.pool.connection() as conn:
        assert conn.execute("SELECT order_id FROM idempotency_keys").fetchall() == [("BHRT-1790000000",)]
    assert import_data_dir(pg_store, source)["orders_already_there"] == 2


def test_storage_errors_during_a_request_are_503(pg_config, pg_store):
    client = create_app(pg_config, store=pg_store).test_client()
    pg_store.pool.close()  # as good as a database that went away
    response = client.post("/api/orders", json=order_body())
    assert response.status_code == 503 and response.json["error"]["code"] == "storage_unavailable"
    assert response.headers["Retry-After"]
    health = client.get("/api/health")
    assert health.status_code == 503 and health.json["storage"] == "unavailable"
    with pytest.raises(StoreUnavailable):
        pg_store.get_order("BHRT-1")


def test_banner_and_config_never_show_the_database_password(tmp_path):
    import io

    from backend.cli.banner import print_banner

    config = Config.from_env(
        {
            "DATABASE_URL": "postgresql://shop:Pa55word-x@db.example:5432/shop",
            "DATA_DIR": str(tmp_path),
            "QIKINK_ENV": "off",
        }
    )
    out = io.StringIO()
    print_banner(config, None, emulator_url=None, stream=out)
    assert "Storage: PostgreSQL at postgresql://shop:***@db.example:5432/shop" in out.getvalue()
    assert "Pa55word-x" not in out.getvalue() + repr(config)


def test_servers_on_one_database_share_one_qikink_call_budget(pg_config, pg_store):
    """Two servers (two stores, as on two machines) count their Qikink calls in one window per
    account: together they take what one would, and tracking leaves room for new orders."""
    from backend.qikink import CallBudget

    other = open_postgres_store(pg_config)
    try:
        first, second = (
            CallBudget(30, window=store.fleet.call_window("acct"), account="acct") for store in (pg_store, other)
        )
        taken = {"tracking": 0, "create": 0}
        for kind in ("tracking", "create"):
            for budget in (first, second, first, second) * 10:
                taken[kind] += budget.try_take(kind) == 0
        assert taken == {"tracking": 27, "create": 2}
        assert (
            first.usage()["last_minute"]
            == second.usage()["last_minute"]
            == {"token": 0, "create": 2, "lookup": 0, "tracking": 27}
        )
        assert CallBudget(30, window=other.fleet.call_window("another"), account="another").try_take("create") == 0
    finally:
        other.close()


def test_a_forced_mint_on_one_server_spaces_the_next_on_every_server(pg_config, pg_store):
    """Issue 24: the fleet's window says when the account's last token was minted, so a forced mint
    on another server within the minute is refused at once (it would log the first one out)."""
    from backend.qikink import CallBudget, QikinkRateLimited
    from backend.qikink.client import FORCED_MINT_SECONDS

    other = open_postgres_store(pg_config)
    try:
        first, second = (
            CallBudget(30, window=store.fleet.call_window("acct-forced"), account="acct-forced", sleep=pytest.fail)
            for store in (pg_store, other)
        )
        first.acquire("token", wait=False, apart=FORCED_MINT_SECONDS)
        with pytest.raises(QikinkRateLimited):
            second.acquire("token", wait=True, apart=FORCED_MINT_SECONDS)
        assert second.since_last("token") is not None and second.usage()["last_minute"]["token"] == 1
    finally:
        other.close()
