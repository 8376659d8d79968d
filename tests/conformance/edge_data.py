"""Edge-case datasets for the conformance suite, written as small CSV files and imported the
way a user's file is (so the derived facts, events and stays come from the real import).

- ``one_deal``: a single won deal with its history;
- ``null_amounts``: won and lost deals without an amount, and deals without manager or source
  (the empty groups: they must stay NULL on every engine, never ``''``);
- ``ties``: amounts and cycle lengths that tie at the percentiles (p10, p25, median, p75, p90
  fall on repeated values and between them);
- ``ab_groups``: two variants, one of them with no won deal (an empty money group);
- ``moves_no_stays``: deals that skip ahead and come back (second visits of a stage), stored as a
  dataset imported before stays were kept: every engine derives its stays in the query
  (``stays_query``, the one-query form) and its time in stage sorts them.
"""

from __future__ import annotations

from pathlib import Path

STAGES = ["Lead", "Qualified", "Proposal", "Won"]
HEADER = "deal_id,created_at,closed_at,stage,status,amount,currency,manager,source,variant\n"

ONE_DEAL = HEADER + "A1,2024-01-01 09:00:00,2024-01-21 17:30:00,Won,won,1500,USD,Ann,ads,A\n"
ONE_DEAL_HISTORY = ("deal_id,stage,entered_at\nA1,Lead,2024-01-01 09:00:00\nA1,Qualified,2024-01-05 10:00:00\n"
                    "A1,Proposal,2024-01-10 12:00:00\nA1,Won,2024-01-21 17:30:00\n")

NULL_AMOUNTS = HEADER + "".join([
    "N1,2024-02-01,2024-02-11,Won,won,,USD,Ann,ads,A\n",
    "N2,2024-02-02,2024-02-20,Won,won,2000,USD,,ads,B\n",
    "N3,2024-02-03,2024-02-05,Lead,lost,,USD,Bob,,A\n",
    "N4,2024-02-04,,Qualified,open,,,,,B\n",
    "N5,2024-02-05,2024-03-01,Won,won,,USD,Bob,seo,\n",
    "N6,2024-02-06,,Proposal,open,700,USD,Ann,,A\n",
])

# cycle days 10, 10, 20, 20, 20, 40 and amounts 100, 100, 200, 200, 300, 300 (won)
TIES = HEADER + "".join(
    f"T{i},2024-03-01,{closed},Won,won,{a},EUR,{m},ads,{v}\n"
    for i, (closed, a, m, v) in enumerate([("2024-03-11", 100, "Ann", "A"), ("2024-03-11", 100, "Bob", "B"),
                                           ("2024-03-21", 200, "Ann", "A"), ("2024-03-21", 200, "Bob", "B"),
                                           ("2024-03-21", 300, "Ann", "A"), ("2024-04-10", 300, "Bob", "B")], 1)
) + "T7,2024-03-02,2024-03-12,Lead,lost,100,EUR,Ann,ads,A\nT8,2024-03-02,,Proposal,open,100,EUR,Bob,ads,B\n"

AB_GROUPS = HEADER + "".join(
    f"G{i},2024-04-{1 + i % 20:02d},{'2024-05-01' if s != 'open' else ''},{st},{s},{a},USD,Ann,ads,{v}\n"
    for i, (st, s, a, v) in enumerate([("Won", "won", 900, "A"), ("Won", "won", 1100, "A"), ("Lead", "lost", 50, "A"),
                                       ("Qualified", "open", "", "A"), ("Lead", "lost", "", "B"),
                                       ("Proposal", "lost", 400, "B"), ("Qualified", "open", 300, "B")], 1)
)

MOVES = HEADER + ("M1,2024-05-01,2024-05-20,Won,won,500,USD,Ann,ads,A\n"
                  "M2,2024-05-02,,Qualified,open,300,USD,Bob,seo,B\n")
MOVES_HISTORY = ("deal_id,stage,entered_at\n"
                 "M1,Lead,2024-05-01 00:00:00\nM1,Proposal,2024-05-03 00:00:00\n"
                 "M1,Qualified,2024-05-06 00:00:00\nM1,Lead,2024-05-08 00:00:00\n"
                 "M1,Proposal,2024-05-12 00:00:00\nM1,Won,2024-05-20 00:00:00\n"
                 "M2,Lead,2024-05-02 00:00:00\nM2,Qualified,2024-05-04 00:00:00\n"
                 "M2,Lead,2024-05-05 00:00:00\nM2,Qualified,2024-05-09 00:00:00\n")
# imported, then stored as before stays were kept (their tables dropped, the catalog not naming them)
WITHOUT_STAYS = {"moves_no_stays"}

EDGE_CASES = {
    "one_deal": (ONE_DEAL, ONE_DEAL_HISTORY),
    "null_amounts": (NULL_AMOUNTS, None),
    "ties": (TIES, None),
    "ab_groups": (AB_GROUPS, None),
    "moves_no_stays": (MOVES, MOVES_HISTORY),
}


def import_edge_cases(store, folder: Path) -> list[int]:
    """Import every edge case into ``store``; returns the dataset ids."""
    from funnel.importer import import_file

    ids = []
    for name, (deals, history) in EDGE_CASES.items():
        path = folder / f"{name}.csv"
        path.write_text(deals, encoding="utf-8")
        hist = None
        if history:
            hist = folder / f"{name}_history.csv"
            hist.write_text(history, encoding="utf-8")
        info, _built, _draft = import_file(store, path, path.name, history=hist, stages=STAGES, name=name)
        if name in WITHOUT_STAYS:
            _forget_stays(store, info)
        ids.append(info.id)
    return ids


def _forget_stays(store, info) -> None:
    import json

    from funnel.sql import ident
    from funnel.velocity.stays import derived_tables

    with store.connect() as con:
        for table in derived_tables(info.meta):
            con.execute(f"DROP TABLE {ident(info.schema, table)}")
        meta = {k: v for k, v in info.meta.items() if k != "stays_table"}
        con.execute("UPDATE datasets SET meta = $m WHERE id = $id", {"m": json.dumps(meta), "id": info.id})
