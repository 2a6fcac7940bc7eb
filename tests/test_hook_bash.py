"""The interactive door in a real bash: the hook sourced from the rc file, driven through a pty.

A real ``node dist/index.js`` stands in for the API (listening on a free port that is the policy's ``port``), a
temporary directory with a ``dist/`` tree is the policy's ``live_dir``, and the approved scripts exist under a
temporary ``repo_dir``. Each forbidden line is typed at the prompt; afterwards the node process must be alive,
``dist/`` byte-for-byte intact, the screen must show the rule and the approved command, and the prompt must hold
the approved command. Approved and harmless lines must run and show their output.

The harness here (:class:`World`, :class:`GuardedShell`) is shared with the zsh and concurrency tests.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from stand_ins import logged, pkill_stand_in, run_bash

try:
    import pexpect
except ImportError:  # the test extra has it; under CI its absence is a failure, not a skip
    if os.environ.get("CI") == "true":
        raise
    pexpect = pytest.importorskip("pexpect")

REPO_ROOT = Path(__file__).resolve().parent.parent
HOOKS = REPO_ROOT / "shell-hooks"
POLICY = REPO_ROOT / "policies" / "tenmon-ark.yaml"
ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]")
PROBE = "\x18\x10"  # C-x C-p: a test-only key that prints what the prompt holds
MARK = re.compile(r"<<BUF:(.*?):FUB>>", re.DOTALL)

INDEX_JS = """\
const http = require("http");
const port = Number(process.env.TENMON_PORT);
http.createServer((req, res) => res.end("ok")).listen(port, "127.0.0.1", () => console.log("listening " + port));
"""


def require_root(why: str) -> None:
    """A test that needs root (a mount, a mount namespace): CI runs as root, so there its absence fails the test."""
    if os.geteuid() == 0:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why} needs root, and CI runs as root")
    pytest.skip(f"{why} needs root")


def require_program(name: str) -> str:
    """The path of a program a test needs. Under CI a missing one fails the test (scripts/ci-deps.txt lists it)."""
    found = shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed (Debian package {name}; scripts/ci-deps.txt lists it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def guard_bin() -> str:
    """The tenmon-guard console script of the Python running the tests."""
    beside = Path(sys.executable).parent / "tenmon-guard"
    if beside.exists():
        return str(beside)
    found = shutil.which("tenmon-guard")
    if not found:
        pytest.fail("the tenmon-guard console script is not installed (pip install -e .)")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean(text: str) -> str:
    return ANSI.sub("", text).replace("\r", "")


def snapshot(root: Path) -> dict[str, tuple[int, str]]:
    """Every file and directory under ``root``: mode and content hash (``dir`` for directories)."""
    out: dict[str, tuple[int, str]] = {".": (root.stat().st_mode, "dir")}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        if path.is_dir() and not path.is_symlink():
            digest = "dir"
        elif path.is_symlink():
            digest = "link:" + os.readlink(path)
        else:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        out[str(path.relative_to(root))] = (info.st_mode, digest)
    return out


@dataclass
class World:
    """The temporary machine: the app, its live tree, the repository with the approved scripts, the policy."""

    root: Path
    live: Path
    repo: Path
    port: int
    app: subprocess.Popen[str]
    audit_log: Path
    home: Path
    dist_before: dict[str, tuple[int, str]] = field(default_factory=dict)

    @property
    def dist(self) -> Path:
        return self.live / "dist"

    @property
    def pid(self) -> int:
        return self.app.pid

    def checker_args(self) -> list[str]:
        return [
            "--policy",
            str(POLICY),
            "--var",
            f"live_dir={self.live}",
            "--var",
            f"repo_dir={self.repo}",
            "--var",
            f"port={self.port}",
        ]

    def env(self, **extra: str) -> dict[str, str]:
        venv_bin = str(Path(sys.executable).parent)
        env = {
            "PATH": f"{venv_bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": str(self.home),
            "TERM": "xterm",
            "LANG": "C.UTF-8",
            "NO_COLOR": "1",
            "TENMON_GUARD_BIN": guard_bin(),
            "TENMON_GUARD_ARGS": " ".join(self.checker_args()),
            "TENMON_GUARD_AUDIT_LOG": str(self.audit_log),
            "TENMON_GUARD_TIMEOUT": "10",
            "INPUTRC": "/dev/null",
            "HISTFILE": "/dev/null",
        }
        env.update(extra)
        return env

    def app_alive(self) -> bool:
        if self.app.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
                sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
                return b"ok" in sock.recv(1024)
        except OSError:
            return False

    def assert_intact(self) -> None:
        assert self.app_alive(), "the node stand-in was killed"
        assert snapshot(self.dist) == self.dist_before, "dist/ changed"

    def verdict(self, text: str, cwd: Path | None = None) -> dict[str, object]:
        """What ``tenmon-guard check`` says about ``text`` (the expectation for what the shell must show)."""
        done = subprocess.run(
            [guard_bin(), "check", "--json", "--door", "hook", "--cwd", str(cwd or self.home), *self.checker_args(),
             "--", text],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert done.returncode in (0, 1), done.stderr
        return json.loads(done.stdout)  # type: ignore[no-any-return]


def make_world(root: Path) -> Iterator[World]:
    require_program("node")
    live, repo, home = root / "live", root / "repo", root / "home"
    (live / "dist" / "assets").mkdir(parents=True)
    (live / "dist" / "index.js").write_text(INDEX_JS)
    (live / "dist" / "routes.js").write_text("module.exports = {};\n")
    (live / "dist" / "assets" / "app.css").write_bytes(b"body{}\n\x00\xff")
    (live / "dist" / "index.js").chmod(0o644)
    scripts = repo / "api" / "scripts"
    (scripts / "ops").mkdir(parents=True)
    (repo / "api" / "dist").mkdir(parents=True)
    (repo / "api" / "dist" / "index.js").write_text("// new build\n")
    (scripts / "ops" / "restart_api.sh").write_text("#!/bin/sh\necho RESTARTED-BY-SCRIPT\n")
    (scripts / "deploy_live.sh").write_text("#!/bin/sh\necho DEPLOYED-BY-SCRIPT\n")
    home.mkdir()
    port = free_port()
    app = subprocess.Popen(
        ["node", "dist/index.js"],
        cwd=live,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TENMON_PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert app.stdout is not None
    line = app.stdout.readline()
    assert "listening" in line, line
    world = World(root, live, repo, port, app, root / "audit.jsonl", home)
    world.dist_before = snapshot(world.dist)
    assert world.app_alive()
    try:
        yield world
    finally:
        app.kill()
        app.wait()
        app.stdout.close()


@dataclass
class Typed:
    output: str  # the screen between the keys sent and the probe, without ANSI
    buffer: str  # what the prompt holds afterwards


class GuardedShell:
    """An interactive bash or zsh in a pty, with the hook sourced from its rc file (as a user would have it)."""

    def __init__(
        self,
        world: World,
        shell: str = "bash",
        *,
        setup: str = "",
        env: dict[str, str] | None = None,
        wrap: list[str] | None = None,
    ):
        """``wrap``: a command the shell is run through (its words, then the shell's)."""
        self.world = world
        self.shell = shell
        rc_dir = world.root / f"rc-{shell}-{time.monotonic_ns()}"
        rc_dir.mkdir()
        base_env = world.env(**(env or {}))
        if shell == "bash":
            program = require_program("bash")
            rc = rc_dir / "bashrc"
            rc.write_text(
                "PS1='[guarded]$ '\n"
                "__test_probe() { printf '\\n<<BUF:%s:FUB>>\\n' \"$READLINE_LINE\"; }\n"
                "for km in emacs vi-insert vi-command; do bind -m $km -x '\"\\C-x\\C-p\": __test_probe'; done\n"
                f"{setup}\n"
                f". {HOOKS / 'tenmon-guard.bash'}\n"
            )
            argv = [program, "--rcfile", str(rc), "-i"]
        else:
            program = require_program("zsh")
            rc = rc_dir / ".zshrc"
            rc.write_text(
                "PS1='[guarded]$ '\n"
                "unsetopt zle_bracketed_paste 2>/dev/null; setopt zle_bracketed_paste 2>/dev/null\n"
                "__test_probe() { zle -I; print -r -- $'\\n'\"<<BUF:${BUFFER}:FUB>>\"; }\n"
                "zle -N __test_probe; bindkey '^X^P' __test_probe\n"
                f"{setup}\n"
                f". {HOOKS / 'tenmon-guard.zsh'}\n"
            )
            base_env["ZDOTDIR"] = str(rc_dir)
            argv = [program, "-i"]
        argv = [*(wrap or ()), *argv]
        self.child = pexpect.spawn(
            argv[0], argv[1:], env=base_env, cwd=str(world.home), encoding="utf-8", codec_errors="replace",
            dimensions=(60, 250), timeout=60,
        )  # fmt: skip
        self.probe()

    def probe(self, timeout: float = 60) -> Typed:
        self.child.send(PROBE)
        self.child.expect(MARK, timeout=timeout)
        match = self.child.match
        return Typed(clean(self.child.before), match.group(1))

    def type(self, line: str, *, timeout: float = 60) -> Typed:
        """Type ``line`` and Enter; return the screen up to the next prompt and what that prompt holds. The line
        left on the prompt is then cleared (C-u) so the next call starts empty."""
        self.child.send(line + "\r")
        typed = self.probe(timeout)
        if typed.buffer:
            self.child.send("\x15")
        return typed

    def paste(self, text: str) -> Typed:
        """Paste ``text`` (bracketed paste, as a terminal sends it) and press Enter."""
        self.child.send("\x1b[200~" + text + "\x1b[201~")
        return self.type("")

    def wait_idle(self, timeout: float = 30) -> None:
        """Wait until the shell has handled every key sent so far and is blocked waiting for the next one: the
        probe answers (keys are handled in order), then /proc/PID/syscall and /proc/PID/wchan show a select or poll
        on the terminal (fd 0) alone. Where /proc does not tell, half a second after the probe stands in."""
        self.probe()
        deadline = time.monotonic() + timeout
        seen = "nothing"
        while time.monotonic() < deadline:
            try:
                call = Path(f"/proc/{self.child.pid}/syscall").read_text().split()
                wchan = Path(f"/proc/{self.child.pid}/wchan").read_text()
            except OSError:
                time.sleep(0.5)
                return
            if len(call) > 1 and call[1] == "0x1" and ("select" in wchan or "poll" in wchan):
                return
            seen = f"{' '.join(call[:2])} in {wchan}"
            time.sleep(0.005)
        raise AssertionError(f"the shell never came back to waiting for a key (last seen: {seen})")

    def interrupt(self) -> None:
        """One C-c once the shell waits for a key; the fresh prompt must follow.

        Not sooner, because of bash's readline (5.2; 5.3 reads keys the same way): a SIGINT that interrupts the
        wait for a key is acted on at once, but one that arrives while readline is still busy with the key before
        it (the C-u that :meth:`type` sends, the end of a key binding) is handled at the next read without bash's
        signal hook. ``^C`` is echoed, yet bash stays on the line it was reading until another signal comes, and
        the next line typed is thrown away. A bare bash, no hook, does the same when C-u and C-c come 20-50 us
        apart, and so did this method: pexpect's ``sendcontrol`` skips ``delaybeforesend``, so its C-c followed
        :meth:`type`'s C-u by about that much. A person cannot press keys that close together."""
        self.wait_idle()
        self.child.sendcontrol("c")
        self.child.expect(re.escape("[guarded]$ "), timeout=10)

    def keys(self, keys: str, *, timeout: float = 60) -> Typed:
        self.child.send(keys)
        return self.probe(timeout)

    def close(self) -> None:
        if self.child.isalive():
            self.child.sendcontrol("c")
            self.child.sendline("exit")
            with contextlib.suppress(pexpect.TIMEOUT):
                self.child.expect(pexpect.EOF, timeout=10)
        self.child.close(force=True)


def assert_refused(world: World, typed: Typed, expected: dict[str, object]) -> None:
    """The screen names every blocking rule and the approved command, and the prompt holds the approved command."""
    assert expected["decision"] == "block", f"the engine does not block this: {expected}"
    findings = [f for f in expected["findings"] if f["decision"] == "block"]  # type: ignore[union-attr]
    assert "BLOCKED" in typed.output, typed.output
    for finding in findings:
        assert finding["rule"] in typed.output, (finding["rule"], typed.output)
    suggestions = [f["suggestion"] for f in findings if f.get("suggestion")]
    assert suggestions, "a refusal without an approved command"
    assert typed.buffer in suggestions, (typed.buffer, suggestions)
    assert f"approved: {typed.buffer}" in typed.output
    world.assert_intact()


def audit_records(world: World) -> list[dict[str, object]]:
    if not world.audit_log.exists():
        return []
    return [json.loads(line) for line in world.audit_log.read_text().splitlines()]


# ---------------------------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from make_world(tmp_path_factory.mktemp("hook-bash"))


SETUP = """\
set -u
shopt -s nullglob
alias k9='kill -9'
alias ll='ls -l'
f() { pkill -9 node; }
stopit() { kill -9 "$@"; }
halt() { stopit "$@"; }
__tg_mine() { pkill -9 node; }
"""


@pytest.fixture(scope="module")
def sh(world: World) -> Iterator[GuardedShell]:
    shell = GuardedShell(world, "bash", setup=SETUP)
    yield shell
    shell.close()


@pytest.fixture(autouse=True)
def home_dir(request: pytest.FixtureRequest) -> None:
    """Each test starts in the home directory with an empty prompt (the shell is shared by the module)."""
    if "sh" in request.fixturenames:
        shell = request.getfixturevalue("sh")
        shell.type(f"cd {shell.world.home}")


# ---------------------------------------------------------------------------------------------------------------
# The operations guide's forbidden commands, with and without sudo

SEEDS = [
    "fuser -k {port}/tcp",
    'kill -9 $(pgrep -f "node dist/index.js")',
    "pkill -9 node",
    "rm -rf {live}/dist",
    "cp -r {repo}/api/dist {live}/",
]


@pytest.mark.parametrize("sudo", ["", "sudo "], ids=["plain", "sudo"])
@pytest.mark.parametrize("seed", SEEDS)
def test_seed_commands_are_refused(sh: GuardedShell, world: World, seed: str, sudo: str) -> None:
    line = sudo + seed.format(port=world.port, live=world.live, repo=world.repo)
    typed = sh.type(line)
    assert_refused(world, typed, world.verdict(line))


# ---------------------------------------------------------------------------------------------------------------
# Evasions typed at the prompt: (lines typed first, the line refused, the text the engine must judge)

EVASIONS = {
    "alias-to-kill-9": ([], "k9 $(pgrep -f dist/index.js)", "kill -9 $(pgrep -f dist/index.js)"),
    "function-body": ([], "f", "pkill -9 node"),
    "function-arguments": ([], "stopit $(pgrep -f dist/index.js)", "kill -9 $(pgrep -f dist/index.js)"),
    "function-named-like-the-hook": ([], "__tg_mine", "pkill -9 node"),
    "function-calls-function": ([], "halt $(pgrep -f dist/index.js)", "kill -9 $(pgrep -f dist/index.js)"),
    "bang-bang": (["history -s 'pkill -9 node'"], "!!", "pkill -9 node"),
    "sudo-bang-bang": (["history -s 'pkill -9 node'"], "sudo !!", "sudo pkill -9 node"),
    "bang-prefix": (["history -s 'fuser -k {port}/tcp'", "echo other"], "!fuser", "fuser -k {port}/tcp"),
    "cd-then-relative": (["cd {live}"], "rm -rf dist", "@live rm -rf dist"),
    "cd-and-relative": ([], "cd {live} && rm -rf dist", "cd {live} && rm -rf dist"),
    "literal-pid": ([], "kill -9 {pid}", "kill -9 {pid}"),
    "signal-name-literal-pid": ([], "kill -s KILL {pid}", "kill -s KILL {pid}"),
    # kill reads a PID as a decimal number: leading zeros and a + sign name the same process (round 18)
    "literal-pid-leading-zeros": ([], "kill -9 00{pid}", "kill -9 00{pid}"),
    "literal-pid-plus-sign": ([], "kill -9 +{pid}", "kill -9 +{pid}"),
    "xargs": ([], "pgrep -f dist/index.js | xargs kill -9", None),
    "pidof": ([], "kill -KILL $(pidof node)", None),
    "bash-c": ([], "bash -c 'pkill -9 node'", None),
    "env-wrapper": ([], "env FOO=1 fuser -k {port}/tcp", None),
    "backslash-command": ([], "\\pkill -9 node", None),
    "command-builtin": ([], "command kill -9 {pid}", None),
    "eval": ([], 'eval "pkill -9 node"', None),
    "loop": ([], "for p in $(pgrep node); do kill -9 $p; done", None),
    "variable-signal": ([], "X=9; kill -$X $(pgrep node)", None),
    "time-wrapper": ([], "time pkill -9 node", None),
    "background": ([], "nohup pkill -9 node &", None),
    "mv-live": ([], "mv {live}/dist {root}/moved", None),
    "redirect-into-live": ([], "echo hacked > {live}/dist/index.js", None),
    "rsync-delete": ([], "rsync -a --delete {repo}/api/dist/ {live}/dist/", None),
    "find-delete": ([], "find {live}/dist -delete", None),
    "truncate": ([], "truncate -s 0 {live}/dist/index.js", None),
    "sudo-user": ([], "sudo -u root pkill -9 node", None),
}


@pytest.mark.parametrize("name", sorted(EVASIONS))
def test_evasions_are_refused(sh: GuardedShell, world: World, name: str) -> None:
    before, line, judged = EVASIONS[name]
    values = {"port": world.port, "live": world.live, "repo": world.repo, "pid": world.pid, "root": world.root}
    for step in before:
        sh.type(step.format(**values))
    line = line.format(**values)
    cwd = None
    judged = (judged or line).format(**values)
    if judged.startswith("@live "):
        judged, cwd = judged[len("@live ") :], world.live
    typed = sh.type(line)
    assert_refused(world, typed, world.verdict(judged, cwd))


def test_pasted_multiline_is_judged_whole(sh: GuardedShell, world: World) -> None:
    text = f"echo first-line\nrm -rf {world.live}/dist\necho third-line"
    typed = sh.paste(text)
    assert_refused(world, typed, world.verdict(text))
    assert "first-line\n" not in typed.output.replace("echo first-line", "")  # nothing of the paste ran


def test_the_hooks_variables_stay_out_of_the_environment_under_set_a(sh: GuardedShell) -> None:
    """Under the user's set -a the programs a line runs get the user's variables, not the hook's: every variable the
    hook set was exported, and env listed 29 of them (the judged line among them)."""
    sh.type("set -a")
    try:
        sh.type("echo judged-under-set-a")
        assert "tg-vars=0:" in sh.type('echo "tg-vars=$(env | grep -c "^__tg_"):"').output
        assert "mine=1:" in sh.type('mine_set_a=1; echo "mine=$(env | grep -c "^mine_set_a="):"').output
    finally:
        sh.type("set +a")


def test_posix_mode_lines_run_without_the_hooks_errors(sh: GuardedShell) -> None:
    """Under set -o posix a line runs as with no hook: the hook's look-up of each word as a function name printed
    `declare: '-d': not a valid identifier` for every word that is not an identifier."""
    sh.type("set -o posix")
    try:
        typed = sh.type("ls -d / /tmp")
        assert "not a valid identifier" not in typed.output, typed.output
        assert "/tmp" in typed.output.split("ls -d / /tmp")[-1]
    finally:
        sh.type("set +o posix")


def test_an_allowed_pasted_block_runs_every_line_without_a_warning(sh: GuardedShell) -> None:
    """A pasted block of harmless lines runs each line, silently, as with no hook: bash reads the block line after
    line, each started with PS0; the hook had taken the Enter key's verdict back after the first, and warned that
    each later line was NOT checked (refused them under the policy's unknown: block)."""
    typed = sh.paste("echo p-one:$HOME\necho p-two:$HOME\necho p-three:$HOME")
    home = sh.world.home
    for word in ("one", "two", "three"):
        assert f"p-{word}:{home}\n" in typed.output, typed.output
    assert "WARNING" not in typed.output and "NOT checked" not in typed.output, typed.output


def test_line_continued_with_backslash(sh: GuardedShell, world: World) -> None:
    sh.child.send("rm -rf \\\r")
    typed = sh.type(f"{world.live}/dist")
    assert "BLOCKED" in typed.output and "live-dir-direct-write" in typed.output
    assert "press Ctrl-C" in typed.output
    sh.interrupt()
    sh.probe()
    world.assert_intact()


def test_multiline_loop_typed_line_by_line(sh: GuardedShell, world: World) -> None:
    sh.child.send("for i in 1 2; do\r")
    typed = sh.type("echo loop-$i; done")
    assert "loop-1\nloop-2" in typed.output
    sh.child.send("for p in $(pgrep -f dist/index.js); do\r")
    typed = sh.type("kill -9 $p; done")
    assert "BLOCKED" in typed.output and "sigkill-app" in typed.output
    sh.interrupt()  # leave the continuation prompt (the shell is shared by this module's tests)
    sh.probe()
    world.assert_intact()


def test_one_ctrl_c_abandons_a_refused_continuation_line(sh: GuardedShell, world: World) -> None:
    """The refused last line of a loop stays on the continuation prompt; one C-c brings the primary prompt back
    and the next line runs on its own (nothing of the abandoned loop is carried over). Several rounds: with the
    C-c sent right after the C-u (see :meth:`GuardedShell.interrupt`), about one round in five failed."""
    for n in range(5):
        sh.child.send("for p in $(pgrep -f dist/index.js); do\r")
        typed = sh.type("kill -9 $p; done")
        assert "BLOCKED" in typed.output and "press Ctrl-C" in typed.output, typed.output
        sh.interrupt()
        typed = sh.type(f"echo after-ctrl-c-$((40 + {n}))")
        assert f"\nafter-ctrl-c-{40 + n}\n" in typed.output, typed.output
        world.assert_intact()
    # a refusal afterwards is a first line again: the approved command goes on the prompt
    line = 'kill -9 $(pgrep -f "node dist/index.js")'
    assert_refused(world, sh.type(line), world.verdict(line))


# ---------------------------------------------------------------------------------------------------------------
# What must run


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("echo hello-from-the-prompt", "hello-from-the-prompt"),
        ("ls {live}/dist", "index.js"),
        ("bash {repo}/api/scripts/ops/restart_api.sh", "RESTARTED-BY-SCRIPT"),
        ("bash {repo}/api/scripts/deploy_live.sh", "DEPLOYED-BY-SCRIPT"),
        ("ll {live}/dist | grep -c js", "2"),
        ("kill -0 {pid} && echo app-is-there", "app-is-there"),
        ("cat {live}/dist/routes.js", "module.exports"),
        ("cp -r {live}/dist {root}/backup-copy && echo copied", "copied"),
        ("echo 'rm -rf {live}/dist'", "rm -rf"),
    ],
)
def test_approved_and_harmless_commands_run(sh: GuardedShell, world: World, line: str, expected: str) -> None:
    line = line.format(live=world.live, repo=world.repo, pid=world.pid, root=world.root)
    typed = sh.type(line)
    assert "BLOCKED" not in typed.output
    assert expected in typed.output.split(line, 1)[-1], typed.output
    assert typed.buffer == ""
    world.assert_intact()


def test_refused_then_enter_runs_the_approved_command(sh: GuardedShell, world: World) -> None:
    line = 'kill -9 $(pgrep -f "node dist/index.js")'
    refused = sh.keys(line + "\r")
    assert refused.buffer == f"bash {world.repo}/api/scripts/ops/restart_api.sh"
    ran = sh.type("")  # Enter on what the prompt holds
    assert "RESTARTED-BY-SCRIPT" in ran.output
    world.assert_intact()


def test_home_goes_with_each_line(sh: GuardedShell, world: World) -> None:
    assert_home_goes_with_each_line(sh, world)


def assert_home_goes_with_each_line(shell: GuardedShell, world: World) -> None:
    """The hook sends the shell's HOME with each line: a write under ``~`` is a known path (no warning), and a HOME
    changed on an earlier line is the one judged (the checker's own is the one it started with)."""
    typed = shell.type("echo hello >> ~/notes.txt && echo wrote-notes")
    assert "WARNING" not in typed.output and "BLOCKED" not in typed.output
    assert "wrote-notes" in typed.output
    assert_refused_after(shell, world, f"HOME={world.live}", ["rm -rf ~/dist"], [f"HOME={world.home}"])


def test_the_real_directory_goes_with_each_line(sh: GuardedShell, world: World) -> None:
    assert_real_directory_goes_with_each_line(sh, world)


def assert_real_directory_goes_with_each_line(shell: GuardedShell, world: World) -> None:
    """``PWD=DIR`` at an earlier prompt changes the variable, not where the shell is: bash's and zsh's cd and pwd go
    by the directory itself. The hook sent $PWD as the line's directory, so in the live tree, after ``PWD=HOME``,
    ``rm -rf dist`` was judged in HOME and removed the live dist. The real directory goes now, and $PWD's value
    with the lines that read it (``rm -rf "$PWD/dist"`` in HOME after ``PWD=LIVE`` removes the live dist)."""
    undo = [f"cd {world.home}"]
    assert_refused_after(shell, world, f"cd {world.live} && PWD={world.home}", ["rm -rf dist"], undo)
    assert_refused_after(shell, world, f"cd {world.home} && PWD={world.live}", ['rm -rf "$PWD/dist"'], undo)
    # (unset, $PWD is empty: "$PWD/LIVE/dist" is the live dist)
    assert_refused_after(shell, world, f"cd {world.home} && unset PWD", [f'rm -rf "$PWD{world.live}/dist"'], undo)
    typed = shell.type(f"cd {world.home} && PWD={world.live}; cd . && echo $PWD-is-back")
    assert f"{world.home}-is-back" in typed.output, typed.output  # (and cd puts $PWD back: the next line is as ever)
    typed = shell.type("echo tg-after-cd >> ./notes.txt && echo wrote-notes")
    assert "WARNING" not in typed.output and "BLOCKED" not in typed.output and "wrote-notes" in typed.output


def test_a_cd_that_fails_leaves_the_shell_where_it_is(sh: GuardedShell, world: World) -> None:
    assert_failed_cd_stays(sh, world)


def assert_failed_cd_stays(shell: GuardedShell, world: World) -> None:
    """A cd to a directory that is not there fails and the shell stays: ``cd nosuch; rm -r live/dist`` beside the
    live tree removes the live dist. The checker took the cd to succeed and judged the rm in nosuch (allowed, and
    the dist was gone); a directory the line makes is not there yet either. A cd to a directory that is there goes
    there, as before: the rm after it is judged there alone."""
    undo = [f"cd {world.home}"]
    dist = f"{world.live.name}/dist"
    lines = [
        f"cd tg-nosuch; rm -rf {dist}",
        f"cd tg-nosuch 2>/dev/null; rm -rf {dist}",
        f"touch tg-f; cd tg-f; rm -rf {dist}",
    ]
    assert_refused_after(shell, world, f"cd {world.live.parent}", lines, undo)
    shell.type(f"cd {world.live}")
    try:
        typed = shell.type(f"cd {world.home}; echo tg-after-cd >> ./notes.txt && echo wrote-notes")
        assert "WARNING" not in typed.output and "BLOCKED" not in typed.output and "wrote-notes" in typed.output
    finally:
        shell.type(f"cd {world.home}")
    world.assert_intact()


def assert_refused_after(shell: GuardedShell, world: World, setup: str, lines: list[str], undo: list[str]) -> None:
    """After ``setup`` at an earlier prompt (the shell's state the hook sends with each line), each of ``lines``
    is refused and the live tree stays whole; ``undo`` then puts the shell back for the next test."""
    shell.type(setup)
    try:
        for line in lines:
            typed = shell.type(line)
            assert "BLOCKED" in typed.output, typed.output
            world.assert_intact()
    finally:
        for line in undo:
            shell.type(line)


def test_case_attributes_and_namerefs_go_with_each_line(sh: GuardedShell, world: World) -> None:
    """The hook sends what changes what is assigned to the variables a line names or assigns: ``declare -l`` at an
    earlier prompt makes ``x=NODE`` hold node, and ``declare -n r=x`` makes ``r=node`` set x. Without them the
    checker judged ``pkill NODE`` and ``pkill ssh``, and allowed what bash ran as ``pkill node``: refused now, and
    the app (a real node process) is still alive after."""
    assert_refused_after(sh, world, "declare -l tgv", ["tgv=NODE; pkill $tgv"], ["unset tgv"])
    assert_refused_after(
        sh, world, "tgx=ssh; declare -n tgr=tgx", ["tgr=node; pkill $tgx"], ["unset -n tgr; unset tgx"]
    )


def test_posix_mode_goes_with_each_line(sh: GuardedShell, world: World) -> None:
    """After ``set -o posix`` at an earlier prompt, bash keeps an assignment made before a special builtin:
    ``tgx=ssh; tgx=node :; pkill $tgx`` runs pkill node. The checker, not told, judged ``pkill ssh``: refused now."""
    assert_refused_after(sh, world, "set -o posix", ["tgx=ssh; tgx=node :; pkill $tgx"], ["set +o posix; unset tgx"])


def test_cdpath_goes_with_each_line(sh: GuardedShell, world: World) -> None:
    assert_cdpath_goes_with_each_line(sh, world)


def assert_cdpath_goes_with_each_line(shell: GuardedShell, world: World) -> None:
    """The hook sends the shell's CDPATH with each line: from the home directory, ``cd live`` finds the live tree
    through it, so ``rm -rf dist`` there is refused and the tree stays whole (the checker's own CDPATH, none, is
    not the one judged)."""
    undo = ["unset CDPATH", f"cd {world.home}"]
    assert_refused_after(shell, world, f"CDPATH={world.live.parent}", ["cd live && rm -rf dist"], undo)


def test_the_directory_stack_goes_with_each_line(sh: GuardedShell, world: World) -> None:
    assert_dirstack_goes_with_each_line(sh, world)


def assert_dirstack_goes_with_each_line(shell: GuardedShell, world: World, empty_sent: bool = True) -> None:
    """The hook sends the directory stack below the cwd: with the live tree pushed at an earlier prompt, ``pushd``
    (the top two swapped) and ``popd`` go there, so ``rm -rf dist`` after them is refused and the tree stays whole
    (without the stack each was a doubt, and a warned line runs). With the stack emptied, ``popd`` fails and the
    line runs, without a warning where an empty stack is sent (zsh's hook sends none: a bare pushd there goes
    HOME, which the checker does not follow)."""
    undo = ["dirs -c", f"cd {world.home}"]
    setup = f"cd {world.home} && pushd {world.live} >/dev/null && pushd {world.home} >/dev/null"
    assert_refused_after(shell, world, setup, ["pushd && rm -rf dist", "popd && rm -rf dist"], undo)
    typed = shell.type("popd; rm -rf ./not-there && echo popped-nothing")
    assert "popped-nothing" in typed.output, typed.output
    assert ("WARNING" not in typed.output) == empty_sent and "BLOCKED" not in typed.output, typed.output


def test_where_cd_dash_goes_goes_with_each_line(sh: GuardedShell, world: World) -> None:
    assert_cd_dash_goes_with_each_line(sh, world)


def assert_cd_dash_goes_with_each_line(shell: GuardedShell, world: World, setup: str = "") -> None:
    """The hook sends where ``cd -`` goes ($OLDPWD; zsh's own record of the directory it left, which ``setup``
    may set OLDPWD away from): after ``cd LIVE`` and ``cd HOME`` at earlier prompts, ``cd - && rm -rf dist`` is
    refused and the tree stays whole (it was a doubt: warned, and run)."""
    undo = [f"cd {world.home}"]
    moves = f"cd {world.live} && cd {world.home}{setup}"
    assert_refused_after(shell, world, moves, ["cd - && rm -rf dist"], undo)
    typed = shell.type(f"cd {world.root} && cd {world.home} && cd - && rm -rf ./not-there && echo went-back")
    assert "went-back" in typed.output, typed.output
    assert "WARNING" not in typed.output and "BLOCKED" not in typed.output, typed.output
    shell.type(f"cd {world.home}")


def test_ifs_goes_with_each_line(sh: GuardedShell, world: World) -> None:
    assert_ifs_goes_with_each_line(sh, world, "$a")


def assert_ifs_goes_with_each_line(shell: GuardedShell, world: World, expansion: str) -> None:
    """The hook sends the shell's IFS where it is not the default, named on the line or not: after ``IFS=,`` at an
    earlier prompt, ``a=rm,-rf,LIVE/dist; $a`` runs ``rm -rf LIVE/dist`` (it was allowed, and ran: the checker split
    by the default IFS, and saw one word). Lines still run as typed with that IFS."""
    lines = [f"a=rm,-rf,{world.live}/dist; {expansion}", f"$(echo rm,-rf,{world.live}/dist)"]
    assert_refused_after(shell, world, "IFS=,", lines, ["unset IFS"])
    typed = shell.type("IFS=,; b=echo,split-by-comma; $b; unset IFS")  # (zsh: under this shell's sh_word_split)
    assert "split-by-comma" in typed.output and "WARNING" not in typed.output, typed.output


def test_hashed_programs_go_with_each_line(sh: GuardedShell, world: World) -> None:
    assert_hashed_programs_go_with_each_line(sh, world, "hash -p /bin/rm ls")


def assert_hashed_programs_go_with_each_line(shell: GuardedShell, world: World, setup: str) -> None:
    """The hook sends the programs the shell's table binds the line's names to, where a name is bound to a program
    of another name: after ``setup`` (ls bound to rm) at an earlier prompt, ``ls -rf LIVE/dist`` runs rm; it is
    refused and the tree stays whole (it was allowed, and ran). With the table emptied, ``ls`` is ls again."""
    assert_refused_after(shell, world, setup, [f"ls -rf {world.live}/dist"], ["hash -r"])
    typed = shell.type(f"ls -d {world.live}/dist && echo listed")
    assert "listed" in typed.output and "WARNING" not in typed.output, typed.output


def test_allexport_goes_with_each_line(sh: GuardedShell, world: World) -> None:
    assert_allexport_goes_with_each_line(sh, world, "set -a", "set +a")


def assert_allexport_goes_with_each_line(shell: GuardedShell, world: World, setup: str, undo: str) -> None:
    """The hook sends allexport (``set -a``): after it at an earlier prompt, what the line sets goes into the
    environment of a new shell it starts, so ``D=LIVE; bash -c 'rm -rf $D/dist'`` removes the live dist: refused, and
    the tree stays whole (it was a doubt: warned, and run)."""
    line = f"D={world.live}; bash -c 'rm -rf $D/dist'"
    assert_refused_after(shell, world, setup, [line], [undo, "unset D"])


def test_cdspell_goes_with_each_line(sh: GuardedShell, world: World) -> None:
    """The hook sends cdspell: with it set at an earlier prompt, ``cd LIVE-WITH-A-TYPO && rm -rf dist`` goes to the
    live tree (bash mends the typo); refused, and the tree stays whole (it was allowed, and ran)."""
    typo = str(world.live)[:-2] + str(world.live)[-1] + str(world.live)[-2]  # (its last two letters swapped)
    undo = ["shopt -u cdspell", f"cd {world.home}"]
    assert_refused_after(sh, world, "shopt -s cdspell", [f"cd {typo} && rm -rf dist"], undo)


def test_a_function_registered_earlier_and_defined_again_is_judged(sh: GuardedShell, world: World) -> None:
    assert_registered_functions_go_with_the_line(sh, world, "tgf() { :; }; trap tgf USR2", "trap - USR2")


def assert_registered_functions_go_with_the_line(shell: GuardedShell, world: World, setup: str, undo: str) -> None:
    """The hook sends which functions the line defines that the shell calls later on its own (``setup`` registered
    tgf at an earlier prompt): ``tgf() { rm -rf dist/index.js; }`` is judged where later lines may take the shell,
    a warning (it was allowed: a definition, judged where a line calls it, and no line does; bash then ran it at
    the signal, in the live tree a later cd went to). A function not registered is judged where it is called."""
    shell.type(setup)
    try:
        assert_warned_and_not(
            shell, "tgf() { rm -rf dist/index.js; }", "unknown-target", "tgh() { rm -rf dist/index.js; }"
        )
    finally:
        shell.type(undo)
        shell.type("unset -f tgf tgh")
    world.assert_intact()


def assert_warned_and_not(shell: GuardedShell, warned: str, rule: str, quiet: str) -> None:
    """``warned`` is a warning of ``rule``; ``quiet``, typed after it, none."""
    typed = shell.type(warned)
    assert "WARNING" in typed.output and rule in typed.output, typed.output
    typed = shell.type(quiet)
    assert "WARNING" not in typed.output, typed.output


def test_a_trap_that_changes_the_shell_between_later_lines_is_a_doubt(sh: GuardedShell, world: World) -> None:
    """A trap on a signal (DEBUG, ERR ...) set at a prompt runs between the commands of later lines, which the hook
    judges one at a time: ``trap 'x=node' USR2`` at one prompt makes ``x=ssh; kill -USR2 $$; pkill $x`` at a later
    one run pkill node. Its action changes the shell there, so it is a warning where it is set (it was allowed);
    an action that changes nothing is not."""
    try:
        assert_warned_and_not(sh, "trap 'tgx=node' USR2", "unknown-command", "trap ':' USR2")
    finally:
        sh.type("trap - USR2")
    world.assert_intact()


def test_variables_the_line_names_go_with_it(sh: GuardedShell, world: World) -> None:
    assert_variables_go_with_the_line(sh, world)


def assert_variables_go_with_the_line(shell: GuardedShell, world: World) -> None:
    """The hook sends the values of the variables a line names: one set at an earlier prompt to the live tree makes
    ``rm -rf $X/dist`` a known write there, refused (it only warned, and ran, when the value was not known). The
    names are ones a hook's own function might use for its locals: their values must be the user's. One set
    elsewhere runs without a warning."""
    lines = ["rm -rf $value/dist", "rm -rf ${rest}/dist/index.js"]
    assert_refused_after(shell, world, f"value={world.live} rest={world.live}", lines, ["unset rest"])
    shell.type(f"value={world.root}/scratch")
    try:
        typed = shell.type('mkdir -p "$value" && rm -rf "$value" && echo removed-scratch')
        assert "removed-scratch" in typed.output and "WARNING" not in typed.output, typed.output
    finally:
        shell.type("unset value")


def test_the_last_job_goes_with_a_line_that_names_it(sh: GuardedShell, world: World) -> None:
    assert_last_job_goes_with_the_line(sh)


def assert_last_job_goes_with_the_line(shell: GuardedShell) -> None:
    """``$!`` at a prompt is the job an earlier prompt started: the hook sends its PID, which the checker looks up
    in /proc. ``kill -9 $!`` after a node job is refused (it warned, and ran) and the node process is still alive
    after; after a sleep it runs, with no warning."""
    node = started_job(shell, "node -e 'setInterval(() => {}, 1000)'")
    try:
        typed = shell.type("kill -9 $!")
        assert "BLOCKED" in typed.output and "sigkill-app" in typed.output, typed.output
        time.sleep(0.2)
        os.kill(node, 0)  # (still running: the refused line did not run)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(node, signal.SIGKILL)
    sleeper = started_job(shell, "sleep 300")
    try:
        typed = shell.type("kill -9 $! && echo killed-the-job")
        assert "killed-the-job" in typed.output and "WARNING" not in typed.output, typed.output
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(sleeper, signal.SIGKILL)


@contextlib.contextmanager
def job_at_the_prompt(shell: GuardedShell, command: str = "sleep 300") -> Iterator[int]:
    """A job started at the prompt (its PID), killed when the test is done with it."""
    job = started_job(shell, command)
    try:
        yield job
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(job, signal.SIGKILL)


def started_job(shell: GuardedShell, command: str) -> int:
    """Start ``command`` in the background at the prompt; its PID, as the shell's ``$!`` says."""
    typed = shell.type(f"{command} & echo job=$!")
    found = re.search(r"job=(\d+)", typed.output)
    assert found, typed.output
    return int(found.group(1))


def test_the_shells_limits_go_with_each_line(sh: GuardedShell, world: World) -> None:
    assert_limits_go_with_each_line(sh, world)


def assert_limits_go_with_each_line(shell: GuardedShell, world: World) -> None:
    """The hook sends the shell's finite soft limits that end what it starts (read from /proc/self/limits): with a
    CPU-time limit set at an earlier prompt, the API started now is killed once it passes it (SIGXCPU, then
    SIGKILL at the hard limit), judged as ``prlimit --cpu=1000 node dist/index.js`` and refused (it was judged
    as a plain start, allowed). The limit is far above what the shell has used."""
    assert_refused_after(shell, world, "ulimit -St 1000", ["node dist/index.js"], ["ulimit -St unlimited"])


def test_text_kept_to_run_later_is_judged_where_later_lines_may_take_the_shell(sh: GuardedShell, world: World) -> None:
    """A trap (or PROMPT_COMMAND, a key bound with bind -x, complete -C) set at one prompt runs after lines judged
    without it: ``trap 'rm -rf dist' EXIT``, then ``cd LIVE``, then ``exit`` removed the live dist, as did C-x k
    after ``bind -x '"\\C-xk": rm -rf dist/index.js'`` and a Tab after ``complete -C 'rm -rf dist' cmd``; ``trap
    '$x node' EXIT`` judged with x=echo ran pkill after ``x=pkill``. Where it runs and what its variables hold then
    are not known: a warning, not a silent allow."""
    sh.type("tg_kept=echo")
    kept = [
        ("trap 'rm -rf dist' USR2", "unknown-target"),
        ("trap '$tg_kept node' USR2", "unknown-command"),
        ("bind -x '\"\\C-x\\C-q\": rm -rf dist'", "unknown-target"),
        ("complete -C 'rm -rf dist' tg-nothing", "unknown-target"),
        # (a function of the user's, called at a completion: complete -F)
        ("complete -F tg_kept_f tg-nothing", "unknown-target"),
    ]
    sh.type("tg_kept_f() { rm -rf tg-nothing-here; }")
    for line, rule in kept:
        typed = sh.type(line)
        assert "WARNING" in typed.output and rule in typed.output, typed.output
    sh.type("trap - USR2; bind -r '\\C-x\\C-q'; complete -r tg-nothing; unset -f tg_kept_f")
    world.assert_intact()


def test_a_variable_a_later_program_runs_is_judged_where_it_is_set(sh: GuardedShell, world: World) -> None:
    """``export GIT_PAGER='pkill node'`` at one prompt, ``git log`` at the next: git ran the pager (a stand-in
    pkill), since the hook sends only the variables a line names and ``git log`` names none. The value is judged
    where it is set; an everyday one passes."""
    typed = sh.type("export GIT_PAGER='pkill -9 node'")
    assert "BLOCKED" in typed.output and "kill-app-bypassing-systemd" in typed.output, typed.output
    assert "BLOCKED" not in sh.type("export GIT_PAGER=cat; unset GIT_PAGER").output
    world.assert_intact()


def test_the_shells_cd_options_go_with_each_line(sh: GuardedShell, world: World) -> None:
    """The hook sends the options that change where cd goes: with autocd set at an earlier prompt, a directory given
    alone is a cd, so ``LIVE; rm -rf dist`` removes the live dist; it is refused, and the tree stays whole."""
    undo = ["shopt -u autocd", f"cd {world.home}"]
    assert_refused_after(sh, world, "shopt -s autocd", [f"{world.live}; rm -rf dist"], undo)


def test_a_history_line_run_again_is_refused(sh: GuardedShell, world: World) -> None:
    assert_history_reruns_are_refused(sh, world, "history -s 'pkill -9 node'", ["fc -s pkill", "fc -e - pkill"])


def assert_history_reruns_are_refused(shell: GuardedShell, world: World, add: str, reruns: list[str]) -> None:
    """A kill in the history (put there without running, as a session without the guard leaves it): running it
    again with fc (zsh: r) is refused, since the guard does not see the history, and the app stays alive; listing
    the history runs."""
    shell.type(add)
    for rerun in reruns:
        typed = shell.type(rerun)
        assert "BLOCKED" in typed.output, typed.output
        world.assert_intact()
    listed = shell.type("fc -l")
    assert "BLOCKED" not in listed.output and "pkill -9 node" in listed.output, listed.output


def test_history_expanded_again_as_the_line_runs_is_judged(world: World, tmp_path: Path) -> None:
    assert_history_expanded_again_is_judged(world, tmp_path, "bash", "history -s")


def assert_history_expanded_again_is_judged(world: World, tmp_path: Path, shell_name: str, add: str) -> None:
    """A history entry that is itself a designator (``!pkill``, put there by ``history -s``/``print -s`` or read
    from a history file), recalled by ``!!``: the hook expands the line once and judges ``!pkill``, and the shell
    expands it again as it accepts the line (bash and zsh both do), into ``pkill -9 node``. And zsh's ``^echo ^``
    after ``echo pkill -9 node`` (a quick substitution), which its widget did not expand. A stand-in pkill first on
    PATH logs what would have run; plain lines with a ``!`` still run."""
    bin_dir, log = pkill_stand_in(tmp_path)
    shell = GuardedShell(world, shell_name, env={"PATH": f"{bin_dir}:{world.env()['PATH']}"})
    try:
        shell.type(f"{add} 'pkill -9 node'")
        shell.type(f"{add} '!pkill'")
        typed = shell.type("!!")
        assert "BLOCKED" in typed.output, typed.output
        shell.type("echo pkill -9 node")
        typed = shell.type("^echo ^")
        assert "BLOCKED" in typed.output, typed.output
        assert logged(log) == ""
        ran = shell.type("echo 'still-here!' done")
        assert "still-here! done\n" in ran.output and "BLOCKED" not in ran.output, ran.output
    finally:
        shell.close()
    world.assert_intact()


def test_names_past_the_hooks_scan_still_go_with_the_line(world: World, tmp_path: Path) -> None:
    assert_names_past_the_scan_go_with_the_line(world, tmp_path, "bash")


def assert_names_past_the_scan_go_with_the_line(world: World, tmp_path: Path, shell_name: str) -> None:
    """The hook sends the aliases and function bodies the line names, scanning its words up to a bound (512 words;
    bash: calls 8 deep). A name past it was taken for a program: ``true`` and 600 words, then a function that runs
    pkill; a chain of 10 functions. Cut short, the scan sends every alias and function. (Stand-in pkill first on
    PATH.)"""
    bin_dir, log = pkill_stand_in(tmp_path)
    chain = "tgc9() { pkill -9 node; }" + "".join(f"; tgc{i}() {{ tgc{i + 1}; }}" for i in range(8, -1, -1))
    setup = f"{chain}\nalias tgk='pkill -9 node'\n"
    shell = GuardedShell(world, shell_name, setup=setup, env={"PATH": f"{bin_dir}:{world.env()['PATH']}"})
    try:
        long = "true " + " ".join(str(i) for i in range(600))
        for line in (f"{long}; tgc9", f"{long}; tgk", "tgc0"):
            typed = shell.type(line)
            assert "BLOCKED" in typed.output, typed.output[-300:]
        assert logged(log) == ""
    finally:
        shell.close()
    world.assert_intact()


def test_function_bodies_are_read_through_the_checkers_scratch_file(world: World, tmp_path: Path) -> None:
    """The hook reads the bodies of the functions a line names (to find the functions they call) through the
    checker's scratch file, not a fork: the text is exactly what ``declare -f`` prints, under the user's noclobber,
    after a longer write (what it left past the end is not read), and the same by the fork where there is no scratch
    file (a stopped checker takes its path with it)."""
    script = tmp_path / "bodies.sh"
    script.write_text(
        f"""
. {HOOKS / "tenmon-guard.bash"}
tgbig() {{ echo {"x" * 5000}; tgsmall; }}
tgsmall() {{ pkill -f node; }}
__tg_ask true prompt || echo "no answer: $__tg_why"
[[ -n $__tg_scratch && -e $__tg_scratch ]] && echo scratch
set -o noclobber
for names in "tgbig tgsmall" tgsmall tgbig tgsmall; do
    __tg_read_bodies $names
    [[ $REPLY == "$(declare -f -- $names)" ]] && echo "same: $names"
done
IFS= read -r -d '' written <"$__tg_scratch"
[[ $written == "$(declare -f -- tgsmall)"$'\n' ]] && echo written
__tg_stop
[[ -z $__tg_scratch ]] && echo cleared
__tg_read_bodies tgsmall
[[ $REPLY == "$(declare -f -- tgsmall)" ]] && echo "same without: tgsmall"
"""
    )
    done = subprocess.run(
        ["bash", "-i", str(script)], env=world.env(), capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.split("\n") == [
        "scratch",
        "same: tgbig tgsmall",
        "same: tgsmall",
        "same: tgbig",
        "same: tgsmall",
        "written",
        "cleared",
        "same without: tgsmall",
        "",
    ], done.stdout + done.stderr


def test_functions_named_like_paths_or_globs_go_with_the_line(world: World, tmp_path: Path) -> None:
    assert_odd_function_names_go_with_the_line(world, tmp_path, "bash", ["/usr/bin/tgx", "tg#x", "tg*x"])


def assert_odd_function_names_go_with_the_line(world: World, tmp_path: Path, shell_name: str, names: list[str]) -> None:
    """A function may be named like a path, a glob, or with a ``#`` (``/bin/ls() { pkill node; }`` from an rc file
    or a sourced one): the command of that name runs it. The bash hook's scan took no such word for a function's
    name, and the checker matched a call by the command's last path part (``ls``): each ran a stand-in pkill."""
    bin_dir, log = pkill_stand_in(tmp_path)
    setup = "".join(f"{name}() {{ pkill -9 node; }}\n" for name in names)
    shell = GuardedShell(world, shell_name, setup=setup, env={"PATH": f"{bin_dir}:{world.env()['PATH']}"})
    try:
        for name in names:
            typed = shell.type(name)
            assert "BLOCKED" in typed.output, typed.output
        assert logged(log) == ""
    finally:
        shell.close()
    world.assert_intact()


# a helper from the rc file, as admins write them: by a case on its first argument, or by tests of it
HELPERS = {
    "case": 'tgsvc() { case "$1" in stop) pkill -9 node;; status) echo "tg-status-$2";; esac; }\n',
    "if": 'tgsvc() { if [ "$1" = stop ]; then pkill -9 node;\n'
    ' elif [[ $1 == status ]]; then echo "tg-status-$2"; fi; }\n',
}


@pytest.mark.parametrize("helper", sorted(HELPERS))
def test_a_function_runs_what_its_arguments_select(world: World, tmp_path: Path, helper: str) -> None:
    assert_selected_case_items(world, tmp_path, "bash", HELPERS[helper])


def assert_selected_case_items(world: World, tmp_path: Path, shell_name: str, setup: str) -> None:
    """A helper from the rc file, ``tgsvc() { case "$1" in stop) pkill -9 node;; status) echo ...;; esac; }``, or
    the same by ``if [ "$1" = stop ]``: ``tgsvc status`` runs the status item (branch) alone, and runs without a
    word from the guard (it was refused: the body's stop item, read where the function is defined, was told at the
    call). ``tgsvc stop`` is refused, and the app lives. (Stand-in pkill first on PATH: nothing ran it.)"""
    bin_dir, log = pkill_stand_in(tmp_path)
    shell = GuardedShell(world, shell_name, setup=setup, env={"PATH": f"{bin_dir}:{world.env()['PATH']}"})
    try:
        typed = shell.type("tgsvc status up")
        assert "tg-status-up" in typed.output, typed.output
        assert "BLOCKED" not in typed.output and "WARNING" not in typed.output, typed.output
        typed = shell.type("tgsvc stop")
        assert "BLOCKED" in typed.output, typed.output
        assert logged(log) == ""
    finally:
        shell.close()
    world.assert_intact()


def test_warning_runs_after_the_warning(sh: GuardedShell, world: World) -> None:
    typed = sh.type('kill -9 $NOT_SET_ANYWHERE 2>/dev/null; echo "after-warning"')
    assert "WARNING" in typed.output
    assert "after-warning" in typed.output.split("WARNING", 1)[-1]
    assert typed.buffer == ""


# ---------------------------------------------------------------------------------------------------------------
# Keys other than Enter, and the DEBUG trap backstop


def test_operate_and_get_next_is_judged(sh: GuardedShell, world: World) -> None:
    sh.child.send("pkill -9 node\x0f")
    typed = sh.probe()
    assert "BLOCKED" in typed.output
    sh.child.send("\x15")
    world.assert_intact()


def test_edit_and_execute_is_judged(sh: GuardedShell, world: World) -> None:
    editor = world.root / "editor.sh"
    editor.write_text(f'#!/bin/sh\necho "rm -rf {world.live}/dist" > "$1"\n')
    editor.chmod(0o755)
    sh.type(f"export VISUAL={editor}")
    typed = sh.keys("echo placeholder\x18\x05")
    assert "BLOCKED" in typed.output and "live-dir-direct-write" in typed.output
    sh.child.send("\x15")
    world.assert_intact()


def test_edit_and_execute_leaves_the_users_random_sequence(sh: GuardedShell) -> None:
    """C-x C-e leaves RANDOM's sequence where a seeded one (RANDOM=42) would be with no hook: the hook named its
    file with a draw from RANDOM, and the user's next value was the one after."""
    expected = subprocess.run(
        ["bash", "--norc", "-c", 'RANDOM=42; echo "seq=$RANDOM:$RANDOM:"'], capture_output=True, text=True, check=True
    ).stdout.strip()
    sh.type("export VISUAL=true")
    try:
        sh.type("RANDOM=42")
        assert "edited-line\n" in sh.keys("echo edited-line\x18\x05").output
        assert expected in sh.type('echo "seq=$RANDOM:$RANDOM:"').output
    finally:
        sh.type("unset VISUAL")


def test_vi_mode_enter_is_judged(sh: GuardedShell, world: World) -> None:
    sh.type("set -o vi")
    try:
        typed = sh.type("pkill -9 node")
        assert "BLOCKED" in typed.output
        sh.child.send("\x1b")  # to command mode: Enter there accepts too
        typed = sh.keys("ccpkill -9 node\x1b\r")
        assert "BLOCKED" in typed.output
        sh.child.send("\x1bS\x1b")
    finally:
        sh.type("set -o emacs")
    world.assert_intact()


def test_debug_trap_backstop_judges_lines_other_keys_accept(sh: GuardedShell, world: World) -> None:
    # a user binding of their own that accepts the line without the guard's macro
    sh.type("bind '\"\\C-xz\": accept-line'")
    typed = sh.keys("echo not-yet; pkill -9 node; echo nor-this\x18z")
    assert "BLOCKED" in typed.output
    assert "not-yet\n" not in typed.output.replace("echo not-yet", "")
    assert "nor-this\n" not in typed.output.replace("echo nor-this", "")
    # the approved command went into history in place of the refused line
    sh.child.send("\x1b[A")
    recalled = sh.probe()
    assert recalled.buffer.startswith(("bash ", "sudo systemctl restart"))
    sh.child.send("\x15")
    ok = sh.keys("echo via-other-key\x18z")
    assert "via-other-key" in ok.output.split("echo via-other-key", 1)[-1]
    world.assert_intact()


def test_debug_trap_aborts_the_whole_line(sh: GuardedShell, world: World) -> None:
    sh.type("bind '\"\\C-xz\": accept-line'")
    typed = sh.keys("true && pkill -9 node && echo SHOULD-NOT-PRINT\x18z")
    assert "BLOCKED" in typed.output
    assert "SHOULD-NOT-PRINT\n" not in typed.output.replace("echo SHOULD-NOT-PRINT", "")
    sh.child.send("\x15")
    world.assert_intact()


def test_a_line_neither_enter_nor_the_history_holds_is_not_run_silently(sh: GuardedShell, world: World) -> None:
    """A key of the user's own that accepts the line, with history off: the DEBUG trap sees each simple command, but
    bash opens the redirection of ``{ ...; } > FILE`` (or ``if``, ``while``) before the first of them, and
    ``{ echo x; } > LIVE/dist/index.js`` wrote the live file unseen. The line cannot be judged whole: the policy's
    unknown setting (warn) decides, loudly. (The target here is a scratch file.)"""
    scratch = world.root / "scratch-unjudged.txt"
    sh.type("bind '\"\\C-xz\": accept-line'")
    sh.type("set +o history")
    try:
        typed = sh.keys(f"{{ echo unjudged; }} > {scratch}\x18z")
        assert "WARNING" in typed.output and "not in the history" in typed.output, typed.output
    finally:
        sh.type("set -o history")
    assert scratch.read_text() == "unjudged\n"
    world.assert_intact()


def test_source_runs_are_traced_command_by_command(sh: GuardedShell, world: World) -> None:
    script = world.root / "sourced.sh"
    script.write_text("echo sourced-start\npkill -9 node\necho sourced-end\n")
    typed = sh.type(f"source {script}")
    assert "sourced-start" in typed.output
    assert "BLOCKED" in typed.output
    assert "sourced-end" not in typed.output
    world.assert_intact()


# ---------------------------------------------------------------------------------------------------------------
# The checker: killed, stopped, restarted; never a hung prompt


def checker_pid(sh: GuardedShell) -> int:
    typed = sh.type('echo "CHECKER=[$__tg_pid]"')
    match = re.search(r"CHECKER=\[(\d+)\]", typed.output)
    assert match, typed.output
    return int(match.group(1))


def test_killed_checker_is_restarted_and_the_next_line_judged(world: World) -> None:
    sh = GuardedShell(world, "bash", env={"TENMON_GUARD_TIMEOUT": "2"})
    try:
        first = checker_pid(sh)
        os.kill(first, signal.SIGKILL)
        began = time.monotonic()
        typed = sh.type("pkill -9 node", timeout=30)
        assert time.monotonic() - began < 25
        assert_refused(world, typed, world.verdict("pkill -9 node"))
        second = checker_pid(sh)
        assert second != first
    finally:
        sh.close()


RESTART_NOTICE = "it no longer names your last background job"


def test_a_restart_that_moves_dollar_bang_says_so(world: World) -> None:
    """Starting the checker again (a coproc) sets $! to it: the user whose job it named is told the job's PID. A
    restart with no job started since the last checker says nothing."""
    sh = GuardedShell(world, "bash", env={"TENMON_GUARD_TIMEOUT": "2"})
    try:
        first = checker_pid(sh)
        os.kill(first, signal.SIGKILL)
        quiet = sh.type("echo one", timeout=30).output + sh.type("echo two").output
        assert RESTART_NOTICE not in quiet  # ($! held the checker before: nothing of the user's moved)
        with job_at_the_prompt(sh) as job:
            assert restart_told_of(sh, job) != first
            os.kill(job, 0)  # the job itself was left alone
    finally:
        sh.close()


def restart_told_of(sh: GuardedShell, job: int) -> int:
    """Kill the checker: the lines after start it again (a coproc), and the notice names ``job``, whose place in $!
    it took. The new checker's PID, which $! now holds."""
    killed = checker_pid(sh)
    os.kill(killed, signal.SIGKILL)
    told = sh.type("echo one", timeout=30).output + sh.type("echo two").output
    assert f"{RESTART_NOTICE}, {job}" in told, told
    again = checker_pid(sh)
    assert again != killed
    assert f"now={again}" in sh.type("echo now=$!").output  # (what the notice is about)
    return again


def assert_a_restarted_checker_holds_no_lock_of_the_users(sh: GuardedShell, world: World) -> None:
    """A checker started again after the user took a lock on a descriptor of the shell (``exec 9>F; flock 9``)
    does not inherit it: once the user closes the descriptor, the lock is free (the checker held it)."""
    lock = world.root / f"deploy-{time.monotonic_ns()}.lock"
    flock = require_program("flock")
    try:
        assert "locked" in sh.type(f"exec 9>{lock}; flock -n 9 && echo locked").output
        first = checker_pid(sh)
        os.kill(first, signal.SIGKILL)
        sh.type("echo one", timeout=30)
        second = checker_pid(sh)
        assert second != first
        held = subprocess.run([flock, "-n", str(lock), "true"], check=False)
        assert held.returncode == 1  # (the shell holds it still)
        sh.type("exec 9>&-")
        free = subprocess.run([flock, "-n", str(lock), "true"], check=False)
        assert free.returncode == 0, f"the lock is still held (by checker {second}?)"
    finally:
        sh.close()


def test_a_restarted_checker_holds_no_lock_of_the_users(world: World) -> None:
    shell = GuardedShell(world, "bash", env={"TENMON_GUARD_TIMEOUT": "2"})
    assert_a_restarted_checker_holds_no_lock_of_the_users(shell, world)


def assert_a_restarted_checker_keeps_no_disk_busy(sh: GuardedShell, world: World) -> None:
    """A checker started again while the shell sits on a mounted file system does not keep it busy: its cwd is /,
    and once the shell leaves, ``umount`` succeeds (the checker held the directory: "target is busy")."""
    mount = require_program("mount")
    disk = world.root / f"disk-{time.monotonic_ns()}"
    disk.mkdir()
    subprocess.run([mount, "-t", "tmpfs", "tenmon-test", str(disk)], check=True)
    try:
        sh.type(f"cd {disk}")
        first = checker_pid(sh)
        os.kill(first, signal.SIGKILL)
        sh.type("echo one", timeout=30)
        second = checker_pid(sh)
        assert second != first
        assert os.readlink(f"/proc/{second}/cwd") == "/"
        sh.type("cd /")
        unmounted = subprocess.run(["umount", str(disk)], capture_output=True, text=True, check=False)
        assert unmounted.returncode == 0, unmounted.stderr
    finally:
        sh.close()
        subprocess.run(["umount", str(disk)], capture_output=True, check=False)


def test_a_restarted_checker_keeps_no_disk_busy(world: World) -> None:
    require_root("mounting a file system")
    shell = GuardedShell(world, "bash", env={"TENMON_GUARD_TIMEOUT": "2"})
    assert_a_restarted_checker_keeps_no_disk_busy(shell, world)


# the shell run in a mount namespace of its own whose /proc is an empty tmpfs: no /proc/self/fd, no /proc/PID
WITHOUT_PROC = ["--mount", "--", "sh", "-c", 'mount -t tmpfs no-proc /proc && exec "$0" "$@"']


def shell_without_proc(world: World, shell: str, setup: str = "") -> GuardedShell:
    """An interactive shell that sees no /proc (as on a system without one): the hook's fallbacks run."""
    require_root("a mount namespace")
    unshare = require_program("unshare")
    return GuardedShell(world, shell, setup=setup, env={"TENMON_GUARD_TIMEOUT": "2"}, wrap=[unshare, *WITHOUT_PROC])


def assert_guarded_without_proc(sh: GuardedShell, world: World) -> None:
    """With no /proc the hook still judges every line (the checker is reached, refuses, and is started again after
    it was killed); what it reads from /proc elsewhere (the scratch file, the descriptors to close) is done
    without."""
    try:
        assert "procs=0" in sh.type("echo procs=$(ls /proc | wc -l)").output  # (the shell sees the empty /proc)
        assert_refused(world, sh.type("pkill -9 node"), world.verdict("pkill -9 node"))
        first = checker_pid(sh)
        os.kill(first, signal.SIGKILL)
        assert_refused(world, sh.type("pkill -9 node", timeout=30), world.verdict("pkill -9 node"))
        assert checker_pid(sh) != first
        assert "ran-it" in sh.type("echo ran-it").output
    finally:
        sh.close()


def test_guarded_without_proc(world: World) -> None:
    assert_guarded_without_proc(shell_without_proc(world, "bash"), world)


def test_stopped_checker_is_replaced(world: World) -> None:
    sh = GuardedShell(world, "bash", env={"TENMON_GUARD_TIMEOUT": "1"})
    try:
        first = checker_pid(sh)
        os.kill(first, signal.SIGSTOP)
        began = time.monotonic()
        typed = sh.type("pkill -9 node", timeout=30)
        assert time.monotonic() - began < 20
        assert_refused(world, typed, world.verdict("pkill -9 node"))
        assert checker_pid(sh) != first
        time.sleep(0.5)
        with pytest.raises(ProcessLookupError):
            os.kill(first, 0)  # the stopped one was killed, not left behind
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(first, signal.SIGKILL)
        sh.close()


SLOW_PROXY = """\
import os, subprocess, sys, threading, time
real = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
slow = {}
def answers():
    for line in real.stdout:
        request_id = line.split(b"\\x1f", 1)[0]
        if slow.pop(request_id, False):
            time.sleep(3)  # a late answer: the shell has given up on it by now
        os.write(1, line)
threading.Thread(target=answers, daemon=True).start()
buffer = b""
while True:
    chunk = os.read(0, 65536)
    if not chunk:
        break
    buffer += chunk
    while b"\\0" in buffer:
        frame, buffer = buffer.split(b"\\0", 1)
        if b"sleep-me" in frame and frame.startswith(b"{"):
            slow[frame.split(b":", 1)[1].split(b",", 1)[0]] = True
        real.stdin.write(frame + b"\\0")
        real.stdin.flush()
"""


def test_slow_checker_never_hangs_and_late_replies_are_dropped(world: World, tmp_path: Path) -> None:
    proxy = tmp_path / "slow-proxy.py"
    proxy.write_text(SLOW_PROXY)
    wrapper = tmp_path / "tenmon-guard"
    wrapper.write_text(f'#!/bin/sh\nexec {sys.executable} {proxy} {guard_bin()} "$@"\n')
    wrapper.chmod(0o755)
    sh = GuardedShell(world, "bash", env={"TENMON_GUARD_TIMEOUT": "1", "TENMON_GUARD_BIN": str(wrapper)})
    try:
        began = time.monotonic()
        typed = sh.type("echo sleep-me", timeout=20)
        assert time.monotonic() - began < 6
        assert "did not answer within 1s" in typed.output and "NOT checked" in typed.output
        assert "sleep-me" in typed.output.split("NOT checked", 1)[-1]
        time.sleep(3)  # the late reply is in the pipe now: the next line must not take it for its own
        typed = sh.type("pkill -9 node", timeout=20)
        assert_refused(world, typed, world.verdict("pkill -9 node"))
        typed = sh.type("echo fine-after", timeout=20)
        assert "BLOCKED" not in typed.output and "fine-after" in typed.output.split("echo fine-after", 1)[-1]
    finally:
        sh.close()


def test_unanswered_line_follows_the_policys_unknown_setting(world: World, tmp_path: Path) -> None:
    """A checker that cannot start (a broken policy) leaves the shell usable, loudly warning on each line."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("tenmon-guard-policy: 1\nrules: [oops\n")
    sh = GuardedShell(world, "bash", env={"TENMON_GUARD_ARGS": f"--policy {bad}"})
    try:
        typed = sh.type("echo works-without-checker", timeout=30)
        assert "NOT checked" in typed.output
        assert "works-without-checker" in typed.output.split("NOT checked", 1)[-1]
    finally:
        sh.close()
    assert any(
        r["rules"] == ["guard-error"] and r["command"] == "echo works-without-checker" for r in audit_records(world)
    )


# ---------------------------------------------------------------------------------------------------------------
# Status, audit, coexistence


def test_status_reports_the_guard(sh: GuardedShell, world: World) -> None:
    typed = sh.type("tenmon-guard status")
    assert "This shell is guarded" in typed.output
    assert str(POLICY) in typed.output or "tenmon-ark.yaml" in typed.output
    assert re.search(r"answers:\s+\d+\.\d+ ms median", typed.output), typed.output
    assert "PROBLEM" not in typed.output


def test_status_outside_a_guarded_shell() -> None:
    done = subprocess.run([guard_bin(), "status"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert "not guarded" in done.stdout


def test_refusals_and_warnings_are_audited(sh: GuardedShell, world: World) -> None:
    sh.type("pkill -9 node")
    records = audit_records(world)
    mine = [r for r in records if r["command"] == "pkill -9 node" and r["door"] == "hook"]
    assert mine and mine[-1]["decision"] == "block"
    assert "kill-app-bypassing-systemd" in mine[-1]["rules"]  # type: ignore[operator]
    assert mine[-1]["cwd"] == str(world.home)
    assert mine[-1]["tty"], "the terminal of the shell is recorded"


def test_dollar_underscore_and_status_survive_the_trap(sh: GuardedShell) -> None:
    typed = sh.type('echo one two; echo "last=$_"; false; echo "status=$?"')
    assert "last=two" in typed.output and "status=1" in typed.output


def test_the_users_match_reply_and_pipe_status_survive_the_hook(sh: GuardedShell) -> None:
    """What one prompt leaves in BASH_REMATCH, REPLY and PIPESTATUS is the next prompt's to read, as in a bash with no
    hook: the hook's own [[ =~ ]] (its scan of the $names a line holds) and its JSON helper (REPLY) had replaced
    them by the time the line ran."""
    sh.type("[[ abc =~ a(b)c ]]")
    assert "m=b:" in sh.type('echo "m=${BASH_REMATCH[1]}:$HOME"').output
    sh.type("read -r <<< 'typed-answer'")
    assert "r=typed-answer:" in sh.type('echo "r=$REPLY:$HOME"').output
    sh.type("false | true")
    assert "p=1 0:" in sh.type('echo "p=${PIPESTATUS[*]}:$HOME"').output
    # a line a key of the user's own accepts: the DEBUG trap judges it command by command, between its commands
    sh.type("bind '\"\\C-xz\": accept-line'")
    typed = sh.keys('[[ xyz =~ x(y)z ]]; read -r <<< here; echo "d=${BASH_REMATCH[1]}:$REPLY:$HOME"\x18z')
    assert "d=y:here:" in typed.output


def test_the_users_set_u_outlives_traced_and_aborted_lines(sh: GuardedShell, world: World) -> None:
    """The user's set -u (the module's shell has it) stays on after a line the hook traces command by command
    (source: the hook turns on set -T for it), under the user's own set -T, and after a sourced command the DEBUG
    trap refused (the interrupt that aborts the line unwinds the hook before it puts options back), as with no hook:
    a DEBUG trap run inside another entry point of the hook overwrote the one saved copy of the options, and the
    next prompt left set -u off for good. (The refused command names the scratch live tree.)"""
    sh.type("source /dev/null")
    assert re.search(r"o=\w*u\w*:", sh.type('echo "o=$-:$HOME"').output)
    sh.type("set -T")
    sh.type("echo between")
    assert re.search(r"o=\w*uBHT\w*:", sh.type('echo "o=$-:$HOME"').output)
    sh.type("set +T")
    script = world.root / "sourced-refused.sh"
    script.write_text(f"echo refused-start\nrm -rf {world.live}/dist\necho refused-end\n")
    typed = sh.type(f"source {script}")
    assert "BLOCKED" in typed.output and "refused-end\n" not in typed.output
    assert re.search(r"o=\w*u\w*:", sh.type('echo "o=$-:$HOME"').output)
    assert "T" not in sh.type('echo "o=$-:$HOME"').output.split("o=")[-1].split(":")[0]
    world.assert_intact()


def test_set_x_traces_the_users_commands_not_the_hooks_code(sh: GuardedShell) -> None:
    """Under the user's set -x the screen shows the user's commands traced, and of the hook no more than its entry
    calls (a line each), as a bash with a DEBUG trap and a PROMPT_COMMAND shows them: the hook's own code printed
    some 400 trace lines at every Enter. set -x and set -u are on again after it."""

    def traced_line(line: str) -> str:
        # (the probe's own printf is traced too, its format holding the probe's mark: wait for its output proper)
        sh.child.send(line + "\r" + PROBE)
        sh.child.expect_exact("<<BUF::FUB>>", timeout=60)
        return clean(sh.child.before)

    traced_line("set -x")
    try:
        output = traced_line('echo "traced:$HOME"')
        assert f"+ echo traced:{sh.world.home}" in output, output
        traced = [line for line in output.splitlines() if line.startswith("+")]
        assert len(traced) < 15, output
        assert not [line for line in traced if "__tg_ask" in line or "__tg_opts" in line], output
        assert re.search(r"o=\w*u\w*x\w*:", traced_line('echo "o=$-:"'))
    finally:
        traced_line("set +x")


def assert_history_verified(shell: GuardedShell, world: World, record: str) -> str:
    """!! puts the expanded line back and runs nothing; Enter runs it; a forbidden line recalled (added to the
    history with ``record``) is put back too, and refused when accepted. Returns that forbidden line."""
    shell.type("echo verify-me")
    typed = shell.keys("!!\r")
    assert typed.buffer == "echo verify-me", typed
    assert "verify-me\n" not in typed.output.replace("echo verify-me", ""), typed.output
    typed = shell.keys("\r")
    assert "verify-me\n" in typed.output.replace("echo verify-me", ""), typed.output
    line = f"rm -rf {world.live}/dist"
    shell.type(f"{record} '{line}'")
    assert shell.keys("!!\r").buffer == line
    assert_refused(world, shell.keys("\r"), world.verdict(line))
    return line


def test_histverify_puts_the_expanded_line_back_and_it_is_judged_when_accepted(world: World) -> None:
    """Under shopt -s histverify, !! puts the expanded line back on the prompt and runs nothing, as with no hook (the
    Enter key's own expansion left bash nothing to expand, and !! ran at once); the line put back is judged when the
    user accepts it, and a line bash runs unexpanded (a ! that names no event) is judged as it runs."""
    sh = GuardedShell(world, "bash", setup="shopt -s histverify")
    try:
        line = assert_history_verified(sh, world, "history -s")
        sh.child.send("\x15")
        # the line put back, accepted by a key of the user's own: the DEBUG trap judges it
        sh.type("bind '\"\\C-xz\": accept-line'")
        sh.type(f"history -s '{line}'")
        assert sh.keys("!!\r").buffer == line
        assert "BLOCKED" in sh.keys("\x18z").output
        sh.child.send("\x15")
        assert "ends-in-bang!\n" in sh.type("echo ends-in-bang!").output
    finally:
        sh.close()
    world.assert_intact()


def test_status_and_last_argument_reach_the_next_line_and_prompt_command_as_with_no_hook(world: World) -> None:
    """A failed line runs the user's ERR trap once and, under set -e, leaves the shell alive where bash would (false
    && true); $_ at the next line and in the user's PROMPT_COMMAND is the last argument of the line before. The
    hook's PROMPT_COMMAND entry returned the failed status on its own (the ERR trap ran twice; set -e ended the
    shell), and the Enter key's bind -x call (__tg_enter 2) and that entry left $_ at `2` and `__tg_precmd`."""
    setup = "trap 'echo ERR-TRAP-RAN' ERR\nPROMPT_COMMAND='__pc_u=$_ __pc_st=$?'\n"
    sh = GuardedShell(world, "bash", setup=setup)
    try:
        assert sh.type("false").output.count("ERR-TRAP-RAN") == 1
        typed = sh.keys('echo a b c\recho "u=$_ pc=$__pc_u st=$__pc_st:"\r')
        assert "u=c pc=c st=0:" in typed.output, typed.output
        sh.type("false")
        assert "st=1:" in sh.type('echo "st=$__pc_st:"').output
        sh.type("set -e")
        sh.type("false && true")
        assert "still-alive\n" in sh.type("echo still-alive").output
        sh.type("set +e")
    finally:
        sh.close()


def test_coexists_with_an_existing_debug_trap_and_prompt_command(world: World) -> None:
    setup = (
        "trap 'echo -n >/dev/null; __user_debug_seen=1' DEBUG\n"
        "PROMPT_COMMAND='__user_prompt_ran=$((__user_prompt_ran+1))'\n"
    )
    sh = GuardedShell(world, "bash", setup=setup)
    try:
        typed = sh.type('echo "dbg=$__user_debug_seen prompts=$__user_prompt_ran"')
        assert re.search(r"dbg=1 prompts=[1-9]", typed.output), typed.output
        typed = sh.type("pkill -9 node")
        assert "BLOCKED" in typed.output
        world.assert_intact()
    finally:
        sh.close()


def test_wait_and_jobs_do_not_see_the_checker(sh: GuardedShell) -> None:
    typed = sh.type("jobs; wait; echo waited-ok", timeout=20)
    assert "waited-ok" in typed.output.split("echo waited-ok", 1)[-1]
    assert "coproc" not in typed.output


def test_hook_line_sources_the_hook(world: World) -> None:
    done = subprocess.run([guard_bin(), "hook", "bash"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    line = done.stdout.strip()
    assert str(HOOKS / "tenmon-guard.bash") in line and guard_bin() in line
    # harmless in a non-interactive shell and in sh
    for program in ("bash", "sh"):
        quiet = subprocess.run([program, "-c", line + "; echo sourced-ok"], capture_output=True, text=True, check=False)
        assert quiet.stdout.strip() == "sourced-ok" and quiet.stderr == ""


# ---------------------------------------------------------------------------------------------------------------
# Confirmation (a rule with `confirm`) and break-glass (override)

CONFIRM_POLICY = """\
tenmon-guard-policy: 1
name: confirm-test
rules:
  - id: echo-e-needs-confirm
    decision: block
    confirm: go-ahead
    message: echo -e is guarded in this test.
    suggestion: echo plain
    match:
      commands: [echo]
      options: [-e]
"""


@pytest.fixture
def confirm_shell(world: World, tmp_path: Path) -> Iterator[GuardedShell]:
    policy = tmp_path / "confirm.yaml"
    policy.write_text(CONFIRM_POLICY)
    args = " ".join([*world.checker_args(), "--policy", str(policy)])
    shell = GuardedShell(world, "bash", env={"TENMON_GUARD_ARGS": args})
    yield shell
    shell.close()


def test_confirmation_typed_goes_ahead(confirm_shell: GuardedShell, world: World) -> None:
    confirm_shell.child.send("echo -e confirmed-output\r")
    confirm_shell.child.expect("Type go-ahead to run it anyway", timeout=60)
    confirm_shell.child.send("go-ahead\r")
    typed = confirm_shell.probe()
    assert "confirmed, running it" in typed.output
    assert "confirmed-output" in typed.output.split("confirmed, running it", 1)[-1]
    records = [r for r in audit_records(world) if r["command"] == "echo -e confirmed-output"]
    assert [r["decision"] for r in records] == ["block", "confirm"]


def test_confirmation_anything_else_cancels(confirm_shell: GuardedShell, world: World) -> None:
    confirm_shell.child.send("echo -e must-not-run\r")
    confirm_shell.child.expect("Type go-ahead to run it anyway", timeout=60)
    confirm_shell.child.send("no\r")
    typed = confirm_shell.probe()
    assert "cancelled" in typed.output
    assert "must-not-run\n" not in typed.output.replace("echo -e must-not-run", "")
    assert typed.buffer == "echo plain"  # the approved command, as for any refusal
    confirm_shell.child.send("\x15")


def test_break_glass_runs_with_a_reason_and_is_audited(confirm_shell: GuardedShell, world: World) -> None:
    typed = confirm_shell.type('tenmon-guard override --reason "incident 42" -- echo -e broke-the-glass')
    assert "OVERRIDE" in typed.output and "broke-the-glass" in typed.output.split("OVERRIDE", 1)[-1]
    record = [r for r in audit_records(world) if r["command"] == "echo -e broke-the-glass"][-1]
    assert record["decision"] == "override" and record["reason"] == "incident 42"
    assert record["rules"] == ["echo-e-needs-confirm"]


def test_break_glass_needs_a_reason(confirm_shell: GuardedShell) -> None:
    typed = confirm_shell.type("tenmon-guard override -- echo -e no-reason-given")
    assert "--reason" in typed.output
    assert "no-reason-given\n" not in typed.output.replace("echo -e no-reason-given", "")


def test_break_glass_refused_by_the_policy(world: World, tmp_path: Path) -> None:
    # the pack declares break_glass: allow, and only the policy files decide it (--var break_glass is ignored)
    refusing = tmp_path / "refusing.yaml"
    refusing.write_text(POLICY.read_text().replace("  break_glass: allow", "  break_glass: refuse", 1))
    args = [str(refusing) if arg == str(POLICY) else arg for arg in world.checker_args()]
    done = subprocess.run(
        [guard_bin(), "override", *args, "--reason", "just because", "--", "pkill", "-9", "node"],
        capture_output=True, text=True, timeout=60, env=world.env(), check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "refused by the policy" in done.stderr
    world.assert_intact()
    record = [r for r in audit_records(world) if r["command"] == "pkill -9 node" and r.get("override")][-1]
    assert record["override"] == "refused" and record["reason"] == "just because"


# ---------------------------------------------------------------------------------------------------------------
# The checker's protocol (tenmon-guard serve), as the hooks speak it


def serve(world: World, requests: list[bytes], *extra: str) -> list[str]:
    done = subprocess.run(
        [guard_bin(), "serve", "--format", "shell", *world.checker_args(), *extra],
        input=b"".join(requests), capture_output=True, timeout=60, env=world.env(), check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.decode().splitlines()


def request(**fields: object) -> bytes:
    return json.dumps(fields).encode() + b"\0"


def test_serve_ready_line_then_one_reply_per_request(world: World) -> None:
    lines = serve(
        world,
        [
            request(id=1, command="echo hi", cwd=str(world.home)),
            request(id=2, command="k9 $(pgrep node)", cwd=str(world.home), aliases={"k9": "kill -9"}),
            request(id=3, command="for i in 1 2; do", cwd=str(world.home)),
            request(id=4, op="ping"),
            request(id=5, command="sudo apt-get install \\\n    git \\", cwd=str(world.home)),  # bash asks for more
            request(id=6, command="bash -c 'echo a\\'", cwd=str(world.home)),  # (bash -c's text ends: it prints a\)
        ],
    )
    ready, *replies = lines
    assert ready.split("\x1f")[0] == "ready" and str(POLICY) in ready
    fields = [line.split("\x1f") for line in replies]
    assert [f[:2] for f in fields] == [
        ["1", "allow"],
        ["2", "block"],
        ["3", "incomplete"],
        ["4", "pong"],
        ["5", "incomplete"],
        ["6", "allow"],
    ]
    assert fields[1][5] == "sigkill-app" and "restart_api.sh" in fields[1][3]
    assert "kill -9 $(pgrep node)" in fields[1][6]  # the message shows the line as the shell reads it


def test_serve_raw_frames_for_history_text_and_function_bodies(world: World) -> None:
    lines = serve(
        world,
        [
            request(id=7, command_frame=True, strip="fc", cwd=str(world.home)),
            b"\t pkill -9 node\n\0",
            request(id=8, command="g 1 2", cwd=str(world.home), function_frames=["g"]),
            b"g () \n{ \n    rm -rf " + str(world.live).encode() + b"/dist\n}\0",
        ],
    )
    fields = [line.split("\x1f") for line in lines[1:]]
    assert fields[0][:2] == ["7", "block"] and "kill-app-bypassing-systemd" in fields[0][5]
    assert fields[1][:2] == ["8", "block"] and fields[1][5] == "live-dir-direct-write"


def test_serve_keeps_a_relative_audit_log_where_it_started(world: World, tmp_path: Path) -> None:
    """The checker works in / (it holds no directory of the shell's busy), and an audit log named by a relative
    path is still the file in the directory it was started in."""
    started_in = tmp_path / "started-here"
    started_in.mkdir()
    done = subprocess.run(
        [guard_bin(), "serve", "--format", "shell", *world.checker_args()],
        input=request(id=1, command="pkill -9 node", cwd=str(world.home)), capture_output=True, timeout=60,
        env=world.env(TENMON_GUARD_AUDIT_LOG="audit.jsonl"), cwd=started_in, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().splitlines()[1].split("\x1f")[:2] == ["1", "block"]
    records = [json.loads(line) for line in (started_in / "audit.jsonl").read_text().splitlines()]
    assert [r["command"] for r in records] == ["pkill -9 node"]
    assert not (Path("/") / "audit.jsonl").exists()


def _dispatchers(count: int, arms: int) -> dict[str, bytes]:
    """Shell functions that call each other from every item of a case (as nvm's do, 118 of them): judging a line
    that calls one means reading them all, at each Enter."""
    bodies = {}
    for i in range(count):
        items = "".join(f'    c{k}) fn{(i + k + 1) % count} "$@"; rm -rf "$WORK/{k}" ;;\n' for k in range(arms))
        bodies[f"fn{i}"] = f'fn{i} () \n{{ \n    case "$1" in\n{items}    esac\n}}'.encode()
    return bodies


def test_serve_answers_a_line_it_cannot_decide_in_time_as_not_known(world: World) -> None:
    """Round 27: with nvm loaded, every ``nvm`` line took the checker 5 to 10 s, past the hook's 3 s: the line ran
    unchecked, and the next one waited behind it and ran unchecked too. Given the shell's wait (``--timeout``,
    which the hooks pass), a line not decided a second before it (at least half a second) is answered as not
    known, which the policy's unknown setting for the hook door decides (warn), and the next line is judged."""
    functions = _dispatchers(100, 16)
    home = str(world.home)
    lines = serve(
        world,
        [
            request(id=1, command="fn0 c1 x", cwd=home, function_frames=list(functions)),
            *(body + b"\0" for body in functions.values()),
            request(id=2, command="pkill -9 node", cwd=home),
            request(id=3, command="echo hi", cwd=home),
        ],
        "--timeout",
        "0.6",
    )
    fields = [line.split("\x1f") for line in lines[1:]]
    assert [f[:2] for f in fields] == [["1", "warn"], ["2", "block"], ["3", "allow"]]
    assert fields[0][5] == "unknown-command"
    assert "did not finish judging this line within 0.5 s (with the 100 shell functions" in fields[0][6]


def test_serve_prefetch_is_unanswered_and_changes_no_verdict(world: World) -> None:
    """Round 26: the zsh hook sends a line's text ahead of its request (``op: prefetch``) so that the parsers read it
    while the shell gathers its state. No reply comes for it, and every verdict is the one the same requests get
    without it: the text prefetched, another text, one no parser reads, one left open."""
    home = str(world.home)
    texts = ["pkill -9 node", "echo hi", "if then fi (", "for i in 1 2; do", f"rm -rf {world.live}/dist"]
    plain = [request(id=n, command=text, cwd=home) for n, text in enumerate(texts)]
    ahead = [request(op="prefetch", command=text) for text in texts]
    mixed = [ahead[0], plain[0], ahead[2], plain[1], ahead[2], plain[2], ahead[3], plain[3], plain[4]]
    mixed += [request(op="prefetch", command=7), request(op="prefetch")]  # (not a text: nothing happens)
    without, with_prefetch = serve(world, plain)[1:], serve(world, mixed)[1:]
    assert with_prefetch == without
    assert [line.split("\x1f")[:2] for line in without] == [
        ["0", "block"],
        ["1", "allow"],
        ["2", "block"],
        ["3", "incomplete"],
        ["4", "block"],
    ]


def test_serve_reports_a_bad_policy_instead_of_a_ready_line(world: World, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("tenmon-guard-policy: 1\nrules: [oops\n")
    done = subprocess.run(
        [guard_bin(), "serve", "--format", "shell", "--policy", str(bad)],
        input=b"", capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    first = done.stdout.decode().splitlines()[0].split("\x1f")
    assert first[0] == "error" and "bad.yaml" in first[1]
    assert "Traceback" not in done.stderr.decode()


@pytest.mark.parametrize(
    ("text", "aliases", "expanded"),
    [
        ("k9 1", {"k9": "kill -9"}, "kill -9 1"),
        ("X=1 k9 1", {"k9": "kill -9"}, "X=1 kill -9 1"),
        ("echo k9; k9 2", {"k9": "kill -9"}, "echo k9; kill -9 2"),
        ("'k9' 1; \\k9 2", {"k9": "kill -9"}, "'k9' 1; \\k9 2"),
        ("s k9 3", {"s": "sudo ", "k9": "kill -9"}, "sudo kill -9 3"),
        ("ls -l", {"ls": "ls --color"}, "ls --color -l"),
        ("a", {"a": "b", "b": "a"}, "a"),
        ("echo $(k9 4)", {"k9": "kill -9"}, "echo $(kill -9 4)"),
        ("x > k9", {"k9": "kill -9"}, "x > k9"),
    ],
)
def test_alias_expansion_follows_the_shell(text: str, aliases: dict[str, str], expanded: str) -> None:
    from tenmon_guard.doors.serve import expand_aliases

    assert " ".join(expand_aliases(text, aliases)[0].split(" ")).replace("  ", " ") == expanded


def test_alias_expansion_matches_real_bash() -> None:
    from tenmon_guard.doors.serve import expand_aliases

    aliases = {"k9": "kill -9", "s": "sudo ", "e": "echo", "ll": "ls -l"}
    lines = ["k9 1", "s k9 2", "X=1 e a b", "e x; e y | e z", "'e' q", "ll /nonexistent-dir-x"]
    script = "".join(f"alias {k}={json.dumps(v)}\n" for k, v in aliases.items())
    for line in lines:
        # bash prints the expanded command with `set -x`-free means: define a function from the line and show it
        probe = f"{script}shopt -s expand_aliases\nf() {{ {line}\n}}\ndeclare -f f\n"
        done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=False)
        body = " ".join(done.stdout.split("\n")[2:-2]).strip().rstrip(";")
        ours = expand_aliases(line, aliases)[0]
        assert " ".join(ours.split()) == " ".join(body.replace(";", " ;").split()).replace(" ;", ";"), (line, body)


ALIAS_POSITIONS = [
    "case x in x) k node;; esac",
    "case x in x) k node;& y) :;;& esac",
    "f() { k node; }; f",
    "function f { k node; }; f",
    "time -p k node",
    "coproc X { p; }; wait",
    'cat <<< "$(p)"',
    "cat <<< `p`",
    "echo $'\\''$(p)",
    "echo $(case x in x) p;; esac)",
    "! k node",
    "{ k node; }",
    "if true; then k node; fi",
    "while k node; do break; done",
    "x=1 k node",
]


@pytest.mark.parametrize("line", ALIAS_POSITIONS)
def test_aliases_in_every_command_position_bash_expands(line: str, tmp_path: Path) -> None:
    """Where a real bash expands an alias (``k`` is pkill, ``p`` is ``pkill node``), the hook's checker judges
    the expanded command: the red team found positions a scan of the text missed (a case branch, a function body,
    ``time -p``, a substitution in a here-string)."""
    from tenmon_guard.doors.serve import Checker, Request
    from tenmon_guard.engine import Guard
    from tenmon_guard.policy import load_policy

    bin_dir, log = pkill_stand_in(tmp_path)
    run_bash(["-c", f"shopt -s expand_aliases\nalias k=pkill\nalias p='pkill node'\n{line}\n"], bin_dir)
    assert logged(log) == "node\n", f"bash did not run pkill node for {line!r}"
    checker = Checker(Guard(load_policy([str(POLICY)], {})), "hook")
    request = Request(id=1, command=line, cwd=None, door="hook", aliases={"k": "pkill", "p": "pkill node"})
    outcome = checker.judge(request)
    assert outcome.decision == "block", (line, outcome.expanded, outcome.verdict)


# (definitions typed on earlier lines, the line, the decision at least): the red team's calls of shell functions
FUNCTION_CALLS = [
    ([': __tg_; "$@"'], "f pkill node", "block"),
    (['echo shift; "$@"'], "f pkill node", "block"),
    (['shift 0; "$@"'], "f pkill node", "block"),
    (['g "$@"', 'g() { "$@"; }'], "f pkill node", "block"),
    (['"${@:2}"'], "f x pkill node", "block"),
    (["$1"], 'f "pkill node"', "block"),
    (['"$@"'], "x=f; $x pkill node", "block"),
    (["shift; pkill $1"], "f x node", "block"),
    (['pkill "${1:-x}"'], "f node", "block"),
    (["pkill ${10}"], "f x x x x x x x x x node", "block"),
    (["pkill -9 node"], "echo before; f", "block"),
]


def _function_judged(definitions: list[str], line: str, tmp_path: Path) -> tuple[str, Any]:
    """What bash runs (``pkill`` is a stand-in that logs its arguments) and the checker's outcome with the bodies
    as the hook sends them (``declare -f``)."""
    from tenmon_guard.doors.serve import Checker, Request
    from tenmon_guard.engine import Guard
    from tenmon_guard.policy import load_policy

    bin_dir, log = pkill_stand_in(tmp_path)
    body, *others = definitions
    done = run_bash(["-c", "\n".join([f"f() {{ {body}\n}}", *others, line, "declare -f"]) + "\n"], bin_dir)
    ran = logged(log)
    functions = {}
    for chunk in done.stdout.split("\n}\n"):
        if " () \n" in chunk:
            name = chunk.split(" () \n", 1)[0].rsplit("\n", 1)[-1]
            functions[name] = chunk[chunk.index(name + " () \n") :] + "\n}"
    checker = Checker(Guard(load_policy([str(POLICY)], {})), "hook")
    outcome = checker.judge(Request(id=1, command=line, cwd=None, door="hook", functions=functions))
    return ran, outcome


@pytest.mark.parametrize(("definitions", "line", "decision"), FUNCTION_CALLS, ids=[c[1] for c in FUNCTION_CALLS])
def test_calls_of_shell_functions_are_judged_with_their_arguments(
    definitions: list[str], line: str, decision: str, tmp_path: Path
) -> None:
    """A line calling functions of the interactive shell is judged with their definitions before it, so the
    engine follows each call with its arguments (the red team got past a regex that substituted $1..$9: shift,
    ``${@:2}``, a split ``$1``, ``x=f; $x``, a body mentioning ``__tg_``, f calling g), ``${1:-x}`` and ``${10}``
    included, and an argument made by a command keeps it (``f $(pgrep node)``)."""
    ran, outcome = _function_judged(definitions, line, tmp_path)
    assert ran == "node\n" or (line.endswith("; f") and ran == "-9 node\n"), f"bash did not run pkill for {line!r}"
    order = ["allow", "warn", "block"]
    assert order.index(outcome.decision) >= order.index(decision), (line, outcome.verdict)
    assert all(0 <= f["span"][0] <= f["span"][1] <= len(line) for f in outcome.verdict["findings"])


def test_functions_named_but_not_called_add_nothing(tmp_path: Path) -> None:
    """Removing or showing a function whose body is forbidden is not running it; the guard's own sudo function
    is judged as the sudo command it stands for (by name: its body would only add a warning)."""
    ran, outcome = _function_judged(["pkill -9 node"], "type f >/dev/null; unset -f f", tmp_path)
    assert ran == "" and outcome.decision == "allow", outcome.verdict
    ran, outcome = _function_judged(['"$@"', 'sudo() { "$_tenmon_sudo" "$@"; }'], "sudo true; f ls", tmp_path)
    assert outcome.decision == "allow", outcome.verdict


# (definitions, the line, its decision, whether bash runs pkill node): a call runs the branches its arguments decide
_KILL_IF_ASKED = 'if [ "$1" = kill ]; then pkill node; else echo up; fi'
_USAGE_OR_KILL = 'if [ $# -eq 0 ]; then echo usage; elif [ "$1" == kill ]; then pkill node; fi'
SELECTED_BRANCHES = [
    ([_KILL_IF_ASKED], "f status", "allow", False),
    ([_KILL_IF_ASKED], "f kill", "block", True),
    ([_KILL_IF_ASKED], "f", "allow", False),
    ([_KILL_IF_ASKED], "x=kill; f $x", "block", True),
    ([_KILL_IF_ASKED], "f status | f kill", "block", True),
    ([_KILL_IF_ASKED], "for a in status up; do f $a; done", "allow", False),
    ([_KILL_IF_ASKED], "for a in status kill; do f $a; done", "block", True),
    (['[ "$1" = kill ] && pkill node; echo up'], "f status", "allow", False),
    (['[ "$1" = kill ] && pkill node; echo up'], "f kill", "block", True),
    (['[ "$1" = status ] || pkill node'], "f status", "allow", False),
    (['[ "$1" = status ] || pkill node'], "f stat", "block", True),
    ([_USAGE_OR_KILL], "f", "allow", False),
    ([_USAGE_OR_KILL], "f kill", "block", True),
    (['if [ -z "$1" ]; then pkill node; fi'], "f x", "allow", False),
    (['if [ -z "$1" ]; then pkill node; fi'], "f", "block", True),
    (["if ! [[ $1 == status ]]; then pkill node; fi"], "f status", "allow", False),
    (["if ! [[ $1 == status ]]; then pkill node; fi"], "f stat", "block", True),
    (['if [ "$1" -gt 2 ]; then pkill node; fi'], "f 1", "allow", False),
    (['if [ "$1" -gt 2 ]; then pkill node; fi'], "f 3", "block", True),
    # not decided, so both branches are judged: a pattern, a value not known, a file test
    (["if [[ $1 == k* ]]; then pkill node; fi"], "f status", "block", False),
    ([_KILL_IF_ASKED], 'f "$(cat /nonexistent/x 2>/dev/null)"', "block", False),
    (['if [ -e "$1" ]; then pkill node; fi'], "f /nonexistent/x", "block", False),
]


# (definitions, the line, its decision, whether bash runs pkill node): a call runs the case items its arguments select
_KILL_OR_STATUS = "case $1 in kill) pkill node;; status) echo up;; esac"
SELECTED_ITEMS = [
    ([_KILL_OR_STATUS], "f status", "allow", False),
    ([_KILL_OR_STATUS], "f kill", "block", True),
    ([_KILL_OR_STATUS], "f", "allow", False),
    ([_KILL_OR_STATUS], "x=kill; f $x", "block", True),
    ([_KILL_OR_STATUS], "f status | f kill", "block", True),
    ([_KILL_OR_STATUS], "trap 'f status' EXIT", "allow", False),
    ([_KILL_OR_STATUS], "trap 'f kill' EXIT", "block", True),
    ([_KILL_OR_STATUS], "for a in status up; do f $a; done", "allow", False),
    ([_KILL_OR_STATUS], "for a in status kill; do f $a; done", "block", True),
    ([_KILL_OR_STATUS], "g() { f kill; }; g", "block", True),
    (["shift; case $1 in kill) pkill node;; esac"], "f kill x", "allow", False),
    (["shift; case $1 in kill) pkill node;; esac"], "f x kill", "block", True),
    (["case $1 in a) g;; esac", "g() { pkill node; }"], "f b", "allow", False),
    (["case $1 in a) g;; esac", "g() { pkill node; }"], "f a", "block", True),
    # a function the call defines is the line's: its body is judged, and so is a call of it
    (["case $1 in a) g() { pkill node; };; esac"], "f a; g", "block", True),
    (["case $1 in a) g() { pkill node; };; esac"], "f b; g", "allow", False),
    # a new shell that imports the function: its body, as read where it is defined, is what runs there
    ([_KILL_OR_STATUS], "export -f f; bash -c 'f kill'", "block", True),
    (["case $1 in kill) pkill node;; esac; pkill sshd"], "f status", "allow", False),
]


SELECTED = SELECTED_ITEMS + SELECTED_BRANCHES


@pytest.mark.parametrize(("definitions", "line", "decision", "kills"), SELECTED, ids=[c[1] for c in SELECTED])
def test_a_call_runs_only_what_its_arguments_select(
    definitions: list[str], line: str, decision: str, kills: bool, tmp_path: Path
) -> None:
    """A function of the shell read where it is defined runs every case item and every branch; a call with its
    arguments runs those they select. ``svc() { case $1 in kill) pkill node;; status) ...; esac; }`` from an rc
    file made ``svc status`` refused, as if it killed the app (the body's reading where defined was told at the
    call); so did ``svc() { if [ "$1" = stop ]; then pkill ...; else systemctl status ...; fi; }`` until a test
    with known words decided its ``if``, ``&&`` or ``||`` (tenmon_guard/conditions.py). Each call is read with its
    arguments now, and the reading where defined counts only where it is what runs: a call not read again, a new
    shell that imported the function. A real bash (pkill a logging stand-in) says which lines run pkill node; the
    checker's decision is exactly the one given."""
    ran, outcome = _function_judged(definitions, line, tmp_path)
    assert ("node" in ran.split()) == kills, (line, ran)
    assert outcome.decision == decision, (line, outcome.verdict)


def test_a_definitions_own_redirection_is_made_at_each_call(tmp_path: Path) -> None:
    """``f() { case $1 in a) echo;; esac; } > "$2"``: each call opens its second argument, whichever item runs
    (bash makes the file though no command runs). A call read with its arguments made none of it: a doubt at best
    (the reading where defined, where $2 is not known); now the live tree is refused and /tmp allowed."""
    from tenmon_guard.doors.serve import Checker, Request
    from tenmon_guard.engine import Guard
    from tenmon_guard.policy import load_policy

    live = tmp_path / "live"
    (live / "dist").mkdir(parents=True)
    target, elsewhere = live / "dist" / "x", tmp_path / "x"
    bin_dir, _ = pkill_stand_in(tmp_path)
    definition = 'f() { case $1 in a) echo;; esac; } > "$2"'
    done = run_bash(["-c", f"{definition}\nf b {target}\ndeclare -f f"], bin_dir)
    assert target.exists(), done.stderr
    functions = {"f": done.stdout.strip("\n")}
    checker = Checker(Guard(load_policy([str(POLICY)], {"live_dir": str(live)})), "hook")
    for where, decision in ((target, "block"), (elsewhere, "allow")):
        outcome = checker.judge(Request(id=1, command=f"f b {where}", cwd=None, door="hook", functions=functions))
        assert outcome.decision == decision, (where, outcome.verdict)


def test_sudo_function_is_sourced_on_request_and_lines_still_judged(world: World) -> None:
    shell = GuardedShell(world, "bash", env={"TENMON_GUARD_SUDO": "1"})
    try:
        typed = shell.type("type -t sudo")
        assert "function" in typed.output.split("type -t sudo", 1)[-1]
        assert_refused(world, shell.type("sudo pkill -9 node"), world.verdict("sudo pkill -9 node"))
        # the guard's own sudo function is not judged by its body (it would only add a warning to every sudo)
        typed = shell.type("sudo -n true 2>/dev/null; echo after-sudo")
        assert "WARNING" not in typed.output and "BLOCKED" not in typed.output
    finally:
        shell.close()
    plain = GuardedShell(world, "bash")
    try:
        assert "function" not in plain.type("type -t sudo").output.split("type -t sudo", 1)[-1]
    finally:
        plain.close()


def test_hook_line_for_zsh(world: World) -> None:
    require_program("zsh")
    done = subprocess.run([guard_bin(), "hook", "zsh"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert str(HOOKS / "tenmon-guard.zsh") in done.stdout
    quiet = subprocess.run(["zsh", "-fc", done.stdout.strip() + "; echo sourced-ok"], capture_output=True, text=True)
    assert quiet.stdout.strip() == "sourced-ok" and quiet.stderr == ""
