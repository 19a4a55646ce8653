"""LOG_FORMAT=json: one JSON object a line, every line of a request with its request id; text
lines end with it. In-process with the formatter and filter, and from the real server."""

from __future__ import annotations

import io
import json
import logging

import pytest
import requests

from backend import create_app
from backend.config import Config
from backend.logs import JsonFormatter, RequestIdFilter
from tests.conftest import make_data_dir

OUTSIDE = {"REMOTE_ADDR": "203.0.113.30"}


def test_a_requests_lines_carry_its_id_as_json(data_dir):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    loggers = [logging.getLogger("backend.access"), logging.getLogger("backend.security")]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        app = create_app(
            Config(data_dir=data_dir, app_env="test", qikink_env="off", access_log=True, admin_api_key="k" * 32)
        )
        app.test_client().get(
            "/api/orders", headers={"X-Admin-Key": "wrong", "X-Request-ID": "req-42"}, environ_base=OUTSIDE
        )
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["logger"] for line in lines] == ["backend.security", "backend.access"]
    assert all(line["request_id"] == "req-42" for line in lines)
    access = lines[1]
    assert (access["client"], access["method"], access["path"], access["status"]) == (
        "203.0.113.30",
        "GET",
        "/api/orders",
        401,
    )
    assert "wrong" not in stream.getvalue()


@pytest.mark.e2e
@pytest.mark.slow
def test_the_real_server_writes_json_lines(tmp_path):
    from tests.harness import ServerProcess

    server = ServerProcess(make_data_dir(tmp_path / "data"), tmp_path, env={"LOG_FORMAT": "json", "ACCESS_LOG": "true"})
    server.start()
    try:
        answer = requests.get(f"{server.url}/api/products", headers={"X-Request-ID": "e2e-7"}, timeout=10)
        assert answer.headers["X-Request-ID"] == "e2e-7"
    finally:
        server.stop()
    objects = []
    for line in server.output().splitlines():
        if line.startswith("{"):
            objects.append(json.loads(line))
    access = [o for o in objects if o["logger"] == "backend.access" and o.get("request_id") == "e2e-7"]
    assert access and access[0]["path"] == "/api/products" and access[0]["status"] == 200
    assert {"time", "level", "logger", "message", "request_id"} <= set(access[0])
