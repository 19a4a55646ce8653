"""The benchmark: the real server (`python -m backend`, waitress) and the Qikink emulator on
127.0.0.1, loaded by wrk (or the bundled generator), against seeded data directories.

    .venv/bin/python -m bench                  # the full run (README, "Performance")
    .venv/bin/python -m bench --quick          # a few seconds per scenario, 10,000 at most

Prints a table and the ratios the targets are stated in, and saves everything as JSON in
bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import run_load, wrk_available  # noqa: E402
from bench.seed import CACHE, cached_seed, order_body, working_copy  # noqa: E402
from tests.harness import EmulatorProcess, Process, ServerProcess, free_port, wait_until  # noqa: E402
from tests.postgres_server import PostgresUnavailable  # noqa: E402
from tests.postgres_server import launch as launch_postgres

RESULTS = Path(__file__).resolve().parent / "results"
SERVER_ENV = {
    "RATELIMIT_ENABLED": "false",
    "MAX_CONNECTIONS_PER_CLIENT": "0",  # a load generator is one client with many connections
    "SYNC_INTERVAL_SECONDS": "15",
    "QIKINK_PUSH_BUDGET_SECONDS": "5",
    "QIKINK_CONNECT_TIMEOUT": "3.05",
    "QIKINK_READ_TIMEOUT": "10",
    "QIKINK_RATE_LIMIT_PER_MINUTE": "0",
    "QIKINK_EMULATOR_STEP_SECONDS": "5",
}
# A customer's own orders, newest first: a filtered listing (SQL on PostgreSQL, a scan of the files).
LIST_PATH = "/api/orders?email=bench7@example.com&per_page=20"
# Issue 12's goals: at least the Flask + SQLite peer, half of our own ceiling, p99 < 50 ms, flat
# to 100,000 orders, cold start ≤ 1 s and ≤ 150 MB resident there, a filtered list ≤ 20 ms.
TARGETS = {
    "create_vs_ceiling": 0.50,
    "create_vs_peer": 1.00,
    "median_create_vs_peer": 1.00,
    "median_create_vs_ceiling": 0.50,
    "create_push_vs_ceiling": 0.30,
    "p99_create_ms": 50.0,
    "create_100k_vs_100": 0.80,
    "cold_start_s": 1.0,
    "rss_mb": 150.0,
    "get_order_vs_ceiling": 0.70,
    "list_ms": 20.0,
}


def cpu_times(pid: int) -> tuple[float, float] | None:
    """User and system CPU seconds process `pid` has used so far (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / ticks, int(fields[12]) / ticks  # utime, stime


def cpu_per_request(before: tuple | None, after: tuple | None, requests_done: int, seconds: float) -> dict | None:
    """What one request cost a process: user and system CPU ms, and the processors it kept busy."""
    if before is None or after is None or not requests_done:
        return None
    user, system = after[0] - before[0], after[1] - before[1]
    return {
        "user_ms": round(1000 * user / requests_done, 3),
        "sys_ms": round(1000 * system / requests_done, 3),
        "ms": round(1000 * (user + system) / requests_done, 3),
        "cores": round((user + system) / seconds, 2) if seconds else None,
    }


def wait_idle(pid: int, *, busy_share: float = 0.05, timeout: float = 60.0) -> None:
    """Wait until process `pid` uses under `busy_share` of a processor over half a second (Linux
    /proc; elsewhere a fixed pause), so that one server's leftover work does not load the next run."""
    if cpu_times(pid) is None:
        time.sleep(2.0)
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = sum(cpu_times(pid) or (0.0, 0.0))
        time.sleep(0.5)
        if sum(cpu_times(pid) or (0.0, 0.0)) - before < busy_share * 0.5:
            return


def rss_mb(pid: int) -> dict:
    """Resident memory now and at its peak, from /proc/<pid>/status (Linux only)."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return {}
    fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
    return {
        key: round(int(fields[name].split()[0]) / 1024, 1)
        for key, name in (("rss_mb", "VmRSS"), ("peak_rss_mb", "VmHWM"))
        if name in fields
    }


class Bench:
    """One benchmark run: its options, its scratch folder and the figures gathered so far."""

    def __init__(self, args):
        self.args = args
        self.results: dict = {"scenarios": {}, "startup": {}, "ratios": {}, "list_ms": {}}
        CACHE.mkdir(parents=True, exist_ok=True)
        self.scratch = Path(tempfile.mkdtemp(prefix="run-", dir=CACHE))
        self.logs = self.scratch / "logs"
        self.logs.mkdir()

    def say(self, text: str) -> None:
        if not self.args.silent:
            print(text, flush=True)

    def data_dir(self, stored: int, name: str) -> Path:
        """A writable data directory holding `stored` orders made by the store's code."""
        return working_copy(cached_seed(stored, fsync=self.args.seed_fsync, log=self.say), self.scratch / name)

    def load(
        self,
        name: str,
        url: str,
        *,
        method: str = "GET",
        body: dict | None = None,
        watch: dict[str, Process] | None = None,
        **context,
    ) -> dict:
        """One load run; `watch` names the processes whose CPU per request is recorded with it
        (the server, and the emulator it pushes to)."""
        payload = json.dumps(body).encode() if body is not None else None
        watched = {who: process.proc.pid for who, process in (watch or {}).items()}
        before = {who: cpu_times(pid) for who, pid in watched.items()}
        began = time.monotonic()
        figures = run_load(
            url,
            tool=self.args.tool,
            method=method,
            body=payload,
            connections=self.args.connections,
            duration=self.args.duration,
        )
        elapsed = time.monotonic() - began
        cpu = {
            who: cpu_per_request(before[who], cpu_times(pid), figures["requests"], elapsed)
            for who, pid in watched.items()
        }
        figures["cpu"] = {who: cost for who, cost in cpu.items() if cost}
        figures.update(context)
        self.results["scenarios"][name] = figures
        server_cpu = figures["cpu"].get("server")
        self.say(
            f"  {name:<28} {figures['rps']:>9.1f} req/s  p50 {figures['p50_ms']:>7.2f} ms  "
            f"p99 {figures['p99_ms']:>7.2f} ms  errors {figures['errors']}"
            + (f"  server CPU {server_cpu['ms']:.2f} ms/req" if server_cpu else "")
        )
        return figures

    def start_server(
        self, data_dir: Path, *, emulator_url: str | None = None, extra_env: dict | None = None
    ) -> tuple[ServerProcess, float]:
        env = {**SERVER_ENV, **(extra_env or {})}
        if self.args.threads:
            env["SERVER_THREADS"] = str(self.args.threads)
        server = ServerProcess(data_dir, self.logs, emulator_url=emulator_url, env=env)
        began = time.monotonic()
        server.start(timeout=120)
        return server, time.monotonic() - began

    def place_one(self, server: ServerProcess) -> str:
        response = server.post("/api/orders", json=order_body())
        response.raise_for_status()
        return response.json()["data"]["order_id"]

    # --- the scenarios ---------------------------------------------------------------------
    def ours_qikink_off(self, stored: int, *, full: bool) -> None:
        self.say(f"server, Qikink off, {stored:,} orders stored")
        server, started = self.start_server(self.data_dir(stored, f"off-{stored}"))
        try:
            self.results["startup"][str(stored)] = {"cold_start_s": round(started, 2), **rss_mb(server.proc.pid)}
            context = {"stored": stored, "qikink": "off", "watch": {"server": server}}
            if full:
                self.load(f"health@{stored}", f"{server.url}/api/health", **context)
            self.load(f"create@{stored}", f"{server.url}/api/orders", method="POST", body=order_body(), **context)
            order_id = self.place_one(server)
            self.load(f"get_order@{stored}", f"{server.url}/api/orders/{order_id}?email=bench0@example.com", **context)
            if full:
                self.load(f"products@{stored}", f"{server.url}/api/products", **context)
            self.load(f"list@{stored}", f"{server.url}{LIST_PATH}", **context)
            self.results["list_ms"][str(stored)] = self.time_list(server)
            self.results["startup"][str(stored)].update(
                {f"after_load_{k}": v for k, v in rss_mb(server.proc.pid).items()}
            )
        finally:
            server.stop()

    def time_list(self, server: ServerProcess) -> dict:
        """Median ms of one admin list (the console's: a page of 50 and the counts) with each filter,
        one request at a time (the development server needs no admin key)."""
        timings = {}
        for name, params in (
            ("qikink_status", {"qikink_status": "sync_pending"}),
            ("status", {"status": "pending"}),
            ("email", {"email": "bench7@example.com"}),
        ):
            samples = []
            for _ in range(15):
                began = time.perf_counter()
                response = server.get("/api/orders", params={**params, "per_page": 50, "counts": "qikink_status"})
                samples.append((time.perf_counter() - began) * 1000)
                response.raise_for_status()
            timings[name] = round(sorted(samples)[len(samples) // 2], 2)
        return timings

    def start_peer(self, stored: int) -> tuple[Process, str]:
        """The Flask + SQLite peer (bench/peers/flask_sqlite.py) with `stored` orders, same threads."""
        data_dir = self.scratch / f"peer-{stored}-{free_port()}"
        Process(
            ["-m", "bench.peers.flask_sqlite", "--data-dir", str(data_dir), "--seed", str(stored)],
            {},
            self.logs / "peer-seed.log",
        ).start().proc.wait(600)
        port = free_port()
        app = Process(
            [
                "-m",
                "bench.peers.flask_sqlite",
                "--data-dir",
                str(data_dir),
                "--port",
                str(port),
                "--threads",
                str(self.args.threads or 8),
            ],
            {},
            self.logs / f"peer-{port}.log",
        ).start()
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until(lambda: requests.get(f"{url}/api/health", timeout=1).ok, 60, what="peer app")
        except BaseException:
            app.stop()
            raise
        return app, url

    def peer(self, stored: int) -> None:
        self.say(f"peer: Flask + SQLite (WAL, synchronous=FULL), {stored:,} orders stored")
        app, url = self.start_peer(stored)
        try:
            context = {"stored": stored, "qikink": "off", "watch": {"server": app}}
            self.load(f"peer_health@{stored}", f"{url}/api/health", **context)
            self.load(f"peer_create@{stored}", f"{url}/api/orders", method="POST", body=order_body(), **context)
        finally:
            app.stop()

    def head_to_head(self, stored: int, rounds: int) -> None:
        """Our health and create and the peer's, alternated `rounds` times on two servers started
        once: one run varies by ±30 % on a shared machine, so the ratios use the medians. Each
        run starts when both servers are idle (ours sends the burst's confirmation emails after it)."""
        self.say(f"head to head: ours and the peer, alternated {rounds} times, {stored:,} orders stored")
        server, _ = self.start_server(self.data_dir(stored, f"h2h-{stored}"))
        try:
            peer_app, peer_url = self.start_peer(stored)
        except BaseException:
            server.stop()
            raise
        pids = (server.proc.pid, peer_app.proc.pid)
        try:
            for round_no in range(1, rounds + 1):
                for who, url, process in (("ours", server.url, server), ("peer", peer_url, peer_app)):
                    context = {"stored": stored, "qikink": "off", "round": round_no, "watch": {"server": process}}
                    for pid in pids:
                        wait_idle(pid)
                    self.load(f"h2h_{who}_health@{stored}#{round_no}", f"{url}/api/health", **context)
                    self.load(
                        f"h2h_{who}_create@{stored}#{round_no}",
                        f"{url}/api/orders",
                        method="POST",
                        body=order_body(),
                        **context,
                    )
        finally:
            server.stop()
            peer_app.stop()

    def ours_postgres(self, postgres, stored: int) -> None:
        """The same server on PostgreSQL, its database imported from the same seeded directory."""
        from backend.config import Config
        from backend.storage.postgres import open_postgres_store
        from backend.storage.transfer import import_data_dir

        self.say(f"server on PostgreSQL, Qikink off, {stored:,} orders stored")
        data_dir = self.data_dir(stored, f"pg-{stored}")
        url = postgres.create_database()
        store = open_postgres_store(Config(data_dir=data_dir, database_url=url))
        try:
            import_data_dir(store, data_dir)
        finally:
            store.close()
        server, started = self.start_server(data_dir, extra_env={"DATABASE_URL": url})
        try:
            self.results["startup"][f"pg-{stored}"] = {"cold_start_s": round(started, 2), **rss_mb(server.proc.pid)}
            context = {"stored": stored, "qikink": "off", "storage": "postgres", "watch": {"server": server}}
            self.load(f"pg_create@{stored}", f"{server.url}/api/orders", method="POST", body=order_body(), **context)
            order_id = self.place_one(server)
            self.load(
                f"pg_get_order@{stored}", f"{server.url}/api/orders/{order_id}?email=bench0@example.com", **context
            )
            self.load(f"pg_list@{stored}", f"{server.url}{LIST_PATH}", **context)
        finally:
            server.stop()

    def postgres_runs(self, sizes: list[int]) -> None:
        if self.args.no_postgres:
            return
        try:
            postgres = launch_postgres()
        except PostgresUnavailable as exc:
            self.say(f"PostgreSQL scenarios skipped: {exc}")
            return
        try:
            for stored in sizes:
                self.ours_postgres(postgres, stored)
        finally:
            postgres.destroy()

    def ours_with_emulator(self, stored: int) -> None:
        self.say(f"server pushing to the emulator (rate limit off), {stored:,} orders stored")
        emulator = EmulatorProcess(self.logs, step_seconds=5.0, rate_limit=0).start()
        try:
            server, _ = self.start_server(self.data_dir(stored, f"push-{stored}"), emulator_url=emulator.url)
            try:
                context = {"stored": stored, "qikink": "emulator", "watch": {"server": server, "emulator": emulator}}
                self.load(f"health_push@{stored}", f"{server.url}/api/health", **context)
                self.load(
                    f"create_push@{stored}", f"{server.url}/api/orders", method="POST", body=order_body(), **context
                )
                order_id = self.place_one(server)
                server.get(f"/api/qikink/fulfillment/{order_id}")  # the first read refreshes from Qikink
                self.load(f"fulfillment@{stored}", f"{server.url}/api/qikink/fulfillment/{order_id}", **context)
                created = self.results["scenarios"][f"create_push@{stored}"]
                statuses = self._pushed_statuses(server)
                created["synced_share"] = statuses
            finally:
                server.stop()
        finally:
            emulator.stop()

    def _pushed_statuses(self, server: ServerProcess) -> dict:
        """How the orders placed under load left POST /api/orders: synced, or queued (budget)."""
        counts: dict = {}
        for status in ("synced", "sync_pending"):
            response = server.get("/api/orders", params={"qikink_status": status, "per_page": 1}, timeout=120)
            counts[status] = response.json()["pagination"]["total"] if response.ok else None
        return counts

    def naive(self, stored: int) -> None:
        self.say(f"naive stand-in (one orders.json rewritten per order), {stored:,} orders stored")
        data_dir = self.scratch / f"naive-{stored}"
        seeded = CACHE / f"naive-{stored}.json"
        if not seeded.exists():
            Process(
                ["-m", "bench.naive_app", "--data-dir", str(self.scratch / "naive-seed"), "--seed", str(stored)],
                {},
                self.logs / "naive-seed.log",
            ).start().proc.wait(600)
            shutil.move(self.scratch / "naive-seed" / "orders.json", seeded)
        data_dir.mkdir()
        shutil.copyfile(seeded, data_dir / "orders.json")
        port = free_port()
        threads = str(self.args.threads or 8)
        app = Process(
            ["-m", "bench.naive_app", "--data-dir", str(data_dir), "--port", str(port), "--threads", threads],
            {},
            self.logs / f"naive-{port}.log",
        ).start()
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until(lambda: requests.get(f"{url}/api/health", timeout=1).ok, 60, what="naive app")
            self.load(
                f"naive_create@{stored}",
                f"{url}/api/orders",
                method="POST",
                body=order_body(),
                stored=stored,
                qikink="off",
                watch={"server": app},
            )
        finally:
            app.kill()  # it would otherwise finish every queued multi-second rewrite first

    # --- the whole run ---------------------------------------------------------------------
    def run(self) -> dict:
        args = self.args
        sizes = sorted(set(args.sizes))
        base = sizes[0]
        tool = "wrk" if args.tool in ("auto", "wrk") and wrk_available() else "python"
        self.results["settings"] = {
            "tool": tool,
            "connections": args.connections,
            "duration_s": args.duration,
            "sizes": sizes,
            "naive_sizes": args.naive_sizes,
            "server_threads": args.threads or 8,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        self.say(f"load: {tool}, {args.connections} connections, {args.duration:g}s per scenario, 127.0.0.1 only")
        try:
            self.ours_qikink_off(base, full=True)
            if not args.no_peer:
                self.peer(base)
                if args.rounds:
                    self.head_to_head(base, args.rounds)
            if not args.no_emulator:
                self.ours_with_emulator(base)
            for stored in sizes[1:]:
                self.ours_qikink_off(stored, full=False)
            self.postgres_runs(sorted({base, max(sizes)}))
            for stored in args.naive_sizes:
                self.naive(stored)
        finally:
            if not args.keep:
                shutil.rmtree(self.scratch, ignore_errors=True)
        self.results["ratios"] = ratios(self.results, base, max(sizes))
        return self.results


def ratios(results: dict, base: int, largest: int) -> dict:
    s = results["scenarios"]

    def rps(name):
        return s[name]["rps"] if name in s else None

    def div(a, b):
        return round(a / b, 3) if a is not None and b else None

    ceiling = rps(f"health@{base}")
    out = {
        "create_vs_ceiling": div(rps(f"create@{base}"), ceiling),
        "create_vs_peer": div(rps(f"create@{base}"), rps(f"peer_create@{base}")),
        "peer_create_vs_peer_ceiling": div(rps(f"peer_create@{base}"), rps(f"peer_health@{base}")),
        "create_push_vs_ceiling": div(rps(f"create_push@{base}"), ceiling),
        "get_order_vs_ceiling": div(rps(f"get_order@{base}"), ceiling),
        f"create_{largest}_vs_{base}": div(rps(f"create@{largest}"), rps(f"create@{base}")),
        "list_vs_ceiling": div(rps(f"list@{base}"), ceiling),
    }
    for stored in sorted({int(k.split("@")[1]) for k in s if k.startswith("pg_create@")}):
        for kind in ("create", "get_order", "list"):
            out[f"pg_{kind}_{stored}_vs_ceiling"] = div(rps(f"pg_{kind}@{stored}"), ceiling)
    for stored in sorted({int(k.split("@")[1]) for k in s if k.startswith("naive_create@")}):
        out[f"ours_vs_naive_{stored}"] = div(rps(f"create@{stored}"), rps(f"naive_create@{stored}"))
    medians = {
        name: statistics.median(v["rps"] for k, v in s.items() if k.startswith(f"h2h_{name}@{base}#"))
        for name in ("ours_health", "ours_create", "peer_create")
        if any(k.startswith(f"h2h_{name}@{base}#") for k in s)
    }
    if len(medians) == 3:
        out["median_create_vs_peer"] = div(medians["ours_create"], medians["peer_create"])
        out["median_create_vs_ceiling"] = div(medians["ours_create"], medians["ours_health"])
    return out


def table(results: dict) -> str:
    """The figures as a Markdown table, then the ratios, then start-up and memory."""
    s = results["scenarios"]
    ceiling = next((v["rps"] for k, v in s.items() if k.startswith("health@")), None)
    lines = [
        "| scenario | stored | Qikink | req/s | p50 ms | p99 ms | errors | % of ceiling "
        "| server CPU ms/req (user + sys), cores | emulator CPU ms/req |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, f in s.items():
        share = f"{100 * f['rps'] / ceiling:.0f} %" if ceiling else ""
        label = name.split("@")[0] + (f" #{name.split('#')[1]}" if "#" in name else "")
        cpu = f.get("cpu", {})
        server = cpu.get("server")
        server_cpu = f"{server['user_ms']:.2f} + {server['sys_ms']:.2f}, {server['cores']}" if server else ""
        emulator_cpu = f"{cpu['emulator']['ms']:.2f}" if "emulator" in cpu else ""
        lines.append(
            f"| {label} | {f.get('stored', ''):,} | {f.get('qikink', '')} | {f['rps']:,.0f} | "
            f"{f['p50_ms']:.2f} | {f['p99_ms']:.2f} | {f['errors']} | {share} | {server_cpu} | {emulator_cpu} |"
        )
    lines += ["", "| ratio | value | target |", "|---|---:|---:|"]
    for name, value in results["ratios"].items():
        target = TARGETS.get(name) or (
            TARGETS["create_100k_vs_100"]
            if name.startswith("create_") and "_vs_" in name and name != "create_vs_ceiling" and "push" not in name
            else None
        )
        lines.append(
            f"| {name} | {'n/a' if value is None else f'{value:.2f}'} | {f'≥ {target:.2f}' if target else ''} |"
        )
    create = next((v for k, v in s.items() if k.startswith("create@")), None)
    if create:
        lines.append(f"| create p99 ms | {create['p99_ms']:.2f} | < {TARGETS['p99_create_ms']:.0f} |")
    lines += [
        "",
        f"| stored | cold start s (≤ {TARGETS['cold_start_s']:g}) | RSS at start MB | RSS after load MB | "
        f"peak RSS MB (≤ {TARGETS['rss_mb']:g}) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for stored, f in results["startup"].items():
        label = f"{int(stored.split('-')[-1]):,}" + (" (PostgreSQL)" if stored.startswith("pg-") else "")
        lines.append(
            f"| {label} | {f.get('cold_start_s', '')} | {f.get('rss_mb', '')} | "
            f"{f.get('after_load_rss_mb', '')} | {f.get('after_load_peak_rss_mb', '')} |"
        )
    if results.get("list_ms"):
        lines += [
            "",
            f"| stored | admin list ms, ?qikink_status= | ?status= | ?email= (target ≤ {TARGETS['list_ms']:g}) |",
            "|---:|---:|---:|---:|",
        ]
        for stored, f in results["list_ms"].items():
            lines.append(f"| {int(stored):,} | {f['qikink_status']} | {f['status']} | {f['email']} |")
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description="Benchmark the shop backend on 127.0.0.1.")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per scenario (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[100, 10_000, 100_000],
        help="orders stored before each create run (default 100 10000 100000)",
    )
    parser.add_argument(
        "--naive-sizes",
        type=int,
        nargs="*",
        default=[10_000, 100_000],
        help="orders in the naive orders.json (default 10000 100000)",
    )
    parser.add_argument(
        "--tool", choices=("auto", "wrk", "python"), default="auto", help="load generator (default: wrk when installed)"
    )
    parser.add_argument("--threads", type=int, help="SERVER_THREADS for the server (default: its own default)")
    parser.add_argument("--no-emulator", action="store_true", help="skip the runs that push to the emulator")
    parser.add_argument("--no-peer", action="store_true", help="skip the Flask + SQLite peer")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="head-to-head rounds of our health and create against the peer's, alternated (default 3; 0: none)",
    )
    parser.add_argument(
        "--no-postgres",
        action="store_true",
        help="skip the PostgreSQL runs (by default a throwaway server is started when installed)",
    )
    parser.add_argument("--seed-fsync", action="store_true", help="fsync while seeding too (much slower)")
    parser.add_argument("--quick", action="store_true", help="3 s per scenario, 100 and 10,000 stored only")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (logs, data) afterwards")
    parser.add_argument("--output", type=Path, help="JSON results file (default bench/results/<time>.json)")
    parser.add_argument("--silent", action="store_true", help="print only the table")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration = min(args.duration, 3.0)
        args.sizes = [n for n in args.sizes if n <= 10_000] or [100]
        args.naive_sizes = [n for n in args.naive_sizes if n <= 10_000]
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    results = Bench(args).run()
    RESULTS.mkdir(parents=True, exist_ok=True)
    output = args.output or RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    output.write_text(json.dumps(results, indent=2))
    print()
    print(table(results))
    print(f"\nresults saved in {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
