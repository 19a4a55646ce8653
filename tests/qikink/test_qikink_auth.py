"""Token cache, signer and error classes."""

import threading
import time

import requests

from backend.qikink import HmacSigner, QikinkError, QikinkUnavailable, TokenCache, TokenInfo
from backend.qikink.auth import signature
from tests.qikink.conftest import SECRET
from tests.support import run_in_threads


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

    run_in_threads(worker, [()] * 20)
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
    request = requests.Request("POST", "https://q.test/api/order/create?x=1", json={"a": 1}).prepare()
    HmacSigner(SECRET, clock=lambda: 1700000000.9)(request)
    assert request.headers["X-Timestamp"] == "1700000000"
    assert request.headers["X-Signature"] == signature(
        SECRET, "1700000000", "POST", "/api/order/create?x=1", request.body
    )
    assert SECRET not in repr(HmacSigner(SECRET))


def test_signature_is_hmac_sha256_of_the_documented_message():
    import hashlib
    import hmac

    expected = hmac.new(b"k", b"1\nGET\n/api/order?id=5\n", hashlib.sha256).hexdigest()
    assert signature("k", "1", "get", "/api/order?id=5", None) == expected


def test_errors_carry_evidence_in_str_and_repr():
    error = QikinkUnavailable(
        "Qikink server error", call="GET /api/order", http_status=502, qikink_message="Bad Gateway", body="x" * 2000
    )
    assert str(error) == "Qikink server error (call=GET /api/order, http_status=502)"
    assert "Bad Gateway" in repr(error) and len(error.body) == 500
    assert isinstance(error, QikinkError) and error.transient
    assert str(QikinkError()) == "Qikink call failed"
