"""``gateway --json`` keeps each file's entry (``services.gateway_cache``), one pack per folder, and never
shows a stale one.

Not timed. Each test first proves the entry is used: it forges the kept entry (a learner named
FORGED, its digest and the pack's index made good, as only this account could write it) and sees the
forgery printed.
Then it changes what the entry depends on, as another process would, and the forgery must be gone:
the output is then byte for byte what ``--no-cache`` prints.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from portfolio_tui import locations
from portfolio_tui.cli import main
from portfolio_tui.locations import samples_dir
from portfolio_tui.store import own_files, result_cache
from portfolio_tui.store.lock import lock_path
from tests.functional import os_accounts

AS_OF = "2026-11-24"
SAMPLE = "odo-nearly-ready.json"
NAME = b'"name":"Priya Shah"'

# Another process changes the learner's name in place, the same size, and puts the mtime back.
IN_PLACE = """
import os, sys
path, old, new = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
before = os.stat(path)
with open(path, "r+b") as handle:
    data = handle.read()
    handle.seek(data.index(old))
    handle.write(new)
os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
"""

# Another process writes a new file beside it and renames it over the portfolio, mtime put back.
RENAME_OVER = """
import os, sys
path, old, new = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
before = os.stat(path)
with open(path, "rb") as handle:
    data = handle.read()
with open(path + ".new", "wb") as handle:
    handle.write(data.replace(old, new, 1))
os.utime(path + ".new", ns=(before.st_atime_ns, before.st_mtime_ns))
os.replace(path + ".new", path)
"""


@pytest.fixture
def cohort(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The samples in a folder, read by a gateway that keeps files however recently they changed
    (the tests wait out the clock tick themselves before each change)."""
    folder = tmp_path / "cohort"
    folder.mkdir()
    for sample in sorted(samples_dir().glob("*.json")):
        (folder / sample.name).write_bytes(sample.read_bytes())
    monkeypatch.setattr(result_cache, "RACY_NS", 0)
    return folder


def gateway(capsys: pytest.CaptureFixture[str], *argv: object, as_of: str = AS_OF) -> tuple[int, str]:
    code = main(["gateway", *map(str, argv), "--json", "--as-of", as_of])
    out, err = capsys.readouterr()
    return code, out + err


def pack_of(path: Path) -> Path:
    """The pack that holds the entry for ``path`` (one per folder)."""
    return locations.data_dir() / result_cache.FOLDER / (own_files.note_name(path.parent) + ".pack")


def entries_in(pack: Path) -> dict[str, bytes]:
    """The entries of ``pack`` by name, read as the module docstring says a pack is laid out."""
    data = pack.read_bytes()
    assert data.startswith(b"portfolio-tui result pack 1\n")
    word, start, digest = data[data.rindex(b"\n", 0, len(data) - 1) + 1:].split()
    assert word == b"index"
    index = data[int(start):len(data) - 92]
    assert hashlib.sha256(index).hexdigest().encode() == digest
    found = {}
    for row in index.splitlines():
        name, at, length = row.decode().split()
        found[name] = data[int(at):int(at) + int(length)]
    return found


def write_pack(pack: Path, entries: dict[str, bytes]) -> None:
    """Write ``entries`` as a whole pack, its index and digest good (as this account's own code would)."""
    body, rows = b"portfolio-tui result pack 1\n", []
    for name, entry in entries.items():
        rows.append(f"{name} {len(body)} {len(entry)}\n".encode())
        body += entry
    index = b"".join(rows)
    pack.write_bytes(body + index + b"index %020d %s\n" % (len(body), hashlib.sha256(index).hexdigest().encode()))
    pack.chmod(0o600)


def forged_entry(entry: bytes) -> bytes:
    """``entry`` naming its learner FORGED, with a digest that matches."""
    lines = entry.split(b"\n", 4)
    payload = lines[4].replace(b'"learner": "Priya Shah"', b'"learner": "FORGED"')
    assert payload != lines[4]
    forged = payload.replace(b'"title":["Priya Shah"', b'"title":["FORGED"', 1)  # the card, for the table
    assert forged != payload
    payload = forged
    lines[3] = hashlib.sha256(payload).hexdigest().encode()
    lines[4] = payload
    return b"\n".join(lines)


def forge(path: Path) -> None:
    """Make the kept entry for ``path`` name its learner FORGED, with its digest and the pack's made good."""
    forge_in(pack_of(path), path)


def forge_in(pack: Path, path: Path) -> None:
    entries = entries_in(pack)
    name = own_files.note_name(path)
    entries[name] = forged_entry(entries[name])
    write_pack(pack, entries)


def cached_then_forged(capsys: pytest.CaptureFixture[str], folder: Path) -> str:
    """Run once to keep the entries, forge one, and show the forgery is what the next run prints."""
    first = gateway(capsys, folder)
    forge(folder / SAMPLE)
    forged = gateway(capsys, folder)
    assert "FORGED" in forged[1] and forged[1].replace("FORGED", "Priya Shah") == first[1]
    time.sleep(0.05)  # past the file system's clock tick, as RACY_NS would wait
    return first[1]


def fresh(capsys: pytest.CaptureFixture[str], folder: Path, as_of: str = AS_OF) -> tuple[int, str]:
    return gateway(capsys, folder, "--no-cache", as_of=as_of)


def test_warm_output_is_the_cold_output_byte_for_byte(cohort: Path, capsys) -> None:
    cold = gateway(capsys, cohort)
    folder = locations.data_dir() / result_cache.FOLDER
    pack = pack_of(cohort / SAMPLE)
    assert list(folder.iterdir()) == [pack]  # one file for the whole folder, nothing left half written
    assert sorted(entries_in(pack)) == sorted(own_files.note_name(p) for p in cohort.glob("*.json"))
    assert folder.stat().st_mode & 0o777 == 0o700
    assert pack.stat().st_mode & 0o777 == 0o600
    assert not list(cohort.glob(".*"))  # nothing written in the cohort's folder: not even a lock file
    before = pack.stat()
    warm = gateway(capsys, cohort)
    assert warm == cold == fresh(capsys, cohort)
    after = pack.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # every entry good: not rewritten


@pytest.mark.parametrize("writer", [IN_PLACE, RENAME_OVER], ids=["in place, same size, mtime put back", "rename over"])
def test_another_process_s_write_invalidates_the_entry(cohort: Path, capsys, writer: str) -> None:
    cached_then_forged(capsys, cohort)
    path = cohort / SAMPLE
    before = os.stat(path)
    subprocess.run([sys.executable, "-c", writer, str(path), NAME.decode(), NAME.decode().replace("Shah", "Shaw")],
                   check=True)
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    code, out = gateway(capsys, cohort)
    assert "FORGED" not in out and '"learner": "Priya Shaw"' in out
    assert (code, out) == fresh(capsys, cohort)
    assert gateway(capsys, cohort) == (code, out)  # kept anew, as it now is


def table(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str]:
    """``gateway`` in its table form (not a terminal: drawn without Rich, as Rich would)."""
    code = main(["gateway", *map(str, argv), "--as-of", AS_OF])
    out, err = capsys.readouterr()
    return code, out + err


def test_the_table_is_drawn_from_the_entries_json_keeps_and_keeps_them_too(cohort: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # no title wrapped
    fresh_table = table(capsys, cohort, "--no-cache")
    assert not (locations.data_dir() / result_cache.FOLDER).exists()  # --no-cache kept nothing
    cached_then_forged(capsys, cohort)  # the entries --json kept, one forged
    forged = table(capsys, cohort)
    assert _rstripped(forged[1]) == _rstripped(fresh_table[1].replace("Priya Shah  odo-l3", "FORGED  odo-l3"))
    shutil.rmtree(locations.data_dir() / result_cache.FOLDER)
    assert table(capsys, cohort) == fresh_table  # a first run of the table keeps the entries...
    forge(cohort / SAMPLE)
    assert "FORGED" in gateway(capsys, cohort)[1]  # ...that --json answers from


def _rstripped(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines())


@pytest.mark.parametrize("writer", [IN_PLACE, RENAME_OVER], ids=["in place, same size, mtime put back", "rename over"])
def test_another_process_s_write_invalidates_the_table_s_entry(cohort: Path, capsys, writer: str) -> None:
    table(capsys, cohort)
    forge(cohort / SAMPLE)
    assert "FORGED  odo-l3" in table(capsys, cohort)[1]
    time.sleep(0.05)  # past the file system's clock tick, as RACY_NS would wait
    path = cohort / SAMPLE
    subprocess.run([sys.executable, "-c", writer, str(path), NAME.decode(), NAME.decode().replace("Shah", "Shaw")],
                   check=True)
    code, out = table(capsys, cohort)
    assert "FORGED" not in out and "Priya Shaw  odo-l3" in out
    assert (code, out) == table(capsys, cohort, "--no-cache")


def test_a_different_day_is_worked_out_for_that_day(cohort: Path, capsys) -> None:
    cached_then_forged(capsys, cohort)
    later = gateway(capsys, cohort, as_of="2026-11-25")
    assert "FORGED" not in later[1] and '"as_of": "2026-11-25"' in later[1]
    assert later == fresh(capsys, cohort, as_of="2026-11-25")


def test_a_changed_standard_is_worked_out_again(cohort: Path, capsys, user_standards_dir: Path) -> None:
    first = cached_then_forged(capsys, cohort)
    shipped = locations.shipped_standards_dir() / "odo-l3.json"
    (user_standards_dir / "odo-l3.json").write_bytes(shipped.read_bytes())
    (user_standards_dir / "odo-l3.rules.json").write_text('{"format": 1, "gateway_before_epa": {"months": 3}}')
    code, out = gateway(capsys, cohort)
    assert "FORGED" not in out and out != first
    assert (code, out) == fresh(capsys, cohort)


def test_a_new_version_of_the_app_works_everything_out_again(cohort: Path, capsys, monkeypatch) -> None:
    from portfolio_tui.services import gateway_cache

    cached_then_forged(capsys, cohort)
    monkeypatch.setattr(gateway_cache, "_code", ["another version"])
    code, out = gateway(capsys, cohort)
    assert "FORGED" not in out
    assert (code, out) == fresh(capsys, cohort)


def test_a_changed_roster_works_everything_out_again(cohort: Path, capsys) -> None:
    """R7-8: a judgement, a sign-off or a confirmation counts only by an account the folder's roster gave that role
    when it was made (``store.roles_at``), so an entry kept under one roster does not answer under another."""
    from portfolio_tui.identity import current_user

    for argv in (("init", cohort), ("add", cohort, current_user(), "--role", "tutor", "--portfolio", "*")):
        assert main(["roster", *map(str, argv)]) == 0
    capsys.readouterr()
    cached_then_forged(capsys, cohort)
    assert main(["roster", "add", str(cohort), "nobody", "--role", "line-manager", "--portfolio", SAMPLE]) == 0
    capsys.readouterr()
    code, out = gateway(capsys, cohort)
    assert "FORGED" not in out
    assert (code, out) == fresh(capsys, cohort)


def test_trust_anchors_changed_work_everything_out_again(cohort: Path, capsys, tmp_path: Path, monkeypatch) -> None:
    """Review F5: which keys sign in each account's name, and whether a roster is refused, follow the trust anchors
    (``store.roles_at``, ``roster``): a day's entry kept before root enrolled or revoked a key answered all day."""
    anchors = tmp_path / "trust" / "allowed_signers"
    anchors.parent.mkdir()
    monkeypatch.setenv("PORTFOLIO_TUI_TRUST", str(anchors))
    cached_then_forged(capsys, cohort)
    anchors.write_text("")
    code, out = gateway(capsys, cohort)
    assert "FORGED" not in out
    assert (code, out) == fresh(capsys, cohort)


def test_a_fifo_in_place_of_a_portfolio_s_lock_holds_no_run_up(cohort: Path, capsys) -> None:
    """Review F8: a group member's FIFO put where a portfolio's lock file goes (``mkfifo``, or a rename over it, in the
    cohort's folder) held the tutor's next run up for good, opening it to check the kept entry under the lock; now
    the file is read afresh, and the run prints what it printed before."""
    first = gateway(capsys, cohort)
    os.mkfifo(cohort / f".{SAMPLE}.lock")
    done = subprocess.run([sys.executable, "-m", "portfolio_tui", "gateway", str(cohort), "--json", "--as-of", AS_OF],
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == first, done.stderr


def test_a_file_being_changed_is_read_afresh(cohort: Path, capsys) -> None:
    from filelock import FileLock

    first = cached_then_forged(capsys, cohort)
    with FileLock(str(lock_path(cohort / SAMPLE))):  # a change holds it, in this process or another
        code, out = gateway(capsys, cohort)
    assert out == first


def test_a_file_changed_moments_ago_is_not_kept(cohort: Path, capsys, monkeypatch) -> None:
    gateway(capsys, cohort)  # every file kept (RACY_NS is 0 so far)
    time.sleep(0.05)
    monkeypatch.setattr(result_cache, "RACY_NS", 60 * 10**9)
    os.utime(cohort / SAMPLE)  # changed now
    gateway(capsys, cohort)
    assert own_files.note_name(cohort / SAMPLE) not in entries_in(pack_of(cohort / SAMPLE))
    assert len(entries_in(pack_of(cohort / SAMPLE))) == len(list(cohort.glob("*.json"))) - 1


def test_no_cache_neither_reads_nor_writes_entries(cohort: Path, capsys) -> None:
    fresh(capsys, cohort)
    assert not (locations.data_dir() / result_cache.FOLDER).exists()
    gateway(capsys, cohort)
    forge(cohort / SAMPLE)
    assert "FORGED" not in fresh(capsys, cohort)[1]


def _group_writable(pack: Path, path: Path) -> None:
    pack.chmod(0o620)


def _world_readable(pack: Path, path: Path) -> None:
    pack.chmod(0o604)


def _truncated(pack: Path, path: Path) -> None:
    pack.write_bytes(pack.read_bytes()[:-10])


def _entry_cut_short(pack: Path, path: Path) -> None:
    entries = entries_in(pack)
    entries[own_files.note_name(path)] = entries[own_files.note_name(path)][:-10]
    write_pack(pack, entries)


def _payload_changed(pack: Path, path: Path) -> None:
    pack.write_bytes(pack.read_bytes().replace(b'"learner": "FORGED"', b'"learner": "FORGEX"'))


def _index_changed(pack: Path, path: Path) -> None:
    data = pack.read_bytes()
    name = own_files.note_name(path).encode()
    at = data.rindex(name + b" ") + len(name) + 1
    pack.write_bytes(data[:at] + (b"1" if data[at:at + 1] != b"1" else b"2") + data[at + 1:])


def _another_file_s_entry(pack: Path, path: Path) -> None:
    """The forged entry filed under every other file's name, and another file's under its own, the index
    made good: each entry is for a file other than the one it is filed under."""
    entries = entries_in(pack)
    name = own_files.note_name(path)
    forged, other = entries[name], next(entry for n, entry in entries.items() if n != name)
    write_pack(pack, {n: other if n == name else forged for n in entries})


def _garbage(pack: Path, path: Path) -> None:
    pack.write_bytes(b"\x00\xff" * 100)


def _empty(pack: Path, path: Path) -> None:
    pack.write_bytes(b"")


def _a_link(pack: Path, path: Path) -> None:
    target = pack.with_name("elsewhere")
    pack.rename(target)
    pack.symlink_to(target)


def _bad_meta(pack: Path, path: Path) -> None:
    entries = entries_in(pack)
    lines = entries[own_files.note_name(path)].split(b"\n", 4)
    lines[4] = lines[4].replace(b'"ready":false', b'"ready":"no"', 1)
    lines[3] = hashlib.sha256(lines[4]).hexdigest().encode()
    entries[own_files.note_name(path)] = b"\n".join(lines)
    write_pack(pack, entries)


def _folder_shared(pack: Path, path: Path) -> None:
    pack.parent.chmod(0o770)


def _unreadable(pack: Path, path: Path) -> None:
    pack.chmod(0o000)


@pytest.mark.parametrize("spoil", [_group_writable, _world_readable, _truncated, _entry_cut_short, _payload_changed,
                                   _index_changed, _another_file_s_entry, _garbage, _empty, _a_link, _bad_meta,
                                   _folder_shared, _unreadable])
def test_a_spoiled_entry_is_ignored(cohort: Path, capsys, spoil) -> None:
    first = cached_then_forged(capsys, cohort)
    pack = pack_of(cohort / SAMPLE)
    spoil(pack, cohort / SAMPLE)
    if spoil is _unreadable and os.geteuid() == 0:
        pack.unlink()  # root reads whatever the mode: gone, then
    assert gateway(capsys, cohort)[1] == first


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file away needs root (CI is)")
@pytest.mark.parametrize("what", ["pack", "folder"])
def test_an_entry_another_account_owns_is_ignored(cohort: Path, capsys, what: str) -> None:
    first = cached_then_forged(capsys, cohort)
    pack = pack_of(cohort / SAMPLE)
    os.chown(pack if what == "pack" else pack.parent, 65534, 65534)
    assert gateway(capsys, cohort)[1] == first


@pytest.mark.skipif(os_accounts.unavailable() is not None, reason=str(os_accounts.unavailable()))
@pytest.mark.parametrize("attack", ["edits the group-writable pack in place", "renames their own pack over it"])
def test_a_group_member_s_forged_pack_is_never_trusted(cohort: Path, capsys, monkeypatch, attack: str) -> None:
    """A real account of the group a careless chmod let in writes a forged pack (digests and index good):
    through a hard link to the pack made group-writable (the folder still private), or by renaming their
    own file over it in the folder made group-writable. The gateway prints what the files say."""
    import grp

    base = Path(tempfile.mkdtemp(prefix="portfolio-tui-pack-"))
    try:
        base.chmod(0o755)
        monkeypatch.setenv("PORTFOLIO_TUI_HOME", str(base / "home"))
        with os_accounts.cohort(("member",)) as people:
            gid = grp.getgrnam(people.group).gr_gid
            first = gateway(capsys, cohort)[1]
            pack = pack_of(cohort / SAMPLE)
            (base / "home").chmod(0o755)
            forged = base / "forged"
            shutil.copy(pack, forged)
            forge_in(forged, cohort / SAMPLE)
            forged.chmod(0o644)
            if attack.startswith("edits"):
                os.chown(pack, 0, gid)
                pack.chmod(0o660)
                os.link(pack, base / "link")
                steps = [["cp", str(forged), str(base / "link")]]
            else:
                os.chown(pack.parent, 0, gid)
                pack.parent.chmod(0o770)
                steps = [["cp", str(forged), str(pack.parent / "mine")], ["mv", str(pack.parent / "mine"), str(pack)]]
            for step in steps:
                subprocess.run(["runuser", "-u", people["member"], "--", *step], check=True, cwd="/")
            assert pack.read_bytes() == forged.read_bytes()  # the attack landed
            assert gateway(capsys, cohort)[1] == first
            # The same bytes, written by this account in its private folder, are what the next run prints:
            # only whose the pack and the folder are kept the forgery out.
            os.chown(pack.parent, 0, 0)
            pack.parent.chmod(0o700)
            pack.unlink()
            shutil.copy(forged, pack)
            pack.chmod(0o600)
            trusted = gateway(capsys, cohort)[1]
            assert "FORGED" in trusted and trusted.replace("FORGED", "Priya Shah") == first
    finally:
        shutil.rmtree(base, ignore_errors=True)


BREAKS = {
    "a repeated key": (b'"name":"Priya Shah"', b'"name":"","name":""'),
    "NaN": (b'"contracted_hours_per_week":30.0', b'"contracted_hours_per_week":NaN '),
    "a newer schema": (b'"schema_version":3', b'"schema_version":9'),
}


@pytest.mark.parametrize("writer", [IN_PLACE, RENAME_OVER], ids=["in place", "rename over"])
@pytest.mark.parametrize("broken", list(BREAKS))
def test_a_file_broken_after_it_was_kept_is_refused_as_before(cohort: Path, capsys, broken: str, writer: str) -> None:
    cached_then_forged(capsys, cohort)
    old, new = BREAKS[broken]
    assert len(old) == len(new)
    subprocess.run([sys.executable, "-c", writer, str(cohort / SAMPLE), old.decode(), new.decode()], check=True)
    code, out = gateway(capsys, cohort)
    assert code == 2 and "FORGED" not in out and f"{cohort / SAMPLE}" in out
    assert (code, out) == fresh(capsys, cohort)


def test_a_caseload_shared_among_workers_prints_the_same_cold_warm_and_after_changes(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    from portfolio_tui.services import readiness

    monkeypatch.setattr(result_cache, "RACY_NS", 0)
    monkeypatch.setattr(readiness, "_cpus", lambda: 2)  # worked out in two forked workers, kept by them
    folder = tmp_path / "caseload"
    folder.mkdir()
    samples = sorted(samples_dir().glob("*.json"))
    for n in range(90):
        (folder / f"learner-{n:03d}.json").write_bytes(samples[n % len(samples)].read_bytes())
    cold = gateway(capsys, folder)
    assert len(entries_in(pack_of(folder / "learner-000.json"))) == 90
    assert gateway(capsys, folder) == cold == fresh(capsys, folder)
    time.sleep(0.05)
    for n in range(0, 90, 10):  # a day's changes: one file in ten, by another process
        path = folder / f"learner-{n:03d}.json"
        at = path.read_bytes().index(b'"name":"') + len('"name":"')
        name = path.read_bytes()[at:at + 5].decode()
        subprocess.run([sys.executable, "-c", IN_PLACE, str(path), f'"name":"{name}', f'"name":"Z{name[1:]}'],
                       check=True)
    changed = gateway(capsys, folder)
    assert changed == fresh(capsys, folder) and changed != cold
    assert changed[1].count('"learner": "Z') == 9


def test_a_standard_s_digest_is_the_bytes_it_is_loaded_from(user_standards_dir: Path, monkeypatch) -> None:
    """Entries are keyed by the bytes of the files ``catalog.get`` reads first, not by the standard loaded
    (so a kept run loads none): a copy in the user's folder, a rules file beside it and a byte changed in
    that each change the digest, and taking them away gives it back; a standard found only by the scan,
    or whose file changed while it loaded, has none, so nothing worked out from it is kept."""
    from portfolio_tui import catalog, standard_files

    shipped = (locations.shipped_standards_dir() / "odo-l3.json").read_bytes()
    as_shipped = standard_files.digest("odo-l3")
    assert catalog.get_with_source("odo-l3")[1] == as_shipped != ""
    copy, rules = user_standards_dir / "odo-l3.json", user_standards_dir / "odo-l3.rules.json"
    copy.write_bytes(shipped)
    seen = [as_shipped, standard_files.digest("odo-l3")]
    rules.write_text('{"format": 1, "gateway_before_epa": {"months": 3}}')
    seen.append(standard_files.digest("odo-l3"))
    rules.write_text('{"format": 1, "gateway_before_epa": {"months": 4}}')
    seen.append(standard_files.digest("odo-l3"))
    assert catalog.get_with_source("odo-l3")[1] == seen[-1]
    assert len(set(seen)) == 4
    copy.unlink()
    rules.unlink()
    assert standard_files.digest("odo-l3") == as_shipped
    os.mkfifo(copy)  # a pipe by the standard's name is passed over, never waited on (by catalog.get too)
    assert standard_files.digest("odo-l3") == as_shipped
    copy.unlink()

    (user_standards_dir / "not-its-id.json").write_bytes(shipped.replace(b'"id": "odo-l3"', b'"id": "odo-scan"', 1))
    standard, digest = catalog.get_with_source("odo-scan")
    assert standard.id == "odo-scan" and digest == ""

    loads = catalog._by_name

    def changed_meanwhile(standard_id: str):
        copy.write_bytes(shipped)  # another process installs a copy while this one loads the shipped file
        return loads(standard_id)

    monkeypatch.setattr(catalog, "_by_name", changed_meanwhile)
    assert catalog.get_with_source("odo-l3")[1] == ""


def test_the_cache_is_bounded_and_tidied(tmp_path: Path, capsys, monkeypatch) -> None:
    """At most MOST_PACKS packs, the least recently written gone first; what a run that died left half
    written goes once it is stale, and so does anything else in the folder (an older version's entries)."""
    monkeypatch.setattr(result_cache, "RACY_NS", 0)
    monkeypatch.setattr(result_cache, "MOST_PACKS", 2)
    folder = locations.data_dir() / result_cache.FOLDER
    folder.mkdir(mode=0o700, parents=True)
    stale, running, old = folder / ".0123.pack.tmp", folder / ".4567.pack.tmp", folder / ("a" * 40)
    for made in (stale, running, old):
        made.write_bytes(b"x")
    os.utime(stale, ns=(0, time.time_ns() - result_cache.STALE_TEMP_NS - 10**9))
    caseloads = []
    for n in range(3):
        caseloads.append(tmp_path / f"caseload-{n}")
        caseloads[-1].mkdir()
        (caseloads[-1] / SAMPLE).write_bytes((samples_dir() / SAMPLE).read_bytes())
        gateway(capsys, caseloads[-1])
        time.sleep(0.01)
    assert sorted(folder.iterdir()) == sorted([running, pack_of(caseloads[1] / SAMPLE), pack_of(caseloads[2] / SAMPLE)])
    assert gateway(capsys, caseloads[0]) == fresh(capsys, caseloads[0])


def test_a_pack_keeps_the_entries_of_the_folder_s_files_not_checked_this_time(cohort: Path, capsys) -> None:
    first = cached_then_forged(capsys, cohort)
    other = next(p for p in sorted(cohort.glob("*.json")) if p.name != SAMPLE)
    os.utime(other)  # changed: its entry no longer holds, so checking it alone writes the pack anew
    before = pack_of(other).stat().st_ino
    gateway(capsys, other)
    assert pack_of(other).stat().st_ino != before
    again = gateway(capsys, cohort)[1]
    assert "FORGED" in again and again.replace("FORGED", "Priya Shah") == first


def test_a_user_standard_others_may_write_is_not_used_and_keys_apart(user_standards_dir: Path) -> None:
    """A user's copy the group may write is not used (the shipped one stands), and the digest says so:
    the same bytes made private again load the copy, so an entry kept meanwhile must not answer for it."""
    from portfolio_tui import catalog, standard_files

    shipped = (locations.shipped_standards_dir() / "odo-l3.json").read_bytes()
    copy = user_standards_dir / "odo-l3.json"
    copy.write_bytes(shipped.replace(b'"title": "', b'"title": "Copy of ', 1))
    copy.chmod(0o664)
    loose = standard_files.digest("odo-l3")
    assert not catalog.get("odo-l3").title.startswith("Copy of ")
    assert any("not used: other accounts can change it" in p[1] for b in catalog.installed()[1] for p in b.problems)
    copy.chmod(0o644)
    assert catalog.get("odo-l3").title.startswith("Copy of ")
    assert standard_files.digest("odo-l3") != loose


def test_a_caseload_over_many_folders_holds_few_packs_open(tmp_path: Path, capsys, monkeypatch) -> None:
    """Files named one by one from more folders than a run holds packs open for, in turn: each pack is
    let go and opened again (checked to be the same file) as its files' turns come, and still used."""
    monkeypatch.setattr(result_cache, "RACY_NS", 0)
    monkeypatch.setattr(result_cache, "MOST_OPEN", 2)
    samples = [samples_dir() / SAMPLE, *sorted(samples_dir().glob("*.json"))[:2]]
    folders = [tmp_path / f"group-{n}" for n in range(5)]
    for folder in folders:
        folder.mkdir()
        for sample in samples:
            (folder / sample.name).write_bytes(sample.read_bytes())
    files = [folder / sample.name for sample in samples for folder in folders]  # the folders in turn
    opened: list[int] = []
    real_open = os.open

    def counted(path, *args, **kwargs):
        fd = real_open(path, *args, **kwargs)
        if str(path).endswith(".pack"):
            opened.append(fd)
        return fd

    cold = gateway(capsys, *files)
    assert len(list((locations.data_dir() / result_cache.FOLDER).iterdir())) == len(folders)
    monkeypatch.setattr(os, "open", counted)
    assert gateway(capsys, *files) == cold == gateway(capsys, *files, "--no-cache")
    assert len(opened) > len(folders)  # let go and opened again
    monkeypatch.setattr(os, "open", real_open)
    forge(folders[0] / SAMPLE)
    forged = gateway(capsys, *files)[1]
    assert "FORGED" in forged and forged.replace("FORGED", "Priya Shah") == cold[1]


def test_a_pack_opened_again_must_be_the_file_its_index_was_read_from(cohort: Path, capsys) -> None:
    gateway(capsys, cohort)
    pack = pack_of(cohort / SAMPLE)
    folder = os.open(pack.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        found = result_cache._open_pack(folder, pack.name)
        assert found is not None and own_files.note_name(cohort / SAMPLE) in found[0].where
        os.close(found[1])
        again = result_cache._open_pack(folder, pack.name, found[0].identity)
        assert again is not None
        os.close(again[1])
        time.sleep(0.01)
        write_pack(pack, entries_in(pack))  # the same entries, written again
        assert result_cache._open_pack(folder, pack.name, found[0].identity) is None
    finally:
        os.close(folder)


def test_a_file_named_twice_is_kept_once_and_the_pack_holds_what_a_run_keeps(cohort: Path, capsys) -> None:
    """A first run keeps each entry in the spool behind its name, not in memory: the pack written from it holds
    one entry per file, each the entry a run keeps (named twice, the later one), and the next run uses them."""
    sample = cohort / SAMPLE
    cold = gateway(capsys, sample, cohort, sample)
    entries = entries_in(pack_of(sample))
    assert sorted(entries) == sorted(own_files.note_name(p) for p in cohort.glob("*.json"))
    assert all(entry.startswith(result_cache.FORMAT) for entry in entries.values())
    assert pack_of(sample).read_bytes().count(own_files.note_name(sample).encode() + b" ") == 1  # one index row
    before = pack_of(sample).stat()
    assert gateway(capsys, sample, cohort, sample) == cold == gateway(capsys, sample, cohort, sample, "--no-cache")
    after = pack_of(sample).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # every entry good


@pytest.mark.parametrize("kernel_copies", [True, False])
def test_an_entry_cut_short_in_the_spool_is_left_out_and_the_pack_is_whole(
    cohort: Path, capsys, monkeypatch, kernel_copies: bool
) -> None:
    """A pack is written by copying each entry out of the spool (by the kernel where it can: no buffer of the
    entry in the process); an entry whose bytes are not all there is left out, the others and the index whole,
    where the kernel copies and where it cannot (read and written)."""
    if not kernel_copies:
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    sample = cohort / SAMPLE
    others = sorted(p for p in cohort.glob("*.json") if p != sample)
    cache = result_cache.Cache()
    cache.keep(sample, b"", 0, b"k", b"x")  # (no identity line: nothing kept, nor a spool made)
    lines = {}
    for path in [*others, sample]:
        lines[path] = result_cache.current_identity(path)
        cache.keep(path, lines[path], time.time_ns() + result_cache.RACY_NS * 2, b"key", path.name.encode() * 300)
    spool = cache._spool
    assert spool is not None
    os.ftruncate(spool.fd, spool.at - 10)  # the last entry, the sample's, cut short
    cache.save()
    cache.close()
    entries = entries_in(pack_of(sample))
    assert sorted(entries) == sorted(own_files.note_name(p) for p in others)
    for path in others:
        assert entries[own_files.note_name(path)].endswith(b"\n" + path.name.encode() * 300)
        assert entries[own_files.note_name(path)].startswith(result_cache.FORMAT + lines[path] + b"key\n")
    cache = result_cache.Cache()
    assert cache.fetch(others[0]) == (b"key", others[0].name.encode() * 300)
    assert cache.fetch(sample) is None
    cache.close()
