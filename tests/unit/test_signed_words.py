"""store.signed_words: readers' check of an entry's signature gives ``keys.signature_valid``'s answer, by either way."""

from __future__ import annotations

import base64

import pytest
from nacl.signing import SigningKey

from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.signatures import AUDIT, signed_bytes
from portfolio_tui.store import keys, signed_words

KEY = SigningKey.generate()
OTHER = SigningKey.generate()


def signed(**fields: object) -> dict:
    entry = {"at": "2026-01-20T09:00:00Z", "by": "tess", "action": "assess", "table": "evidence", "record": 2,
             "detail": "accepted", "changes": {"judgements": {"from": [], "to": [{"outcome": "accept", "by": "tess",
                                                                                   "at": "2026-01-20T09:00:00Z"}]}},
             "record_hash": "0" * 64} | fields
    signer = keys.Signer(base64.b64encode(bytes(KEY.verify_key)).decode(), KEY)
    return keys.seal_signed(entry, audit_chain.GENESIS, AUDIT, signer)


def variants() -> list[tuple[str, dict]]:
    good = signed()
    other_key = dict(good, key=base64.b64encode(bytes(OTHER.verify_key)).decode())
    return [
        ("as signed", good),
        ("a field changed", dict(good, detail="referred")),
        ("a field added", dict(good, note="x")),
        ("another key named", other_key),
        ("a short key", dict(good, key=base64.b64encode(b"k" * 31).decode())),
        ("a short signature", dict(good, sig=base64.b64encode(b"s" * 63).decode())),
        ("not base64", dict(good, sig="!!!")),
        ("no signature", {k: v for k, v in good.items() if k != "sig"}),
        ("a number for a key", dict(good, key=7)),
        ("unicode in it", signed(detail="Zoë’s letter \u202e")),
        ("its hash changed", dict(good, hash="f" * 64)),  # (not signed: the chain's to check)
    ]


@pytest.mark.parametrize("way", ["libsodium", "pynacl"])
def test_each_way_says_what_keys_signature_valid_says(way: str, monkeypatch: pytest.MonkeyPatch) -> None:
    check = signed_words._libsodium() if way == "libsodium" else signed_words._pynacl()
    assert check is not None
    monkeypatch.setattr(signed_words, "_check", check)
    answers = {name: signed_words.valid(entry) for name, entry in variants()}
    assert answers == {name: keys.signature_valid(AUDIT, entry) for name, entry in variants()}
    assert [name for name, ok in answers.items() if ok] == ["as signed", "unicode in it", "its hash changed"]


def test_what_is_checked_is_what_was_signed() -> None:
    entry = signed()
    body = {k: v for k, v in entry.items() if k not in ("hash", "sig")}
    assert signed_words.AUDIT_PREFIX + audit_chain.canonical(body) == signed_bytes(AUDIT, entry)


def test_an_entry_this_account_signed_is_known_by_its_receipt_and_only_as_it_was_signed(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry whose hash, worked out afresh, is one this account's receipts hold needs no signature check; one
    changed since, or receipts another account could have written, do not spare it."""
    from portfolio_tui.store import receipts

    monkeypatch.setenv("PORTFOLIO_TUI_HOME", str(tmp_path))
    entry, changed = signed(), dict(signed(), sig=base64.b64encode(b"s" * 64).decode())
    receipts.record(tmp_path / "ava.json", "0" * 64, [(2, entry["hash"], entry["at"])])
    checked: list[tuple] = []

    def check(*args: bytes) -> bool:
        checked.append(args)
        return False

    monkeypatch.setattr(signed_words, "_check", check)
    monkeypatch.setattr(signed_words, "_receipts", None)
    assert signed_words.valid(entry) and checked == []
    assert not signed_words.valid(dict(entry, detail="referred")) and len(checked) == 1
    assert not signed_words.valid(changed) and len(checked) == 2  # (its hash field kept, its content not)
    receipts.receipts_path().chmod(0o660)
    monkeypatch.setattr(signed_words, "_receipts", None)
    assert not signed_words.valid(entry) and len(checked) == 3
