"""Errors that reach a person as text. Each door prints ``messages`` one per line and exits 2; no traceback."""

from __future__ import annotations

from collections.abc import Iterable


class TenmonGuardError(Exception):
    """Base of every error the guard reports to a person instead of raising through to a traceback."""


class PolicyError(TenmonGuardError):
    """Everything wrong with a set of policy files, all at once, so one edit-and-retry round fixes them all.

    ``messages`` are complete one-line messages, most as ``FILE:LINE: KEY.PATH: what is wrong``."""

    def __init__(self, messages: Iterable[str]) -> None:
        self.messages: list[str] = list(messages)
        super().__init__("\n".join(self.messages))
