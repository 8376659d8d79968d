"""``python -m funnel report PATH_OR_DATASET [--format html|pdf|xlsx] [--lang en|ru|zh] [--out FILE]``.

The filters are those of ``metrics`` (``--from/--to`` on the creation date, ``--pipeline``,
``--closed-only``), so the report's numbers equal ``metrics --json`` with the same options.
Bad input (unknown format or language, missing file, bad date, no Chromium for a PDF) prints one
line and exits with 2, like every command.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .cli_words import command_help as _command_help
from .cli_words import option_help as _option_help
from .errors import FunnelError
from .i18n import t


def add_report_parser(sub, add_import_options) -> None:
    p = sub.add_parser("report", help=_command_help("report"))
    p.add_argument("dataset", metavar="PATH_OR_DATASET")
    add_import_options(p)
    p.add_argument("--format", dest="fmt", default="html", help=_option_help("report_format"))
    p.add_argument("--lang", dest="report_lang", default=None, help=_option_help("report_lang"))
    p.add_argument("--out", help=_option_help("report_out"))
    p.add_argument("--consultant", help=_option_help("report_consultant"))
    p.add_argument("--logo", help=_option_help("report_logo"))
    p.add_argument("--closed-only", action="store_true", help=_option_help("closed_only"))
    p.add_argument("--from", dest="date_from", help=_option_help("from"))
    p.add_argument("--to", dest="date_to", help=_option_help("to"))
    p.add_argument("--pipeline", help=_option_help("pipeline"))
    p.add_argument("--currency", metavar="CODE", help=_option_help("currency"))


def read_logo(path: str | None) -> tuple[bytes, str] | None:
    if not path:
        return None
    file = Path(path)
    if not file.is_file():
        raise FunnelError("file.not_found", file=str(file))
    from .report.html import logo_type

    data = file.read_bytes()
    mime = logo_type(data)
    if mime is None:
        raise FunnelError("report.bad_logo", file=str(file))
    return data, mime


def run_report(args: argparse.Namespace, open_dataset, spec_from_args, lang: str) -> int:
    from .report import FORMATS, build_report, render
    from .report.words import report_languages

    if args.fmt not in FORMATS:
        raise FunnelError("report.bad_format", value=args.fmt, formats=", ".join(FORMATS))
    # no --lang: the report speaks the CLI's language (FUNNEL_LANG=zh wrote an English report, session 49)
    args.report_lang = args.report_lang or lang
    if args.report_lang not in report_languages():
        raise FunnelError("report.bad_lang", value=args.report_lang, langs=", ".join(report_languages()))
    logo = read_logo(args.logo)
    spec = spec_from_args(args)
    store, info = open_dataset(args)
    row = store.row(info.id)
    with store.connect(info) as con:
        report = build_report(con, info, row, spec, args.report_lang, consultant=args.consultant, logo=logo)
    data = render(report, args.fmt)
    out = Path(args.out or f"report_{info.id}_{args.report_lang}.{args.fmt}")
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise FunnelError("report.cannot_write", file=str(out), reason=exc.strerror or str(exc)) from exc
    print(t("report.cli.written", lang, path=str(out)))
    return 0
