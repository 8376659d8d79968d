"""Controls for "when the app cannot know, it asks once": paste the stage order, pick won/lost stages.

Shared by the import flow (before the import) and the dataset editor (after it); both keep what the
user chose in a dict of their own in ``st.session_state``.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from funnel.capabilities import Capabilities
from funnel.errors import FunnelError
from funnel.importer.order_check import checked_order
from funnel.markdown_escape import md_escape
from funnel.stage_text import parse_order

from . import context, words
from .errors import error_text


def paste_order(t, key: str, pipelines: list[str], known: Callable[[], list[str]] | None = None,
                caps: Capabilities | None = None):
    """A box to paste the funnel order; returns the parsed order when the user applies it, else None.
    ``known()``: the data's stage names (asked only once a paste is applied): the order takes their spelling,
    and a name the data does not have is refused, said, the order unchanged (funnel/importer/order_check.py).
    ``caps``: the dataset's, whose visitors' steps are worded so (an ad report's example is no CRM's stages)."""
    def word(k: str) -> str:
        return t(words.data_key(caps, k))

    with st.form(f"{key}_paste_form", border=False):
        text = st.text_area(t("crmimport.paste_order"), key=f"{key}_paste", height=110,
                            placeholder=word("crmimport.paste_order_placeholder"),
                            help=word("crmimport.paste_order_help"))
        applied = st.form_submit_button(t("crmimport.paste_apply"))
    if not applied:
        return None
    names = known() if known is not None else []
    order = parse_order(text, pipelines, names)
    if order is None:
        st.warning(t("crmimport.paste_empty"))
        return None
    try:
        return checked_order(order, names)
    except FunnelError as exc:
        st.error(error_text(exc, context.lang()))
        return None


def won_lost_pickers(t, key: str, stages: list[str], won: list[str], lost: list[str]) -> tuple[list[str], list[str]]:
    """Multiselects of the won and the lost stages among ``stages`` (stage names are data: shown as is).
    Streamlit's «Select all» (English in every language, and every stage won makes no funnel) is left out."""
    options = list(dict.fromkeys([*stages, *won, *lost]))
    c1, c2 = st.columns(2)
    chosen_won = c1.multiselect(t("crmimport.won_stages"), options, default=[s for s in won if s in options],
                                key=f"{key}_won", help=t("crmimport.won_stages_help"),
                                placeholder=t("ui.data.choose_stages"), select_all=False)
    chosen_lost = c2.multiselect(t("crmimport.lost_stages"), [s for s in options if s not in chosen_won],
                                 default=[s for s in lost if s in options and s not in chosen_won],
                                 key=f"{key}_lost", help=t("crmimport.lost_stages_help"),
                                 placeholder=t("ui.data.choose_stages"), select_all=False)
    return chosen_won, chosen_lost


def pipeline_won_lost_pickers(t, key: str, kinds: dict[str, list[tuple[str, str]]],
                              won: dict[str, list[str]] | None = None, lost: dict[str, list[str]] | None = None
                              ) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """One pair of won / lost pickers per pipeline (``kinds``: pipeline -> its (stage, kind) pairs, from
    ``funnel.pipeline_kinds``), each offering that pipeline's stages only: a stage of Renewals is no sale of Sales.
    ``won`` / ``lost``: the picks so far per pipeline (else each pipeline's won / lost stages). Returns the picks."""
    chosen_won: dict[str, list[str]] = {}
    chosen_lost: dict[str, list[str]] = {}
    for i, (pipeline, pairs) in enumerate(kinds.items()):
        st.caption(t("pipes49.pickers.pipeline", pipeline=md_escape(context.pipeline_label(pipeline, t))))
        was_won = (won or {}).get(pipeline, [s for s, k in pairs if k == "won"])
        was_lost = (lost or {}).get(pipeline, [s for s, k in pairs if k == "lost"])
        chosen_won[pipeline], chosen_lost[pipeline] = won_lost_pickers(t, f"{key}_p{i}", [s for s, _k in pairs],
                                                                       was_won, was_lost)
    return chosen_won, chosen_lost


def order_caption(t, order: dict[str, list[str]], caps: Capabilities | None = None) -> None:
    for pipeline, stages in order.items():
        # the language's colon (Chinese writes a full-width one after its full-width brackets)
        st.caption(t("ui.data.order_caption", pipeline=md_escape(context.pipeline_label(pipeline, t, caps)),
                     stages=md_escape(" → ".join(stages))))
