"""The settings table (backend/config.py) is the one place a default is written: `.env.example`,
the README's configuration table and the emulator's own default agree with it."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from backend.config import SETTINGS, Config, ConfigError
from qikink_emulator.app import DEFAULT_STEP_SECONDS

ROOT = Path(__file__).resolve().parent.parent
TABLE = {spec.env: spec for spec in SETTINGS}


def example_lines() -> dict[str, tuple[str, str]]:
    """NAME -> (value, the comment above it) for every `NAME=value` line of .env.example."""
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    found = {}
    for index, line in enumerate(lines):
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line)
        if not match:
            continue
        comment, above = [], index - 1
        # Walk up over the keys sharing the comment (RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET) to it.
        while above >= 0 and lines[above].strip():
            if lines[above].startswith("#"):
                comment.insert(0, lines[above].lstrip("# "))
            elif comment:
                break
            above -= 1
        assert match.group(1) not in found, f"{match.group(1)} is in .env.example twice"
        found[match.group(1)] = (match.group(2), " ".join(comment))
    return found


def test_every_setting_has_one_name_and_one_field():
    assert len(TABLE) == len(SETTINGS)
    assert all(spec.help and spec.help == spec.help.strip() for spec in SETTINGS)


def test_env_example_lists_every_setting_and_nothing_else():
    assert set(example_lines()) == set(TABLE)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_env_example_shows_the_tables_default(name):
    value, comment = example_lines()[name]
    spec = TABLE[name]
    if value:
        assert value == spec.default, f".env.example has {name}={value}, the table's default is {spec.default!r}"
    elif spec.default and not spec.derived:
        # Left empty on purpose (e.g. MAIL_FROM must look unset): the comment says what empty means.
        assert spec.default in comment, f".env.example leaves {name} empty without saying it means {spec.default!r}"


def readme_defaults() -> list[tuple[str, str]]:
    """(setting, default) for each backquoted default in the README's configuration table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    pairs = []
    for row in re.findall(r"^\| (`[A-Z].*?) \| (.*?) \| .* \|$", section, re.MULTILINE):
        names = re.findall(r"`([A-Z][A-Z0-9_]*)`", row[0])
        parts = [part.strip() for part in row[1].split(", ")]
        if len(names) == 1:
            parts = parts[:1]  # "`true`, `false` in production": the first is the default
        if len(parts) != len(names):
            continue
        for name, part in zip(names, parts, strict=True):
            if re.fullmatch(r"`[^`]*`", part):
                pairs.append((name, part.strip("`")))
    return pairs


def test_the_readme_states_the_tables_defaults():
    pairs = readme_defaults()
    assert len(pairs) >= 10, pairs  # the table is still read
    for name, default in pairs:
        spec = TABLE[name]
        expected = spec.default or spec.derived.split(" ")[0]  # "emulator without credentials, ..."
        assert default == expected, f"README says {name} defaults to {default!r}, the table says {expected!r}"


def test_the_emulator_steps_at_the_tables_default():
    assert float(TABLE["QIKINK_EMULATOR_STEP_SECONDS"].default) == DEFAULT_STEP_SECONDS


def test_a_config_built_directly_has_the_tables_defaults_except_the_outside_services():
    built, read = Config(), Config.from_env({}, load_dotenv_file=False)
    differ = {f.name for f in fields(Config) if getattr(built, f.name) != getattr(read, f.name)}
    # Built directly (tests) nothing is sent anywhere; read from an empty environment, the emulators.
    assert differ == {"qikink_env", "payments_env", "cod_confirmation"}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PORT", "65536", "PORT must be at most 65535, not 65536"),
        ("PORT", "0", "PORT must be at least 1, not '0'"),
        ("SERVER_THREADS", "many", "SERVER_THREADS must be a number, not 'many'"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT must be one of text, json, not 'xml'"),
        ("SYNC_ENABLED", "maybe", "SYNC_ENABLED must be true or false, not 'maybe'"),
        ("APP_ENV", "staging", "APP_ENV must be one of development, production, test, not 'staging'"),
        ("ORDER_RATE_LIMIT", "lots", "ORDER_RATE_LIMIT must look like '30 per minute', not 'lots'"),
    ],
)
def test_limits_from_the_table_name_the_setting(name, value, message):
    with pytest.raises(ConfigError) as refused:
        Config.from_env({name: value}, load_dotenv_file=False)
    assert str(refused.value) == message


def test_an_empty_variable_means_the_default():
    config = Config.from_env({"PORT": "", "SERVER_THREADS": " ", "RATELIMIT_ENABLED": ""}, load_dotenv_file=False)
    assert (config.port, config.threads, config.ratelimit_enabled) == (5000, 8, True)
