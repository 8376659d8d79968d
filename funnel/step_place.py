"""Where a visitor file's new yes/no step column goes among the steps it already has (a refresh: refresh_roles.py).

A new export with a ``demo`` column between ``signup`` and ``trial`` had the step appended after the last one
(«signup → trial → paid → demo»), and the command the refresh suggested to make such a column a step listed it last
too: the funnel then counted everyone who reached ``demo`` as past ``paid``. A funnel narrows (DOMAIN.md: a step is
reached by fewer than the step before it), so the column goes where its count of «yes» fits: after the last step
reached by more visitors and before the first reached by fewer. When the counts do not say one place (a tie with a
step, or steps whose counts do not fall), it goes where the file puts it among the steps' columns. The placement is
said in the refresh's notes (:func:`placement_note`), with the counts or the file's order it rests on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .importer.quality_findings import Findings
from .readers.values import bool_sql
from .sql import ident, render, run


@dataclass
class Placement:
    """A new step column ``column`` put at ``index`` of the steps; ``by``: "counts" or "file"; ``after`` /
    ``before``: the neighbouring steps' columns (None at an end)."""

    column: int
    index: int
    by: str
    after: int | None
    before: int | None


def yes_counts(con, table: str, columns: list[int]) -> dict[int, int]:
    """The rows saying yes in each of the staged table's ``columns`` (as the import reads a yes/no cell)."""
    if not columns:
        return {}
    parts = ", ".join(f"count(*) FILTER (WHERE {bool_sql(ident(f'c{i}'))})" for i in columns)
    row = run(con, render("SELECT " + parts + " FROM {t}", t=ident(table))).fetchone()
    return dict(zip(columns, (int(n) for n in row), strict=True))


def _by_counts(order: list[int], column: int, counts: dict[int, int]) -> int | None:
    """The one index where ``column``'s count is below the step before and above the step after; None when no
    index or several fit, or a count is unknown."""
    if column not in counts or any(i not in counts for i in order):
        return None
    n = counts[column]
    fits = [k for k in range(len(order) + 1)
            if (k == 0 or counts[order[k - 1]] > n) and (k == len(order) or counts[order[k]] < n)]
    return fits[0] if len(fits) == 1 else None


def _by_file(order: list[int], column: int) -> int:
    """After the step whose column comes last before ``column`` in the file; first when none does."""
    before = [k for k, i in enumerate(order) if i < column]
    return max(before) + 1 if before else 0


def place_steps(order: list[int], new: list[int], counts: dict[int, int] | None) -> tuple[list[int], list[Placement]]:
    """``order`` (the steps kept, in funnel order) with each ``new`` column placed (in the file's order of the new
    columns), and where each went."""
    steps = list(order)
    placed = []
    for column in sorted(new):
        index = _by_counts(steps, column, counts or {})
        by = "counts"
        if index is None:
            index, by = _by_file(steps, column), "file"
        steps.insert(index, column)
        placed.append(Placement(column, index, by, steps[index - 1] if index > 0 else None,
                                steps[index + 1] if index + 1 < len(steps) else None))
    return steps, placed


SENTENCES = {("counts", "between"): "quality.import50.step_placed_counts_between",
             ("counts", "first"): "quality.import50.step_placed_counts_first",
             ("counts", "last"): "quality.import50.step_placed_counts_last",
             ("file", "between"): "quality.import50.step_placed_file_between",
             ("file", "first"): "quality.import50.step_placed_file_first",
             ("file", "last"): "quality.import50.step_placed_file_last"}


def placement_note(notes: Findings, placed: list[Placement], headers: list[str], counts: dict[int, int] | None) -> None:
    """Each placement said in the refresh's notes: the counts that put the column between its neighbours, or the
    file's order when the counts do not tell (each step's count shown then)."""
    counts = counts or {}
    for p in placed:
        name = headers[p.column]
        params: dict[str, object] = {"column": f"«{name}»", "n": counts.get(p.column)}
        if p.after is not None:
            params.update(after=f"«{headers[p.after]}»", n_after=counts.get(p.after))
        if p.before is not None:
            params.update(before=f"«{headers[p.before]}»", n_before=counts.get(p.before))
        end = "between" if p.after is not None and p.before is not None else "first" if p.after is None else "last"
        sentence = SENTENCES[p.by, end]
        notes.add("import50.step_placed", "info", column=name, n=None,
                  detail=json.dumps({**params, "sentence": sentence}, ensure_ascii=False))
