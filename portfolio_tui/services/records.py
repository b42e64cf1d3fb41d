"""Recording progress beside evidence: reviews, off-the-job hours, breaks, prerequisites, gateway
checklist items, milestones done and grades. Each call validates against the portfolio's standard
(raising :class:`InputError` naming the field), then writes in one store transaction, in which
``PortfolioService.add_record`` asks once whether this process's OS account may make the change
(the employer's confirmation is the line manager's, the other checklist items the tutor's) and
runs the checks that depend on the other records (a break's overlap, a milestone already done)
against the file as it is under the lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from portfolio_tui import identity
from portfolio_tui.domain import employer_decisions, funding_rules, grading
from portfolio_tui.domain.comments import Comment
from portfolio_tui.domain.frozen import replace
from portfolio_tui.domain.learner import ENGLISH_MATHS_DECISIONS, Learner
from portfolio_tui.domain.portfolio import Portfolio
from portfolio_tui.domain.progress import (
    OTJ_CATEGORIES,
    REVIEW_PARTIES,
    BreakInLearning,
    ChecklistRecord,
    GradeRecord,
    MilestoneDone,
    OtjEntry,
    PrerequisiteRecord,
    Review,
    milestones_standing,
)
from portfolio_tui.domain.reviews import unconfirmed
from portfolio_tui.domain.roles import Decision, NotAllowed
from portfolio_tui.domain.timeline import epa_date, window_problem
from portfolio_tui.services import record_fields
from portfolio_tui.services import validation as check
from portfolio_tui.services.access import (
    check_confirmations,
    check_employer_confirmations,
    require_own_party,
    review_parties,
)
from portfolio_tui.services.errors import InputError
from portfolio_tui.services.portfolios import PortfolioService, today
from portfolio_tui.store.errors import NotFound
from portfolio_tui.store.records import from_record, to_json, to_record
from portfolio_tui.store.transaction import Transaction


def _names(field: str, values: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(values, str):
        values = values.split(",")
    return tuple(n for n in (check.text(field, v) for v in values) if n)


def record_review(
    svc: PortfolioService,
    *,
    on: date | str,
    attendees: Iterable[str] | str = (),
    otj_hours: float | str | None = None,
    actions: str = "",
    notes: str = "",
    signed_by: Iterable[str] | str = (),
    confirm_as: Iterable[str] = (),
    as_of: date | None = None,
) -> int:
    """A three-way progress review (apprentice, employer, provider), dated, with the recorder's own confirmation.

    ``confirm_as`` are the parties the recorder confirms it as: only their own (a tutor the provider, a line
    manager the employer; without a roster the file's owner any). ``signed_by`` (``review add --signed-by``)
    takes names and keeps working for the recorder's own party: a party's word, the recorder's account, or
    the name the learner's record gives their role; any other name, another party's confirmation made in
    their name, is refused and nothing is written. The others confirm with :func:`confirm_review`.
    """
    review = Review(
        id=0,
        date=svc.past_date("date", on, as_of),
        attendees=_names("attendees", attendees),
        otj_hours_discussed=check.hours("otj_hours", otj_hours, most=check.PROGRAMME_HOURS, per="a programme"),
        actions=check.text("actions", actions, multiline=True),
        notes=check.text("notes", notes, multiline=True),
    )
    record = record_fields.checked("reviews", to_record(review), svc.programme(as_of))
    parties = [_party("confirm_as", p) for p in confirm_as]
    parties += [_party_named(svc, name) for name in _names("signed_by", signed_by)]
    parties = list(dict.fromkeys(parties))
    with svc.transaction("review.record", *(("review.confirm",) if parties else ())) as tx:
        fields = record | {"confirmations": [_confirmation(p, tx) for p in parties]}
        check_confirmations(svc.path, None, fields, tx.actor, tx.now)
        confirmed = f", confirmed as the {' and the '.join(parties)}" if parties else ""
        return tx.insert("reviews", fields, f"recorded review of {review.date.isoformat()}{confirmed}")


def confirm_review(svc: PortfolioService, review_id: int, party: str | None = None) -> str:
    """This OS account's own party confirms a recorded review, once; returns the party.

    The party is the account's role's (``domain.roles.review_parties``), never a name typed in; ``party``
    need only be given without a roster, where the file's owner may record each party's (each under its
    own account). Who may, and whether that party has confirmed already, is decided under the lock.
    """
    wanted = None if party in (None, "") else _party("party", party)
    with svc.transaction("review.confirm") as tx:
        try:
            before = tx.get("reviews", review_id)
        except NotFound:
            raise InputError("review", f"no review with id {review_id}") from None
        review = tx.record_object("reviews", review_id)
        mine = review_parties(svc.path)
        if wanted is None:
            if len(mine) > 1:
                waiting = ", ".join(p for p in unconfirmed(review) if p in mine) or "none"
                raise InputError("party", f"this folder has no roster, so say which party you confirm as "
                                          f"(still to confirm: {waiting})")
            wanted = mine[0] if mine else REVIEW_PARTIES[0]
        require_own_party(svc.path, wanted)
        day = review.date.isoformat()
        done = review.confirmation(wanted)
        if done is not None:
            raise InputError("review", f"the {wanted} already confirmed the review of {day} "
                                       f"({done.by}, {done.at[:10]})")
        changes = {"confirmations": [*before.get("confirmations", []), _confirmation(wanted, tx)]}
        check_confirmations(svc.path, before, changes, tx.actor, tx.now)
        tx.update("reviews", review_id, changes, detail=f"{tx.actor} confirmed the review of {day} as the {wanted}")
        return wanted


def _party(field: str, value: str) -> str:
    if value not in REVIEW_PARTIES:
        raise InputError(field, f"{check.shown(value)} is not a party to a review "
                                f"(one of {', '.join(REVIEW_PARTIES)})")
    return value


_PARTY_WORDS = {"apprentice": "apprentice", "learner": "apprentice", "employer": "employer",
                "line manager": "employer", "line-manager": "employer", "provider": "provider",
                "tutor": "provider", "assessor": "provider"}


def _party_named(svc: PortfolioService, name: str) -> str:
    """The party a name given to ``--signed-by`` stands for, when it can only be the caller's own.

    A party's word (``employer``, ``tutor``...), the caller's OS account (when it stands for one party), or
    the name the learner's record gives a party. Any other name is refused: it would be someone
    confirming in another's name. Whether the party is the caller's own is decided under the lock.
    """
    learner = svc.learner
    mine = review_parties(svc.path)
    account = identity.current_user()
    recorded = {learner.name: "apprentice", learner.line_manager: "employer", learner.tutor: "provider"}
    party = _PARTY_WORDS.get(name.casefold()) or recorded.get(name)
    if party is None and name in (account, svc.actor) and len(mine) == 1:
        party = mine[0]
    if party is None and len(mine) > 1:
        raise InputError("signed_by", f"{check.shown(name)} names no party: give apprentice, employer or provider, "
                                      "or the name the learner's record gives one")
    if party is None:
        own = f"only as the {mine[0]}, by giving the party or the account's own name" if mine else "as no party"
        raise NotAllowed(Decision(False, (
            f"{check.shown(name)} is not yours to confirm: {account} confirms a review {own}; the others confirm "
            f"with their own accounts (`portfolio review confirm`, or c on the timeline); nothing was changed")))
    require_own_party(svc.path, party)
    return party


def _confirmation(party: str, tx: Transaction) -> dict[str, str]:
    return {"party": party, "by": tx.actor, "at": tx.now}


def log_otj(
    svc: PortfolioService,
    *,
    on: date | str | None = None,
    hours: float | str,
    category: str,
    criteria: Iterable[str] | str = (),
    description: str = "",
    as_of: date | None = None,
) -> int:
    """An off-the-job training activity, dated today (``as_of``) unless ``on`` says otherwise; excluded categories
    are recorded but do not count."""
    amount = check.hours("hours", hours, one_day=True)
    if amount is None or amount == 0:
        raise InputError("hours", "must be more than 0")
    category = check.text("category", category)
    if category not in OTJ_CATEGORIES:
        raise InputError(
            "category", f"unknown category {check.shown(category)} (expected one of {', '.join(OTJ_CATEGORIES)})"
        )
    entry = OtjEntry(
        id=0,
        date=svc.past_date("date", today(as_of) if on is None else on, as_of),
        hours=amount,
        category=category,
        criteria=check.criteria("criteria", criteria, svc.standard) if criteria else (),
        description=check.text("description", description, multiline=True),
    )

    def within_a_day(now: Portfolio) -> None:
        """The day's entries together, not each alone, fit in a day (checked under the lock, as saved)."""
        logged = sum(o.hours for o in now.otj if o.date == entry.date)
        if logged + amount > 24:
            raise InputError("hours", f"{entry.date.isoformat()} already has {logged:g} hours logged; "
                                      f"{amount:g} more is more than a day holds (at most 24)")

    return svc.add_record("otj", to_record(entry), detail=f"logged {amount:g} off-the-job hours ({category})",
                          state_check=within_a_day, as_of=as_of)


def record_break(
    svc: PortfolioService,
    *,
    start: date | str,
    end: date | str | None = None,
    reason: str = "",
    as_of: date | None = None,
) -> int:
    """A break in learning; the planned end and every milestone move by its length."""
    first = svc.past_date("start", start, as_of)
    last = None
    if end not in (None, ""):
        latest = svc.programme(as_of).latest
        last = check.date_value("end", end, not_before=first, not_before_label=f"the break's start ({first})",
                                not_after=latest, not_after_label=f"{latest.isoformat()}, "
                                f"{check.LONGEST_PROGRAMME_YEARS} years after the programme start: not a plausible end")

    def no_overlap(now: Portfolio) -> None:
        for other in now.breaks:
            other_end = other.end or date.max
            if first <= other_end and (last or date.max) >= other.start:
                raise InputError(
                    "start", f"overlaps break {other.id} ({other.start.isoformat()} to {other.end or 'ongoing'})"
                )

    brk = BreakInLearning(id=0, start=first, end=last, reason=check.text("reason", reason))
    return svc.add_record("breaks", to_record(brk), detail=f"recorded break from {first.isoformat()}",
                          state_check=no_overlap, as_of=as_of)


def end_break(svc: PortfolioService, break_id: int, end: date | str, as_of: date | None = None) -> None:
    last = svc.past_date("end", end, as_of, why_not_later="; a break cannot be recorded as ended in the future")

    def after_its_start(now: Portfolio) -> None:
        current = next((b for b in now.breaks if b.id == break_id), None)
        if current is None:
            raise InputError("break", f"no break with id {break_id}")
        check.date_value("end", last, not_before=current.start, not_before_label=f"the break's start ({current.start})")

    svc.update_record(
        "breaks", break_id, {"end": last.isoformat()}, detail=f"break {break_id} ended {last.isoformat()}",
        state_check=after_its_start, as_of=as_of,
    )


def record_prerequisite(
    svc: PortfolioService, key: str, *, achieved_on: date | str, note: str = "", as_of: date | None = None
) -> int:
    """A gateway prerequisite (qualification, English, maths) recorded as achieved on a date."""
    known = {p.key: p for p in svc.standard.plan.prerequisites}
    if key not in known:
        offer = ", ".join(known) or "none"
        raise InputError("key", f"{svc.standard.id} has no prerequisite {check.shown(key)} (it has: {offer})")
    earliest = check.years_from(svc.learner.start, -record_fields.PREREQUISITE_YEARS_BEFORE)
    on = check.date_value("achieved_on", achieved_on, not_after=as_of or date.today(), not_after_label="today",
                          not_before=earliest, not_before_label=f"{earliest.isoformat()}, "
                          f"{record_fields.PREREQUISITE_YEARS_BEFORE} years before the programme start")
    record = PrerequisiteRecord(key=key, achieved_on=on, note=check.text("note", note))
    return svc.add_record("prerequisites", to_record(record), detail=f"prerequisite {key} achieved {on.isoformat()}",
                          as_of=as_of)


def checklist_keys(svc: PortfolioService) -> dict[str, str]:
    """The checklist items a person records: the plan's own, and the employer's confirmation."""
    return record_fields.checklist_keys(svc.standard)


def record_checklist(
    svc: PortfolioService, key: str, *, on: date | str, detail: str = "", as_of: date | None = None
) -> int:
    """A gateway checklist item done; the employer's confirmation is the line manager's to record."""
    known = checklist_keys(svc)
    if key not in known:
        raise InputError("key", f"unknown checklist item {check.shown(key)} (expected one of {', '.join(known)})")
    done = svc.past_date("date", on, as_of)
    record = ChecklistRecord(key=key, done_on=done, detail=check.text("detail", detail))
    return svc.add_record("checklist", to_record(record), detail=f"checklist {key} done {done.isoformat()}",
                          as_of=as_of)


def mark_milestone_done(svc: PortfolioService, key: str, *, on: date | str, as_of: date | None = None) -> int:
    """Record a plan milestone as done; who and when are the OS account and the time of writing."""
    known = {m.key: m for m in svc.standard.plan.milestones}
    if key not in known:
        raise InputError("milestone", f"unknown milestone {check.shown(key)} (expected one of {', '.join(known)})")
    done = svc.past_date("date", on, as_of)
    standard = svc.standard

    def not_done_yet(now: Portfolio) -> None:
        if key in milestones_standing(now.milestones_done):
            raise InputError("milestone", f"{key} is already recorded as done")
        problem = window_problem(standard, now, key, done)
        if problem:
            raise InputError("date", problem)

    return svc.add_record("milestones", to_record(MilestoneDone(key=key, done_on=done)), detail=f"milestone {key} done",
                          state_check=not_done_yet, as_of=as_of)


def undo_milestone(
    svc: PortfolioService, key: str, *, reason: str, on: date | str | None = None, as_of: date | None = None
) -> int:
    """Take back a milestone's mark, with a reason, as an appended record (the mark itself stays in the file)."""
    why = check.text("reason", reason, required=True)
    day = svc.past_date("date", on or (as_of or date.today()), as_of)

    def marked_done(now: Portfolio) -> None:
        if key not in milestones_standing(now.milestones_done):
            raise InputError("milestone", f"{check.shown(key)} is not marked done, so there is nothing to undo")

    record = MilestoneDone(key=key, done_on=day, undone=True, reason=why)
    return svc.add_record("milestones", to_record(record), detail=f"milestone {key} no longer done: {why}",
                          state_check=marked_done, as_of=as_of)


def record_grade(
    svc: PortfolioService, kind: str | None, values: dict[str, Any], as_of: date | None = None
) -> int:
    """A recorded result for one of the standard's grading rules, checked against the standard.

    ``kind`` None is a per-component result: the standard's weighted-components or combination-table rule.
    """
    kind = kind or grading.component_kind(svc.standard) or "weighted-components"
    if values.get("on") is not None:
        why = "; a result cannot be dated in the future"
        values = values | {"on": svc.past_date("on", values["on"], as_of, why_not_later=why).isoformat()}
        if kind == "combination-table":
            portfolio = svc.load()
            epa = epa_date(portfolio.learner, portfolio.breaks, as_of or date.today())
            if date.fromisoformat(values["on"]) < epa:
                raise InputError("on", f"an EPA method's result is recorded after the EPA ({epa.isoformat()})")
    problems = grading.validate_grade_values(svc.standard, kind, values)
    if problems:
        field, _, message = problems[0].partition(": ")
        raise InputError(field, message + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    record = GradeRecord(id=0, kind=kind, values=dict(values))
    return svc.add_record("grades", to_record(record), detail=f"recorded {kind} result", as_of=as_of)


def update_learner(
    svc: PortfolioService,
    *,
    employer: str | None = None,
    line_manager: str | None = None,
    tutor: str | None = None,
    review_cadence: str | None = None,
    contracted_hours_per_week: float | str | None = None,
    otj_target_hours: float | str | None = None,
    age_at_start: int | str | None = None,
    epa_presentation: date | str | None = None,
    planned_end: date | str | None = None,
    review_cadence_agreed_by: str | None = None,
    english_maths_decision: str | None = None,
    english_maths_decided_by: str | None = None,
    prior_learning_hours: float | str | None = None,
    prior_learning_reason: str | None = None,
    prior_learning_agreed_by: str | None = None,
    last_day_of_learning: date | str | None = None,
    as_of: date | None = None,
) -> None:
    """Change the learner's profile: the fields the rules read (target, hours, dates) and the people.

    Only the arguments given change; each change is audited with its old and new value. What the funding
    rules ask to be recorded with a name is refused without it: an alternative review frequency needs the
    employer who agreed it, prior learning its reason and who agreed it, the English and maths decision the
    employer who made it. Those are the employer's decisions: what is typed here records the decision and
    notes the name (``noted by the recorder``), and none of them counts until the line manager's account
    confirms it (:func:`confirm_employer_decisions`; ``domain.employer_decisions`` says what each changes
    then). Changing a decision once confirmed needs the employer's confirmation again. From 1 Aug 2025 an
    off-the-job target below the 187-hour floor is refused.
    """
    learner = svc.learner
    changes: dict[str, Any] = {}
    for field, value in (("employer", employer), ("line_manager", line_manager), ("tutor", tutor)):
        if value is not None:
            changes[field] = check.text(field, value)
    if review_cadence is not None:
        changes["review_cadence"] = check.review_cadence(review_cadence)
    if contracted_hours_per_week is not None:
        hours = check.hours("contracted_hours_per_week", contracted_hours_per_week, most=check.MOST_HOURS_PER_WEEK,
                            per="a week")
        if not hours or hours > check.MOST_HOURS_PER_WEEK:
            raise InputError("contracted_hours_per_week",
                             f"must be more than 0 and at most {check.MOST_HOURS_PER_WEEK} hours a week")
        changes["contracted_hours_per_week"] = hours
    if otj_target_hours is not None:  # empty clears it: the target follows the start date's rule again
        changes["otj_target_hours"] = check.hours("otj_target_hours", otj_target_hours, most=check.PROGRAMME_HOURS,
                                                  per="a programme")
        floor = funding_rules.applying("off-the-job", learner.start, learner.start).params.get("floor_hours")
        if floor is not None and changes["otj_target_hours"] is not None and changes["otj_target_hours"] < floor:
            raise InputError(
                "otj_target_hours",
                f"{changes['otj_target_hours']:g} is below the {floor:g}-hour floor for starts from 1 Aug 2025",
            )
    changes.update(_named_rule_fields(learner, review_cadence, review_cadence_agreed_by, english_maths_decision,
                                      english_maths_decided_by, prior_learning_hours, prior_learning_reason,
                                      prior_learning_agreed_by))  # fmt: skip
    if last_day_of_learning is not None:
        changes["last_day_of_learning"] = check.date_value(
            "last_day_of_learning", last_day_of_learning, not_after=as_of or date.today(), not_after_label="today",
            not_before=learner.start, not_before_label=f"the start ({learner.start.isoformat()})",
        ).isoformat()  # fmt: skip
    if age_at_start is not None:
        changes["age_at_start"] = check.age_at_start("age_at_start", age_at_start)
    after_start = f"the start ({learner.start.isoformat()})"
    if epa_presentation is not None:
        latest = svc.programme(as_of).latest
        changes["epa_presentation"] = check.date_value(
            "epa_presentation", epa_presentation, not_before=learner.start, not_before_label=after_start,
            not_after=latest, not_after_label=f"{latest.isoformat()}, {check.LONGEST_PROGRAMME_YEARS} years after "
                                              "the start: not a plausible date",
        ).isoformat()
    if planned_end is not None:
        hours = changes.get("contracted_hours_per_week", learner.contracted_hours_per_week)
        changes["planned_end"] = check.planned_end("planned_end", planned_end, learner.start, svc.standard,
                                                   hours).isoformat()
    if not changes:
        raise InputError("learner", "nothing to change")
    if changes.get("otj_target_hours") is not None:
        _target_within_the_rule(svc, learner, changes, as_of)
    svc.update_record("learner", 1, changes, detail=f"changed {learner_fields_said(changes)}", as_of=as_of)


def _target_within_the_rule(svc: PortfolioService, learner: Learner, changes: Mapping[str, Any],
                            as_of: date | None) -> None:
    """A planned off-the-job target is at least the start-date rule's minimum before 1 Aug 2025 (any target was
    taken: 10 hours against the 20% of a year's contracted hours): ``domain.otj.minimum_target`` over the practical
    period as it will be, with this change's planned end, hours and last day of learning. Qualifications have no
    off-the-job target to meet; the floor from 1 Aug 2025 is checked above."""
    from portfolio_tui.domain import otj
    from portfolio_tui.domain.gateway import gateway_date, is_apprenticeship

    standard = svc.standard
    if not is_apprenticeship(standard) or otj.otj_rule(learner.start).params.get("floor_hours") is not None:
        return
    kept: dict[str, Any] = {k: date.fromisoformat(changes[k]) for k in ("planned_end", "last_day_of_learning",
                                                                         "epa_presentation") if k in changes}
    if "contracted_hours_per_week" in changes:
        kept["contracted_hours_per_week"] = changes["contracted_hours_per_week"]
    after = replace(learner, **kept)
    portfolio = svc.load()
    gate = gateway_date(standard, replace(portfolio, learner=after), today(as_of))
    minimum = otj.minimum_target(after, standard, gate, portfolio.breaks)
    target = changes["otj_target_hours"]
    if minimum is not None and target < round(minimum, 1) - 1e-9:  # (as the message gives it, to a tenth)
        raise InputError("otj_target_hours", f"{target:g} is below {otj.minimum_words(after, minimum)}")


def learner_fields_said(names: Iterable[str]) -> str:
    """The learner's fields as a change's one line names them: by the profile's labels ("off-the-job target,
    review frequency"), where the history and `learner set` said "changed otj_target_hours" (QA Q15)."""
    from portfolio_tui.services.learner_profile import FIELDS  # (it builds on this module)

    labels = {name: label for name, label, *_ in FIELDS}

    def said(name: str) -> str:
        label = labels.get(name, name.replace("_", " "))
        first = label.split()[0]
        return label if first.isupper() or first == "English" else label[0].lower() + label[1:]

    return ", ".join(said(name) for name in names)


def confirm_employer_decisions(
    svc: PortfolioService, decisions: Iterable[str] | str, *, as_shown: Mapping[str, str] | None = None
) -> tuple[str, ...]:
    """This OS account confirms, for the employer, decisions the learner's record holds; returns those confirmed.

    ``decisions`` are keys of ``domain.employer_decisions.EMPLOYER_DECISIONS`` (``english-maths``,
    ``prior-learning``, ``review-cadence``). Each confirmation records the decision as the record holds it
    (its terms), the employer as the party, this account and the time, never a name typed in; who may (the
    line manager's account, ``employer.decide``; without a roster the file's owner), and whether the
    decision is recorded and not yet confirmed as it stands, are decided under the lock. ``as_shown``: the
    terms each decision had when shown to the person confirming (the TUI's dialog): one changed since is
    refused, so nobody confirms what they did not see. Until confirmed a decision changes nothing (see
    ``domain.employer_decisions``).
    """
    names = decisions.split(",") if isinstance(decisions, str) else list(decisions)
    wanted = list(dict.fromkeys(_decision(d.strip()) for d in names if d.strip()))
    if not wanted:
        keys = ", ".join(employer_decisions.EMPLOYER_DECISIONS)
        raise InputError("decision", f"choose at least one to confirm ({keys})")
    with svc.transaction("employer.decide") as tx:
        before = tx.get("learner", 1)
        learner = from_record(Learner, 1, before)
        for decision in wanted:
            title = employer_decisions.EMPLOYER_DECISIONS[decision]
            terms = employer_decisions.terms(learner, decision)
            if not terms:
                raise InputError("decision", f"the learner's record holds no decision on {title} to confirm "
                                             "(the tutor records it with `portfolio learner set`)")
            if as_shown is not None and as_shown.get(decision) != terms:
                raise InputError("decision", f"the decision on {title} changed since it was shown to you (it is now "
                                             f"{check.shown(employer_decisions.describe(learner, decision))}): look "
                                             "again before confirming; nothing was changed")
            done = employer_decisions.confirmation(learner, decision)
            if done is not None:
                raise InputError("decision", f"the employer already confirmed the decision on {title} as it stands "
                                             f"({done.by}, {done.at[:10]})")
            learner = employer_decisions.confirmed(learner, decision, tx.actor, tx.now)
        changes = {"employer_confirmations": to_json(learner.employer_confirmations)}
        check_employer_confirmations(before, changes, tx.actor, tx.now)
        tx.update("learner", 1, changes, detail=f"{tx.actor} confirmed for the employer: " + "; ".join(
            f"{employer_decisions.EMPLOYER_DECISIONS[d]} ({employer_decisions.describe(learner, d)})"
            for d in wanted))
        return tuple(wanted)


def _decision(value: str) -> str:
    if value not in employer_decisions.EMPLOYER_DECISIONS:
        raise InputError("decision", f"{check.shown(value)} is not one of the employer's decisions "
                                     f"(one of {', '.join(employer_decisions.EMPLOYER_DECISIONS)})")
    return value


def _named_rule_fields(
    learner: Learner,
    review_cadence: str | None,
    review_cadence_agreed_by: str | None,
    english_maths_decision: str | None,
    english_maths_decided_by: str | None,
    prior_learning_hours: float | str | None,
    prior_learning_reason: str | None,
    prior_learning_agreed_by: str | None,
) -> dict[str, Any]:
    """The rule fields that go with a name: each checked with its partner, as it will stand after the change."""
    changes: dict[str, Any] = {}
    if review_cadence_agreed_by is not None:
        changes["review_cadence_agreed_by"] = check.text("review_cadence_agreed_by", review_cadence_agreed_by)
        if changes["review_cadence_agreed_by"] and review_cadence is None:
            raise InputError("review_cadence", "give the agreed review cadence with the employer who agreed it")
    agreed = changes.get("review_cadence_agreed_by", learner.review_cadence_agreed_by)
    if review_cadence is not None and not agreed:
        # A frequency no one agreed is never followed: it was saved and said "changed review_cadence" (QA Q5).
        raise InputError(
            "review_cadence_agreed_by",
            "reviews follow the funding rule for the start date; another frequency needs the employer who agreed it",
        )
    if english_maths_decision is not None:
        if english_maths_decision not in ("", *ENGLISH_MATHS_DECISIONS):
            raise InputError(
                "english_maths_decision",
                f"must be one of {', '.join(ENGLISH_MATHS_DECISIONS)}, not {check.shown(english_maths_decision)}",
            )
        changes["english_maths_decision"] = english_maths_decision
        decided_by = check.text("english_maths_decided_by", english_maths_decided_by or "")
        if english_maths_decision and not decided_by:
            raise InputError("english_maths_decided_by", "name the employer who made the English and maths decision")
        changes["english_maths_decided_by"] = decided_by
    elif english_maths_decided_by is not None:
        raise InputError("english_maths_decision", "give the decision with the employer who made it")
    if prior_learning_hours is not None:
        hours = check.hours("prior_learning_hours", prior_learning_hours, most=check.PROGRAMME_HOURS, per="a programme")
        reason = check.text("prior_learning_reason", prior_learning_reason or "")
        agreed = check.text("prior_learning_agreed_by", prior_learning_agreed_by or "")
        if hours and not (reason and agreed):
            raise InputError("prior_learning_reason", "prior learning needs its reason and who agreed it")
        changes.update(prior_learning_hours=hours or 0.0, prior_learning_reason=reason,  # empty: none
                       prior_learning_agreed_by=agreed)
    elif prior_learning_reason is not None or prior_learning_agreed_by is not None:
        raise InputError("prior_learning_hours", "give the prior learning hours with their reason and who agreed")
    return changes


def add_comment(svc: PortfolioService, evidence_id: int, text: str) -> int:
    """A comment on one live piece of evidence; who wrote it and when are the record's own."""
    body = check.text("comment", text, required=True, multiline=True)
    try:
        piece = svc.evidence(evidence_id)
    except NotFound:
        piece = None
    if piece is None or piece.deleted:
        raise InputError("evidence", f"no evidence {evidence_id} to comment on")
    return svc.add_record("comments", to_record(Comment(id=0, evidence=evidence_id, text=body)),
                          detail=f"commented on evidence '{piece.title}'")
