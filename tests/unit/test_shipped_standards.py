"""Every shipped standard validates against the schema, and quotes its source verbatim."""

from __future__ import annotations

import json
import re

import pytest
from jsonschema import Draft202012Validator

from portfolio_tui import catalog, locations
from portfolio_tui.domain.standard import RULE_KINDS

from ..conftest import SEEDS

SHIPPED = sorted(locations.shipped_standards_dir().glob("*.json"))
SCHEMA = json.loads((locations.schemas_dir() / "standard.schema.json").read_text())


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_the_five_frameworks_are_shipped() -> None:
    assert {p.stem for p in SHIPPED} >= {"odo-l3", "csp-l2", "ilm-l5-si-2011", "ilm-l5-si-2012", "ocr-cs"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_standard_is_valid(path) -> None:
    data = json.loads(path.read_text())
    errors = [e.message for e in Draft202012Validator(SCHEMA).iter_errors(data)]
    assert errors == []
    assert catalog.validate_file(path) == []
    standard = catalog.load_file(path)
    assert standard.id == path.stem
    assert all(rule.kind in RULE_KINDS for rule in standard.plan.grading)
    if not standard.partial:
        assert any(True for _ in standard.all_criteria())
    else:
        assert standard.notes, "a partial standard must say in its notes what is missing"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_criteria_are_quoted_verbatim_from_their_source(path) -> None:
    standard = catalog.load_file(path)
    seed = SEEDS / standard.source.file
    if not seed.exists():
        pytest.skip(f"source document {seed} is not beside the checkout")
    source = _squash(seed.read_text(encoding="utf-8"))
    for criterion in standard.all_criteria():
        pieces = _pieces_in(source, _squash(criterion.text))
        assert pieces is not None and len(pieces) <= 3, f"{criterion.id} is not verbatim from {seed.name}"
        for text in criterion.context:
            assert _squash(text) in source, f"{criterion.id}'s context {text!r} is not verbatim from {seed.name}"


def _pieces_in(source: str, text: str) -> list[str] | None:
    """Split ``text`` into the fewest runs of whole words each found verbatim in ``source``.

    A table cell that extraction split over several rows is quoted by joining its runs, so a
    criterion may be up to three runs; anything reworded fails.
    """
    words, pieces = text.split(" "), []
    while words:
        for end in range(len(words), 0, -1):
            if " ".join(words[:end]) in source:
                break
        else:
            return None
        pieces.append(" ".join(words[:end]))
        words = words[end:]
    return pieces


def test_verbatim_check_rejects_rewording() -> None:
    source = "Explain the difference in the way internal and external customer relationships are managed"
    assert _pieces_in(source, "Explain the difference in the way relationships are managed") == [
        "Explain the difference in the way", "relationships are managed"]
    assert _pieces_in(source, "Describe the difference") is None
