"""A time limit on deciding, for doors whose caller lets the command run when the guard is too slow.

An agent runs its hook with a timeout, and a hook that times out does not block: Claude Code and Gemini CLI go on
with the tool call. A command built to take long to read (a few hundred thousand characters of shell) would then
pass unjudged. So the agent door gives itself a deadline below the agent's timeout, and what it has not decided
by then is refused, as every other failure of the guard is.

The limit is a real-time interval timer whose handler raises :class:`DeadlineExceeded` in the main thread. It is
a ``BaseException``, so the engine's boundary (which turns an ``Exception`` into a guard-error verdict) does not
swallow it and the door reports it as what it is. Python runs the handler between bytecodes: a single call into
C code (tree-sitter's parse) finishes first, which costs well under a second at the door's largest input.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from types import FrameType


class DeadlineExceeded(BaseException):
    """The time given to decide has passed."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"not decided within {seconds:g} s")
        self.seconds = seconds


@contextlib.contextmanager
def within(seconds: float) -> Iterator[None]:
    """Raise :class:`DeadlineExceeded` in the block once ``seconds`` have passed. Outside the main thread (where no
    signal handler can be set) no limit is set: the caller's own timeout is then the only one."""
    if seconds <= 0:
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise DeadlineExceeded(seconds)

    try:
        previous = signal.signal(signal.SIGALRM, expire)
    except ValueError:  # not the main thread
        armed = False
    else:
        armed = True
    if not armed:
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:  # (the timer may fire on the way out: the handler is put back all the same)
            signal.signal(signal.SIGALRM, previous)
