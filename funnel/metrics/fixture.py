"""A throw-away dataset built from deal stories, for tests and examples (never reads files).

``make_dataset(con, stages={...}, deals=[...])`` creates schema ``ds_<id>`` with the canonical DDL
of :mod:`funnel.schema` and inserts the rows as given. The derived facts (``furthest_pos``,
``lost_stage_known``, ...) are the caller's: in a story the furthest stage is stated, not guessed.
Only two conveniences: ``lost_pos`` defaults to ``furthest_pos`` of a lost deal, and
``cycle_days`` to closed_at - created_at in days.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from ..capabilities import derive
from ..dataset import DatasetInfo
from ..schema import COUNTS_DDL, DEALS_DDL, EVENTS_DDL, QUALITY_DDL, STAGES_DDL
from ..sql import dataset_tables, ident, render, run

DEAL_COLUMNS = ("deal_id", "deal_name", "created_at", "closed_at", "stage", "status", "amount", "currency",
                "manager", "source", "variant", "pipeline", "lost_reason", "stage_pos", "furthest_pos",
                "lost_pos", "lost_stage_known", "cycle_days", "row_no")


def _ts(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return datetime.fromisoformat(str(value))


def _deal_row(deal: dict[str, Any], default_pipeline: str, row_no: int, extras: list[str]) -> list[Any]:
    d = {"status": "open", "pipeline": default_pipeline, "row_no": row_no, **deal}
    d["created_at"], d["closed_at"] = _ts(d.get("created_at")), _ts(d.get("closed_at"))
    if d["status"] == "lost":
        d.setdefault("lost_pos", d.get("furthest_pos"))
        d.setdefault("lost_stage_known", True)
    if d.get("created_at") and d.get("closed_at"):
        d.setdefault("cycle_days", (d["closed_at"] - d["created_at"]).total_seconds() / 86400)
    return [d.get(c) for c in DEAL_COLUMNS + tuple(extras)]


def make_dataset(con, *, stages: dict[str, list[tuple[str, str]]], deals: Sequence[dict[str, Any]] = (),
                 dataset_id: int = 1, extra_columns: dict[str, str] | None = None,
                 counts: Sequence[tuple[str, str, int, str, int]] = (), shape: str = "deals",
                 meta: dict[str, Any] | None = None) -> DatasetInfo:
    """Create ``ds_<id>`` and fill it. ``stages``: ``{pipeline: [(stage, kind), ...]}`` in funnel order
    (open and won stages get positions 1..n, lost stages NULL); ``counts``: rows of the counts table."""
    extras = list(extra_columns or {})
    tables = dataset_tables(dataset_id)
    run(con, render("CREATE SCHEMA {s}", s=ident(f"ds_{dataset_id}")))
    extra_sql = "".join(f", {ident(c)} VARCHAR" for c in extras)
    run(con, render(DEALS_DDL, deals=tables["deals"], extra_columns=extra_sql))
    run(con, render(EVENTS_DDL, events=tables["events"]))
    run(con, render(STAGES_DDL, stages=tables["stages"]))
    run(con, render(COUNTS_DDL, counts=tables["counts"]))
    run(con, render(QUALITY_DDL, quality=tables["quality"]))
    stage_rows = []
    for pipeline, names in stages.items():
        pos = 0
        for name, kind in names:
            pos += kind != "lost"
            stage_rows.append((pipeline, name, None if kind == "lost" else pos, kind))
    if stage_rows:
        con.executemany(render("INSERT INTO {t} VALUES (?, ?, ?, ?)", t=tables["stages"]), stage_rows)
    default_pipeline = next(iter(stages), "")
    rows = [_deal_row(d, default_pipeline, i + 1, extras) for i, d in enumerate(deals)]
    if rows:
        marks = ", ".join("?" for _ in rows[0])
        con.executemany(render("INSERT INTO {t} VALUES (" + marks + ")", t=tables["deals"]), rows)
    if counts:
        con.executemany(render("INSERT INTO {t} VALUES (?, ?, ?, ?, ?)", t=tables["counts"]), list(counts))
    info_meta = {"pipelines": list(stages) or sorted({c[0] for c in counts}),
                 "extra_columns": dict(extra_columns or {}), **(meta or {})}
    info_meta["capabilities"] = derive(con, tables, shape, info_meta).to_json()
    return DatasetInfo(dataset_id, f"fixture {dataset_id}", 1, shape, info_meta)


# -- the story dataset of the metric tests ----------------------------------------------------
SALES = [("Lead", "open"), ("Qualified", "open"), ("Proposal", "open"), ("Won", "won"), ("Lost", "lost")]
PARTNERS = [("Applied", "open"), ("Signed", "open"), ("Live", "won")]

# Pipeline "Sales": Lead(1) -> Qualified(2) -> Proposal(3) -> Won(4); "Lost" is an outcome, no position.
STORIES = [
    # D1 walks the whole funnel and wins 1000 in 10 days.
    dict(deal_id="D1", status="won", stage="Won", furthest_pos=4, amount=1000.0, source="ads", manager="Ann",
         created_at="2024-01-01", closed_at="2024-01-11", x_segment="SMB"),
    # D2 skips Qualified (Lead -> Proposal -> Won): still reached every stage; 3000 in 30 days.
    dict(deal_id="D2", status="won", stage="Won", furthest_pos=4, amount=3000.0, source="seo", manager="Bob",
         created_at="2024-01-05", closed_at="2024-02-04", x_segment="Enterprise"),
    # D3 is lost at Qualified.
    dict(deal_id="D3", status="lost", stage="Lost", furthest_pos=2, amount=500.0, source="ads", manager="Ann",
         created_at="2024-01-10", closed_at="2024-01-20", lost_reason="price", x_segment="SMB"),
    # D4 went to Proposal, moved back to Qualified, then was lost: furthest (and lost) position is 3.
    dict(deal_id="D4", status="lost", stage="Lost", furthest_pos=3, amount=800.0, source="seo", manager="Bob",
         created_at="2024-01-15", closed_at="2024-02-01", lost_reason="timing", x_segment="Enterprise"),
    # D5 is still open at Lead.
    dict(deal_id="D5", status="open", stage="Lead", furthest_pos=1, source="ads", manager="Ann",
         created_at="2024-02-01", x_segment="SMB"),
    # D6 is still open at Qualified.
    dict(deal_id="D6", status="open", stage="Qualified", furthest_pos=2, source="seo", manager="Bob",
         created_at="2024-02-03", x_segment="SMB"),
    # D7 is still open at Proposal.
    dict(deal_id="D7", status="open", stage="Proposal", furthest_pos=3, amount=700.0, source="ads",
         manager="Ann", created_at="2024-02-10", x_segment="SMB"),
    # D8 is lost but the file kept no record where: counted as lost at stage 1; no source.
    dict(deal_id="D8", status="lost", stage="Lost", furthest_pos=1, lost_stage_known=False, manager="Bob",
         created_at="2024-02-12", closed_at="2024-02-15", x_segment="SMB"),
    # D9 wins 2000 in 20 days.
    dict(deal_id="D9", status="won", stage="Won", furthest_pos=4, amount=2000.0, source="ads", manager="Ann",
         created_at="2024-02-01", closed_at="2024-02-21", x_segment="SMB"),
    # D10 is lost right at Lead.
    dict(deal_id="D10", status="lost", stage="Lost", furthest_pos=1, source="seo", manager="Bob",
         created_at="2024-02-20", closed_at="2024-02-22", x_segment="SMB"),
    # Pipeline "Partners" (a separate funnel): P1 wins 99999, P2 stays at Applied.
    dict(deal_id="P1", pipeline="Partners", status="won", stage="Live", furthest_pos=3, amount=99999.0,
         source="ads", created_at="2024-01-02", closed_at="2024-01-03", x_segment="SMB"),
    dict(deal_id="P2", pipeline="Partners", status="open", stage="Applied", furthest_pos=1, source="ads",
         created_at="2024-01-02", x_segment="SMB"),
]


def story_dataset(con, dataset_id: int = 1) -> DatasetInfo:
    """The ten-deal "Sales" story above plus the two-deal "Partners" pipeline (tests, demos)."""
    return make_dataset(con, stages={"Sales": SALES, "Partners": PARTNERS}, deals=STORIES,
                        dataset_id=dataset_id, extra_columns={"x_segment": "Segment"})
