"""``python -m funnel``: import files, list datasets, print metrics and A/B verdicts.

Exit codes: 0 success, 2 unusable input (a one-line error on stderr, the store untouched).
``--json`` prints one stable JSON document on stdout (documented in README).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

from .errors import FunnelError
from .formats import fmt_int, fmt_pct
from .i18n import env_language, in_quotes, names_in_quotes, t


def _lang() -> str:
    return env_language()


def _help(key: str) -> str:
    """A translated ``--help`` text (argparse formats help with ``%``)."""
    return t(f"cli.help.{key}", _lang()).replace("%", "%%")


def _print_json(doc: Any) -> None:
    print(json.dumps(doc, ensure_ascii=False, indent=2, default=str))


def parse_stages(text: str | None):
    """``"A,B,C"`` -> ["A","B","C"]; ``"Sales: A,B; Renewals: X,Y"`` -> one list per pipeline.

    Names are comma-separated values as in a CSV line: a name with a comma goes in double quotes
    (``'New,"Signed, paid"'``).
    """
    if not text:
        return None

    def names(part: str) -> list[str]:
        return [s.strip() for s in next(csv.reader([part], skipinitialspace=True), []) if s.strip()]

    if ":" in text and ";" in text:
        out = {}
        for part in text.split(";"):
            if ":" in part:
                pipeline, listed = part.split(":", 1)
                out[pipeline.strip()] = names(listed)
        return out
    return names(text)


def _add_import_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--history", help=_help("history"))
    p.add_argument("--stages", help=_help("stages"))
    p.add_argument("--preset", help=_help("preset"))
    p.add_argument("--sheet", help=_help("sheet"))
    p.add_argument("--header-row", metavar="N[-M]", help=_help("header_row"))
    p.add_argument("--timezone", metavar="AREA/CITY", help=_help("timezone"))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m funnel", description=_help("description"))
    parser.add_argument("--data-dir", help=_help("data_dir"))
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("import", help=_help("import"))
    p.add_argument("path")
    _add_import_options(p)
    p.add_argument("--name", help=_help("name"))
    p.add_argument("--force", action="store_true", help=_help("force"))
    p.add_argument("--previous", metavar="DATASET", help=_help("previous"))
    p.add_argument("--json", action="store_true", help=_help("json"))
    from .cli_dataset import add_commands  # import --into / --shape, and the edit command

    add_commands(sub, p)

    p = sub.add_parser("datasets", help=_help("datasets"))
    p.add_argument("--json", action="store_true", help=_help("json"))

    p = sub.add_parser("metrics", help=_help("metrics"))
    p.add_argument("dataset", metavar="PATH_OR_DATASET")
    _add_import_options(p)
    p.add_argument("--by", help=_help("by"))
    p.add_argument("--closed-only", action="store_true", help=_help("closed_only"))
    p.add_argument("--from", dest="date_from", help=_help("from"))
    p.add_argument("--to", dest="date_to", help=_help("to"))
    p.add_argument("--pipeline", help=_help("pipeline"))
    p.add_argument("--currency", metavar="CODE", help=_help("currency"))
    p.add_argument("--json", action="store_true", help=_help("json"))

    p = sub.add_parser("abtest", help=_help("abtest"))
    p.add_argument("dataset", nargs="?", metavar="PATH_OR_DATASET")
    _add_import_options(p)
    p.add_argument("--by", help=_help("ab_by"))
    p.add_argument("--step", help=_help("step"))
    p.add_argument("--pipeline", help=_help("pipeline"))
    p.add_argument("--currency", metavar="CODE", help=_help("currency"))
    from .stats_cli import add_abtest_args, add_samplesize_parser

    add_abtest_args(p)
    add_samplesize_parser(sub)
    from .cli_report import add_report_parser

    add_report_parser(sub, _add_import_options)
    from .cli_velocity import add_parsers as add_velocity_parsers

    add_velocity_parsers(sub, _add_import_options)
    from .cli_audit import add_parsers as add_audit_parsers

    add_audit_parsers(sub)
    from .cli_engines import add_parsers as add_engine_parsers

    add_engine_parsers(sub, _lang())
    for command in sub.choices.values():  # `--data-dir` before or after the command
        command.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .cli_words import install

    install(_lang())
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except FunnelError as exc:
        print(t("cli.error", _lang(), message=exc.message(_lang())), file=sys.stderr)
        if getattr(args, "json", False):  # a script reading --json gets a document, not an empty stdout
            print(json.dumps({"error": {"code": exc.code, "message": exc.message(_lang())}}, ensure_ascii=False))
        return 2


def _store_path(args) -> Path:
    from .store import default_store_path

    return Path(args.data_dir) / "funnel.duckdb" if args.data_dir else default_store_path()


def _store(args):
    from .store import CLI_BUSY_WAIT_SECONDS, Store

    return Store(_store_path(args), busy_wait=CLI_BUSY_WAIT_SECONDS)


def _dispatch(args) -> int:
    if args.command == "import":
        from .store import read_only_env, writer_priority

        if read_only_env():
            raise FunnelError("store.read_only")
        with writer_priority(_store_path(args)):  # the running app lets go of the store for us
            return _cmd_import(args)
    if args.command == "datasets":
        return _cmd_datasets(args)
    if args.command == "edit":
        from .cli_dataset import run_edit
        from .store import read_only_env

        if read_only_env():  # a rebuild of the dataset: refused as an import is, not a DuckDB traceback
            raise FunnelError("exec49.read_only_command", command="edit")

        return run_edit(args, _store(args))
    if args.command == "metrics":
        return _cmd_metrics(args)
    if args.command == "abtest":
        return _cmd_abtest(args)
    from .cli_velocity import COMMANDS as VELOCITY_COMMANDS

    if args.command in VELOCITY_COMMANDS:
        from .cli_velocity import run as run_velocity

        return run_velocity(args)
    if args.command in ("diagnose", "managers", "segments"):
        from .cli_audit import run as run_audit

        return run_audit(args)
    if args.command == "samplesize":
        from .stats_cli import run_samplesize

        return run_samplesize(args)
    if args.command in ("attach", "export"):
        from .cli_engines import run as run_engines

        return run_engines(args, _store(args), _lang())
    if args.command == "report":
        from .cli_report import run_report

        return run_report(args, _open_dataset, spec_from_args, _lang())
    raise AssertionError(args.command)


def _import(store, args, name=None, force=False):
    from .importer import import_file
    from .readers import parse_header_rows
    from .readers.limits import check_source

    path = Path(args.path if hasattr(args, "path") else args.dataset)
    if not path.exists():
        raise FunnelError("file.not_found", file=str(path))
    history = Path(args.history) if args.history else None
    if history is not None and not history.exists():
        raise FunnelError("file.not_found", file=str(history))
    for given in filter(None, (path, history)):  # not /dev/zero, not a 10 GB file: before hashing it
        check_source(given, str(given))
    header_rows = parse_header_rows(getattr(args, "header_row", None))  # before hashing: a typo says so at once
    from .cli_dataset import order_arg
    from .timezones import check_zone

    timezone = check_zone(getattr(args, "timezone", None))  # so is an unknown time zone
    return import_file(store, path, path.name, history=history, preset=args.preset,
                       stages=order_arg(args.stages), name=name, sheet=args.sheet, force=force,
                       shape=getattr(args, "shape", None), mapping_pairs=getattr(args, "map", None),
                       header_rows=header_rows, timezone=timezone)


def import_warnings(store, info, lang: str = "en", severities=("warning", "error")) -> list[dict[str, Any]]:
    """The warning and error lines of the stored quality report (a rejected row is an error): one per
    finding and column, with its row count and its sentence in ``lang``. ``severities=("info",)``:
    the info lines (a column left out, rows read as totals, events that are no step)."""
    from .quality_report import finding_text, report, summary

    with store.connect(info) as con:
        full = report(con, info)
    rows = summary(full)
    rows = rows[rows["severity"].isin(list(severities))]
    def text(value):
        return None if value is None or value != value else str(value)  # NaN: no value

    examples: dict[tuple[str, str | None], list[int]] = {}  # the file's row numbers behind a line (capped at import)
    for r in full[full["row_no"].notna()].itertuples():
        examples.setdefault((r.code, text(r.column_name)), []).append(int(r.row_no))

    def detail(value):  # plain words (a pipeline), not the importer's JSON parameters
        value = text(value)
        return None if value is None or value.startswith("{") else value

    return [{"code": r.code, "severity": r.severity, "column": text(r.column_name), "value": text(r.value),
             "detail": detail(r.detail), "count": int(r.count),
             "rows": examples.get((r.code, text(r.column_name)), [])[:ROW_EXAMPLES],
             "message": finding_text(r.code, text(r.detail), lang, int(r.count))} for r in rows.itertuples()]


ROW_EXAMPLES = 10  # row numbers listed per warning line


# the quotes a sentence is written with in each language (in_quotes: «…» becomes “…” in Chinese)
_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"'})


def _named_in(value: str, said: str) -> bool:
    """Whether the sentence already names ``value``, or each of its comma-separated parts («date_finish, date_plan»
    beside «…«date_finish», «date_plan»…»), whichever quotes the language writes them in."""
    value, said = value.translate(_QUOTES), said.translate(_QUOTES)
    return value in said or all(part.strip() and part.strip() in said for part in value.split(","))


def print_warnings(warnings: list[dict[str, Any]], lang: str) -> None:
    for w in warnings:
        said = w["message"]  # a value or count its sentence already names is not repeated after it
        rows = (t("quality.col.row_no", lang) + " " + ", ".join(map(str, w["rows"]))) if w.get("rows") else None
        quoted = w["column"] and any(q.format(w["column"]) in said for q in ("«{}»", "“{}”"))  # named in the sentence
        where = " · ".join(x for x in (None if quoted else w["column"],
                                       *(y for y in (w["value"], w["detail"]) if y and not _named_in(y, said)), rows) if x)
        # the rows it concerns, said as rows and only beside their row numbers (survey 34: «…: 25», «…: 18» ended
        # lines whose count was of nothing named); a refresh's finding counts what its sentence lists, not rows
        count = t("cli.rows_n", lang, n=w["count"]) if w["count"] > 1 and w.get("rows") and \
            str(w["count"]) not in said and not w["code"].startswith("refresh.") else ""
        print(f"  ! {said}" + (f" ({where})" if where else "") + (f" — {count}" if count else ""))


# the label of each column role an import reads: a deal list's fields, an event log's or a counts table's roles
ROLE_LABELS = {**{r: f"ui.data.role.{r}" for r in ("entity", "step", "timestamp")}, **{f: f"mapping.field.{f}" for f in (
    "deal_id", "deal_name", "created_at", "closed_at", "stage", "status", "amount", "currency", "manager", "source",
    "variant", "pipeline", "lost_reason", "closed_flag", "won_flag", "lost_flag", "won_at", "lost_at",
    "expected_close", "stage_changed_at", "lost_stage")},
    **{r: f"ui.data.role.{r}" for r in ("count", "group")},
    "users": "cli.mapping.users", "entered_at": "cli.mapping.entered_at"}


def mapping_lines(mapping: dict[str, Any], lang: str) -> list[str]:
    """The columns an import read, one «role ← column» per line in the reader's language (it was the mapping's
    JSON on one line, keys like ``closed_at`` a consultant had to decode; ``--json`` keeps the JSON)."""
    def quoted(names) -> str:
        return names_in_quotes(names, lang)

    def pairs(fields: dict[str, str]) -> list[str]:
        order = list(ROLE_LABELS)  # the canonical order (id, name, dates, stage, ...), not the JSON's sorted keys
        ranked = sorted(fields.items(), key=lambda kc: order.index(kc[0]) if kc[0] in order else len(order))
        return [f"    {t(ROLE_LABELS[k], lang) if k in ROLE_LABELS else k} ← {quoted([c])}" for k, c in ranked]

    head = t("cli.mapping", lang) + (f" ({t('cli.mapping.preset', lang, preset=mapping['preset'])})"
                                     if mapping.get("preset") else "")
    lines = ["  " + t("zh49.heading", lang, label=head), *pairs(mapping.get("fields") or {})]
    for key, label in (("wide_stages", "ui.data.role.stage_column"), ("outcomes", "ui.data.role.outcome"),
                       ("stage_entered", "cli.mapping.stage_entered"), ("extras", "cli.mapping.extras")):
        if mapping.get(key):
            lines.append("    " + t("cli.label_value", lang, label=t(label, lang), value=quoted(mapping[key])))
    if mapping.get("history"):
        lines.append("  " + t("zh49.heading", lang, label=t("cli.mapping.history", lang)))
        lines += pairs(mapping["history"])
    return lines


# a zip archive's notes, printed after an import of one: the table read, its parts, the stage history beside it
ARCHIVE_NOTES = ("archive.member", "archive.parts", "archive.history_member")
# findings that --stages resolves: the CLI says so under them
STAGES_HINT = {"stages.order_guessed", "stages.no_won"}


def import_summary(info, built, draft, warnings: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "dataset_id": info.id,
        "name": info.name,
        "shape": built["shape"],
        "rows_read": built["rows_read"],
        "deals": built["n_deals"],
        "events": built["n_events"],
        "rejected_rows": built["rows_rejected"],
        "mapping": built["meta"]["mapping"],
        "stage_order": built["meta"]["stage_order"],
        "lost_stages": built["meta"].get("lost_stages", {}),
        "remembered_mapping": draft.remembered,
        "warnings": warnings or [],
    }


def _cmd_import(args) -> int:
    store = _store(args)
    if getattr(args, "into", None):
        from .cli_dataset import run_refresh

        return run_refresh(args, store)
    info, built, draft = _import(store, args, name=args.name, force=args.force)
    summary = import_summary(info, built, draft, import_warnings(store, info, _lang()))
    # the name another dataset has already: the commands then ask for an id (Store.resolve), so say it now
    summary["same_name"] = [r["id"] for r in store.datasets() if r["name"] == info.name and r["id"] != info.id]
    if args.previous:
        from .cli_velocity import compare_after_import

        summary["previous"] = compare_after_import(store, info, args.previous)
    if args.json:  # the info lines too: the human output keeps to warnings
        summary["info"] = import_warnings(store, info, _lang(), severities=("info",))
        _print_json(summary)
        return 0
    lang = _lang()
    print(t("cli.imported", lang, id=info.id, name=info.name))
    if summary["same_name"]:
        print("  ! " + t("cli.name_taken", lang, name=info.name, id=info.id,
                         ids=", ".join(map(str, summary["same_name"])), first=summary["same_name"][0]))
    print("\n".join(count_lines(info, summary, lang)))
    print("\n".join(mapping_lines(summary["mapping"], lang)))
    for pipeline, order in summary["stage_order"].items():
        if order:  # a pipeline of lost deals only, or a file without stages, has none to list
            print("  " + t("cli.label_value", lang, label=f"{t('cli.stage_order', lang)} [{pipeline or '-'}]",
                           value=" → ".join(order)))
    # which file of the zip was read, and its stage history beside it; which sheet of a workbook of several
    # (survey 32: an 18-row summary sheet read instead of the 12 deals on the next, the sheet never named)
    for line in import_warnings(store, info, lang, severities=("info",)):
        if line["code"] in ARCHIVE_NOTES or line["code"] == "readers.sheet":
            print(f"  {line['message']}" + (" " + t("cli.hint.sheet", lang) if line["code"] == "readers.sheet" else ""))
    print_warnings(summary["warnings"], lang)
    for line in import_warnings(store, info, lang, severities=("info",)):
        if line["code"].startswith("tz."):  # instants read in UTC (and how to change it), or converted
            print(f"  {line['message']}")
    if {w["code"] for w in summary["warnings"]} & STAGES_HINT:
        print("  " + t("cli.hint.stages", lang))
    if args.previous:
        from .cli_velocity import print_comparison

        print_comparison(summary["previous"], lang)
    return 0


def _cmd_datasets(args) -> int:
    from .sample_datasets import (
        display_name,  # a bundled sample's name in the reader's language, as the pages
    )

    rows = _store(args).datasets()
    if args.json:
        _print_json([{**{k: r[k] for k in ("id", "name", "source_file", "shape", "rows_read", "rows_rejected",
                                           "n_deals", "n_events", "imported_at", "version")},
                      "timezone": r["meta"].get("timezone")} for r in rows])
        return 0
    if not rows:
        print(t("cli.no_datasets", _lang()))
    for r in rows:
        print(t(_datasets_line(r), _lang(), id=f"{r['id']:>4}", name=display_name(r["name"], _lang()),
                file=r["source_file"],
                deals=fmt_int(r["n_deals"], _lang()), rows=fmt_int(r["rows_read"], _lang()), when=r["imported_at"]))
    return 0


def count_lines(info, doc: dict, lang: str) -> list[str]:
    """The counts an import's or a refresh's summary prints: a table of stage counts stores no deals and no
    events («deals: 0» beside a funnel of 1,000 visits said nothing true); a web funnel's deals are visitors
    and its events the steps they reached («deals: 10» beside an A/B test's 10 visitors)."""
    keys: tuple[tuple[str, str], ...]  # (the label's key, the summary's key)
    if info.capabilities.aggregate:
        keys = (("rows_read", "rows_read"), ("rejected_rows", "rejected_rows"))
    elif info.capabilities.is_web_funnel:
        keys = (("rows_read", "rows_read"), ("visitors", "deals"), ("step_entries", "events"),
                ("rejected_rows", "rejected_rows"))
    else:
        keys = (("rows_read", "rows_read"), ("deals", "deals"), ("events", "events"), ("rejected_rows", "rejected_rows"))
    return ["  " + t("cli.label_value", lang, label=t("cli." + label, lang), value=doc[key]) for label, key in keys]


def _datasets_line(row: dict) -> str:
    """A stored dataset's line: its deals, a web funnel's visitors, a counts table's rows (it stores no
    deals: «deals: 0» beside a funnel of thousands said nothing true)."""
    from .dataset import DatasetInfo

    caps = DatasetInfo(row["id"], row["name"], row["version"], row["shape"], row["meta"]).capabilities
    if caps.aggregate:
        return "cli.datasets_line_counts"
    return "cli.datasets_line_visitors" if caps.is_web_funnel else "cli.datasets_line"


def _open_dataset(args):
    """(store, DatasetInfo): a stored dataset by id/name, or a file imported into a throw-away store."""
    from .store import Store

    ref = args.dataset
    if ref and Path(ref).exists() and not str(ref).isdigit():
        store = Store(":memory:")
        args.path = ref
        info, _built, _draft = _import(store, args)
        return store, info
    return _store(args), _store(args).resolve(ref)


def spec_from_args(args):
    from .spec import FunnelSpec

    try:
        currency = getattr(args, "currency", None)  # money of one currency, as the pages' Currency filter
        return FunnelSpec(pipeline=getattr(args, "pipeline", None), date_from=getattr(args, "date_from", None),
                          date_to=getattr(args, "date_to", None), closed_only=getattr(args, "closed_only", False),
                          filters={"currency": [currency.strip().upper()]} if currency else None)
    except ValueError as exc:
        raise FunnelError("cli.bad_date", value=str(exc)) from exc


def pipeline_line(pipeline: str | None, counts: dict[str, int], lang: str) -> str:
    """A dataset of several pipelines: the one counted and the others left out, with their deals."""
    others = [f"«{p}» — {fmt_int(n, lang)}" for p, n in counts.items() if p != (pipeline or "")]
    return in_quotes(t("cli.metrics_pipeline", lang, pipeline=pipeline or "—", others="; ".join(others),
                       n=fmt_int(counts.get(pipeline or "", 0), lang), total=fmt_int(sum(counts.values()), lang)), lang)


def format_metrics(doc: dict, lang: str) -> str:
    """A short human-readable table of ``metrics --json``'s document, its numbers and titles in ``lang``
    (was 50.0% and 1000000 under Russian words, and three untitled columns)."""
    def pct(x):
        return fmt_pct(x, lang)

    lines = [t("cli.metrics_header", lang, deals=fmt_int(doc["deals"], lang), won=fmt_int(doc["won"], lang),
               lost=fmt_int(doc["lost"], lang), open=fmt_int(doc["open"], lang), win_rate=pct(doc["win_rate"]))]
    if doc.get("pipelines"):
        lines.insert(0, pipeline_line(doc["pipeline"], doc["pipelines"], lang))
    if currency := (doc.get("filters") or {}).get("currency"):  # the counts too, as the pages' Currency filter
        lines.append(t("cli.metrics_currency_only", lang, currency=", ".join(currency)))
    if doc.get("order_guessed"):
        lines.append(t("cli.metrics_order_guessed", lang))
    # what the web Overview says beside these numbers (survey 34: the CLI printed a 100 % win rate bare)
    if doc.get("no_lost_recorded"):
        lines.append("! " + t("cli.metrics_no_lost", lang))
    if doc.get("won_unmarked"):  # revenue and win rate are unknown, not 0 (in the whole file, or this pipeline)
        per_pipeline = doc.get("won_unmarked_reason") == "pipes49.reason.won_unmarked_pipeline"
        lines.append("! " + t("pipes49.cli.won_unmarked_pipeline" if per_pipeline else "cli.metrics_won_unmarked", lang))
    from .importer.deals import OUTCOME_NOTES

    for guess in doc.get("outcome_guesses") or ():  # the Overview's note, where the sale was taken from close dates
        lines.append("! " + t(OUTCOME_NOTES[guess["code"]], lang, stage=f"«{guess['stage']}»"))
    if doc.get("lost_stage_unknown"):
        lines.append("! " + t("metrics.finding.lost_stage_unknown", lang, n=doc["lost_stage_unknown"]))
    if off := doc.get("open_off_order"):  # the pages' note: open deals at a status the funnel order leaves out
        lines.append("! " + t("metrics.finding.open_off_order", lang, n=sum(r["deals"] for r in off),
                              stages=names_in_quotes((r["stage"] for r in off), lang)))
    if not doc["stages"]:
        lines.append(t("quality.stages.none", lang))
        return "\n".join(lines)
    stage, reached, step, total = t("cli.metrics_columns", lang).split("|")
    lines.append(f"      {_cut(stage, 40)} {_right(reached, 11)}  {_right(step, 8)}  {_right(total, 10)}")
    for s in doc["stages"]:
        lines.append(f"  {s['position']:>2}. {_cut(s['stage'], 40)} {_right(fmt_int(s['reached'], lang), 11)}  "
                     f"{_right(pct(s['step_conversion']), 8)}  {_right(pct(s['cumulative_conversion']), 10)}")
    return "\n".join(lines)


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal columns and padded to them (left-aligned)."""
    out = ""
    for c in text:
        if _width(out + c) > width:
            break
        out += c
    return out + " " * (width - _width(out))


def _right(text: str, width: int) -> str:
    return " " * max(0, width - _width(text)) + text


def _cmd_metrics(args) -> int:
    from .metrics.report import metrics_json

    store, info = _open_dataset(args)
    spec = spec_from_args(args)
    with store.connect(info) as con:
        doc = metrics_json(con, info, spec, by=args.by)
    if args.json:
        _print_json(doc)
    else:
        print(format_metrics(doc, _lang()))
    return 0


def _cmd_abtest(args) -> int:
    from .stats_cli import run_abtest_counts, run_abtest_means

    if args.counts:
        return run_abtest_counts(args)
    if args.means:
        return run_abtest_means(args)
    if not args.dataset or not args.by:
        raise FunnelError("cli.abtest_needs_input")
    from .stats_cli import run_abtest_dataset

    store, info = _open_dataset(args)
    return run_abtest_dataset(store, info, args, spec_from_args(args))
