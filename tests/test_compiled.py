"""The optional compiled build (``TENMON_GUARD_COMPILE=1``, mypyc) gives exactly the pure-Python verdicts.

The build is made the way a user makes it (setup.py through pip, into a temporary directory), then the same
command lines and scripts are judged by both copies through the real CLI, and the outputs must be equal byte for
byte: every corpus and held-out command (``check --batch``), and the lint findings (JSON) on the machine's own
scripts and the lint test data. mypyc checks declared types at run time and compiles some constructs differently,
so a difference here is a bug of the compiled build, which must never decide otherwise than the reference.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from test_corpus import BATCH_CWD, CORPUS, HELDOUT
from test_lint_real_scripts import machine_scripts

from tenmon_guard.compiled import MODULES

REPO_ROOT = Path(__file__).resolve().parent.parent
POLICY = str(REPO_ROOT / "policies" / "tenmon-ark.yaml")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _env(compiled: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TENMON_GUARD_POLICY", "PYTHONPATH")}
    if compiled is not None:
        env["PYTHONPATH"] = str(compiled)
    return env


def _guard(compiled: Path | None, args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tenmon_guard", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd="/",  # not the checkout: ``python -m`` imports from the working directory first
        env=_env(compiled),
        timeout=900,
        check=False,
    )


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A compiled copy of the package, installed from this checkout by pip with ``TENMON_GUARD_COMPILE=1``."""
    missing = [tool for tool in ("gcc",) if shutil.which(tool) is None]
    try:
        import mypyc  # noqa: F401
    except ImportError:
        missing.append("mypy (the test extra)")
    if missing:
        message = f"the compiled build needs {', '.join(missing)}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    target = tmp_path_factory.mktemp("compiled")
    argv = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps"]
    argv += ["--no-build-isolation", "--target", str(target), str(REPO_ROOT)]
    built = _run_whole(argv, {**_env(None), "TENMON_GUARD_COMPILE": "1"}, timeout=900)
    assert built.returncode == 0, f"the compiled build failed:\n{built.stderr[-3000:]}"
    return target


def _run_whole(argv: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    """``argv`` in a process group of its own, killed whole if the run stops while it works (SIGTERM, which the
    suite's teardown plugin turns into KeyboardInterrupt, or the timeout): ``subprocess.run`` kills pip alone, and
    the build backend and gcc it started went on compiling after the run had ended."""
    with subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT, env=env, start_new_session=True
    ) as process:
        try:
            out, err = process.communicate(timeout=timeout)
        except BaseException:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    return subprocess.CompletedProcess(argv, process.returncode, out, err)


def test_every_listed_module_runs_compiled(compiled: Path) -> None:
    probe = "from tenmon_guard.compiled import compiled_modules; print('\\n'.join(compiled_modules()))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd="/", env=_env(compiled), check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == list(MODULES)
    pure = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO_ROOT, env=_env(None), check=False
    )
    assert pure.returncode == 0 and pure.stdout.split() == [], "the checkout itself must run as plain Python"


def test_corpus_verdicts_are_the_same(compiled: Path) -> None:
    commands = list(dict.fromkeys(entry.cmd for entry in (*CORPUS, *HELDOUT)))
    args = ["check", "--batch", "--policy", POLICY, "--cwd", BATCH_CWD]
    pure = _guard(None, args, "\0".join(commands))
    fast = _guard(compiled, args, "\0".join(commands))
    assert pure.returncode in (0, 1), pure.stderr[-2000:]
    pure_lines, fast_lines = pure.stdout.splitlines(), fast.stdout.splitlines()
    assert len(pure_lines) == len(commands)
    differing = [
        f"{command!r}:\n  pure:     {a}\n  compiled: {b}"
        for command, a, b in zip(commands, pure_lines, fast_lines, strict=False)
        if a != b
    ]
    assert not differing, "\n".join(differing[:10])
    assert (fast.returncode, len(fast_lines), fast.stderr) == (pure.returncode, len(pure_lines), pure.stderr)


# Shapes that take the parser's rarer paths (a syntax error over several lines and the reading after it, a
# rewrite and a second parse, a piece read in its own window), each beside a forbidden command.
ODD_SCRIPTS = {
    "unclosed-group.sh": "#!/bin/sh\n{ # comment\necho one\nrm -rf /opt/tenmon-ark-live/dist\n",
    "error-then-more.sh": "#!/bin/bash\nif then fi\nfor x in 1 2\ndone )\nkill -9 $(pgrep -f dist/index.js)\n",
    "heredoc-and-backquotes.sh": (
        "#!/bin/bash\ncat <<EOF >/tmp/x\n$(date) `id -u`\nEOF\nv=`echo \\`pgrep node\\``\nkill -9 $v\n"
    ),
    "keywords.sh": "#!/bin/bash\ntime pkill -f node\ncoproc worker { fuser -k 3000/tcp; }\n[ -d x ] && echo ok\n",
    "arith-and-case.sh": (
        "#!/bin/bash\n(( n = 1 + 2 ))\ncase $1 in\n  a) cp -r dist /opt/tenmon-ark-live/ ;;\n  *) : ;;\nesac\n"
    ),
    "quote-to-the-end.sh": "#!/bin/sh\necho 'never closed\nrm -rf /opt/tenmon-ark-live\n",
}


# What each parser alone makes of a file, and the models with and without the linter's shortcut: verdicts alone
# would not show a compiled tree-sitter reader that fails on every file, since bashlex then reads most of them.
PROBE = """
import sys
from tenmon_guard.backends.bashlex_backend import BashlexBackend
from tenmon_guard.backends.treesitter_backend import TreeSitterBackend
from tenmon_guard.compiled import compiled_modules
from tenmon_guard.engine import Context, Guard
from tenmon_guard.policy import load_policy
guard = Guard(load_policy([sys.argv[1]], {}))
parsers = (TreeSitterBackend(), BashlexBackend())
print(len(compiled_modules()))
for path in sys.argv[2:]:
    with open(path, encoding="utf-8", errors="surrogateescape") as handle:
        text = handle.read()
    print(path)
    for parser in parsers:
        print(repr(parser.parse(text)))
    for findings_only in (False, True):
        print(repr(guard.models(text, Context(door="lint", findings_only=findings_only))))
"""


def _inputs(directory: Path) -> list[str]:
    for name, text in ODD_SCRIPTS.items():
        (directory / name).write_text(text, encoding="utf-8")
    return [str(directory), str(REPO_ROOT / "tests" / "data" / "lint"), *machine_scripts()]


def test_each_parser_reads_the_same(compiled: Path, tmp_path: Path) -> None:
    inputs = _inputs(tmp_path)
    files = [str(p) for p in sorted(tmp_path.iterdir())] + inputs[2:]
    files += [str(p) for p in sorted((REPO_ROOT / "tests" / "data" / "lint").rglob("*")) if p.is_file()]
    outputs = []
    for copy in (None, compiled):
        done = subprocess.run(
            [sys.executable, "-c", PROBE, POLICY, *files],
            capture_output=True,
            text=True,
            cwd="/",
            env=_env(copy),
            timeout=900,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        outputs.append(done.stdout.splitlines())
    pure, fast = outputs
    assert (pure[0], fast[0]) == ("0", str(len(MODULES))), "the two runs are not the two copies"
    assert "internal error" not in "\n".join(pure)
    differing = [
        f"pure:     {a[:400]}\ncompiled: {b[:400]}" for a, b in zip(pure[1:], fast[1:], strict=False) if a != b
    ]
    assert not differing, "\n".join(differing[:3])
    assert len(pure) == len(fast) == 1 + 5 * len(files)


def test_lint_findings_are_the_same(compiled: Path, tmp_path: Path) -> None:
    inputs = _inputs(tmp_path)
    args = ["lint", "--policy", POLICY, "--format", "json", *inputs]
    pure = _guard(None, args)
    fast = _guard(compiled, args)
    assert pure.returncode in (0, 1), pure.stderr[-2000:]
    findings = json.loads(pure.stdout)["findings"]
    assert findings, "the lint inputs gave no finding at all: the comparison would prove little"
    if fast.stdout != pure.stdout:
        theirs = json.loads(fast.stdout)["findings"] if fast.stdout.strip() else []
        only_pure = [f for f in findings if f not in theirs][:5]
        only_fast = [f for f in theirs if f not in findings][:5]
        pytest.fail(f"lint output differs; only pure: {only_pure}; only compiled: {only_fast}")
    assert (fast.returncode, fast.stderr) == (pure.returncode, pure.stderr)
