"""A pipeline id an export never names, named as the CRM itself names it to its users.

Bitrix24's REST ``crm.deal.list`` writes the general (default) pipeline as ``CATEGORY_ID`` 0 and names it
nowhere in the answer; the CRM shows it as «Общая» / General (the ``crm`` module's lang files), so every
page drew a pipeline «0». The name is taken in the importing user's language (the catalog's
``crmimport.pipeline.bitrix24_general``) and kept in the mapping, so a refresh or an edit reads the same
name whatever the language then. A file that names its pipelines wins: a ``CATEGORY_NAME`` column is the
pipeline itself (the preset prefers it), and a stage list naming the pipelines renames the ids first.
"""

from __future__ import annotations

from ..i18n import t
from ..mapping.normalize import normalize_header
from ..mapping.presets import PRESETS
from ..sql import run


def default_pipeline_names(draft, lang: str) -> None:
    """Set ``mapping.pipeline_names`` from the preset's ids (in ``lang``), and key a stage list's stages of
    such a pipeline by that name, as the deals will be."""
    mapping = draft.mapping
    if draft.shape != "deals" or mapping is None:
        return
    keys = (PRESETS.get(mapping.preset or "") or {}).get("pipeline_names") or {}
    if not keys:
        return
    # (a mapping remembered from an earlier import of these headers is named anew: this import's language)
    mapping.pipeline_names = {pid: t(key, lang) for pid, key in keys.items()}
    listed = mapping.listed_stages
    if listed:
        renamed: dict[str, list[str]] = {}
        for pipeline, stages in listed.items():
            name = mapping.pipeline_names.get(pipeline)
            renamed[name if name and name not in listed else pipeline] = stages
        mapping.listed_stages = renamed


def name_pipelines(con, raw, mapping) -> None:
    """Rename ``imp_valid``'s pipeline ids the mapping names, when the pipeline is read from the CRM's id
    column (a pipeline picked from another column keeps its values)."""
    if not mapping.pipeline_names or "pipeline" not in mapping.fields:
        return
    id_headers = (PRESETS.get(mapping.preset or "") or {}).get("pipeline_ids") or ()
    if normalize_header(raw.headers[mapping.fields["pipeline"]]) not in id_headers:
        return
    for pid, name in mapping.pipeline_names.items():
        run(con, "UPDATE imp_valid SET pipeline = $name WHERE trim(pipeline) = $id", {"name": name, "id": pid})
