"""The comparison with the previous snapshot keeps the page's filters on both snapshots. Before, the earlier
snapshot was narrowed by pipeline only: under Manager = Ann its «start» held Bob's deals and Bob's deals still in
the export counted as «removed» (h1, session 50: start 3 and removed 2 where Ann's are 1 and 0)."""

from __future__ import annotations

import pytest

from funnel.errors import FunnelError
from funnel.importer import import_file
from funnel.metrics import Selection, deals_behind
from funnel.spec import FunnelSpec
from funnel.store import Store
from funnel.velocity.snapshots import compare_datasets, link_previous

HEAD = "Deal ID,Stage,Status,Created,Closed,Amount,Manager\n"
# A, exported 2024-02-01: three open leads, Ann's D1, Bob's D2 and D3
A = HEAD + "D1,Lead,open,2024-01-05,,100,Ann\nD2,Lead,open,2024-01-06,,200,Bob\nD3,Lead,open,2024-02-01,,300,Bob\n"
# B, later: D3 gone, Ann's D4 new
B = HEAD + "D1,Lead,open,2024-01-05,,100,Ann\nD2,Lead,open,2024-01-06,,200,Bob\nD4,Lead,open,2024-02-20,,400,Ann\n"


@pytest.fixture
def snapshots(tmp_path):
    def load(a: str, b: str):
        (tmp_path / "a.csv").write_text(a, encoding="utf-8")
        (tmp_path / "b.csv").write_text(b, encoding="utf-8")
        store = Store(tmp_path / "s.duckdb")
        first, _r, _d = import_file(store, tmp_path / "a.csv", "a.csv", stages=["Lead", "Won"])
        second, _r, _d = import_file(store, tmp_path / "b.csv", "b.csv", stages=["Lead", "Won"])
        link_previous(store, second.id, first.id)
        return store, first, store.info(second.id)
    return load


def test_the_filters_narrow_both_snapshots(snapshots):
    """By hand. Whole: start 3 (D1 D2 D3), new 1 (D4), removed 1 (D3), end 3 (D1 D2 D4): 3 + 1 − 1 = 3.
    Ann: start 1 (D1, 100), new 1 (D4, 400), removed 0, end 2 (D1 D4, 500): 1 + 1 − 0 = 2."""
    store, first, info = snapshots(A, B)
    whole = compare_datasets(store, info, FunnelSpec())
    assert {k: whole.bars[k].deals for k in ("start", "new", "removed", "end")} == \
        {"start": 3, "new": 1, "removed": 1, "end": 3}
    ann = FunnelSpec(filters={"manager": ["Ann"]})
    wf = compare_datasets(store, info, ann)
    assert {k: (wf.bars[k].deals, wf.bars[k].amount) for k in ("start", "new", "removed", "end")} == \
        {"start": (1, 100.0), "new": (1, 400.0), "removed": (0, 0.0), "end": (2, 500.0)}
    # the bars' deals, as the page's click lists them, under the same filter
    with store.connect(info) as con:
        for bar, deals in {"start": ["D1"], "new": ["D4"], "end": ["D1", "D4"]}.items():
            sel = Selection("snapshot_bar", value=bar, previous=first.id, since=wf.date_from)
            assert sorted(deals_behind(con, info, ann, sel).frame["deal_id"]) == deals, bar


def test_a_filter_the_earlier_snapshot_cannot_apply_is_refused(snapshots):
    """B has a «Region» column A lacks: a comparison filtered by it would compare a filtered snapshot with a whole
    one; it is refused naming the column."""
    b = B.replace("Manager\n", "Manager,Region\n").replace(",Ann\n", ",Ann,North\n").replace(",Bob\n", ",Bob,South\n")
    store, _first, info = snapshots(A, b)
    region = next(name for name, header in info.extra_columns.items() if header == "Region")
    with pytest.raises(FunnelError) as err:
        compare_datasets(store, info, FunnelSpec(filters={region: ["North"]}))
    assert err.value.code == "velocity.previous_lacks_filter" and err.value.params["column"] == "Region"
