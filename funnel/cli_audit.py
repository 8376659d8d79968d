"""The audit commands of ``python -m funnel``: ``diagnose``, ``managers``, ``segments`` (README)."""

from __future__ import annotations

import argparse
import os

from .cli_words import command_help as _command_help
from .cli_words import option_help as _option_help

COMMANDS = ("diagnose", "managers", "segments")


def _lang() -> str:
    return os.environ.get("FUNNEL_LANG", "en")


def _common(p: argparse.ArgumentParser) -> None:
    from .cli import _add_import_options

    p.add_argument("dataset", metavar="PATH_OR_DATASET")
    _add_import_options(p)
    p.add_argument("--pipeline", help=_option_help("pipeline"))
    p.add_argument("--currency", metavar="CODE", help=_option_help("currency"))
    p.add_argument("--from", dest="date_from", help=_option_help("from"))
    p.add_argument("--to", dest="date_to", help=_option_help("to"))
    p.add_argument("--json", action="store_true", help=_option_help("json"))


def add_parsers(sub) -> None:
    p = sub.add_parser("diagnose", help=_command_help("diagnose"))
    _common(p)
    p.add_argument("--as-of", dest="as_of", help=_option_help("audit_as_of"))
    p.add_argument("--benchmark", choices=("funnel", "team_median", "best_manager", "previous_period", "target"),
                   help=_option_help("benchmark"))
    p.add_argument("--target", action="append", default=[], metavar="STAGE=RATE",
                   help=_option_help("target"))
    p.add_argument("--stuck-days", dest="stuck_days", type=float, help=_option_help("stuck_days"))
    p = sub.add_parser("managers", help=_command_help("managers"))
    _common(p)
    p = sub.add_parser("segments", help=_command_help("segments"))
    _common(p)
    p.add_argument("--by", required=True, help=_option_help("segment_by"))
    p.add_argument("--spend", help=_option_help("spend"))


def run(args) -> int:
    from .cli import _open_dataset, _print_json, spec_from_args

    store, info = _open_dataset(args)
    spec = spec_from_args(args)
    if args.command == "managers":
        from .audit.managers import manager_report, managers_json
        from .metrics import pipeline_of
        from .metrics.report import pipeline_counts

        with store.connect(info) as con:
            doc = managers_json(manager_report(con, info, spec))
            if (counts := pipeline_counts(con, info, spec)) is not None:  # which pipeline, the others left out
                doc.update(pipeline=pipeline_of(con, info, spec), pipelines=counts)
        _print_json(doc) if args.json else print(format_managers(doc, _lang()))
        return 0
    if args.command == "segments":
        return _segments(store, info, spec, args)
    if args.command == "diagnose":
        from .audit.diagnose import diagnose, diagnose_json

        options = audit_options(args, store, info, spec)
        with store.connect(info) as con:
            doc = diagnose_json(diagnose(con, info, spec, options), info, _lang())
        _print_json(doc) if args.json else print(format_findings(doc, _lang()))
        return 0
    raise AssertionError(args.command)


def audit_options(args, store=None, info=None, spec=None):
    """The options of ``diagnose``: ``--target`` implies ``--benchmark target``; ``--benchmark target``
    without ``--target`` reads the targets saved for the dataset (funnel/audit/targets.py)."""
    from datetime import date

    from .audit import targets as audit_targets
    from .audit.data import AuditOptions
    from .errors import FunnelError

    targets = dict(audit_targets.parse_target(item) for item in args.target)
    benchmark = args.benchmark or ("target" if targets else "funnel")
    if benchmark == "target" and store is not None and info is not None:
        from .metrics.context import resolve

        with store.connect() as con:
            ctx = resolve(con, info, spec)
        targets = targets or audit_targets.saved(store, info.id, ctx.pipeline)
        if not targets:
            raise FunnelError("audit.no_targets")
        audit_targets.check_stages(targets, [s["stage"] for s in ctx.stages])
    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else None
    except ValueError:
        raise FunnelError("cli.bad_date", value=args.as_of) from None
    return AuditOptions(benchmark=benchmark, targets=audit_targets.as_options(targets), stuck_days=args.stuck_days,
                        as_of=as_of)


def format_findings(doc: dict, lang: str) -> str:
    from .formats import fmt_num, fmt_p
    from .i18n import t
    from .money import with_currency

    lines = []
    for i, f in enumerate(doc["findings"], 1):
        extra = []
        if f["impact"] is not None:
            extra.append(t("audit.cli.impact", lang, impact=with_currency(fmt_num(f["impact"], lang, 0), doc.get("currency"),
                                                                          lang)))
        if f["p_value"] is not None:
            extra.append(f"p = {fmt_p(f['p_value'], lang)}")
        if f.get("order_guessed"):
            extra.append(t("audit.tag.order_guessed", lang))
        lines.append(f"{i:>2}. [{t('audit.severity.' + f['severity'], lang)}] {f['title']}"
                     + (f"  ({'; '.join(extra)})" if extra else ""))
    return "\n".join(lines) if lines else t("audit.no_findings", lang)

def format_managers(doc: dict, lang: str) -> str:
    from .cli import pipeline_line
    from .formats import fmt_int, fmt_p
    from .i18n import t, tn

    def _pct(x) -> str:
        return _pct_in(x, lang)

    lines = [pipeline_line(doc["pipeline"], doc["pipelines"], lang)] if doc.get("pipelines") else []
    for m in doc["managers"]:
        lines.append(t("audit.cli.manager", lang, manager=m["manager"], deals=fmt_int(m["deals"], lang),
                       won=fmt_int(m["won"], lang), lost=fmt_int(m["lost"], lang), win_rate=_pct(m["win_rate"])))
        for s in m["steps"]:
            if s["flagged"]:
                lines.append("  ! " + t("audit.cli.manager_gap", lang, stage=s["stage"], stage_to=s["stage_to"],
                                        rate=_pct(s["rate"]), team_rate=_pct(s["team_rate"]), n=fmt_int(s["n"], lang),
                                        p=fmt_p(s['p_value_adjusted'], lang)))
    if not doc["managers"]:
        lines.append(t("audit.reason.no_managers", lang))
    # every win rate «—» for one reason (nothing marks a deal of the pipeline won): said once, as the page's caption
    why = {(m.get("reasons") or {}).get("win_rate") for m in doc["managers"]}
    if doc["managers"] and len(why) == 1 and None not in why and all(m["win_rate"] is None for m in doc["managers"]):
        lines.append("! " + t(str(why.pop()), lang))
    if none := doc.get("no_manager"):
        lines.append(tn("audit.managers.unassigned", none["deals"], lang, won=fmt_int(none["won"], lang),
                        lost=fmt_int(none["lost"], lang)))
    return "\n".join(lines)


def _segments(store, info, spec, args) -> int:
    from pathlib import Path

    from .audit.segments import segments_json
    from .audit.spend import known_sources, read_spend
    from .cli import _print_json
    from .errors import FunnelError
    from .formats import fmt_int
    from .i18n import t
    from .metrics.context import resolve
    from .metrics.filters import check_column

    args.by = check_column(info, args.by)  # the file's own header («product») names its stored column
    with store.connect(info) as con:
        spend = None
        if args.spend:
            path = Path(args.spend)
            if not path.exists():
                raise FunnelError("file.not_found", file=str(path))
            spend = read_spend(con, path, path.name, known_sources(con, resolve(con, info, spec), every_pipeline=True))
        doc = segments_json(con, info, spec, args.by, spend.rows if spend else None)
    if spend is not None:
        doc["spend"]["issues"] = [issue.__dict__ for issue in spend.issues]
    if args.json:
        _print_json(doc)
        return 0
    lang = _lang()
    if doc.get("pipelines"):  # which pipeline, the others left out (as metrics and managers say it)
        from .cli import pipeline_line

        print(pipeline_line(doc["pipeline"], doc["pipelines"], lang))
    for s in doc["segments"]:
        print(t("audit.cli.segment", lang, value=s["value"] if s["value"] is not None else "—",
                deals=fmt_int(s["deals"], lang), won=fmt_int(s["won"], lang), win_rate=_pct_in(s["win_rate"], lang),
                revenue=_money(s["revenue"], lang)))
    for row in (doc.get("spend") or {}).get("sources", []):
        print("  " + t("audit.cli.spend", lang, source=row["source"], spend=_money(row["spend"], lang),
                       cpl=_money(row["cpl"], lang), cac=_money(row["cac"], lang), romi=_pct_in(row["romi"], lang)))
    sources = (doc.get("spend") or {}).get("sources", [])
    for line in spend_pipeline_lines(doc.get("spend") or {}, bool(doc.get("pipelines")), lang):
        print("  " + line)
    for reason in sorted({row["reason"] for row in sources if row.get("reason")}):  # why a ROMI is «—»
        print("  " + t(f"audit.segments.spend_unknown.{reason}", lang,
                       sources=", ".join(f"«{row['source']}»" for row in sources if row.get("reason") == reason)))
    for issue in (doc.get("spend") or {}).get("issues", []):
        print("  ! " + t(f"audit.spend.{issue['code']}", lang, row=issue["row"], column=issue["column"],
                         value=issue["value"]))
    return 0


def spend_pipeline_lines(spend: dict, several: bool, lang: str) -> list[str]:
    """The pipeline the spend was divided by, and per source its leads in the other pipelines (not in its cost per
    lead; survey 48: a source feeding two pipelines had its CPL over one of them, the pipeline unnamed)."""
    from .i18n import in_quotes, t, tn

    sources = [row for row in spend.get("sources", []) if row.get("other_pipelines")]
    if not sources and not several:
        return []
    lines = [in_quotes(t("pipes48.spend.cli_pipeline", lang, pipeline=spend.get("pipeline") or "—"), lang)]
    for row in sources:
        leads = ", ".join(tn("pipes48.spend.leads_in", n, lang, pipeline=p or "—")
                          for p, n in row["other_pipelines"].items())
        lines.append(in_quotes(t("pipes48.spend.cli_elsewhere", lang, source=row["source"], leads=leads), lang))
    return lines


def _money(x, lang: str) -> str:
    """An amount as the reader's language writes it (12 500,50 in Russian; was 12,500.50 everywhere)."""
    from .formats import fmt_num

    return "—" if x is None else fmt_num(x, lang, 2)


def _pct_in(x, lang: str) -> str:
    """A share as the reader's language writes it (25,0 % in Russian, as metrics writes it; was 25.0% everywhere)."""
    from .formats import fmt_pct

    return "—" if x is None else fmt_pct(x, lang)
