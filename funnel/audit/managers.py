"""Managers: per manager deals, win rate, revenue, average deal, cycle, and the manager x step heatmap.

Every cell (a manager at a step) is tested against the rest of the team with the manager's own
deals left out, with a minimum sample and Holm's correction across the whole heatmap (see
:mod:`.gaps`). For each flagged gap below the team: "if this step converted like the rest of the
team", extra deals = n x (team rate - manager's rate), and their money by the leak rule
(:mod:`.impact`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..dataset import DatasetInfo
from ..metrics.context import Context, resolve
from ..metrics.entry_points import outcomes_in
from ..metrics.outcomes import Outcomes
from ..metrics.probability import stage_probability
from ..spec import FunnelSpec
from .capabilities import capabilities
from .gaps import ALPHA, MIN_GAP, MIN_N, GapCell, gaps_against_rest
from .impact import DealValue
from .steps import step_counts


@dataclass(frozen=True)
class ManagerRow:
    manager: str
    outcomes: Outcomes
    steps: list[GapCell]


@dataclass
class ManagerReport:
    managers: list[ManagerRow] = field(default_factory=list)
    value: DealValue = field(default_factory=DealValue)
    reason: str | None = None  # why there is no heatmap (aggregate counts, no manager column)
    # the deals no manager is named on: in no row, but counted by the team's totals (survey 46: Olist's 7,158 of
    # 8,000 deals were missing from the Managers page and ``managers --json``, silently)
    unassigned: Outcomes | None = None

    @property
    def cells(self) -> list[GapCell]:
        return [c for m in self.managers for c in m.steps]

    @property
    def steps_unmeasured(self) -> bool:
        """No deal of any manager is lost at a step while some lost deals have no recorded stage: every cell
        reads 100 % by construction (a snapshot export: open deals have not left a step, lost ones are out of
        every step), which read as «everyone converts 100 %» (survey 31). The steps then measure nothing."""
        lost_unknown = sum(m.outcomes.lost_stage_unknown or 0 for m in self.managers)
        return bool(lost_unknown) and all(c.passed >= c.n for c in self.cells)

    def extra_deals(self, cell: GapCell) -> float | None:
        """Deals more passing the step if the manager converted like the rest (worse cells only)."""
        if cell.diff is None or cell.diff >= 0:
            return None
        return cell.n * -cell.diff

    def extra_money(self, cell: GapCell) -> float | None:
        extra = self.extra_deals(cell)
        return None if extra is None else self.value.money(cell.stage_to, extra)


def heatmap(ctx: Context, by_manager: dict[Any, Outcomes], *, min_n: int = MIN_N, alpha: float = ALPHA,
            min_gap: float = MIN_GAP) -> list[ManagerRow]:
    groups = {m: step_counts(out.stages, out.lost_stage_unknown) for m, out in by_manager.items()}
    cells = gaps_against_rest({"manager": groups}, min_n=min_n, alpha=alpha, min_gap=min_gap)
    rows = []
    for manager, out in by_manager.items():
        if manager is None or manager == "":
            continue
        rows.append(ManagerRow(manager, out, [c for c in cells if c.value == manager]))
    rows.sort(key=lambda r: (-r.outcomes.deals, r.manager))
    return rows


def manager_report(con, info: DatasetInfo, spec: FunnelSpec, *, min_n: int = MIN_N, alpha: float = ALPHA,
                   min_gap: float = MIN_GAP, ctx: Context | None = None) -> ManagerReport:
    caps = capabilities(info)
    if not caps.has_deals:
        return ManagerReport(reason="audit.reason.counts_no_deals")
    if not caps.has_managers:
        return ManagerReport(reason="audit.reason.no_managers")
    ctx = ctx or resolve(con, info, spec)
    by_manager = outcomes_in(con, ctx, "manager")
    overall = outcomes_in(con, ctx).get(None) or Outcomes()
    value = DealValue.of(stage_probability(con, info, spec), overall.avg_deal_size)
    rows = heatmap(ctx, by_manager, min_n=min_n, alpha=alpha, min_gap=min_gap)
    unassigned = by_manager.get(None) or by_manager.get("")
    return ManagerReport(rows, value, None if rows else "audit.reason.no_managers",
                         unassigned if unassigned is not None and unassigned.deals else None)


def _num(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(float(x), digits)


def _p(x: float | None) -> float | None:
    """A p-value to 4 significant digits (tiny ones stay readable: 3.925e-08, not 0)."""
    return None if x is None else float(f"{x:.4g}")


def managers_json(report: ManagerReport) -> dict[str, Any]:
    """The ``managers --json`` document (README)."""
    out = []
    for row in report.managers:
        o = row.outcomes
        out.append({
            "manager": row.manager, "deals": o.deals, "won": o.won, "lost": o.lost,
            "win_rate": _num(o.win_rate), "revenue": _num(o.revenue, 2),
            # why won / win_rate / revenue are null (nothing marks a deal of the pipeline won: unknown, not 0)
            "reasons": {k: o.reasons[k] for k in ("won", "win_rate", "revenue") if getattr(o, k) is None and k in o.reasons},
            "steps": [{"stage": c.stage, "stage_to": c.stage_to, "n": c.n, "passed": c.passed,
                       "rate": _num(c.rate), "team_rate": _num(c.rest_rate), "p_value": _p(c.p_value),
                       "p_value_adjusted": _p(c.p_value_adjusted), "flagged": c.flagged}
                      for c in row.steps],
        })
    none = report.unassigned
    return {"managers": out,
            "no_manager": None if none is None else {"deals": none.deals, "won": none.won, "lost": none.lost,
                                                     "win_rate": _num(none.win_rate), "revenue": _num(none.revenue, 2)}}
