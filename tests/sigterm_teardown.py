"""A pytest plugin: SIGTERM to the test run tears down every fixture before it ends.

Python's default SIGTERM ends the process at once, so no fixture's teardown runs. The sudo door tests put a grant
in the real /etc/sudoers.d, add a user and a group, and start a node process: a run killed with ``kill`` or
``pkill`` (a timeout, a developer stopping it) left all of them behind, a live sudoers grant among them (seen in
stop 21). Turned into KeyboardInterrupt, the signal stops the run as Ctrl-C does, and pytest tears the fixtures
down as the session finishes. (SIGKILL cannot be caught: nothing runs after it.)
"""

from __future__ import annotations

import signal
from types import FrameType

import pytest


def _interrupted(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_configure(config: pytest.Config) -> None:
    signal.signal(signal.SIGTERM, _interrupted)
