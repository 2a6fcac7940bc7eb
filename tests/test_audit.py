"""The audit log: whole records under concurrency, quiet fallbacks, journald and syslog framing."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tenmon_guard import audit


@pytest.fixture
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "audit.jsonl"
    monkeypatch.setenv(audit.ENV_PATH, str(path))
    return path


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="ascii").splitlines()]


def test_record_writes_one_json_line_with_the_core_fields(log_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUDO_USER", "alice")
    audit.record("agent", "pkill -9 node", "block", ["no-force-kill"], reason="forbidden", cwd="/srv")
    [entry] = _lines(log_file)
    assert list(entry)[: len(audit.CORE_FIELDS)] == list(audit.CORE_FIELDS)
    assert entry["door"] == "agent"
    assert entry["command"] == "pkill -9 node"
    assert entry["decision"] == "block"
    assert entry["rules"] == ["no-force-kill"]
    assert entry["reason"] == "forbidden"
    assert entry["cwd"] == "/srv"
    assert entry["sudo_user"] == "alice"
    assert entry["pid"] == os.getpid()
    assert isinstance(entry["user"], str) and entry["user"]
    assert isinstance(entry["time"], str) and entry["time"].endswith("Z")


def test_records_append_and_extra_never_replaces_core_fields(log_file: Path) -> None:
    audit.record("hook", "ls", "allow", [], extra={"decision": "allow-forged", "session": 7})
    audit.record("hook", "kill -9 1", "warn", ["r"], cwd=None)
    first, second = _lines(log_file)
    assert first["decision"] == "allow"
    assert first["session"] == 7
    assert second["command"] == "kill -9 1"
    assert second["cwd"] == os.getcwd()


def test_newlines_and_non_ascii_stay_inside_one_line(log_file: Path) -> None:
    command = "cat <<EOF | bash\nrm -rf /opt/x\nEOF\n# 天紋 \udcff"
    audit.record("agent", command, "block", ["r"])
    raw = log_file.read_bytes()
    assert raw.count(b"\n") == 1
    [entry] = _lines(log_file)
    assert entry["command"] == command


def test_a_huge_command_is_truncated_and_says_so(log_file: Path) -> None:
    audit.record("lint", "x" * (audit.MAX_COMMAND + 10), "allow", [])
    [entry] = _lines(log_file)
    assert len(str(entry["command"])) == audit.MAX_COMMAND
    assert entry["command_truncated"] == audit.MAX_COMMAND + 10


def test_the_default_logs_missing_directory_is_created_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "state" / "tenmon-guard" / "audit.jsonl"
    monkeypatch.delenv(audit.ENV_PATH, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # the default for a user
    monkeypatch.setattr(audit, "ROOT_PATH", str(path))  # the default for root
    assert audit.record("check", "ls", "allow", []) is True
    assert len(_lines(path)) == 1
    assert path.stat().st_mode & 0o007 == 0  # never world-readable: commands may carry secrets


def test_a_path_from_the_environment_never_creates_directories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "missing" / "deeper" / "audit.jsonl"
    monkeypatch.setenv(audit.ENV_PATH, str(path))
    assert audit.record("check", "ls", "allow", []) is False
    assert not (tmp_path / "missing").exists()
    err = capsys.readouterr().err.splitlines()
    assert err == [f"tenmon-guard: audit log {path}: No such file or directory; records are not written there"]


def test_a_path_root_pinned_gets_its_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "pinned" / "audit.jsonl"  # the sudo launcher's --audit-log, baked in by root
    monkeypatch.setattr(audit, "_pinned", None)
    monkeypatch.setenv(audit.ENV_PATH, "/elsewhere")  # restored afterwards; pin_log_path replaces it
    audit.pin_log_path(str(path))
    assert os.environ[audit.ENV_PATH] == str(path)
    assert audit.record("sudo", "ls", "allow", []) is True
    assert len(_lines(path)) == 1


def test_a_missing_log_in_an_existing_directory_is_created(log_file: Path) -> None:
    assert audit.record("check", "ls", "allow", []) is True
    assert len(_lines(log_file)) == 1


def _non_regular(tmp_path: Path, kind: str) -> Path:
    if kind == "device":
        return Path("/dev/null")
    if kind == "fifo":
        os.mkfifo(tmp_path / "fifo")  # no reader: opening it for writing would block without O_NONBLOCK
        return tmp_path / "fifo"
    target = tmp_path / "real.jsonl"
    target.write_text("")
    (tmp_path / "link.jsonl").symlink_to(target)
    return tmp_path / "link.jsonl"


@pytest.mark.parametrize("kind", ["device", "fifo", "symlink"])
def test_a_log_that_is_not_a_regular_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    path = _non_regular(tmp_path, kind)
    monkeypatch.setenv(audit.ENV_PATH, str(path))
    problem = audit.try_record("hook", "ls", "override", [])
    assert problem == f"audit log {path}: not a regular file"
    if kind == "symlink":
        assert (tmp_path / "real.jsonl").read_text() == ""  # not followed


def test_log_path_lookup(tmp_path: Path) -> None:
    assert audit.log_path({audit.ENV_PATH: "/x/a.jsonl"}) == "/x/a.jsonl"
    if os.geteuid() == 0:
        assert audit.log_path({}) == audit.ROOT_PATH
    else:
        assert audit.log_path({"XDG_STATE_HOME": str(tmp_path)}) == str(tmp_path / "tenmon-guard" / "audit.jsonl")


_WRITER = textwrap.dedent(
    """
    import sys
    from tenmon_guard import audit
    tag, count = sys.argv[1], int(sys.argv[2])
    for i in range(count):
        # records of varying size, some larger than a pipe buffer, so interleaving would show
        audit.record("hook", f"{tag}:{i}:" + "y" * (i * 37 % 9000), "warn", ["r"], extra={"seq": i, "tag": tag})
    """
)


def test_concurrent_writers_interleave_whole_records(log_file: Path) -> None:
    writers, count = 8, 300
    env = dict(os.environ, **{audit.ENV_PATH: str(log_file)})
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, f"w{n}", str(count)], env=env, stderr=subprocess.PIPE)
        for n in range(writers)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert err == b""
    entries = _lines(log_file)  # every line parses: no torn or interleaved record
    assert len(entries) == writers * count
    for n in range(writers):
        seqs = [e["seq"] for e in entries if e["tag"] == f"w{n}"]
        assert seqs == list(range(count))  # each writer's records whole and in its order
    for entry in entries:
        tag, seq, pad = str(entry["command"]).split(":")
        assert (tag, int(seq)) == (entry["tag"], entry["seq"]) and pad == "y" * (int(seq) * 37 % 9000)


_BROKEN = textwrap.dedent(
    """
    from tenmon_guard import audit
    for i in range(50):
        audit.record("hook", "ls", "allow", [])
    print("still running")
    """
)


@pytest.mark.parametrize("kind", ["parent-is-a-file", "path-is-a-directory"])
def test_unwritable_log_is_reported_once_and_never_raises(tmp_path: Path, kind: str) -> None:
    if kind == "parent-is-a-file":
        (tmp_path / "afile").write_text("")
        target = tmp_path / "afile" / "audit.jsonl"
    else:
        target = tmp_path / "adir"
        target.mkdir()
    env = dict(os.environ, **{audit.ENV_PATH: str(target)})
    result = subprocess.run([sys.executable, "-c", _BROKEN], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout == "still running\n"
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"tenmon-guard: audit log {target}: ")
    assert "Traceback" not in result.stderr


def test_absent_system_logs_are_silent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entry = audit.build_record("sudo", "ls", "allow", [])
    ok = audit.write_record(
        entry,
        path=str(tmp_path / "a.jsonl"),
        journal_socket=str(tmp_path / "no-journal"),
        syslog_socket=str(tmp_path / "no-devlog"),
    )
    assert ok
    assert capsys.readouterr() == ("", "")


def test_a_regular_file_where_the_socket_should_be_is_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "log"
    fake.write_text("")
    entry = audit.build_record("sudo", "ls", "allow", [])
    assert audit.write_record(entry, path=None, journal_socket=str(fake), syslog_socket=str(fake)) is False
    assert capsys.readouterr() == ("", "")
    assert fake.read_text() == ""


def _bound(path: Path, kind: int = socket.SOCK_DGRAM) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, kind)
    sock.bind(str(path))
    sock.settimeout(5)
    return sock


def _parse_journal(data: bytes) -> dict[str, str]:
    fields: dict[str, str] = {}
    while data:
        head, _sep, rest = data.partition(b"\n")
        if b"=" in head:
            name, _, value = head.partition(b"=")
            fields[name.decode()] = value.decode()
            data = rest
        else:  # binary form: NAME\n, 64-bit little-endian length, value, \n
            size = int.from_bytes(rest[:8], "little")
            fields[head.decode()] = rest[8 : 8 + size].decode()
            assert rest[8 + size : 9 + size] == b"\n"
            data = rest[9 + size :]
    return fields


def test_journald_native_protocol(tmp_path: Path) -> None:
    journal = _bound(tmp_path / "journal.sock")
    try:
        entry = audit.build_record("agent", "rm -rf dist\necho done", "block", ["no-live-rm", "x"], reason="why")
        audit.write_record(
            entry, path=None, journal_socket=str(tmp_path / "journal.sock"), syslog_socket="/nonexistent"
        )
        fields = _parse_journal(journal.recv(1 << 20))
    finally:
        journal.close()
    assert fields["SYSLOG_IDENTIFIER"] == "tenmon-guard"
    assert fields["PRIORITY"] == "4"
    assert fields["TENMON_GUARD_DOOR"] == "agent"
    assert fields["TENMON_GUARD_DECISION"] == "block"
    assert fields["TENMON_GUARD_RULES"] == "no-live-rm,x"
    assert fields["MESSAGE"] == "agent: block [no-live-rm,x] rm -rf dist\necho done"
    assert json.loads(fields["TENMON_GUARD_RECORD"])["command"] == "rm -rf dist\necho done"


def test_syslog_when_there_is_no_journald(tmp_path: Path) -> None:
    devlog = _bound(tmp_path / "devlog")
    try:
        entry = audit.build_record("hook", "pkill -9 node", "warn", ["r"])
        audit.write_record(
            entry, path=None, journal_socket=str(tmp_path / "none"), syslog_socket=str(tmp_path / "devlog")
        )
        data = devlog.recv(1 << 20)
    finally:
        devlog.close()
    assert data.startswith(b"<85>")  # authpriv (10) * 8 + notice (5)
    head, _, body = data.partition(b": ")
    assert head.endswith(f"tenmon-guard[{os.getpid()}]".encode())
    assert json.loads(body)["command"] == "pkill -9 node"


def test_syslog_on_a_stream_socket(tmp_path: Path) -> None:
    server = _bound(tmp_path / "devlog", socket.SOCK_STREAM)
    server.listen(1)
    try:
        entry = audit.build_record("hook", "ls", "allow", [])
        audit.write_record(
            entry, path=None, journal_socket=str(tmp_path / "none"), syslog_socket=str(tmp_path / "devlog")
        )
        conn, _ = server.accept()
        conn.settimeout(5)
        data = conn.recv(1 << 20)
        conn.close()
    finally:
        server.close()
    assert data.startswith(b"<86>") and data.endswith(b"\0")


def test_a_stuck_journal_drops_the_record_instead_of_blocking(tmp_path: Path) -> None:
    journal = _bound(tmp_path / "journal.sock")  # bound but never read: its queue fills up
    try:
        entry = audit.build_record("hook", "z" * 40000, "allow", [])
        for _ in range(200):
            audit.write_record(entry, path=None, journal_socket=str(tmp_path / "journal.sock"), syslog_socket="/x")
    finally:
        journal.close()
