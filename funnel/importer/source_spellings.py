"""Sources written several ways in one file.

A source is typed by hand as often as it is picked from a list: «Avito», «avito», «AVITO» in one export (survey
52 found «Авито» beside «AVITO» in a real one). Spellings that differ **only in case or in spaces around them**
are the same letters: one source, spelt as most of its rows spell it (the file's first such spelling on a tie),
said with each spelling's rows (``source.spellings_merged``). Spellings that differ in punctuation or inner spaces
(«Яндекс.Директ», «Яндекс Директ», «yandex_direct») are the same letters too, but a team may keep such names apart
on purpose (two campaigns), so they are **not** merged: said with their rows (``source.spellings_apart``), for the
user to fix in the CRM if they are one. A transliteration («Авито», «AVITO») is other letters: neither merged nor
said (whether it is the same source is a guess this file cannot check).
"""

from __future__ import annotations

import json

from ..sql import run
from .quality_findings import Findings

LISTED = 6  # spellings named per finding


def _parts(rows: list[tuple[str, int]]) -> list[list]:
    """Each spelling with its rows, as the parts of a finding's sentence (``quality_report.finding_text``)."""
    return [["import48.source.spelling_rows", {"name": name, "n": int(n)}] for name, n in rows[:LISTED]]


def merge_case_spellings(con, typed: dict, findings: Findings) -> bool:
    """``imp_source_as(spelling, canonical)`` of the case-only spellings (module docstring), said per source. True
    when there is anything to rewrite."""
    if "source" not in typed:
        return False
    run(con, """CREATE OR REPLACE TEMP TABLE imp_source_as AS
        WITH spellings AS (SELECT source AS spelling, lower(trim(source)) AS k, count(*) AS n, min(row_no) AS first
                           FROM imp_valid WHERE source IS NOT NULL GROUP BY 1),
             ranked AS (SELECT *, count(*) OVER (PARTITION BY k) AS forms,
                               first_value(spelling) OVER (PARTITION BY k ORDER BY n DESC, first) AS canonical
                        FROM spellings)
        SELECT spelling, canonical, n FROM ranked WHERE forms > 1 AND spelling <> canonical""")
    rows = run(con, "SELECT canonical, list(spelling ORDER BY n DESC, spelling), list(n ORDER BY n DESC, spelling), "
                    "sum(n) FROM imp_source_as GROUP BY 1 ORDER BY 1").fetchall()
    for canonical, spellings, counts, n in rows:
        listed = list(zip(spellings, counts, strict=True))
        findings.add("source.spellings_merged", "info", column=typed["source"].header, value=canonical,
                     detail=json.dumps({"spellings": ", ".join(spellings), "canonical": canonical,
                                        "sentence": "import48.source.spellings_merged", "parts": _parts(listed)},
                                       ensure_ascii=False), n=int(n))
    return bool(rows)


def note_punctuation_spellings(con, typed: dict, findings: Findings, merged: bool) -> None:
    """Sources (after the case-only merge) whose letters and digits are the same in the same case-folded order but
    whose punctuation or spaces differ: said, kept apart (module docstring)."""
    if "source" not in typed:
        return
    final = "COALESCE(sa.canonical, v.source)" if merged else "v.source"
    join = " LEFT JOIN imp_source_as sa ON sa.spelling = v.source" if merged else ""
    rows = run(con, f"""
        WITH finals AS (SELECT {final} AS spelling, count(*) AS n, min(v.row_no) AS first
                        FROM imp_valid v{join} WHERE v.source IS NOT NULL GROUP BY 1),
             keyed AS (SELECT *, regexp_replace(lower(spelling), '[^\\pL\\pN]+', '', 'g') AS k FROM finals)
        SELECT list(spelling ORDER BY n DESC, first), list(n ORDER BY n DESC, first), sum(n)
        FROM keyed WHERE k <> '' GROUP BY k HAVING count(*) > 1 ORDER BY min(first)""").fetchall()
    for spellings, counts, n in rows:
        findings.add("source.spellings_apart", "info", column=typed["source"].header, value=spellings[0],
                     detail=json.dumps({"spellings": ", ".join(spellings),
                                        "parts": _parts(list(zip(spellings, counts, strict=True)))}, ensure_ascii=False),
                     n=int(n))
