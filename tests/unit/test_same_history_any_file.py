"""The same eight deals moving through the same stages, told by the stage histories of different CRMs, give the
same funnel and the same times in stage. The shapes are those of the earlier surveys' real files:

- a plain log, one row per stage entered (``deal_id, stage, entered_at``), as CSV and as an .xlsx of typed
  times, the newest row first;
- Salesforce's ``OpportunityHistory`` (a row per change, the creation's included; ISO times with ``Z``);
- Salesforce's ``OpportunityFieldHistory`` (moves only: ``OldValue`` → ``NewValue``; the creation stage is the
  one the first move leaves);
- amoCRM's «Список событий» (moves only, keyed by the deal's name, other events between, newest first);
- Zoho's Stage History (``Deal Id, Stage, Modified Time``, newest first);
- HubSpot's deal list with its ``Date entered "<stage> (<pipeline>)"`` columns (no history file);
- Bitrix24's deal list by stage names with ``crm.stagehistory.list`` by stage codes;
- the plain log with stage names padded by a no-break space in the list and a line break in the history (before:
  «Qualification\u00a0» and «Qualification», «Needs Analysis\n» beside «Needs Analysis»: seven stages of five).

The moves, in days after each deal's creation (deal n created 2024-03-0n 09:00 UTC); Q = Qualification, N = Needs
Analysis, P = Proposal, G = Negotiation:

    1: Q 0, N 2, P 5, G 9, Closed Won 14          5: Q 0, Closed Lost 6
    2: Q 0, N 4, P 6, G 12, Closed Won 20         6: Q 0, N 2, P 4, G 5, Closed Lost 11
    3: Q 0, N 1, Closed Lost 3                    7: Q 0 (open there)
    4: Q 0, N 3, P 10 (open there)                8: Q 0, N 5, P 8, G 10, Closed Won 30

Worked out by hand: reached Q 8, N 6 (1, 2, 3, 4, 6, 8), P 5 (1, 2, 4, 6, 8), G 4 (1, 2, 6, 8), won 3.
Finished stays: Q 2, 4, 1, 3, 6, 2, 5 → median 3 of 7, 7 open there; N 3, 2, 2, 7, 2, 3 → median 2.5 of 6;
P 4, 6, 1, 2 → median 3 of 4, 4 open there; G 5, 8, 6, 20 → median 7 of 4. Amounts 1000 × n: won 1 + 2 + 8 =
11,000; lost 3, 5, 6; open 4, 7.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from funnel.importer import import_file
from funnel.spec import FunnelSpec
from funnel.velocity.time_in_stage import time_in_stage
from tests.unit.test_crm_exports_spreadsheets import outcome, reached
from tests.unit.test_same_deals_any_file import _book, _write_csv

STAGES = ["Qualification", "Needs Analysis", "Proposal", "Negotiation"]
WON, LOST = "Closed Won", "Closed Lost"
Q, N, P, G = STAGES
MOVES = {1: [(Q, 0), (N, 2), (P, 5), (G, 9), (WON, 14)], 2: [(Q, 0), (N, 4), (P, 6), (G, 12), (WON, 20)],
         3: [(Q, 0), (N, 1), (LOST, 3)], 4: [(Q, 0), (N, 3), (P, 10)], 5: [(Q, 0), (LOST, 6)],
         6: [(Q, 0), (N, 2), (P, 4), (G, 5), (LOST, 11)], 7: [(Q, 0)], 8: [(Q, 0), (N, 5), (P, 8), (G, 10), (WON, 30)]}
REACHED = [(Q, 8), (N, 6), (P, 5), (G, 4), (WON, 3)]
TIMES = {Q: (7, 3.0, 1), N: (6, 2.5, 0), P: (4, 3.0, 1), G: (4, 7.0, 0)}


def _created(n: int) -> dt.datetime:
    return dt.datetime(2024, 3, n, 9)


def _at(n: int, days: int) -> dt.datetime:
    return _created(n) + dt.timedelta(days=days)


def _now(n: int) -> str:
    return MOVES[n][-1][0]


def _closed(n: int) -> dt.datetime | None:
    stage, days = MOVES[n][-1]
    return _at(n, days) if stage in (WON, LOST) else None


def _csv(rows: list[list], sep: str = ",") -> bytes:
    return _write_csv(rows, sep=sep)


def _iso(d: dt.datetime | None) -> str:
    return f"{d:%Y-%m-%d %H:%M:%S}" if d else ""


def _sf(d: dt.datetime) -> str:
    return f"{d:%Y-%m-%dT%H:%M:%S.000Z}"


def _deal_list() -> bytes:
    return _csv([["Deal ID", "Deal Name", "Stage", "Amount", "Created", "Closed"]]
                + [[n, f"Deal {n}", _now(n), 1000 * n, _iso(_created(n)), _iso(_closed(n))] for n in MOVES])


def plain_log():
    log = [["deal_id", "stage", "entered_at"]] + [[n, s, _iso(_at(n, d))] for n in MOVES for s, d in MOVES[n]]
    return (_deal_list(), "deals.csv"), (_csv(log), "stage_history.csv")


def typed_log_newest_first():
    entries = sorted(((_at(n, d), n, s) for n in MOVES for s, d in MOVES[n]), reverse=True)
    return (_deal_list(), "deals.csv"), (_book([["Deal ID", "Stage", "Date"]] + [[n, s, t] for t, n, s in entries]),
                                         "history.xlsx")


def _sf_id(n: int) -> str:
    return f"0065g0000000{n}AaAAA"


def _opportunity() -> bytes:
    return _csv([["Id", "IsDeleted", "Name", "StageName", "Amount", "CloseDate", "IsClosed", "IsWon", "CreatedDate"]]
                + [[_sf_id(n), "false", f"Deal {n}", _now(n), 1000 * n, f"{(_closed(n) or dt.datetime(2024, 6, 30)):%Y-%m-%d}",
                    str(_closed(n) is not None).lower(), str(_now(n) == WON).lower(), _sf(_created(n))] for n in MOVES])


def salesforce_opportunity_history():
    rows = [["Id", "OpportunityId", "CreatedById", "CreatedDate", "StageName", "Amount", "ExpectedRevenue",
             "CloseDate", "Probability", "IsDeleted"]]
    rows += [[f"008{n}{k}", _sf_id(n), "0055", _sf(_at(n, d)), s, 1000 * n, "", "2024-06-30", "", "false"]
             for n in MOVES for k, (s, d) in enumerate(MOVES[n])]
    return (_opportunity(), "Opportunity.csv"), (_csv(rows), "OpportunityHistory.csv")


def salesforce_field_history():
    rows = [["Id", "IsDeleted", "OpportunityId", "CreatedById", "CreatedDate", "Field", "DataType", "OldValue",
             "NewValue"]]
    for n, moves in MOVES.items():
        rows.append([f"017{n}0", "false", _sf_id(n), "0055", _sf(_created(n)), "created", "", "", ""])
        rows += [[f"017{n}{k}", "false", _sf_id(n), "0055", _sf(_at(n, d)), "StageName", "Picklist", before, s]
                 for k, ((before, _d), (s, d)) in enumerate(itertools.pairwise(moves), start=1)]
    return (_opportunity(), "Opportunity.csv"), (_csv(rows), "OpportunityFieldHistory.csv")


def amocrm_events():
    deals = _csv([["ID", "Название сделки", "Бюджет", "Ответственный", "Дата создания сделки", "Дата закрытия",
                   "Этап сделки", "Воронка"]]
                 + [[1000 + n, f"Сделка {n}", 1000 * n, "Анна", f"{_created(n):%d.%m.%Y %H:%M:%S}",
                     f"{_closed(n):%d.%m.%Y %H:%M:%S}" if _closed(n) else "", _now(n), "Воронка"] for n in MOVES])
    events = [(_at(n, d), f"Сделка {n}", "Изменение этапа продажи", before, s)
              for n, moves in MOVES.items() for (before, _d), (s, d) in itertools.pairwise(moves)]
    events += [(_at(n, 1) + dt.timedelta(hours=3), f"Сделка {n}", "Изменение поля «Бюджет»", "0", str(1000 * n))
               for n in (1, 4)]
    rows = [["Дата", "Автор", "Объект", "Название", "Событие", "Значение до", "Значение после"]]
    rows += [[f"{t:%d.%m.%Y %H:%M}", "Анна", "Сделка", name, what, before, after]
             for t, name, what, before, after in sorted(events, reverse=True)]
    return (deals, "amocrm_export_leads.csv"), (_csv(rows), "events.csv")


def zoho_stage_history():
    deals = _csv([["Record Id", "Deal Owner", "Deal Name", "Amount", "Closing Date", "Stage", "Created Time"]]
                 + [[f"zcrm_{n}", "Анна", f"Deal {n}", f"{1000 * n:.2f}", f"{(_closed(n) or dt.datetime(2024, 6, 30)):%Y-%m-%d}",
                     _now(n), _iso(_created(n))] for n in MOVES])
    entries = sorted(((_at(n, d), n, s) for n in MOVES for s, d in MOVES[n]), reverse=True)
    rows = [["Deal Id", "Stage", "Amount", "Probability (%)", "Expected Revenue", "Closing Date", "Modified Time",
             "Modified By", "Duration (days)"]]
    rows += [[f"zcrm_{n}", s, f"{1000 * n:.2f}", "", "", "2024-06-30", _iso(t), "Анна", ""] for t, n, s in entries]
    return (deals, "Deals.csv"), (_csv(rows), "Stage_History.csv")


def hubspot_date_entered_columns():
    names = [*STAGES, WON, LOST]
    header = ["Record ID", "Deal Name", "Deal Stage", "Pipeline", "Amount", "Create Date", "Close Date",
              *(f'Date entered "{s} (Sales Pipeline)"' for s in names)]
    rows = [header]
    for n, moves in MOVES.items():
        entered = {s: _at(n, d) for s, d in moves}
        rows.append([n, f"Deal {n}", _now(n), "Sales Pipeline", 1000 * n, _iso(_created(n)), _iso(_closed(n)),
                     *(_iso(entered.get(s)) for s in names)])
    return (_csv(rows), "hubspot-crm-exports-all-deals.csv"), None


BITRIX = {Q: ("NEW", "Новая"), N: ("PREPARATION", "Подготовка документов"), P: ("PREPAYMENT_INVOICE",
          "Счёт на предоплату"), G: ("EXECUTING", "В работе"), WON: ("WON", "Сделка успешна"),
          LOST: ("LOSE", "Сделка провалена")}


def bitrix24_names_with_a_history_of_codes():
    """The web interface's deal export (cp1251, ``;``, the stages by name) and ``crm.stagehistory.list`` (the
    stages by code, ``+03:00`` times, ``STAGE_SEMANTIC_ID``): one stage each, not a name and a code."""
    deals = [["ID", "Название", "Стадия сделки", "Воронка", "Сумма", "Валюта", "Дата создания", "Дата завершения",
              "Ответственный"]]
    deals += [[n, f"Сделка #{n}", BITRIX[_now(n)][1], "Общая", f"{1000 * n:.2f}", "Российский рубль",
               f"{_created(n):%d.%m.%Y %H:%M:%S}", f"{_closed(n):%d.%m.%Y %H:%M:%S}" if _closed(n) else "",
               "Анна Смирнова"] for n in MOVES]
    semantic = {WON: "S", LOST: "F"}
    history = [["ID", "TYPE_ID", "OWNER_ID", "CREATED_TIME", "CATEGORY_ID", "STAGE_SEMANTIC_ID", "STAGE_ID"]]
    history += [[10 * n + k, 1 if k == 0 else 2, n, f"{_at(n, d) + dt.timedelta(hours=3):%Y-%m-%dT%H:%M:%S}+03:00", 0,
                 semantic.get(s, "P"), BITRIX[s][0]] for n in MOVES for k, (s, d) in enumerate(MOVES[n])]
    return ((_csv(deals, ";").decode().encode("cp1251"), "DEAL_20240430_1a2b3c.csv"), (_csv(history), "stagehistory.csv"),
            {k: v[1] for k, v in BITRIX.items()})


def padded_names_in_the_list_and_the_history():
    """The list's stages with a no-break space after them (copied from the CRM's web page) and one deal's history
    with a line break after each stage (typed in Excel): the same stages as the unpadded log's."""
    deals = [["Deal ID", "Deal Name", "Stage", "Amount", "Created", "Closed"]]
    deals += [[n, f"Deal {n}", _now(n) + "\u00a0" * (n % 2), 1000 * n, _iso(_created(n)), _iso(_closed(n))]
              for n in MOVES]
    log = [["deal_id", "stage", "entered_at"]] + [[n, s + "\n" * (n == 4), _iso(_at(n, d))] for n in MOVES
                                                  for s, d in MOVES[n]]
    return (_csv(deals), "deals.csv"), (_csv(log), "stage_history.csv")


SHAPES = [padded_names_in_the_list_and_the_history, bitrix24_names_with_a_history_of_codes, plain_log, typed_log_newest_first, salesforce_opportunity_history, salesforce_field_history, amocrm_events,
          zoho_stage_history, hubspot_date_entered_columns]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda f: f.__name__)
def test_the_same_moves_give_the_same_funnel_and_times_in_every_history_shape(mem_store, tmp_path, shape):
    (deals, deals_name), history, *named = shape()
    names = named[0] if named else {s: s for s in [*STAGES, WON, LOST]}
    path = None
    if history is not None:
        path = tmp_path / history[1]
        path.write_bytes(history[0])
    info, _built, _draft = import_file(mem_store, deals, deals_name, history=path)
    assert outcome(mem_store, info)[:5] == (8, 3, 3, 2, 11000)
    assert reached(mem_store, info) == [(names[s], k) for s, k in REACHED]
    with mem_store.connect() as con:
        rows = time_in_stage(con, info, FunnelSpec(), dt.datetime(2024, 4, 30, 23, 59)).rows
    assert {r.stage: (r.n, r.median_days, r.open_n) for r in rows} == {names[s]: v for s, v in TIMES.items()}
