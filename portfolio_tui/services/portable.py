"""A portfolio in one zip a learner can take with them, and back: ``portfolio export`` and ``import``.

The zip holds the portfolio file byte for byte, its kept attachments in the same content-addressed
layout as beside the portfolio (``<name>.files/ab/abcdef...``), the HTML evidence pack as
``index.html``, one folder per criterion kind (Knowledge, Skills, Behaviours) with a short page per
piece of evidence, and ``portfolio-export.json``: the manifest naming every member with its sha256.

Import trusts nothing in the zip. Before anything is written it checks that the zip is one of
ours (manifest, format, version), that no member name leaves DEST (absolute, ``..``, backslashes,
drive letters: zip-slip), that the whole is within the size limit (declared sizes and, while
reading, actual bytes: a zip bomb is stopped), and that every file's hash is the manifest's. The
files are then written into a hidden folder inside DEST, the portfolio is read back and its record
verified, and only then renamed into place; a failure removes the hidden folder. An existing
portfolio is never overwritten.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from portfolio_tui.domain import attachments
from portfolio_tui.domain.text import clean_text, utf8
from portfolio_tui.services.access import authorize
from portfolio_tui.services.errors import InputError
from portfolio_tui.services.report import KIND_FOLDERS, OTHER_FOLDER, CriterionEntry, EvidenceLine, Report
from portfolio_tui.store import file_store, persistence

FORMAT = "portfolio-tui-export"
VERSION = 1
MANIFEST = "portfolio-export.json"
INDEX = "index.html"
LIMIT_ENV = "PORTFOLIO_TUI_IMPORT_LIMIT_MB"
DEFAULT_LIMIT_MB = 2048
MAX_MEMBERS = 100_000
_CHUNK = 1 << 20
_DIGEST = re.compile(r"[0-9a-f]{64}\Z")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9 ._-]+")
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
    with persistence.writing_atomically(target) as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest, indent=2) + "\n")
        zf.writestr(path.name, data)
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


@dataclass(frozen=True)
class ExportSummary:
    target: Path
    attachments: int
    pages: int


@dataclass(frozen=True)
class ImportSummary:
    portfolio: Path
    attachments: int


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


def _open_zip(source: Path) -> zipfile.ZipFile:
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
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _bad(f"{source} is not a portfolio export (not a zip file: {exc})") from None


def _manifest(zf: zipfile.ZipFile, source: Path, budget: list[int]) -> dict[str, Any]:
    try:
        info = zf.getinfo(MANIFEST)
    except KeyError:
        raise _bad(f"{source} is not a portfolio export (no {MANIFEST})") from None
    try:
        manifest = json.loads(_read_member(zf, info, budget))
    except (ValueError, UnicodeDecodeError):
        raise _bad(f"{source} is not a portfolio export ({MANIFEST} is not JSON)") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _bad(f"{source} is not a portfolio export ({MANIFEST} names another format)")
    if manifest.get("version") != VERSION:
        raise _bad(f"{source} is a version {manifest.get('version')!r} export; this version reads {VERSION}")
    name, attachments = manifest.get("portfolio"), manifest.get("attachments")
    if (not isinstance(name, str) or not name.endswith(".json") or "/" in name or name.startswith(".")
            or not isinstance(attachments, dict) or not all(_DIGEST.match(str(d)) for d in attachments)):
        raise _bad(f"{source} is not a portfolio export ({MANIFEST} is incomplete)")
    return manifest


def import_zip(source: Path, dest: Path, check: Callable[[Path, Path], None]) -> ImportSummary:
    """Unpack the export at ``source`` into the folder ``dest``; ``check(path, dest)`` reads the portfolio
    back and raises if it is not sound. Raises :class:`InputError` (nothing
    written) on anything wrong, and :class:`~portfolio_tui.domain.roles.NotAllowed` unless this account may
    start a portfolio in ``dest`` (a tutor, in a folder with a roster): an import is a new portfolio."""
    zf = _open_zip(source)
    with zf:
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
            data = _read_member(zf, zf.getinfo(name), budget)
        except KeyError:
            raise _bad(f"{source} is not a portfolio export (no {name})") from None
        if hashlib.sha256(data).hexdigest() != manifest.get("sha256"):
            raise _bad(f"{name} in {source} does not match its sha256 in {MANIFEST}; nothing was written")
        stem = PurePosixPath(name).stem
        blobs: dict[str, bytes] = {}
        for digest in manifest["attachments"]:
            member = _blob_member(stem, digest)
            try:
                blob = _read_member(zf, zf.getinfo(member), budget)
            except KeyError:
                raise _bad(f"{source} lacks the attachment {member}; nothing was written") from None
            if hashlib.sha256(blob).hexdigest() != digest:
                raise _bad(f"{member} in {source} does not match its name (sha256); nothing was written")
            blobs[digest] = blob
    return _place(dest, name, data, blobs, check)


def _place(
    dest: Path, name: str, data: bytes, blobs: dict[str, bytes], check: Callable[[Path, Path], None]
) -> ImportSummary:
    try:
        dest.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=dest, prefix=".import-"))
    except OSError as exc:
        raise InputError("DEST", f"{dest}: cannot be written ({exc.strerror or exc}); nothing was written") from None
    try:
        staged = staging / name
        persistence.write_new(staged, data, cohort=dest)
        for digest, blob in blobs.items():
            blob_path = files_dir(staged) / digest[:2] / digest
            blob_path.parent.mkdir(parents=True, exist_ok=True)
            persistence.write_new(blob_path, blob, cohort=dest)
        check(staged, dest)
        target = dest / name
        store = files_dir(target)
        for digest in blobs:
            final = store / digest[:2] / digest
            final.parent.mkdir(parents=True, exist_ok=True)
            with suppress(FileExistsError):  # kept already: the same name is the same content
                persistence.place_new(files_dir(staged) / digest[:2] / digest, final)
        persistence.place_new(staged, target)
    except FileExistsError:
        raise InputError("DEST", f"{dest / name} already exists; import into another folder") from None
    except OSError as exc:
        raise InputError("DEST", f"{dest}: cannot be written ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ImportSummary(dest / name, len(blobs))

