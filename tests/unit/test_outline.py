"""Gateway reads a caseload record by record (``store.outline``) and says exactly what reading each file whole says.

The outline reader takes the short way only where the whole reading would find nothing wrong: for
the samples, a synthetic cohort, hand-edited layouts and hostile files, ``gateway --json`` is the same
byte for byte, and a refusal is the same line, whichever way the file was read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio_tui.cli import main
from portfolio_tui.cli.readiness_cmds import _encoded_entry
from portfolio_tui.domain.portfolio import KEPT, EvidenceOutline, PortfolioOutline, outline
from portfolio_tui.services import readiness
from portfolio_tui.store import outline as outline_reader
from portfolio_tui.store import reading

REPO = Path(__file__).resolve().parents[2]
SAMPLES = sorted((REPO / "sample_portfolios").glob("*.json"))
SMALL = REPO / "sample_portfolios" / "ocr-cs-learner.json"
AS_OF = date(2026, 11, 24)


@pytest.fixture(autouse=True, params=["orjson", "json"], ids=["orjson", "json"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test twice: as a caseload's files are read (batches parsed by orjson), and as a process's first file is
    (by the json module, orjson not imported: ``audit_index.Fingerprints.plain``), here every file so."""
    if request.param == "json":
        from portfolio_tui.store import audit_index

        made = audit_index.Fingerprints.__init__

        def first_file(self: audit_index.Fingerprints, *, doubtful: bool = False) -> None:
            monkeypatch.setattr(audit_index, "_files_read", 0)
            made(self, doubtful=doubtful)

        monkeypatch.setattr(audit_index.Fingerprints, "__init__", first_file)


@contextmanager
def read_whole() -> Iterator[None]:
    """Gateway as it was before the outline reader: every file read whole, into whole domain objects."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(outline_reader, "read_outline", reading.read_portfolio)
        yield


@contextmanager
def small_batches() -> Iterator[None]:
    """Batches of a few records, so that a small file is cut as a large one is."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(outline_reader, "BATCH_BYTES", 700)
        patch.setattr(outline_reader, "BLOCK_BYTES", 1000)
        patch.setattr(outline_reader, "GROUP_RECORDS", 3)
        yield


def said(path: Path) -> tuple[bool | None, str]:
    """What ``gateway --json`` shows of one file: whether it is ready, and its entry (or its error) as printed."""
    ready, text, *_ = _encoded_entry(readiness.check_portfolio(path, AS_OF))
    return ready, text


def both_ways(path: Path) -> tuple[tuple[bool | None, str], tuple[bool | None, str]]:
    with small_batches():
        streamed = said(path)
    with read_whole():
        whole = said(path)
    return streamed, whole


def streamed_only(path: Path) -> PortfolioOutline:
    """The outline of ``path``, failing if it was not read record by record."""
    def refuse(_: Path) -> None:
        raise AssertionError(f"{path.name} was read whole")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(outline_reader, "read_portfolio", refuse)
        return outline_reader.read_outline(path)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
@pytest.mark.parametrize("batches", ["small", "as shipped"])
def test_a_sample_is_read_record_by_record_into_the_outline_of_its_whole_reading(path: Path, batches: str) -> None:
    expected = outline(reading.read_portfolio(path))
    if batches == "small":
        with small_batches():
            found = streamed_only(path)
    else:
        found = streamed_only(path)
    assert found == expected
    assert found.evidence and all(type(piece) is EvidenceOutline for piece in found.evidence)
    assert found.comments == ()
    assert {piece.title for piece in found.evidence} == {""}
    assert {j.feedback for piece in found.evidence for j in piece.judgements} <= {""}
    assert all(not hasattr(piece, "__dict__") or not vars(piece) for piece in found.evidence)
    assert [[getattr(p, name) for name in KEPT] for p in found.evidence] == [
        [getattr(p, name) if name != "judgements" else p.judgements for name in KEPT] for p in expected.evidence
    ]


def test_gateway_json_over_the_samples_is_byte_identical_read_record_by_record_or_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "caseload"
    folder.mkdir()
    for path in SAMPLES:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "broken.json").write_bytes(SMALL.read_bytes()[:-40])
    argv = ["gateway", str(folder), "--json", "--as-of", AS_OF.isoformat()]
    with small_batches():
        code = main(argv)
    streamed = capsys.readouterr()
    with read_whole():
        code_whole = main(argv)
    whole = capsys.readouterr()
    assert (code, streamed.out, streamed.err) == (code_whole, whole.out, whole.err)
    doc = json.loads(streamed.out)
    assert len(doc["portfolios"]) == len(SAMPLES) and len(doc["errors"]) == 1


def test_a_synthetic_cohort_file_reads_the_same_both_ways(tmp_path: Path) -> None:
    """Many pieces, judged whole and by criterion, deleted, simulated: cut across many batches."""
    from portfolio_tui import catalog
    from portfolio_tui.services.portfolios import PortfolioService

    ids = [c.id for c in catalog.get("odo-l3").all_criteria()]
    path = tmp_path / "cohort-learner.json"
    svc = PortfolioService.create(
        path, learner="Cohort Learner", standard="odo-l3", start="2025-06-02", end="2027-01-29",
        employer="HMRC", line_manager="Priya Shah", tutor="Tom Jones", actor="bench",
    )
    outcomes = ["accept", "refer", "reopen"]
    with svc.store.transaction() as tx:
        for i in range(120):
            judgement = {"outcome": outcomes[i % 3], "feedback": f"note {i}", "by": "tom", "at": "2026-01-01T10:00:00Z"}
            if i % 5 == 0:
                judgement["criterion"] = ids[i % 4]
            judgements = [judgement] if i % 4 else []
            if i % 8 == 1:  # a piece judged twice (its group read the way for several judgements a piece)
                judgements.append({**judgement, "outcome": "accept", "criterion": ids[i % 4]})
            tx.insert("evidence", {
                "title": f"Piece {i}", "date": f"2025-{1 + i % 12:02d}-{1 + i % 27:02d}", "kind": "product",
                "criteria": [ids[i % 4], ids[4 + i % 9]], "description": "x" * (i % 300), "hours": i % 2 or None,
                "files": [], "simulated": i % 7 == 0, "deleted": i % 11 == 0, "judgements": judgements,
            })
    streamed, whole = both_ways(path)
    assert streamed == whole and streamed[0] is not None
    with small_batches():
        assert streamed_only(path) == outline(reading.read_portfolio(path))


def first(pattern: bytes, replacement: bytes) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        changed = re.sub(pattern, replacement, data, count=1)
        assert changed != data
        return changed

    return edit


def last_evidence_id_as_first(data: bytes) -> bytes:
    ids = re.findall(rb'\n"(\d+)":\{"title"', data)
    return data.replace(b'\n"' + ids[-1] + b'":{"title"', b'\n"1":{"title"', 1)


HOSTILE: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "a repeated key on a record's second line": (first(rb'("2":\{"title":"[^"]*",)', rb'\1\n"title":"again",'),
                                                 "duplicate key 'title'"),
    "a record spanning two lines": (first(rb'("2":\{"title":"[^"]*",)', rb"\1\n"), ""),
    "a record on the same line as another": (first(rb'\},\n("3":\{)', rb"},\1"), ""),
    "an id repeated far apart": (last_evidence_id_as_first, "duplicate key '1'"),
    "a table named twice": (first(rb'\n("reviews":\{)', rb'\n"evidence":{},\n\1'), "duplicate key 'evidence'"),
    "trailing garbage": (lambda d: d + b"garbage\n", "not valid JSON"),
    "a second document": (lambda d: d + d, "not valid JSON"),
    "a newer schema": (first(rb'"schema_version":3', rb'"schema_version":99'), "newer"),
    "an older schema": (first(rb'"schema_version":3', rb'"schema_version":2'), ""),
    "the meta table renamed": (first(rb'"meta":', rb'"eta":'), ""),  # (read as a version 0 file, upgraded)
    "NaN": (first(rb'"simulated":false', rb'"simulated":NaN'), "NaN"),
    "Infinity": (first(rb'"rev":1', rb'"rev":Infinity'), "Infinity"),
    "a huge number": (first(rb'"rev":1', rb'"rev":1' + b"0" * 400), ""),
    "a lone surrogate": (first(rb'"title":"', rb'"title":"\\ud800'), ""),
    "a raw newline inside a text": (first(rb'("title":"[^"]{3})', rb"\1\n"), "not valid JSON"),
    "a raw tab inside a text": (first(rb'("title":"[^"]{3})', rb"\1\t"), "not valid JSON"),
    "a wrong type": (first(rb'"deleted":false', rb'"deleted":"no"'), "expected true or false"),
    "a missing required field": (first(rb'"kind":"[^"]*",', rb""), "missing required field 'kind'"),
    "a table closed early": (first(rb'\},\n("2":\{)', rb"}\n},\n\1"), "not valid JSON"),
    "a closing line missing": (first(rb'\}\n\},\n"reviews"', rb'},\n"reviews"'), "not valid JSON"),
    "a comma line": (first(rb'\},\n("3":\{)', rb"},\n,\n\1"), "not valid JSON"),
    "an escaped slash": (first(rb'"title":"', rb'"title":"\\/'), ""),
    "spaces after colons": (lambda d: d.replace(b'":', b'": '), ""),
    "Windows line ends": (lambda d: d.replace(b"\n", b"\r\n"), ""),
    "a byte order mark": (lambda d: b"\xef\xbb\xbf" + d, ""),
    "pretty-printed": (lambda d: json.dumps(json.loads(d), indent=1).encode(), ""),
    "on one line": (lambda d: d.replace(b"\n", b"") + b"\n", ""),
    "without a final newline": (lambda d: d[:-1], ""),
    "truncated": (lambda d: d[: len(d) // 2], "not valid JSON"),
    "empty": (lambda d: b"", "empty"),
    "not UTF-8": (first(rb'"title":"', b'"title":"\xff'), "not UTF-8"),
    "a list, not an object of tables": (lambda d: b"[" + d.strip() + b"]\n", "expected an object of tables"),
    "an id that is not a number": (first(rb'\n"2":\{"title"', rb'\n"02":{"title"'), "record id '02'"),
    "a record that is not an object": (first(rb'\n"2":\{"title":.*\},\n', rb'\n"2":[1],\n'),
                                       "a record must be an object"),
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=str)
def test_a_hand_edited_or_hostile_file_gets_from_gateway_what_a_whole_reading_gives(case: str, tmp_path: Path) -> None:
    edit, refusal = HOSTILE[case]
    path = tmp_path / "edited.json"
    path.write_bytes(edit(SMALL.read_bytes()))
    streamed, whole = both_ways(path)
    assert streamed == whole
    ready, text = streamed
    if refusal:
        assert ready is None and refusal in json.loads(text)["error"], text
    else:
        assert ready is not None, text


def test_a_judged_piece_edited_by_hand_is_named_as_the_whole_reading_names_it(tmp_path: Path) -> None:
    """The reader hashes what the gateway counts and, on any difference from the audit, reads the file whole
    (which hashes json's way where it must): the piece is named as changed outside the app, its judgement not
    believed, whichever way the file was read."""
    path = tmp_path / "forged.json"
    path.write_bytes(first(rb'("title":")([^"\n]*"[^\n]*"judgements":\[\{)', rb"\1Forged: \2")(SMALL.read_bytes()))
    streamed, whole = both_ways(path)
    assert streamed == whole
    assert json.loads(streamed[1])["changed_outside"], streamed[1]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_small_edit_gets_the_same_answer_read_record_by_record_or_whole(
    tmp_path: Path, data: st.DataObject
) -> None:
    original = SMALL.read_bytes()
    lines = original.split(b"\n")
    edit = data.draw(st.sampled_from(["newline", "delete", "insert", "duplicate line", "join lines", "swap lines"]))
    at = data.draw(st.integers(0, len(original) - 1))
    i = data.draw(st.integers(0, len(lines) - 2))
    if edit == "newline":
        changed = original[:at] + b"\n" + original[at:]
    elif edit == "delete":
        changed = original[:at] + original[at + 1:]
    elif edit == "insert":
        token = data.draw(st.sampled_from([b",", b"}", b"{", b'"1":{}', b'"a":1,', b"NaN", b" ", b"\\u0000", b"\n}"]))
        changed = original[:at] + token + original[at:]
    elif edit == "duplicate line":
        changed = b"\n".join([*lines[:i + 1], lines[i], *lines[i + 1:]])
    elif edit == "join lines":
        changed = b"\n".join([*lines[:i], lines[i] + lines[i + 1], *lines[i + 2:]])
    else:
        changed = b"\n".join([*lines[:i], lines[i + 1], lines[i], *lines[i + 2:]])
    path = tmp_path / f"edited-{data.draw(st.integers(0, 10**9))}.json"
    path.write_bytes(changed)
    streamed, whole = both_ways(path)
    assert streamed == whole


def _copies(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the reader's pending data each time it reads on (each one a copy of what was pending)."""
    copied: list[int] = []
    more = outline_reader._Reader._more

    def counted(self: outline_reader._Reader, want: int) -> bool:
        read_on = more(self, want)
        if read_on:
            copied.append(len(self.data))
        return read_on

    monkeypatch.setattr(outline_reader._Reader, "_more", counted)
    return copied


@pytest.mark.parametrize("where", ["a line", "a record"])
def test_a_long_line_costs_its_length_and_past_line_most_is_read_whole(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line longer than a portfolio ever has (a hand-made layout, or one planted to hold up every tutor's
    caseload: a 40 MB line took a minute, each block copying and searching all that was pending) is copied
    in all a bounded number of times its length, and once it passes ``LINE_MOST`` the file is read whole,
    which says what it says of it."""
    most = outline_reader.LINE_MOST
    path = tmp_path / "long.json"
    if where == "a line":
        path.write_bytes(b"{" + b" " * (4 * most))
    else:  # one record of a table laid out as the store lays it out
        text = SMALL.read_bytes()
        at = text.index(b'"description":"', text.index(b'\n"evidence":{\n')) + len(b'"description":"')
        path.write_bytes(text[:at] + b"x" * (4 * most) + text[at:])
    copied = _copies(monkeypatch)
    assert outline_reader._outline(path) is None  # not read here: read whole
    assert max(copied) <= 2 * most + 2 * outline_reader.BLOCK_BYTES
    assert sum(copied) <= 5 * most
    assert both_ways(path)[0] == both_ways(path)[1]


def test_a_record_longer_than_a_batch_is_read_here_in_linear_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below ``LINE_MOST``, a long record is still read record by record (the window widened, doubling), its
    bytes copied a bounded number of times in all, and read as the whole reading reads it. (The piece made long
    holds no judgement, so the gateway does not hash it: one it counts, changed so, would be read whole, to be
    sure what it says of it.)"""
    text = SMALL.read_bytes()
    unjudged = text.index(b'\n"5":{"title"', text.index(b'\n"evidence":{\n'))
    assert b'"judgements":[]' in text[unjudged:text.index(b"\n", unjudged + 1)]
    at = text.index(b'"description":"', unjudged) + len(b'"description":"')
    size = outline_reader.LINE_MOST // 2
    path = tmp_path / "long-record.json"
    path.write_bytes(text[:at] + b"x" * size + text[at:])
    copied = _copies(monkeypatch)
    assert streamed_only(path) == outline(reading.read_portfolio(path))
    assert sum(copied) <= 4 * size + len(text)
