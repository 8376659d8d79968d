"""The Data page's import flow: upload → proposed mapping (editable) → stage order (editable) → import.

Uploads live in ``st.session_state`` as bytes; every rerun stages them again in a fresh
connection (a CRM export stages in well under a second), so nothing half-imported is ever kept
between reruns and nothing touches the store until the user confirms.
"""

from __future__ import annotations

import dataclasses
import hashlib

import streamlit as st

from funnel.charts import md_escape
from funnel.errors import FunnelError
from funnel.formats import fmt_int
from funnel.importer import Source, build, finish, prepare
from funnel.readers import list_sheets
from funnel.velocity.snapshots import link_previous

from . import auth, context
from .errors import error_text
from .velocity import previous_snapshot_picker

DEAL_FIELDS_UI = ("deal_id", "deal_name", "stage", "status", "pipeline", "amount", "currency", "created_at",
                  "closed_at", "manager", "source", "variant", "lost_reason", "won_flag", "closed_flag",
                  "won_at", "lost_at", "expected_close", "stage_changed_at")
STATE = "import_flow"
EDITABLE_STAGES = 60  # per pipeline; funnel/readers/limits.py caps the whole file at MAX_STAGES


def _state() -> dict:
    return st.session_state.setdefault(STATE, {})


def _upload_key(files) -> str:
    h = hashlib.sha256()
    for f in files:
        if f is not None:
            h.update(f.name.encode())
            h.update(f.getvalue())
    return h.hexdigest()[:16]


def upload_step(t) -> tuple[Source, Source | None] | None:
    nonce = _state().get("nonce", 0)
    main = st.file_uploader(t("ui.data.upload"), type=["csv", "tsv", "txt", "xlsx", "xls"], key=f"up_main_{nonce}",
                            help=t("ui.data.upload_help"))
    history = st.file_uploader(t("ui.data.upload_history"), type=["csv", "tsv", "txt", "xlsx", "xls"],
                               key=f"up_hist_{nonce}", help=t("ui.data.upload_history_help"))
    if main is None:
        return None
    key = _upload_key([main, history])
    state = _state()
    if state.get("key") != key:
        state.clear()
        state.update(key=key, nonce=nonce, overrides={}, stages=None)
    sheet = None
    data = main.getvalue()
    try:
        sheets = list_sheets(data, main.name)
    except FunnelError:
        sheets = []
    if len(sheets) > 1:
        names = [s for s, _n in sheets]
        sheet = st.selectbox(t("ui.data.sheet"), names, format_func=lambda s: f"{s} ({dict(sheets)[s]})")
    hist = Source(history.getvalue(), history.name) if history is not None else None
    return Source(data, main.name, sheet), hist


def _column_label(headers, index) -> str:
    return f"{index + 1}. {headers[index]}" if index >= 0 else "—"


def mapping_editor(t, draft) -> None:
    """Let the user change any field of the proposed deals mapping (kept in session state)."""
    overrides = _state().setdefault("overrides", {})
    headers = draft.raw.headers
    options = [-1, *range(len(headers))]
    mapping = draft.mapping
    preset = mapping.preset or "generic"
    st.caption(t("ui.data.preset", preset=t(f"mapping.preset.{preset}")) +
               (" · " + t("ui.data.remembered") if draft.remembered else ""))
    cols = st.columns(3)
    fields = dict(mapping.fields)
    for k, field in enumerate(DEAL_FIELDS_UI):
        current = overrides.get(field, fields.get(field, -1))
        with cols[k % 3]:
            choice = st.selectbox(t(f"mapping.field.{field}"), options, index=options.index(current),
                                  format_func=lambda i: _column_label(headers, i), key=f"map_{field}")
        if choice != fields.get(field, -1):
            overrides[field] = choice
        elif field in overrides:
            overrides.pop(field)
    for field, index in overrides.items():
        if index < 0:
            fields.pop(field, None)
        else:
            fields[field] = index
    used = set(fields.values())
    extra_options = [i for i in range(len(headers)) if i not in used]
    default_extras = [i for i in mapping.extras if i in extra_options]
    extras = st.multiselect(t("ui.data.extras"), extra_options, default=default_extras,
                            format_func=lambda i: _column_label(headers, i), key="map_extras")
    draft.mapping = dataclasses.replace(mapping, fields=fields, extras={i: headers[i] for i in extras})


def stage_editor(t, order: dict[str, list[str]]) -> dict[str, list[str]]:
    """Arrows move a stage up or down; the edited order is kept in session state."""
    state = _state()
    edited = state.get("stages") or {p: list(s) for p, s in order.items()}
    state["stages"] = edited
    for pipeline, stages in edited.items():
        st.markdown("**" + t("ui.data.stage_order", pipeline=md_escape(context.pipeline_label(pipeline, t))) + "**")
        if len(stages) > EDITABLE_STAGES:  # three widgets a stage: a long list would stall the page
            st.caption(t("hardening.stages_not_editable", n=len(stages), limit=EDITABLE_STAGES))
            st.dataframe({"#": range(1, len(stages) + 1), t("ui.data.stages"): stages}, hide_index=True, height=240)
            continue
        for i, stage in enumerate(stages):
            c1, c2, c3 = st.columns([8, 1, 1])
            c1.text(f"{i + 1}. {stage}")
            if c2.button("↑", key=f"up_{pipeline}_{i}", disabled=i == 0, help=t("ui.data.move_up")):
                stages[i - 1], stages[i] = stages[i], stages[i - 1]
                st.rerun()
            if c3.button("↓", key=f"down_{pipeline}_{i}", disabled=i == len(stages) - 1, help=t("ui.data.move_down")):
                stages[i + 1], stages[i] = stages[i], stages[i + 1]
                st.rerun()
    return edited


def run_flow(t) -> None:
    sources = upload_step(t)
    if sources is None:
        return
    main, history = sources
    store = context.get_store()
    state = _state()
    try:
        with store.connect() as con:
            draft = prepare(con, store, main, history=history)
            st.success(t("ui.data.read_ok", rows=fmt_int(draft.raw.n_rows, context.lang()), file=md_escape(main.file_name),
                         shape=t("ui.shape.outcomes" if getattr(draft.mapping, "flags", None)
                                 else f"ui.shape.{draft.shape}")))
            if draft.duplicate_of:
                st.warning(t("error.import.duplicate", file=md_escape(main.file_name), dataset=draft.duplicate_of["id"],
                             name=md_escape(draft.duplicate_of["name"])))
            if draft.shape == "deals":
                st.subheader(t("ui.data.mapping"))
                mapping_editor(t, draft)
            else:
                st.subheader(t("ui.data.mapping"))
                st.dataframe(_summary(draft, t), hide_index=True)
            built = build(con, draft, stages=state.get("stages"))
            st.subheader(t("ui.data.stages"))
            st.caption(t("ui.data.stages_help"))
            # a guess stays a guess while the user edits it: the first preview decides
            if state.setdefault("order_guessed", "stages.order_guessed" in built["finding_codes"]):
                st.warning(t("ui.data.order_guessed"))
            stages = stage_editor(t, built["meta"]["stage_order"])
            for pipeline, lost in built["meta"].get("lost_stages", {}).items():
                if lost:
                    st.caption(md_escape(context.pipeline_label(pipeline, t)) + " · " +
                               t("ui.data.lost_stages", stages=", ".join(md_escape(s) for s in lost)))
            name = st.text_input(t("ui.data.name"), value=main.file_name.rsplit(".", 1)[0], key="import_name")
            previous = previous_snapshot_picker(t) if draft.shape == "deals" else None
            if st.button(t("ui.data.confirm"), type="primary", key="confirm_import"):
                info, built = finish(con, store, draft, stages=stages, name=name)
                auth.access().claim(auth.current_user(), info.id, main.file_name)
                if previous is not None:  # two snapshots instead of a history (funnel/velocity/snapshots.py)
                    link_previous(store, info.id, previous)
                st.session_state["last_import"] = info.id
                nonce = state.get("nonce", 0) + 1
                state.clear()
                state["nonce"] = nonce
                st.query_params["ds"] = str(info.id)
                st.rerun()
    except FunnelError as exc:
        st.error(error_text(exc, context.lang()))


def _summary(draft, t) -> list[dict]:
    """The proposed roles of an event log's or a counts table's columns, for reading."""
    m, headers = draft.mapping, draft.raw.headers
    roles = ("entity", "step", "timestamp", "variant", "source") if draft.shape == "events" else \
        ("stage", "count", "group")
    rows = [{t("ui.data.role"): t(f"ui.data.role.{r}"), t("ui.data.column"): headers[getattr(m, r)]}
            for r in roles if getattr(m, r, None) is not None]
    for i in getattr(m, "wide_stages", []) or []:
        rows.append({t("ui.data.role"): t("ui.data.role.stage_column"), t("ui.data.column"): headers[i]})
    for i in getattr(m, "flags", []) or []:
        rows.append({t("ui.data.role"): t("ui.data.role.outcome"), t("ui.data.column"): headers[i]})
    return rows
