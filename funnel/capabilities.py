"""What a dataset can answer, computed once at import and stored with it.

Pages and the engine ask questions of the data instead of branching on the input shape:

    caps = info.capabilities                 # a Capabilities, never None
    if (why := caps.why_not("cycle")):       # None when the data can answer, else a catalog key
        explain(why, t)                      # ui.explain: the one shared "can't show this because ..."
    caps.covers(date_from, date_to)          # does the data cover this period (previous-period compare)?
    caps.date_max                            # the dataset's latest date: periods count back from it

Questions for :meth:`Capabilities.why_not` (:data:`QUESTIONS`):

===============  ========================================================================
``deals``        individual deals/visitors to list (drill-down); not for aggregate counts
``dates``        deal dates: periods, cohorts, previous-period comparison
``money``        amounts on won deals (revenue, average deal)
``cycle``        sales cycle in days (won deals with both dates; not a web funnel)
``win_rate``     won and lost deals recorded (not a web funnel, not aggregate counts)
``outcomes``     any deal known as won or lost
``groups``       a column to group or filter by (segments, A/B)
``pipeline``     open deals moving towards won or lost (pipeline as of a date, forecast)
===============  ========================================================================

Stored as ``meta["capabilities"]`` (JSON) in the catalog. Datasets imported before this
module existed have no such entry, and those stored under older :data:`RULES` lack what later rules
added: :func:`derive` computes it from the stored tables on read (``Store.info`` does it, once per
dataset version), so old stores keep opening and need no re-import.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any

from .sql import ident, render, run

QUESTIONS = ("deals", "dates", "money", "cycle", "win_rate", "outcomes", "groups", "pipeline")
BASE_GROUP_COLUMNS = ("manager", "source", "variant")
# the deal list's columns a file may never fill: left out of the list where no deal has one (survey 46: a lead list's
# drill-down showed empty «Amount», «Closed» and «Lost reason» columns of «—» only)
LIST_COLUMNS = ("deal_name", "amount", "created_at", "closed_at", "lost_reason")


# The rules :func:`derive` follows. A dataset stores its capabilities at import; one stored under older
# rules (a field it lacks, a date range without its stage entries) is derived again when it is read
# (``Store.info``), so an upgrade does not need a re-import. Bump when derive() changes.
RULES = 7  # 6: a pipeline's own «no won stage» (h1); 7: a counts table's visitors read from its kept mapping and order


@dataclass(frozen=True)
class Capabilities:
    shape: str = "deals"  # 'deals' (input shapes A, B, C), 'events' (D) or 'counts' (E)
    n_deals: int = 0  # deals, or visitors of a web funnel; 0 for aggregate counts
    has_deals: bool = False  # individual rows to list
    has_dates: bool = False  # any deal with a created or closed date
    date_min: date | None = None  # earliest created, closed or stage-entry date
    date_max: date | None = None  # latest such date: the dataset's "today"
    has_history: bool = False  # stage entries with dates (a history file, per-stage date columns, an event log)
    has_money: bool = False  # a won deal with an amount
    currencies: tuple[str, ...] = ()
    has_won: bool = False
    has_lost: bool = False
    has_cycle: bool = False  # a won deal with a cycle (created and closed dates)
    no_created: int = 0  # deals without a creation date: open on every date until they close
    # open deals there, none with an amount, while won ones have one (Maven writes close_value only once a
    # deal closes): the open pipeline's amount and the forecast's money are unknown, not 0
    open_unpriced: bool = False
    close_is_expected: bool = False  # closed deals lack a close time: the file's close column is an expected date
    is_web_funnel: bool = False  # visitors and steps (event log, A/B visitor file): no deals, no cycle
    # aggregate counts of visitors or users (an A/B platform's results, a web analytics funnel's table)
    counts_visitors: bool = False
    group_columns: tuple[str, ...] = ()  # columns with at least one value to group/filter by
    empty_columns: tuple[str, ...] = ()  # LIST_COLUMNS no deal has a value in
    groups: tuple[str, ...] = ()  # aggregate counts: the values of the grouping column
    group_column: str | None = None  # aggregate counts: which canonical field the groups are
    order_guessed: bool = False  # the stage order was guessed at import
    # nothing in the file marks a deal as won (no won stage, status or flag: the import's ``stages.no_won``):
    # a revenue of 0 would be a claim the data cannot make
    won_unmarked: bool = False
    # the same for one pipeline of several, another of which has its won stage (the import's
    # ``stages.no_won_pipeline``): that pipeline's revenue and win rate are unknown, the other's are numbers
    won_unmarked_pipelines: tuple[str, ...] = ()
    no_amounts: bool = False  # not one deal has an amount (a lead list): revenue is unknown, not 0
    pipelines: tuple[str, ...] = field(default=())

    @property
    def aggregate(self) -> bool:
        """Only stage totals (input shape E): the engine reads the counts table, not deals."""
        return self.shape == "counts"

    @property
    def of_visitors(self) -> bool:
        """Its people are visitors, not leads or deals: the wording of the A/B page and report."""
        return self.is_web_funnel or self.counts_visitors

    @property
    def has_outcomes(self) -> bool:
        return self.has_won or self.has_lost

    @property
    def crm_deals(self) -> bool:
        """Individual CRM deals with stages (not a web funnel's visitors, not aggregate counts): what
        a later snapshot of the same CRM can be matched against, deal by deal."""
        return self.has_deals and not self.is_web_funnel and not self.aggregate

    def won_unmarked_in(self, pipeline: str | None) -> bool:
        """Nothing marks a deal of ``pipeline`` (the one shown) as won: the whole file's, or that pipeline's alone."""
        return self.won_unmarked or (pipeline or "") in self.won_unmarked_pipelines

    def why_won_unmarked(self, pipeline: str | None) -> str | None:
        """The catalog key of why no deal of ``pipeline`` can be told won (the whole file's reason, or that pipeline's
        alone), ``None`` when something can mark a win."""
        if not self.won_unmarked_in(pipeline):
            return None
        return "metrics.reason.won_unmarked" if self.won_unmarked else "pipes49.reason.won_unmarked_pipeline"

    def why_not(self, question: str) -> str | None:
        """``None`` when the data can answer ``question`` (one of :data:`QUESTIONS`), else the
        catalog key of the reason it cannot."""
        if question not in QUESTIONS:
            raise ValueError(f"unknown capability question: {question}")
        counts = self.shape == "counts"
        if question == "deals":  # (a table of visitors' counts has none of them to list either: its own words)
            return ("roles48b.reason.counts_no_visitors" if self.counts_visitors else "metrics.reason.counts_no_deals"
                    ) if counts else None
        if question == "dates":
            if counts:
                return "metrics.reason.counts_no_dates"
            # an empty dataset says "no deals" where it matters, not "no dates"
            return None if self.has_dates or not self.has_deals else "capabilities.no_dates"
        if question == "money":
            if counts:
                return "metrics.reason.counts_no_money"
            if self.is_web_funnel:
                return "capabilities.web_no_money"
            return None if self.has_money else "capabilities.no_money"
        if question == "cycle":
            if counts:
                return "metrics.reason.counts_no_money"
            if self.is_web_funnel:
                return "capabilities.web_no_cycle"
            if self.has_cycle:
                return None
            if self.has_deals and self.no_created == self.n_deals:  # a list of status changes (Мегаплан)
                return "velocity.reason.no_created"
            return "capabilities.no_cycle_expected_close" if self.close_is_expected else "capabilities.no_cycle"
        if question in ("win_rate", "outcomes"):
            if counts:  # (an ad report's visitors: no deals to be won or lost)
                return "visitors49.reason.counts_no_outcome" if self.counts_visitors else "metrics.reason.counts_no_outcome"
            if self.is_web_funnel and question == "win_rate":
                return "capabilities.web_no_win_rate"
            return None if self.has_outcomes else "capabilities.no_outcomes"
        if question == "pipeline":
            if counts:
                return "metrics.reason.counts_no_deals"
            return "capabilities.web_no_pipeline" if self.is_web_funnel else None
        return None if self.group_columns else "capabilities.no_groups"

    def lists(self, column: str) -> bool:
        """Whether a list of deals has ``column``: not when no deal of the file fills it (no variant in a CRM export,
        no amount in a lead list). The pages' drill-down and the report's deal sheets ask this one rule."""
        return column not in self.empty_columns and (
            self.is_web_funnel or column not in ("manager", "source", "variant") or column in self.group_columns)

    def can(self, question: str) -> bool:
        return self.why_not(question) is None

    def covers(self, date_from: date | None, date_to: date | None) -> bool:
        """True when the data's dates span ``[date_from, date_to]`` (both ends inside the range)."""
        if date_from is None or date_to is None or self.date_min is None or self.date_max is None:
            return False
        return self.date_min <= date_from and date_to <= self.date_max

    # -- storage -----------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["rules"] = RULES
        for key in ("date_min", "date_max"):
            out[key] = out[key].isoformat() if out[key] else None
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Capabilities:
        known = {f.name for f in fields(cls)}
        kw = {k: v for k, v in data.items() if k in known}
        for key in ("date_min", "date_max"):
            kw[key] = date.fromisoformat(kw[key]) if kw.get(key) else None
        for key in ("currencies", "group_columns", "groups", "pipelines", "empty_columns", "won_unmarked_pipelines"):
            kw[key] = tuple(kw.get(key) or ())
        return cls(**kw)


def needs_deriving(meta: dict[str, Any]) -> bool:
    """A stored dataset's capabilities are missing or were derived under older :data:`RULES` (a warehouse
    dataset keeps what it was attached with: its tables are not in the store to derive them from)."""
    stored = meta.get("capabilities")
    return stored is None or (stored.get("rules") != RULES and "engine" not in meta)


def _day(value: Any) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


_DEALS_FACTS = """SELECT count(*), min(least(created_at, coalesce(closed_at, created_at))),
       max(greatest(created_at, coalesce(closed_at, created_at))),
       count(*) FILTER (WHERE status = 'won'), count(*) FILTER (WHERE status = 'lost'),
       count(amount) FILTER (WHERE status = 'won'), count(cycle_days) FILTER (WHERE status = 'won'),
       count(*) - count(created_at),
       count(*) FILTER (WHERE status = 'open') > 0 AND count(amount) FILTER (WHERE status = 'open') = 0,
       count(amount) > 0{cols}
FROM {deals}"""


def expected(shape: str, counts_visitors: bool = False) -> Capabilities:
    """What a file of this input shape will answer once imported, before its rows are read (the Data
    page's import draft): individual rows unless aggregate counts; an event log is a web funnel; a counts
    table whose counts are visitors (impressions, clicks) says so (``counts_visitors``)."""
    return Capabilities(shape=shape, has_deals=shape != "counts", is_web_funnel=shape == "events",
                        counts_visitors=shape == "counts" and counts_visitors)


def derive(con, tables: dict[str, str], shape: str, meta: dict[str, Any]) -> Capabilities:
    """Compute the capabilities of a dataset from its tables (quoted identifiers by table name:
    ``dataset_tables(id)`` for a stored one, the importer's temp tables during an import)."""
    pipelines = tuple(meta.get("pipelines") or ())
    guessed, unmarked = (bool(n) for n in run(con, render(
        "SELECT count(*) FILTER (WHERE code = 'stages.order_guessed'), count(*) FILTER (WHERE code = 'stages.no_won')"
        " FROM {q}", q=tables["quality"])).fetchone())
    if shape == "counts":
        from .mapping.visitor_counts import stored_of_visitors  # (the header words of the import layer)

        group = meta.get("group_column")
        groups = tuple(meta.get("groups") or ())
        return Capabilities(shape=shape, group_columns=(group,) if group and len(groups) >= 1 else (),
                            groups=groups, group_column=group, order_guessed=guessed, pipelines=pipelines,
                            counts_visitors=stored_of_visitors(meta))
    extras = [c for c in (meta.get("extra_columns") or {}) if c.startswith("x_")]
    columns = [*BASE_GROUP_COLUMNS, *extras, *LIST_COLUMNS]
    cols = "".join(f", count({ident(c)})" for c in columns)
    row = run(con, render(_DEALS_FACTS.replace("{cols}", cols), deals=tables["deals"])).fetchone()
    n, lo, hi, won, lost, money, cycle, no_created, open_unpriced, amounts, *filled = row
    # stage entries count too: Maven's deals have no creation date and its engage dates run five
    # months before the first close; the header said the data began in March while its weekly chart
    # began in October
    first_entry, last_entry = run(con, render("SELECT min(entered_at), max(entered_at) FROM {events}",
                                              events=tables["events"])).fetchone()
    lo = min((d for d in (lo, first_entry) if d is not None), default=None)
    hi = max((d for d in (hi, last_entry) if d is not None), default=None)
    currencies = tuple(r[0] for r in run(con, render(
        "SELECT DISTINCT currency FROM {deals} WHERE currency IS NOT NULL ORDER BY 1",
        deals=tables["deals"])).fetchall())
    mapping = meta.get("mapping") or {}
    web = expected(shape).is_web_funnel
    # pipelines nothing can mark a deal won in, another pipeline having its won stage; none of their deals won
    unmarked_pipelines = tuple(r[0] for r in run(con, render(
        "SELECT DISTINCT q.value FROM {q} q WHERE q.code = 'stages.no_won_pipeline' AND q.value IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM {deals} d WHERE COALESCE(d.pipeline, '') = q.value AND d.status = 'won')"
        " ORDER BY 1", q=tables["quality"], deals=tables["deals"])).fetchall())
    return Capabilities(
        shape=shape, n_deals=int(n), has_deals=n > 0, has_dates=lo is not None,
        date_min=_day(lo), date_max=_day(hi),
        has_history=web or bool(mapping.get("history") or mapping.get("stage_entered")),
        has_money=not web and money > 0, currencies=currencies, has_won=won > 0, has_lost=lost > 0,
        has_cycle=not web and cycle > 0, no_created=0 if web else int(no_created), is_web_funnel=web,
        close_is_expected=bool(meta.get("close_is_expected")),
        open_unpriced=not web and money > 0 and bool(open_unpriced),
        group_columns=tuple(c for c, k in zip(columns, filled, strict=True) if k and c not in LIST_COLUMNS),
        empty_columns=tuple(c for c, k in zip(columns, filled, strict=True) if not k and c in LIST_COLUMNS),
        order_guessed=guessed, won_unmarked=unmarked and won == 0, pipelines=pipelines,
        won_unmarked_pipelines=unmarked_pipelines,
        no_amounts=not web and n > 0 and not amounts,
    )
