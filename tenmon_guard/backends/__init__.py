"""Parser backends. Each turns text into :class:`tenmon_guard.syntax.ParsedScript`; none ever raises.

An explicit registry, no discovery: this package runs as root under sudo.
"""

from __future__ import annotations

from typing import Protocol

from tenmon_guard.syntax import ParsedScript


class Backend(Protocol):
    name: str

    def parse(self, text: str) -> ParsedScript:
        """Read ``text``; every failure becomes an :class:`UnreadSyntax` entry, never an exception."""
        ...
