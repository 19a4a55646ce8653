"""Fixtures for the Qikink client: a mocked HTTP layer, a fake clock, and the emulator."""

import pytest
import responses

from backend.qikink import QikinkClient, QikinkConfig
from tests.support import FakeClock

BASE = "https://qikink.test"
CLIENT_ID = "78670273abcdef"
SECRET = "not-a-real-secret-for-tests"


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def mocked():
    with responses.RequestsMock() as rsps:
        yield rsps


def token_answer(mocked, token="tok-1", expires_in=3600, status=200):
    """Register one answer of POST /api/token."""
    return mocked.post(
        f"{BASE}/api/token",
        status=status,
        json={"ClientId": CLIENT_ID, "Accesstoken": token, "expires_in": expires_in}
        if status == 200
        else {"error": "Invalid ClientId or client_secret"},
    )


@pytest.fixture
def make_client(clock):
    """Build a client against the mocked BASE (no client-side rate limit unless asked)."""
    made = []

    def make(**overrides):
        options = {
            "client_id": CLIENT_ID,
            "client_secret": SECRET,
            "base_url": BASE,
            "rate_limit_per_minute": 0,
            "max_retries": 0,
        }
        options.update(overrides)
        client = QikinkClient(QikinkConfig(**options), sleep=clock.sleep, clock=clock, jitter=lambda: 0.5)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def emu_client(emu):
    """A client against the emulator with short timeouts and instant backoff."""
    sleeps = []
    client = QikinkClient(
        QikinkConfig(
            CLIENT_ID,
            SECRET,
            environment="emulator",
            base_url=emu.url,
            connect_timeout=1.0,
            read_timeout=0.4,
            rate_limit_per_minute=0,
            max_retries=3,
        ),
        sleep=sleeps.append,
    )
    client.sleeps = sleeps
    yield client
    client.close()
