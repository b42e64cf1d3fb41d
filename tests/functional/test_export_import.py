"""``portfolio export`` and ``import``: the round trip is exact, and a hostile zip writes nothing outside DEST."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import zipfile
from datetime import date
from pathlib import Path
from unittest.mock import ANY

import pytest

from portfolio_tui import sharing
from portfolio_tui.cli import main
from portfolio_tui.services.portable import MANIFEST
from portfolio_tui.services.portfolios import PortfolioService
from tests.functional.report_helpers import HOSTILE, hostile_portfolio


def _attach(path: Path, name: str, content: bytes) -> str:
    """Keep ``content`` in the portfolio's content-addressed file store and tag a new evidence piece with it."""
    digest = hashlib.sha256(content).hexdigest()
    blob = path.with_name(path.stem + ".files") / digest[:2] / digest
    blob.parent.mkdir(parents=True, exist_ok=True)
    blob.write_bytes(content)
    PortfolioService(path).add_evidence(title=f"Attached {name}", date=date(2025, 5, 2), kind="product",
                                        criteria=["B1"], files=[f"sha256:{digest}/{name}", "https://example.org/x"],
                                        as_of=date(2026, 1, 15))
    return digest


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    home = tmp_path / "home"
    home.mkdir()
    path = hostile_portfolio(home)
    digests = [_attach(path, "minutes.pdf", b"%PDF-1.4 minutes"), _attach(path, HOSTILE[0] + ".txt", b"<b>x</b>")]
    target = tmp_path / "out" / "ava.zip"
    target.parent.mkdir()
    assert main(["export", str(path), "-o", str(target)]) == 0
    return path, target, digests


def _as_exported(restored: Path) -> dict:
    """The imported portfolio without what the import added: its audit entry (the newest) and the save's count."""
    document = json.loads(restored.read_bytes())
    newest = max(document["audit"], key=int)
    assert document["audit"].pop(newest)["action"] == "import"
    del document["meta"]["1"]["generation"]
    return document | {"meta": {"1": document["meta"]["1"] | {"generation": ANY}}}


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_round_trip_is_exact_and_hostile_text_survives(exported, tmp_path: Path, capsys) -> None:
    path, target, digests = exported
    with zipfile.ZipFile(target) as zf:
        names = set(zf.namelist())
        index = zf.read("index.html").decode()
        page = next(n for n in names if n.startswith("Behaviours/B1/"))
    assert {MANIFEST, "hostile.json", "index.html"} <= names
    assert {f"hostile.files/{d[:2]}/{d}" for d in digests} <= names
    assert any(n.startswith("Knowledge/K1/") for n in names) and any(n.startswith("Skills/S2/") for n in names)
    assert page.endswith(".md") and "<script" not in index

    dest = tmp_path / "restored"
    assert main(["import", str(target), str(dest)]) == 0
    restored = dest / "hostile.json"
    assert _as_exported(restored) == json.loads(path.read_bytes())  # the file as it was, and the import's entry
    assert _tree(dest / "hostile.files") == _tree(path.parent / "hostile.files")
    for digest in digests:
        blob = dest / "hostile.files" / digest[:2] / digest
        assert hashlib.sha256(blob.read_bytes()).hexdigest() == digest
    assert sorted(os.listdir(dest)) == ["hostile.files", "hostile.json"]  # no staging folder left
    assert stat.S_IMODE(restored.stat().st_mode) == sharing.file_mode_for(dest)  # as the app makes files there
    capsys.readouterr()
    assert main(["verify", str(restored)]) == 0
    learner = json.loads(restored.read_text(encoding="utf-8"))["learner"]["1"]
    assert (learner["name"], learner["employer"]) == (HOSTILE[1], HOSTILE[0])
    titles = {e.title for e in PortfolioService(restored).load().evidence}
    assert set(HOSTILE) <= titles


def test_import_never_overwrites(exported, tmp_path: Path, capsys) -> None:
    path, target, _ = exported
    assert main(["import", str(target), str(path.parent)]) == 2
    err = capsys.readouterr().err
    assert "already exists" in err and err.count("\n") == 1


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _members(target: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(target) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _refused(args: list[str], dest: Path, outside: Path, capsys, *words: str) -> None:
    before = _tree(outside)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("portfolio: ") and "Traceback" not in err, err
    for word in words:
        assert word in err, err
    assert _tree(outside) == before
    assert not dest.exists() or not any(p.is_file() for p in dest.rglob("*"))


def test_bad_zips_get_one_line_exit_2_and_nothing_written(exported, tmp_path: Path, capsys, monkeypatch) -> None:
    _, target, _ = exported
    good = _members(target)
    dest = tmp_path / "sandbox" / "dest"
    dest.parent.mkdir()
    outside = tmp_path / "sandbox"

    not_zip = outside / "notes.zip"
    not_zip.write_text("just text")
    _refused(["import", str(not_zip), str(dest)], dest, outside, capsys, "not a portfolio export")

    theirs = _zip(outside / "theirs.zip", {"README.txt": b"hello", "data.json": b"{}"})
    _refused(["import", str(theirs), str(dest)], dest, outside, capsys, "not a portfolio export", MANIFEST)

    other = _zip(outside / "other.zip", {MANIFEST: json.dumps({"format": "something-else"}).encode()})
    _refused(["import", str(other), str(dest)], dest, outside, capsys, "another format")

    slip = _zip(outside / "slip.zip", {**good, "../evil.txt": b"owned", "../../evil.json": b"{}"})
    _refused(["import", str(slip), str(dest)], dest, outside, capsys, "unsafe path")
    absolute = _zip(outside / "abs.zip", {**good, "/tmp/evil.txt": b"owned"})
    _refused(["import", str(absolute), str(dest)], dest, outside, capsys, "unsafe path")
    assert not (tmp_path / "evil.txt").exists() and not Path("/tmp/evil.txt").exists()

    tampered = dict(good)
    tampered["hostile.json"] = good["hostile.json"].replace(b"Sam", b"Pam") + b" "
    changed = _zip(outside / "changed.zip", tampered)
    _refused(["import", str(changed), str(dest)], dest, outside, capsys, "sha256")

    monkeypatch.setenv("PORTFOLIO_TUI_IMPORT_LIMIT_MB", "1")
    big = _zip(outside / "big.zip", {**good, "Knowledge/padding.md": b"0" * (2 * 1024 * 1024)})
    _refused(["import", str(big), str(dest)], dest, outside, capsys, "import limit")


def test_zip_bomb_that_lies_about_its_size_is_stopped(exported, tmp_path: Path, capsys, monkeypatch) -> None:
    """A member whose header declares fewer bytes than it holds is stopped while it is read."""
    _, target, _ = exported
    good = _members(target)
    bomb = tmp_path / "bomb.zip"
    manifest = json.loads(good[MANIFEST])
    payload = b"x" * (3 * 1024 * 1024)
    manifest["sha256"] = hashlib.sha256(payload).hexdigest()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest))
        zf.writestr("hostile.json", payload)
    raw = bytearray(bomb.read_bytes())
    # Rewrite the declared uncompressed size (local header and central directory) to 10 bytes.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := raw.find(signature, start)) != -1:
            name_len = int.from_bytes(raw[at + (26 if signature == b"PK\x03\x04" else 28):][:2], "little")
            name = raw[at + (30 if signature == b"PK\x03\x04" else 46):][:name_len]
            if name == b"hostile.json":
                raw[at + offset: at + offset + 4] = (10).to_bytes(4, "little")
            start = at + 4
    bomb.write_bytes(bytes(raw))
    dest = tmp_path / "dest"
    assert main(["import", str(bomb), str(dest)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not dest.exists() or not any(p.is_file() for p in dest.rglob("*"))


def test_export_bad_output_is_one_line(tmp_path: Path, capsys) -> None:
    path = hostile_portfolio(tmp_path)
    for out, words in ((tmp_path / "x.tar", ".zip"), (tmp_path / "missing" / "x.zip", "cannot be written")):
        assert main(["export", str(path), "-o", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and words in err, err
        assert not out.exists()


@pytest.mark.parametrize("role", ["apprentice", "line-manager"])
def test_only_a_tutor_imports_into_a_folder_with_a_roster(exported, tmp_path: Path, capsys, role: str) -> None:
    """An import is a new portfolio: in a cohort folder only a tutor may start one (review F17: an
    apprentice placed a portfolio of their own making there, and was told "its record verifies")."""
    from tests.functional.test_access import as_role

    _, target, _ = exported
    dest = tmp_path / "cohort"
    dest.mkdir()
    as_role(dest, role, "hostile.json")
    before = sorted(p.name for p in dest.iterdir())
    assert main(["import", str(target), str(dest)]) == 1
    err = capsys.readouterr().err
    assert "only an assessor (tutor) may create or change the learner profile of" in err and err.count("\n") == 1
    assert sorted(p.name for p in dest.iterdir()) == before
    as_role(dest, "tutor")
    assert main(["import", str(target), str(dest)]) == 0


def _renamed(good: dict[str, bytes], name: str) -> dict[str, bytes]:
    """The export's members with the portfolio called ``name`` throughout (manifest, file, file store)."""
    manifest = json.loads(good[MANIFEST])
    manifest["portfolio"] = name
    stem = name[: -len(".json")] if name.endswith(".json") else name
    out = {MANIFEST: json.dumps(manifest).encode()}
    for member, data in good.items():
        if member == "hostile.json":
            member = name
        elif member.startswith("hostile.files/"):
            member = stem + member[len("hostile"):]
        out.setdefault(member, data)
    return out


@pytest.mark.parametrize("name", ["x\x1b]0;PWNED\x07\x1b[31mred[bold]b.json", "roster.json", "a\u202eb.json",
                                  ".hidden.json", "sub/ava.json", "ava.json\n.json"])
def test_a_portfolio_name_that_is_not_plain_is_refused(exported, tmp_path: Path, capsys, name: str) -> None:
    """Review R4: the manifest's name became a file in DEST and was printed raw (escape sequences)."""
    _, target, _ = exported
    dest = tmp_path / "sandbox" / "dest"
    dest.parent.mkdir()
    hostile = _zip(tmp_path / "sandbox" / "named.zip", _renamed(_members(target), name))
    _refused(["import", str(hostile), str(dest)], dest, tmp_path / "sandbox", capsys, "plain file name")
    assert not dest.exists() or list(dest.iterdir()) == []


def test_a_plain_name_other_than_the_exported_one_imports(exported, tmp_path: Path, capsys) -> None:
    _, target, _ = exported
    renamed = _zip(tmp_path / "renamed.zip", _renamed(_members(target), "Zoë Smith_2.json"))
    assert main(["import", str(renamed), str(tmp_path / "dest")]) == 0
    out = capsys.readouterr().out
    assert "Zoë Smith_2.json with 2 attachment(s)" in out
    assert sorted(p.name for p in (tmp_path / "dest").iterdir()) == ["Zoë Smith_2.files", "Zoë Smith_2.json"]


def test_an_attachment_no_evidence_names_is_refused_unread(exported, tmp_path: Path, capsys) -> None:
    """Review R3: the manifest listed a 1.9 GB blob no evidence named; it was held in memory and written."""
    _, target, _ = exported
    good = _members(target)
    stray = b"\0" * (1 << 20)
    digest = hashlib.sha256(stray).hexdigest()
    manifest = json.loads(good[MANIFEST])
    manifest["attachments"][digest] = len(stray)
    (tmp_path / "sandbox").mkdir()
    bomb = _zip(tmp_path / "sandbox" / "stray.zip",
                {**good, MANIFEST: json.dumps(manifest).encode(), f"hostile.files/{digest[:2]}/{digest}": stray})
    dest = tmp_path / "sandbox" / "dest"
    _refused(["import", str(bomb), str(dest)], dest, tmp_path / "sandbox", capsys, "no evidence", digest[:12])

    manifest = json.loads(good[MANIFEST])
    dropped = next(iter(manifest["attachments"]))
    del manifest["attachments"][dropped]  # the evidence names it, the manifest does not list it
    short = _zip(tmp_path / "sandbox" / "short.zip", {**good, MANIFEST: json.dumps(manifest).encode()})
    _refused(["import", str(short), str(dest)], dest, tmp_path / "sandbox", capsys, "does not list", dropped)


def test_an_attachment_over_the_file_limit_is_refused(exported, tmp_path: Path, capsys, monkeypatch) -> None:
    _, target, _ = exported
    (tmp_path / "sandbox").mkdir()
    dest = tmp_path / "sandbox" / "dest"
    monkeypatch.setenv("PORTFOLIO_TUI_FILE_LIMIT_MB", "0.00001")  # 10 bytes: the minutes PDF is 16
    _refused(["import", str(target), str(dest)], dest, tmp_path / "sandbox", capsys, "over the file limit",
             "PORTFOLIO_TUI_FILE_LIMIT_MB")


def test_attachments_are_streamed_never_held_whole(tmp_path: Path, capsys) -> None:
    """Review R3: every blob was read into memory before anything was written; now each is streamed."""
    import tracemalloc

    path = hostile_portfolio(tmp_path)
    content = os.urandom(256) * (16 << 12)  # 16 MiB, compressible
    _attach(path, "recording.bin", content)
    target = tmp_path / "big.zip"
    assert main(["export", str(path), "-o", str(target)]) == 0
    tracemalloc.start()
    try:
        assert main(["import", str(target), str(tmp_path / "dest")]) == 0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < len(content) // 2, peak
    digest = hashlib.sha256(content).hexdigest()
    assert (tmp_path / "dest" / "hostile.files" / digest[:2] / digest).read_bytes() == content


def test_a_hostile_manifest_is_one_short_line(exported, tmp_path: Path, capsys, monkeypatch) -> None:
    """Review R16: a manifest nested 100,000 deep was a RecursionError traceback; a huge "version" was
    quoted whole in the one line."""
    _, target, _ = exported
    good = _members(target)
    (tmp_path / "sandbox").mkdir()
    dest = tmp_path / "sandbox" / "dest"
    deep = _zip(tmp_path / "sandbox" / "deep.zip", {**good, MANIFEST: b"[" * 100_000 + b"]" * 100_000})
    _refused(["import", str(deep), str(dest)], dest, tmp_path / "sandbox", capsys, "is not JSON")
    manifest = json.loads(good[MANIFEST])
    manifest["version"] = [[["x" * 2000]]] * 50
    huge = _zip(tmp_path / "sandbox" / "huge.zip", {**good, MANIFEST: json.dumps(manifest).encode()})
    assert main(["import", str(huge), str(dest)]) == 2
    err = capsys.readouterr().err
    assert "this version reads 1" in err and len(err) < 400 and err.count("\n") == 1, err
    monkeypatch.setattr("portfolio_tui.services.portable.MANIFEST_LIMIT", 100)
    _refused(["import", str(target), str(dest)], dest, tmp_path / "sandbox", capsys, "bytes; an export's is under 100")


def test_a_linked_file_store_in_dest_is_not_written_through(exported, tmp_path: Path, capsys) -> None:
    """A group member's ``hostile.files`` link in DEST (to a folder of the importer's) is refused, not followed."""
    _, target, _ = exported
    dest = tmp_path / "cohort"
    dest.mkdir()
    private = tmp_path / "tutor-home"
    private.mkdir()
    (dest / "hostile.files").symlink_to(private)
    assert main(["import", str(target), str(dest)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert list(private.iterdir()) == [] and sorted(p.name for p in dest.iterdir()) == ["hostile.files"]


def test_a_portfolio_from_a_newer_version_is_refused_naming_the_zips_file(exported, tmp_path: Path, capsys) -> None:
    """Review R17: the line named the hidden staging copy (already removed) and said it "was left as it is"."""
    _, target, _ = exported
    good = _members(target)
    document = json.loads(good["hostile.json"])
    document["meta"]["1"]["schema_version"] = 99
    data = json.dumps(document).encode()
    manifest = json.loads(good[MANIFEST])
    manifest["sha256"], manifest["size"] = hashlib.sha256(data).hexdigest(), len(data)
    (tmp_path / "sandbox").mkdir()
    newer = _zip(tmp_path / "sandbox" / "newer.zip", {**good, MANIFEST: json.dumps(manifest).encode(),
                                                      "hostile.json": data})
    dest = tmp_path / "sandbox" / "dest"
    _refused(["import", str(newer), str(dest)], dest, tmp_path / "sandbox", capsys,
             "cannot open hostile.json in the zip: it was written by a newer portfolio-tui", "nothing was written")
    assert not dest.exists() or list(dest.iterdir()) == []


def test_verify_beside_a_manifest_nested_thousands_deep_is_no_traceback(exported, tmp_path: Path, capsys) -> None:
    """An unpacked export's manifest names its roster copy for verify; one nested 200,000 deep (json.loads: a
    RecursionError) is read as no manifest at all, and verify says what it can of the portfolio."""
    path, _, _ = exported
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    copy = unpacked / path.name
    copy.write_bytes(path.read_bytes())
    (unpacked / MANIFEST).write_text("[" * 200_000 + "]" * 200_000)
    code = main(["verify", str(copy)])
    out, err = capsys.readouterr()
    assert code in (0, 1) and "Traceback" not in err, (code, err)
    assert path.name in out
