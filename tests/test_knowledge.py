"""The command knowledge base: the JSON the guard loads is the YAML people edit."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from gen_knowledge import compiled  # noqa: E402

from tenmon_guard.knowledge import load_knowledge  # noqa: E402
from tenmon_guard.model import literal_word  # noqa: E402
from tenmon_guard.options import parse_args  # noqa: E402
from tenmon_guard.spans import Span  # noqa: E402


def test_commands_json_is_generated_from_commands_yaml() -> None:
    shipped = (ROOT / "tenmon_guard" / "data" / "commands.json").read_text(encoding="utf-8")
    assert json.loads(shipped) == json.loads(compiled()), "run: python scripts/gen_knowledge.py"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("commands:\n  enable: {role: none}\n  ls: {}\n  enable: {role: unknown}\n", "commands.yaml:4: duplicate key "),
        ("a: {x: 1, y: 2, x: 3}\n", "commands.yaml:1: duplicate key 'x'"),
    ],
)
def test_a_key_given_twice_is_refused(text: str, where: str) -> None:
    """YAML keeps the last of two equal keys without a word: two entries for one command (round 21's two branches
    each gave ``enable`` one) would lose the first."""
    with pytest.raises(ValueError, match=where):
        compiled(text)


def test_every_command_kind_is_known() -> None:
    knowledge = load_knowledge()
    kinds = {spec.kind for spec in knowledge.specs.values()}
    assert kinds == {
        "wrapper",
        "shell",
        "su",
        "eval",
        "source",
        "alias",
        "deferred",
        "key_binding",
        "find",
        "signal",
        "writer",
        "stdin_runner",
        "multiplexer",
    }
    assert knowledge.spec("rm") is not None and knowledge.spec("rm").kind == "writer"  # type: ignore[union-attr]
    assert "ls" in knowledge.readers and "pgrep" in knowledge.pid_selectors


def test_every_name_is_a_string() -> None:
    """YAML reads a bare ``true``, ``false``, ``yes``, ``no``, ``on`` or ``off`` as a boolean: such a command name
    must be quoted in commands.yaml, or the command silently drops out of its list."""
    knowledge = load_knowledge()
    for kind in ("readers", "pid_selectors", "path_producers"):
        names = getattr(knowledge, kind)
        assert all(isinstance(n, str) for n in names), (kind, [n for n in names if not isinstance(n, str)])
    assert {"true", "false", "yes"} <= knowledge.readers


def test_every_option_list_holds_option_names() -> None:
    """A YAML alias written inside a list (``[*other, -p]``) is a list in the list, not its items: the loader would
    read its text as one option name no command line gives, and the options it meant would go unread."""
    data = yaml.safe_load((ROOT / "tenmon_guard" / "data" / "commands.yaml").read_text())
    wrong = []
    for section in data.values():
        for name, entry in section.items() if isinstance(section, dict) else ():
            for key, value in entry.items() if isinstance(entry, dict) else ():
                if key.endswith("options") and key != "started_program_options" and isinstance(value, list):
                    wrong += [(name, key, v) for v in value if not isinstance(v, str)]
    assert wrong == []


def _parsed(command: str, *args: str) -> list[tuple[str, str | None]]:
    spec = load_knowledge().spec(command)
    assert spec is not None
    words = [literal_word(a, Span(0, 1)) for a in args]
    parsed = parse_args(words, spec.options)
    return [(o.name, o.value if isinstance(o.value, str) or o.value is None else o.value.value) for o in parsed.options]


def test_getopt_long_prefixes_resolve_to_the_known_option() -> None:
    """getopt_long takes an unambiguous prefix for the option; psmisc fuser compares long options exactly."""
    assert _parsed("kill", "--sig=9", "1") == [("--signal", "9")]
    assert _parsed("cp", "--target=/d", "a") == [("--target-directory", "/d")]
    assert _parsed("tar", "--exclude", "x") == [("--exclude", "x")]  # an exact name wins over --exclude-from
    assert _parsed("fuser", "--kil", "3000/tcp") == [("--kil", None)]


def test_an_ambiguous_prefix_reads_as_every_candidate() -> None:
    """The tool refuses it; the guard sees what any reading would do, and takes no word unless all would."""
    names = [name for name, _ in _parsed("cp", "--re", "a", "b")]
    assert {"--recursive", "--reflink", "--remove-destination"} <= set(names)


def test_an_optional_value_is_only_attached() -> None:
    assert _parsed("cp", "--backup", "-t", "/d") == [("--backup", None), ("-t", "/d")]
    assert _parsed("cp", "--backup=numbered") == [("--backup", "numbered")]
    assert _parsed("chmod", "-w", "f") == [("-w", None)]
    assert _parsed("sed", "-i.bak", "s/a/b/") == [("-i", ".bak")]


def test_zip_reads_a_value_attached_to_an_option_of_several_letters() -> None:
    """zip's own parser: -TT=CMD and -TTCMD are -TT CMD, --unzip-com=CMD is --unzip-command (zip 3.0 ran CMD for
    each, with a pkill stand-in); read as bundles of letters, CMD was never seen (round 24)."""
    assert _parsed("zip", "-TT=pkill node", "-T") == [("-TT", "pkill node"), ("-T", None)]
    assert _parsed("zip", "-TTpkill node") == [("-TT", "pkill node")]
    assert _parsed("zip", "--unzip-com=x") == [("--unzip-command", "x")]
    assert _parsed("zip", "-tt", "2020-01-01", "-r") == [("-tt", "2020-01-01"), ("-r", None)]
    assert _parsed("zip", "-TT", "unzip -tqq") == [("-TT", "unzip -tqq")]


def test_old_style_tar_bundles_take_the_following_words_in_order() -> None:
    assert _parsed("tar", "xfC", "a.tar", "/d") == [("-x", None), ("-f", "a.tar"), ("-C", "/d")]


def test_a_subcommand_runner_accepts_the_prefixes_it_is_written_with() -> None:
    """``ip``'s objects and their commands are matched by prefix (``net[ns] e[xec]``: ip net e NS CMD), and its
    options are single words: ``-json`` is no bundle whose -n would take the next word."""
    ip = load_knowledge().subcommand_runners["ip"]
    netns = ip.subcommands[0]
    assert [sorted(w) for w in netns.words] == [["net", "netn", "netns"], ["e", "ex", "exe", "exec"]]
    assert netns.spec.name == "ip netns exec" and "-all" in netns.no_skip_options
    words = [literal_word(a, Span(0, 1)) for a in ("-json", "-n", "x", "-netns", "y", "netns")]
    parsed = parse_args(words, ip.options, stop_at_first_operand=True)
    assert [
        (o.name, o.value if o.value is None or isinstance(o.value, str) else o.value.value) for o in parsed.options
    ] == [
        ("-json", None),
        ("-n", "x"),
        ("-netns", "y"),
    ]
    assert [w.value for w in parsed.operands] == ["netns"]


def test_each_command_is_described_once() -> None:
    """A name in two tables (a wrapper and a signaller) or twice in one mapping keeps only one of its descriptions,
    silently: the loader lets the later one win, YAML the last key."""
    duplicates: list[str] = []

    class Strict(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[object, object]:
        keys = [loader.construct_object(key) for key, _ in node.value]
        duplicates.extend(f"line {node.start_mark.line + 1}: {k}" for k in set(keys) if keys.count(k) > 1)
        return loader.construct_mapping(node)

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    data = yaml.load((ROOT / "tenmon_guard" / "data" / "commands.yaml").read_text(encoding="utf-8"), Strict)
    assert not duplicates
    tables = ("wrappers", "su", "stdin_runners", "multiplexers", "deferred", "signals", "writers")
    names = [n for t in tables for n in data.get(t) or {}] + list(data["shells"]["names"]) + list(data["eval"])
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_a_data_module_stands_for_the_shell_command_of_its_first_fitting_case() -> None:
    """(ansible -m MODULE -a 'KEY=VALUE ...': the case whose when holds, its placeholders filled and quoted)"""
    from tenmon_guard.effects import _module_command

    ansible = load_knowledge().inline_code["ansible"]
    cases = dict(ansible.module_commands)

    def command(module: str, text: str) -> str | None:
        found = _module_command(literal_word(text, Span(0, len(text))), cases[module])
        return None if found is None else found.value

    assert command("file", "path=/srv/a state=absent") == "rm -rf -- /srv/a"
    assert command("file", "dest='/srv/a b' recurse=yes") == "chmod -R -- u+w '/srv/a b'"
    assert command("file", "name=/srv/a state=directory") == "touch -- /srv/a"
    assert command("copy", "src=dist dest=/srv/") == "cp -r -- dist /srv/"
    assert command("copy", 'content="x y" dest=/srv/f') == "tee -- /srv/f"
    assert command("copy", "src=dist") is None  # (no dest: no case fits)
    assert command("file", "path='/srv/a") is None  # (an unclosed quote: not split)
    for module, module_cases in ansible.module_commands:
        assert module_cases, module
        assert all(template.strip() for _, template in module_cases), module
