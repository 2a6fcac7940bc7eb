"""The command corpus: every rule, every spelling, every wrapper, and the near misses, judged by the real CLI.

``tests/corpus/*.yaml`` and ``tests/heldout/*.yaml`` are lists of entries::

    - cmd: 'rm -rf /opt/tenmon-ark-live/dist'   # the command line (multi-line text as a block scalar)
      expect: block                              # allow | warn | block
      rule: live-dir-direct-write                # required for warn/block, forbidden for allow
      note: 'why, when it is not obvious'        # optional

``rule`` is a rule id of policies/tenmon-ark.yaml or a reserved id (unread, unknown-command, unknown-target); the
test asserts the verdict's decision and that a finding with that rule has that decision. Every command is judged
in the ``check`` door with the bundled policy's default variables and cwd /home/ops, through ONE
``tenmon-guard check --batch`` process (NUL-separated commands in, one JSON verdict per line out).

The held-out corpus is written to the same semantics but is not used to tune the engine: its test prints the
accuracy and fails only below 90%.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

TESTS_DIR = Path(__file__).resolve().parent
CORPUS_DIR = TESTS_DIR / "corpus"
HELDOUT_DIR = TESTS_DIR / "heldout"
POLICY_FILE = TESTS_DIR.parent / "policies" / "tenmon-ark.yaml"

BATCH_CWD = "/home/ops"
DECISIONS = ("allow", "warn", "block")
RESERVED_RULES = frozenset({"unread", "unknown-command", "unknown-target"})
REQUIRED_KEYS = frozenset({"cmd", "expect"})
OPTIONAL_KEYS = frozenset({"rule", "note"})
STR_TAG = "tag:yaml.org,2002:str"

MIN_CORPUS_ENTRIES = 350
MIN_HELDOUT_ENTRIES = 100
MIN_BLOCKS_PER_RULE = 20
HELDOUT_THRESHOLD = 0.90

VERDICT_KEYS = frozenset({"command", "decision", "findings"})
FINDING_KEYS = frozenset({"rule", "decision", "message", "suggestion", "span"})
FINDING_OPTIONAL_KEYS = frozenset({"confirm"})

KILL_RULES = ("force-kill-by-port", "sigkill-app", "kill-app-bypassing-systemd", "force-kill-by-kernel")
RESTART_WAYS = ("restart_api.sh", "systemctl restart")
DEPLOY_WAY = "deploy_live.sh"

Verdict = dict[str, Any]
RunGuard = Callable[..., "subprocess.CompletedProcess[str]"]


class CorpusError(Exception):
    """A corpus file that breaks the format: ``FILE:LINE: key: what is wrong``."""


@dataclass(frozen=True)
class Entry:
    """One command line with its expected decision. ``source`` is ``file.yaml:LINE``, the pytest id."""

    source: str
    cmd: str
    expect: str
    rule: str | None = None
    note: str | None = None


def policy_rule_ids(path: Path = POLICY_FILE) -> frozenset[str]:
    """The rule ids of the bundled pack: the only ids (with the reserved ones) a corpus entry may name."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return frozenset(str(rule["id"]) for rule in data["rules"])


KNOWN_RULES = policy_rule_ids() | RESERVED_RULES


def _scalar(node: yaml.Node, where: str, key: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.tag != STR_TAG:
        raise CorpusError(f"{where}: {key}: expected a string (quote it)")
    return str(node.value)


def _entry(node: yaml.Node, path: Path) -> Entry:
    where = f"{path.name}:{node.start_mark.line + 1}"
    if not isinstance(node, yaml.MappingNode):
        raise CorpusError(f"{where}: expected a mapping with cmd/expect/rule/note")
    fields: dict[str, str] = {}
    for key_node, value_node in node.value:
        key = _scalar(key_node, where, "key")
        if key not in REQUIRED_KEYS | OPTIONAL_KEYS:
            raise CorpusError(f"{where}: {key}: unknown key (allowed: cmd, expect, rule, note)")
        if key in fields:
            raise CorpusError(f"{where}: {key}: given twice")
        fields[key] = _scalar(value_node, where, key)
    missing = sorted(REQUIRED_KEYS - fields.keys())
    if missing:
        raise CorpusError(f"{where}: {missing[0]}: missing")
    return _validated(Entry(source=where, **fields), where)


def _validated(entry: Entry, where: str) -> Entry:
    if not entry.cmd.strip():
        raise CorpusError(f"{where}: cmd: empty")
    if "\0" in entry.cmd:
        raise CorpusError(f"{where}: cmd: contains a NUL byte (the batch separator)")
    if entry.expect not in DECISIONS:
        raise CorpusError(f"{where}: expect: {entry.expect!r} is not one of {', '.join(DECISIONS)}")
    if entry.expect == "allow" and entry.rule is not None:
        raise CorpusError(f"{where}: rule: an allowed command names no rule")
    if entry.expect != "allow" and entry.rule is None:
        raise CorpusError(f"{where}: rule: missing (which rule decides {entry.expect}?)")
    if entry.rule is not None and entry.rule not in KNOWN_RULES:
        raise CorpusError(f"{where}: rule: {entry.rule!r} is neither a policy rule nor a reserved id")
    if entry.note is not None and not entry.note.strip():
        raise CorpusError(f"{where}: note: empty")
    return entry


def load_file(path: Path) -> list[Entry]:
    """The entries of one corpus file, validated strictly (unknown keys, missing keys, bad values all fail)."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise CorpusError(f"{path.name}: not valid YAML: {error}") from None
    if not isinstance(root, yaml.SequenceNode) or not root.value:
        raise CorpusError(f"{path.name}:1: expected a non-empty list of entries")
    return [_entry(node, path) for node in root.value]


def load_dir(directory: Path) -> tuple[Entry, ...]:
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise CorpusError(f"{directory}: no *.yaml corpus files")
    return tuple(entry for path in files for entry in load_file(path))


CORPUS = load_dir(CORPUS_DIR)
HELDOUT = load_dir(HELDOUT_DIR)


# --- judging -----------------------------------------------------------------------------------------------


def verdict_problems(verdict: object, command: str) -> list[str]:
    """Everything in ``verdict`` that breaks the JSON contract of DESIGN.md (empty: it conforms)."""
    if not isinstance(verdict, dict):
        return [f"verdict is {type(verdict).__name__}, not an object"]
    problems: list[str] = []
    if set(verdict) != VERDICT_KEYS:
        problems.append(f"verdict keys {sorted(verdict)} != {sorted(VERDICT_KEYS)}")
    if verdict.get("command") != command:
        problems.append(f"command {verdict.get('command')!r} != {command!r}")
    if verdict.get("decision") not in DECISIONS:
        problems.append(f"decision {verdict.get('decision')!r}")
    findings = verdict.get("findings")
    if not isinstance(findings, list):
        return [*problems, "findings is not a list"]
    for finding in findings:
        problems.extend(_finding_problems(finding, len(command)))
    worst = max((DECISIONS.index(f["decision"]) for f in findings if _is_finding(f)), default=0)
    if not problems and verdict["decision"] != DECISIONS[worst]:
        problems.append(f"decision {verdict['decision']!r} is not the most severe finding's {DECISIONS[worst]!r}")
    return problems


def _is_finding(finding: object) -> bool:
    return isinstance(finding, dict) and finding.get("decision") in DECISIONS


def _finding_problems(finding: object, length: int) -> list[str]:
    if not isinstance(finding, dict):
        return [f"finding {finding!r} is not an object"]
    problems = []
    keys = set(finding)
    if not FINDING_KEYS <= keys <= FINDING_KEYS | FINDING_OPTIONAL_KEYS:
        problems.append(f"finding keys {sorted(keys)}")
    if not isinstance(finding.get("rule"), str) or not finding.get("rule"):
        problems.append(f"finding rule {finding.get('rule')!r}")
    if finding.get("decision") not in DECISIONS:
        problems.append(f"finding decision {finding.get('decision')!r}")
    if not isinstance(finding.get("message"), str) or not finding.get("message"):
        problems.append(f"finding message {finding.get('message')!r}")
    if finding.get("suggestion") is not None and not isinstance(finding.get("suggestion"), str):
        problems.append(f"finding suggestion {finding.get('suggestion')!r}")
    span = finding.get("span")
    if not (
        isinstance(span, list)
        and len(span) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) for n in span)
        and 0 <= span[0] <= span[1] <= length
    ):
        problems.append(f"finding span {span!r} (command length {length})")
    return problems


def mismatch(entry: Entry, verdict: Verdict) -> str | None:
    """Why ``verdict`` is not what ``entry`` expects, in one readable paragraph; None when it is."""
    matched = verdict["decision"] == entry.expect and (
        entry.rule is None
        or any(f["rule"] == entry.rule and f["decision"] == entry.expect for f in verdict["findings"])
    )
    if matched:
        return None
    wanted = entry.expect + (f" by {entry.rule}" if entry.rule else "")
    found = ", ".join(f"{f['rule']}={f['decision']}" for f in verdict["findings"]) or "no findings"
    text = f"{entry.source}: expected {wanted}, got {verdict['decision']} ({found})\n    command: {entry.cmd!r}"
    if entry.note:
        text += f"\n    note: {entry.note}"
    return text


@pytest.fixture(scope="module")
def verdicts(run_guard: RunGuard, default_policy: Path) -> dict[str, Verdict]:
    """Every corpus and held-out command judged by one ``check --batch`` process, keyed by command text."""
    commands = list(dict.fromkeys(entry.cmd for entry in (*CORPUS, *HELDOUT)))
    args = ["check", "--batch", "--policy", str(default_policy), "--cwd", BATCH_CWD]
    proc = run_guard(args, stdin="\0".join(commands), timeout=600.0)
    lines = proc.stdout.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if proc.returncode not in (0, 1) or len(lines) != len(commands):
        pytest.fail(
            f"check --batch exited {proc.returncode} with {len(lines)} verdict lines for {len(commands)} commands; "
            f"stderr:\n{proc.stderr[-3000:]}",
            pytrace=False,
        )
    out: dict[str, Verdict] = {}
    for command, line in zip(commands, lines, strict=True):
        try:
            verdict = json.loads(line)
        except json.JSONDecodeError as error:
            pytest.fail(f"verdict for {command!r} is not JSON ({error}): {line[:300]!r}", pytrace=False)
        problems = verdict_problems(verdict, command)
        if problems:
            pytest.fail(f"verdict for {command!r} breaks the contract: {'; '.join(problems)}", pytrace=False)
        out[command] = verdict
    return out


@pytest.mark.parametrize("entry", CORPUS, ids=[entry.source for entry in CORPUS])
def test_corpus_entry(entry: Entry, verdicts: dict[str, Verdict]) -> None:
    problem = mismatch(entry, verdicts[entry.cmd])
    assert problem is None, problem


def test_heldout_accuracy(verdicts: dict[str, Verdict], capsys: pytest.CaptureFixture[str]) -> None:
    """Measures the guard on commands it was not tuned on; prints the figure and every miss."""
    misses = [text for entry in HELDOUT if (text := mismatch(entry, verdicts[entry.cmd])) is not None]
    total = len(HELDOUT)
    accuracy = (total - len(misses)) / total
    report = f"held-out corpus: {total - len(misses)}/{total} correct ({accuracy:.1%})"
    if misses:
        report += "\n  " + "\n  ".join(misses)
    with capsys.disabled():
        print(f"\n{report}")
    assert accuracy >= HELDOUT_THRESHOLD, report


def test_suggestions_name_the_approved_way(verdicts: dict[str, Verdict]) -> None:
    """A refusal tells the person what to do instead: the restart script or systemctl restart for the kill rules,
    the deploy script for the live dir."""
    wrong = []
    for verdict in verdicts.values():
        for finding in verdict["findings"]:
            suggestion = finding["suggestion"] or ""
            if finding["rule"] in KILL_RULES and not any(way in suggestion for way in RESTART_WAYS):
                wrong.append(f"{finding['rule']}: {suggestion!r}")
            if finding["rule"] == "live-dir-direct-write" and DEPLOY_WAY not in suggestion:
                wrong.append(f"{finding['rule']}: {suggestion!r}")
    assert not wrong, sorted(set(wrong))


# --- the corpus itself ---------------------------------------------------------------------------------------


def test_corpus_size() -> None:
    assert len(CORPUS) >= MIN_CORPUS_ENTRIES
    assert len(HELDOUT) >= MIN_HELDOUT_ENTRIES


def test_corpus_covers_every_rule_and_decision() -> None:
    blocks = Counter(entry.rule for entry in CORPUS if entry.expect == "block")
    thin = {rule: blocks[rule] for rule in policy_rule_ids() if blocks[rule] < MIN_BLOCKS_PER_RULE}
    assert not thin, f"rules with fewer than {MIN_BLOCKS_PER_RULE} blocking entries: {thin}"
    rules = {entry.rule for entry in CORPUS}
    assert rules >= RESERVED_RULES, f"reserved ids never expected: {sorted(RESERVED_RULES - rules)}"
    expects = Counter(entry.expect for entry in CORPUS)
    assert all(expects[decision] for decision in DECISIONS), expects


def _duplicates(entries: Iterable[Entry]) -> list[str]:
    first: dict[str, str] = {}
    repeated = []
    for entry in entries:
        if entry.cmd in first:
            repeated.append(f"{entry.source} repeats {first[entry.cmd]}: {entry.cmd!r}")
        first.setdefault(entry.cmd, entry.source)
    return repeated


def test_no_duplicate_commands() -> None:
    """Each command once, and the held-out corpus shares none with the tuning corpus."""
    assert not _duplicates((*CORPUS, *HELDOUT))


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_entries_are_real_shell() -> None:
    """Every entry is text bash accepts (``bash -n``, with ``extglob`` on as in an interactive shell on Debian),
    except the ones meant to be unread, which bash rejects; any entry bash rejects must be expected to block."""
    wrong = []
    for entry in (*CORPUS, *HELDOUT):
        checked = subprocess.run(["bash", "-O", "extglob", "-n"], input=entry.cmd.encode(), capture_output=True)
        ok = checked.returncode == 0
        if entry.rule == "unread" and ok:
            wrong.append(f"{entry.source}: expected unread, but bash -n accepts it")
        if not ok and entry.expect != "block":
            wrong.append(f"{entry.source}: bash -n rejects it, yet it is expected to {entry.expect}")
    assert not wrong, "\n".join(wrong)


def test_corpus_loader_is_strict(tmp_path: Path) -> None:
    cases = {
        "- {cmd: ls, expect: allow, rules: x}\n": "rules: unknown key",
        "- {cmd: ls, expect: permit}\n": "expect: 'permit' is not one of",
        "- {cmd: rm -rf /, expect: block}\n": "rule: missing",
        "- {cmd: ls, expect: allow, rule: sigkill-app}\n": "rule: an allowed command names no rule",
        "- {cmd: x, expect: block, rule: no-such-rule}\n": "rule: 'no-such-rule' is neither",
        "- {expect: allow}\n": "cmd: missing",
        "- {cmd: 12, expect: allow}\n": "cmd: expected a string",
        "- {cmd: ls, cmd: pwd, expect: allow}\n": "cmd: given twice",
        "- ls\n": "expected a mapping",
        "{cmd: ls}\n": "expected a non-empty list",
    }
    for text, message in cases.items():
        path = tmp_path / "bad.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(CorpusError, match=message.replace("(", r"\(")):
            load_file(path)


# --- the one-shot form ---------------------------------------------------------------------------------------


def _one_of_each() -> list[Entry]:
    """The first corpus entry of each (expected decision, rule) pair: a few one-shot runs that cover them all."""
    chosen: dict[tuple[str, str | None], Entry] = {}
    for entry in CORPUS:
        if "\n" not in entry.cmd:
            chosen.setdefault((entry.expect, entry.rule), entry)
    return list(chosen.values())


ONE_SHOT = _one_of_each()


def _check_args(policy: Path, *extra: str) -> list[str]:
    return ["check", "--policy", str(policy), "--cwd", BATCH_CWD, *extra]


@pytest.mark.parametrize("entry", ONE_SHOT, ids=[entry.source for entry in ONE_SHOT])
def test_one_shot_exit_code(entry: Entry, run_guard: RunGuard, default_policy: Path) -> None:
    """``check -- COMMAND`` exits 1 for block and 0 for allow or warn, and never prints a traceback."""
    proc = run_guard([*_check_args(default_policy), "--", entry.cmd])
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.returncode == (1 if entry.expect == "block" else 0), (proc.returncode, proc.stdout, proc.stderr)


@pytest.mark.parametrize(
    "command",
    ["rm -rf /opt/tenmon-ark-live/dist", "sudo fuser -k 3000/tcp", "kill -9 $PID", "ls -la /opt/tenmon-ark-live/dist"],
)
def test_one_shot_json_shape(command: str, run_guard: RunGuard, default_policy: Path) -> None:
    """``check --json -- COMMAND`` prints exactly one JSON verdict, shaped as the contract says."""
    proc = run_guard([*_check_args(default_policy, "--json"), "--", command])
    lines = proc.stdout.splitlines()
    assert len(lines) == 1, proc.stdout
    verdict = json.loads(lines[0])
    assert verdict_problems(verdict, command) == []
    assert proc.returncode == (1 if verdict["decision"] == "block" else 0)
    expected = next(entry for entry in CORPUS if entry.cmd == command)
    assert mismatch(expected, verdict) is None


def test_one_shot_usage_errors_exit_2(run_guard: RunGuard, default_policy: Path, tmp_path: Path) -> None:
    for args in (
        [*_check_args(default_policy, "--no-such-option"), "--", "ls"],
        ["check", "--policy", str(tmp_path / "missing.yaml"), "--", "ls"],
    ):
        proc = run_guard(args)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert proc.stderr.strip(), "an error says what is wrong"


def test_one_shot_var_moves_the_protected_tree(run_guard: RunGuard, default_policy: Path) -> None:
    """``--var live_dir=...`` points the pack at another tree: the default one is then not protected."""
    args = _check_args(default_policy, "--var", "live_dir=/srv/guarded")
    assert run_guard([*args, "--", "rm -rf /srv/guarded/dist"]).returncode == 1
    assert run_guard([*args, "--", "rm -rf /opt/tenmon-ark-live/dist"]).returncode == 0


def test_one_shot_cwd_resolves_relative_paths(run_guard: RunGuard, default_policy: Path) -> None:
    command = ["--", "rm -rf dist"]
    inside = ["check", "--policy", str(default_policy), "--cwd", "/opt/tenmon-ark-live", *command]
    assert run_guard(inside).returncode == 1
    assert run_guard(_check_args(default_policy, *command)).returncode == 0
