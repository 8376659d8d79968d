"""What every velocity / pipeline / forecast question shares: "now", dates, durations, and the one
"can this dataset answer this?" check.

**Now (as-of).** Every result is computed as of a timestamp ``as_of``; by default the dataset's
latest timestamp (the largest created, closed or stage-entry time), so the same data gives the
same numbers tomorrow. A date option ``YYYY-MM-DD`` means the *end* of that day (everything that
happened on it counts); a full timestamp ``YYYY-MM-DD HH:MM[:SS]`` means that instant. "Happened by
T" is always ``<= T``.

**Durations** are differences of the stored wall-clock timestamps, in days (seconds / 86,400).
Stores keep naive local times as the CRM exported them, so a deal that entered a stage on Saturday
09:00 and left on Sunday 09:00 across a daylight-saving change stayed 1.0 day, as a user reading
the CRM expects (not 23/24 or 25/24 of a day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from ..dataset import DatasetInfo
from ..errors import FunnelError
from ..metrics.filters import query
from ..sql import run

SECONDS_PER_DAY = 86_400.0
END_OF_DAY = time(23, 59, 59, 999_999)


def parse_when(text: str | date | datetime | None) -> datetime | None:
    """``YYYY-MM-DD`` -> the end of that day; ``YYYY-MM-DD HH:MM[:SS]`` -> that instant."""
    if text is None or text == "":
        return None
    if isinstance(text, datetime):
        return text
    if isinstance(text, date):
        return datetime.combine(text, END_OF_DAY)
    value = str(text).strip()
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), END_OF_DAY)
        return datetime.fromisoformat(value.replace("T", " "))
    except ValueError as exc:
        raise FunnelError("velocity.bad_when", value=value) from exc


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY)


def month_start(when: datetime | date) -> date:
    return date(when.year, when.month, 1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> datetime:
    """The last instant of ``day``'s month."""
    return end_of_day(add_months(month_start(day), 1) - timedelta(days=1))


def latest_timestamp(con, info: DatasetInfo) -> datetime | None:
    """The dataset's latest created / closed / stage-entry time: the default "now"."""
    rows = run(con, query("velocity_latest", info)).fetchall()  # fetch to the end: frees the connection
    return rows[0][0] if rows else None


def resolve_as_of(con, info: DatasetInfo, as_of: datetime | None) -> datetime | None:
    return as_of if as_of is not None else latest_timestamp(con, info)


@dataclass(frozen=True)
class Capability:
    """Whether the dataset can answer a question, and if not the reason code (``velocity.reason.*``)."""

    ok: bool
    reason: str | None = None
    params: dict[str, Any] | None = None


def _count_events(con, info: DatasetInfo) -> int:
    if info.shape == "counts":
        return 0
    rows = run(con, query("velocity_has_history", info)).fetchall()
    return int(rows[0][0]) if rows else 0


def can_answer(con, info: DatasetInfo, question: str) -> Capability:
    """The one place that says whether this dataset can answer ``question``.

    ``history``  time in stage, pipeline by stage on a past date, moves between stages: needs
                 dated stage entries;
    ``dates``    cycle, velocity, forecast, waterfall totals: needs deals with dates (not counts).

    Reads :attr:`DatasetInfo.capabilities` (stored at import); a dataset built without them (test
    fixtures) is asked directly whether it holds stage entries.
    """
    if info.shape == "counts":
        return Capability(False, "velocity.reason.counts")
    stored = "capabilities" in info.meta
    if question == "history":
        has = info.capabilities.has_history if stored else bool(_count_events(con, info))
        if not has:
            return Capability(False, "velocity.reason.no_history", {"crm": crm_of(info)})
    if question == "dates" and stored and info.capabilities.why_not("dates"):
        return Capability(False, info.capabilities.why_not("dates"))
    return Capability(True)


def crm_of(info: DatasetInfo) -> str:
    """The CRM preset the file was read with ('' when unknown): picks the export instructions."""
    mapping = info.meta.get("mapping") or {}
    return str(mapping.get("preset") or "")


EXPORT_HINTS = {  # how to get stage history out of each CRM (velocity.export.<key>)
    "amocrm_ru": "amocrm", "kommo_en": "amocrm", "kommo_pt": "amocrm", "bitrix24_ru": "bitrix24", "bitrix24_en": "bitrix24",
    "hubspot": "hubspot", "pipedrive": "pipedrive", "salesforce_report": "salesforce", "zoho": "zoho",
}


def export_hint_key(info: DatasetInfo) -> str:
    return "velocity.export." + EXPORT_HINTS.get(crm_of(info), "generic")
