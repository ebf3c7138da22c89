"""The one exception hierarchy of genskills.

Core errors carry a message for people and the facts behind it (file, line, focus
node); they know nothing of HTTP statuses or exit codes, which the shells set.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class GenskillsError(Exception):
    """Base of all genskills errors."""


class ConfigError(GenskillsError):
    """A setting is missing or has a wrong value; the message names the setting."""


class InputError(GenskillsError):
    """A file or argument cannot be read: syntax error, unknown format, missing file.

    ``path`` and ``line`` say where, when they are known.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(where + message)
        self.path = path
        self.line = line
        self.detail = message


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file, said where (row or line, and field) in French and English.

    ``location`` is "row 12" of a spreadsheet, "line 40" of a text file, or a JSON path
    (``$[3].hasCourseInstance[0].location``); ``field`` is the column or key, when one is at fault.
    """

    location: str
    field: str | None
    message: dict[str, str] = field(default_factory=dict)   # language ("en", "fr") -> text

    def text(self, lang: str = "en") -> str:
        location = self.location
        if lang == "fr":   # "row 12" / "line 40" are written in English by the readers
            location = location.replace("row ", "ligne ", 1) if location.startswith("row ") else \
                location.replace("line ", "ligne ", 1) if location.startswith("line ") else location
        where = f"{location}, {self.field}" if self.field else location
        return f"{where}: {self.message.get(lang) or self.message.get('en', '')}"


class ProblemsError(InputError):
    """An input file has problems; ``problems`` lists every one (not only the first)."""

    def __init__(self, message: str, *, problems: list[Problem], path: str | None = None):
        super().__init__(message, path=path)
        self.problems = problems


class NotFoundError(GenskillsError):
    """No such source, graph, query or resource."""


class QueryError(GenskillsError):
    """Malformed SPARQL or a bad query parameter."""


class ValidationError(GenskillsError):
    """Data does not conform to the SHACL shapes; ``report`` holds every result.

    ``problems`` places them in the input, when the input has rows or keys (an import).
    """

    def __init__(self, message: str, *, report, problems: list[Problem] | None = None):
        super().__init__(message)
        self.report = report
        self.problems = problems or []


class ReasoningError(GenskillsError):
    """The OWL reasoner found the ontology inconsistent, or could not run."""


class InconsistencyError(ReasoningError):
    """The reasoner ran and found the ontology and data inconsistent."""


class StoreError(GenskillsError):
    """The store failed: I/O, lock, or remote endpoint down."""


class QueryTimeoutError(GenskillsError):
    """A query ran past its time limit and was stopped."""


class ResultTooLargeError(QueryError):
    """A query's result has more rows than the configured maximum."""


class ConflictError(GenskillsError):
    """A write conflicts with the state of the store (the resource belongs to another source)."""


class PreconditionFailedError(ConflictError):
    """A write was based on a state that has changed since (a stale ETag in If-Match)."""


class PreconditionRequiredError(ConflictError):
    """A write that replaces or deletes must say which state it was based on (If-Match)."""


class ForbiddenError(GenskillsError):
    """The request is refused by configuration: updates disabled, bad token, remote SERVICE."""


class UnauthorizedError(ForbiddenError):
    """The request needs a valid bearer token."""


class BusyError(GenskillsError):
    """No query worker became free in time."""


class ShapesNotCompiledError(GenskillsError):
    """The SHACL shapes use a feature the SPARQL-compiled validator does not handle.

    The message names the shape and the feature; callers fall back on pySHACL.
    """
