"""Issue 16, a sixteenth look at real exports: what they showed, each fixed and tested on a small file of
the same shape (values invented, counts worked by hand). The files (public GitHub repositories, and one
hand-kept list of survey 15):

- a hand-kept deal list whose close dates include «Dec 31» (no year): those won and lost deals were
  rejected whole, and the page then said "no deal won yet".
"""

from __future__ import annotations

from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import findings, outcome


def test_an_unreadable_date_keeps_its_deal_in_the_funnel(mem_store):
    data = ("Deal,Stage,Created,Closed,Amount\n"
            "A,Won,2024-01-01,2024-01-11,100\n"
            "B,Won,2024-01-05,Dec 31,200\n"
            "C,Lost,Dec 31,2024-02-01,50\n"
            "D,Proposal,2024-02-01,,300\n")
    info, built, _ = import_file(mem_store, data.encode(), "deals.csv")
    # by hand: 4 deals, 2 won (A, B), 1 lost, 1 open; revenue 100 + 200; only A has both dates: 10 days
    assert outcome(mem_store, info) == (4, 2, 1, 1, 300.0, 10.0)
    assert (built["rows_rejected"], built["rows_unread"]) == (0, 2)
    with mem_store.connect() as con:
        named = con.execute(f"SELECT row_no, column_name, value FROM ds_{info.id}.quality "
                            "WHERE code = 'date.unreadable' AND row_no IS NOT NULL ORDER BY row_no").fetchall()
    assert named == [(3, "Closed", "Dec 31"), (4, "Created", "Dec 31")]
    assert findings(mem_store, info)["date.unreadable"][0] == "warning"
