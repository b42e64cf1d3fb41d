"""Skills England (formerly IfATE) apprenticeship standards data, mapped to this app's standard format.

The API (``/api/apprenticeshipstandards`` and ``/api/foundationapprenticeships``) gives each version of a
standard as one JSON record. Its knowledge, skills and behaviours carry GUIDs, not the familiar codes: as DfE's
own course service does, K1..Kn, S1..Sn and B1..Bn are numbered in the record's order, and each GUID is kept
as the criterion's source id. Foundation apprenticeships list ``technicalKnowledges``, ``technicalSkills`` and
``employabilitySkillsAndBehaviours`` instead; they are numbered K, S and B the same way, so evidence is tagged
alike on both.

What the API does not hold, the mapping does not invent: EPA methods, their pass/merit/distinction descriptors
and the grading table live in the assessment plan document, so an imported standard's grading rule says
``grading rules not imported: add them from the assessment plan`` until the provider adds them (see
``catalog.RULES_SUFFIX``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

from portfolio_tui.domain.text import clean_text as safe_text

APPROVED = "approved for delivery"
NOT_IMPORTED_NOTE = (
    "grading rules not imported: add them from the assessment plan. The standards data holds no EPA method "
    "detail; add the methods, their descriptors and the grading table with `portfolio standards edit-rules`."
)

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_REFERENCE = re.compile(r"^(ST|FA)\d{4}$", re.IGNORECASE)
_SLUG_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_VERSION = re.compile(r"[0-9]{1,4}(\.[0-9]{1,4}){0,3}\Z")
"""A version as Skills England numbers them (``1.0``, ``1.2``): ASCII digits, at most four parts of four."""
_HOURS = re.compile(r"([0-9]{1,3}(,[0-9]{3})+|[0-9]{1,6})(\.[0-9]{1,4})?\Z")
"""``minimumHoursForCompliance`` as published ("278", "1,020", "187.5"): no ``nan``, ``1e308`` or ``1_000``."""
MAX_HOURS = 10_000
"""More off-the-job hours than any standard asks (20% of five years full time is about 1,900)."""

# (API list key, id key inside each item, our id prefix, criterion kind, group title) per kind of record.
_STANDARD_LISTS = (
    ("knowledges", "knowledgeId", "K", "knowledge", "Knowledge"),
    ("skills", "skillId", "S", "skill", "Skills"),
    ("behaviours", "behaviourId", "B", "behaviour", "Behaviours"),
)
_FOUNDATION_LISTS = (
    ("technicalKnowledges", "id", "K", "knowledge", "Technical knowledge"),
    ("technicalSkills", "id", "S", "skill", "Technical skills"),
    ("employabilitySkillsAndBehaviours", "id", "B", "behaviour", "Employability skills and behaviours"),
)


class RecordProblem(ValueError):
    """The record cannot become a standard; the message is one line saying what and where."""


def clean_text(value: Any) -> str:
    """The API's text as one line: HTML tags dropped, entities decoded, whitespace runs made one space,
    and control, escape and bidi characters removed (they would drive the terminal of whoever reads it)."""
    if not isinstance(value, str):
        return ""
    return _SPACE.sub(" ", safe_text(html.unescape(_TAG.sub(" ", value)), multiline=True)).strip()


def is_foundation(record: Mapping[str, Any]) -> bool:
    return any(key in record for key, *_ in _FOUNDATION_LISTS) and not any(key in record for key, *_ in _STANDARD_LISTS)


def reference_of(record: Any) -> str:
    return str(record.get("referenceNumber", "")).strip().upper() if isinstance(record, Mapping) else ""


def version_of(record: Mapping[str, Any]) -> str:
    return str(record.get("version") or record.get("versionNumber") or "").strip()


def _version_key(version: str) -> tuple[int, ...]:
    """``1.10`` after ``1.9``; a version not like ``1.2`` sorts before every real one (and never reaches
    ``int`` whole: 5,000 digits would pass Python's integer-conversion limit, a traceback)."""
    return tuple(int(part) for part in version.split(".")) if _VERSION.match(version) else (-1,)


def shown(value: Any, limit: int = 24) -> str:
    """A value from the data as quoted in a one-line refusal: escapes and control characters removed,
    cut to ``limit`` characters (the data's text reaches a terminal, and one version may be 5,000 digits)."""
    text = safe_text(str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def checked_version(record: Mapping[str, Any], where: str) -> str:
    """The record's version, refused in one line unless it is like ``1.2`` (it becomes a file name,
    a standard id and part of every message about the record)."""
    version = version_of(record)
    if not version:
        raise RecordProblem(f"{where}: no version")
    if not _VERSION.match(version):
        raise RecordProblem(f"{where}: version {shown(version)!r} is not a version like 1.2")
    return version


def approved(record: Mapping[str, Any]) -> bool:
    return str(record.get("status", "")).strip().lower() == APPROVED


def choose(records: Iterable[Mapping[str, Any]], reference: str, version: str | None) -> Mapping[str, Any]:
    """The version asked for, else the latest approved for delivery; one line saying why when there is none."""
    candidates = [r for r in records if reference_of(r) == reference.upper()]
    if not candidates:
        raise RecordProblem(f"--reference: no standard {reference} in the source")
    if version is not None:
        wanted = [r for r in candidates if version_of(r) == version]
        if not wanted:
            have = ", ".join(shown(v) for v in sorted({version_of(r) for r in candidates}, key=_version_key))
            raise RecordProblem(f"--version: {reference} has no version {shown(version)} in the source "
                                f"(it has {have})")
        return wanted[0]
    live = [r for r in candidates if approved(r)]
    if not live:
        statuses = ", ".join(sorted({f"{shown(version_of(r))} {shown(r.get('status', ''))}".strip()
                                     for r in candidates}))
        raise RecordProblem(
            f"--reference: no version of {reference} is approved for delivery ({statuses}); name one with --version"
        )
    return max(live, key=lambda r: _version_key(version_of(r)))


def standard_id(reference: str, version: str) -> str:
    """``st0116-v1.2``: one file per version, so a new version installs beside the old one."""
    return _SLUG_UNSAFE.sub("-", f"{reference.lower()}-v{version}").strip("-")


def _date(value: Any) -> str | None:
    """The API's ``2023-01-01T00:00:00`` as ``2023-01-01``; anything else as absent."""
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    return None


def _hours(value: Any, where: str) -> float | None:
    """``minimumHoursForCompliance`` is published as a string ("278"); blank means none published."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        hours = float(value)
    elif isinstance(value, str) and _HOURS.match(value.strip()):
        hours = float(value.strip().replace(",", ""))
    else:
        raise RecordProblem(f"{where}: minimumHoursForCompliance {shown(value)!r} is not a number of hours")
    if not 0 <= hours <= MAX_HOURS:  # NaN fails both
        raise RecordProblem(f"{where}: minimumHoursForCompliance {shown(value)!r} is not between 0 and "
                            f"{MAX_HOURS:,} hours")
    return hours


def to_standard_document(record: Any, origin: str) -> dict[str, Any]:
    """The standard file (format 1) for one API record; ``origin`` names where it came from (file or URL)."""
    if not isinstance(record, Mapping):
        raise RecordProblem(f"{origin}: a standard record must be a JSON object")
    reference = reference_of(record)
    where = f"{origin}: {shown(reference) or 'record'}"
    if not _REFERENCE.match(reference):
        raise RecordProblem(f"{where}: referenceNumber {record.get('referenceNumber')!r} is not like ST0116")
    version = checked_version(record, where)
    where = f"{origin}: {reference} version {version}"
    title = clean_text(record.get("title"))
    if not title:
        raise RecordProblem(f"{where}: no title")
    level = record.get("level")
    if isinstance(level, str) and level.strip().isdigit():
        level = int(level)
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 8:
        raise RecordProblem(f"{where}: level {record.get('level')!r} is not a level from 1 to 8")
    foundation = is_foundation(record)

    guids: dict[str, str] = {}
    groups = []
    for key, id_key, prefix, kind, group_title in _FOUNDATION_LISTS if foundation else _STANDARD_LISTS:
        items = record.get(key) or []
        if not isinstance(items, list):
            raise RecordProblem(f"{where}: {key} must be a list")
        criteria = []
        for n, item in enumerate(items, start=1):
            cid = f"{prefix}{n}"
            text = clean_text(item.get("detail")) if isinstance(item, Mapping) else ""
            if not text:
                raise RecordProblem(f"{where}: {key}[{n - 1}] has no detail text")
            guid = str(item.get(id_key) or "").strip().lower()
            if not guid:
                raise RecordProblem(f"{where}: {key}[{n - 1}] has no {id_key}")
            if guid in guids:
                raise RecordProblem(f"{where}: duplicate GUID {shown(guid, 40)} ({guids[guid]} and {cid})")
            guids[guid] = cid
            criteria.append({"id": cid, "text": text, "kind": kind, "source": {"id": guid}})
        if criteria:
            groups.append({"id": key, "title": group_title, "kind": "ksb-area", "criteria": criteria})
    if not guids:
        keys = ", ".join(k for k, *_ in (_FOUNDATION_LISTS if foundation else _STANDARD_LISTS))
        raise RecordProblem(f"{where}: the record has no knowledge, skills or behaviours ({keys} are empty)")

    options, option_ids = _options(record.get("options"), where)
    duties = _duties(record.get("duties"), guids, option_ids, where)
    months = record.get("typicalDuration")
    duration: dict[str, Any] = {}
    if isinstance(months, int) and not isinstance(months, bool) and months > 0:
        duration["typical_months"] = [months]
    plan_url = clean_text(record.get("assessmentPlanUrl"))
    publication: dict[str, Any] = {
        "status": clean_text(record.get("status")),
        "lars_code": clean_text(str(record.get("larsCode") or "")),
        "latest_end": _date(record.get("latestEndDate")),
        "assessment_plan_url": plan_url,
        "standard_page_url": clean_text(
            record.get("standardPageUrl") or record.get("foundationApprenticeshipUrl") or ""
        ),
        "english_and_maths": clean_text(_english_and_maths(record.get("englishAndMathsQualifications"))),
    }
    epa = record.get("ePALength")
    if isinstance(epa, (int, float)) and not isinstance(epa, bool) and epa >= 0:
        publication["epa_months"] = epa
    publication = {k: v for k, v in publication.items() if v not in ("", None)}
    source = {"file": plan_url or origin, "title": f"Skills England {reference} version {version}: {title}"}
    notes = [
        f"Imported from the Skills England standards data ({origin}). K, S and B numbers follow the order of the "
        "data; each criterion keeps the data's GUID as its source id. Texts are the data's, whitespace "
        "normalised and HTML removed.",
        "The EPA methods, their pass, merit and distinction descriptors and the grading table are in the "
        "assessment plan" + (f" ({plan_url})" if plan_url else "") + ", not in the data: add them with "
        f"`portfolio standards edit-rules {standard_id(reference, version)}`.",
    ]
    document: dict[str, Any] = {
        "format": 1,
        "id": standard_id(reference, version),
        "title": title,
        "kind": "foundation-apprenticeship" if foundation else "apprenticeship-standard",
        "level": level,
        "version": version,
        "reference": reference,
        "source": source,
        "effective": {"from": _date(record.get("earliestStartDate")), "to": _date(record.get("latestStartDate"))},
        "partial": False,
        "notes": notes,
        "qualifications": _qualifications(record.get("qualifications")),
        "groups": groups,
        "options": options,
        "duties": duties,
        "publication": publication,
        "plan": {
            "duration": duration,
            "prerequisites": [],
            "milestones": [],
            "gateway_checklist": [],
            "grading": [{"kind": "none", "note": NOT_IMPORTED_NOTE}],
        },
    }
    hours = _hours(record.get("minimumHoursForCompliance"), where)
    if hours is not None:
        document["otj_minimum_hours"] = hours
    return {k: v for k, v in document.items() if v != []}


def _options(value: Any, where: str) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The standard's options as ``O1``, ``O2``..., and a map from the API's option GUID (or title) to them."""
    out, ids = [], {}
    for n, item in enumerate(value or [], start=1):
        if isinstance(item, Mapping):
            title, guid = clean_text(item.get("title")), str(item.get("optionId") or "").strip().lower()
        else:
            title, guid = clean_text(item), ""
        if not title:
            raise RecordProblem(f"{where}: options[{n - 1}] has no title")
        oid = f"O{n}"
        out.append({"id": oid, "title": title})
        for key in (guid, title.lower()):
            if key:
                ids[key] = oid
    return out, ids


def _duties(value: Any, guids: Mapping[str, str], options: Mapping[str, str], where: str) -> list[dict[str, Any]]:
    duties = []
    seen: set[str] = set()
    for n, item in enumerate(value or [], start=1):
        if not isinstance(item, Mapping):
            raise RecordProblem(f"{where}: duties[{n - 1}] must be an object")
        text = clean_text(item.get("dutyDetail"))
        if not text:
            raise RecordProblem(f"{where}: duties[{n - 1}] has no dutyDetail")
        guid = str(item.get("dutyId") or item.get("dutyID") or "").strip().lower()
        if guid and (guid in seen or guid in guids):
            raise RecordProblem(f"{where}: duplicate GUID {shown(guid, 40)} (duty D{n})")
        seen.add(guid)
        criteria = []
        for key in ("mappedKnowledge", "mappedSkills", "mappedBehaviour"):
            for ref in item.get(key) or []:
                cid = guids.get(str(ref).strip().lower())
                if cid is None:
                    raise RecordProblem(f"{where}: duty D{n} maps {key} {ref!r}, which the record does not list")
                criteria.append(cid)
        duty_options = []
        for ref in item.get("mappedOptions") or []:
            oid = options.get(str(ref).strip().lower())
            if oid is None:
                raise RecordProblem(f"{where}: duty D{n} maps option {ref!r}, which the record does not list")
            duty_options.append(oid)
        core = item.get("isThisACoreDuty")
        duty: dict[str, Any] = {
            "id": f"D{n}",
            "text": text,
            "core": bool(core) if core is not None else not duty_options,
            "criteria": list(dict.fromkeys(criteria)),
        }
        if duty_options:
            duty["options"] = list(dict.fromkeys(duty_options))
        if guid:
            duty["source"] = {"id": guid}
        duties.append(duty)
    return duties


def _qualifications(value: Any) -> list[dict[str, Any]]:
    out = []
    for item in value or []:
        if not isinstance(item, Mapping):
            continue
        title = clean_text(item.get("title"))
        if not title:
            continue
        qual: dict[str, Any] = {"number": clean_text(str(item.get("qualificationId") or "")) or "-", "title": title}
        level = str(item.get("level") or "").strip()
        if level.isdigit() and 1 <= int(level) <= 8:
            qual["level"] = int(level)
        out.append(qual)
    return out


def _english_and_maths(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "; ".join(str(v) for v in value if v)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, ""))
    return ""
