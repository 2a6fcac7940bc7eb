"""Moving backend syntax from a slice of text to its place in the whole (statement-by-statement re-reading)."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from tenmon_guard.model import Span

T = TypeVar("T")


def shift(value: T, offset: int) -> T:
    """A copy of a syntax tree (frozen dataclasses, tuples, lists) with every Span moved by ``offset``."""
    if offset == 0:
        return value
    result: T = _shift(value, offset)
    return result


def _shift(value: Any, offset: int) -> Any:
    if isinstance(value, Span):
        return Span(value.start + offset, value.end + offset)
    if isinstance(value, tuple):
        return tuple(_shift(v, offset) for v in value)
    if isinstance(value, list):
        return [_shift(v, offset) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _shift(getattr(value, f.name), offset) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value
