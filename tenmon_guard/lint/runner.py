"""Linting files with the engine: one ``guard.check`` per file (tree-sitter only), suppressions, LINE:COL.

Many files go to a pool of forked workers that inherit the already-built guard (nothing is pickled but paths
and results); a few files are linted in this process, where forking would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

from tenmon_guard import cycles
from tenmon_guard.engine import Context, Guard
from tenmon_guard.frozen import record
from tenmon_guard.lint import suppressions
from tenmon_guard.lint.discovery import HEAD_BYTES
from tenmon_guard.lint.positions import LineIndex, count_lines
from tenmon_guard.lint.results import FileResult, LintFinding
from tenmon_guard.lint.shebang import is_binary, script_shell
from tenmon_guard.matcher import UNREAD
from tenmon_guard.verdict import Finding

POOL_MIN_FILES = 16
CHUNKS_PER_WORKER = 16  # pieces of the work each worker takes in turn (see _chunks)


@record
class Job:
    """How to lint: the guard, the rule ids a suppression may name, and how to name a file to the engine."""

    guard: Guard
    known_rules: frozenset[str]
    script_path: Callable[[str], str]


def lint_text(job: Job, text: str, path: str) -> FileResult:
    """One file's text: engine findings minus suppressed ones, plus suppression problems, at LINE:COL."""
    context = Context(
        door="lint",
        script_path=job.script_path(path),
        both_parsers=False,
        findings_only=True,
        placing=True,
        shell=script_shell(text, path),
        dirstack_known=True,  # (a script: a new shell reads it)
    )
    verdict = job.guard.check(text, context)
    found = _suppressions(job, text, context, verdict.findings)
    if not verdict.findings and not found:
        return FileResult(path, lines=count_lines(text))
    index = LineIndex(text)
    lines = [index.line_of(_where(f)[0]) for f in verdict.findings]
    outcome = suppressions.apply(verdict.findings, lines, found, job.known_rules)
    placed = sorted(
        (_place(path, f, index, text) for f in [*outcome.kept, *outcome.problems]),
        key=lambda f: (f.start, f.end, f.rule),
    )
    return FileResult(path, tuple(placed), outcome.suppressed, count_lines(text))


def _suppressions(job: Job, text: str, context: Context, findings: Sequence[Finding]) -> list[suppressions.Suppression]:
    """The file's suppression comments: only shell comments, as the parser read the file, are."""
    if suppressions.MARKER not in text:
        return []
    unread = [_where(f) for f in findings if f.rule == UNREAD]
    return suppressions.parse(text, job.guard.comments(text, context), unread)


def _where(finding: Finding) -> tuple[int, int]:
    """The text a finding is about: where its command is written, for a command of nested shell text."""
    return finding.at or finding.span


def _place(path: str, finding: Finding, index: LineIndex, text: str) -> LintFinding:
    start, end = _where(finding)
    while end > start and text[end - 1] in " \t\r\n":  # a span ending in a newline would end on the next line
        end -= 1
    return LintFinding(
        path=path,
        rule=finding.rule,
        decision=finding.decision,
        message=" ".join(finding.message.split()),
        suggestion=" ".join(finding.suggestion.split()) if finding.suggestion else None,
        start=index.position(start),
        end=index.position(end),
    )


def read_script(path: str) -> str | FileResult:
    """The file's text, or a result saying why it is not linted (unreadable, binary)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        return FileResult(path, error=error.strerror or str(error))
    if b"\0" in data and is_binary(data[:HEAD_BYTES], os.path.splitext(path)[1].lower()):
        return FileResult(path, skipped="skipped: binary file")
    return data.decode("utf-8", errors="surrogateescape")


def lint_file(job: Job, path: str) -> FileResult:
    text = read_script(path)
    if isinstance(text, FileResult):
        return text
    with cycles.paused():  # (and the forgetting below, which drops the file's models)
        try:
            return lint_text(job, text, path)
        finally:
            job.guard.forget()  # (the models were kept for the comments of this text: freed with the collector paused)


def lint_files(job: Job, paths: Sequence[str], jobs: int) -> list[FileResult]:
    """Every file's result, in the order of ``paths``."""
    if jobs <= 1 or len(paths) < POOL_MIN_FILES or "fork" not in multiprocessing.get_all_start_methods():
        return [lint_file(job, p) for p in paths]
    return _pooled(job, paths, jobs)


_WORKER_JOB: Job | None = None


def _worker_lint(paths: list[str]) -> list[FileResult]:
    assert _WORKER_JOB is not None
    return [lint_file(_WORKER_JOB, p) for p in paths]


def _pooled(job: Job, paths: Sequence[str], jobs: int) -> list[FileResult]:
    global _WORKER_JOB
    _WORKER_JOB = job  # inherited by the forked workers: the guard is built once, never pickled
    try:
        context = multiprocessing.get_context("fork")
        chunks = _chunks(paths, jobs)
        results: dict[int, FileResult] = {}
        with ProcessPoolExecutor(max_workers=min(jobs, len(paths)), mp_context=context) as pool:
            futures = [pool.submit(_worker_lint, [paths[i] for i in chunk]) for chunk in chunks]
            for chunk, future in zip(chunks, futures, strict=True):
                results.update(zip(chunk, future.result(), strict=True))
        return [results[index] for index in range(len(paths))]
    finally:
        _WORKER_JOB = None


def _chunks(paths: Sequence[str], jobs: int) -> list[list[int]]:
    """The files (by index) in pieces for the workers, the largest first. Taken in the order given, a repository's
    one long script (acme.sh: an eighth of its lines) could come last, and one worker linted it alone while the others
    had finished. Largest first, the last pieces are the smallest files, and the workers end together. A file as
    large as a piece's share is a piece of its own; smaller ones are grouped up to it (one task per file cost more
    in passing paths and results between processes than it saved)."""
    sizes = []
    for path in paths:
        try:
            sizes.append(os.stat(path).st_size)
        except OSError:
            sizes.append(0)  # (read_script reports it: where it stands in the order does not matter)
    share = max(sum(sizes) // max(jobs * CHUNKS_PER_WORKER, 1), 1)
    chunks: list[list[int]] = []
    taken = share
    for index in sorted(range(len(paths)), key=lambda i: -sizes[i]):
        if taken >= share:
            chunks.append([])
            taken = 0
        chunks[-1].append(index)
        taken += sizes[index]
    return chunks


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
