"""Checks on query and update text before they reach the engine."""

from __future__ import annotations

import re

from .errors import ForbiddenError

_STRINGS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
_COMMENTS = re.compile(r"#[^\n]*")
_IRIREF = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_REMOTE = re.compile(rf"\b(SERVICE|LOAD)\b\s*(?:SILENT\b\s*)?({_IRIREF}|[^\s{{]+)", re.IGNORECASE)


def _code_only(text: str) -> str:
    """``text`` without string literals and comments, where a keyword cannot hide."""
    # Strings first: a '#' inside a string does not start a comment.
    text = _STRINGS.sub('""', text)
    return _COMMENTS.sub("", text)


def check_remote_calls(text: str, allowed: tuple[str, ...]) -> None:
    """Refuse ``SERVICE`` and ``LOAD`` to any endpoint that is not allow-listed.

    Only a full IRI can be allow-listed: a prefixed name or a variable after SERVICE is
    refused, since its target is not known before the query runs.

    :raises ForbiddenError: naming the keyword and the target.
    """
    for match in _REMOTE.finditer(_code_only(text)):
        keyword, target = match.group(1).upper(), match.group(2)
        iri = target[1:-1] if target.startswith("<") and target.endswith(">") else None
        if iri is None or iri not in allowed:
            shown = iri or target
            allowed_text = ", ".join(allowed) if allowed else "none"
            raise ForbiddenError(f"{keyword} {shown} is not allowed: this server only reaches the "
                                 f"endpoints of its service_allow setting ({allowed_text})")
