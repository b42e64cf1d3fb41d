"""Your signing key and the trust anchors: what ``portfolio keys`` and ``portfolio trust`` do.

The key is made on first use in your own data folder (``store.keys``). The anchors are the
allowed-signers file (``store.trust``); enrolling and revoking keys there is the admin's job, and
the OS decides who may write that file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from portfolio_tui import identity
from portfolio_tui.domain import signatures
from portfolio_tui.domain.roles import check_account
from portfolio_tui.domain.signatures import Anchor, Anchors
from portfolio_tui.services import validation as check
from portfolio_tui.services.access import authorize
from portfolio_tui.services.errors import InputError
from portfolio_tui.store import keys, trust
from portfolio_tui.store.portfolio_store import PortfolioStore


def own_key() -> dict[str, Any]:
    """Your public key (made now if you have none yet), as ``portfolio keys show`` prints it."""
    signer = keys.own_signer()
    account = identity.current_user()
    return {
        "account": account,
        "public_key": signatures.openssh_public(signer.public, f"{account}@portfolio-tui"),
        "fingerprint": signatures.fingerprint(signer.public),
        "key_file": str(keys.key_path()),
    }


def anchors(trust_file: Path | None = None) -> Anchors:
    return trust.load_anchors(trust_file)


def anchor_rows(trust_file: Path | None = None) -> list[dict[str, Any]]:
    return [
        {"account": a.account, "fingerprint": signatures.fingerprint(a.key), "role": a.role,
         "valid_after": a.valid_after, "valid_before": a.valid_before, "comment": a.comment}
        for a in trust.load_anchors(trust_file).anchors
    ]


def enrol(account: str, public_key: str, role: str = "", trust_file: Path | None = None) -> Path:
    """Add ``account``'s key to the anchors (an enrolled key again gets ``role``); returns the file written."""
    problem = check_account(account)
    if problem:
        raise InputError("account", problem)
    try:
        key = signatures.key_from_openssh(public_key)
    except ValueError as exc:
        raise InputError("PUBKEY", str(exc)) from None
    if role and role not in signatures.ROSTER_ROLES:
        raise InputError("--role", f"is one of {', '.join(signatures.ROSTER_ROLES)}")
    current = trust.load_anchors(trust_file, missing_ok=True)
    comment = " ".join(public_key.split()[2:])
    kept = tuple(a for a in current.anchors if not (a.account == account and a.key == key and not a.valid_before))
    anchor = Anchor(account, key, role, comment=comment)
    return trust.save_anchors(Anchors((*kept, anchor), current.source), trust_file)


def revoke(account: str, at: str, trust_file: Path | None = None) -> tuple[Path, int]:
    """End every key of ``account`` still valid at ``at``: what they signed before stays valid."""
    current = trust.load_anchors(trust_file)
    live = [a for a in current.anchors if a.account == account and a.valid_at(at)]
    if not live:
        where = current.source or trust.trust_path(trust_file)
        raise InputError("account", f"{account} has no key in force in {where}")
    return trust.save_anchors(current.revoked(account, at), trust_file), len(live)


def repair(path: Path, reason: str) -> list[str]:
    """A tutor accepts a file whose record does not check, with a signed reason; returns what was wrong.

    Until then the store refuses every change to it (``store.sealing``). Every break ``verify`` reports of
    the file is taken in (review F4): who signed an entry and whether they were allowed as much as the hash
    chain, and unsigned history from before signing (review F13); ``verify`` shows it as history from then on.
    """
    from portfolio_tui.services.verify import repair_findings

    reason = check.text("--reason", reason, required=True)
    authorize(path, "portfolio.repair")
    store = PortfolioStore(path)
    return store.repair(reason, lambda document: repair_findings(store.path, document))
