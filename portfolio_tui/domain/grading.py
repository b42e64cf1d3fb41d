"""Grading rules, one small function per rule kind, and the predicted grade with its reason in words.

Recorded results are ``GradeRecord``s whose ``values`` depend on the rule kind (checked by
:func:`validate_grade_values`; ``by``, ``on`` (ISO date) and ``note`` are accepted by every kind):

* ``mark-sheet`` (ILM project): ``{"role": "assessor" | "qa", "sections": {"define": 6, "apply": 30,
  "report": 20}}``. The assessor's mark and the quality-assurance mark are recorded separately, as on the
  source's sheet; the latest QA mark wins, else the latest assessor mark (provisional until QA).
* ``per-method-thresholds`` (CSP): ``{"method": "observation", "pass_met": 25, "distinction_met": 3}``, one
  record per method; the latest per method wins.
* ``weighted-components`` (ODO): ``{"component": "presentation", "grade": "pass"}``, optionally with the
  component's ``mark`` out of 100; the latest per component wins.
* ``combination-table`` (imported standards, from the assessment plan): ``{"component": "interview", "grade":
  "merit", "met": ["interview-m1"]}``, one record per EPA method after the EPA; the latest per method wins;
  ``met`` optionally lists the method's pass/merit/distinction descriptors the assessor found met.
* ``criterion-assessment`` (ILM) is not recorded as a grade: each criterion is passed or referred by the
  assessor's judgements on the evidence tagged to it.

Overall decisions the sources leave open, decided here:

* A per-method-thresholds rule may carry a ``combination`` table (the same rows as a combination-table rule).
  CSP's file gives none, as its source gives no rule combining the three method grades: a Fail in any method
  fails (every pass criterion in every method is required); otherwise the lowest method grade is shown,
  provisional, and the reason says the standard file has no combination table.
* ODO's plan aggregates the components by weight "to achieve a final mark". The weighted aggregate mark is
  computed out of 100 from each component's recorded ``mark``; where a mark is not recorded its grade stands
  in on the app's own scale (Fail 0, Pass 50, Distinction 100; the plan gives none), and the reason says so.
  The plan says nothing of a failed component failing the whole: that reading is the app's, so a Fail
  predicted from it is provisional and its reason quotes the plan's own words beside it.
* ODO's overall Distinction is cohort-relative (top 10% of aggregated marks), so it cannot be known from one
  portfolio: every component passed predicts "Pass", every component at Distinction predicts "Distinction",
  and both are provisional. Over a caseload folder ``cohort_top`` names the marks in the top 10%.
* Where a standard has several rules (ILM 2011: criteria and mark sheet) the worst result stands.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from math import ceil

from portfolio_tui.domain.coverage import CriterionCoverage, missing
from portfolio_tui.domain.evidence import REFER, Evidence
from portfolio_tui.domain.frozen import field, frozen
from portfolio_tui.domain.portfolio import Portfolio
from portfolio_tui.domain.progress import GradeRecord
from portfolio_tui.domain.standard import GradingRule, Standard

TYPE_CHECKING = False  # (typing costs the gateway's start-up)
if TYPE_CHECKING:
    from typing import Any

PASS = "Pass"
MERIT = "Merit"
DISTINCTION = "Distinction"
FAIL = "Fail"
REFER_GRADE = "Refer"
REFERRAL = "Referral"
NOT_YET = "Not yet gradable"
NO_RULE = "No grading rule"

_SEVERITY = {DISTINCTION: 0, MERIT: 1, PASS: 2, NO_RULE: 3, NOT_YET: 4, REFER_GRADE: 5, REFERRAL: 5, FAIL: 5}
_COMMON_KEYS = ("by", "on", "note")
COMPONENT_GRADES = ("fail", "pass", "distinction")
RECORDED_KINDS = ("mark-sheet", "per-method-thresholds", "weighted-components", "combination-table")
COMPONENT_KINDS = ("weighted-components", "combination-table")
"""Rule kinds recorded as one grade per EPA component or method (``grade record --component C --grade G``)."""
NOT_IMPORTED = "grading rules not imported: add them from the assessment plan"
GRADE_MARKS = {"fail": 0.0, "pass": 50.0, "distinction": 100.0}
"""The app's stand-in mark for a component graded without a mark (the plan gives no marks)."""
AGGREGATION_WORDS = (
    "Each component will be assessed discretely and the results will be aggregated to achieve a final mark, "
    "according to the weightings across the different assessment instruments"
)


@frozen
class Prediction:
    grade: str
    reason: str
    provisional: bool = False
    details: dict[str, Any] = field(default_factory=dict)


def _noun(n: int) -> str:
    return "criterion" if n == 1 else "criteria"


def _criteria(n: int) -> str:
    return f"{n} {_noun(n)}"


def listed(ids: Sequence[str], limit: int = 8) -> str:
    """``a, b, c and 4 more``: the first ``limit`` ids, and how many are left out."""
    shown = ", ".join(ids[:limit])
    return shown if len(ids) <= limit else f"{shown} and {len(ids) - limit} more"


def _not_yet(
    standard: Standard, cov: Mapping[str, CriterionCoverage], what: str, with_coverage: bool = True
) -> Prediction:
    """Nothing recorded for a rule yet: say how far the evidence is from gateway instead of guessing."""
    gaps = missing(standard, dict(cov)) if with_coverage else []
    if gaps:
        return Prediction(NOT_YET, f"{NOT_YET}: {_criteria(len(gaps))} still missing; {what}", True, {"missing": gaps})
    return Prediction(NOT_YET, f"{NOT_YET}: {what}", True)


# --- criterion assessment (ILM) -------------------------------------------------------------------------


def criterion_outcome(cov: CriterionCoverage, evidence: Mapping[int, Evidence]) -> str:
    """``pass`` (accepted evidence), ``refer`` (all its evidence judged, some referred) or ``pending``."""
    if cov.state == "full":
        return "pass"
    pieces = [evidence[i] for i in cov.evidence_ids if i in evidence]
    if pieces and all(p.judgements for p in pieces) and any(p.judgements[-1].outcome == REFER for p in pieces):
        return "refer"
    return "pending"


def criterion_assessment(
    standard: Standard, cov: Mapping[str, CriterionCoverage], evidence: Iterable[Evidence]
) -> Prediction:
    """Every assessment criterion adequately evidenced: Pass; else Refer, naming the criteria."""
    by_id = {e.id: e for e in evidence}
    required = [c.id for c in standard.all_criteria() if c.required_for_gateway]
    if not required:
        return Prediction(NOT_YET, f"{NOT_YET}: the standard file lists no assessment criteria", True)
    outcomes = {cid: criterion_outcome(cov[cid], by_id) for cid in required}
    referred = [cid for cid, o in outcomes.items() if o == "refer"]
    pending = [cid for cid, o in outcomes.items() if o == "pending"]
    details = {"criteria": outcomes}
    if pending:
        reason = f"{NOT_YET}: {len(pending)} of {len(required)} criteria still missing ({listed(pending)})"
        if referred:
            reason += f"; referred: {listed(referred)}"
        return Prediction(NOT_YET, reason, True, details)
    if referred:
        return Prediction(REFER_GRADE, f"{REFER_GRADE}: {listed(referred)} not adequately evidenced", False, details)
    return Prediction(PASS, f"{PASS}: all {len(required)} assessment criteria evidenced", False, details)


# --- mark sheet (ILM project) ---------------------------------------------------------------------------


def mark_sheet(rule: GradingRule, values: Mapping[str, Any]) -> Prediction:
    """PASS = total at least ``pass_total`` AND every section at or above its minimum; no compensation."""
    marks = values.get("sections", {})
    sections = rule.params["sections"]
    unmarked = [s.get("title", s["id"]) for s in sections if s["id"] not in marks]
    if unmarked:
        return Prediction(NOT_YET, f"{NOT_YET}: not marked yet: {'; '.join(unmarked)}", True)
    total = sum(marks[s["id"]] for s in sections)
    available = sum(s["max"] for s in sections)
    low = [s for s in sections if marks[s["id"]] < s["min"]]
    role = values.get("role", "assessor")
    awaiting_qa = role != "qa"
    whose = "assessor's mark, not yet quality-assured" if awaiting_qa else "quality-assurance mark"
    details = {"total": total, "available": available, "role": role, "referred_sections": [s["id"] for s in low]}
    problems = [f"{s.get('title', s['id'])} ({marks[s['id']]} of {s['max']}, minimum {s['min']})" for s in low]
    if total < rule.params["pass_total"]:
        problems.append(f"total {total} of {available}, below {rule.params['pass_total']}")
    if problems:
        return Prediction(REFERRAL, f"{REFERRAL}: {'; '.join(problems)} ({whose})", awaiting_qa, details)
    return Prediction(
        PASS, f"{PASS}: {total} of {available}, every section at or above its minimum ({whose})", awaiting_qa, details
    )


# --- per-method thresholds (CSP) ------------------------------------------------------------------------


def method_grade(method: Mapping[str, Any], pass_met: int, distinction_met: int) -> tuple[str, str]:
    """One method's grade and what it lacks, in words: all pass criteria to pass, and enough distinction ones."""
    if pass_met < method["pass_criteria"]:
        short = method["pass_criteria"] - pass_met
        return FAIL, f"{short} pass {_noun(short)} not met ({pass_met} of {method['pass_criteria']})"
    if distinction_met >= method["distinction_needed"]:
        return DISTINCTION, f"{distinction_met} of {method['distinction_criteria']} distinction criteria"
    short = method["distinction_needed"] - distinction_met
    return PASS, f"needs {short} more distinction {_noun(short)} for Distinction"


def per_method_thresholds(
    standard: Standard,
    rule: GradingRule,
    results: Mapping[str, Mapping[str, Any]],
    cov: Mapping[str, CriterionCoverage],
) -> Prediction:
    """Every pass criterion in each method; Distinction in a method needs its threshold of distinction criteria."""
    grades: dict[str, str] = {}
    notes: dict[str, str] = {}
    titles = {}
    for method in rule.params["methods"]:
        cid = method["component"]
        component = standard.plan.component(cid)
        titles[cid] = component.title if component else cid
        if cid in results:
            r = results[cid]
            grades[cid], notes[cid] = method_grade(method, r.get("pass_met", 0), r.get("distinction_met", 0))
    details = {"methods": {cid: {"grade": g, "detail": notes[cid]} for cid, g in grades.items()}}
    failed = [cid for cid, g in grades.items() if g == FAIL]
    if failed:
        words = "; ".join(f"{titles[c]}: {notes[c]}" for c in failed)
        return Prediction(FAIL, f"{FAIL}: {words}", False, details)
    if not grades:
        return _not_yet(standard, cov, "no method results recorded yet")
    pending = [titles[c] for c in titles if c not in grades]
    so_far = "; ".join(f"{titles[c]}: {g}" for c, g in grades.items())
    if pending:
        return Prediction(NOT_YET, f"{NOT_YET}: no result yet for {', '.join(pending)} ({so_far})", True, details)
    table = rule.params.get("combination")
    if isinstance(table, dict):
        return _combined(table.get("methods", list(grades)), table.get("rows", []), grades, titles, details)
    overall = PASS if PASS in grades.values() else DISTINCTION
    short = "; ".join(f"{titles[c]} {notes[c]}" for c, g in grades.items() if g == PASS)
    reason = f"{overall}: {short}" if short else f"{overall}: every method at Distinction"
    reason += (
        f" (provisional: {standard.id}'s file gives no table combining the method grades, so the lowest is shown)"
    )
    return Prediction(overall, reason, True, details)


# --- combination table (the usual assessment-plan shape: "Pass + Distinction = Merit") -------------------


def _combined(
    methods: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    grades: Mapping[str, str],
    titles: Mapping[str, str],
    details: dict[str, Any],
) -> Prediction:
    """The overall grade the table gives for every method's grade (as words: ``Pass``, ``Merit``...)."""
    lowered = tuple(grades[m].lower() for m in methods)
    overall = next((str(r["overall"]) for r in rows if tuple(r["grades"]) == lowered), None)
    words = " + ".join(f"{titles[m]} {grades[m].capitalize()}" for m in methods)
    if overall is None:
        return Prediction(NOT_YET, f"{NOT_YET}: the combination table has no row for {words}", True, details)
    return Prediction(overall.capitalize(), f"{overall.capitalize()}: {words} (combination table)", False, details)


def combination_table(
    standard: Standard,
    rule: GradingRule,
    results: Mapping[str, Mapping[str, Any]],
    cov: Mapping[str, CriterionCoverage],
) -> Prediction:
    """Each EPA method's recorded grade, combined by the plan's table; a Fail in any method fails overall."""
    methods = list(rule.params["methods"])
    titles, grades, methods_detail = {}, {}, {}
    for cid in methods:
        component = standard.plan.component(cid)
        titles[cid] = component.title if component else cid
        recorded = results.get(cid)
        if recorded is None:
            continue
        grade = str(recorded.get("grade", "")).lower()
        grades[cid] = grade.capitalize()
        methods_detail[cid] = {"grade": grades[cid], **descriptors_met(component, recorded.get("met", ()))}
    details: dict[str, Any] = {"methods": methods_detail}
    failed = [titles[c] for c, g in grades.items() if g == FAIL]
    if failed:
        return Prediction(FAIL, f"{FAIL}: {', '.join(failed)} failed", False, details)
    if not grades:
        return _not_yet(standard, cov, "no EPA method results recorded yet")
    pending = [titles[c] for c in methods if c not in grades]
    if pending:
        so_far = "; ".join(f"{titles[c]}: {g}" for c, g in grades.items())
        return Prediction(NOT_YET, f"{NOT_YET}: no result yet for {', '.join(pending)} ({so_far})", True, details)
    return _combined(methods, rule.params["rows"], grades, titles, details)


def descriptors_met(component: Any, met: Iterable[str]) -> dict[str, Any]:
    """How many of a method's descriptors of each grade were recorded as met, for the prediction's detail."""
    if component is None or not component.descriptors:
        return {}
    met_ids = set(met)
    counts = {}
    for grade in ("pass", "merit", "distinction"):
        ids = [d.id for d in component.descriptors if d.grade == grade]
        if ids:
            counts[grade] = {"met": sum(i in met_ids for i in ids), "of": len(ids)}
    return {"descriptors": counts}


# --- weighted components (ODO) --------------------------------------------------------------------------


def weighted_components(
    standard: Standard,
    rule: GradingRule,
    results: Mapping[str, Mapping[str, Any]],
    cov: Mapping[str, CriterionCoverage],
) -> Prediction:
    """Each component Fail/Pass/Distinction, aggregated by weight to a mark; Distinction is cohort-relative."""
    titles, weights, grades, marks = {}, {}, {}, {}
    for item in rule.params["components"]:
        cid = item["component"]
        component = standard.plan.component(cid)
        titles[cid], weights[cid] = (component.title if component else cid), item["weight"]
        result = results.get(cid, {})
        grade = str(result.get("grade", "")).lower()
        if grade in COMPONENT_GRADES:
            grades[cid] = grade
            mark = result.get("mark")
            marks[cid] = float(mark) if isinstance(mark, (int, float)) else GRADE_MARKS[grade]
    details: dict[str, Any] = {
        "components": {cid: {"grade": g, "weight": weights[cid], "mark": marks[cid]} for cid, g in grades.items()}
    }
    if not grades:
        return _not_yet(standard, cov, "no component results recorded yet")
    pending = [titles[c] for c in titles if c not in grades]
    so_far = "; ".join(f"{titles[c]}: {g.capitalize()}" for c, g in grades.items())
    failed = [titles[c] for c, g in grades.items() if g == "fail"]
    if pending and not failed:
        return Prediction(NOT_YET, f"{NOT_YET}: no result yet for {', '.join(pending)} ({so_far})", True, details)
    aggregate = sum(weights[c] * marks[c] for c in grades) / sum(weights[c] for c in grades)
    stood_in = [titles[c] for c in grades if not isinstance(results.get(c, {}).get("mark"), (int, float))]
    mark_words = f"weighted aggregate mark {aggregate:.1f} of 100"
    if stood_in:
        mark_words += " (grades as marks on the app's scale, Fail 0, Pass 50, Distinction 100, for " + (
            f"{', '.join(stood_in)})"
        )
    if not pending:
        details["aggregate"] = round(aggregate, 2)
    if failed:
        return Prediction(
            FAIL,
            f"{FAIL} (provisional): {', '.join(failed)} failed; that any failed component fails the whole is the "
            f"app's interpretation, the plan says: '{AGGREGATION_WORDS}'; {mark_words}",
            True,
            details,
        )
    distinction_weight = sum(weights[c] for c, g in grades.items() if g == "distinction")
    details["distinction_weight"] = distinction_weight
    top = rule.params.get("distinction_top_percent", 10)
    details["distinction_top_percent"] = top
    cohort = f"an overall Distinction needs an aggregated score in the top {top:g}% of the cohort"
    if distinction_weight == sum(weights.values()):
        return Prediction(
            DISTINCTION,
            f"{DISTINCTION} (provisional): every component at Distinction; {mark_words}; {cohort}",
            True,
            details,
        )
    return Prediction(
        PASS,
        f"{PASS} (provisional): every component passed, {distinction_weight:g}% of the weight at Distinction; "
        f"{mark_words}; {cohort}",
        True,
        details,
    )


def aggregate_mark(details: Mapping[str, Any]) -> tuple[float | None, float]:
    """A prediction's weighted aggregate mark (None unless every weighted component is graded) and the
    Distinction's top percent, from its details (one rule's, or each of several rules')."""
    for rule in details.get("rules", [details]):
        if "aggregate" in rule:
            return float(rule["aggregate"]), float(rule.get("distinction_top_percent", 10))
    return None, 10.0


def cohort_top(marks: Mapping[str, float], top_percent: float) -> set[str]:
    """The learners whose aggregate mark is in the top ``top_percent`` of a cohort's marks.

    The top share is ``ceil(n x top_percent / 100)`` learners (at least one); everyone tied with the last
    of them is in too, since the plan ranks marks, not people.
    """
    if not marks:
        return set()
    cut = cohort_cut(sorted(marks.values()), top_percent)
    return {name for name, mark in marks.items() if mark >= cut}


def cohort_cut(ascending: Sequence[float], top_percent: float) -> float:
    """The lowest mark in the top ``top_percent`` of a cohort's marks (``ascending``, at least one): a mark at
    or above it is in the top (:func:`cohort_top`). Given the marks sorted, a caseload's standing is worked out
    once per standard, not once per learner (which made it quadratic in the caseload)."""
    count = max(1, ceil(len(ascending) * top_percent / 100))
    return ascending[-min(count, len(ascending))]


# --- the prediction -------------------------------------------------------------------------------------


def latest_results(records: Iterable[GradeRecord], kind: str, key: str) -> dict[str, Mapping[str, Any]]:
    """The latest record of a kind for each value of ``key`` (method or component)."""
    out: dict[str, Mapping[str, Any]] = {}
    for record in sorted((r for r in records if r.kind == kind), key=lambda r: r.id):
        if isinstance(record.values.get(key), str):
            out[record.values[key]] = record.values
    return out


def latest_mark_sheet(records: Iterable[GradeRecord]) -> Mapping[str, Any] | None:
    """The latest quality-assurance mark, else the latest assessor mark."""
    sheets = sorted((r for r in records if r.kind == "mark-sheet"), key=lambda r: r.id)
    qa = [r for r in sheets if r.values.get("role") == "qa"]
    chosen = (qa or sheets)[-1:]
    return chosen[0].values if chosen else None


def rule_prediction(
    standard: Standard,
    rule: GradingRule,
    portfolio: Portfolio,
    cov: Mapping[str, CriterionCoverage],
    with_coverage: bool = True,
) -> Prediction:
    """One rule's result; ``with_coverage=False`` leaves missing criteria to a criterion-assessment rule beside it."""
    if rule.kind == "criterion-assessment":
        return criterion_assessment(standard, cov, portfolio.live_evidence)
    if rule.kind == "mark-sheet":
        values = latest_mark_sheet(portfolio.grades)
        if values is None:
            return _not_yet(standard, cov, "no project mark sheet recorded yet", with_coverage)
        return mark_sheet(rule, values)
    if rule.kind == "per-method-thresholds":
        return per_method_thresholds(standard, rule, latest_results(portfolio.grades, rule.kind, "method"), cov)
    if rule.kind == "weighted-components":
        return weighted_components(standard, rule, latest_results(portfolio.grades, rule.kind, "component"), cov)
    if rule.kind == "combination-table":
        return combination_table(standard, rule, latest_results(portfolio.grades, rule.kind, "component"), cov)
    note = str(rule.params.get("note", "")).split(". ")[0].rstrip(".")
    return Prediction(NO_RULE, note or "The standard gives no grading rule", True)


def _clause(p: Prediction) -> str:
    """A rule's reason without its leading grade, to join several rules under one overall grade."""
    for prefix in (f"{p.grade}: ", f"{p.grade} (provisional): "):
        if p.reason.startswith(prefix):
            return p.reason[len(prefix) :]
    return p.reason


def predict(standard: Standard, portfolio: Portfolio, cov: Mapping[str, CriterionCoverage]) -> Prediction:
    """The predicted grade: each rule's result, the worst standing when a standard has several."""
    rules = standard.plan.grading
    assessed = any(r.kind == "criterion-assessment" for r in rules)
    results = [(r.kind, rule_prediction(standard, r, portfolio, cov, not assessed)) for r in rules]
    if not results:
        return Prediction(NO_RULE, "The standard gives no grading rule", True)
    if len(results) == 1:
        return results[0][1]
    worst = max(_SEVERITY[p.grade] for _, p in results)
    grade = next(p.grade for _, p in results if _SEVERITY[p.grade] == worst)
    return Prediction(
        grade,
        f"{grade}: " + "; ".join(_clause(p) for _, p in results),
        any(p.provisional for _, p in results),
        {"rules": [{"kind": kind, "grade": p.grade, "reason": p.reason, **p.details} for kind, p in results]},
    )


# --- validating what `grade record` is given ------------------------------------------------------------


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _count(problems: list[str], field_name: str, value: Any, maximum: int) -> None:
    if value is None:
        problems.append(f"{field_name}: required")
    elif not _whole(value):
        problems.append(f"{field_name}: must be a whole number, got {value!r}")
    elif value < 0:
        problems.append(f"{field_name}: must not be negative, got {value}")
    elif value > maximum:
        problems.append(f"{field_name}: {value} is more than the {maximum} available")


def component_kind(standard: Standard) -> str | None:
    """The standard's rule kind recorded per component or method, when ``grade record`` is not told."""
    return next((r.kind for r in standard.plan.grading if r.kind in COMPONENT_KINDS), None)


def validate_grade_values(standard: Standard, kind: str, values: Any) -> list[str]:
    """Every problem with a grade record's values for this standard, one line each naming the field."""
    rules = {r.kind: r for r in standard.plan.grading}
    if kind == "criterion-assessment" and kind in rules:
        return ["kind: criterion assessment is recorded by judging the evidence for each criterion, not as a grade"]
    if kind not in rules or kind not in RECORDED_KINDS:
        usable = [k for k in rules if k in RECORDED_KINDS]
        offer = f"it records: {', '.join(usable)}" if usable else "it has no rule that records results"
        return [f"kind: {standard.id} has no '{kind}' rule ({offer})"]
    if not isinstance(values, Mapping):
        return ["values: must be an object"]
    rule = rules[kind]
    problems: list[str] = []
    allowed: tuple[str, ...]
    if kind == "mark-sheet":
        allowed = ("role", "sections", *_COMMON_KEYS)
        if values.get("role", "assessor") not in ("assessor", "qa"):
            problems.append(f"role: must be assessor or qa, got {values.get('role')!r}")
        sections = values.get("sections")
        if not isinstance(sections, Mapping):
            problems.append("sections: required, one mark per section")
        else:
            known = {s["id"]: s for s in rule.params["sections"]}
            problems += [
                f"sections.{k}: unknown section (expected {', '.join(known)})" for k in sections if k not in known
            ]
            for sid, section in known.items():
                _count(problems, f"sections.{sid}", sections.get(sid), section["max"])
    elif kind == "per-method-thresholds":
        allowed = ("method", "pass_met", "distinction_met", *_COMMON_KEYS)
        methods = {m["component"]: m for m in rule.params["methods"]}
        method = methods.get(values.get("method"))
        if method is None:
            problems.append(f"method: unknown method {values.get('method')!r} (expected {', '.join(methods)})")
        else:
            _count(problems, "pass_met", values.get("pass_met"), method["pass_criteria"])
            _count(problems, "distinction_met", values.get("distinction_met", 0), method["distinction_criteria"])
    else:
        table = kind == "combination-table"
        allowed = ("component", "grade", *(("met",) if table else ("mark",)), *_COMMON_KEYS)
        named = list(rule.params["methods"]) if table else [c["component"] for c in rule.params["components"]]
        mark = values.get("mark")
        if mark is not None and (isinstance(mark, bool) or not isinstance(mark, (int, float)) or not 0 <= mark <= 100):
            problems.append(f"mark: must be a number from 0 to 100, got {mark!r}")
        cid = values.get("component")
        if not isinstance(cid, str) or cid not in named:
            problems.append(f"component: unknown component {cid!r} (expected {', '.join(named)})")
        else:
            component = standard.plan.component(cid)
            default = ("fail", "pass", "merit", "distinction") if table else COMPONENT_GRADES
            grades = tuple(g for g in (component.grades if component else ()) if g != "refer") or default
            if values.get("grade") not in grades:
                problems.append(f"grade: must be one of {', '.join(grades)}, got {values.get('grade')!r}")
            descriptor_ids = {d.id for d in component.descriptors} if component else set()
            met = values.get("met", [])
            if not isinstance(met, list):
                problems.append("met: must be a list of descriptor ids")
            else:
                problems += [f"met: unknown descriptor {m!r} of {cid}" for m in met if m not in descriptor_ids]
    problems += [f"{k}: unknown field for {kind} (expected {', '.join(allowed)})" for k in values if k not in allowed]
    if "on" in values:
        try:
            date.fromisoformat(str(values["on"]))
        except ValueError:
            problems.append(f"on: '{values['on']}' is not an ISO date (YYYY-MM-DD)")
    if "by" in values and not isinstance(values["by"], str):
        problems.append("by: must be a name")
    return problems
