"""Tell whether a requirements file changed since the last install into .venv (exit 1: install).

    python scripts/requirements_stamp.py check requirements-dev.txt  # exit 0 when .venv is up to date
    python scripts/requirements_stamp.py write requirements-dev.txt  # record the installed requirements

The digest covers the named file and every file it includes (`-r`), so a change to
requirements.txt reinstalls requirements-dev.txt too.
"""

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def included(name: str, seen: dict | None = None) -> dict:
    """The file and, depth first, the files it includes with `-r`, each once."""
    seen = {} if seen is None else seen
    if name not in seen:
        seen[name] = None
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("-r "):
                included(line.strip()[3:].strip(), seen)
    return seen


def digest(name: str) -> str:
    return hashlib.sha256(b"".join((ROOT / f).read_bytes() for f in included(name))).hexdigest()


def stamp(name: str) -> Path:
    return ROOT / ".venv" / (Path(name).stem + ".sha256")


def main(argv) -> int:
    if len(argv) == 2 and argv[0] == "check":
        path = stamp(argv[1])
        return 0 if path.exists() and path.read_text().strip() == digest(argv[1]) else 1
    if len(argv) == 2 and argv[0] == "write":
        stamp(argv[1]).write_text(digest(argv[1]) + "\n")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
