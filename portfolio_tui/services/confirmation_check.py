"""``portfolio verify``'s check that each confirmation was made by the account it names.

A confirmation (a party's confirmation of a progress review, the employer's confirmation of one of its
decisions on the learner's record) holds the account that made it (``by``) and when (``at``): the
services write both from the account saving, at the time of saving, which are also the ``by`` and
``at`` of the audit entry that records the change. So:

* a signed entry that adds a confirmation (one in its ``changes``' ``to`` and not in its ``from``)
  names itself in it: a confirmation naming anyone else, or another time, was written in their name;
* every confirmation the file holds was made by an entry on that record, trusted by the signature
  checks, that lists it among its changes or added the record holding it, with the confirmation's account and
  time (legacy history from before signing vouches for itself, as it does for judgements): one no such entry
  made was put in by hand, or by an entry that was not allowed to make it, or slipped into an edit of something
  else (review R7-18: any entry of the account on the record used to do);
* with a roster, a confirmation a signed entry made is as the party the roster, as it stood then, made its
  account for this portfolio: holding ``review.confirm`` is not enough (every role holds it), and a copy
  changed where no roster stood in the way must not pass for the party's own word.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.audit_chain import Break
from portfolio_tui.store.confirmation_makers import CONFIRMED_FIELDS, Makers, listed

FORGED = "forged"
NOT_HIS = "not-allowed"



def breaks(document: Mapping[str, Any], trusted: Iterable[tuple[str, Mapping[str, Any]]],
           signed: Iterable[str], parties_of: Callable[[str, str], tuple[str, ...]] | None = None) -> list[Break]:
    """The confirmations of ``document`` not made by the account they name, or made as a party not theirs.

    ``trusted`` are the audit entries the signature checks trust, in order (legacy ones first); ``signed``
    the ids of the signed ones among them, whose added confirmations are held to their signer.
    ``parties_of(account, at)``: the parties the roster, as it stood at ``at``, makes ``account`` for this
    portfolio (a review's apprentice, employer or provider; ``employer`` for its line manager, who confirms
    the employer's decisions); ``None`` without a roster to ask. A confirmation made by a signed entry as a
    party the roster did not make its account (an apprentice confirming as the provider in a private copy,
    with no roster there to stop them, moved back) is a break. Each confirmation is held to the entry that
    made it (``store.confirmation_makers``), not to any entry of its account on the record (review R7-18).
    """
    signed = set(signed)
    makers = Makers()
    found: list[Break] = []
    for audit_id, entry in trusted:
        others = makers.entry(audit_id, entry)
        if audit_id not in signed:
            continue
        table = str(entry.get("table"))
        for made in others:
            found.append(Break(f"audit {audit_id}", FORGED, f"adds {_whose(table, made)} confirmation in the name "
                               f"of {made.get('by')}, but is signed by {entry.get('by')}: forged"))
    for table, field in CONFIRMED_FIELDS.items():
        rows = document.get(table)
        for record_id, record in audit_chain.ordered(rows if isinstance(rows, Mapping) else {}):
            for made in listed(record.get(field) if isinstance(record, Mapping) else None):
                maker = makers.maker(table, str(record_id), made, record)
                if maker is None:
                    found.append(Break(f"{table} {record_id}", FORGED, f"holds {_whose(table, made)} confirmation "
                                       f"by {made.get('by')} at {made.get('at')} that no entry of that account "
                                       "made: forged"))
                elif parties_of is not None and maker[0] in signed and made.get("party") not in parties_of(
                        str(made.get("by")), str(made.get("at"))):
                    theirs = " or the ".join(parties_of(str(made.get("by")), str(made.get("at")))) or "no party"
                    found.append(Break(f"{table} {record_id}", NOT_HIS, f"holds a confirmation as the "
                                       f"{made.get('party')} by {made.get('by')}, whom the roster made the {theirs} "
                                       "then: made in another party's name"))
    return found


def _whose(table: str, made: Mapping[str, Any]) -> str:
    if table == "learner":
        return f"the employer's {made.get('decision')}"
    return f"the {made.get('party')}'s"
