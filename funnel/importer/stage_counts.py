"""A report of deals counted by their current stage, read as the deals it counts.

A CRM's pipeline report (HubSpot's "Deal Stage, Count of Deals, Sum of Amount"; a Salesforce summary
report's record counts per stage) counts each deal once, at the stage it is in now, closed stages
included. Read as aggregate counts (shape E), its numbers were taken for "reached" counts: «Closed
lost» became the funnel's last step and «Closed won» 5 after «Contract sent» 3 a 167 % step. Such a
table is a deals snapshot (shape A) aggregated: it is expanded into one deal per counted deal, each at
its row's stage, and imported as deals, so reached counts, win rate and lost deals follow the deals'
rules (a lost deal's stage is unknown: it counts at the first stage, said). An amount column is the
stage's total, shared equally among its deals (the median deal size is then the stages' averages:
said in the quality report).

A consultant's funnel of reached counts ("1000 requests → 900 reached → 30 proposals → 10 won") lists
no lost stage and never rises: it stays aggregate counts. A table is read as current-stage counts when
it names a lost stage, or names a won stage and a count rises somewhere along the file's order.

Some tables cannot tell. HubSpot's funnel of deals that went through "any" stage lists its lost deals
beside falling counts, as a pipeline report does; a pipeline report filtered to open and won deals falls
like a funnel. Such a reading is kept as a guess: said at import, on the Data page and on the analysis
pages, with the way to choose the other (``--shape stage_counts`` reads every count as the deals at its
stage now, ``--shape counts`` as the deals that reached it); a refresh reads next week's report the way
the dataset was read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..mapping import classify_stage_name
from ..mapping.normalize import header_tokens
from ..readers.staging import RawTable
from ..sql import ident, render, run
from .columns import number_expr

# the most deals a report may expand into (a report's counts, not a warehouse)
MAX_DEALS = 5_000_000
# every stage of a HubSpot report with several pipelines ends with its pipeline: «Closed won (Sales Pipeline)»
_PIPELINE_SUFFIX = re.compile(r"^(.*\S)\s+\(([^()]+)\)$")
# the headers of a stage's money total in such a report
_AMOUNT_WORDS = ("amount", "sum of amount", "total amount", "value", "revenue", "сумма", "бюджет", "金额", "商机金额")


@dataclass
class Reading:
    """How a table of stage counts is read: as the deals that reached each stage (aggregate counts), or
    as the deals at each stage now (expanded into those deals); ``guessed`` when the table does not
    settle it (the pages say so, and how to choose); ``not_whole``: a stage whose count is no number of
    deals (a share, an average), which cannot be read as deals."""
    as_reached: bool
    guessed: bool = False
    not_whole: tuple[str, float] | None = None

    @property
    def whole(self) -> bool:
        return self.not_whole is None


def read_counts(con, raw: RawTable, cmap, *, told: bool = False) -> Reading:
    """Whether the table counts deals by their current stage (module docstring), or ``told`` so by the user;
    may rewrite a cumulative report's cells as each stage's own deals (:func:`_decumulate`)."""
    if cmap is None or cmap.wide_stages or cmap.stage is None or cmap.count is None or cmap.base is not None:
        return Reading(True)  # no stage report: wide steps, or an experiment's results (metrics, not stages)
    rows = run(con, render("""SELECT {s} AS stage, sum({n}) AS n, bool_and({n} = floor({n})) AS whole
                              FROM {t} WHERE {s} IS NOT NULL GROUP BY 1 ORDER BY min(row_no)""",
                           s=ident(f"c{cmap.stage}"), n=number_expr(con, raw.table, f"c{cmap.count}"),
                           t=ident(raw.table))).fetchall()
    if not rows or any(n is None or n < 0 for _s, n, _w in rows):
        return Reading(True)
    not_whole = next(((stage, n) for stage, n, whole in rows if not whole), None)
    if told:
        return Reading(False, not_whole=not_whole)
    if not_whole is not None:
        return Reading(True)  # shares or averages per stage are no deals to count
    names = [_without_pipeline(stage, rows)[0] for stage, _n, _w in rows]
    kinds = [classify_stage_name(name) for name in names]
    rises = any(b[1] > a[1] for a, b in zip(rows, rows[1:], strict=False))
    # a count rising along the stages before the lost ones: no funnel of reached counts does that
    chain = [n for (_s, n, _w), kind in zip(rows, kinds, strict=True) if kind != "lost"]
    chain_rises = any(b > a for a, b in zip(chain, chain[1:], strict=False))
    share = _share_total(con, raw, cmap)
    total = sum(n for _s, n, _w in rows)
    if share is not None and share[0] - 0.5 <= total <= share[1] + 0.5:
        # a share of all deals beside each count, the counts adding up to those deals: each deal counted
        # once, at its stage now (amoCRM's «Сводный отчёт» lists the open stages only; survey 27)
        return Reading(False)
    if "lost" in kinds or "won" in kinds and rises:
        if share is not None and total > share[1] + 0.5 and "lost" in kinds:
            _decumulate(con, raw, cmap, kinds)  # Bitrix24's «Воронка продаж», cumulative by default
            raw.notes.append(("counts.cumulative", {"file": raw.file_name, "n": round(share[0] + 0.49)}))
            return replace(read_counts(con, raw, cmap), guessed=False)
        # lost deals listed beside falling counts: HubSpot's funnel of deals that went through "any" stage
        # lists them too (survey 27): read as a report of current stages, said to be a guess
        return Reading(False, guessed=not chain_rises)
    # falling counts with a won stage or money per stage: a pipeline report of open stages (HubSpot's «Deal
    # Stage, Count of Deals, Sum of Amount» filtered to open and won deals) reads the same: a guess, said
    return Reading(True, guessed="won" in kinds or _amount_column(raw, cmap) is not None)


# a column of each stage's share of all deals (Bitrix24's and amoCRM's funnel reports: «%»)
_SHARE_HEADERS = ("%", "% of deals", "% of total", "percent", "share", "процент", "доля", "占比", "百分比")


def _share_column(raw: RawTable, cmap) -> int | None:
    taken = {cmap.stage, cmap.count, cmap.group}
    return next((i for i, h in enumerate(raw.headers) if i not in taken and header_tokens(h) in _SHARE_HEADERS), None)


def _share_total(con, raw: RawTable, cmap) -> tuple[float, float] | None:
    """The range of the number of deals every row's count and share agree on (count × 100 / share, within the
    share's rounding to a whole percent), when the table has a share column and all its rows agree; else None.
    Bitrix24's cumulative funnel (crm.deal.funnel: an open stage's count holds every later stage's deals)
    gives that total on every row while its counts add up to more; a report of current stages adds up to it."""
    share = _share_column(raw, cmap)
    if share is None:
        return None
    rows = run(con, render("SELECT {n}, {p} FROM {t} WHERE {s} IS NOT NULL", n=number_expr(con, raw.table, f"c{cmap.count}"),
                           p=number_expr(con, raw.table, f"c{share}"), s=ident(f"c{cmap.stage}"),
                           t=ident(raw.table))).fetchall()
    low, high = 0.0, float("inf")
    for n, pct in rows:
        if n is None or pct is None or pct < 0 or n > 0 and pct <= 0.5:
            return None
        if n == 0:
            continue
        low, high = max(low, n * 100 / (pct + 0.5)), min(high, n * 100 / (pct - 0.5) if pct > 0.5 else high)
    if low > high or high == float("inf"):
        return None
    return low, high


def _decumulate(con, raw: RawTable, cmap, kinds: list[str | None]) -> None:
    """A cumulative funnel's open and won rows as the deals at each (a row less the next non-lost row, in file
    order; the lost rows keep their own), its money column alike: the staged cells rewritten."""
    stage, count = ident(f"c{cmap.stage}"), f"c{cmap.count}"
    amount = _amount_column(raw, cmap)
    columns = [count] + ([f"c{amount}"] if amount is not None else [])
    rows = run(con, render("SELECT row_no, {s}, " + ", ".join(number_expr(con, raw.table, c) for c in columns)
                           + " FROM {t} WHERE {s} IS NOT NULL ORDER BY row_no", s=stage, t=ident(raw.table))).fetchall()
    chain = [r for r, kind in zip(rows, kinds, strict=True) if kind != "lost"]
    for here, after in zip(chain, [*chain[1:], None], strict=True):
        for k, column in enumerate(columns):
            value = here[2 + k] - (after[2 + k] if after is not None else 0)
            run(con, render("UPDATE {t} SET {c} = $v WHERE row_no = $r", t=ident(raw.table), c=ident(column)),
                {"v": f"{value:g}", "r": here[0]})


def _amount_column(raw: RawTable, cmap) -> int | None:
    """A stage's money total: «Amount», «Sum of Amount», «Бюджет», also with its currency («Сумма (Российский
    рубль)», «Бюджет, ₽»: left out before, survey 27)."""
    def words(header: str) -> str:
        return header_tokens(_CURRENCY_NOTE.sub("", header))
    return next((i for i, h in enumerate(raw.headers)
                 if i not in (cmap.stage, cmap.count, cmap.group) and words(h) in _AMOUNT_WORDS), None)


# a currency named after a money header: «(Российский рубль)», «, ₽», «, руб.», «(USD)»
_CURRENCY_NOTE = re.compile(r"\s*(?:\([^()]*\)|,\s*\S{1,4}\.?)\s*$")


def _without_pipeline(stage: str, rows) -> tuple[str, str | None]:
    """«Closed won (Sales Pipeline)» -> («Closed won», «Sales Pipeline») when every stage of ``rows``
    ends with a parenthesised name; else the stage as it is."""
    found = [_PIPELINE_SUFFIX.match(str(r[0])) for r in rows]
    if all(found):
        m = _PIPELINE_SUFFIX.match(stage)
        assert m is not None
        return m.group(1), m.group(2)
    return stage, None


def expand(con, raw: RawTable, cmap, table: str = "raw_stage_counts") -> tuple[RawTable, int]:
    """``raw`` as a deals table: one row per counted deal (``Deal ID`` «<stage> #k»), its stage, its
    pipeline when the stage names carry one, its share of the row's amount, the row's group. Returns
    the new staged table and the number of deals."""
    amount = _amount_column(raw, cmap)
    stages = [r[0] for r in run(con, render("SELECT DISTINCT {s} FROM {t} WHERE {s} IS NOT NULL",
                                            s=ident(f"c{cmap.stage}"), t=ident(raw.table))).fetchall()]
    split = {s: _without_pipeline(s, [(x,) for x in stages]) for s in stages}
    n = number_expr(con, raw.table, f"c{cmap.count}")
    total = run(con, render("SELECT COALESCE(sum(CAST({n} AS BIGINT)), 0) FROM {t}", n=n,
                            t=ident(raw.table))).fetchone()[0]
    if total > MAX_DEALS:
        from ..errors import FunnelError
        raise FunnelError("import.stage_counts_too_many", file=raw.file_name, n=total, limit=MAX_DEALS)
    run(con, "CREATE OR REPLACE TEMP TABLE stage_count_names (stage VARCHAR, name VARCHAR, pipeline VARCHAR)")
    con.executemany("INSERT INTO stage_count_names VALUES (?, ?, ?)",
                    [(s, name, pipeline) for s, (name, pipeline) in split.items()])
    with_pipeline = any(p for _n, p in split.values())
    # (header, SQL) of each column of the expanded table, in order
    # numbered within the stage across rows: a report of a stage's deals on several rows (one per owner, a
    # group column not told) gave «Closed Won #1» on each, and all but the first were dropped as duplicates
    columns = [("Deal ID", "concat(m.name, ' #', CAST(row_number() OVER (PARTITION BY m.name ORDER BY r.row_no, k.i) "
                           "AS VARCHAR))"), (raw.headers[cmap.stage], "m.name")]
    if with_pipeline:
        columns.append(("Pipeline", "m.pipeline"))
    if amount is not None:
        # shared to the cent, the row's last deal taking what rounding left: 65,000 among 3 is 21,666.67 twice and
        # 21,666.66 (three times 21,666.67 made 65,000.01; survey 28)
        columns.append(("Amount", render("CAST(CASE WHEN k.i = CAST({n} AS BIGINT) - 1 THEN round(({a}) - round(({a}) / ({n}), 2)"
                                         " * (({n}) - 1), 2) ELSE round(({a}) / ({n}), 2) END AS VARCHAR)",
                                         a=number_expr(con, raw.table, f"c{amount}"), n=n)))
    if cmap.group is not None:
        columns.append((raw.headers[cmap.group], render("r.{g}", g=ident(f"c{cmap.group}"))))
    cells = ", ".join(render("{e} AS {c}", e=sql, c=ident(f"c{k}")) for k, (_h, sql) in enumerate(columns))
    run(con, render("""CREATE OR REPLACE TEMP TABLE {out} AS
        SELECT CAST(1 + row_number() OVER (ORDER BY r.row_no, k.i) AS INTEGER) AS row_no, {cells}
        FROM {t} AS r
        JOIN stage_count_names AS m ON m.stage = r.{s}
        CROSS JOIN LATERAL (SELECT range AS i FROM range(CAST({n} AS BIGINT))) AS k
        WHERE {n} > 0""", out=ident(table), t=ident(raw.table), s=ident(f"c{cmap.stage}"), n=n, cells=cells))
    run(con, "DROP TABLE stage_count_names")
    headers = [h for h, _sql in columns]
    n_rows = run(con, render("SELECT count(*) FROM {t}", t=ident(table))).fetchone()[0]
    return replace(raw, table=table, headers=headers, n_rows=n_rows), n_rows


def regrouped(con, raw: RawTable, table: str = "raw_regrouped") -> RawTable:
    """The report :func:`expand` made deals of, as its rows again: one per stage (and group), its deals counted, its
    amounts summed, in the order the rows first came. A dataset read as the deals at each stage now keeps those
    deals; read again as a funnel of reached counts (the Data page's «Read the file as» after the import), it needs
    the report's own numbers. A pipeline the stage names carried goes back before the stage («Sales: Proposal»)."""
    headers = raw.headers
    stage = 1  # expand's columns: «Deal ID», the stage under the report's header, then Pipeline / Amount / group
    pipeline = headers.index("Pipeline") if "Pipeline" in headers[2:] else None
    amount = headers.index("Amount") if "Amount" in headers[2:] else None
    group = len(headers) - 1 if len(headers) > 2 and len(headers) - 1 not in (pipeline, amount) else None
    name = render("{s}", s=ident(f"c{stage}")) if pipeline is None else render(
        "CASE WHEN {p} IS NULL OR {p} = '' THEN {s} ELSE concat({p}, ': ', {s}) END", p=ident(f"c{pipeline}"),
        s=ident(f"c{stage}"))
    keys = [(headers[stage], name)] + ([(headers[group], render("{g}", g=ident(f"c{group}")))] if group is not None else [])
    values = [("Count", "CAST(count(*) AS VARCHAR)")]
    if amount is not None:
        values.append(("Amount", render("CAST(round(sum(TRY_CAST({a} AS DOUBLE)), 2) AS VARCHAR)", a=ident(f"c{amount}"))))
    columns = keys + values
    cells = ", ".join(render("{e} AS {c}", e=sql, c=ident(f"c{k}")) for k, (_h, sql) in enumerate(columns))
    by = ", ".join(sql for _h, sql in keys)
    run(con, render("""CREATE OR REPLACE TEMP TABLE {out} AS
        SELECT CAST(row_number() OVER (ORDER BY min(row_no)) + 1 AS INTEGER) AS row_no, {cells}
        FROM {t} GROUP BY {by} ORDER BY min(row_no)""", out=ident(table), t=ident(raw.table), cells=cells, by=by))
    n_rows = run(con, render("SELECT count(*) FROM {t}", t=ident(table))).fetchone()[0]
    return replace(raw, table=table, headers=[h for h, _sql in columns], n_rows=n_rows)
