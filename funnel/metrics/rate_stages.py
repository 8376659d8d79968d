"""The stages the close rate and the fit rate start from until the user picks theirs (Funnel page).

A stage named for the marketing- or the sales-qualified lead (HubSpot's lifecycle «Marketing Qualified
Lead» / «Sales Qualified Lead», a company's «MQL», «SQL», 市场合格线索) is the fit rate's MQL / SQL
stage; the first proposal stage by its words (the sales ladder's proposal rung: «Proposal», «КП»,
报价) the close rate's. Otherwise the first two steps and the third stage from the end. The HubSpot
contacts funnel had shown «SQL / MQL 85 %», Lead / Subscriber, beside stages named MQL and SQL.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..mapping.stage_ladder import PROPOSAL_RUNG, rung

_MQL = re.compile(r"(?i)(?<![a-z])mql(?![a-z])|marketing[ _-]?qualified|маркетинг\w*\s+квалиф|квалифиц\w*\s+маркетинг"
                  r"|市场合格|营销合格")
_SQL = re.compile(r"(?i)(?<![a-z])sql(?![a-z])|sales[ _-]?qualified|квалифиц\w*\s+продаж|продаж\w*\s+квалиф|销售合格")


def default_rate_stages(names: Sequence[str]) -> dict[str, str]:
    """``{"close": …, "fit_from": …, "fit_to": …}`` among ``names`` (the funnel's stages in order)."""
    last = len(names) - 1
    mql = next((k for k, n in enumerate(names) if _MQL.search(n)), 0)
    sql = next((k for k, n in enumerate(names) if k > mql and _SQL.search(n)), min(mql + 1, last))
    close = next((k for k, n in enumerate(names) if rung(n) == PROPOSAL_RUNG), max(last - 2, 0))
    return {"close": names[close], "fit_from": names[mql], "fit_to": names[sql]}
