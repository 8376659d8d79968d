"""Drivers: for every step, which attribute values raise or lower the chance of passing it.

Attributes: manager, source, variant, every extra column the user kept, and the amount band
(quartiles of the amount). Each value at each step is compared with the deals of the *other* values
of the same attribute (deals without a value are left out: "no value" is not a segment) by
:mod:`.gaps`: z or Fisher test, at least ``MIN_N`` deals a side, all cells of all attributes one
Holm family, outliers out of the rest. The effect is the difference in pass rate (value - rest)
with its Newcombe 95 % interval; only flagged cells (significant after the correction and at least
``MIN_GAP``) are shown, most influential (deals x effect) first. A column with one value (or more
than ``MAX_VALUES``: identifiers, free text) is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..metrics.context import Context
from ..metrics.filters import known_columns, query
from ..metrics.stages import funnel_rows, tallies, tally_groups
from ..sql import run
from .gaps import ALPHA, MIN_GAP, MIN_N, GapCell, gaps_against_rest
from .steps import StepCount, step_counts

MAX_VALUES = 50
AMOUNT_BAND = "amount_band"
BASE = ("manager", "source", "variant")


@dataclass
class DriverReport:
    cells: list[GapCell] = field(default_factory=list)
    bands: list[tuple[float | None, float | None]] = field(default_factory=list)  # band "1".."4": [from, to)
    columns: list[str] = field(default_factory=list)

    @property
    def shown(self) -> list[GapCell]:
        """Flagged cells, most influential (deals moved: n x |effect|) first."""
        return sorted((c for c in self.cells if c.flagged), key=lambda c: -c.n * abs(c.diff or 0.0))

    def band(self, value: str | None) -> tuple[float | None, float | None]:
        try:
            return self.bands[int(value) - 1]
        except (TypeError, ValueError, IndexError):
            return None, None


def attribute_columns(ctx: Context) -> list[str]:
    known = known_columns(ctx.info)
    return [c for c in (*BASE, *(c for c in ctx.info.extra_columns if c.startswith("x_"))) if c in known]


def _groups(ctx: Context, tally_by_value) -> dict[str | None, list[StepCount]] | None:
    named = [v for v in tally_by_value if v is not None and v != ""]
    if len(named) < 2 or len(named) > MAX_VALUES:
        return None
    return {v: step_counts(funnel_rows(ctx.stages, t), t.lost_unknown) for v, t in tally_by_value.items()}


def amount_bands(con, ctx: Context) -> list[tuple[float | None, float | None]]:
    q1, q2, q3, n = run(con, query("audit_amount_bands", ctx.info, where=ctx.where.sql), ctx.where.params).fetchone()
    if not n or q1 is None or len({q1, q2, q3}) < 3:
        return []
    return [(None, q1), (q1, q2), (q2, q3), (q3, None)]


BAND_SQL = ("CASE WHEN amount IS NULL OR amount <= 0 THEN NULL WHEN amount < $b1 THEN '1' "
            "WHEN amount < $b2 THEN '2' WHEN amount < $b3 THEN '3' ELSE '4' END")


def driver_report(con, ctx: Context, *, columns: list[str] | None = None, min_n: int = MIN_N,
                  alpha: float = ALPHA, min_gap: float = MIN_GAP, with_amount: bool = True,
                  known_groups: dict[str, dict] | None = None) -> DriverReport:
    """``known_groups``: step counts already computed for a column (e.g. the managers' heatmap)."""
    families: dict[str, dict[str | None, list[StepCount]]] = {}
    for column in columns if columns is not None else attribute_columns(ctx):
        groups = (known_groups or {}).get(column)
        groups = groups if groups is not None else _groups(ctx, tallies(con, ctx, column))
        if groups:
            families[column] = groups
    bands = amount_bands(con, ctx) if with_amount else []
    if bands:
        params = {"b1": bands[1][0], "b2": bands[2][0], "b3": bands[3][0]}
        groups = _groups(ctx, tally_groups(con, ctx, BAND_SQL, params))
        if groups:
            families[AMOUNT_BAND] = groups
    cells = gaps_against_rest(families, min_n=min_n, alpha=alpha, min_gap=min_gap) if families else []
    return DriverReport(cells, bands, list(families))
