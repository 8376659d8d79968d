"""Verdict and caveat codes turned into sentences through i18n (for the CLI and the pages).

The engine returns codes and numbers only; this is the one place that formats them, so the
wording stays in the ``stats`` catalogs (EN, RU, ZH).

A web funnel (an event log or an A/B visitor file: ``Capabilities.is_web_funnel``) counts visitors
who go through steps, not leads or deals: ``web=True`` picks the visitor wording of the texts that
name what is counted (:data:`VISITOR_KEYS`, also used by the A/B page and the report).
"""

from __future__ import annotations

from ..formats import fmt_int, fmt_pct
from ..i18n import t
from .results import FocusNumbers, Verdict

# text about leads/deals -> the same text about visitors, for a web funnel
VISITOR_KEYS = {
    "stats.verdict.tail.n_more": "stats.web.tail.n_more",
    "stats.caveat.small_sample": "stats.web.caveat.small_sample",
    "stats.reason.no_visitors": "stats.web.reason.no_visitors",
    "stats.reason.zero_variance": "stats.web.reason.zero_variance",
    "stats.reason.invalid_counts": "stats.web.reason.invalid_counts",
    "stats.reason.unreachable": "stats.web.reason.unreachable",
    "stats.cli.col.leads": "stats.web.col.visitors",
    "ab.table.hint": "ab.web.table.hint",
    "ab.col.n": "ab.web.col.n",
    "ab.need_two_groups": "ab.web.need_two_groups",
    "ab.drill.title": "ab.web.drill.title",
    "ab.note.empty_value": "ab.web.note.empty_value",
    "ab.calc.mode_n": "ab.web.calc.mode_n",
    "ab.calc.mode_power": "ab.web.calc.mode_power",
    "ab.calc.n": "ab.web.calc.n",
    "ab.calc.n_result": "ab.web.calc.n_result",
    "ab.calc.power_result": "ab.web.calc.power_result",
}


def word_key(key: str, web: bool) -> str:
    """``key``, or its visitor wording on a web funnel (see :data:`VISITOR_KEYS`)."""
    return VISITOR_KEYS.get(key, key) if web else key


def reason_text(code: str, lang: str = "en", web: bool = False) -> str:
    """A ``stats.reason.<code>`` sentence (visitors on a web funnel)."""
    return t(word_key(f"stats.reason.{code}", web), lang)


def pct(value: float | None, signed: bool = False, lang: str = "en") -> str:
    """A rate with two decimals in the language's percent pattern (Babel/CLDR): 12.50% in English
    and Chinese, 12,50 % in Russian (a no-break space before the sign)."""
    if value is None:
        return "—"
    text = fmt_pct(value, lang, 2)
    return "+" + text if signed and value >= 0 else text


def chance(value: float | None, lang: str = "en") -> str:
    """A probability for people: never "100.00 %" or "0.00 %" (no model is that sure); capped at
    "> 99.9%" and "< 0.1%", else one decimal (in the language's percent pattern)."""
    if value is None:
        return "—"
    if value > 0.999:
        return "> " + fmt_pct(0.999, lang, 1)
    if value < 0.001:
        return "< " + fmt_pct(0.001, lang, 1)
    return fmt_pct(value, lang, 1)


def points(value: float | None) -> str:
    return "—" if value is None else f"{abs(value) * 100:.2f}"


def p_text(value: float | None) -> str:
    if value is None:
        return "—"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _localize(params: dict, lang: str) -> dict:
    """Russian writes the decimal comma: 10.69 % -> 10,69 %."""
    if lang != "ru":
        return params
    names = ("group", "control", "test", "reason")  # data and words, not numbers
    return {k: v.replace(".", ",") if k not in names and isinstance(v, str) and any(c.isdigit() for c in v)
            else v for k, v in params.items()}


def _params(v: Verdict, alpha: float, lang: str, web: bool) -> dict:
    focus = v.focus or FocusNumbers()
    return _localize({
        "group": v.group or "—", "control": v.control or "—",
        "rate": pct(focus.rate, lang=lang), "control_rate": pct(v.control_rate, lang=lang),
        "lift": pct(focus.rel_lift, signed=True, lang=lang), "diff": points(focus.diff),
        "p_value": p_text(focus.p_value), "srm_p": p_text(v.srm_p_value),
        "test": t(f"stats.test.{focus.test}", lang) if focus.test else "—",
        "comparisons": v.comparisons or 1, "alpha": f"{alpha:g}",
        "prob_beat": chance(focus.prob_beat_control, lang), "n_more": fmt_int(v.n_more_per_group, lang),
        "mde": points(v.mde_abs), "effect": points(v.effect_abs),
        "reason": reason_text(v.reason, lang, web) if v.reason else "—",
    }, lang)


# Beyond this many more leads per group the hint helps nobody (the observed gap is about zero):
# the minimum-detectable-effect sentence says what the traffic can show instead.
PRACTICAL_N_MORE = 10_000_000


def verdict_sentence(verdict: Verdict, alpha: float = 0.05, lang: str = "en", web: bool = False) -> str:
    """The verdict in plain words, followed by the sample-size hints that apply (``web``: a web
    funnel's visitors instead of leads)."""
    params = _params(verdict, alpha, lang, web)
    parts = [t(f"stats.verdict.{verdict.code}", lang, **params)]
    if verdict.code in ("no_difference_yet", "not_enough_data"):
        n_more = verdict.n_more_per_group
        if n_more and n_more <= PRACTICAL_N_MORE:
            parts.append(t(word_key("stats.verdict.tail.n_more", web), lang, **params, n=round(n_more)))
        if verdict.mde_abs is not None:
            parts.append(t("stats.verdict.tail.mde", lang, **params))
    return ("" if lang == "zh" else " ").join(parts)  # Chinese sentences end in 。 and need no space


def caveat_sentences(verdict: Verdict, alpha: float = 0.05, lang: str = "en", web: bool = False,
                     skip: tuple[str, ...] = ()) -> list[str]:
    """The caveats of a verdict as sentences, except the codes in ``skip``."""
    params = _params(verdict, alpha, lang, web)
    return [t(word_key(f"stats.caveat.{code}", web), lang, **params, n=params["comparisons"])
            for code in verdict.caveats if code not in skip]
