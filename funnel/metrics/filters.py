"""The WHERE clause of every metric query, built from a :class:`~funnel.spec.FunnelSpec`.

Only two kinds of text reach the SQL: constant fragments written here and column names that
passed :func:`check_column` and went through :func:`funnel.sql.ident`. Every value (pipeline,
dates, filter values) is a bound ``$parameter`` with a generated name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from ..dataset import DatasetInfo
from ..errors import FunnelError
from ..schema import GROUPABLE_FIELDS
from ..spec import FunnelSpec
from ..sql import ident, load, render, run

DATE_COLUMNS = {"created": "created_at", "closed": "closed_at"}


@dataclass(frozen=True)
class Where:
    """A boolean SQL fragment and the parameters it binds."""

    sql: str = "1 = 1"
    params: dict[str, Any] = field(default_factory=dict)

    def and_(self, sql: str, params: dict[str, Any] | None = None) -> Where:
        return Where(f"{self.sql} AND ({sql})", {**self.params, **(params or {})})


def known_columns(info: DatasetInfo) -> tuple[str, ...]:
    """Columns a filter or a ``by`` may name: the groupable canonical fields and the extra ``x_`` ones."""
    extras = tuple(c for c in info.extra_columns if c.startswith("x_"))
    return GROUPABLE_FIELDS + extras


def column_of(info: DatasetInfo, text: str) -> str:
    """The stored column ``text`` names: a stored name (``source``, ``x_product``) or the file's own
    header of a mapped or extra column (``product``, «Deal - Segment», «Город»), case aside, as a
    user of the command line writes it; ``text`` itself when nothing matches."""
    known = known_columns(info)
    if text in known:
        return text
    headers = {str(h): f for f, h in info.mapped_headers.items() if f in known and h}
    headers.update({str(h): name for name, h in info.extra_columns.items() if name in known})
    if text in headers:
        return headers[text]
    folded = {h.casefold(): c for h, c in headers.items()} | {c.casefold(): c for c in known}
    return folded.get(str(text).strip().casefold(), text)


def check_column(info: DatasetInfo, column: str) -> str:
    """The stored column ``column`` names (:func:`column_of`), else ``FunnelError('metrics.unknown_column')``."""
    column = column_of(info, column)
    if column not in known_columns(info):
        raise FunnelError("metrics.unknown_column", column=str(column))
    return column


def query(name: str, info: DatasetInfo, **fragments: str) -> str:
    """The named query ``funnel/queries/<name>.sql`` with the dataset's tables and trusted fragments."""
    return render(load(name), **info.tables, **fragments)


def value_in(column_sql: str, values: tuple[str | None, ...], prefix: str) -> tuple[str, dict[str, Any]]:
    """``col IN ($p0, $p1) OR col IS NULL`` for the given values (``None`` = no value)."""
    params = {f"{prefix}_{i}": v for i, v in enumerate(v for v in values if v is not None)}
    parts = []
    if params:
        parts.append(f"{column_sql} IN ({', '.join('$' + p for p in params)})")
    if any(v is None for v in values):
        parts.append(f"{column_sql} IS NULL")
    return " OR ".join(parts) or "1 = 0", params


def _period(spec: FunnelSpec) -> tuple[str, dict[str, Any]] | None:
    if spec.date_from is None and spec.date_to is None:
        return None
    column = ident(DATE_COLUMNS[spec.date_field])
    parts, params = [], {}
    if spec.date_from is not None:
        parts.append(f"{column} >= $p_from")
        params["p_from"] = datetime.combine(spec.date_from, time.min)
    if spec.date_to is not None:  # inclusive end date: everything before the next midnight
        parts.append(f"{column} < $p_to")
        params["p_to"] = datetime.combine(spec.date_to + timedelta(days=1), time.min)
    return " AND ".join(parts), params


def deal_where(info: DatasetInfo, spec: FunnelSpec, pipeline: str | None) -> Where:
    """Deals of one pipeline that pass the spec's period, filters and closed-only view."""
    return _narrowed(Where("pipeline = $p_pipeline", {"p_pipeline": pipeline}), info, spec)


def other_pipelines_where(info: DatasetInfo, spec: FunnelSpec, pipeline: str | None) -> Where:
    """Deals of every pipeline but ``pipeline`` that pass the same period, filters and view: what a number of one
    pipeline leaves out (a source's leads in the other pipelines, not in its spend's cost per lead)."""
    return _narrowed(Where("pipeline IS DISTINCT FROM $p_pipeline", {"p_pipeline": pipeline}), info, spec)


def _narrowed(where: Where, info: DatasetInfo, spec: FunnelSpec) -> Where:
    period = _period(spec)
    if period:
        where = where.and_(*period)
    for i, (column, values) in enumerate(spec.filters):
        sql, params = value_in(ident(check_column(info, column)), values, f"f{i}")
        where = where.and_(sql, params)
    if spec.closed_only:
        where = where.and_("status <> 'open'")
    return where


def resolve_pipeline(con, info: DatasetInfo, spec: FunnelSpec) -> str | None:
    """The spec's pipeline, or the one with most deals (most entrants for counts).

    With no data at all, the first pipeline the dataset lists (so an empty funnel still has its
    stages), else None. A deal dataset that lists a single pipeline needs no counting.
    """
    if spec.pipeline is not None:
        return spec.pipeline
    aggregate = info.capabilities.aggregate
    if not aggregate and len(info.pipelines) == 1:
        return info.pipelines[0]  # the import lists every pipeline its deals are in: no need to count
    if aggregate:
        # counts' pipelines by entrants; of those tied, the first the file lists (an A/B platform's metrics
        # share their users: its first metric, not the first by name)
        rows = run(con, query("metrics_counts_pipelines", info)).fetchall()
        if rows:
            listed = {p: k for k, p in enumerate(info.pipelines)}
            return min((r[0] for r in rows if r[1] == rows[0][1]), key=lambda p: listed.get(p, len(listed)))
        return info.pipelines[0] if info.pipelines else None
    row = run(con, query("metrics_pipelines", info)).fetchone()
    if row:
        return row[0]
    return info.pipelines[0] if info.pipelines else None


def stage_list(con, info: DatasetInfo, pipeline: str | None) -> list[dict[str, Any]]:
    """Funnel stages of the pipeline in order: ``[{stage, position, kind}]`` (lost stages left out)."""
    cur = run(con, query("metrics_stages", info), {"pipeline": pipeline})
    return [{"stage": s, "position": p, "kind": k} for s, p, k in cur.fetchall() if p is not None]


def stage_position(stages: list[dict[str, Any]], name: str | None) -> int | None:
    for stage in stages:
        if name is not None and stage["stage"] == name:
            return stage["position"]
    return None


def inclusive_days(start: date, end: date) -> int:
    return (end - start).days + 1
