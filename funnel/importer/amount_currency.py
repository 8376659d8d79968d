"""The currency an amount column writes in its header or its cells, for a file without a currency column.

The header's own word for it (``Бюджет ₽``, ``Amount (EUR)``) is read by
:func:`funnel.mapping.header_currency.header_currency`.

HubSpot reports write ``£9000``, amoCRM and 1C ``82 500,00 ₽``: the number is read from such a cell
(readers/values.py), and without this the symbol was dropped, so money showed without its currency.
Only symbols that name one currency count (£, €, ₽ / руб / р., ₸ / тг / тенге, ₴ / грн, сум, сом, ₹) and
ISO codes (``USD 1,200.00``); ``$`` and ``¥`` are shared by several currencies and say nothing certain.
The column must agree: at least :data:`SHARE` of its non-empty cells name one currency and none names
another.
"""

from __future__ import annotations

from ..money import AMOUNT_CODES
from ..money import ONE_CURRENCY_SIGNS as SYMBOLS
from ..sql import ident, render, run

SHARE = 0.9


def amount_currency(con, table: str, column: int) -> str | None:
    """The ISO code every amount in staged column ``column`` of ``table`` is written in, or None: each
    cell's currency as :func:`cell_currency_sql` reads it (its first sign or code), one currency in
    at least :data:`SHARE` of the filled cells and no other."""
    cell = ident(f"c{column}")
    expr, params = cell_currency_sql(cell)
    rows = run(con, render("SELECT {e} AS cur, count(*) FROM {t} WHERE {c} IS NOT NULL GROUP BY 1", e=expr,
                           t=ident(table), c=cell), params).fetchall()
    filled = sum(n for _cur, n in rows)
    hits = [(n, cur) for cur, n in rows if cur is not None]
    if len(hits) != 1 or not filled or hits[0][0] < SHARE * filled:
        return None
    return hits[0][1]




# Signs several currencies share, read as the most common one only beside cells that name another currency
# («1 500,50 $» among «… ₽»: survey 35 took the whole column for roubles, 1,500.50 USD added to them)
SHARED_SIGNS = {"$": "USD", "¥": "CNY", "￥": "CNY"}


def shared_signs(con, table: str, column: int) -> bool:
    """Whether some amount cell of staged column ``column`` is written with a shared sign ($, ¥) and no
    currency of its own (:func:`cell_currency_sql` finds none in it)."""
    cell = ident(f"c{column}")
    expr, params = cell_currency_sql(cell)
    signs = " OR ".join(f"contains({cell}, $ss{k})" for k in range(len(SHARED_SIGNS)))
    params.update({f"ss{k}": sign for k, sign in enumerate(SHARED_SIGNS)})
    return bool(run(con, render("SELECT count(*) FROM {t} WHERE {e} IS NULL AND (" + signs + ")", e=expr,
                                t=ident(table)), params).fetchone()[0])


def cell_currency_sql(cell: str, shared: bool = False) -> tuple[str, dict]:
    """SQL: the currency one amount cell names (an ISO code before or after the number, or a sign of one
    currency), else NULL; and its parameters. ``cell`` is quoted SQL. ``shared``: a cell with a sign several
    currencies share is read as :data:`SHARED_SIGNS` says (only where other cells name their currency)."""
    params: dict = {"cc_codes": list(AMOUNT_CODES)}
    code = (f"upper(COALESCE(NULLIF(regexp_extract({cell}, '^\\s*[-+]?([A-Za-z]{{3}})(?:[\\s\\d(+-]|$)', 1), ''), "
            f"regexp_extract({cell}, '[\\d\\s)]([A-Za-z]{{3}})\\s*$', 1)))")
    branches = [f"WHEN list_contains($cc_codes, {code}) THEN {code}"]
    for currency, symbols in SYMBOLS.items():
        params[f"cc_{currency}"] = currency
        for k, symbol in enumerate(symbols):
            params[f"cc_{currency}_{k}"] = symbol
            branches.append(f"WHEN contains(lower({cell}), $cc_{currency}_{k}) THEN $cc_{currency}")
    for k, (sign, currency) in enumerate(SHARED_SIGNS.items() if shared else ()):
        params[f"cs_{k}"], params[f"cs_{k}_code"] = sign, currency
        branches.append(f"WHEN contains({cell}, $cs_{k}) THEN $cs_{k}_code")
    return f"(CASE {' '.join(branches)} END)", params


def cell_currencies(con, table: str, column: int, shared: bool = False) -> list[str]:
    """The currencies the amount cells of staged column ``column`` name (sorted); ``shared``: as
    :func:`cell_currency_sql`."""
    expr, params = cell_currency_sql(ident(f"c{column}"), shared)
    rows = run(con, render("SELECT DISTINCT {e} AS cur FROM {t} WHERE {c} IS NOT NULL", e=expr, t=ident(table),
                           c=ident(f"c{column}")), params).fetchall()
    return sorted(r[0] for r in rows if r[0] is not None)
