"""The learner's profile (``p`` on the dashboard): a form for the tutor, who sets it, and the same fields to
read for the apprentice and the line manager. What the fields hold, who may set them and the change a
Save makes are the services' (``services.learner_profile``): the form only lays them out."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from portfolio_tui.domain.text import clean_text
from portfolio_tui.services.learner_profile import SET_PROFILE, ProfileField, set_profile
from portfolio_tui.services.session import PortfolioSession
from portfolio_tui.tui.screens.progress_forms import Field, FormSpec
from portfolio_tui.tui.state import PortfolioView


def profile_form(view: PortfolioView, fields: tuple[ProfileField, ...]) -> FormSpec:
    """The settable fields, filled with what the record holds; Save passes what changed to the services."""
    as_of = view.as_of

    def write(session: PortfolioSession, typed: dict[str, Any]) -> None:
        set_profile(session, fields, typed, as_of)

    shown = tuple(Field(f.name, f.label, f.kind, f.value, f.hint, f.options) for f in fields if f.settable)
    intro = Content.styled("Only what you change is saved (as `portfolio learner set` would). The employer's "
                           "decisions count once the line manager confirms them.", "$text-muted")
    return FormSpec(f"Learner profile: {clean_text(view.portfolio.learner.name)}", shown, write, "Save profile",
                    intro=intro)


class ProfileDialog(ModalScreen[None]):
    """The profile to read, for an account that may not set it, with whose it is to change."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="profile.close"),
        Binding("q", "dismiss", "Close", id="profile.close2", show=False),
    ]

    def __init__(self, view: PortfolioView, fields: tuple[ProfileField, ...]) -> None:
        super().__init__()
        self.view, self.fields = view, fields

    def compose(self) -> ComposeResult:
        width = max(len(f.label) for f in self.fields) + 2
        lines = []
        for f in self.fields:
            label = dict((value, text) for text, value in f.options).get(f.value, f.value) if f.options else f.value
            lines.append(Content.assemble((f"{f.label}:".ljust(width), "bold"),
                                          (label, "") if label else ("-", "$text-muted")))
        with Vertical(id="decision-dialog", classes="progress-form"):
            yield Static(Content.styled(f"Learner profile: {clean_text(self.view.portfolio.learner.name)}", "bold"),
                         id="form-heading")
            with VerticalScroll(id="progress-fields"):
                yield Static(Content("\n").join(lines))
            whose = self.view.access.not_yours(SET_PROFILE)
            yield Static(Content.styled(f"{whose} esc closes." if whose else "esc closes.", "$text-muted"),
                         classes="form-intro")
