"""What a step's extra deals are worth: the leak rule of the issue, shared by every finding.

``impact = extra deals passing the step x P(won | reached the next stage) x average won deal``.
P(won | reached) comes from :func:`funnel.metrics.probability.stage_probability` (closed deals only);
the average won deal from the funnel's outcomes. Either missing (no closed deals at that stage,
no amounts, several currencies) gives ``None``: the finding then speaks in deals, not money.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..metrics.probability import StageProbabilities


@dataclass(frozen=True)
class DealValue:
    p_won: dict[str, float | None] = field(default_factory=dict)  # stage -> P(won | reached)
    avg_won: float | None = None

    @classmethod
    def of(cls, probabilities: StageProbabilities, avg_won: float | None) -> DealValue:
        return cls({r.stage: r.p_won for r in probabilities.rows}, avg_won)

    def won_deals(self, stage_to: str, extra: float) -> float | None:
        """Extra won deals if ``extra`` more deals reached ``stage_to``."""
        p = self.p_won.get(stage_to)
        return None if p is None else extra * p

    def money(self, stage_to: str, extra: float) -> float | None:
        won = self.won_deals(stage_to, extra)
        return None if won is None or self.avg_won is None else won * self.avg_won
