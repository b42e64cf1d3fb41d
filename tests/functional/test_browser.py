"""The HTML pack and ``portfolio serve`` in a real browser (Debian's chromium, headless, via Playwright)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from portfolio_tui import catalog, identity
from portfolio_tui.cli import main
from tests.functional.browser import artifacts, chromium, free_port, screen_text
from tests.functional.report_helpers import SAMPLES_AS_OF, hostile_portfolio, sample_copy


def _criteria(path: Path) -> list[str]:
    standard_id = json.loads(path.read_text())["learner"]["1"]["standard_id"]
    return list(catalog.get(standard_id).criteria)


@pytest.mark.parametrize("name", ["odo-nearly-ready", "csp-midway", "hostile"])
def test_report_renders_offline_with_every_criterion(name: str, tmp_path: Path) -> None:
    path = hostile_portfolio(tmp_path) if name == "hostile" else sample_copy(tmp_path, name)
    out = tmp_path / f"{name}.html"
    assert main(["report", str(path), "-o", str(out), "--as-of", SAMPLES_AS_OF.isoformat()]) == 0
    url = out.resolve().as_uri()
    with chromium() as browser:
        for width, height, label in ((1280, 900, "desktop"), (390, 844, "phone")):
            page = browser.new_page(viewport={"width": width, "height": height})
            seen = _watch(page)
            page.goto(url, wait_until="load")
            assert seen["errors"] == [] and seen["dialogs"] == []
            assert seen["requests"] == [url]  # the file itself, nothing else: no font, image, script or stylesheet
            for cid in _criteria(path):
                assert page.locator(f'[id="criterion-{cid}"]').is_visible(), cid
            assert page.evaluate("document.scripts.length") == 0
            # Readable on a phone: the page itself never scrolls sideways (wide tables scroll in their box).
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            shot = artifacts() / f"report-{name}-{label}.png"
            page.screenshot(path=str(shot), full_page=label == "phone")
            assert shot.stat().st_size > 10_000
            page.close()


def _watch(page) -> dict[str, list[str]]:
    """Console errors and warnings, uncaught errors, every request and every dialog the page makes."""
    seen: dict[str, list[str]] = {"errors": [], "requests": [], "dialogs": []}
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    return seen


def _get(url: str, headers: dict[str, str] | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


WEBSOCKET = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
             "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}


def _wait_for(frames: list[bytes], page, *words: str, since: int = 0, timeout: float = 30) -> str:
    """What the app drew from frame ``since`` on, once it shows every one of ``words``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shown = screen_text(frames[since:])
        if all(w in shown for w in words):
            return shown
        page.wait_for_timeout(200)
    raise AssertionError(f"the served app never showed {words}; it showed: {screen_text(frames[since:])[-2000:]!r}")


@pytest.fixture
def served(tmp_path: Path):
    path = sample_copy(tmp_path, "odo-nearly-ready")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "portfolio_tui", "serve", str(path), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/([A-Za-z0-9_-]{20,})/", line)
        assert found, line + proc.stderr.read()
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                _get(base + "/")
                break
            except urllib.error.URLError:  # not listening yet
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)
        yield path, base, found.group(2)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def test_serve_refuses_every_request_without_the_token(served) -> None:
    _, base, token = served
    assert _get(f"{base}/{token}/") == 200
    assert _get(f"{base}/{token}/static/js/textual.js") == 200
    wrong = token[:-1] + ("a" if token[-1] != "a" else "b")
    for path in ("/", "/ws", "/static/js/textual.js", "/download/x", f"/{wrong}/", f"/{wrong}/ws",
                 f"/{token}", f"/x/{token}/", "/favicon.ico"):
        assert _get(base + path) == 403, path
    assert _get(f"{base}/ws", WEBSOCKET) == 403
    assert _get(f"{base}/{wrong}/ws", WEBSOCKET) == 403


def test_serve_binds_loopback_only(served) -> None:
    _, base, token = served
    port = int(base.rsplit(":", 1)[1])
    import socket

    with socket.socket() as sock:
        sock.connect(("127.0.0.1", port))  # reachable on loopback
    for host in {socket.gethostbyname(socket.gethostname())} - {"127.0.0.1", "127.0.1.1"}:
        with socket.socket() as sock, pytest.raises(OSError):
            sock.settimeout(2)
            sock.connect((host, port))


def test_serve_shows_the_dashboard_and_takes_keys(served) -> None:
    path, base, token = served
    url = f"{base}/{token}/"
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        frames: list[bytes] = []
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(
            f if isinstance(f, bytes) else f.encode())))
        page.goto(url)
        _wait_for(frames, page, "Dashboard", "Priya Shah", "Readiness")
        page.locator("#terminal").click()  # the terminal needs a click for focus before it takes keys
        page.keyboard.press("2")
        _wait_for(frames, page, "Performance development plan")
        page.screenshot(path=str(artifacts() / "serve-evidence.png"))
        assert errors == []
        assert all(r.startswith(f"{base}/{token}/") or r.startswith(f"ws://127.0.0.1:{base.rsplit(':', 1)[1]}/{token}/")
                   for r in requests), requests
    assert identity.current_user()


def test_serve_refuses_a_port_in_use_and_a_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", str(sample_copy(tmp_path)), "--port", str(port)]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1 and "cannot listen" in err
    assert main(["serve", str(tmp_path / "nope.json"), "--port", str(port)]) == 2
    assert main(["serve", str(tmp_path / "nope.json"), "--port", "70000"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 2
