"""Fixtures of the emulator tests: the Qikink client against the emulator is tests/qikink's own."""

from tests.qikink.conftest import emu_client  # noqa: F401  (a fixture, shared with tests/qikink)
