"""The Data page's import flow: upload → proposed mapping (editable) → stage order (editable) → import.

Uploads live in ``st.session_state`` as bytes. They are staged once per upload, in a connection of
the session's own (funnel/importer/preview.py), and every rerun (each click of the mapping editor)
reuses the staged rows; nothing touches the store until the user confirms.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib

import streamlit as st

from funnel import pipeline_kinds
from funnel.access import Action
from funnel.capabilities import Capabilities
from funnel.dataset_edit import refresh
from funnel.errors import FunnelError
from funnel.formats import fmt_int
from funnel.i18n import names_in_quotes
from funnel.importer import Source, finish, refuse_headerless, says_outcomes
from funnel.importer.order_check import draft_stages, preview_kinds
from funnel.importer.preview import Preview
from funnel.importer.stage_rows import is_change_log
from funnel.mapping.roles import apply_roles, step_candidates
from funnel.mapping.shapes import COUNT_FIELDS, EVENT_FIELDS
from funnel.markdown_escape import md_escape
from funnel.readers import SheetChoice, sheet_choice
from funnel.readers.sniff import TABLE_SUFFIXES
from funnel.sample_datasets import display_name
from funnel.velocity.snapshots import link_previous

from . import auth, context, words
from .errors import error_text
from .stage_controls import paste_order, pipeline_won_lost_pickers, won_lost_pickers
from .timezone_control import import_zone
from .velocity import previous_snapshot_picker

DEAL_FIELDS_UI = ("deal_id", "deal_name", "stage", "status", "pipeline", "amount", "currency", "created_at",
                  "closed_at", "manager", "source", "variant", "lost_reason", "won_flag", "closed_flag", "lost_flag",
                  "won_at", "lost_at", "expected_close", "stage_changed_at", "lost_stage")
STATE = "import_flow"
# what the uploaders take: the tables a zip's member may be (one list: a kind added there is taken here), a zip of
# them (a CRM's backup or data export), and Parquet
UPLOAD_TYPES = [*(suffix.lstrip(".") for suffix in TABLE_SUFFIXES), "zip", "parquet"]
EDITABLE_STAGES = 60  # per pipeline; funnel/readers/limits.py caps the whole file at MAX_STAGES


def _state() -> dict:
    return st.session_state.setdefault(STATE, {})


def _preview() -> Preview:
    """The session's staged upload, kept across reruns (one per session)."""
    return st.session_state.setdefault(STATE + "_preview", Preview())


def _upload_key(files) -> str:
    h = hashlib.sha256()
    for f in files:
        if f is not None:
            h.update(f.name.encode())
            h.update(f.getvalue())
    return h.hexdigest()[:16]


def _reset(state: dict, key: str, nonce: int) -> None:
    """Forget the answers given for the previous file or sheet. The pickers' own values live in
    Streamlit's widget state under their keys, so the keys change too (``widget_prefix``): a picker
    keyed as before kept the old file's column number (a new sheet's «Amount» read «3. Owner»)."""
    generation = st.session_state.get(STATE + "_gen", 0) + 1
    st.session_state[STATE + "_gen"] = generation
    state.clear()
    state.update(key=key, nonce=nonce, overrides={}, stages=None, won=None, lost=None, shape=None)


# said elsewhere on the page (the stage order's guess under «Stages»)
_SAID_APART = {"stages.order_guessed"}


def _preview_warnings(t, rows) -> None:
    """What the import will say, before it: the preview's warnings in the reader's words (a column taken as the
    stage, ids for names, a status value unread, no creation date), as the CLI prints them."""
    from funnel.quality_report import finding_text  # (pandas: only once there is something to say)

    rows = [r for r in rows if r[0] not in _SAID_APART]
    if not rows:
        return
    with st.expander(t.plural("ui.data.preview_warnings", len(rows)), expanded=len(rows) <= 3):
        for code, detail, n in rows:
            st.markdown("- " + md_escape(finding_text(code, detail, t.lang, n)))


def widget_prefix() -> str:
    """The key prefix of the pickers of the current file and sheet (see :func:`_reset`)."""
    return f"g{st.session_state.get(STATE + '_gen', 0)}_"


def upload_step(t) -> tuple[Source, Source | None] | None:
    nonce = _state().get("nonce", 0)
    main = st.file_uploader(t("ui.data.upload"), type=UPLOAD_TYPES, key=f"up_main_{nonce}",
                            help=t("ui.data.upload_help"))
    history = st.file_uploader(t("ui.data.upload_history"), type=UPLOAD_TYPES,
                               key=f"up_hist_{nonce}", help=t("ui.data.upload_history_help"))
    if main is None:
        return None
    key = _upload_key([main, history])
    state = _state()
    if state.get("key") != key:
        _reset(state, key, nonce)
    sheet = None
    data = main.getvalue()
    try:
        choice = sheet_choice(data, main.name)
    except FunnelError:
        choice = SheetChoice([], None, False)
    sheets = choice.sheets
    if len(sheets) > 1:
        names = [s for s, _n in sheets]
        # the sheet an import reads by itself (not an Excel pivot's summary before the deals)
        first = names.index(choice.preferred) if choice.preferred in names else 0
        # a zip archive's tables are its files (readers/archive.py): the picker says so
        sheet = st.selectbox(t("ui.data.archive_member" if choice.archive else "ui.data.sheet"),
                             names, index=first,
                             format_func=lambda s: f"{s} ({dict(sheets)[s]})", key=f"up_sheet_{nonce}")
    if state.get("sheet", sheet) != sheet:  # another sheet: another table, the answers given start again
        _reset(state, key, nonce)
    state["sheet"] = sheet
    hist = Source(history.getvalue(), history.name) if history is not None else None
    return Source(data, main.name, sheet, state.get("header_rows")), hist


def header_control(t, raw=None, expanded: bool = False) -> None:
    """"Header on row": the row of the column titles the reader found (``raw``, None when the file
    could not be read), changeable; another row reads the file again from there (the answers given
    for the columns start again, as for another sheet). "Titles over two rows" takes the row above
    it as group titles (readers/header_rows.py). Open when asked (the file read was refused), when
    nothing could be read, or when a row was chosen."""
    if raw is not None and raw.kind == "json":  # an API's answer: its records name their own fields
        return
    state = _state()
    chosen = state.get("header_rows")
    if raw is not None and chosen is None:
        state["found_header"] = (raw.header_row - raw.header_rows + 1, raw.header_row)
    found = state.get("found_header")
    current = chosen or found or (1, 1)
    prefix = widget_prefix()
    with st.expander(t("ui.data.header_options"), expanded=expanded or raw is None or chosen is not None):
        c1, c2 = st.columns(2)
        row = int(c1.number_input(t("ui.data.header_row"), min_value=1, step=1, value=current[1],
                                  key=f"{prefix}header_row", help=t("ui.data.header_row_help")))
        two = c2.checkbox(t("ui.data.header_two"), value=current[0] != current[1], key=f"{prefix}header_two")
        if found is not None and chosen is not None:
            st.caption(t("ui.data.header_chosen", found=found[1] if found[0] == found[1]
                         else f"{found[0]}–{found[1]}"))
        elif found is not None:
            st.caption(t("ui.data.header_detected", row=found[0]) if found[0] == found[1]
                       else t("ui.data.header_detected_two", first=found[0], second=found[1]))
    wanted = ((row - 1, row) if row > 1 else (1, 2)) if two else (row, row)
    if wanted != current:
        kept = {k: state.get(k) for k in ("sheet", "found_header")}
        _reset(state, state["key"], state["nonce"])
        state.update(kept, header_rows=None if wanted == found else wanted)
        st.rerun()


def _column_label(headers, index) -> str:
    return f"{index + 1}. {headers[index]}" if index >= 0 else "—"


def mapping_editor(t, draft, state: dict | None = None, prefix: str = "") -> None:
    """Let the user change any field of the proposed deals mapping (kept in ``state``)."""
    overrides = (_state() if state is None else state).setdefault("overrides", {})
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
                                  format_func=lambda i: _column_label(headers, i), key=f"{prefix}map_{field}")
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
                            format_func=lambda i: _column_label(headers, i), key=f"{prefix}map_extras",
                            placeholder=t("ui.data.choose_columns"), select_all=False)
    draft.mapping = dataclasses.replace(mapping, fields=fields, extras={i: headers[i] for i in extras})


def stage_editor(t, order: dict[str, list[str]], state: dict | None = None, prefix: str = "",
                 caps: Capabilities | None = None) -> dict[str, list[str]]:
    """Arrows move a stage up or down; the edited order is kept in ``state``. ``caps``: the dataset's, whose
    visitors' steps are worded as steps."""
    state = _state() if state is None else state
    fresh = {p: list(s) for p, s in order.items()}
    edited = state.get("stages") or fresh
    if isinstance(edited, list):  # a pasted order for every pipeline
        edited = {p: list(edited) for p in order}
    if not state.get("user_order") and {p: sorted(s) for p, s in edited.items()} != {
            p: sorted(s) for p, s in fresh.items()}:
        # the stages changed under the proposal (another stage or step column picked): the new proposal
        edited = fresh
    state["stages"] = edited
    for pipeline, stages in edited.items():
        title = words.data_key(caps, "ui.data.stage_order")
        st.markdown("**" + t(title, pipeline=md_escape(context.pipeline_label(pipeline, t, caps))) + "**")
        if len(stages) > EDITABLE_STAGES:  # three widgets a stage: a long list would stall the page
            st.caption(t("hardening.stages_not_editable", n=len(stages), limit=EDITABLE_STAGES))
            column = t(words.data_key(caps, "ui.data.stages"))
            st.dataframe({"#": range(1, len(stages) + 1), column: stages}, hide_index=True, height=240)
            continue
        for i, stage in enumerate(stages):
            c1, c2, c3 = st.columns([8, 1, 1])
            c1.text(f"{i + 1}. {stage}")
            if c2.button("↑", key=f"{prefix}up_{pipeline}_{i}", disabled=i == 0, help=t("ui.data.move_up")):
                stages[i - 1], stages[i] = stages[i], stages[i - 1]
                state["user_order"] = True
                st.rerun()
            if c3.button("↓", key=f"{prefix}down_{pipeline}_{i}", disabled=i == len(stages) - 1,
                         help=t("ui.data.move_down")):
                stages[i + 1], stages[i] = stages[i], stages[i + 1]
                state["user_order"] = True
                st.rerun()
    return edited


SHAPES = ("deals", "events", "counts")
# what a new file may be read as: also a table of stage counts as the deals at each stage now (stage_counts.py)
READINGS = (*SHAPES, "stage_counts")


def shape_label(t, shape: str, visitors: bool = False) -> str:
    """A reading's name; a table counting visitors (an ad platform's impressions and clicks, a site's users) read
    as reached counts is one of visitors, not «deals that reached each stage»."""
    return t("roles48b.shape.counts_visitors" if visitors and shape == "counts" else f"ui.shape.{shape}")


def _target(t, caps: Capabilities | None = None) -> int | None:
    """None for a new dataset, else the id of the dataset whose data this file replaces (one the user
    may manage). ``caps``: the file's as read, whose visitors' steps are worded as steps."""
    rows = [r for r in context.datasets() if auth.allowed(Action.MANAGE, r["id"])]
    options = [None, *(r["id"] for r in rows)]
    names = {r["id"]: display_name(r["name"], t.lang) for r in rows}  # a demo dataset's name in the reader's language
    choice = st.selectbox(t("crmimport.into"), options, key="import_into", help=t(words.data_key(caps, "crmimport.into_help")),
                          format_func=lambda i: t("crmimport.into_new") if i is None
                          else t("crmimport.into_existing", id=i, name=names[i]))
    return choice


def _refresh(t, store, target: int, main: Source, history: Source | None, state: dict,
             caps: Capabilities | None = None) -> None:
    st.info(t(words.data_key(caps, "crmimport.refresh_note")))
    if st.button(t("crmimport.refresh_button"), type="primary", key="confirm_refresh"):
        row, _draft = refresh(store, target, main, history=history, shape=state.get("shape"))
        auth.access().record(auth.current_user(), "refresh", target, main.file_name)
        nonce = state.get("nonce", 0) + 1
        state.clear()
        state["nonce"] = nonce
        # said on the next run, under the dataset's quality table (the click was followed by no word; survey 29)
        st.session_state["dataset_refresh_done"] = {"file": main.file_name, "version": row["version"],
                                                    "deals": row["n_deals"], "rejected": row["rows_rejected"],
                                                    "rows": row["rows_read"]}
        st.query_params["ds"] = str(row["id"])
        st.rerun()


def run_flow(t) -> None:
    sources = upload_step(t)
    if sources is None:
        return
    main, history = sources
    store = context.get_store()
    state = _state()
    header = None  # where "Column titles" goes and what was read; drawn last, open when the file was refused
    refused = False
    try:
        into = st.container()  # «Import into» first on the page, worded once the file is read (an ad report's steps)
        preview = _preview()
        con, draft = preview.draft(store, main, history, shape=state.get("shape"), lang=t.lang)
        refuse_headerless(draft)  # said alone: nothing proposed from the first deal's values taken as titles
        with into:
            target = _target(t, draft.expected)
        # an archive's: "export.zip › Opportunity.csv", the file inside that was read
        read_from = draft.raw.file_name if draft.raw.archive is not None else main.file_name
        visitors = draft.expected.counts_visitors
        st.success(t("ui.data.read_ok", n=draft.rows_read, file=md_escape(read_from),
                     shape=t("ui.shape.outcomes") if getattr(draft.mapping, "flags", None)
                     else t("ui.shape.stage_counts") if draft.detected_shape == "stage_counts"  # read as its deals
                     else shape_label(t, draft.shape, visitors)))
        header = (st.container(), draft.raw)  # (a file read into other tables keeps its header row: dataclasses.replace)
        notes = dict(draft.raw.notes)
        for code in ("archive.history_member", "nocode.board_groups", "nocode.subitems"):
            # said before the columns are mapped: the history found beside the deals in their archive; a
            # board's groups (map the stage to «Group» where they are the stages); its subitems left out
            if code in notes:
                st.info(t(code, **{k: v if isinstance(v, int) else md_escape(str(v)) for k, v in notes[code].items()}))
        if draft.stage_rows is not None:
            st.info(t("ui.data.change_log" if is_change_log(draft.stage_rows[0]) else "ui.data.stage_rows",
                      n=draft.raw.n_rows, column=md_escape(draft.stage_rows[0])))
        # a report of deals by their current stage, expanded into its deals (stage_counts.py); a warning when
        # that reading is a guess, as when the counts were read as reached ones by a guess
        for code, say in (("counts.current_stage", st.info), ("counts.current_stage_guess", st.warning)):
            if counted := notes.get(code):  # «the stage's amount shared equally» only where the file has amounts
                say(t("ui.data.stage_counts" if "amount" in draft.mapping.fields else "ui.data.stage_counts_no_amount",
                      rows=fmt_int(counted["rows"], t.lang), n=fmt_int(counted["n"], t.lang), counts=t("ui.shape.counts")))
        if "counts.reached_guess" in notes:
            st.warning(t("ui.data.reached_guess", stage_counts=t("ui.shape.stage_counts")))
        prefix = widget_prefix()
        read_as = "stage_counts" if draft.counts_read_as and draft.counts_read_as[0] == "current" else draft.shape
        shape = st.selectbox(t("crmimport.shape"), READINGS, index=READINGS.index(read_as), key=f"{prefix}import_shape",
                             format_func=lambda s: shape_label(t, s, visitors), help=t("crmimport.shape_help",
                             detected=shape_label(t, draft.detected_shape if draft.detected_shape in READINGS
                                                   else "deals", visitors)))
        if shape != read_as:
            state["shape"] = shape
            # what the first reading's preview decided is not the new reading's: its guess (survey 29: no warning
            # in the preview, «a guess» on the Overview after the import), order and won/lost picks
            for key in ("order_guessed", "user_order", "won", "lost", "role_overrides", "role_steps", "roles_chosen"):
                state.pop(key, None)
            for key in [k for k in st.session_state if str(k).startswith(f"{prefix}role_")]:
                del st.session_state[key]  # the roles picked were the other reading's columns
            state["stages"] = None
            st.rerun()
        zone_place = st.container()  # «Time zone of timestamps», once the build has found instants
        draft.timezone = state.get("timezone")
        if target is not None:
            _refresh(t, store, target, main, history, state, draft.expected)
            return
        if draft.duplicate_of:
            # the page's words, not the CLI's --force: here importing again is the button below
            st.warning(t("crmimport.duplicate_web", file=md_escape(main.file_name), dataset=draft.duplicate_of["id"],
                         name=md_escape(draft.duplicate_of["name"]), into=t("crmimport.into"),
                         confirm=t("ui.data.confirm")))
        st.subheader(t("ui.data.mapping"))
        if draft.expected.crm_deals:
            mapping_editor(t, draft, prefix=prefix)
            column = draft.mapping.fields.get("stage")
            if state.get("won_for", column) != column:  # the won / lost picks were of another column's stages
                # (survey 49: the stage column changed and back, both pickers stayed empty, the import not)
                for key in ("won", "lost", "won_by", "lost_by"):
                    state.pop(key, None)
                for key in [k for k in st.session_state if str(k).startswith(f"{prefix}import_")
                            and str(k).endswith(("_won", "_lost"))]:  # (one pair per pipeline too)
                    st.session_state.pop(key, None)
            state["won_for"] = column
            if "deal_id" not in draft.mapping.fields:
                st.info(t("quality.deals.no_id_column"))
            if draft.mapping.stage_entered:
                st.info(t("ui.data.stage_dates", columns=", ".join(
                    f"«{md_escape(stage)}»" for stage, _p in draft.mapping.stage_entered.values())))
            if state.get("won") is not None:
                draft.mapping.won_stages, draft.mapping.lost_stages = list(state["won"]), list(state["lost"])
            if state.get("won_by") is not None:  # several pipelines: each one's own picks
                draft.mapping.won_by_pipeline = {p: list(v) for p, v in state["won_by"].items()}
                draft.mapping.lost_by_pipeline = {p: list(v) for p, v in state["lost_by"].items()}
        else:
            role_editor(t, draft, prefix=prefix)
        # the editor keeps the shown order in state["stages"]; only an order the user touched is theirs
        # (built as given, its last stage then the sale): the proposal itself is built as proposed, or
        # the first click on Import rebuilt the preview, changed the won stage and was lost to a rerun
        built = preview.build(draft, stages=state.get("stages") if state.get("user_order") else None)
        import_zone(t, zone_place, built, state, prefix)
        _preview_warnings(t, preview.warnings())
        st.subheader(t(words.data_key(draft.expected, "ui.data.stages")))
        if built["meta"].get("outcomes_only"):
            # a lead list says no outcome either (survey 49: VK's lead form was said to tell won, lost and open)
            st.info(t("crmimport.outcomes_only" if says_outcomes(draft.mapping.fields) else "crmimport.leads_only"))
        st.caption(t(words.data_key(draft.expected, "ui.data.stages_help")))
        # a guess stays a guess while the user edits it: the first preview decides
        if state.get("user_order"):
            st.success(t("crmimport.order_yours"))
        elif state.setdefault("order_guessed", "stages.order_guessed" in built["finding_codes"]):
            st.warning(t("ui.data.order_guessed_web" if draft.expected.is_web_funnel
                         else words.data_key(draft.expected, "ui.data.order_guessed")))
        order = built["meta"]["stage_order"]
        pasted = paste_order(t, f"{prefix}import", list(order), known=lambda: draft_stages(con, draft),
                             caps=draft.expected)
        if pasted is not None:
            state["stages"], state["user_order"] = pasted, True
            st.rerun()
        stages = stage_editor(t, order, prefix=prefix, caps=draft.expected)
        pickers = draft.expected.crm_deals and not built["meta"].get("outcomes_only")
        # several pipelines (the order's keys): one pair of pickers each, a pipeline's own stages only
        by_pipeline = pipeline_kinds.preview_kinds(con, draft) if pickers and len(order) > 1 else {}
        if len(by_pipeline) > 1:
            shown = (state.get("won_by") or {p: [s for s, k in v if k == "won"] for p, v in by_pipeline.items()},
                     state.get("lost_by") or {p: [s for s, k in v if k == "lost"] for p, v in by_pipeline.items()})
            chosen_by = pipeline_won_lost_pickers(t, f"{prefix}import", by_pipeline, *shown)
            if chosen_by != shown:
                state["won_by"], state["lost_by"] = chosen_by
                st.rerun()
        elif pickers:
            kinds = preview_kinds(con, draft)
            names = [k[0] for k in kinds]
            won = [k[0] for k in kinds if k[1] == "won"] if state.get("won") is None else state["won"]
            lost = [k[0] for k in kinds if k[1] == "lost"] if state.get("lost") is None else state["lost"]
            chosen = won_lost_pickers(t, f"{prefix}import", names, won, lost)
            if chosen != (won, lost):
                state["won"], state["lost"] = chosen
                st.rerun()
        else:
            for pipeline, lost in built["meta"].get("lost_stages", {}).items():
                if lost:
                    st.caption(md_escape(context.pipeline_label(pipeline, t)) + " · " +
                               t("ui.data.lost_stages", stages=names_in_quotes(map(md_escape, lost), t.lang)))
        name = st.text_input(t("ui.data.name"), value=main.file_name.rsplit(".", 1)[0], key="import_name")
        previous = previous_snapshot_picker(t) if draft.expected.crm_deals else None
        if st.button(t("ui.data.confirm"), type="primary", key="confirm_import"):
            # an order the user did not touch stays the proposal (and a guess stays flagged as one)
            with store.connect() as store_con:
                preview.copy_staged(store_con, draft)
                info, built = finish(store_con, store, draft,
                                     stages=stages if state.get("user_order") else None, name=name)
            preview.close()
            auth.access().claim(auth.current_user(), info.id, main.file_name)
            if previous is not None:  # two snapshots instead of a history (funnel/velocity/snapshots.py)
                link_previous(store, info.id, previous)
            nonce = state.get("nonce", 0) + 1
            state.clear()
            state["nonce"] = nonce
            st.query_params["ds"] = str(info.id)
            st.rerun()
    except FunnelError as exc:
        refused = True
        st.error(error_text(exc, context.lang()))
        # a file read from the wrong row is refused: the row can be changed here (not an API's JSON)
        # (no other row gives a file without titles its titles; unless a row was chosen here: it can be changed back)
        headerless = exc.code == "import.no_header_row" and state.get("header_rows") is None
        if header is None and not exc.code.startswith("json.") and not headerless:
            header_control(t)
    finally:
        if header is not None:  # read, then refused (no stage column: titles on another row?): shown open
            with header[0]:
                header_control(t, header[1], expanded=refused)


# what a choice of roles that cannot be read is told (refused, incomplete): at import the proposal stays; in the
# «Change this dataset» panel the dataset keeps its roles (the keys written whole: the catalog check reads them)
REFUSED_WORDS = {"roles48": ("roles48.choice_refused", "ui.data.roles_incomplete"),
                 "roles48b": ("roles48b.choice_refused", "roles48b.roles_incomplete")}


def role_editor(t, draft, state: dict | None = None, prefix: str = "", kept: str = "roles48") -> None:
    """Which column is the visitor, the step and the time of an event log, or the stage, the count and
    the group of a long counts table: pickers defaulting to the proposal (as ``import --map`` on the
    command line). A visitor file of yes/no columns gets the visitor, time, variant and source pickers and its
    steps as a list of its yes/no columns in funnel order; a counts table of one column per step, the group and
    its step columns (``import --map steps=A,B``). The choice is read by the CLI's own code (mapping/roles.py);
    one it cannot read is said and the proposal kept. ``kept``: the catalog area of the words said then (the
    «Change this dataset» panel's ``roles48b``: there the dataset keeps its roles, there is no proposal)."""
    m, headers = draft.mapping, draft.raw.headers
    state = _state() if state is None else state
    overrides = state.setdefault("role_overrides", {})
    listed = list(getattr(m, "flags", None) or getattr(m, "wide_stages", None) or [])  # the proposed steps
    if getattr(m, "flags", None):
        roles: tuple[str, ...] = tuple(r for r in EVENT_FIELDS if r != "step")
    elif listed:
        roles = ("group",)
    else:
        roles = EVENT_FIELDS if draft.expected.is_web_funnel else COUNT_FIELDS
    options = [-1, *range(len(headers))]
    cols = st.columns(3)
    picked: dict[str, int] = {}
    for k, role in enumerate(roles):
        proposed = getattr(m, role, None)
        proposed = -1 if proposed is None else proposed
        with cols[k % 3]:
            picked[role] = st.selectbox(t(f"ui.data.role.{role}"), options,
                                        index=options.index(overrides.get(role, proposed)),
                                        format_func=lambda i: _column_label(headers, i), key=f"{prefix}role_{role}")
        if picked[role] != proposed:
            overrides[role] = picked[role]
        else:
            overrides.pop(role, None)
    steps = _step_picker(t, draft, listed, state, prefix) if listed else None
    _forget_order_when_changed(state, (sorted(overrides.items()), steps))
    if not overrides and steps == (listed if listed else None):
        return
    given = {role: (i if i >= 0 else None) for role, i in picked.items()}
    try:
        chosen = apply_roles(copy.deepcopy(m), headers, draft.shape, given, steps, draft.samples)
    except FunnelError as exc:  # one column in two roles, no step left, a text column as a step: said, not read
        st.warning(t(REFUSED_WORDS[kept][0], problem=error_text(exc, t.lang)))
        return
    if chosen is None:  # a required role left empty: the proposal stays until one is picked
        st.warning(t(REFUSED_WORDS[kept][1]))
        return
    draft.mapping = chosen


def _step_picker(t, draft, listed: list[int], state: dict, prefix: str) -> list[int]:
    """The step columns of a visitor file or of a wide counts table, in the order picked (the proposal's first)."""
    headers, flags = draft.raw.headers, bool(getattr(draft.mapping, "flags", None))
    chosen = state.get("role_steps", listed)
    options = step_candidates(draft.mapping, headers, draft.samples)
    options += [i for i in chosen if i not in options]
    label, helped = ("roles48.steps_flags", "roles48.steps_flags_help") if flags else \
        ("roles48.steps_wide", "roles48.steps_wide_help")
    steps = st.multiselect(t(label), options, default=chosen, format_func=lambda i: _column_label(headers, i),
                           key=f"{prefix}role_steps", help=t(helped), placeholder=t("ui.data.choose_columns"),
                           select_all=False)
    if steps != listed:
        state["role_steps"] = list(steps)
    else:
        state.pop("role_steps", None)
    return list(steps)


def _forget_order_when_changed(state: dict, chosen) -> None:
    """Other roles or steps picked: the stage order shown (and a guess said of it) is the new reading's, not the
    one before (the step editor kept the previous steps' order while the build read the new one)."""
    signature = repr(chosen)
    if state.get("roles_chosen", signature) != signature:
        state["stages"] = None
        for key in ("user_order", "order_guessed"):
            state.pop(key, None)
    state["roles_chosen"] = signature
