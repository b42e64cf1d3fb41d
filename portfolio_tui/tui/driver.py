"""The terminal driver: Textual's own, reading keys so that a bad byte or a lost terminal cannot hurt.

Textual's ``LinuxDriver`` decodes the terminal's bytes as strict UTF-8, so one byte from a Latin-1
client (``£`` is ``0xA3``) raises in its input thread, and the app dies with the open form. When the
terminal goes away (an SSH session dropped, stdin closed) its read returns nothing or fails, and its
loop keeps selecting a descriptor that is always readable, at 100% CPU. This driver reads the same
way but decodes with replacement characters and asks the app to exit when the input ends.

A bracketed paste is taken whole before the parser sees it (:class:`Pastes`): Textual's parser reads an ESC
inside a paste as the start of a key sequence, so "ab<ESC>cd" reached a field as the keys "^cd" and then
the paste "ab", out of order.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder

from textual import events
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

READ_SIZE = 4096
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"


class Pastes:
    """Splits the terminal's text into what the key parser reads and each bracketed paste, whole and in
    order, whatever it holds (an ESC in it included; the services refuse control characters in one line)."""

    def __init__(self) -> None:
        self.paste: list[str] | None = None
        """The paste read so far, while one is open."""
        self.held = ""
        """The end of a read that may be the start of the paste's end marker."""

    def feed(self, text: str) -> list[str | events.Paste]:
        """Text for the parser and pastes, in the order the terminal sent them. A start marker is looked
        for within one read only (a terminal writes it with the paste), so a lone ESC key is never held."""
        out: list[str | events.Paste] = []
        text, self.held = self.held + text, ""
        while text:
            if self.paste is None:
                start = text.find(PASTE_START)
                if start < 0:
                    out.append(text)
                    break
                if start:
                    out.append(text[:start])
                self.paste, text = [], text[start + len(PASTE_START):]
                continue
            end = text.find(PASTE_END)
            if end < 0:
                keep = next((n for n in range(len(PASTE_END) - 1, 0, -1) if text.endswith(PASTE_END[:n])), 0)
                self.paste.append(text[:len(text) - keep])
                self.held = text[len(text) - keep:]
                break
            self.paste.append(text[:end])
            out.append(events.Paste("".join(self.paste).replace("\x00", "")))
            self.paste, text = None, text[end + len(PASTE_END):]
        return out


class TerminalDriver(LinuxDriver):
    """``LinuxDriver`` with a forgiving decoder and an exit when the terminal is gone."""

    def run_input_thread(self) -> None:
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        pastes = Pastes()
        decode = getincrementaldecoder("utf-8")(errors="replace").decode
        try:
            while not self.exit_event.is_set():
                for _key, mask in selector.select(0.1):
                    if not mask & selectors.EVENT_READ:
                        continue
                    try:
                        data = os.read(self.fileno, READ_SIZE)
                    except OSError:  # EIO: the terminal was hung up
                        data = b""
                    if not data:
                        self._terminal_gone()
                        return
                    for part in pastes.feed(decode(data)):
                        if isinstance(part, events.Paste):
                            self.process_message(part)
                            continue
                        for event in parser.feed(part):
                            self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)
        finally:
            selector.close()

    def _terminal_gone(self) -> None:
        """Nobody can see or type into the app any more: end it rather than spin."""
        self.exit_event.set()
        self._app.call_later(self._app.exit, None, 1, "the terminal went away")
