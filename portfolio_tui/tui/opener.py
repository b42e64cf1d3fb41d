"""Opening a kept file with the system's viewer, where there is one (a desktop session)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def system_viewer() -> list[str] | None:
    """The command that opens a file in the desktop's viewer, or ``None`` (an SSH session, no desktop)."""
    if sys.platform == "darwin":
        return ["open"] if shutil.which("open") else None
    if sys.platform.startswith("win"):
        return None
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return None
    found = shutil.which("xdg-open")
    return [found] if found else None


def open_with_viewer(target: str) -> bool:
    """Start the viewer on ``target`` (a kept file's path, or an http(s) URL the user confirmed) without waiting
    for it; False when there is no viewer to start. A string, not a ``Path``: ``Path`` would make
    ``https://host`` ``https:/host``."""
    if sys.platform.startswith("win") and hasattr(os, "startfile"):
        os.startfile(target)  # type: ignore[attr-defined]  # noqa: S606
        return True
    command = system_viewer()
    if command is None:
        return False
    subprocess.Popen([*command, target], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,  # noqa: S603
                     stderr=subprocess.DEVNULL, start_new_session=True)
    return True
