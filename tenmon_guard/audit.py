"""The audit log: one JSON record per decision, to a JSON-lines file and to journald or syslog when present.

Why it is written this way:

- Several shells, sudo doors and agent hooks write to the same file at once. Each record is encoded in full and
  written with a single ``os.write`` on a descriptor opened with ``O_APPEND``, so the kernel places every record
  whole at the end of the file: concurrent writers interleave records, never bytes of records.
- Auditing must never break the thing being audited (a prompt, a sudo, an agent's tool call). ``record`` never
  raises; a log file that is missing or unwritable is reported once per process on stderr and then skipped.
- journald (its native datagram socket) or syslog (``/dev/log``) receive the same record when they exist. In
  containers neither usually does; their absence is detected up front and is silent. Python's ``SysLogHandler``
  is not used: it prints a traceback on every record when ``/dev/log`` is missing.
- Importing this module stays cheap (the checking path imports it): ``socket`` is imported only when a system
  log socket exists.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec

_P = ParamSpec("_P")

ENV_PATH = "TENMON_GUARD_AUDIT_LOG"
ROOT_PATH = "/var/log/tenmon-guard/audit.jsonl"
JOURNAL_SOCKET = "/run/systemd/journal/socket"
SYSLOG_SOCKET = "/dev/log"
IDENTIFIER = "tenmon-guard"

# A record is one line; a pasted script of megabytes would make the log unreadable and a datagram too big.
MAX_COMMAND = 64 * 1024
MAX_DATAGRAM = 48 * 1024

# Fields every record has, in this order; ``extra`` may add others but never replaces these.
CORE_FIELDS = ("time", "user", "sudo_user", "tty", "cwd", "command", "decision", "rules", "door", "reason")

# syslog: facility authpriv (10): commands may carry secrets, and authpriv is the restricted-readers facility.
_FACILITY_AUTHPRIV = 10
_SEVERITY = {"block": 4, "warn": 5, "confirm": 5, "override": 4, "error": 3}  # warning, notice, ..., err
_DEFAULT_SEVERITY = 6  # info

_reported: set[str] = set()
_pinned: str | None = None  # a log path root chose (the sudo launcher's): its directory may be created too


def try_record(
    door: str,
    command: str,
    decision: str,
    rules: list[str],
    *,
    reason: str | None = None,
    cwd: str | None = None,
    extra: dict[str, Any] | None = None,
) -> str | None:
    """Audit one decision for a caller that must not go on without its record (break-glass): ``None`` when the
    log file has it, else one line saying why not (nothing is printed: the caller says it, once).

    Only the file counts as written. The journald/syslog copy is still sent, but it is best effort (a non-blocking
    datagram that may be dropped, and absent in most containers), so it cannot vouch for a record."""
    try:
        entry = build_record(door, command, decision, rules, reason=reason, cwd=cwd, extra=extra)
        path = log_path()
        line = encode(entry)
        problem = _append(path, line)
        _to_system_log(entry, line, JOURNAL_SOCKET, SYSLOG_SOCKET)
        return problem
    except Exception as error:  # the last line of defence: auditing never breaks a door
        return f"audit log: internal error: {type(error).__name__}: {error}"


def _reporting(attempt: Callable[_P, str | None]) -> Callable[_P, bool]:
    """``attempt`` for a caller that carries on whatever happens: a failure to audit is reported once (never
    raised), and the result says whether the log file has the record."""

    def audit(*args: _P.args, **kwargs: _P.kwargs) -> bool:
        problem = attempt(*args, **kwargs)
        if problem is not None:
            _report_once(problem, f"{problem}; records are not written there")
        return problem is None

    return audit


# Audit one decision (``try_record``'s arguments). Never raises: a failure to audit is reported once and the caller
# carries on; returns whether the log file has the record.
record = _reporting(try_record)


def build_record(
    door: str,
    command: str,
    decision: str,
    rules: list[str],
    *,
    reason: str | None = None,
    cwd: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The record as a dict: who, where, what and what was decided."""
    truncated = len(command) > MAX_COMMAND
    entry: dict[str, Any] = {
        "time": _now(),
        "user": _user(),
        "sudo_user": os.environ.get("SUDO_USER") or None,
        "tty": _tty(),
        "cwd": cwd if cwd is not None else _cwd(),
        "command": command[:MAX_COMMAND] if truncated else command,
        "decision": decision,
        "rules": list(rules),
        "door": door,
        "reason": reason,
        "pid": os.getpid(),
    }
    if truncated:
        entry["command_truncated"] = len(command)
    for key, value in (extra or {}).items():
        if key not in entry:
            entry[key] = value
    return entry


def log_path(environ: Mapping[str, str] | None = None) -> str:
    """Where records go: ``$TENMON_GUARD_AUDIT_LOG``, else the system log for root, else the user's state dir."""
    env = os.environ if environ is None else environ
    configured = env.get(ENV_PATH)
    if configured:
        return configured
    return default_log_path(env)


def pin_log_path(path: str) -> None:
    """Use ``path`` for this process's records, as root chose it (the sudo launcher's ``--audit-log``): unlike a
    path from the environment, its missing directory is created like the default log's."""
    global _pinned
    _pinned = path
    os.environ[ENV_PATH] = path


def default_log_path(environ: Mapping[str, str] | None = None) -> str:
    """The log when ``$TENMON_GUARD_AUDIT_LOG`` names none: the system log for root, else the user's state dir.
    Only this path's directory is ever created; a path the variable names must already have its directory."""
    env = os.environ if environ is None else environ
    if os.geteuid() == 0:
        return ROOT_PATH
    state = env.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return os.path.join(state, "tenmon-guard", "audit.jsonl")


def encode(entry: Mapping[str, Any]) -> bytes:
    """One line of JSON. ASCII-only so no byte of a record can be mistaken for a newline or split a character."""
    return (json.dumps(entry, ensure_ascii=True, separators=(",", ":"), default=str) + "\n").encode("ascii")


def write_record(
    entry: Mapping[str, Any],
    *,
    path: str | None,
    journal_socket: str = JOURNAL_SOCKET,
    syslog_socket: str = SYSLOG_SOCKET,
) -> bool:
    """Write ``entry`` to the file at ``path`` (if any) and to journald or else syslog (if present).

    Returns whether the file write succeeded. Never raises for I/O problems.
    """
    line = encode(entry)
    problem = _append(path, line) if path else "no audit log path"
    if path and problem is not None:
        _report_once(problem, f"{problem}; records are not written there")
    _to_system_log(entry, line, journal_socket, syslog_socket)
    return problem is None


def _append(path: str, line: bytes) -> str | None:
    """One ``os.write`` on an ``O_APPEND`` descriptor: the whole record lands at the end, or nothing does.

    Returns ``None`` when it landed, else one line saying why not."""
    try:
        fd = _open_log(path)
    except OSError as error:
        return f"audit log {path}: {error.strerror or error}"
    try:
        count = os.write(fd, line)
        if count != len(line):
            return f"audit log {path}: short write ({count} of {len(line)} bytes)"
        return None
    except OSError as error:
        return f"audit log {path}: {error.strerror or error}"
    finally:
        os.close(fd)


def _open_log(path: str) -> int:
    """Open the log for appending, only if it is a regular file (or missing and creatable).

    The path may come from the environment of the person audited, so: a device, FIFO or socket is never opened
    (opening one can block, or act: a terminal, a watchdog), a symlink is not followed, and no directory is made
    for it; only the default log's directory (``default_log_path``), or a pinned one's, is created when missing."""
    _refuse_non_regular(path)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | os.O_NOCTTY
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    mode = 0o640 if os.geteuid() == 0 else 0o600
    try:
        fd = os.open(path, flags, mode)
    except FileNotFoundError:
        parent = os.path.dirname(path)
        if not parent or os.path.isdir(parent) or path not in (default_log_path(), _pinned):
            raise
        # The user's state dir may not exist yet; the root log dir is created by the installer, but a first run
        # may precede it. Private to its owner either way.
        os.makedirs(parent, mode=0o750 if os.geteuid() == 0 else 0o700, exist_ok=True)
        fd = os.open(path, flags, mode)
    try:
        _refuse_non_regular(path, fd)  # swapped between the check and the open
    except OSError:
        os.close(fd)
        raise
    return fd


def _refuse_non_regular(path: str, fd: int | None = None) -> None:
    """Raise unless ``path`` (or the open ``fd``) is a regular file; a path that does not exist yet passes."""
    import errno
    import stat

    try:
        mode = os.fstat(fd).st_mode if fd is not None else os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
    if not stat.S_ISREG(mode):
        raise OSError(errno.EINVAL, "not a regular file")


def _to_system_log(entry: Mapping[str, Any], line: bytes, journal_socket: str, syslog_socket: str) -> None:
    """journald's native protocol if its socket exists, else syslog on ``/dev/log``, else nothing (silently)."""
    try:
        if _is_socket(journal_socket):
            _send(journal_socket, _journal_datagram(entry, line))
        elif _is_socket(syslog_socket):
            _send(syslog_socket, _syslog_datagram(entry, line))
    except Exception:  # a system log that misbehaves is not worth a word on a user's terminal
        return


def _is_socket(path: str) -> bool:
    import stat

    try:
        return stat.S_ISSOCK(os.stat(path).st_mode)
    except OSError:
        return False


def _send(path: str, payload: bytes) -> None:
    """A non-blocking datagram: if the log daemon is stuck, the record is dropped rather than the shell stalled."""
    import socket

    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        sock = socket.socket(socket.AF_UNIX, kind)
        try:
            sock.setblocking(False)
            if kind == socket.SOCK_DGRAM:
                sock.sendto(payload, path)
            else:  # some syslog daemons listen on a stream socket: frames end with NUL
                sock.connect(path)
                sock.send(payload + b"\0")
            return
        except OSError as error:
            import errno

            if error.errno != errno.EPROTOTYPE:
                return
        finally:
            sock.close()


def _summary(entry: Mapping[str, Any]) -> str:
    rules = ",".join(str(rule) for rule in entry.get("rules") or []) or "-"
    return f"{entry.get('door')}: {entry.get('decision')} [{rules}] {entry.get('command')!s}"


def _journal_datagram(entry: Mapping[str, Any], line: bytes) -> bytes:
    """journald native format: ``NAME=value`` lines; values with a newline use the length-prefixed form."""
    fields = {
        "MESSAGE": _summary(entry),
        "PRIORITY": str(_SEVERITY.get(str(entry.get("decision")), _DEFAULT_SEVERITY)),
        "SYSLOG_FACILITY": str(_FACILITY_AUTHPRIV),
        "SYSLOG_IDENTIFIER": IDENTIFIER,
        "TENMON_GUARD_DOOR": str(entry.get("door")),
        "TENMON_GUARD_DECISION": str(entry.get("decision")),
        "TENMON_GUARD_RULES": ",".join(str(rule) for rule in entry.get("rules") or []),
        "TENMON_GUARD_RECORD": line.rstrip(b"\n").decode("ascii"),
    }
    out = bytearray()
    for name, value in fields.items():
        data = value.encode("utf-8", errors="surrogateescape")
        if len(data) > MAX_DATAGRAM // 2:
            data = data[: MAX_DATAGRAM // 2]
        if b"\n" in data:
            out += name.encode() + b"\n" + len(data).to_bytes(8, "little") + data + b"\n"
        else:
            out += name.encode() + b"=" + data + b"\n"
    return bytes(out[: MAX_DATAGRAM * 2])


def _syslog_datagram(entry: Mapping[str, Any], line: bytes) -> bytes:
    """RFC 3164 as local syslog daemons read it from /dev/log: ``<PRI>TIMESTAMP TAG[PID]: MESSAGE``."""
    severity = _SEVERITY.get(str(entry.get("decision")), _DEFAULT_SEVERITY)
    priority = _FACILITY_AUTHPRIV * 8 + severity
    stamp = time.strftime("%b %d %H:%M:%S", time.localtime())
    head = f"<{priority}>{stamp} {IDENTIFIER}[{os.getpid()}]: ".encode("ascii")
    body = line.rstrip(b"\n")
    return head + body[: MAX_DATAGRAM - len(head)]


def _now() -> str:
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"


def _user() -> str:
    uid = os.geteuid()
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (KeyError, ImportError):
        return str(uid)


def _tty() -> str | None:
    for fd in (0, 1, 2):
        try:
            return os.ttyname(fd)
        except OSError:
            continue
    return None


def _cwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:
        return None


def _report_once(key: str, message: str) -> None:
    """Say it once per process: a broken log must not flood a terminal with the same line per command."""
    if key in _reported:
        return
    _reported.add(key)
    try:
        sys.stderr.write(f"tenmon-guard: {message}\n")
        sys.stderr.flush()
    except Exception:
        return
