"""A/B comparison: the groups of the dataset (variant, source, manager, ...) or typed-in numbers."""

import math
from dataclasses import replace

import pandas as pd
import streamlit as st

from funnel.ab_charts import (
    DETAIL_COLUMNS,
    TABLE_COLUMNS,
    ab_rows,
    revenue_rows,
    step_label,
    steps_of,
)
from funnel.ab_dataset import MAX_GROUPS, default_control, parse_step
from funnel.ab_input import InputError, parse_split
from funnel.ab_results import DatasetABResult
from funnel.errors import FunnelError
from funnel.formats import fmt_num
from funnel.markdown_escape import md_escape
from funnel.metrics import Selection
from funnel.money import currency_of
from funnel.stats import analyze_counts
from funnel.stats.results import StepResult
from funnel.stats.wording import word_key
from ui import ab_widgets as w
from ui import cache, context, drill, explain, filters, report_button
from ui.errors import error_text
from ui.figures import ab_figure
from ui.order_note import order_note
from ui.routing import require_frame

require_frame()

t = context.tr()
lang = context.lang()
st.title(t("ui.page.ab"))
TEST_NAMES = {k: t(f"stats.test.{k}") for k in ("z", "fisher", "sequential")}
LABELS = {"rate": t("ab.col.rate"), "ci": t("ab.col.ci")}


def headers(web: bool) -> dict[str, str]:
    """Column headers of the comparison table (visitors on a web funnel)."""
    return {c: t(word_key(f"ab.col.{c}", web)) for c in (*TABLE_COLUMNS, *DETAIL_COLUMNS)}


# pixels per column, so the table fits the page's width (stage and group names get the room; numbers
# as wide as "< 0,001" or "> 99,9 %")
WIDTHS = {"step": 140, "group": 110, "n": 55, "conversions": 70, "rate": 70, "diff": 75, "p_value_adjusted": 65,
          "prob_beat_control": 105, "ci": 150, "diff_ci": 150, "lift": 90, "p_value": 60, "test": 170}


def _frame(rows: list[dict], columns: tuple[str, ...], names: dict[str, str]) -> tuple[pd.DataFrame, dict]:
    if len({r["_step"] for r in rows}) <= 1:  # one step: it is in the verdict's title already
        columns = tuple(c for c in columns if c != "step")
    frame = pd.DataFrame(rows, columns=list(columns)).rename(columns=names)
    return frame, {names[c]: st.column_config.TextColumn(width=WIDTHS[c], help=names[c]) for c in columns}  # whole header on hover


def _table(result: StepResult, web: bool, key: str | None = None, on_cell=None) -> list[dict]:
    rows = ab_rows(result, TEST_NAMES, lang)
    names = headers(web)
    frame, widths = _frame(rows, TABLE_COLUMNS, names)
    if key is None:
        st.dataframe(frame, hide_index=True, placeholder="—", width="stretch", column_config=widths)
    else:
        st.dataframe(frame, hide_index=True, key=drill.nonce(key), on_select=on_cell, selection_mode="single-cell",
                     width="stretch", column_config=widths)
    with st.expander(t("abpolish.details")):
        frame, widths = _frame(rows, DETAIL_COLUMNS, names)
        st.dataframe(frame, hide_index=True, placeholder="—", width="stretch", column_config=widths)
    return rows


def _verdicts(result: DatasetABResult, web: bool) -> None:
    alpha = result.alpha
    if result.steps:
        w.verdict_block(result, alpha, t, t("ab.overall", step=step_label(result)), web=web)
        st.subheader(t("ab.by_step"))
        steps = result.steps
        if len(steps) > 3 or len(result.groups) > 3:  # compact: one line per step, details folded
            w.verdict_lines(steps, t)
            with st.expander(t("audit.ab.details", n=len(steps))):
                for step in steps:
                    w.verdict_block(step, alpha, t, step_label(step), skip=("many_comparisons",), web=web)
            return
        places = st.columns(len(steps))
        for step, place in zip(steps, places, strict=True):
            with place:
                w.verdict_block(step, alpha, t, step_label(step), skip=("many_comparisons",), web=web)
    else:
        w.verdict_block(result, alpha, t, step_label(result) if result.stage_from else None, web=web)


def _revenue(info, result: DatasetABResult) -> None:
    rev = result.revenue_per_lead
    if not rev or not rev.groups:
        return
    st.subheader(t("ab.revenue.title"))
    names = {"group": t("ab.col.group"), "n": t("ab.col.n"), "mean": t("ab.revenue.mean"), "diff": t("ab.revenue.diff"),
             "p_value_adjusted": t("ab.col.p_value_adjusted"), "mann_whitney": t("ab.revenue.mann_whitney")}
    rows = [{names[k]: v for k, v in row.items()}
            for row in revenue_rows(rev, currency_of(info.capabilities.currencies), lang)]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(t("ab.revenue.caption", test=t("stats.test.welch")))


def _show_dataset_result(info, spec, result: DatasetABResult, by: str) -> None:
    web = info.capabilities.of_visitors
    _verdicts(result, web)
    for skipped in result.skipped:  # a step counted for visitors who skipped it: its recorded entries compared
        st.warning(md_escape(skipped.note(lang)))
        w.verdict_block(skipped.recorded, result.alpha, t, t("ab.skipped.title", stage=skipped.stage,
                                                             stage_from=skipped.recorded.stage_from), web=web)
    steps, groups = steps_of(result), list(result.groups)
    position = dict(zip(result.stages, result.positions, strict=True))
    names = headers(web)

    def request(group: str, stage: str) -> tuple:
        title = t(word_key("ab.drill.title", web), group=md_escape(group), stage=md_escape(stage))
        return Selection("reached", position=position[stage], by=by, value=group), title

    st.subheader(t("ab.chart.title"))
    drill.clickable_chart(ab_figure(result, LABELS, lang), "ab_chart",
                          lambda c, i: request(groups[c], steps[i].stage_to) if c < len(groups) else None)
    rows: list[dict] = []

    def on_cell() -> None:
        state = st.session_state.get(drill.nonce("ab_table")) or {}
        cells = (state.get("selection") or {}).get("cells") or []
        drill.bump("ab_table")
        if cells and info.capabilities.can("deals"):
            row = rows[int(cells[0][0])]
            end = {names["n"]: "from", names["conversions"]: "to"}.get(cells[0][1])
            if end:
                step = steps[row["_step"]]
                drill.request(*request(row["_group"], step.stage_from if end == "from" else step.stage_to))

    rows.extend(_table(result, web, "ab_table", on_cell))
    if explain.unless(info, "deals", t, small=True):
        st.caption(t(word_key("ab.table.hint", web)))
    _revenue(info, result)
    for code in result.notes:
        st.caption(t(word_key(code, web), n=result.groups_left_out if code == "ab.note.groups_left_out"
                     else result.no_value_n))


def _controls(info, spec, columns: list[str]) -> dict | None:
    by = w.pick_column(info, columns)
    c1, c2, c3, c4 = st.columns(4)
    w.sync("ab_by_w", by)
    c1.selectbox(t("ab.by"), columns, key="ab_by_w", format_func=lambda c: w.column_label(info, c, t),
                 on_change=w.on_change, args=("ab_by_w", "ab_by"))
    counts = w.counts(info.id, info.version, spec, by)
    named = [g for g in counts.groups if g != ""][:MAX_GROUPS]
    if len(named) < 2:
        st.info(t(word_key("ab.need_two_groups", info.capabilities.of_visitors)))
        return None
    control = w.param("ab_control") if w.param("ab_control") in named else default_control(named)
    w.sync("ab_control_w", control)
    c2.selectbox(t("ab.control"), named, key="ab_control_w", on_change=w.on_change, args=("ab_control_w", "ab_control"))
    stages = list(counts.stages)
    options = {w.ALL_STEPS: t("ab.step.all")} | {f"{a}:{b}": f"{a} → {b}" for a, b in zip(stages, stages[1:], strict=False)}
    if len(stages) > 2:
        options[f"{stages[0]}:{stages[-1]}"] = f"{stages[0]} → {stages[-1]}"
    w.sync("ab_step_w", w.param("ab_step") if w.param("ab_step") in options else w.ALL_STEPS)
    c3.selectbox(t("ab.step"), list(options), key="ab_step_w", format_func=options.get,
                 on_change=w.on_change, args=("ab_step_w", "ab_step"))
    w.sync("ab_alpha_w", w.alpha_param())
    c4.selectbox(t("ab.alpha"), w.ALPHAS, key="ab_alpha_w", on_change=w.on_change, args=("ab_alpha_w", "ab_alpha"),
                 format_func=lambda a: w.alpha_text(a, t.lang))
    with st.expander(t("ab.advanced")):
        w.sync("ab_split_w", w.param("ab_split") or "")
        st.text_input(t("ab.split"), key="ab_split_w", placeholder="A=50,B=50", help=t("ab.split_help"),
                      on_change=w.on_change, args=("ab_split_w", "ab_split"))
        w.sync("ab_seq_w", w.param("ab_seq") == "1")
        st.toggle(t("ab.sequential"), key="ab_seq_w", help=t("ab.sequential_help"), on_change=w.on_change,
                  args=("ab_seq_w", "ab_seq", lambda v: "1" if v else ""))
    step = st.session_state["ab_step_w"]
    return {"by": by, "control": st.session_state["ab_control_w"], "alpha": st.session_state["ab_alpha_w"],
            "step": parse_step(step, stages) if step else None, "split": st.session_state["ab_split_w"],
            "sequential": st.session_state["ab_seq_w"]}


def _split_key(text: str):
    split = parse_split(text)
    if isinstance(split, dict):
        return tuple(split.items())
    return tuple(split) if split else None


def dataset_mode(info) -> DatasetABResult | None:
    spec = filters.current_spec(info)
    st.caption(filters.scope_caption(info, spec, t))
    report_button.show(info, spec, t)
    order_note(t, info, spec)
    pipeline = spec.pipeline or cache.pipeline_of(info.id, info.version, spec)
    columns = w.usable_columns(info, pipeline)
    if not columns:
        st.info(t("ab.no_columns"))
        return None
    try:
        choice = _controls(info, spec, columns)
        if choice is None:
            return None
        try:
            split = _split_key(choice["split"])
        except InputError:
            st.warning(t("error.ab.bad_split", value=md_escape(choice["split"])))
            split = None
        result = w.analyze(info.id, info.version, spec, choice["by"], choice["control"], choice["step"],
                           choice["alpha"], split, choice["sequential"])
    except FunnelError as exc:
        st.error(error_text(exc, lang))
        return None
    _show_dataset_result(info, spec, result, choice["by"])
    report_button.pin(info, choice, t)
    drill.show_pending(info, spec, t)
    return result


def _typed_groups(frame: pd.DataFrame) -> dict:
    groups = {}
    for row in frame.itertuples(index=False):
        name = "" if row.name is None or (isinstance(row.name, float) and math.isnan(row.name)) else str(row.name).strip()
        if not name:
            continue
        n, x = row.visitors, row.conversions
        ok = all(isinstance(v, int | float) and not math.isnan(v) for v in (n, x))
        groups[name] = (int(n), int(x)) if ok else None
    return groups


def typed_mode() -> StepResult | None:
    st.caption(t("ab.typed.caption"))
    # the typed numbers live in the URL (ab_typed); the editor starts from the link once per session
    if "_ab_typed_base" not in st.session_state:
        st.session_state["_ab_typed_base"] = w.typed_frame(w.param("ab_typed"))
    base = st.session_state["_ab_typed_base"]
    config = {c: st.column_config.Column(t(f"ab.typed.{c}")) for c in base.columns}
    frame = st.data_editor(base, key="ab_typed", num_rows="dynamic", hide_index=True, column_config=config,
                           placeholder="")
    w.set_param("ab_typed", w.typed_text(frame))
    w.sync("ab_typed_alpha", w.alpha_param())
    alpha = st.selectbox(t("ab.alpha"), w.ALPHAS, key="ab_typed_alpha", format_func=lambda a: w.alpha_text(a, t.lang),
                         on_change=w.on_change,
                         args=("ab_typed_alpha", "ab_alpha", str, 0.05))
    result = replace(analyze_counts(_typed_groups(frame), None, alpha), stage_from=t("ab.typed.visitors"),
                     stage_to=t("ab.typed.conversions"))
    w.verdict_block(result, alpha, t, web=True)  # typed-in numbers are visitors and conversions
    if result.groups:
        st.plotly_chart(ab_figure(result, LABELS, lang), key="ab_typed_chart", config={"displayModeBar": False})
        _table(result, True)
    revenue = {str(r.name): r.revenue / r.visitors for r in frame.itertuples(index=False)
               if isinstance(r.revenue, float) and not math.isnan(r.revenue) and r.visitors}
    if revenue:
        st.markdown(" · ".join(t("ab.typed.revenue_line", group=md_escape(g), value=fmt_num(v, lang, 2))
                               for g, v in revenue.items()))
        st.caption(t("ab.typed.revenue_note"))
    return result


info = context.current_dataset()
if info is not None:
    context.show_url_notes(info, t)
modes = ("dataset", "typed") if info is not None else ("typed",)
w.sync("ab_mode_w", w.param("ab_mode") if w.param("ab_mode") in modes else modes[0])
mode = st.segmented_control(t("ab.mode"), modes, key="ab_mode_w", required=True,
                            format_func=lambda m: t(f"ab.mode.{m}"), on_change=w.on_change, args=("ab_mode_w", "ab_mode"))
shown = dataset_mode(info) if mode == "dataset" else typed_mode()
st.subheader(t("ab.calc.title"))
baseline = None
if shown and shown.groups and shown.control in steps_of(shown)[0].groups:
    baseline = steps_of(shown)[0].groups[shown.control].rate
w.calculator(t, baseline, web=mode == "typed" or (info is not None and info.capabilities.of_visitors))
