"""The stage order a workbook keeps on a sheet of its own (survey 9, spreadsheet-native exports).

A team's workbook often holds, beside its deals, a sheet that lists the pipeline's stages in order: the
list the deal sheet's Stage drop-down (Data Validation) reads, often with each stage's win probability
(«Stages»: Stage | Order | Probability). That is the company's own order, not a guess. It is used as the
file's stage order (``mapping.stage_order``, kept with the dataset's mapping) when one column of another
sheet, under a stage header, names every stage of the deals, each once: sorted by an order column beside
it when there is one, else in its rows' order. A probability column marks the stages at 100 % won and
those at 0 % lost, and a status column («Won», «Lost») says the same, unless a stage's own name
already does. Said in the quality report (``sheets9.order_from_sheet``).

An Excel pivot's sheet (its «Row Labels» list the stages alphabetically) is never such a list, nor the
deal sheet itself (its stage column repeats its stages).
"""

from __future__ import annotations

import re

from ..mapping import classify_stage_name, classify_status_value
from ..mapping.matcher import STAGE_SORT_HEADERS
from ..mapping.normalize import header_tokens, normalize_header
from ..mapping.stage_names import stage_key
from ..mapping.stage_probability import is_probability_header
from ..mapping.synonyms import NORMALIZED_SYNONYMS, TOKEN_SYNONYMS
from ..readers import sniff
from ..readers.excel_reader import is_pivot_sheet, workbook_sheets
from ..sql import ident, render, run

# a list's own header words beyond the deal list's stage headers: «Stages», «Этапы», «Pipeline stages»
_LIST_HEADERS = {"stages", "stage list", "pipeline stages", "deal stages", "этапы", "стадии", "этапы сделки",
                 "этапы воронки", "阶段列表", "销售阶段列表", "etapas", "phases", "étapes"}
_ORDER_HEADERS = {*STAGE_SORT_HEADERS, "order", "position", "#", "no", "no.", "№", "n", "sort", "step", "rank",
                  "порядок", "позиция", "номер", "шаг", "п/п", "№ п/п", "序号", "顺序", "排序", "orden", "ordem",
                  "reihenfolge", "ordre"}
_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?\s*%?$")
MAX_LIST = 200  # a longer column is a list of deals, not of stages


def sheet_stage_order(con, draft) -> None:
    """Set ``draft.mapping.stage_order`` (and won / lost stages) from a stage list on another sheet of
    the workbook, when there is one (module docstring)."""
    raw, mapping = draft.raw, draft.mapping
    if (raw.kind not in ("xlsx", "xls") or len(raw.sheets or []) < 2 or "stage" not in mapping.fields
            or mapping.stage_sort is not None):
        return
    stages = [r[0] for r in run(con, render("SELECT DISTINCT {s} FROM {t} WHERE {s} IS NOT NULL LIMIT $n",
                                            s=ident(f"c{mapping.fields['stage']}"), t=ident(raw.table)),
                                {"n": MAX_LIST + 1}).fetchall()]
    if len(stages) < 2 or len(stages) > MAX_LIST:
        return
    try:
        sheets = workbook_sheets(draft.source.data, draft.source.file_name)
    except Exception:  # the workbook was read once already; a second look that fails changes nothing
        return
    for name, rows, _visible in sheets:
        if name == raw.sheet or is_pivot_sheet(rows):
            continue
        found = _stage_list(rows, {stage_key(s) for s in stages})
        if found is None:
            continue
        order, won, lost = found
        mapping.stage_order = order
        named = {*mapping.won_stages, *mapping.lost_stages}
        mapping.won_stages += [s for s in won if s not in named and not classify_stage_name(s)]
        mapping.lost_stages += [s for s in lost if s not in named and not classify_stage_name(s)]
        note = ("sheets9.order_from_sheet", {"file": draft.source.file_name, "sheet": name,
                                             "stages": " → ".join(order[:12]) + (" …" if len(order) > 12 else "")})
        if note[0] not in {code for code, _p in raw.notes}:
            raw.notes.append(note)
        return


def _stage_list(rows: list[list[str | None]], keys: set[str]) -> tuple[list[str], list[str], list[str]] | None:
    """(the stages in order, those marked won, those marked lost) of the first column of ``rows`` under
    a stage header that names every stage of ``keys`` (stage_key spellings) once; else None."""
    hdr = _header_row(rows)
    if hdr is None:
        return None
    header = rows[hdr]
    for j, title in enumerate(header):
        if not _is_stage_header(title):
            continue
        cells = _column_run(rows[hdr + 1:], j)
        names = [c for c, _r in cells]
        if not 2 <= len(names) <= MAX_LIST or len({stage_key(n) for n in names}) != len(names):
            continue
        if not keys <= {stage_key(n) for n in names}:
            continue
        by_order = _sorted_by_order_column(header, cells, j)
        if by_order is not None:
            cells = by_order
        won, lost = _kinds(header, cells, j)
        return [c for c, _r in cells], won, lost
    return None


def _column_run(rows: list[list[str | None]], j: int) -> list[tuple[str, list[str | None]]]:
    """The filled cells of column ``j`` from the top of ``rows`` to the first empty one, with their rows:
    the list ends there. A Vertex42 dashboard's stage table has a month table under it, whose «Month» and
    twelve dates had been read as more stages of the company's order."""
    cells: list[tuple[str, list[str | None]]] = []
    for r in rows:
        if not (text := _cell(r, j)):
            if cells:
                break
            continue
        cells.append((text, r))
    return cells


def _cell(row: list[str | None], j: int) -> str:
    value = row[j] if j < len(row) else None
    return value.strip() if value is not None else ""


def _header_row(rows: list[list[str | None]]) -> int | None:
    hdr = sniff.find_header(rows)
    if hdr is not None:
        return hdr
    # a one-column list («Stage» and its values) may not look like a table's header: its first filled row
    return next((i for i, r in enumerate(rows) if sniff.effective_width(r)), None)


def _is_stage_header(title: str | None) -> bool:
    text = normalize_header(title)
    return bool(text) and (text in NORMALIZED_SYNONYMS["stage"] or text in _LIST_HEADERS
                           or header_tokens(title) in TOKEN_SYNONYMS["stage"])


def _sorted_by_order_column(header, cells, j):
    """``cells`` sorted by a numeric order column beside the stage column, or None when there is none."""
    for k, title in enumerate(header):
        if k == j or normalize_header(title) not in _ORDER_HEADERS:
            continue
        values = [_cell(r, k) for _c, r in cells]
        if all(_NUMBER.match(v) for v in values):
            keyed = [(float(v.rstrip("%").strip().replace(",", ".")), i) for i, v in enumerate(values)]
            return [cells[i] for _o, i in sorted(keyed)]
    return None


def _kinds(header, cells, j) -> tuple[list[str], list[str]]:
    """The stages a probability column puts at 100 % (won) and 0 (lost), or a status column calls won or
    lost (a value none of them has is no mark)."""
    won: list[str] = []
    lost: list[str] = []
    for k, title in enumerate(header):
        if k == j or title is None:
            continue
        values = [_cell(r, k) for _c, r in cells]
        if is_probability_header(title) and all(_NUMBER.match(v) for v in values):
            numbers = [float(v.rstrip("%").strip().replace(",", ".")) for v in values]
            top = 1.0 if max(numbers) <= 1 else 100.0
            won += [c for (c, _r), p in zip(cells, numbers, strict=True) if p >= top]
            lost += [c for (c, _r), p in zip(cells, numbers, strict=True) if p == 0]
        else:
            for (c, _r), v in zip(cells, values, strict=True):
                kind = classify_status_value(v)
                if kind == "won":
                    won.append(c)
                elif kind == "lost":
                    lost.append(c)
    return list(dict.fromkeys(won)), [s for s in dict.fromkeys(lost) if s not in won]
