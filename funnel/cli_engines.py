"""``python -m funnel attach`` and ``python -m funnel export``: datasets and other engines.

``attach --backend clickhouse|chdb|spark --url URL --tables deals=db.deals,stages=db.stages[,events=db.history]
[--name NAME] [--json]`` registers warehouse tables in the canonical layout as a read-only dataset
(funnel/backends/attach.py derives the funnel facts on that engine).

``export DATASET --parquet DIR [--json]`` writes the dataset's canonical tables as
``DIR/<table>.parquet`` (deals, events, stages, counts, quality, stays, stage_durations): what ``attach`` reads
once they are loaded into a warehouse (or read from the lake by Spark).
Bad input prints one translated line and exits with 2, like every command.
"""

from __future__ import annotations

import argparse
import json

from .i18n import t

COMMANDS = ("attach", "export")


def add_parsers(sub, lang: str) -> None:
    p = sub.add_parser("attach", help=t("engines.cli.attach", lang))
    p.add_argument("--backend", required=True, help=t("engines.cli.backend", lang))
    p.add_argument("--url", default=None, help=t("engines.cli.url", lang))
    p.add_argument("--tables", required=True, help=t("engines.cli.tables", lang))
    p.add_argument("--name", default=None, help=t("engines.cli.name", lang))
    p.add_argument("--json", action="store_true", help=t("engines.cli.json", lang))
    p = sub.add_parser("export", help=t("engines.cli.export", lang))
    p.add_argument("dataset", metavar="DATASET")
    p.add_argument("--parquet", required=True, metavar="DIR", help=t("engines.cli.parquet", lang))
    p.add_argument("--json", action="store_true", help=t("engines.cli.json", lang))


def run(args: argparse.Namespace, store, lang: str) -> int:
    if args.command == "attach":
        return _attach(args, store, lang)
    return _export(args, store, lang)


def _attach(args, store, lang: str) -> int:
    from .backends import backend_class
    from .backends.attach import attach, parse_tables

    backend_class(args.backend)  # an unknown name fails before anything is written
    tables = parse_tables(args.tables)
    name = args.name or ".".join(tables["deals"])
    info = attach(store, args.backend, args.url, tables, name)
    doc = {"dataset_id": info.id, "name": info.name, "backend": args.backend,
           "schema": info.schema, "deals": info.capabilities.n_deals, "pipelines": info.pipelines}
    if args.json:
        print(json.dumps(doc, ensure_ascii=False))
    else:
        print(t("engines.attached", lang, id=info.id, name=info.name, backend=args.backend,
                deals=info.capabilities.n_deals, schema=info.schema))
    return 0


def _export(args, store, lang: str) -> int:
    from .backends.transfer import export_parquet, row_counts

    info = store.resolve(args.dataset)
    with store.connect(info) as con:
        paths = export_parquet(con, info, args.parquet)
        counts = row_counts(con, info)
    if args.json:
        print(json.dumps({"dataset_id": info.id, "files": [str(p) for p in paths], "rows": counts},
                         ensure_ascii=False))
    else:
        for path in paths:
            print(t("engines.exported", lang, file=str(path), rows=counts[path.stem]))
    return 0
