"""The roles a user gives the columns of an event log, a visitor file or a counts table (the CLI's ``--map``, the
Data page's pickers), applied to the proposed mapping.

A visitor file of yes/no columns (``user_id, group, converted``) and a wide counts table (one column per step:
``age, Impressions, Clicks, Total_Conversion``) have no single step column: their steps are a list of columns, in
funnel order, given as ``steps`` (the CLI's ``--map steps=retention_1,retention_7``). Before, only the proposal's
steps could be read, and a role could be given the column of another (``variant`` = the outcome ``converted``)
without a word.

A choice that cannot be read raises :class:`~funnel.errors.FunnelError` naming the column and what to do: one column
in two roles, no step, a step of a visitor file that is no yes/no column, a step of a counts table that holds no
counts. A required role left empty returns None (the caller keeps the proposal or refuses, as before).
"""

from __future__ import annotations

from . import cell_kinds as sv
from .shapes import FLAG_SHARE, CountsMapping, EventMapping

EVENT_ROLES = ("entity", "step", "timestamp", "variant", "source")
COUNT_ROLES = ("stage", "count", "group")
STEPS = "steps"  # the ordered step columns of a visitor file's yes/no columns or of a wide counts table


def _first_bad(samples, index: int, fits) -> str | None:
    """The first sample cell of column ``index`` that ``fits`` refuses, None when all fit (or none is known)."""
    return next((v for v in sv.values(samples, index) if not fits(v)), None)


def _same_column(headers: list[str], placed: list[tuple[str, int | None]]) -> None:
    """Refuse a column given two roles (``placed``: (role, column) in the order the roles were read)."""
    seen: dict[int, str] = {}
    for role, index in placed:
        if index is None:
            continue
        if index in seen:
            raise_error("roles.same_column", column=headers[index], role_key=f"ui.data.role.{seen[index]}",
                        other_key=f"ui.data.role.{role}")
        seen[index] = role


def raise_error(code: str, **params) -> None:
    from ..errors import FunnelError  # the mapping package raises through its callers' errors

    raise FunnelError(code, **params)


def apply_roles(mapping, headers: list[str], shape: str, given: dict[str, int | None],
                steps: list[int] | None = None, samples=None):
    """``mapping`` (the proposal, changed in place; None when nothing was proposed) with the roles of ``given``
    (role → column index, None to unmap) and, when not None, the step columns ``steps`` in funnel order. The
    ``samples`` check a step column the proposal did not read as one. Returns None when a required role is
    missing (an entity, a step)."""
    if shape == "events":
        return _event_roles(mapping, headers, given, steps, samples)
    return _count_roles(mapping, headers, given, steps, samples)


def _event_roles(mapping, headers, given, steps, samples):
    proposed_flags = list(mapping.flags) if mapping else []
    if steps is not None:
        if given.get("step") is not None:
            raise_error("roles.step_and_steps", column=headers[given["step"]])
        given = {**given, "step": None}
        if not steps:
            raise_error("roles.no_yes_no_step")
        for i in steps:
            if i not in proposed_flags and (bad := _first_bad(samples, i, sv.is_bool)) is not None \
                    and sv.share(sv.column(samples, i), sv.is_bool) < FLAG_SHARE:
                raise_error("roles.not_yes_no", column=headers[i], value=bad)
    entity = given.get("entity", mapping.entity if mapping else None)
    step = given.get("step", mapping.step if mapping else None)
    flags = list(steps) if steps is not None else [] if step is not None else proposed_flags
    if entity is None or step is None and not flags:
        return None
    out = mapping or EventMapping(entity, step)
    out.entity, out.step, out.flags = entity, step, flags
    for name in ("timestamp", "variant", "source"):
        if name in given:
            setattr(out, name, given[name])
    # the roles given first: a proposed role on a column the user gave another role gives way to it (the
    # proposal's own variant, now the step named by hand); two roles the user gave one column are refused
    yours = [(r, given[r]) for r in EVENT_ROLES if r in given] + [("step", i) for i in (steps or [])]
    _same_column(headers, yours)
    taken = {i for _r, i in yours if i is not None}
    for name in ("timestamp", "variant", "source"):
        if name not in given and getattr(out, name) in taken:
            setattr(out, name, None)
    if steps is None and out.flags:  # the proposal's yes/no steps, less a column the user gave a role
        out.flags = [i for i in out.flags if i not in taken]
        if not out.flags and out.step is None:
            raise_error("roles.no_yes_no_step")
    used = {out.entity, out.step, out.timestamp, out.variant, out.source, *out.flags}
    out.extras = {i: str(h).strip() for i, h in enumerate(headers) if str(h or "").strip() and i not in used}
    return out


def _count_roles(mapping, headers, given, steps, samples):
    out = mapping or CountsMapping()
    proposed_steps, proposed_group = list(out.wide_stages), out.group
    for name in COUNT_ROLES:
        if name in given:
            setattr(out, name, given[name])
    if steps is not None:
        if given.get("stage") is not None or given.get("count") is not None:
            raise_error("roles.step_and_steps", column=headers[given.get("stage") or given["count"]])
        if len(steps) < 2:
            raise_error("roles.few_count_steps", picked=len(steps))
        for i in steps:
            if i not in proposed_steps and (bad := _first_bad(
                    samples, i, lambda v: sv.is_number(v) and sv.is_whole_number(v))) is not None:
                raise_error("roles.not_counts", column=headers[i], value=bad)
        out.stage = out.count = None
        _same_column(headers, [("group", out.group if "group" in given else None),
                               *(("stage_column", i) for i in steps)])
        if "group" not in given and out.group in steps:
            out.group = None  # the proposal's group, now a step named by hand
        now = set(steps)
        out.left_out = sorted([(i, why) for i, why in out.left_out if i not in now and i != out.group]
                              + [(i, "not_step") for i in proposed_steps if i not in now and i != out.group])
        out.wide_stages, out.rounded = list(steps), [i for i in out.rounded if i in now]
    elif "stage" in given or "count" in given:  # a long table named by the user: no wide steps
        out.wide_stages, out.left_out = [], []
    elif out.wide_stages and "group" in given and given["group"] in out.wide_stages:
        raise_error("roles.same_column", column=headers[given["group"]], role_key="ui.data.role.stage_column",
                    other_key="ui.data.role.group")
    elif out.wide_stages and out.group is not None:
        out.left_out = [(i, why) for i, why in out.left_out if i != out.group]
    if out.group is not None and out.group in (out.stage, out.count) and "group" not in given:
        out.group = None  # the wide reading's group, now the step the user named (Matomo's «label»)
    if out.group != proposed_group:
        out.detail = None  # a second level of the proposal's group is none of another column's
    if out.wide_stages and len(out.wide_stages) >= 2 or out.stage is not None and out.count is not None:
        return out
    return None


def step_candidates(mapping, headers: list[str], samples) -> list[int]:
    """The columns that may be steps of a visitor file (its yes/no columns) or of a wide counts table (its columns
    of whole numbers): the proposal's steps first, in their order, then the others in file order (the Data page's
    choice of steps)."""
    proposed = list(getattr(mapping, "flags", None) or getattr(mapping, "wide_stages", None) or [])
    if getattr(mapping, "flags", None):
        def fits(i: int) -> bool:
            vals = sv.column(samples, i)
            return bool(vals) and sv.share(vals, sv.is_bool) >= FLAG_SHARE
    else:
        def fits(i: int) -> bool:
            vals = sv.values(samples, i)
            return bool(vals) and all(sv.is_number(v) and sv.is_whole_number(v) for v in vals)
    entity = getattr(mapping, "entity", None)
    return [*proposed, *(i for i, h in enumerate(headers)
                         if i not in proposed and i != entity and str(h or "").strip() and fits(i))]
