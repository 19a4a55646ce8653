"""Schemathesis against the live server (`python -m backend`, QIKINK_ENV=emulator, an admin key),
started here on free ports of 127.0.0.1: every operation, every default check (no server error,
status codes, headers and bodies conforming to the document, invalid data refused, valid data
accepted, auth not ignored, unsupported methods refused), and stateful runs along the document's
links. Bounded by work, not by time: a fixed seed and a fixed number of examples per operation and
phase (a time budget let fuzzing eat the stateful phase on a slow, busy machine, so which links got
followed depended on the machine's speed). The three links a client relies on (create an order →
read it → its fulfilment) are then followed explicitly, each once, as the document describes them,
and every answer is checked against its schema."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import jsonschema_rs
import pytest
import requests

from tests.conftest import make_data_dir
from tests.harness import ROOT, EmulatorProcess, ServerProcess

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ADMIN_KEY = "schemathesis-admin-key-2026"
MAX_EXAMPLES = 40
HANG_GUARD_SECONDS = 20 * 60  # only against a hang: the run is bounded by its examples
SEED = 14
# One worker: with two, Hypothesis (6.168) describing filters from two threads at once trips
# CPython 3.11's AST parser ("AST constructor recursion depth mismatch"), a tool error, not ours.


def test_schemathesis_finds_no_failure_against_the_live_server(tmp_path):
    data_dir = make_data_dir(tmp_path / "data", stock=1_000_000)
    with (
        EmulatorProcess(tmp_path) as emulator,
        ServerProcess(data_dir, tmp_path, emulator_url=emulator.url, env={"ADMIN_API_KEY": ADMIN_KEY}) as server,
    ):
        # First, before the fuzzing changes the catalogue (PATCH /api/products may sell a SKU out).
        document = requests.get(f"{server.url}/api/openapi.json", timeout=30).json()
        followed = follow_the_order_links(server.url, document)
        command = [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            f"{server.url}/api/openapi.json",
            "--header",
            f"Authorization: Bearer {ADMIN_KEY}",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            str(SEED),
            "--workers",
            "1",
            "--request-timeout",
            "15",
            "--output-truncate",
            "false",
            # A generator's own health check (too many drawn values thrown away for the address
            # patterns), not a check of the API.
            "--suppress-health-check",
            "filter_too_much",
        ]
        env = {
            **os.environ,
            "SCHEMATHESIS_HOOKS": "tests.openapi.schemathesis_hooks",
            "NO_COLOR": "1",
            "COLUMNS": "120",
        }
        result = subprocess.run(
            command,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=HANG_GUARD_SECONDS,
        )
        server_log = server.output()

    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-30000:] + "\n--- server log ---\n" + server_log[-5000:]
    # Every operation of the document selected and tested (the count grows with the API).
    counts = re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", output)
    assert counts and len(set(counts.groups())) == 1 and int(counts.group(1)) >= 17, output[-5000:]
    assert "API Links:" in output, output[-5000:]
    assert followed == [
        "POST /api/orders -> [201] GetOrder -> GET /api/orders/{order_id}",
        "POST /api/orders -> [201] GetFulfilment -> GET /api/qikink/fulfillment/{order_id}",
        "GET /api/orders/{order_id} -> [200] GetFulfilment -> GET /api/qikink/fulfillment/{order_id}",
    ]


def follow_the_order_links(url: str, document: dict) -> list[str]:
    """Create an order, then follow the document's links from its answers (parameters evaluated
    from the response body as the link says), checking every answer against its schema."""
    operations = {
        operation["operationId"]: (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    }
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {ADMIN_KEY}"
    body = document["paths"]["/api/orders"]["post"]["requestBody"]["content"]["application/json"]
    example = next(iter(body["examples"].values()))["value"] if "examples" in body else body["example"]
    created = session.post(f"{url}/api/orders", json=example, timeout=30)
    followed = []

    def follow(source: str, answer, name: str):
        method, path, operation = operations[source]
        status = str(answer.status_code)
        check(document, operation, answer)
        link = operation["responses"][status]["links"][name]
        target_method, target_path, target = operations[link["operationId"]]
        values = {key: pointer(answer.json(), expression) for key, expression in link["parameters"].items()}
        in_path = set(re.findall(r"{(\w+)}", target_path))
        target_url = url + target_path.format(**{k: v for k, v in values.items() if k in in_path})
        query = {k: v for k, v in values.items() if k not in in_path}
        result = session.request(target_method, target_url, params=query, timeout=30)
        check(document, target, result)
        followed.append(f"{method} {path} -> [{status}] {name} -> {target_method} {target_path}")
        return result

    read = follow("createOrder", created, "GetOrder")
    follow("createOrder", created, "GetFulfilment")
    follow("getOrder", read, "GetFulfilment")
    return followed


def pointer(body: dict, expression: str):
    """A runtime expression `$response.body#/a/b` evaluated on a JSON body."""
    prefix = "$response.body#"
    assert expression.startswith(prefix), expression
    value = body
    for part in expression[len(prefix) :].strip("/").split("/"):
        value = value[part]
    return value


def check(document: dict, operation: dict, answer) -> None:
    """The answer is one the operation documents, and its body conforms to that answer's schema."""
    responses = operation["responses"]
    assert str(answer.status_code) in responses, (operation["operationId"], answer.status_code, answer.text[:500])
    media = responses[str(answer.status_code)].get("content", {}).get("application/json")
    if media:
        schema = {"allOf": [media["schema"]], "components": document["components"]}
        jsonschema_rs.validator_for(schema, validate_formats=True).validate(answer.json())
