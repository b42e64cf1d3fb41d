"""What the tests of the shipped standard files share: the files, the schema and the source seeds."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from ..conftest import REPO, SEEDS

STANDARDS = REPO / "portfolio_tui" / "standards"
SCHEMA = REPO / "schemas" / "standard.schema.json"


def squash(text: str) -> str:
    """Every run of whitespace as one space, so text a page or a table cell broke over lines still matches."""
    return " ".join(text.split())


def standard_data(name: str) -> dict:
    """The parsed JSON of the shipped standard file ``<name>.json``."""
    return json.loads((STANDARDS / f"{name}.json").read_text(encoding="utf-8"))


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def schema_errors(data: dict) -> list[str]:
    """Every way ``data`` breaks ``standard.schema.json``, with its path."""
    return [f"{list(e.absolute_path)}: {e.message}" for e in _validator().iter_errors(data)]


def seed_path(name: str) -> Path:
    """The seed document ``name``; the test is skipped when the seeds are not beside the checkout."""
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"seed document not found at {path}; verbatim checks need it")
    return path


def seed_text(name: str) -> str:
    """The seed document ``name``, squashed."""
    return squash(seed_path(name).read_text(encoding="utf-8"))
