"""Resident memory of the real server on a seeded data directory, after each kind of load the
benchmark applies (creates, a customer's list, one order, the console's filtered lists with counts).

    .venv/bin/python -m bench.server_memory bench/.cache/seed-100000-<version>
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import run_load  # noqa: E402
from bench.run import SERVER_ENV, rss_mb  # noqa: E402
from bench.seed import order_body, working_copy  # noqa: E402
from tests.harness import ServerProcess  # noqa: E402


def main(argv=None) -> int:
    seeded = Path((argv or sys.argv[1:])[0])
    scratch = Path(tempfile.mkdtemp(prefix="server-memory-"))
    (scratch / "logs").mkdir()
    server = ServerProcess(working_copy(seeded, scratch / "data"), scratch / "logs", env=SERVER_ENV)
    server.start(timeout=120)
    try:
        print("at start", rss_mb(server.proc.pid))
        body = json.dumps(order_body()).encode()
        print(
            "after creates",
            run_load(f"{server.url}/api/orders", method="POST", body=body, duration=5)["rps"],
            "req/s",
            rss_mb(server.proc.pid),
        )
        run_load(f"{server.url}/api/orders?email=bench7@example.com&per_page=20", duration=5)
        print("after a customer's list", rss_mb(server.proc.pid))
        for query in ("qikink_status=sync_pending", "status=pending", "email=bench7@example.com"):
            for _ in range(15):
                server.get(f"/api/orders?{query}&per_page=50&counts=qikink_status").raise_for_status()
            print(f"after the console's list ?{query}", rss_mb(server.proc.pid))
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
