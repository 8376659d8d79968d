"""A visitor listed twice in a file of one row per visitor (audit h3): merged into one, as before, and now said in
the quality report — each repeated row by its number and id, and apart the rows that put the visitor in another
group than its first row did. Udacity's ab_data read «no data-quality notes» while 3,894 rows repeated a user and
1,998 of them showed that user the other landing page."""

from __future__ import annotations

import pandas as pd

from funnel.importer import import_file
from funnel.store import Store
from tests.conftest import shared_path

FILE = ("user_id,group,converted\n"
        "1,A,0\n"   # row 2
        "2,A,1\n"   # row 3
        "1,A,1\n"   # row 4: user 1 again, same group
        "3,B,0\n"   # row 5
        "3,A,0\n"   # row 6: user 3 again, in the other group
        "4,B,1\n")  # row 7


def _quality(store, info) -> list[tuple]:
    with store.connect() as con:
        return con.execute(f"SELECT code, row_no, column_name, value, n FROM ds_{info.id}.quality "
                           "WHERE code LIKE 'events.%' ORDER BY code, row_no NULLS FIRST").fetchall()


def test_repeated_visitors_are_said_with_their_rows(tmp_path):
    """By hand: users 1 and 3 are listed twice (rows 4 and 6 repeat them); user 3's second row names group A
    after B. Four visitors; user 1 converted (row 4 says so), its group A from row 2; user 3 stays in B."""
    path = tmp_path / "ab.csv"
    path.write_text(FILE, encoding="utf-8")
    store = Store(":memory:")
    info, built, _ = import_file(store, path, path.name)
    assert built["n_deals"] == 4
    assert _quality(store, info) == [
        ("events.repeated_visitor", None, "user_id", None, 2),
        ("events.repeated_visitor", 4, "user_id", "1", 1),
        ("events.repeated_visitor", 6, "user_id", "3", 1),
        ("events.visitor_two_groups", None, "group", None, 1),
        ("events.visitor_two_groups", 6, "group", "B → A", 1),
    ]


def test_a_file_without_repeats_says_nothing_of_them(tmp_path):
    path = tmp_path / "ab.csv"
    path.write_text("user_id,group,converted\n1,A,0\n2,B,1\n3,A,1\n", encoding="utf-8")
    store = Store(":memory:")
    info, _built, _ = import_file(store, path, path.name)
    assert _quality(store, info) == []


def test_udacity_ab_data_says_its_repeated_users():
    """From the file with pandas: rows whose user_id an earlier row has (3,894), and those of them whose
    landing_page differs from that user's first row (1,998: users shown both pages)."""
    path = shared_path("datasets", "udacity_ab_test_landing_page", "ab_data.csv")
    raw = pd.read_csv(path)
    repeats = raw[raw.user_id.duplicated()]
    first_page = raw.drop_duplicates("user_id").set_index("user_id").landing_page
    other_page = int((repeats.landing_page.values != first_page.loc[repeats.user_id].values).sum())
    store = Store(":memory:")
    info, _built, _ = import_file(store, path, path.name)
    with store.connect() as con:
        counts = dict(con.execute(f"SELECT code, n FROM ds_{info.id}.quality WHERE row_no IS NULL "
                                  "AND code LIKE 'events.%'").fetchall())
    assert counts == {"events.repeated_visitor": len(repeats), "events.visitor_two_groups": other_page}
    assert (len(repeats), other_page) == (3894, 1998)
