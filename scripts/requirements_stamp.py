"""Tell whether requirements.txt changed since the last install into .venv (exit 1: install).

    python scripts/requirements_stamp.py check   # exit 0 when .venv is up to date
    python scripts/requirements_stamp.py write   # record the installed requirements
"""
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAMP = ROOT / ".venv" / "requirements.sha256"


def digest() -> str:
    return hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest()


def main(argv) -> int:
    if argv == ["check"]:
        return 0 if STAMP.exists() and STAMP.read_text().strip() == digest() else 1
    if argv == ["write"]:
        STAMP.write_text(digest() + "\n")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
