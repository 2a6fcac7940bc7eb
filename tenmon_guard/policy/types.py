"""Typed, validated policy records. Nothing downstream of the loader sees a raw dict."""

from __future__ import annotations

import enum
from dataclasses import field

from tenmon_guard.frozen import record
from tenmon_guard.verdict import Decision

DOORS = ("check", "hook", "sudo", "lint", "agent")


class Layer(enum.IntEnum):
    """Where a policy file came from. A USER layer may add rules and tighten, never loosen a SYSTEM rule."""

    SYSTEM = 0
    USER = 1


@record
class AppSelector:
    """How to recognise a protected process (``apps:`` in a policy).

    ``names``: process names (comm) that pkill/killall/pidof patterns are tried against.
    ``cmdlines``: full command lines that ``pkill -f``/``pgrep -f`` patterns are tried against.
    ``terms``: words that, appearing in a pid-selecting producer (pgrep, pidof, lsof, ps, ss, fuser ...), name it.
    ``units``: systemd units (``systemctl kill``). ``ports``: TCP ports it listens on."""

    name: str
    names: tuple[str, ...] = ()
    cmdlines: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    ports: tuple[str, ...] = ()


@record
class Match:
    """What a rule matches on one invocation. All given keys must hold; a list means any of its items.

    ``commands``: command names (basename; ``/usr/bin/rm`` is ``rm``). ``subcommands``: first operand
    (``systemctl kill``). ``options``: any of these options present, bundled short flags and ``--long=value``
    understood. ``signals``: the signal the invocation sends (normalised: ``KILL``), ``ANY`` for any.
    ``targets``: the name of an :class:`AppSelector` the invocation's targets must select.
    ``writes``: path patterns (``/opt/x``, ``/opt/x/**``) the invocation may write, create, delete, move or
    change the mode/owner of. ``mentions``: words any argument contains (a last resort; mentions are not actions)."""

    commands: tuple[str, ...] = ()
    subcommands: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    signals: tuple[str, ...] = ()
    targets: str | None = None
    writes: tuple[str, ...] = ()


@record
class Examples:
    block: tuple[str, ...] = ()
    warn: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()


@record
class Rule:
    """One rule. ``doubt``: what the guard says when it cannot tell whether the rule holds (a PID or a pattern
    not known statically): None is the door's ``unknown`` setting; never above ``decision``. A rule about an act
    that is harmless to every process but the app (``kill`` with SIGTERM) gives ``allow``: ``kill $PID`` is
    everyday use, not a doubt worth a warning."""

    id: str
    decision: Decision
    message: str
    match: Match
    suggestion: str | None = None
    confirm: str | None = None
    exempt_paths: tuple[str, ...] = ()
    doubt: Decision | None = None
    examples: Examples = field(default_factory=Examples)
    source: str = ""  # "FILE:LINE" of the rule, for error messages and explain
    layer: Layer = Layer.SYSTEM


@record
class Settings:
    """What the guard does when it cannot know: per door. ``unknown``: a command name or protected argument not
    known statically. ``unread``: text that no parser reads."""

    unknown: dict[str, Decision] = field(
        default_factory=lambda: {
            "check": Decision.WARN,
            "hook": Decision.WARN,
            "sudo": Decision.BLOCK,
            "lint": Decision.WARN,
            "agent": Decision.BLOCK,
        }
    )
    unread: dict[str, Decision] = field(default_factory=lambda: {door: Decision.BLOCK for door in DOORS})


@record
class Policy:
    """All layers combined: the rules in force, the app selectors and the variables they were expanded with."""

    rules: tuple[Rule, ...] = ()
    apps: dict[str, AppSelector] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    settings: Settings = field(default_factory=Settings)
    sources: tuple[str, ...] = ()
