"""A portfolio in one zip a learner can take with them, and back: ``portfolio export`` and ``import``.

The zip holds the portfolio file byte for byte, its kept attachments in the same content-addressed
layout as beside the portfolio (``<name>.files/ab/abcdef...``), the HTML evidence pack as
``index.html``, one folder per criterion kind (Knowledge, Skills, Behaviours) with a short page per
piece of evidence, and ``portfolio-export.json``: the manifest naming every member with its sha256.
A portfolio from a cohort folder brings a copy of its roster (``cohort-roster.json``, the manifest's
``roster``): its signed history says who was allowed to make each change, so ``portfolio verify`` of
the unpacked copy with only the allowed-signers file checks that too (review F20). It names the
cohort's accounts and their portfolios' file names, nothing else.

Import trusts nothing in the zip. Before anything is written it checks that the zip is one of
ours (manifest, format, version), that no member name leaves DEST (absolute, ``..``, backslashes,
drive letters: zip-slip), that the whole is within the size limit (declared sizes and, while
reading, actual bytes: a zip bomb is stopped), that the portfolio's name is a plain file name, that
the manifest lists exactly the attachments the portfolio's evidence names (each within the file limit),
and that every file's hash is the manifest's. The files are then streamed (never held whole) into a
hidden folder inside DEST, the portfolio is read back and its record verified, and only then moved
into place, through store folders entered without following links; a failure removes the hidden
folder. An existing portfolio is never overwritten. Before it is placed, the staged copy gets a signed
``import`` audit entry (``portfolios.record_import``): who imported it, when, from which file and that file's
sha256, so the import is in the portfolio's own history and ``verify`` checks who made it; the rest of the file
is byte for byte the exported one's.
"""

from __future__ import annotations

import glob
import hashlib
import io
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from portfolio_tui import roster as roster_io
from portfolio_tui import sharing
from portfolio_tui.domain import attachments
from portfolio_tui.domain.signatures import Anchors
from portfolio_tui.domain.text import clean_text, utf8
from portfolio_tui.jsonfile import loads_strict
from portfolio_tui.services.access import authorize
from portfolio_tui.services.errors import InputError
from portfolio_tui.services.report import KIND_FOLDERS, OTHER_FOLDER, CriterionEntry, EvidenceLine, Report
from portfolio_tui.services.validation import shown
from portfolio_tui.store import file_store, persistence, receipts, size_limit
from portfolio_tui.store.files import ROSTER_FILE

FORMAT = "portfolio-tui-export"
VERSION = 1
MANIFEST = "portfolio-export.json"
INDEX = "index.html"
ROSTER_MEMBER = "cohort-roster.json"
LIMIT_ENV = "PORTFOLIO_TUI_IMPORT_LIMIT_MB"
DEFAULT_LIMIT_MB = 2048
MAX_MEMBERS = 100_000
_CHUNK = 1 << 20
_DIGEST = re.compile(r"[0-9a-f]{64}\Z")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9 ._-]+")
_PLAIN_NAME = re.compile(r"\w[\w .-]{0,150}\.json\Z")
"""The name an import gives the portfolio in DEST (review R4: the manifest's escape sequences became a file
name and reached the terminal): a word character first (no hidden file), then words, spaces, dots and dashes."""
MANIFEST_LIMIT = 16 << 20
"""The largest manifest read: about 80 bytes per attachment; a real one is a few kB."""
FIELD = "zip"


def limit_bytes() -> int:
    """The largest export ``import`` unpacks: ``$PORTFOLIO_TUI_IMPORT_LIMIT_MB`` megabytes (default 2048)."""
    return file_store.megabytes_from_env(LIMIT_ENV, DEFAULT_LIMIT_MB)


files_dir = file_store.store_dir
"""The attachments kept beside a portfolio (``name.json`` keeps them in ``name.files/``)."""


def stored_digests(document: dict[str, Any]) -> list[str]:
    """The sha256 of every kept attachment the portfolio's evidence names, once each, in order."""
    found: dict[str, None] = {}
    for record in (document.get("evidence") or {}).values():
        for entry in record.get("files") or () if isinstance(record, dict) else ():
            digest = attachments.parse(entry).digest if isinstance(entry, str) else ""
            if digest:
                found[digest] = None
    return list(found)


def _blob_member(stem: str, digest: str) -> str:
    return f"{stem}.files/{digest[:2]}/{digest}"


def _safe_name(text: str, limit: int = 60) -> str:
    cleaned = _UNSAFE_NAME.sub("-", text).strip(" .-")[:limit].rstrip(" .-")
    return cleaned or "untitled"


def evidence_pages(report: Report) -> list[tuple[str, CriterionEntry, EvidenceLine]]:
    """Where each piece of evidence goes under each criterion: ``Knowledge/K1/12 Title.md``."""
    pages = []
    for c in report.criteria:
        folder = f"{KIND_FOLDERS.get(c.kind, OTHER_FOLDER)}/{_safe_name(c.id, 30)}"
        pages += [(f"{folder}/{e.id} {_safe_name(e.title)}.md", c, e) for e in c.evidence]
    return pages


def export(path: Path, target: Path, report: Report, index_html: str, pages: dict[str, str]) -> ExportSummary:
    """Write the zip for the portfolio at ``path`` (already viewed through ``report``) to ``target``;
    ``pages`` are the evidence pages by :func:`evidence_pages` name, rendered."""
    data = path.read_bytes()
    document = json.loads(data)
    digests = stored_digests(document)
    sizes = {d: _kept_size(path, d, document) for d in digests}
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "portfolio": path.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "attachments": sizes,
        "generated_at": report.generated_at,
    }
    roster = _roster_copy(path.parent)
    if roster is not None:
        manifest["roster"] = {"member": ROSTER_MEMBER, "sha256": hashlib.sha256(roster).hexdigest(),
                              "size": len(roster)}
    with persistence.writing_atomically(target) as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest, indent=2) + "\n")
        zf.writestr(path.name, data)
        if roster is not None:
            zf.writestr(ROSTER_MEMBER, roster)
        for digest, size in sizes.items():
            _write_blob(zf, path, digest, size, document)
        zf.writestr(INDEX, utf8(index_html))
        for name, page in pages.items():
            zf.writestr(name, utf8(page))
    return ExportSummary(target, len(digests), len(pages))


def _attachment_name(document: dict[str, Any], digest: str) -> str:
    """The name the evidence gives the kept file ``digest`` (for a refusal that names it)."""
    for record in (document.get("evidence") or {}).values():
        for entry in record.get("files") or () if isinstance(record, dict) else ():
            parsed = attachments.parse(entry) if isinstance(entry, str) else None
            if parsed is not None and parsed.digest == digest:
                return parsed.name
    return digest[:12]


def _refuse_blob(document: dict[str, Any], digest: str, why: file_store.BadBlob) -> InputError:
    return InputError("attachments", f"file {clean_text(_attachment_name(document, digest))}: {why}; nothing was "
                                     "written (`portfolio verify` lists every such file)")


def _kept_size(path: Path, digest: str, document: dict[str, Any]) -> int:
    try:
        return file_store.blob_size(path, digest)
    except file_store.BadBlob as exc:
        raise _refuse_blob(document, digest, exc) from None


def _write_blob(zf: zipfile.ZipFile, path: Path, digest: str, size: int, document: dict[str, Any]) -> None:
    """The kept file into the zip, read only through :func:`file_store.read_blob` (no link followed, no pipe
    read, hashed while copied): a planted link to another account's key never reaches a zip handed on."""
    member = zipfile.ZipInfo(_blob_member(path.stem, digest))
    member.compress_type = zipfile.ZIP_DEFLATED
    member.external_attr = 0o644 << 16
    member.file_size = size
    with zf.open(member, "w") as out:
        try:
            copied = file_store.read_blob(path, digest, out.write)
        except file_store.BadBlob as exc:
            raise _refuse_blob(document, digest, exc) from None
    if copied != size:
        changed = file_store.BadBlob(f"{file_store.blob_path(path, digest)} changed while it was exported")
        raise _refuse_blob(document, digest, changed)


def _roster_copy(folder: Path) -> bytes | None:
    """The bytes of ``folder``'s roster, checked (``None`` when it has none); one that fails its checks is
    refused, since an export vouching for who was allowed must not carry a roster nobody can trust."""
    path = roster_io.roster_path(folder)
    try:
        if roster_io.read_roster(folder) is None:
            return None
        raw = path.read_bytes()
        roster_io.check_copy(path, raw.decode("utf-8"), Anchors())
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError("roster", f"{path}: cannot be read ({exc}); nothing was exported") from None
    except roster_io.RosterError as exc:
        raise InputError("roster", f"{exc}; an export carries its cohort's roster, so nothing was exported") from None
    return raw


def exported_roster(portfolio: Path) -> tuple[Path, bytes] | None:
    """The roster copy an unpacked export holds beside ``portfolio`` (its manifest names the portfolio and the
    copy), as ``(path, bytes)``; ``None`` when there is none. :class:`InputError` when the copy is not the
    one the manifest names (its sha256 differs)."""
    folder = portfolio.parent
    try:
        manifest = loads_strict((folder / MANIFEST).read_bytes().decode("utf-8"))
    except (OSError, ValueError):  # JsonFileError too: nested thousands deep (a RecursionError in json.loads)
        return None
    if not isinstance(manifest, dict) or manifest.get("portfolio") != portfolio.name:
        return None
    roster = manifest.get("roster")
    if not isinstance(roster, dict):
        return None
    copy = folder / ROSTER_MEMBER
    try:
        with open(copy, "rb") as handle:
            size_limit.refuse_oversized(copy, os.fstat(handle.fileno()).st_size, "a roster")
            raw = handle.read()
    except OSError as exc:
        raise InputError("roster", f"{copy}: the export's roster cannot be read ({exc.strerror or exc})") from None
    except size_limit.TooLarge as exc:
        raise InputError("roster", f"{copy}: {exc.problem}; not read") from None
    if hashlib.sha256(raw).hexdigest() != roster.get("sha256"):
        raise InputError("roster", f"{copy}: does not match its sha256 in {MANIFEST}: changed after the export")
    return copy, raw


@dataclass(frozen=True)
class ExportSummary:
    target: Path
    attachments: int
    pages: int


@dataclass(frozen=True)
class ImportSummary:
    portfolio: Path
    attachments: int
    roster: bool = False
    """The export carried its cohort's roster, and who made each change was checked against it."""


def _bad(message: str) -> InputError:
    return InputError(FIELD, message)


def _member_path(name: str) -> PurePosixPath:
    """The member's path inside DEST; a name that would leave it (zip-slip) is refused."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or re.match(r"[A-Za-z]:", name):
        raise _bad(f"member {json.dumps(name)} has an unsafe path; nothing was written")
    parts = PurePosixPath(name).parts
    if any(part in ("..", ".") for part in parts) or not parts:
        raise _bad(f"member {json.dumps(name)} has an unsafe path ('..'); nothing was written")
    return PurePosixPath(*parts)


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> bytes:
    """The member's bytes, stopping as soon as they outgrow what its header declared or the limit left."""
    out = io.BytesIO()
    try:
        with zf.open(info) as handle:
            while chunk := handle.read(_CHUNK):
                out.write(chunk)
                budget[0] -= len(chunk)
                if out.tell() > info.file_size or budget[0] < 0:
                    raise _bad("the zip is larger than it says or than the import limit "
                               f"({LIMIT_ENV}); nothing was written")
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise _bad(f"member {json.dumps(info.filename)} cannot be read ({exc}); nothing was written") from None
    return out.getvalue()


def _within_limit(info: zipfile.ZipInfo, source: Path, what: str = "a portfolio") -> zipfile.ZipInfo:
    """The member, unless it says it is larger than a portfolio (or a roster) is read (``store.size_limit``):
    refused before a byte is unpacked (``_read_member`` stops one that outgrows what it says)."""
    try:
        size_limit.refuse_oversized(info.filename, info.file_size, what)
    except size_limit.TooLarge as exc:
        raise _bad(f"{shown(info.filename)} in {source}: {exc.problem}; nothing was written") from None
    return info


def _open_export(source: Path) -> tuple[BinaryIO, str]:
    """The export's file, open, and the sha256 of its bytes (the import's audit entry names it), hashed from the
    one open file the zip is then read from, so the hash is of what was imported."""
    try:
        info = source.stat()
    except OSError as exc:
        raise InputError(FIELD, f"{source}: cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):  # a device or a pipe would be read for ever
        raise _bad(f"{source} is not a portfolio export (not a regular file)")
    size = info.st_size
    if size > limit_bytes():
        raise _bad(f"{source} is {size} bytes, over the import limit of {limit_bytes()} ({LIMIT_ENV})")
    try:
        raw = open(source, "rb")  # closed by import_zip, once the zip is read
    except OSError as exc:
        raise InputError(FIELD, f"{source}: cannot be read ({exc.strerror or exc})") from None
    try:
        sha = hashlib.sha256()
        while chunk := raw.read(_CHUNK):
            sha.update(chunk)
        raw.seek(0)
    except OSError as exc:
        raw.close()
        raise InputError(FIELD, f"{source}: cannot be read ({exc.strerror or exc})") from None
    return raw, sha.hexdigest()


def _open_zip(raw: BinaryIO, source: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(raw)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _bad(f"{source} is not a portfolio export (not a zip file: {exc})") from None


def _manifest(zf: zipfile.ZipFile, source: Path, budget: list[int]) -> dict[str, Any]:
    try:
        info = zf.getinfo(MANIFEST)
    except KeyError:
        raise _bad(f"{source} is not a portfolio export (no {MANIFEST})") from None
    if info.file_size > MANIFEST_LIMIT:
        raise _bad(f"{source} is not a portfolio export ({MANIFEST} is {info.file_size} bytes; an export's "
                   f"is under {MANIFEST_LIMIT})")
    try:
        manifest = loads_strict(_read_member(zf, info, [min(budget[0], MANIFEST_LIMIT)]).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):  # JsonFileError: not JSON, duplicate keys, nested thousands deep
        raise _bad(f"{source} is not a portfolio export ({MANIFEST} is not JSON)") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _bad(f"{source} is not a portfolio export ({MANIFEST} names another format)")
    if manifest.get("version") != VERSION:
        raise _bad(f"{source} is a version {shown(manifest.get('version'))} export; this version reads {VERSION}")
    name, attachments = manifest.get("portfolio"), manifest.get("attachments")
    if not isinstance(attachments, dict) or not all(_DIGEST.match(str(d)) for d in attachments):
        raise _bad(f"{source} is not a portfolio export ({MANIFEST} is incomplete)")
    if not isinstance(name, str) or not _PLAIN_NAME.match(name) or name.lower() == ROSTER_FILE:
        raise _bad(f"{source} names its portfolio {shown(name)}, not a plain file name like ann.json (letters, "
                   "digits, space, '.', '_' or '-'; not roster.json); nothing was written")
    return manifest


def import_zip(source: Path, dest: Path, check: Callable[[Path, Path], None]) -> ImportSummary:
    """Unpack the export at ``source`` into the folder ``dest``; ``check(path, dest)`` reads the portfolio
    back and raises if it is not sound. Raises :class:`InputError` (nothing
    written) on anything wrong, and :class:`~portfolio_tui.domain.roles.NotAllowed` unless this account may
    start a portfolio in ``dest`` (a tutor, in a folder with a roster): an import is a new portfolio."""
    raw, digest = _open_export(source)
    with raw, _open_zip(raw, source) as zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _bad(f"{source} has {len(infos)} members, more than an export ever holds")
        for info in infos:
            _member_path(info.filename)
        declared = sum(i.file_size for i in infos)
        if declared > limit_bytes():
            raise _bad(f"{source} unpacks to {declared} bytes, over the import limit of {limit_bytes()} "
                       f"({LIMIT_ENV}); nothing was written")
        budget = [limit_bytes()]
        manifest = _manifest(zf, source, budget)
        name = manifest["portfolio"]
        target = dest / name
        authorize(target, "portfolio.setup")
        if target.exists():
            raise InputError("DEST", f"{target} already exists; import into another folder (nothing was written)")
        try:
            data = _read_member(zf, _within_limit(zf.getinfo(name), source), budget)
        except KeyError:
            raise _bad(f"{source} is not a portfolio export (no {name})") from None
        if hashlib.sha256(data).hexdigest() != manifest.get("sha256"):
            raise _bad(f"{name} in {source} does not match its sha256 in {MANIFEST}; nothing was written")
        members = _attachment_members(zf, source, name, data, manifest["attachments"])
        extra = _roster_member(zf, source, manifest, budget)
        imported = _Imported(clean_text(source.name), digest)
        summary = _place(zf, dest, name, data, members, budget, check, imported, extra)
    from portfolio_tui.services.portfolios import record_made  # (the portfolio service, only once placed)

    record_made(summary.portfolio, _genesis(data))
    return summary


def _genesis(data: bytes) -> str:
    """The hash of the first audit entry of a portfolio's bytes (already read back and verified), whatever its
    schema version: upgrading keeps it (to version 3 only the number changes; to version 2 the entries are chained
    as found, and a file whose record verifies is chained so already). A file from before signing was once left
    unrecorded, and the roster's record of an earlier portfolio by its name stood: verify called the honest
    import ``replaced``."""
    document = json.loads(data)
    audit = document.get("audit") if isinstance(document, dict) else None
    return receipts.genesis_of(audit) if isinstance(audit, dict) else ""


def _attachment_members(
    zf: zipfile.ZipFile, source: Path, name: str, data: bytes, listed: dict[str, Any]
) -> dict[str, zipfile.ZipInfo]:
    """Each attachment the portfolio's evidence names -> its member. The manifest must list exactly
    those: one no evidence names would be written for nothing (review R3: 1.9 GB from a 1.9 MB zip),
    and each must be within the file limit, as any file added to evidence is."""
    try:
        document = loads_strict(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):  # JsonFileError too: nested thousands deep, duplicate keys
        raise _bad(f"{name} in {source} is not a portfolio (not JSON); nothing was written") from None
    named = stored_digests(document) if isinstance(document, dict) else []
    naming = set(named)
    extra = [d for d in listed if d not in naming]
    if extra:
        raise _bad(f"{source} carries the attachment {extra[0][:12]}…, which no evidence in {name} names; "
                   "nothing was written")
    limit = file_store.limit_bytes()
    members = {}
    for digest in named:
        member = _blob_member(PurePosixPath(name).stem, digest)
        try:
            info = zf.getinfo(member)
        except KeyError:
            raise _bad(f"{source} lacks the attachment {member}; nothing was written") from None
        if digest not in listed:
            raise _bad(f"{MANIFEST} in {source} does not list the attachment {member}; nothing was written")
        if info.file_size > limit:
            raise _bad(f"{member} in {source} is {info.file_size} bytes, over the file limit of {limit} "
                       f"({file_store.LIMIT_ENV}); nothing was written")
        members[digest] = info
    return members


def _stage_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, digest: str, path: Path, budget: list[int], dest: Path
) -> None:
    """The member streamed into the new file ``path`` while hashed (never held whole in memory), stopped
    as soon as it outgrows its header, the file limit or the import limit; refused unless it is its name."""
    limit = min(info.file_size, file_store.limit_bytes())
    sha = hashlib.sha256()
    size = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        sharing.prepare_new_file(fd, dest)
        try:
            with zf.open(info) as handle:
                while chunk := handle.read(_CHUNK):
                    size += len(chunk)
                    budget[0] -= len(chunk)
                    if size > limit or budget[0] < 0:
                        raise _bad("the zip is larger than it says or than the import limit "
                                   f"({LIMIT_ENV}); nothing was written")
                    sha.update(chunk)
                    persistence.write_all(fd, chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            raise _bad(f"member {json.dumps(info.filename)} cannot be read ({exc}); nothing was written") from None
        if sha.hexdigest() != digest:
            raise _bad(f"{info.filename} does not match its name (sha256); nothing was written")
        os.fsync(fd)
    finally:
        os.close(fd)


def _roster_member(zf: zipfile.ZipFile, source: Path, manifest: dict[str, Any], budget: list[int]
                   ) -> dict[str, bytes]:
    """The export's roster copy and its manifest, to unpack beside the staged portfolio so that checking it
    asks that roster who was allowed; none when the export carries no roster."""
    roster = manifest.get("roster")
    if roster is None:
        return {}
    if not isinstance(roster, dict) or roster.get("member") != ROSTER_MEMBER:
        raise _bad(f"{source} is not a portfolio export ({MANIFEST} names its roster wrongly)")
    try:
        raw = _read_member(zf, _within_limit(zf.getinfo(ROSTER_MEMBER), source, "a roster"), budget)
    except KeyError:
        raise _bad(f"{source} lacks {ROSTER_MEMBER}, which {MANIFEST} names; nothing was written") from None
    if hashlib.sha256(raw).hexdigest() != roster.get("sha256"):
        raise _bad(f"{ROSTER_MEMBER} in {source} does not match its sha256 in {MANIFEST}; nothing was written")
    return {ROSTER_MEMBER: raw, MANIFEST: json.dumps(manifest).encode("utf-8")}


@dataclass(frozen=True)
class _Imported:
    """What the import's audit entry says it came from: the export's file name and its sha256."""

    source: str
    sha256: str


def _place(
    zf: zipfile.ZipFile, dest: Path, name: str, data: bytes, members: dict[str, zipfile.ZipInfo],
    budget: list[int], check: Callable[[Path, Path], None], imported: _Imported,
    beside: dict[str, bytes] | None = None,
) -> ImportSummary:
    try:
        persistence.make_folders(dest)
        staging = Path(tempfile.mkdtemp(dir=dest, prefix=".import-"))
    except OSError as exc:
        raise InputError("DEST", f"{dest}: cannot be written ({exc.strerror or exc}); nothing was written") from None
    try:
        staged = staging / name
        persistence.write_new(staged, data, cohort=dest)
        for digest, info in members.items():
            blob = file_store.blob_path(staged, digest)
            blob.parent.mkdir(parents=True, exist_ok=True)
            _stage_member(zf, info, digest, blob, budget, dest)
        for member, content in (beside or {}).items():  # checked with the staged copy, never placed in DEST
            persistence.write_new(staging / member, content, cohort=dest)
        check(staged, dest)
        target = dest / name
        _record(staged, target, imported)
        for backup in staging.glob(f"{glob.escape(name)}.v*.bak"):  # the original of an older file it upgraded:
            persistence.place_new(backup, dest / backup.name)  # first, as one already there refuses the import
        for digest in members:
            file_store.place_kept(target, digest, file_store.blob_path(staged, digest))
        persistence.place_new(staged, target)
    except FileExistsError as exc:
        raise InputError("DEST", f"{exc.filename or dest / name} already exists; import into another folder "
                                 "(nothing was written)") from None
    except OSError as exc:
        raise InputError("DEST", f"{dest}: cannot be written ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ImportSummary(dest / name, len(members), bool(beside))


def _record(staged: Path, target: Path, imported: _Imported) -> None:
    """The import's signed audit entry, in the staged copy before it is placed (``portfolios.record_import``)."""
    from portfolio_tui.services.portfolios import record_import
    from portfolio_tui.store.errors import StoreError

    try:
        record_import(staged, target, imported.source, imported.sha256)
    except StoreError as exc:  # it names the hidden staging copy: name the zip's member instead
        why = str(exc).replace(str(staged), f"{staged.name} in the zip").replace(" (the file was left as it is)", "")
        raise InputError(FIELD, f"{why}; nothing was written") from None
