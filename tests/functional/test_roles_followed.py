"""A program that reads portfolios for long (the TUI) follows the folder's roster and the trust anchors as they are
now: ``store.roles_at`` keeps each roster's spans and keys per process, and they depend on both (review F6)."""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from portfolio_tui.cli import main
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.signatures import AUDIT, openssh_public
from portfolio_tui.identity import current_user
from portfolio_tui.store import keys


def _ok(capsys: pytest.CaptureFixture[str], *argv: object) -> str:
    code = main(list(map(str, argv)))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def _accepted_as(path: Path, tutor: str) -> None:
    """``tutor``'s acceptance of evidence 1, in an entry in ``tutor``'s name signed with this account's key."""
    doc = json.loads(path.read_text())
    at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    piece = doc["evidence"]["1"]
    before = list(piece["judgements"])
    piece["judgements"].append({"outcome": "accept", "feedback": "Good", "by": tutor, "at": at})
    piece.update(rev=piece["rev"] + 1, updated_by=tutor, updated_at=at)
    entry = {"at": at, "by": tutor, "action": "assess", "table": "evidence", "record": 1, "detail": "accepted",
             "changes": {"judgements": {"from": before, "to": piece["judgements"]}},
             "record_hash": audit_chain.record_digest(piece)}
    audit = doc["audit"]
    audit[str(max(map(int, audit)) + 1)] = keys.seal_signed(entry, audit_chain.table_head(audit), AUDIT,
                                                            keys.own_signer())
    path.write_text(json.dumps(doc))


def _shown(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[list[str], int]:
    main(["gateway", str(path), "--json", "--no-cache"])
    report = json.loads(capsys.readouterr().out)
    entry = report["portfolios"][0] if "portfolios" in report else report
    return entry["changed_outside"], entry["coverage"]["full"]


def test_keys_enrolled_while_the_program_runs_are_followed(tmp_path: Path, monkeypatch, capsys) -> None:
    """Without anchors, an account that never signed the roster has no key to hold its entries to, so tom's
    acceptance signed with this account's key counts; once root enrols tom's own key it must not, in the same
    process too (the spans were kept by the roster's file alone, which had not changed)."""
    anchors = tmp_path / "etc" / "allowed_signers"
    anchors.parent.mkdir()
    monkeypatch.setenv("PORTFOLIO_TUI_TRUST", str(anchors))
    folder = tmp_path / "cohort"
    folder.mkdir()
    path = folder / "ava.json"
    _ok(capsys, "new", path, "--learner", "Ava Patel", "--standard", "odo-l3", "--start", "2025-03-03",
        "--end", "2026-09-30")
    _ok(capsys, "evidence", "add", path, "--title", "Letter", "--date", "2025-04-01", "--kind", "product",
        "--criteria", "S1")
    me = current_user()
    _ok(capsys, "roster", "init", folder)
    for account in (me, "tom"):
        _ok(capsys, "roster", "add", folder, account, "--role", "tutor", "--portfolio", "*")
    _accepted_as(path, "tom")
    assert _shown(capsys, path) == ([], 1)
    mine = json.loads(_ok(capsys, "keys", "show", "--json"))["public_key"]
    toms = openssh_public(base64.b64encode(os.urandom(32)).decode(), "tom@portfolio-tui")
    _ok(capsys, "trust", "add", me, *mine.split(), "--role", "tutor")
    _ok(capsys, "trust", "add", "tom", *toms.split(), "--role", "tutor")
    assert _shown(capsys, path) == (["evidence 1"], 0)
