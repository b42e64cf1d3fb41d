"""Criteria suggestions: BM25 over the standard's criteria texts and the apprentice's earlier pieces, offline."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio_tui import catalog
from portfolio_tui.domain.evidence import Evidence
from portfolio_tui.domain.standard import Criterion, Duty
from portfolio_tui.domain.suggest import CriteriaIndex, Suggester, query_terms, stem, terms
from portfolio_tui.services.suggestions import criteria_context, criteria_suggester

CRITERIA = [
    Criterion("A", "Write letters and emails to customers", "skill"),
    Criterion("B", "Keep accurate records of customer data", "skill"),
    Criterion("C", "Follow health and safety law", "knowledge"),
    Criterion("D", "Work well with your team", "behaviour", title="Team working"),
]
ODO = catalog.get("odo-l3")


def piece(pid: int, title: str, criteria: tuple[str, ...], *, day: int = 1, deleted: bool = False) -> Evidence:
    return Evidence(pid, title, date(2026, 1, day), "product", criteria, deleted=deleted)


def test_terms_drop_common_words_and_stem_the_rest() -> None:
    assert terms("The minutes of the meetings I attended") == ["minut", "meet", "attend"]
    assert terms("minute meeting") == ["minut", "meet"]
    assert stem("communicating") == stem("communication") == stem("communicate")
    assert stem("policies") == stem("policy") and stem("is") == "is"


def test_hyphenated_words_count_whole_and_in_parts_and_numbers_not_at_all() -> None:
    assert terms("e-mails to my line-manager") == ["mail", "email", "line", "manag", "linemanag"]
    assert stem("emails") == "email"
    assert terms("Review 2025-26, 12 actions") == ["review", "action"]


def test_the_title_weighs_more_than_the_description() -> None:
    assert query_terms("team letter", "team safety") == {"team": 3, "letter": 2, "safeti": 1}
    index = CriteriaIndex.build(CRITERIA)
    assert index.rank("letter", "safety")[0] == "A"
    assert index.rank("safety", "letter")[0] == "C"


def test_rare_words_rank_higher_and_unmatched_criteria_are_left_out() -> None:
    index = CriteriaIndex.build(CRITERIA)
    assert index.rank("Letter to a customer about a refund") == ["A", "B"]
    assert index.rank("updated the records") == ["B"]
    assert index.rank("") == [] and index.rank("zebra") == []


def test_an_odo_letter_suggests_written_communication_and_customers() -> None:
    top = criteria_suggester(ODO).rank("Letter to a customer explaining a refund", "", 5)
    assert len(top) == 5 and set(top) <= set(ODO.criteria)
    assert top[:2] == ["K2", "S2"]  # Customers; Communicating effectively


def test_an_earlier_piece_with_a_close_title_lends_its_criteria() -> None:
    earlier = [piece(1, "Minutes of the April team meeting", ("B", "C"))]
    without = Suggester.build(CriteriaIndex.build(CRITERIA))
    learned = Suggester.build(CriteriaIndex.build(CRITERIA), earlier)
    assert without.rank("Minutes of the May team meeting") == ["D", "A", "B", "C"]
    assert learned.rank("Minutes of the May team meeting") == ["D", "B", "C", "A"]
    # A title that is not close to it borrows nothing: B, evidenced and not in the text, comes last.
    assert learned.scores("Safety walk of the warehouse")["B"] == 0.0
    assert learned.rank("Safety walk of the warehouse") == ["C", "A", "D", "B"]


def test_words_no_earlier_title_has_make_a_title_less_close() -> None:
    learned = Suggester.build(CriteriaIndex.build(CRITERIA), [piece(1, "Minutes of the April team meeting", ("B",))])
    assert learned.scores("Minutes of the May team meeting")["B"] > 0
    assert learned.scores("Minutes of the team meeting on fire evacuation drills and the rota")["B"] == 0


def test_once_the_text_has_a_word_every_criterion_is_ranked_the_unevidenced_first() -> None:
    suggester = Suggester.build(CriteriaIndex.build(CRITERIA), [piece(1, "Fire drill", ("A", "C"))])
    assert suggester.rank("") == [] and suggester.scores("  the of ") == {}
    assert suggester.rank("zebra") == ["B", "D", "A", "C"]  # nothing matches: gaps first, then the standard's order
    # A good match of an evidenced criterion still beats a gap; a gap beats a weak match (A, by one word of the
    # description against C's three of the title).
    assert suggester.rank("letter") == ["A", "B", "D", "C"]
    assert 0 < suggester.scores("health and safety law", "letter")["A"] < suggester.gap
    assert suggester.rank("health and safety law", "letter") == ["C", "B", "D", "A"]


def test_a_strong_match_lends_a_little_to_the_other_criteria_of_its_group() -> None:
    grouped = [Criterion("A", "Write letters to customers", "skill", group_id="skills"),
               Criterion("B", "Keep accurate records", "skill", group_id="skills"),
               Criterion("C", "Follow health and safety law", "knowledge", group_id="knowledge"),
               Criterion("D", "Work well with your team", "behaviour")]
    suggester = Suggester.build(CriteriaIndex.build(grouped))
    scores = suggester.scores("letter")
    # A is the best match (1.0): B, in its group, gets the group weight times 1.0 more than C.
    assert scores["B"] - scores["C"] == pytest.approx(suggester.group) and suggester.group > 0
    assert scores["C"] == scores["D"]  # no match in their groups; D, in none, is a group of its own
    assert suggester.rank("letter") == ["A", "B", "C", "D"]
    backwards = Suggester.build(CriteriaIndex.build(reversed(grouped)))
    assert backwards.rank("letter") == ["A", "B", "D", "C"]
    assert dataclasses.replace(backwards, group=0.0).rank("letter") == ["A", "D", "C", "B"]  # the standard's order


def test_the_piece_being_edited_and_removed_pieces_teach_nothing() -> None:
    evidence = [piece(1, "Minutes of the April team meeting", ("S3",)),
                piece(2, "Minutes of the March team meeting", ("B4",), deleted=True)]
    assert criteria_suggester(ODO, evidence, editing=1).earlier == ()
    assert [p.criteria for p in criteria_suggester(ODO, evidence).earlier] == [("S3",)]


def test_criteria_a_standard_no_longer_has_are_never_suggested() -> None:
    earlier = [piece(1, "Minutes of the April team meeting", ("gone", "B"))]
    learned = Suggester.build(CriteriaIndex.build(CRITERIA), earlier)
    assert "gone" not in learned.rank("Minutes of the May team meeting")


WORDS = st.sampled_from("letter customer team meeting minutes safety records refund email law data report".split())
TEXT = st.lists(WORDS, max_size=8).map(" ".join)
HISTORY = st.lists(st.tuples(TEXT, st.lists(st.sampled_from("ABCD"), min_size=1, max_size=3, unique=True)),
                   max_size=6)


@settings(max_examples=60, deadline=None)
@given(title=TEXT, description=TEXT, history=HISTORY)
def test_ranking_is_deterministic_and_names_each_criterion_at_most_once(
        title: str, description: str, history: list[tuple[str, list[str]]]) -> None:
    earlier = [piece(i + 1, t, tuple(c), day=i + 1) for i, (t, c) in enumerate(history)]
    suggester = Suggester.build(CriteriaIndex.build(CRITERIA), earlier)
    first = suggester.rank(title, description)
    assert first == suggester.rank(title, description)
    assert first == Suggester.build(CriteriaIndex.build(CRITERIA), reversed(earlier)).rank(title, description)
    assert len(first) == len(set(first)) and set(first) <= {"A", "B", "C", "D"}
    assert suggester.rank(title, description, 2) == first[:2]


@settings(max_examples=60, deadline=None)
@given(title=TEXT.filter(bool), description=TEXT, tagged=st.sampled_from("ABCD"))
def test_an_earlier_piece_with_the_same_title_never_lowers_its_criterion(
        title: str, description: str, tagged: str) -> None:
    index = CriteriaIndex.build(CRITERIA)
    # Without the gap's bonus, which a criterion loses once any piece is tagged to it.
    before = dataclasses.replace(Suggester.build(index), gap=0.0).scores(title, description).get(tagged, 0.0)
    after_piece = dataclasses.replace(Suggester.build(index, [piece(1, title, (tagged,))]), gap=0.0)
    after = after_piece.scores(title, description).get(tagged, 0.0)
    if terms(title):
        assert after > before and tagged in after_piece.rank(title, description)
    else:
        assert after == before



def test_only_criteria_the_text_points_to_are_matching_not_the_gap_fillers():
    """A ranking fills its places with criteria not evidenced yet; ``matching`` names only those the words
    (or a close earlier title) point to, so the picker can star those alone."""
    suggester = Suggester.build(CriteriaIndex.build(CRITERIA))
    ranking = suggester.rank("Health and safety induction", "", 5)
    assert ranking[0] == "C" and set(ranking) == {"A", "B", "C", "D"}
    assert suggester.matching("Health and safety induction") == {"C"}
    assert suggester.matching("") == frozenset()
    history = Suggester.build(CriteriaIndex.build(CRITERIA), [piece(1, "Induction day notes", ("D",))])
    assert history.matching("Induction day notes", "") == {"D"}


def test_a_criterions_context_finds_it_by_words_its_own_text_lacks_but_counts_less() -> None:
    described = [*CRITERIA[:3], Criterion("D", "Work well with your team", "behaviour", title="Team working",
                                          context=("Minutes of meetings and the actions agreed",))]
    index = CriteriaIndex.build(described)
    assert CriteriaIndex.build(CRITERIA).rank("Meeting minutes") == []
    assert index.rank("Meeting minutes") == ["D"]
    # A word in a criterion's own text outweighs the same word in another's context.
    both = [Criterion("A", "Take the minutes of meetings", "skill"),
            Criterion("B", "Work well with your team", "behaviour", context=("Take the minutes of meetings",))]
    scores = CriteriaIndex.build(both).scores(query_terms("Minutes"))
    assert scores["A"] > scores["B"] > 0
    assert dataclasses.replace(CriteriaIndex.build(both), context=0.0).rank("Minutes") == ["A"]


def test_context_leaves_the_scores_of_criteria_without_one_as_plain_bm25() -> None:
    plain = CriteriaIndex.build(CRITERIA)
    given_none = CriteriaIndex.build(CRITERIA, {})
    for title in ("Letter to a customer about a refund", "Team meeting on health and safety", "records"):
        assert given_none.scores(query_terms(title)) == plain.scores(query_terms(title))


def test_a_context_match_is_a_match_the_picker_stars() -> None:
    """★ means "your words meet what the standard says about this criterion": its own words or its context."""
    described = [Criterion("A", "Work well with your team", "behaviour", context=("Minutes of meetings",)),
                 Criterion("B", "Follow health and safety law", "knowledge")]
    suggester = Suggester.build(CriteriaIndex.build(described))
    assert suggester.rank("Meeting minutes") == ["A", "B"]
    assert suggester.matching("Meeting minutes") == {"A"}


def test_the_suggester_reads_each_criterions_context_and_the_duties_mapped_to_it() -> None:
    ilm = catalog.get("ilm-l5-si-2011")
    assert criteria_context(ilm)["M5.34-2.1"][0] == "Report preparation and presentation skills"
    assert "Minutes" not in " ".join(criteria_context(ODO).get("S3", ()))
    with_duty = dataclasses.replace(ODO, duties=(Duty("D1", "Take minutes at team meetings", criteria=("S3", "B4")),))
    assert criteria_context(with_duty)["S3"] == ("Take minutes at team meetings",)
    assert criteria_context(with_duty)["B4"] == ("Take minutes at team meetings",)
    assert criteria_suggester(with_duty).rank("Minutes", "", 2) == ["S3", "B4"]
