"""The one retry policy: capped exponential backoff with jitter, never sooner than a server's
Retry-After. The Qikink client waits this long between attempts of one call; fulfilment schedules
an order's next attempt with it. (backend/storage keeps its own sub-second loop for files Windows
holds locked: storage imports nothing from the rest of backend.)"""

from __future__ import annotations

import random

# 2 ** 64 times any sensible base is past any cap; a larger power would overflow a float.
_MAX_DOUBLINGS = 64


def backoff_delay(
    attempt: int,
    *,
    base: float,
    cap: float,
    retry_after: float | None = None,
    max_retry_after: float | None = None,
    jitter=random.random,
) -> float:
    """Seconds to wait before retry number `attempt` (0 for the first).

    A random point in the upper half of min(cap, base * 2 ** attempt) ("equal jitter": callers that
    failed together spread out, and none retries at once), or the server's Retry-After when that is
    longer; a Retry-After over `max_retry_after` counts as `max_retry_after`. `jitter` returns a
    number in [0, 1); tests pass a constant.
    """
    ceiling = min(cap, base * 2 ** min(max(attempt, 0), _MAX_DOUBLINGS))
    delay = ceiling / 2 + jitter() * ceiling / 2
    if retry_after:
        asked = retry_after if max_retry_after is None else min(retry_after, max_retry_after)
        delay = max(delay, asked)
    return delay
