"""Policy loading: every error kind with its exact message, variables, layers, lookup, root ownership, the pack.

The fixtures under tests/data/policies/bad carry their expected messages in ``# expect:`` lines; see the README
there. Tests run as root (they chown files to nobody to build untrusted ones)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenmon_guard.errors import PolicyError
from tenmon_guard.policy import (
    Layer,
    Policy,
    load_policy,
    packaged_policy_dir,
    resolve_policy_paths,
)
from tenmon_guard.verdict import Decision

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "data" / "policies"
BAD = sorted((FIXTURES / "bad").glob("*.yaml"))
GOOD = sorted((FIXTURES / "good").glob("*.yaml"))
PACK = REPO / "policies" / "tenmon-ark.yaml"
SCHEMA = json.loads((REPO / "tenmon_guard" / "data" / "policy.schema.json").read_text())
NOBODY = 65534

HEAD = "tenmon-guard-policy: 1\nname: t\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def errors_of(*paths: Path | str, **kwargs: object) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        load_policy(list(paths), **kwargs)  # type: ignore[arg-type]
    assert str(caught.value) == "\n".join(caught.value.messages)
    return caught.value.messages


def header(path: Path, key: str) -> list[str]:
    prefix = f"# {key}: "
    return [line[len(prefix) :] for line in path.read_text().splitlines() if line.startswith(prefix)]


def schema_verdict(text: str) -> str:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        return "unloadable"
    errors = list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(document))
    return "invalid" if errors else "valid"


# ---------------------------------------------------------------------------------------------------------------
# Fixtures: every error kind, exact text; the schema agrees on shape errors


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_fixture_reports_exactly_its_errors_and_is_not_modified(path: Path) -> None:
    before = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    expected = [line.replace("{file}", str(path)) for line in header(path, "expect")]
    assert expected, "a bad fixture needs # expect: lines"
    assert errors_of(path) == expected
    assert (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) == before
    assert not Path("/tmp/tenmon-guard-test-pwned").exists()


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_fixture_schema_verdict(path: Path) -> None:
    (expected,) = header(path, "schema")
    assert schema_verdict(path.read_text()) == expected


@pytest.mark.parametrize("path", [*GOOD, PACK], ids=lambda p: p.stem)
def test_good_files_load_and_validate_against_the_schema(path: Path) -> None:
    assert isinstance(load_policy([path]), Policy)
    assert schema_verdict(path.read_text()) == "valid"


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


# ---------------------------------------------------------------------------------------------------------------
# The packaged pack


def test_packaged_pack_is_the_repository_pack() -> None:
    packaged = packaged_policy_dir() / "tenmon-ark.yaml"
    assert packaged.read_bytes() == PACK.read_bytes()


def test_packaged_pack_loads_with_its_rules_expanded() -> None:
    policy = load_policy([packaged_policy_dir()])
    assert [rule.id for rule in policy.rules] == [
        "force-kill-by-port",
        "sigkill-app",
        "kill-app-pid-bypassing-systemd",
        "signal-app-unit",
        "kill-app-bypassing-systemd",
        "cut-app-sockets",
        "live-dir-direct-write",
        "force-kill-by-kernel",
    ]
    rules = {rule.id: rule for rule in policy.rules}
    assert all(rule.decision is Decision.BLOCK and rule.layer is Layer.SYSTEM for rule in policy.rules)
    assert rules["force-kill-by-port"].suggestion == "bash /opt/tenmon-ark-repo/api/scripts/ops/restart_api.sh"
    assert rules["force-kill-by-port"].match.options == ("-k", "--kill")
    assert rules["force-kill-by-port"].source.endswith("tenmon-ark.yaml:47")
    assert rules["sigkill-app"].match.signals[:3] == ("KILL", "QUIT", "ABRT")  # and the other core-dumping ones
    assert "SEGV" in rules["sigkill-app"].match.signals and "TERM" not in rules["sigkill-app"].match.signals
    assert rules["sigkill-app"].match.targets == "app"
    assert "systemctl kill -s KILL tenmon-ark-api.service" in rules["sigkill-app"].examples.block
    assert "kill 1234" in rules["sigkill-app"].examples.allow
    # kill of the API with a signal that ends it otherwise: no warning for a PID not known (kill $PID is everyday)
    term = rules["kill-app-pid-bypassing-systemd"]
    assert term.match.commands == ("kill", "killall5") and term.match.signals[:3] == ("TERM", "INT", "HUP")
    assert term.match.signals[-31:] == tuple(f"RT{n}" for n in range(34, 65))  # RTMIN..RTMAX
    assert term.doubt is Decision.ALLOW and rules["sigkill-app"].doubt is None
    assert not set(term.match.signals) & set(rules["sigkill-app"].match.signals)
    assert rules["live-dir-direct-write"].match.writes == ("/opt/tenmon-ark-live", "/opt/tenmon-ark-live/**")
    assert rules["live-dir-direct-write"].exempt_paths == ("**/scripts/deploy_live.sh",)
    assert policy.apps["app"].units == ("tenmon-ark-api.service", "system.slice", "-.slice")
    assert policy.apps["app"].ports == ("3000",)
    assert "node /opt/tenmon-ark-live/dist/index.js" in policy.apps["app"].cmdlines
    assert policy.variables["deploy_script"] == "/opt/tenmon-ark-repo/api/scripts/deploy_live.sh"
    assert policy.settings.unknown["sudo"] is Decision.BLOCK
    assert policy.settings.unknown["hook"] is Decision.WARN


def test_importing_the_policy_package_does_not_import_jsonschema_or_difflib() -> None:
    code = (
        "import sys; from tenmon_guard.policy import load_policy; load_policy([sys.argv[1]]); "
        "print(sorted(m for m in ('jsonschema', 'difflib', 'rich', 'prompt_toolkit') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(PACK)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------------------------------------------------------
# File-level errors: one clean line each


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert errors_of(missing) == [f"{missing}: cannot read: no such file or directory"]


def test_directory_without_policy_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "policy.yml").write_text(HEAD)
    (tmp_path / ".hidden.yaml").write_text(HEAD)
    assert errors_of(tmp_path) == [f"{tmp_path}: no *.yaml policy files in this directory"]


def test_empty_and_blank_files(tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.yaml", "")
    blank = write(tmp_path / "blank.yaml", "\n\n   \n")
    message = "empty policy file (a policy starts with 'tenmon-guard-policy: 1')"
    assert errors_of(empty, blank) == [f"{empty}:1: {message}", f"{blank}:1: {message}"]


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(HEAD.encode() + "description: caf\xe9\n".encode("latin-1"))
    assert errors_of(path) == [f"{path}:3: not valid UTF-8 (byte 0xe9 at column 17)"]


def test_utf8_with_bom_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + HEAD.encode() + "description: café ☃\n".encode())
    assert load_policy([path]).rules == ()


def test_control_character(tmp_path: Path) -> None:
    path = tmp_path / "ctl.yaml"
    path.write_bytes(HEAD.encode() + b"description: a\x07b\n")
    assert errors_of(path) == [f"{path}:3: YAML: character U+0007 is not allowed (control characters are not allowed)"]


def test_fifo_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert errors_of(tmp_path) == [f"{fifo}: not a regular file"]


def test_directory_named_like_a_policy(tmp_path: Path) -> None:
    (tmp_path / "sub.yaml").mkdir()
    assert errors_of(tmp_path) == [f"{tmp_path / 'sub.yaml'}: cannot read: is a directory"]


def test_deep_nesting_is_a_clean_error(tmp_path: Path) -> None:
    path = write(tmp_path / "deep.yaml", HEAD + "description: " + "[" * 20000 + "\n")
    (message,) = errors_of(path)
    assert message.startswith(f"{path}:3: YAML syntax error: exceeded maximum nesting depth")


def test_messages_stay_on_one_line(tmp_path: Path) -> None:
    path = write(tmp_path / "p.yaml", HEAD + '"bad\\nkey\\u0007": 1\n')
    assert errors_of(path) == [
        f"{path}:3: bad\\nkey\\x07: unknown key (expected one of: tenmon-guard-policy, name, description, "
        "variables, settings, apps, rules)"
    ]


def test_no_paths() -> None:
    assert errors_of() == ["no policy files given"]


def test_errors_of_all_files_are_collected_in_order(tmp_path: Path) -> None:
    first = write(tmp_path / "a.yaml", HEAD + "descripton: x\n")
    second = write(tmp_path / "b.yaml", "name: t\n")
    missing = tmp_path / "c.yaml"
    assert errors_of(first, second, missing) == [
        f"{first}:3: descripton: unknown key; did you mean 'description'?",
        f"{second}:1: tenmon-guard-policy: required key is missing",
        f"{missing}: cannot read: no such file or directory",
    ]


def test_directory_loads_sorted_yaml_files_and_ignores_others(tmp_path: Path) -> None:
    rule = "  - {{id: {0}, decision: block, message: m, match: {{commands: [{0}]}}}}\n"
    write(tmp_path / "b.yaml", HEAD + "rules:\n" + rule.format("bee"))
    write(tmp_path / "a.yaml", HEAD + "rules:\n" + rule.format("ant"))
    write(tmp_path / "c.yaml.bak", "garbage: [")
    write(tmp_path / ".#a.yaml", "garbage: [")
    policy = load_policy([tmp_path])
    assert [r.id for r in policy.rules] == ["ant", "bee"]
    assert policy.sources == (str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"))
    assert policy.rules[0].source == f"{tmp_path / 'a.yaml'}:4"


def test_same_file_twice_is_read_once(tmp_path: Path) -> None:
    path = write(tmp_path / "p.yaml", HEAD + "rules: [{id: a, decision: warn, message: m, match: {commands: [a]}}]\n")
    assert [r.id for r in load_policy([path, tmp_path, str(path)]).rules] == ["a"]


def test_a_single_path_string_is_one_path(tmp_path: Path) -> None:
    path = write(tmp_path / "p.yaml", HEAD)
    assert load_policy(str(path)).sources == (str(path),)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------------------
# Values: normalisation, expansion


def test_signals_ports_and_literal_dollar_brace(tmp_path: Path) -> None:
    path = write(
        tmp_path / "p.yaml",
        HEAD
        + """\
variables: {p: "8080", cmd: kill}
apps:
  web: {ports: [8080, "${p}"]}
rules:
  - id: k
    decision: block
    message: "costs $${HOME} and $$ and ${cmd}"
    match: {commands: ["${cmd}"], signals: [9, SIGKILL, kill, "15", any], targets: web}
""",
    )
    policy = load_policy([path])
    (rule,) = policy.rules
    assert rule.match.signals == ("KILL", "TERM", "ANY")
    assert rule.match.commands == ("kill",)
    assert rule.message == "costs ${HOME} and $$ and kill"
    assert policy.apps["web"].ports == ("8080", "8080")


def test_doubt_says_what_a_rule_that_may_hold_gives(tmp_path: Path) -> None:
    """``doubt``: a rule whose target is not known statically gives this, not the door's unknown setting (never
    above the rule's decision); ``allow`` gives no finding (kill $PID with SIGTERM)."""
    from tenmon_guard.engine import Context, Guard

    path = write(
        tmp_path / "p.yaml",
        HEAD
        + """\
apps:
  web: {names: [web]}
rules:
  - {id: term, decision: block, doubt: allow, message: m, match: {commands: [kill], signals: [TERM], targets: web}}
  - {id: hup, decision: block, doubt: warn, message: m, match: {commands: [kill], signals: [HUP], targets: web}}
""",
    )
    policy = load_policy([path])
    assert [r.doubt for r in policy.rules] == [Decision.ALLOW, Decision.WARN]
    guard = Guard(policy)
    assert guard.check("kill $PID", Context(door="agent")).decision is Decision.ALLOW
    assert guard.check("kill -HUP $PID", Context(door="agent")).decision is Decision.WARN  # agent: unknown is block
    assert guard.check("kill $(pgrep web)", Context(door="agent")).decision is Decision.BLOCK
    bad = write(tmp_path / "bad.yaml", HEAD + "rules: [{id: a, decision: warn, doubt: maybe, message: m, match: {}}]\n")
    assert any("doubt" in error for error in errors_of(bad))


def test_variables_may_chain_and_be_used_anywhere(tmp_path: Path) -> None:
    path = write(
        tmp_path / "p.yaml",
        """\
        tenmon-guard-policy: 1
        name: ${n}
        description: for ${c}
        variables: {a: /srv, b: "${a}/b", c: "${b}/c", n: chained}
        rules:
          - id: w
            decision: warn
            message: "${c}"
            suggestion: "cd ${b}"
            confirm: "${n}"
            exempt_paths: ["${a}/**"]
            match: {writes: ["${c}/**"], subcommands: ["${n}"], options: ["--${n}"]}
            examples: {block: ["rm ${c}/x"], warn: [], allow: ["ls ${c}"]}
        """,
    )
    (rule,) = load_policy([path]).rules
    assert rule.message == "/srv/b/c"
    assert rule.suggestion == "cd /srv/b"
    assert rule.confirm == "chained"
    assert rule.exempt_paths == ("/srv/**",)
    assert rule.match.writes == ("/srv/b/c/**",)
    assert rule.match.options == ("--chained",)
    assert rule.examples.block == ("rm /srv/b/c/x",)
    assert rule.examples.allow == ("ls /srv/b/c",)


def test_an_undefined_reference_is_reported_once_where_it_is_written(tmp_path: Path) -> None:
    path = write(
        tmp_path / "p.yaml",
        HEAD
        + """\
variables: {a: "${missing}", b: "${a}/x"}
rules: [{id: r, decision: warn, message: "${b}", match: {commands: [x]}}]
""",
    )
    assert errors_of(path) == [
        f"{path}:3: variables.a: undefined variable 'missing' (write $${{missing}} for a literal ${{missing}})"
    ]


def test_long_variable_chains(tmp_path: Path) -> None:
    chain = "".join(f"  v{i}: ${{v{i + 1}}}\n" for i in range(100)) + "  v100: end\n"
    path = write(tmp_path / "ok.yaml", HEAD + "variables:\n" + chain)
    assert load_policy([path]).variables["v0"] == "end"
    chain = "".join(f"  v{i}: ${{v{i + 1}}}\n" for i in range(1500)) + "  v1500: end\n"
    path = write(tmp_path / "deep.yaml", HEAD + "variables:\n" + chain)
    assert errors_of(path) == [f"{path}:4: variables.v0: references nested too deeply"]


# ---------------------------------------------------------------------------------------------------------------
# Overrides (--var)


PACKISH = (
    HEAD
    + """\
variables:
  live_dir: /opt/live
  deploy: ${live_dir}/../deploy.sh
rules:
  - id: live
    decision: block
    message: not ${live_dir}
    suggestion: bash ${deploy}
    match: {writes: ["${live_dir}/**"]}
"""
)


def test_override_replaces_the_default_before_expansion(tmp_path: Path) -> None:
    path = write(tmp_path / "p.yaml", PACKISH)
    policy = load_policy([path], {"live_dir": str(tmp_path / "live")})
    (rule,) = policy.rules
    assert rule.match.writes == (f"{tmp_path}/live/**",)
    assert rule.suggestion == f"bash {tmp_path}/live/../deploy.sh"
    assert policy.variables["live_dir"] == f"{tmp_path}/live"


def test_override_is_literal(tmp_path: Path) -> None:
    path = write(tmp_path / "p.yaml", PACKISH)
    (rule,) = load_policy([path], {"live_dir": "/x/${nothing}"}).rules
    assert rule.message == "not /x/${nothing}"


def test_override_of_an_undefined_variable_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "p.yaml", PACKISH)
    assert errors_of(path, overrides={"live_dri": "/x", "other": "y"}) == [
        "--var live_dri: no policy file defines this variable; did you mean 'live_dir'?",
        "--var other: no policy file defines this variable (defined: deploy, live_dir)",
    ]


def test_override_does_not_hide_errors_elsewhere(tmp_path: Path) -> None:
    path = write(tmp_path / "p.yaml", PACKISH.replace("bash ${deploy}", "bash ${deploy_script}"))
    (message,) = errors_of(path, overrides={"live_dir": "/x"})
    assert message.startswith(f"{path}:10: rules[0].suggestion: undefined variable 'deploy_script'")


# ---------------------------------------------------------------------------------------------------------------
# Layers


SYSTEM = (
    HEAD
    + """\
variables: {live: /opt/live, service: api.service}
settings:
  unknown: {hook: warn, sudo: block}
apps:
  api: {names: [node], units: ["${service}"]}
rules:
  - id: live-write
    decision: warn
    message: m
    exempt_paths: ["**/deploy.sh", "**/rollback.sh"]
    match: {writes: ["${live}/**"]}
  - id: sigkill
    decision: block
    message: m
    match: {commands: [kill], signals: [KILL], targets: api}
"""
)


@pytest.fixture
def system(tmp_path: Path) -> Path:
    return write(tmp_path / "system" / "base.yaml", SYSTEM)


def user_file(tmp_path: Path, body: str, name: str = "mine.yaml") -> Path:
    return write(tmp_path / "user" / name, HEAD + textwrap.dedent(body))


def test_user_layer_adds_rules_apps_and_variables(system: Path, tmp_path: Path) -> None:
    user = user_file(
        tmp_path,
        """\
        variables: {live: /opt/live, worker_port: "4000"}
        apps:
          worker: {ports: ["${worker_port}"]}
        rules:
          - id: no-worker-kill
            decision: block
            message: m ${live}
            match: {commands: [kill], targets: worker}
          - id: api-too
            decision: warn
            message: m
            match: {commands: [pkill], targets: api}
        """,
    )
    policy = load_policy([system], user_paths=[user])
    assert [(r.id, r.layer) for r in policy.rules] == [
        ("live-write", Layer.SYSTEM),
        ("sigkill", Layer.SYSTEM),
        ("no-worker-kill", Layer.USER),
        ("api-too", Layer.USER),
    ]
    assert policy.rules[2].message == "m /opt/live"
    assert policy.rules[2].source == f"{user}:7"
    assert set(policy.apps) == {"api", "worker"}


def test_user_layer_tightens_a_system_rule_in_place(system: Path, tmp_path: Path) -> None:
    user = user_file(
        tmp_path,
        """\
        rules:
          - id: live-write
            decision: block
            message: stricter here
            exempt_paths: ["**/deploy.sh"]
            match: {writes: ["/opt/live/**"]}
        """,
    )
    policy = load_policy([system], user_paths=[user])
    rule = policy.rules[0]
    assert (rule.id, rule.decision, rule.layer, rule.exempt_paths) == (
        "live-write",
        Decision.BLOCK,
        Layer.USER,
        ("**/deploy.sh",),
    )
    assert rule.source == f"{user}:4"
    assert [r.id for r in policy.rules] == ["live-write", "sigkill"]


def test_user_layer_may_not_loosen_a_system_rule(system: Path, tmp_path: Path) -> None:
    user = user_file(
        tmp_path,
        """\
        rules:
          - id: sigkill
            decision: warn
            message: m
            confirm: yes-really
            exempt_paths: ["/home/**"]
            match: {commands: [kill], signals: [KILL]}
            doubt: allow
        """,
    )
    where = f"system rule 'sigkill' ({system}:14)"
    assert errors_of(system, user_paths=[user]) == [
        f"{user}:5: rules[0].decision: a user policy may not lower {where} from block to warn",
        f"{user}:7: rules[0].confirm: a user policy may not add or change the confirm of {where}",
        f"{user}:8: rules[0].exempt_paths: a user policy may not add exempt paths to {where}: /home/**",
        f"{user}:9: rules[0].match: a user policy may redefine {where} only to tighten it, with the same match; "
        "give a rule that matches something else a new id",
        f"{user}:10: rules[0].doubt: a user policy may not lower what a doubt on {where} gives",
    ]


def test_user_layer_may_not_change_system_variables_apps_or_lower_settings(system: Path, tmp_path: Path) -> None:
    user = user_file(
        tmp_path,
        """\
        variables: {live: /tmp/elsewhere, service: api.service}
        settings:
          unknown: {hook: block, sudo: warn}
          unread: {lint: allow}
        apps:
          api: {names: [node, nodejs]}
        """,
    )
    assert errors_of(system, user_paths=[user]) == [
        f"{user}:3: variables.live: a user policy may not change the system variable 'live' (set at {system}:3)",
        f"{user}:5: settings.unknown.sudo: a user policy may not lower this from block to warn (set by {system}:5)",
        f"{user}:6: settings.unread.lint: a user policy may not lower this from block to allow "
        "(set by the built-in default)",
        f"{user}:8: apps.api: a user policy may not change the system app 'api' (defined at {system}:7)",
    ]


def test_user_layer_may_raise_settings(system: Path, tmp_path: Path) -> None:
    user = user_file(tmp_path, "settings: {unknown: {hook: block, check: warn}}\n")
    settings = load_policy([system], user_paths=[user]).settings
    assert settings.unknown["hook"] is Decision.BLOCK
    assert settings.unknown["check"] is Decision.WARN


def test_system_settings_apply_and_conflicts_between_system_files_are_errors(system: Path, tmp_path: Path) -> None:
    assert load_policy([system]).settings.unknown["hook"] is Decision.WARN
    other = write(tmp_path / "system" / "other.yaml", HEAD + "settings: {unknown: {hook: allow, lint: block}}\n")
    assert errors_of(system.parent) == [f"{other}:3: settings.unknown.hook: conflicts with {system}:5 (warn)"]
    alone = load_policy([other]).settings
    assert (alone.unknown["hook"], alone.unknown["lint"]) == (Decision.ALLOW, Decision.BLOCK)


def test_duplicate_ids_across_system_files_and_across_user_files(system: Path, tmp_path: Path) -> None:
    rule = "rules: [{id: sigkill, decision: block, message: m, match: {commands: [x]}}]\n"
    other = write(tmp_path / "system" / "other.yaml", HEAD + rule)
    assert errors_of(system.parent) == [
        f"{other}:3: rules[0].id: duplicate rule id 'sigkill' (first defined at {system}:14)"
    ]
    new = "rules: [{id: mine, decision: block, message: m, match: {commands: [x]}}]\n"
    first = user_file(tmp_path, new, "a.yaml")
    second = user_file(tmp_path, new, "b.yaml")
    assert errors_of(system, user_paths=[first.parent]) == [
        f"{second}:3: rules[0].id: duplicate rule id 'mine' (first defined at {first}:3)"
    ]


def test_system_rule_may_not_target_an_app_only_a_user_defines(tmp_path: Path) -> None:
    base = write(
        tmp_path / "base.yaml",
        HEAD + "rules: [{id: k, decision: block, message: m, match: {commands: [kill], targets: api}}]\n",
    )
    user = user_file(tmp_path, "apps: {api: {names: [nothing-at-all]}}\n")
    assert errors_of(base, user_paths=[user]) == [
        f"{base}:3: rules[0].match.targets: no app named 'api' is defined in a system policy (defined: none)"
    ]


def test_system_text_does_not_see_user_variables(tmp_path: Path) -> None:
    base = write(
        tmp_path / "base.yaml",
        HEAD
        + "variables: {dir: '${where}'}\nrules: [{id: w, decision: block, message: m, match: {writes: ['${dir}']}}]\n",
    )
    user = user_file(tmp_path, "variables: {where: /nowhere}\n")
    message = "undefined variable 'where' in a system policy (only a user policy defines it)"
    assert errors_of(base, user_paths=[user]) == [f"{base}:3: variables.dir: {message}"]


def test_variables_conflicting_between_system_files(tmp_path: Path) -> None:
    first = write(tmp_path / "a.yaml", HEAD + "variables: {x: one}\n")
    second = write(tmp_path / "b.yaml", HEAD + "variables: {x: two}\n")
    assert errors_of(tmp_path) == [f"{second}:3: variables.x: variable 'x' is already defined differently at {first}:3"]


# ---------------------------------------------------------------------------------------------------------------
# Lookup


def test_lookup_cli_paths_are_the_system_layer(tmp_path: Path) -> None:
    chosen = resolve_policy_paths(["a.yaml", tmp_path], {}, False, system_dir=tmp_path / "etc")
    assert chosen.system == (Path("a.yaml"), tmp_path)
    assert chosen.user == ()
    assert chosen.require_root_owned is False


def test_lookup_etc_directory_then_packaged(tmp_path: Path) -> None:
    etc = tmp_path / "etc"
    assert resolve_policy_paths([], {}, False, system_dir=etc).system == (packaged_policy_dir(),)
    etc.mkdir()
    (etc / "README").write_text("x")
    assert resolve_policy_paths([], {}, False, system_dir=etc).system == (packaged_policy_dir(),)
    (etc / "site.yaml").write_text(HEAD)
    chosen = resolve_policy_paths([], {}, True, system_dir=etc)
    assert (chosen.system, chosen.require_root_owned) == ((etc,), True)


def test_lookup_user_layers_from_environment_and_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    config = write(home / ".config" / "tenmon-guard" / "policies.d" / "me.yaml", HEAD).parent
    environ = {"HOME": str(home), "TENMON_GUARD_POLICY": f"/x/a.yaml::{tmp_path}/dir"}
    chosen = resolve_policy_paths([], environ, False, system_dir=tmp_path / "etc")
    assert chosen.user == (Path("/x/a.yaml"), tmp_path / "dir", config)
    xdg = write(tmp_path / "xdg" / "tenmon-guard" / "policies.d" / "me.yaml", HEAD).parent
    chosen = resolve_policy_paths([], {**environ, "XDG_CONFIG_HOME": str(tmp_path / "xdg")}, False)
    assert chosen.user[-1] == xdg
    assert resolve_policy_paths([], {"HOME": str(tmp_path / "empty")}, False).user == ()


def test_lookup_trusted_only_ignores_what_the_user_controls(tmp_path: Path) -> None:
    home = tmp_path / "home"
    config = write(home / ".config" / "tenmon-guard" / "policies.d" / "me.yaml", HEAD).parent
    environ = {"HOME": str(home), "TENMON_GUARD_POLICY": "/x/a.yaml"}
    chosen = resolve_policy_paths(["mine.yaml"], environ, True, trusted_only=True, system_dir=tmp_path / "etc")
    assert chosen.system == (packaged_policy_dir(),)
    assert chosen.user == ()
    assert chosen.ignored == (Path("mine.yaml"), Path("/x/a.yaml"), config)


def test_lookup_result_loads(tmp_path: Path) -> None:
    chosen = resolve_policy_paths([], {"HOME": str(tmp_path)}, False, system_dir=tmp_path / "etc")
    policy = load_policy(chosen.system, user_paths=chosen.user, require_root_owned=chosen.require_root_owned)
    assert len(policy.rules) == 8


# ---------------------------------------------------------------------------------------------------------------
# Running as root: only root-owned files root alone can write

ROOT_NOTE = " (running as root, tenmon-guard reads only policy files that root owns and only root can write)"


@pytest.fixture
def trusted_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "policies"
    directory.mkdir(mode=0o755)
    directory.chmod(0o755)
    tmp_path.chmod(0o755)
    return directory


def test_root_owned_file_is_accepted(trusted_dir: Path) -> None:
    path = write(trusted_dir / "p.yaml", HEAD)
    path.chmod(0o644)
    assert load_policy([path], require_root_owned=True).sources == (str(path),)


def test_file_owned_by_another_user_is_refused(trusted_dir: Path) -> None:
    path = write(trusted_dir / "p.yaml", HEAD)
    os.chown(path, NOBODY, NOBODY)
    assert errors_of(path, require_root_owned=True) == [
        f"{path}: refused: it is owned by nobody (uid {NOBODY}), not root{ROOT_NOTE}"
    ]
    assert load_policy([path]).sources == (str(path),)


def test_group_writable_file_is_refused(trusted_dir: Path) -> None:
    path = write(trusted_dir / "p.yaml", HEAD)
    path.chmod(0o664)
    assert errors_of(path, require_root_owned=True) == [
        f"{path}: refused: it is writable by group or others (mode 0664){ROOT_NOTE}"
    ]


def test_writable_directory_is_refused(trusted_dir: Path) -> None:
    path = write(trusted_dir / "p.yaml", HEAD)
    path.chmod(0o644)
    trusted_dir.chmod(0o777)
    expected = f"refused: {trusted_dir} is writable by group or others (mode 0777){ROOT_NOTE}"
    assert errors_of(path, require_root_owned=True) == [f"{path}: {expected}"]
    assert errors_of(trusted_dir, require_root_owned=True) == [
        f"{trusted_dir}: refused: it is writable by group or others (mode 0777){ROOT_NOTE}"
    ]


def test_directory_member_owned_by_another_user_is_refused(trusted_dir: Path) -> None:
    good = write(trusted_dir / "a.yaml", HEAD)
    bad = write(trusted_dir / "b.yaml", HEAD.replace("name: t", "name: u"))
    good.chmod(0o644)
    bad.chmod(0o644)
    os.chown(bad, NOBODY, 0)
    assert errors_of(trusted_dir, require_root_owned=True) == [
        f"{bad}: refused: it is owned by nobody (uid {NOBODY}), not root{ROOT_NOTE}"
    ]


def test_ancestor_owned_by_another_user_is_refused(trusted_dir: Path) -> None:
    inner = trusted_dir / "inner"
    path = write(inner / "p.yaml", HEAD)
    path.chmod(0o644)
    inner.chmod(0o755)
    os.chown(trusted_dir, NOBODY, NOBODY)
    assert errors_of(path, require_root_owned=True) == [
        f"{path}: refused: {trusted_dir} is owned by nobody (uid {NOBODY}), not root{ROOT_NOTE}"
    ]


def test_symlink_to_an_untrusted_file_is_refused(trusted_dir: Path, tmp_path: Path) -> None:
    target = write(tmp_path / "elsewhere" / "p.yaml", HEAD)
    target.parent.chmod(0o755)
    os.chown(target, NOBODY, NOBODY)
    link = trusted_dir / "p.yaml"
    link.symlink_to(target)
    assert errors_of(link, require_root_owned=True) == [
        f"{link}: refused: {target} is owned by nobody (uid {NOBODY}), not root{ROOT_NOTE}"
    ]


def test_sticky_world_writable_ancestor_is_fine(tmp_path: Path) -> None:
    sticky = tmp_path / "sticky"
    sticky.mkdir()
    sticky.chmod(0o1777)
    tmp_path.chmod(0o755)
    inner = sticky / "inner"
    inner.mkdir(mode=0o755)
    inner.chmod(0o755)
    path = write(inner / "p.yaml", HEAD)
    path.chmod(0o644)
    assert load_policy([path], require_root_owned=True).sources == (str(path),)


# ---------------------------------------------------------------------------------------------------------------
# Never a traceback: any bytes, any mutation of the pack, give a Policy or a PolicyError


def _load_bytes(directory: Path, data: bytes) -> None:
    path = directory / "fuzz.yaml"
    path.write_bytes(data)
    try:
        load_policy([path])
    except PolicyError as error:
        assert error.messages
        assert all(message.startswith(f"{path}") and "\n" not in message for message in error.messages)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_random_bytes_never_escape(tmp_path: Path, data: bytes) -> None:
    _load_bytes(tmp_path, data)


PACK_LINES = PACK.read_text().splitlines(keepends=True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    drop=st.lists(st.integers(0, len(PACK_LINES) - 1), max_size=3),
    position=st.integers(0, len(PACK.read_text()) - 1),
    junk=st.text(alphabet=" :-[]{}&*!|>#'\"$\\\t\nx9", max_size=6),
)
def test_mutated_pack_never_escapes(tmp_path: Path, drop: list[int], position: int, junk: str) -> None:
    text = "".join(line for index, line in enumerate(PACK_LINES) if index not in drop)
    position = min(position, len(text))
    _load_bytes(tmp_path, (text[:position] + junk + text[position:]).encode())
