"""The lint door's file discovery: extensions, #! lines (through env -S), other shells, globs, binaries."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tenmon_guard.lint.discovery import discover
from tenmon_guard.lint.globs import matches, matches_with_parents
from tenmon_guard.lint.shebang import interpreter

FIXTURE = Path(__file__).parent / "data" / "lint" / "repo"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("#!/bin/sh", "sh"),
        ("#! /bin/bash -eu", "bash"),
        ("#!/usr/bin/dash", "dash"),
        ("#!/usr/bin/env bash", "bash"),
        ("#!/usr/bin/env -S bash -e", "bash"),
        ("#!/usr/bin/env -Sbash -e", "bash"),
        ("#!/usr/bin/env -i PATH=/bin bash", "bash"),
        ("#!/usr/bin/env -u HOME -- sh", "sh"),
        ("#!/usr/bin/env --split-string=bash -x", "bash"),
        ("#!/bin/bash5", "bash"),
        ("#!/usr/bin/zsh -f", "zsh"),
        ("#!/usr/bin/env fish", "fish"),
        ("#!/usr/bin/env python3", "python"),
        ("#!/bin/busybox sh", "sh"),
        ("#!/bin/sh\0", "sh"),  # the kernel reads the interpreter as a C string
        ("\ufeff#!/bin/bash", "bash"),  # a byte order mark: the shell that asked runs it
        ("#!/bin/bash\r", "bash"),  # saved with CRLF: bash FILE runs it (the kernel looks for bash\r)
        ("# just a comment", None),
        ("#!", None),
        ("echo hi", None),
    ],
)
def test_interpreter_from_shebang(line: str, expected: str | None) -> None:
    assert interpreter(line) == expected


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("vendor", "vendor", True),
        ("a/vendor", "vendor", True),  # no slash: a name at any depth
        ("scripts/x.sh", "scripts/*.sh", True),
        ("scripts/a/x.sh", "scripts/*.sh", False),  # * stays inside one segment
        ("scripts/a/x.sh", "scripts/**/*.sh", True),
        ("scripts/x.sh", "scripts/**/*.sh", True),  # **/ matches no directory too
        ("x.sh", "**/x.sh", True),
        ("deep/er/x.sh", "**/x.sh", True),
        ("x.sh.in", "*.in", True),
        ("x.bak", "x.[!s]*", True),
        ("x.sh", "x.[!s]*", False),
    ],
)
def test_globs(path: str, pattern: str, expected: bool) -> None:
    assert matches(path, (pattern,)) is expected


def test_exclude_covers_what_is_inside_a_directory() -> None:
    assert matches_with_parents("vendor/lib/x.sh", ("vendor",))
    assert not matches_with_parents("src/x.sh", ("vendor",))


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    return root


def _relative(paths: tuple[str, ...], root: Path) -> set[str]:
    return {os.path.relpath(p, root) for p in paths}


def test_walk_finds_shell_by_extension_and_shebang(tree: Path) -> None:
    found = discover([str(tree)])
    files = _relative(found.files, tree)
    assert {"ops/restart_bad.sh", "ops/clean.sh", "bin/restart-env-s", "api/scripts/deploy_live.sh"} <= files
    assert "ops/blob.sh" in files  # NUL bytes, but a .sh with #!/bin/sh: dash runs it, dropping the NULs
    assert not {"bin/tool.py", "ops/notes.txt", "bin/zsh-tool", "bin/helper.fish"} & files
    notes = {os.path.relpath(n.path, tree): n.message for n in found.notes}
    assert "zsh script" in notes["bin/zsh-tool"]
    assert "fish script" in notes["bin/helper.fish"]
    assert not found.errors


def test_walk_order_is_stable_and_sorted(tree: Path) -> None:
    first = discover([str(tree)]).files
    assert first == discover([str(tree)]).files
    assert list(first) == sorted(first, key=lambda p: os.path.relpath(p, tree).split("/"))


def test_exclude_and_include(tree: Path) -> None:
    found = discover([str(tree)], exclude=["vendor", "ops/*.sh"])
    files = _relative(found.files, tree)
    assert "vendor/third_party.sh" not in files
    assert not any(f.startswith("ops/") for f in files)
    assert "bin/restart-env-s" in files
    included = _relative(discover([str(tree)], include=["*.txt"]).files, tree)
    assert "ops/notes.txt" in included


def test_explicit_files_are_linted_unless_plainly_something_else(tree: Path) -> None:
    named = [tree / "ops" / "notes.txt", tree / "bin" / "tool.py", tree / "bin" / "zsh-tool", tree / "ops" / "clean.sh"]
    found = discover([str(p) for p in named])
    assert _relative(found.files, tree) == {"ops/notes.txt", "ops/clean.sh"}
    messages = " ".join(n.message for n in found.notes)
    assert "python" in messages and "zsh" in messages


def test_a_dot_sh_file_with_another_interpreter_is_skipped_with_a_note(tree: Path) -> None:
    """Red team 15: ``deploy.sh`` whose ``#!`` names python (and which ``sh deploy.sh`` runs as shell) was
    skipped silently by a walk, and so by the pre-commit hook (``--shell-only``)."""
    script = tree / "ops" / "deploy_py.sh"
    script.write_text("#!/usr/bin/python3\nfuser -k 3000/tcp\n")
    for found in (discover([str(tree / "ops")]), discover([str(script)], shell_only=True)):
        assert str(script) not in found.files
        assert [n.message for n in found.notes if n.path == str(script)] == [
            "skipped: not a shell script (#! names python)"
        ]


def test_vcs_directories_are_not_entered(tree: Path) -> None:
    hidden = tree / ".git" / "hooks"
    hidden.mkdir(parents=True)
    (hidden / "pre-push.sh").write_text("#!/bin/sh\nfuser -k 3000/tcp\n")
    assert not any("/.git/" in p for p in discover([str(tree)]).files)


def test_the_same_file_twice_is_linted_once(tree: Path) -> None:
    script = str(tree / "ops" / "clean.sh")
    assert discover([script, str(tree / "ops"), script]).files.count(script) == 1


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    found = discover([str(tmp_path / "nope.sh")])
    assert found.errors and "No such file" in found.errors[0].message


def test_relative_paths_are_shown_without_dot_slash(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    found = discover(["."])
    assert "ops/clean.sh" in found.files
    assert all(not p.startswith("./") for p in found.files)
    assert all(not n.path.startswith("./") for n in found.notes)


def test_a_named_fifo_is_an_error_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.sh"
    os.mkfifo(fifo)
    found = discover([str(fifo)])
    assert not found.files and "not a regular file" in found.errors[0].message
