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


def fold_stage_spellings(con, draft) -> None:
    """Replace the staged deals by a view whose stage spellings of one stage read as one (module docstring)."""
    raw, mapping = draft.raw, draft.mapping
    if "stage" not in mapping.fields or draft.history_raw is not None:
        return
    stage = ident(f"c{mapping.fields['stage']}")
    rows = run(con, render("SELECT {s}, count(*), min(row_no) FROM {t} WHERE {s} IS NOT NULL GROUP BY 1",
                           s=stage, t=ident(raw.table))).fetchall()
    groups: dict[str, list[tuple[str, int, int]]] = {}
    for spelling, n, first in rows:
        if _key(spelling):
            groups.setdefault(_key(spelling), []).append((spelling, n, first))
    as_: dict[str, str] = {}
    for forms in groups.values():
        if len(forms) < 2:
            continue
        canonical = min(forms, key=lambda f: (-f[1], f[2]))[0]
        others = sorted(f for f in forms if f[0] != canonical)
        as_.update({spelling: canonical for spelling, _n, _first in others})
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
