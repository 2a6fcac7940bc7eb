"""The one entry point every door calls: text (or argv) plus context in, verdict out.

Both parsers read a command line that is about to run; a violation that either shows is blocked, so a parser
differential is never a way around the guard. The linter may ask for tree-sitter alone (``both_parsers=False``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tenmon_guard.policy.types import Policy
from tenmon_guard.verdict import Verdict


@dataclass(frozen=True)
class Context:
    """Where the command runs. ``door`` selects the per-door settings (unknown/unread decisions); ``cwd`` is the
    shell's real working directory (None: unknown, relative paths are then unknown); ``script_path`` is the file
    being linted (for ``exempt_paths``)."""

    door: str = "check"
    cwd: str | None = None
    script_path: str | None = None
    both_parsers: bool = True


class Guard:
    """A loaded policy, ready to judge commands. Build once, call many times (the long-lived checker does)."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    def check(self, text: str, context: Context = Context()) -> Verdict:
        raise NotImplementedError  # written by the lead in this session

    def check_argv(self, argv: Sequence[str], context: Context = Context()) -> Verdict:
        """Judge an argv that will be exec'd as is (the sudo door): no shell re-reads it."""
        raise NotImplementedError
