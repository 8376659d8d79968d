"""The goal of a funnel of counted visitors (an ad report: impressions → clicks → purchases): how many reached its last
step and their share of the first step's count.

An ad platform's or web analytics' table of counts has no deals won or lost, so its Overview has no win rate, revenue
or average deal: what it has is the goal conversion (last step ÷ first step, the funnel's cumulative conversion at its
end). The Overview's tiles said «Win rate: —» and «Average deal: —» for Facebook's report of 30 000 impressions and 60
purchases, beside the 0.2 % the data does hold.
"""

from __future__ import annotations

from dataclasses import dataclass

from .stages import StageRow, ratio


@dataclass(frozen=True)
class Goal:
    first_step: str
    first: int  # the count at the first step (the funnel's 100 %)
    step: str  # the last step: the goal (a conversion, a purchase)
    reached: int
    conversion: float | None  # reached / first; None when the first step counts none


def goal(stages: list[StageRow]) -> Goal | None:
    """The last step of ``stages`` as the goal; None without two steps (one step converts into nothing)."""
    if len(stages) < 2:
        return None
    top, last = stages[0], stages[-1]
    return Goal(top.stage, top.reached, last.stage, last.reached, ratio(last.reached, top.reached))
