"""frontend/js/shop-client.js in Chromium, with a scripted `fetch`, storage and sleep injected
(createShopClient's options): what is retried, how long it waits, what errors carry, and how a
checkout keeps one Idempotency-Key."""

from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Runs `steps` ([method, ...args]) on a client whose fetch answers from `answers`, in order:
# {status, body, headers}, "network" (the connection fails), "cut" (a 201 whose body breaks off)
# or "hang" (no answer until aborted).
RUN_CLIENT = """async ([answers, steps, options, stored]) => {
  const { createShopClient } = await import('/js/shop-client.js');
  const calls = [], sleeps = [], memory = new Map(Object.entries(stored));
  const storage = {
    getItem: (k) => (memory.has(k) ? memory.get(k) : null),
    setItem: (k, v) => memory.set(k, String(v)),
    removeItem: (k) => memory.delete(k),
  };
  const fetch = async (url, init) => {
    calls.push({ url, method: init.method, headers: init.headers, body: init.body && JSON.parse(init.body) });
    const answer = answers.shift();
    if (answer === 'network') throw new TypeError('Failed to fetch');
    if (answer === 'cut') {
      const cut = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('{"status"')); c.error(new TypeError('network error')); } });
      return new Response(cut, { status: 201, headers: { 'Content-Type': 'application/json' } });
    }
    if (answer === 'hang') {
      return new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    }
    const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    return new Response(body, { status: answer.status, headers: { 'Content-Type': 'application/json', ...answer.headers } });
  };
  const client = createShopClient({ baseUrl: 'http://api.test', fetch, storage, sleep: async (ms) => { sleeps.push(ms); },
    random: () => 1, timeoutMs: 50, ...options });
  const results = [];
  for (const [method, ...args] of steps) {
    try {
      results.push({ value: await client[method](...args) });
    } catch (e) {
      results.push({ error: { name: e.name, status: e.status, code: e.code, message: e.message, details: e.details,
        retryAfter: e.retryAfter, isNetworkError: e.isNetworkError } });
    }
  }
  return { results, calls, sleeps, storage: Object.fromEntries(memory) };
}"""

OK = {"status": 200, "body": {"status": "success", "data": []}}
CREATED = {"status": 201, "body": {"status": "success", "data": {"order_id": "BHRT-1"}}}
ADDRESS = {
    "name": "Asha",
    "line1": "12 MG Road",
    "city": "Mumbai",
    "state": "MH",
    "pincode": "400001",
    "phone": "9876543210",
}
ITEMS = [{"sku": "BHRT-001-M", "quantity": 1, "price": 1299}]


def error(status, code="x", headers=None, details=None):
    body = {"status": "error", "error": {"code": code, "message": f"{code} happened", "details": details or []}}
    return {"status": status, "body": body, "headers": headers or {}}


@pytest.fixture(scope="module")
def client_page(browser, shop_server):
    """A page of the shop (so that /js/shop-client.js imports under the shop's CSP)."""
    page = browser.new_page()
    page.goto(shop_server.url + "/track")
    yield page
    page.close()


def run(page, answers, *steps, stored=None, **options):
    """`stored`: what the client's storage holds at the start ({key: JSON text})."""
    return page.evaluate(RUN_CLIENT, [answers, [list(s) for s in steps], options, stored or {}])


@pytest.mark.parametrize("first", ["network", "hang", error(408), error(429), error(502), error(503), error(504)])
def test_reads_are_retried_after_network_errors_timeouts_and_busy_answers(client_page, first):
    outcome = run(client_page, [first, OK], ["listProducts"])
    assert outcome["results"] == [{"value": OK["body"]}]
    assert len(outcome["calls"]) == 2 and len(outcome["sleeps"]) == 1


@pytest.mark.parametrize(
    "status, code",
    [
        (400, "invalid_json"),
        (404, "not_found"),
        (409, "out_of_stock"),
        (422, "validation_error"),
        (500, "internal_error"),
    ],
)
def test_refusals_are_not_retried_and_carry_the_envelope(client_page, status, code):
    details = [{"field": "items", "message": "m"}]
    outcome = run(client_page, [error(status, code, details=details), OK], ["getProduct", "BHRT-001-M"])
    assert outcome["results"] == [
        {
            "error": {
                "name": "ShopApiError",
                "status": status,
                "code": code,
                "message": f"{code} happened",
                "details": details,
                "retryAfter": None,
                "isNetworkError": False,
            }
        }
    ]
    assert len(outcome["calls"]) == 1


def test_retry_after_is_honoured_and_backoff_grows_without_it(client_page):
    outcome = run(
        client_page, [error(503, headers={"Retry-After": "2"}), "network", "network", OK], ["getQikinkStatus"]
    )
    assert outcome["sleeps"] == [2000, 600, 1200]
    assert outcome["results"] == [{"value": OK["body"]}]


def test_a_wait_longer_than_worth_it_is_handed_to_the_caller_with_its_seconds(client_page):
    outcome = run(client_page, [error(429, "rate_limited", headers={"Retry-After": "30"})], ["listProducts"])
    assert outcome["results"][0]["error"]["retryAfter"] == 30 and outcome["sleeps"] == []


def test_after_the_last_retry_the_network_error_is_distinguishable_from_a_refusal(client_page):
    outcome = run(client_page, ["network"] * 4, ["listProducts"])
    assert outcome["results"][0]["error"]["code"] == "network_error"
    assert outcome["results"][0]["error"]["status"] == 0 and outcome["results"][0]["error"]["isNetworkError"]
    timed_out = run(client_page, ["hang"], ["listProducts"], retries=0)
    assert timed_out["results"][0]["error"]["code"] == "timeout" and timed_out["results"][0]["error"]["isNetworkError"]


def test_an_answer_that_is_not_the_shop_api_says_so(client_page):
    outcome = run(
        client_page,
        [{"status": 404, "body": "<h1>Not found</h1>", "headers": {"Content-Type": "text/html"}}],
        ["listProducts"],
    )
    assert outcome["results"][0]["error"]["code"] == "not_shop_api"
    assert "check the API address" in outcome["results"][0]["error"]["message"]


def test_a_post_without_an_idempotency_key_is_never_retried(client_page):
    outcome = run(client_page, ["network", OK], ["request", "/api/qikink/sync", {"method": "POST"}])
    assert outcome["results"][0]["error"]["code"] == "network_error" and len(outcome["calls"]) == 1


def test_submit_order_sends_the_guides_body_and_one_key_across_retries(client_page):
    outcome = run(
        client_page,
        ["network", error(502), CREATED],
        ["submitOrder", "asha@example.com", ADDRESS, ITEMS, {"paymentMethod": "cod"}],
    )
    assert outcome["results"][0]["value"]["data"]["order_id"] == "BHRT-1"
    bodies = [c["body"] for c in outcome["calls"]]
    assert (
        bodies
        == [
            {"customer_email": "asha@example.com", "shipping_address": ADDRESS, "payment_method": "cod", "items": ITEMS}
        ]
        * 3
    )
    keys = {c["headers"]["Idempotency-Key"] for c in outcome["calls"]}
    assert len(keys) == 1 and next(iter(keys)).startswith("checkout-")
    assert "shop.pendingCheckout" not in outcome["storage"]


def test_an_unanswered_checkout_stays_pending_and_its_retry_uses_the_same_key(client_page):
    outcome = run(
        client_page,
        ["network"] * 4 + [CREATED],
        ["submitOrder", "a@example.com", ADDRESS, ITEMS],
        ["pendingCheckout"],
        ["submitOrder", "a@example.com", ADDRESS, ITEMS],
    )
    failed, pending, placed = outcome["results"]
    assert failed["error"]["code"] == "network_error"
    assert pending["value"]["payload"]["customer_email"] == "a@example.com"
    assert {c["headers"]["Idempotency-Key"] for c in outcome["calls"]} == {pending["value"]["key"]}
    assert placed["value"]["data"]["order_id"] == "BHRT-1" and "shop.pendingCheckout" not in outcome["storage"]


def test_a_refusal_ends_the_checkout_and_the_next_one_gets_a_new_key(client_page):
    outcome = run(
        client_page,
        [error(422, "validation_error"), CREATED],
        ["submitOrder", "bad", ADDRESS, ITEMS],
        ["submitOrder", "good@example.com", ADDRESS, ITEMS],
    )
    assert outcome["results"][0]["error"]["status"] == 422
    first, second = (c["headers"]["Idempotency-Key"] for c in outcome["calls"])
    assert first != second


def test_a_changed_checkout_settles_the_unanswered_one_first(client_page):
    """The first checkout's answer was lost; before a different one is sent, the first is sent
    again with its key, and the order it made is answered (resumed) instead of a second order."""
    outcome = run(
        client_page,
        ["network"] * 4 + [CREATED],
        ["submitOrder", "a@example.com", ADDRESS, ITEMS],
        ["submitOrder", "a@example.com", ADDRESS, [{"sku": "BHRT-002-M", "quantity": 2}]],
    )
    assert outcome["results"][1]["value"]["resumed"] is True
    assert len({c["headers"]["Idempotency-Key"] for c in outcome["calls"]}) == 1
    assert outcome["calls"][-1]["body"]["items"] == ITEMS


def test_the_same_checkout_again_soon_after_its_order_gets_the_same_order(client_page):
    replayed = {**CREATED, "headers": {"Idempotent-Replayed": "true"}}
    outcome = run(
        client_page,
        [CREATED, replayed],
        ["submitOrder", "a@example.com", ADDRESS, ITEMS],
        ["submitOrder", "a@example.com", ADDRESS, ITEMS],
    )
    assert outcome["results"][1]["value"]["replayed"] is True
    assert len({c["headers"]["Idempotency-Key"] for c in outcome["calls"]}) == 1


def test_calls_go_to_the_base_url_with_their_query(client_page):
    outcome = run(
        client_page,
        [OK, OK, OK],
        ["getOrder", "BHRT-1", "a+b@example.com"],
        ["listProducts", "mens"],
        ["getQikinkFulfillmentStatus", "BHRT-1"],
    )
    assert [c["url"] for c in outcome["calls"]] == [
        "http://api.test/api/orders/BHRT-1?email=a%2Bb%40example.com",
        "http://api.test/api/products?category=mens",
        "http://api.test/api/qikink/fulfillment/BHRT-1",
    ]


def test_an_unanswered_checkout_older_than_fifteen_minutes_is_forgotten_not_sent(client_page):
    old = {"key": "checkout-old", "at": 0, "payload": {"customer_email": "old@example.com"}}
    outcome = run(
        client_page,
        [CREATED],
        ["resumeCheckout"],
        ["submitOrder", "a@example.com", ADDRESS, ITEMS],
        stored={"shop.pendingCheckout": json.dumps(old)},
    )
    assert outcome["results"][0] == {"value": None}
    [call] = outcome["calls"]
    assert call["body"]["customer_email"] == "a@example.com" and call["headers"]["Idempotency-Key"] != "checkout-old"


def test_an_answer_cut_off_mid_body_is_a_network_error_and_the_order_is_asked_for_again(client_page):
    outcome = run(client_page, ["cut", CREATED], ["submitOrder", "a@example.com", ADDRESS, ITEMS])
    assert outcome["results"][0]["value"]["data"]["order_id"] == "BHRT-1"
    assert len(outcome["calls"]) == 2 and len({c["headers"]["Idempotency-Key"] for c in outcome["calls"]}) == 1
