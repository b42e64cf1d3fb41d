"""The terminal driver: Textual's own, reading keys so that a bad byte or a lost terminal cannot hurt.

Textual's ``LinuxDriver`` decodes the terminal's bytes as strict UTF-8, so one byte from a Latin-1
client (``£`` is ``0xA3``) raises in its input thread, and the app dies with the open form. When the
terminal goes away (an SSH session dropped, stdin closed) its read returns nothing or fails, and its
loop keeps selecting a descriptor that is always readable, at 100% CPU. This driver reads the same
way but decodes with replacement characters and asks the app to exit when the input ends.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder

from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

READ_SIZE = 4096


class TerminalDriver(LinuxDriver):
    """``LinuxDriver`` with a forgiving decoder and an exit when the terminal is gone."""

    def run_input_thread(self) -> None:
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
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
                    for event in parser.feed(decode(data)):
                        self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)
        finally:
            selector.close()

    def _terminal_gone(self) -> None:
        """Nobody can see or type into the app any more: end it rather than spin."""
        self.exit_event.set()
        self._app.call_later(self._app.exit, None, 1, "the terminal went away")
