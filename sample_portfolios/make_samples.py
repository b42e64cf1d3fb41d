"""Build the sample portfolios in this folder, every record written through the services.

Run ``python sample_portfolios/make_samples.py`` (``--out DIR`` writes them somewhere else). Old samples
here are replaced, so the folder always holds exactly what this script makes.

Each learner is at a different point when judged on the fixed reference date, 2026-11-24 (what
``portfolio gateway sample_portfolios/ --json --as-of 2026-11-24`` reports is pinned by
``tests/functional/test_samples.py``):

* ``odo-nearly-ready.json``: ODO level 3, amber: two pieces awaiting assessment and the employer's
  confirmation open, all due at gateway; prerequisites, reviews, off-the-job hours and milestones on track.
* ``odo-gaps-overdue.json``: ODO level 3, red: gaps, a break in learning, an overdue plan review,
  a missed progress review and off-the-job hours behind.
* ``csp-midway.json``: Customer Service Practitioner, mid-programme: an observation with two customers,
  a simulated role-play, the EPA organisation chosen but the EPA not booked.
* ``ilm-referred.json``: ILM 2011, every criterion evidenced, the project referred on the apply section
  (assessor's and quality-assurance marks).
* ``ilm-2012-new.json``: ILM 2012 (no criteria in its source), an early learner with untagged evidence.
* ``ocr-cs-learner.json``: OCR customer service (no criteria in its source), real-work evidence.

Dates are fixed and every call is made ``as_of`` the reference date; who did what is a fixed account
(``sample``, or the assessor's account for judgements and marks). Only the audit's timestamps are the
time the script ran.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from portfolio_tui import catalog
from portfolio_tui.domain.progress import OTJ_EXCLUDED_CATEGORIES
from portfolio_tui.services import readiness, records
from portfolio_tui.services.portfolios import PortfolioService

HERE = Path(__file__).resolve().parent
REFERENCE = date(2026, 11, 24)
SAMPLE_ACTOR = "sample"


@dataclass(frozen=True)
class Piece:
    """One piece of evidence and what the assessor made of it, in order (``revised``: the learner's rewrite
    of the description after a referral, made before the next judgement)."""

    title: str
    on: date
    kind: str
    criteria: tuple[str, ...]
    description: str
    judgements: tuple[tuple[str, str], ...] = ()
    revised: str = ""
    simulated: bool = False
    hours: float | None = None


@dataclass(frozen=True)
class Activity:
    """One off-the-job training entry."""

    on: date
    hours: float
    category: str
    description: str


def add_evidence(svc: PortfolioService, assessor: PortfolioService, pieces: Iterable[Piece]) -> None:
    for piece in pieces:
        evidence = svc.add_evidence(
            title=piece.title, date=piece.on, kind=piece.kind, criteria=piece.criteria,
            description=piece.description, hours=piece.hours, simulated=piece.simulated, as_of=REFERENCE,
        )
        for n, (outcome, feedback) in enumerate(piece.judgements):
            if n == 1 and piece.revised:
                svc.edit_evidence(evidence.id, description=piece.revised, as_of=REFERENCE)
            assessor.assess(evidence.id, outcome, feedback)


def log_activities(svc: PortfolioService, activities: Iterable[Activity]) -> None:
    for a in activities:
        records.log_otj(svc, on=a.on, hours=a.hours, category=a.category, description=a.description, as_of=REFERENCE)


def counted_hours(activities: Iterable[Activity], up_to: date) -> float:
    """Off-the-job hours that count, logged on or before ``up_to`` (what a review discusses)."""
    return sum(a.hours for a in activities if a.on <= up_to and a.category not in OTJ_EXCLUDED_CATEGORIES)


def every(first: date, last: date, days: int, skip: Iterable[date] = ()) -> list[date]:
    """Every ``days`` days from ``first`` to ``last``, leaving out ``skip`` (leave, breaks)."""
    left_out = set(skip)
    out, day = [], first
    while day <= last:
        if day not in left_out:
            out.append(day)
        day += timedelta(days=days)
    return out


def in_rotation(days: Iterable[date], hours: float, plan: list[tuple[date, list[tuple[str, str]]]]) -> list[Activity]:
    """One activity a day, taken in turn from the rotation in force: ``plan`` is (until, rotation) in date order."""
    out = []
    for n, day in enumerate(days):
        rotation = next(r for until, r in plan if day <= until)
        category, description = rotation[n % len(rotation)]
        out.append(Activity(day, hours, category, description))
    return out


def review(
    svc: PortfolioService, on: date, people: tuple[str, ...], activities: list[Activity], actions: str, notes: str
) -> None:
    """A three-way progress review discussing the hours logged so far, confirmed by the three parties named (the
    learner's record names them). No roster: the one account that makes the samples records each party's
    confirmation, and the record says so."""
    records.record_review(
        svc, on=on, attendees=people, otj_hours=round(counted_hours(activities, on), 1), actions=actions,
        notes=notes, signed_by=people, as_of=REFERENCE,
    )


# --- ODO level 3: nearly ready ----------------------------------------------------------------------------

PRIYA = ("Priya Shah", "Gareth Lewis", "Sarah Jones")


def odo_nearly_ready(folder: Path) -> Path:
    path = folder / "odo-nearly-ready.json"
    learner, manager, tutor = PRIYA
    svc = PortfolioService.create(
        path, learner=learner, standard="odo-l3", start=date(2025, 7, 28), end=date(2027, 1, 28),
        employer="HM Revenue & Customs, Debt Management (Shipley)", line_manager=manager, tutor=tutor,
        review_cadence="12-weeks", actor=SAMPLE_ACTOR,
    )
    assessor = PortfolioService(path, actor="tutor.jones")
    add_evidence(svc, assessor, [
        Piece("Performance development plan 2025-26", date(2025, 8, 29), "performance-review", ("B5", "S8"),
              "Objectives and development plan agreed with Gareth Lewis for the rest of the 2025-26 performance "
              "year: handle inbound calls on the Debt Management helpline to the quality standard, pass the Level 2 "
              "Award by January, and shadow a Higher Officer on complex time-to-pay cases. Each objective is built "
              "around the Civil Service Success Profiles behaviours and has a review date.",
              (("accept", "Clear, measurable objectives linked to the standard. Keep it updated at each review."),)),
        Piece("Letter to a customer confirming a time-to-pay arrangement", date(2025, 9, 19), "product",
              ("S1", "S2", "K1"),
              "Letter to a self-employed customer confirming a six-month time-to-pay arrangement for a Self "
              "Assessment debt: the instalment dates, what happens if a payment is missed, and where to get free "
              "debt advice. Checked against the house style guide and the plain English checklist before sending. "
              "The customer's details are redacted in this copy.",
              (("accept", "Accurate figures and a clear, friendly tone. Good use of the plain English checklist."),)),
        Piece("Minutes of the Debt Management team meeting, 8 October 2025", date(2025, 10, 10), "product",
              ("S3", "S7", "B4"),
              "Took the minutes of the fortnightly team meeting (eleven attendees) on the shared template, "
              "recorded six actions with owners and dates, and circulated them on Teams the same afternoon. The "
              "team leader used the action log at the next meeting.",
              (("accept", "Concise minutes with owned, dated actions. Shows you working with the wider team."),)),
        Piece("Mid-year performance review 2025-26", date(2025, 11, 7), "performance-review", ("B6", "B7", "V1"),
              "Mid-year review with Gareth Lewis. Quality checks at 96% against a 90% target; calls handled within "
              "the service standard; praised for staying late to finish a vulnerable customer's referral rather than "
              "leave it for the next shift. Agreed to work on pacing during peak periods.",
              (("accept", "Line manager's evidence of acceptable or better performance against your objectives."),)),
        Piece("Observed call: a customer in vulnerable circumstances", date(2025, 12, 5), "observation",
              ("S1", "K2", "B6", "V2"),
              "Sarah Jones listened in to an inbound call from a recently bereaved customer who could not make "
              "the agreed payment. I paused recovery action, explained the options honestly, referred the customer "
              "to the Extra Support team with their consent and confirmed everything in writing.",
              (("accept", "Calm, honest and non-judgemental. You recognised the need for extra support quickly."),),
              hours=1.0),
        Piece("Coach report: call quality and data protection checks", date(2026, 1, 23), "coach-report",
              ("S4", "S7", "V2"),
              "Report from my team coach, Marcus Reid, after listening to ten recorded calls: identity checks "
              "completed every time, case notes accurate and entered on the debt management system during the "
              "call, one call where I should have summarised the next steps before closing.",
              (("accept", "Independent evidence of accurate, secure handling of information."),)),
        Piece("Contribution to the team guidance note on Breathing Space debt respite", date(2026, 2, 20),
              "product", ("K1", "B1", "S4"),
              "Drafted the section of the team's guidance note on what to do when a Breathing Space notification "
              "arrives: which recovery actions stop, how to record the moratorium dates, and when to restart "
              "contact. Reviewed by the technical adviser; my section was published unchanged.",
              (("accept", "A real contribution to an official document, applying the legislation correctly."),)),
        Piece("Reflective account: an impartial decision on a request to cancel a penalty", date(2026, 3, 20),
              "reflective-account", ("V3", "V4", "B2"),
              "A customer asked me to cancel a late-payment penalty because a neighbour had the same penalty "
              "cancelled. I explained that each case is decided on its own facts.",
              (("refer", "Say which guidance you followed and what evidence you weighed before deciding."),
               ("accept", "Now shows a decision based on the evidence and the published guidance. Well done.")),
              revised="A customer asked me to cancel a late-payment penalty because a neighbour had the same penalty "
              "cancelled. I explained that each case is decided on its own facts, checked the reasonable excuse "
              "guidance, weighed the customer's hospital letter against the dates of the missed payments and "
              "referred the case to a Higher Officer with my recommendation to uphold the penalty in part."),
        Piece("End-of-year performance review 2025-26", date(2026, 4, 24), "performance-review",
              ("B5", "B7", "S8", "V1"),
              "End-of-year review with Gareth Lewis: all four objectives met, Level 2 Award passed in January, "
              "rated 'achieved' overall. Agreed the 2026-27 performance development plan, including the "
              "work-based project on repeat calls about time-to-pay arrangements.",
              (("accept", "Strong end-of-year evidence; links clearly to your development plan."),)),
        Piece("Line-manager feedback: clearing the backlog of returned post", date(2026, 5, 15),
              "line-manager-feedback", ("S3", "S6", "B1", "B7"),
              "Gareth Lewis's written feedback on the three weeks I led the clear-up of 420 items of returned post: "
              "I set up a simple tracker, shared the work fairly across four colleagues, spotted that most returns "
              "came from one out-of-date address source and raised it so it could be fixed.",
              (("accept", "Shows problem solving at the root cause and delivering at pace with the team."),)),
        Piece("Witness testimony: helping two new starters through their first month", date(2026, 6, 12),
              "witness-testimony", ("B3", "B4", "B5"),
              "Testimony from Dawn Mitchell, Higher Officer: I buddied two new starters, sat with them on their "
              "first live calls, shared my own notes on the payment plan calculator and stayed even-handed when one "
              "of them struggled.",
              (("accept", "Good evidence of leading by example and building capability in others."),)),
        Piece("Income and expenditure assessment and affordability calculation", date(2026, 7, 17), "product",
              ("S1", "S4", "V3", "B2"),
              "Anonymised income and expenditure form and my affordability calculation for a customer with a "
              "fluctuating income, checked against the standard financial statement allowances, with the "
              "reasoning for the instalment amount I proposed.",
              (("accept", "Accurate calculation and a decision grounded in the evidence provided."),)),
        Piece("Email to a business customer explaining a payment allocation error", date(2026, 9, 4), "product",
              ("S2", "S6", "B6", "V2"),
              "Email to a small business owner apologising that a payment had been allocated to the wrong tax "
              "period, explaining what went wrong, what I had corrected and that no interest would be charged, "
              "and giving my direct number so they would not have to call the helpline again.",
              (("accept", "Open and honest, and you stopped the customer having to contact us again."),)),
        Piece("Coach report: negotiating affordable repayment plans", date(2026, 11, 6), "coach-report",
              ("S5", "S2"),
              "Marcus Reid's report on five recorded calls where I negotiated repayment plans: how I explained the "
              "rules, kept to what the customer could afford and reached an agreement that met the debt policy."),
        Piece("Work-based project report: reducing repeat calls about time-to-pay arrangements", date(2026, 11, 20),
              "project", ("S6", "B1", "K3", "S4"),
              "Project report (about 3,000 words). Analysed six weeks of call reasons: 22% of calls about "
              "time-to-pay were customers chasing written confirmation. Recommended same-day confirmation by "
              "email, and a signposting page for customers who need help from other public services (Jobcentre "
              "Plus, local council support schemes, free debt advice). Submitted to Gareth Lewis for first marking."),
    ])

    days = every(date(2025, 7, 30), date(2026, 11, 18), 7, skip=(date(2025, 12, 24), date(2025, 12, 31)))
    activities = [
        Activity(date(2025, 7, 28), 2, "initial-assessment", "Initial assessment and skills scan with the provider"),
        *in_rotation(days, 6, [
            (date(2026, 1, 14), [
                ("teaching", "Level 2 Award in Operational Delivery (Principles): taught session"),
                ("self-study", "Level 2 Award workbook: equality and diversity in public service"),
                ("shadowing", "Shadowed a Higher Officer on complex time-to-pay cases"),
                ("practical-training", "Training on the debt management system: arrangements and case notes"),
            ]),
            (date(2026, 9, 9), [
                ("teaching", "Level 3 Certificate in Operational Delivery (Advanced): taught session"),
                ("assignment", "Level 3 Certificate assignment: managing team performance"),
                ("shadowing", "Shadowed a compliance officer on a customer visit and interview"),
                ("practical-training", "Extra Support training: customers in vulnerable circumstances"),
            ]),
            (REFERENCE, [
                ("assignment", "Work-based project: analysing call reasons and writing up"),
                ("self-study", "Showcase portfolio: selecting and annotating evidence against the standard"),
                ("teaching", "Presentation skills workshop for the end-point assessment"),
            ]),
        ]),
        Activity(date(2026, 10, 28), 3, "learning-support", "Planning session with the tutor as the completion "
                 "window opened: showcase portfolio, project and presentation"),
    ]
    reviews = [date(2025, 10, 16), date(2026, 1, 8), date(2026, 4, 2), date(2026, 6, 25), date(2026, 9, 17)]
    activities += [Activity(day, 1, "progress-review", "Three-way progress review") for day in reviews]
    log_activities(svc, activities)
    review_notes = [
        ("Book the Level 2 Award assessment for January. Start collecting letters and minutes for the portfolio.",
         "Settled in well on the helpline; quality checks above target."),
        ("Sit the Level 3 Certificate induction. Ask the coach for a call quality report.",
         "Level 2 Award passed on 16 January."),
        ("Draft the Breathing Space guidance section. Reflective account on impartial decisions to be resubmitted.",
         "Off-the-job hours on track; two pieces referred and resubmitted."),
        ("Agree the work-based project topic. Prepare for the 6-month end-point assessment planning review.",
         "Project topic agreed in principle: repeat calls about time-to-pay."),
        ("Complete the project write-up and the coach report on negotiation. Line-manager review due October.",
         "Level 3 Certificate passed on 11 September. Portfolio evidence covers most of the standard."),
    ]
    for day, (actions, notes) in zip(reviews, review_notes, strict=True):
        review(svc, day, PRIYA, activities, actions, notes)

    for key, on, note in [
        ("english-l2", date(2019, 8, 22), "GCSE English Language, grade 6"),
        ("maths-l2", date(2019, 8, 22), "GCSE Mathematics, grade 5"),
        ("l2-award-operational-delivery", date(2026, 1, 16), "Certificate received; pass"),
        ("l3-certificate-operational-delivery", date(2026, 9, 11), "Certificate received; pass"),
    ]:
        records.record_prerequisite(svc, key, achieved_on=on, note=note, as_of=REFERENCE)
    records.mark_milestone_done(svc, "plan-review", on=date(2026, 7, 24), as_of=REFERENCE)
    records.record_checklist(svc, "epa-organisation-chosen", on=date(2026, 7, 24), as_of=REFERENCE,
                             detail="Chosen at the 6-month planning review from the register of assessment "
                             "organisations")
    records.mark_milestone_done(svc, "line-manager-review", on=date(2026, 10, 27), as_of=REFERENCE)
    return path


# --- ODO level 3: gaps and an overdue milestone -----------------------------------------------------------

CONNOR = ("Connor Walsh", "Angela Price", "Sarah Jones")
CONNOR_BREAK = (date(2026, 2, 2), date(2026, 3, 30))


def odo_gaps_overdue(folder: Path) -> Path:
    path = folder / "odo-gaps-overdue.json"
    learner, manager, tutor = CONNOR
    svc = PortfolioService.create(
        path, learner=learner, standard="odo-l3", start=date(2025, 7, 14), end=date(2027, 1, 13),
        employer="Westbrook Metropolitan Borough Council, Revenues and Benefits", line_manager=manager,
        tutor=tutor, review_cadence="3-months", actor=SAMPLE_ACTOR,
    )
    assessor = PortfolioService(path, actor="tutor.jones")
    add_evidence(svc, assessor, [
        Piece("Performance development plan 2025-26", date(2025, 8, 22), "performance-review", ("B5", "S8"),
              "Development plan agreed with Angela Price: learn the council tax billing and discounts processes, "
              "answer counter enquiries unsupervised by November and pass the Level 2 Award.",
              (("accept", "Objectives are specific and dated. Review them with Angela at each progress review."),)),
        Piece("Letter to a resident about a single person discount review", date(2025, 9, 26), "product",
              ("S1", "S2", "K1"),
              "Letter asking a resident to confirm they still live alone, explaining why the council reviews "
              "single person discounts, the deadline to reply and what happens to the bill if they do not.",
              (("accept", "Clear and courteous; the legal basis for the review is explained simply."),)),
        Piece("Observed counter enquiry: a resident with a council tax arrears summons", date(2025, 11, 21),
              "observation", ("S1", "K2", "B6"),
              "Sarah Jones observed me at the customer service centre counter with a resident who had received a "
              "summons. I explained the costs, set up an arrangement within the rules and gave details of the "
              "council's hardship fund.",
              (("accept", "Patient and clear with a worried resident; you checked they understood the next steps."),),
              hours=0.75),
        Piece("Minutes of the Revenues team meeting, 10 December 2025", date(2025, 12, 12), "product", ("S3", "B4"),
              "Minutes of the monthly team meeting on year-end billing, with the action log circulated to the team.",
              (("accept", "Accurate minutes; actions have owners and dates."),)),
        Piece("Line-manager feedback: first six months in Revenues", date(2026, 1, 16), "line-manager-feedback",
              ("S7", "B7"),
              "Angela Price's feedback: confident on the revenues system, processes change-of-address cases within "
              "the five-day target, needs to ask for help sooner when work builds up.",
              (("accept", "Useful evidence from your line manager; act on the point about asking for help."),)),
        Piece("Reflective account: moving to the new online council tax account", date(2026, 4, 24),
              "reflective-account", ("B1", "S7"),
              "How I helped residents move to the new online account after I came back from my break in learning, "
              "and what I suggested to make the reminder emails clearer."),
        Piece("Contribution to the council tax reduction scheme FAQ", date(2026, 6, 19), "product", ("K3", "S4"),
              "Questions and answers for the council website about the council tax reduction scheme.",
              (("refer", "It is not clear which answers you wrote or where the information came from. Mark your "
                "own contribution and list the sources you checked, then resubmit."),)),
        Piece("Coach report: recovery calls on council tax arrears", date(2026, 9, 25), "coach-report", ("S5", "S6"),
              "Report from the team coach on four outbound calls to residents in arrears, agreeing arrangements "
              "that clear the debt before the end of the financial year."),
    ])

    days = every(date(2025, 7, 16), date(2026, 11, 18), 14, skip=(date(2025, 12, 24),))
    on_break = [d for d in days if CONNOR_BREAK[0] <= d < CONNOR_BREAK[1]]
    activities = in_rotation([d for d in days if d not in on_break], 7, [
        (REFERENCE, [
            ("teaching", "Level 2 Award in Operational Delivery (Principles): taught session"),
            ("practical-training", "Revenues system training: discounts, exemptions and arrangements"),
            ("self-study", "Workbook: legislation and policy for council tax recovery"),
        ]),
    ])
    activities += [
        Activity(d, 2, "english-maths", "Functional Skills English Level 2 class")
        for d in every(date(2026, 9, 8), date(2026, 11, 17), 14)
    ]
    reviews = [date(2025, 10, 9), date(2026, 1, 12), date(2026, 6, 4)]
    activities += [Activity(day, 1, "progress-review", "Three-way progress review") for day in reviews]
    log_activities(svc, activities)
    for day, actions, notes in [
        (reviews[0], "Book the Level 2 Award. Start a development log.", "Good start on the counter."),
        (reviews[1], "Level 2 Award passed: start the Level 3 Certificate. Enrol for Functional Skills English.",
         "Off-the-job hours slightly behind: protect the fortnightly study afternoon."),
        (reviews[2], "Resubmit the FAQ contribution. Catch up on off-the-job hours missed before the break.",
         "Back after an eight-week break in learning; planned end moves accordingly."),
    ]:
        review(svc, day, CONNOR, activities, actions, notes)

    records.record_break(svc, start=CONNOR_BREAK[0], end=CONNOR_BREAK[1], as_of=REFERENCE,
                         reason="Agreed break in learning: extended sick leave")
    for key, on, note in [
        ("maths-l2", date(2022, 8, 25), "GCSE Mathematics, grade 5"),
        ("l2-award-operational-delivery", date(2026, 1, 9), "Certificate received; pass"),
    ]:
        records.record_prerequisite(svc, key, achieved_on=on, note=note, as_of=REFERENCE)
    return path


# --- Customer Service Practitioner: mid-programme ---------------------------------------------------------

JADE = ("Jade Thompson", "Lisa Marsh", "Daniel Okafor")


def csp_midway(folder: Path) -> Path:
    path = folder / "csp-midway.json"
    learner, manager, tutor = JADE
    svc = PortfolioService.create(
        path, learner=learner, standard="csp-l2", start=date(2026, 1, 12), end=date(2027, 4, 9),
        employer="Pennine Vale Housing Association, Customer Contact Centre", line_manager=manager, tutor=tutor,
        review_cadence="3-months", actor=SAMPLE_ACTOR,
    )
    assessor = PortfolioService(path, actor="tutor.okafor")
    add_evidence(svc, assessor, [
        Piece("Professional discussion record: who our customers are", date(2026, 2, 6), "professional-discussion",
              ("1.1", "1.2", "1.3", "2.1", "2.2", "kyc-p1", "K1"),
              "Recorded discussion with Daniel Okafor (35 minutes). I described our customers: tenants, leaseholders "
              "and shared owners, housing applicants, contractors and the repairs and income teams who rely on the "
              "contact centre, and explained the difference between our internal and external customers.",
              (("accept", "Confident examples from your own organisation; meets the pass criterion."),), hours=0.6),
        Piece("Email to a tenant confirming a repair appointment", date(2026, 3, 13), "product", ("S2", "K7", "B6"),
              "Email confirming a kitchen tap repair: the appointment window, how the operative will show their ID, "
              "and what to do if the tenant cannot be in. Sent within the one-day service standard.",
              (("accept", "Clear, accurate and right first time."),)),
        Piece("Witness testimony: covering the front desk during the phone system outage", date(2026, 4, 17),
              "witness-testimony", ("S4", "B3", "K4"),
              "Testimony from Lisa Marsh, team leader: when the telephony system failed for a morning I moved to the "
              "front desk, kept a paper log of every enquiry and entered them all on the housing system that "
              "afternoon so no call-backs were missed.",
              (("accept", "Good evidence of personal organisation and team working under pressure."),)),
        Piece("Practice observation with two customers at the housing office", date(2026, 5, 22), "observation",
              ("S1", "S2", "B4", "B5", "K6", "3.2"),
              "Daniel Okafor observed me for an hour with two customers: a tenant at the front desk reporting damp "
              "and mould in a child's bedroom, and a housing applicant on the phone asking why their bidding "
              "position had changed. Practice for the end-point assessment observation.",
              (("accept", "Two customers with very different needs handled well. Remember to summarise the next "
                "steps at the end, as the assessor will look for it."),), hours=1.0),
        Piece("Reflective account: adapting my approach for a tenant with hearing loss", date(2026, 6, 19),
              "reflective-account", ("3.4", "3.5", "kyc-p2", "B4"),
              "How I switched from the phone to text relay and email for a tenant with hearing loss, checked the "
              "adjustment was recorded on their file, and what I learnt about the needs the Equality Act protects.",
              (("accept", "Shows when and how you adapt your approach; meets the pass criterion."),)),
        Piece("Role-play: handling a complaint about a delayed repair", date(2026, 7, 10), "observation", ("S5",),
              "Simulated role-play in the provider's training room: Daniel Okafor played a tenant angry that a "
              "leaking roof had been reported three times. I listened, acknowledged the frustration, explained the "
              "complaints process and agreed a realistic next step.",
              (("accept", "Good technique. Simulation is allowed for this standard, but collect a real example for "
                "the showcase as well."),), simulated=True, hours=0.5),
        Piece("Line-manager feedback: first six months on the repairs line", date(2026, 8, 14),
              "line-manager-feedback", ("K5", "B1", "B2"),
              "Lisa Marsh's feedback from my six-monthly one-to-one: knows the limits of her role and when to pass "
              "a case on, asks for feedback after difficult calls and acts on it.",
              (("accept", "Shows you developing yourself and being open to feedback."),)),
        Piece("Contribution to the tenant newsletter: how to report a repair online", date(2026, 9, 18), "product",
              ("K2", "S3"),
              "Article for the autumn tenant newsletter explaining the online repairs form, written with the digital "
              "team, to reduce calls for simple repairs."),
        Piece("Workshop notes: internal and external customers", date(2026, 10, 23), "reflective-account",
              ("2.3", "2.4", "2.5"),
              "Notes from the provider's 'Knowing your customers' workshop, applied to Pennine Vale: which teams "
              "are our internal customers and how their needs differ from tenants'."),
        Piece("Reflective account: checking a caller's identity", date(2026, 11, 6), "reflective-account",
              ("K3", "B6"),
              "Why I must check a caller's identity before discussing a tenancy.",
              (("refer", "Describe the identity checks you make and name the law and policy that require them "
                "(UK GDPR, the association's data protection policy), then resubmit."),)),
    ])

    days = every(date(2026, 1, 13), date(2026, 11, 17), 14)
    activities = in_rotation(days, 6, [
        (REFERENCE, [
            ("teaching", "Pearson BTEC Level 2 Diploma in Customer Service: taught session"),
            ("shadowing", "Shadowed an experienced adviser on the repairs line"),
            ("practical-training", "Housing management system training: logging and tracking repairs"),
            ("self-study", "Research for the apprentice showcase: understanding the organisation"),
        ]),
    ])
    reviews = [date(2026, 4, 8), date(2026, 7, 9), date(2026, 10, 8)]
    activities += [Activity(day, 1, "progress-review", "Three-way progress review") for day in reviews]
    log_activities(svc, activities)
    for day, actions, notes in [
        (reviews[0], "Collect real examples of customer emails. Plan a practice observation.", "Settling in well."),
        (reviews[1], "Find a real complaint example to go with the role-play. Start the newsletter article.",
         "Practice observation went well."),
        (reviews[2], "Decide the EPA month with Lisa. Resubmit any referred work within two weeks.",
         "Employer has chosen Pearson as the end-point assessment organisation."),
    ]:
        review(svc, day, JADE, activities, actions, notes)

    for key, on, note in [
        ("maths-l1", date(2022, 8, 25), "GCSE Mathematics, grade 4"),
        ("english-l1", date(2022, 8, 25), "GCSE English Language, grade 4"),
    ]:
        records.record_prerequisite(svc, key, achieved_on=on, note=note, as_of=REFERENCE)
    records.record_checklist(svc, "epa-organisation-chosen", on=date(2026, 10, 8), as_of=REFERENCE,
                             detail="Pearson, from the register of apprentice assessment organisations")
    return path


# --- ILM Level 5 Certificate in Service Improvement (2011): referred on one section -----------------------

HELEN = ("Helen Carter", "Martin Ellis", "Anne Fletcher")
MARK_NOTE = (
    "Section referral: apply. The report describes the changes but does not show how the Pareto and run "
    "chart data were analysed to find the root causes, or how the control chart is used. Resubmit the apply "
    "section."
)


def ilm_referred(folder: Path) -> Path:
    path = folder / "ilm-referred.json"
    learner, manager, tutor = HELEN
    svc = PortfolioService.create(
        path, learner=learner, standard="ilm-l5-si-2011", start=date(2025, 9, 8), end=date(2027, 2, 26),
        employer="Harbourside City Council, Waste and Recycling Services", line_manager=manager, tutor=tutor,
        review_cadence="3-months", actor=SAMPLE_ACTOR,
    )
    assessor = PortfolioService(path, actor="tutor.fletcher")
    add_evidence(svc, assessor, [
        Piece("Problem statement: repeat reports of missed bin collections", date(2025, 10, 3), "product",
              ("M5.33-1.1",),
              "One-page problem statement: the east depot receives around 640 missed-collection reports a month, a "
              "third of them repeat reports from the same streets, each costing a return trip.",
              (("accept", "The aspect of service delivery and why it matters are clearly defined."),)),
        Piece("Lean project charter: reducing repeat missed-collection reports", date(2025, 10, 24), "project",
              ("M5.33-1.2",),
              "Project charter agreed and signed by Martin Ellis, Head of Waste Services: scope (east depot "
              "domestic rounds), goal (halve repeat reports in six months), DMAIC plan, team and milestones.",
              (("accept", "A complete charter, agreed with the sponsor."),)),
        Piece("Stakeholder analysis for the missed-collections project", date(2025, 11, 14), "product",
              ("M5.33-1.1", "M5.33-1.2"),
              "Power and interest grid covering crews and supervisors, the contact centre, residents, ward "
              "councillors and the fleet team, with how each will be involved.",
              (("accept", "Good analysis of drivers and stakeholders."),)),
        Piece("Current-state process map of a missed-collection report", date(2026, 1, 16), "product",
              ("M5.33-2.1", "M5.34-1.1"),
              "Swim-lane map from the resident's report to the return collection, walked with two crews and the "
              "contact centre, with waiting time and rework marked at each step.",
              (("accept", "Clear map; waste and delays are identified."),)),
        Piece("Measure and analyse: Pareto chart and run chart of missed-collection reports", date(2026, 2, 27),
              "product", ("M5.33-2.1", "M5.34-1.1"),
              "Twelve weeks of report data: a Pareto chart of causes (bins not presented, access blocked, crew "
              "missed the street, round sheet errors) and a run chart of weekly reports with mean and median.",
              (("accept", "Appropriate measures and charts for the data."),)),
        Piece("Minutes of the kaizen workshop with crew supervisors", date(2026, 4, 17), "product", ("M5.34-1.2",),
              "Minutes of the half-day workshop that chose the improvement: in-cab round sheets updated daily and "
              "a photograph when a bin is not presented.",
              (("accept", "Shows the improvement was agreed with the team."),)),
        Piece("Improvement implemented: in-cab round sheets and photographs", date(2026, 6, 26), "product",
              ("M5.34-1.2",),
              "Implementation note and before-and-after figures: repeat reports down from 210 to 118 a month "
              "over eight weeks.",
              (("accept", "Improvement implemented and its effect measured."),)),
        Piece("Control plan and weekly control chart", date(2026, 8, 14), "product", ("M5.34-1.3",),
              "Control plan with owners for each measure, and the weekly control chart the depot manager now "
              "reviews at the Monday meeting.",
              (("accept", "Controls are in place and owned."),)),
        Piece("Improvement project report: reducing repeat missed-collection reports", date(2026, 9, 25), "project",
              ("M5.34-2.1",),
              "Written report (2,850 words) defining, measuring and analysing the problem, explaining and justifying "
              "the improvement and how it is controlled.",
              (("accept", "The report covers every heading; see the mark sheet for the marks."),)),
        Piece("Presentation of the project to the waste services management team", date(2026, 10, 2),
              "presentation", ("M5.34-2.1",),
              "Twenty-minute presentation with slides and speaker notes, followed by questions from the management "
              "team.",
              (("accept", "Well-structured presentation; notes and slides kept for quality assurance."),), hours=0.5),
    ])
    records.record_grade(assessor, "mark-sheet", {
        "role": "assessor", "sections": {"define": 6, "apply": 21, "report": 31},
        "by": "Anne Fletcher", "on": "2026-10-16", "note": MARK_NOTE,
    })
    records.record_grade(PortfolioService(path, actor="iqa.patel"), "mark-sheet", {
        "role": "qa", "sections": {"define": 6, "apply": 20, "report": 30},
        "by": "Ravi Patel", "on": "2026-11-06",
        "note": "IQA check: apply moderated from 21 to 20 and report from 31 to 30. Section referral confirmed.",
    })

    activities = [
        Activity(date(2025, 9, 8), 2, "induction", "Induction: the qualification, the project and the "
                 "3-year completion rule"),
        *[Activity(day, 6, "teaching", topic) for day, topic in [
            (date(2025, 9, 22), "Workshop: principles of lean, DMAIC, six sigma and kaizen"),
            (date(2025, 10, 20), "Workshop: project proposals, charters and stakeholders"),
            (date(2025, 11, 17), "Workshop: measuring service problems; mean, median and mode"),
            (date(2026, 1, 12), "Workshop: histograms, Pareto diagrams, run and control charts"),
            (date(2026, 3, 16), "Workshop: implementing and controlling improvements"),
        ]],
        *[Activity(day, 1, "learning-support", "Tutorial with Anne Fletcher") for day in
          (date(2025, 12, 4), date(2026, 3, 5), date(2026, 6, 4), date(2026, 9, 3))],
        *[Activity(day, 4, "self-study", "Project work: data collection and analysis") for day in
          every(date(2026, 1, 20), date(2026, 9, 22), 28)],
    ]
    log_activities(svc, activities)
    for day, actions in [
        (date(2025, 12, 4), "Finish the stakeholder analysis; start collecting twelve weeks of report data."),
        (date(2026, 3, 5), "Run the kaizen workshop in April."),
        (date(2026, 6, 4), "Write the control plan; book the presentation for early October."),
        (date(2026, 9, 3), "Submit the report by 25 September."),
    ]:
        review(svc, day, HELEN, activities, actions, "Tutorial review of the improvement project.")
    return path


# --- ILM Level 5 Certificate in Service Improvement (2012): an early learner ------------------------------

MICHAEL = ("Michael O'Brien", "Karen Whitfield", "Anne Fletcher")


def ilm_2012_new(folder: Path) -> Path:
    """The 2012 standard file holds no criteria (its source does not give them), so evidence is not tagged."""
    path = folder / "ilm-2012-new.json"
    learner, manager, tutor = MICHAEL
    svc = PortfolioService.create(
        path, learner=learner, standard="ilm-l5-si-2012", start=date(2026, 9, 14), end=date(2027, 9, 10),
        employer="Pennine Vale Housing Association, Voids and Lettings", line_manager=manager, tutor=tutor,
        review_cadence="3-months", actor=SAMPLE_ACTOR,
    )
    add_evidence(svc, svc, [
        Piece("Reflective account: what I took from the lean principles workshop", date(2026, 9, 25),
              "reflective-account", (),
              "Which lean ideas fit a housing voids team (waste as waiting time between trades, pull rather than "
              "push) and which do not, with two examples from last month's empty homes."),
        Piece("Draft project proposal: reducing void property turnaround time", date(2026, 10, 16), "product", (),
              "First draft of the project proposal: average 38 days from keys returned to a new tenancy against a "
              "target of 28, the lost rent this costs, and the scope for the improvement project."),
        Piece("Current-state process map: from keys returned to a new letting", date(2026, 11, 13), "product", (),
              "Process map drawn with the voids surveyor and the lettings officer, showing the hand-offs and the "
              "days lost waiting for the gas and electrical checks."),
    ])
    log_activities(svc, [
        Activity(date(2026, 9, 14), 2, "induction", "Induction: the qualification, ILM registration and "
                 "the 3-year completion rule"),
        Activity(date(2026, 9, 21), 6, "teaching", "Workshop: principles of lean, DMAIC, six sigma and kaizen"),
        Activity(date(2026, 10, 12), 1.5, "learning-support", "Tutorial with Anne Fletcher: choosing a project"),
        Activity(date(2026, 10, 19), 6, "teaching", "Workshop: project proposals, charters and stakeholders"),
        Activity(date(2026, 11, 9), 1.5, "learning-support", "Tutorial with Anne Fletcher: proposal feedback"),
        Activity(date(2026, 11, 16), 3, "self-study", "Process mapping the voids process"),
    ])
    return path


# --- OCR Customer Service: evidence from real work --------------------------------------------------------

AISHA = ("Aisha Begum", "Steve Dunn", "Paul Greenwood")


def ocr_cs_learner(folder: Path) -> Path:
    """The OCR file holds no criteria (its source is a report to centres), so evidence is not tagged."""
    path = folder / "ocr-cs-learner.json"
    learner, manager, tutor = AISHA
    svc = PortfolioService.create(
        path, learner=learner, standard="ocr-cs", start=date(2026, 3, 2), end=date(2027, 3, 1),
        employer="Kirkby Vale District Council, Customer Contact Centre", line_manager=manager, tutor=tutor,
        review_cadence="3-months", actor=SAMPLE_ACTOR,
    )
    assessor = PortfolioService(path, actor="assessor.greenwood")
    add_evidence(svc, assessor, [
        Piece("Observation: incoming calls about council tax and bulky waste", date(2026, 4, 15), "observation", (),
              "Paul Greenwood observed six incoming calls at my desk in the contact centre (Level 2 Diploma units 6 "
              "and 8): greeting, identifying the caller's need, checking details and closing the call.",
              (("accept", "Real work, observed live; covers verbal communication and incoming calls holistically."),),
              hours=1.5),
        Piece("Witness testimony: an angry caller about a missed collection", date(2026, 5, 20), "witness-testimony",
              (),
              "Testimony from Steve Dunn, team leader, who listened in when a caller was shouting about a third "
              "missed collection: I stayed calm, apologised, booked the return collection and logged a complaint.",
              (("accept", "A reliable witness account of real work."),)),
        Piece("Email to a resident explaining the single person discount", date(2026, 6, 24), "product", (),
              "Reply to a resident's email setting out who qualifies for the 25% single person discount and how "
              "to apply online.",
              (("accept", "Accurate and easy to follow."),)),
        Piece("Observation: promoting the garden waste subscription", date(2026, 8, 12), "observation", (),
              "Observed calls where I offered the garden waste subscription to residents calling about bin "
              "collections, explaining the charge and the collection days without pressure (unit 10).",
              (("accept", "Offers made at the right moment and in plain terms."),), hours=1.0),
        Piece("Reflective account: customer retention in a council contact centre", date(2026, 9, 30),
              "reflective-account", (),
              "What 'retention' means when residents cannot choose another council: keeping their trust, getting "
              "it right first time and using the self-service options they prefer."),
        Piece("Professional discussion record: dealing with incoming telephone calls", date(2026, 11, 11),
              "professional-discussion", (),
              "Recorded discussion with Paul Greenwood on call handling procedures, transferring calls and taking "
              "messages."),
    ])
    activities = [
        Activity(day, 3, "teaching", topic) for day, topic in [
            (date(2026, 3, 16), "Classroom session: communicate verbally with customers"),
            (date(2026, 4, 27), "Classroom session: dealing with incoming telephone calls"),
            (date(2026, 6, 8), "Classroom session: understand customers and customer retention"),
            (date(2026, 7, 20), "Classroom session: promoting additional products and services"),
            (date(2026, 9, 14), "Classroom session: handling complaints"),
            (date(2026, 10, 26), "Classroom session: written communication with customers"),
        ]
    ]
    reviews = [date(2026, 5, 28), date(2026, 8, 27)]
    log_activities(svc, activities)
    for day, actions in [
        (reviews[0], "Upload the witness testimony. Plan an observation of promoting services."),
        (reviews[1], "Write the reflective account on customer retention. Book a professional discussion."),
    ]:
        review(svc, day, AISHA, activities, actions, "Evidence is from real work, as the competence units require.")
    return path


BUILDERS: tuple[Callable[[Path], Path], ...] = (
    odo_nearly_ready, odo_gaps_overdue, csp_midway, ilm_referred, ilm_2012_new, ocr_cs_learner,
)


def build(out: Path) -> list[Path]:
    """Make every sample in a scratch folder beside ``out``, then replace the old ``*.json`` in ``out``.

    The store writes portfolios owner-only; samples are shipped as package data, so they are made readable.
    """
    out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".samples-", dir=out))
    try:
        made = [builder(scratch) for builder in BUILDERS]
        for old in out.glob("*.json"):
            old.unlink()
        for lock in out.glob(".*.json.lock"):
            lock.unlink()
        placed = []
        for path in made:
            target = out / path.name
            os.replace(path, target)
            target.chmod(0o644)
            placed.append(target)
        return placed
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write the samples to (default: here)")
    args = parser.parse_args(argv)
    shipped = {item.standard.id for item in catalog.installed()[0] if item.origin == "shipped"}
    paths = build(args.out)
    covered = set()
    for path in paths:
        checked = readiness.check_portfolio(path, REFERENCE)
        report = checked.report
        if report is None:
            raise SystemExit(f"{path}: {checked.error}")
        covered.add(report.standard_id)
        cov = report.coverage
        print(f"{path.name}: {report.standard_id}, {report.rag}, {cov.full}/{cov.total} full, "
              f"{cov.partial} partial, {cov.none} none; {report.prediction.grade}")
    missing = shipped - covered
    if missing:
        raise SystemExit(f"no sample for {', '.join(sorted(missing))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
