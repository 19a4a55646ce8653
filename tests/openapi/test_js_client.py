"""The JS client's calls (frontend/js/shop-client.js) are operations of the OpenAPI document: the
same paths and methods, query parameters and headers the document declares, and an order body
whose keys are the document's. Read statically; the browser tests run the client itself."""

from __future__ import annotations

import re

import pytest

from backend import create_app
from backend.config import Config
from tests.conftest import make_data_dir
from tests.harness import ROOT

CLIENT = ROOT / "frontend" / "js" / "shop-client.js"
pytestmark = pytest.mark.skipif(not CLIENT.exists(), reason="frontend/js/shop-client.js is not on this branch")


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    config = Config(
        data_dir=make_data_dir(tmp_path_factory.mktemp("js") / "data"),
        ratelimit_enabled=False,
        app_env="test",
        qikink_env="off",
    )
    return create_app(config).test_client().get("/api/openapi.json").get_json()


def client_calls(source: str) -> list[dict]:
    """(method, path template, query names, header names) of every call the client makes."""
    calls = []
    for path, query in re.findall(r"\bget\(\s*[`'](/api/[^`']+)[`'](?:\s*,\s*\{([^}]*)\})?", source):
        calls.append(
            {"method": "get", "path": path, "query": re.findall(r"(\w+)\s*(?:[,:]|$)", query.strip()), "headers": []}
        )
    for path, options in re.findall(r"\brequest\(\s*[`'](/api/[^`']+)[`']\s*,\s*\{(.*?)\}\);", source, flags=re.S):
        calls.append(
            {
                "method": re.search(r"method:\s*'(\w+)'", options).group(1).lower(),
                "path": path,
                "query": [],
                "headers": re.findall(r"headers:\s*\{\s*'([^']+)'", options),
            }
        )
    for call in calls:
        call["path"] = re.sub(r"\$\{encode\((\w+)\)\}", "{}", call["path"])
    return calls


def operation_for(document, path: str, method: str) -> dict:
    for template, item in document["paths"].items():
        if re.sub(r"\{\w+\}", "{}", template) == path and method in item:
            return {**item[method], "parameters": item.get("parameters", []) + item[method].get("parameters", [])}
    raise AssertionError(f"{method.upper()} {path} (called by shop-client.js) is not in the document")


def test_every_call_of_the_js_client_is_a_documented_operation(document):
    calls = client_calls(CLIENT.read_text(encoding="utf-8"))
    assert {(c["method"], c["path"]) for c in calls} >= {
        ("get", "/api/products"),
        ("post", "/api/orders"),
        ("get", "/api/qikink/fulfillment/{}"),
    }
    for call in calls:
        operation = operation_for(document, call["path"], call["method"])
        declared = {(p["in"], p["name"]) for p in operation["parameters"]}
        for name in call["query"]:
            assert ("query", name) in declared, (call, name)
        for name in call["headers"]:
            assert ("header", name) in declared, (call, name)


def test_the_js_clients_order_body_has_the_documents_keys(document):
    source = CLIENT.read_text(encoding="utf-8")
    payload = re.search(r"const payload = \{(.*?)\n\s*\};", source, flags=re.S).group(1)
    keys = set(re.findall(r"^\s*(\w+):", payload, flags=re.M))
    line_keys = set(re.search(r"items\.map\(\(\{([^}]*)\}\)", payload).group(1).replace(" ", "").split(","))
    schemas = document["components"]["schemas"]
    assert keys and keys <= set(schemas["NewOrder"]["properties"]), keys
    assert line_keys <= set(schemas["OrderLine"]["properties"]), line_keys
