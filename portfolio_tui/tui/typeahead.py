"""Keys typed ahead reach the field they were typed for.

Textual hands each key to the widget focused when the app takes the key off its queue; what the key
then does (Tab's move to the next field, enter's jump to the criteria, ``a`` opening a form) happens
later, as messages through other widgets' queues. Keys that arrive in one read (a burst over a slow SSH
link, ``tmux send-keys 'Title' Tab 'more'``, a fast typist on a busy machine) were therefore all handed
to the widget focused before the first of them took effect: the title read "Titlemore", and a title
typed straight after ``a`` went to the dashboard behind the form, where its letters were key bindings.

So the app takes the keys from the terminal one at a time, as a person types them: each is handed on
once every message the one before caused has been handled, or after :data:`SETTLE_LIMIT` seconds, so a
busy app still gets every key, in order, and none is dropped.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from time import monotonic

from textual import events
from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump

SETTLE_LIMIT = 3.0
"""The longest a key waits for the one before it to take effect (seconds). While the app is busy with
the last key (opening a form took 0.5 s on a loaded 2-core machine) it could not take the next one
anyway; the limit only matters if a message handler waited on something for longer, when the keys still
arrive, in order."""
SPINS = 20
"""Event-loop turns to wait without sleeping before waiting in 2 ms steps (most keys settle in a few)."""


def _busy(pump: MessagePump) -> bool:
    """Has ``pump`` messages not yet handled to the end (queued, or being handled now)?"""
    queue: asyncio.Queue[object] = pump._message_queue
    return bool(getattr(queue, "_unfinished_tasks", queue.qsize()))


class KeysInOrder(App[None]):
    """An app that hands on keys from the terminal in order, each after the last one took effect."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._typed: deque[Message] = deque()
        self._handing_on: asyncio.Task[None] | None = None

    def post_message(self, message: Message) -> bool:
        if not self._typed_in(message) or threading.get_ident() != self._thread_id:
            return super().post_message(message)
        if self._closing or self._closed:
            return False
        self._typed.append(message)
        if self._handing_on is None or self._handing_on.done():
            self._handing_on = asyncio.get_running_loop().create_task(self._hand_on())
        return True

    async def keys_handed_on(self) -> bool:
        """Wait until every key typed so far has been handed on and taken effect (as far as
        :meth:`_settled` tells); True if there were any to wait for (tests settle with this)."""
        task = self._handing_on
        if task is None or task.done():
            return False
        await asyncio.shield(task)
        return True

    @staticmethod
    def _typed_in(message: Message) -> bool:
        """A key or a paste from the terminal (not one the app forwards to a widget or bubbles up)."""
        return isinstance(message, (events.Key, events.Paste)) and not message.is_forwarded

    async def _hand_on(self) -> None:
        while self._typed:
            if not super().post_message(self._typed.popleft()):
                self._typed.clear()
                return
            await self._settled()

    async def _settled(self) -> None:
        """Until no message pump of the app or its screens has a message left to handle, seen twice
        in a row (a handler may post the next message as it ends), or :data:`SETTLE_LIMIT` passed."""
        deadline = monotonic() + SETTLE_LIMIT
        quiet = spins = 0
        while quiet < 2 and monotonic() < deadline:
            await asyncio.sleep(0 if spins < SPINS else 0.002)
            spins += 1
            quiet = 0 if self._any_busy() else quiet + 1

    def _any_busy(self) -> bool:
        if _busy(self):
            return True
        return any(_busy(node) for screen in self.screen_stack for node in screen.walk_children(with_self=True))
