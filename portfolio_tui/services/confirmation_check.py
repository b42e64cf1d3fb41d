"""``portfolio verify``'s check that each confirmation was made by the account it names.

A confirmation (a party's confirmation of a progress review, the employer's confirmation of one of its
decisions on the learner's record) holds the account that made it (``by``) and when (``at``): the
services write both from the account saving, at the time of saving, which are also the ``by`` and
``at`` of the audit entry that records the change. So:

* a signed entry that adds a confirmation (one in its ``changes``' ``to`` and not in its ``from``)
  names itself in it: a confirmation naming anyone else, or another time, was written in their name;
* every confirmation the file holds was made by an entry on that record, trusted by the signature
  checks (legacy history from before signing vouches for itself, as it does for judgements), with the
  confirmation's account and time: one no such entry made was put in by hand, or by an entry that was
  not allowed to make it;
* with a roster, a confirmation a signed entry made is as the party the roster, as it stood then, made its
  account for this portfolio: holding ``review.confirm`` is not enough (every role holds it), and a copy
  changed where no roster stood in the way must not pass for the party's own word.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.audit_chain import Break

FORGED = "forged"
NOT_HIS = "not-allowed"

CONFIRMED_FIELDS: dict[str, str] = {"reviews": "confirmations", "learner": "employer_confirmations"}
"""The tables whose records hold confirmations, and the field that holds them."""

_MAKING_ACTIONS = frozenset({"add", "create", "edit"})


def breaks(document: Mapping[str, Any], trusted: Iterable[tuple[str, Mapping[str, Any]]],
           signed: Iterable[str], parties_of: Callable[[str, str], tuple[str, ...]] | None = None) -> list[Break]:
    """The confirmations of ``document`` not made by the account they name, or made as a party not theirs.

    ``trusted`` are the audit entries the signature checks trust, in order (legacy ones first); ``signed``
    the ids of the signed ones among them, whose added confirmations are held to their signer.
    ``parties_of(account, at)``: the parties the roster, as it stood at ``at``, makes ``account`` for this
    portfolio (a review's apprentice, employer or provider; ``employer`` for its line manager, who confirms
    the employer's decisions); ``None`` without a roster to ask. A confirmation made by a signed entry as a
    party the roster did not make its account (an apprentice confirming as the provider in a private copy,
    with no roster there to stop them, moved back) is a break.
    """
    signed = set(signed)
    signed_makers: set[tuple[Any, Any]] = set()
    makers: dict[tuple[str, str], set[tuple[Any, Any]]] = {}
    found: list[Break] = []
    for audit_id, entry in trusted:
        table = str(entry.get("table"))
        field = CONFIRMED_FIELDS.get(table)
        if field is None or entry.get("action") not in _MAKING_ACTIONS:
            continue
        makers.setdefault((table, str(entry.get("record"))), set()).add((entry.get("by"), entry.get("at")))
        if audit_id in signed:
            signed_makers.add((entry.get("by"), entry.get("at")))
        changes = entry.get("changes")
        change = changes.get(field) if isinstance(changes, Mapping) else None
        if audit_id not in signed or not isinstance(change, Mapping):
            continue
        before = {audit_chain.canonical(c) for c in _listed(change.get("from"))}
        for made in _listed(change.get("to")):
            if audit_chain.canonical(made) in before or (made.get("by"), made.get("at")) == (entry.get("by"),
                                                                                            entry.get("at")):
                continue
            found.append(Break(f"audit {audit_id}", FORGED, f"adds {_whose(table, made)} confirmation in the name "
                               f"of {made.get('by')}, but is signed by {entry.get('by')}: forged"))
    for table, field in CONFIRMED_FIELDS.items():
        rows = document.get(table)
        for record_id, record in audit_chain.ordered(rows if isinstance(rows, Mapping) else {}):
            made_here = makers.get((table, str(record_id)), set())
            for made in _listed(record.get(field) if isinstance(record, Mapping) else None):
                who = (made.get("by"), made.get("at"))
                if who not in made_here:
                    found.append(Break(f"{table} {record_id}", FORGED, f"holds {_whose(table, made)} confirmation "
                                       f"by {made.get('by')} at {made.get('at')} that no entry of that account "
                                       "made: forged"))
                elif parties_of is not None and who in signed_makers and made.get("party") not in parties_of(
                        str(made.get("by")), str(made.get("at"))):
                    theirs = " or the ".join(parties_of(str(made.get("by")), str(made.get("at")))) or "no party"
                    found.append(Break(f"{table} {record_id}", NOT_HIS, f"holds a confirmation as the "
                                       f"{made.get('party')} by {made.get('by')}, whom the roster made the {theirs} "
                                       "then: made in another party's name"))
    return found


def _listed(value: Any) -> list[Mapping[str, Any]]:
    return [c for c in value if isinstance(c, Mapping)] if isinstance(value, list) else []


def _whose(table: str, made: Mapping[str, Any]) -> str:
    if table == "learner":
        return f"the employer's {made.get('decision')}"
    return f"the {made.get('party')}'s"
