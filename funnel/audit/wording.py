"""A finding in words: ``audit.<code>.<variant>.{title,why,check}`` filled with formatted numbers.

Names from the data (stages, managers, values) are escaped for Markdown when ``markdown`` is set
(pages), left plain otherwise (CLI, JSON). Numbers are formatted in the reader's language:
``*_pct`` and rates as percentages, ``*_money`` compactly, ``*_n`` as whole numbers, ``*_days``
with one decimal.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..dataset import DatasetInfo
from ..formats import DASH, fmt_compact, fmt_int, fmt_num, fmt_p, fmt_pct
from ..i18n import t
from ..markdown_escape import md_escape
from .finding import Finding

RATE_METRICS = ("step_rate", "p_won", "lost_share")
# the places of a leaking step with their own advice (findings.leak_place); "middle" keeps the general one
LEAK_PLACES = ("first", "at_price", "to_price")


def column_label(column: str | None, info: DatasetInfo, lang: str) -> str:
    if column is None:
        return ""
    if column.startswith("x_"):
        return info.extra_columns.get(column, column)
    return t(f"audit.column.{column}", lang)


def _fmt(key: str, value: Any, lang: str, name) -> str:
    if value is None:
        return DASH
    if isinstance(value, date):
        return value.isoformat()
    if key.endswith("_pct"):
        return fmt_pct(value, lang)
    if key.endswith("_money"):
        return fmt_compact(value, lang)
    if key.endswith("_n"):
        return fmt_int(round(value), lang)
    if key.endswith("_days") or key == "ratio":
        return fmt_num(value, lang, 1)
    if isinstance(value, float):
        return fmt_num(value, lang, 2)
    return name(value)


def text_params(f: Finding, info: DatasetInfo, lang: str, markdown: bool = False) -> dict[str, str]:
    name = md_escape if markdown else str
    rate = f.metric in RATE_METRICS
    value_key = "value_pct" if rate else ("value_money" if f.metric == "lost_amount" else "value_days"
                                          if f.metric == "days_in_stage" else "value_n")
    bench_key = "benchmark_pct" if rate else "benchmark_days" if f.metric == "days_in_stage" else "benchmark_n"
    raw = {"stage": f.stage, "stage_to": f.stage_to, "manager": f.manager, "value": f.segment_value,
           value_key: f.value, bench_key: f.benchmark, "impact_money": f.impact, "deal_n": f.deal_count,
           **f.params}
    out = {k: _fmt(k, v, lang, name) for k, v in raw.items()}
    out["column"] = name(column_label(f.segment_column, info, lang))
    if f.segment_column == "amount_band":
        out["value"] = f"{_fmt('a_money', f.params.get('band_from'), lang, name)}–" \
                       f"{_fmt('a_money', f.params.get('band_to'), lang, name)}"
    out["scope"] = f" ({out['column']}: {out['value']})" if f.segment_value is not None else ""
    if "benchmark_kind" in f.params:
        out["bench_name"] = t(f"audit.benchmark.{f.params['benchmark_kind']}", lang)
    if f.code == "reactivation" and f.selection is not None and f.selection.values:
        # the lost reasons in the reader's list form: «价格太高、选择竞品», not «价格太高, 选择竞品» (session 49)
        out["reasons"] = name(t("zh49.list_sep", lang).join(f.selection.values))
    out["p"] = fmt_p(f.p_value, lang)
    out["test"] = t(f"audit.test.{f.test}", lang)
    if f.code == "stuck_deals":  # what the stuck deals are worth, and how: no «amount —; worth about 2.1M» (Maven)
        out["money"] = "" if f.impact is None else t(
            "audit.stuck_deals.money." + ("unpriced" if f.params.get("amount_money") is None else "priced"), lang, **out)
    return out


# the sentences of a finding that speak of deals, won deals and revenue have a web twin that speaks of
# visitors who reached a step and converted (``abpolish.web.<code>.<variant>.<part>``)
WEB_TWINS = frozenset({"leak.step.why", "leak.step.check", "segment_gap.worse.why", "segment_gap.worse.check",
                       "segment_gap.better.why", "segment_gap.better.check", "key_stage.jump.title",
                       "key_stage.jump.why", "key_stage.jump.check"})


def text_key(f: Finding, part: str, info: DatasetInfo) -> str:
    """The catalog key of one part of ``f``: its web twin on a web funnel (visitors, not deals)."""
    key = f"{f.key}.{part}"
    short = key.removeprefix("audit.")
    if info.capabilities.is_web_funnel and short in WEB_TWINS:
        return f"abpolish.web.{short}"
    if short == "leak.step.why" and f.params.get("won_n") is None:  # no P(won): the deals only, and why
        return "audit.leak.step.why_deals"
    if short == "leak.step.why" and f.impact is None:  # wins, but no money: no amounts, or several currencies
        return "audit.leak.step.why_wins"
    if short == "leak.step.check" and f.params.get("place") in LEAK_PLACES:  # what to check depends on the step
        return f"{key}_{f.params['place']}"
    if short in ("manager_gap.worse.why", "segment_gap.worse.why") and f.impact is None:
        return key + "_deals"  # "+N deals at the next stage", without "about —"
    return key


def _text(f: Finding, part: str, info: DatasetInfo, lang: str, markdown: bool) -> str:
    return t(text_key(f, part, info), lang, **text_params(f, info, lang, markdown)).rstrip()


def title(f: Finding, info: DatasetInfo, lang: str = "en", markdown: bool = False) -> str:
    return _text(f, "title", info, lang, markdown)


def why(f: Finding, info: DatasetInfo, lang: str = "en", markdown: bool = False) -> str:
    return _text(f, "why", info, lang, markdown)


def check(f: Finding, info: DatasetInfo, lang: str = "en", markdown: bool = False) -> str:
    text = _text(f, "check", info, lang, markdown)
    if f.code == "leak" and f.params.get("reason") is not None:  # the step's own most common lost reason
        text += ("" if lang == "zh" else " ") + t("audit.leak.step.reason", lang, **text_params(f, info, lang, markdown))
    return text


def sureness(f: Finding, info: DatasetInfo, lang: str = "en") -> str:
    """How sure: the test and its p-value, or "rule of thumb"; and whether it rests on a guessed order."""
    if f.p_value is None:
        text = t("audit.sure.rule", lang)
    else:
        text = t("audit.sure.test", lang, test=t(f"audit.test.{f.test}", lang), p=fmt_p(f.p_value, lang))
    return text + " " + t("audit.sure.order_guessed", lang) if f.params.get("order_guessed") else text
