"""The decisions the funding rules give to the employer, and whether the employer has confirmed them.

Three of the learner's fields are the employer's to decide: whether English and maths stay in for an
apprentice 19 or over at the start (``english_maths_decision``), recognised prior learning that comes off
the off-the-job target (``prior_learning_hours`` with its reason), and a review frequency other than the
funding rule's (``review_cadence``, agreed with the employer). The tutor records each on the learner's
record, with the name of who at the employer made it (``*_decided_by``/``*_agreed_by``); that name is typed
by the tutor, so it is only *noted by the recorder*. The employer's part is the line manager's account
confirming the decision as the record holds it (``Learner.employer_confirmations``, each with the
decision, its ``terms``, the party, the account and the time), and only a confirmed decision changes
anything:

* English and maths not required: stays required until the employer confirms it is not;
* prior learning: not taken off the off-the-job target until confirmed (the target stays the planned one);
* an alternative review frequency: the funding rule's cadence applies until it is confirmed.

A confirmation holds the terms it confirmed (``terms``): when the tutor changes the decision afterwards
(other hours, another reason, the other decision, another frequency), the earlier confirmation no longer
matches and the new terms await the employer again. Confirmations are only ever added to.
"""

from __future__ import annotations

from portfolio_tui.domain.frozen import replace
from portfolio_tui.domain.learner import REVIEW_CADENCES, DecisionConfirmation, Learner

EMPLOYER_DECISIONS: dict[str, str] = {
    "english-maths": "English and maths",
    "prior-learning": "prior learning off the off-the-job target",
    "review-cadence": "an alternative review frequency",
}
"""The employer's decisions, by the key a confirmation names (``portfolio learner confirm FILE KEY``)."""
EMPLOYER = "employer"
"""The party every confirmation here is made as (the line manager's account stands for the employer)."""


def terms(learner: Learner, decision: str) -> str:
    """What the employer confirms of ``decision`` as the learner's record holds it now ('' when none is recorded)."""
    if decision == "english-maths":
        return learner.english_maths_decision
    if decision == "prior-learning":
        if not learner.prior_learning_hours:
            return ""
        return f"{learner.prior_learning_hours:g} hours: {learner.prior_learning_reason}"
    if decision == "review-cadence":
        return learner.review_cadence if learner.review_cadence_agreed_by else ""
    raise ValueError(f"no employer's decision {decision!r} (one of {', '.join(EMPLOYER_DECISIONS)})")


def noted_name(learner: Learner, decision: str) -> str:
    """The name the recorder typed for who at the employer made ``decision`` (noted, never counted)."""
    return {"english-maths": learner.english_maths_decided_by, "prior-learning": learner.prior_learning_agreed_by,
            "review-cadence": learner.review_cadence_agreed_by}[decision]


def confirmation(learner: Learner, decision: str) -> DecisionConfirmation | None:
    """The employer's confirmation of ``decision`` as it now stands, or ``None`` (none recorded, or not confirmed).

    Only the employer's newest word on the decision counts: confirmed "not required", then changed and confirmed
    "required", the decision set back to "not required" awaits the employer again, rather than the first
    confirmation coming back into force."""
    wanted = terms(learner, decision)
    if not wanted:
        return None
    newest = next((c for c in reversed(learner.employer_confirmations)
                   if c.decision == decision and c.party == EMPLOYER), None)
    return newest if newest is not None and newest.terms == wanted else None


def awaiting(learner: Learner) -> tuple[str, ...]:
    """The decisions recorded on the learner's record that the employer has not confirmed as they stand."""
    return tuple(d for d in EMPLOYER_DECISIONS if terms(learner, d) and confirmation(learner, d) is None)


def describe(learner: Learner, decision: str) -> str:
    """The decision in words, as the record holds it ("not required", "40 hours: Level 2 award", "every 4 ...")."""
    if decision == "english-maths":
        return {"required": "required", "not-required": "not required"}.get(learner.english_maths_decision,
                                                                             learner.english_maths_decision)
    if decision == "review-cadence":
        return REVIEW_CADENCES.get(learner.review_cadence, learner.review_cadence)
    return terms(learner, decision)


def confirmed(learner: Learner, decision: str, by: str, at: str) -> Learner:
    """``learner`` with the employer's confirmation of ``decision`` as it stands, made by ``by`` at ``at`` (the
    confirmation :func:`confirmation` then finds); ``ValueError`` when no such decision is recorded."""
    wanted = terms(learner, decision)
    if not wanted:
        raise ValueError(f"no {EMPLOYER_DECISIONS[decision]} is recorded to confirm")
    made = DecisionConfirmation(decision, wanted, EMPLOYER, by, at)
    return replace(learner, employer_confirmations=(*learner.employer_confirmations, made))
