"""Fixtures of the end-to-end tests."""

import pytest


@pytest.fixture
def processes():
    """Every process a test starts, stopped at the end whatever happens."""
    started = []
    yield started
    for process in reversed(started):
        process.stop()
