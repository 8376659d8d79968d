"""The Overview's tiles for a table of counted visitors (an ad platform's report: impressions → clicks → purchases):
at the first step, reached the goal, goal conversion; and once why there is no win rate, revenue, average deal or cycle.
They were «Win rate: —» and «Average deal: —» with «counts of visitors have no deals won or lost» under each."""

from __future__ import annotations

import streamlit as st

from funnel.formats import DASH, fmt_int, fmt_pct
from funnel.markdown_escape import md_escape
from funnel.metrics.goal import goal
from funnel.metrics.outcomes import Outcomes
from ui import tiles


def show(out: Outcomes, t, lang: str, visitors: bool = True) -> None:
    """The three tiles; ``visitors``: the counts are people (an ad report), said once under them (other counts
    tables have the page's own caption of what counts cannot say)."""
    found = goal(out.stages)
    first, reached, rate = tiles.rows(3)
    with first:
        st.metric(t("pages.tile.entrants"), fmt_int(out.deals, lang), border=True)
    if found is None:
        for col, label in ((reached, "words50.tile.goal_reached"), (rate, "words50.tile.goal_conversion")):
            with col:
                st.metric(t(label), DASH, border=True)
                st.caption(t("words50.reason.one_step"))
    else:
        names = {"step": md_escape(found.step), "first_step": md_escape(found.first_step)}
        with reached:
            st.metric(t("words50.tile.goal_reached"), fmt_int(found.reached, lang), border=True,
                      help=t("words50.tile.goal_reached_help", **names))
            st.caption(t("words50.tile.goal_step", **names))
        with rate:
            st.metric(t("words50.tile.goal_conversion"), fmt_pct(found.conversion, lang), border=True,
                      help=t("words50.tile.goal_conversion_help", **names))
            st.caption(t("words50.tile.goal_of", reached=fmt_int(found.reached, lang), first=fmt_int(found.first, lang),
                         first_step=names["first_step"]))
    if visitors:
        st.caption(t("words50.overview.no_outcomes"))
