"""Bitrix24's list of categories (pipelines) as the second file: the names of the deals' ``CATEGORY_ID`` ids.

A deal list names its pipeline by an id (``CATEGORY_ID``, ``categoryId`` in ``crm.item.list``). For deals the
default pipeline is 0, which the product names as Bitrix24 does (pipeline_names.py); a smart process's default
category has an id of its own (``categoryId`` 8, stages ``DT1036_8:NEW``) and nothing in its items says it is the
default, so its categories stay ids. ``crm.category.list`` (``{entityTypeId}``: deals 2, a smart process its type)
answers every category of the type, ``id, name, sort, entityTypeId, isDefault`` (dev.1c-bitrix.ru
rest_help/crm/methodscrmcategory); given as the second file, its names name the deals' pipelines, the default
one's (``isDefault`` Y) too, over the stock «General» (an account may rename it). Known by its fields: an id, a
name, ``entityTypeId`` and ``isDefault``, a few hundred rows at most. Said in the quality report
(``category_list.applied``); a list none of whose ids is a pipeline of the deals is refused by name.
"""

from __future__ import annotations

from ..errors import FunnelError
from ..mapping.normalize import normalize_header
from ..mapping.presets import PRESETS
from ..readers import RawTable
from ..sql import ident, render, run

MAX_ROWS = 2_000
LISTED = 8  # ids named in a refusal, at most


def category_names_of(con, raw: RawTable) -> dict[str, str] | None:
    """``{id: name}`` of a category list (module docstring), else None."""
    norm = [normalize_header(h or "") for h in raw.headers]
    if raw.n_rows > MAX_ROWS or not {"id", "name", "entitytypeid", "isdefault"} <= set(norm):
        return None
    rows = run(con, render("SELECT {i}, {n} FROM {t} WHERE {i} IS NOT NULL AND {n} IS NOT NULL ORDER BY row_no",
                           i=ident(f"c{norm.index('id')}"), n=ident(f"c{norm.index('name')}"),
                           t=ident(raw.table))).fetchall()
    names: dict[str, str] = {}
    for cid, name in rows:
        names.setdefault(str(cid).strip(), str(name).strip())
    return names or None


def name_categories(con, draft) -> None:
    """Add the list's names of the deals' pipeline ids to ``mapping.pipeline_names`` (they win over a preset's
    default name; ``deals.name_pipelines`` renames the ids when the deals are built). Refused when the deals'
    pipeline is not a category id column, or none of its ids is listed."""
    file_name, names = draft.category_list
    mapping = draft.mapping
    id_headers = (PRESETS.get(mapping.preset or "") or {}).get("pipeline_ids") or ()
    column = mapping.fields.get("pipeline")
    found: list[str] = []
    if column is not None and normalize_header(draft.raw.headers[column]) in id_headers:
        found = [str(r[0]).strip() for r in run(con, render(
            "SELECT DISTINCT {c} FROM {t} WHERE {c} IS NOT NULL ORDER BY 1", c=ident(f"c{column}"),
            t=ident(draft.raw.table))).fetchall()]
    named = {pid: names[pid] for pid in found if pid in names}
    if not named:
        raise FunnelError("category_list.unmatched", file=file_name,
                          ids=", ".join(list(names)[:LISTED]) + (" …" if len(names) > LISTED else ""),
                          found=", ".join(found[:LISTED]) or "—")
    mapping.pipeline_names = {**mapping.pipeline_names, **named}
    draft.raw.notes.append(("category_list.applied", {
        "file": file_name, "n": len(named), "pipelines": ", ".join(f"{pid} → «{name}»" for pid, name in named.items())}))
