"""``portfolio keys show`` and ``portfolio trust add|list|revoke``: a private key each, anchors only root writes."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from portfolio_tui.cli import main
from portfolio_tui.domain import signatures
from portfolio_tui.store import keys, trust


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_key_made_on_first_use_private_and_stable(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "keys", "show", "--json")
    shown = json.loads(out)
    path = Path(shown["key_file"])
    assert code == 0 and path == keys.key_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert shown["public_key"].startswith("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5")
    key = signatures.key_from_openssh(shown["public_key"])
    assert shown["fingerprint"] == signatures.fingerprint(key)
    keys._signer_at.cache_clear()
    assert json.loads(_run(capsys, "keys", "show", "--json")[1])["public_key"] == shown["public_key"]


def test_key_reachable_by_the_group_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    _run(capsys, "keys", "show")
    keys.key_path().chmod(0o640)
    keys._signer_at.cache_clear()
    code, out, err = _run(capsys, "keys", "show")
    assert code == 2 and out == ""
    assert "other accounts can reach your signing key" in err and err.count("\n") == 1


def test_trust_add_list_revoke(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    anchors = tmp_path / "etc" / "allowed_signers"
    public = json.loads(_run(capsys, "keys", "show", "--json")[1])["public_key"]
    code, out, _ = _run(capsys, "trust", "add", "tess", *public.split(), "--role", "tutor", "--trust", str(anchors))
    assert code == 0 and "enrolled a key for tess as tutor" in out
    assert stat.S_IMODE(anchors.stat().st_mode) == 0o644
    rows = json.loads(_run(capsys, "trust", "list", "--json", "--trust", str(anchors))[1])["anchors"]
    assert [(r["account"], r["role"], r["valid_before"]) for r in rows] == [("tess", "tutor", "")]
    code, out, _ = _run(capsys, "trust", "revoke", "tess", "--trust", str(anchors))
    assert code == 0 and "earlier signatures stay valid" in out
    loaded = trust.load_anchors(anchors)
    (anchor,) = loaded.anchors
    key = signatures.key_from_openssh(public)
    assert anchor.valid_before
    assert loaded.problem("tess", key, "2000-01-01T00:00:00Z") is None
    assert "not valid then" in loaded.problem("tess", key, "2999-01-01T00:00:00Z")
    assert _run(capsys, "trust", "revoke", "tess", "--trust", str(anchors))[0] == 2


@pytest.mark.parametrize("mode", [0o664, 0o646])
def test_anchor_file_others_may_write_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path, mode: int) -> None:
    anchors = tmp_path / "allowed_signers"
    anchors.write_text("")
    anchors.chmod(mode)
    code, out, err = _run(capsys, "trust", "list", "--trust", str(anchors))
    assert code == 2 and out == ""
    assert "cannot be trusted" in err and err.count("\n") == 1


def test_anchor_folder_the_group_may_write_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "etc"
    folder.mkdir()
    (folder / "allowed_signers").write_text("")
    (folder / "allowed_signers").chmod(0o644)
    folder.chmod(0o775)
    code, _, err = _run(capsys, "trust", "list", "--trust", str(folder / "allowed_signers"))
    assert code == 2 and "folder may be written by group" in err


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="changing a file's owner needs root")
def test_anchor_file_owned_by_someone_else_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    anchors = tmp_path / "allowed_signers"
    anchors.write_text("")
    anchors.chmod(0o644)
    os.chown(anchors, 65534, -1)
    code, _, err = _run(capsys, "trust", "list", "--trust", str(anchors))
    assert code == 2 and "not root or you" in err


@pytest.mark.parametrize("line, problem", [
    ("tess ssh-ed25519 AAAA", "not valid base64"),
    ("tess ssh-rsa AAAAB3NzaC1yc2E", "expected an 'ssh-ed25519"),
    ('tess valid-before="tomorrow" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILRFlSxLSLxgb+r6QmEz2tBP8gNqyEcZn0NHvzVZPgTR',
     "valid-before is YYYYMMDD"),
])
def test_a_bad_anchor_line_is_named(tmp_path: Path, line: str, problem: str) -> None:
    anchors = tmp_path / "allowed_signers"
    anchors.write_text(f"# comment\n\n{line}\n")
    anchors.chmod(0o644)
    with pytest.raises(trust.TrustError, match=f"allowed_signers:3: .*{problem}"):
        trust.load_anchors(anchors)


def test_openssh_date_only_windows() -> None:
    key = "tEWVLEtIvG+/6vpCYTPa0E/yA2rIRxmfQ0e/NVk+BNE="
    text = f'tess valid-after="20260101",valid-before="20260301" {signatures.openssh_public(key)}'
    (anchor,) = signatures.parse_anchors(text).anchors
    assert not anchor.valid_at("2025-12-31T23:59:59Z")
    assert anchor.valid_at("2026-01-01T00:00:00Z") and anchor.valid_at("2026-02-28T12:00:00Z")
    assert not anchor.valid_at("2026-03-01T00:00:00Z")


def test_missing_default_means_no_anchors_but_a_named_file_must_exist(tmp_path: Path) -> None:
    assert not trust.load_anchors()
    with pytest.raises(trust.TrustError, match="no such allowed-signers file"):
        trust.load_anchors(tmp_path / "nope")
