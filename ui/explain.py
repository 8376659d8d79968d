"""The one shared "can't show this because ..." of every page.

A page asks the dataset (``info.capabilities.why_not("cycle")``, see funnel/capabilities.py) and,
when the answer is a reason, calls :func:`cannot` instead of drawing the number: the reason is
said in the user's language, in the same place and style on every page.
"""

from __future__ import annotations

import streamlit as st

from funnel.dataset import DatasetInfo
from funnel.formats import fmt_int, fmt_pct
from funnel.markdown_escape import md_escape
from funnel.metrics.cycle_rules import no_cycle_reason
from funnel.metrics.periods import previous_reason_params
from funnel.metrics.probability import no_lost_recorded


def cannot(why: str, t, *, small: bool = False, **params) -> None:
    """Say why something is not shown: ``why`` is a catalog key (from ``Capabilities.why_not``)."""
    text = t("capabilities.cannot", reason=t(why, **params))
    if small:
        st.caption(text)
    else:
        st.info(text, icon=":material/info:")


def unless(info: DatasetInfo, question: str, t, *, small: bool = False) -> bool:
    """True when ``info`` can answer ``question``; otherwise says why (via :func:`cannot`) and returns False."""
    # the cycle's reason is the Overview tile's and the report's (cycle_rules: which date is missing, what to map)
    why = no_cycle_reason(info) if question == "cycle" else info.capabilities.why_not(question)
    if why:
        cannot(why, t, small=small)
        return False
    return True


def empty_selection(info: DatasetInfo, out, t) -> bool:
    """True (and a message saying what the data covers) when the selection holds no deal: the
    page then stops instead of drawing a funnel of bare labels and "−100 %" changes. ``out``: the
    page's outcomes; a dataset of outcomes only has deals and no stage."""
    if out.deals or out.stages and out.stages[0].reached:
        return False
    caps = info.capabilities
    if caps.date_min and caps.date_max:
        st.info(t("audit.empty_selection", date_from=caps.date_min, date_to=caps.date_max))
    else:
        st.info(t("audit.empty_selection_undated"))
    return True


def reason_params(info: DatasetInfo, previous_from, previous_to) -> dict[str, object]:
    """The numbers a previous-period reason names (its dates and the data's first day)."""
    return previous_reason_params(info, previous_from, previous_to)


def no_won_recorded(info: DatasetInfo) -> bool:
    """Deals were lost but none is marked won anywhere in the dataset: no stage or status was read as
    a win (a CRM's own name for its won stage, e.g. Bitrix24's «Выдано»), so a 0 % win rate and no
    revenue say more about the mapping than about the sales."""
    caps = info.capabilities
    return caps.can("outcomes") and caps.has_lost and not caps.has_won and not caps.is_web_funnel


def warn_no_won(info: DatasetInfo, t, spec=None, out=None) -> None:
    """The warning beside tiles that show no win rate, no won count and no revenue (not 0) because nothing marks a
    deal as won, lost deals or not; or beside a 0 % win rate a status or flag tells (none of them says won). With
    ``spec`` (the page's selection) and ``out`` (its outcomes), the same said of the pipeline shown when only that
    pipeline of several has nothing marking a win (another has its won stage: the file-wide warning is silent)."""
    caps = info.capabilities
    if caps.won_unmarked and not caps.is_web_funnel:  # nothing could mark a win: unknown, lost deals or not
        st.warning(t("pipes50.no_won.lost" if caps.has_lost else "audit.no_won.no_lost", edit=t("crmimport.edit_title")))
    elif no_won_recorded(info):  # a status or flag tells the outcomes and none is won: a 0 % the file says
        st.warning(t("audit.no_won", edit=t("crmimport.edit_title")))
    elif spec is not None and caps.won_unmarked_pipelines and len(info.pipelines) > 1:
        from . import cache  # (the page's pipeline when the URL names none: the one with most deals)

        pipeline = spec.pipeline if spec.pipeline is not None else cache.pipeline_of(info.id, info.version, spec)
        if caps.won_unmarked_in(pipeline):  # its lost deals say nothing of the others' wins: unknown, not 0 %
            st.warning(t("pipes49.no_won_pipeline", pipeline=md_escape(pipeline or ""), edit=t("crmimport.edit_title")))


def warn_no_lost(info: DatasetInfo, out, t, lang: str) -> None:
    """The warning that replaces a meaningless 100 % win rate (won / all instead)."""
    if no_lost_recorded(info) and out.won:
        st.warning(t("audit.no_lost", won=fmt_int(out.won, lang), deals=fmt_int(out.deals, lang),
                     share=fmt_pct(out.win_rate_all, lang)))
