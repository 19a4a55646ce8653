"""`python -m tests.robustness.readonly_start <access|erofs>`: start the server as if DATA_DIR were
on a read-only disk. Tests run as root, which ignores chmod, so the refusal is simulated:
`access` makes os.access report the folder unwritable; `erofs` lets os.access say yes (as some
network mounts do) but makes every write under it fail with EROFS."""

from __future__ import annotations

import builtins
import errno
import os
import sys

from backend.__main__ import main

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def simulate(mode: str, data_dir: str) -> None:
    root = os.path.realpath(data_dir)

    def inside(path) -> bool:
        try:
            return os.path.realpath(os.fspath(path)).startswith(root)
        except TypeError:  # a file descriptor
            return False

    if mode == "access":
        real_access = os.access
        os.access = lambda path, how, **kw: False if inside(path) and how & os.W_OK else real_access(path, how, **kw)
        return
    real_open = os.open

    def read_only_open(path, flags, *args, **kwargs):
        if inside(path) and flags & WRITE_FLAGS:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    real_builtin_open = builtins.open

    def read_only_builtin_open(file, mode="r", *args, **kwargs):
        if inside(file) and any(c in mode for c in "wxa+"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(file))
        return real_builtin_open(file, mode, *args, **kwargs)

    os.open = read_only_open  # what filelock uses
    builtins.open = read_only_builtin_open  # what the atomic writes use


if __name__ == "__main__":
    simulate(sys.argv[1], os.environ["DATA_DIR"])
    sys.exit(main([]))
