"""Ad spend (date, source, cost; CSV or XLSX) -> cost per lead, CAC and ROMI per source and month.

The file is read by the importer's readers (encoding, delimiter, Excel, decimal commas, dates) into
a staged table; its three columns are found by their headers. Every row is checked: a date or cost
that does not read, a negative cost, an empty source are rejected with their row, column and value;
sources the deals do not know and repeated (date, source) rows are warnings. Attribution: a month's
spend on a source is divided by the deals *created* from that source in that month (leads), the won
ones among them (CAC) and their revenue (ROMI = (revenue - spend) / spend). Only months the spend file
covers count (a source's totals add those months up): a month without spend data has no cost per lead.
A revenue the deals cannot give is ``None`` with its ``reason``, and so is the ROMI: won deals without an
amount (``no_amount``: Olist's leads list, whose 0 revenue read as a ROMI of −100 %) or won deals in several
currencies (``mixed_currencies``: their amounts do not add up).

Several pipelines: the leads are those of the one pipeline shown (``pipeline``), as every number is; a source that
also feeds another pipeline has those leads outside its cost per lead, and each row says how many per pipeline
(``other_pipelines``, the spend file's months of the row), so a reader sees the spend was divided by part of what
it may have bought and can pick the pipeline the money bought. Not an "all pipelines" total: the won deals of a
renewals pipeline are not new customers, and their revenue in a ROMI would mix two funnels.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import FunnelError
from ..metrics.context import Context
from ..metrics.filters import other_pipelines_where, query
from ..readers import stage_file
from ..readers.values import date_sql, number_sql, profile_column
from ..sql import ident, render, run

HEADERS = {
    "date": re.compile(r"^(date|day|month|period|дата|день|месяц|период|日期|月份)", re.IGNORECASE),
    "source": re.compile(r"(source|channel|utm_source|источник|канал|来源|渠道)", re.IGNORECASE),
    "cost": re.compile(r"(cost|spend|expense|budget|amount|расход|затрат|стоимость|бюджет|сумма|花费|成本|费用)",
                       re.IGNORECASE),
}


@dataclass(frozen=True)
class SpendIssue:
    code: str  # bad_date | bad_cost | negative_cost | no_source | unknown_source | duplicate
    severity: str  # rejected | warning
    row: int | None
    column: str | None
    value: str | None


@dataclass
class SpendFile:
    file_name: str
    rows: list[tuple[date, str, float]] = field(default_factory=list)
    issues: list[SpendIssue] = field(default_factory=list)


def _find(headers: list[str], file_name: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for role, pattern in HEADERS.items():
        index = next((i for i, h in enumerate(headers) if i not in found.values() and pattern.search(h or "")), None)
        if index is None:
            raise FunnelError("audit.spend.missing_column", file=file_name, column=role,
                              headers=", ".join(h or "?" for h in headers))
        found[role] = index
    return found


def read_spend(con, source: Path | bytes, file_name: str, known_sources: set[str] | None = None) -> SpendFile:
    raw = stage_file(con, source, file_name, table="spend_raw")
    cols = _find(raw.headers, file_name)
    c = {role: f"c{i}" for role, i in cols.items()}
    date_expr = date_sql(ident(c["date"]), profile_column(con, raw.table, c["date"], prefer="date"))
    cost_expr = number_sql(ident(c["cost"]), profile_column(con, raw.table, c["cost"], prefer="number"))
    cells = ", ".join(ident(c[role]) for role in ("date", "source", "cost"))
    sql = f"SELECT row_no, {cells}, {date_expr}, {cost_expr} FROM {ident(raw.table)} ORDER BY row_no"
    out = SpendFile(file_name)
    seen: set[tuple[date, str]] = set()
    unknown: dict[str, int] = {}
    names = {role: raw.headers[i] for role, i in cols.items()}
    for row_no, d_text, src, cost_text, day, cost in run(con, sql).fetchall():
        problem = None
        if day is None:
            problem = SpendIssue("bad_date", "rejected", row_no, names["date"], d_text)
        elif cost is None:
            problem = SpendIssue("bad_cost", "rejected", row_no, names["cost"], cost_text)
        elif cost < 0:
            problem = SpendIssue("negative_cost", "rejected", row_no, names["cost"], cost_text)
        elif not src:
            problem = SpendIssue("no_source", "rejected", row_no, names["source"], None)
        if problem:
            out.issues.append(problem)
            continue
        key = (day.date(), src)
        if key in seen:
            out.issues.append(SpendIssue("duplicate", "warning", row_no, names["date"], f"{key[0]} · {src}"))
        seen.add(key)
        if known_sources is not None and src not in known_sources and src not in unknown:
            unknown[src] = row_no
        out.rows.append((day.date(), src, float(cost)))
    for src, row_no in unknown.items():
        out.issues.append(SpendIssue("unknown_source", "warning", row_no, names["source"], src))
    run(con, render("DROP TABLE IF EXISTS {t}", t=ident(raw.table)))
    return out


def known_sources(con, ctx: Context, every_pipeline: bool = False) -> set[str]:
    """The deals' sources in the pipeline shown, or in any pipeline (``every_pipeline``: what a spend file's source
    is checked against; a source of another pipeline has leads, the report says where)."""
    if every_pipeline:
        return {r[0] for r in run(con, query("audit_spend_sources", ctx.info)).fetchall()}
    sql = query("metrics_group_values", ctx.info, group=ident("source"))
    return {r[0] for r in run(con, sql, {"pipeline": ctx.pipeline}).fetchall() if r[0] is not None}


def _elsewhere(con, ctx: Context) -> dict[tuple[str, date], dict[str, int]]:
    """The leads per (source, month) in every pipeline but the one shown, per pipeline (``""`` = none named)."""
    if list(ctx.info.pipelines) == [ctx.pipeline]:  # one pipeline: nothing elsewhere
        return {}
    where = other_pipelines_where(ctx.info, ctx.spec, ctx.pipeline)
    out: dict[tuple[str, date], dict[str, int]] = defaultdict(dict)
    for src, pipeline, month, leads in run(con, query("audit_spend_elsewhere", ctx.info, where=where.sql),
                                           where.params).fetchall():
        out[(src, month.date())]["" if pipeline is None else str(pipeline)] = int(leads)
    return out


def _add(into: dict[str, int], more: dict[str, int]) -> dict[str, int]:
    for pipeline, n in more.items():
        into[pipeline] = into.get(pipeline, 0) + n
    return into


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def spend_report(con, ctx: Context, rows: list[tuple[date, str, float]]) -> dict[str, Any]:
    """``{"pipeline", "months": [...], "sources": [...]}``: spend, leads, won, revenue, cpl, cac, romi, and the
    source's leads in the other pipelines (``other_pipelines``: {pipeline: leads}, not in the cost per lead)."""
    spend: dict[tuple[str, date], float] = defaultdict(float)
    for day, src, cost in rows:
        spend[(src, day.replace(day=1))] += cost
    deals: dict[tuple[str, date], tuple[int, int, float, int, set]] = {}
    sql = query("audit_spend_leads", ctx.info, where=ctx.where.sql)
    for src, month, leads, won, revenue, no_amount, currencies in run(con, sql, ctx.where.params).fetchall():
        deals[(src, month.date())] = (int(leads), int(won), float(revenue or 0.0), int(no_amount), set(currencies or ()))
    elsewhere = _elsewhere(con, ctx)
    others: dict[str, dict[str, int]] = defaultdict(dict)
    months = []
    # per source: spend, leads, won, revenue, won without an amount, the won deals' currencies
    totals: dict[str, list[Any]] = defaultdict(lambda: [0.0, 0, 0, 0.0, 0, set()])
    for key in sorted(spend):  # months without spend data have no cost per lead: left out
        cost = spend.get(key, 0.0)
        leads, won, revenue, no_amount, currencies = deals.get(key, (0, 0, 0.0, 0, set()))
        months.append(_row(key[0], key[1], cost, leads, won, revenue, _unknown(no_amount, currencies)))
        months[-1]["other_pipelines"] = dict(elsewhere.get(key, {}))
        _add(others[key[0]], elsewhere.get(key, {}))
        for i, v in enumerate((cost, leads, won, revenue, no_amount)):
            totals[key[0]][i] += v
        totals[key[0]][5] |= currencies
    sources = [_row(src, None, cost, leads, won, revenue, _unknown(no_amount, currencies))
               for src, (cost, leads, won, revenue, no_amount, currencies) in sorted(totals.items())]
    for row in sources:
        row["other_pipelines"] = others[row["source"]]
    return {"pipeline": ctx.pipeline, "months": months, "sources": sources}


def _unknown(no_amount: int, currencies: set) -> str | None:
    """Why the won deals' revenue is not known: some have no amount, or their amounts are in several currencies."""
    if no_amount:
        return "no_amount"
    return "mixed_currencies" if len(currencies) > 1 else None


def _row(source: str, month: date | None, cost: float, leads: float, won: float, revenue: float,
         reason: str | None = None) -> dict[str, Any]:
    known = reason is None
    return {"source": source, "month": month.isoformat()[:7] if month else None, "spend": round(cost, 2),
            "leads": int(leads), "won": int(won), "revenue": round(revenue, 2) if known else None,
            "cpl": _ratio(cost, leads), "cac": _ratio(cost, won),
            "romi": _ratio(revenue - cost, cost) if cost and known else None, "reason": reason}
