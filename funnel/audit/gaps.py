"""Group-versus-rest tests at every funnel step, corrected across the whole table (Holm).

One cell = one group (a manager, a source, an attribute value) at one step. It is compared with
the *rest*: every other group's deals at that step, the group's own deals left out, so a manager
is never compared with themself. The test is the pooled two-proportion z-test, or Fisher's exact
test when an expected cell count is below 5 (``funnel.stats.proportions.two_proportion_test``).

A cell is tested only when both sides have at least ``min_n`` decided deals (a manager with five
deals is not called a problem). All tested cells of one table form one family: their p-values are
adjusted with Holm's step-down method (statsmodels ``multipletests(method="holm")``), which keeps
the chance of *any* false alarm in the table at most ``alpha``. A cell is *flagged* when its
adjusted p-value is below ``alpha`` and the gap is at least ``min_gap`` (absolute rate points): a
real but tiny difference is not worth a consultant's minute.

Real outliers leave the benchmark: after a round of tests, the cells flagged at a step are taken out
of the *other* groups' rest at that step and everything is tested again (until nothing changes, at
most ``ROUNDS`` rounds). Without this one very weak manager drags the team rate down and makes an
ordinary colleague look "better than the team".
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.special import ndtr

from ..stats.proportions import FISHER_MIN_EXPECTED, Proportion, difference_interval, two_proportion_test
from .steps import StepCount

ALPHA = 0.05
MIN_N = 30  # decided deals a group needs at a step (and the rest too) before it is tested
MIN_GAP = 0.05  # absolute difference in pass rate worth flagging (5 rate points)
CORRECTION = "holm"
ROUNDS = 3


@dataclass(frozen=True)
class GapCell:
    column: str
    value: str | None
    index: int  # step number (0-based)
    stage: str
    stage_to: str
    position: int
    n: int
    passed: int
    rest_n: int
    rest_passed: int
    test: str | None = None  # 'z' | 'fisher' | None (not tested: too few deals)
    p_value: float | None = None
    p_value_adjusted: float | None = None
    flagged: bool = False
    diff_ci_low: float | None = None  # Newcombe 95 % interval of rate - rest_rate (flagged cells)
    diff_ci_high: float | None = None

    @property
    def rate(self) -> float | None:
        return self.passed / self.n if self.n else None

    @property
    def rest_rate(self) -> float | None:
        return self.rest_passed / self.rest_n if self.rest_n else None

    @property
    def diff(self) -> float | None:
        if self.rate is None or self.rest_rate is None:
            return None
        return self.rate - self.rest_rate

    @property
    def tested(self) -> bool:
        return self.p_value is not None


def cells_against_rest(column: str, groups: dict[str | None, list[StepCount]],
                       outliers: frozenset[tuple[str, int]] = frozenset()) -> list[GapCell]:
    """Untested cells of one column: every named group at every step against the other groups
    (without the ``outliers``: (group, step) pairs flagged before, left out of everyone else's rest)."""
    named = {g: steps for g, steps in groups.items() if g is not None and g != ""}
    if not named:
        return []
    n_steps = max(len(s) for s in named.values())
    total_n = [sum(s[i].n for s in named.values() if i < len(s)) for i in range(n_steps)]
    total_x = [sum(s[i].passed for s in named.values() if i < len(s)) for i in range(n_steps)]
    for value, steps in named.items():
        for s in steps:
            if (value, s.index) in outliers:
                total_n[s.index] -= s.n
                total_x[s.index] -= s.passed
    cells = []
    for value, steps in named.items():
        for s in steps:
            own = (value, s.index) not in outliers
            cells.append(GapCell(column, value, s.index, s.stage, s.stage_to, s.position, s.n, s.passed,
                                 total_n[s.index] - s.n * own, total_x[s.index] - s.passed * own))
    return cells


def holm(p_values) -> np.ndarray:
    """Holm step-down adjusted p-values: sorted p(i) x (m - i + 1), running maximum, capped at 1.

    The same numbers as statsmodels ``multipletests(method="holm")`` (a test checks it); written
    out because that branch calls ``gc.collect()`` on every call (a quarter of a second in a big
    process, for a table of a few hundred p-values).
    """
    p = np.asarray(p_values, float)
    order = np.argsort(p)
    m = len(p)
    adjusted = np.minimum(1.0, np.maximum.accumulate(p[order] * (m - np.arange(m))))
    out = np.empty(m)
    out[order] = adjusted
    return out


def z_p_values(n1, x1, n2, x2) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided pooled z-test p-values for many 2 x 2 tables at once, and which tables need
    Fisher's exact test instead (an expected cell below 5: ``two_proportion_test``'s rule).
    The same statistic as statsmodels ``proportions_ztest`` (a test checks it), vectorised."""
    n1, x1, n2, x2 = (np.asarray(a, float) for a in (n1, x1, n2, x2))
    total, passed = n1 + n2, x1 + x2
    pooled = passed / total
    expected = np.minimum.reduce([n1 * pooled, n1 * (1 - pooled), n2 * pooled, n2 * (1 - pooled)])
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (x1 / n1 - x2 / n2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    p = np.where(np.isfinite(z), 2 * ndtr(-np.abs(z)), 1.0)
    return p, expected < FISHER_MIN_EXPECTED


def _tested(cells: list[GapCell], min_n: int) -> list[GapCell]:
    idx = [i for i, c in enumerate(cells) if c.n >= min_n and c.rest_n >= min_n]
    if not idx:
        return cells
    cols = np.array([(cells[i].n, cells[i].passed, cells[i].rest_n, cells[i].rest_passed) for i in idx], float)
    p, fisher = z_p_values(*cols.T)
    out = list(cells)
    for j, i in enumerate(idx):
        cell = cells[i]
        if fisher[j] and 0 < cell.passed + cell.rest_passed < cell.n + cell.rest_n:
            result = two_proportion_test(Proportion(cell.n, cell.passed), Proportion(cell.rest_n, cell.rest_passed))
            out[i] = replace(cell, test=result["test"], p_value=float(result["p_value"]))
        else:
            out[i] = replace(cell, test="z", p_value=float(p[j]))
    return out


def test_cells(cells: list[GapCell], *, min_n: int = MIN_N, alpha: float = ALPHA,
               min_gap: float = MIN_GAP) -> list[GapCell]:
    """Test every cell with enough deals, Holm-adjust across all tested cells, flag the real gaps."""
    cells = _tested(cells, min_n)
    tested = [i for i, c in enumerate(cells) if c.tested]
    if not tested:
        return cells
    adjusted = holm([cells[i].p_value for i in tested])
    for i, p_adj in zip(tested, adjusted, strict=True):
        cell = cells[i]
        flagged = bool(p_adj < alpha) and abs(cell.diff or 0.0) >= min_gap
        cell = replace(cell, p_value_adjusted=float(p_adj), flagged=flagged)
        if flagged:
            ci = difference_interval(Proportion(cell.n, cell.passed), Proportion(cell.rest_n, cell.rest_passed))
            cell = replace(cell, diff_ci_low=ci["diff_ci_low"], diff_ci_high=ci["diff_ci_high"])
        cells[i] = cell
    return cells


def gaps_against_rest(columns: dict[str, dict[str | None, list[StepCount]]], *, min_n: int = MIN_N,
                      alpha: float = ALPHA, min_gap: float = MIN_GAP) -> list[GapCell]:
    """Every column's cells, tested as ONE Holm family, outliers out of the rest (module doc)."""
    outliers: dict[str, frozenset[tuple[str, int]]] = {c: frozenset() for c in columns}
    cells: list[GapCell] = []
    for _ in range(ROUNDS):
        cells = [cell for column, groups in columns.items()
                 for cell in cells_against_rest(column, groups, outliers[column])]
        cells = test_cells(cells, min_n=min_n, alpha=alpha, min_gap=min_gap)
        found = {c: frozenset((x.value, x.index) for x in cells if x.flagged and x.column == c) for c in columns}
        if found == outliers:
            break
        outliers = found
    return cells
