"""Requests by route pattern, method and status, with their durations (see backend/metrics)."""

from __future__ import annotations

import time

from flask import Flask, g, request
from prometheus_client import CollectorRegistry, Histogram

# Seconds: an order's POST takes milliseconds; a push that waits for Qikink up to a few seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def measure_requests(app: Flask, registry: CollectorRegistry) -> None:
    """Time every request; labelled by its route's pattern (never its path: ids stay out)."""
    histogram = Histogram(
        "shop_http_request_duration_seconds",
        "Requests served, by route pattern, method and status, with their duration",
        ["route", "method", "status"],
        registry=registry,
        buckets=BUCKETS,
    )

    @app.before_request
    def started():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def finished(response):
        started_at = g.pop("metrics_started", None)
        if started_at is not None:
            rule = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
            method = request.method if request.method in KNOWN_METHODS else "OTHER"
            histogram.labels(rule, method, str(response.status_code)).observe(time.perf_counter() - started_at)
        return response


KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"})
