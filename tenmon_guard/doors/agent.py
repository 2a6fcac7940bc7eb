"""``tenmon-guard agent-hook``: the guard for AI coding agents' shell and file tools, spoken in their hook protocols.

Protocols (``--format``):

- ``claude`` (default): Claude Code's ``PreToolUse`` hook for its ``Bash`` tool (the command is
  ``tool_input.command``, the directory ``cwd``) and its file tools ``Write``, ``Edit``, ``MultiEdit``
  (``tool_input.file_path``) and ``NotebookEdit`` (``tool_input.notebook_path``).
- ``gemini``: Gemini CLI's ``BeforeTool`` hook for its ``run_shell_command`` tool (the command is
  ``tool_input.command``, the directory ``cwd`` joined with ``tool_input.dir_path``, older: ``directory``) and its
  file tools ``write_file`` and ``replace`` (``tool_input.file_path``).
- ``cursor``: Cursor's ``beforeShellExecution`` hook (``hooks.json``; the command is ``command``, the directory
  ``cwd``). Its shell commands only: Cursor's file edits are not judged by this door.
- ``json``: any other agent. stdin is ``{"command": "...", "cwd": "..."}`` (a shell command line),
  ``{"argv": [...], "cwd": "..."}`` (an argv exec'd without a shell) or ``{"write": "PATH", "cwd": "..."}`` (a file
  the agent writes directly); the answer is one JSON object.
- An argv after ``--`` (``tenmon-guard agent-hook [--cwd DIR] -- ARGV...``) is judged as exec'd without a shell,
  answered like ``json``.

A file tool writes its file without a shell, so it is judged as a write of that path (``Guard.check_write``: the
rules that protect paths from writes, as for ``> PATH`` in a shell; a relative path is taken from ``cwd``). Which
tools write which fields is data (``Protocol.file_tools``, ``--file-tool NAME=FIELD``, repeatable for a tool with
several paths such as a move: every field named is judged, and each must hold a path); a file tool's call without
a path (missing, empty, not a string) is refused like a malformed shell call. Read-only tools pass.

Why it is shaped like this:

- Fail closed. In Claude Code only exit code 2 (or a JSON deny) blocks: any other failure lets the command run.
  So every refusal, including every failure of the guard itself (bad payload, policy error, crash), exits 2 with
  the reason on stderr, and also prints the protocol's JSON deny on stdout (read where the protocol reads stdout
  on a refusal; ignored, harmlessly, where exit 2 alone decides). A refusal never depends on JSON being parsed.
- Allowed commands get no decision at all (no ``permissionDecision: allow``): the guard has no objection, but it
  does not approve on the agent's behalf; the agent's own permission rules and prompts still apply.
- Warn-level findings reach the agent as context and the user as a message, and the command goes on.
- The agent cannot loosen the guard. Only trusted policy layers count (``/etc/tenmon-guard/policies.d`` or the
  packaged pack); ``$TENMON_GUARD_POLICY`` and ``~/.config/tenmon-guard`` are ignored, as is anything in the
  agent's working tree. An explicit ``--policy``/``--var`` counts because it is on the hook's own command line.
  Policy files must be root-owned and writable only by root (``--insecure-policy`` lifts that, for tests).
- The agent cannot change what its shell runs with either: the door's own rules (``policies/doors/agent.yaml``,
  loaded with any policy) refuse writes to its shell start-up files, Claude Code's shell snapshots (sourced before
  every Bash call: an alias there changes what a bare ``ls`` does), what it sources with them ($CLAUDE_ENV_FILE,
  $BASH_ENV, $ZDOTDIR's files) and the agents' settings. There is no override or allow-once path through this door.
- ``~`` is the hook's HOME in Claude Code's and Gemini CLI's shell commands: each is a new shell started with the
  agent's environment, as the hook is (see :meth:`ClaudeProtocol.shell_home`), so ``mkdir -p ~/.config/x`` is
  judged as the hook door judges it with the HOME the shell sends. Not in the json protocol, whose agent may keep
  one shell where an ``export HOME=`` holds from call to call: there ``~`` stays not known, and a doubt blocks.
- For the same reason a trap's text in Claude Code's and Gemini CLI's calls runs as that call's shell ends, with the
  cwd and variables the line leaves (``tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT`` passes); in the json protocol
  and Cursor's it may run after later calls, so it is judged as if those could move the shell first.
- Events for other tools (those that only read: Read, Glob, Grep, read_file ...) pass untouched and before the
  engine is imported, so they cost almost nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import field, replace
from typing import Any

from tenmon_guard.frozen import record

EXIT_PASS = 0
EXIT_REFUSE = 2
ON_ERROR = EXIT_REFUSE  # read by main: a usage error or crash of this door is a refusal too
DOOR = "agent"
MAX_PAYLOAD = 8 * 1024 * 1024
# Seconds the door takes at most to decide (``--deadline``): below the hook timeout the README's settings give the
# agents (30 s), since an agent lets the tool call run when its hook times out.
DEFAULT_DEADLINE = 20.0

FOOTER = (
    "This is a system policy: it cannot be changed or overridden from this session. Run the approved command "
    "instead, or ask the user."
)
FAILURE_FOOTER = "The guard fails closed: no shell command or file write goes ahead until this is fixed. Tell the user."


class PayloadError(Exception):
    """The hook input is not what the protocol promises: refused with this reason. ``what`` is the act the call was
    for, when known (a file tool's call without its path is a file write that cannot be checked)."""

    def __init__(self, reason: str, what: str = "command") -> None:
        super().__init__(reason)
        self.what = what


@record
class Request:
    """What to judge: a shell command line (``text``), an argv exec'd without a shell (``argv``), or the files a tool
    writes directly (``writes``: their paths as the tool was given them; a move names two)."""

    text: str | None = None
    argv: tuple[str, ...] | None = None
    cwd: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    writes: tuple[str, ...] = ()
    home: str | None = None  # the HOME the agent's shell reads ``~`` with (see Protocol.shell_home); None: not known

    @property
    def display(self) -> str:
        """What the audit log records as the command: the command line, the argv quoted, or the path written."""
        import shlex

        if self.argv is not None:
            return shlex.join(self.argv)
        if self.writes:
            return self.writes[0] if len(self.writes) == 1 else shlex.join(self.writes)
        return self.text or ""

    @property
    def what(self) -> str:
        """What the agent's message calls the act judged."""
        return "file write" if self.writes else "command"


@record
class Answer:
    """What the hook prints and how it exits."""

    code: int
    stdout: str | None = None
    stderr: str | None = None


@record
class Outcome:
    """The door's judgement in protocol-neutral terms: ``decision`` is allow, warn or block."""

    decision: str
    message: str | None
    findings: tuple[dict[str, Any], ...] = ()


# ----------------------------------------------------------------------------------------------------------------
# Protocols


@record
class Protocol:
    name: str
    event: str
    tools: frozenset[str]  # shell tools: tool_input.command is a command line
    file_tools: Mapping[str, tuple[str, ...]]  # tools that write files directly: name -> tool_input fields of paths
    neutral: str | None  # stdout when the hook has nothing to say
    # Each shell call is a new shell that ends with the call (Claude Code, Gemini CLI): what a call leaves to run
    # later (an EXIT trap, the text of PROMPT_COMMAND) runs as that shell ends, with no later call in between, and
    # its directory stack is the cwd alone, as for a script. False: the agent may keep one shell for all its calls.
    new_shell_each_call: bool = False

    def read(self, payload: Any, tools: frozenset[str], file_tools: Mapping[str, tuple[str, ...]]) -> Request | None:
        """The request in ``payload``, or None if the event is for a tool this door does not guard."""
        data = self._event_input(payload)
        tool = data.get("tool_name")
        if not isinstance(tool, str):
            raise PayloadError("tool_name is missing or not a string")
        path_fields = file_tools.get(tool, ())
        if tool not in tools and not path_fields:
            return None
        tool_input = _object(data.get("tool_input"), "tool_input")
        cwd = _optional_path(data.get("cwd"), "cwd")
        extra = {
            "protocol": self.name,
            "tool": tool,
            **{k: data[k] for k in ("session_id", "tool_use_id") if isinstance(data.get(k), str)},
        }
        if path_fields:
            paths = tuple(_written_path(tool_input.get(f), f"tool_input.{f}") for f in path_fields)
            return Request(writes=paths, cwd=cwd, extra={**extra, "action": "write"})
        command = tool_input.get("command")
        if not isinstance(command, str):
            raise PayloadError("tool_input.command is missing or not a string")
        return Request(text=command, cwd=self._cwd(cwd, tool_input), extra=extra)

    def _cwd(self, cwd: str | None, tool_input: Mapping[str, Any]) -> str | None:
        return cwd

    def _event_input(self, payload: Any) -> Mapping[str, Any]:
        """The hook input, refused unless it is for this protocol's event: a hook installed on another event (a
        PostToolUse, an MCP call) would otherwise be answered as if the call it speaks of were still to come."""
        data = _object(payload, "the hook input")
        event = data.get("hook_event_name")
        if event != self.event:
            raise PayloadError(
                f"expected hook_event_name {self.event!r}, got {event!r}: install as a {self.event} hook"
            )
        return data

    def shell_home(self, request: Request, environ: Mapping[str, str]) -> str | None:
        """The HOME the agent's shell reads ``~`` and ``$HOME`` with for this command, when the door can tell. Not in
        general: an agent of the json protocol may keep one shell for all its calls (as the Anthropic API's bash
        tool asks its host to: "environment variables ... are still there for the next command"), where an
        ``export HOME=/opt/tenmon-ark-live`` of one call holds for the next, and no request carries that HOME."""
        return None

    def write_readings(self, path: str, home: str | None) -> tuple[str | None, ...]:
        """The files a file tool's call may write for the ``path`` it was given (None: one that is not known). Each
        is judged, so a tool that reads the path otherwise than as it is written cannot take it past the rules."""
        return (path,)

    def render(self, outcome: Outcome) -> Answer:
        raise NotImplementedError


class ClaudeProtocol(Protocol):
    """Claude Code ``PreToolUse``: deny via ``hookSpecificOutput.permissionDecision``; warn via
    ``additionalContext`` (to Claude) and ``systemMessage`` (to the user).

    Its Bash tool runs each call in a new shell process (``bash -c``, or the user's zsh) whose environment is Claude
    Code's own, as the hook's is: so $HOME is the hook's, "environment variables do not persist between Bash calls"
    (code.claude.com/docs/en/tools-reference, Bash tool behavior). What that shell sources before the command can
    still set HOME: the shell snapshot (functions, aliases, options and PATH only), $CLAUDE_ENV_FILE and the
    session's ``session-env`` scripts (SessionStart hooks' exports), $BASH_ENV, and zsh's .zshenv. The agent may
    write none of them (``policies/doors/agent.yaml``); and where one may change HOME, or sources or evals other
    text, the door does not take its HOME (:func:`_may_change_home`).

    Its file tools pass the path through ``expandPath``: whitespace trimmed, a leading ``~`` or ``~/`` made the
    user's home (Node's os.homedir(): $HOME), a relative path taken from the session's directory."""

    def shell_home(self, request: Request, environ: Mapping[str, str]) -> str | None:
        home = process_home(environ)
        if home is None:
            return None
        scripts = [_bash_env(environ, request.cwd), *_claude_env_scripts(request, environ, home)]
        shell = os.path.basename(environ.get("CLAUDE_CODE_SHELL") or environ.get("SHELL", ""))
        if "zsh" in shell:
            zdotdir = environ.get("ZDOTDIR") or home
            scripts += [os.path.join(zdotdir, ".zshenv") if os.path.isabs(zdotdir) else None]
            scripts += ["/etc/zshenv", "/etc/zsh/zshenv"]
        return None if any(_may_change_home(path) for path in scripts) else home

    def write_readings(self, path: str, home: str | None) -> tuple[str | None, ...]:
        trimmed = path.strip(JS_WHITESPACE) or "."  # (nothing left: the session's directory)
        if trimmed == "~" or trimmed.startswith("~/"):
            expanded = home + trimmed[1:] if home is not None else None
        else:
            expanded = trimmed
        return (path,) if expanded == path else (path, expanded)

    def render(self, outcome: Outcome) -> Answer:
        if outcome.decision == "block":
            specific = {"hookEventName": self.event, "permissionDecision": "deny"}
            specific["permissionDecisionReason"] = outcome.message or ""
            return Answer(EXIT_REFUSE, _dump({"hookSpecificOutput": specific}), outcome.message)
        if outcome.decision == "warn":
            warned = {"hookEventName": self.event, "additionalContext": outcome.message}
            return Answer(EXIT_PASS, _dump({"systemMessage": outcome.message, "hookSpecificOutput": warned}))
        return Answer(EXIT_PASS, self.neutral)


class GeminiProtocol(Protocol):
    """Gemini CLI ``BeforeTool``: deny via ``{"decision": "deny", "reason": ...}``; stdout carries nothing but JSON,
    so the neutral answer is ``{}``.

    run_shell_command spawns ``bash -c COMMAND`` for each call (docs/tools/shell.md; ShellExecutionService), its
    environment the CLI's own with secrets taken out (sanitizeEnvironment, which always keeps HOME), as the hook's
    is (hookRunner.ts): so $HOME is the hook's, unless $BASH_ENV, which a non-interactive bash sources first, may
    change it. Its file tools take the path as written, and a leading ``@`` off when no such file exists
    (resolveDefensiveToolPath)."""

    def shell_home(self, request: Request, environ: Mapping[str, str]) -> str | None:
        home = process_home(environ)
        return None if home is None or _may_change_home(_bash_env(environ, request.cwd)) else home

    def write_readings(self, path: str, home: str | None) -> tuple[str | None, ...]:
        stripped = path[1:].lstrip("/\\") if path.startswith("@") else ""
        return (path, stripped) if stripped else (path,)

    def _cwd(self, cwd: str | None, tool_input: Mapping[str, Any]) -> str | None:
        for key in ("dir_path", "directory"):
            sub = tool_input.get(key)
            if sub is None or sub == "":
                continue
            if not isinstance(sub, str):
                raise PayloadError(f"tool_input.{key} is not a string")
            if os.path.isabs(sub):
                return os.path.normpath(sub)
            return os.path.normpath(os.path.join(cwd, sub)) if cwd is not None else None
        return cwd

    def render(self, outcome: Outcome) -> Answer:
        if outcome.decision == "block":
            reply = {"decision": "deny", "reason": outcome.message or ""}
            return Answer(EXIT_REFUSE, _dump(reply), outcome.message)
        if outcome.decision == "warn":
            warned = {"hookEventName": self.event, "additionalContext": outcome.message}
            return Answer(EXIT_PASS, _dump({"systemMessage": outcome.message, "hookSpecificOutput": warned}))
        return Answer(EXIT_PASS, self.neutral)


class CursorProtocol(Protocol):
    """Cursor ``beforeShellExecution`` (``hooks.json``): the command line is ``command`` and its directory ``cwd`` at
    the top level (no tool name: the event is for the shell alone). A refusal is ``{"permission": "deny",
    "user_message": ..., "agent_message": ...}`` and exit 2, which Cursor reads as a refusal on its own, so the
    refusal holds even if the JSON's field names were read otherwise. A warning carries the two messages and no
    ``permission``: the guard does not approve on the agent's behalf, Cursor's own approval still applies."""

    def read(self, payload: Any, tools: frozenset[str], file_tools: Mapping[str, tuple[str, ...]]) -> Request | None:
        data = self._event_input(payload)
        command = data.get("command")
        if not isinstance(command, str):
            raise PayloadError("command is missing or not a string")
        cwd = data.get("cwd")
        extra = {
            "protocol": self.name,
            "tool": "shell",
            **{k: data[k] for k in ("conversation_id", "generation_id") if isinstance(data.get(k), str)},
        }
        # an empty cwd is where the agent did not say: not known (never the hook's own directory)
        return Request(text=command, cwd=_optional_path(cwd or None, "cwd"), extra=extra)

    def render(self, outcome: Outcome) -> Answer:
        if outcome.decision == "block":
            message = outcome.message or ""
            reply = {"permission": "deny", "user_message": message, "agent_message": message}
            return Answer(EXIT_REFUSE, _dump(reply), outcome.message)
        if outcome.decision == "warn":
            return Answer(EXIT_PASS, _dump({"user_message": outcome.message, "agent_message": outcome.message}))
        return Answer(EXIT_PASS, self.neutral)


class GenericProtocol(Protocol):
    """``--format json`` and argv mode: one JSON object out, exit 0 (allow, warn) or 2 (block, error)."""

    def read(self, payload: Any, tools: frozenset[str], file_tools: Mapping[str, tuple[str, ...]]) -> Request | None:
        data = _object(payload, "the request")
        cwd = _optional_path(data.get("cwd"), "cwd")
        if sum(key in data for key in ("command", "argv", "write")) != 1:
            raise PayloadError(
                'give exactly one of "command" (a shell command line), "argv" (a list of strings) or "write" (the '
                "path of a file written directly)"
            )
        if "write" in data:
            path = _written_path(data["write"], '"write"')
            return Request(writes=(path,), cwd=cwd, extra={"protocol": self.name, "action": "write"})
        if "command" in data:
            if not isinstance(data["command"], str):
                raise PayloadError('"command" is not a string')
            return Request(text=data["command"], cwd=cwd, extra={"protocol": self.name})
        argv = data["argv"]
        if not isinstance(argv, list) or not argv or not all(isinstance(word, str) for word in argv):
            raise PayloadError('"argv" is not a non-empty list of strings')
        return Request(argv=tuple(argv), cwd=cwd, extra={"protocol": self.name})

    def render(self, outcome: Outcome) -> Answer:
        reply = {"decision": outcome.decision, "reason": outcome.message, "findings": list(outcome.findings)}
        code = EXIT_REFUSE if outcome.decision == "block" else EXIT_PASS
        return Answer(code, _dump(reply), outcome.message if code == EXIT_REFUSE else None)


# Which tools run shell text, and which write a file directly (the tool_input field that holds its path). Tools that
# only read (Read, Glob, Grep, read_file ...) are in neither and pass untouched.
PROTOCOLS: dict[str, Protocol] = {
    "claude": ClaudeProtocol(
        "claude",
        "PreToolUse",
        frozenset({"Bash"}),
        {
            "Write": ("file_path",),
            "Edit": ("file_path",),
            "MultiEdit": ("file_path",),
            "NotebookEdit": ("notebook_path",),
        },
        None,
        new_shell_each_call=True,
    ),
    "gemini": GeminiProtocol(
        "gemini",
        "BeforeTool",
        frozenset({"run_shell_command"}),
        {"write_file": ("file_path",), "replace": ("file_path",)},
        "{}",
        new_shell_each_call=True,
    ),
    # its shell tool only: the event carries no tool name, and Cursor's file edits have no event before them
    "cursor": CursorProtocol("cursor", "beforeShellExecution", frozenset(), {}, "{}"),
    "json": GenericProtocol("json", "", frozenset(), {}, None),
}


# What JavaScript's String.prototype.trim takes off (Claude Code trims a file tool's path): ECMAScript's WhiteSpace
# (tab, VT, FF, space, NBSP, ZWNBSP, the Zs category) and LineTerminator characters.
JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
MAX_SOURCED = 1 << 20  # bytes read of a script the agent's shell sources before the command; a longer one: doubt

# A script sourced before the command may change HOME where it names HOME otherwise than to read it ($HOME,
# ${HOME}), or where it runs text the door does not read (source, ., eval).
_HOME_READ = re.compile(r"\$HOME\b|\$\{HOME\}")
_HOME_WORD = re.compile(r"\bHOME\b")
_RUNS_OTHER_TEXT = re.compile(r"(?:^|[\s;&|(){}`])(?:source|eval|\.)(?=[\s;&|)]|$)", re.MULTILINE)


def process_home(environ: Mapping[str, str]) -> str | None:
    """The home a program the agent starts reads ``~`` with: $HOME when it is absolute; unset or empty, the user's
    password entry (bash's tilde expansion and Node's os.homedir() both fall back to it); set but relative, not
    known."""
    home = environ.get("HOME", "")
    if not home:
        return _password_home()
    return os.path.normpath(home) if os.path.isabs(home) else None


def _password_home() -> str | None:
    """The home directory the password entry of this process's user gives, when it has one (absolute)."""
    import pwd

    try:
        home = pwd.getpwuid(os.geteuid()).pw_dir
    except KeyError:
        return None
    return os.path.normpath(home) if os.path.isabs(home) else None


def _bash_env(environ: Mapping[str, str], cwd: str | None) -> str | None:
    """The file a non-interactive bash sources before its command ($BASH_ENV, after expansion: a value that needs
    one is not known, None), or "" when there is none."""
    value = environ.get("BASH_ENV", "")
    if not value:
        return ""
    if any(c in value for c in "$`~"):
        return None
    if os.path.isabs(value):
        return value
    return os.path.join(cwd, value) if cwd is not None else None


def _claude_env_scripts(request: Request, environ: Mapping[str, str], home: str) -> list[str | None]:
    """What Claude Code sources before each Bash call after its snapshot: $CLAUDE_ENV_FILE, then the session's
    ``session-env/SESSION/*.sh`` in its config directory ($CLAUDE_CONFIG_DIR, else ~/.claude). A session or
    directory that cannot be told or listed: None."""
    scripts: list[str | None] = []
    env_file = environ.get("CLAUDE_ENV_FILE", "")
    if env_file:
        scripts.append(env_file if os.path.isabs(env_file) else None)
    config = environ.get("CLAUDE_CONFIG_DIR", "")
    config = config if os.path.isabs(config) else os.path.join(home, ".claude")
    session = request.extra.get("session_id")
    if not isinstance(session, str) or session in ("", ".", "..") or "/" in session or "\0" in session:
        return [*scripts, None]
    directory = os.path.join(config, "session-env", session)
    try:
        names = sorted(os.listdir(directory))
    except (FileNotFoundError, NotADirectoryError):
        names = []
    except OSError:
        return [*scripts, None]
    return scripts + [os.path.join(directory, name) for name in names]


def _may_change_home(path: str | None) -> bool:
    """Whether the script at ``path`` (sourced before the command) may leave HOME other than the agent's: one that
    is not known (None), cannot be read, or is no regular file (a FIFO would hold the door until its deadline) may;
    one that does not exist ("" or missing) does not."""
    if path is None:
        return True
    if not path:
        return False
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except (OSError, ValueError):
        return True
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return True
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_SOURCED + 1)
    except OSError:
        return True
    finally:
        os.close(fd)
    if len(data) > MAX_SOURCED:
        return True
    lines = data.decode("utf-8", "replace").splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("#"))  # (whole-line comments only)
    return bool(_HOME_WORD.search(_HOME_READ.sub("", text)) or _RUNS_OTHER_TEXT.search(text))


def _dump(value: Mapping[str, Any]) -> str:
    # ASCII: the JSON stays valid whatever encoding the agent gave our stdout (a Japanese rule message included)
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"))


def _object(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(f"{what} is not a JSON object")
    return value


def _optional_path(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not os.path.isabs(value):
        raise PayloadError(f"{what} is not an absolute path")
    return value


def _written_path(value: Any, what: str) -> str:
    """The path a file tool writes. One that is missing, empty or not a string cannot be judged, so the call is
    refused, as a shell call without its command is. A NUL byte cannot be in a path: a program that cut the path
    there would write another file than the one judged."""
    if not isinstance(value, str) or not value:
        raise PayloadError(f"{what} is missing, empty or not a string", "file write")
    if "\0" in value:
        raise PayloadError(f"{what} holds a NUL byte", "file write")
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A key given twice is ambiguous (which command would run?): refuse rather than pick one."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise PayloadError(f"duplicate key {key!r} in the hook input")
        out[key] = value
    return out


def parse_payload(data: bytes) -> Any:
    if len(data) > MAX_PAYLOAD:
        raise PayloadError(f"hook input larger than {MAX_PAYLOAD} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PayloadError(f"hook input is not UTF-8 ({error.reason} at byte {error.start})") from None
    if not text.strip():
        raise PayloadError("no hook input on stdin")
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as error:
        raise PayloadError(
            f"hook input is not JSON ({error.msg} at line {error.lineno} column {error.colno})"
        ) from None
    except RecursionError:
        raise PayloadError("hook input is nested too deeply") from None


# ----------------------------------------------------------------------------------------------------------------
# The command line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=tuple(PROTOCOLS),
        default=None,
        help="hook protocol: claude (PreToolUse, default), gemini (BeforeTool), cursor (beforeShellExecution), "
        "json (generic)",
    )
    parser.add_argument(
        "--policy",
        action="append",
        default=[],
        metavar="PATH",
        help="policy file or directory (repeatable; default: the system policy only)",
    )
    parser.add_argument(
        "--var", action="append", default=[], metavar="NAME=VALUE", help="set a policy variable (repeatable)"
    )
    parser.add_argument(
        "--tool",
        action="append",
        default=[],
        metavar="NAME",
        help="also guard this tool name (its tool_input.command); repeatable",
    )
    parser.add_argument(
        "--file-tool",
        action="append",
        default=[],
        type=_file_tool,
        metavar="NAME=FIELD",
        help="also guard this tool as a write of the file its tool_input.FIELD names; repeatable",
    )
    parser.add_argument("--cwd", help="working directory for --format json without a cwd field, and for an argv")
    parser.add_argument(
        "--deadline",
        type=_seconds,
        default=DEFAULT_DEADLINE,
        metavar="SECONDS",
        help=f"refuse what is not decided within SECONDS (default {DEFAULT_DEADLINE:g}); keep it below the hook's "
        "timeout: an agent runs the tool when its hook times out",
    )
    parser.add_argument(
        "--insecure-policy",
        action="store_true",
        help="accept policy files not owned by root (tests only: the agent could edit such a file)",
    )
    parser.add_argument("argv", nargs=argparse.REMAINDER, help="-- ARGV...: judge an argv exec'd without a shell")


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds < 86400:  # (nan fails too)
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {value!r}")
    return seconds


def _file_tool(value: str) -> tuple[str, str]:
    """``--file-tool NAME=FIELD``: a tool of the agent's (an MCP server's ``write_file`` with ``path``) that writes the
    file named by ``tool_input.FIELD``."""
    name, eq, key = value.partition("=")
    if not (eq and name and key):
        raise argparse.ArgumentTypeError(f"expected NAME=FIELD (a tool name and its path field), got {value!r}")
    return name, key


def run(args: argparse.Namespace) -> int:
    return emit(answer(args, _read_stdin))


def answer(args: argparse.Namespace, read_input: Callable[[], bytes]) -> Answer:
    """The answer to one hook call: an argv after ``--`` is judged in the json format, else ``--format``."""
    argv = list(args.argv[1:] if args.argv[:1] == ["--"] else args.argv)
    protocol = PROTOCOLS["json"] if argv else PROTOCOLS[args.format or "claude"]
    return respond(args, protocol, argv, read_input)


def respond(
    args: argparse.Namespace, protocol: Protocol, argv: Sequence[str], read_input: Callable[[], bytes]
) -> Answer:
    """The whole door, as a value: every failure becomes the protocol's refusal, never an exception. Reading the
    input and judging it must end within ``--deadline`` seconds (see :mod:`tenmon_guard.deadline`)."""
    from tenmon_guard import deadline

    request: Request | None = None
    try:
        with deadline.within(getattr(args, "deadline", DEFAULT_DEADLINE)):
            if argv and args.format not in (None, "json"):
                raise PayloadError("an argv after -- is answered in the json format; drop --format")
            if argv:
                request = Request(argv=tuple(argv), cwd=args.cwd or _process_cwd(), extra={"protocol": "argv"})
            else:
                tools = protocol.tools | frozenset(args.tool)
                request = protocol.read(parse_payload(read_input()), tools, _file_tools(protocol, args, tools))
                if request is None:
                    return Answer(EXIT_PASS, protocol.neutral)
                if protocol.name == "json" and request.cwd is None:
                    request = replace(request, cwd=args.cwd or _process_cwd())
                if request.text is not None:
                    request = replace(request, home=protocol.shell_home(request, os.environ))
            outcome = _judge(args, request, protocol)
    except PayloadError as error:
        outcome = _failure(f"bad hook input: {error}", error.what)
    except deadline.DeadlineExceeded as error:
        what = request.what if request is not None else "command"
        why = f"{error} (an agent runs the tool when its hook times out); split it into smaller ones"
        outcome = _failure(why, what)
    except BaseException as error:  # fail closed: whatever went wrong, the command does not run
        what = request.what if request is not None else "command"
        if not isinstance(error, Exception):
            outcome = _failure(f"interrupted ({type(error).__name__})", what)
        else:
            outcome = _failure(_describe(error), what)
    _audit(request, outcome, protocol.name if not argv else "argv")
    return protocol.render(outcome)


def _file_tools(protocol: Protocol, args: argparse.Namespace, tools: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """The protocol's file tools with ``--file-tool NAME=FIELD`` added (a built-in tool's name given there takes the
    fields given): a name given more than once has all its fields judged (a move tool's source and destination). A
    name that is also a shell tool is a mistake in the hook's command line, refused: which reading was meant is not
    known."""
    given: dict[str, list[str]] = {}
    for name, key in args.file_tool:
        fields = given.setdefault(name, [])
        if key not in fields:
            fields.append(key)
    both = sorted((set(given) | set(protocol.file_tools)) & tools)
    if both:
        raise PayloadError(f"{', '.join(both)}: given both as a shell tool (--tool) and a file tool (--file-tool)")
    return {**protocol.file_tools, **{name: tuple(fields) for name, fields in given.items()}}


def emit(answer: Answer) -> int:
    """Print the answer. A refusal stays a refusal even if printing fails (a closed pipe)."""
    try:
        if answer.stdout is not None:
            sys.stdout.write(answer.stdout + "\n")
            sys.stdout.flush()
    except (OSError, ValueError):
        return EXIT_REFUSE
    try:
        if answer.stderr:
            sys.stderr.write(answer.stderr + "\n")
            sys.stderr.flush()
    except (OSError, ValueError):
        pass
    return answer.code


def _read_stdin() -> bytes:
    chunks: list[bytes] = []
    size = 0
    fd = sys.stdin.fileno()
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_PAYLOAD:
            raise PayloadError(f"hook input larger than {MAX_PAYLOAD} bytes")


def _process_cwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:
        return None


# ----------------------------------------------------------------------------------------------------------------
# Judging


def load_trusted_policy(args: argparse.Namespace) -> Any:
    """The policy from trusted layers only: ``--policy``/``--var`` on the hook's own command line, else the system
    layer; and, in either case, the door's own rules (:func:`door_policy_files`), which protect the agent's shell
    start-up files and settings: they guard the door itself, so a ``--policy`` that replaces the pack does not drop
    them. The environment (``$TENMON_GUARD_POLICY``) and the user's config dir are never read here."""
    from tenmon_guard.cli_common import parse_vars
    from tenmon_guard.policy import load_policy, resolve_policy_paths

    is_root = os.geteuid() == 0
    overrides = parse_vars(args.var)
    known = agent_values(os.environ)
    if "agent_home" not in known and "agent_home" not in overrides:
        from tenmon_guard.errors import TenmonGuardError

        raise TenmonGuardError(
            "cannot tell the agent's home directory (HOME is not set and no password entry names one)"
        )
    if args.policy:
        paths: list[str | os.PathLike[str]] = list(args.policy)
    else:
        paths = list(resolve_policy_paths([], {}, is_root, trusted_only=True).system)
    return load_policy(
        [*paths, *door_policy_files()],
        overrides,
        user_paths=(),
        require_root_owned=not args.insecure_policy,
        known=known,
    )


DOOR_POLICY_SUBDIR = "agent-door.d"
DOOR_POLICY_FILE = "agent-state.yaml"  # the name `tenmon-guard install --agent` gives policies/doors/agent.yaml there
DOOR_POLICY_DIR = "/etc/tenmon-guard/" + DOOR_POLICY_SUBDIR


def door_policy_files(directory: str = DOOR_POLICY_DIR) -> list[str]:
    """The door's own rules: ``DIRECTORY/*.yaml`` when an admin installed them (and may have edited them), else the
    packaged ``policies/doors/agent.yaml``. A directory that cannot be read is an error (fail closed): falling back
    to the packaged file would undo an admin's edits silently."""
    try:
        names = sorted(n for n in os.listdir(directory) if n.endswith(".yaml") and not n.startswith("."))
    except (FileNotFoundError, NotADirectoryError):
        names = []
    except OSError as error:
        from tenmon_guard.errors import TenmonGuardError

        raise TenmonGuardError(f"{directory}: cannot read: {error.strerror or error}") from None
    if names:
        return [os.path.join(directory, name) for name in names]
    from tenmon_guard.policy import packaged_policy_dir

    return [os.fspath(packaged_policy_dir() / "doors" / "agent.yaml")]


def agent_values(environ: Mapping[str, str]) -> dict[str, str]:
    """What the door knows of the agent it guards, for the door policy's variables. The hook is started by the agent
    with the agent's own environment and user, so its HOME is the one the agent's bash reads ~/.bashrc from and
    the agent keeps ~/.claude and ~/.gemini under (Node's os.homedir() is $HOME too); the password entry only when
    HOME is unset or relative. The agent cannot change this environment: a variable it exports in one shell call
    does not reach the hook. The project is where the agent was started ($CLAUDE_PROJECT_DIR, Gemini CLI's
    $GEMINI_PROJECT_DIR), else the hook's own working directory. The audit log is where this door writes its
    records (for an agent that is not root, a file in its own home: see the rule agent-audit-log-write)."""
    values: dict[str, str] = {}
    home = process_home(environ) or _password_home()  # (a relative HOME: the password entry's, for these files)
    if home is not None:
        values["agent_home"] = home
    config = environ.get("CLAUDE_CONFIG_DIR", "")
    if os.path.isabs(config):
        values["claude_dir"] = os.path.normpath(config)
    # files the agent's shell sources before each command, when its environment names them
    for name, variable in (("claude_env_file", "CLAUDE_ENV_FILE"), ("bash_env", "BASH_ENV"), ("zdotdir", "ZDOTDIR")):
        path = environ.get(variable, "")
        if os.path.isabs(path) and not any(c in path for c in "$`"):
            values[name] = os.path.normpath(path)
    project = next((environ[k] for k in ("CLAUDE_PROJECT_DIR", "GEMINI_PROJECT_DIR") if environ.get(k)), "")
    project = project if os.path.isabs(project) else (_process_cwd() or "")
    if os.path.isabs(project):
        values["agent_project"] = os.path.normpath(project)
    from tenmon_guard import audit

    log = audit.log_path(environ)
    if os.path.isabs(log):
        values["audit_log"] = os.path.normpath(log)
    return values


def _judge(args: argparse.Namespace, request: Request, protocol: Protocol | None = None) -> Outcome:
    """The verdict on ``request``: a command line read with the HOME its shell has when the door can tell
    (``request.home``, as the hook door reads it with the HOME the shell sends); each file a file tool may write
    for each path (``protocol.write_readings``, with the home the agent's own process has)."""
    from tenmon_guard.engine import Context, Guard

    guard = Guard(load_trusted_policy(args))
    proc_root = "/proc" if os.path.isdir("/proc/self") else None
    one_call = protocol is not None and protocol.new_shell_each_call and request.argv is None
    context = Context(
        door=DOOR,
        cwd=request.cwd,
        both_parsers=True,
        proc_root=proc_root,
        disk=True,
        home=request.home,
        dirstack_known=one_call,
    )
    if request.writes:
        from tenmon_guard.verdict import decide

        readings = protocol or PROTOCOLS["json"]
        home = process_home(os.environ)
        verdicts = [
            guard.check_write(reading, context) if reading is not None else _unknown_write(guard, path, context)
            for path in request.writes
            for reading in readings.write_readings(path, home)
        ]
        verdict = decide(request.display, [f for v in verdicts for f in v.findings])
    elif request.argv is not None:
        verdict = guard.check_argv(list(request.argv), context)
    else:
        verdict = guard.check(request.text or "", context)
        # (a script file the line runs, which the agent may have written with its file tool a call before: its text)
        from tenmon_guard.scripts_run import script_findings

        extra = script_findings(guard, request.text or "", context)
        if extra:
            from tenmon_guard.verdict import decide

            verdict = decide(request.display, [*verdict.findings, *extra])
    decision = verdict.decision.label
    findings = tuple(f.to_json() for f in verdict.findings)
    if decision == "allow":
        return Outcome("allow", None, findings)
    return Outcome(decision, _message(decision, findings, request.what), findings)


def _unknown_write(guard: Any, path: str, context: Any) -> Any:
    """The verdict on a write of a file that is not known (a ``~`` path with no home known): the engine's own
    unknown-target finding, as for any relative path with no working directory known."""
    return guard.check_write(path.lstrip("/") or ".", replace(context, cwd=None))


# How a message names the act judged: (refused, warned and going ahead)
_ACTS = {"command": ("this command", "the command runs"), "file write": ("this file write", "the file is written")}


def _message(decision: str, findings: Sequence[Mapping[str, Any]], what: str = "command") -> str:
    """What the agent reads: which rule, why, and the approved command, so its next attempt is the right one."""
    refused, going = _ACTS[what]
    head = f"tenmon-guard refused {refused}." if decision == "block" else f"tenmon-guard warning ({going}):"
    lines = [head]
    for finding in findings:
        if finding["decision"] == "allow":
            continue
        line = f"- [{finding['rule']}] {finding['message']}"
        if finding.get("suggestion"):
            line += f" Approved instead: {finding['suggestion']}"
        lines.append(line)
    if decision == "block":
        lines.append(FOOTER)
    return "\n".join(lines)


def _failure(why: str, what: str = "command") -> Outcome:
    message = f"tenmon-guard could not check {_ACTS[what][0]}, so it is refused: {why}\n{FAILURE_FOOTER}"
    finding = {"rule": "guard-error", "decision": "block", "message": why, "suggestion": None, "span": None}
    return Outcome("block", message, (finding,))


def _describe(error: BaseException) -> str:
    from tenmon_guard.errors import PolicyError, TenmonGuardError

    if isinstance(error, PolicyError):
        return "policy error: " + "; ".join(error.messages)
    if isinstance(error, TenmonGuardError):
        return str(error)
    return f"internal error: {type(error).__name__}: {error}"


def _audit(request: Request | None, outcome: Outcome, protocol: str) -> None:
    from tenmon_guard import audit

    rules = [str(f["rule"]) for f in outcome.findings if f.get("decision") != "allow"]
    reason = None
    if outcome.decision != "allow" and outcome.findings:
        reason = str(outcome.findings[0].get("message"))
    audit.record(
        DOOR,
        request.display if request is not None else "",
        outcome.decision,
        rules,
        reason=reason,
        cwd=request.cwd if request is not None else None,
        extra=dict(request.extra) if request is not None else {"protocol": protocol},
    )
