"""Only for the optional compiled build; pyproject.toml holds everything else.

``TENMON_GUARD_COMPILE=1 pip install --no-build-isolation .`` compiles the modules listed in
tenmon_guard/compiled.py with mypyc (it needs mypy, setuptools, a C compiler and the Python headers in the
installing environment). Without that variable the package installs as plain Python, the reference build.
"""

from __future__ import annotations

import os
import runpy

from setuptools import setup

ext_modules = []
if os.environ.get("TENMON_GUARD_COMPILE") == "1":
    try:
        from mypyc.build import mypycify
    except ImportError:
        raise SystemExit(
            "setup.py: TENMON_GUARD_COMPILE=1 needs mypy where the package is built: pip install mypy setuptools wheel,"
            " then pip install --no-build-isolation ."
        ) from None

    listed = runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "tenmon_guard", "compiled.py"))
    ext_modules = mypycify(listed["source_files"](), opt_level="3")

setup(ext_modules=ext_modules)
