"""§6 Bad input: property-based fuzzing of every route, and the explicit hostile cases."""

from __future__ import annotations

import io
import json
import select
import socket
from collections import Counter
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend import create_app
from backend.config import Config
from tests.conftest import ADDRESS, make_data_dir, order_body
from tests.robustness import figures
from tests.robustness.conftest import ADMIN_KEY
from tests.support import assert_error_body

ADMIN = {"X-Admin-Key": ADMIN_KEY}
SETTINGS = dict(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
TRAVERSALS = [
    "../",
    "..%2f",
    "%2e%2e%2f",
    "..%2F..%2Fstate.json",
    "%2e%2e/%2e%2e/etc/passwd",
    "/etc/passwd",
    "%2Fetc%2Fpasswd",
    "C:%5CWindows%5Cwin.ini",
    "BHRT-1%00.json",
    "%00",
    "BHRT-1/../../state",
    "orders%2F..%2F..%2Fproducts",
    "....//....//",
    "%252e%252e%252f",
    "BHRT-" + "9" * 200,
    "con",
    "nul",
    "BHRT-1.json",
    ".store.lock",
    "*",
    "%ff%fe",
    "%c0%ae%c0%ae%2f",
]


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    data_dir = make_data_dir(tmp_path_factory.mktemp("fuzz") / "data", stock=100_000)
    app = create_app(
        Config(data_dir=data_dir, ratelimit_enabled=False, app_env="test", qikink_env="off", admin_api_key=ADMIN_KEY)
    )
    client = app.test_client()
    order = client.post("/api/orders", json=order_body()).json["data"]
    return app, client, order


def state_of(app) -> tuple:
    store = app.extensions["shop"].store
    return (
        tuple(sorted((sku, p["stock_quantity"], str(p["price"])) for sku, p in store.products().items())),
        tuple(store.order_ids()),
    )


def check(app, response, before) -> str:
    """Never a 5xx; every error in the JSON envelope; a rejected request changed nothing.

    Returns "refused" or "accepted"; only a refused input counts as a bad input tried (an input the
    fuzzer made valid by chance tests nothing about bad input)."""
    status = response.status_code
    assert status < 500, response.get_data(as_text=True)[:500]
    if status < 400:
        return "accepted"
    body = response.get_json(silent=True)
    assert response.mimetype == "application/json", response.get_data()[:200]
    if response.request.method != "HEAD":  # a HEAD answer has no body by definition
        assert_error_body(body)
    assert state_of(app) == before, "a rejected request changed stock or orders"
    figures.add("bad_inputs_tried")
    return "refused"


# --- strategies ------------------------------------------------------------------------------------
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "BHRT-001-M",
            "bhrt-001-m",
            "prepaid",
            "COD",
            "IN",
            "400001",
            "9876543210",
            "Maharashtra",
            "a@b.co",
            "\u0000",
            "\u202e",
            "𝓤𝓷𝓲𝓬𝓸𝓭𝓮",
            "1e309",
            "-0",
            "NaN",
        ]
    ),
    st.sampled_from([0, -1, 1, 99, 100, 0.5, 1.0, 1e308, -1e308, 10**20, True, False]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12,
)


def maybe(valid, *extra):
    return st.one_of(st.just(valid), json_values, *[st.just(e) for e in extra])


addresses = st.one_of(
    st.fixed_dictionaries({k: maybe(v) for k, v in ADDRESS.items()}), json_values, st.text(max_size=600)
)
lines = st.fixed_dictionaries(
    {
        "sku": maybe("BHRT-001-M", "NOPE-1", "../products"),
        "quantity": maybe(1, 0, -1, 1.5, 100, True, "2", None),
        "price": maybe(1299, 1, 0, -1299, 1299.001, "1299", None),
    }
)
order_bodies = st.one_of(
    st.fixed_dictionaries(
        {
            "customer_email": maybe("fuzz@example.com"),
            "shipping_address": addresses,
            "payment_method": maybe("prepaid"),
            "items": st.one_of(st.lists(lines, max_size=3), json_values),
        }
    ),
    json_values,
)
segments = st.one_of(
    st.sampled_from(TRAVERSALS), st.text(max_size=30).map(lambda t: quote(t, safe="")), st.just("BHRT-1")
)
queries = st.dictionaries(
    st.sampled_from(["page", "per_page", "status", "qikink_status", "email", "category", "force", "retry_failed", "x"]),
    st.one_of(st.text(max_size=20), st.sampled_from(["0", "1", "-1", "²", "١", "9" * 40, "1e3", " 1", "201", "%00"])),
    max_size=3,
)


def raw_json(value) -> bytes:
    return json.dumps(value, default=str).encode("utf-8")


# --- fuzzing ---------------------------------------------------------------------------------------
def fuzz(attempt, max_examples: int, **strategies) -> Counter:
    """Run `attempt(**example)` on Hypothesis's examples; it returns "refused" or "accepted". The
    search runs inside the test so that a search whose inputs were all accepted (it tested no bad
    input at all) fails instead of passing."""
    outcomes = Counter()

    @settings(max_examples=max_examples, **SETTINGS)
    @given(**strategies)
    def search(**example):
        outcomes[attempt(**example)] += 1

    search()
    assert outcomes["refused"] > 0, dict(outcomes)
    return outcomes


def test_fuzz_create_order(shop):
    app, client, _ = shop

    def attempt(body, key):
        before = state_of(app)
        headers = {} if key is None else {"Idempotency-Key": key.encode("utf-8", "replace").decode("latin-1")}
        response = client.post("/api/orders", data=raw_json(body), content_type="application/json", headers=headers)
        return check(app, response, before)

    fuzz(
        attempt,
        900,
        body=order_bodies,
        key=st.one_of(st.none(), st.text(max_size=300).filter(lambda k: not set(k) & set("\r\n"))),
    )


def test_fuzz_patch_order(shop):
    app, client, order = shop

    def attempt(body, segment):
        before = state_of(app)
        path = f"/api/orders/{order['order_id'] if segment is None else segment}"
        response = client.patch(path, data=raw_json(body), content_type="application/json", headers=ADMIN)
        if response.status_code == 200:
            return "accepted"  # an accepted correction changes the order, not stock or the order list
        return check(app, response, before)

    fuzz(
        attempt,
        300,
        body=st.one_of(
            st.fixed_dictionaries({"shipping_address": addresses}),
            st.fixed_dictionaries({"customer_email": json_values, "payment_method": json_values}),
            json_values,
        ),
        segment=st.one_of(st.none(), segments),
    )


def test_fuzz_patch_product(shop):
    app, client, _ = shop

    def attempt(body, segment):
        before = state_of(app)
        response = client.patch(
            f"/api/products/{segment}", data=raw_json(body), content_type="application/json", headers=ADMIN
        )
        if response.status_code == 200:
            client.patch("/api/products/BHRT-002-M", json={"price": 1299, "stock_quantity": 100_000}, headers=ADMIN)
            return "accepted"
        return check(app, response, before)

    fuzz(
        attempt,
        300,
        body=st.one_of(
            st.fixed_dictionaries({"price": maybe(1299)}),
            st.fixed_dictionaries({"stock_quantity": maybe(5)}),
            json_values,
        ),
        segment=st.one_of(st.just("BHRT-002-M"), segments),
    )


def test_fuzz_every_route(shop):
    app, client, _ = shop

    def attempt(method, route, segment, query, admin, body, content_type):
        before = state_of(app)
        path = route.format(segment)
        response = client.open(
            path,
            method=method,
            query_string=query,
            data=body,
            content_type=content_type,
            headers=ADMIN if admin else {},
        )
        if method in ("POST", "PATCH") and response.status_code in (200, 201):
            return "accepted"
        if method == "POST" and path.startswith("/api/qikink/") and response.status_code == 503:
            # Qikink is off in this app: 503 qikink_unavailable is the contract's answer, not a crash.
            assert_error_body(response.json, "qikink_unavailable")
            figures.add("bad_inputs_tried")
            return "refused"
        return check(app, response, before)

    fuzz(
        attempt,
        500,
        method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]),
        route=st.sampled_from(
            [
                "/api/health",
                "/api/products",
                "/api/products/{}",
                "/api/orders",
                "/api/orders/{}",
                "/api/qikink/status",
                "/api/qikink/fulfillment/{}",
                "/api/qikink/authenticate",
                "/api/qikink/sync",
                "/{}",
                "/api/{}",
            ]
        ),
        segment=segments,
        query=queries,
        admin=st.booleans(),
        body=st.one_of(st.none(), st.binary(max_size=200), json_values.map(raw_json)),
        content_type=st.sampled_from(
            [
                None,
                "application/json",
                "text/plain",
                "application/x-www-form-urlencoded",
                "application/json; charset=latin-1",
                "multipart/form-data",
                "application/jsonx",
            ]
        ),
    )


# --- explicit hostile cases --------------------------------------------------------------------------
def with_items(**line):
    return raw_json(order_body(items=[{"sku": "BHRT-001-M", **line}]))


def text_body(text: str) -> bytes:
    return text.encode("utf-8")


VALID = json.dumps(order_body())
EXPLICIT = {
    "nan": (text_body(VALID.replace('"quantity": 2', '"quantity": NaN')), 400),
    "infinity": (text_body(VALID.replace('"quantity": 2', '"quantity": Infinity')), 400),
    "minus_infinity": (text_body(VALID.replace('"price": 1299', '"price": -Infinity')), 400),
    "5000_digit_int": (text_body(VALID.replace('"quantity": 2', '"quantity": ' + "9" * 5000)), 400),
    "5000_digit_fraction": (text_body(VALID.replace('"price": 1299', '"price": 0.' + "1" * 5000)), 409),
    "5000_digit_price": (text_body(VALID.replace('"price": 1299', '"price": 1' + "0" * 4999 + ".5")), 422),
    "huge_exponent": (text_body(VALID.replace('"quantity": 2', '"quantity": 1e999999999999999999999')), 400),
    "huge_negative_exponent": (text_body(VALID.replace('"price": 1299', '"price": 1e-999999999999999999999')), 400),
    "exponent_quantity": (text_body(VALID.replace('"quantity": 2', '"quantity": 2e0')), 201),
    "deep_nesting_30000": (b'{"items": ' + b"[" * 30000 + b"]" * 30000 + b"}", 400),
    "deep_nesting_100000": (b'{"items": ' + b"[" * 100000 + b"]" * 100000 + b"}", 413),
    "deep_objects": (b'{"a":' * 10000 + b"1" + b"}" * 10000, 400),
    "duplicate_keys": (text_body('{"customer_email": "a@example.com", "customer_email": "b@example.com"}'), 400),
    "duplicate_nested_keys": (text_body(VALID.replace('"quantity": 2', '"quantity": 2, "quantity": 3')), 400),
    "invalid_utf8": (b'{"customer_email": "\xff\xfe@example.com"}', 400),
    "utf16_body": (VALID.encode("utf-16"), 400),
    "bom_body": (b"\xef\xbb\xbf" + VALID.encode("utf-8"), 400),
    "lone_surrogate": (text_body(VALID.replace("Asha Verma", "\\ud800")), 400),
    "empty_body": (b"", 400),
    "whitespace_body": (b"   ", 400),
    "json_null": (b"null", 400),
    "json_array": (b"[]", 400),
    "json_string": (b'"order"', 400),
    "trailing_garbage": (text_body(VALID + "}"), 400),
    "long_name": (raw_json(order_body(shipping_address={**ADDRESS, "name": "A" * 20000})), 422),
    "long_email": (raw_json(order_body(customer_email="a" * 60000 + "@example.com")), 422),
    "over_64_kib": (raw_json(order_body(customer_email="a" * 70000 + "@example.com")), 413),
    "long_sku": (with_items(sku="B" * 30000, quantity=1), 422),
    "control_chars": (raw_json(order_body(shipping_address={**ADDRESS, "line1": "12\u0000MG\u001bRoad"})), 422),
    "quantity_zero": (with_items(quantity=0), 422),
    "quantity_negative": (with_items(quantity=-1), 422),
    "quantity_fraction": (with_items(quantity=1.5), 422),
    "quantity_true": (with_items(quantity=True), 422),
    "quantity_false": (with_items(quantity=False), 422),
    "quantity_string": (with_items(quantity="2"), 422),
    "quantity_100": (with_items(quantity=100), 422),
    "quantity_null": (with_items(quantity=None), 422),
    "price_tampered": (with_items(quantity=1, price=1), 409),
    "price_negative": (with_items(quantity=1, price=-1299), 422),
    "price_true": (with_items(quantity=1, price=True), 422),
    "unknown_sku": (raw_json(order_body(items=[{"sku": "NOPE-999", "quantity": 1}])), 422),
    "sku_traversal": (raw_json(order_body(items=[{"sku": "../state", "quantity": 1}])), 422),
    "sku_null": (raw_json(order_body(items=[{"sku": None, "quantity": 1}])), 422),
    "items_null": (raw_json(order_body(items=None)), 422),
    "items_of_null": (raw_json(order_body(items=[None])), 422),
    "items_51": (raw_json(order_body(items=[{"sku": "BHRT-001-M", "quantity": 1}] * 51)), 422),
    "merged_over_99": (raw_json(order_body(items=[{"sku": "BHRT-001-M", "quantity": 60}] * 2)), 422),
    "null_everywhere": (raw_json({k: None for k in order_body()}), 422),
    "null_address_fields": (raw_json(order_body(shipping_address={k: None for k in ADDRESS})), 422),
    "email_null": (raw_json(order_body(customer_email=None)), 422),
    "payment_null_is_default": (raw_json(order_body(payment_method=None)), 201),
    "address_list": (raw_json(order_body(shipping_address=["12 MG Road"])), 422),
    "pincode_huge_int": (raw_json(order_body(shipping_address={**ADDRESS, "pincode": 10**40})), 422),
    "pincode_float": (raw_json(order_body(shipping_address={**ADDRESS, "pincode": 400001.0})), 422),
}


@pytest.mark.parametrize("name", sorted(EXPLICIT))
def test_explicit_hostile_body(shop, name):
    app, client, _ = shop
    raw, expected = EXPLICIT[name]
    before = state_of(app)
    response = client.post("/api/orders", data=raw, content_type="application/json")
    check(app, response, before)
    assert response.status_code == expected, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json-patch+json",
        "text/json",
        "application/javascript",
        "APPLICATION/JSON",
    ],
)
def test_wrong_or_missing_content_type(shop, content_type):
    app, client, _ = shop
    before = state_of(app)
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = client.post("/api/orders", data=VALID.encode(), headers=headers)
    check(app, response, before)
    expected = 201 if content_type == "APPLICATION/JSON" else 415
    assert response.status_code == expected
    patch = client.patch("/api/products/BHRT-001-M", data=b'{"stock_quantity": 1}', headers={**headers, **ADMIN})
    check(app, patch, before)
    assert patch.status_code == (200 if expected == 201 else 415)
    if expected == 201:
        client.patch("/api/products/BHRT-001-M", json={"stock_quantity": 100_000}, headers=ADMIN)


@pytest.mark.parametrize("segment", TRAVERSALS)
@pytest.mark.parametrize("route", ["/api/orders/{}", "/api/products/{}", "/api/qikink/fulfillment/{}"])
def test_path_traversal_in_ids(shop, route, segment):
    app, client, _ = shop
    before = state_of(app)
    for method, extra in (
        ("GET", {}),
        ("GET", {"query_string": {"email": "asha@example.com"}}),
        ("PATCH", {"json": {"payment_method": "cod"}, "headers": ADMIN}),
    ):
        response = client.open(route.format(segment), method=method, **extra)
        check(app, response, before)
        assert response.status_code in (404, 405), (method, response.status_code)


@pytest.mark.parametrize(
    "query",
    [
        {"page": "²"},
        {"per_page": "¹⁰"},
        {"page": "١"},
        {"page": "0"},
        {"per_page": "201"},
        {"page": "9" * 5000},
        {"page": "-1"},
        {"page": " 1"},
    ],
)
def test_bad_paging_is_422(shop, query):
    app, client, _ = shop
    before = state_of(app)
    response = client.get("/api/orders", query_string=query, headers=ADMIN)
    check(app, response, before)
    assert response.status_code == 422


# --- transport level, through the real waitress server ---------------------------------------------
@pytest.fixture(scope="module")
def live(tmp_path_factory, log_dir):
    from tests.harness import ServerProcess
    from tests.robustness.conftest import server_env

    server = ServerProcess(make_data_dir(tmp_path_factory.mktemp("live") / "data"), log_dir, env=server_env())
    server.start()
    yield server
    server.stop()


def raw_request(server, request: bytes) -> tuple[int, dict, bytes]:
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def assert_envelope(status, headers, body, expected):
    assert status == expected, body[:300]
    assert headers["content-type"].startswith("application/json"), headers
    assert_error_body(json.loads(body))
    figures.add("bad_inputs_tried")


def stock(server) -> int:
    return server.get("/api/products/BHRT-001-M").json()["data"]["stock_quantity"]


def test_ten_megabyte_body_is_413_before_it_is_sent(live):
    """The answer comes from the Content-Length alone: the client has sent none of the body (the
    server never reads 10 MiB it will refuse)."""
    before = stock(live)
    request = (
        b"POST /api/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Connection: close\r\nContent-Length: " + str(10 * 1024 * 1024).encode() + b"\r\n\r\n"
    )
    status, headers, body = raw_request(live, request)
    assert_envelope(status, headers, body, 413)
    assert json.loads(body)["error"]["code"] == "payload_too_large"
    assert stock(live) == before


def test_only_the_photo_upload_takes_a_body_over_64_kib(live):
    """waitress's limit is the photo upload's on /api/photos alone: a 9 MB upload is refused from
    its Content-Length, a 200 KiB photo is taken, and every other path keeps 64 KiB."""
    request = (
        b"POST /api/photos HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
        b"Connection: close\r\nContent-Length: " + str(9 * 1024 * 1024).encode() + b"\r\n\r\n"
    )
    status, headers, body = raw_request(live, request)
    assert_envelope(status, headers, body, 413)
    assert json.loads(body)["error"]["code"] == "photo_too_large"

    import random

    from PIL import Image

    noise = random.Random(26).randbytes(300 * 300 * 3)  # noise does not compress: ~270 KB as PNG
    photo = io.BytesIO()
    Image.frombytes("RGB", (300, 300), noise).save(photo, "PNG")
    assert len(photo.getvalue()) > 200 * 1024
    answer = live.post(
        "/api/photos",
        files={"file": ("noise.png", photo.getvalue(), "image/png")},
        data={"design": "BHRT-002", "alt": "Noise"},
        headers=ADMIN,
    )
    assert answer.status_code == 201, answer.text

    request = (
        b"POST /api/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Connection: close\r\nContent-Length: " + str(100 * 1024).encode() + b"\r\n\r\n"
    )
    status, headers, body = raw_request(live, request)
    assert_envelope(status, headers, body, 413)
    assert json.loads(body)["error"]["message"] == "Request body is too large (at most 65536 bytes)"


def test_a_chunked_body_is_413_once_it_passes_the_limit(live):
    """Sent a piece at a time, as a slow client would: the answer comes once the body passes the
    limit, and the client stops there (what it would otherwise send is never read)."""
    head = (
        b"POST /api/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    piece = b"%x\r\n%s\r\n" % (4096, b"a" * 4096)
    with socket.create_connection(("127.0.0.1", live.port), timeout=30) as sock:
        sock.sendall(head)
        for sent in range(1, 101):  # at most 400 KiB
            sock.sendall(piece)
            # Past the limit, wait longer for the answer: a busy machine answers late, and every piece
            # sent after the refusal is left unread (a reset could then swallow the answer).
            if select.select([sock], [], [], 0.5 if sent >= 16 else 0.01)[0]:
                break
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert sent >= 16  # not answered before the body passed the 64 KiB limit
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines[1:] if ": " in line)}
    assert_envelope(int(lines[0].split()[1]), headers, body, 413)


def test_invalid_utf8_body_over_http_is_400(live):
    body = b'{"customer_email": "\xff\xfe\xfd@example.com", "items": []}'
    request = (
        b"POST /api/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    assert_envelope(*raw_request(live, request), 400)


@pytest.mark.parametrize(
    "path",
    [
        b"/api/orders/%00",
        b"/api/orders/BHRT-1%00.json",
        b"/api/products/%ff%fe",
        b"/api/products/%2e%2e%2fstate.json",
        b"/api/orders/..%2f..%2fstate.json",
        b"/api/qikink/fulfillment/%00%00",
        b"/api/products/" + b"A" * 8000,
    ],
)
def test_hostile_paths_over_http_are_json_404(live, path):
    request = b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    assert_envelope(*raw_request(live, request), 404)


def test_raw_invalid_utf8_in_the_request_line_is_refused_by_waitress(live):
    """Refused by waitress itself ("Bad URI", text/plain) before the app: nothing reaches the shop."""
    before = stock(live)
    status, _, _ = raw_request(
        live, b"GET /api/orders/\xff\xfe HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    assert status == 400 and stock(live) == before


def test_missing_content_type_over_http_is_415(live):
    body = VALID.encode()
    request = (
        b"POST /api/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )
    assert_envelope(*raw_request(live, request), 415)
