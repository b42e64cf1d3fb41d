"""store.roles_at: who held which role for a portfolio, and when, as readers ask it (review R7-8)."""

from __future__ import annotations

from portfolio_tui.store.roles_at import RoleCheck, RolesAt


def change(at: str, action: str, account: str, role: str = "", portfolios: tuple[str, ...] = ()) -> dict:
    made = {"at": at, "by": "tess", "action": action, "account": account}
    return made | ({"role": role, "portfolios": list(portfolios)} if action == "add" else {})


HISTORY = [
    change("2026-01-01T09:00:00Z", "init", "tess"),
    change("2026-01-01T09:00:00Z", "add", "tess", "tutor", ("*",)),
    change("2026-01-02T09:00:00Z", "add", "ava", "apprentice", ("ava.json",)),
    change("2026-02-01T09:00:00Z", "add", "tom", "tutor", ("bob.json",)),
    change("2026-03-01T09:00:00Z", "remove", "tess"),
    change("2026-04-01T09:00:00Z", "add", "tess", "tutor", ("ava.json",)),
]


def test_an_account_holds_its_role_from_its_change_until_the_next_that_takes_it_away() -> None:
    held = RolesAt(HISTORY, "ava.json")
    assert held.holds("tess", "tutor", "2026-01-01T09:00:00Z")  # (two changes of one second: the last stands)
    assert not held.holds("tess", "tutor", "2025-12-31T23:59:59Z")  # before the roster began
    assert held.holds("tess", "tutor", "2026-02-28T23:59:59Z")
    assert not held.holds("tess", "tutor", "2026-03-15T00:00:00Z")  # off the roster then
    assert held.holds("tess", "tutor", "2026-03-01T09:00:00Z")  # (the second she was taken off: maybe before it)
    assert not held.holds("tess", "tutor", "2026-03-01T09:00:01Z")
    assert held.holds("ava", "apprentice", "2026-01-02T09:00:00Z")
    assert held.holds("tess", "tutor", "2026-04-01T09:00:00Z") and held.holds("tess", "tutor", "2099-01-01T00:00:00Z")
    may = "2026-05-01T00:00:00Z"
    assert held.holds("ava", "apprentice", may) and not held.holds("ava", "tutor", may)
    assert not held.holds("tom", "tutor", "2026-05-01T00:00:00Z")  # a tutor, but of bob.json only
    assert not held.holds("tess", "tutor", None) and not held.holds(None, "tutor", "2026-05-01T00:00:00Z")


def test_a_record_is_named_by_the_first_word_its_author_had_no_role_for() -> None:
    check = RoleCheck(RolesAt(HISTORY, "ava.json"))
    judged = {"judgements": [{"outcome": "accept", "by": "tess", "at": "2026-01-05T10:00:00Z"},
                             {"outcome": "reopen", "by": "ava", "at": "2026-01-06T10:00:00Z"},
                             {"outcome": "accept", "by": "ava", "at": "2026-01-07T10:00:00Z"}]}
    check.records("evidence", {"1": judged, "2": {"judgements": judged["judgements"][:2]}})
    check.records("signoffs", {"1": {"role": "assessor", "by": "tom", "created_at": "2026-05-01T00:00:00Z"},
                               "2": {"role": "assessor", "by": "tess", "created_at": "2026-05-01T00:00:00Z"}})
    check.records("reviews", {"1": {"confirmations": [{"party": "provider", "by": "ava", "at": "2026-05-01T0:00Z"}]}})
    for record in ("1", "2"):  # each made by entries in its makers' own names
        _make(check, record, assessed(judged["judgements"][:1]), True)
        _make(check, record, assessed(judged["judgements"][1:2]), True)
    _make(check, "2", {"table": "signoffs", "action": "add", "by": "tess", "at": "2026-05-01T00:00:00Z"}, True)
    assert check.flagged("") == ["evidence 1", "signoffs 1", "reviews 1"]
    assert check.flagged("2026-06-01T00:00:00Z") == []  # all before a repair (or import) took the history in


def assessed(judgements: list[dict], by: str | None = None, before: tuple[dict, ...] = ()) -> dict:
    """The entry that lists ``judgements`` as made, by their own author and moment (or ``by``)."""
    first = judgements[0]
    return {"table": "evidence", "action": "assess", "by": by or first["by"], "at": first["at"],
            "changes": {"judgements": {"from": list(before), "to": [*before, *judgements]}}}


def test_a_judgement_or_a_sign_off_counts_only_as_made_in_its_own_name() -> None:
    """Review F3: ava's own entry holding tess's acceptance (listed as made by it, or as held before it) and tess's
    assessor sign-off; tess's real referral turned into an acceptance; each is made by no entry of tess's."""
    tess = {"outcome": "accept", "feedback": "Good", "by": "tess", "at": "2026-01-05T10:00:00Z"}
    referral = {"outcome": "refer", "feedback": "Add the date", "by": "tess", "at": "2026-01-05T11:00:00Z"}
    altered = {**referral, "outcome": "accept"}
    check = RoleCheck(RolesAt(HISTORY, "ava.json"))
    check.records("evidence", {"1": {"judgements": [tess]}, "2": {"judgements": [tess]},
                               "3": {"judgements": [altered]}, "4": {"judgements": [tess]}})
    check.records("signoffs", {"1": {"role": "assessor", "by": "tess", "created_at": "2026-05-01T00:00:00Z"},
                               "2": {"role": "assessor", "by": "tess", "created_at": "2026-05-01T00:00:00Z"}})
    _make(check, "1", assessed([tess], by="ava"), True)
    _make(check, "2", {**assessed([tess], by="ava"), "changes": {"judgements": {"from": [tess], "to": [tess]}}}, True)
    _make(check, "3", assessed([referral]), True)
    _make(check, "3", assessed([altered], by="ava", before=(referral,)), True)
    _make(check, "4", assessed([tess], by="ava"), False)  # unsigned history vouches for itself (store.untaken)
    _make(check, "1", {"table": "signoffs", "action": "add", "by": "ava", "at": "2026-05-01T00:00:00Z"}, True)
    _make(check, "2", {"table": "signoffs", "action": "add", "by": "tess", "at": "2026-05-01T00:00:00Z"}, True)
    assert check.flagged("") == ["evidence 1", "evidence 2", "evidence 3", "signoffs 1"]
    sealed = RoleCheck(RolesAt(HISTORY, "ava.json"))
    sealed.records("evidence", {"1": {"judgements": [tess]}, "2": {"judgements": [tess]}})
    _make(sealed, "1", {"table": "evidence", "action": "seal", "by": "tess", "at": "2026-04-02T00:00:00Z",
                       "judgements": [tess]}, True)  # a tutor's repair takes in what the piece held
    _make(sealed, "2", {"table": "evidence", "action": "seal", "by": "ava", "at": "2026-04-02T00:00:00Z",
                       "judgements": [tess]}, True)  # an apprentice's own "seal" vouches for nothing
    assert sealed.flagged("") == ["evidence 2"]


_ORDER = [0]


def _make(check: RoleCheck, record: str, entry: dict, signed: bool) -> None:
    """``check.maker`` with each entry the next audit id."""
    _ORDER[0] += 1
    check.maker(record, entry, signed, _ORDER[0])
