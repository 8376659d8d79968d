"""Pieces of the A/B page: cached engine calls, URL-backed widgets, the verdict block, the calculator.

The view lives in the URL (``ab_mode``, ``ab_by``, ``ab_control``, ``ab_step``, ``ab_alpha``,
``ab_split``, ``ab_seq``): before a widget is drawn its state is set from the URL, and its change
writes the URL back, as the shared filters do (ui/filters.py).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from funnel import ab_dataset
from funnel.ab_charts import step_label
from funnel.ab_results import DatasetABResult, GroupCounts
from funnel.dataset import DatasetInfo
from funnel.errors import FunnelError
from funnel.formats import fmt_num, fmt_pct
from funnel.markdown_escape import md_escape
from funnel.spec import FunnelSpec
from funnel.stats import power_for_n, sample_size
from funnel.stats.results import StepResult, Verdict
from funnel.stats.wording import caveat_sentences, reason_text, verdict_sentence, word_key

from . import cache, urlstate
from .context import get_store

HASH: dict[str | type[Any], Callable[[Any], Any]] = {FunnelSpec: repr}
ALPHAS = (0.01, 0.05, 0.1)
ALL_STEPS = ""


# -- cached engine calls ----------------------------------------------------------------------
@st.cache_data(show_spinner=False, hash_funcs=HASH, max_entries=64)
def counts(dataset_id: int, version: int, spec: FunnelSpec, by: str) -> GroupCounts:
    info = get_store().info(dataset_id)
    with get_store().connect(info) as con:
        return ab_dataset.step_counts(con, info, spec, by)


@st.cache_data(show_spinner=False, hash_funcs=HASH, max_entries=128)
def analyze(dataset_id: int, version: int, spec: FunnelSpec, by: str, control: str | None,
            step: tuple[str, str] | None, alpha: float, split: tuple | None, sequential: bool) -> DatasetABResult:
    split_arg = dict(split) if split and isinstance(split[0], tuple) else (list(split) if split else None)
    info = get_store().info(dataset_id)
    with get_store().connect(info) as con:
        return ab_dataset.analyze_dataset(con, info, spec, by, control, step, alpha,
                                          split_arg, sequential)


# -- the URL (ui/urlstate.py) -----------------------------------------------------------------
param, set_param, sync, on_change = urlstate.param, urlstate.set_param, urlstate.sync, urlstate.on_change


def alpha_text(alpha: float, lang: str) -> str:
    """A significance level as the language writes it: 0.05 / 0,05."""
    return fmt_num(alpha, lang, 2)


def alpha_param() -> float:
    """``ab_alpha`` from the URL when it is one of :data:`ALPHAS`, else 0.05."""
    try:
        alpha = float(param("ab_alpha") or 0.05)
    except ValueError:
        return 0.05
    return alpha if alpha in ALPHAS else 0.05


# -- typed-in numbers in the URL: ab_typed=[["A",1000,100,null],["B",1000,120,null]] -------------
TYPED_COLUMNS = ("name", "visitors", "conversions", "revenue")
TYPED_DEFAULT = [["A", 1000, 100, None], ["B", 1000, 120, None]]


def typed_frame(text: str | None) -> pd.DataFrame:
    """The typed-in table of a link (rows of name, visitors, conversions, revenue), else the default
    (A 100/1000, B 120/1000). A malformed value falls back to the default."""
    rows = TYPED_DEFAULT
    if text:
        try:
            data = json.loads(text)
            if isinstance(data, list) and data and all(isinstance(r, list) and len(r) == 4 for r in data):
                rows = [[str(r[0]), _number(r[1]), _number(r[2]), _number(r[3], float)] for r in data[:50]]
        except (ValueError, TypeError):
            rows = TYPED_DEFAULT
    return pd.DataFrame(rows, columns=list(TYPED_COLUMNS)).astype({"revenue": "float"})


def _number(value: Any, kind=int) -> Any:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return kind(value)


def typed_text(frame: pd.DataFrame) -> str | None:
    """The URL value of an edited typed-in table (None for the default: links stay short)."""
    rows = [[None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in row]
            for row in frame[list(TYPED_COLUMNS)].itertuples(index=False)]
    if rows == TYPED_DEFAULT:
        return None
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


# -- columns ----------------------------------------------------------------------------------
def column_label(info: DatasetInfo, column: str, t) -> str:
    """"Variant (landing)": the canonical name with the file's header, or an extra column's header."""
    if column in info.extra_columns:
        return info.extra_columns[column]
    if info.capabilities.aggregate and column not in ab_dataset.AB_FIELDS:
        return column  # a counts table's grouping column is named by the file's header
    header = next((h for h, c in ab_dataset.column_headers(info).items() if c == column), None)
    name = t(f"ab.column.{column}")
    same = header is not None and header.strip().casefold() in (column.casefold(), name.casefold())
    return f"{name} ({header})" if header and not same else name  # "Источник", not "Источник (Источник)"


def usable_columns(info: DatasetInfo, pipeline: str | None) -> list[str]:
    """Columns with at least two values to compare (a column with too many to list stays in)."""
    if info.capabilities.aggregate:
        return ab_dataset.ab_columns(info) if len(info.capabilities.groups) >= 2 else []
    out = []
    for column in ab_dataset.ab_columns(info):
        values = cache.group_values(info.id, info.version, pipeline, column)
        if values is None or len([v for v in values if v is not None]) >= 2:
            out.append(column)
    return out


def pick_column(info: DatasetInfo, columns: list[str]) -> str | None:
    """The URL's ``ab_by`` (a column or a file header), else variant, else the first usable column."""
    wanted = param("ab_by")
    if wanted:
        try:
            column = ab_dataset.resolve_column(info, wanted)
            if column in columns:
                return column
        except FunnelError:
            pass
    return "variant" if "variant" in columns else (columns[0] if columns else None)


# -- verdict ----------------------------------------------------------------------------------
def _headline(verdict: Verdict, t) -> str:
    params = {"group": md_escape(verdict.group or "—"), "control": md_escape(verdict.control or "—")}
    return t(f"ab.headline.{verdict.code}", **params)


def verdict_block(step: StepResult, alpha: float, t, title: str | None = None, skip: tuple[str, ...] = (),
                  web: bool = False) -> None:
    """Headline in bold, the verdict sentence, then the caveats except ``skip`` (all text through i18n;
    ``web``: a web funnel's visitor wording)."""
    verdict = step.verdict
    headline = _headline(verdict, t)
    sentence = md_escape(verdict_sentence(verdict, alpha, t.lang, web))
    prefix = f"**{md_escape(title)}** · " if title else ""
    box = {"winner": st.success, "loser": st.warning, "srm": st.error, "invalid": st.error}.get(verdict.code, st.info)
    box(f"{prefix}**{headline}**  \n{sentence}")
    for line in caveat_sentences(verdict, alpha, t.lang, web, skip):
        st.caption("⚠️ " + md_escape(line))


def verdict_lines(steps: Sequence[StepResult], t) -> None:
    """One line per step (its headline), for long lists where full verdict paragraphs would fill pages."""
    lines = []
    for step in steps:
        lines.append("- " + t("cli.label_value", label=f"**{md_escape(step_label(step))}**", value=_headline(step.verdict, t)))
    st.markdown("\n".join(lines))


# -- sample-size calculator -------------------------------------------------------------------
def calculator(t, baseline: float | None, web: bool = False) -> None:
    """Baseline, effect (absolute points or relative %), alpha, power -> leads (visitors of a web
    funnel) per group; or n -> power."""
    mode = st.segmented_control(t("ab.calc.mode"), ("n", "power"), key="ab_calc_mode", default="n", required=True,
                                format_func=lambda m: t(word_key(f"ab.calc.mode_{m}", web)))
    c1, c2, c3, c4 = st.columns(4)
    base = c1.number_input(t("ab.calc.baseline"), 0.01, 99.99, min(99.99, max(0.01, round((baseline or 0.1) * 100, 2))), 0.5,
                           key="ab_calc_base", format="%g")  # "%g": 2 reads "2", not "2.00"
    relative = c2.toggle(t("ab.calc.relative"), key="ab_calc_rel")
    mde = c2.number_input(t("ab.calc.mde_rel" if relative else "ab.calc.mde_abs"), 0.01, 1000.0,
                          10.0 if relative else 2.0, 0.5, key=f"ab_calc_mde_{relative}", format="%g")
    alpha = c3.selectbox(t("ab.calc.alpha"), ALPHAS, index=1, key="ab_calc_alpha",
                         format_func=lambda a: alpha_text(a, t.lang))
    if mode == "power":
        n = c4.number_input(t(word_key("ab.calc.n", web)), 2, 100_000_000, 1000, 100, key="ab_calc_n")
        reading = power_for_n(base / 100, mde / 100, n, relative, alpha)
        reason = reading.reason
        text = (t(word_key("ab.calc.power_result", web), power=fmt_pct(reading.power, t.lang), n=n)
                if reading.power is not None else None)
    else:
        power = c4.selectbox(t("ab.calc.power"), (0.8, 0.9, 0.95), key="ab_calc_power",
                             format_func=lambda p: fmt_pct(p, t.lang, 0))
        plan = sample_size(base / 100, mde / 100, relative, alpha, power)
        reason = plan.reason
        text = (t(word_key("ab.calc.n_result", web), n=plan.n_per_group, power=fmt_pct(power, t.lang, 0))
                if plan.n_per_group else None)
    if text is None:
        st.warning(reason_text(reason or "zero_effect", t.lang, web))
    else:
        st.markdown(text)
