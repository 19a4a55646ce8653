"""Token cache, signer, rate limiter and error classes."""
import threading
import time

import pytest
import requests

from backend.qikink import (HmacSigner, QikinkError, QikinkRateLimited, QikinkUnavailable,
                            RateLimiter, TokenCache, TokenInfo)
from backend.qikink.auth import signature
from conftest import SECRET


def test_token_cache_mints_once_and_renews_early(clock):
    mints = []

    def mint():
        mints.append(1)
        return TokenInfo(f"tok-{len(mints)}", clock() + 3600)

    cache = TokenCache(clock=clock)
    assert cache.peek() is None
    assert cache.get(mint).token == "tok-1"
    assert cache.get(mint).token == "tok-1"
    clock.advance(3500)
    assert cache.peek() is None
    assert cache.get(mint).token == "tok-2"
    assert len(mints) == 2


def test_twenty_threads_cause_one_mint():
    mints = []
    barrier = threading.Barrier(20)

    def mint():
        mints.append(1)
        time.sleep(0.05)
        return TokenInfo("tok", time.time() + 3600)

    cache = TokenCache()
    results = []

    def worker():
        barrier.wait()
        results.append(cache.get(mint).token)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(mints) == 1 and results == ["tok"] * 20


def test_invalidate_keeps_a_newer_token(clock):
    cache = TokenCache(clock=clock)
    cache.get(lambda: TokenInfo("old", clock() + 3600))
    cache.get(lambda: TokenInfo("new", clock() + 3600), force=True)
    cache.invalidate("old")
    assert cache.peek().token == "new"
    cache.invalidate("new")
    assert cache.peek() is None


def test_token_info_repr_hides_the_token():
    assert "secret-token" not in repr(TokenInfo("secret-token", 0.0))


def test_signer_adds_timestamp_and_signature():
    request = requests.Request("POST", "https://q.test/api/order/create?x=1",
                               json={"a": 1}).prepare()
    HmacSigner(SECRET, clock=lambda: 1700000000.9)(request)
    assert request.headers["X-Timestamp"] == "1700000000"
    assert request.headers["X-Signature"] == signature(
        SECRET, "1700000000", "POST", "/api/order/create?x=1", request.body)
    assert SECRET not in repr(HmacSigner(SECRET))


def test_signature_is_hmac_sha256_of_the_documented_message():
    import hashlib
    import hmac
    expected = hmac.new(b"k", b"1\nGET\n/api/order?id=5\n", hashlib.sha256).hexdigest()
    assert signature("k", "1", "get", "/api/order?id=5", None) == expected


def test_rate_limiter_sleeps_until_the_window_frees(clock):
    limiter = RateLimiter(3, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        limiter.acquire()
        clock.advance(1)
    limiter.acquire()
    assert clock.sleeps == [57.0]


def test_rate_limiter_fails_fast_with_retry_after(clock):
    limiter = RateLimiter(2, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    clock.advance(10)
    limiter.acquire()
    with pytest.raises(QikinkRateLimited) as caught:
        limiter.acquire(wait=False)
    assert caught.value.retry_after == pytest.approx(50.0)
    assert caught.value.transient and clock.sleeps == []


def test_rate_limiter_is_shared_safely_between_threads(clock):
    limiter = RateLimiter(10, clock=clock, sleep=clock.sleep)
    outcomes = []

    def worker():
        try:
            limiter.acquire(wait=False)
            outcomes.append("ok")
        except QikinkRateLimited:
            outcomes.append("limited")

    threads = [threading.Thread(target=worker) for _ in range(25)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 10 and outcomes.count("limited") == 15


def test_zero_means_no_limit(clock):
    limiter = RateLimiter(0, clock=clock, sleep=clock.sleep)
    for _ in range(1000):
        limiter.acquire(wait=False)


def test_errors_carry_evidence_in_str_and_repr():
    error = QikinkUnavailable("Qikink server error", call="GET /api/order", http_status=502,
                              qikink_message="Bad Gateway", body="x" * 2000)
    assert str(error) == "Qikink server error (call=GET /api/order, http_status=502)"
    assert "Bad Gateway" in repr(error) and len(error.body) == 500
    assert isinstance(error, QikinkError) and error.transient
    assert str(QikinkError()) == "Qikink call failed"
