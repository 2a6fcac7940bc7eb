"""The sudo door, end to end, as CI runs it: as root, with the real sudo, a real unprivileged user and a real node.

The module fixture creates a group and a user, installs the door with ``tenmon-guard install --sudo`` under a
temporary prefix (the sudoers snippet goes into the real /etc/sudoers.d under a unique name, validated by visudo),
with the policy's variables pointing at a temporary live dir and the port of a real ``node .../dist/index.js``.
Every refused command must leave that node alive and the live dir byte-for-byte intact; approved commands must run
with their own exit codes, streams and signals. Teardown uninstalls and deletes the user and group.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GUARD = [sys.executable, "-m", "tenmon_guard"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

NODE_APP = """
const http = require('http');
const port = Number(process.argv[2]);
http.createServer((req, res) => res.end('ok')).listen(port, '127.0.0.1', () => console.log('listening'));
"""


def _require(condition: bool, message: str) -> None:
    """Missing prerequisites fail in CI (the project installs them: scripts/ci-deps.txt) and skip elsewhere."""
    if condition:
        return
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@dataclass(frozen=True)
class Door:
    user: str
    group: str
    name: str
    prefix: Path
    launcher: Path
    tenmon_sudo: Path
    config: Path
    live: Path
    repo: Path
    home: Path
    port: int
    audit: Path
    node: subprocess.Popen[str]

    def user_run(
        self, command: str, *, stdin: str | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """``su USER -c COMMAND``: a login-less, password-less shell of the unprivileged user."""
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(self.home)}
        return subprocess.run(
            ["su", self.user, "-s", "/bin/bash", "-c", command],
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            env=env,
            cwd=self.home,
            timeout=timeout,
            check=False,
        )

    def sudo(self, argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        """``sudo -n LAUNCHER -- ARGV`` as the user (``-n``: a refusal by sudo itself fails instead of prompting)."""
        return self.user_run(f"sudo -n {self.launcher} -- {shlex.join(argv)}", **kwargs)  # type: ignore[arg-type]

    def node_alive(self) -> bool:
        if self.node.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=5):
                return True
        except OSError:
            return False

    def live_state(self) -> dict[str, tuple[int, str]]:
        state: dict[str, tuple[int, str]] = {}
        for path in sorted(self.live.rglob("*")):
            data = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
            state[str(path.relative_to(self.live))] = (path.stat().st_mode, data)
        return state

    def audit_records(self) -> list[dict[str, object]]:
        import json

        if not self.audit.exists():
            return []
        return [json.loads(line) for line in self.audit.read_text().splitlines() if line.strip()]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _write(path: Path, text: str, mode: int = 0o644) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    return path


def _start_node(app: Path, port: int) -> subprocess.Popen[str]:
    node = shutil.which("node")
    assert node is not None
    proc = subprocess.Popen(
        [node, str(app), str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert "listening" in line, f"node stand-in did not start: {line!r}"
    return proc


@pytest.fixture(scope="module")
def door() -> Iterator[Door]:
    _require(os.geteuid() == 0, "the sudo door tests run as root (as CI does)")
    _require(shutil.which("sudo") is not None, "sudo is not installed (scripts/ci-deps.txt lists it)")
    _require(shutil.which("visudo") is not None, "visudo is not installed (Debian package sudo)")
    _require(shutil.which("node") is not None, "node is not installed (the stand-in for the API)")
    _require(shutil.which("useradd") is not None, "useradd is not installed")
    tag = uuid.uuid4().hex[:8]
    user, group, name = f"tgu{tag}", f"tgg{tag}", f"tenmon-guard-test-{tag}"
    prefix = Path(tempfile.mkdtemp(prefix="tenmon-sudo-test-"))
    prefix.chmod(0o755)
    home = prefix / "home"
    node: subprocess.Popen[str] | None = None
    installed = False
    try:
        subprocess.run(["groupadd", group], check=True)
        subprocess.run(["useradd", "-m", "-d", str(home), "-g", group, "-s", "/bin/bash", user], check=True)
        live = prefix / "live"
        repo = prefix / "repo"
        _write(live / "dist" / "index.js", NODE_APP)
        _write(live / "dist" / "version.txt", "1.0\n")
        _write(repo / "api" / "dist" / "index.js", NODE_APP + "// new build\n")
        _write(repo / "api" / "scripts" / "ops" / "restart_api.sh", "#!/bin/bash\necho restarted\nexit 3\n", 0o755)
        _write(repo / "api" / "scripts" / "deploy_live.sh", "#!/bin/bash\necho deploying\nexit 4\n", 0o755)
        (home / "bin").mkdir()
        shutil.copy("/usr/bin/kill", home / "bin" / "ls")  # the user's own `ls`: a copy of kill
        _write(home / "evil.sh", "kill -9 $PPID\n")
        subprocess.run(["chown", "-R", f"{user}:{group}", str(home)], check=True)
        port = _free_port()
        node = _start_node(live / "dist" / "index.js", port)
        audit = prefix / "audit.jsonl"
        result = subprocess.run(
            [
                *GUARD,
                "install",
                "--sudo",
                "--group",
                group,
                "--prefix",
                str(prefix),
                "--name",
                name,
                "--var",
                f"live_dir={live}",
                "--var",
                f"repo_dir={repo}",
                "--var",
                f"port={port}",
                "--audit-log",
                str(audit),
                "--nopasswd",
            ],
            capture_output=True,
            text=True,
            cwd=REPO,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        installed = True
        yield Door(
            user=user,
            group=group,
            name=name,
            prefix=prefix,
            launcher=prefix / "sbin" / "tenmon-guard-exec",
            tenmon_sudo=prefix / "bin" / "tenmon-sudo",
            config=prefix / "etc" / "tenmon-guard",
            live=live,
            repo=repo,
            home=home,
            port=port,
            audit=audit,
            node=node,
        )
    finally:
        if installed:
            subprocess.run([*GUARD, "uninstall", "--prefix", str(prefix), "--name", name, "--force"], cwd=REPO)
        snippet = Path("/etc/sudoers.d") / name
        if snippet.exists():  # never leave a grant behind, whatever failed
            snippet.unlink()
        if node is not None:
            if node.poll() is None:
                os.killpg(node.pid, signal.SIGTERM)
                node.wait(timeout=10)
            if node.stdout is not None:
                node.stdout.close()
        subprocess.run(["userdel", user], capture_output=True)
        subprocess.run(["groupdel", group], capture_output=True)
        shutil.rmtree(prefix, ignore_errors=True)


def _pid(door: Door) -> str:
    return str(door.node.pid)


# ----------------------------------------------------------------------------------------------------------------
# Refused: the seed commands and evasions. {pid} {port} {live} {repo} are filled in per test.

REFUSED_ARGV = [
    ["fuser", "-k", "{port}/tcp"],
    ["fuser", "-km", "{port}/tcp"],
    ["/usr/bin/fuser", "--kill", "-n", "tcp", "{port}"],
    ["kill", "-9", "{pid}"],
    ["kill", "-KILL", "{pid}"],
    ["kill", "-s", "KILL", "{pid}"],
    ["pkill", "-9", "node"],
    ["pkill", "-f", "dist/index.js"],
    ["killall", "node"],
    ["rm", "-rf", "{live}/dist"],
    ["rm", "-rf", "{live}"],
    ["cp", "-r", "{repo}/api/dist", "{live}/"],
    ["mv", "{live}/dist", "{live}.old"],
    ["tee", "{live}/dist/index.js"],
    ["truncate", "-s", "0", "{live}/dist/index.js"],
    ["dd", "if=/dev/null", "of={live}/dist/index.js"],
    ["find", "{live}", "-delete"],
    ["find", "{live}", "-name", "*.js", "-exec", "rm", "{{}}", "+"],
    # wrappers and nested shells
    ["sh", "-c", "kill -9 {pid}"],
    ["/usr/bin/sh", "-c", "fuser -k {port}/tcp"],
    ["bash", "-c", "cd {live} && rm -rf dist"],
    ["env", "kill", "-9", "{pid}"],
    ["env", "-S", "kill -9 {pid}"],
    ["timeout", "5", "kill", "-9", "{pid}"],
    ["nice", "-n", "1", "pkill", "node"],
    ["su", "-c", "kill -9 {pid}"],
    ["xargs", "kill", "-9"],
    # shells, editors, pagers, interpreters: what is typed inside them would not be checked
    ["bash"],
    ["sh"],
    ["env", "bash"],
    ["bash", "-i"],
    ["su"],
    ["script", "-qc", "kill -9 {pid}", "/dev/null"],
    ["vi", "{live}/dist/index.js"],
    ["less", "/etc/hosts"],
    ["python3", "-c", "import os; os.kill({pid}, 9)"],
    ["perl", "-e", "kill 9, {pid}"],
    ["awk", 'BEGIN {{ system("kill -9 {pid}") }}'],
    ["sudoedit", "{live}/dist/index.js"],
    # what a wrapper or nested shell starts must be what its name says (the user's ~/bin/ls is a copy of kill)
    ["env", "{home}/bin/ls", "-9", "{pid}"],
    ["sh", "-c", "cd {home}/bin && ./ls -9 {pid}"],
    ["sh", "-c", "PATH={home}/bin:$PATH; ls -9 {pid}"],
    ["sh", "-c", "for PATH in {home}/bin; do :; done; ls -9 {pid}"],
    ["env", "PATH={home}/bin", "ls", "-9", "{pid}"],
    ["env", "BASH_FUNC_ls%%=() {{ kill -9 {pid}; }}", "bash", "-c", "ls"],
    ["env", "LD_PRELOAD={home}/evil.so", "ls"],
    ["env", "PAGER=sh", "systemctl", "status"],
    ["sh", "-c", ". {home}/evil.sh"],
    ["sh", "-c", "trap 'kill -9 {pid}' EXIT"],
    ["sh", "-c", "x=kill; $x -9 {pid}"],
]


def _fill(door: Door, argv: list[str]) -> list[str]:
    return [w.format(pid=_pid(door), port=door.port, live=door.live, repo=door.repo, home=door.home) for w in argv]


@pytest.mark.parametrize("argv", REFUSED_ARGV, ids=[" ".join(a) for a in REFUSED_ARGV])
def test_refused_through_the_door(door: Door, argv: list[str]) -> None:
    before = door.live_state()
    result = door.sudo(_fill(door, argv), stdin=f"{door.node.pid}\n")
    assert result.returncode == 126, (result.returncode, result.stdout, result.stderr)
    assert "refused under sudo; nothing was run" in result.stderr
    assert door.node_alive(), "the node stand-in died"
    assert door.live_state() == before, "the live dir changed"


@pytest.mark.parametrize(
    "args",
    [
        "-s",
        "-i",
        "-s kill -9 {pid}",
        "-i kill -9 {pid}",
        "-e {live}/dist/index.js",
        "-n fuser -k {port}/tcp",
        "-n kill -9 {pid}",
        "-n -u root sh -c 'rm -rf {live}/dist'",
    ],
)
def test_refused_through_tenmon_sudo(door: Door, args: str) -> None:
    """The `sudo` shell function's command: sudo's own shell and edit options become the commands they stand for."""
    before = door.live_state()
    filled = args.format(pid=_pid(door), port=door.port, live=door.live)
    result = door.user_run(f"{door.tenmon_sudo} -n {filled}")
    assert result.returncode == 126, (result.returncode, result.stdout, result.stderr)
    assert door.node_alive()
    assert door.live_state() == before


def test_sudo_function_in_a_bash_shell(door: Door) -> None:
    function = REPO / "shell-hooks" / "sudo-function.sh"
    script = (
        f"source {function}; export TENMON_SUDO={door.tenmon_sudo}; "
        f"sudo -n kill -9 {door.node.pid}; echo refused=$?; sudo -n sh -c 'exit 6'; echo ran=$?"
    )
    result = door.user_run(script)
    assert "refused=126" in result.stdout, result.stderr
    assert "ran=6" in result.stdout, result.stderr
    assert door.node_alive()


def test_direct_sudo_without_the_guard_is_refused_by_sudo(door: Door) -> None:
    before = door.live_state()
    for command in (
        f"sudo -n /usr/bin/fuser -k {door.port}/tcp",
        f"sudo -n kill -9 {door.node.pid}",
        "sudo -n -s",
        "sudo -n bash",
        f"sudo -n rm -rf {door.live}/dist",
    ):
        result = door.user_run(command)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert "a password is required" in result.stderr, (command, result.stderr)
    assert door.node_alive()
    assert door.live_state() == before


def test_user_controlled_files_are_not_trusted(door: Door) -> None:
    """A binary, script or symlink the user can change is refused: what was checked might not be what runs."""
    home = door.home
    door.user_run(f"cp /usr/bin/kill {home}/ls && printf '#!/bin/sh\\nkill -9 {door.node.pid}\\n' > {home}/x.sh")
    door.user_run(f"ln -sf /usr/bin/kill {home}/mylink; chmod +x {home}/x.sh")
    for argv in ([f"{home}/ls", "-9", _pid(door)], ["bash", f"{home}/x.sh"], [f"{home}/x.sh"], [f"{home}/mylink"]):
        result = door.sudo(argv)
        assert result.returncode == 126, (argv, result.stderr)
        assert "root alone can change it" in result.stderr or "refused" in result.stderr
    assert door.node_alive()


def test_policy_options_are_ignored_for_a_user(door: Door) -> None:
    permissive = _write(door.home / "allow-all.yaml", "tenmon-guard-policy: 1\nname: nothing\nrules: []\n")
    shutil.chown(permissive, door.user)
    result = door.user_run(
        f"TENMON_GUARD_POLICY={permissive} sudo -n {door.launcher} --policy {permissive} "
        f"--var port=1 -- kill -9 {door.node.pid}"
    )
    assert result.returncode == 126, result.stderr
    assert "ignored under sudo" in result.stderr
    assert door.node_alive()


# ----------------------------------------------------------------------------------------------------------------
# Allowed: run exactly, with exit codes, streams and signals passing through


def test_approved_commands_run_with_their_exit_codes(door: Door) -> None:
    assert door.sudo(["true"]).returncode == 0
    assert door.sudo(["false"]).returncode == 1
    assert door.sudo(["sh", "-c", "exit 7"]).returncode == 7
    who = door.sudo(["id", "-u"])
    assert (who.returncode, who.stdout.strip()) == (0, "0")
    listing = door.sudo(["ls", str(door.live / "dist")])
    assert listing.returncode == 0 and "index.js" in listing.stdout
    restart = door.sudo(["bash", f"{door.repo}/api/scripts/ops/restart_api.sh"])
    assert (restart.returncode, restart.stdout.strip()) == (3, "restarted"), restart.stderr
    deploy = door.sudo(["bash", f"{door.repo}/api/scripts/deploy_live.sh"])
    assert (deploy.returncode, deploy.stdout.strip()) == (4, "deploying"), deploy.stderr
    backup = door.sudo(["cp", "-r", f"{door.live}/dist", f"{door.prefix}/backup"])
    assert backup.returncode == 0, backup.stderr
    assert door.node_alive()


def test_approved_scripts_are_allowed_by_sudoers_as_themselves(door: Door) -> None:
    result = door.user_run(f"sudo -n /usr/bin/bash {door.repo}/api/scripts/ops/restart_api.sh")
    assert (result.returncode, result.stdout.strip()) == (3, "restarted"), result.stderr
    other = door.user_run(f"sudo -n /usr/bin/bash {door.repo}/api/scripts/ops/restart_api.sh --extra")
    assert other.returncode == 1 and "a password is required" in other.stderr


def test_a_write_through_a_link_the_user_made_is_refused(door: Door) -> None:
    """A symlink the admin made without root (red team 5) is a second name for the live tree: under sudo, a path
    through it is judged where it leads on disk. The link itself may still be removed."""
    before = door.live_state()
    made = door.user_run(f"ln -sfn {door.live}/dist ~/lnk && ln -sfn {door.live} ~/l2 && echo made")
    assert made.stdout.strip() == "made", made.stderr
    for argv in (
        ["rm", "-f", f"{door.home}/lnk/index.js"],
        ["rm", "-rf", f"{door.home}/l2/dist"],
        ["sh", "-c", f"cd {door.home}/lnk && rm -rf *"],
        ["sh", "-c", f"rm -rf {door.home}/l*/index.js"],  # a glob that matches the link, then a path through it
        ["sh", "-c", f"cp -P {door.home}/lnk {door.home}/o && rm -f {door.home}/o/index.js"],  # a copy of the link
    ):
        result = door.sudo(argv)
        assert result.returncode == 126, (argv, result.stderr)
        assert "live-dir-direct-write" in result.stderr or "unknown-target" in result.stderr, result.stderr
    assert door.live_state() == before
    assert door.sudo(["ls", f"{door.home}/lnk/"]).returncode == 0  # reading through it is fine


def test_a_write_through_a_bind_mount_is_refused(door: Door, tmp_path: Path) -> None:
    """``mount --bind LIVE /mnt/x`` made earlier (by root): /mnt/x is the live tree under a name no link explains.
    Under sudo, a path there is judged as the live path it is; a directory next to it stays writable."""
    before = door.live_state()
    shown = tmp_path / "shown"
    dist_view = tmp_path / "dist-view"
    plain = tmp_path / "plain"
    for directory in (shown, dist_view, plain):
        directory.mkdir()
    tmp_path.chmod(0o755)
    with _bind_mount(door.live, shown), _bind_mount(door.live / "dist", dist_view):
        for argv in (
            ["rm", "-rf", f"{shown}/dist"],
            ["rm", "-f", f"{dist_view}/index.js"],
            ["sh", "-c", f"cd {shown} && rm -rf dist"],
            ["rm", "-rf", str(tmp_path)],  # holds both views: rm -r goes into mounts
        ):
            result = door.sudo(argv)
            assert result.returncode == 126, (argv, result.stderr)
            assert "live-dir-direct-write" in result.stderr, result.stderr
        assert door.live_state() == before
        assert door.sudo(["touch", f"{plain}/x"]).returncode == 0
        assert door.sudo(["ls", f"{shown}/dist"]).returncode == 0  # reading through it is fine


def test_a_second_name_a_mount_gives_may_be_unmounted(door: Door, tmp_path: Path) -> None:
    """``umount X`` (``-l``, ``-R``) after ``mount --bind LIVE X`` removes that name, not the tree, and ``mount
    --make-private X`` changes only how mounts propagate: they run, and the live tree is untouched. A file system
    mounted inside the live tree stays: unmounting it would change what the live path shows."""
    shown, lazy, outer = (tmp_path / n for n in ("shown", "lazy", "outer"))
    for directory in (shown, lazy, outer / "in"):
        directory.mkdir(parents=True)
    tmp_path.chmod(0o755)
    inside = door.live / "uploads-mount-test"
    inside.mkdir()
    made = [
        ["mount", "--bind", str(door.live), str(shown)],
        ["mount", "--bind", str(door.live), str(lazy)],
        ["mount", "--bind", str(outer), str(outer)],
        ["mount", "--bind", str(door.live), str(outer / "in")],
        ["mount", "-t", "tmpfs", "-o", "mode=0755", "tenmon-test", str(inside)],
    ]
    try:
        for argv in made:
            result = subprocess.run(argv, capture_output=True, text=True, check=False)
            assert result.returncode == 0, f"{argv} failed (CI runs as root and may mount): {result.stderr}"
        before = door.live_state()
        refused = door.sudo(["umount", str(inside)])
        assert refused.returncode == 126 and "live-dir-direct-write" in refused.stderr, refused.stderr
        for argv in (
            ["mount", "--make-private", str(lazy)],
            ["umount", str(shown)],
            ["umount", "-l", str(lazy)],
            ["umount", "-R", str(outer)],
        ):
            result = door.sudo(argv)
            assert result.returncode == 0, (argv, result.stderr)
        assert door.live_state() == before
        assert _mount_points(tmp_path) == []
    finally:
        for point in reversed([*_mount_points(tmp_path), *_mount_points(inside)]):
            subprocess.run(["umount", point], check=True)
        inside.rmdir()


def _mount_points(under: Path) -> list[str]:
    """The mount points at or below ``under`` (plain paths: no escapes), in the order they were made."""
    with open("/proc/self/mountinfo", encoding="utf-8") as table:
        points = [line.split(" ")[4] for line in table]
    return [p for p in points if p == str(under) or p.startswith(f"{under}/")]


@contextlib.contextmanager
def _bind_mount(source: Path, point: Path) -> Iterator[None]:
    made = subprocess.run(["mount", "--bind", str(source), str(point)], capture_output=True, text=True, check=False)
    assert made.returncode == 0, f"mount --bind failed (CI runs as root and may mount): {made.stderr}"
    try:
        yield
    finally:
        subprocess.run(["umount", str(point)], check=True)


def test_a_link_the_user_made_may_itself_be_removed_or_replaced(door: Door) -> None:
    """``sudo rm ~/cur`` with ~/cur a link to the live tree removes the link, not the tree; so do unlink, mv (it
    renames the link), ln -sfn (it replaces it) and find -P: they run, and the live tree is untouched. A command
    that goes where the link leads (a trailing slash, into the directory, cp through a link to a file) stays
    refused."""
    before = door.live_state()
    home = door.home
    links = " && ".join(f"ln -sfn {door.live} ~/cur{n}" for n in "abcdef")
    made = door.user_run(f"{links} && ln -sfn {door.live}/dist/version.txt ~/v.txt && mkdir -p ~/rel && echo x > ~/x")
    assert made.returncode == 0, made.stderr
    for argv in (
        ["rm", "-rf", f"{home}/cura/"],
        ["mv", f"{home}/x", f"{home}/cura"],
        ["ln", "-sf", f"{home}/rel", f"{home}/cura"],
        ["ln", "-sfn", f"{home}/rel", f"{home}/cura/"],
        ["cp", f"{home}/x", f"{home}/v.txt"],
    ):
        result = door.sudo(argv)
        assert result.returncode == 126, (argv, result.stderr)
        assert "live-dir-direct-write" in result.stderr, result.stderr
    assert door.live_state() == before
    for argv in (
        ["rm", f"{home}/cura"],
        ["unlink", f"{home}/curb"],
        ["mv", f"{home}/curc", f"{home}/old"],
        ["ln", "-sfn", f"{home}/rel", f"{home}/curd"],
        ["find", f"{home}/cure", "-delete"],
        ["rm", "-f", f"{home}/v.txt"],
        ["mv", "-T", f"{home}/x", f"{home}/curf"],
    ):
        result = door.sudo(argv)
        assert result.returncode == 0, (argv, result.stderr)
    assert door.live_state() == before
    assert not any(os.path.lexists(home / name) for name in ("cura", "curb", "curc", "cure", "v.txt", "x"))
    assert os.readlink(home / "curd") == f"{home}/rel" and os.readlink(home / "old") == str(door.live)
    assert (home / "curf").read_text() == "x\n" and not (home / "curf").is_symlink()


def test_a_root_script_with_a_forbidden_command_is_refused(door: Door) -> None:
    script = _write(door.prefix / "scripts" / "bad.sh", f"#!/bin/sh\necho about to\nkill -9 {door.node.pid}\n", 0o755)
    for argv in (["bash", str(script)], [str(script)], ["sh", "-e", str(script)]):
        result = door.sudo(argv)
        assert result.returncode == 126, (argv, result.stderr)
        assert "sigkill-app" in result.stderr
        assert "about to" not in result.stdout
    assert door.node_alive()


#: Ways to run a script file other than naming it to the door: wrappers that exec it (execvp: a file without #! is
#: run by /bin/sh) and shell text that runs it. The door must read the script in each, as it does for `sudo ./x.sh`.
SCRIPT_STARTERS = [
    ["nice", "{script}"],
    ["nohup", "{script}"],
    ["env", "{script}"],
    ["setsid", "-w", "{script}"],
    ["stdbuf", "-oL", "{script}"],
    ["timeout", "10", "{script}"],
    ["flock", "{lock}", "{script}"],
    ["xargs", "-a", "/dev/null", "{script}"],
    ["bash", "-c", "{script}"],
    ["sh", "-c", "nice {script} --quiet"],
]


def _scripts(door: Door, name: str, body: str) -> dict[str, Path]:
    """Root's scripts (root-owned directory, mode 0755) holding ``body``: with #!/bin/sh, with the #!/bin/sh -
    idiom, and without a #! line."""
    directory = door.prefix / "scripts"
    return {
        "shebang": _write(directory / f"{name}-sh.sh", f"#!/bin/sh\n{body}", 0o755),
        "dash-dash": _write(directory / f"{name}-shdash.sh", f"#!/bin/sh -\n{body}", 0o755),
        "no-shebang": _write(directory / f"{name}-plain.sh", body, 0o755),
    }


@pytest.mark.parametrize("kind", ["shebang", "dash-dash", "no-shebang"])
@pytest.mark.parametrize(
    "starter",
    [*SCRIPT_STARTERS, ["env", "bash", "{script}"], ["watch", "-x", "{script}"], ["systemd-run", "{script}"]],
    ids=lambda a: " ".join(a),
)
def test_a_script_behind_a_wrapper_is_read(door: Door, starter: list[str], kind: str) -> None:
    """`sudo nice ./x.sh` runs x.sh's text as `sudo ./x.sh` does: it is refused for the same forbidden command."""
    script = _scripts(door, "kills", f"echo about to\nkill -9 {door.node.pid}\n")[kind]
    argv = [w.format(script=script, lock=door.prefix / "lock") for w in starter]
    result = door.sudo(argv)
    assert result.returncode == 126, (argv, result.stdout, result.stderr)
    assert "sigkill-app" in result.stderr, result.stderr
    assert "about to" not in result.stdout
    assert door.node_alive()


@pytest.mark.parametrize("kind", ["shebang", "dash-dash", "no-shebang"])
@pytest.mark.parametrize("starter", [[], *SCRIPT_STARTERS], ids=lambda a: " ".join(a) or "as itself")
def test_a_harmless_script_behind_a_wrapper_runs(door: Door, starter: list[str], kind: str) -> None:
    """The near miss: root's script that only echoes runs through the same wrappers (a file without #! is run by
    execvp's /bin/sh fallback; named to the door itself, the kernel cannot run it: 126 from the exec)."""
    script = _scripts(door, "echoes", "echo fine\nexit 5\n")[kind]
    argv = [w.format(script=script, lock=door.prefix / "lock") for w in starter] or [str(script)]
    result = door.sudo(argv)
    if not starter and kind == "no-shebang":
        assert result.returncode == 126 and "Exec format error" in result.stderr, result.stderr
        return
    assert result.stdout.strip() == "fine", (argv, result.stdout, result.stderr)
    assert result.returncode == (123 if starter[:1] == ["xargs"] else 5), (argv, result.stderr)


@pytest.mark.parametrize("starter", [[], ["nice"], ["bash"]], ids=lambda a: " ".join(a) or "as itself")
def test_a_script_is_judged_with_its_arguments(door: Door, starter: list[str]) -> None:
    """The door knows the argv a script runs with, so "$1" and "$2" are those words: root's script that writes its
    first argument into the file its second names runs for /dev/null, and is refused for the live tree."""
    script = _write(door.prefix / "scripts" / "put.sh", '#!/bin/sh\nprintf "%s\\n" "$1" | tee "$2"\n', 0o755)
    harmless = door.sudo([*starter, str(script), "hello", "/dev/null"])
    assert (harmless.returncode, harmless.stdout.strip()) == (0, "hello"), harmless.stderr
    before = door.live_state()
    refused = door.sudo([*starter, str(script), "hello", f"{door.live}/dist/index.js"])
    assert refused.returncode == 126 and "hello" not in refused.stdout, refused.stderr
    assert door.live_state() == before


def test_a_script_named_as_a_refused_command_is_refused(door: Door) -> None:
    """A #! file is judged by its name too, as a binary is (red and byobu are shell scripts on Debian): root's
    script named red is the restricted ed, an editor, and one named gpg-agent starts the program it is given."""
    for name, rule in (("red", "sudo-editor-escape"), ("gpg-agent", "sudo-program-starter")):
        script = _write(door.prefix / "scripts" / name, '#!/bin/sh\necho "would run: $*"\n', 0o755)
        for argv in ([str(script), "bash"], ["nice", str(script), "bash"]):
            result = door.sudo(argv)
            assert result.returncode == 126 and rule in result.stderr, (argv, result.stderr)
            assert "would run" not in result.stdout


#: Commands that start a root shell or another program the guard does not see: refused whole. None of them is
#: ever run (and each would only read the harmless stdin the test gives it, or fail, if it were).
PROGRAM_STARTERS = [
    ["newgrp"],
    ["newgrp", "-"],
    ["sg", "root", "bash"],
    ["sg", "root", "-c", "bash -i"],
    ["setarch", "x86_64"],
    ["linux64", "bash"],
    ["start-stop-daemon", "--start", "--exec", "/bin/bash"],
    ["start-stop-daemon", "-S", "-x", "/bin/bash", "--", "-c", "echo started"],
    ["ip", "netns", "exec", "tenmon-guard-none", "bash"],
    ["ip", "net", "e", "tenmon-guard-none", "bash"],
    ["ip", "-all", "netns", "exec", "bash"],
    ["prlimit", "--nofile=64", "bash"],
    ["ssh-agent", "bash"],
    ["systemd-cat", "bash"],
    ["dbus-run-session", "--", "bash"],
    ["choom", "-n", "0", "--", "bash"],
]


@pytest.mark.parametrize("argv", PROGRAM_STARTERS, ids=lambda a: " ".join(a))
def test_root_shells_and_program_starters_are_refused(door: Door, argv: list[str]) -> None:
    if shutil.which(argv[0], path="/usr/sbin:/usr/bin:/sbin:/bin") is None:
        pytest.skip(f"{argv[0]} is not installed")
    result = door.sudo(argv, stdin="echo RAN-AS-ROOT\n")
    assert result.returncode == 126, (result.returncode, result.stdout, result.stderr)
    assert "refused under sudo; nothing was run" in result.stderr
    assert "RAN-AS-ROOT" not in result.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["systemctl", "edit", "tenmon-guard-test-none.service"],
        ["systemctl", "edit", "--full", "tenmon-guard-test-none.service"],
        ["systemctl", "--runtime", "edit", "tenmon-guard-test-none.service"],
    ],
    ids=lambda a: " ".join(a),
)
def test_systemctl_edit_is_refused_like_crontab_e(door: Door, argv: list[str]) -> None:
    """systemctl edit runs an editor as root (editor, nano, vim: sudo resets $EDITOR), as sudoedit and crontab -e
    do; it is refused with the same way out."""
    result = door.sudo(argv)
    assert result.returncode == 126, (result.returncode, result.stdout, result.stderr)
    assert "sudo-editor-subcommand" in result.stderr
    assert "/tmp/FILE.new" in result.stderr  # the same way out as for editors: edit a copy, install it
    sudoedit = door.sudo(["sudoedit", "/etc/hosts"])
    assert sudoedit.returncode == 126 and "/tmp/FILE.new" in sudoedit.stderr


def test_the_near_misses_of_program_starters_run(door: Door) -> None:
    """What the refusals leave alone: systemctl's other subcommands, ip's other objects and what ip netns exec and
    nsenter run when it is harmless (the guard sees through them), start-stop-daemon's other actions."""
    status = door.sudo(["systemctl", "cat", "tenmon-guard-test-none.service"])
    assert status.returncode != 126 and "refused" not in status.stderr, status.stderr
    addresses = door.sudo(["ip", "-br", "addr", "show", "lo"])
    assert addresses.returncode == 0 and "lo" in addresses.stdout, addresses.stderr
    listed = door.sudo(["ip", "netns", "list"])
    assert listed.returncode == 0, listed.stderr
    inside = door.sudo(["ip", "netns", "exec", "tenmon-guard-none", "true"])
    assert inside.returncode != 126 and "refused" not in inside.stderr, inside.stderr  # ip: no such namespace
    entered = door.sudo(["nsenter", "--net=/proc/self/ns/net", "true"])
    assert entered.returncode == 0, entered.stderr
    daemon = door.sudo(["start-stop-daemon", "--status", "--pidfile", str(door.prefix / "none.pid")])
    assert daemon.returncode != 126 and "refused" not in daemon.stderr, daemon.stderr


def test_streams_pass_through(door: Door) -> None:
    result = door.sudo(["sh", "-c", "cat; echo to-out; echo to-err >&2; exit 9"], stdin="from-stdin\n")
    assert result.returncode == 9
    assert result.stdout == "from-stdin\nto-out\n"
    assert result.stderr == "to-err\n"
    piped = door.sudo(["cat"], stdin="x" * 200_000)
    assert (piped.returncode, len(piped.stdout)) == (0, 200_000), piped.stderr


def test_signals_reach_the_command_through_sudo(door: Door) -> None:
    """The door execs the command, so the process sudo relays signals to is the command itself."""
    proc = subprocess.Popen(
        ["su", door.user, "-s", "/bin/bash", "-c", f"exec sudo -n {door.launcher} -- sh -c 'echo $$; exec sleep 60'"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=door.home,
    )
    try:
        assert proc.stdout is not None
        pid = int(proc.stdout.readline())
        deadline = time.monotonic() + 10
        while Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0] != b"sleep":  # sh execs sleep
            assert time.monotonic() < deadline, "the command is not the process sudo started"
            time.sleep(0.05)
        sudo_pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        assert Path(f"/proc/{sudo_pid}/comm").read_text().strip() == "sudo"
        os.kill(sudo_pid, signal.SIGTERM)  # sudo relays it to the command
        proc.wait(timeout=30)
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
        assert proc.returncode in (-signal.SIGTERM, 128 + signal.SIGTERM), proc.returncode
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def test_the_door_process_becomes_the_command(door: Door) -> None:
    """Run directly as root: same PID, the command's own signal disposition (SIGPIPE back to default)."""
    proc = subprocess.Popen(
        [str(door.launcher), "--", "sh", "-c", "echo $$; exec sleep 60"], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    with proc.stdout:
        assert int(proc.stdout.readline()) == proc.pid
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == -signal.SIGINT
    result = subprocess.run(
        ["bash", "-c", f"{door.launcher} -- yes | head -n 1 >/dev/null; echo ${{PIPESTATUS[0]}}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip() == str(128 + signal.SIGPIPE), result.stderr


# ----------------------------------------------------------------------------------------------------------------
# Trust and isolation


def test_group_writable_policy_is_refused(door: Door) -> None:
    policy = door.config / "policies.d" / "tenmon-ark.yaml"
    marker = door.prefix / "ran-with-bad-policy"
    policy.chmod(0o664)
    try:
        result = door.sudo(["touch", str(marker)])
    finally:
        policy.chmod(0o644)
    assert result.returncode == 126, result.stderr
    assert "writable by group or others" in result.stderr
    assert not marker.exists()
    shutil.chown(policy, door.user)
    try:
        result = door.sudo(["touch", str(marker)])
    finally:
        shutil.chown(policy, "root")
    assert result.returncode == 126 and "not root" in result.stderr
    assert not marker.exists()


def test_broken_policy_fails_closed(door: Door) -> None:
    extra = _write(door.config / "policies.d" / "zz-broken.yaml", "tenmon-guard-policy: 1\nrules: [{id: 3\n")
    marker = door.prefix / "ran-with-broken-policy"
    try:
        result = door.sudo(["touch", str(marker)])
    finally:
        extra.unlink()
    assert result.returncode == 126
    assert "policy could not be loaded" in result.stderr
    assert not marker.exists()


def _evil_dir(door: Door, marker: Path) -> Path:
    evil = door.home / "evil"
    payload = f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\n"
    for name in ("sitecustomize.py", "usercustomize.py", "yaml.py", "shlex.py", "argparse.py", "json.py"):
        _write(evil / name, payload)
    _write(evil / "tenmon_guard" / "__init__.py", payload)
    _write(evil / "bashlex" / "__init__.py", payload)
    subprocess.run(["chown", "-R", door.user, str(evil)], check=True)
    return evil


def test_malicious_pythonpath_is_not_imported(door: Door) -> None:
    marker = door.prefix / "evil-imported"
    evil = _evil_dir(door, marker)
    # through sudo: sudo drops PYTHONPATH, and refuses to set it
    result = door.user_run(f"cd {evil} && PYTHONPATH={evil} sudo -n {door.launcher} -- true")
    assert result.returncode == 0, result.stderr
    refused = door.user_run(f"cd {evil} && sudo -n PYTHONPATH={evil} {door.launcher} -- true")
    assert refused.returncode == 1
    # and even when it reaches the launcher (run as root for the user), -I ignores it, and the cwd is not searched
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(evil),
        "PYTHONHOME": str(evil),
        "PYTHONSTARTUP": str(evil / "sitecustomize.py"),
        "PYTHONUSERBASE": str(evil),
        "SUDO_UID": "12345",
        "SUDO_USER": door.user,
    }
    direct = subprocess.run(
        [str(door.launcher), "--", "true"], env=env, cwd=evil, capture_output=True, text=True, check=False
    )
    assert direct.returncode == 0, direct.stderr
    assert not marker.exists(), marker.read_text()


def test_console_script_refuses_to_run_for_another_user(door: Door) -> None:
    """A sudoers rule pointing at the pip console script (no -I) must fail closed, not trust PYTHONPATH."""
    marker = door.prefix / "ran-unisolated"
    env = {**os.environ, "SUDO_UID": "12345", "SUDO_USER": door.user}
    env.pop("TENMON_GUARD_POLICY", None)
    result = subprocess.run(
        [*GUARD, "exec", "--", "touch", str(marker)], env=env, cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 126, result.stderr
    assert "not isolated" in result.stderr
    assert not marker.exists()


def _tree_state(directories: list[Path]) -> dict[str, tuple[int, int]]:
    state: dict[str, tuple[int, int]] = {}
    for directory in directories:
        for root, dirs, files in os.walk(directory):
            for name in dirs + files:
                path = os.path.join(root, name)
                info = os.lstat(path)
                state[path] = (info.st_mtime_ns, info.st_size)
            state[root] = (os.lstat(root).st_mtime_ns, 0)
    return state


def test_running_the_door_writes_nothing(door: Door) -> None:
    """bashlex, tree-sitter, yaml and the guard itself: no .pyc, no parser tables, nothing new, under root."""
    import importlib.util

    packages = []
    for module in ("bashlex", "tree_sitter", "tree_sitter_bash", "yaml"):
        spec = importlib.util.find_spec(module)
        assert spec is not None and spec.submodule_search_locations
        packages.extend(Path(p) for p in spec.submodule_search_locations)
    cwd = Path(tempfile.mkdtemp(dir=door.home))
    shutil.chown(cwd, door.user)
    before = _tree_state([*packages, cwd])
    result = door.user_run(f"cd {cwd} && sudo -n {door.launcher} -- sh -c 'exit 0'")
    assert result.returncode == 0, result.stderr
    assert _tree_state([*packages, cwd]) == before


def test_importing_and_running_the_launcher_opens_nothing_for_writing(door: Door) -> None:
    """Python's audit hooks see every open, mkdir, rename and remove; only the audit log may be written."""
    hook = f"""
import os, sys
ALLOWED = {{{str(door.audit)!r}}}
WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
def hook(event, args):
    if event == 'open' and args[0] is not None and not isinstance(args[0], int):
        mode, flags = args[1] or '', args[2] or 0
        if (any(c in mode for c in 'wax+') or flags & WRITE) and os.fspath(args[0]) not in ALLOWED:
            os.write(2, ('WROTE ' + os.fsdecode(args[0]) + '\\n').encode())
    elif event in ('os.mkdir', 'os.rename', 'os.replace', 'os.remove', 'os.rmdir', 'os.chmod', 'os.symlink'):
        os.write(2, ('WROTE ' + event + ' ' + repr(args[:2]) + '\\n').encode())
sys.addaudithook(hook)
import runpy
sys.argv = [{str(door.launcher)!r}, '--', 'true']
runpy.run_path(sys.argv[0], run_name='__main__')
"""
    python, flags = door.launcher.read_text().splitlines()[0][2:].split()
    result = subprocess.run(
        [python, flags, "-c", hook], cwd=door.home, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "WROTE" not in result.stderr, result.stderr


# ----------------------------------------------------------------------------------------------------------------
# Audit


def test_every_decision_is_audited_with_the_sudo_user(door: Door) -> None:
    marker = uuid.uuid4().hex
    door.sudo(["kill", "-9", _pid(door), marker])
    door.sudo(["echo", marker])
    time.sleep(0.1)
    records = [r for r in door.audit_records() if marker in str(r.get("command"))]
    decisions = {(r["decision"], r["door"], r["sudo_user"], r["user"]) for r in records}
    assert ("block", "sudo", door.user, "root") in decisions, records
    assert ("allow", "sudo", door.user, "root") in decisions, records
    blocked = next(r for r in records if r["decision"] == "block")
    assert "sigkill-app" in blocked["rules"]  # type: ignore[operator]


# ----------------------------------------------------------------------------------------------------------------
# tenmon-sudo's translation of sudo's options (a stand-in `sudo` prints the argv it gets; no root needed)


@pytest.fixture
def fake_sudo(tmp_path: Path) -> Path:
    _write(tmp_path / "sudo", '#!/bin/sh\nfor a in "$@"; do printf "[%s]" "$a"; done; echo\n', 0o755)
    return tmp_path


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["fuser", "-k", "3000/tcp"], "[L][--][fuser][-k][3000/tcp]"),
        (["-n", "-u", "root", "ls"], "[-n][-u][root][L][--][ls]"),
        (["-nuroot", "ls"], "[-n][-u][root][L][--][ls]"),
        (["--user=root", "ls"], "[--user=root][L][--][ls]"),
        (["-s"], "[L][--][/bin/bash]"),
        (["-s", "echo", "a b"], "[L][--][/bin/bash][-c][echo a\\ b]"),
        (["-i"], "[L][--][{root_shell}][-l]"),
        (["-e", "/etc/hosts"], "[L][--][sudoedit][/etc/hosts]"),
        (["--edit", "/etc/hosts"], "[L][--][sudoedit][/etc/hosts]"),
        (["-l"], "[-l]"),
        (["-V"], "[-V]"),
        (["--", "-x"], "[L][--][-x]"),
        (["FOO=1", "cmd"], "[FOO=1][L][--][cmd]"),
    ],
)
def test_tenmon_sudo_translates_sudo_options(fake_sudo: Path, args: list[str], expected: str) -> None:
    launcher = shutil.which("true") or "/bin/true"
    env = {"PATH": f"{fake_sudo}:/usr/bin:/bin", "TENMON_GUARD_EXEC": launcher, "SHELL": "/bin/bash"}
    result = subprocess.run(
        [str(REPO / "shell-hooks" / "tenmon-sudo"), *args], env=env, capture_output=True, text=True, check=False
    )
    root_shell = subprocess.run(["getent", "passwd", "root"], capture_output=True, text=True).stdout
    want = expected.replace("[L]", f"[{launcher}]").format(root_shell=root_shell.strip().split(":")[-1] or "/bin/sh")
    assert (result.returncode, result.stdout.strip()) == (0, want), result.stderr


@pytest.mark.parametrize("args", [[], ["-u"], ["-e"], ["-n"]])
def test_tenmon_sudo_usage_errors(fake_sudo: Path, args: list[str]) -> None:
    env = {"PATH": f"{fake_sudo}:/usr/bin:/bin", "TENMON_GUARD_EXEC": "/bin/true"}
    result = subprocess.run(
        [str(REPO / "shell-hooks" / "tenmon-sudo"), *args], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2 and "tenmon-sudo:" in result.stderr and not result.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_sudo_function_defines_sudo_and_sudoedit(fake_sudo: Path, shell: str) -> None:
    if shutil.which(shell) is None:
        _require(False, f"{shell} is not installed (scripts/ci-deps.txt lists it)")
    function = REPO / "shell-hooks" / "sudo-function.sh"
    env = {"PATH": f"{fake_sudo}:/usr/bin:/bin", "TENMON_GUARD_EXEC": "/bin/true", "HOME": str(fake_sudo)}
    script = f"source {function}; sudo kill -9 1; sudoedit /etc/hosts; command sudo -l"
    result = subprocess.run([shell, "-c", script], env=env, capture_output=True, text=True, check=False)
    assert result.stdout.splitlines() == [
        "[/bin/true][--][kill][-9][1]",
        "[/bin/true][--][sudoedit][/etc/hosts]",
        "[-l]",
    ], result.stderr


def test_the_command_is_judged_as_the_file_it_resolves_to(door: Door) -> None:
    """A root-made symlink named `ls` that points at fuser is fuser; `sh` is judged as dash too."""
    links = door.prefix / "links"
    links.mkdir(exist_ok=True)
    fuser = shutil.which("fuser")
    assert fuser is not None
    alias = links / "ls"
    if not alias.is_symlink():
        alias.symlink_to(fuser)
    result = door.sudo([str(alias), "-k", f"{door.port}/tcp"])
    assert result.returncode == 126 and "force-kill-by-port" in result.stderr, result.stderr
    assert door.node_alive()
    marker = uuid.uuid4().hex
    assert door.sudo(["sh", "-c", f": {marker}"]).returncode == 0
    record = next(r for r in door.audit_records() if marker in str(r.get("command")))
    assert record["path"] == os.path.realpath(shutil.which("sh") or "/bin/sh")
