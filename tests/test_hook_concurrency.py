"""Eight guarded shells at once (four bash, four zsh), 200 lines each, one shared audit log.

Every refusal and every warning must be in the log exactly once, as one whole JSON record on its own line, whatever
the interleaving of eight checkers writing at the same time; some records are longer than a pipe buffer (a pasted
line with a long comment), where torn writes would show first. The app and dist/ must come through untouched.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from test_hook_bash import GuardedShell, World, make_world, require_program

SHELLS = ["bash", "zsh"] * 4
LINES_PER_SHELL = 200
LONG = "x" * 6000

SETUP = ""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    require_program("bash")
    require_program("zsh")
    yield from make_world(tmp_path_factory.mktemp("hook-concurrency"))


def line_for(shell_index: int, n: int) -> tuple[str, str | None]:
    """The n-th line of shell ``shell_index`` and the decision the audit log must record for it (None: none)."""
    tag = f"# s{shell_index}-n{n}"
    kind = n % 4
    if kind == 0:
        return f"pkill -9 node {tag}", "block"
    if kind == 1:
        return f"kill -9 $NOT_SET_ANYWHERE 2>/dev/null {tag}", "warn"
    if kind == 2:
        return f"echo ok {tag}", None
    return f"pkill -9 node {tag} {LONG}", "block"


def drive(world: World, index: int, kind: str, errors: list[str]) -> None:
    shell = GuardedShell(world, kind, setup=SETUP)
    try:
        for n in range(LINES_PER_SHELL):
            line, decision = line_for(index, n)
            typed = shell.paste(line) if LONG in line else shell.type(line)
            if decision == "block" and "BLOCKED" not in typed.output:
                errors.append(f"shell {index} line {n}: not refused: {typed.output[-300:]!r}")
            if decision is None and typed.buffer:
                errors.append(f"shell {index} line {n}: prompt not empty: {typed.buffer!r}")
    except Exception as error:  # report from the thread; the assertion is in the test
        errors.append(f"shell {index} ({kind}): {type(error).__name__}: {error}")
    finally:
        shell.close()


def test_eight_shells_two_hundred_lines_each_audit_records_whole(world: World) -> None:
    errors: list[str] = []
    threads = [threading.Thread(target=drive, args=(world, i, kind, errors)) for i, kind in enumerate(SHELLS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=900)
    assert not any(thread.is_alive() for thread in threads), "a shell hung"
    assert not errors, "\n".join(errors[:20])
    world.assert_intact()

    raw = world.audit_log.read_bytes()
    assert raw.endswith(b"\n")
    records = []
    for number, line in enumerate(raw.split(b"\n")[:-1], 1):
        try:
            records.append(json.loads(line))
        except ValueError:
            pytest.fail(f"audit log line {number} is not a whole record: {line[:200]!r}")
    seen: dict[str, list[str]] = {}
    for record in records:
        seen.setdefault(record["command"], []).append(record["decision"])
    for index, _kind in enumerate(SHELLS):
        for n in range(LINES_PER_SHELL):
            line, decision = line_for(index, n)
            if decision is None:
                assert line not in seen
            else:
                assert seen.get(line) == [decision], (line[:80], seen.get(line))
    expected = sum(1 for i in range(len(SHELLS)) for n in range(LINES_PER_SHELL) if line_for(i, n)[1])
    assert len(records) == expected
    assert {record["shell"] for record in records} == {"bash", "zsh"}
