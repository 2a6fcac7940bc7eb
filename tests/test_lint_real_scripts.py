"""The machine's own shell scripts (dpkg maintainer scripts, init scripts, sh/bash tools in /usr/bin, /usr/sbin
and git's libexec) never touch the live tree or the API: any BLOCK finding the default pack reports on them is a
false positive. The failure message lists each one as FILE:LINE and the text, for fixing the engine."""

from __future__ import annotations

import glob
import json
import os
from pathlib import Path

import pytest

from tenmon_guard.lint.discovery import classify
from tenmon_guard.main import main

REPO_ROOT = Path(__file__).resolve().parent.parent
POLICY = str(REPO_ROOT / "policies" / "tenmon-ark.yaml")
MAINTAINER_SCRIPTS = [f"/var/lib/dpkg/info/*.{kind}" for kind in ("postinst", "preinst", "postrm", "prerm", "config")]
TOOL_DIRECTORIES = ("/usr/bin", "/usr/sbin", "/usr/lib/git-core")


def machine_scripts() -> list[str]:
    """Maintainer and init scripts by name; tools only if their ``#!`` says sh/bash (symlinks left out)."""
    paths = sorted(p for pattern in [*MAINTAINER_SCRIPTS, "/etc/init.d/*"] for p in glob.glob(pattern))
    for directory in TOOL_DIRECTORIES:
        if not os.path.isdir(directory):
            continue
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            if classify(path, explicit=False) == ("shell", None):
                paths.append(path)
    return [p for p in paths if os.path.isfile(p)]


def _excerpt(finding: dict[str, object]) -> str:
    path, line, end = str(finding["path"]), int(str(finding["line"])), int(str(finding["end_line"]))
    with open(path, encoding="utf-8", errors="replace") as handle:
        lines = handle.read().split("\n")[line - 1 : end]
    text = lines[0].strip()[:120] + (f"  (+{len(lines) - 1} lines)" if len(lines) > 1 else "")
    return f"{path}:{line}: {finding['rule']}: {text}"


def test_no_block_findings_on_the_machines_own_scripts(capsys: pytest.CaptureFixture[str]) -> None:
    scripts = machine_scripts()
    assert len(scripts) >= 20, "this machine has too few shell scripts in the usual places (not Debian-like?)"
    code = main(["lint", "--policy", POLICY, "--format", "json", *scripts])
    out, _ = capsys.readouterr()
    document = json.loads(out)
    assert not document["errors"], document["errors"][:5]
    blocks = [f for f in document["findings"] if f["decision"] == "block"]
    assert not blocks, f"{len(blocks)} block findings on real scripts:\n" + "\n".join(_excerpt(f) for f in blocks)
    assert code == 0
    assert document["summary"]["files"] >= 20
