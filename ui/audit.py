"""Streamlit glue of the audit pages (Diagnostics, Managers, Segments) and the Overview's top findings.

Cached engine calls keyed by ``(dataset id, version, spec, options)``; finding cards with their
numbers, why, what to check, how sure, and a button that lists the deals behind the finding.
Page-specific choices live in the URL (``dg_bench``, ``dg_stuck``, ``dg_codes``, ``dg_target``, ``sg_by``).
Leak targets (``dg_bench=target``) come from the link's ``dg_target`` when it has one, else from the
targets remembered for the dataset in the store (:mod:`funnel.audit.targets`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from funnel.audit import targets as audit_targets
from funnel.audit.data import AuditOptions
from funnel.audit.diagnose import Diagnosis, diagnose
from funnel.audit.finding import Finding
from funnel.audit.managers import ManagerReport, manager_report
from funnel.audit.wording import check, sureness, title, why
from funnel.dataset import DatasetInfo
from funnel.formats import fmt_compact
from funnel.i18n import sentences
from funnel.markdown_escape import md_escape
from funnel.metrics import Selection
from funnel.spec import FunnelSpec

from . import background, drill, explain, money_text, words
from .ab_widgets import on_change, param, sync
from .cache import HASH
from .context import get_store
from .urlstate import set_param

AUDIT_HASH: dict[str | type[Any], Callable[[Any], Any]] = {**HASH, AuditOptions: repr}
BENCHMARKS = ("funnel", "team_median", "best_manager", "previous_period", "target")
TARGETS_NOTE = "_dg_targets_note"
SEVERITY_ICON = {"high": ":material/error:", "medium": ":material/warning:", "low": ":material/info:",
                 "info": ":material/lightbulb:"}


@st.cache_data(show_spinner=False, hash_funcs=AUDIT_HASH, max_entries=64)
def cached_diagnosis(dataset_id: int, version: int, spec: FunnelSpec, options: AuditOptions) -> Diagnosis:
    store = get_store()
    info = store.info(dataset_id)
    with store.connect(info) as con:
        return diagnose(con, info, spec, options)


@st.cache_data(show_spinner=False, hash_funcs=AUDIT_HASH, max_entries=64)
def cached_managers(dataset_id: int, version: int, spec: FunnelSpec) -> ManagerReport:
    store = get_store()
    info = store.info(dataset_id)
    with store.connect(info) as con:
        return manager_report(con, info, spec)


def _pipeline(info: DatasetInfo, spec: FunnelSpec) -> str | None:
    from . import cache

    return spec.pipeline if spec.pipeline is not None else cache.pipeline_of(info.id, info.version, spec)


def current_targets(info: DatasetInfo, spec: FunnelSpec) -> dict[str, float]:
    """The link's targets (``dg_target``), else the ones remembered for the dataset's pipeline."""
    linked = audit_targets.from_url(param("dg_target"))
    if linked is not None:
        return linked
    return audit_targets.saved(get_store(), info.id, _pipeline(info, spec))


def options_from_url(info: DatasetInfo | None = None, spec: FunnelSpec | None = None) -> AuditOptions:
    bench = param("dg_bench")
    try:
        stuck = float(param("dg_stuck") or 0) or None
    except ValueError:
        stuck = None
    bench = bench if bench in BENCHMARKS else "funnel"
    targets: tuple[tuple[str, float], ...] = ()
    if bench == "target" and info is not None and spec is not None:
        targets = audit_targets.as_options(current_targets(info, spec))
    return AuditOptions(benchmark=bench, targets=targets, stuck_days=stuck if stuck and stuck > 0 else None)


def option_widgets(t, info: DatasetInfo | None = None) -> None:
    """Benchmark of the leaks and the stuck threshold, kept in the URL (no threshold for a web
    funnel: no visitor waits open at a step)."""
    c1, c2 = st.columns(2)
    sync("dg_bench_w", options_from_url().benchmark)
    c1.selectbox(t("audit.ui.benchmark"), BENCHMARKS, key="dg_bench_w", format_func=lambda b: t(f"audit.benchmark.{b}"),
                 on_change=on_change, args=("dg_bench_w", "dg_bench", lambda v: None if v == "funnel" else v))
    if info is not None and info.capabilities.is_web_funnel:
        return
    sync("dg_stuck_w", float(options_from_url().stuck_days or 0.0))
    c2.number_input(t("audit.ui.stuck_days"), min_value=0.0, step=1.0, format="%.0f", key="dg_stuck_w", help=t("audit.ui.stuck_help"),
                    on_change=on_change, args=("dg_stuck_w", "dg_stuck", lambda v: None if not v else f"{v:g}"))


def target_editor(t, info: DatasetInfo, spec: FunnelSpec, steps, min_n: int) -> None:
    """Per step: the decided deals, today's conversion and the user's target (%). An edit goes to the
    link (``dg_target``) and, for whoever may manage the dataset, to the store."""
    import pandas as pd

    from funnel.formats import fmt_int, fmt_pct

    current = current_targets(info, spec)
    st.markdown(f"**{t('audit.ui.targets')}**")
    linked = param("dg_target")
    if linked and audit_targets.from_url(linked) is None:  # a link's unreadable targets: said, not used
        st.warning(t("audit.url.bad_value", param="dg_target", value=md_escape(linked)))
    cols = {"step": t("audit.ui.col.step"), "n": t("audit.ui.col.decided"), "rate": t("audit.ui.col.rate_now"),
            "target": t("audit.ui.col.target")}
    numbers = pd.DataFrame({
        cols["step"]: [f"{s.stage} → {s.stage_to}" for s in steps],
        cols["n"]: [fmt_int(s.n, t.lang) for s in steps],
        cols["rate"]: [fmt_pct(s.rate, t.lang) + ("" if s.n >= min_n else f" ({t('audit.ui.too_few')})")
                       for s in steps]})
    goals = pd.DataFrame({cols["target"]: [current[s.stage] * 100 if s.stage in current else None for s in steps]}
                         ).astype({cols["target"]: "float"})
    # the numbers open their deals (a data editor cannot be clicked), the target beside them is edited;
    # one height for both so their rows line up
    height = 35 * (len(steps) + 1) + 3
    left, right = st.columns([5, 2], gap="small")
    with left:
        _target_numbers(numbers, steps, cols, height)
    key = f"dg_targets_{abs(hash(audit_targets.to_url(current) or ''))}"
    right.data_editor(goals, key=key, hide_index=True, placeholder="—", height=height,
                      column_config={cols["target"]: st.column_config.NumberColumn(min_value=0.0, max_value=100.0,
                                                                                   step=1.0, format="%.0f")},
                      on_change=_on_targets, args=(key, info, spec, [s.stage for s in steps], current,
                                                   cols["target"]))
    note = st.session_state.pop(TARGETS_NOTE, None)
    st.caption(sentences(t.lang, t("audit.ui.targets_caption", min_n=min_n), t("polish.targets.click_hint"),
                         t(note[0], **note[1]) if note else None))
    if not current:
        st.info(t("audit.ui.targets_none"))


def _target_numbers(frame, steps, cols: dict[str, str], height: int) -> None:
    """The target editor's step numbers: a click on the decided deals or today's conversion lists the
    deals decided at that step (the rate's denominator, as a Managers heatmap cell does)."""
    def on_cell() -> None:
        cells = ((st.session_state.get(drill.nonce("dg_target_cells")) or {}).get("selection") or {}).get("cells") or []
        drill.bump("dg_target_cells")
        if cells and cells[0][1] in (cols["n"], cols["rate"]) and int(cells[0][0]) < len(steps):
            step = steps[int(cells[0][0])]
            drill.request(Selection("decided", position=step.position),
                          f"{md_escape(step.stage)} → {md_escape(step.stage_to)} · {cols['n']}")

    st.dataframe(frame, hide_index=True, key=drill.nonce("dg_target_cells"), on_select=on_cell,
                 selection_mode="single-cell", height=height)


def _on_targets(key: str, info: DatasetInfo, spec: FunnelSpec, stages: list[str], current: dict[str, float],
                column: str) -> None:
    import math

    from funnel.access.rules import Action
    from funnel.errors import FunnelError

    from .auth import allowed
    from .context import lang

    wanted = dict(current)
    for row, change in ((st.session_state.get(key) or {}).get("edited_rows") or {}).items():
        if column not in change or int(row) >= len(stages):
            continue
        value = change[column]
        if value is None or not math.isfinite(float(value)):
            wanted.pop(stages[int(row)], None)
        else:
            wanted[stages[int(row)]] = min(max(float(value), 0.0), 100.0) / 100
    set_param("dg_target", audit_targets.to_url(wanted) or "{}")
    if not allowed(Action.MANAGE, info.id):
        st.session_state[TARGETS_NOTE] = ("audit.ui.targets_link_only", {})
        return
    try:
        audit_targets.save(get_store(), info.id, _pipeline(info, spec), wanted)
    except FunnelError as exc:
        st.session_state[TARGETS_NOTE] = ("audit.ui.targets_not_saved", {"reason": exc.message(lang())})
        return
    st.session_state[TARGETS_NOTE] = ("audit.ui.targets_saved", {})


def _drill_spec(f: Finding, spec: FunnelSpec) -> FunnelSpec | None:
    if f.period is None:
        return None
    return spec.replace(date_field="created", date_from=f.period[0], date_to=f.period[1])


def _lead(label: str, text: str) -> str:
    """«**Why:** text»; a Chinese label's full-width colon goes after the bold, with no space: «**原因**：text»
    (Markdown does not close «**原因：**» before a Chinese character, and «原因： 该» put a space after the colon)."""
    if label.endswith("："):
        return f"**{label[:-1]}**：{text}"
    return f"**{label}** {text}"


def finding_card(f: Finding, info: DatasetInfo, spec: FunnelSpec, t, key: str, full: bool = True) -> None:
    """One finding as a card: title, impact, why, what to check, how sure, and its deals."""
    lang = t.lang
    with st.container(border=True):
        # a narrow card writes straight into its border: one block less per card on every rerun
        head, money = st.columns([5, 1], vertical_alignment="top") if full else (st, None)
        head.markdown(f"{SEVERITY_ICON[f.severity]} **{title(f, info, lang, markdown=True)}**")
        tags = [t("audit.severity." + f.severity), t("audit.code." + f.code)]
        if f.params.get("order_guessed"):
            tags.append(t("audit.tag.order_guessed"))
        if f.impact is not None and money is None:  # a narrow card: the impact in its caption
            tags.append(t("audit.ui.impact_tag", money=money_text.compact(info, f.impact, lang)))  # 影响：, not 影响:
        head.caption(" · ".join(tags))
        if f.impact is not None and money is not None:
            money.metric(money_text.tile_label(info, t("audit.ui.impact"), t, f.impact, lang),
                         money_text.tile_value(info, f.impact, lang),
                         help=t("audit.ui.impact_help"))
        if full:
            st.markdown(_lead(t("audit.ui.why"), why(f, info, lang, markdown=True)))
            st.markdown(_lead(t("audit.ui.check"), check(f, info, lang, markdown=True)))
            st.caption(sureness(f, info, lang))
        if f.selection is not None and info.capabilities.can("deals"):
            label = t(words.key(info, "audit.ui.deals")) if f.code != "reactivation" else t("audit.ui.reactivation_list")
            st.button(label, key=key, type="tertiary", icon=":material/list:", on_click=drill.request,
                      args=(f.selection, title(f, info, lang, markdown=True), _drill_spec(f, spec)))


def top_findings(info: DatasetInfo, spec: FunnelSpec, t, k: int = 3) -> None:
    """The Overview's three costliest findings as short cards linking to the Diagnostics page."""
    if not info.capabilities.can("deals"):
        return
    options = options_from_url(info, spec)
    # the whole audit of a new filter set takes seconds on a big dataset: it runs in the background
    # and the rest of the page is not held up by it (ui/background.py)
    key = ("diagnosis", info.id, info.version, repr(spec), repr(options))
    diagnosis = background.result(key, cached_diagnosis, info.id, info.version, spec, options)
    if diagnosis is None:
        st.subheader(t("audit.ui.top_findings"))
        background.poll_until_ready(key, t("viewers.findings_pending"))
        return
    findings = diagnosis.findings[:k]
    if not findings:
        return
    st.subheader(t("audit.ui.top_findings"))
    cols = st.columns(len(findings))
    for i, (col, f) in enumerate(zip(cols, findings, strict=True)):
        with col:
            finding_card(f, info, spec, t, key=f"ov_finding_{i}", full=False)
    st.page_link("pages/diagnostics.py", label=t("audit.ui.all_findings"), icon=":material/troubleshoot:")


def drill_button(label: str, selection: Selection, title_text: str, key: str, info: DatasetInfo) -> None:
    drill.button(label, selection, md_escape(title_text), key=key, info=info)


@st.cache_data(show_spinner=False, hash_funcs=AUDIT_HASH, max_entries=16)
def spend_result(dataset_id: int, version: int, spec: FunnelSpec, content: bytes, file_name: str) -> dict:
    """The spend file read and checked, and CPL / CAC / ROMI per source and month (or a translated error)."""
    from funnel.audit.spend import known_sources, read_spend, spend_report
    from funnel.errors import FunnelError
    from funnel.metrics.context import resolve

    from .context import lang

    store = get_store()
    info = store.info(dataset_id)
    with store.connect(info) as con:
        ctx = resolve(con, info, spec)
        try:
            spend = read_spend(con, content, file_name, known_sources(con, ctx, every_pipeline=True))
        except FunnelError as exc:
            return {"error": exc.message(lang())}
        return {"issues": [i.__dict__ for i in spend.issues], "report": spend_report(con, ctx, spend.rows)}


def page_head(title_key: str):
    """The head of an audit page: ``(t, lang, info, spec)`` after the title and scope; stops on counts."""
    from . import context, filters
    from .order_note import order_note

    t, lang, info = context.page_start(title_key)
    spec = filters.current_spec(info)
    st.caption(filters.scope_caption(info, spec, t))
    order_note(t, info, spec)
    if not info.capabilities.can("deals"):
        st.info(t("audit.reason.counts_no_deals"))
        st.stop()
    return t, lang, info, spec


OUTCOME_COLUMNS = ("deals", "won", "lost", "win_rate", "revenue", "avg_deal_size", "median_cycle_days")
# a rate lists the deals of its denominator, whose status column shows its numerator (won / closed, won / all)
OUTCOME_KIND = {"deals": "all", "won": "won", "lost": "lost", "win_rate": "closed", "revenue": "won",
                "avg_deal_size": "won", "median_cycle_days": "won", "win_rate_all": "all"}
WEB_OUTCOME_COLUMNS = ("deals", "won", "win_rate_all")


def outcome_table(groups: list[tuple[str, object]], label: str, t, key: str, by: str, values: list,
                  info: DatasetInfo | None = None, spec=None) -> None:
    """Per group: deals, won, lost, win rate, revenue, average deal, cycle; a click lists the cell's deals. With
    ``spec`` (the page's selection) the warning also names the pipeline shown when nothing marks its deals won."""
    import pandas as pd

    from funnel.formats import fmt_int, fmt_num, fmt_pct

    def money(v, lg):  # with the dataset's currency when the page passes ``info``
        return fmt_compact(v, lg) if info is None else money_text.compact(info, v, lg)

    fmt: dict[str, Callable[..., str]] = {"deals": fmt_int, "won": fmt_int, "lost": fmt_int, "win_rate": fmt_pct, "revenue": money,
           "avg_deal_size": money, "median_cycle_days": lambda v, lg: fmt_num(v, lg, 1)}
    fmt["win_rate_all"] = fmt_pct
    # a web funnel's segments: visitors, how many reached the last step and the conversion (no lost
    # deals, money or cycle to show)
    columns = WEB_OUTCOME_COLUMNS if info is not None and info.capabilities.is_web_funnel else OUTCOME_COLUMNS
    headers = {c: t(words.key(info, f"metrics.kpi.{c}") if info is not None else f"metrics.kpi.{c}") for c in columns}
    frame = pd.DataFrame([{label: name, **{headers[c]: fmt[c](getattr(o, c), t.lang) for c in columns}}
                          for name, o in groups])

    def on_cell() -> None:
        cells = ((st.session_state.get(drill.nonce(key)) or {}).get("selection") or {}).get("cells") or []
        drill.bump(key)
        if cells:
            row_i, header = cells[0]
            column = next((c for c, h in headers.items() if h == header), "deals")
            drill.request(Selection(OUTCOME_KIND[column], by=by, value=values[int(row_i)]),
                          f"{md_escape(groups[int(row_i)][0])} · {headers[column]}")

    st.dataframe(frame, hide_index=True, key=drill.nonce(key), on_select=on_cell, selection_mode="single-cell")
    st.caption(t(words.key(info, "audit.managers.click_hint") if info is not None else "audit.managers.click_hint"))
    # a column «—» in every row says why, as the Overview's tile does (Maven: no creation date); columns «—» for one
    # reason say it once, their titles listed (nothing marks a win: five captions read the same sentence)
    said: dict[str, list[str]] = {}
    for column in columns:
        why = {(getattr(o, "reasons", None) or {}).get(column) for _, o in groups}
        if groups and all(getattr(o, column) is None for _, o in groups) and len(why) == 1 and None not in why:
            said.setdefault(str(why.pop()), []).append(headers[column])
    for code, titles in said.items():
        st.caption(("、" if t.lang == "zh" else ", ").join(titles) + ("：" if t.lang == "zh" else ": ") + t(code))
    if info is not None and explain.no_lost_recorded(info):
        st.warning(t("polish.no_lost.table"))
    if info is not None:
        explain.warn_no_won(info, t, spec)
