"""The shop backend: `create_app(config)` (in app.py) wires config, storage, services, routes and errors."""

from .app import Shop, create_app
from .version import __version__

__all__ = ["Shop", "create_app", "__version__"]
