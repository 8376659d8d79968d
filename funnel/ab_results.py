"""What the A/B comparison of a stored dataset returns (:mod:`funnel.ab_dataset`): frozen dataclasses.

``GroupCounts`` is the grouped pass over the deals (how many reached each stage, per group);
``DatasetABResult`` is the analysed comparison: the fields of one analysed step
(:class:`funnel.stats.results.StepResult`: the step asked for, or the whole funnel) plus the
dataset's context. ``to_json()`` is the JSON of ``python -m funnel abtest DATASET --json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .stats.results import Json, MeansResult, StepResult


@dataclass(frozen=True)
class GroupMoney:
    """Sufficient statistics of revenue per lead of one group: won deals with an amount, sum, sum of squares."""

    won_with_amount: int = 0
    sum: float = 0.0
    sumsq: float = 0.0


@dataclass(frozen=True)
class GroupCounts:
    """Deals (or visitors) per group that reached each stage, for the column ``by``.

    ``groups`` maps a value to the counts per stage, largest group first, ``""`` (no value) last;
    ``notes`` are catalog keys of things the reader should know."""

    by: str
    pipeline: str | None
    stages: tuple[str, ...]
    positions: tuple[int, ...]
    groups: dict[str, list[int]]
    money: dict[str, GroupMoney] = field(default_factory=dict)
    mixed_currencies: bool = False
    empty_value: bool = False
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SkippedStep:
    """A step some visitors are counted at without having recorded it (they reached a later step): how many per
    group, and the comparison of those who recorded it, from the first step (``recorded``)."""

    stage: str
    skipped: dict[str, int]
    recorded: StepResult

    def to_json(self) -> Json:
        return {"stage": self.stage, "skipped": dict(self.skipped), "recorded": self.recorded.to_json_with_step()}

    def note(self, lang: str = "en") -> str:
        """What it means, with how many per group (the A/B page and the CLI say it before the recorded comparison)."""
        from .formats import fmt_int
        from .i18n import t

        return t("ab.skipped.note", lang, stage=self.stage, stage_from=self.recorded.stage_from,
                 n=fmt_int(sum(self.skipped.values()), lang),
                 groups=", ".join(f"{g}: {fmt_int(n, lang)}" for g, n in self.skipped.items()))


@dataclass(frozen=True, kw_only=True)
class DatasetABResult(StepResult):
    """The A/B result of the groups of one column of a dataset.

    The inherited fields describe the step asked for, or the whole funnel (first stage to the last)
    when none was; then ``steps`` holds every consecutive step (``None`` when a step was asked for,
    empty when the funnel has a single stage) and ``comparisons_total`` the size of the Holm family."""

    steps: tuple[StepResult, ...] | None = None
    comparisons_total: int | None = None
    by: str = ""
    stages: tuple[str, ...] = ()
    positions: tuple[Any, ...] = ()
    pipeline: str | None = None
    revenue_per_lead: MeansResult | None = None
    no_value_n: int = 0
    groups_left_out: int = 0
    notes: tuple[str, ...] = ()
    skipped: tuple[SkippedStep, ...] = ()  # steps counted for visitors who skipped them (visitor files, event logs)

    @property
    def whole_funnel(self) -> bool:
        """The top-level fields are the whole funnel's (no step was asked for)."""
        return self.steps is not None

    def to_json(self) -> Json:
        """The JSON the command line prints: its key order follows how each case was read (one step;
        a single-stage funnel; the whole funnel with ``from`` / ``to`` first)."""
        core = super().to_json()
        if self.steps is None:
            head = {**core, "from": self.stage_from, "to": self.stage_to, "comparisons_total": self.comparisons_total}
        elif self.stage_from is None:  # a single stage: nothing compared
            head = {**core, "from": None, "to": None, "steps": [], "comparisons_total": self.comparisons_total}
        else:
            head = {"from": self.stage_from, "to": self.stage_to, **core,
                    "steps": [s.to_json_with_step() for s in self.steps], "comparisons_total": self.comparisons_total}
        return {**head, "by": self.by, "stages": list(self.stages), "positions": list(self.positions),
                "pipeline": self.pipeline,
                "revenue_per_lead": None if self.revenue_per_lead is None else self.revenue_per_lead.to_json(),
                "no_value_n": self.no_value_n, "groups_left_out": self.groups_left_out, "notes": list(self.notes),
                "skipped": [s.to_json() for s in self.skipped]}
