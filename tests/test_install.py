"""``tenmon-guard install --sudo`` and ``tenmon-guard uninstall``: what is written, validated, refused and removed.

Installs go under a temporary prefix; the sudoers snippet goes into the real /etc/sudoers.d under a unique name
(that is where visudo -c and sudo read it) and is always removed. Runs as root, as CI does.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tenmon_guard.doors import install

REPO = Path(__file__).resolve().parent.parent
GUARD = [sys.executable, "-m", "tenmon_guard"]
SUDOERS_D = Path("/etc/sudoers.d")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _require_root() -> None:
    if os.geteuid() != 0:
        if IN_CI:
            pytest.fail("these tests run as root (as CI does)")
        pytest.skip("install needs root")


def _require_root_and_sudo() -> None:
    problems = []
    if os.geteuid() != 0:
        problems.append("these tests run as root (as CI does)")
    if shutil.which("visudo") is None or shutil.which("sudo") is None:
        problems.append("sudo is not installed (scripts/ci-deps.txt lists it)")
    if problems:
        if IN_CI:
            pytest.fail("; ".join(problems))
        pytest.skip("; ".join(problems))


def guard(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TENMON_GUARD_POLICY"}
    return subprocess.run([*GUARD, *args], capture_output=True, text=True, cwd=REPO, env=env, check=False)


def listing(*roots: Path) -> set[str]:
    found: set[str] = set()
    for root in roots:
        if root.exists():
            found.add(str(root))
            for path in root.rglob("*"):
                found.add(str(path))
    return found


@pytest.fixture
def group() -> Iterator[str]:
    _require_root_and_sudo()
    name = f"tgi{uuid.uuid4().hex[:8]}"
    subprocess.run(["groupadd", name], check=True)
    yield name
    subprocess.run(["groupdel", name], capture_output=True)


@pytest.fixture
def prefix() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="tenmon-install-test-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def name() -> Iterator[str]:
    value = f"tenmon-guard-test-{uuid.uuid4().hex[:8]}"
    yield value
    snippet = SUDOERS_D / value
    if snippet.exists():
        snippet.unlink()


def install_args(group: str, prefix: Path, name: str, *extra: str) -> list[str]:
    return ["install", "--sudo", "--group", group, "--prefix", str(prefix), "--name", name, *extra]


def test_dry_run_prints_and_writes_nothing(group: str, prefix: Path, name: str) -> None:
    target = prefix / "inst"
    before = listing(SUDOERS_D, prefix)
    result = guard(*install_args(group, target, name, "--dry-run", "--var", "port=4999"))
    assert result.returncode == 0, result.stderr
    assert f"would write {SUDOERS_D / name} (root, 0440" in result.stdout
    assert f"Cmnd_Alias TENMON_GUARD_{name.upper().replace('-', '_')}_EXEC = {target}/sbin/tenmon-guard-exec" in (
        result.stdout
    )
    assert f"%{group} ALL=(root) TENMON_GUARD_" in result.stdout
    assert f"#!{sys.executable} -ISB" in result.stdout
    assert listing(SUDOERS_D, prefix) == before


def test_dry_run_does_not_need_root_or_the_group(prefix: Path) -> None:
    result = guard("install", "--sudo", "--group", "no-such-group-xyz", "--prefix", str(prefix / "x"), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "no group named 'no-such-group-xyz'" in result.stderr


def test_missing_group_is_an_error(prefix: Path, name: str) -> None:
    _require_root_and_sudo()
    result = guard(*install_args("no-such-group-xyz", prefix / "x", name))
    assert result.returncode == 2
    assert "groupadd no-such-group-xyz" in result.stderr
    assert not (SUDOERS_D / name).exists() and not (prefix / "x").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "has.dot"], "sudo ignores names with a dot"),
        (["--group", "bad group"], "plain group name"),
        (["--var", "nosuch=1"], "no policy file defines it"),
        (["--prefix", "relative/path"], "expected an absolute path"),
    ],
)
def test_bad_options_are_refused(prefix: Path, args: list[str], message: str) -> None:
    base = {"--group": "root", "--name": "tenmon-guard-x", "--prefix": str(prefix / "p")}
    for key, value in zip(args[::2], args[1::2], strict=True):
        if key in base:
            base[key] = value
    extra = [] if args[0] in base else args
    flat = [item for pair in base.items() for item in pair]
    result = guard("install", "--sudo", *flat, *extra, "--dry-run")
    assert result.returncode == 2, result.stdout
    assert message in result.stderr


def test_set_variables_rewrites_only_the_variables_block() -> None:
    text = (
        "# comment: port: 1\n"
        "tenmon-guard-policy: 1\n"
        "variables:\n"
        "  live_dir: /opt/live   # the live tree\n"
        '  port: "3000"\n'
        "rules:\n"
        "  - id: x\n"
        "    port: 3000\n"
    )
    out, used = install.set_variables(text, {"port": "4123", "live_dir": "/tmp/a b"})
    assert sorted(used) == ["live_dir", "port"]
    assert '  live_dir: "/tmp/a b"\n' in out
    assert '  port: "4123"\n' in out
    assert out.startswith("# comment: port: 1\n") and out.endswith("    port: 3000\n")


def test_validate_sudoers_rejects_a_bad_snippet() -> None:
    _require_root_and_sudo()
    with pytest.raises(install.InstallError, match="visudo"):
        install.validate_sudoers("%nogroup ALL=(root) this is not sudoers\n")


def test_install_then_uninstall_removes_exactly_what_it_wrote(group: str, prefix: Path, name: str) -> None:
    target = prefix / "inst"
    before = listing(SUDOERS_D, prefix)
    result = guard(*install_args(group, target, name, "--var", "port=4555", "--var", f"live_dir={prefix}/live"))
    assert result.returncode == 0, result.stderr
    launcher = target / "sbin" / "tenmon-guard-exec"
    snippet = SUDOERS_D / name
    policy = target / "etc" / "tenmon-guard" / "policies.d" / "tenmon-ark.yaml"
    door_policy = target / "etc" / "tenmon-guard" / "sudo-door.d" / "escapes.yaml"
    expected_modes = {launcher: 0o755, target / "bin" / "tenmon-sudo": 0o755, policy: 0o644, door_policy: 0o644}
    expected_modes[snippet] = 0o440
    for path, mode in expected_modes.items():
        info = path.stat()
        assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (0, 0, mode), path
    assert launcher.read_text().startswith(f"#!{sys.executable} -ISB\n")
    assert f"config_dir={str(target / 'etc' / 'tenmon-guard')!r}" in launcher.read_text()
    assert str(launcher) in (target / "bin" / "tenmon-sudo").read_text()
    assert 'port: "4555"' in policy.read_text()
    assert subprocess.run(["visudo", "-c"], capture_output=True).returncode == 0
    assert subprocess.run(["visudo", "-cf", str(snippet)], capture_output=True).returncode == 0
    manifest = json.loads((target / "etc" / "tenmon-guard" / f"install-{name}.json").read_text())
    assert {f["path"] for f in manifest["files"]} == {str(p) for p in expected_modes}

    again = guard(*install_args(group, target, name))
    assert again.returncode == 2 and "already installed" in again.stderr

    removed = guard("uninstall", "--prefix", str(target), "--name", name)
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.splitlines()[0] == f"removed {snippet}"  # the grant goes first
    assert listing(SUDOERS_D, prefix) == before


def test_uninstall_keeps_an_edited_policy_unless_forced(group: str, prefix: Path, name: str) -> None:
    target = prefix / "inst"
    assert guard(*install_args(group, target, name)).returncode == 0
    policy = target / "etc" / "tenmon-guard" / "sudo-door.d" / "escapes.yaml"
    policy.write_text(policy.read_text() + "# edited by an admin\n")
    kept = guard("uninstall", "--prefix", str(target), "--name", name)
    assert kept.returncode == 0, kept.stderr
    assert f"kept (changed since it was installed; --force removes it): {policy}" in kept.stdout
    assert policy.exists() and not (SUDOERS_D / name).exists()
    assert not (target / "sbin" / "tenmon-guard-exec").exists()


def test_install_never_overwrites_a_file_it_did_not_write(group: str, prefix: Path, name: str) -> None:
    target = prefix / "inst"
    theirs = target / "bin" / "tenmon-sudo"
    theirs.parent.mkdir(parents=True)
    theirs.write_text("#!/bin/sh\necho mine\n")
    before = listing(SUDOERS_D, prefix)
    result = guard(*install_args(group, target, name))
    assert result.returncode == 2
    assert "was not installed by tenmon-guard" in result.stderr
    assert theirs.read_text() == "#!/bin/sh\necho mine\n"
    assert listing(SUDOERS_D, prefix) == before


def test_uninstall_refuses_a_manifest_root_does_not_own_alone(group: str, prefix: Path, name: str) -> None:
    target = prefix / "inst"
    assert guard(*install_args(group, target, name)).returncode == 0
    manifest = target / "etc" / "tenmon-guard" / f"install-{name}.json"
    manifest.chmod(0o666)
    try:
        result = guard("uninstall", "--prefix", str(target), "--name", name)
        assert result.returncode == 2 and "writable by group or others" in result.stderr
        assert (SUDOERS_D / name).exists()
    finally:
        manifest.chmod(0o644)
        assert guard("uninstall", "--prefix", str(target), "--name", name).returncode == 0


def test_uninstall_with_nothing_installed(prefix: Path) -> None:
    result = guard("uninstall", "--prefix", str(prefix), "--dry-run")
    assert result.returncode == 2
    assert "nothing to uninstall" in result.stderr


def test_install_warns_about_a_broader_sudo_rule(group: str, prefix: Path, name: str) -> None:
    """Debian's own `%sudo ALL=(ALL:ALL) ALL` voids the door for any admin who is also in group sudo."""
    user = f"tgw{uuid.uuid4().hex[:8]}"
    subprocess.run(["useradd", "-M", "-N", "-g", group, "-G", "sudo", user], check=True)
    try:
        result = guard(*install_args(group, prefix / "inst", name, "--dry-run"))
        assert result.returncode == 0, result.stderr
        assert "/etc/sudoers:" in result.stderr and "%sudo" in result.stderr and user in result.stderr
        assert "without the guard" in result.stderr
    finally:
        subprocess.run(["userdel", user], capture_output=True)
    quiet = guard(*install_args(group, prefix / "inst", name, "--dry-run"))
    assert "without the guard" not in quiet.stderr


def _claude_bash(command: str) -> bytes:
    payload = {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": command}, "cwd": "/"}
    return json.dumps(payload).encode()


def test_agent_launcher_installs_runs_isolated_and_uninstalls(prefix: Path, tmp_path: Path) -> None:
    """The agent starts its hooks with its own environment: code it can put on the import path must never run
    inside the guard. Through the isolated launcher it does not; through a plain interpreter it would."""
    _require_root()
    target = prefix / "inst"
    before = listing(prefix)
    result = guard("install", "--agent", "--prefix", str(target))
    assert result.returncode == 0, result.stderr
    launcher = target / "bin" / "tenmon-guard-agent-hook"
    assert str(launcher) in result.stdout
    info = launcher.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (0, 0, 0o755)
    assert launcher.read_text().startswith(f"#!{sys.executable} -ISB\n")
    manifest = json.loads((target / "etc" / "tenmon-guard" / "install-agent-hook.json").read_text())
    door_rules = target / "etc" / "tenmon-guard" / "agent-door.d" / "agent-state.yaml"
    assert [f["path"] for f in manifest["files"]] == [str(launcher), str(door_rules)]
    assert manifest["sudoers"] is None
    assert door_rules.read_bytes() == (REPO / "policies" / "doors" / "agent.yaml").read_bytes()
    assert stat.S_IMODE(door_rules.stat().st_mode) == 0o644

    evil = tmp_path / "evil"  # what an agent could write: code that answers "allow" to everything
    evil.mkdir()
    (evil / "sitecustomize.py").write_text("import os\nos._exit(0)\n")
    env = dict(os.environ, TENMON_GUARD_AUDIT_LOG=str(tmp_path / "audit.jsonl"), PYTHONPATH=str(evil))
    control = subprocess.run([sys.executable, "-c", "raise SystemExit(3)"], env=env, check=False)
    assert control.returncode == 0  # the planted code runs in an interpreter that is not isolated

    def hook(command: str, *args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [str(launcher), *args], input=_claude_bash(command), env=env, capture_output=True, check=False
        )

    refused = hook("sudo pkill -9 node")
    assert refused.returncode == 2, refused.stderr
    assert json.loads(refused.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert b"kill-app-bypassing-systemd" in refused.stderr
    allowed = hook("git status")
    assert (allowed.returncode, allowed.stdout) == (0, b"")
    assert hook("ls", "--format", "nonsense").returncode == 2  # a usage error is a refusal too
    records = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert [r["decision"] for r in records][:2] == ["block", "allow"] and records[0]["door"] == "agent"

    again = guard("install", "--agent", "--prefix", str(target))
    assert again.returncode == 2 and "already installed" in again.stderr
    removed = guard("uninstall", "--prefix", str(target), "--name", "agent-hook")
    assert removed.returncode == 0, removed.stderr
    assert listing(prefix) == before


def test_agent_launcher_that_cannot_load_the_guard_refuses(tmp_path: Path) -> None:
    launcher = tmp_path / "tenmon-guard-agent-hook"
    launcher.write_text(install.agent_launcher_text(sys.executable, [str(tmp_path / "nowhere")]))
    launcher.chmod(0o755)
    result = subprocess.run([str(launcher)], input=_claude_bash("ls"), capture_output=True, check=False)
    assert result.returncode == 2
    assert b"cannot load the guard" in result.stderr and b"refused" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agent", "--group", "root"], "install --agent: not with --group"),
        (["--agent", "--var", "port=1"], "not with --var"),
        (["--agent", "--sudo"], "not allowed with argument"),
        (["--sudo"], "--group GROUP is required"),
        ([], "one of the arguments --sudo --agent is required"),
    ],
)
def test_install_door_options(prefix: Path, args: list[str], message: str) -> None:
    result = guard("install", *args, "--prefix", str(prefix / "p"), "--dry-run")
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert not (prefix / "p").exists()


def test_agent_dry_run_shows_the_launcher_and_writes_nothing(prefix: Path) -> None:
    result = guard("install", "--agent", "--prefix", str(prefix / "p"), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert f"would write {prefix}/p/bin/tenmon-guard-agent-hook (root, 0755" in result.stdout
    assert f"#!{sys.executable} -ISB" in result.stdout and "main(['agent-hook', *sys.argv[1:]])" in result.stdout
    assert not (prefix / "p").exists()


def test_closed_to_others_names_the_first_place_others_cannot_pass(prefix: Path) -> None:
    tmp_path = prefix  # under /tmp, mode 0755 (pytest's own tmp_path is 0700)
    shut = tmp_path / "shut"
    (shut / "lib").mkdir(parents=True)
    program = shut / "lib" / "python"
    program.write_text("")
    for directory in (shut, shut / "lib"):
        directory.chmod(0o755)
    program.chmod(0o755)
    assert install.closed_to_others(str(program), directory=False) is None
    assert install.closed_to_others(str(shut / "lib"), directory=True) is None
    program.chmod(0o750)
    assert install.closed_to_others(str(program), directory=False) == str(program)
    (shut / "lib").chmod(0o711)  # others may pass but not list: not enough to import from
    assert install.closed_to_others(str(shut / "lib"), directory=True) == str(shut / "lib")
    shut.chmod(0o700)
    assert install.closed_to_others(str(program), directory=False) == str(shut)
    (tmp_path / "link").symlink_to(program)
    assert install.closed_to_others(str(tmp_path / "link"), directory=False) == str(shut)  # the target counts
    assert install.closed_to_others(str(tmp_path / "missing"), directory=False) == str(tmp_path / "missing")
    shut.chmod(0o755)


def test_only_scripts_root_alone_can_change_are_granted_directly(group: str, prefix: Path, name: str) -> None:
    """sudoers runs an approved script as root without the door reading it: an admin who can edit it (or create it,
    when it is missing) would have root. Such scripts are left to the door, which refuses them."""
    ours = prefix / "repo" / "restart.sh"
    ours.parent.mkdir()
    ours.write_text("#!/bin/sh\nsystemctl restart x\n")
    shared = prefix / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # any admin can replace what is in it
    theirs = shared / "deploy.sh"
    theirs.write_text("#!/bin/sh\n")
    args = ["--dry-run", "--var", f"restart_script={ours}", "--var", f"deploy_script={theirs}"]
    result = guard(*install_args(group, prefix / "inst", name, *args))
    assert result.returncode == 0, result.stderr
    snippet = result.stdout.split(f"--- {SUDOERS_D / name}\n")[1].split("\n--- ")[0]
    assert f"/bash {ours}" in snippet and str(theirs) not in snippet
    assert f"not allowing 'bash {theirs}' directly in sudoers" in result.stderr
    assert "writable by group or others" in result.stderr
    missing = guard(
        *install_args(group, prefix / "inst", name, "--dry-run", "--var", f"deploy_script={prefix}/none.sh")
    )
    assert f"not allowing 'bash {prefix}/none.sh' directly" in missing.stderr and "No such file" in missing.stderr
