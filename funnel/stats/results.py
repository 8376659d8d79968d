"""What the A/B statistics return: small frozen dataclasses, read by attribute.

One type per thing a result holds (a group's rate, a comparison with the control, a chi-square
test, the power plan, the verdict, a whole step). Each has ``to_json()``, the one place that turns
it into the JSON of ``python -m funnel abtest|samplesize --json`` (key order and the keys present
in each case are part of that contract: the README documents them and the CLI output stays
byte-identical to the dicts these types replaced). Numbers are JSON-safe already (NaN and infinity
become ``None`` where they are computed, :func:`funnel.stats.numbers.clean`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, cast

Json = dict[str, Any]


def shallow(obj: Any) -> dict[str, Any]:
    """The fields of a dataclass as a flat dict (nested dataclasses kept as they are): to rebuild
    a result as a richer type (``StepResult(**shallow(core), verdict=...)``)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


class Fields:
    """A result whose JSON is its fields, in their order (``dataclasses.asdict``)."""

    def to_json(self) -> Json:
        return asdict(cast(Any, self))


def _json(value: Any) -> Any:
    return None if value is None else value.to_json()


@dataclass(frozen=True)
class ChiSquare(Fields):
    """A Pearson chi-square test: homogeneity of k groups (omnibus) or the sample-ratio check."""

    chi2: float | None
    df: int | None
    p_value: float | None
    reason: str | None = None


# -- conversion rates -----------------------------------------------------------------------------
@dataclass(frozen=True)
class GroupRate(Fields):
    """One group at one step: ``n`` entered, ``conversions``, the rate with its Wilson interval and
    the Bayesian chance to be the best group."""

    n: int | None = None
    conversions: int | None = None
    rate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    prob_best: float | None = None
    expected_loss: float | None = None
    reason: str | None = None


@dataclass(frozen=True)
class RateComparison:
    """One group against the control: difference and relative lift with intervals, the test that
    ran, its p-value (raw and Holm-adjusted) and the Bayesian chance to beat the control.

    In sequential mode ``test`` is ``"sequential"`` and ``p_value_fixed`` / ``test_fixed`` keep the
    fixed-horizon reading; ``target_n`` is set only then (and the JSON carries the three keys only then)."""

    diff: float | None = None
    diff_ci_low: float | None = None
    diff_ci_high: float | None = None
    diff_ci_method: str | None = None
    rel_lift: float | None = None
    rel_lift_ci_low: float | None = None
    rel_lift_ci_high: float | None = None
    rel_lift_ci_method: str | None = None
    test: str | None = None
    statistic: float | None = None
    p_value: float | None = None
    p_value_adjusted: float | None = None
    prob_beat_control: float | None = None
    expected_loss: float | None = None
    reason: str | None = None
    p_value_fixed: float | None = None
    test_fixed: str | None = None
    target_n: float | None = None

    def to_json(self) -> Json:
        out = asdict(self)
        if self.target_n is None:
            for key in ("p_value_fixed", "test_fixed", "target_n"):
                del out[key]
        return out


@dataclass(frozen=True)
class PowerPlan(Fields):
    """How far the test is from 80 % power: the smallest detectable change now, and how many more
    per group the observed (or planned) effect needs."""

    baseline: float | None = None
    n_per_group: int | None = None
    power_target: float | None = None
    mde_abs: float | None = None
    effect_abs: float | None = None
    effect_source: str | None = None
    n_needed_per_group: int | None = None
    n_more_per_group: int | None = None
    reason: str | None = None


@dataclass(frozen=True)
class FocusNumbers:
    """The numbers of the group a verdict speaks of (``p_value`` is the Holm-adjusted one)."""

    rate: float | None = None
    diff: float | None = None
    rel_lift: float | None = None
    p_value: float | None = None
    p_value_raw: float | None = None
    test: str | None = None
    prob_beat_control: float | None = None
    expected_loss: float | None = None


@dataclass(frozen=True)
class Verdict:
    """The verdict of one step: a ``code`` (see :mod:`funnel.stats.verdict`), the numbers the
    sentence needs and the caveat codes. ``focus`` is None when the verdict names no group;
    ``losers`` is set for ``winner`` / ``loser`` only."""

    code: str
    reason: str | None = None
    comparisons: int = 0
    srm_p_value: float | None = None
    n_more_per_group: int | None = None
    n_needed_per_group: int | None = None
    mde_abs: float | None = None
    effect_abs: float | None = None
    group: str | None = None
    control: str | None = None
    control_rate: float | None = None
    focus: FocusNumbers | None = None
    losers: tuple[str, ...] | None = None
    caveats: tuple[str, ...] = ()

    def to_json(self) -> Json:
        out = {f.name: getattr(self, f.name) for f in fields(self)[:11]}  # code ... control_rate
        if self.focus is not None:
            out.update(asdict(self.focus))
        if self.losers is not None:
            out["losers"] = list(self.losers)
        out["caveats"] = list(self.caveats)
        return out


@dataclass(frozen=True, kw_only=True)
class StepCore:
    """One analysed step before its verdict: groups, comparisons with the control, the omnibus and
    sample-ratio tests, the power plan. ``stage_from`` / ``stage_to`` name the step when it is one."""

    control: str | None
    alpha: float
    sequential: bool
    groups: dict[str, GroupRate] = field(default_factory=dict)
    comparisons: dict[str, RateComparison] = field(default_factory=dict)
    omnibus: ChiSquare | None = None
    srm: ChiSquare | None = None
    power: PowerPlan | None = None
    reason: str | None = None
    stage_from: str | None = None
    stage_to: str | None = None


@dataclass(frozen=True, kw_only=True)
class StepResult(StepCore):
    """One analysed step with its verdict (``analyze_counts``)."""

    verdict: Verdict

    def to_json(self) -> Json:
        """The step's own keys (``from`` / ``to`` are placed by the result holding the step)."""
        return {"control": self.control, "alpha": self.alpha, "sequential": self.sequential,
                "groups": {n: g.to_json() for n, g in self.groups.items()},
                "comparisons": {n: c.to_json() for n, c in self.comparisons.items()},
                "omnibus": _json(self.omnibus), "srm": _json(self.srm), "power": _json(self.power),
                "reason": self.reason, "verdict": self.verdict.to_json()}

    def to_json_with_step(self) -> Json:
        """As a member of a list of steps: ``from`` and ``to`` first."""
        return {"from": self.stage_from, "to": self.stage_to, **self.to_json()}


@dataclass(frozen=True)
class StepsResult:
    """Several steps Holm-adjusted together (``analyze_steps``); ``srm`` is the first step's check."""

    control: str | None
    alpha: float
    sequential: bool
    comparisons_total: int
    srm: ChiSquare | None
    steps: tuple[StepResult, ...]
    reason: str | None = None

    def to_json(self) -> Json:
        return {"control": self.control, "alpha": self.alpha, "sequential": self.sequential,
                "comparisons_total": self.comparisons_total, "srm": _json(self.srm),
                "steps": [s.to_json_with_step() for s in self.steps], "reason": self.reason}


# -- amounts per lead -----------------------------------------------------------------------------
@dataclass(frozen=True)
class GroupMean(Fields):
    n: int | None = None
    mean: float | None = None
    sd: float | None = None
    reason: str | None = None


@dataclass(frozen=True)
class MannWhitney(Fields):
    statistic: float | None = None
    p_value: float | None = None
    reason: str | None = None


@dataclass(frozen=True)
class BootstrapInterval(Fields):
    """Percentile bootstrap interval of the difference in means (seeded: the same data, the same interval)."""

    ci_low: float | None = None
    ci_high: float | None = None
    method: str = "percentile"
    n_resamples: int = 0
    seed: int = 0
    reason: str | None = None


@dataclass(frozen=True)
class MeanComparison:
    """Welch's t-test of one group's mean against the control's, with the delta-method relative lift.

    ``has_lift_se`` says the delta-method variance was computed (the control's mean is not zero);
    only then does the JSON carry ``rel_lift_se``. ``mann_whitney`` and ``bootstrap`` are there when
    the raw amounts were read (``analyze_amounts``)."""

    test: str = "welch"
    statistic: float | None = None
    df: float | None = None
    p_value: float | None = None
    diff: float | None = None
    diff_ci_low: float | None = None
    diff_ci_high: float | None = None
    rel_lift: float | None = None
    rel_lift_ci_low: float | None = None
    rel_lift_ci_high: float | None = None
    rel_lift_ci_method: str = "delta"
    reason: str | None = None
    rel_lift_se: float | None = None
    has_lift_se: bool = False
    p_value_adjusted: float | None = None
    mann_whitney: MannWhitney | None = None
    bootstrap: BootstrapInterval | None = None

    def to_json(self) -> Json:
        names = [f.name for f in fields(self)][:12]  # test ... reason
        out = {name: getattr(self, name) for name in names}
        if self.has_lift_se:
            out["rel_lift_se"] = self.rel_lift_se
        out["p_value_adjusted"] = self.p_value_adjusted
        if self.mann_whitney is not None:
            out["mann_whitney"] = self.mann_whitney.to_json()
        if self.bootstrap is not None:
            out["bootstrap"] = self.bootstrap.to_json()
        return out


@dataclass(frozen=True)
class MeansResult:
    """Amount per lead per group, each non-control group against the control (``analyze_means``)."""

    control: str | None
    alpha: float
    groups: dict[str, GroupMean] = field(default_factory=dict)
    comparisons: dict[str, MeanComparison] = field(default_factory=dict)
    reason: str | None = None

    def to_json(self) -> Json:
        return {"control": self.control, "alpha": self.alpha,
                "groups": {n: g.to_json() for n, g in self.groups.items()},
                "comparisons": {n: c.to_json() for n, c in self.comparisons.items()}, "reason": self.reason}


# -- planning -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SampleSize:
    """Leads per group for a two-sided test (R ``power.prop.test``); ``baseline`` and ``p2`` (the
    rate to detect) are set, and in the JSON, only when it could be computed."""

    n_per_group: int | None = None
    n_per_group_exact: float | None = None
    baseline: float | None = None
    p2: float | None = None
    reason: str | None = None

    def to_json(self) -> Json:
        out = asdict(self)
        if self.reason is not None:
            del out["baseline"], out["p2"]
        return out


@dataclass(frozen=True)
class PowerForN(Fields):
    power: float | None = None
    reason: str | None = None


@dataclass(frozen=True)
class MinimumEffect(Fields):
    """The smallest absolute change detectable at the given power."""

    mde_abs: float | None = None
    reason: str | None = None


@dataclass(frozen=True)
class MoreNeeded(Fields):
    n_needed_per_group: int | None = None
    n_more_per_group: int | None = None
    reason: str | None = None
