"""The README's curl and PowerShell examples, sent to the live server (emulator, no admin key: the
examples run on the server's own machine) and every answer checked against the OpenAPI document.

curl commands are read from the README's ```bash blocks; the PowerShell block (no PowerShell
here) is read for its requests: the same order body, the same routes and methods."""

from __future__ import annotations

import json
import re
import shlex

import pytest
import requests
import schemathesis

from backend.openapi.examples import GUIDE_ORDER
from tests.conftest import make_data_dir
from tests.harness import ROOT, EmulatorProcess, ServerProcess, free_port, wait_until

pytestmark = pytest.mark.e2e

README = (ROOT / "README.md").read_text(encoding="utf-8")
README_HOST = "http://localhost:5000"
README_RAZORPAY = "http://127.0.0.1:5002"
PLACEHOLDER_ID = "BHRT-1733304000"
PLACEHOLDER_RAZORPAY_ID = "order_XXXXXXXXXXXXXX"


def fenced_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def curl_commands() -> list[list[str]]:
    """Each curl command of the ```bash blocks as shell words (continuations and quoted
    multi-line bodies joined)."""
    commands = []
    for block in fenced_blocks("bash"):
        pending = ""
        for line in block.replace("\\\n", " ").splitlines():
            pending = f"{pending}\n{line}" if pending else line
            try:
                words = shlex.split(pending, comments=True)
            except ValueError:  # a quote still open: the command goes on
                continue
            pending = ""
            if words and words[0] == "curl":
                commands.append(words[1:])
    return commands


def parse_curl(words: list[str]) -> dict:
    request = {"method": None, "headers": {}, "data": None, "url": None}
    words = iter(words)
    for word in words:
        if word == "-X":
            request["method"] = next(words)
        elif word == "-H":
            name, _, value = next(words).partition(":")
            request["headers"][name.strip()] = value.strip()
        elif word in ("-d", "--data"):
            request["data"] = next(words)
        elif word.startswith("http"):
            request["url"] = word
        else:
            raise AssertionError(f"curl option {word!r} is not understood by this test")
    request["method"] = request["method"] or ("POST" if request["data"] is not None else "GET")
    return request


def powershell_requests() -> tuple[dict, list[dict]]:
    """The PowerShell block's $body (as JSON) and its Invoke-RestMethod calls."""
    (block,) = fenced_blocks("powershell")
    table = re.search(r"\$body = (@\{.*?\n\}) \| ConvertTo-Json", block, flags=re.S).group(1)
    text = re.sub(r"(\w+)\s*=\s*", r'"\1": ', table).replace("@{", "{").replace("@(", "[").replace(")", "]")
    text = re.sub(r"\s*[;\n]\s*", ", ", text)
    text = re.sub(r"([{\[]),\s*", r"\1", re.sub(r",\s*([}\]])", r"\1", text))
    calls = []
    for line in block.splitlines():
        if "Invoke-RestMethod" not in line:
            continue
        method = re.search(r"-Method (\w+)", line)
        url = re.search(r'"?(http://[^"\s]+)"?', line).group(1)
        calls.append(
            {
                "method": method.group(1).upper() if method else "GET",
                "url": url,
                "json_body": "-Body $body" in line,
                "content_type": re.search(r'-ContentType "([^"]+)"', line),
            }
        )
    return json.loads(text), calls


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The server as a first run has it: the Qikink emulator, and the embedded Razorpay emulator
    (the default without keys) on a free port (`server.razorpay_url`)."""
    base = tmp_path_factory.mktemp("readme")
    port = free_port()
    payments = {"PAYMENTS_ENV": "emulator", "RAZORPAY_EMULATOR_PORT": str(port)}
    with (
        EmulatorProcess(base) as emulator,
        ServerProcess(make_data_dir(base / "data"), base, emulator_url=emulator.url, env=payments) as server,
    ):
        server.razorpay_url = f"http://127.0.0.1:{port}"
        yield server


def pay_at_the_emulator(server, razorpay_order_id: str) -> None:
    response = requests.post(f"{server.razorpay_url}/_emulator/orders/{razorpay_order_id}/pay", timeout=15)
    assert response.ok, response.text


def wait_for(server, order_id: str, qikink_status: str) -> None:
    """Paid at the emulator, the order is settled by its webhook and sent to Qikink."""
    wait_until(
        lambda: (
            requests.get(f"{server.url}/api/orders/{order_id}", timeout=10).json()["data"]["qikink_status"]
            == qikink_status
        ),
        60,
        what=f"{order_id} {qikink_status}",
    )


@pytest.fixture(scope="module")
def api(server):
    return schemathesis.openapi.from_url(f"{server.url}/api/openapi.json")


def check_answer(api, response: requests.Response) -> dict:
    """The answer is a success the document describes: status, headers and body."""
    path = requests.utils.urlparse(response.request.url).path
    templates = [
        t for t in api.raw_schema["paths"] if re.fullmatch(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(t)), path)
    ]
    assert templates, f"{path} is not in the document"
    (template,) = templates
    operation = api[template][response.request.method]
    assert response.ok, response.text
    assert str(response.status_code) in operation.definition.raw["responses"]
    operation.validate_response(response)
    return response.json()


def test_the_readme_has_the_examples_this_test_reads():
    assert len(curl_commands()) >= 8
    body, calls = powershell_requests()
    assert body and len(calls) == 6


def test_every_readme_curl_example_gets_an_answer_the_document_describes(server, api):
    order_ids, razorpay_ids = [], []
    for words in curl_commands():
        request = parse_curl(words)
        if request["url"].startswith(README_RAZORPAY):  # step 4b: pay at the Razorpay emulator
            assert PLACEHOLDER_RAZORPAY_ID in request["url"] and request["method"] == "POST"
            pay_at_the_emulator(server, razorpay_ids[-1])
            wait_for(server, order_ids[-1], "synced")
            continue
        url = request["url"].replace(README_HOST, server.url)
        if request["method"] == "PATCH":
            # The README's PATCH completes the guide's one-line order: place one, pay it, complete it.
            guide = check_answer(api, requests.post(f"{server.url}/api/orders", json=GUIDE_ORDER, timeout=15))
            assert guide["data"]["status"] == "awaiting_payment"
            pay_at_the_emulator(server, guide["payment"]["razorpay_order_id"])
            wait_for(server, guide["data"]["order_id"], "action_required")
            url = url.replace(PLACEHOLDER_ID, guide["data"]["order_id"])
        elif PLACEHOLDER_ID in url:
            url = url.replace(PLACEHOLDER_ID, order_ids[-1])  # "replace the id with the order_id ... gave"
        response = requests.request(
            request["method"],
            url,
            headers=request["headers"],
            data=request["data"].encode("utf-8") if request["data"] else None,
            timeout=30,
        )
        answer = check_answer(api, response)
        if response.status_code == 201:
            order_ids.append(answer["data"]["order_id"])
            razorpay_ids.append(answer["payment"]["razorpay_order_id"])
            assert answer["data"]["status"] == "awaiting_payment", answer
    assert order_ids, "no README example places an order"


def test_the_powershell_examples_send_the_same_requests(server, api):
    body, calls = powershell_requests()
    curl_order = next(json.loads(parse_curl(w)["data"]) for w in curl_commands() if parse_curl(w)["data"])
    assert body == curl_order
    order_id = razorpay_id = None
    for call in calls:
        if call["url"].startswith(README_RAZORPAY):
            assert "$($order.payment.razorpay_order_id)" in call["url"] and call["method"] == "POST"
            pay_at_the_emulator(server, razorpay_id)
            wait_for(server, order_id, "synced")
            continue
        url = call["url"].replace(README_HOST, server.url)
        if "$(" in url:
            url = re.sub(r"\$\(\$order\.data\.order_id\)", order_id, url)
        if call["json_body"]:
            assert call["content_type"] and call["content_type"].group(1) == "application/json"
        response = requests.request(call["method"], url, json=body if call["json_body"] else None, timeout=30)
        answer = check_answer(api, response)
        if call["json_body"]:
            order_id = answer["data"]["order_id"]
            razorpay_id = answer["payment"]["razorpay_order_id"]
    assert order_id
