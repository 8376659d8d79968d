"""A stage order typed or pasted by a person: one stage per line, or comma-separated on one line, or
one line per pipeline (``Sales: New, Meeting, Won``). Names with a comma go in double quotes, as in a
CSV line. The CLI's ``--stages`` reads the same text (``;`` between pipelines)."""

from __future__ import annotations

import csv


def _names(part: str) -> list[str]:
    return [s.strip() for s in next(csv.reader([part], skipinitialspace=True), []) if s.strip()]


def parse_order(text: str | None, pipelines: list[str] | None = None,
                stages: list[str] | None = None) -> list[str] | dict[str, list[str]] | None:
    """The order in ``text``: a list (every pipeline), or a dict per pipeline when lines or ``;``-parts
    start with ``<pipeline>:`` for a pipeline in ``pipelines`` (any name when ``pipelines`` is None).
    ``stages``: the data's stage names; a line that is one of them stays whole though it has a comma («КП, счёт
    выставлен» pasted one stage per line was two stages)."""
    if not text or not text.strip():
        return None
    parts = [p.strip() for p in text.replace(";", "\n").splitlines() if p.strip()]
    known = set(pipelines) if pipelines is not None else None
    per: dict[str, list[str]] = {}
    for part in parts:
        head, sep, rest = part.partition(":")
        if sep and (known is None or head.strip() in known) and rest.strip():
            per.setdefault(head.strip(), []).extend(_names(rest))
    if per and len(per) == len(parts):
        return per
    whole = {stage_key(s) for s in stages or []}  # a stage of the data, comma and all
    if len(parts) == 1:
        return [parts[0]] if stage_key(parts[0]) in whole else _names(parts[0])
    return [name for part in parts for name in (_names(part) if "," in part and stage_key(part) not in whole else [part])]


def stage_key(name: str) -> str:
    """A stage name as typed and as written compare equal: case and runs of spaces aside."""
    return " ".join(name.split()).casefold()
