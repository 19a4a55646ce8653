"""The OpenAPI document: valid, complete, and in agreement with the validation code it is built
from (backend/openapi/schemas.py reads backend/models.py's rules; these tests fail when the two
disagree, by tables and by Schemathesis generating valid and invalid requests in-process)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

import tests.openapi.schemathesis_hooks  # noqa: F401  (registers the merged-quantity filter and the PIN codes)
from backend import create_app
from backend.api.throttle import CUSTOMER_LOOKUPS
from backend.config import Config
from backend.errors import ApiError
from backend.models import STATE_ALIASES, STATES
from backend.openapi.operations import ADMIN
from tests.conftest import ADDRESS, make_data_dir, order_body
from tests.harness import BASE_ENV, ROOT
from tests.openapi.schema_validation import schema_validator
from tests.openapi.schemathesis_hooks import agree_with_directory

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return make_data_dir(tmp_path_factory.mktemp("openapi") / "data", stock=1_000_000)


@pytest.fixture(scope="module")
def app(data_dir):
    return create_app(Config(data_dir=data_dir, ratelimit_enabled=False, app_env="test", qikink_env="off"))


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def document(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_the_document_is_valid_openapi_3_1(document):
    validate(document)
    assert document["openapi"] == "3.1.0"


def test_every_api_route_is_documented_and_every_documented_route_exists(app, document):
    """Every /api/ route (the pages themselves, /, /track, /admin, are HTML, not API)."""
    routes = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {
        (path, method) for path, item in document["paths"].items() for method in item if method in HTTP_METHODS
    }
    assert routes == documented


def test_every_limited_route_documents_its_429(app, document):
    """The throttle's customer look-ups and every admin route (wrong keys) can answer 429."""
    limited = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and rule.endpoint in CUSTOMER_LOOKUPS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    limited |= {
        (path, method)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS and operation.get("security") == ADMIN
    }
    assert len(limited) > 15
    for path, method in limited:
        assert "429" in document["paths"][path][method]["responses"], (method, path)


def test_every_error_code_of_errors_py_is_in_the_document(document):
    classes, pending = [], [ApiError]
    while pending:
        classes.append(pending.pop())
        pending.extend(classes[-1].__subclasses__())
    for cls in classes:
        response = document["components"]["responses"][f"Error{cls.status}"]
        codes = response["content"]["application/json"]["schema"]["allOf"][1]["properties"]["error"]["properties"][
            "code"
        ]["enum"]
        assert cls.code in codes, cls


def test_the_command_prints_the_served_document(data_dir, document):
    env = {**os.environ, **BASE_ENV, "DATA_DIR": str(data_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "backend", "openapi"], cwd=ROOT, env=env, capture_output=True, timeout=60, check=True
    )
    assert json.loads(result.stdout) == document


def test_the_command_writes_the_document_as_utf8_to_a_file(data_dir, document, tmp_path):
    """--output: a file any tool reads, whatever the shell (PowerShell 5's `>` writes UTF-16)."""
    env = {**os.environ, **BASE_ENV, "DATA_DIR": str(data_dir)}
    target = tmp_path / "openapi.json"
    subprocess.run(
        [sys.executable, "-m", "backend", "openapi", "--output", str(target)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert json.loads(target.read_bytes().decode("utf-8")) == document


def test_every_example_matches_its_schema(document):
    checked = 0
    for path, item in document["paths"].items():
        for method, operation in ((m, o) for m, o in item.items() if m in HTTP_METHODS):
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                validator = schema_validator(document, body["schema"]["$ref"].removeprefix("#"))
                for example in body.get("examples", {}).values():
                    validator.validate(example["value"])
                    checked += 1
            for status, response in operation["responses"].items():
                media = response.get("content", {}).get("application/json", {})
                if "example" in media:
                    schema_validator(document, media["schema"]["$ref"].removeprefix("#")).validate(media["example"])
                    checked += 1
    assert checked >= 10


def test_the_request_examples_are_accepted(client, document):
    examples = document["paths"]["/api/orders"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    for example in examples.values():
        assert client.post("/api/orders", json=example["value"]).status_code == 201


def test_the_docs_page_works_offline_and_runs_no_inline_script(client):
    page = client.get("/api/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    html = page.get_data(as_text=True)
    assert "<script>" not in html and "style=" not in html
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert references and all(ref.startswith("/api/") for ref in references), references
    for ref in references:
        assert client.get(ref).status_code == 200, ref
    assert "Apache License" in client.get("/api/docs/assets/LICENSE").get_data(as_text=True)
    assert client.get("/api/docs/assets/index.html").status_code == 404
    script = client.get("/api/docs/assets/docs.js").get_data(as_text=True)
    assert 'url: "/api/openapi.json"' in script and "validatorUrl: null" in script


# --- the document and the validation code agree, value by value --------------------------------------
def verdicts(client, document, field: str, value):
    """(schema accepts, server accepts) for an order whose shipping_address.`field` is `value`."""
    address = dict(ADDRESS, **{field: value})
    body = order_body(shipping_address=address)
    if field == "state":
        agree_with_directory(body)  # a PIN code of that state, so only the state's spelling is judged
    schema_ok = schema_validator(document, "/components/schemas/NewOrder").is_valid(body)
    response = client.post("/api/orders", json=body)
    # 400 address_mismatch: well-formed, but India Post has no such PIN code (no schema can say so).
    assert response.status_code in (201, 400, 422), response.get_json()
    if response.status_code == 400:
        assert response.get_json()["error"]["code"] == "address_mismatch"
    return schema_ok, response.status_code != 422


ACCEPTED = (
    [("state", name) for name in STATES.values()]
    + [("state", code) for code in STATES]
    + [("state", alias) for alias in STATE_ALIASES]
    + [
        ("phone", p)
        for p in (
            "9876543210",
            "+91 98765 43210",
            "+91-98765-43210",
            "919876543210",
            "09876543210",
            "(+91) 98765 43210",
            " 9876543210 ",
            "98765-43210-",
        )
    ]
    + [("pincode", p) for p in ("400001", 400001, 100000, 999999, " 110001 ")]
    + [("country", c) for c in ("IN", "in", "IND", "India", " INDIA ")]
    + [("name", "A"), ("name", "x" * 100), ("line2", None), ("line2", ""), ("line2", "  "), ("city", "Navi Mumbai")]
)
REFUSED = (
    [("state", s) for s in ("Atlantis", "XX", "", "  ", None, 27)]
    + [
        ("phone", p)
        for p in (
            "5876543210",
            "987654321",
            "98765432101",
            "+44 98765 43210",
            "919876543",
            "9876\t543210",
            "1" * 21,
            "",
            None,
        )
    ]
    + [
        ("pincode", p)
        for p in ("012345", "40001", "4000011", 99999, 1000000, "40000a", "4000 01", "  400001    ", True)
    ]
    + [("country", c) for c in ("US", "", "Indiana", None)]
    + [("name", n) for n in ("", "   ", "x" * 101, "Asha\x00", "A\nB", None, 5)]
    + [("line2", "x" * 201), ("line2", "a\tb"), ("city", "\x7f")]
)


EMAILS = [
    ("test@bharat.com", True),
    ("a.b+c@x-y.co.in", True),
    ("x" * 64 + "@x.com", True),
    ("a@2.1.m", True),
    ("x" * 65 + "@x.com", False),
    (".k@x.com", False),
    ("a..b@x.com", False),
    ("a.@x.com", False),
    ("a@localhost", False),
    ("a@x_y.com", False),
    ("a@-x.com", False),
    ("a b@x.com", False),
    ("", False),
]


@pytest.mark.parametrize("email,valid", EMAILS)
def test_the_document_and_the_server_agree_on_emails(client, document, email, valid):
    body = order_body(customer_email=email)
    assert schema_validator(document, "/components/schemas/NewOrder").is_valid(body) is valid
    assert client.post("/api/orders", json=body).status_code == (201 if valid else 422)


@pytest.mark.parametrize("field,value", ACCEPTED)
def test_values_the_document_allows_are_accepted(client, document, field, value):
    assert verdicts(client, document, field, value) == (True, True)


@pytest.mark.parametrize("field,value", REFUSED)
def test_values_the_document_forbids_are_refused(client, document, field, value):
    assert verdicts(client, document, field, value) == (False, False)


@pytest.fixture(scope="module")
def editable_order(client):
    """An order Qikink never accepts (Qikink is off here), so it can be patched again and again."""
    return client.post("/api/orders", json=order_body(shipping_address="Test Address, Delhi")).get_json()["data"][
        "order_id"
    ]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize("operation_id", ["createOrder", "patchOrder", "patchProduct", "listOrders", "authenticate"])
def test_generated_requests_get_the_answer_the_document_promises(app, editable_order, operation_id, mode):
    """Valid by the document → not refused as invalid; invalid by it → refused (4xx)."""
    operation = schemathesis.openapi.from_wsgi("/api/openapi.json", app).find_operation_by_id(operation_id)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case):
        path_info = case.meta.components.get(ParameterLocation.PATH) if case.meta else None
        if path_info is None or path_info.mode == GenerationMode.POSITIVE:
            # Point at things that exist, so the request (not a 404) decides the answer.
            if "order_id" in case.path_parameters:
                case.path_parameters["order_id"] = editable_order
            if "sku" in case.path_parameters:
                case.path_parameters["sku"] = "BHRT-002-M"
        if mode == GenerationMode.POSITIVE:
            agree_with_directory(case.body)
        case.call_and_validate(checks=[positive_data_acceptance, negative_data_rejection])

    check()


@pytest.mark.parametrize(
    "url,status",
    [
        ("/api/orders?status=pending", 200),
        ("/api/orders?status=shipped", 422),
        ("/api/orders?qikink_status=synced", 200),
        ("/api/orders?qikink_status=done", 422),
        ("/api/orders?per_page=200", 200),
        ("/api/orders?per_page=201", 422),
    ],
)
def test_query_parameters_outside_the_documents_enums_are_refused(client, url, status):
    assert client.get(url).status_code == status


@pytest.mark.parametrize("word,status", [("true", 503), ("no", 503), ("maybe", 422), ("", 422)])
def test_yes_no_parameters_take_only_the_documents_words(client, document, word, status):
    """(Qikink is off here, so a well-formed sync answers 503 qikink_unavailable.)"""
    documented = document["paths"]["/api/qikink/sync"]["post"]["parameters"][0]["schema"]["enum"]
    assert (word in documented) is (status != 422)
    assert client.post(f"/api/qikink/sync?retry_failed={word}").status_code == status


def test_generated_photo_uploads_the_document_forbids_are_refused(app):
    """POST /api/photos is left out of the live Schemathesis run (a valid upload must be a real
    image); here every upload the document forbids is refused. A form carries text only, so a body
    invalid only by a field's JSON type (alt as the number 0 arrives as the text "0") is skipped."""
    operation = schemathesis.openapi.from_wsgi("/api/openapi.json", app).find_operation_by_id("uploadPhoto")

    @given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case):
        body = case.body if isinstance(case.body, dict) else {}
        if any(not isinstance(value, (str, bytes)) for value in body.values()):
            return
        case.call_and_validate(checks=[negative_data_rejection])

    check()
