"""Stages written several ways in a hand-kept list are one stage.

A team's sheet spells a stage as whoever typed it did: «New Lead» and «new lead», «Call Booked» and
«call-booked», «Ghosted» and «ghosted» (a lead list of a take-home task, jacobrobson15/Fleek-Task: 19
"stages" of about 9). Each spelling became a stage of its own, the funnel split between them. Spellings
that differ only in case, spaces and punctuation are one stage here, spelt as most of its deals spell it
(the first such spelling in the file on a tie), as sources are (derive.py); said in the quality report
(``stage.spellings_merged``). A stage padded with what a cell's trim leaves (a line break typed at its end in
Excel, a no-break space or a tab copied from a web page: staging strips only spaces) is its name without it, even
where every deal pads it alike (no note: nothing merged). Only a file without a stage history: a history names its stages as the
CRM does, and the two are matched by name (there only the padding goes, in both files). ``C1:NEW`` and ``NEW`` stay apart (another pipeline's).
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


def _unpad(rows: list[tuple[str, int, int]]) -> tuple[list[tuple[str, int, int]], dict[str, str]]:
    """The stages without whitespace around them (any: ``str.strip``), the rows of one name summed: (the rows,
    padded spelling -> its name)."""
    merged: dict[str, tuple[int, int]] = {}
    padded: dict[str, str] = {}
    for spelling, n, first in rows:
        name = spelling.strip() or spelling
        if name != spelling:
            padded[spelling] = name
        was = merged.get(name, (0, first))
        merged[name] = (was[0] + n, min(was[1], first))
    return [(name, n, first) for name, (n, first) in merged.items()], padded


def fold_stage_spellings(con, draft) -> None:
    """Replace the staged deals by a view whose stage spellings of one stage read as one (module docstring)."""
    raw, mapping = draft.raw, draft.mapping
    if draft.history_raw is not None:
        _unpad_history_names(con, draft)
        return
    if "stage" not in mapping.fields:
        return
    stage = ident(f"c{mapping.fields['stage']}")
    # per pipeline: one pipeline's «EM ATENDIMENTO» is not another's «em atendimento» (survey 34: a Kommo export's
    # second pipeline was shown with the first one's spelling; DOMAIN: pipelines never mix their stages)
    column = mapping.fields.get("pipeline")
    pipe = ident(f"c{column}") if column is not None else "NULL"
    found = run(con, render("SELECT {p}, {s}, count(*), min(row_no) FROM {t} WHERE {s} IS NOT NULL GROUP BY 1, 2",
                            p=pipe, s=stage, t=ident(raw.table))).fetchall()
    by_pipeline: dict[str | None, list[tuple[str, int, int]]] = {}
    for pipeline, spelling, n, first in found:
        by_pipeline.setdefault(pipeline, []).append((spelling, n, first))
    names: dict[tuple[str | None, str], str] = {}
    for pipeline, rows in sorted(by_pipeline.items(), key=lambda kv: min(r[2] for r in kv[1])):
        names.update({(pipeline, was): now for was, now in _folded(rows, raw.notes).items()})
    if names:
        draft.raw = _renamed(con, raw, [mapping.fields["stage"]], names, "_spelled", pipeline=column)


def _folded(rows: list[tuple[str, int, int]], notes: list) -> dict[str, str]:
    """One pipeline's stage spellings (stage, deals, first row) -> the stage each is (only those that change)."""
    rows, padded = _unpad(rows)
    rows, as_ = _strip_notes(rows, notes)
    as_.update({was: as_.get(now, now) for was, now in padded.items()})
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
        notes.append(("stage.spellings_merged", {"stage": canonical, "n": sum(f[1] for f in others),
                                                  "spellings": ", ".join(f"«{s}»" for s, _n, _f in others)}))
    return as_


def _renamed(con, raw, columns: list[int], names: dict[tuple[str | None, str], str], suffix: str,
             pipeline: int | None = None):
    """``raw`` through a view whose ``columns`` read each (pipeline, spelling) of ``names`` as its name (others as
    they are); the pipeline is matched only when its ``pipeline`` column is given."""
    run(con, "CREATE OR REPLACE TEMP TABLE imp_stage_spellings (pipeline VARCHAR, spelling VARCHAR, canonical VARCHAR)")
    con.executemany("INSERT INTO imp_stage_spellings VALUES (?, ?, ?)",
                    sorted(((p, s, c) for (p, s), c in names.items()), key=lambda r: (r[0] or "", r[1])))
    cols = [ident(f"c{c}") for c in columns]
    on = "m{k}.spelling = r.{c}" + (" AND m{k}.pipeline IS NOT DISTINCT FROM r.{p}" if pipeline is not None else "")
    pipe = ident(f"c{pipeline}") if pipeline is not None else ""
    replaced = ", ".join(render("COALESCE(m{k}.canonical, r.{c}) AS {c}", k=str(k), c=c) for k, c in enumerate(cols))
    joins = " ".join(render("LEFT JOIN imp_stage_spellings m{k} ON " + on, k=str(k), c=c, p=pipe)
                     for k, c in enumerate(cols))
    view = raw.table + suffix
    run(con, render("CREATE OR REPLACE TEMP VIEW {v} AS SELECT r.* REPLACE ({cols}) FROM {t} r {joins}",
                    v=ident(view), cols=replaced, t=ident(raw.table), joins=joins))
    return dataclasses.replace(raw, table=view)


def _unpad_history_names(con, draft) -> None:
    """With a history only the padding goes (module docstring), in the deals' stage column and in the history's
    stage columns alike: the list's «Qualification\u00a0» (copied from a web page) is the history's «Qualification»,
    not a stage of its own. Padded names are found among each column's distinct values; only a file with some
    is rewritten, through a view."""
    hmap = draft.history_mapping
    columns = [("raw", draft.mapping.fields.get("stage"))]
    columns += [("history_raw", c) for c in (hmap.stage, hmap.stage_before) if c is not None]
    padded: dict[str, str] = {}
    for attr, column in columns:
        if column is not None:
            rows = run(con, render("SELECT {s}, count(*), 0 FROM {t} WHERE {s} IS NOT NULL GROUP BY 1",
                                   s=ident(f"c{column}"), t=ident(getattr(draft, attr).table))).fetchall()
            padded.update(_unpad(rows)[1])
    if not padded:
        return
    for attr in ("raw", "history_raw"):
        cols = [c for a, c in columns if a == attr and c is not None]
        if cols:
            setattr(draft, attr, _renamed(con, getattr(draft, attr), cols, {(None, k): v for k, v in padded.items()},
                                          "_unpadded"))
