"""Leak targets: the pass rate a user wants from each step, the ``target`` benchmark of ``leak``.

A target belongs to the step *from* a stage (``"Proposal": 0.4`` = 40 % of the deals that decided at
Proposal should reach the next stage). Targets are written ``STAGE=RATE`` (``Proposal=0.4`` or
``Proposal=40%``) on the command line, carried in a page link as JSON (``{"Proposal": 40}``, in
percent), and remembered per dataset and pipeline in the store (table ``audit_targets``, created on
the first save), so the next visit and the CLI find them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping

import duckdb

from ..errors import FunnelError
from ..sql import run

DDL = """CREATE TABLE IF NOT EXISTS audit_targets (
    dataset_id INTEGER NOT NULL, pipeline VARCHAR NOT NULL, stage VARCHAR NOT NULL, target DOUBLE NOT NULL,
    PRIMARY KEY (dataset_id, pipeline, stage))"""
MAX_TARGETS = 100


def parse_target(text: str) -> tuple[str, float]:
    """``"Proposal=40%"`` / ``"Proposal=0.4"`` -> ``("Proposal", 0.4)``; the last ``=`` splits (a stage
    name may hold one). A rate outside 0..1 (0..100 %) or no stage: ``FunnelError('audit.bad_target')``."""
    stage, sep, rate = text.rpartition("=")
    rate = rate.strip()
    try:
        value = float(rate.rstrip("%").strip()) / (100 if rate.endswith("%") else 1)
    except ValueError:
        raise FunnelError("audit.bad_target", value=text) from None
    if not sep or not stage.strip() or not math.isfinite(value) or not 0 <= value <= 1:
        raise FunnelError("audit.bad_target", value=text)
    return stage.strip(), value


def check_stages(targets: Mapping[str, float], stages: list[str]) -> None:
    """Every target names a stage a step leaves from (not the last, won, stage)."""
    steps = stages[:-1]
    for stage in targets:
        if stage not in steps:
            raise FunnelError("audit.unknown_target_stage", value=stage, stages=", ".join(f"«{s}»" for s in steps))


def to_url(targets: Mapping[str, float]) -> str | None:
    """The link's value: stage -> percent (``None`` without targets: links stay short)."""
    if not targets:
        return None
    return json.dumps({s: round(v * 100, 4) for s, v in targets.items()}, ensure_ascii=False, separators=(",", ":"))


def from_url(text: str | None) -> dict[str, float] | None:
    """Targets of a link (``None`` when the link has none or they do not read: a bad link is ignored)."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    out = {}
    for stage, pct in list(data.items())[:MAX_TARGETS]:
        if isinstance(pct, bool) or not isinstance(pct, int | float) or not math.isfinite(pct) or not 0 <= pct <= 100:
            return None
        out[str(stage)] = pct / 100
    return out


def saved(store, dataset_id: int, pipeline: str | None) -> dict[str, float]:
    """The targets remembered for the dataset's pipeline (none before the first save)."""
    try:
        with store.connect() as con:
            rows = run(con, "SELECT stage, target FROM audit_targets WHERE dataset_id = $d AND pipeline = $p "
                            "ORDER BY stage", {"d": int(dataset_id), "p": pipeline or ""}).fetchall()
    except duckdb.CatalogException:  # nothing saved in this store yet
        return {}
    return {stage: float(target) for stage, target in rows}


def save(store, dataset_id: int, pipeline: str | None, targets: Mapping[str, float]) -> None:
    """Replace the dataset's remembered targets for the pipeline (an empty mapping forgets them)."""
    with store.writing() as con:
        run(con, DDL)
        run(con, "BEGIN TRANSACTION")
        try:
            run(con, "DELETE FROM audit_targets WHERE dataset_id = $d AND pipeline = $p",
                {"d": int(dataset_id), "p": pipeline or ""})
            for stage, target in targets.items():
                run(con, "INSERT INTO audit_targets VALUES ($d, $p, $s, $t)",
                    {"d": int(dataset_id), "p": pipeline or "", "s": stage, "t": float(target)})
            run(con, "COMMIT")
        except Exception:
            run(con, "ROLLBACK")
            raise


def as_options(targets: Mapping[str, float] | Iterable[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
    """Targets as :class:`~funnel.audit.data.AuditOptions` holds them: sorted (stage, rate) pairs."""
    items = targets.items() if isinstance(targets, Mapping) else targets
    return tuple(sorted((str(s), float(v)) for s, v in items))
