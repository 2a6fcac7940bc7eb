"""Real-time signals: every spelling bash and procps kill accept names one canonical signal (RT<number>), and a
policy names them all with a range (RTMIN..RTMAX)."""

from __future__ import annotations

import pytest

from tenmon_guard.signals import normalise_signal, signal_range


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("RTMIN", "RT34"),
        ("rtmin+1", "RT35"),
        ("SIGRTMIN+1", "RT35"),
        ("RTMIN+30", "RT64"),
        ("RTMAX", "RT64"),
        ("SIGRTMAX-3", "RT61"),
        ("rtmax-30", "RT34"),
        ("34", "RT34"),
        ("64", "RT64"),
        ("RT40", "RT40"),
        ("KILL", "KILL"),
    ],
)
def test_real_time_spellings_name_one_signal(text: str, name: str) -> None:
    assert normalise_signal(text) == name


@pytest.mark.parametrize("text", ["RTMIN+31", "RTMAX-31", "RTMIN-1", "RTMAX+1", "RTMIN+", "RTMINX", "RT", "RT65", "65"])
def test_words_past_the_real_time_range_are_no_signal(text: str) -> None:
    assert normalise_signal(text) is None


def test_a_range_spans_the_signals_between_its_ends_by_number() -> None:
    assert signal_range("RTMIN..RTMAX") == [f"RT{n}" for n in range(34, 65)]
    assert signal_range("HUP..QUIT") == ["HUP", "INT", "QUIT"]
    assert signal_range("RTMAX..RTMIN") is None
    assert signal_range("KILL") is None
    assert signal_range("X..RTMAX") is None
