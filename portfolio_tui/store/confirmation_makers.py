"""Which audit entry made each confirmation a record holds: the one that lists it, in its own name (review R7-18).

A confirmation (a party's of a progress review, the employer's of one of its decisions on the learner's record)
holds the account that made it (``by``) and when (``at``), which the services write as the ``by`` and ``at`` of
the audit entry recording the change, and that entry lists it among its ``changes`` (``from``/``to``), or adds
the record holding it. A confirmation is made by such an entry, not by any entry of its account: counting one
whenever an entry of ``by`` at ``at`` touched the record let another account put one in, dated as that account's
entry, in an edit of its own that listed something else.

``verify`` asks this of the entries it trusts (``services.confirmation_check``), and of the maker whether the
roster made its signer that party; readers ask it of every entry (``store.audit_index.Fingerprints``), and do not
believe a record holding a confirmation no entry made. An unsigned entry (history from before signing) vouches
for any confirmation of its account and moment on its record, as verify always took that history's word.
"""

from __future__ import annotations

from collections.abc import Mapping

from portfolio_tui.domain.audit_chain import SIG_FIELD, canonical, record_digest, undone

TYPE_CHECKING = False  # (typing costs the gateway's start-up)
if TYPE_CHECKING:
    from typing import Any

    Made = tuple[str, Mapping[str, Any]]
    """(audit id, entry) of the entry that made a confirmation."""

CONFIRMED_FIELDS: dict[str, str] = {"reviews": "confirmations", "learner": "employer_confirmations"}
"""The tables whose records hold confirmations, and the field that holds them."""

ADDING = frozenset({"add", "create"})
LOOSE = frozenset({"add", "create", "edit"})

Key = tuple[str, str]


class Makers:
    """The confirmations each entry made, followed entry by entry (in any order: each is the entry's own word)."""

    __slots__ = ("listed", "adding", "loose", "entries", "at_adding", "deleted")

    def __init__(self) -> None:
        self.listed: dict[Key, dict[bytes, Made]] = {}
        """Record -> canonical confirmation -> the entry listing it as added (in its ``to``, not its ``from``)."""
        self.adding: dict[Key, dict[tuple[Any, Any], Made]] = {}
        """Record -> (by, at) -> the entry that added the record then (it may hold its adder's own confirmation)."""
        self.loose: dict[Key, dict[tuple[Any, Any], Made]] = {}
        """Record -> (by, at) -> an unsigned entry of then: history from before signing vouches for itself."""
        self.entries: dict[Key, list[tuple[int, Mapping[str, Any]]]] = {}
        """Record -> (audit id, entry) of each entry fingerprinting it, to walk back to what its adding held."""
        self.at_adding: dict[Key, frozenset[bytes] | None] = {}
        """Record -> the confirmations it held as added (``None``: not to be told), once asked."""
        self.deleted: dict[Key, int] = {}
        """Record -> the audit id of its newest deletion: no entry before it made anything of the record now under
        its id (review F12: a review deleted and added again kept the provider's confirmation of the old one)."""

    def entry(self, audit_id: str, entry: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        """Take in an entry; returns the confirmations it lists as added in another's name (forged, by its signer)."""
        table = entry.get("table")
        field = CONFIRMED_FIELDS.get(table) if isinstance(table, str) else None
        if field is None or entry.get("record") is None:
            return []
        key = (str(table), str(entry.get("record")))
        who = (entry.get("by"), entry.get("at"))
        action = entry.get("action")
        if "record_hash" in entry and audit_id.isdigit():
            self.entries.setdefault(key, []).append((int(audit_id), entry))
            if entry["record_hash"] is None:
                self.deleted[key] = max(int(audit_id), self.deleted.get(key, 0))
        if SIG_FIELD not in entry and action in LOOSE:
            _newest(self.loose.setdefault(key, {}), who, (audit_id, entry))
        if action in ADDING:
            _newest(self.adding.setdefault(key, {}), who, (audit_id, entry))
        changes = entry.get("changes")
        change = changes.get(field) if isinstance(changes, Mapping) else None
        if not isinstance(change, Mapping):
            return []
        before = {canonical(c) for c in listed(change.get("from"))}
        others = []
        made_here = self.listed.setdefault(key, {})
        for made in listed(change.get("to")):
            text = canonical(made)
            if text in before:
                continue
            if (made.get("by"), made.get("at")) == who:
                _newest(made_here, text, (audit_id, entry))
            else:
                others.append(made)
        return others

    def maker(self, table: str, record_id: str, made: Mapping[str, Any], record: Any) -> Made | None:
        """The entry that made the confirmation ``made`` of ``record`` (as it stands), or ``None``: no entry did.

        One made by the entry that added the record was in it then: the record is walked back from how it stands,
        each later edit undone (``audit_chain.undone``), to what that entry wrote; a confirmation put in later by
        an edit that lists something else, dated as the adding, is not (a walk that cannot be made, an edit that
        changed more than it lists, makes none)."""
        key = (table, record_id)
        text = canonical(made)
        since = self.deleted.get(key, 0)
        found = self.listed.get(key, {}).get(text)
        if found is not None and _order(found) > since:
            return found
        who = (made.get("by"), made.get("at"))
        found = self.loose.get(key, {}).get(who)
        if found is not None and _order(found) > since:
            return found
        found = self.adding.get(key, {}).get(who)
        if found is None or _order(found) <= since:
            return None
        if key not in self.at_adding:
            self.at_adding[key] = self._held_as_added(key, found, record)
        held = self.at_adding[key]
        return found if held is None or text in held else None

    def _held_as_added(self, key: Key, adding: Made, record: Any) -> frozenset[bytes] | None:
        """The confirmations ``record`` held as the entry ``adding`` added it (empty: not as the entries say it
        came to be); ``None`` where what came before cannot be told (a repair took the record in as found)."""
        entries = sorted(self.entries.get(key, ()), key=lambda item: item[0])
        start = next((n for n, (audit_id, _) in enumerate(entries) if str(audit_id) == adding[0]), None)
        if start is None or not isinstance(record, Mapping) or record_digest(record) != entries[-1][1].get(
                "record_hash"):
            return frozenset()
        state: dict[str, Any] = dict(record)
        for (_, entry), (_, before) in zip(reversed(entries[start + 1:]), reversed(entries[start:-1]), strict=True):
            changes = entry.get("changes")
            if entry.get("action") in ("seal", "migrate") or before.get("action") in ("seal", "migrate"):
                return None
            found = undone(state, changes, before, before.get("record_hash")) if isinstance(
                changes, Mapping) and changes else None
            if found is None:
                return frozenset()
            state = found
        return frozenset(canonical(c) for c in listed(state.get(CONFIRMED_FIELDS[key[0]])))

    def unmade(self, table: str, record_id: str, record: Any) -> list[Mapping[str, Any]]:
        """The confirmations ``record`` holds that no entry made."""
        held = record.get(CONFIRMED_FIELDS[table]) if isinstance(record, Mapping) else None
        return [made for made in listed(held) if self.maker(table, record_id, made, record) is None]


def _order(made: Made) -> int:
    return int(made[0]) if made[0].isdigit() else 0


def _newest(found: dict[Any, Made], key: Any, made: Made) -> None:
    """Keep ``made`` for ``key`` unless a newer entry is kept (entries come in any order)."""
    held = found.get(key)
    if held is None or _order(made) > _order(held):
        found[key] = made


def listed(value: Any) -> list[Mapping[str, Any]]:
    return [c for c in value if isinstance(c, Mapping)] if isinstance(value, list) else []
