"""Programs run inside the live tree that may write it without naming it (round 20).

A program whose use the guard does not know (``./build.sh``, ``bash build.sh``, a tool of its own, a file sourced
unread) run with its working directory in a tree a rule protects from writes may write there by relative names it
never shows: it is a
doubt (unknown-target: the hook and the linter warn, the sudo and agent doors block). Not a doubt: what the
knowledge base knows only reads or only shows (``git log``, ``node -v``, ``pm2 logs``), code given inline (judged as
code), and the approved commands the policy's suggestions name (the restart and deploy scripts), which must run from
anywhere, by their absolute or relative paths. Subcommands that run the project's own scripts (``npm test``, ``bun
run build``) write the tree they run in, as ``npm start`` already did.

Each door is judged through the engine with its own ``unknown`` setting; the sudo door's approved scripts also as
the argv it execs (``sudo bash SCRIPT``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tenmon_guard.engine import Context, Guard
from tenmon_guard.policy import load_policy

POLICY = Path(__file__).resolve().parent.parent / "policies" / "tenmon-ark.yaml"
LIVE = "/opt/tenmon-ark-live"
REPO = "/opt/tenmon-ark-repo"
DOORS = ("hook", "agent", "sudo", "lint")
DOUBT = {"hook": "warn", "lint": "warn", "agent": "block", "sudo": "block"}


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard(load_policy([str(POLICY)], {}))


def _judged(guard: Guard, command: str, door: str, cwd: str = LIVE) -> tuple[str, list[str]]:
    verdict = guard.check(command, Context(door=door, cwd=cwd))
    return verdict.decision.label, sorted({f.rule for f in verdict.findings})


# Programs of unknown use, run in the live tree with no path named: a doubt about live-dir-direct-write.
UNKNOWN_HERE = [
    "./build.sh",
    "bash build.sh",
    "sh ./scripts/gen.sh",
    "mytool",
    "mytool --verbose",
    "perl gen.pl",
    "pm2 restart all",
    "nohup ./run.sh",
    "env NODE_ENV=production ./build.sh",
    "source ./build.sh",
    ". ./.env",
    # round 21: a REPL given a script on its stdin or with operands, and what only shows but for an option
    "node < build.js",
    "cat build.js | node",
    "{ node; } < build.js",
    "exec < build.js; node",
    "f() { node; }; f < build.js",
    "NODE_OPTIONS='--require ./x.js' node",  # (code it loads as it starts)
    "export NODE_OPTIONS='--require ./x.js'; node",
    "PYTHONSTARTUP=./x.py python3",
    "python3 -i gen.py",
    "pip list $OPTS",
    "pip --python ./py list",
    "enable -f ./x.so x",
    "enable -af ./x.so x",
]


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("command", UNKNOWN_HERE)
def test_a_program_of_unknown_use_in_the_live_tree_is_a_doubt(guard: Guard, command: str, door: str) -> None:
    assert _judged(guard, command, door) == (DOUBT[door], ["unknown-target"])


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("command", UNKNOWN_HERE)
def test_the_same_program_elsewhere_is_allowed(guard: Guard, command: str, door: str) -> None:
    assert _judged(guard, command, door, cwd="/home/ops/project") == ("allow", [])


# Subcommands that run the project's scripts or rewrite it: they write the tree they run in.
WRITES_HERE = [
    "npm test",
    "npm t",
    "npm explore express -- ls",
    "bun run build",
    "bun test",
    "bun install",
    "bun build ./src/index.ts --outdir dist",
    "bun gen.ts",
    "bun ./gen.ts",
]


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("command", WRITES_HERE)
def test_a_subcommand_that_runs_the_projects_scripts_writes_the_live_tree(
    guard: Guard, command: str, door: str
) -> None:
    assert _judged(guard, command, door) == ("block", ["live-dir-direct-write"])


# Everyday work in the live tree: reads, what only shows, inline code that writes nothing, the approved commands.
EVERYDAY_HERE = [
    "ls -la dist",
    "cat package.json",
    "tail -f logs/app.log",
    "grep -r TODO dist",
    "git status",
    "git log --oneline -5",
    "git diff",
    "node -v",
    "node --version",
    "python3 -V",
    "perl -v",
    "ruby --version",
    "bun --version",
    "node -e 'console.log(process.version)'",
    "npm ls",
    "npm view express",
    "npm outdated",
    "npm --version",
    "bun outdated",
    "pm2 logs",
    "pm2 logs tenmon-ark-api --lines 100",
    "pm2 logs $APP --lines 50",  # (no option of pm2 logs writes: a word not known is no doubt)
    "pm2 status",
    "pm2 list",
    "journalctl -u tenmon-ark-api -n 50",
    "jobs",
    "fg %1",
    "dirs",
    "du -sh dist",
    "find . -name '*.js'",
    "systemctl status tenmon-ark-api",
    "systemctl restart tenmon-ark-api",
    f"bash {REPO}/api/scripts/ops/restart_api.sh",
    f"bash {REPO}/api/scripts/deploy_live.sh",
    f"{REPO}/api/scripts/deploy_live.sh",
    "bash ../tenmon-ark-repo/api/scripts/deploy_live.sh",
    "bash ../tenmon-ark-repo/api/scripts/ops/restart_api.sh",
    "sudo bash /opt/tenmon-ark-repo/api/scripts/ops/restart_api.sh",
    # round 21: what the knowledge says only shows, and REPLs started alone
    "bun pm ls",
    "bun install --help",
    "pip --version",
    "pip3 -V",
    "pip list",
    "pip show express",
    "fc -l",
    "fc -ln -5",
    "enable -a",
    "enable",
    "enable -n kill",
    "node",
    "node -i",
    "python3",
    "python3 -i",
    "sudo node",
    "cd /opt/tenmon-ark-live && node",
]


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("command", EVERYDAY_HERE)
def test_everyday_work_in_the_live_tree_is_allowed(guard: Guard, command: str, door: str) -> None:
    assert _judged(guard, command, door) == ("allow", [])


@pytest.mark.parametrize(
    "argv",
    [
        ["bash", f"{REPO}/api/scripts/ops/restart_api.sh"],
        ["bash", "../tenmon-ark-repo/api/scripts/deploy_live.sh"],
        [f"{REPO}/api/scripts/deploy_live.sh"],
        ["systemctl", "restart", "tenmon-ark-api.service"],
    ],
)
def test_the_sudo_door_runs_the_approved_commands_from_the_live_tree(guard: Guard, argv: list[str]) -> None:
    verdict = guard.check_argv(argv, Context(door="sudo", cwd=LIVE))
    assert verdict.decision.label == "allow", verdict.findings


def test_the_sudo_door_doubts_a_script_in_the_live_tree(guard: Guard) -> None:
    verdict = guard.check_argv(["bash", "build.sh"], Context(door="sudo", cwd=LIVE))
    assert (verdict.decision.label, [f.rule for f in verdict.findings]) == ("block", ["unknown-target"])


@pytest.mark.parametrize(
    "command",
    [
        # another script by the approved one's name is no approved script
        "bash ./deploy_live.sh",
        "bash /tmp/scripts/deploy_live.sh",
        f"bash {REPO}/api/scripts/deploy_live.sh.bak",
    ],
)
def test_only_the_approved_path_is_approved(guard: Guard, command: str) -> None:
    assert _judged(guard, command, "agent") == ("block", ["unknown-target"])


# Round 21: a function defined only after ``cd LIVE &&``. Where the cd failed, the function is not defined and the
# command of its name runs where the line was (checked in bash 5.2 with a program f on PATH that prints its cwd):
# not a program of unknown use run in the live tree. Where the cd worked, the function's body runs there, and it is
# judged there as before.
DEFINED_AFTER_CD = [
    ("cd /opt/tenmon-ark-live && f() { ls; }; f", "allow", []),
    ("cd /opt/tenmon-ark-live && f() { ls -la dist; }; f", "allow", []),
    ("cd /opt/tenmon-ark-live && f() { rm -rf dist; }; f", "block", ["live-dir-direct-write"]),
    ("f() { rm -rf dist; }; cd /opt/tenmon-ark-live && f", "block", ["live-dir-direct-write"]),
    ("cd /opt/tenmon-ark-live && rm() { :; }; rm -rf /opt/tenmon-ark-live/dist", "block", ["live-dir-direct-write"]),
    ("cd /tmp && pkill() { :; }; pkill -9 node", "block", ["kill-app-bypassing-systemd", "sigkill-app"]),
    # the function may be missing with the cwd in the live tree: the command f runs there
    ("cd /opt/tenmon-ark-live; false && f() { ls; }; f", "doubt", ["unknown-target"]),
    ("cd /opt/tenmon-ark-live || f() { ls; }; f", "doubt", ["unknown-target"]),
    ("cd /opt/tenmon-ark-live && cd dist && f() { ls; }; f", "doubt", ["unknown-target"]),
    # a builtin of the name is read in this shell as before: here cd /tmp/x failed, the builtin cd runs
    ("cd /tmp/x && cd() { :; }; cd /opt/tenmon-ark-live; rm -rf dist", "block", ["live-dir-direct-write"]),
]


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize(("command", "decision", "rules"), DEFINED_AFTER_CD)
def test_a_function_defined_after_cd_is_missing_where_the_cd_failed(
    guard: Guard, command: str, decision: str, rules: list[str], door: str
) -> None:
    expected = DOUBT[door] if decision == "doubt" else decision
    assert _judged(guard, command, door, cwd="/home/ops") == (expected, rules)


# Round 21: the sudo door reads the script a shell runs (``sudo bash build.sh``) and judges its text, with its
# arguments, where it runs. That reading is the verdict: the argv's doubt that the script is a program of unknown
# use run in the live tree no longer refuses it first (a script that only echoes was refused), nor adds a second
# message to the text's own (``rm -rf dist`` in it was refused as "cannot tell" and as a write of the live tree).
# Judged through the door's prepare (policy, lookup, judge), never run.
SCRIPTS_IN_THE_LIVE_TREE = [
    (["bash", "build.sh"], "echo building\n", "allow", []),
    (["sh", "./build.sh"], "echo building\n", "allow", []),
    (["bash", "build.sh", "dist"], 'ls -la "$1"\n', "allow", []),
    (["./build.sh"], "#!/bin/bash\necho building\n", "allow", []),
    (["bash", "wipe.sh"], "rm -rf dist\n", "block", ["live-dir-direct-write"]),
    (["bash", "wipe.sh", "dist"], 'rm -rf "$1"\n', "block", ["live-dir-direct-write"]),
    (["./wipe.sh"], "#!/bin/bash\nrm -rf dist\n", "block", ["live-dir-direct-write"]),
    (["bash", "stop.sh"], "pkill -9 node\n", "block", ["kill-app-bypassing-systemd", "sigkill-app"]),
    # a program of unknown use the script runs there: the text's own doubt
    (["bash", "mystery.sh"], "./other-tool\n", "block", ["unknown-target"]),
    # round 22: wrappers that only run their command are judged as the bare form (the argv was refused as a root
    # shell and a doubt, beside the text's own findings)
    (["nice", "bash", "build.sh"], "echo building\n", "allow", []),
    (["timeout", "60", "bash", "build.sh"], "echo building\n", "allow", []),
    (["env", "LANG=C", "nice", "-n", "10", "sh", "./build.sh"], "echo building\n", "allow", []),
    (["nice", "bash", "wipe.sh"], "rm -rf dist\n", "block", ["live-dir-direct-write"]),
    (["timeout", "60", "bash", "stop.sh"], "pkill -9 node\n", "block", ["kill-app-bypassing-systemd", "sigkill-app"]),
    # a variable set for the script is the door's own refusal (only LANG, TZ ... pass), a wrapper that does more
    # than run its command (setpriv changes the privileges) stays judged by the door's rules, an interactive shell too
    (["env", "X=1", "bash", "build.sh"], "echo building\n", "block", ["sudo-runtime"]),
    (["setpriv", "bash", "build.sh"], "echo building\n", "block", ["sudo-root-shell", "unknown-target"]),
    (["nice", "bash", "-i", "build.sh"], "echo building\n", "block", ["sudo-root-shell", "unknown-target"]),
    # round 24: a timeout that sends a signal of its choosing (-s, -k) may kill what the script starts (the API):
    # not judged by the text alone; its default TERM is a stop (above: allowed)
    (
        ["timeout", "-s", "KILL", "60", "bash", "start.sh"],
        "echo building\n",
        "block",
        ["sudo-root-shell", "unknown-target"],
    ),
    (
        ["timeout", "-k", "5", "60", "bash", "start.sh"],
        "echo building\n",
        "block",
        ["sudo-root-shell", "unknown-target"],
    ),
    (
        ["timeout", "--signal=9", "60", "bash", "start.sh"],
        "echo building\n",
        "block",
        ["sudo-root-shell", "unknown-target"],
    ),
    (
        ["timeout", "-sKILL", "60", "bash", "start.sh"],
        "echo building\n",
        "block",
        ["sudo-root-shell", "unknown-target"],
    ),
    (["timeout", "--foreground", "60", "bash", "build.sh"], "echo building\n", "allow", []),
]


@pytest.mark.parametrize(("argv", "text", "decision", "rules"), SCRIPTS_IN_THE_LIVE_TREE)
def test_the_sudo_door_judges_a_script_in_the_live_tree_by_its_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], text: str, decision: str, rules: list[str]
) -> None:
    from tenmon_guard.doors import sudo

    live = tmp_path / "live"
    (live / "dist").mkdir(parents=True)
    script = live / next(word for word in argv if word.endswith(".sh")).removeprefix("./")
    script.write_text(text)
    script.chmod(0o755)
    monkeypatch.chdir(live)
    invoker = sudo.Invoker(trusted=True, privileged=False, sudo_user=None)
    config = sudo.DoorConfig(config_dir=str(tmp_path / "etc"))
    plan = sudo.prepare(argv, [str(POLICY)], [f"live_dir={live}"], config, invoker, {})
    assert (plan.verdict.decision.label, sorted({f.rule for f in plan.verdict.findings})) == (decision, rules)
