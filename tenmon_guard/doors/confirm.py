"""The confirmation prompt: a rule with ``confirm: TOKEN`` lets a person go ahead by typing TOKEN.

The shell hooks run it (through ``tenmon-guard override --confirm TOKEN -- COMMAND``) on the terminal, after the
refusal is already on the screen. Typing the token exactly goes ahead; anything else, an empty line, Ctrl-C or
Ctrl-D cancels. Either way one audit record says what happened. It uses prompt-toolkit (an interactive path: the
checker itself never imports it) and falls back to a plain line read when prompt-toolkit cannot drive the terminal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence

Ask = Callable[[str], "str | None"]


def prompt_toolkit_ask(message: str) -> str | None:
    """One line from the person, or None when they cancel (Ctrl-C, Ctrl-D)."""
    os.environ.setdefault("PROMPT_TOOLKIT_NO_CPR", "1")  # a terminal that never answers CPR must not stall us
    try:
        from prompt_toolkit import prompt
    except ImportError:
        return plain_ask(message)
    try:
        return prompt(message)
    except (KeyboardInterrupt, EOFError):
        return None
    except Exception:  # not a terminal prompt-toolkit can drive: ask plainly rather than fail open or shut
        return plain_ask(message)


def plain_ask(message: str) -> str | None:
    try:
        sys.stderr.write(message)
        sys.stderr.flush()
        line = sys.stdin.readline()
    except (KeyboardInterrupt, OSError):
        return None
    return line.rstrip("\n") if line else None


def ask(tokens: Sequence[str], *, asker: Ask = prompt_toolkit_ask) -> bool:
    """Whether the person typed every token (one prompt per token, in order)."""
    for token in tokens:
        answer = asker(f"Type {token} to run it anyway (anything else cancels): ")
        if answer is None or answer.strip() != token:
            return False
    return True


def run_confirmation(tokens: Sequence[str], rules: Sequence[str], command: str, cwd: str | None) -> int:
    """Ask, audit, and answer with the exit code the hooks read: 0 go ahead, 1 cancelled."""
    from tenmon_guard import audit

    confirmed = ask(tokens)
    decision = "confirm" if confirmed else "block"
    extra = {"confirm": "typed" if confirmed else "cancelled", "tokens": list(tokens)}
    audit.record("hook", command, decision, list(rules), cwd=cwd, extra=extra)
    sys.stderr.write("tenmon-guard: confirmed, running it.\n" if confirmed else "tenmon-guard: cancelled.\n")
    sys.stderr.flush()
    return 0 if confirmed else 1
