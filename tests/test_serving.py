"""backend/serving.py's guards, without sockets of clients: whom the per-client cap counts a
connection against, and when a request being read is overdue (times passed in, no clock)."""

from __future__ import annotations

import ipaddress

import pytest

from backend.serving import GuardedChannel, GuardedServer


def app(environ, start_response):  # never called: no request is served here
    raise AssertionError


@pytest.fixture
def server():
    made = GuardedServer(app, {}, True, None, host="127.0.0.1", port=0, per_client=4, header_timeout=15, uncapped=())
    yield made
    made.close()


@pytest.mark.parametrize(
    "address, counted_as",
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),  # one household's /64 is one client
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),  # IPv4 on a dual-stack socket
        ("fe80::1%eth0", "fe80::/64"),
    ],
)
def test_the_cap_counts_ipv4_by_address_and_ipv6_by_its_64(server, address, counted_as):
    assert server._client_of((address, 50000)) == counted_as


def test_trusted_proxies_and_a_cap_of_zero_count_nobody(server):
    server.uncapped = (ipaddress.ip_network("127.0.0.1/32"),)
    assert server._client_of(("127.0.0.1", 50000)) is None
    assert server._client_of(("127.0.0.2", 50000)) == "127.0.0.2"
    server.per_client = 0
    assert server._client_of(("127.0.0.2", 50000)) is None


def channel(waiting_since=None, body_since=None, requests=()):
    """A channel's deadline state alone (no socket)."""
    made = GuardedChannel.__new__(GuardedChannel)
    made.waiting_since, made.body_since, made.requests = waiting_since, body_since, list(requests)
    return made


@pytest.mark.parametrize(
    "state, now, overdue",
    [
        (dict(waiting_since=100.0), 114.0, False),
        (dict(waiting_since=100.0), 116.0, True),  # headers 16 s after the first byte
        (dict(body_since=100.0), 159.0, False),
        (dict(body_since=100.0), 161.0, True),  # a body still coming 61 s after its headers
        (dict(waiting_since=100.0, requests=["answering"]), 1000.0, False),  # being answered
        (dict(), 1000.0, False),  # idle between requests: waitress's channel_timeout's business
    ],
)
def test_a_request_is_overdue_past_its_header_or_body_deadline(state, now, overdue):
    assert channel(**state).overdue(now, header_timeout=15, body_timeout=60) is overdue
