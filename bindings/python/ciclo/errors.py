"""Status codes and the exception a failed call raises."""

from __future__ import annotations

import enum


class Status(enum.IntEnum):
    """The C ABI's status codes (``CICLO_STATUS_*`` in ``ciclo.h``)."""

    OK = 0
    NULL_ARGUMENT = 1
    INVALID_UTF8 = 2
    INVALID_JSON = 3
    UNKNOWN_FIELD = 4
    INVALID_CONFIG = 5
    UNKNOWN_STAGE = 6
    UNKNOWN_METRIC = 7
    UNKNOWN_EVENT_KIND = 8
    INVALID_TIMESTAMP = 9
    INVALID_AMOUNT = 10
    INVALID_ARGUMENT = 11
    NOT_FOUND = 12
    OUT_OF_ORDER = 13
    CONFLICT = 14
    CORRUPT_SNAPSHOT = 15
    OUT_OF_RANGE = 16
    INVALID_VALUE = 17
    CHANGES_DROPPED = 18
    PANIC = 100


class CicloError(Exception):
    """A failed ciclo call: the status code and the library's message.

    ``status`` is a :class:`Status` (or a plain ``int`` for a code this version
    of the binding does not know), ``status_name`` its C name
    (``"CICLO_STATUS_NOT_FOUND"``), ``message`` what was wrong, naming the
    field at fault.
    """

    def __init__(self, status: int, status_name: str, message: str) -> None:
        super().__init__(f"{status_name}: {message}")
        try:
            self.status: int = Status(status)
        except ValueError:
            self.status = status
        self.status_name = status_name
        self.message = message
