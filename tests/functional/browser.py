"""A real browser for tests: Debian's chromium, headless, driven by Playwright through ``executable_path``.

No browser download is possible here, so Playwright never fetches its own build; ``.ci/run`` installs
Debian's ``chromium`` when it is missing. Outside CI a machine without it skips these tests, saying
why; in CI (``CI=true``) a missing browser fails them instead. Screenshots are kept in
``test-artifacts/`` (or ``$PORTFOLIO_TUI_ARTIFACTS``) for a person to look at.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b(\[[0-9;:?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Za-z0-9]|[=>78DEHM])")


def require_chromium() -> None:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return
    why = f"{CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(why)
    pytest.skip(why)


def artifacts() -> Path:
    folder = Path(os.environ.get("PORTFOLIO_TUI_ARTIFACTS") or REPO / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def chromium() -> Iterator:
    """A headless Debian chromium (a Playwright ``Browser``)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def screen_text(frames: list[bytes]) -> str:
    """What the served app has drawn so far, as text: the websocket's frames with escape sequences removed."""
    return ANSI.sub("", b"".join(frames).decode("utf-8", errors="replace"))
