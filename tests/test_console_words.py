"""The console's words (frontend/js/admin-words.js), run with Node: every error code the backend
answers with, and every code the JS client makes up itself, has a plain sentence and what to do;
Qikink's engineer-worded last errors are sorted into the right plain sentence."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from backend import create_app  # noqa: F401  (imports every module that defines an ApiError)
from backend.openapi.error_schemas import error_codes
from tests.harness import ROOT

WORDS = ROOT / "frontend" / "js" / "admin-words.js"
CLIENT = ROOT / "frontend" / "js" / "shop-client.js"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(
    NODE is None and os.environ.get("CI") != "true", reason="Node is not installed (the console's words run in Node)"
)

# The examples and what the server really writes, as the console finds them.
QIKINK_LINES = {
    "Qikink non-JSON answer (call=GET /api/order, http_status=503)": "down",
    "Qikink server error (call=POST /api/order/create, http_status=500)": "down",
    "no answer within 3s": "down",
    "Qikink is unavailable; the order will be sent when it is back": "down",
    "Qikink refused the credentials (call=POST /api/token, http_status=401)": "credentials",
    "Invalid SKU: BHRT-999-M (call=POST /api/order/create, http_status=422)": "refused",
}


def run_node(script: str):
    """Run `script` as an ES module with `words` imported from admin-words.js; its JSON output."""
    program = f"import * as words from {json.dumps(WORDS.as_uri())};\n{script}"
    done = subprocess.run(
        [NODE, "--input-type=module", "-e", program], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def table():
    return run_node("console.log(JSON.stringify(words.ERROR_WORDS));")


def backend_codes() -> set[str]:
    """Every `code` of an ApiError subclass, plus the one the HTTP error handler makes for statuses
    without a class (backend/errors.py: "http_error")."""
    return {code for codes in error_codes().values() for code in codes} | {"http_error"}


def client_codes() -> set[str]:
    """The codes shop-client.js gives errors the server never answered (network, timeout, not the API)."""
    source = CLIENT.read_text(encoding="utf-8")
    return set(re.findall(r"'(network_error|timeout|not_shop_api)'", source))


def test_every_backend_error_code_has_plain_words(table):
    codes = backend_codes()
    assert len(codes) > 25  # the walk found the error classes
    missing = sorted(codes - set(table))
    assert missing == [], f"admin-words.js has no plain sentence for {missing}"


def test_every_code_the_client_makes_up_has_plain_words(table):
    assert client_codes() == {"network_error", "timeout", "not_shop_api"}
    assert client_codes() <= set(table)


@pytest.mark.parametrize("code", sorted(backend_codes() | {"network_error", "timeout", "not_shop_api"}))
def test_the_words_are_a_sentence_and_something_to_do_without_jargon(table, code):
    words = table[code]
    assert words["say"].endswith(".") and words["todo"].endswith(".")
    assert not re.search(r"HTTP|JSON|\b[a-z]+_[a-z_]+\b|\bnull\b|exception", words["say"]), words["say"]


def test_an_error_keeps_its_technical_detail():
    explained = run_node(
        "console.log(JSON.stringify(words.explain({ code: 'rate_limited', status: 429, retryAfter: 120,"
        " method: 'GET', url: 'http://127.0.0.1:5000/api/orders?page=2', requestId: 'req-1',"
        " message: 'Too many requests: 60 per 1 minute' })));"
    )
    assert explained["say"] == "Too many requests in a short time."
    assert explained["todo"] == "Wait 2 minutes and try again."
    assert dict(explained["detail"]) == {
        "Code": "rate_limited",
        "HTTP status": "429",
        "Call": "GET /api/orders?page=2",
        "Request id": "req-1",
        "Retry-After": "120 s",
        "Message": "Too many requests: 60 per 1 minute",
    }


def test_an_unknown_code_still_gets_plain_words():
    explained = run_node("console.log(JSON.stringify(words.explain({ code: 'brand_new', status: 418 })));")
    assert explained["say"] == "Something went wrong." and "Reload" in explained["todo"]


def test_qikinks_last_errors_in_plain_words():
    kinds = run_node(
        f"const lines = {json.dumps(list(QIKINK_LINES))};\n"
        "console.log(JSON.stringify(lines.map((line) => words.explainQikinkError(line).kind)));"
    )
    assert dict(zip(QIKINK_LINES, kinds, strict=True)) == QIKINK_LINES
