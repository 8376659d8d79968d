"""A stage order the user gives (pasted on the Data page, the CLI's ``--stages``) checked against the stages the
data has. A typo («Замеры» for «Замер») made a bar of that name holding the real stage's deals and beyond, and
the real stage dropped out of the funnel, said only as "stage not in the funnel order" (survey 29). A name
matches case and spaces aside and takes the data's spelling («warm» is «Warm»); a name the data does not have
that is close to a stage of the data the order leaves out (difflib's ratio ≥ ``CLOSE``) is a typo, refused
before anything changes, the stage it is close to named. Another name the data does not have is a stage no deal
is at (the CRM's empty stage, listed to keep the funnel whole) and stays.

The names the data has: the values of its stage column (and of a history's), the part after a code's pipeline
(Bitrix24's «C1:NEW» is «NEW» of pipeline 1), the CRM's stage list given beside the deals, the won and lost
stages the mapping names, and a stored dataset's own stages (empty ones a refresh kept among them)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from ..errors import FunnelError
from ..sql import ident, render, run
from ..stage_text import stage_key

SHOWN = 12  # stages listed in the refusal
CLOSE = 0.8  # «Замеры» / «Замер» 0.91, «Hott» / «Hot» 0.86, «Lead» / «Won» 0
# or one character apart (changed, added, dropped) from a name of at least two: a Chinese name is short, and one
# wrong character of four («需求确人» for «需求确认») is a ratio of 0.75, of two («赢丹» for «赢单») 0.5 (survey 30)


def _one_apart(a: str, b: str) -> bool:
    if min(len(a), len(b)) < 2 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _close(name: str, candidates: list[str]) -> str | None:
    """The candidate ``name`` is a typo of: difflib's closest at ``CLOSE`` or more, else one character apart."""
    found = difflib.get_close_matches(name, candidates, n=1, cutoff=CLOSE)
    if found:
        return found[0]
    apart = [c for c in candidates if _one_apart(name, c)]
    return apart[0] if apart else None



def column_values(con, table: str, column: int | None) -> list[str]:
    """The distinct trimmed values of staged column ``column`` of ``table``, in the order they first appear."""
    if column is None:
        return []
    rows = run(con, render("SELECT v FROM (SELECT trim({c}) AS v, min(row_no) AS first FROM {t} WHERE {c} IS NOT NULL "
                           "GROUP BY 1) WHERE v <> '' ORDER BY first", c=ident(f"c{int(column)}"),
                           t=ident(table))).fetchall()
    return [r[0] for r in rows]


def draft_stages(con, draft) -> list[str]:
    """The stage names a draft's data has (module docstring); empty when it has no stage column."""
    m = draft.mapping
    if draft.shape == "deals":
        column = m.fields.get("stage") if m is not None else None
    elif draft.shape == "events":
        column = getattr(m, "step", None)
    else:
        column = getattr(m, "stage", None)
    names = column_values(con, draft.raw.table, column)
    if draft.shape == "counts" and getattr(m, "wide_stages", None):
        names += [draft.raw.headers[i] for i in m.wide_stages]
    if draft.shape == "events" and getattr(m, "flags", None):  # a visitor file's steps: its yes/no columns
        from .eventlog import flag_step_names

        names += flag_step_names([draft.raw.headers[i] for i in m.flags])
    hm = getattr(draft, "history_mapping", None)
    if getattr(draft, "history_raw", None) is not None and hm is not None:
        names += column_values(con, draft.history_raw.table, hm.stage)
        names += column_values(con, draft.history_raw.table, hm.stage_before)
    if draft.shape == "deals" and m is not None:
        names += [*m.won_stages, *m.lost_stages]
    names += [str(v) for v in ((getattr(draft, "stage_names", None) or {}).get("stages") or {}).values()]
    stage_list = getattr(draft, "stage_list", None)
    if stage_list is not None:
        names += column_values(con, stage_list.raw.table, stage_list.name)
    return list(dict.fromkeys(names))


def checked_order(order, known: Iterable[str]):
    """``order`` (a list, or a list per pipeline) in the data's spelling; refused (``edit.order_unknown``)
    when it names, for a stage of the data it leaves out, a stage the data does not have (module docstring).
    Not checked when ``known`` is empty (no stage column)."""
    known = [k for k in known if k]
    if order is None or not known:
        return order
    index: dict[str, str] = {}
    for name in known:
        index.setdefault(stage_key(name), name)
        _, colon, after = name.rpartition(":")  # a code with its pipeline: «C1:NEW»
        if colon and after.strip():
            index.setdefault(stage_key(after), after.strip())
    unknown: list[str] = []

    def spelled(name: str) -> str:
        found = index.get(stage_key(name))
        if found is None:
            unknown.append(name)
        return found or name

    out = {p: [spelled(n) for n in names] for p, names in order.items()} if isinstance(order, dict) \
        else [spelled(n) for n in order]
    listed = {stage_key(n) for names in (out.values() if isinstance(out, dict) else [out]) for n in names}
    left_out = {k: s for k, s in index.items() if k not in listed}
    typos = {name: left_out[close] for name in dict.fromkeys(unknown) if (close := _close(stage_key(name), list(left_out)))}
    if typos:
        shown = list(dict.fromkeys(known))
        raise FunnelError("edit.order_unknown", stages=", ".join(f"«{n}» (→ «{s}»?)" for n, s in typos.items()),
                          known=", ".join(f"«{s}»" for s in shown[:SHOWN]) + (", …" if len(shown) > SHOWN else ""))
    return out


def preview_kinds(con, draft) -> list[tuple[str, str]]:
    """(stage, kind) of the preview's stages (``imp_stages``), then the data's stages its order leaves out, as
    open: the won/lost pickers offer every stage the file has (a stage «搁置», on hold, left out of a pasted order
    could not be marked lost: the win rate counted it as open, 66.7 % for 50 %)."""
    kinds = [(r[0], r[1]) for r in run(con, "SELECT DISTINCT stage, kind FROM imp_stages ORDER BY kind, stage").fetchall()]
    listed = {s for s, _k in kinds}
    return kinds + [(s, "open") for s in draft_stages(con, draft) if s not in listed]
