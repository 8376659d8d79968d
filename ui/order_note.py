"""A visible note on analysis pages while a dataset's stage order is a guess, while it has
outcomes but no stages (so no funnel can be drawn), or while its stage counts were read one way by a
guess (deals at each stage now, or deals that reached each stage), or while its sale or loss is a stage taken from
the deals' close dates. One call per page: ``order_note(t, info)``."""

from __future__ import annotations

import streamlit as st

from funnel.dataset_edit import counts_guess, order_state, outcome_guesses
from funnel.i18n import in_quotes
from funnel.importer.deals import OUTCOME_NOTES
from funnel.markdown_escape import md_escape
from ui import cache

GUESS_NOTES = {"current": "crmimport.note_counts_current_guess", "reached": "crmimport.note_counts_reached_guess"}


def order_note(t, info, spec=None) -> str | None:
    """Says the note; returns the state ('outcomes_only', 'guessed' or None): with outcomes only, a page
    skips its funnel and drop-offs (the note says why) instead of saying no deal matched. ``spec``: the page's
    selection, whose pipeline's order is the one said (a guess made for another pipeline is not this one's)."""
    pipeline = None
    if spec is not None and len(info.pipelines) > 1:
        pipeline = spec.pipeline if spec.pipeline is not None else cache.pipeline_of(info.id, info.version, spec)
    state = order_state(info, pipeline)
    if state == "outcomes_only":  # with nothing won or lost either: a list of leads, every one open
        caps = info.capabilities
        st.info(t("crmimport.note_outcomes_only" if caps.has_won or caps.has_lost else "crmimport.note_leads_only"))
    elif state == "guessed" and pipeline is not None and "" not in (info.meta.get("guessed_pipelines") or [""]):
        st.warning(t("pipes48.note_order_guessed_in", pipeline=md_escape(pipeline)))  # this pipeline's, not the file's
    elif state == "guessed":
        st.warning(t("crmimport.note_order_guessed"))
    for code, stage in outcome_guesses(info):  # a sale or loss taken from the close dates: the win rate rests on it
        st.info(t(OUTCOME_NOTES[code], stage=in_quotes(f"«{md_escape(stage)}»", t.lang)))
    if (reading := counts_guess(info)) is not None:  # a table of stage counts that could be read either way
        st.info(t(GUESS_NOTES[reading]))
    return state
