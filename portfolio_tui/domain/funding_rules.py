"""England's apprenticeship funding rules as data: each rule with the dates it applies to and where it is written.

Every red or green the gateway shows for off-the-job hours, minimum duration, progress reviews, English and
maths, the last day of learning, breaks and stand-alone qualifications follows one entry of :data:`RULES`,
and the report names it (``rule``) and its source (``source``), so a tutor can check the app against the
published text. ``docs/RULES.md`` is generated from this table (``python -m portfolio_tui.domain.funding_rules``)
and a test keeps the two the same.

A rule applies by the learner's **start date** (``applies_by="start"``): the funding rules for a year apply
to apprenticeships starting in it, "unless stated otherwise". A rule that says it applies to everyone from
a date (English and maths from 11 Feb 2025) applies by the **date of the check** (``applies_by="as-of"``).
``starts_from`` is the first day and ``starts_to`` the last day (inclusive) it covers; ``None`` is open.

The wording of each rule was checked against what the source says (see each ``Source``); where the app
makes a choice the rule leaves open, ``note`` says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from portfolio_tui.domain.frozen import field, frozen

TYPE_CHECKING = False  # (typing costs the gateway's start-up)
if TYPE_CHECKING:
    from typing import Any

REFORM_2022 = date(2022, 8, 1)
REFORM_2025 = date(2025, 8, 1)
ENGLISH_MATHS_CHANGE = date(2025, 2, 11)

RULES_2022_23 = "Apprenticeship funding rules for training providers, August 2022 to July 2023 (ESFA)"
RULES_2023_24 = "Apprenticeship funding rules, August 2023 to July 2024 (ESFA)"
RULES_2024_25 = "Apprenticeship funding rules, August 2024 to July 2025, updated February 2025 (ESFA)"
RULES_2025_26 = "Apprenticeship funding rules, August 2025 to July 2026 (DfE)"


@frozen
class Source:
    document: str
    paragraph: str
    url: str = ""

    def cite(self) -> str:
        return f"{self.document}, {self.paragraph}" + (f" <{self.url}>" if self.url else "")


@frozen
class Rule:
    id: str
    topic: str
    title: str
    text: str
    source: Source
    starts_from: date | None = None
    starts_to: date | None = None
    applies_by: str = "start"
    params: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    def applies(self, start: date, as_of: date) -> bool:
        day = start if self.applies_by == "start" else as_of
        return (self.starts_from is None or self.starts_from <= day) and (
            self.starts_to is None or day <= self.starts_to
        )

    @property
    def dates(self) -> str:
        who = "starts" if self.applies_by == "start" else "everyone, checked"
        if self.starts_from and self.starts_to:
            return f"{who} {self.starts_from.isoformat()} to {self.starts_to.isoformat()}"
        if self.starts_from:
            return f"{who} from {self.starts_from.isoformat()}"
        if self.starts_to:
            return f"{who} up to {self.starts_to.isoformat()}"
        return "all dates"


RULES: tuple[Rule, ...] = (
    # --- off-the-job training hours -------------------------------------------------------------------------
    Rule(
        "otj-20-percent",
        "off-the-job",
        "Off-the-job hours: 20% of contracted hours",
        "At least 20% of the apprentice's contracted employment hours across the practical period, statutory "
        "annual leave (5.6 weeks a year) excluded.",
        Source(
            "Apprenticeship funding and performance-management rules for training providers, May 2017 to March "
            "2018, version 2, 'The 20 per cent minimum off-the-job rule', as quoted with the SFA's definition of "
            "'their time' (contracted employment hours) by FE Week",
            "'The 20 per cent minimum off-the-job rule'",
            "https://feweek.co.uk/making-sense-of-the-20-off-the-job-apprenticeship-funding-rule/",
        ),
        starts_to=date(2022, 7, 31),
        params={"share": 0.2, "weekly_cap": None, "leave_weeks_per_year": 5.6},
    ),
    Rule(
        "otj-6-hours",
        "off-the-job",
        "Off-the-job hours: 20% of contracted hours capped at 30 a week (6 hours)",
        "A minimum of 6 hours a week for a full-time apprentice (30 or more contracted hours), pro rata for "
        "fewer hours (20% of them), over the practical period less statutory leave: only statutory leave is "
        "deducted.",
        Source(
            f"{RULES_2022_23}; {RULES_2023_24}",
            "off-the-job training (2022/23: 6 hours a week replaces 20%, full time is 30 hours or more, part time "
            "pro rata; 2023/24 para 69: 'Only statutory leave is deducted as part of the off-the-job calculation')",
            "https://www.tribalgroup.com/blog/apprenticeships-off-the-job-training-new-funding-rules",
        ),
        starts_from=REFORM_2022,
        starts_to=date(2025, 7, 31),
        params={"share": 0.2, "weekly_cap": 30.0, "leave_weeks_per_year": 5.6},
    ),
    Rule(
        "otj-standard-minimum",
        "off-the-job",
        "Off-the-job hours: the minimum published for the standard's version",
        "The off-the-job minimum published for each standard (Skills England's minimumHoursForCompliance), "
        "reduced only by recognised prior learning, and never below 187 hours.",
        Source(
            RULES_2025_26,
            "off-the-job training and recognition of prior learning ('minimum ... 8 months or 187 off-the-job "
            "hours'; 'If an apprentice has no prior learning, they must receive the full published OTJ training "
            "hours for that standard'), as summarised by City & Guilds, 16 May 2025",
            "https://www.cityandguilds.com/news/may-2025/2025-26-apprenticeship-funding-rules",
        ),
        starts_from=REFORM_2025,
        params={"floor_hours": 187.0},
        note="Version 2 of the 2025/26 rules revised the minimum of 73 standards for starts from August to "
        "December 2025 (Annex C); the standard file's otj_minimum_hours must hold the figure for the start. "
        "Recorded prior learning comes off only once the employer has confirmed it by the line manager's own "
        "account (`portfolio learner confirm FILE prior-learning`); until then the full minimum stands.",
    ),
    # --- minimum duration ------------------------------------------------------------------------------------
    Rule(
        "duration-12-months",
        "minimum-duration",
        "Minimum duration: 12 months (372 days), extended for fewer than 30 hours a week",
        "The practical period lasts at least 12 months (372 days). Where the apprentice works fewer than 30 "
        "hours a week the minimum is extended: 12 x 30 / average weekly hours = new minimum in months.",
        Source(
            f"{RULES_2022_23}; {RULES_2023_24}",
            "2022/23 P35.3 and P36.1.1; 2023/24 paras 65.3 and 67.1 ('12 x 30 / average weekly hours = new "
            "minimum duration (months)')",
            "https://customerhelp.education.gov.uk/hc/en-gb/community/posts/360010268939-Minimum-duration-formula",
        ),
        starts_to=date(2025, 7, 31),
        params={"days": 372, "months": 12, "full_time_hours": 30.0},
    ),
    Rule(
        "duration-8-months",
        "minimum-duration",
        "Minimum duration: 8 months",
        "The practical period lasts at least 8 months; part-time hours no longer extend it.",
        Source(
            RULES_2025_26,
            "minimum duration ('From 1 August 2025, the new minimum duration will be 8 months'; no automatic "
            "extension for part-time or zero-hours contracts)",
            "https://skillsandbusinesshub.org/resources/apprenticeship-funding-rules-for-2025-26",
        ),
        starts_from=REFORM_2025,
        params={"months": 8},
    ),
    Rule(
        "duration-standard-minimum",
        "minimum-duration",
        "Minimum duration stated by the standard itself",
        "Where the standard or its assessment plan states a minimum duration, the later of it and the funding "
        "rule's minimum counts.",
        Source("the standard's own source file (plan.duration.minimum_months)", "as each standard file cites it"),
        note="Only where the source states a minimum: CSP's briefing says 'Minimum of twelve months'; ODO's plan "
        "states a typical 12 to 18 months and no minimum.",
    ),
    # --- progress reviews ------------------------------------------------------------------------------------
    Rule(
        "reviews-12-weeks",
        "reviews",
        "Progress reviews: at least every 12 weeks",
        "A three-way progress review (provider, employer, apprentice) against the training plan at least "
        "every 12 weeks.",
        Source(
            RULES_2022_23,
            "P59 ('A progress review ... must be carried out at least every 12 weeks')",
            "https://www.gov.uk/guidance/apprenticeship-funding-rules-for-training-providers/progress-reviews",
        ),
        starts_to=date(2025, 7, 31),
        params={"cadence": "12-weeks"},
        note="P59 is 'new for 1 August 2022'; the app applies the same 12 weeks to earlier starts, whose rules "
        "set no interval.",
    ),
    Rule(
        "reviews-3-calendar-months",
        "reviews",
        "Progress reviews: at least every 3 calendar months",
        "A progress review at least every 3 calendar months: after a review on 1 August 2025 the next is due "
        "on or before 30 November 2025 (the end of the third calendar month after the review's month).",
        Source(
            RULES_2025_26,
            "para 92 (with its example: a review on 1 August 2025 needs the next on or before 30 November 2025)",
            "https://customerhelp.education.gov.uk/hc/en-gb/community/posts/27228014966034-Progress-Review-Frequency",
        ),
        starts_from=REFORM_2025,
        params={"cadence": "3-months"},
    ),
    Rule(
        "reviews-agreed-frequency",
        "reviews",
        "Progress reviews: an alternative frequency agreed with the employer",
        "Where an evidenced delivery reason (such as module length) makes another frequency more appropriate, "
        "it applies if the employer's agreement is recorded.",
        Source(RULES_2025_26, "para 92.1"),
        params={"cadence": "agreed"},
        note="Used once the employer has confirmed the learner's recorded review cadence by the line manager's own "
        "account (`portfolio learner confirm FILE review-cadence`, or D on the gateway); a name the tutor types is "
        "only noted, and the start date's cadence applies until the confirmation.",
    ),
    # --- English and maths -----------------------------------------------------------------------------------
    Rule(
        "english-maths-required",
        "english-maths",
        "English and maths: required at gateway",
        "Apprentices who were 16 to 18 at the start must achieve English and maths (and before 11 Feb 2025, "
        "all apprentices must) before the gateway.",
        Source(
            f"{RULES_2024_25}; Apprenticeship service help centre, 'Changes to English and maths requirements'",
            "English and maths ('Apprentices who are aged 16 to 18 at the start of their training, will still be "
            "required to achieve English and maths qualifications')",
            "https://help.apprenticeships.education.gov.uk/hc/en-gb/articles/24562861869586-Changes-to-English-and-maths-requirements",
        ),
        params={"max_age": 18},
    ),
    Rule(
        "english-maths-optional-19-plus",
        "english-maths",
        "English and maths: optional for apprentices 19 or over at the start, by employer decision",
        "From 11 Feb 2025, for new and existing apprentices aged 19 or over at the start of their training, "
        "English and maths are not required unless the employer decides they are; the decision is recorded.",
        Source(
            f"{RULES_2024_25}; Apprenticeship service help centre, 'Changes to English and maths requirements'",
            "English and maths ('Effective immediately, all new and existing adult apprentices, who were aged 19 "
            "and over at the start of their apprenticeship training, will no longer be required ...')",
            "https://feweek.co.uk/english-and-maths-apprenticeship-reforms-24-25-rules-updated/",
        ),
        starts_from=ENGLISH_MATHS_CHANGE,
        applies_by="as-of",
        params={"min_age": 19},
        note="Until the employer's decision is recorded and confirmed by the line manager's own account (`portfolio "
        "learner confirm FILE english-maths`, or D on the gateway; a name the tutor types is only noted) the app "
        "keeps English and maths required (providers had to agree the decision and update the training plan). A "
        "standard's entry requirement (CSP's Level 1) is checked at the start, not at the gateway.",
    ),
    # --- the last day of learning and breaks ------------------------------------------------------------------
    Rule(
        "gateway-last-day-of-learning",
        "last-day-of-learning",
        "Gateway: the final day of the practical period, with evidence of learning on it",
        "The gateway is the final day of the practical period (the learning end date); there must be evidence "
        "of learning on that day. It is recorded apart from the gateway sign-off date.",
        Source(
            f"{RULES_2025_26}, glossary",
            "'Final day' (see 'Gateway'): 'there must be evidence of learning on this learning end date'",
            "https://customerhelp.education.gov.uk/hc/en-gb/community/posts/34476514736146-Last-Day-of-learning-vs-Gateway-Date",
        ),
        note="Off-the-job hours are counted up to this day, not to the end-point assessment.",
    ),
    Rule(
        "break-calendar-month",
        "breaks",
        "Breaks in learning: a calendar month with no learning",
        "When no learning takes place in a calendar month a break in learning must be recorded (with the "
        "employer's and apprentice's agreement); the planned end and milestones move with it.",
        Source(
            f"{RULES_2023_24}",
            "breaks in learning (P75.5 as discussed: 'there needs to be at least some planned training every "
            "month, or else there's a requirement for a break')",
            "https://customerhelp.education.gov.uk/hc/en-gb/community/posts/11994339780882-New-Funding-Rules-Break-in-Learning",
        ),
        note="The app flags each whole calendar month with no evidence, off-the-job hours or review and no break "
        "recorded, and prompts to record a break; it cannot tell planned learning from held learning.",
    ),
    # --- stand-alone qualifications --------------------------------------------------------------------------
    Rule(
        "qualification-not-apprenticeship",
        "qualification",
        "Stand-alone qualifications: no off-the-job target, no review cadence",
        "A qualification taken on its own (ILM, OCR) is not an apprenticeship: the funding rules' off-the-job, "
        "duration, review and English and maths items do not apply. Its own limits do: ILM's 'to be "
        "completed within 3 years', guided learning hours, induction and tutorial support.",
        Source("the qualification's own specification (seeds 000, 001, 004)", "duration and support sections"),
    ),
)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


def rule(rule_id: str) -> Rule:
    return BY_ID[rule_id]


def applying(topic: str, start: date, as_of: date, ids: Iterable[str] | None = None) -> Rule:
    """The one rule of ``topic`` (among ``ids``, when given) that applies to this start on this day."""
    wanted = set(ids) if ids is not None else None
    for candidate in RULES:
        if candidate.topic == topic and (wanted is None or candidate.id in wanted) and candidate.applies(start, as_of):
            return candidate
    raise LookupError(f"no {topic} rule applies to a start on {start.isoformat()}")


def markdown() -> str:
    """``docs/RULES.md``: every rule with its dates and source, generated from :data:`RULES`."""
    lines = [
        "# The funding rules the app applies",
        "",
        "Generated from `portfolio_tui/domain/funding_rules.py` by `python -m portfolio_tui.domain.funding_rules`;",
        "a test fails when this file and the rule data differ. `portfolio gateway --json` names, per checklist",
        "item, the `rule` it followed and its `source`.",
        "",
    ]
    topic = None
    for item in RULES:
        if item.topic != topic:
            topic = item.topic
            lines += [f"## {topic}", ""]
        lines += [
            f"### `{item.id}`: {item.title}",
            "",
            f"- Applies to: {item.dates}",
            f"- Rule: {item.text}",
            f"- Source: {item.source.document}; {item.source.paragraph}"
            + (f" ({item.source.url})" if item.source.url else ""),
        ]
        if item.note:
            lines.append(f"- Note: {item.note}")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - the generator of docs/RULES.md
    print(markdown(), end="")
