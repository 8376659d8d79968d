"""The engine's findings about a funnel ("stage X loses most deals") as one translated line, with the deals behind.

Their parameters are stage names and counts from the user's file: names are escaped for Markdown,
counts written in the page's number format.
"""

from __future__ import annotations

import streamlit as st

from funnel.dataset import DatasetInfo
from funnel.formats import fmt_int
from funnel.i18n import in_quotes
from funnel.markdown_escape import md_escape
from funnel.metrics import Selection

from . import drill

# a finding that counts deals opens to them: its code -> (the drill selection's kind, the dialog's title)
DEALS_BEHIND = {"metrics.finding.lost_stage_unknown": ("lost_stage_unknown", "metrics.kpi.lost_stage_unknown"),
                "metrics.finding.open_off_order": ("open_off_order", "metrics.kpi.open_off_order")}


def finding_text(finding: dict, t, lang: str) -> str:
    # n: a plural count; a list of stages comes quoted «…» (in_quotes: “…” for a Chinese reader)
    params = {k: (v if k == "n" else fmt_int(v, lang) if isinstance(v, int) else
                  md_escape(in_quotes(v, lang) if k == "stages" else v))
              for k, v in finding.items() if k != "code"}
    return t(finding["code"], **params)


def show(findings: list[dict], t, lang: str, info: DatasetInfo, key: str, open_label: str = "pages.drill.open") -> None:
    """Each finding as an info box, and under one that counts deals a button that lists them."""
    for i, finding in enumerate(findings):
        st.info(finding_text(finding, t, lang))
        if finding["code"] in DEALS_BEHIND:
            kind, title = DEALS_BEHIND[finding["code"]]
            drill.button(t(open_label), Selection(kind), t(title), key=f"{key}_{i}", info=info)
