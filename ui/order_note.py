"""A visible note on analysis pages while a dataset's stage order is a guess, or while it has
outcomes but no stages (so no funnel can be drawn). One call per page: ``order_note(t, info)``."""

from __future__ import annotations

import streamlit as st

from funnel.dataset_edit import order_state


def order_note(t, info) -> str | None:
    """Says the note; returns the state ('outcomes_only', 'guessed' or None): with outcomes only, a page
    skips its funnel and drop-offs (the note says why) instead of saying no deal matched."""
    state = order_state(info)
    if state == "outcomes_only":
        st.info(t("crmimport.note_outcomes_only"))
    elif state == "guessed":
        st.warning(t("crmimport.note_order_guessed"))
    return state
