"""Verdict and caveat codes turned into sentences through i18n (for the CLI and the pages).

The engine returns codes and numbers only; this is the one place that formats them, so the
English and Russian wording stays in the ``stats`` catalogs.
"""

from __future__ import annotations

from ..formats import fmt_int, fmt_pct
from ..i18n import t


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


def _params(v: dict, alpha: float, lang: str) -> dict:
    test = v.get("test")
    return _localize({
        "group": v.get("group") or "—", "control": v.get("control") or "—",
        "rate": pct(v.get("rate"), lang=lang), "control_rate": pct(v.get("control_rate"), lang=lang),
        "lift": pct(v.get("rel_lift"), signed=True, lang=lang), "diff": points(v.get("diff")),
        "p_value": p_text(v.get("p_value")), "srm_p": p_text(v.get("srm_p_value")),
        "test": t(f"stats.test.{test}", lang) if test else "—",
        "comparisons": v.get("comparisons") or 1, "alpha": f"{alpha:g}",
        "prob_beat": chance(v.get("prob_beat_control"), lang), "n_more": fmt_int(v.get("n_more_per_group"), lang),
        "mde": points(v.get("mde_abs")), "effect": points(v.get("effect_abs")),
        "reason": t(f"stats.reason.{v['reason']}", lang) if v.get("reason") else "—",
    }, lang)


# Beyond this many more leads per group the hint helps nobody (the observed gap is about zero):
# the minimum-detectable-effect sentence says what the traffic can show instead.
PRACTICAL_N_MORE = 10_000_000


def verdict_sentence(verdict: dict, alpha: float = 0.05, lang: str = "en") -> str:
    """The verdict in plain words, followed by the sample-size hints that apply."""
    params = _params(verdict, alpha, lang)
    parts = [t(f"stats.verdict.{verdict['code']}", lang, **params)]
    if verdict["code"] in ("no_difference_yet", "not_enough_data"):
        if verdict.get("n_more_per_group") and verdict["n_more_per_group"] <= PRACTICAL_N_MORE:
            parts.append(t("stats.verdict.tail.n_more", lang, **params, n=round(verdict["n_more_per_group"])))
        if verdict.get("mde_abs") is not None:
            parts.append(t("stats.verdict.tail.mde", lang, **params))
    return ("" if lang == "zh" else " ").join(parts)  # Chinese sentences end in 。 and need no space


def caveat_sentences(verdict: dict, alpha: float = 0.05, lang: str = "en") -> list[str]:
    params = _params(verdict, alpha, lang)
    return [t(f"stats.caveat.{code}", lang, **params, n=params["comparisons"]) for code in verdict.get("caveats", [])]
