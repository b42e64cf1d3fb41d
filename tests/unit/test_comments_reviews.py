"""Comments on evidence and the parties' confirmations of a review, through the services."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from portfolio_tui import catalog
from portfolio_tui.domain.progress import Review
from portfolio_tui.domain.reviews import confirmation_words, confirmed_by_all
from portfolio_tui.domain.roles import NotAllowed
from portfolio_tui.services import records
from portfolio_tui.services.errors import InputError
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.store import constraints
from portfolio_tui.store.records import to_json
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


def test_without_a_roster_the_owner_records_each_partys_confirmation_under_their_own_account(tmp_path: Path) -> None:
    """No roster: the file's owner may do everything, so may confirm as each party, once each, always as
    themselves; the record says which account confirmed for which party, never a typed name."""
    path = new_portfolio(tmp_path)
    service = PortfolioService(path, actor="owner-account")
    review = records.record_review(service, on="2025-06-02", attendees="Ava Patel, Sam Jones",
                                   signed_by=["Ava Patel"], as_of=AS_OF)
    [made] = service.load().reviews
    assert made.signed_by == () and [(c.party, c.by) for c in made.confirmations] == [("apprentice", "owner-account")]
    assert records.confirm_review(service, review, "provider") == "provider"
    with pytest.raises(InputError) as which:
        records.confirm_review(service, review)
    assert which.value.field == "party" and "still to confirm: employer" in str(which.value)
    before = path.read_bytes()
    with pytest.raises(InputError) as twice:
        records.confirm_review(service, review, "provider")
    assert twice.value.field == "review" and "the provider already confirmed" in str(twice.value)
    assert path.read_bytes() == before
    records.confirm_review(service, review, "employer")
    [done] = service.load().reviews
    assert confirmed_by_all(done)
    assert [(c.party, c.by) for c in done.confirmations] == [
        ("apprentice", "owner-account"), ("provider", "owner-account"), ("employer", "owner-account")]
    assert confirmation_words(done) == ("Confirmed by the apprentice (owner-account), the provider (owner-account), "
                                        "the employer (owner-account).")
    assert service.history("reviews")[-1].detail == "owner-account confirmed the review of 2025-06-02 as the employer"


def test_a_name_that_stands_for_no_party_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    """``--signed-by`` takes names; one that is not a party's word or the name the learner's record gives a
    party would be someone confirming in another's name."""
    path = new_portfolio(tmp_path)
    service = PortfolioService(path)
    before = path.read_bytes()
    with pytest.raises(InputError) as refused:  # (no roster: the owner may confirm as any party, but which?)
        records.record_review(service, on="2025-06-02", attendees="Ava Patel", signed_by=["Sam Jones", "Mona"],
                              as_of=AS_OF)
    assert refused.value.field == "signed_by" and "'Mona' names no party" in str(refused.value)
    with pytest.raises(InputError) as bad:
        records.confirm_review(service, 1, "boss")
    assert bad.value.field == "party"
    assert path.read_bytes() == before


def test_confirmations_written_another_way_are_checked_under_the_lock(tmp_path: Path) -> None:
    """The generic record path runs the same check: a confirmation under another account, a second one for a
    party, or one taken back are refused, whatever code writes them."""
    path = new_portfolio(tmp_path)
    service = PortfolioService(path, actor="me")
    review = records.record_review(service, on="2025-06-02", attendees="Ava Patel", confirm_as=["employer"],
                                    as_of=AS_OF)
    made = service.load().reviews[0].confirmations[0]
    before = path.read_bytes()
    forged = {"party": "provider", "by": "someone-else", "at": "2025-06-02T10:00:00Z"}
    with pytest.raises(NotAllowed):
        service.update_record("reviews", review, {"confirmations": [to_json(made), forged]})
    with pytest.raises(NotAllowed):
        service.update_record("reviews", review, {"confirmations": []})
    with pytest.raises(NotAllowed):
        service.add_record("reviews", {"date": "2025-06-03", "attendees": ["Ava Patel"], "confirmations": [forged]})
    assert path.read_bytes() == before


def test_a_legacy_signed_by_is_shown_as_names_the_recorder_wrote_down_and_never_counted() -> None:
    review = Review(id=1, date=date(2025, 6, 2), signed_by=("Ava Patel", "Jo Bloggs", "Sam Jones"), recorded_by="tess")
    assert not confirmed_by_all(review)
    assert confirmation_words(review) == (
        "Not confirmed by any party yet. Noted as confirmed by the recorder (tess): Ava Patel, Jo Bloggs, Sam Jones "
        "(names written down, not confirmed by their accounts).")


def test_a_hand_edited_confirmation_for_no_party_makes_the_file_read_only(tmp_path: Path) -> None:
    """A party the app does not know (typed into the file by hand) breaks the schema: validate names it, and
    the file is shown read-only rather than rewritten as if the app had made it."""
    path = new_portfolio(tmp_path)
    records.record_review(PortfolioService(path), on="2025-06-02", attendees="Ava Patel", confirm_as=["provider"],
                          as_of=AS_OF)
    doc = json.loads(path.read_text())
    doc["reviews"]["1"]["confirmations"][0]["party"] = "boss"
    assert constraints.problems(doc) == [("$.reviews.1.confirmations", "unknown party 'boss'")]
    assert any("confirmations" in where for where, _ in catalog.schema_problems(doc, "portfolio.schema.json"))
