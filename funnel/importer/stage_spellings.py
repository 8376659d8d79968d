"""Stages written several ways in a hand-kept list are one stage.

A team's sheet spells a stage as whoever typed it did: «New Lead» and «new lead», «Call Booked» and
«call-booked», «Ghosted» and «ghosted» (a lead list of a take-home task, jacobrobson15/Fleek-Task: 19
"stages" of about 9). Each spelling became a stage of its own, the funnel split between them. Spellings
that differ only in case, spaces and punctuation are one stage here, spelt as most of its deals spell it
(the first such spelling in the file on a tie), as sources are (derive.py); said in the quality report
(``stage.spellings_merged``). Only a file without a stage history: a history names its stages as the
CRM does, and the two are matched by name. ``C1:NEW`` and ``NEW`` stay apart (another pipeline's).
"""

from __future__ import annotations

import dataclasses
import re

from ..sql import ident, render, run

_NOT_LETTERS = re.compile(r"[\W_]+")


def _key(name: str) -> str:
    return _NOT_LETTERS.sub("", name.casefold())


# A note in brackets after a stage, varying from deal to deal: a count («跟进中（跟进2次）», a WeCom SCRM's
# follow-up status with its number of follow-ups: jackLones/kj-scrm ExportCustomJob) or a deleted mark
# («已拒绝（已删除）»). Not a percent («初步接洽(10%)» orders by it: mapping/stage_names.py) nor words
# («Closed Won (Sales Pipeline)» names a pipeline).
_NOTE = re.compile(r"\s*[（(](?:[^（）()%]*\d[^（）()%]*|已删除|deleted|удален[оа]?)[)）]\s*$")


def _strip_notes(rows: list[tuple[str, int, int]], notes: list) -> tuple[list[tuple[str, int, int]], dict[str, str]]:
    """The stages without their bracketed notes, where two or more spellings share what is left (said as
    ``stage.notes_stripped``): (the rows under their stage, spelling -> stage)."""
    def base(name: str) -> str:
        while (m := _NOTE.search(name)) and m.start() > 0:
            name = name[:m.start()]
        return name
    by_base: dict[str, list[tuple[str, int, int]]] = {}
    for row in rows:
        by_base.setdefault(base(row[0]), []).append(row)
    out: list[tuple[str, int, int]] = []
    as_: dict[str, str] = {}
    for stage, forms in by_base.items():
        noted = sorted(f for f in forms if f[0] != stage)
        if len(forms) < 2 or not noted:
            out += forms
            continue
        as_.update({f[0]: stage for f in noted})
        out.append((stage, sum(f[1] for f in forms), min(f[2] for f in forms)))
        shown = ", ".join(f"«{f[0]}»" for f in noted[:5]) + (", …" if len(noted) > 5 else "")
        notes.append(("stage.notes_stripped", {"stage": stage, "n": sum(f[1] for f in noted), "spellings": shown}))
    return out, as_


def fold_stage_spellings(con, draft) -> None:
    """Replace the staged deals by a view whose stage spellings of one stage read as one (module docstring)."""
    raw, mapping = draft.raw, draft.mapping
    if "stage" not in mapping.fields or draft.history_raw is not None:
        return
    stage = ident(f"c{mapping.fields['stage']}")
    rows = run(con, render("SELECT {s}, count(*), min(row_no) FROM {t} WHERE {s} IS NOT NULL GROUP BY 1",
                           s=stage, t=ident(raw.table))).fetchall()
    rows, as_ = _strip_notes(rows, raw.notes)
    groups: dict[str, list[tuple[str, int, int]]] = {}
    for spelling, n, first in rows:
        if _key(spelling):
            groups.setdefault(_key(spelling), []).append((spelling, n, first))
    for forms in groups.values():
        if len(forms) < 2:
            continue
        canonical = min(forms, key=lambda f: (-f[1], f[2]))[0]
        others = sorted(f for f in forms if f[0] != canonical)
        merged = {spelling for spelling, _n, _first in others}
        as_.update({was: canonical for was, now in as_.items() if now in merged})  # «新建（跟进1次）» → «新建» → …
        as_.update({spelling: canonical for spelling in merged})
        raw.notes.append(("stage.spellings_merged", {"stage": canonical, "n": sum(f[1] for f in others),
                                                      "spellings": ", ".join(f"«{s}»" for s, _n, _f in others)}))
    if not as_:
        return
    run(con, "CREATE OR REPLACE TEMP TABLE imp_stage_spellings (spelling VARCHAR, canonical VARCHAR)")
    con.executemany("INSERT INTO imp_stage_spellings VALUES (?, ?)", sorted(as_.items()))
    view = raw.table + "_spelled"
    run(con, render("CREATE OR REPLACE TEMP VIEW {v} AS SELECT r.* REPLACE (COALESCE(m.canonical, r.{s}) AS {s}) "
                    "FROM {t} r LEFT JOIN imp_stage_spellings m ON m.spelling = r.{s}",
                    v=ident(view), s=stage, t=ident(raw.table)))
    draft.raw = dataclasses.replace(raw, table=view)
