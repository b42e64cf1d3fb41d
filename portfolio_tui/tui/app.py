"""The Textual app: five screens as app modes over one portfolio file, saved through the service."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from textual.app import App
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.driver import Driver
from textual.theme import Theme

from portfolio_tui import identity
from portfolio_tui.domain.roles import NotAllowed
from portfolio_tui.domain.text import clean_text
from portfolio_tui.services.attachments import ShownFile, link_refusal, viewing_copy
from portfolio_tui.services.errors import InputError, StandardMissing, StoreError
from portfolio_tui.services.session import PortfolioSession
from portfolio_tui.tui.commands import PortfolioCommands
from portfolio_tui.tui.opener import open_with_viewer
from portfolio_tui.tui.screens.caseload import CaseloadScreen
from portfolio_tui.tui.screens.criteria import CriteriaScreen
from portfolio_tui.tui.screens.dashboard import DashboardScreen
from portfolio_tui.tui.screens.evidence_log import EvidenceLogScreen
from portfolio_tui.tui.screens.forms import LABELS, REFUSED, ConfirmDialog
from portfolio_tui.tui.screens.gateway import GatewayScreen
from portfolio_tui.tui.screens.timeline import TimelineScreen
from portfolio_tui.tui.state import PortfolioView, build_view, file_stamp
from portfolio_tui.tui.typeahead import KeysInOrder

T = TypeVar("T")

WATCH_SECONDS = 0.5
"""How often the open portfolio file is checked for changes made by another process."""
BUSY_GROUPS = frozenset({"load", "save", "form-save", "dialog-save"})

# Every colour is an xterm-256 palette entry, so a plain SSH terminal (TERM=xterm-256color, no
# COLORTERM) shows what was designed rather than the nearest approximation of a truecolor shade.
PLAIN_THEME = Theme(
    name="portfolio",
    primary="#5fafff",
    secondary="#87afd7",
    accent="#ffaf5f",
    foreground="#e4e4e4",
    background="#1c1c1c",
    surface="#262626",
    panel="#3a3a3a",
    success="#5faf5f",
    warning="#d7af00",
    error="#ff5f5f",
    boost="#303030",
    dark=True,
)


class PortfolioApp(KeysInOrder):
    """Apprentice first: the dashboard opens, every action has a key, and every save is off the UI thread."""

    CSS_PATH = "app.tcss"
    TITLE = "portfolio"
    MODES = {
        "dashboard": DashboardScreen,
        "evidence": EvidenceLogScreen,
        "criteria": CriteriaScreen,
        "timeline": TimelineScreen,
        "gateway": GatewayScreen,
    }
    COMMANDS = App.COMMANDS | {PortfolioCommands}
    BINDINGS = [
        Binding("1", "switch_mode('dashboard')", "Dashboard", id="go.dashboard", show=False),
        Binding("2", "switch_mode('evidence')", "Evidence", id="go.evidence", show=False),
        Binding("3", "switch_mode('criteria')", "Criteria", id="go.criteria", show=False),
        Binding("4", "switch_mode('timeline')", "Timeline", id="go.timeline", show=False),
        Binding("5", "switch_mode('gateway')", "Gateway", id="go.gateway", show=False),
        Binding("question_mark", "show_help", "Help", id="app.help", key_display="?"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(self, path: Path, *, as_of: date | None = None, first_run: bool = False,
                 actor: str | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.fixed_as_of = as_of
        self.first_run = first_run
        self.actor = actor
        """Who saves, as the audit names them (``None``: the OS account)."""
        self._session: PortfolioSession | None = None
        self.account = identity.current_user()
        """Who is looking: the OS account decides what they may change (the service's actor only labels the audit)."""
        self.view: PortfolioView | None = None
        self._version = 0
        self._screens_closed = False
        self._read_only_warned: str | None = None
        """The read-only warning last shown (a hand-edited file that breaks the schema), shown once."""
        self._changed_warned: str | None = None
        """The warning last shown of records changed outside the app (review F6), shown once."""
        self.opener: Callable[[str], bool] = open_with_viewer
        """Opens a kept file with the system's viewer (tests put a fake here)."""
        self._reload_noticed = False
        self.register_theme(PLAIN_THEME)
        self.theme = "portfolio"

    @property
    def service(self) -> PortfolioSession:
        """This account's session on the open portfolio, opened on first use (in a worker thread):
        opening it checks that the account may see the portfolio, raising ``NotAllowed`` if not."""
        if self._session is None:
            self._session = PortfolioSession(self.path, actor=self.actor)
        return self._session

    @service.setter
    def service(self, session: PortfolioSession | None) -> None:
        self._session = session

    @property
    def as_of(self) -> date:
        return self.fixed_as_of or date.today()

    def get_driver_class(self) -> type[Driver]:
        """In a real terminal, the driver that survives a bad byte and exits when the terminal goes away."""
        driver = super().get_driver_class()
        if driver.__module__ == "textual.drivers.linux_driver":
            from portfolio_tui.tui.driver import TerminalDriver

            return TerminalDriver
        return driver

    def on_mount(self) -> None:
        self.set_interval(WATCH_SECONDS, self.watch_file, name="watch-portfolio")
        self.start()

    def start(self) -> None:
        """Show the first screen (Textual calls every class's ``on_mount``, so subclasses override this)."""
        if self.first_run and not self.path.exists():
            from portfolio_tui.tui.screens.first_run import FirstRunScreen

            self.push_screen(FirstRunScreen(self.path), self._created)
            return
        self.switch_mode("dashboard")
        self.reload()

    def _created(self, created: bool | None) -> None:
        if not created:
            self.exit()
            return
        self.switch_mode("dashboard")
        self.reload()

    def reload(self) -> None:
        """Read the file and recompute readiness in a worker thread, then show the result."""
        self.run_worker(self.load_and_show, thread=True, group="load", exclusive=True)

    def load_and_show(self) -> None:
        """In a worker thread: read the file, recompute readiness once and show it. Every save ends here."""
        try:
            view = self.build_view()
        except (StoreError, StandardMissing) as exc:
            self.call_from_thread(self.refused, exc, "Cannot open")
            return
        except NotAllowed as exc:
            self.call_from_thread(self.show_refusal, exc)
            return
        except Exception as exc:  # a file the checks let through but the rules choke on: say so, stay up
            self.log.error(f"load failed: {exc!r}")
            self.call_from_thread(self.refused, exc, f"Cannot show it: an unexpected error ({type(exc).__name__})")
            return
        self.call_from_thread(self.show_view, view)
        read_only = self.service.read_only_reason()
        if read_only and read_only != self._read_only_warned:
            self._read_only_warned = read_only
            self.call_from_thread(self.notify, clean_text(read_only), title="Read-only", severity="warning",
                                  timeout=15, markup=False)
        changed = self.service.changed_outside_reason()
        if changed and changed != self._changed_warned:
            self._changed_warned = changed
            self.call_from_thread(self.notify, clean_text(changed), title="Changed outside the app",
                                  severity="error", timeout=30, markup=False)
        # built here, off the UI thread, once the dashboard is on screen
        view.log  # noqa: B018
        view.evidence_by_id  # noqa: B018
        view.by_criterion  # noqa: B018
        gc.freeze()  # and, like the rest of the view (see show_view), left out of the collector's walks

    def build_view(self) -> PortfolioView:
        """Load and compute everything the screens show; called in a worker thread."""
        session = self.service
        stamp = file_stamp(session.path)  # before reading: a change made meanwhile is seen next time
        portfolio = session.load()
        access = session.access()
        self._version += 1
        return build_view(portfolio, session.standard, self.as_of, self._version, access, stamp)

    def watch_file(self) -> None:
        """Every half second: has another process changed the open portfolio? Then read it again and say so.

        Forms and filters are left as they are, so nothing being typed is lost. Our own saves are
        not reported: they reload as part of the save, and no check runs while one is under way.
        """
        view = self.view
        if view is None or view.access.path != self.path or self._busy():
            return
        if file_stamp(self.path) != view.stamp:
            self._reload_noticed = True
            self.reload()

    def _busy(self) -> bool:
        return any(w.group in BUSY_GROUPS and not w.is_finished for w in self.workers)

    def show_view(self, view: PortfolioView) -> None:
        if view.access.path != self.service.path or (self.view is not None and view.version < self.view.version):
            return  # an older snapshot, or one of a learner the caseload has since left
        if self._reload_noticed:
            self._reload_noticed = False
            self.notify("The portfolio was changed elsewhere; this is the latest.", title="Reloaded",
                        timeout=6, markup=False)
        self.view = view
        # A big portfolio is hundreds of thousands of long-lived objects; a full cyclic collection
        # over them while someone types in the filter is a visible stall. They are freed by
        # reference counting when the next view replaces them, so the cyclic collector can skip them.
        # A closed screen, though, is garbage held in cycles that only the collector frees: frozen, it
        # would stay for good. So after a screen closed, collect once before freezing again.
        if self._screens_closed:
            self._screens_closed = False
            gc.unfreeze()
            gc.collect()
        gc.freeze()
        from portfolio_tui.tui.screens.base import PortfolioScreen

        for screen in self.screen_stack:
            if isinstance(screen, PortfolioScreen):
                screen.refresh_view()

    def show_refusal(self, exc: NotAllowed) -> None:
        """This account may not see the portfolio: a screen that says so and who may, nothing of the file."""
        from portfolio_tui.tui.screens.refusal import RefusalScreen

        self.view = None
        if not isinstance(self.screen, RefusalScreen):
            self.push_screen(RefusalScreen(clean_text(str(exc))))

    def refused(self, exc: Exception, title: str) -> None:
        """A refused file (corrupt, newer version, locked) or change: say so plainly and keep running."""
        self.notify(clean_text(str(exc)), title=title, severity="error", timeout=10, markup=False)

    def permit(self, action: str) -> bool:
        """May the viewer do ``action`` (a ``domain.roles`` action) to this portfolio? If not, say who may."""
        view = self.view
        if view is None:
            return False
        decision = view.access.decide(action)
        if not decision.allowed:
            self.notify(clean_text(decision.reason), title="Read-only for you", severity="warning", timeout=8,
                        markup=False)
        return decision.allowed

    def change(self, action: Callable[[PortfolioSession], T], *, done: Callable[[T], Any] | None = None) -> None:
        """Run one change through the service off the UI thread, then reload and show the new state."""

        def work() -> None:
            try:
                result = action(self.service)
            except InputError as exc:
                self.call_from_thread(self.notify, clean_text(exc.named(LABELS)), severity="error", markup=False)
                return
            except REFUSED as exc:
                self.call_from_thread(self.refused, exc, "Not saved")
                return
            except Exception as exc:  # anything unforeseen: say so and stay up, never lose the session
                self.log.error(f"save failed: {exc!r}")
                self.call_from_thread(self.refused, exc, f"Not saved: an unexpected error ({type(exc).__name__})")
                return
            self.load_and_show()
            if done is not None:
                self.call_from_thread(done, result)

        self.run_worker(work, thread=True, group="save")

    def pop_screen(self) -> AwaitComplete:
        self._screens_closed = True
        return super().pop_screen()

    def remove_mode(self, mode: str) -> AwaitComplete:
        self._screens_closed = True
        return super().remove_mode(mode)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The screen keys wait until the first-run form has made the portfolio they show."""
        from portfolio_tui.tui.screens.first_run import FirstRunScreen

        return not (action == "switch_mode" and isinstance(self.screen, FirstRunScreen))

    def open_attachment(self, shown: ShownFile) -> None:
        """``o``: the system's viewer opens the kept file, once it is read as a plain, unchanged copy; a link
        opens only if it is http(s) and only after the URL is shown and confirmed; without a viewer (over
        SSH), say where it is."""
        name = clean_text(shown.attachment.name)
        location = clean_text(shown.location)
        if shown.attachment.link:
            self._open_link(name, shown.location)
            return
        if not shown.attachment.stored:
            self.notify(f"{name} was recorded as a path before files were kept; it is not in the file store.",
                        severity="warning", markup=False)
            return
        copy = viewing_copy(self.path, shown)  # a private copy, checked as it is written
        if isinstance(copy, str):  # missing, a planted link or pipe, or changed
            self.notify(f"{name} is not opened: {clean_text(copy)}; portfolio verify checks every file.",
                        severity="error", markup=False)
            return
        if not self._view(name, str(copy), location, "the file is kept at"):
            import shutil

            shutil.rmtree(copy.parent, ignore_errors=True)  # no viewer took it: the copy is not left behind

    def _open_link(self, name: str, url: str) -> None:
        """Review R15: an apprentice's ``smb://`` or ``file://`` link went straight to xdg-open, unasked."""
        shown_url = clean_text(url)
        refusal = link_refusal(url)
        if refusal:
            self.notify(f"{refusal}: {shown_url}", title="Link not opened", timeout=15, markup=False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._view(name, url, shown_url, "the link is")

        self.push_screen(ConfirmDialog(f"Open this link in the browser?\n{shown_url}", "Open", "Cancel"), answered)

    def _view(self, name: str, target: str, shown_target: str, where: str) -> bool:
        """Hand ``target`` to the system's viewer; whether one took it (else say where it is)."""
        if self.opener(target):
            self.notify(f"Opened {name} with the system viewer.", markup=False)
            return True
        self.notify(f"{name}: {shown_target}", title=f"No viewer here; {where}", timeout=15, markup=False)
        return False

    def action_show_help(self) -> None:
        from portfolio_tui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def jump_to_criterion(self, criterion_id: str) -> None:
        """Open the criteria screen on one criterion (the dashboard's gaps jump here)."""
        await self.switch_mode("criteria")
        screen = self.screen
        if isinstance(screen, CriteriaScreen):
            screen.select_criterion(criterion_id)


LEARNER_MODES = ("dashboard", "evidence", "criteria", "timeline", "gateway")


class CaseloadApp(PortfolioApp):
    """A tutor's or line manager's cohort folder: the caseload first, each learner's five screens one
    enter away, and backspace (or escape) back to the caseload, which checks every file again."""

    MODES = PortfolioApp.MODES | {"caseload": CaseloadScreen}
    BINDINGS = [
        Binding("backspace", "caseload", "Caseload", id="app.caseload", key_display="⌫"),
        Binding("escape", "caseload", "Caseload", id="app.caseload.escape", show=False),
    ]

    def __init__(self, folder: Path, *, as_of: date | None = None, actor: str | None = None) -> None:
        # Until a learner is opened nothing reads ``path`` or ``service``; open_learner replaces both.
        super().__init__(folder, as_of=as_of, actor=actor)
        self.folder = Path(folder)
        self.learner_open = False

    def start(self) -> None:
        self.switch_mode("caseload")

    async def open_learner(self, path: Path) -> None:
        """Show one learner's dashboard; the screens read this learner's file from now on."""
        self.path = path
        self.service = None
        self.view = None
        self.learner_open = True
        await self.switch_mode("dashboard")
        self.reload()

    async def action_caseload(self) -> None:
        if not self.learner_open:
            return
        self.learner_open = False
        self.view = None
        await self.switch_mode("caseload")
        screen = self.screen
        if isinstance(screen, CaseloadScreen):
            screen.action_reload()
        # Fresh screens for the next learner: a filter, an undo list or a cursor must not carry over.
        for mode in LEARNER_MODES:
            await self.remove_mode(mode)
            self.add_mode(mode, PortfolioApp.MODES[mode])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        from portfolio_tui.tui.screens.base import PortfolioScreen

        if action == "switch_mode":
            return self.learner_open
        if action == "caseload":
            from portfolio_tui.tui.screens.refusal import RefusalScreen

            return self.learner_open and isinstance(self.screen, (PortfolioScreen, RefusalScreen))
        return super().check_action(action, parameters)
