"""A local stand-in for Qikink's API, with test controls under /_emulator/: a program of its own
(`python -m qikink_emulator --port 5001`) that imports nothing from backend/.

app.py        the Flask app: Qikink's routes, fault injection, the rate limit, the test controls
state.py      what it remembers (tokens, orders on a status clock, faults, counters, a state file)
validation.py what a create body must look like, with the real API's messages
server.py     EmulatorServer: waitress in a background thread (tests and the backend embed it)
"""

from .app import DEFAULT_STEP_SECONDS, create_emulator_app
from .server import EmulatorServer
from .state import FAULT_KINDS, EmulatorStore
from .validation import Refused, check_create

__all__ = [
    "DEFAULT_STEP_SECONDS",
    "FAULT_KINDS",
    "EmulatorServer",
    "EmulatorStore",
    "Refused",
    "check_create",
    "create_emulator_app",
]
