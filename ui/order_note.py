"""A visible note on analysis pages while a dataset's stage order is a guess, or while it has
outcomes but no stages (so no funnel can be drawn). One call per page: ``order_note(t, info)``."""

from __future__ import annotations

import streamlit as st

from funnel.dataset_edit import order_state


def order_note(t, info) -> None:
    state = order_state(info)
    if state == "outcomes_only":
        st.info(t("crmimport.note_outcomes_only"))
    elif state == "guessed":
        st.warning(t("crmimport.note_order_guessed"))
