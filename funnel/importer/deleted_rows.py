"""Rows a CRM or a sync marks as gone: Salesforce's ``IsDeleted`` (its Data Export keeps deleted
records in every object, OpportunityHistory included), a warehouse sync's soft delete
(``_fivetran_deleted``, ``is_deleted``), a version a history-mode sync has superseded
(``_fivetran_active`` false). Such a row is no deal and no stage entry."""

from __future__ import annotations

from ..mapping.normalize import header_tokens
from ..readers.values import FALSE_WORDS, TRUE_WORDS
from ..sql import render

# header (as words) -> the flag's value that drops the row
_GONE = {"is deleted": True, "deleted": True, "fivetran deleted": True, "fivetran active": False}


def gone_mark(header: str | None) -> bool | None:
    """The value of this column that marks a row gone, or None when the column is no such mark."""
    return _GONE.get(header_tokens(header))


def gone_words(drop: bool) -> list[str]:
    """The cell texts (lower case) that read as ``drop``; bound as ``$gone_words``."""
    return sorted(TRUE_WORDS if drop else FALSE_WORDS)


def gone_condition(column_sql: str) -> str:
    """SQL: the row's mark (an already quoted column) says gone; reads the ``$gone_words`` parameter."""
    return render("list_contains($gone_words, lower(trim({c})))", c=column_sql)
