"""The stages the won / lost pickers offer, one pair of pickers per pipeline (session 49).

Several pipelines are separate funnels (DOMAIN.md): a stage of Renewals is no stage of Sales, so it is neither
offered nor applied as Sales' won stage. The Data page's import step and its "Change this dataset" panel ask these
functions for each pipeline's (stage, kind) pairs; what the user picks is applied to that pipeline only
(``Mapping.won_by_pipeline`` / ``lost_by_pipeline``, read by ``importer.deals`` through ``Mapping.won_in``).
"""

from __future__ import annotations

from .errors import FunnelError
from .mapping.stage_names import stage_key
from .sql import ident, render, run


def _grouped(rows) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for pipeline, stage, kind in rows:
        pairs = out.setdefault(pipeline or "", [])
        if stage is not None and all(s != stage for s, _k in pairs):
            pairs.append((stage, kind))
    return out


def stored_kinds(store, info) -> dict[str, list[tuple[str, str]]]:
    """Per pipeline of a stored dataset, (stage, kind) of its stages, then the stages its deals are at that its
    order leaves out, as open (a stage on hold could not be marked lost otherwise: ``dataset_edit.stage_kinds``)."""
    with store.connect() as con:
        rows = run(con, render("SELECT COALESCE(pipeline, ''), stage, kind FROM {t} ORDER BY 1, kind, stage",
                               t=info.tables["stages"])).fetchall()
        if info.shape == "deals":
            rows += [(r[0], r[1], "open") for r in run(con, render(
                "SELECT DISTINCT COALESCE(d.pipeline, ''), d.stage FROM {d} d WHERE d.stage IS NOT NULL AND NOT EXISTS "
                "(SELECT 1 FROM {s} s WHERE COALESCE(s.pipeline, '') = COALESCE(d.pipeline, '') AND s.stage = d.stage) "
                "ORDER BY 1, 2", d=info.tables["deals"], s=info.tables["stages"])).fetchall()]
    return _grouped(rows)


def preview_kinds(con, draft) -> dict[str, list[tuple[str, str]]]:
    """Per pipeline of an import preview (``imp_stages``), (stage, kind); then the file's stages a pipeline's deals
    are at that its order leaves out, as open, where the file's pipeline column names that pipeline."""
    rows = run(con, "SELECT COALESCE(pipeline, ''), stage, kind FROM imp_stages ORDER BY 1, kind, stage").fetchall()
    fields = draft.mapping.fields if draft.mapping is not None else {}
    if "stage" in fields and "pipeline" in fields and draft.raw is not None:
        known = {r[0] for r in rows}
        pairs = run(con, render("SELECT DISTINCT trim({p}), trim({s}) FROM {t} WHERE {s} IS NOT NULL AND trim({s}) <> '' "
                                "ORDER BY 1, 2", p=ident(f"c{int(fields['pipeline'])}"),
                                s=ident(f"c{int(fields['stage'])}"), t=ident(draft.raw.table))).fetchall()
        rows += [(p, s, "open") for p, s in pairs if p in known]
    return _grouped(rows)


def checked_picks(picks: dict[str, list[str]], kinds: dict[str, list[tuple[str, str]]],
                  dataset: int | str) -> dict[str, list[str]]:
    """``picks`` (pipeline -> stage names typed or picked) as each pipeline writes its stages, case and spaces aside.
    A pipeline the dataset does not have, or a stage that is no stage of that pipeline (another pipeline's), is
    refused (``FunnelError``): applied, it would change nothing, or make another pipeline's stage this one's sale."""
    out: dict[str, list[str]] = {}
    for pipeline, names in picks.items():
        if pipeline not in kinds:
            raise FunnelError("pipes49.unknown_pipeline", dataset=dataset, pipeline=pipeline,
                              pipelines=", ".join(f"«{p}»" for p in kinds))
        own = {stage_key(s): s for s, _k in kinds[pipeline]}
        for name in names:
            if stage_key(name) not in own:
                stages = [s for s, _k in kinds[pipeline]]
                raise FunnelError("pipes49.stage_not_in_pipeline", dataset=dataset, stage=name, pipeline=pipeline,
                                  stages=", ".join(f"«{s}»" for s in stages[:12]) + (", …" if len(stages) > 12 else ""))
        out[pipeline] = [own[stage_key(name)] for name in names]
    return out
