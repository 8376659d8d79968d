"""When a sales cycle's (or a stage's time-in-stage) p90 is said, and why a cycle is missing: one rule for every
surface (Overview, Velocity, report, ``metrics`` / ``velocity`` output).

- **p90 on few durations.** A 90th percentile of 2 cycles is their larger one (linear interpolation: 10 and 30 days
  give 28), not a point 9 of 10 deals stay under. Below :data:`P90_MIN` durations the p90 is ``None`` and its reason
  says how many there were (``n``) and that it needs at least 10. The durations counted: won (or lost) deals with
  both dates for a cycle; **finished stays** for a stage's time in stage (a deal that came back has two stays; the
  open deals still waiting are no finished stay), since that is what its percentiles are taken over.
- **No creation date.** A cycle is close date - creation date; a file that gave no creation date to any deal
  (Maven's ``sales_pipeline.csv``: ``engage_date`` and ``close_date``, no creation column) gets the same reason on the
  Overview tile and in the report (:func:`no_cycle_reason`): which date is missing and what to map.
"""

from __future__ import annotations

from typing import Any

P90_MIN = 10
# the reason codes (catalog area cycle49), each a plural sentence of ``n``
P90_FEW = {"won": "cycle49.p90.few_won", "lost": "cycle49.p90.few_lost", "stays": "cycle49.p90.few_stays"}
NO_CREATED = "velocity.reason.no_created"


def p90_said(p90: float | None, n: int) -> float | None:
    """``p90`` when ``n`` durations support it, else ``None``."""
    return p90 if p90 is not None and n >= P90_MIN else None


def p90_few(p90: float | None, n: int, of: str = "won") -> str | None:
    """The reason code when a computed ``p90`` is not said for its ``n`` durations (``of``: won, lost or stays)."""
    return P90_FEW[of] if p90 is not None and n < P90_MIN else None


def p90_reason_params(n: int) -> dict[str, Any]:
    """The parameters of a :data:`P90_FEW` sentence: the count (a plural entry formats it) and the floor."""
    return {"n": int(n), "min": P90_MIN}


# the columns a won deal's close can come from (importer/derive.py)
CLOSE_FIELDS = ("closed_at", "won_at", "stage_changed_at", "expected_close")


def mapping_reason(meta: dict) -> str | None:
    """Which date the mapping lacks for a cycle, when it tells: the close column is an expected date (预计成交日期);
    no creation column; no column saying when a deal closed. ``None`` for an event log or a stage history (the
    history may give the dates) and a mapping with both (survey 43: «no created or closed date» beside a file whose
    creation dates were all there)."""
    mapping = meta.get("mapping") or {}
    fields = mapping.get("fields") or {}
    if meta.get("close_is_expected"):
        return "metrics.reason.no_cycle_expected_close"
    if not fields or mapping.get("history") or mapping.get("stage_entered"):
        return None
    if "created_at" not in fields:
        return "metrics.reason.no_cycle_no_created"
    if not any(f in fields for f in CLOSE_FIELDS):
        return "metrics.reason.no_cycle_no_close"
    return None


def beside(sentence: str, reason: str | None, lang: str) -> str:
    """A sentence with a number's reason after it (a Chinese sentence ends in 。 and takes no space)."""
    return sentence if not reason else sentence + ("" if lang == "zh" else " ") + reason


def no_cycle_reason(info) -> str | None:
    """Why a dataset has no sales cycle at all, else ``None`` (some won deal has one), as a sentence: no creation date
    read (``velocity.reason.no_created``: which date is missing, what to map), an expected close date, the column the
    mapping lacks where the capabilities only know «no cycle»; a web funnel's or counts' own words. The Overview tile
    (``Outcomes.reasons``), the report's key figures and summary and the Velocity page say this one (Maven's file:
    the tile said «Won deals lack a created or closed date», the report which column to map)."""
    why = info.capabilities.why_not("cycle")
    if why == "capabilities.no_cycle":
        return mapping_reason(info.meta) or "metrics.reason.no_cycle"
    # the capabilities' words end «Not shown: …»; beside a number (the tile, the report's summary) a sentence
    return "metrics.reason.no_cycle_expected_close" if why == "capabilities.no_cycle_expected_close" else why
