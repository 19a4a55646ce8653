"""`python -m qikink_emulator --port 5001`: serve the emulator until interrupted."""

import argparse
import logging
import os
import time

from .app import DEFAULT_STEP_SECONDS
from .server import EmulatorServer
from .state import FAULT_KINDS

log = logging.getLogger("qikink_emulator")


def main(argv=None, prog="python -m qikink_emulator") -> int:
    """Command line: serve the emulator until interrupted."""
    parser = argparse.ArgumentParser(prog=prog, description="Local Qikink API emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5001)
    parser.add_argument(
        "--step-seconds",
        type=float,
        default=float(os.environ.get("QIKINK_EMULATOR_STEP_SECONDS", DEFAULT_STEP_SECONDS)),
        help="seconds between status steps (env QIKINK_EMULATOR_STEP_SECONDS)",
    )
    parser.add_argument("--rate-limit", type=int, default=30, help="calls a minute per client id")
    parser.add_argument("--no-rate-limit", action="store_true", help="for benchmarks")
    parser.add_argument("--client-id", help="accept only this client id (default: any)")
    parser.add_argument("--client-secret", help="accept only this secret (default: any)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    server = EmulatorServer(
        host=args.host,
        port=args.port,
        quiet=False,
        step_seconds=args.step_seconds,
        client_id=args.client_id,
        client_secret=args.client_secret,
        rate_limit_per_minute=0 if args.no_rate_limit else args.rate_limit,
    )
    server.start()
    limit = server.store.rate_limit_per_minute
    log.info(
        "Qikink emulator on %s (step %ss, rate limit %s, faults: %s)",
        server.url,
        args.step_seconds,
        f"{limit}/min" if limit else "off",
        ", ".join(FAULT_KINDS),
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
