"""Rows a CRM or a sync marks as gone: Salesforce's ``IsDeleted`` (its Data Export keeps deleted
records in every object, OpportunityHistory included), a warehouse sync's soft delete
(``_fivetran_deleted``, ``is_deleted``), a version a history-mode sync has superseded
(``_fivetran_active`` false). Such a row is no deal and no stage entry. So is a deal whose status says it was
deleted: Pipedrive's ``Deal - Status`` is Open / Won / Lost / Deleted, in the user's language."""

from __future__ import annotations

from ..mapping.normalize import header_tokens
from ..readers.values import FALSE_WORDS, TRUE_WORDS
from ..sql import ident, render, run

# header (as words) -> the flag's value that drops the row
_GONE = {"is deleted": True, "deleted": True, "fivetran deleted": True, "fivetran active": False}
# A status cell saying the deal was deleted (lower-case): Pipedrive's «Deleted» (reference, high) and its
# words in the languages its export is translated to (German «Gelöscht», Portuguese «Excluído», Spanish
# «Eliminado», French «Supprimé»: product knowledge, low), Russian, Chinese
DELETED_STATUS = ("deleted", "gelöscht", "geloescht", "excluído", "excluido", "eliminado", "supprimé", "удалена",
                  "удалено", "удалён", "удален", "已删除")


def gone_mark(header: str | None) -> bool | None:
    """The value of this column that marks a row gone, or None when the column is no such mark."""
    return _GONE.get(header_tokens(header))


def count_gone(con, table: str, column: str, drop: bool | None) -> tuple[int, int, str, dict]:
    """(rows of ``table`` its mark ``column`` says gone, all its rows, that SQL condition, its parameters).
    ``drop``: the flag's value that marks a row gone; None: ``column`` is a status (:data:`DELETED_STATUS`)."""
    condition = render("list_contains($gone_words, lower(trim({c})))", c=ident(column))
    words = DELETED_STATUS if drop is None else TRUE_WORDS if drop else FALSE_WORDS
    params = {"gone_words": sorted(words)}
    n, total = run(con, render("SELECT count(*) FILTER (WHERE {gone}), count(*) FROM {t}", gone=condition,
                               t=ident(table)), params).fetchone()
    return n, total, condition, params
