"""``portfolio serve`` started by a line manager's own OS account: the browser acts as that account.

The line manager records the employer's gateway sign-off through the browser; the file changes and
its audit names the line manager's account (not root, who runs the browser and the test), because
the app runs as the account that started the server and the roster's roles hold.
"""

from __future__ import annotations

import grp
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.functional import os_accounts
from tests.functional.browser import artifacts, chromium, free_port, screen_text
from tests.functional.report_helpers import SAMPLES
from tests.functional.test_browser import _get, _wait_for

pytestmark = pytest.mark.skipif(os_accounts.unavailable() is not None, reason=str(os_accounts.unavailable()))


@pytest.fixture(scope="module")
def cohort() -> Iterator[tuple[os_accounts.Cohort, os_accounts.Runtime, Path]]:
    with os_accounts.cohort(("tutor", "app1", "mgr1")) as people, \
            os_accounts.shared_runtime(people["tutor"]) as runtime:
        if runtime is None:
            pytest.skip("no Python interpreter the test accounts can run (the test's own lives under a private home)")
        base = Path(tempfile.mkdtemp(prefix="portfolio-tui-serve-"))
        try:
            base.chmod(0o755)
            folder = base / "cohort"
            folder.mkdir()
            os.chown(folder, 0, grp.getgrnam(people.group).gr_gid)
            folder.chmod(0o2770)

            for label in ("tutor", "app1", "mgr1"):  # each account's own home, for its signing key
                (base / label).mkdir()
                shutil.chown(base / label, people[label])

            def run(label: str, *args: str) -> None:
                argv = ["runuser", "-u", people[label], "--", *runtime.env(HOME=str(base / label)), "sh", "-c",
                        'umask 007; exec "$@"', "sh", *runtime.argv(*args)]
                done = subprocess.run(argv, capture_output=True, text=True, cwd="/", timeout=60)
                assert done.returncode == 0, done.stderr

            run("tutor", "roster", "init", str(folder))
            run("tutor", "roster", "add", str(folder), people["tutor"], "--role", "tutor", "--portfolio", "*")
            run("tutor", "roster", "add", str(folder), people["app1"], "--role", "apprentice", "--portfolio", "app1")
            run("tutor", "roster", "add", str(folder), people["mgr1"], "--role", "line-manager", "--portfolio", "app1")
            target = folder / "app1.json"
            shutil.copyfile(SAMPLES / "odo-nearly-ready.json", target)
            shutil.chown(target, people["app1"], people.group)
            target.chmod(0o660)
            # (the sample's history was made under no roster of this cohort's: a tutor takes it in, as after an import)
            run("tutor", "repair", str(target), "--reason", "the sample portfolio checked and taken in as app1's")
            why = "the apprentice's evidence and hours are checked; the last review is booked"
            run("tutor", "signoff", str(target), "--role", "assessor", "--reason", why)
            run("app1", "signoff", str(target), "--role", "apprentice", "--reason", why)
            yield people, runtime, base
        finally:
            subprocess.run(["rm", "-rf", str(base)], check=False)


def test_line_manager_confirms_through_the_browser_as_their_own_account(cohort) -> None:
    people, runtime, base = cohort
    path = base / "cohort" / "app1.json"
    before = path.read_bytes()
    port = free_port()
    argv = ["runuser", "-u", people["mgr1"], "--", *runtime.env(HOME=str(base / "mgr1"), TERM="xterm-256color"),
            *runtime.argv("serve", str(path), "--port", str(port))]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd="/")
    try:
        line = proc.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/[A-Za-z0-9_-]{20,}/", line)
        assert found, line + proc.stderr.read()
        deadline = time.monotonic() + 30
        while True:
            try:
                assert _get(f"http://127.0.0.1:{port}/") == 403
                break
            except urllib.error.URLError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.1)
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            frames: list[bytes] = []
            page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(
                f if isinstance(f, bytes) else f.encode())))
            page.goto(found.group())
            _wait_for(frames, page, "Dashboard", "Priya Shah")
            page.locator("#terminal").click()
            page.keyboard.press("5")
            _wait_for(frames, page, "Sign off")
            seen = len(frames)
            page.keyboard.press("E")  # the employer's confirmation: the gateway checklist item
            _wait_for(frames, page, "Employer's confirmation", since=seen)
            page.wait_for_timeout(400)
            page.keyboard.press("Control+s")
            deadline = time.monotonic() + 30
            while path.read_bytes() == before:
                assert time.monotonic() < deadline, screen_text(frames)[-1500:]
                page.wait_for_timeout(200)
            page.wait_for_timeout(1000)
            page.screenshot(path=str(artifacts() / "serve-employer-confirmed.png"))
            confirmed = json.loads(path.read_text(encoding="utf-8"))
            before = path.read_bytes()
            seen = len(frames)
            page.keyboard.press("S")
            _wait_for(frames, page, "Gateway sign-off for", since=seen)
            for _ in range(2):  # from the role to the date, then to the reason
                page.keyboard.press("Tab")
                page.wait_for_timeout(400)
            page.keyboard.type("Ready: confirmed with the team leader", delay=20)
            page.wait_for_timeout(400)
            page.screenshot(path=str(artifacts() / "serve-employer-signoff-form.png"))
            page.keyboard.press("Control+s")
            deadline = time.monotonic() + 30
            while path.read_bytes() == before:
                assert time.monotonic() < deadline, screen_text(frames)[-1500:]
                page.wait_for_timeout(200)
            page.wait_for_timeout(1000)
            page.screenshot(path=str(artifacts() / "serve-employer-signed-off.png"))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
    checklist = [r for r in confirmed["checklist"].values() if r["key"] == "employer-confirmation"]
    assert [r["created_by"] for r in checklist] == [people["mgr1"]]
    last = max(confirmed["audit"].items(), key=lambda kv: int(kv[0]))[1]
    assert (last["by"], last["table"]) == (people["mgr1"], "checklist"), last
    doc = json.loads(path.read_text(encoding="utf-8"))
    employer = [r for r in doc["signoffs"].values() if r["role"] == "employer"]
    assert [(r["by"], r["reason"]) for r in employer] == [(people["mgr1"], "Ready: confirmed with the team leader")]
    entries = [entry for _, entry in sorted(doc["audit"].items(), key=lambda kv: int(kv[0]))]
    assert (entries[-1]["by"], entries[-1]["table"]) == (people["mgr1"], "signoffs"), entries[-1]
