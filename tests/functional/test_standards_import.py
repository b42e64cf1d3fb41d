"""`portfolio standards import` on fixture files in the Skills England API's shape, from disk and over HTTP."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from portfolio_tui import catalog
from portfolio_tui.cli import main

from ..unit.standard_files import schema_errors

FIXTURES = Path(__file__).parents[1] / "fixtures" / "skills_england"
LIST = FIXTURES / "standards-list.json"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*"))} if folder.exists() else {}


def test_from_a_list_the_latest_approved_version_is_installed_with_duties_and_options(
    user_standards_dir: Path, capsys
) -> None:
    code, out, err = run(["standards", "import", str(LIST), "--reference", "ST0999"], capsys)
    assert (code, err) == (0, "")
    assert out.startswith("st0999-v1.1: installed")
    path = user_standards_dir / "st0999-v1.1.json"
    document = json.loads(path.read_text())
    assert schema_errors(document) == []
    standard = catalog.get("st0999-v1.1")
    assert (standard.reference, standard.version, standard.level) == ("ST0999", "1.1", 3)
    assert standard.publication is not None and standard.publication.status == "Approved for delivery"
    assert standard.publication.assessment_plan_url == "https://example.invalid/st0999/assessment-plan.pdf"
    assert "Level 2 English and maths" in standard.publication.english_and_maths
    assert standard.otj_minimum_hours == 278
    assert standard.plan.typical_months == (15,)
    assert standard.effective_from == "2024-01-01"
    assert list(standard.criteria) == ["K1", "K2", "K3", "K4", "S1", "S2", "S3", "B1", "B2"]
    k1 = standard.criteria["K1"]
    assert k1.text == "Principles of customer data protection & GDPR."  # HTML gone, whitespace normalised
    assert k1.source_id == "000000a1-0000-4000-8000-000000000001"
    assert standard.criteria["K2"].text == "Service level agreements and how they are measured."
    assert [o.title for o in standard.options] == ["Digital service", "Face to face service"]
    d1, _, d3 = standard.duties
    assert (d1.core, d1.criteria, d1.options) == (True, ("K1", "K3", "S1", "B1"), ())
    assert (d3.core, d3.criteria, d3.options) == (False, ("K2", "S3", "B2"), ("O1",))
    assert standard.qualifications[0].number == "603/1234/5"
    assert standard.grading_not_imported
    code, out, _ = run(["standards", "show", "st0999-v1.1", "--json"], capsys)
    shown = json.loads(out)
    assert shown["duties"][2]["options"] == ["O1"] and shown["publication"]["status"] == "Approved for delivery"
    assert shown["otj_minimum_hours"] == 278


def test_the_same_version_again_changes_nothing_and_a_new_version_installs_beside_it(
    user_standards_dir: Path, capsys
) -> None:
    assert run(["standards", "import", str(LIST), "--reference", "ST0999", "--version", "1.0"], capsys)[0] == 0
    before = folder_state(user_standards_dir)
    code, out, _ = run(["standards", "import", str(FIXTURES / "st0999-v1.0.json")], capsys)
    assert code == 0 and "nothing changed" in out
    assert folder_state(user_standards_dir) == before
    code, out, _ = run(["standards", "import", str(LIST), "--reference", "ST0999"], capsys)
    assert code == 0 and out.startswith("st0999-v1.1: installed")
    after = folder_state(user_standards_dir)
    assert after["st0999-v1.0.json"] == before["st0999-v1.0.json"]
    assert set(after) == {"st0999-v1.0.json", "st0999-v1.1.json"}


def test_a_named_version_that_is_not_approved_can_still_be_installed(user_standards_dir: Path, capsys) -> None:
    code, out, _ = run(["standards", "import", str(LIST), "--reference", "st0999", "--version", "1.2"], capsys)
    assert code == 0 and out.startswith("st0999-v1.2: installed")
    assert catalog.get("st0999-v1.2").publication.status == "In development"


def test_a_foundation_apprenticeship_imports_its_technical_and_employability_lists(
    user_standards_dir: Path, capsys
) -> None:
    code, out, _ = run(["standards", "import", str(FIXTURES / "fa0003.json")], capsys)
    assert code == 0 and out.startswith("fa0003-v1.0: installed")
    standard = catalog.get("fa0003-v1.0")
    assert standard.kind == "foundation-apprenticeship"
    assert [(c.id, c.kind) for c in standard.all_criteria()] == [
        ("K1", "knowledge"),
        ("S1", "skill"),
        ("S2", "skill"),
        ("B1", "behaviour"),
    ]
    assert [g.title for g in standard.groups] == [
        "Technical knowledge",
        "Technical skills",
        "Employability skills and behaviours",
    ]
    assert standard.otj_minimum_hours == 187


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([str(FIXTURES / "broken-malformed.json"), "--reference", "ST0999"], "malformed JSON: byte "),
        ([str(FIXTURES / "broken-malformed.json")], "malformed JSON: byte "),
        ([str(LIST)], "holds a list of 4 records; say which standard with --reference"),
        ([str(LIST), "--reference", "ST0777"], "--reference: no standard ST0777 in the source"),
        ([str(LIST), "--reference", "ST0999", "--version", "9.9"], "has no version 9.9 in the source (it has 1.0"),
        ([str(FIXTURES / "broken-no-ksbs.json")], "the record has no knowledge, skills or behaviours"),
        ([str(FIXTURES / "broken-duplicate-guids.json")], "duplicate GUID 000000a1-0000-4000-8000-000000000001"),
        ([str(FIXTURES / "st0999-v1.0.json"), "--reference", "ST0888"], "--reference: "),
        (["no-such-file.json"], "no-such-file.json: cannot read"),
        (["ftp://example.invalid/x.json"], "only a file or an http(s) URL"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    argv: list[str], message: str, user_standards_dir: Path, capsys
) -> None:
    code, out, err = run(["standards", "import", *argv], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err
    assert folder_state(user_standards_dir) == {}


def test_a_duplicate_duty_guid_and_an_unknown_mapped_criterion_are_refused(
    tmp_path: Path, user_standards_dir: Path, capsys
) -> None:
    record = json.loads((FIXTURES / "st0999-v1.0.json").read_text())
    record["duties"][0]["mappedSkills"] = ["ffffffff-0000-4000-8000-000000000000"]
    (tmp_path / "r.json").write_text(json.dumps(record))
    code, _, err = run(["standards", "import", str(tmp_path / "r.json")], capsys)
    assert code == 2 and "duty D1 maps mappedSkills 'ffffffff-0000-4000-8000-000000000000'" in err
    assert folder_state(user_standards_dir) == {}


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    tmp_path: Path, user_standards_dir: Path, capsys
) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:  # sparse: no disk used, no time spent
        handle.truncate(600 * 1024 * 1024)
    code, _, err = run(["standards", "import", str(huge), "--reference", "ST0999"], capsys)
    assert code == 2 and "over the 536,870,912-byte limit" in err
    assert folder_state(user_standards_dir) == {}


def test_text_after_the_list_is_malformed(tmp_path: Path, user_standards_dir: Path, capsys) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(LIST.read_bytes() + b" []")
    code, _, err = run(["standards", "import", str(bad), "--reference", "ST0999"], capsys)
    assert code == 2 and "unexpected text after the list" in err


def test_a_record_hidden_in_a_string_is_not_taken_for_one(tmp_path: Path, user_standards_dir: Path, capsys) -> None:
    """A detail text quoting a fake record stays text: the scan skips strings whole."""
    records = json.loads(LIST.read_text())
    fake = json.dumps({"referenceNumber": "ST0555", "version": "1.0"})
    records[0]["overviewOfRole"] = "}, " + fake + ", {"
    (tmp_path / "list.json").write_text(json.dumps(records))
    code, _, err = run(["standards", "import", str(tmp_path / "list.json"), "--reference", "ST0555"], capsys)
    assert code == 2 and "no standard ST0555" in err


# --- by URL, from a local HTTP server ---------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, str, bytes, float]] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        status, kind, body, delay = self.routes.get(self.path, (404, "text/plain", b"not found", 0))
        if status in (301, 302):
            self.send_response(status)
            self.send_header("Location", body.decode())
            self.end_headers()
            return
        time.sleep(delay)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    _Handler.routes = {
        "/api/apprenticeshipstandards": (200, "application/json; charset=utf-8", LIST.read_bytes(), 0),
        "/api/apprenticeshipstandards/ST0999": (
            200,
            "application/json",
            (FIXTURES / "st0999-v1.0.json").read_bytes(),
            0,
        ),
        "/moved": (302, "", b"/login", 0),
        "/login": (200, "text/html", b"<html>sign in</html>", 0),
        "/slow": (200, "application/json", b"[]", 3),
        "/broken": (500, "text/plain", b"oops", 0),
    }
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_import_by_url_from_the_list_and_from_one_standard(server: str, user_standards_dir: Path, capsys) -> None:
    code, out, err = run(
        ["standards", "import", f"{server}/api/apprenticeshipstandards", "--reference", "ST0999"], capsys
    )
    assert (code, err) == (0, "") and out.startswith("st0999-v1.1: installed")
    code, out, _ = run(["standards", "import", f"{server}/api/apprenticeshipstandards/ST0999"], capsys)
    assert code == 0 and out.startswith("st0999-v1.0: installed")
    assert catalog.get("st0999-v1.0").notes[0].startswith(f"Imported from the Skills England standards data ({server}")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/moved", "the server sent text/html, not JSON (redirected to "),
        ("/broken", "the server answered 500"),
        ("/nowhere", "the server answered 404"),
        ("/slow", "timed out after 0.5 seconds"),
    ],
)
def test_a_failing_url_is_one_line_exit_2_and_nothing_written(
    server: str, path: str, message: str, user_standards_dir: Path, capsys
) -> None:
    started = time.monotonic()
    code, out, err = run(["standards", "import", server + path, "--reference", "ST0999", "--timeout", "0.5"], capsys)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err
    assert time.monotonic() - started < 2.5
    assert folder_state(user_standards_dir) == {}


def test_an_unreachable_host_is_one_line(user_standards_dir: Path, capsys) -> None:
    port = _free_port()
    code, _, err = run(["standards", "import", f"http://127.0.0.1:{port}/x", "--timeout", "2"], capsys)
    assert code == 2 and "cannot fetch" in err and err.count("\n") == 1


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_list_shows_reference_version_status_and_marks_what_is_missing(
    user_standards_dir: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(["standards", "import", str(LIST), "--reference", "ST0999"], capsys)
    code, out, _ = run(["standards", "list", "--json"], capsys)
    rows = {s["id"]: s for s in json.loads(out)["standards"]}
    row = rows["st0999-v1.1"]
    assert (row["reference"], row["version"], row["status"]) == ("ST0999", "1.1", "Approved for delivery")
    assert row["missing"] == "grading rules not imported"
    assert rows["ocr-cs"]["missing"] == "criteria incomplete, see notes"
    assert rows["odo-l3"]["missing"] == ""
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run(["standards", "list"], capsys)
    assert "ST0999" in out and "Approved for delivery" in out and "grading rules not imported" in out


def test_escape_sequences_in_the_data_never_reach_the_standard(
    tmp_path: Path, user_standards_dir: Path, capsys
) -> None:
    record = json.loads((FIXTURES / "st0999-v1.0.json").read_text())
    record["knowledges"][0]["detail"] = "Data \x1b[31mprotection&#27;[2J \u202eevil\u0007."
    record["title"] = "Specialist \x9b1m"
    (tmp_path / "r.json").write_text(json.dumps(record))
    assert run(["standards", "import", str(tmp_path / "r.json")], capsys)[0] == 0
    standard = catalog.get("st0999-v1.0")
    assert standard.criteria["K1"].text == "Data [31mprotection[2J evil."
    assert standard.title == "Specialist 1m"
    code, out, _ = run(["standards", "show", "st0999-v1.0"], capsys)
    assert code == 0 and "\x1b" not in out and "D1 (core): Handle customer enquiries across channels." in out
    assert "Grading rules not imported" in out


HOSTILE_VERSIONS = ["1." + "9" * 5000, "\x1b]0;PWNED\x07\x1b[2J1.0", "1.0.0.0.0", "٣.٠", "1e3", " "]


@pytest.mark.parametrize("version", HOSTILE_VERSIONS)
def test_a_hostile_version_is_one_clean_line_exit_2_and_nothing_written(
    tmp_path: Path, user_standards_dir: Path, capsys, version: str
) -> None:
    """Review R5: 5,000 digits were a traceback (int conversion limit), escapes reached the terminal."""
    record = json.loads((FIXTURES / "st0999-v1.0.json").read_text())
    record["version"] = version
    record["status"] = "\x1b[31mwithdrawn"
    (tmp_path / "one.json").write_text(json.dumps(record))
    (tmp_path / "list.json").write_text(json.dumps([record, {**record, "status": "Approved for delivery"}]))
    for argv in ([str(tmp_path / "one.json")], [str(tmp_path / "list.json"), "--reference", "ST0999"],
                 [str(tmp_path / "list.json"), "--reference", "ST0999", "--version", "2.0"]):
        code, out, err = run(["standards", "import", *argv], capsys)
        assert code == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err, err
        assert "\x1b" not in err and "\x07" not in err and len(err) < 300, err
        assert folder_state(user_standards_dir) == {}


def test_a_withdrawn_list_names_its_versions_and_statuses_cleanly(
    tmp_path: Path, user_standards_dir: Path, capsys
) -> None:
    record = json.loads((FIXTURES / "st0999-v1.0.json").read_text())
    records = [{**record, "version": v, "status": "\x1b[31mwithdrawn\x1b]0;x\x07"} for v in ("1.0", "1.10", "1.9")]
    (tmp_path / "list.json").write_text(json.dumps(records))
    code, _, err = run(["standards", "import", str(tmp_path / "list.json"), "--reference", "ST0999"], capsys)
    assert code == 2 and "(1.0 [31mwithdrawn]0;x, 1.10 [31mwithdrawn]0;x, 1.9 [31mwithdrawn]0;x)" in err, err
    code, _, err = run(["standards", "import", str(tmp_path / "list.json"), "--reference", "ST0999",
                        "--version", "2.0"], capsys)
    assert code == 2 and "(it has 1.0, 1.9, 1.10)" in err, err  # numbered, not sorted as text
    assert folder_state(user_standards_dir) == {}


@pytest.mark.parametrize("hours", ["nan", "1e308", "1_000", "inf", "-5", "20000", "0x10", "١٠٠", 1e308, -1.0, True])
def test_off_the_job_hours_that_are_not_plain_hours_are_refused(
    tmp_path: Path, user_standards_dir: Path, capsys, hours: object
) -> None:
    """Review R5: "nan" installed with no target, "1e308" as the target, "1_000" as 1000."""
    record = json.loads((FIXTURES / "st0999-v1.0.json").read_text())
    record["minimumHoursForCompliance"] = hours
    (tmp_path / "r.json").write_text(json.dumps(record))
    code, out, err = run(["standards", "import", str(tmp_path / "r.json")], capsys)
    assert code == 2 and out == "" and err.count("\n") == 1 and "minimumHoursForCompliance" in err, err
    assert folder_state(user_standards_dir) == {}


@pytest.mark.parametrize(("hours", "expected"), [("278", 278), ("1,020", 1020), ("187.5", 187.5), (278, 278)])
def test_off_the_job_hours_as_published_are_read(
    tmp_path: Path, user_standards_dir: Path, capsys, hours: object, expected: float
) -> None:
    record = json.loads((FIXTURES / "st0999-v1.0.json").read_text())
    record["minimumHoursForCompliance"] = hours
    (tmp_path / "r.json").write_text(json.dumps(record))
    assert run(["standards", "import", str(tmp_path / "r.json")], capsys)[0] == 0
    assert catalog.get("st0999-v1.0").otj_minimum_hours == expected


@pytest.mark.parametrize(("change", "named"), [("K1", "criteria K1 differ"), ("title", "title differ")])
def test_the_same_version_with_other_content_is_refused_not_swapped_under_learners(
    tmp_path: Path, user_standards_dir: Path, capsys, change: str, named: str
) -> None:
    """Review R17: a re-import replaced st0999-v1.0 ("updated from the source"), giving K1 another text under
    evidence already accepted for it."""
    assert run(["standards", "import", str(FIXTURES / "st0999-v1.0.json")], capsys)[0] == 0
    before = folder_state(user_standards_dir)
    record = json.loads((FIXTURES / "st0999-v1.0.json").read_text())
    if change == "K1":
        record["knowledges"][0]["detail"] = "Something else entirely."
    else:
        record["title"] = "Another title"
    (tmp_path / "r.json").write_text(json.dumps(record))
    code, out, err = run(["standards", "import", str(tmp_path / "r.json")], capsys)
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert "st0999-v1.0 is installed with different content" in err and named in err, err
    assert folder_state(user_standards_dir) == before


def test_an_unreadable_installed_copy_is_put_right(tmp_path: Path, user_standards_dir: Path, capsys) -> None:
    assert run(["standards", "import", str(FIXTURES / "st0999-v1.0.json")], capsys)[0] == 0
    (user_standards_dir / "st0999-v1.0.json").write_text("{ not json")
    code, out, _ = run(["standards", "import", str(FIXTURES / "st0999-v1.0.json")], capsys)
    assert code == 0 and "installed in place of an unreadable copy" in out
    assert catalog.get("st0999-v1.0").title
