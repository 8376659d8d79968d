"""``python -m funnel velocity | pipeline | forecast``: how fast deals move, what the pipe held, what
comes next (issue 10). JSON documented in README ("Velocity, pipeline and forecast")."""

from __future__ import annotations

import argparse

from .cli_words import command_help as _command_help
from .cli_words import option_help as _option_help
from .i18n import in_quotes, t

COMMANDS = ("velocity", "pipeline", "forecast")


def add_parsers(sub, add_import_options) -> None:
    p = sub.add_parser("velocity", help=_command_help("velocity"))
    p.add_argument("dataset", metavar="PATH_OR_DATASET")
    add_import_options(p)
    _common(p)

    p = sub.add_parser("pipeline", help=_command_help("pipeline"))
    p.add_argument("dataset", metavar="PATH_OR_DATASET")
    add_import_options(p)
    p.add_argument("--from", dest="date_from", help=_option_help("waterfall_from"))
    p.add_argument("--to", dest="date_to", help=_option_help("waterfall_to"))
    p.add_argument("--previous", metavar="DATASET",
                   help=_option_help("snapshot_previous"))
    _common(p)

    p = sub.add_parser("forecast", help=_command_help("forecast"))
    p.add_argument("dataset", metavar="PATH_OR_DATASET")
    add_import_options(p)
    p.add_argument("--plan", type=float, help=_option_help("plan"))
    p.add_argument("--month", help=_option_help("month"))
    p.add_argument("--runs", type=int, default=10_000, help=_option_help("runs"))
    p.add_argument("--seed", type=int, default=42, help=_option_help("seed"))
    _common(p)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", dest="as_of", help=_option_help("as_of"))
    p.add_argument("--pipeline", help=_option_help("pipeline"))
    p.add_argument("--currency", metavar="CODE", help=_option_help("currency"))
    p.add_argument("--json", action="store_true", help=_option_help("json"))


def run(args) -> int:
    return {"velocity": _velocity, "pipeline": _pipeline, "forecast": _forecast}[args.command](args)


def _as_of_text(as_of, lang: str) -> str:
    """The document's «as of» instant as the language writes a date (and its time when it is not midnight): was
    ISO («截至 2024-04-09 00:00:00»: survey 33)."""
    from datetime import datetime

    from .i18n import date_text

    if not as_of:
        return "—"
    moment = as_of if isinstance(as_of, datetime) else datetime.fromisoformat(str(as_of))
    return date_text(moment.date() if moment.time() == datetime.min.time() else moment, lang)


def _document(args, build):
    """Open the dataset, build its document with ``build(con, info, spec)``; print it as JSON (returns
    None) or print the header and reasons and return ``(doc, lang)`` for the text lines."""
    from .cli import _lang, _open_dataset, _print_json
    from .metrics.context import resolve
    from .spec import FunnelSpec
    from .velocity.common import export_hint_key

    store, info = _open_dataset(args)
    currency = getattr(args, "currency", None)  # money of one currency, as the pages' Currency filter
    spec = FunnelSpec(pipeline=args.pipeline, filters={"currency": [currency.strip().upper()]} if currency else None)
    with store.connect(info) as con:
        doc = build(con, info, spec)
        doc["pipeline"] = resolve(con, info, spec).pipeline
    if args.json:
        _print_json(doc)
        return None
    lang = _lang()
    # a named pipeline in the language's quotes: «管道“销售流程”», and «管道（主销售管道）» without a space before «（»
    print(t("velocity.cli.header", lang, as_of=_as_of_text(doc["as_of"], lang),
            pipeline=in_quotes(f"«{doc['pipeline']}»", lang) if doc["pipeline"] else t("ui.pipeline.default", lang)))
    for code in dict.fromkeys(doc["reasons"].values()):
        print("  " + t(code, lang))
        if code == "velocity.reason.no_history":
            print("  " + t(export_hint_key(info), lang))
    return doc, lang


def _velocity(args) -> int:
    from .metrics.cycle_rules import p90_reason_params
    from .metrics.probability import no_lost_recorded
    from .velocity.common import parse_when
    from .velocity.cycle import cycle
    from .velocity.report import velocity_doc
    from .velocity.sales_velocity import sales_velocity
    from .velocity.time_in_stage import time_in_stage

    as_of = parse_when(args.as_of)
    out = _document(args, lambda con, info, spec: velocity_doc(
        time_in_stage(con, info, spec, as_of), cycle(con, info, spec, as_of), sales_velocity(con, info, spec, as_of),
        no_lost=no_lost_recorded(info)))
    if out is None:
        return 0
    doc, lang = out
    for r in doc["time_in_stage"]:
        print(f"  {r['stage'][:36]:<36} n={r['n']:>7}  median={_d(r['median_days'])}  p90={_d(r['p90_days'])}  "
              f"open={r['open_n']:>6}  >p90={r['open_over_p90'] if r['open_over_p90'] is not None else '—':>6}  "
              f"KM={_d(r['km_median_days'])}")
    for r in doc["time_in_stage"]:  # a p90 of «—»: too few finished stays, said as the page says it
        if r.get("p90_reason"):
            print("  " + t(r["p90_reason"], lang, stage=r["stage"], **p90_reason_params(r["n"])))
    for outcome, c in doc["cycle"].items():  # the cycle: median and p90, or why no p90 (as the Velocity page)
        if c["n"]:
            colon = "：" if lang == "zh" else ": "
            print(t(f"velocity.ui.cycle_median_{outcome}", lang) + f"{colon}{_d(c['median_days'])}  "
                  + t(f"velocity.ui.cycle_p90_{outcome}", lang) + f"{colon}{_d(c['p90_days'])}")
            if c.get("p90_reason"):
                print("  " + t(c["p90_reason"], lang, **p90_reason_params(c["n"])))
    sv = doc["sales_velocity"]
    print(t("velocity.cli.velocity", lang, per_day=_d(sv["per_day"]), open="—" if sv["open_deals"] is None else sv["open_deals"],
            win_rate=_pct(sv["win_rate"]), size=_d(sv["avg_deal_size"]), cycle=_d(sv["avg_cycle_days"])))
    return 0


def _pct(x) -> str:
    """A rate as a percentage (47.6%; the velocity line printed «win rate 0.48», session 49)."""
    from .cli import _lang
    from .formats import fmt_pct

    return "—" if x is None else fmt_pct(x, _lang())


def _d(x) -> str:
    """A number as the reader's language writes it (255 000,00 in Russian; was 255,000.00 everywhere)."""
    from .cli import _lang
    from .formats import fmt_num

    return "—" if x is None else fmt_num(x, _lang(), 2)


def _pipeline(args) -> int:
    from .errors import FunnelError
    from .money import mixed_currencies
    from .velocity.common import parse_when
    from .velocity.pipeline import snapshot, waterfall
    from .velocity.report import comparison_doc, pipeline_doc
    from .velocity.snapshots import compare

    as_of, a, b = parse_when(args.as_of), parse_when(args.date_from), parse_when(args.date_to)
    if (a is None) != (b is None) or (a is not None and a >= b):
        raise FunnelError("velocity.bad_range", date_from=args.date_from or "—", date_to=args.date_to or "—")
    def build(con, info, spec):
        doc = pipeline_doc(snapshot(con, info, spec, as_of), waterfall(con, info, spec, a, b) if a is not None else None,
                           no_created=info.capabilities.no_created, open_unpriced=info.capabilities.open_unpriced,
                           mixed=bool(mixed_currencies(info.capabilities.currencies, spec.filter_dict)))
        prev = _previous_dataset(args, info)
        if prev is not None:
            from .cli import _lang

            doc["previous"] = comparison_doc(prev, compare(con, prev, info, spec), _lang())
        return doc

    out = _document(args, build)
    if out is None:
        return 0
    doc, lang = out
    for r in doc["snapshot"]:
        note = f"  ({t('velocity.chart.off_order', lang)})" if r.get("off_order") else ""
        print(f"  {(r['stage'] or t('velocity.stage_unknown', lang))[:36]:<36} {r['open_deals']:>9}  "
              f"{_d(r['amount']):>16}{note}")
    for key, value in (doc.get("waterfall") or {}).items():
        if value is not None:
            print(f"  {t('velocity.bar.' + key, lang):<20} {value['deals']:>9}  {_d(value['amount']):>16}")
    if "previous" in doc:
        print_comparison(doc["previous"], lang)
    return 0


def _previous_dataset(args, info):
    """The earlier snapshot to compare with: ``--previous``, else the one linked at import, else None."""
    from .cli import _store
    from .velocity.snapshots import previous_of

    ref = args.previous if args.previous else previous_of(info)
    return None if ref is None else _store(args).resolve(ref)


def _forecast(args) -> int:
    from .money import mixed_currencies
    from .velocity.backtest import backtest
    from .velocity.common import parse_when
    from .velocity.forecast import forecast, parse_month
    from .velocity.report import forecast_doc

    as_of, month = parse_when(args.as_of), parse_month(args.month)

    def build(con, info, spec):
        fc = forecast(con, info, spec, as_of, plan=args.plan, month=month, runs=args.runs, seed=args.seed)
        return forecast_doc(fc, backtest(con, info, spec, as_of), open_unpriced=info.capabilities.open_unpriced,
                            mixed=bool(mixed_currencies(info.capabilities.currencies, spec.filter_dict)))

    out = _document(args, build)
    if out is None:
        return 0
    doc, lang = out
    if doc["reasons"].get("forecast"):  # no forecast (said in the header): no line of zeros under it
        return 0
    for r in doc["stage_probability"]:
        print(f"  {r['stage'][:36]:<36} P(won)={_d(r['p_won'])}  [{_d(r['ci_low'])}, {_d(r['ci_high'])}]  n={r['n']}")
    if doc.get("open_as_not_won"):  # the pages say it beside the chart (survey 36: n changed, nothing said)
        print("  " + t("velocity.ui.open_as_not_won", lang))
    print(t("velocity.cli.weighted", lang, value=_d(doc["weighted_pipeline"]), key=doc["key_stage"] or "—"))
    if (left := doc.get("no_probability") or {}).get("deals"):  # weighed at 0: said, as the page says it
        print("  " + t("velocity.ui.no_probability", lang, n=left["deals"], amount=_d(left["amount"])))
    # the months under titles, with what they add up to and what they leave out (survey 36: 755,722 weighted
    # above six months of 0.00, untitled)
    print(t("velocity.cli.by_month", lang, total=_d(doc["age_adjusted"]), weighted=_d(doc["weighted_pipeline"]),
            beyond=_d(doc["beyond"]),
            undated=_d(doc["undated"])))
    for m in doc["by_month"]:
        print(f"  {m['month']}  {_d(m['expected']):>16}")
    if "p_meet_plan" in doc:
        print(t("velocity.cli.plan", lang, month=doc["month"], plan=_d(doc["plan"]), p=_d(doc["p_meet_plan"]),
                p10=_d(doc["p10"]), p90=_d(doc["p90"]), runs=doc["runs"], seed=doc["seed"]))
    if doc["backtest"]:
        print(t("velocity.ui.backtest", lang) + f"  ({t('velocity.chart.forecast', lang)} / {t('velocity.chart.actual', lang)})")
    for b in doc["backtest"]:
        print(f"  {b['month']}  {_d(b['forecast']):>16}  {_d(b['actual']):>16}")
    if reason := doc["reasons"].get("backtest"):  # why the forecasts are «—»
        print("  " + t(reason, lang))
    return 0


def compare_after_import(store, info, previous: str) -> dict:
    """``import --previous DATASET``: link the new snapshot to the earlier one and compare them."""
    from .cli import _lang
    from .errors import FunnelError
    from .spec import FunnelSpec
    from .velocity.report import comparison_doc
    from .velocity.snapshots import compare_datasets, link_previous

    prev = store.resolve(previous)
    try:  # compared before the link: a comparison refused (the earlier one is not earlier) links nothing
        wf = compare_datasets(store, store.info(info.id), FunnelSpec(), prev.id)
    except FunnelError as exc:
        if not exc.code.startswith("velocity.previous_"):
            raise
        return {"dataset_id": prev.id, "name": prev.name, "linked": False,
                "error": {"code": exc.code, "message": exc.message(_lang())}}
    link_previous(store, info.id, prev.id)
    return {**comparison_doc(prev, wf, _lang()), "linked": True}


def print_comparison(doc: dict, lang: str) -> None:
    if "error" in doc:  # the import stands; the comparison was refused and nothing linked
        print("  ! " + doc["error"]["message"])
        return
    print("  " + t("velocity.cli.compared", lang, id=doc["dataset_id"], name=doc["name"], date_from=doc["from"] or "—",
                   date_to=doc["to"] or "—"))
    for key, value in doc["waterfall"].items():
        print(f"    {t('velocity.bar.' + key, lang):<20} {value['deals']:>9}  {_d(value['amount']):>16}")
    for w in doc.get("warnings", []):
        print("  ! " + w["message"])
