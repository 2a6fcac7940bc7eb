"""Regenerate tenmon_guard/data/bashlex_lr.json from the installed bashlex (run after changing its version)."""

from __future__ import annotations

import json
from pathlib import Path

from tenmon_guard.backends.bashlex_tables import _yacc_without_parser, grammar_key

package, yacc = _yacc_without_parser()

captured: dict[str, object] = {}
original = yacc.LRTable


def capture(grammar, log=None):  # type: ignore[no-untyped-def]
    table = original(grammar, log)
    captured["grammar"] = grammar_key(grammar)
    captured["action"] = {str(k): v for k, v in table.lr_action.items()}
    captured["goto"] = {str(k): v for k, v in table.lr_goto.items()}
    return table


yacc.LRTable = capture
package.__spec__.loader.exec_module(package)

out = Path(__file__).resolve().parent.parent / "tenmon_guard" / "data" / "bashlex_lr.json"
out.write_text(json.dumps(captured, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
print(f"wrote {out} ({out.stat().st_size} bytes)")
