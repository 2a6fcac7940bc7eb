"""``tenmon-guard lint [--format text|json|sarif|github] [PATH...]``: the lint door, for pre-commit and CI.

Exit 0: nothing blocking; 1: blocking findings (or warnings with ``--strict``); 2: an error (unreadable file, bad
policy, bad arguments), which wins over 1 because the run was incomplete.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys

from tenmon_guard.cli_common import EXIT_BLOCK, EXIT_ERROR, EXIT_OK, UsageError, add_policy_arguments, load_from_args
from tenmon_guard.engine import Guard
from tenmon_guard.lint import format_github, format_json, format_sarif, format_text
from tenmon_guard.lint.discovery import Note, discover
from tenmon_guard.lint.results import LintReport
from tenmon_guard.lint.rules import describe
from tenmon_guard.lint.runner import Job, default_jobs, lint_files
from tenmon_guard.matcher import RESERVED_RULES
from tenmon_guard.verdict import Decision

FORMATS = ("text", "json", "sarif", "github")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_policy_arguments(parser)
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    parser.add_argument("--strict", action="store_true", help="warnings fail the run too")
    parser.add_argument(
        "--include", action="append", default=[], metavar="GLOB", help="also lint files matching GLOB as shell"
    )
    parser.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB", help="skip files and directories matching GLOB"
    )
    parser.add_argument(
        "--shell-only",
        action="store_true",
        help="lint a file named only if it is a shell script by extension or #! line, as in a directory walk "
        "(for pre-commit, which hands over every file)",
    )
    parser.add_argument("--jobs", "-j", type=int, metavar="N", help="worker processes (default: one per CPU)")
    parser.add_argument(
        "--root", metavar="DIR", help="repository root for SARIF URIs and exempt paths (default: the git top level)"
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files and directories (default: .)")


def run(args: argparse.Namespace) -> int:
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    policy = load_from_args(args)
    root = os.path.abspath(args.root) if args.root else repository_root(os.getcwd())
    found = discover(args.paths or ["."], args.include, args.exclude, root, shell_only=args.shell_only)
    known = frozenset(r.id for r in policy.rules) | frozenset(RESERVED_RULES)
    job = Job(Guard(policy), known, lambda path: script_path(path, root))
    # The guard (knowledge base, policy, parser tables) lives as long as this run: the cycle collector need never
    # walk it again, and forked workers then leave its memory pages shared. (No collection first: it would cost
    # more than the little start-up garbage it frees.)
    gc.freeze()
    results = lint_files(job, found.files, args.jobs or default_jobs())
    skipped = tuple(Note(r.path, r.skipped) for r in results if r.skipped)
    report = LintReport(
        files=tuple(results),
        notes=found.notes + skipped,
        errors=found.errors,
        rules=describe(policy),
        root=root,
        strict=args.strict,
    )
    _emit(report, args.format, args.output)
    return exit_code(report)


def exit_code(report: LintReport) -> int:
    if report.all_errors:
        return EXIT_ERROR
    if report.count(Decision.BLOCK) or (report.strict and report.count(Decision.WARN)):
        return EXIT_BLOCK
    return EXIT_OK


def _emit(report: LintReport, fmt: str, output: str | None) -> None:
    renderers = {
        "text": format_text.render,
        "json": format_json.render,
        "sarif": format_sarif.render,
        "github": format_github.render,
    }
    data = _encode(renderers[fmt](report), fmt)
    if output and output != "-":
        try:
            with open(output, "wb") as handle:
                handle.write(data)
        except OSError as error:
            raise UsageError(f"--output {output}: {error.strerror or error}") from None
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    if fmt in ("text", "github") or (output and output != "-"):
        sys.stderr.buffer.write(_encode(format_text.render_stderr(report), "text"))
        sys.stderr.buffer.flush()


def _encode(text: str, fmt: str) -> bytes:
    """File names that are not UTF-8 come back as they were for people (text), and as U+FFFD-free ``?`` in JSON
    and SARIF, which must stay valid UTF-8."""
    return text.encode("utf-8", "surrogateescape" if fmt in ("text", "github") else "replace")


def repository_root(start: str) -> str:
    """The nearest directory at or above ``start`` holding ``.git`` (a directory, or a file for worktrees), else
    ``start``: what pre-commit and GitHub take paths to be relative to."""
    directory = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(directory, ".git")):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return os.path.abspath(start)
        directory = parent


def script_path(path: str, root: str) -> str:
    """How a file is named to the engine (for ``exempt_paths``): relative to the repository root when inside it,
    absolute otherwise."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, root)
    if relative == ".." or relative.startswith("../"):
        return absolute
    return relative
