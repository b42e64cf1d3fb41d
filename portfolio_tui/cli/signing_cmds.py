"""``portfolio keys`` and ``portfolio trust``: your signing key, and the admin's trust anchors.

Exit status 2 for a bad argument or an allowed-signers file that cannot be trusted (one line
naming it); status 1 when the OS refuses the write (only root or the admin may change anchors).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from portfolio_tui.cli.output import print_json
from portfolio_tui.cli.refusals import refusals
from portfolio_tui.domain.signatures import ROSTER_ROLES
from portfolio_tui.domain.text import clean_text


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("keys", help="your signing key (made on first use in your own data folder)")
    inner = parser.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    p = inner.add_parser("show", help="print your public key and its fingerprint, for the admin to enrol")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=cmd_keys_show)

    parser = sub.add_parser("trust", help="the allowed-signers file: which key speaks for which account")
    inner = parser.add_subparsers(dest="trust_command", metavar="ACTION", required=True)
    p = inner.add_parser("add", help="enrol ACCOUNT's public key (as `portfolio keys show` prints it)")
    p.add_argument("account")
    p.add_argument("public_key", nargs="+", metavar="PUBKEY", help="ssh-ed25519 AAAA... [comment]")
    p.add_argument("--role", choices=list(ROSTER_ROLES), default="",
                   help="may sign a cohort's roster (tutor or admin)")
    _trust_option(p)
    p.set_defaults(func=cmd_trust_add)
    p = inner.add_parser("list", help="the enrolled keys, with their roles and validity")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    _trust_option(p)
    p.set_defaults(func=cmd_trust_list)
    p = sub.add_parser("repair", help="accept a portfolio whose record does not check, with a signed reason (tutor)")
    p.add_argument("path", type=Path, metavar="PATH")
    p.add_argument("--reason", required=True, help="why the file may be written to again (recorded and signed)")
    p.set_defaults(func=cmd_repair)

    p = inner.add_parser("revoke", help="end ACCOUNT's keys now (what they signed before stays valid)")
    p.add_argument("account")
    _trust_option(p)
    p.set_defaults(func=cmd_trust_revoke)


def _trust_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--trust", type=Path, metavar="FILE",
                   help="allowed-signers file (default: $PORTFOLIO_TUI_TRUST, else /etc/portfolio-tui/allowed_signers)")


def cmd_keys_show(args: argparse.Namespace) -> int:
    from portfolio_tui.services import signing

    with refusals():
        key = signing.own_key()
    if args.json:
        print_json(key)
    else:
        print(key["public_key"])
        print(f"{key['fingerprint']}  ({key['key_file']})")
    return 0


def cmd_trust_add(args: argparse.Namespace) -> int:
    from portfolio_tui.services import signing

    with refusals():
        path = signing.enrol(args.account, " ".join(args.public_key), args.role, args.trust)
    role = f" as {args.role}" if args.role else ""
    print(f"enrolled a key for {args.account}{role} in {path}")
    return 0


def cmd_trust_list(args: argparse.Namespace) -> int:
    from portfolio_tui.services import signing

    with refusals():
        rows = signing.anchor_rows(args.trust)
    if args.json:
        print_json({"anchors": rows})
        return 0
    if not rows:
        print("no keys enrolled: signatures here are not anchored")
    for row in rows:
        window = " ".join(f"{k.replace('_', '-')}={row[k]}" for k in ("valid_after", "valid_before") if row[k])
        print(" ".join(x for x in (row["account"], row["fingerprint"], row["role"], window) if x))
    return 0


def cmd_trust_revoke(args: argparse.Namespace) -> int:
    from portfolio_tui.services import signing
    from portfolio_tui.services.session import utc_now

    now = utc_now()
    with refusals():
        path, count = signing.revoke(args.account, now, args.trust)
    print(f"revoked {count} key(s) of {args.account} from {now} in {path}; earlier signatures stay valid")
    return 0


def cmd_repair(args: argparse.Namespace) -> int:
    from portfolio_tui.services import signing

    with refusals():
        found = signing.repair(args.path, args.reason)
    print(f"repaired {args.path}: {len(found)} problem(s) recorded with your signed reason")
    for problem in found:
        print(f"  {clean_text(problem)}")
    return 0
