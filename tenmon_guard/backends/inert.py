"""Which statements of a tree a caller may leave unread because nothing in them can matter to it.

The linter reads whole repositories, and most of a script is ``echo``, ``[ ... ]``, ``grep``: commands the
knowledge base knows write nothing, that no rule names and that change nothing the guard tracks. Reading them
costs most of the time and never yields a finding. A statement is *inert* to a caller that names such commands
when every one of these holds (anything else is read as usual, so an error here only costs time):

* it is a simple command, pipeline, and-or list, negation or ``[[ ]]`` on one line (a newline inside may be
  tree-sitter reading on where bash stops: that check is the reader's);
* every command name in it is written as one of the caller's inert names (not quoted, no expansion);
* nothing in it assigns (``x=``, ``local``, ``for``, ``unset``), feeds text to a command (heredoc, here-string),
  or redirects output other than to a descriptor or ``/dev/null``;
* it holds no backquote and no ``((`` (read by the builder from the text, not the tree), and every ``$(``,
  ``<(`` and ``>(`` in it opens a substitution tree-sitter read (whose command names are then checked above);
* none of the backend's rewrites and no line continuation between tokens lies in it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from tree_sitter import Node as TSNode

QUERY = """
(command_name) @name
(variable_assignment) @state
(declaration_command) @state
(unset_command) @state
(for_statement) @state
(c_style_for_statement) @state
(heredoc_redirect) @state
(herestring_redirect) @state
(file_redirect) @redirect
(command_substitution) @substitution
(process_substitution) @substitution
"""

SKIPPABLE = frozenset({"command", "redirected_statement", "pipeline", "list", "negated_command", "test_command"})

# ``2>&1``, ``>&-``, ``<&3``, ``>/dev/null``, ``2>> /dev/null``, ``< file``: write nothing a rule could protect.
_HARMLESS_REDIRECT = re.compile(
    r"[0-9]*(?:[<>]&[ \t]*(?:[0-9]+|-)|(?:>|>>|&>|&>>|>\|)[ \t]*/dev/null|<(?![<>&(])[^\n]*)"
)
_OPENERS = re.compile(r"[$<>]\(")


class InertStatements:
    """Built once per tree; :meth:`inert` answers per statement node."""

    def __init__(
        self,
        text: str,
        captures: dict[str, list[TSNode]],
        names: frozenset[str],
        marks: Iterable[int],
    ) -> None:
        self.text = text
        interesting = list(marks)
        interesting.extend(n.start_byte for n in captures.get("state", ()))
        for node in captures.get("name", ()):
            if text[node.start_byte : node.end_byte] not in names:
                interesting.append(node.start_byte)
        for node in captures.get("redirect", ()):
            if not _HARMLESS_REDIRECT.fullmatch(text, node.start_byte, node.end_byte):
                interesting.append(node.start_byte)
        self.marks = sorted(interesting)
        self.substitutions = {n.start_byte for n in captures.get("substitution", ())}

    def inert(self, node: TSNode) -> bool:
        if node.type not in SKIPPABLE:
            return False
        start, end = node.start_byte, node.end_byte
        text = self.text
        if text.find("\n", start, end) >= 0 or text.find("`", start, end) >= 0 or text.find("((", start, end) >= 0:
            return False
        index = bisect.bisect_left(self.marks, start)
        if index < len(self.marks) and self.marks[index] < end:
            return False
        return all(m.start() in self.substitutions for m in _OPENERS.finditer(text, start, end))
