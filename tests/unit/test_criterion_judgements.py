"""Judging a piece criterion by criterion: status, coverage and the record on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from portfolio_tui.domain.coverage import coverage
from portfolio_tui.services.errors import InputError
from portfolio_tui.services.portfolios import PortfolioService
from tests.functional.store_helpers import new_portfolio


def test_one_criterion_referred_refers_the_piece_and_the_other_still_counts(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=1)  # tagged K1, S2
    service = PortfolioService(path)
    piece = service.assess_criteria(1, {"K1": "accept", "S2": "refer"}, "K1 is shown; S2 needs a second example.")
    assert piece.status == "referred"
    assert piece.accepted_criteria == {"K1"}
    cov = coverage(service.standard, [piece])
    assert (cov["K1"].state, cov["S2"].state) == ("full", "partial")
    record = json.loads(path.read_text())["evidence"]["1"]["judgements"]
    assert [(j["outcome"], j.get("criterion")) for j in record] == [("accept", "K1"), ("refer", "S2")]
    judged = service.history("evidence", 1)[-1].detail
    assert judged == "accepted K1; referred S2 of evidence 'Minutes of team meeting 1'"
    # A later whole-piece acceptance covers both; the file still loads the older per-criterion lines.
    piece = service.assess(1, "accept", "Second example added.")
    assert piece.status == "accepted" and piece.accepted_criteria == {"K1", "S2"}
    assert "criterion" not in json.loads(path.read_text())["evidence"]["1"]["judgements"][-1]


def test_every_criterion_judged_alike_is_one_whole_piece_judgement(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    piece = PortfolioService(path).assess_criteria(1, {"K1": "accept", "S2": "accept"}, "Both shown.")
    assert [j.criterion for j in piece.judgements] == [""] and piece.status == "accepted"


def test_a_criterion_the_piece_is_not_tagged_to_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    before = path.read_bytes()
    with pytest.raises(InputError) as refused:
        PortfolioService(path).assess_criteria(1, {"K9": "accept"}, "Shown.")
    assert refused.value.field == "criteria" and path.read_bytes() == before


def test_awaiting_assessment_counts_live_pieces_not_judged_in_full(tmp_path: Path) -> None:
    from portfolio_tui.domain.evidence import awaiting_assessment

    path = new_portfolio(tmp_path, evidence=3)  # each tagged K1, S2
    service = PortfolioService(path)
    service.assess_criteria(1, {"K1": "accept"}, "K1 shown; S2 not judged yet.")
    service.assess(2, "accept", "Both shown.")
    service.remove_evidence(3)
    assert awaiting_assessment(service.load().evidence) == 1  # piece 1: S2 still awaits a judgement
