"""The per-backend rewrites for Spark SQL: what SQLGlot (``read='duckdb'``, ``write='spark'``)
gets silently wrong or leaves unrunnable, fixed on the tree before Spark's SQL is written.

Each entry is one :class:`~funnel.backends.base.Rewrite` with its reason; each has a unit test
(tests/unit/test_spark_rewrites.py) and the conformance suite checks the numbers. Checked and
left to SQLGlot because it already gets them right (also tested there): ``NULLS LAST`` written
out on every ascending ``ORDER BY`` (Spark sorts NULLs first by default, DuckDB last), ``FILTER
(WHERE ...)`` on aggregates, ``IGNORE NULLS`` (written after the call, as Spark wants), ``//``
(``DIV``), ``/`` (a double on both), ``CAST(... AS TIMESTAMP)`` (written ``TIMESTAMP_NTZ``: a
wall-clock time, as DuckDB's) and ``$name`` parameters (written ``:name``).

Not rewritable, documented instead (README, "Spark"): ``hash()`` is a different function on
each engine, so the 1-in-k sample of ``audit_stage_times`` (only above 500,000 stage entries)
draws other deals on Spark; Spark (ANSI mode) raises on a division by zero where DuckDB returns
NULL or infinity; no query divides by a column.
"""

from __future__ import annotations

from sqlglot import exp

from .base import Rewrite

_EPOCH_NTZ = "TIMESTAMP_NTZ '1970-01-01 00:00:00'"
# DuckDB's date_diff counts unit *boundaries* crossed; Spark's timestampdiff counts whole elapsed
# units. Truncating both ends to the unit first makes them the same for these units.
_BOUNDARY_UNITS = {"MICROSECOND", "MILLISECOND", "SECOND", "MINUTE", "HOUR", "DAY", "MONTH", "QUARTER", "YEAR"}


def _call(name: str, *args: exp.Expression) -> exp.Expression:
    """A function call SQLGlot writes as it is (not parsed into one of its own nodes)."""
    return exp.Anonymous(this=name, expressions=list(args))


def _ntz(node: exp.Expression) -> exp.Expression:
    return exp.cast(node, exp.DataType.build("TIMESTAMP_NTZ", dialect="spark"))


def _disc(q: exp.Expression, value: exp.Expression) -> exp.Expression:
    """Spark's own ``percentile_disc(q) WITHIN GROUP (ORDER BY value)`` (an anonymous call, so
    SQLGlot's Spark writer does not turn it into ``PERCENTILE_APPROX``)."""
    order = exp.Order(expressions=[exp.Ordered(this=value, nulls_first=False)])
    return exp.WithinGroup(this=exp.Anonymous(this="percentile_disc", expressions=[q]), expression=order)


def _within_group_percentile(node: exp.Expression) -> exp.Expression:
    """``percentile_cont(q) WITHIN GROUP (ORDER BY x)`` -> ``percentile(x, q)`` (exact, type 7).

    SQLGlot writes ``PERCENTILE_APPROX(x, q)`` for it (and for ``percentile_disc``): Spark's
    approximate quantile (a sketch, 10,000 buckets by default) returns an *existing* value near the
    quantile, never the interpolated one: medians on the samples were off by up to 2 %.
    ``ORDER BY x DESC`` asks for the ``1 - q`` quantile. ``percentile_disc`` stays Spark's own
    ``percentile_disc(q) WITHIN GROUP`` (the same definition as DuckDB's: the first value whose
    cumulative share reaches q)."""
    if not isinstance(node, exp.WithinGroup) or not isinstance(node.this, exp.PercentileCont | exp.PercentileDisc):
        return node
    order = node.expression.expressions[0] if isinstance(node.expression, exp.Order) else None
    if order is None or len(node.expression.expressions) != 1:
        return node
    q = node.this.this.copy()
    value = order.this.copy()
    if order.args.get("desc"):
        q = exp.Sub(this=exp.Literal.number(1), expression=q)
    if isinstance(node.this, exp.PercentileDisc):
        return _disc(q, value)
    return exp.Anonymous(this="percentile", expressions=[value, q])


def _quantile_calls(node: exp.Expression) -> exp.Expression:
    """DuckDB's ``quantile_cont(x, q)`` -> ``percentile(x, q)``; ``quantile_disc(x, q)`` /
    ``quantile(x, q)`` -> ``percentile_disc(q) WITHIN GROUP (ORDER BY x)``. SQLGlot writes them
    as ``PERCENTILE_CONT(x, q)``, which Spark refuses (it takes one argument)."""
    if isinstance(node, exp.PercentileCont) and node.expression is not None:
        return exp.Anonymous(this="percentile", expressions=[node.this.copy(), node.expression.copy()])
    if isinstance(node, exp.PercentileDisc) and node.expression is not None:
        return _disc(node.expression.copy(), node.this.copy())
    if isinstance(node, exp.Quantile):
        return _disc(node.args["quantile"].copy(), node.this.copy())
    return node


def _epoch(node: exp.Expression) -> exp.Expression:
    """``EXTRACT(EPOCH FROM ts)`` -> seconds since 1970 of the wall-clock time, as a double.

    SQLGlot passes it through and Spark has no ``EPOCH`` field (an error). ``unix_micros`` would
    read the value in the session time zone; ``timestampdiff`` from a ``TIMESTAMP_NTZ`` epoch
    does not, and a microsecond count divided by 10^6 is DuckDB's own definition."""
    if not (isinstance(node, exp.Extract) and node.this.name.upper() == "EPOCH"):
        return node
    micros = _call("timestampdiff", exp.var("MICROSECOND"), exp.maybe_parse(_EPOCH_NTZ, dialect="spark"),
                   _ntz(node.expression.copy()))
    return exp.Div(this=exp.cast(micros, "DOUBLE"), expression=exp.Literal.number(1000000))


def _boundary_diff(node: exp.Expression) -> exp.Expression:
    """``date_diff('second', a, b)`` -> ``timestampdiff(SECOND, trunc(a), trunc(b))``.

    DuckDB counts the unit boundaries between a and b (44.9 s to 45.1 s is 1 second); Spark's
    ``DATEDIFF(SECOND, a, b)`` counts whole elapsed units (0). Truncating both to the unit first
    gives DuckDB's count."""
    if not isinstance(node, exp.DateDiff) or not node.args.get("date_part_boundary"):
        return node
    unit = (node.unit.name if node.unit is not None else "DAY").upper()
    if unit not in _BOUNDARY_UNITS:
        return node
    start, end = node.expression.copy(), node.this.copy()

    def trunc(x):
        return _ntz(_call("date_trunc", exp.Literal.string(unit), x))

    return _call("timestampdiff", exp.var(unit), trunc(start), trunc(end))


def _trunc_to_ntz(node: exp.Expression) -> exp.Expression:
    """``date_trunc(unit, x)`` -> ``CAST(date_trunc(unit, x) AS TIMESTAMP_NTZ)``.

    DuckDB returns a TIMESTAMP (wall clock) for a timestamp and for a date. Spark's
    ``date_trunc`` returns a session-time-zone TIMESTAMP (fetched shifted into the client's local
    zone), and SQLGlot writes ``TRUNC(d, unit)`` for a DATE, which returns a DATE."""
    if isinstance(node, exp.TimestampTrunc | exp.DateTrunc):
        unit = (node.unit.name if node.unit is not None else "DAY").upper()
        return _ntz(_call("date_trunc", exp.Literal.string(unit), node.this.copy()))
    return node


def _float_division(node: exp.Expression) -> exp.Expression:
    """``a / b`` -> ``CAST(a AS DOUBLE) / b``: DuckDB's ``/`` always divides in floating point;
    Spark divides a DECIMAL (``86400.0`` is one) in DECIMAL arithmetic, rounded to a few digits
    (``date_diff(...) / 86400.0`` lost ~1e-7 of a day)."""
    if isinstance(node, exp.Div) and not node.meta.get("funnel_float"):
        numerator = node.this
        if not (isinstance(numerator, exp.Cast) and numerator.to.this == exp.DataType.Type.DOUBLE):
            numerator = exp.cast(numerator.copy(), "DOUBLE")
        out = exp.Div(this=numerator, expression=node.expression.copy())
        out.meta["funnel_float"] = True
        return out
    return node


def _apply(fn):
    return lambda tree: tree.transform(fn)


REWRITES: tuple[Rewrite, ...] = (
    Rewrite("exact_percentile", "percentile_cont WITHIN GROUP became PERCENTILE_APPROX (approximate): "
            "percentile(x, q) is Spark's exact, interpolating one", _apply(_within_group_percentile)),
    Rewrite("quantile_functions", "quantile_cont/quantile_disc(x, q) became PERCENTILE_CONT(x, q), which "
            "Spark refuses", _apply(_quantile_calls)),
    Rewrite("epoch_seconds", "EXTRACT(EPOCH FROM ts) has no Spark field: seconds since 1970 from a "
            "microsecond timestampdiff", _apply(_epoch)),
    Rewrite("boundary_date_diff", "date_diff counts unit boundaries in DuckDB, whole elapsed units in "
            "Spark: truncate both ends first", _apply(_boundary_diff)),
    Rewrite("trunc_wall_clock", "date_trunc returns a session-zone TIMESTAMP (or a DATE via TRUNC) on "
            "Spark, a wall-clock TIMESTAMP in DuckDB", _apply(_trunc_to_ntz)),
    Rewrite("float_division", "a / b divides in DOUBLE in DuckDB, in rounded DECIMAL on Spark when an "
            "operand is a decimal literal", _apply(_float_division)),
)

