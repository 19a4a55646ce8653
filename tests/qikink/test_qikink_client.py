"""QikinkClient against a mocked HTTP layer: what is sent, and every failure shape."""

import json
import logging

import pytest
import requests
from responses import matchers

from backend.qikink import (
    QikinkAuthError,
    QikinkDuplicateOrder,
    QikinkNotFound,
    QikinkRateLimited,
    QikinkUnavailable,
    QikinkValidationError,
)
from backend.qikink.auth import verify_signature
from backend.qikink.budget import SAFETY_SECONDS, WINDOW_SECONDS
from tests.qikink.conftest import BASE, CLIENT_ID, SECRET, token_answer
from tests.qikink.qikink_samples import qikink_order

ORDER_URL = f"{BASE}/api/order"
CREATE_URL = f"{BASE}/api/order/create"
PAYLOAD = {"order_number": "BHRT1733304000", "line_items": []}

WINDOW = WINDOW_SECONDS + SAFETY_SECONDS


def test_token_is_minted_from_a_form_body_and_reused(mocked, make_client):
    mocked.post(
        f"{BASE}/api/token",
        match=[matchers.urlencoded_params_matcher({"ClientId": CLIENT_ID, "client_secret": SECRET})],
        json={"ClientId": CLIENT_ID, "Accesstoken": "tok-1", "expires_in": 3600},
    )
    get = mocked.get(
        ORDER_URL,
        json=[qikink_order()],
        match=[matchers.header_matcher({"ClientId": CLIENT_ID, "Accesstoken": "tok-1"})],
    )
    client = make_client()
    assert client.token_valid_until is None and not client.has_valid_token()
    client.get_order("12345678")
    client.get_order("12345678")
    assert client.authenticate().token == "tok-1"
    assert client.has_valid_token()
    assert len(mocked.calls) == 3 and get.call_count == 2


def test_every_call_carries_explicit_timeouts(mocked, make_client):
    token_answer(mocked)
    mocked.get(ORDER_URL, json=[qikink_order()], match=[matchers.request_kwargs_matcher({"timeout": (1.5, 4.0)})])
    make_client(connect_timeout=1.5, read_timeout=4.0).get_order("1")
    assert mocked.calls[0].request.req_kwargs["timeout"] == (1.5, 4.0)


def test_token_renewed_100_seconds_before_expiry(mocked, make_client, clock):
    token_answer(mocked, "tok-1")
    token_answer(mocked, "tok-2")
    client = make_client()
    first = client.authenticate()
    clock.advance(3600 - 101)
    assert client.authenticate() is first
    clock.advance(2)
    assert client.authenticate().token == "tok-2"


def test_force_mints_even_with_a_valid_token(mocked, make_client):
    call = token_answer(mocked)
    client = make_client()
    client.authenticate()
    client.authenticate(force=True)
    assert call.call_count == 2


def test_bad_credentials_raise_auth_error_with_evidence(mocked, make_client, caplog):
    token_answer(mocked, status=401)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(QikinkAuthError) as caught:
        make_client().authenticate()
    error = caught.value
    assert (error.call, error.http_status) == ("POST /api/token", 401)
    assert error.qikink_message == "Invalid ClientId or client_secret"
    for text in (str(error), repr(error), caplog.text):
        assert SECRET not in text


def test_request_is_signed(mocked, make_client, clock):
    token_answer(mocked)

    def signed(request):
        ok = verify_signature(
            SECRET,
            request.headers["X-Timestamp"],
            request.method,
            "/api/order/create",
            request.body,
            request.headers["X-Signature"],
        )
        return ok, "" if ok else "bad signature"

    mocked.post(
        CREATE_URL,
        json={"order_id": 5, "status_code": "200"},
        match=[signed, matchers.header_matcher({"X-Timestamp": str(int(clock()))})],
    )
    # The mocked create answers only a request the matchers accept (anything else is a connection error).
    assert make_client().create_order(PAYLOAD)["order_id"] == "5"
    assert mocked.calls[-1].request.headers["X-Signature"]


def test_signing_can_be_turned_off(mocked, make_client):
    token_answer(mocked)
    mocked.get(ORDER_URL, json=[qikink_order()])
    make_client(sign_requests=False).get_order("1")
    assert mocked.calls and all("X-Signature" not in call.request.headers for call in mocked.calls)


def test_config_and_client_repr_hide_the_secret(make_client):
    client = make_client()
    for text in (repr(client), repr(client.config), str(client.config)):
        assert SECRET not in text and CLIENT_ID not in text
        assert "78670273..." in text


FAILURES = [
    # (status, body, content type, error class, transient)
    (200, {"error": True, "message": "Invalid parameter: foo"}, None, QikinkValidationError, False),
    (200, {"status_code": "404", "message": "Not found"}, None, QikinkValidationError, False),
    (400, {"message": "Bad request"}, None, QikinkValidationError, False),
    (200, "<html><body>Just a moment</body></html>", "text/html", QikinkUnavailable, True),
    (200, "not json at all", "text/plain", QikinkUnavailable, True),
    (500, {"message": "Server Error"}, None, QikinkUnavailable, True),
    (503, "<html>503 Service Unavailable</html>", "text/html", QikinkUnavailable, True),
    (502, "", "text/plain", QikinkUnavailable, True),
    (200, {"error": True, "status_code": "500", "message": "Something went wrong"}, None, QikinkUnavailable, True),
    (200, {"error": True, "message": "Too many requests"}, None, QikinkRateLimited, True),
    (429, {"error": True, "message": "Too many requests"}, None, QikinkRateLimited, True),
]


@pytest.mark.parametrize("status, body, content_type, error_class, transient", FAILURES)
def test_failure_shapes_map_to_typed_errors(mocked, make_client, status, body, content_type, error_class, transient):
    token_answer(mocked)
    kwargs = {"json": body} if content_type is None else {"body": body, "content_type": content_type}
    mocked.get(ORDER_URL, status=status, **kwargs)
    with pytest.raises(error_class) as caught:
        make_client().get_order("12345678")
    error = caught.value
    assert (error.call, error.http_status, error.transient) == ("GET /api/order", status, transient)


@pytest.mark.parametrize(
    "exception",
    [requests.ConnectionError("refused"), requests.ReadTimeout("slow"), requests.ConnectTimeout("no route")],
)
def test_network_failures_are_unavailable(mocked, make_client, exception):
    token_answer(mocked)
    mocked.get(ORDER_URL, body=exception)
    with pytest.raises(QikinkUnavailable) as caught:
        make_client().get_order("1")
    assert caught.value.transient and caught.value.http_status is None


def test_429_carries_retry_after(mocked, make_client):
    token_answer(mocked)
    mocked.get(ORDER_URL, status=429, headers={"Retry-After": "7"}, json={"error": True})
    with pytest.raises(QikinkRateLimited) as caught:
        make_client().get_order("1")
    assert caught.value.retry_after == 7.0


def test_reads_back_off_exponentially_with_jitter(mocked, make_client, clock):
    token_answer(mocked)
    failing = mocked.get(ORDER_URL, status=500, json={"message": "Server Error"})
    with pytest.raises(QikinkUnavailable):
        make_client(max_retries=4, backoff_base=0.5, backoff_cap=2.0).get_order("1")
    assert failing.call_count == 5
    # jitter 0.5 → three quarters of each ceiling: 0.5, 1, 2, 2 (capped)
    assert clock.sleeps == [0.375, 0.75, 1.5, 1.5]


def test_reads_recover_after_transient_failures(mocked, make_client, clock):
    token_answer(mocked)
    mocked.get(ORDER_URL, status=503, body="<html>down</html>", content_type="text/html")
    mocked.get(ORDER_URL, status=429, headers={"Retry-After": "3"}, json={"error": True})
    mocked.get(ORDER_URL, json=[qikink_order()])
    assert make_client(max_retries=3).get_order("12345678")["order_id"] == 12345678
    assert clock.sleeps == [0.375, 3.0]


def test_rate_limited_read_fails_fast_when_not_waiting(mocked, make_client, clock):
    token_answer(mocked)
    mocked.get(ORDER_URL, status=429, headers={"Retry-After": "3"}, json={"error": True})
    with pytest.raises(QikinkRateLimited):
        make_client(max_retries=3).get_order("1", wait=False)
    assert clock.sleeps == []


def test_token_creation_retries_transient_failures(mocked, make_client, clock):
    mocked.post(f"{BASE}/api/token", status=502, body="bad gateway")
    token_answer(mocked)
    assert make_client(max_retries=2).authenticate().token == "tok-1"
    assert clock.sleeps == [0.375]


def test_invalid_token_on_read_is_dropped_reminted_and_retried_once(mocked, make_client):
    token_answer(mocked, "tok-1")
    token_answer(mocked, "tok-2")
    refused = mocked.get(
        ORDER_URL,
        status=401,
        json={"error": True, "message": "Invalid token"},
        match=[matchers.header_matcher({"Accesstoken": "tok-1"})],
    )
    ok = mocked.get(ORDER_URL, json=[qikink_order()], match=[matchers.header_matcher({"Accesstoken": "tok-2"})])
    assert make_client().get_order("12345678")["order_id"] == 12345678
    assert (refused.call_count, ok.call_count) == (1, 1)


def test_token_refused_twice_on_read_is_an_auth_error(mocked, make_client):
    mint = token_answer(mocked)
    read = mocked.get(ORDER_URL, status=200, json={"error": True, "message": "Invalid Access Token"})
    with pytest.raises(QikinkAuthError) as caught:
        make_client().get_order("1")
    assert (mint.call_count, read.call_count) == (2, 2)
    assert not caught.value.transient


def test_create_refused_for_its_token_is_sent_again_once_with_a_new_token(mocked, make_client):
    """Qikink checks the token before anything else: a refused create was not created, so the
    client mints once and sends it again in the same call (another process had minted)."""
    token_answer(mocked, token="tok-1")
    token_answer(mocked, token="tok-2")
    refused = mocked.post(
        CREATE_URL,
        status=401,
        json={"error": True, "message": "Invalid token"},
        match=[matchers.header_matcher({"Accesstoken": "tok-1"})],
    )
    accepted = mocked.post(
        CREATE_URL,
        json={"message": "Order created successfully", "order_id": 7, "status_code": "200"},
        match=[matchers.header_matcher({"Accesstoken": "tok-2"})],
    )
    assert make_client(max_retries=0).create_order(PAYLOAD)["order_id"] == "7"
    assert (refused.call_count, accepted.call_count) == (1, 1)


def test_create_refused_for_its_token_twice_is_an_auth_error(mocked, make_client):
    mint = token_answer(mocked)
    create = mocked.post(CREATE_URL, status=401, json={"error": True, "message": "Invalid token"})
    client = make_client(max_retries=3)
    with pytest.raises(QikinkAuthError) as caught:
        client.create_order(PAYLOAD)
    assert (mint.call_count, create.call_count) == (2, 2)
    assert not caught.value.transient and not client.has_valid_token()


def test_create_returns_qikink_order_id_as_string(mocked, make_client):
    token_answer(mocked)
    answer = {"message": "Order created successfully", "order_id": 12345678, "status_code": "200"}
    mocked.post(CREATE_URL, json=answer, match=[matchers.json_params_matcher(PAYLOAD)])
    assert make_client().create_order(PAYLOAD) == {"order_id": "12345678", "existing": False, "raw": answer}


@pytest.mark.parametrize(
    "message",
    [
        "Invalid SKU",
        "Order no. cannot exceed 15 chars",
        "Order No cannot contain special characters",
        "Design code, Mockup Link and placement sku is mandatory",
    ],
)
def test_create_validation_errors_are_permanent_and_not_looked_up(mocked, make_client, message):
    token_answer(mocked)
    create = mocked.post(CREATE_URL, json={"error": True, "message": message})
    with pytest.raises(QikinkValidationError) as caught:
        make_client(max_retries=3).create_order(PAYLOAD)
    assert caught.value.qikink_message == message and not caught.value.transient
    assert create.call_count == 1


def test_php_undefined_key_error_is_permanent_even_as_500(mocked, make_client):
    token_answer(mocked)
    mocked.post(CREATE_URL, status=500, json={"message": 'Undefined array key "last_name"'})
    with pytest.raises(QikinkValidationError):
        make_client(max_retries=3).create_order(PAYLOAD)


def test_create_timeout_looks_up_and_never_resends_when_found(mocked, make_client):
    token_answer(mocked)
    create = mocked.post(CREATE_URL, body=requests.ReadTimeout("slow"))
    lookup = mocked.get(
        ORDER_URL,
        json=[qikink_order(number="654367_BHRT1733304000")],
        match=[matchers.query_param_matcher({"page_no": "1"})],
    )
    result = make_client(max_retries=3).create_order(PAYLOAD)
    assert result["order_id"] == "12345678" and result["existing"] is True
    assert (create.call_count, lookup.call_count) == (1, 1)


def test_create_timeout_resends_only_after_lookup_finds_nothing(mocked, make_client, clock):
    token_answer(mocked)
    mocked.post(CREATE_URL, body=requests.ReadTimeout("slow"))
    mocked.get(ORDER_URL, json=[], match=[matchers.query_param_matcher({"page_no": "1"})])
    mocked.post(CREATE_URL, json={"order_id": 99, "status_code": "200"})
    result = make_client(max_retries=3).create_order(PAYLOAD)
    assert result == {"order_id": "99", "existing": False, "raw": {"order_id": 99, "status_code": "200"}}
    assert [c.request.method for c in mocked.calls] == ["POST", "POST", "GET", "POST"]
    assert clock.sleeps == [0.375]


def test_garbled_create_answer_is_checked_by_lookup(mocked, make_client):
    token_answer(mocked)
    mocked.post(CREATE_URL, json={"message": "Order created successfully"})
    mocked.get(ORDER_URL, json=[qikink_order(order_id=7, number="654367_BHRT1733304000")])
    assert make_client().create_order(PAYLOAD)["order_id"] == "7"


def test_duplicate_order_number_is_looked_up(mocked, make_client):
    token_answer(mocked)
    mocked.post(CREATE_URL, json={"error": True, "message": "Duplicate order number"})
    mocked.get(ORDER_URL, json=[qikink_order(1, "654367_OTHER"), qikink_order(2, "Cancelled_654367_BHRT1733304000")])
    result = make_client().create_order(PAYLOAD)
    assert (result["order_id"], result["existing"]) == ("2", True)


def test_duplicate_that_cannot_be_found_raises(mocked, make_client):
    token_answer(mocked)
    mocked.post(CREATE_URL, json={"error": True, "message": "Duplicate order number"})
    mocked.get(ORDER_URL, json=[])
    with pytest.raises(QikinkDuplicateOrder) as caught:
        make_client().create_order(PAYLOAD)
    assert caught.value.order_number == "BHRT1733304000"


def test_create_gives_up_after_max_retries(mocked, make_client):
    token_answer(mocked)
    create = mocked.post(CREATE_URL, status=503, body="<html/>", content_type="text/html")
    lookup = mocked.get(ORDER_URL, json=[])
    with pytest.raises(QikinkUnavailable):
        make_client(max_retries=2).create_order(PAYLOAD)
    assert (create.call_count, lookup.call_count) == (3, 3)


def test_create_fails_fast_when_client_side_budget_is_spent(mocked, make_client, clock):
    token_answer(mocked)
    mocked.post(CREATE_URL, json={"order_id": 1, "status_code": "200"})
    client = make_client(rate_limit_per_minute=2)
    client.create_order(PAYLOAD)  # token + create use the budget
    with pytest.raises(QikinkRateLimited) as caught:
        client.create_order(PAYLOAD, wait=False)
    # With 2 calls a minute, creates leave one for a token: the first create waited a window.
    assert 0 < caught.value.retry_after <= WINDOW and clock.sleeps == [WINDOW]
    assert len(mocked.calls) == 2


def test_create_waits_for_client_side_budget(mocked, make_client, clock):
    token_answer(mocked)
    mocked.post(CREATE_URL, json={"order_id": 1, "status_code": "200"})
    client = make_client(rate_limit_per_minute=2)
    client.create_order(PAYLOAD)
    client.create_order(PAYLOAD)
    assert clock.sleeps == [WINDOW, WINDOW]


def test_get_order_accepts_object_and_array(mocked, make_client):
    token_answer(mocked)
    mocked.get(ORDER_URL, json=qikink_order(order_id=5))
    mocked.get(ORDER_URL, json=[qikink_order(order_id=6)])
    client = make_client()
    assert client.get_order("5")["order_id"] == 5
    assert client.get_order("6")["order_id"] == 6


def test_get_order_sends_id_and_raises_not_found_on_empty(mocked, make_client):
    token_answer(mocked)
    mocked.get(ORDER_URL, json=[], match=[matchers.query_param_matcher({"id": "404"})])
    with pytest.raises(QikinkNotFound):
        make_client().get_order("404")


def test_find_by_number_pages_and_is_bounded(mocked, make_client):
    token_answer(mocked)
    page = [qikink_order(i, f"654367_X{i}") for i in range(10)]
    listing = mocked.get(ORDER_URL, json=page)
    client = make_client(lookup_max_pages=3)
    assert client.find_order_by_number("BHRT1") is None
    assert listing.call_count == 3
    assert [json.loads(json.dumps(c.request.params)) for c in mocked.calls[1:]] == [
        {"page_no": "1"},
        {"page_no": "2"},
        {"page_no": "3"},
    ]
    assert client.find_order_by_number("X3", max_pages=1)["order_id"] == 3


def test_find_by_number_does_not_match_a_longer_number(mocked, make_client):
    token_answer(mocked)
    mocked.get(ORDER_URL, json=[qikink_order(1, "654367_ABHRT1")])
    mocked.get(ORDER_URL, json=[])
    assert make_client().find_order_by_number("BHRT1") is None


def test_list_orders_returns_the_page(mocked, make_client):
    token_answer(mocked)
    mocked.get(
        ORDER_URL, json=[qikink_order(2), qikink_order(1)], match=[matchers.query_param_matcher({"page_no": "2"})]
    )
    assert [o["order_id"] for o in make_client().list_orders(2)] == [2, 1]


def test_sibling_without_retries_shares_the_token_and_tries_once(mocked, make_client, clock):
    """The order request's push: one attempt per call, and never a second token."""
    token_answer(mocked)
    create = mocked.post(CREATE_URL, status=503, body="<html>down</html>", content_type="text/html")
    lookup = mocked.get(ORDER_URL, json=[])
    client = make_client(max_retries=3)
    client.authenticate()
    fast = client.without_retries()
    with pytest.raises(QikinkUnavailable):
        fast.create_order(PAYLOAD)
    assert create.call_count == 1 and lookup.call_count == 1 and clock.sleeps == []
    assert fast.token_valid_until == client.token_valid_until
    assert sum(1 for call in mocked.calls if call.request.url.endswith("/api/token")) == 1
