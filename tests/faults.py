"""Fault doubles shared by the storage and robustness tests."""

from __future__ import annotations

import os


class FailingFile:
    """A file whose write fails as a full or broken disk makes it fail (ENOSPC, EIO...)."""

    def __init__(self, handle, code: int):
        self._handle, self._code = handle, code

    def write(self, data):
        raise OSError(self._code, os.strerror(self._code))

    def __getattr__(self, name):
        return getattr(self._handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()
