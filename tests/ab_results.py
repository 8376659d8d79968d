"""Typed A/B results written by hand for tests of the wording, the table and the figure."""

from __future__ import annotations

from dataclasses import fields

from funnel.stats.results import FocusNumbers, GroupRate, StepResult, Verdict

FOCUS = {f.name for f in fields(FocusNumbers)}


def verdict(code: str, **numbers) -> Verdict:
    """A verdict from flat numbers: those of the named group (rate, p_value, test, ...) go to ``focus``."""
    focus = {k: v for k, v in numbers.items() if k in FOCUS}
    rest = {k: tuple(v) if isinstance(v, list) else v for k, v in numbers.items() if k not in FOCUS}
    return Verdict(code=code, focus=FocusNumbers(**focus) if focus else None, **rest)


def step(groups: dict[str, dict], comparisons: dict | None = None, control: str = "A", stage_from: str = "visit",
         stage_to: str = "buy") -> StepResult:
    """A step of ``groups`` ({name: {n, conversions, rate, ...}}) and ``comparisons`` (RateComparison values)."""
    return StepResult(control=control, alpha=0.05, sequential=False, stage_from=stage_from, stage_to=stage_to,
                      groups={n: GroupRate(**g) for n, g in groups.items()}, comparisons=comparisons or {},
                      verdict=Verdict("no_difference_yet"))
