"""SARIF 2.1.0 output: valid against the OASIS schema (tests/data/sarif-2.1.0.json, errata 01), one run, every
rule described, repository-relative URIs, and no empty strings (GitHub code scanning rejects them)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tenmon_guard.main import main

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "data" / "lint" / "repo"
SCHEMA = Path(__file__).parent / "data" / "sarif-2.1.0.json"
POLICY = str(REPO_ROOT / "policies" / "tenmon-ark.yaml")


@pytest.fixture()
def sarif(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    root = tmp_path / "my repo"  # a space, to see it percent-encoded in URIs
    shutil.copytree(FIXTURE, root)
    (root / ".git").mkdir()
    outside = tmp_path / "elsewhere.sh"
    outside.write_text("#!/bin/sh\npkill -9 node\n")
    monkeypatch.chdir(root)
    monkeypatch.delenv("TENMON_GUARD_POLICY", raising=False)
    code = main(["lint", "--policy", POLICY, "--format", "sarif", ".", str(outside), "missing.sh"])
    out, _ = capsys.readouterr()
    assert code == 2  # missing.sh
    document: dict[str, Any] = json.loads(out)
    return document


def test_validates_against_the_sarif_schema(sarif: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft4Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(sarif), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield path + "/" + key, key
            yield from _strings(item, path + "/" + key)
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _strings(item, f"{path}/{n}")


def test_no_empty_strings(sarif: dict[str, Any]) -> None:
    assert [p for p, s in _strings(sarif) if not s.strip()] == []


def test_one_run_with_described_rules(sarif: dict[str, Any]) -> None:
    (run,) = sarif["runs"]
    assert sarif["version"] == "2.1.0"
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert {"force-kill-by-port", "sigkill-app", "kill-app-bypassing-systemd", "live-dir-direct-write"} <= set(ids)
    assert {"unread", "suppression-unused"} <= set(ids)
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning")
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning") and result["message"]["text"]


def test_results_have_repository_relative_locations(sarif: dict[str, Any]) -> None:
    (run,) = sarif["runs"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/my%20repo/")
    assert run["columnKind"] == "unicodeCodePoints"
    by_uri = {}
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]
        by_uri.setdefault(location["artifactLocation"]["uri"], []).append((result["ruleId"], location))
    ((rule, restart),) = by_uri["ops/restart_bad.sh"]
    assert rule == "force-kill-by-port"
    assert restart["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert restart["region"] == {"startLine": 6, "startColumn": 1, "endLine": 6, "endColumn": 18}
    outside = [uri for uri in by_uri if uri.startswith("file:///")]
    assert len(outside) == 1 and outside[0].endswith("/elsewhere.sh")
    assert all(not uri.startswith(("/", "./")) for uri in by_uri)


def test_notes_and_errors_are_tool_notifications(sarif: dict[str, Any]) -> None:
    (invocation,) = sarif["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    levels = {
        n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: n["level"]
        for n in invocation["toolExecutionNotifications"]
    }
    assert levels["missing.sh"] == "error"
    assert levels["bin/zsh-tool"] == "note"
