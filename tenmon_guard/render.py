"""A verdict for a person at a terminal: which rule, why, the approved command, and where in the line.

Two renderers over the same JSON verdict (``Verdict.to_json()``):

- :func:`render_ansi`: plain text with ANSI colour when asked. The long-lived checker renders every refusal with
  it, so it must import nothing heavy (the checker process never imports rich) and cost microseconds.
- :func:`render_rich`: the same content through rich, for the commands a person starts by hand (``override``,
  the confirmation prompt, ``status``), where Python is starting anyway. rich is imported only when called.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

RESET = "\033[0m"
BOLD = "\033[1m"
DIM = "\033[2m"
RED = "\033[31m"
YELLOW = "\033[33m"
GREEN = "\033[32m"
CYAN = "\033[36m"
MARK = "\033[1;4;31m"  # the part of the line a finding is about

MAX_SHOWN = 400  # characters of a line shown around a finding; a pasted script is not reprinted whole

HINTS = {
    "prompt": "The approved command is on your prompt: press Enter to run it, or edit it.",
    "history": "The approved command is in your history: press Up, then Enter.",
    "kept": "Your line is back on the prompt to edit.",
    "next": "The command was abandoned; the approved command is on the next prompt.",
}
BREAK_GLASS = 'To run it anyway, on purpose: tenmon-guard override --reason "..." -- COMMAND'


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{RESET}" if color and text else text


def _label(decision: str) -> tuple[str, str]:
    if decision == "block":
        return "BLOCKED", BOLD + RED
    if decision == "warn":
        return "WARNING", BOLD + YELLOW
    return decision.upper(), BOLD


def excerpt(command: str, span: Sequence[int], color: bool) -> list[str]:
    """The line(s) of ``command`` holding ``span``, the span marked (colour) or underlined with carets."""
    start, end = max(0, int(span[0])), min(len(command), int(span[1]))
    first = command.rfind("\n", 0, start) + 1
    last = command.find("\n", end)
    last = len(command) if last < 0 else last
    if last - first > MAX_SHOWN:
        first, last = max(first, start - 40), min(last, max(end, start + 1) + 40)
    before, marked, after = command[first:start], command[start:end], command[end:last]
    if color:
        text = before + _paint(marked, MARK, True) + after
        return ["    " + line for line in text.split("\n")]
    lines = []
    offset = 0
    for line in (before + marked + after).split("\n"):
        lines.append("    " + line)
        lo, hi = max(start - first - offset, 0), min(end - first - offset, len(line))
        if hi > lo:
            lines.append("    " + " " * lo + "^" * (hi - lo))
        offset += len(line) + 1
    return lines


def render_ansi(
    verdict: Mapping[str, Any],
    *,
    color: bool = False,
    original: str | None = None,
    hint: str = "",
    break_glass: bool = True,
) -> str:
    """The verdict as a few lines of text: header, the marked command, each finding with its approved command."""
    decision = str(verdict["decision"])
    command = str(verdict["command"])
    findings: list[Mapping[str, Any]] = list(verdict.get("findings") or [])
    label, style = _label(decision)
    shown = original if original is not None else command
    one_line = shown if "\n" not in shown and len(shown) <= 120 else shown.split("\n", 1)[0][:100] + " ..."
    lines = [f"{_paint('tenmon-guard: ' + label, style, color)}  {one_line}"]
    if original is not None and original != command:
        lines.append(_paint("  as the shell reads it (aliases expanded):", DIM, color))
        lines.append("    " + (command if len(command) <= MAX_SHOWN else command[:MAX_SHOWN] + " ..."))
    marked = next((f for f in findings if f.get("decision") == decision), None)
    if marked is not None and (color or "\n" in command or len(command) > 120 or marked["span"] != [0, len(command)]):
        lines.extend(excerpt(command, marked["span"], color))
    for finding in findings:
        rule_style = RED if finding.get("decision") == "block" else YELLOW
        lines.append(f"  {_paint(str(finding['rule']), BOLD + rule_style, color)}: {finding['message']}")
        if finding.get("suggestion"):
            lines.append(
                f"  {_paint('approved:', BOLD + GREEN, color)} {_paint(str(finding['suggestion']), GREEN, color)}"
            )
        if finding.get("confirm"):
            lines.append(f"  {_paint('to go ahead, type:', BOLD, color)} {finding['confirm']}")
    if decision == "warn":
        lines.append(_paint("  It runs anyway.", DIM, color))
    if hint in HINTS:
        lines.append(_paint("  " + HINTS[hint], CYAN, color))
    if decision == "block" and break_glass:
        lines.append(_paint("  " + BREAK_GLASS, DIM, color))
    return "\n".join(lines)


def render_rich(verdict: Mapping[str, Any], *, console: Any = None, original: str | None = None) -> None:
    """The same content through rich (colour and wrapping decided by rich from the terminal)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.text import Text

    out = console if console is not None else Console(stderr=True, highlight=False)
    decision = str(verdict["decision"])
    command = str(verdict["command"])
    label, _ = _label(decision)
    colour = {"block": "red", "warn": "yellow"}.get(decision, "green")
    out.print(f"[bold {colour}]tenmon-guard: {label}[/]  {escape(original if original is not None else command)}")
    findings: list[Mapping[str, Any]] = list(verdict.get("findings") or [])
    marked = next((f for f in findings if f.get("decision") == decision), None)
    if marked is not None:
        start, end = int(marked["span"][0]), int(marked["span"][1])
        text = Text("    " + command)
        text.stylize("bold underline red", 4 + start, 4 + end)
        out.print(text)
    for finding in findings:
        style = "red" if finding.get("decision") == "block" else "yellow"
        out.print(f"  [bold {style}]{escape(str(finding['rule']))}[/]: {escape(str(finding['message']))}")
        if finding.get("suggestion"):
            out.print(f"  [bold green]approved:[/] [green]{escape(str(finding['suggestion']))}[/]")
