"""Criteria suggestions: BM25 over the standard's criteria texts, offline."""

from __future__ import annotations

from portfolio_tui import catalog
from portfolio_tui.domain.standard import Criterion
from portfolio_tui.domain.suggest import CriteriaIndex, stem, terms


def test_terms_drop_common_words_and_regular_endings() -> None:
    assert terms("The minutes of the meetings I attended") == ["minute", "meet", "attend"]
    assert terms("minute meeting") == ["minute", "meet"]
    assert stem("policies") == "policy" and stem("is") == "is"


def test_rare_words_rank_higher_and_unmatched_criteria_are_left_out() -> None:
    criteria = [
        Criterion("A", "Write letters and emails to customers", "skill"),
        Criterion("B", "Keep accurate records of customer data", "skill"),
        Criterion("C", "Follow health and safety law", "knowledge"),
    ]
    index = CriteriaIndex.build(criteria)
    assert index.rank("Letter to a customer about a refund") == ["A", "B"]
    assert index.rank("updated the records") == ["B"]
    assert index.rank("") == [] and index.rank("zebra") == []


def test_an_odo_letter_suggests_written_communication_first() -> None:
    standard = catalog.get("odo-l3")
    index = CriteriaIndex.build(standard.all_criteria())
    top = index.rank("Letter to a customer explaining a refund, checked by my line manager", 5)
    assert len(top) == 5 and all(cid in standard.criteria for cid in top)
