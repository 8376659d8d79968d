"""A second file told as the deals' stage history by its cells, where its headers fit no known layout.

Warehouses and BI models keep a deal's moves in tables of their own naming: a star schema's
``fct_stage_history`` (``OpportunityId, FromStage, ToStage, ChangeDate``), a dbt model's
``opportunity_history`` (``opportunity_id, stage, close_date, changed_date``), a Salesforce org keyed by an
external id (``OpportunityExtId__c, StageName, CreatedDate``). Beside the deal list they share its id
column; before this module such a file was taken for outcomes joined one row per deal, its moves
thrown away. It is a history when:

- the column shared with the deals (``joins.join_key``) repeats (a deal has several rows);
- one column holds stages: its header's words say so (``to stage``, ``stage name``, ``new stage``), else
  its values are mostly the deal list's own stages; a column of the stage a move left (``from stage``,
  ``previous stage``) is never it, and is kept as the move's earlier stage;
- one column holds when: most sampled cells read as dates, its header's words preferring a change or an
  entry (``changed``, ``change``, ``entered``, ``moved``) and never an expected close or a due date.
"""

from __future__ import annotations

import re
from typing import cast

from ..mapping import cell_kinds as sv
from ..mapping.normalize import header_tokens
from ..mapping.shapes import HistoryMapping
from ..readers.staging import RawTable
from ..sql import ident, render, run

_BEFORE = re.compile(r"^(?:from|old|previous|prev|prior|before)\b|\b(?:from|before|old|previous)$")
_STAGE_WORDS = re.compile(r"\b(?:stage|status|phase|этап|стадия|статус|阶段|状态)\b")
_MOVE_TIME = re.compile(r"\b(?:chang\w*|enter\w*|moved?|transition\w*|modified|created|updated|logged|"
                        r"изменен\w*|переход\w*|变更|进入)\b")
_PLAN_TIME = re.compile(r"\b(?:close|closing|expected|due|target|plan\w*|закрыт\w*|预计)\b")
STAGE_SHARE = 0.5  # of the history's sampled stage cells that are the deal list's stages, at least
DATE_SHARE = 0.8  # of a column's sampled cells that read as dates, at least


def history_by_values(con, main: RawTable, main_stage: int | None, other: RawTable, key: tuple[int, int],
                      samples: list[list[str | None]]) -> HistoryMapping | None:
    """The history columns of ``other`` (see the module docstring), None when it is no history."""
    _i, deal = key
    repeats, = run(con, render("SELECT count({c}) > count(DISTINCT {c}) FROM {t}", c=ident(f"c{deal}"),
                               t=ident(other.table))).fetchone()
    if not repeats:
        return None  # one row per deal: outcomes to join (joins.py), not moves
    tokens = [header_tokens(h) for h in other.headers]
    before = next((j for j, w in enumerate(tokens) if j != deal and _STAGE_WORDS.search(w) and _BEFORE.search(w)),
                  None)
    free = [j for j in range(len(tokens)) if j not in (deal, before) and tokens[j]]
    stage = next((j for j in free if _STAGE_WORDS.search(tokens[j]) and not _BEFORE.search(tokens[j])
                  and not any(sv.is_date(v) for v in sv.column(samples, j))), None)
    if stage is None and main_stage is not None:
        stage = _by_deal_stages(con, main, main_stage, other, free, samples)
    if stage is None:
        return None
    dated = [j for j in free if j != stage and _dates(sv.column(samples, j)) and not _PLAN_TIME.search(tokens[j])]
    entered = next((j for j in dated if _MOVE_TIME.search(tokens[j])), dated[0] if dated else None)
    if entered is None:
        return None
    # cast: mapping.shapes is checked without strict_optional (pyproject.toml), so its Optional reads as int
    return HistoryMapping(deal_id=deal, stage=stage, entered_at=entered, stage_before=cast(int, before))


def _dates(values: list[str]) -> bool:
    return bool(values) and sum(sv.is_date(v) for v in values) >= DATE_SHARE * len(values)


def _by_deal_stages(con, main: RawTable, main_stage: int, other: RawTable, free: list[int],
                    samples: list[list[str | None]]) -> int | None:
    """The text column of ``other`` whose sampled cells are most often the deal list's stages."""
    stages = {r[0] for r in run(con, render("SELECT DISTINCT {s} FROM {t} WHERE {s} IS NOT NULL LIMIT 2000",
                                            s=ident(f"c{main_stage}"), t=ident(main.table))).fetchall()}
    best, share = None, STAGE_SHARE
    for j in free:
        values = sv.column(samples, j)
        if not values or _dates(values):
            continue
        found = sum(v in stages for v in values) / len(values)
        if found >= share:
            best, share = j, found
    return best
