"""The physical floors every benchmark divides by, and the small helpers they share.

* read floor: ``orjson.loads`` of the file's bytes (read included), in this process, on one core,
  with the cyclic garbage collector paused: the fastest a Python program can turn the same bytes
  into objects;
* save floor: ``orjson.dumps`` of the same document, written to a new file in the same folder and
  fsynced: the least a durable save of that document costs;
* durable-write minimum: the same bytes already encoded, written to a temp file, fsynced, renamed over
  the file and the folder fsynced: what the disk alone asks of a save that survives a crash whole by
  writing a new file (no encoding, no checks);
* durable-write minimum in place: the same bytes written over the previous version kept beside the
  file (whose blocks are already allocated), its data synced, the two names swapped in one step and the
  folder fsynced (``store.spare``, Linux): what the disk asks of a save that keeps a spare, as the
  store's does. No blocks are allocated or freed, and the journal is committed once, not twice.
  Together they bound how much faster than another store a durable save of the whole file can be on
  this disk.

Figures are medians; nothing here asserts.
"""

from __future__ import annotations

import gc
import os
import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import orjson

from portfolio_tui.store.persistence import fsync_folder, write_all
from portfolio_tui.store.spare import exchange, spare_path


def median_ms(fn: Callable[[], object], runs: int) -> float:
    """The median wall time of ``fn`` in milliseconds over ``runs`` runs."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def read_floor(paths: Iterable[Path]) -> None:
    """The read floor for these files (call it under :func:`median_ms`), with the cyclic collector paused."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        for path in paths:
            orjson.loads(path.read_bytes())
    finally:
        if was_on:
            gc.enable()


def save_floor(doc: object, folder: Path) -> None:
    """The save floor for ``doc``: dumps, write and fsync a new file in ``folder`` (then removed)."""
    data = orjson.dumps(doc)
    path = folder / ".save-floor.tmp"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        write_all(fd, data)  # the store's own write loop: the floor differs from a save only by what a save adds
        os.fsync(fd)
    finally:
        os.close(fd)
        os.unlink(path)


def durable_write_minimum(data: bytes, target: Path) -> None:
    """Replace ``target`` with ``data`` as a crash-safe save must: temp file, write, fsync, rename over
    ``target``, fsync the folder. No encoding and no checks: only what the disk is asked to do."""
    temp = target.with_name(f".{target.name}.minimum.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, target)
    fsync_folder(target.parent)


def durable_swap_minimum(data: bytes, target: Path) -> None:
    """Replace ``target`` with ``data`` as a save that keeps a spare does (``store.spare``): written over the
    spare beside ``target`` (made the first time), data synced, the two names swapped, the folder fsynced.
    Where the names cannot be swapped, the spare is renamed over ``target`` (and made anew next time)."""
    kept = spare_path(target)
    fd = os.open(kept, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        write_all(fd, data)
        os.ftruncate(fd, len(data))
        (os.fdatasync if hasattr(os, "fdatasync") else os.fsync)(fd)
    finally:
        os.close(fd)
    if not exchange(kept, target):
        os.replace(kept, target)
    fsync_folder(target.parent)


def machine() -> str:
    """What the figures were measured on, and how busy it was (others may share the cores)."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return f"{os.cpu_count()} cores, {cpu}; load average {load}"


def ratio_line(label: str, figure: float, floor: float, target: str = "") -> str:
    ratio = figure / floor if floor else float("inf")
    return f"{label:<52} {figure:9.1f} ms   floor {floor:8.1f} ms   ratio {ratio:5.2f}x  {target}".rstrip()


PEAK_CHILD = """
import sys
sys.path[:0] = {paths!r}
{setup}
def _kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1])
try:
    with open("/proc/self/clear_refs", "w") as refs:  # start the peak afresh, after the imports
        refs.write("5")
except OSError:
    pass
_base = _kib("VmRSS:")
{work}
print(_kib("VmHWM:") - _base)
"""


def peak_growth_bytes(setup: str, work: str, env: dict[str, str] | None = None) -> int:
    """How far a fresh process's peak RSS rises above its RSS after ``setup`` while it runs ``work`` (Linux)."""
    import subprocess
    import sys

    repo = str(Path(__file__).resolve().parents[1])
    code = PEAK_CHILD.format(paths=[repo], setup=setup, work=work)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return int(out.stdout.strip().splitlines()[-1]) * 1024
