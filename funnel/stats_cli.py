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
from typing import TYPE_CHECKING, Any

from .ab_input import InputError, parse_counts, parse_means, parse_split
from .formats import fmt_int, fmt_num, fmt_pct
from .i18n import env_language, locale, t

if TYPE_CHECKING:
    from .ab_results import DatasetABResult
    from .stats.results import StepResult

# The statistics (funnel.stats: scipy, statsmodels, ~0.8 s to import) are imported inside the
# functions that run a test: building the CLI parser, which every command does, must not pay it.

EXIT_USAGE = 2


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


def _print_json(result: dict[str, Any]) -> None:
    print(json.dumps(result, ensure_ascii=False, indent=2, allow_nan=False))


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows)


def _counts_table(result: StepResult, lang: str = "en", web: bool = False) -> str:
    from .stats.wording import p_text, word_key

    head = ["group", "leads", "conversions", "rate", "ci", "diff", "p_adj", "prob_beat"]
    rows = [[t(word_key(f"stats.cli.col.{h}", web), lang) for h in head]]
    pct2 = lambda v: fmt_pct(v, lang, 2)  # noqa: E731
    for name, g in result.groups.items():
        c = result.comparisons.get(name)
        ci = f"{pct2(g.ci_low)} – {pct2(g.ci_high)}" if g.ci_low is not None else "—"
        diff = (("+" if c.diff >= 0 else "") + f"{fmt_num(c.diff * 100, lang, 2)} {t('stats.unit.pp', lang)}"
                if c is not None and c.diff is not None else "")
        rows.append([name, fmt_int(g.n, lang), fmt_int(g.conversions, lang), pct2(g.rate), ci, diff,
                     _decimal(p_text(c.p_value_adjusted), lang) if c else "",
                     pct2(c.prob_beat_control) if c else ""])
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
        _print_json(result.to_json())
        return 0
    lang = env_language()
    if result.groups:
        print(_counts_table(result, lang))
    print(verdict_sentence(result.verdict, alpha, lang))
    for line in caveat_sentences(result.verdict, alpha, lang):
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
        _print_json(result.to_json())
        return 0
    lang = env_language()
    rows = [[t(f"stats.cli.col.{h}", lang) for h in ("group", "leads", "mean", "sd", "diff", "p", "p_adj")]]
    for name, g in result.groups.items():
        c = result.comparisons.get(name)
        fmt = lambda v: fmt_num(v, lang, 2)  # noqa: E731
        rows.append([name, fmt_int(g.n, lang), fmt(g.mean), fmt(g.sd), fmt(c.diff) if c else "",
                     _decimal(p_text(c.p_value), lang) if c else "",
                     _decimal(p_text(c.p_value_adjusted), lang) if c else ""])
    print(_table(rows))
    if result.reason:
        print(t("stats.verdict.invalid", lang, reason=t(f"stats.reason.{result.reason}", lang)))
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
    from .stats.results import PowerForN

    plan = (power_for_n(args.baseline, args.mde, args.n, args.relative, args.alpha) if args.n is not None
            else sample_size(args.baseline, args.mde, args.relative, args.alpha, args.power))
    lang = env_language()
    if plan.reason:
        return _fail("stats.cli.error.samplesize", reason=t(f"stats.reason.{plan.reason}", lang))
    if args.json:
        _print_json({**plan.to_json(), "n_per_group": args.n} if args.n is not None else plan.to_json())
        return 0
    p2 = args.baseline * (1 + args.mde) if args.relative else args.baseline + args.mde
    common = {"p1": fmt_pct(args.baseline, lang, 2), "p2": fmt_pct(p2, lang, 2),
              "alpha": _decimal(f"{args.alpha:g}", lang)}
    if isinstance(plan, PowerForN):
        print(t("stats.cli.samplesize.power", lang, n=args.n, power=fmt_pct(plan.power, lang, 2), **common))
    else:
        print(t("stats.cli.samplesize.n", lang, n=fmt_int(plan.n_per_group, lang),
                exact=fmt_num(plan.n_per_group_exact, lang, 2), power=fmt_pct(args.power, lang, 2), **common))
    return 0


# -- abtest on a stored dataset -------------------------------------------------------------------
def _dataset_report(result: DatasetABResult, lang: str, web: bool = False) -> str:
    from .stats.wording import caveat_sentences, verdict_sentence, word_key

    alpha = result.alpha
    lines = [t("ab.cli.header", lang, by=result.by, stage_from=result.stage_from or "—",
               stage_to=result.stage_to or "—")]
    if result.groups:
        lines.append(_counts_table(result, lang, web))
    lines.append(verdict_sentence(result.verdict, alpha, lang, web))
    lines += [f"* {c}" for c in caveat_sentences(result.verdict, alpha, lang, web)]
    for step in result.steps or ():
        lines.append("")
        lines.append(t("ab.cli.step", lang, stage_from=step.stage_from, stage_to=step.stage_to))
        lines.append(_counts_table(step, lang, web))
        lines.append(verdict_sentence(step.verdict, alpha, lang, web))
    for skipped in result.skipped:  # a step counted for visitors who skipped it: its recorded entries compared
        lines += ["", skipped.note(lang), _counts_table(skipped.recorded, lang, web),
                  verdict_sentence(skipped.recorded.verdict, alpha, lang, web)]
    lines += [t(word_key(code, web), lang, n=result.groups_left_out if code == "ab.note.groups_left_out"
                else result.no_value_n) for code in result.notes]
    return "\n".join(lines)


def run_abtest_dataset(store, info, args: argparse.Namespace, spec) -> int:
    """``python -m funnel abtest PATH_OR_DATASET --by COLUMN [--control V] [--step FROM:TO] [--json]``.

    ``spec`` is the filter of the command line (``funnel.cli.spec_from_args``). Bad input raises
    :class:`~funnel.errors.FunnelError` (the CLI prints it and exits with 2)."""
    from .ab_dataset import analyze_dataset, parse_step, step_counts
    from .errors import FunnelError

    lang = env_language()
    try:
        split = parse_split(getattr(args, "expected_split", None))
    except InputError as exc:
        raise FunnelError("ab.bad_split", value=exc.value) from exc
    alpha = getattr(args, "alpha", 0.05)
    if not 0 < alpha < 1:
        raise FunnelError("ab.bad_alpha", value=alpha)
    with store.connect(info) as con:
        step = None
        if getattr(args, "step", None):
            step = parse_step(args.step, list(step_counts(con, info, spec, args.by).stages))
        result = analyze_dataset(con, info, spec, args.by, getattr(args, "control", None), step, alpha,
                                 split, bool(getattr(args, "sequential", False)))
    if getattr(args, "json", False):
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2, allow_nan=False, default=str))
    else:
        print(_dataset_report(result, lang, info.capabilities.of_visitors))
    return 0 if result.verdict.code != "invalid" else EXIT_USAGE
