"""The backend's version, in a module of its own so that nothing has to import the package root."""

__version__ = "1.0.0"
