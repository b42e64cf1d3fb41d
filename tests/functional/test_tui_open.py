"""``o`` in the evidence log hands the system viewer only what is safe to open (review R1, R15).

A kept file is read through the file store first: a link an apprentice planted in its place (to the
tutor's private key, say) or a FIFO is named, not opened. A link typed as evidence opens only when it
is http or https, and only after the URL is shown and confirmed; ``smb://`` or ``file://`` is shown.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from portfolio_tui.domain.attachments import stored_entry
from portfolio_tui.services import attachments
from portfolio_tui.store import file_store
from portfolio_tui.tui.screens.forms import ConfirmDialog
from tests.functional.test_tui_loops import as_role, notes_of
from tests.functional.tui_helpers import app_for, drive, make_portfolio, settle


@drive
async def test_o_opens_a_sound_kept_file_and_never_a_planted_link_or_pipe(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    as_role(tmp_path, "apprentice")
    source = tmp_path / "cv.txt"
    source.write_bytes(b"two years on the service desk\n")
    digest = file_store.keep(path, source)
    assert digest == hashlib.sha256(source.read_bytes()).hexdigest()
    entry = stored_entry(digest, "cv.txt")
    blob = file_store.blob_path(path, digest)
    secret = tmp_path / "ed25519"
    secret.write_bytes(b"portfolio-tui-ed25519-v1 the tutor's private key\n")
    app = app_for(path)
    notes = notes_of(app)
    opened: list[str] = []
    app.opener = lambda target: opened.append(target) is None
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_attachment(attachments.shown(path, [entry])[0])
        [copy] = opened
        # The viewer gets a private copy checked as it was written, never the kept file's name, which a group
        # member could swap for a link between the check and the viewer opening it.
        assert Path(copy) != blob and Path(copy).read_bytes() == source.read_bytes() and copy.endswith(".txt")
        assert os.stat(copy).st_mode & 0o077 == 0 and os.stat(Path(copy).parent).st_mode & 0o077 == 0
        assert notes[-1] == "Opened cv.txt with the system viewer."
        for plant in ("link", "fifo"):
            blob.unlink()
            blob.symlink_to(secret) if plant == "link" else os.mkfifo(blob)
            app.open_attachment(attachments.shown(path, [entry])[0])
            assert opened == [copy], plant  # not again
            assert notes[-1].startswith("cv.txt is not opened: ") and str(blob) in notes[-1], notes[-1]
            assert ("is a link" if plant == "link" else "not a regular file") in notes[-1]


@drive
async def test_o_on_a_link_opens_only_http_after_confirming_the_url(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    as_role(tmp_path, "apprentice")
    app = app_for(path)
    notes = notes_of(app)
    opened: list[str] = []
    app.opener = lambda target: opened.append(target) is None
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        only_web = "Only http and https links are opened"
        spaced = "A link with a space or a control character in it is not opened"
        for url, why in (("smb://attacker.example/share/x.pdf", only_web),
                         ("file:///home/tess/.ssh/id_ed25519", only_web),
                         ("https://evil.example/\x1b]0;PWNED\x07", spaced), ("javascript://x", only_web),
                         ("https://example.org/team minutes.pdf", spaced),
                         ("https:///minutes.pdf", "A link that names no host is not opened")):
            app.open_attachment(attachments.shown(path, [url])[0])
            await settle(app, pilot)
            assert not isinstance(app.screen, ConfirmDialog) and opened == []
            assert "\x1b" not in notes[-1] and "\x07" not in notes[-1]
            # QA Q4: why, in a sentence ("only http and https links are" was said of an https link with a space)
            shown = "https://evil.example/" if "evil" in url else url
            assert notes[-1].startswith(f"{why}: {shown}"), notes[-1]
        url = "https://example.org/minutes?id=7"
        for answer, expected in (("n", []), ("y", [url])):
            app.open_attachment(attachments.shown(path, [url])[0])
            await settle(app, pilot)
            assert isinstance(app.screen, ConfirmDialog) and url in app.screen.question
            await pilot.press(answer)
            await settle(app, pilot)
            assert opened == expected  # the URL as typed, not a Path ("https:/example.org")


@drive
async def test_o_on_a_piece_with_several_files_asks_which_and_keeps_the_safety(tmp_path: Path) -> None:
    """QA: ``o`` opened only a piece's first file. With several it lists them by name, size and type: the one
    chosen (arrows and enter, or its number) opens as before, a kept file as a private copy, a link only
    after its URL is confirmed; esc opens nothing."""
    from textual.widgets import OptionList

    from portfolio_tui.services.portfolios import PortfolioService
    from portfolio_tui.tui.screens.file_picker import FilePicker
    from portfolio_tui.tui.widgets.evidence_table import EvidenceTable

    path = make_portfolio(tmp_path)
    (tmp_path / "notes.txt").write_text("hello notes\n", encoding="utf-8")
    (tmp_path / "plan.pdf").write_bytes(b"%PDF-1.4 plan")
    service = PortfolioService(path)
    piece = next(e for e in service.load().evidence if e.status == "referred")
    url = "https://example.org/doc"
    service.edit_evidence(piece.id, piece.rev, files=[str(tmp_path / "notes.txt"), str(tmp_path / "plan.pdf"), url])
    app = app_for(path)
    opened: list[str] = []
    app.opener = lambda target: opened.append(target) is None
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        app.screen.query_one(EvidenceTable).move_to(piece.id)
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, FilePicker)
        listing = app.screen.query_one("#file-list", OptionList)
        assert [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)] == [
            "1. 📎 notes.txt  12 B · text/plain", "2. 📎 plan.pdf  13 B · application/pdf", f"3. 🔗 {url}  - · link"]
        await pilot.press("escape")
        await settle(app, pilot)
        assert opened == [] and not isinstance(app.screen, FilePicker)
        await pilot.press("o", "down", "enter")
        await settle(app, pilot)
        [copy] = opened
        assert copy.endswith(".pdf") and Path(copy).read_bytes() == b"%PDF-1.4 plan"
        assert os.stat(copy).st_mode & 0o077 == 0
        await pilot.press("o", "3")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog) and url in app.screen.question and opened == [copy]
        await pilot.press("y")
        await settle(app, pilot)
        assert opened == [copy, url]
