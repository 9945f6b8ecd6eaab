"""The one error tree. Each interface maps it once: the CLI to an exit code and one
line, the web to an HTTP status and a JSON envelope."""

from __future__ import annotations


class RapportError(Exception):
    """Base of every error a user can cause and understand."""

    http_status = 400
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(RapportError):
    http_status = 404
    exit_code = 3


class Ambiguous(RapportError):
    """A reference (a name prefix) matches more than one record."""

    http_status = 409
    exit_code = 4

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


class Conflict(RapportError):
    http_status = 409
    exit_code = 4


class PreconditionFailed(Conflict):
    """A conditional request's condition does not hold (HTTP If-Match, If-None-Match,
    a WebDAV sync-token): `condition` names it, as WebDAV's error element does."""

    http_status = 412

    def __init__(self, condition: str, message: str) -> None:
        super().__init__(message)
        self.condition = condition


class Invalid(RapportError):
    """A value the user gave is not acceptable; `field` names it."""

    http_status = 422
    exit_code = 2

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


class Contradicts(Invalid):
    """A well-formed value that contradicts today's date, another field of the request
    or what is stored (a snooze until yesterday, an end before the start, thanking help
    that was given): no schema can say so, and the same request may be right another
    day or against other data, so HTTP calls it 409 Conflict, not 422."""

    http_status = 409


class AlreadyKnown(Contradicts):
    """An email or phone given to a person is already another person's: adding them
    would record someone twice. `person_id` is that other person."""

    exit_code = 4

    def __init__(self, field: str, message: str, person_id: int) -> None:
        super().__init__(field, message)
        self.message = message  # the field is in the words already
        self.person_id = person_id


class Forbidden(RapportError):
    http_status = 403
    exit_code = 5


class ImportFailed(RapportError):
    """A file could not be imported; `line` is 1-based when known."""

    http_status = 422
    exit_code = 6

    def __init__(self, reason: str, line: int | None = None, source: str | None = None) -> None:
        where = ""
        if source:
            where = source + (f":{line}" if line else "") + ": "
        elif line:
            where = f"line {line}: "
        super().__init__(where + reason)
        self.line = line
        self.reason = reason
        self.source = source


class UnknownFormat(ImportFailed):
    """The bytes are none of the formats Rapport reads (found by looking at them, as
    RFC 9110 §15.5.16 allows a 415 to be): a well-formed upload of the wrong kind of
    file, which no schema can tell apart from a right one."""

    http_status = 415


class StorageUnavailable(RapportError):
    """The database cannot be opened or reached."""

    http_status = 503
    exit_code = 7


class SyncFailed(RapportError):
    """A mail or calendar server could not be reached, refused the sign-in or answered
    in a way the sync cannot use. The message says which, in words, and never
    contains the password."""

    http_status = 502
    exit_code = 8


class SecretUnreadable(RapportError):
    """A stored password cannot be decrypted with this data directory's key (the
    database was copied without its key, or the key was replaced)."""

    http_status = 409
    exit_code = 8
