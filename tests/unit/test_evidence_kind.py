"""The Kind a new piece's title suggests (``domain.evidence.kind_for_title``): the form follows it while
the apprentice has not chosen a kind themselves."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui.domain.evidence import DEFAULT_KIND, EVIDENCE_KINDS, KIND_WORDS, kind_for_title


@pytest.mark.parametrize("title, kind", [
    ("Reflective account on a new process", "reflective-account"),
    ("My reflections after the complaints workshop", "reflective-account"),
    ("Observation of a customer call", "observation"),
    ("Notes on what I observed at the counter", DEFAULT_KIND),  # "observed" alone says too little
    ("Witness testimony from the team leader", "witness-testimony"),
    ("WITNESS STATEMENT - J. Smith", "witness-testimony"),
    ("Professional discussion: my role in the restructure", "professional-discussion"),
    ("Mid-year performance review", "performance-review"),
    ("Coach report: handling a complaint", "coach-report"),
    ("Coach's report on the pilot", "coach-report"),
    ("Line-manager feedback on casework", "line-manager-feedback"),
    ("Work-based project: reducing call wait times", "project"),
    ("Presentation to the leadership team", "presentation"),
    ("Observation of a presentation", "observation"),  # the kind named first
    ("Letter to a customer explaining a refund", DEFAULT_KIND),
    ("Minutes of the project meeting", DEFAULT_KIND),  # about a project, not one
    ("Unobservation shift notes", DEFAULT_KIND),  # a whole word, not part of one
    ("", DEFAULT_KIND),
])
def test_a_title_suggests_the_kind_it_names(title: str, kind: str) -> None:
    assert kind_for_title(title) == kind


def test_every_suggested_kind_is_a_kind() -> None:
    assert set(KIND_WORDS) <= set(EVIDENCE_KINDS) and DEFAULT_KIND in EVIDENCE_KINDS


@given(st.text(max_size=80))
def test_any_title_gets_a_kind(title: str) -> None:
    assert kind_for_title(title) in EVIDENCE_KINDS
