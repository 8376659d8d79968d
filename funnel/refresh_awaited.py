"""The user's column choices a refresh could not read, remembered until an export has their columns again.

A refresh whose file lacks a chosen column (a deal list's field, a visitor file's variant, a chosen step) reads that
role from the new file's proposal and says so (``refresh.column_moved`` / ``column_gone``, ``refresh48.steps_gone``).
Before, the stored mapping then named the proposal's column and the choice was lost: a later export with the column
back still read the proposal's (``group`` chosen as the variant, one week without it, ``landing_page`` for good).

Now the dataset keeps the choice by column title in ``meta[AWAITED]`` (``{"fields": {role: title}, "steps":
[titles]}``): each refresh first puts back the awaited titles the new file has (said: ``refresh49.column_back``,
``refresh49.steps_back``), and while a title is still missing it is said that the choice is kept
(``refresh49.choice_kept``). A choice made since (``edit --map`` of that role, ``--map`` with ``--into``) replaces
the awaited one.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from .importer.quality_findings import Findings

AWAITED = "refresh_awaited"


def field_key(shape: str, role: str) -> str:
    """The catalog key of a role's name: a deal list's field or an event log's / counts table's role."""
    return f"mapping.field.{role}" if shape == "deals" else f"ui.data.role.{role}"


def _steps_of(summary: dict[str, Any], shape: str) -> list[str]:
    return list(summary.get("outcomes" if shape == "events" else "wide_stages") or [])


def named_roles(pairs: list[str] | None) -> set[str]:
    """The roles (``steps`` too) that ``--map ROLE=COLUMN`` pairs name."""
    return {p.split("=", 1)[0].strip() for p in pairs or []}


def with_awaited(summary: dict[str, Any], awaited: dict[str, Any] | None, headers: list[str], shape: str,
                 notes: Findings, pairs: list[str] | None = None) -> dict[str, Any]:
    """The stored mapping ``summary`` (``meta["mapping"]``) with the awaited choices the new file's ``headers`` have
    put back, each said in ``notes``. A title another role took meanwhile is not put back (that choice is newer), nor
    a role ``--map`` names with this refresh (``pairs``: the user's choice of now)."""
    if not awaited:
        return summary
    out = copy.deepcopy(summary)
    fields = out.setdefault("fields", {})
    present = set(headers)
    given = named_roles(pairs)
    for role, title in (awaited.get("fields") or {}).items():
        if title not in present or fields.get(role) == title or title in fields.values() or role in given:
            continue
        was = fields.get(role)
        fields[role] = title
        params = {"field_key": field_key(shape, role), "column": f"«{title}»"}
        notes.add("refresh49.column_back" if was else "refresh49.column_back_empty", "info", column=title,
                  value=was, n=None, detail=json.dumps({**params, **({"was": f"«{was}»"} if was else {})},
                                                       ensure_ascii=False))
    chosen = list(awaited.get("steps") or [])
    if chosen and shape != "deals" and "steps" not in given:
        now = _steps_of(out, shape)
        back = [h for h in chosen if h in present and h not in now]
        if back:
            out["outcomes" if shape == "events" else "wide_stages"] = (
                [h for h in chosen if h in present] + [h for h in now if h not in chosen])
            listed = ", ".join(f"«{h}»" for h in back)
            notes.add("refresh49.steps_back", "info", value=listed, n=None, detail=json.dumps(
                {"back": listed, "steps": " → ".join(f"«{h}»" for h in chosen if h in present)},
                ensure_ascii=False))
    return out


def still_awaited(awaited: dict[str, Any] | None, summary: dict[str, Any], gone: dict[str, str],
                  headers: list[str], shape: str, pairs: list[str] | None, notes: Findings) -> dict[str, Any]:
    """The choices to remember after this refresh: those its file lacked (``gone``: role → the stored title; the
    title awaited before, when it was one) and those still missing, less the roles ``--map`` gave now (``pairs``).
    Each is said once in ``notes`` (the choice kept, for the next export that has it)."""
    before = awaited or {}
    present = set(headers)
    fields = {role: (before.get("fields") or {}).get(role, title) for role, title in gone.items()}
    for role, title in (before.get("fields") or {}).items():
        if role not in fields and title not in present:
            fields[role] = title
    given = named_roles(pairs)
    fields = {r: h for r, h in fields.items() if r not in given}
    chosen = list(before.get("steps") or []) or _steps_of(summary, shape)
    steps = chosen if shape != "deals" and "steps" not in given and any(h not in present for h in chosen) else []
    for role, title in fields.items():
        notes.add("refresh49.choice_kept", "info", column=title, n=None, detail=json.dumps(
            {"field_key": field_key(shape, role), "column": f"«{title}»"}, ensure_ascii=False))
    if steps:
        missing = ", ".join(f"«{h}»" for h in steps if h not in present)
        notes.add("refresh49.steps_kept", "info", value=missing, n=None, detail=json.dumps(
            {"missing": missing, "steps": " → ".join(f"«{h}»" for h in steps)}, ensure_ascii=False))
    return {k: v for k, v in (("fields", fields), ("steps", steps)) if v}


def after_edit(awaited: dict[str, Any] | None, before: dict[str, Any], after: dict[str, Any],
               shape: str, named: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The awaited choices after an ``edit`` (the «Change this dataset» panel) that changed the mapping from
    ``before`` to ``after`` (stored summaries): a role the user set anew, or steps picked anew, no longer wait; nor
    do the roles ``named`` (``edit --map manager=Manager``: the column read since the refresh, now chosen)."""
    if not awaited:
        return {}
    old, new = before.get("fields") or {}, after.get("fields") or {}
    fields = {r: h for r, h in (awaited.get("fields") or {}).items() if old.get(r) == new.get(r) and r not in named}
    steps = awaited.get("steps") if _steps_of(before, shape) == _steps_of(after, shape) and "steps" not in named \
        else None
    return {k: v for k, v in (("fields", fields), ("steps", steps)) if v}
