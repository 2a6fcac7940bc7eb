"""zsh's own autoloadable functions (zmv, zcalc, colors, run-help...), judged as what they do.

The zsh hook sends the body of each function a line calls; for zsh's Misc functions that body is zsh code the
parsers cannot read, so a call of any of 22 of them was refused (unread) at every call, everyday ``zmv`` and
``run-help`` among them. Each is known by the exact body the hook sends (data/zsh_functions.yaml: a fingerprint of
it and what the function does, decided from its source), and stands in the request as a bash body that does that
to paths and processes: nothing (``reads``), a write to the files it is given (``writes``), an unknown command
(``unknown``: a warning). For those whose effect hangs on their arguments (``call``, ``runs``: zmv, zargs, zcalc,
regexp-replace, add-zsh-hook), the zsh reading (:mod:`tenmon_guard.zshread`) writes each call as what it runs; a
``runs`` call that reading did not take apart stays an unknown command. A body that is not the shipped one
(another zsh version, the user's own function of that name) matches no fingerprint and is read as before.

Imported only for zsh requests that send functions.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path

#: The bash body standing for each effect (``$RANDOM``: a command not known, a warning).
_STAND_INS = {"reads": ":", "call": ":", "writes": 'touch -- "$@"', "unknown": '"$RANDOM"'}
_UNKNOWN = _STAND_INS["unknown"]

_COMMAND_START = r"(?:^|[;&|({\n]|\b(?:then|do|else)\s)\s*"


@functools.lru_cache(maxsize=1)
def _known() -> dict[str, tuple[frozenset[str], str]]:
    """name -> (fingerprints of the shipped body, effect), from data/zsh_functions.yaml (read once)."""
    import yaml

    data = yaml.safe_load((Path(__file__).parent / "data" / "zsh_functions.yaml").read_text())
    return {name: (frozenset(entry["sha"]), entry["effect"]) for name, entry in data["functions"].items()}


def fingerprint(body: str) -> str:
    """The first 32 hex digits of the sha256 of the body as sent (stripped; bytes the hook sent that are not UTF-8
    come back as they were)."""
    return hashlib.sha256(body.strip().encode("utf-8", "surrogateescape")).hexdigest()[:32]


def known_functions(functions: Mapping[str, str], line: str) -> Mapping[str, str]:
    """``functions`` with the body of each shipped zsh function replaced by its stand-in. A ``runs`` function
    still called in the zsh reading of the line or of a body sent (not taken apart there) is an unknown command."""
    known = _known()
    if not known.keys() & functions.keys():
        return functions
    from tenmon_guard.zshread import zsh_reading

    shipped = {name for name, body in functions.items() if name in known and _matches(body, known[name][0])}
    others = [body for name, body in functions.items() if name not in shipped]
    reading = "\n".join(zsh_reading(text) for text in (line, *others))
    out = dict(functions)
    for name in shipped:
        out[name] = _stand_in(name, known[name][1], reading)
    return out


def _matches(body: str, fingerprints: frozenset[str]) -> bool:
    try:
        return fingerprint(body) in fingerprints
    except UnicodeEncodeError:
        return False


def _stand_in(name: str, effect: str, reading: str) -> str:
    if effect != "runs":
        return _STAND_INS.get(effect, _UNKNOWN)
    called = re.search(_COMMAND_START + re.escape(name) + r"(?=[ \t;&|)\n]|$)", reading)
    return _UNKNOWN if called else ":"
