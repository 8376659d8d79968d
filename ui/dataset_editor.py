"""The Data page's "change this dataset" panel: mapping, stage order, won/lost stages, input shape and
time zone of a dataset already imported. Applying rebuilds its facts (funnel.dataset_edit.rederive): the
dataset keeps its id, its version goes up, every cached figure of the old version drops."""

from __future__ import annotations

import copy
from types import SimpleNamespace

import streamlit as st

from funnel.capabilities import expected as expected_capabilities
from funnel.dataset_edit import (
    KEEP_RAW_MAX_ROWS,
    edit_view,
    order_names,
    rederive,
    role_choice,
    stage_kinds,
    steps_order,
)
from funnel.errors import FunnelError
from funnel.formats import fmt_int
from funnel.markdown_escape import md_escape
from funnel.pipeline_kinds import stored_kinds
from funnel.quality_report import finding_text

from . import context, words
from .errors import error_text
from .import_flow import mapping_editor, role_editor, shape_label, stage_editor
from .stage_controls import order_caption, paste_order, pipeline_won_lost_pickers, won_lost_pickers
from .timezone_control import edit_zone

STATE = "dataset_editor"


def _state(info) -> dict:
    state = st.session_state.setdefault(STATE, {})
    key = (info.id, info.version)  # a rebuilt dataset (new version) starts a fresh edit
    if state.get("key") != key:
        state.clear()
        state.update(key=key, overrides={}, stages=None)
    return state


def refresh_done_key(info) -> str:
    """What the Data page says after a refresh: a web funnel's visitors, a counts table's rows read (it stores no
    deals), a deal list's deals. «сделок: 14» stood beside a visitor file's 14 visitors, «deals: 0» beside an ad
    table's rows."""
    caps = info.capabilities
    if caps.aggregate:
        return "refresh48.refresh_done_rows"
    return "refresh48.refresh_done_visitors" if caps.is_web_funnel else "crmimport.refresh_done"


def edit_panel(t, info) -> None:
    store = context.get_store()
    view = edit_view(store, info)
    done = st.session_state.pop("dataset_edit_done", None)
    if done:
        st.success(t("crmimport.edit_done", version=done))
    refreshed = st.session_state.pop("dataset_refresh_done", None)
    if refreshed:
        lang = context.lang()
        st.success(t(refresh_done_key(info), file=md_escape(refreshed["file"]), version=refreshed["version"],
                     deals=fmt_int(refreshed["deals"], lang), rejected=fmt_int(refreshed["rejected"], lang),
                     rows=fmt_int(refreshed.get("rows", 0), lang)))
        said = [finding_text(code, detail, lang, n) for code, _sev, _row, _col, _val, detail, n
                in ((info.meta or {}).get("refreshed") or {}).get("findings", [])]
        if said:  # the refresh's own words in full (a table cell cut them: survey 31)
            st.markdown("\n".join(f"- {md_escape(s)}" for s in said))
    caps = info.capabilities
    with st.expander(t(words.data_key(caps, "crmimport.edit_title")), expanded=view["order_guessed"]):
        if view["order_guessed"]:
            st.warning(t(words.data_key(caps, "crmimport.edit_order_guessed")))
        if not view["can_rederive"]:
            st.info(t("crmimport.edit_needs_file", rows=fmt_int(KEEP_RAW_MAX_ROWS, context.lang())))
            return
        state = _state(info)
        prefix = f"edit{info.id}_"
        current = view["shape"]
        try:
            shapes = view["shapes"]  # a report read as its deals: that reading or the other (edit_view)
            chosen_shape = st.selectbox(t("crmimport.shape"), shapes, index=shapes.index(current)
                                        if current in shapes else 0, format_func=lambda s: shape_label(t, s, info.capabilities.counts_visitors),
                                        key=prefix + "shape")
            if chosen_shape != current:
                if st.button(t("crmimport.edit_shape_apply"), key=prefix + "shape_apply"):
                    st.session_state["dataset_edit_done"] = rederive(store, info.id, shape=chosen_shape)["version"]
                    st.rerun()
                return
            zone = edit_zone(t, view, prefix)
            if zone is not None:
                st.session_state["dataset_edit_done"] = rederive(store, info.id, timezone=zone)["version"]
                st.session_state.pop(STATE, None)
                st.rerun()
            mapping, order = view["mapping"], view["stage_order"]
            roles, steps_changed = _role_pickers(t, store, info, state)
            if roles is not None:
                mapping = roles
                order = {"": new} if (new := steps_order(roles, state["roles"]["headers"])) and steps_changed else order
            elif mapping is not None:
                st.markdown("**" + t("ui.data.mapping") + "**")
                draft = SimpleNamespace(raw=SimpleNamespace(headers=view["headers"]), mapping=mapping, remembered=False)
                mapping_editor(t, draft, state, prefix)
                mapping = draft.mapping
            st.markdown("**" + t(words.data_key(caps, "ui.data.stages")) + "**")
            order_caption(t, order, caps)
            pasted = paste_order(t, prefix + "paste", list(order), known=lambda: order_names(store, info.id), caps=caps)
            if pasted is not None:
                # the user's order, as the import flow's: one that adds or leaves out a stage was set back to the
                # stored list by stage_editor, the click doing nothing (survey 29)
                state["stages"], state["user_order"] = pasted, True
                st.rerun()
            shown = stage_editor(t, order, state, prefix, caps=caps)
            # the steps picked are the order (an order set for the steps before is not), unless the user moved one
            stages = None if steps_changed and not state.get("user_order") else shown
            won: list[str] | dict[str, list[str]] | None = None
            lost: list[str] | dict[str, list[str]] | None = None
            pickers = view["deals"] and not view["outcomes_only"]
            by_pipeline = stored_kinds(store, info) if pickers and len(info.pipelines) > 1 else {}
            if len(by_pipeline) > 1:
                # several pipelines: one pair of pickers each, applied to that pipeline only
                won, lost = pipeline_won_lost_pickers(t, prefix + "kinds", by_pipeline)
            elif pickers:
                kinds = stage_kinds(store, info)
                won, lost = won_lost_pickers(t, prefix + "kinds", [k[0] for k in kinds],
                                             [k[0] for k in kinds if k[1] == "won"],
                                             [k[0] for k in kinds if k[1] == "lost"])
            codes = _status_pickers(t, view["status_unknown"], prefix) if view["status_unknown"] else None
            if st.button(t("crmimport.edit_apply"), type="primary", key=prefix + "apply"):
                row = rederive(store, info.id, mapping=mapping, stages=stages, won=won, lost=lost,
                               status_values=codes or None)
                st.session_state["dataset_edit_done"] = row["version"]
                st.session_state.pop(STATE, None)
                st.rerun()
        except FunnelError as exc:
            st.error(error_text(exc, context.lang()))


def _role_pickers(t, store, info, state: dict):
    """The roles of a visitor file's or a wide counts table's columns (variant, group, steps in order) or of an event
    log's, as on import (import_flow.role_editor, read by mapping/roles.py as ``edit --map`` is) against the rows the
    dataset kept. Returns the mapping picked (None when the dataset's stands) and whether its steps changed."""
    if "roles" not in state:  # once per version of the dataset (the state starts again with the next)
        state["roles"] = role_choice(store, info.id)
    choice = state["roles"]
    if choice is None:
        return None, False
    st.markdown("**" + t("ui.data.mapping") + "**")
    stored = choice["mapping"]
    draft = SimpleNamespace(raw=SimpleNamespace(headers=choice["headers"]), mapping=copy.deepcopy(stored),
                            shape=choice["shape"], samples=choice["samples"],
                            expected=expected_capabilities(choice["shape"]))
    # keyed by the version too: the pickers of the rebuilt dataset start from its roles, not from the last picks
    role_editor(t, draft, state, f"edit{info.id}v{info.version}_", kept="roles48b")
    if draft.mapping == stored:
        return None, False
    return draft.mapping, steps_order(draft.mapping, choice["headers"]) != steps_order(stored, choice["headers"])


KINDS = {"": "crmimport.status_kind.none", "won": "crmimport.status_kind.won", "lost": "crmimport.status_kind.lost",
         "open": "crmimport.status_kind.open"}


def _status_pickers(t, values: list[str], prefix: str) -> dict[str, str]:
    """What each status value the import could not read means (a CRM's codes: Flowlu's 1 / 2 / 3), one pick each."""
    st.markdown("**" + t("crmimport.status_values") + "**")
    st.caption(t("crmimport.status_values_hint"))
    chosen = {}
    cols = st.columns(min(len(values), 4))
    for i, value in enumerate(values):
        with cols[i % len(cols)]:
            kind = st.selectbox(value, list(KINDS), key=f"{prefix}status_{i}", format_func=lambda k: t(KINDS[k]))
        if kind:
            chosen[value] = kind
    return chosen
