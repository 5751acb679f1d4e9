"""Opaque cursors for keyset paging: the sort they belong to and the last row's key.

A page starts after the last row of the one before, by its (time, id), so stories
published or updated meanwhile never shift a page or repeat a row.
"""

import base64
import json
from datetime import datetime


class BadParameter(ValueError):
    """A query parameter the API cannot use; answered 400, naming it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


def encode(sort: str, *key: object) -> str:
    values = [v.isoformat() if isinstance(v, datetime) else v for v in key]
    raw = json.dumps([sort, *values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, sort: str) -> list:
    """The key a cursor of ``sort`` holds; BadParameter for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        kind, *key = json.loads(raw)
    except (ValueError, TypeError):
        raise BadParameter("cursor", "Not a cursor this API gave.") from None
    if kind != sort:
        raise BadParameter("cursor", "This cursor belongs to a list in another order.")
    return key


def decode_time_and_id(cursor: str, sort: str) -> tuple[datetime, int]:
    key = decode(cursor, sort)
    try:
        moment, pk = datetime.fromisoformat(key[0]), int(key[1])
    except (ValueError, TypeError, IndexError):
        raise BadParameter("cursor", "Not a cursor this API gave.") from None
    if moment.tzinfo is None:
        raise BadParameter("cursor", "Not a cursor this API gave.")
    return moment, pk


def decode_id(cursor: str, sort: str) -> int:
    key = decode(cursor, sort)
    if len(key) != 1 or not isinstance(key[0], int):
        raise BadParameter("cursor", "Not a cursor this API gave.")
    return key[0]
