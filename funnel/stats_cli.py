"""Command-line pieces of ``python -m funnel abtest`` and ``python -m funnel samplesize``.

The lead wires these into ``funnel/cli.py``: ``add_abtest_args(parser)`` adds the statistics
options, ``run_abtest_counts`` / ``run_abtest_means`` run them on typed-in numbers, and
``add_samplesize_parser(subparsers)`` + ``run_samplesize`` plan a test. Bad input prints one
translated line to stderr and returns exit code 2. Every text, help included, is in the language
of ``FUNNEL_LANG`` (en, ru, zh), numbers in its format.
"""

from __future__ import annotations

import argparse
import json
import sys

from .formats import fmt_int, fmt_num, fmt_pct
from .i18n import env_language, locale, t

# The statistics (funnel.stats: scipy, statsmodels, ~0.8 s to import) are imported inside the
# functions that run a test: building the CLI parser, which every command does, must not pay it.

EXIT_USAGE = 2


class InputError(ValueError):
    def __init__(self, key: str, value: str):
        super().__init__(key)
        self.key, self.value = key, value


def _pairs(text: str, key: str) -> list[tuple[str, str]]:
    pairs = []
    for item in (text or "").split(","):
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise InputError(key, text)
        pairs.append((name.strip(), value.strip()))
    if len({n for n, _ in pairs}) != len(pairs):
        raise InputError(key, text)
    return pairs


def parse_counts(text: str) -> dict[str, tuple[int, int]]:
    """``"A=120/1000,B=150/1000"`` -> ``{"A": (1000, 120), "B": (1000, 150)}`` (n, conversions)."""
    out = {}
    for name, value in _pairs(text, "stats.cli.error.counts"):
        conv, sep, leads = value.partition("/")
        if not sep or not conv.strip().isdigit() or not leads.strip().isdigit():
            raise InputError("stats.cli.error.counts", text)
        out[name] = (int(leads), int(conv))
    return out


def parse_means(text: str) -> dict[str, tuple[int, float, float]]:
    """``"A=100:2500:90000"`` -> ``{"A": (100, 2500.0, 90000.0)}`` (n, sum, sum of squares)."""
    out = {}
    for name, value in _pairs(text, "stats.cli.error.means"):
        parts = value.split(":")
        try:
            if len(parts) != 3 or not parts[0].strip().isdigit():
                raise ValueError(value)
            out[name] = (int(parts[0]), float(parts[1]), float(parts[2]))
        except ValueError as exc:
            raise InputError("stats.cli.error.means", text) from exc
    return out


def parse_split(text: str | None) -> list[float] | dict[str, float] | None:
    """``"50,50"`` -> ``[50.0, 50.0]``; ``"A=1,B=1"`` -> ``{"A": 1.0, "B": 1.0}``."""
    if not text:
        return None
    try:
        if "=" in text:
            return {name: float(value) for name, value in _pairs(text, "stats.cli.error.split")}
        return [float(x) for x in text.split(",")]
    except ValueError as exc:
        raise InputError("stats.cli.error.split", text) from exc


def add_abtest_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--counts", help=_help("stats.cli.help.counts"))
    parser.add_argument("--means", help=_help("stats.cli.help.means"))
    parser.add_argument("--control", help=_help("stats.cli.help.control"))
    parser.add_argument("--expected-split", dest="expected_split", help=_help("stats.cli.help.expected_split"))
    parser.add_argument("--alpha", type=float, default=0.05, help=_help("stats.cli.help.alpha"))
    parser.add_argument("--sequential", action="store_true", help=_help("stats.cli.help.sequential"))
    parser.add_argument("--json", action="store_true", help=_help("stats.cli.help.json"))


def _help(key: str) -> str:
    return t(key, env_language()).replace("%", "%%")  # argparse formats help with %


def _decimal(text: str, lang: str) -> str:
    """A number written by the statistics wording ("0.034", "< 0.001") with the language's decimal sign."""
    return text.replace(".", locale(lang).number_symbols["latn"]["decimal"])


def _fail(key: str, **params: object) -> int:
    print(t(key, env_language(), **params), file=sys.stderr)
    return EXIT_USAGE


def _print_json(result: dict) -> None:
    print(json.dumps(result, ensure_ascii=False, indent=2, allow_nan=False))


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows)


def _counts_table(result: dict, lang: str = "en") -> str:
    from .stats.wording import p_text

    head = ["group", "leads", "conversions", "rate", "ci", "diff", "p_adj", "prob_beat"]
    rows = [[t(f"stats.cli.col.{h}", lang) for h in head]]
    pct2 = lambda v: fmt_pct(v, lang, 2)  # noqa: E731
    for name, g in result["groups"].items():
        c = result["comparisons"].get(name, {})
        ci = f"{pct2(g['ci_low'])} – {pct2(g['ci_high'])}" if g.get("ci_low") is not None else "—"
        diff = (("+" if c["diff"] >= 0 else "") + f"{fmt_num(c['diff'] * 100, lang, 2)} {t('stats.unit.pp', lang)}"
                if c.get("diff") is not None else "")
        rows.append([name, fmt_int(g["n"], lang), fmt_int(g["conversions"], lang), pct2(g["rate"]), ci, diff,
                     _decimal(p_text(c.get("p_value_adjusted")), lang) if c else "",
                     pct2(c.get("prob_beat_control")) if c else ""])
    return _table(rows)


def run_abtest_counts(args: argparse.Namespace) -> int:
    """``abtest --counts A=120/1000,B=150/1000 [--control A] [--expected-split 50,50] [--json]``."""
    from .stats import analyze_counts
    from .stats.wording import caveat_sentences, verdict_sentence

    if not getattr(args, "counts", None):
        return _fail("stats.cli.error.missing")
    try:
        groups, split = parse_counts(args.counts), parse_split(getattr(args, "expected_split", None))
    except InputError as exc:
        return _fail(exc.key, value=exc.value)
    alpha = getattr(args, "alpha", 0.05)
    result = analyze_counts(groups, getattr(args, "control", None), alpha, split,
                            bool(getattr(args, "sequential", False)))
    if getattr(args, "json", False):
        _print_json(result)
        return 0
    lang = env_language()
    if result["groups"]:
        print(_counts_table(result, lang))
    print(verdict_sentence(result["verdict"], alpha, lang))
    for line in caveat_sentences(result["verdict"], alpha, lang):
        print(f"* {line}")
    return 0


def run_abtest_means(args: argparse.Namespace) -> int:
    """``abtest --means A=100:2500:90000,B=... [--control A] [--json]``: Welch per group."""
    from .stats import analyze_means
    from .stats.wording import p_text

    if not getattr(args, "means", None):
        return _fail("stats.cli.error.missing")
    try:
        groups = parse_means(args.means)
    except InputError as exc:
        return _fail(exc.key, value=exc.value)
    alpha = getattr(args, "alpha", 0.05)
    result = analyze_means(groups, getattr(args, "control", None), alpha)
    if getattr(args, "json", False):
        _print_json(result)
        return 0
    lang = env_language()
    rows = [[t(f"stats.cli.col.{h}", lang) for h in ("group", "leads", "mean", "sd", "diff", "p", "p_adj")]]
    for name, g in result["groups"].items():
        c = result["comparisons"].get(name, {})
        fmt = lambda v: fmt_num(v, lang, 2)  # noqa: E731
        rows.append([name, fmt_int(g["n"], lang), fmt(g["mean"]), fmt(g["sd"]), fmt(c.get("diff")) if c else "",
                     _decimal(p_text(c.get("p_value")), lang) if c else "",
                     _decimal(p_text(c.get("p_value_adjusted")), lang) if c else ""])
    print(_table(rows))
    if result["reason"]:
        print(t("stats.verdict.invalid", lang, reason=t(f"stats.reason.{result['reason']}", lang)))
    return 0


def add_samplesize_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("samplesize", help=_help("stats.cli.help.samplesize"))
    parser.add_argument("--baseline", type=float, required=True, help=_help("stats.cli.help.baseline"))
    parser.add_argument("--mde", type=float, required=True, help=_help("stats.cli.help.mde"))
    parser.add_argument("--relative", action="store_true", help=_help("stats.cli.help.relative"))
    parser.add_argument("--alpha", type=float, default=0.05, help=_help("stats.cli.help.alpha"))
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--power", type=float, default=0.8, help=_help("stats.cli.help.power"))
    group.add_argument("--n", type=int, help=_help("stats.cli.help.n"))
    parser.add_argument("--json", action="store_true", help=_help("stats.cli.help.json"))
    parser.set_defaults(func=run_samplesize)
    return parser


def run_samplesize(args: argparse.Namespace) -> int:
    from .stats import power_for_n, sample_size

    if args.n is not None:
        result = {**power_for_n(args.baseline, args.mde, args.n, args.relative, args.alpha), "n_per_group": args.n}
    else:
        result = sample_size(args.baseline, args.mde, args.relative, args.alpha, args.power)
    lang = env_language()
    if result.get("reason"):
        return _fail("stats.cli.error.samplesize", reason=t(f"stats.reason.{result['reason']}", lang))
    if args.json:
        _print_json(result)
        return 0
    p2 = args.baseline * (1 + args.mde) if args.relative else args.baseline + args.mde
    common = {"p1": fmt_pct(args.baseline, lang, 2), "p2": fmt_pct(p2, lang, 2),
              "alpha": _decimal(f"{args.alpha:g}", lang)}
    if args.n is not None:
        print(t("stats.cli.samplesize.power", lang, n=args.n, power=fmt_pct(result["power"], lang, 2), **common))
    else:
        print(t("stats.cli.samplesize.n", lang, n=fmt_int(result["n_per_group"], lang),
                exact=fmt_num(result["n_per_group_exact"], lang, 2), power=fmt_pct(args.power, lang, 2), **common))
    return 0
