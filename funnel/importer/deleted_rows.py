"""Rows a CRM or a sync marks as gone: Salesforce's ``IsDeleted`` (its Data Export keeps deleted
records in every object, OpportunityHistory included), a warehouse sync's soft delete
(``_fivetran_deleted``, ``is_deleted``), a version a history-mode sync has superseded
(``_fivetran_active`` false). Such a row is no deal and no stage entry."""

from __future__ import annotations

from ..mapping.normalize import header_tokens
from ..readers.values import FALSE_WORDS, TRUE_WORDS
from ..sql import ident, render, run

# header (as words) -> the flag's value that drops the row
_GONE = {"is deleted": True, "deleted": True, "fivetran deleted": True, "fivetran active": False}


def gone_mark(header: str | None) -> bool | None:
    """The value of this column that marks a row gone, or None when the column is no such mark."""
    return _GONE.get(header_tokens(header))


def count_gone(con, table: str, column: str, drop: bool) -> tuple[int, int, str, dict]:
    """(rows of ``table`` its mark ``column`` says gone, all its rows, that SQL condition, its parameters)."""
    condition = render("list_contains($gone_words, lower(trim({c})))", c=ident(column))
    params = {"gone_words": sorted(TRUE_WORDS if drop else FALSE_WORDS)}
    n, total = run(con, render("SELECT count(*) FILTER (WHERE {gone}), count(*) FROM {t}", gone=condition,
                               t=ident(table)), params).fetchone()
    return n, total, condition, params
