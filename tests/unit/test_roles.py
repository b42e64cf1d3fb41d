"""Roles decide actions: who may do what to which portfolio, refusals that name who may, and sign-off order."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui.domain import roles
from portfolio_tui.domain.progress import SignOff
from portfolio_tui.domain.roles import Roster, RosterEntry, check_signoff, may, next_signoff


def entry(role: str, *portfolios: str) -> RosterEntry:
    return RosterEntry(role, portfolios)


COHORT = Roster(
    "lead",
    {
        "alice": entry("apprentice", "alice.json"),
        "bob": entry("apprentice", "bob.json"),
        "carol": entry("apprentice", "carol.json"),
        "mona": entry("line-manager", "alice.json", "bob.json"),
        "max": entry("line-manager", "carol.json"),
        "tess": entry("tutor", "*"),
        "tom": entry("tutor", "alice.json", "carol.json"),
    },
)


def test_an_apprentice_cannot_accept_their_own_evidence_and_is_told_who_can() -> None:
    decision = may(COHORT, "alice", "evidence.assess", "alice.json")
    assert not decision.allowed
    assert decision.who_may == ("tess", "tom")
    assert decision.reason == "only an assessor (tutor) may accept or refer evidence in alice.json: tess, tom"


def test_the_tutor_whose_caseload_holds_the_portfolio_may_assess_and_grade() -> None:
    assert may(COHORT, "tom", "evidence.assess", "alice.json").allowed
    assert may(COHORT, "tess", "grade.record", "bob.json").allowed
    refused = may(COHORT, "tom", "evidence.assess", "bob.json")
    assert not refused.allowed and refused.who_may == ("tess",)


def test_apprentices_add_and_edit_only_their_own_evidence() -> None:
    assert may(COHORT, "alice", "evidence.add", "alice.json").allowed
    assert may(COHORT, "alice", "evidence.edit", "alice").allowed  # the name as typed, without .json
    refused = may(COHORT, "alice", "evidence.add", "bob.json")
    assert not refused.allowed and refused.who_may == ("bob",)
    assert not may(COHORT, "tess", "evidence.add", "alice.json").allowed


def test_a_line_manager_cannot_see_another_managers_apprentices() -> None:
    assert may(COHORT, "mona", "view", "alice.json").allowed
    refused = may(COHORT, "mona", "view", "carol.json")
    assert not refused.allowed
    assert "mona" not in refused.who_may and "max" in refused.who_may
    names = ["alice.json", "bob.json", "carol.json"]
    def visible(account: str) -> list[str]:
        return [n for n in names if may(COHORT, account, "view", n).allowed]

    assert visible("mona") == ["alice.json", "bob.json"]
    assert visible("max") == ["carol.json"]
    assert visible("tess") == names
    assert visible("bob") == ["bob.json"]


def test_line_managers_record_the_employers_confirmation_and_comments() -> None:
    assert may(COHORT, "mona", "employer.confirm", "bob.json").allowed
    assert may(COHORT, "mona", "comment", "bob.json").allowed
    refused = may(COHORT, "tess", "employer.confirm", "bob.json")
    assert refused.reason == "only their line manager may record the employer's confirmation in bob.json: mona"
    assert may(COHORT, "bob", "comment", "bob.json").allowed
    assert not may(COHORT, "alice", "comment", "bob.json").allowed


def test_each_signoff_belongs_to_its_role() -> None:
    assert may(COHORT, "tom", "signoff.assessor", "alice.json").allowed
    assert may(COHORT, "alice", "signoff.apprentice", "alice.json").allowed
    assert may(COHORT, "mona", "signoff.employer", "alice.json").allowed
    assert not may(COHORT, "alice", "signoff.assessor", "alice.json").allowed
    assert not may(COHORT, "tom", "signoff.employer", "alice.json").allowed


def test_someone_not_on_the_roster_is_told_so_and_who_may() -> None:
    decision = may(COHORT, "eve", "view", "alice.json")
    assert not decision.allowed
    assert decision.reason.startswith("eve is not on this cohort's roster; only the apprentice, their line manager")
    assert decision.who_may == ("alice", "mona", "tess", "tom")


def test_a_refusal_with_no_one_to_do_it_says_who_can_add_them() -> None:
    roster = Roster("lead", {"tess": entry("tutor", "*")})
    decision = may(roster, "tess", "evidence.add", "new.json")
    assert not decision.allowed and decision.who_may == ()
    assert "the roster names no one for it" in decision.reason and "lead, tess" in decision.reason


@pytest.mark.parametrize("action", sorted(a for a, rule in roles.ACTIONS.items() if rule.roles and a != "roster.edit"))
def test_every_refusal_names_who_may(action: str) -> None:
    outsider = may(COHORT, "eve", action, "alice.json")
    assert not outsider.allowed
    assert outsider.who_may
    assert outsider.reason.endswith(", ".join(outsider.who_may))


@pytest.mark.parametrize("action", ["record.remove", "comment.edit"])
def test_what_no_role_may_do_is_refused_to_everyone_with_the_reason(action: str) -> None:
    for account in ("alice", "mona", "tess", "lead", "eve"):
        refused = may(COHORT, account, action, "alice.json")
        assert not refused.allowed and refused.who_may == ()
        assert refused.reason.startswith("no one may ") and "alice.json: " in refused.reason


def test_only_the_roster_owner_or_a_tutor_edits_the_roster() -> None:
    assert may(COHORT, "lead", "roster.edit").allowed
    assert may(COHORT, "tom", "roster.edit").allowed
    refused = may(COHORT, "mona", "roster.edit")
    assert not refused.allowed
    assert refused.who_may == ("lead", "tess", "tom")
    assert refused.reason == "only the roster's owner or a tutor may edit the roster: lead, tess, tom"


def test_without_a_roster_the_files_owner_may_do_everything() -> None:
    for action in roles.ACTIONS:
        assert may(None, "alice", action, "alice.json", file_owner="alice").allowed
    assert may(None, "alice", "evidence.add", "new.json", file_owner=None).allowed


def test_without_a_roster_others_may_only_view_and_are_told_whose_file_it_is() -> None:
    assert may(None, "bob", "view", "alice.json", file_owner="alice").allowed
    refused = may(None, "bob", "evidence.assess", "alice.json", file_owner="alice")
    assert not refused.allowed and refused.who_may == ("alice",)
    assert "no roster" in refused.reason and "alice" in refused.reason


def test_an_unknown_action_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown action"):
        may(COHORT, "alice", "evidence.burn", "alice.json")


def test_require_raises_with_the_refusal() -> None:
    with pytest.raises(roles.NotAllowed, match="only an assessor"):
        roles.require(may(COHORT, "alice", "evidence.assess", "alice.json"))
    roles.require(may(COHORT, "tess", "evidence.assess", "alice.json"))


def signed(*who: str) -> list[SignOff]:
    return [SignOff(role, f"{role}-account", date(2026, 5, 1)) for role in who]


def test_signoffs_go_assessor_then_apprentice_then_employer() -> None:
    assert next_signoff([]) == "assessor"
    assert next_signoff(signed("assessor")) == "apprentice"
    assert next_signoff(signed("assessor", "apprentice")) == "employer"
    assert next_signoff(signed("assessor", "apprentice", "employer")) is None


def test_a_signoff_out_of_order_is_refused_naming_what_is_missing() -> None:
    early = check_signoff([], "apprentice")
    assert not early.allowed
    assert early.reason == "the apprentice signs off after the assessor; still waiting for: assessor"
    employer = check_signoff(signed("apprentice"), "employer")
    assert not employer.allowed and employer.reason.endswith("still waiting for: assessor")
    assert check_signoff(signed("assessor"), "apprentice").allowed
    assert check_signoff(signed("assessor", "apprentice"), "employer").allowed


def test_a_signoff_dated_before_the_one_it_follows_is_refused() -> None:
    """F12: the record must not say the apprentice signed the gateway before the assessor did."""
    early = check_signoff(signed("assessor"), "apprentice", date(2026, 4, 30))
    assert not early.allowed
    assert early.reason == "the apprentice's sign-off cannot be dated 2026-04-30, before the assessor's (2026-05-01) " \
                           "that it follows"
    assert check_signoff(signed("assessor"), "apprentice", date(2026, 5, 1)).allowed
    assert not check_signoff(signed("assessor", "apprentice"), "employer", date(2026, 4, 1)).allowed


def test_a_second_signoff_by_the_same_role_is_refused_with_the_first_ones_date() -> None:
    again = check_signoff(signed("assessor"), "assessor")
    assert not again.allowed
    assert again.reason == "the assessor already signed off on 2026-05-01 (assessor-account)"
    assert not check_signoff([], "mentor").allowed


@pytest.mark.parametrize(
    ("account", "role", "portfolios", "field"),
    [
        ("al ice", "apprentice", ["a.json"], "account"),
        ("alice\x1b[31m", "apprentice", ["a.json"], "account"),
        ("alice", "boss", ["a.json"], "role"),
        ("alice", "apprentice", [], "portfolio"),
        ("alice", "apprentice", ["a.json", "b.json"], "portfolio"),
        ("mona", "line-manager", ["*"], "portfolio"),
        ("mona", "line-manager", ["../x.json"], "portfolio"),
        ("tess", "tutor", [], "portfolio"),
    ],
)
def test_bad_roster_entries_name_the_field(account: str, role: str, portfolios: list[str], field: str) -> None:
    problem = roles.check_entry(account, role, portfolios)
    assert problem is not None and problem[0] == field


def test_roster_documents_are_read_strictly_naming_the_field() -> None:
    good = {"format": roles.ROSTER_FORMAT, "version": 1, "owner": "lead",
            "entries": {"alice": {"role": "apprentice", "portfolios": ["alice"]}}}
    assert roles.roster_from_dict(good) == Roster("lead", {"alice": entry("apprentice", "alice.json")})
    with pytest.raises(roles.RosterFormatError) as caught:
        roles.roster_from_dict({**good, "entries": {"alice": {"role": "boss", "portfolios": ["a"]}}})
    assert caught.value.where == "$.entries.alice"
    with pytest.raises(roles.RosterFormatError, match="newer"):
        roles.roster_from_dict({**good, "version": 2})
    with pytest.raises(roles.RosterFormatError) as caught:
        roles.roster_from_dict({**good, "owner": 7})
    assert caught.value.where == "$.owner"


_accounts = st.sampled_from(["alice", "bob", "mona", "tess"])
_names = st.sampled_from(["a.json", "b.json"])
_entries = st.one_of(
    st.builds(lambda p: entry("apprentice", p), _names),
    st.builds(lambda ps: entry("line-manager", *sorted(ps)), st.sets(_names, min_size=1)),
    st.just(entry("tutor", "*")),
)
_rosters = st.builds(Roster, _accounts, st.dictionaries(_accounts, _entries))


@given(st.lists(_rosters, min_size=1, max_size=6))
def test_the_history_of_changes_replays_to_the_last_roster(states: list[Roster]) -> None:
    history = roles.roster_changes(None, states[0])
    for before, after in zip(states, states[1:], strict=False):
        history += roles.roster_changes(before, after)
    assert roles.replay(history) == states[-1]


def test_a_history_must_start_with_the_rosters_creation() -> None:
    with pytest.raises(roles.RosterFormatError, match="starts with"):
        roles.replay([{"action": "add", "account": "x", "role": "tutor", "portfolios": ["*"]}])
    with pytest.raises(roles.RosterFormatError, match="empty"):
        roles.replay([])


def test_a_key_that_is_not_yours_says_in_one_line_whose_it_is() -> None:
    """The TUI's notice on a hidden key comes from the access view model, not the screen."""
    from pathlib import Path

    from portfolio_tui.services.views import Access

    mona = Access(Path("alice.json"), "mona", COHORT)
    assert mona.not_yours("evidence.add") == "Adding evidence is for the apprentice (alice), not the line manager."
    assert mona.not_yours("evidence.assess") == (
        "Accepting or referring evidence is for an assessor (tutor), tess, tom, not the line manager.")
    assert mona.not_yours("comment") == ""  # hers: no notice
    alice = Access(Path("alice.json"), "alice", COHORT)
    assert alice.not_yours("review.record") == (
        "Recording progress reviews is for the line manager or an assessor (tutor), mona, tess, tom, "
        "not the apprentice.")
    assert Access(Path("alice.json"), "eve", COHORT).not_yours("evidence.add").endswith(
        "and you are not on this cohort's roster.")
    # Without a roster, the file's owner: the refusal's own words say whose file it is.
    bob = Access(Path("alice.json"), "bob", None, file_owner="alice")
    assert bob.not_yours("evidence.add") == bob.decide("evidence.add").reason
    for action in set(roles.ACTIONS) - {"roster.edit", "view"}:
        notice = Access(Path("alice.json"), "eve", COHORT).not_yours(action)
        assert "\n" not in notice and notice.endswith(".") and notice[0].isupper(), notice
