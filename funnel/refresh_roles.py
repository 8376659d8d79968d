"""The roles of an event log's, a visitor file's or a counts table's columns carried onto its next export (a refresh:
``import FILE --into N``, the Data page's «Import into: dataset N»), by header name, as a deal list's mapping is
(``dataset_edit._carry_mapping``).

Before, a refresh of such a dataset read the new file with the import's proposal alone: after ``edit --map
variant=group`` the refreshed A/B test compared ``landing_page`` again, and the steps picked by hand went back to the
proposal's.

- A role the stored mapping gives a column is given the new file's column of the same title.
- A role the stored mapping leaves empty stays empty where the proposal would read a column the stored file had
  (the user left it so); a column new in this export is read as the proposal reads it.
- The steps (a visitor file's yes/no columns, a wide counts table's step columns) stay the chosen ones, in their
  order; a step column new in this export and proposed as a step goes where its counts (or else the file's column
  order) put it among them (step_place.py), said in the notes.
- A chosen column the new file lacks is said in the refresh's notes, and the role (the steps) is read as the
  proposal reads it.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from .importer.quality_findings import Findings
from .mapping.roles import COUNT_ROLES, EVENT_ROLES, apply_roles, step_candidates
from .step_place import place_steps, placement_note

MIN_COUNT_STEPS = 2  # a wide counts table's steps (roles.few_count_steps)


def stored_steps(summary: dict[str, Any], shape: str) -> list[str]:
    """The step columns' titles of a stored mapping summary (``meta["mapping"]``), in funnel order."""
    return list(summary.get("outcomes" if shape == "events" else "wide_stages") or [])


def mapping_steps(mapping, headers: list[str]) -> list[str]:
    """The step columns' titles of an event log's or counts table's mapping, in funnel order."""
    return [headers[i] for i in (getattr(mapping, "flags", None) or getattr(mapping, "wide_stages", None) or [])]


def carry_roles(summary: dict[str, Any], old_headers: list[str] | None, draft, notes: Findings,
                gone_out: dict[str, str] | None = None, counts: dict[int, int] | None = None):
    """``draft.mapping`` (the new file's proposal) with the roles of the stored ``summary`` carried by header name
    (see the module docstring); ``old_headers``: the stored file's column titles, None when not kept. The proposal
    itself is not changed. Returns the proposal when the carried roles cannot be read together. ``gone_out`` gets
    the roles whose chosen column the file lacks (role -> title; refresh_awaited.py remembers them). ``counts``: a
    visitor file's yes counts by column, which place a new step column among the kept ones (step_place.py)."""
    shape, headers, proposal = draft.shape, list(draft.raw.headers), draft.mapping
    fields = summary.get("fields") or {}
    position = {h: i for i, h in reversed(list(enumerate(headers)))}
    known = set(old_headers or [])
    given: dict[str, int | None] = {}
    gone: list[tuple[str, str]] = []
    for role in EVENT_ROLES if shape == "events" else COUNT_ROLES:
        header = fields.get(role)
        if header is None:
            proposed = getattr(proposal, role, None)
            if proposed is not None and headers[proposed] in known:
                given[role] = None  # the user's empty role, not a column this export adds
        elif header in position:
            given[role] = position[header]
        else:
            gone.append((role, header))
            if gone_out is not None:
                gone_out[role] = header
    chosen = stored_steps(summary, shape)
    kept = [position[h] for h in chosen if h in position]
    lost = [h for h in chosen if h not in position]
    # (the stored file's titles unknown: no column can be told new, the chosen steps alone)
    added = [i for i in _proposed_steps(proposal) if old_headers is not None and headers[i] not in known
             and i not in kept and i not in given.values()]
    # a new step goes where its counts (else the file's column order) put it, not after the last (step_place.py)
    steps, placed = place_steps(kept, added, counts) if chosen else (None, [])
    if steps is not None and len(steps) < (MIN_COUNT_STEPS if shape == "counts" else 1):
        steps = None  # too few chosen steps left: the proposal's
    if steps is None:  # the proposal's steps: its step (stage, count) columns too
        given = {r: i for r, i in given.items() if i is not None or r not in ("step", "stage", "count")}
    out = apply_roles(copy.deepcopy(proposal), headers, shape, given, steps, draft.samples)
    if out is None:
        return proposal
    if steps is not None:
        placement_note(notes, placed, headers, counts)
    for role, header in gone:
        now = getattr(out, role, None)
        params = {"field_key": f"ui.data.role.{role}", "name": role, "column": f"«{header}»"}
        if now is None:
            notes.add("refresh.column_gone", "warning", column=header, n=None,
                      detail=json.dumps(params, ensure_ascii=False))
        else:
            notes.add("refresh.column_moved", "warning", column=header, value=headers[now], n=None,
                      detail=json.dumps({**params, "now": f"«{headers[now]}»"}, ensure_ascii=False))
    if lost:
        listed = ", ".join(f"«{h}»" for h in lost)
        notes.add("refresh48.steps_gone", "warning", value=listed, n=None, detail=json.dumps(
            {"gone": listed, "now": ", ".join(f"«{h}»" for h in mapping_steps(out, headers))}, ensure_ascii=False))
    return out


def _proposed_steps(mapping) -> list[int]:
    return list(getattr(mapping, "flags", None) or getattr(mapping, "wide_stages", None) or [])


def note_new_steps(old_headers: list[str] | None, summary: dict[str, Any], draft, notes: Findings,
                   counts: dict[int, int] | None = None) -> None:
    """A visitor file's yes/no columns new in this export (a ``purchase`` column added to the CRM's report), said
    in the refresh's notes: read as a step (``refresh49.step_new_added``, the steps now) or not, and how to make it
    one (``refresh49.step_new_not_step``). Before, a new step appeared in the funnel unsaid, or was left out unsaid.
    A column of the stored mapping ``summary`` (a chosen step back after a week without it) is not new. Unknown
    stored titles (rows not kept): no column can be told new, nothing said."""
    mapping, headers = draft.mapping, list(draft.raw.headers)
    if draft.shape != "events" or old_headers is None or not getattr(mapping, "flags", None):
        return
    known = {*old_headers, *stored_steps(summary, draft.shape), *(summary.get("fields") or {}).values()}
    roles = {getattr(mapping, r, None) for r in EVENT_ROLES}
    new = [i for i in step_candidates(mapping, headers, draft.samples)
           if headers[i] not in known and i not in roles and str(headers[i] or "").strip()]
    if not new:
        return
    steps = [headers[i] for i in mapping.flags]
    flow = " → ".join(f"«{h}»" for h in steps)
    added = [headers[i] for i in new if i in mapping.flags]
    left = [headers[i] for i in new if i not in mapping.flags]
    if added:
        listed = ", ".join(f"«{h}»" for h in added)
        notes.add("refresh49.step_new_added", "info", value=listed, n=None, detail=json.dumps(
            {"columns": listed, "steps": flow}, ensure_ascii=False))
    if left:
        listed = ", ".join(f"«{h}»" for h in left)
        # the command that makes it a step lists it where its counts (else the file) put it, not last
        placed, _where = place_steps(list(mapping.flags), [i for i in new if i not in mapping.flags], counts)
        notes.add("refresh49.step_new_not_step", "warning", value=listed, n=None, detail=json.dumps(
            {"columns": listed, "steps": flow, "cli": ",".join(headers[i] for i in placed)}, ensure_ascii=False))
