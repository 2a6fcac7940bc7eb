"""The lint door's parts: finding shell files, reading suppressions, running the engine over files, formatting.

The subcommand itself is :mod:`tenmon_guard.doors.lint`; everything here is plain functions over plain data so
each part can be tested alone.
"""

from __future__ import annotations
