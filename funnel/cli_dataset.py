"""CLI commands that change a stored dataset: ``import --into`` (refresh) and ``edit``.

- ``python -m funnel import PATH --into DATASET [--history PATH] [--stages LIST] [--map FIELD=HEADER]
  [--previous DATASET]``: this week's export of the same CRM replaces the data of DATASET (id or name),
  keeping its mapping (matched by header names), every stage of its order and the won/lost stages;
  another CRM's file is refused; the dataset's version goes up. ``--name`` and ``--preset`` are refused.
- ``python -m funnel edit DATASET [--stages LIST] [--won S1,S2] [--lost S3] [--status-values V=KIND,...]
  [--map FIELD=HEADER ...] [--shape deals|events|counts] [--timezone AREA/CITY]``: change a dataset after its import without its
  file (datasets up to ``dataset_edit.KEEP_RAW_MAX_ROWS`` rows keep their staged rows for this);
  ``--timezone ""`` reads instants as written again (UTC).
- both keep the dataset's time zone unless ``--timezone`` gives another.

Registered in :mod:`funnel.cli` with :func:`add_commands` / :func:`dispatch`.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from .errors import FunnelError


def add_commands(sub, import_parser: argparse.ArgumentParser) -> None:
    import_parser.add_argument("--into", metavar="DATASET", help=_help("into"))
    import_parser.add_argument("--shape", choices=("deals", "events", "counts", "stage_counts"), help=_help("import_shape"))
    import_parser.add_argument("--map", action="append", default=[], metavar="FIELD=HEADER", help=_help("import_map"))
    p = sub.add_parser("edit", help=_help("edit"))
    p.add_argument("dataset", metavar="DATASET")
    p.add_argument("--stages", help=_help("edit_stages"))
    p.add_argument("--won", help=_help("won_pipelines"))
    p.add_argument("--lost", help=_help("lost_pipelines"))
    p.add_argument("--status-values", metavar="VALUE=KIND,...", help=_help("status_values"))
    p.add_argument("--map", action="append", default=[], metavar="FIELD=HEADER", help=_help("edit_map"))
    p.add_argument("--shape", choices=("deals", "events", "counts", "stage_counts"), help=_help("edit_shape"))
    p.add_argument("--timezone", metavar="AREA/CITY", help=_zone_help())
    p.add_argument("--json", action="store_true", help=_help("json"))


def _help(key: str) -> str:
    """The ``--help`` text in FUNNEL_LANG's language (survey 30: these were English in RU and ZH)."""
    from .i18n import env_language, t

    return t(f"cli.help.{key}", env_language()).replace("%", "%%")


def _zone_help() -> str:
    return _help("timezone_edit")


def _names(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [s.strip() for s in next(csv.reader([text], skipinitialspace=True), []) if s.strip()]


def _picks(text: str | None, pipelines) -> list[str] | dict[str, list[str]] | None:
    """``--won`` / ``--lost``: "S1,S2" for every pipeline, or "Sales: Won; Renewals: Renewed" per pipeline (a
    dataset of several: each pipeline's own stages, as the Data page's pickers)."""
    if text is None or len(pipelines) < 2:
        return _names(text)
    from .stage_text import parse_order

    per = parse_order(text, list(pipelines))
    return per if isinstance(per, dict) else _names(text)


def status_values_arg(text: str | None) -> dict[str, str] | None:
    """``--status-values "3=won,2=lost,1=open"`` as {value: kind}; a pair without «=» is refused."""
    if text is None:
        return None
    out = {}
    for pair in _names(text) or []:
        value, sep, kind = pair.rpartition("=")
        if not sep or not value.strip():
            raise FunnelError("edit.bad_status_pair", pair=pair)
        out[value.strip()] = kind.strip().lower()
    return out


def _mapping_with(store, row: dict, pairs: list[str]):
    """The dataset's mapping with ``--map`` applied: a deal list's fields, or the roles of an event log's, a visitor
    file's or a counts table's columns (``steps=A,B`` their step columns in order), as ``import --map`` reads them."""
    from .mapping import Mapping
    from .mapping.pairs import with_pairs

    meta = row["meta"]
    if not pairs:
        return None
    if row["shape"] in ("events", "counts"):  # a visitor file's, an event log's or a counts table's roles
        from .dataset_edit import mapping_with_roles

        return mapping_with_roles(store, row["id"], pairs)
    if not meta.get("mapping_json"):
        raise FunnelError("edit.no_mapping", dataset=row["id"])
    mapping = Mapping.from_json(meta["mapping_json"])
    return with_pairs(mapping, (meta.get("raw") or {}).get("main", {}).get("headers", []), pairs)


def order_arg(text: str | None):
    """``--stages`` as an order; given but empty (``--stages ""``) is refused: it rebuilt the dataset with its
    order guessed again."""
    from .cli import parse_stages

    order = parse_stages(text)
    if text is not None and not (order and (any(order.values()) if isinstance(order, dict) else order)):
        raise FunnelError("edit.order_empty")
    return order


def cmd_edit(args, store) -> dict:
    from .dataset_edit import rederive
    from .refresh_awaited import named_roles

    info = store.resolve(args.dataset)
    row = store.row(info.id)
    return rederive(store, info.id, mapping=_mapping_with(store, row, args.map), stages=order_arg(args.stages),
                    won=_picks(args.won, info.pipelines), lost=_picks(args.lost, info.pipelines), shape=args.shape,
                    timezone=getattr(args, "timezone", None), status_values=status_values_arg(args.status_values),
                    named=frozenset(named_roles(args.map)))


# options of a plain import that a refresh cannot honour: the dataset keeps its name (and its mapping
# rather than a preset's); refused with a word instead of being ignored
REFRESH_REFUSES = (("name", "--name"), ("preset", "--preset"))


def cmd_refresh(args, store) -> dict:
    """``import PATH --into DATASET``; ``--stages`` and ``--map`` are applied as ``edit`` would (the
    order then the user's), ``--previous`` links the refreshed dataset to an earlier snapshot."""
    from .dataset_edit import path_source, refresh
    from .importer import Source
    from .readers import parse_header_rows
    from .refresh_summary import summarize

    for attr, option in REFRESH_REFUSES:
        if getattr(args, attr, None):
            raise FunnelError("refresh.option_refused", option=option, dataset=args.into)
    info = store.resolve(args.into)
    from .timezones import check_zone

    check_zone(getattr(args, "timezone", None))  # an unknown zone is refused before the file is read
    if getattr(args, "previous", None):
        store.resolve(args.previous)  # exists, before anything is replaced
    history = path_source(Path(args.history)) if args.history else None
    source = path_source(Path(args.path))
    if args.sheet:
        source = Source(source.data, source.file_name, args.sheet)
    header_rows = parse_header_rows(getattr(args, "header_row", None))
    if header_rows is not None:
        source.header_rows = header_rows
    before = store.row(info.id)
    row, draft = refresh(store, info.id, source, history=history, shape=args.shape,
                         mapping_pairs=getattr(args, "map", None) or None, stages=order_arg(args.stages),
                         timezone=getattr(args, "timezone", None))
    # what the refresh did, as the Data page says it (refresh_summary.py): printed by _print, and under --json
    read_from = draft.raw.file_name if draft.raw.archive is not None else source.file_name
    return {**row, "refresh_summary": summarize(before, row, read_from, list(draft.raw.headers),
                                                store.info(row["id"]).capabilities)}


def _print(store, row: dict, as_json: bool, key: str, previous: str | None = None) -> int:
    from .cli import _lang, _print_json, count_lines, import_warnings, print_warnings
    from .i18n import t

    info = store.info(row["id"])
    warnings = import_warnings(store, info, _lang())
    doc = {"dataset_id": row["id"], "name": row["name"], "version": row["version"], "shape": row["shape"],
           "rows_read": row["rows_read"], "deals": row["n_deals"], "events": row["n_events"],
           "rejected_rows": row["rows_rejected"], "stage_order": row["meta"].get("stage_order", {}),
           "lost_stages": row["meta"].get("lost_stages", {}), "order_guessed": bool(row["meta"].get("order_guessed")),
           "timezone": row["meta"].get("timezone"),
           "warnings": warnings, "info": import_warnings(store, info, _lang(), severities=("info",))}
    if "refresh_summary" in row:
        doc["refresh"] = row["refresh_summary"]
    if previous:
        from .cli_velocity import compare_after_import, print_comparison

        doc["previous"] = compare_after_import(store, info, previous)
    if as_json:
        _print_json(doc)
        return 0
    lang = _lang()
    print(t(key, lang, id=row["id"], name=row["name"], version=row["version"]))
    if "refresh" in doc:  # before → after, the columns kept, new and awaited (refresh_summary.py)
        from .refresh_summary import summary_lines

        print("\n".join(summary_lines(doc["refresh"], lang)))
    else:
        print("\n".join(count_lines(info, doc, lang)))
    for pipeline, order in doc["stage_order"].items():
        if order:  # a pipeline of lost deals only, or a file without stages, has none to list
            print("  " + t("cli.label_value", lang, label=f"{t('cli.stage_order', lang)} [{pipeline or '-'}]",
                           value=" → ".join(order)))
    print_warnings(warnings, lang)
    # the refresh's own notes (a column back, a new step and where it went), as the Data page lists them
    print_warnings([w for w in doc["info"] if w["code"].startswith(("refresh.", "refresh49.", "import50.", "tz."))],
                   lang)
    if doc["order_guessed"]:
        print("  " + t("crmimport.cli_hint_edit", lang, id=row["id"]))
    if previous:
        print_comparison(doc["previous"], lang)
    return 0


def run_edit(args, store) -> int:
    return _print(store, cmd_edit(args, store), args.json, "crmimport.cli_edited")


def run_refresh(args, store) -> int:
    return _print(store, cmd_refresh(args, store), args.json, "crmimport.cli_refreshed",
                  previous=getattr(args, "previous", None))
