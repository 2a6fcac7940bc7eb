"""The shipped bashlex parse tables must be exactly the ones bashlex would build for itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_tables_match_a_fresh_build(tmp_path: Path) -> None:
    script = tmp_path / "gen.py"
    source = (ROOT / "scripts" / "gen_bashlex_tables.py").read_text(encoding="utf-8")
    out = tmp_path / "fresh.json"
    script.write_text(
        source.replace(
            'out = Path(__file__).resolve().parent.parent / "tenmon_guard" / "data" / "bashlex_lr.json"',
            f"out = Path({str(out)!r})",
        ),
        encoding="utf-8",
    )
    subprocess.run([sys.executable, str(script)], check=True, capture_output=True, cwd=ROOT)
    shipped = json.loads((ROOT / "tenmon_guard" / "data" / "bashlex_lr.json").read_text(encoding="utf-8"))
    assert json.loads(out.read_text(encoding="utf-8")) == shipped


def test_bashlex_is_loaded_without_rebuilding_its_tables() -> None:
    """With the shipped tables, bashlex's own table builder is never called (it costs ~80 ms per start)."""
    code = (
        "from tenmon_guard.backends import bashlex_tables as bt\n"
        "package, yacc = bt._yacc_without_parser()\n"
        "def rebuilt(*args, **kwargs):\n"
        "    raise SystemExit('tables rebuilt')\n"
        "yacc.LRTable = rebuilt\n"
        "bt.load_with_tables(package, yacc)\n"
        "import bashlex\n"
        "print(bashlex.parse('kill -9 $(pgrep node)')[0].kind)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "command"
