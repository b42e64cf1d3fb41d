"""Comments on evidence and a party's confirmation of a review, through the services."""

from __future__ import annotations

from pathlib import Path

import pytest

from portfolio_tui.services import records
from portfolio_tui.services.errors import InputError
from portfolio_tui.services.portfolios import PortfolioService
from tests.functional.store_helpers import AS_OF, new_portfolio


def test_a_comment_is_kept_on_its_piece_with_who_and_when(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=2)
    service = PortfolioService(path, actor="tess")
    records.add_comment(service, 2, "Which customer was this for?")
    [comment] = service.load().comments_on(2)
    assert (comment.text, comment.recorded_by) == ("Which customer was this for?", "tess")
    assert service.load().comments_on(1) == ()
    assert service.history("comments")[-1].detail == "commented on evidence 'Minutes of team meeting 2'"


def test_a_comment_on_removed_or_missing_evidence_is_refused(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    service = PortfolioService(path)
    service.remove_evidence(1)
    before = path.read_bytes()
    for evidence_id in (1, 9):
        with pytest.raises(InputError) as refused:
            records.add_comment(service, evidence_id, "Hello")
        assert refused.value.field == "evidence"
    with pytest.raises(InputError):
        records.add_comment(service, 1, "   ")
    assert path.read_bytes() == before


def test_the_line_manager_confirms_a_recorded_review_once(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path)
    service = PortfolioService(path)
    review = records.record_review(service, on="2025-06-02", attendees="Ava Patel, Sam Jones",
                                   signed_by=["Ava Patel"], as_of=AS_OF)
    records.sign_review(service, review, "Jo Bloggs")
    assert service.load().reviews[0].signed_by == ("Ava Patel", "Jo Bloggs")
    with pytest.raises(InputError):
        records.sign_review(service, review, "Jo Bloggs")


def test_a_review_all_three_parties_confirmed_takes_no_fourth_confirmation(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path)
    service = PortfolioService(path)
    review = records.record_review(service, on="2025-06-02", attendees="Ava Patel, Sam Jones",
                                   signed_by=["Ava Patel", "Sam Jones"], as_of=AS_OF)
    records.sign_review(service, review, "Jo Bloggs")
    before = path.read_bytes()
    with pytest.raises(InputError) as refused:
        records.sign_review(service, review, "Lee Hart")
    assert refused.value.field == "signed_by" and "all three parties" in str(refused.value)
    assert path.read_bytes() == before
