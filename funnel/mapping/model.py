"""The mapping of a deals export onto the canonical model, as the importer and the Data page use it."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass
class Mapping:
    preset: str | None = None                       # PRESETS key, or None for a generic file
    fields: dict[str, int] = field(default_factory=dict)       # canonical/helper field -> column index
    extras: dict[int, str] = field(default_factory=dict)       # column index -> header, kept attributes
    stage_entered: dict[int, tuple[str, str | None]] = field(default_factory=dict)  # shape C columns
    date_order: str | None = None                   # 'dmy' / 'mdy' hint, None: decide from the values
    won_stages: list[str] = field(default_factory=list)
    lost_stages: list[str] = field(default_factory=list)
    stage_order: list[str] | None = None            # the CRM's default stage order when known
    status_values: dict[str, str] = field(default_factory=dict)  # the CRM's status codes: value -> kind
    stage_sort: int | None = None                   # column with each stage's position (StageSortOrder)
    # the CRM's own stage list given beside the deals (importer/stage_list.py), per pipeline as the deals
    # name it ('' when they name none): its stages are drawn even where no deal is, unlike a preset's
    listed_stages: dict[str, list[str]] | None = None
    # a pipeline id the file does not name, named as the CRM names it in the importing user's language
    # (Bitrix24's CATEGORY_ID 0: «Общая» / General / 通用); kept with the dataset, so a refresh reads the same
    pipeline_names: dict[str, str] = field(default_factory=dict)
    # the won / lost stages the user picked for one pipeline of several (the Data page's pickers, one pair per
    # pipeline; ``edit --won "Sales: Won"``): that pipeline's, in place of ``won_stages`` / ``lost_stages``, so a
    # stage of Renewals picked as won is no won stage of Sales
    won_by_pipeline: dict[str, list[str]] = field(default_factory=dict)
    lost_by_pipeline: dict[str, list[str]] = field(default_factory=dict)

    def won_in(self, pipeline: str) -> list[str]:
        """The won stage names of ``pipeline``: its own picks when the user made them, else the file's."""
        return list(self.won_by_pipeline[pipeline]) if pipeline in self.won_by_pipeline else list(self.won_stages)

    def lost_in(self, pipeline: str) -> list[str]:
        return list(self.lost_by_pipeline[pipeline]) if pipeline in self.lost_by_pipeline else list(self.lost_stages)

    def to_json(self) -> str:
        data = asdict(self)
        data["extras"] = {str(k): v for k, v in self.extras.items()}
        data["stage_entered"] = {str(k): list(v) for k, v in self.stage_entered.items()}
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, s: str) -> Mapping:
        data = json.loads(s)
        return cls(
            preset=data.get("preset"),
            fields={k: int(v) for k, v in (data.get("fields") or {}).items()},
            extras={int(k): v for k, v in (data.get("extras") or {}).items()},
            stage_entered={int(k): (v[0], v[1]) for k, v in (data.get("stage_entered") or {}).items()},
            date_order=data.get("date_order"),
            won_stages=list(data.get("won_stages") or []),
            lost_stages=list(data.get("lost_stages") or []),
            stage_order=list(data["stage_order"]) if data.get("stage_order") is not None else None,
            status_values=dict(data.get("status_values") or {}),
            stage_sort=data.get("stage_sort"),
            listed_stages={k: list(v) for k, v in data["listed_stages"].items()} if data.get("listed_stages") else None,
            pipeline_names=dict(data.get("pipeline_names") or {}),
            won_by_pipeline={k: list(v) for k, v in (data.get("won_by_pipeline") or {}).items()},
            lost_by_pipeline={k: list(v) for k, v in (data.get("lost_by_pipeline") or {}).items()},
        )
