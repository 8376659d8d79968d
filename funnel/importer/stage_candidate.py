"""The column that may be the stage, when none was found: named in the no-stage finding, so that a user asked
once maps it instead of reading «outcomes only» with every deal open.

Survey 40: a board or tracker kept as a pipeline has its stage under a word of its own (a Kaiten card's
«column», YouGile's «Колонка», Teambition's «任务分组», Asana's «Section/Column»); the import drew no funnel and
counted 12 deals open, 0 won, saying only «No stage column». A column left as an attribute whose few values
include a won or lost stage's name («Оплачено», «Отказ», «Closed won», «已成交») is very likely the stage.
"""

from __future__ import annotations

from typing import NamedTuple

from ..mapping.model import Mapping
from ..mapping.normalize import normalize_header
from ..mapping.status import classify_stage_name
from ..mapping.synonyms import NORMALIZED_SYNONYMS
from ..readers.staging import RawTable
from ..sql import ident, render, run

MAX_STAGES = 30  # distinct values of a stage column at most (a status of a few values, not a name or a city)


class Candidate(NamedTuple):
    header: str
    closing: list[str]  # its won / lost values, at most three
    titled: bool  # a stage column's own title among its values («Stage» under «Q1 2024»): a title row read as the
    # header, the file's header a row further down


def stage_candidate(con, raw: RawTable, mapping: Mapping) -> Candidate | None:
    """The first attribute column of 2 to ``MAX_STAGES`` values, some but not all of them a closing stage's name;
    None when no column is such."""
    for i in sorted(mapping.extras):
        values = [r[0] for r in run(con, render("SELECT DISTINCT {c} FROM {t} WHERE {c} IS NOT NULL LIMIT {k}",
                                                c=ident(f"c{i}"), t=ident(raw.table),
                                                k=str(MAX_STAGES + 1))).fetchall()]
        if not 2 <= len(values) <= MAX_STAGES:
            continue
        closing = sorted(str(v) for v in values if classify_stage_name(str(v)) in ("won", "lost"))
        if closing and len(closing) < len(values):
            titled = any(normalize_header(str(v)) in _STAGE_TITLES for v in values)
            return Candidate(raw.headers[i], closing[:3], titled)
    return None


_STAGE_TITLES = frozenset(NORMALIZED_SYNONYMS["stage"])
