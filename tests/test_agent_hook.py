"""The agent door: real hook payloads (tests/data/agent) in, the exact protocol answer and exit code out.

Most cases run in-process through ``agent.answer`` (what ``run`` prints, as a value); the seed commands and the
failure paths also run through the real ``tenmon-guard agent-hook`` process, stdin to exit code.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tenmon_guard.doors import agent
from tenmon_guard.engine import Context, Guard
from tenmon_guard.policy import load_policy
from tenmon_guard.verdict import Verdict

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "agent"
POLICY = ROOT / "policies" / "tenmon-ark.yaml"
WARN_POLICY = DATA / "warn-policy.yaml"
REPO = "/opt/tenmon-ark-repo"
INSECURE = [] if os.geteuid() == 0 else ["--insecure-policy"]  # as root (CI) the ownership check runs for real
CASES = yaml.safe_load((DATA / "cases.yaml").read_text(encoding="utf-8"))
PROTOCOL_NAMES = ("claude", "gemini", "cursor", "json")
# protocols whose shell call may not have the hook's HOME: json (a kept shell), cursor (how it runs a call is not known)
NO_SHELL_HOME = ("cursor", "json")


# ----------------------------------------------------------------------------------------------------------------
# Fixtures and helpers


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The live tree stand-in: the policy's live_dir, holding dist/."""
    root = tmp_path_factory.mktemp("live")
    (root / "dist").mkdir()
    (root / "dist" / "index.js").write_text("console.log('api')\n")
    return root


@pytest.fixture(autouse=True)
def audit_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "audit.jsonl"
    monkeypatch.setenv("TENMON_GUARD_AUDIT_LOG", str(path))
    return path


@pytest.fixture(scope="module")
def policy_rules(live: Path) -> dict[str, Any]:
    policy = load_policy([POLICY, WARN_POLICY], {"live_dir": str(live)})
    return {rule.id: rule for rule in policy.rules}


@pytest.fixture(scope="module")
def engine(live: Path) -> Guard:
    return Guard(load_policy([POLICY, WARN_POLICY], {"live_dir": str(live)}))


def fill(text: str, live: Path) -> str:
    return text.replace("{live}", str(live)).replace("{repo}", REPO)


def policy_args(live: Path) -> list[str]:
    return ["--policy", str(POLICY), "--policy", str(WARN_POLICY), "--var", f"live_dir={live}", *INSECURE]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    agent.add_arguments(parser)
    return parser.parse_args(argv)


def call(argv: list[str], stdin: bytes) -> agent.Answer:
    return agent.answer(parse(argv), lambda: stdin)


def payload(name: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    tool_input = changes.pop("tool_input", None)
    data.update(changes)
    if tool_input is not None:
        data["tool_input"] = {**data["tool_input"], **tool_input}
    return data


def request_for(protocol: str, command: str, cwd: str) -> bytes:
    """The real payload of each protocol, carrying ``command`` from ``cwd``."""
    if protocol == "claude":
        data = payload("claude-pretooluse-bash.json", cwd=cwd, tool_input={"command": command})
    elif protocol == "gemini":
        data = payload("gemini-beforetool-shell.json", cwd=cwd, tool_input={"command": command})
    elif protocol == "cursor":
        data = payload("cursor-beforeshellexecution.json", cwd=cwd, command=command)
    else:
        data = payload("generic-command.json", cwd=cwd, command=command)
    return json.dumps(data, ensure_ascii=False).encode()


def findings_for(
    rules: list[str], command: str, live: Path, policy_rules: dict[str, Any], engine: Guard
) -> list[dict[str, Any]]:
    """The findings the answer must carry: texts from the policy file for its rules; the engine's own text for
    reserved ids (unknown-command), which no policy file holds."""
    verdict = engine.check(command, Context(door="agent", cwd=str(live.parent), proc_root="/proc"))
    return verdict_findings(verdict, rules, policy_rules)


def verdict_findings(verdict: Verdict, rules: list[str], policy_rules: dict[str, Any]) -> list[dict[str, Any]]:
    assert [f.rule for f in verdict.findings] == rules, "the engine disagrees with cases.yaml"
    out = []
    for finding in verdict.findings:
        rule = policy_rules.get(finding.rule)
        message = rule.message if rule else finding.message
        suggestion = rule.suggestion if rule else finding.suggestion
        assert (finding.message, finding.suggestion) == (message, suggestion)
        out.append(
            {"rule": finding.rule, "decision": finding.decision.label, "message": message, "suggestion": suggestion}
        )
    return out


HEADS = {
    "command": ("tenmon-guard refused this command.", "tenmon-guard warning (the command runs):"),
    "file write": ("tenmon-guard refused this file write.", "tenmon-guard warning (the file is written):"),
}


def reason(decision: str, findings: list[dict[str, Any]], what: str = "command") -> str:
    lines = [HEADS[what][0] if decision == "block" else HEADS[what][1]]
    for finding in findings:
        line = f"- [{finding['rule']}] {finding['message']}"
        if finding["suggestion"]:
            line += f" Approved instead: {finding['suggestion']}"
        lines.append(line)
    if decision == "block":
        lines.append(agent.FOOTER)
    return "\n".join(lines)


def expected(
    protocol: str, decision: str, findings: list[dict[str, Any]], what: str = "command"
) -> tuple[int, Any, str | None]:
    """(exit code, stdout as parsed JSON or None for no output, stderr) of the answer."""
    text = reason(decision, findings, what) if decision != "allow" else None
    if protocol == "json":
        code = 2 if decision == "block" else 0
        return code, {"decision": decision, "reason": text, "findings": findings}, text if code else None
    if decision == "block":
        if protocol == "claude":
            specific = {"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": text}
            return 2, {"hookSpecificOutput": specific}, text
        if protocol == "cursor":
            return 2, {"permission": "deny", "user_message": text, "agent_message": text}, text
        return 2, {"decision": "deny", "reason": text}, text
    if decision == "warn" and protocol == "cursor":
        return 0, {"user_message": text, "agent_message": text}, None
    if decision == "warn":
        event = "PreToolUse" if protocol == "claude" else "BeforeTool"
        return (
            0,
            {"systemMessage": text, "hookSpecificOutput": {"hookEventName": event, "additionalContext": text}},
            None,
        )
    return 0, (None if protocol == "claude" else {}), None


def observed(answer: agent.Answer, protocol: str) -> tuple[int, Any, str | None]:
    if answer.stdout is not None:
        assert "\n" not in answer.stdout, "one line of JSON"
    out = json.loads(answer.stdout) if answer.stdout is not None else None
    if protocol == "json" and out is not None:
        out["findings"] = [{k: v for k, v in f.items() if k != "span"} for f in out["findings"]]
    return answer.code, out, answer.stderr


def audit_records(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="ascii").splitlines()]


def all_command_cases() -> Iterator[Any]:
    for group in ("seeds", "evasions", "warn"):
        for case in CASES[group]:
            decision = "warn" if group == "warn" else "block"
            yield pytest.param(case["command"], decision, case["rules"], id=f"{group}:{case['command'][:40]}")
    for command in CASES["harmless"]:
        yield pytest.param(command, "allow", [], id=f"harmless:{command[:40]}")


# ----------------------------------------------------------------------------------------------------------------
# Every case, every protocol: the exact answer, and the audit record


@pytest.mark.parametrize("protocol", PROTOCOL_NAMES)
@pytest.mark.parametrize(("command", "decision", "rules"), list(all_command_cases()))
def test_each_case_in_each_protocol(
    protocol: str,
    command: str,
    decision: str,
    rules: list[str],
    live: Path,
    policy_rules: dict[str, Any],
    engine: Guard,
    audit_log: Path,
) -> None:
    text = fill(command, live)
    findings = findings_for(rules, text, live, policy_rules, engine)
    answer = call(["--format", protocol, *policy_args(live)], request_for(protocol, text, str(live.parent)))
    assert observed(answer, protocol) == expected(protocol, decision, findings)
    [record] = audit_records(audit_log)
    assert (record["door"], record["command"], record["decision"], record["rules"]) == ("agent", text, decision, rules)
    assert record["cwd"] == str(live.parent)
    assert record["protocol"] == protocol


@pytest.mark.parametrize("case", CASES["argv"], ids=lambda c: " ".join(c["argv"]))
@pytest.mark.parametrize("how", ["argv", "json"])
def test_argv_cases(case: dict[str, Any], how: str, live: Path, policy_rules: dict[str, Any], audit_log: Path) -> None:
    argv = [fill(word, live) for word in case["argv"]]
    if how == "argv":
        answer = call([*policy_args(live), "--cwd", str(live.parent), "--", *argv], b"")
    else:
        request = payload("generic-argv.json", argv=argv, cwd=str(live.parent))
        answer = call(["--format", "json", *policy_args(live)], json.dumps(request).encode())
    decision = "block" if case["rules"] else "allow"
    findings = [
        {"rule": r, "decision": "block", "message": policy_rules[r].message, "suggestion": policy_rules[r].suggestion}
        for r in case["rules"]
    ]
    assert observed(answer, "json") == expected("json", decision, findings)
    [record] = audit_records(audit_log)
    assert record["rules"] == case["rules"] and record["decision"] == decision


# ----------------------------------------------------------------------------------------------------------------
# The wording, pinned literally once per protocol


def test_claude_refusal_literally(live: Path) -> None:
    answer = call(policy_args(live), request_for("claude", "sudo fuser -k 3000/tcp", "/tmp"))
    why = (
        "tenmon-guard refused this command.\n"
        "- [force-kill-by-port] fuser -k force-kills whatever holds the port: the API's database connections and "
        "file handles are not closed. Restart with the restart script (or: sudo systemctl restart "
        "tenmon-ark-api.service). Approved instead: bash /opt/tenmon-ark-repo/api/scripts/ops/restart_api.sh\n"
        "This is a system policy: it cannot be changed or overridden from this session. Run the approved command "
        "instead, or ask the user."
    )
    assert answer == agent.Answer(
        2,
        '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny",'
        f'"permissionDecisionReason":{json.dumps(why)}}}}}',
        why,
    )


def test_gemini_refusal_literally(live: Path) -> None:
    answer = call(["--format", "gemini", *policy_args(live)], request_for("gemini", "sudo pkill -9 node", "/tmp"))
    why = (
        "tenmon-guard refused this command.\n"
        "- [kill-app-bypassing-systemd] pkill/killall on the API kills it behind systemd's back: the unit is left in "
        "a failed or restarting state and connections are cut. Restart through systemd (or: bash "
        "/opt/tenmon-ark-repo/api/scripts/ops/restart_api.sh). Approved instead: sudo systemctl restart "
        "tenmon-ark-api.service\n"
        "- [sigkill-app] SIGKILL to the API process skips its shutdown: database connections and file handles are "
        "left open. Restart with the restart script (or: sudo systemctl restart tenmon-ark-api.service). "
        "Approved instead: bash /opt/tenmon-ark-repo/api/scripts/ops/restart_api.sh\n" + agent.FOOTER
    )
    assert answer == agent.Answer(2, f'{{"decision":"deny","reason":{json.dumps(why)}}}', why)


def test_cursor_refusal_literally(live: Path) -> None:
    """Cursor's answer: both messages and ``permission: deny``, with exit 2 (a refusal to Cursor on its own)."""
    answer = call(["--format", "cursor", *policy_args(live)], request_for("cursor", f"rm -rf {live}/dist", "/tmp"))
    why = (
        "tenmon-guard refused this command.\n"
        f"- [live-dir-direct-write] Writing to {live} directly bypasses the deploy script's atomic swap and can leave "
        "the service broken. Approved instead: bash /opt/tenmon-ark-repo/api/scripts/deploy_live.sh\n" + agent.FOOTER
    )
    reply = {"permission": "deny", "user_message": why, "agent_message": why}
    assert answer == agent.Answer(2, json.dumps(reply, separators=(",", ":")), why)


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"hook_event_name": "beforeMCPExecution"}, "expected hook_event_name 'beforeShellExecution', got "),
        ({"command": None}, "command is missing or not a string"),
        ({"command": ["rm", "-rf", "dist"]}, "command is missing or not a string"),
        ({"cwd": "relative/dir"}, "cwd is not an absolute path"),
    ],
)
def test_cursor_input_it_cannot_read_is_refused(changes: dict[str, Any], why: str, live: Path) -> None:
    data = payload("cursor-beforeshellexecution.json", **changes)
    answer = call(["--format", "cursor", *policy_args(live)], json.dumps(data).encode())
    assert answer.code == 2 and json.loads(answer.stdout or "")["permission"] == "deny"
    assert f"bad hook input: {why}" in (answer.stderr or "")


def test_cursor_without_a_cwd_knows_no_directory(live: Path) -> None:
    """An empty or missing cwd is not the hook's own directory: a relative path is then not known (a doubt, which
    this door refuses), while an absolute one is judged as always."""
    args = ["--format", "cursor", *policy_args(live)]
    for changes in ({"cwd": ""}, {"cwd": None}):
        data = payload("cursor-beforeshellexecution.json", command="rm -rf dist", **changes)
        assert call(args, json.dumps(data).encode()).code == 2
        data = payload("cursor-beforeshellexecution.json", command="ls -la /tmp", **changes)
        assert call(args, json.dumps(data).encode()) == agent.Answer(0, "{}", None)


def test_claude_warning_literally(live: Path) -> None:
    answer = call(policy_args(live), request_for("claude", "git push -f origin main", "/tmp"))
    why = (
        "tenmon-guard warning (the command runs):\n"
        "- [force-push] git push --force rewrites shared history. Approved instead: git push --force-with-lease"
    )
    specific = {"hookEventName": "PreToolUse", "additionalContext": why}
    assert answer == agent.Answer(
        0, json.dumps({"systemMessage": why, "hookSpecificOutput": specific}, separators=(",", ":"))
    )


# ----------------------------------------------------------------------------------------------------------------
# Cwd: where relative paths point


def test_claude_cwd_resolves_relative_paths(live: Path) -> None:
    assert call(policy_args(live), request_for("claude", "rm -rf dist", str(live))).code == 2
    assert call(policy_args(live), request_for("claude", "rm -rf dist", str(live.parent))).code == 0


@pytest.mark.parametrize(
    ("cwd", "dir_path", "code"), [("parent", "live", 2), ("parent", "abs-live", 2), ("live", "..", 0)]
)
def test_gemini_dir_path_joins_the_cwd(live: Path, cwd: str, dir_path: str, code: int) -> None:
    base = str(live.parent) if cwd == "parent" else str(live)
    sub = {"live": live.name, "abs-live": str(live), "..": ".."}[dir_path]
    data = payload("gemini-beforetool-shell.json", cwd=base, tool_input={"command": "rm -rf dist", "dir_path": sub})
    answer = call(["--format", "gemini", *policy_args(live)], json.dumps(data).encode())
    assert answer.code == code


# ----------------------------------------------------------------------------------------------------------------
# Other tools and events


READ_ONLY = [
    ("claude", "Read", {"file_path": "/opt/tenmon-ark-live/dist/index.js"}),
    ("claude", "Glob", {"pattern": "**/*.js", "path": "/opt/tenmon-ark-live"}),
    ("claude", "Grep", {"pattern": "listen", "path": "/opt/tenmon-ark-live/dist", "output_mode": "content"}),
    ("gemini", "read_file", {"file_path": "/opt/tenmon-ark-live/dist/index.js"}),
    ("gemini", "glob", {"pattern": "**/*.js", "dir_path": "/opt/tenmon-ark-live"}),
    ("gemini", "grep_search", {"pattern": "listen", "dir_path": "/opt/tenmon-ark-live"}),
]


def read_only_request(protocol: str, tool: str, tool_input: dict[str, Any]) -> bytes:
    name = "claude-pretooluse-read.json" if protocol == "claude" else "gemini-beforetool-read_file.json"
    data = payload(name, tool_name=tool)
    data["tool_input"] = tool_input
    return json.dumps(data).encode()


@pytest.mark.parametrize(("protocol", "tool", "tool_input"), READ_ONLY, ids=[t for _, t, _ in READ_ONLY])
def test_other_tools_pass_untouched(
    protocol: str, tool: str, tool_input: dict[str, Any], live: Path, audit_log: Path
) -> None:
    """Tools that only read, even the live tree, are not the door's business: no answer, no audit record."""
    answer = call(["--format", protocol, *policy_args(live)], read_only_request(protocol, tool, tool_input))
    assert answer == agent.Answer(0, None if protocol == "claude" else "{}", None)
    assert audit_records(audit_log) == []


def test_other_tools_pass_even_with_a_broken_policy(tmp_path: Path) -> None:
    """Events the door does not guard never load the policy (and never pay for the engine)."""
    read = (DATA / "claude-pretooluse-read.json").read_bytes()
    assert call(["--policy", str(tmp_path / "missing.yaml")], read) == agent.Answer(0, None, None)


def test_extra_tool_names_are_guarded(live: Path) -> None:
    data = payload(
        "claude-pretooluse-bash.json", tool_name="mcp__shell__run", tool_input={"command": "sudo pkill -9 node"}
    )
    assert call(policy_args(live), json.dumps(data).encode()).code == 0
    assert call(["--tool", "mcp__shell__run", *policy_args(live)], json.dumps(data).encode()).code == 2


def test_a_wrong_event_is_refused(live: Path) -> None:
    answer = call(policy_args(live), (DATA / "claude-posttooluse-bash.json").read_bytes())
    assert answer.code == 2
    assert "expected hook_event_name 'PreToolUse', got 'PostToolUse'" in str(answer.stderr)


# ----------------------------------------------------------------------------------------------------------------
# File tools: a write of the file they name, judged by the rules that protect paths from writes

# (protocol, payload file, the field that holds the path; "write" is the generic format's top-level field)
FILE_TOOLS = [
    ("claude", "claude-pretooluse-write.json", "file_path"),
    ("claude", "claude-pretooluse-edit.json", "file_path"),
    ("claude", "claude-pretooluse-multiedit.json", "file_path"),
    ("claude", "claude-pretooluse-notebookedit.json", "notebook_path"),
    ("gemini", "gemini-beforetool-write_file.json", "file_path"),
    ("gemini", "gemini-beforetool-replace.json", "file_path"),
    ("json", "generic-write.json", "write"),
]
FILE_TOOL_IDS = [name.split("-", 2)[-1].removesuffix(".json") for _, name, _ in FILE_TOOLS]


def write_request(name: str, key: str, path: str, cwd: str) -> bytes:
    """The real payload of a file tool, writing ``path`` from ``cwd``."""
    where = {"write": path} if key == "write" else {"tool_input": {key: path}}  # the generic format: top level
    return json.dumps(payload(name, cwd=cwd, **where)).encode()


def write_cwd(case: dict[str, Any], live: Path) -> str:
    return str(live) if case["cwd"] == "live" else str(live.parent)


def all_write_cases() -> Iterator[Any]:
    for group, decision in (("writes", None), ("warn_writes", "warn")):
        for case in CASES[group]:
            verdict = decision or ("block" if case["rules"] else "allow")
            yield pytest.param(case, verdict, id=f"{case['path'][:40]}@{case['cwd']}")


@pytest.mark.parametrize(("protocol", "name", "key"), FILE_TOOLS, ids=FILE_TOOL_IDS)
@pytest.mark.parametrize(("case", "decision"), list(all_write_cases()))
def test_each_write_through_each_file_tool(
    protocol: str,
    name: str,
    key: str,
    case: dict[str, Any],
    decision: str,
    live: Path,
    policy_rules: dict[str, Any],
    engine: Guard,
    audit_log: Path,
) -> None:
    """The answer, exit code and audit record of a file tool are those of a shell command with the same findings;
    the message names a file write."""
    path, cwd = fill(case["path"], live), write_cwd(case, live)
    verdict = engine.check_write(path, Context(door="agent", cwd=cwd, proc_root="/proc"))
    findings = verdict_findings(verdict, case["rules"], policy_rules)
    answer = call(["--format", protocol, *policy_args(live)], write_request(name, key, path, cwd))
    assert observed(answer, protocol) == expected(protocol, decision, findings, "file write")
    [record] = audit_records(audit_log)
    assert (record["door"], record["command"], record["decision"], record["rules"]) == (
        "agent",
        path,
        decision,
        case["rules"],
    )
    assert (record["cwd"], record["protocol"], record["action"]) == (cwd, protocol, "write")
    if protocol != "json":
        assert record["tool"] == json.loads((DATA / name).read_text())["tool_name"]


def test_claude_write_refusal_literally(live: Path) -> None:
    answer = call(
        policy_args(live), write_request("claude-pretooluse-write.json", "file_path", f"{live}/dist/index.js", "/tmp")
    )
    why = (
        "tenmon-guard refused this file write.\n"
        f"- [live-dir-direct-write] Writing to {live} directly bypasses the deploy script's atomic swap and can leave "
        "the service broken. Approved instead: bash /opt/tenmon-ark-repo/api/scripts/deploy_live.sh\n" + agent.FOOTER
    )
    assert answer == agent.Answer(
        2,
        '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny",'
        f'"permissionDecisionReason":{json.dumps(why)}}}}}',
        why,
    )


@pytest.mark.parametrize(("protocol", "name", "key"), FILE_TOOLS, ids=FILE_TOOL_IDS)
@pytest.mark.parametrize("value", [None, 42, "", ["/tmp/x"], "/tmp/x\x00/../../opt/x"], ids=repr)
def test_a_file_tool_without_a_readable_path_is_refused(
    protocol: str, name: str, key: str, value: Any, live: Path, audit_log: Path
) -> None:
    """No path (missing, null, empty, not a string) or one a program would cut short at a NUL byte: the write
    cannot be judged, so it is refused, as a shell call without its command is."""
    data = json.loads(write_request(name, key, "/tmp/x", "/tmp"))
    target = data if key == "write" else data["tool_input"]
    if value is None:
        del target[key]
    else:
        target[key] = value
    answer = call(["--format", protocol, *policy_args(live)], json.dumps(data).encode())
    if key == "write" and value is None:  # the generic format: without "write" there is no request at all
        want = failure(protocol, f"bad hook input: {ONE_OF}")
    else:
        field = '"write"' if key == "write" else f"tool_input.{key}"
        problem = "holds a NUL byte" if isinstance(value, str) and value else "is missing, empty or not a string"
        want = failure(protocol, f"bad hook input: {field} {problem}", "file write")
    assert observed(answer, protocol) == want
    [record] = audit_records(audit_log)
    assert (record["decision"], record["rules"]) == ("block", ["guard-error"])


def test_a_policy_error_refuses_a_file_write(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("tenmon-guard-policy: 1\nname: broken\nrules:\n  - id: x\n    decision: maybe\n")
    request = write_request("claude-pretooluse-edit.json", "file_path", "/tmp/notes.md", "/tmp")
    answer = call(["--policy", str(broken), *INSECURE], request)
    assert answer.code == 2
    assert str(answer.stderr).startswith("tenmon-guard could not check this file write, so it is refused: policy error")


def test_extra_file_tools_are_guarded(live: Path) -> None:
    """A tool of the agent's own (an MCP filesystem server's) that writes the file its ``path`` names."""
    data = payload(
        "claude-pretooluse-write.json",
        tool_name="mcp__filesystem__write_file",
        tool_input={"path": f"{live}/dist/index.js", "content": "x"},
    )
    del data["tool_input"]["file_path"]
    request = json.dumps(data).encode()
    assert call(policy_args(live), request) == agent.Answer(0, None, None)
    guarded = call(["--file-tool", "mcp__filesystem__write_file=path", *policy_args(live)], request)
    assert guarded.code == 2 and "[live-dir-direct-write]" in str(guarded.stderr)
    elsewhere = json.loads(request)
    elsewhere["tool_input"]["path"] = "/tmp/notes.md"
    assert call(
        ["--file-tool", "mcp__filesystem__write_file=path", *policy_args(live)], json.dumps(elsewhere).encode()
    ) == agent.Answer(0, None, None)


def test_a_file_tool_with_two_paths_has_both_judged(live: Path) -> None:
    """A move names its source and its destination: moving dist out of the live tree writes the live tree too. Given
    once per field, every field is judged (the last one alone was, before)."""
    move = ["--file-tool", "mcp__fs__move_file=source", "--file-tool", "mcp__fs__move_file=destination"]

    def moved(source: str | None, destination: str | None) -> agent.Answer:
        data = payload("claude-pretooluse-write.json", tool_name="mcp__fs__move_file", tool_input={})
        data["tool_input"] = {k: v for k, v in (("source", source), ("destination", destination)) if v is not None}
        return call([*move, *policy_args(live)], json.dumps(data).encode())

    out_of_live = moved(f"{live}/dist", "/tmp/old-dist")
    assert out_of_live.code == 2 and "[live-dir-direct-write]" in str(out_of_live.stderr)
    into_live = moved("/tmp/new-dist", f"{live}/dist")
    assert into_live.code == 2 and "[live-dir-direct-write]" in str(into_live.stderr)
    assert moved("/tmp/a", "/tmp/b") == agent.Answer(0, None, None)
    missing = moved("/tmp/a", None)
    assert missing.code == 2 and "tool_input.destination" in str(missing.stderr)


def test_writes_through_links_on_disk_are_judged_where_they_lead(live: Path, tmp_path: Path) -> None:
    """The agent can make a symlink to the live tree in its workspace, then write through it (red team 5)."""
    (tmp_path / "lnk").symlink_to(live / "dist")
    (tmp_path / "f.js").symlink_to(live / "dist" / "index.js")
    for path in (tmp_path / "lnk" / "index.js", tmp_path / "lnk" / ".." / "dist" / "x.js", tmp_path / "f.js"):
        data = payload("claude-pretooluse-write.json", tool_input={"file_path": str(path), "content": "x"})
        answer = call(policy_args(live), json.dumps(data).encode())
        assert answer.code == 2, (path, answer)
    shell = payload("claude-pretooluse-bash.json", cwd=str(tmp_path), tool_input={"command": "rm -rf lnk/*"})
    assert call(policy_args(live), json.dumps(shell).encode()).code == 2
    ordinary = payload("claude-pretooluse-write.json", tool_input={"file_path": str(tmp_path / "notes.md")})
    assert call(policy_args(live), json.dumps(ordinary).encode()) == agent.Answer(0, None, None)


def test_a_tool_named_as_both_shell_and_file_tool_is_refused(live: Path) -> None:
    request = json.dumps(payload("claude-pretooluse-bash.json", tool_input={"command": "ls"})).encode()
    answer = call(["--tool", "Write", *policy_args(live)], request)
    assert answer.code == 2
    assert "Write: given both as a shell tool (--tool) and a file tool (--file-tool)" in str(answer.stderr)


# ----------------------------------------------------------------------------------------------------------------
# Fail closed


def failure(protocol: str, why: str, what: str = "command") -> tuple[int, Any, str]:
    text = f"tenmon-guard could not check this {what}, so it is refused: {why}\n{agent.FAILURE_FOOTER}"
    if protocol == "claude":
        specific = {"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": text}
        return 2, {"hookSpecificOutput": specific}, text
    if protocol == "gemini":
        return 2, {"decision": "deny", "reason": text}, text
    if protocol == "cursor":
        return 2, {"permission": "deny", "user_message": text, "agent_message": text}, text
    finding = {"rule": "guard-error", "decision": "block", "message": why, "suggestion": None}
    return 2, {"decision": "block", "reason": text, "findings": [finding]}, text


BAD_INPUTS = [
    (b"", "bad hook input: no hook input on stdin"),
    (b"not json", "bad hook input: hook input is not JSON (Expecting value at line 1 column 1)"),
    (b"\xff\xfe{}", "bad hook input: hook input is not UTF-8 (invalid start byte at byte 0)"),
    (b"[1, 2]", "bad hook input: the hook input is not a JSON object"),
    (b"[" * 100000, "bad hook input: hook input is nested too deeply"),
]


@pytest.mark.parametrize("protocol", ["claude", "gemini", "cursor"])
@pytest.mark.parametrize(("data", "why"), BAD_INPUTS, ids=lambda v: repr(v)[:30])
def test_malformed_input_is_refused(protocol: str, data: bytes, why: str, live: Path, audit_log: Path) -> None:
    answer = call(["--format", protocol, *policy_args(live)], data)
    assert observed(answer, protocol) == failure(protocol, why)
    [record] = audit_records(audit_log)
    assert (record["decision"], record["rules"], record["reason"]) == ("block", ["guard-error"], why)


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"tool_input": {"command": 42}}, "tool_input.command is missing or not a string"),
        ({"tool_input": {"command": None}}, "tool_input.command is missing or not a string"),
        ({"tool_name": None}, "tool_name is missing or not a string"),
        ({"cwd": "relative/dir"}, "cwd is not an absolute path"),
        ({"hook_event_name": None}, "expected hook_event_name 'PreToolUse', got None: install as a PreToolUse hook"),
    ],
)
def test_claude_payload_errors_are_refused(changes: dict[str, Any], why: str, live: Path) -> None:
    data = payload("claude-pretooluse-bash.json", **changes)
    answer = call(policy_args(live), json.dumps(data).encode())
    assert observed(answer, "claude") == failure("claude", f"bad hook input: {why}")


def test_tool_input_not_an_object_is_refused(live: Path) -> None:
    data = payload("claude-pretooluse-bash.json")
    data["tool_input"] = "rm -rf /"
    answer = call(policy_args(live), json.dumps(data).encode())
    assert observed(answer, "claude") == failure("claude", "bad hook input: tool_input is not a JSON object")


def test_duplicate_keys_are_refused(live: Path) -> None:
    text = '{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls","command":"pkill -9 node"}}'
    answer = call(policy_args(live), text.encode())
    assert observed(answer, "claude") == failure("claude", "bad hook input: duplicate key 'command' in the hook input")


ONE_OF = (
    'give exactly one of "command" (a shell command line), "argv" (a list of strings) or "write" (the path of a '
    "file written directly)"
)


@pytest.mark.parametrize(
    ("request_", "why", "what"),
    [
        ({"command": "ls", "argv": ["ls"]}, ONE_OF, "command"),
        ({"command": "ls", "write": "/tmp/x"}, ONE_OF, "command"),
        ({}, ONE_OF, "command"),
        ({"argv": []}, '"argv" is not a non-empty list of strings', "command"),
        ({"argv": ["rm", 1]}, '"argv" is not a non-empty list of strings', "command"),
        ({"command": ["ls"]}, '"command" is not a string', "command"),
        ({"write": None}, '"write" is missing, empty or not a string', "file write"),
        ({"write": ""}, '"write" is missing, empty or not a string', "file write"),
        ({"write": ["/tmp/x"]}, '"write" is missing, empty or not a string', "file write"),
    ],
)
def test_generic_request_errors_are_refused(request_: dict[str, Any], why: str, what: str, live: Path) -> None:
    answer = call(["--format", "json", *policy_args(live)], json.dumps(request_).encode())
    assert observed(answer, "json") == failure("json", f"bad hook input: {why}", what)


@pytest.mark.parametrize("protocol", PROTOCOL_NAMES)
def test_a_policy_error_refuses_even_harmless_commands(protocol: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("tenmon-guard-policy: 1\nname: broken\nrules:\n  - id: x\n    decision: maybe\n")
    answer = call(["--format", protocol, "--policy", str(broken), *INSECURE], request_for(protocol, "ls", "/tmp"))
    err = str(answer.stderr)
    assert err.startswith("tenmon-guard could not check this command, so it is refused: policy error: ")
    assert str(broken) in err
    why = err.split("so it is refused: ", 1)[1].split("\n", 1)[0]
    assert observed(answer, protocol) == failure(protocol, why)


def test_a_crash_inside_the_engine_is_a_refusal(live: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever raises inside the door (here: the policy loader, replaced by one that crashes) is a refusal."""

    def crash(args: argparse.Namespace) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(agent, "load_trusted_policy", crash)
    answer = call(policy_args(live), request_for("claude", "ls", "/tmp"))
    assert observed(answer, "claude") == failure("claude", "internal error: RuntimeError: boom")


# ----------------------------------------------------------------------------------------------------------------
# The agent cannot loosen the guard


EVIL_POLICY = "tenmon-guard-policy: 1\nname: evil\nvariables:\n  live_dir: /nowhere\nrules: []\n"


def test_environment_and_user_config_policies_are_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --policy only the system layer counts: a policy the agent could write (env, ~/.config, the repo)
    is never read. Here each would make the default live dir unprotected, or break loading, if it were read."""
    evil = tmp_path / "evil.yaml"
    evil.write_text(EVIL_POLICY)
    config = tmp_path / "config" / "tenmon-guard" / "policies.d"
    config.mkdir(parents=True)
    (config / "evil.yaml").write_text(EVIL_POLICY)
    (tmp_path / ".tenmon-guard.yaml").write_text(EVIL_POLICY)
    monkeypatch.setenv("TENMON_GUARD_POLICY", str(evil))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    answer = call(INSECURE, request_for("claude", "rm -rf /opt/tenmon-ark-live/dist", str(tmp_path)))
    assert answer.code == 2
    assert "[live-dir-direct-write]" in str(answer.stderr)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to create a file owned by someone else")
def test_a_policy_file_the_agent_could_edit_is_refused(tmp_path: Path, live: Path) -> None:
    own = tmp_path / "own.yaml"
    own.write_text(POLICY.read_text())
    os.chown(own, 65534, 65534)
    answer = call(["--policy", str(own), "--var", f"live_dir={live}"], request_for("claude", "ls", "/tmp"))
    assert answer.code == 2
    assert "refused" in str(answer.stderr) and str(own) in str(answer.stderr)


# ----------------------------------------------------------------------------------------------------------------
# The real process: stdin to exit code


def run_hook(
    args: list[str], stdin: bytes, audit_log: Path, environ: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The real hook process: this environment (or ``environ``), its records going to ``audit_log``."""
    env = dict(os.environ if environ is None else environ, TENMON_GUARD_AUDIT_LOG=str(audit_log))
    return subprocess.run(
        [sys.executable, "-m", "tenmon_guard", "agent-hook", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=60,
    )


@pytest.mark.parametrize("protocol", PROTOCOL_NAMES)
@pytest.mark.parametrize("case", CASES["seeds"], ids=lambda c: c["command"][:40])
def test_seed_commands_through_the_real_process(
    protocol: str, case: dict[str, Any], live: Path, policy_rules: dict[str, Any], engine: Guard, audit_log: Path
) -> None:
    text = fill(case["command"], live)
    result = run_hook(
        ["--format", protocol, *policy_args(live)], request_for(protocol, text, str(live.parent)), audit_log
    )
    findings = findings_for(case["rules"], text, live, policy_rules, engine)
    code, out, err = expected(protocol, "block", findings)
    assert result.returncode == code
    stdout = json.loads(result.stdout)
    if protocol == "json":
        stdout["findings"] = [{k: v for k, v in f.items() if k != "span"} for f in stdout["findings"]]
    assert stdout == out
    assert result.stderr.decode() == f"{err}\n"
    assert result.stdout.endswith(b"}\n") and result.stdout.count(b"\n") == 1
    assert [r["door"] for r in audit_records(audit_log)] == ["agent"]


def test_harmless_through_the_real_process(live: Path, audit_log: Path) -> None:
    claude = run_hook(policy_args(live), request_for("claude", "git status", str(live.parent)), audit_log)
    assert (claude.returncode, claude.stdout, claude.stderr) == (0, b"", b"")
    gemini = run_hook(["--format", "gemini", *policy_args(live)], request_for("gemini", "npm test", "/tmp"), audit_log)
    assert (gemini.returncode, gemini.stdout, gemini.stderr) == (0, b"{}\n", b"")
    cursor_args = ["--format", "cursor", *policy_args(live)]
    cursor = run_hook(cursor_args, request_for("cursor", "ls dist", str(live)), audit_log)
    assert (cursor.returncode, cursor.stdout, cursor.stderr) == (0, b"{}\n", b"")
    records = audit_records(audit_log)
    assert [(r["command"], r["decision"]) for r in records] == [
        ("git status", "allow"),
        ("npm test", "allow"),
        ("ls dist", "allow"),
    ]


@pytest.mark.parametrize(("protocol", "name", "key"), FILE_TOOLS, ids=FILE_TOOL_IDS)
def test_file_tools_through_the_real_process(
    protocol: str, name: str, key: str, live: Path, policy_rules: dict[str, Any], audit_log: Path
) -> None:
    """Each file tool's real payload, stdin to exit code: into the live tree refused, by its absolute path and by a
    relative one from a cwd in the live tree; the same tool writing elsewhere passes."""
    args = ["--format", protocol, *policy_args(live)]
    rule = policy_rules["live-dir-direct-write"]
    findings = [{"rule": rule.id, "decision": "block", "message": rule.message, "suggestion": rule.suggestion}]
    code, out, err = expected(protocol, "block", findings, "file write")
    for path, cwd in ((f"{live}/dist/index.js", str(live.parent)), ("dist/index.js", str(live))):
        result = run_hook(args, write_request(name, key, path, cwd), audit_log)
        assert result.returncode == code, result.stderr
        stdout = json.loads(result.stdout)
        if protocol == "json":
            stdout["findings"] = [{k: v for k, v in f.items() if k != "span"} for f in stdout["findings"]]
        assert stdout == out
        assert result.stderr.decode() == f"{err}\n"
    neutral = run_hook(args, write_request(name, key, f"{REPO}/api/src/index.ts", str(live.parent)), audit_log)
    allowed = {"claude": b"", "gemini": b"{}\n", "json": b'{"decision":"allow","reason":null,"findings":[]}\n'}
    assert (neutral.returncode, neutral.stdout, neutral.stderr) == (0, allowed[protocol], b"")
    records = audit_records(audit_log)
    assert [(r["command"], r["decision"], r["action"]) for r in records] == [
        (f"{live}/dist/index.js", "block", "write"),
        ("dist/index.js", "block", "write"),
        (f"{REPO}/api/src/index.ts", "allow", "write"),
    ]


def test_argv_mode_through_the_real_process(live: Path, audit_log: Path) -> None:
    result = run_hook([*policy_args(live), "--", "rm", "-rf", f"{live}/dist"], b"", audit_log)
    assert result.returncode == 2
    assert json.loads(result.stdout)["decision"] == "block"


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["--format", "nonsense"], b"{}"),
        (["--policy"], b"{}"),
        (["--var", "novalue", "--policy", str(POLICY)], None),
        (["--format", "gemini", "--", "ls"], b""),
        (["--file-tool", "mcp__fs__write"], b"{}"),
        (["--deadline", "0"], None),
        (["--deadline", "nan"], None),
        (["--deadline", "soon"], None),
    ],
    ids=[
        "bad-format",
        "missing-argument",
        "bad-var",
        "argv-with-gemini",
        "file-tool-without-field",
        "deadline-zero",
        "deadline-nan",
        "deadline-not-a-number",
    ],
)
def test_usage_errors_exit_2_without_traceback(args: list[str], stdin: bytes | None, audit_log: Path) -> None:
    data = stdin if stdin is not None else (DATA / "claude-pretooluse-bash.json").read_bytes()
    result = run_hook(args, data, audit_log)
    assert result.returncode == 2
    assert result.stderr.startswith(b"tenmon-guard")
    assert b"Traceback" not in result.stderr


def long_to_read(lines: int) -> str:
    """A command that takes the guard much longer than a second to read (tens of seconds: every line is read by
    both parsers), ending in a kill."""
    return "\n".join(f"echo {i}" for i in range(lines)) + "\npkill -9 node"


@pytest.mark.parametrize("protocol", PROTOCOL_NAMES)
def test_what_is_not_decided_in_time_is_refused(protocol: str, live: Path, audit_log: Path) -> None:
    """An agent runs the tool when its hook times out: a command built to take long to read must be refused by the
    door's own deadline, before the agent's timeout, not left to it."""
    text = long_to_read(60_000)
    args = ["--format", protocol, *policy_args(live), "--deadline", "1"]
    result = run_hook(args, request_for(protocol, text, str(live.parent)), audit_log)
    assert result.returncode == 2
    why = "not decided within 1 s (an agent runs the tool when its hook times out); split it into smaller ones"
    assert result.stderr.decode().startswith(f"tenmon-guard could not check this command, so it is refused: {why}")
    stdout = json.loads(result.stdout)
    if protocol == "claude":
        assert stdout["hookSpecificOutput"]["permissionDecision"] == "deny"
    elif protocol == "cursor":
        assert stdout["permission"] == "deny"
    else:
        assert stdout["decision"] in ("deny", "block")
    [record] = audit_records(audit_log)
    assert (record["decision"], record["rules"], record["reason"]) == ("block", ["guard-error"], why)


def test_the_deadline_leaves_a_quick_verdict_alone(live: Path, audit_log: Path) -> None:
    """The same door with a deadline decides what it can in time as it always does, and leaves no timer behind."""
    args = [*policy_args(live), "--deadline", "30"]
    harmless = call(args, request_for("claude", long_to_read(200).replace("pkill -9 node", "true"), "/tmp"))
    assert (harmless.code, harmless.stdout) == (0, None)
    killing = call(args, request_for("claude", long_to_read(200), "/tmp"))
    assert killing.code == 2 and "kill-app-bypassing-systemd" in (killing.stderr or "")
    import signal

    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.default_int_handler, None)


def test_garbage_through_the_real_process(audit_log: Path) -> None:
    result = run_hook([], b"\x00\x01garbage", audit_log)
    assert result.returncode == 2
    assert json.loads(result.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert b"Traceback" not in result.stderr


def test_non_ascii_messages_survive_any_stdout_encoding(tmp_path: Path, audit_log: Path) -> None:
    """A rule message in Japanese (the operations guide is) must not turn a refusal into a crash or bad JSON when
    the agent runs the hook with an ASCII-only stdout."""
    policy = tmp_path / "ja.yaml"
    policy.write_text(
        "tenmon-guard-policy: 1\nname: ja\nrules:\n  - id: no-reboot\n    decision: block\n"
        "    message: 再起動は禁止です。\n    suggestion: sudo systemctl restart tenmon-ark-api.service\n"
        "    match:\n      commands: [reboot]\n",
        encoding="utf-8",
    )
    env = dict(os.environ, TENMON_GUARD_AUDIT_LOG=str(audit_log), PYTHONIOENCODING="ascii")
    result = subprocess.run(
        [sys.executable, "-m", "tenmon_guard", "agent-hook", "--policy", str(policy), *INSECURE],
        input=request_for("claude", "reboot", "/tmp"),
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    reason_text = json.loads(result.stdout)["hookSpecificOutput"]["permissionDecisionReason"]
    assert "- [no-reboot] 再起動は禁止です。" in reason_text
    assert b"Traceback" not in result.stderr


# ----------------------------------------------------------------------------------------------------------------
# The door's own rules: the agent's shell start-up files, shell snapshots and settings (policies/doors/agent.yaml)


@pytest.fixture
def agent_home(tmp_path: Path) -> Path:
    """The agent's home, as the agent starts the hook with it (HOME), with a project inside."""
    home = tmp_path / "home"
    (home / ".claude" / "shell-snapshots").mkdir(parents=True)
    (home / "project" / ".claude").mkdir(parents=True)
    return home


def run_agent_hook(
    args: list[str], stdin: bytes, home: Path, audit_log: Path, **env: str
) -> subprocess.CompletedProcess[bytes]:
    """The real hook process, started the way an agent starts it: its HOME and project directory in the environment."""
    environ = {k: v for k, v in os.environ.items() if k not in ("CLAUDE_CONFIG_DIR", "GEMINI_PROJECT_DIR")}
    environ.update(HOME=str(home), CLAUDE_PROJECT_DIR=str(home / "project"))
    environ.update(env)
    return run_hook(args, stdin, audit_log, environ)


def refused_by(result: subprocess.CompletedProcess[bytes]) -> list[str]:
    """The rules a Claude Code refusal names (none when the call passed)."""
    if result.returncode == 0:
        assert result.stdout in (b"", b"{}\n"), result.stdout
        return []
    assert result.returncode == 2, result.stderr
    assert b"Traceback" not in result.stderr
    return [line.split("]")[0][3:] for line in result.stderr.decode().splitlines() if line.startswith("- [")]


@pytest.mark.parametrize(
    ("name", "key"), [(n, k) for p, n, k in FILE_TOOLS if p == "claude"], ids=lambda v: str(v).split("-")[-1]
)
def test_file_tool_write_to_the_agents_bashrc_is_refused(
    name: str, key: str, agent_home: Path, audit_log: Path
) -> None:
    """rt5: a Write of ~/.bashrc (alias ls='rm -rf LIVE/dist') passed; the next session's bare ls then ran it."""
    request = write_request(name, key, f"{agent_home}/.bashrc", str(agent_home / "project"))
    result = run_agent_hook([], request, agent_home, audit_log)
    assert refused_by(result) == ["agent-shell-startup-write"]
    assert json.loads(result.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"


@pytest.mark.parametrize(
    ("command", "rules"),
    [
        # the file named by HOME: each Bash call is a new shell with the hook's own HOME, so ~ is that home
        ("echo \"alias ls='rm -rf /opt/tenmon-ark-live/dist'\" >> ~/.bashrc", ["agent-shell-startup-write"]),
        ("echo \"alias ls='rm -rf /opt/tenmon-ark-live/dist'\" >> {home}/.bashrc", ["agent-shell-startup-write"]),
        ("printf 'ls() {{ :; }}' | tee -a {home}/.bash_aliases", ["agent-shell-startup-write"]),
        ("sed -i 's/x/y/' {home}/.profile", ["agent-shell-startup-write"]),
        ("ln -sf /tmp/evil {home}/.bashrc", ["agent-shell-startup-write"]),
        (
            "echo \"alias ls='rm -rf x'\" >> {home}/.claude/shell-snapshots/snapshot-bash-123.sh",
            ["agent-shell-startup-write"],
        ),
        ("echo '{{}}' > .claude/settings.local.json", ["agent-settings-write"]),
        ("cp /tmp/s.json {home}/.claude/settings.json", ["agent-settings-write"]),
        ("cat ~/.bashrc", []),
        ("source {home}/.bashrc && ls", []),
        ("cat {home}/.claude/shell-snapshots/snapshot-bash-123.sh", []),
        # what SessionStart hooks write ($CLAUDE_ENV_FILE), sourced before each Bash call as the snapshot is
        (
            "echo 'export PATH=/tmp/evil:$PATH' >> {home}/.claude/session-env/0f3c/sessionstart-hook-0.sh",
            ["agent-shell-startup-write"],
        ),
        ("cat {home}/.claude/session-env/0f3c/sessionstart-hook-0.sh", []),
        ("echo x > src/main.py", []),
        # at the project root: find acts only on entries of the names it is given, and no settings file is one
        ("find . -name '*.pyc' -delete", []),
        ("find . -name '*.json' -delete", ["agent-settings-write"]),
        ("find . -name '*.pyc' -o -name '*.json' -delete", ["agent-settings-write"]),
        ("find . -delete", ["agent-settings-write"]),
        # the same for what -exec is given: {} is an entry of those names (the agent-door hunt: the commonest refusal)
        ("find . -name '*.pyc' -exec rm {{}} +", []),
        ("find . -type d -name __pycache__ -exec rm -rf {{}} +", []),
        ("find . -name 'settings*.json' -exec rm {{}} +", ["unknown-target"]),  # (refused: it may be one)
        ("find . -exec rm {{}} +", ["agent-settings-write"]),
    ],
)
def test_shell_writes_to_the_agents_own_state(
    command: str, rules: list[str], agent_home: Path, audit_log: Path
) -> None:
    """The Bash tool's writes to what it runs with next (start-up files, snapshots, settings) are refused; reading
    them, and writing the project's ordinary files, is not."""
    text = command.format(home=agent_home)
    result = run_agent_hook([], request_for("claude", text, str(agent_home / "project")), agent_home, audit_log)
    assert refused_by(result) == rules


def test_gemini_write_to_its_settings_is_refused(agent_home: Path, audit_log: Path) -> None:
    request = write_request(
        "gemini-beforetool-write_file.json", "file_path", f"{agent_home}/.gemini/settings.json", "/tmp"
    )
    result = run_agent_hook(["--format", "gemini"], request, agent_home, audit_log)
    assert refused_by(result) == ["agent-settings-write"]
    assert json.loads(result.stdout)["decision"] == "deny"


def test_claude_config_dir_moves_the_protected_snapshots(agent_home: Path, tmp_path: Path, audit_log: Path) -> None:
    """With $CLAUDE_CONFIG_DIR, Claude Code keeps its settings and snapshots there instead of ~/.claude."""
    config = tmp_path / "claude-config"
    snapshot = f"{config}/shell-snapshots/snapshot-bash-1.sh"
    request = write_request("claude-pretooluse-write.json", "file_path", snapshot, "/tmp")
    result = run_agent_hook([], request, agent_home, audit_log, CLAUDE_CONFIG_DIR=str(config))
    assert refused_by(result) == ["agent-shell-startup-write"]


def test_the_door_rules_stay_with_an_explicit_policy(agent_home: Path, live: Path, audit_log: Path) -> None:
    """--policy on the hook's command line replaces the pack, not the door's own rules: they protect the door."""
    request = write_request("claude-pretooluse-write.json", "file_path", f"{agent_home}/.bashrc", "/tmp")
    result = run_agent_hook(policy_args(live), request, agent_home, audit_log)
    assert refused_by(result) == ["agent-shell-startup-write"]
    elsewhere = write_request("claude-pretooluse-write.json", "file_path", f"{agent_home}/project/a.py", "/tmp")
    assert refused_by(run_agent_hook(policy_args(live), elsewhere, agent_home, audit_log)) == []


def test_var_on_the_hook_command_line_wins_over_the_environment(
    agent_home: Path, tmp_path: Path, audit_log: Path
) -> None:
    other = tmp_path / "other-home"
    request = write_request("claude-pretooluse-write.json", "file_path", f"{other}/.zshrc", "/tmp")
    result = run_agent_hook(["--var", f"agent_home={other}"], request, agent_home, audit_log)
    assert refused_by(result) == ["agent-shell-startup-write"]


def test_installed_door_rules_replace_the_packaged_ones(tmp_path: Path) -> None:
    """An admin's copy in the door's directory is what counts (they may have taken a path out); none there, the
    packaged file."""
    assert agent.door_policy_files(str(tmp_path / "missing")) == [
        str(ROOT / "tenmon_guard" / "policies" / "doors" / "agent.yaml")
    ]
    (tmp_path / "agent-state.yaml").write_text("tenmon-guard-policy: 1\nname: x\n", encoding="utf-8")
    (tmp_path / ".hidden.yaml").write_text("", encoding="utf-8")
    assert agent.door_policy_files(str(tmp_path)) == [str(tmp_path / "agent-state.yaml")]


def test_agent_values_come_from_home_then_the_password_entry(tmp_path: Path) -> None:
    env = {"HOME": "/home/a/", "CLAUDE_PROJECT_DIR": "/home/a/p", "CLAUDE_CONFIG_DIR": "/etc/claude"}
    assert agent.agent_values({**env, "TENMON_GUARD_AUDIT_LOG": "/var/tmp/g/audit.jsonl"}) == {
        "agent_home": "/home/a",
        "agent_project": "/home/a/p",
        "claude_dir": "/etc/claude",
        "audit_log": "/var/tmp/g/audit.jsonl",  # where this door writes its records
    }
    # the files the agent's shell sources before each command, when named by an absolute path the door can read
    sourced = {"CLAUDE_ENV_FILE": "/home/a/env.sh", "BASH_ENV": "/home/a/.benv", "ZDOTDIR": "/home/a/.zsh/"}
    values = agent.agent_values({**env, **sourced})
    assert [values[k] for k in ("claude_env_file", "bash_env", "zdotdir")] == [
        "/home/a/env.sh",
        "/home/a/.benv",
        "/home/a/.zsh",
    ]
    for unreadable in ("env.sh", "$HOME/env.sh", "/home/a/`x`"):
        values = agent.agent_values({**env, "CLAUDE_ENV_FILE": unreadable, "BASH_ENV": unreadable})
        assert "claude_env_file" not in values and "bash_env" not in values
    import pwd

    assert agent.agent_values({"HOME": "relative"})["agent_home"] == pwd.getpwuid(os.geteuid()).pw_dir
    assert agent.agent_values({"GEMINI_PROJECT_DIR": "/g"})["agent_project"] == "/g"


def test_the_door_rules_are_not_loaded_by_the_other_doors() -> None:
    """Editing ~/.bashrc is ordinary work for a person at a shell: check (and so hook and lint) do not refuse it."""
    for line in ("echo x >> /root/.bashrc", "echo '{}' > /root/.claude/settings.json"):
        run = subprocess.run(
            [sys.executable, "-m", "tenmon_guard", "check", "--json", line], capture_output=True, timeout=60
        )
        assert json.loads(run.stdout)["decision"] == "allow", run.stdout


def test_the_agent_cannot_rewrite_the_audit_log(tmp_path: Path) -> None:
    """For an agent that is not root the log is a file in its own home: the door's rules keep the agent's hands
    off it, whatever path the hook logs to."""
    log = tmp_path / "state" / "audit.jsonl"
    environ = dict(os.environ, HOME=str(tmp_path))
    for command, code in ((f"truncate -s 0 {log}", 2), (f"sed -i '$d' {log}", 2), (f"tail -n 5 {log}", 0)):
        request = payload("claude-pretooluse-bash.json", cwd=str(tmp_path), tool_input={"command": command})
        run = run_hook(["--insecure-policy"], json.dumps(request).encode(), log, environ)
        assert run.returncode == code, (command, run.stderr)
        if code == 2:
            assert b"agent-audit-log-write" in run.stderr


# ----------------------------------------------------------------------------------------------------------------
# The shell's HOME: Claude Code and Gemini CLI run each shell call in a new bash with their own environment, as the
# hook's, so ~ is the hook's HOME there; a json-protocol agent may keep one shell, whose HOME the door is not told.


def rules_of(result: subprocess.CompletedProcess[bytes]) -> list[str]:
    """The rules a refusal names in any protocol (none when the call passed: for json, its allow answer)."""
    if result.returncode == 0 and result.stdout.startswith(b'{"decision"'):
        assert json.loads(result.stdout)["decision"] == "allow", result.stdout
        return []
    return sorted(set(refused_by(result)))


def shell_call(protocol: str, command: str, home: Path, audit_log: Path, *args: str, **env: str) -> list[str]:
    """The rules the real hook of ``protocol``, started with HOME ``home``, refuses ``command`` by (from /tmp)."""
    result = run_agent_hook(
        ["--format", protocol, *args], request_for(protocol, command, "/tmp"), home, audit_log, **env
    )
    return rules_of(result)


EVERYDAY_HOME_LINES = ["mkdir -p ~/.config/tenmon-x", "rm -rf ~/.cache/tenmon-x", "cp a.txt ~/bin/", "ls -la ~"]


@pytest.mark.parametrize("line", EVERYDAY_HOME_LINES)
@pytest.mark.parametrize("protocol", PROTOCOL_NAMES)
def test_everyday_lines_under_home_pass_where_the_shell_has_the_hooks_home(
    protocol: str, line: str, agent_home: Path, audit_log: Path
) -> None:
    """Round 18's README corpus: 78 of the agent door's blocks were lines like these, which the hook door allows. In
    the json protocol the agent's shell may be one kept across calls, its HOME not the hook's: still not known (so in
    Cursor's, whose shell calls this door has no account of)."""
    expected = ["unknown-target"] if protocol in NO_SHELL_HOME and line != "ls -la ~" else []
    assert shell_call(protocol, line, agent_home, audit_log) == expected


@pytest.mark.parametrize("line", ["rm -rf ~/dist", 'rm -rf "$HOME/dist"', "cd && rm -rf dist", "cd ~/dist && rm -rf *"])
@pytest.mark.parametrize("protocol", PROTOCOL_NAMES)
def test_a_home_in_the_live_tree_makes_tilde_the_live_tree(
    protocol: str, line: str, live: Path, audit_log: Path
) -> None:
    """An agent started with HOME=LIVE (a service account whose home is the live tree): its ~/dist IS the live
    dist, refused as the live tree; the json protocol refuses it as not known."""
    rules = shell_call(protocol, line, live, audit_log, *policy_args(live))
    assert rules == (["unknown-target"] if protocol in NO_SHELL_HOME else ["live-dir-direct-write"])


@pytest.mark.parametrize(
    ("line", "rules"),
    [
        ("HOME={live}; rm -rf ~/dist", ["live-dir-direct-write"]),
        ("export HOME={live} && rm -rf ~/dist", ["live-dir-direct-write"]),
        ("export HOME={live}; cd; rm -rf dist", ["live-dir-direct-write"]),
        ("HOME={live} bash -c 'rm -rf ~/dist'", ["live-dir-direct-write"]),
        ("env HOME={live} sh -c 'rm -rf \"$HOME\"/dist'", ["live-dir-direct-write"]),
        # bash expands ~ before the command's own assignments (checked with `HOME=/x echo ~`): the shell's HOME
        ("HOME={live} rm -rf ~/dist", []),
        ("unset HOME; rm -rf ~/dist", ["unknown-target"]),
        ("read -r HOME < /tmp/h; rm -rf ~/dist", ["unknown-target"]),
    ],
)
@pytest.mark.parametrize("protocol", ["claude", "gemini"])
def test_a_home_the_line_sets_is_the_one_bash_reads(
    protocol: str, line: str, rules: list[str], agent_home: Path, live: Path, audit_log: Path
) -> None:
    assert shell_call(protocol, line.format(live=live), agent_home, audit_log, *policy_args(live)) == rules


def write_call(name: str, key: str, path: str, cwd: str, home: Path, audit_log: Path) -> list[str]:
    protocol = "claude" if name.startswith("claude") else "gemini" if name.startswith("gemini") else "json"
    return rules_of(run_agent_hook(["--format", protocol], write_request(name, key, path, cwd), home, audit_log))


@pytest.mark.parametrize(
    ("name", "key"), [(n, k) for p, n, k in FILE_TOOLS if p == "claude"], ids=lambda v: str(v).split("-")[-1]
)
def test_claude_file_tools_read_the_path_as_claude_code_does(
    name: str, key: str, agent_home: Path, audit_log: Path
) -> None:
    """Claude Code's file tools pass the path through expandPath: trimmed, a leading ~/ made the home (os.homedir():
    $HOME). A Write of ~/.bashrc, or of ' HOME/.bashrc', passed as a file ./~/.bashrc or ./ HOME/.bashrc."""
    cwd = str(agent_home / "project")
    for path in ("~/.bashrc", f" {agent_home}/.bashrc", f"{agent_home}/.bashrc\n", "~/.claude/shell-snapshots/s.sh"):
        assert write_call(name, key, path, cwd, agent_home, audit_log) == ["agent-shell-startup-write"], path
    assert write_call(name, key, "~/.claude/settings.json", cwd, agent_home, audit_log) == ["agent-settings-write"]
    for path in ("~/notes.md", "~", " notes.md", "~user/.bashrc"):
        assert write_call(name, key, path, cwd, agent_home, audit_log) == [], path


def test_gemini_file_tools_judge_the_path_without_its_at(agent_home: Path, audit_log: Path) -> None:
    """Gemini CLI takes a leading @ off a path that does not exist as written (resolveDefensiveToolPath)."""
    name = "gemini-beforetool-write_file.json"
    rules = write_call(name, "file_path", "@.bashrc", str(agent_home), agent_home, audit_log)
    assert rules == ["agent-shell-startup-write"]
    assert write_call(name, "file_path", "@notes.md", str(agent_home), agent_home, audit_log) == []


@pytest.mark.parametrize(
    ("script", "rules"),
    [
        ("export HOME=/opt/tenmon-ark-live\n", ["unknown-target"]),
        ("declare -x HOME=/srv\n", ["unknown-target"]),
        ("source .venv/bin/activate\n", ["unknown-target"]),  # what it sources may set HOME: not read
        ('. "$PWD/env"\n', ["unknown-target"]),
        ('eval "$(direnv export bash)"\n', ["unknown-target"]),
        ('export PATH="$HOME/.local/bin:$PATH"\nexport NODE_ENV=test\n', []),
        ("export GOPATH=${HOME}/go HOMEBREW_NO_ANALYTICS=1\n", []),
    ],
)
def test_a_script_sourced_before_each_bash_call_may_leave_home_unknown(
    script: str, rules: list[str], agent_home: Path, tmp_path: Path, audit_log: Path
) -> None:
    """What Claude Code sources before each Bash call ($CLAUDE_ENV_FILE, the session's session-env scripts) and
    what bash sources ($BASH_ENV) may set HOME: where one may, or runs text the door does not read, ~ is not known."""
    line = "mkdir -p ~/.config/tenmon-x"
    env_file = tmp_path / "claude-env.sh"
    env_file.write_text(script, encoding="utf-8")
    assert shell_call("claude", line, agent_home, audit_log, CLAUDE_ENV_FILE=str(env_file)) == rules
    session = agent_home / ".claude" / "session-env" / "abc123"  # the session_id of the payload
    session.mkdir(parents=True)
    (session / "sessionstart-hook-0.sh").write_text(script, encoding="utf-8")
    assert shell_call("claude", line, agent_home, audit_log) == rules
    (session / "sessionstart-hook-0.sh").unlink()
    for protocol in ("claude", "gemini"):
        assert shell_call(protocol, line, agent_home, audit_log, BASH_ENV=str(env_file)) == rules
    assert shell_call("gemini", line, agent_home, audit_log, CLAUDE_ENV_FILE=str(env_file)) == []  # Claude's only


def test_a_sourced_script_the_door_cannot_read_leaves_home_unknown(
    agent_home: Path, tmp_path: Path, audit_log: Path
) -> None:
    line = "mkdir -p ~/.config/tenmon-x"
    assert shell_call("claude", line, agent_home, audit_log, CLAUDE_ENV_FILE=str(tmp_path / "missing.sh")) == []
    assert shell_call("gemini", line, agent_home, audit_log, BASH_ENV="$HOME/.benv") == ["unknown-target"]
    assert shell_call("gemini", line, agent_home, audit_log, BASH_ENV="missing.sh") == []  # (from the cwd: none)
    assert shell_call("claude", line, agent_home, audit_log, CLAUDE_ENV_FILE="env.sh") == ["unknown-target"]
    fifo = tmp_path / "fifo.sh"  # opening it to read would wait for a writer: not read, not known (and no wait)
    os.mkfifo(fifo)
    assert shell_call("claude", line, agent_home, audit_log, CLAUDE_ENV_FILE=str(fifo)) == ["unknown-target"]
    for session in ("", "..", "a/../../x", "a\x00b", 7):  # which session-env scripts are sourced: not known
        data = payload("claude-pretooluse-bash.json", cwd="/tmp", session_id=session, tool_input={"command": line})
        result = run_agent_hook([], json.dumps(data).encode(), agent_home, audit_log)
        assert rules_of(result) == ["unknown-target"], session
    if os.geteuid() != 0:  # (root reads a file of mode 000)
        unreadable = tmp_path / "unreadable.sh"
        unreadable.write_text("export A=1\n", encoding="utf-8")
        unreadable.chmod(0)
        assert shell_call("gemini", line, agent_home, audit_log, BASH_ENV=str(unreadable)) == ["unknown-target"]


def test_zsh_reads_its_zshenv_before_each_call(agent_home: Path, tmp_path: Path, audit_log: Path) -> None:
    """Claude Code runs the user's zsh when that is their shell: zsh -c reads $ZDOTDIR/.zshenv (else ~/.zshenv)."""
    line = "mkdir -p ~/.config/tenmon-x"
    assert shell_call("claude", line, agent_home, audit_log, SHELL="/bin/zsh") == []
    (agent_home / ".zshenv").write_text("export HOME=/srv\n", encoding="utf-8")
    assert shell_call("claude", line, agent_home, audit_log, SHELL="/bin/zsh") == ["unknown-target"]
    assert shell_call("claude", line, agent_home, audit_log, SHELL="/bin/bash") == []
    zdotdir = tmp_path / "zdot"
    zdotdir.mkdir()
    assert shell_call("claude", line, agent_home, audit_log, SHELL="/bin/zsh", ZDOTDIR=str(zdotdir)) == []
    (zdotdir / ".zshenv").write_text("HOME=/srv\n", encoding="utf-8")
    rules = shell_call("claude", line, agent_home, audit_log, CLAUDE_CODE_SHELL="/usr/bin/zsh", ZDOTDIR=str(zdotdir))
    assert rules == ["unknown-target"]


def test_the_files_sourced_before_each_call_are_the_agents_to_read_not_to_write(
    agent_home: Path, tmp_path: Path, audit_log: Path
) -> None:
    """$CLAUDE_ENV_FILE, $BASH_ENV and $ZDOTDIR's start-up files run before every command, as ~/.bashrc does: an
    `export HOME=` (or an alias) written there would change what later commands do, so the agent may not write them."""
    env = {"CLAUDE_ENV_FILE": str(tmp_path / "env.sh"), "BASH_ENV": str(tmp_path / "benv"), "ZDOTDIR": str(tmp_path)}
    for target in (env["CLAUDE_ENV_FILE"], env["BASH_ENV"], f"{tmp_path}/.zshenv", f"{tmp_path}/.zshrc"):
        line = f"echo 'export HOME=/opt/tenmon-ark-live' >> {target}"
        assert shell_call("claude", line, agent_home, audit_log, **env) == ["agent-shell-startup-write"], target
        request = write_request("claude-pretooluse-write.json", "file_path", target, "/tmp")
        assert refused_by(run_agent_hook([], request, agent_home, audit_log, **env)) == ["agent-shell-startup-write"]
    assert shell_call("claude", f"cat {env['CLAUDE_ENV_FILE']}", agent_home, audit_log, **env) == []
    assert shell_call("claude", f"echo x >> {tmp_path}/notes.txt", agent_home, audit_log, **env) == []


# ----------------------------------------------------------------------------------------------------------------
# Text a call leaves to run later: Claude Code's and Gemini CLI's shell ends with the call, so an EXIT trap runs as the
# call's own last act, with nothing typed in between; a json-protocol agent may keep one shell, where it runs after
# later calls (and Cursor's shell calls this door has no account of).

LEFT_TO_RUN_LATER = [
    # (line, rules where each call is a new shell, whether bash -c of the line removes the live dist)
    ('tmp=$(mktemp -d); trap \'rm -rf "$tmp"\' EXIT; echo x > "$tmp"/a; ls "$tmp"', [], False),
    ("trap 'rm -rf dist' EXIT; ls", [], False),
    ("cd {live}; trap 'rm -rf dist' EXIT; ls", ["live-dir-direct-write"], True),
    ("trap 'rm -rf dist' EXIT; cd {live}", ["live-dir-direct-write"], True),
    ("x=echo; trap '$x dist' EXIT; x='rm -rf'; cd {live}", ["live-dir-direct-write"], True),
]


@pytest.mark.parametrize(("line", "rules", "removes"), LEFT_TO_RUN_LATER, ids=[c[0][:40] for c in LEFT_TO_RUN_LATER])
@pytest.mark.parametrize("protocol", PROTOCOL_NAMES)
def test_a_trap_runs_as_the_calls_own_shell_ends(
    protocol: str, line: str, rules: list[str], removes: bool, tmp_path: Path, audit_log: Path
) -> None:
    """Stop 24's red-team merge judged a trap's text as if later lines might move the shell first, in every door that
    reads a line at a prompt: the everyday ``tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT`` was refused to Claude Code.
    Each case is run in a real ``bash -c`` from /tmp, as those agents run a call, with a scratch live tree: the
    refused ones remove its dist there, the allowed ones leave it whole."""
    live = tmp_path / "live"
    (live / "dist").mkdir(parents=True)
    (live / "dist" / "index.js").write_text("console.log('api')\n", encoding="utf-8")
    command = line.format(live=live)
    got = rules_of(
        run_hook(["--format", protocol, *policy_args(live)], request_for(protocol, command, "/tmp"), audit_log)
    )
    if protocol in ("claude", "gemini"):
        assert got == rules
    else:  # (one shell kept across calls: the trap runs after calls this door has not seen)
        assert "unknown-target" in got or got == rules != [], got
    subprocess.run(["bash", "--norc", "--noprofile", "-c", command], cwd="/tmp", check=False, capture_output=True)
    assert (live / "dist" / "index.js").exists() is not removes


# A script the agent wrote with its file tool (a path no rule protects) and then runs with its shell tool: the door
# reads the file the line runs, by each way a line runs one
SCRIPT_RUNS = [
    ("bash {dir}/fix.sh", "fix.sh", "rm -rf {live}/dist\n"),
    ("cd {dir} && sh fix.sh", "fix.sh", "rm -rf {live}/dist\n"),
    ("{dir}/fix", "fix", "#!/bin/bash\nrm -rf {live}/dist\n"),
    (". {dir}/fix.sh", "fix.sh", "rm -rf {live}/dist\n"),
    ("bash -c 'bash {dir}/outer.sh'", "outer.sh", "bash {dir}/inner.sh\n"),
    ("bash < {dir}/fix.sh", "fix.sh", "rm -rf {live}/dist\n"),
    ("cat {dir}/fix.sh | sh", "fix.sh", "rm -rf {live}/dist\n"),
]


@pytest.mark.parametrize(("line", "name", "text"), SCRIPT_RUNS, ids=[c[0][:40] for c in SCRIPT_RUNS])
def test_a_script_file_the_line_runs_is_judged_by_its_text(
    line: str, name: str, text: str, tmp_path: Path, audit_log: Path
) -> None:
    """``bash /tmp/fix.sh`` was allowed whatever fix.sh held: a script on disk was only a name to the engine, and an
    agent writes one with its file tool a call before it runs it. Refused now, by the rule its text breaks, the
    message naming the script; a real bash then removes the dist, and a harmless script runs as before."""
    live, scripts = tmp_path / "live", tmp_path / "scripts"
    scripts.mkdir()
    values = {"dir": scripts, "live": live}
    files = {scripts / name: text.format(**values), scripts / "inner.sh": f"rm -rf {live}/dist\n"}
    assert_read_from_disk(line.format(**values), files, live, "(in the script ", audit_log)


def assert_read_from_disk(command: str, files: dict[Path, str], live: Path, named: str, audit_log: Path) -> None:
    """With ``files`` on disk (texts that remove the live dist), the agent door refuses ``command`` by the rule the
    texts break, ``named`` in its message; with each rm made harmless it allows it; and a real bash running it with
    the files as they were removes the dist."""
    (live / "dist").mkdir(parents=True)

    def write(harmless: bool) -> None:
        for path, text in files.items():
            path.write_text(text.replace(f"rm -rf {live}/dist", "echo fine") if harmless else text, encoding="utf-8")
            path.chmod(0o755)

    write(harmless=False)
    result = run_hook(["--format", "claude", *policy_args(live)], request_for("claude", command, "/tmp"), audit_log)
    assert result.returncode == 2, result.stderr
    assert "live-dir-direct-write" in result.stderr.decode() and named in result.stderr.decode()
    write(harmless=True)
    allowed = run_hook(["--format", "claude", *policy_args(live)], request_for("claude", command, "/tmp"), audit_log)
    assert allowed.returncode == 0, allowed.stderr
    write(harmless=False)
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", command], cwd="/tmp", check=False, capture_output=True
    )
    assert not (live / "dist").exists(), done.stderr.decode()


# Shell text a command runs from its project, which the agent writes with its file tool as well: a package.json
# script (with its pre and post scripts) and a git hook
GIT = "git -c user.email=agent@example.com -c user.name=agent"
PROJECT_RUNS = [
    ("cd {dir} && npm test", "package.json", '{{"scripts": {{"test": "rm -rf {live}/dist"}}}}'),
    (
        "npm --prefix {dir} run build",
        "package.json",
        '{{"scripts": {{"prebuild": "rm -rf {live}/dist", "build": ":"}}}}',
    ),
    (
        "cd {dir} && npm start",
        "package.json",
        '{{"scripts": {{"start": "rm -rf {live}/dist"}}}}',
    ),
    (
        "cd {dir} && " + GIT + " commit -q --allow-empty -m x",
        ".git/hooks/pre-commit",
        "#!/bin/sh\nrm -rf {live}/dist\n",
    ),
    (GIT + " -C {dir} commit -q --allow-empty -m x", ".git/hooks/post-commit", "#!/bin/sh\nrm -rf {live}/dist\n"),
]


@pytest.mark.parametrize(("line", "name", "text"), PROJECT_RUNS, ids=[c[0][-32:] for c in PROJECT_RUNS])
def test_what_a_command_runs_from_its_project_is_judged_by_its_text(
    line: str, name: str, text: str, tmp_path: Path, audit_log: Path
) -> None:
    """``npm test`` and ``git commit`` were allowed whatever package.json's scripts and the repository's hooks held,
    and an agent writes those with its file tool as it writes a script. Refused now, by the rule the text breaks, the
    message naming the script or hook; a real npm or git then removes the dist, and harmless text runs as before."""
    live, project = tmp_path / "live", tmp_path / "project"
    subprocess.run(["git", "init", "-q", str(project)], check=True, capture_output=True)
    values = {"dir": project, "live": live}
    assert_read_from_disk(line.format(**values), {project / name: text.format(**values)}, live, "(in the ", audit_log)
