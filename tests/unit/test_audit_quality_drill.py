"""The data-quality findings about particular deals open exactly those deals.

A hand-made history (stages A=1, B=2, C=3, D=4; "Lost" has no position), deal by deal:

- ``back``  A, B, C, B      one backward move (B after C)
- ``skip``  A, C            one skipped stage (B)
- ``both``  A, D, B         two skipped stages (B, C) and one backward move (B after D)
- ``clean`` A, B, C         nothing
- ``gap``   A, B, Lost, C   nothing: the entry of a stage without position is no step back or over
- ``u1``    lost, no history, its stage unknown

so the backward moves are 2 in 2 deals {back, both}, the skipped stages 3 in 2 deals {skip, both},
and the lost deals without their stage are {u1}.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from funnel.metrics import Selection, deals_behind
from funnel.spec import FunnelSpec
from tests.unit.test_audit_findings import HISTORY, of, run_audit

PATHS = {"back": ["A", "B", "C", "B"], "skip": ["A", "C"], "both": ["A", "D", "B"], "clean": ["A", "B", "C"],
         "gap": ["A", "B", "Lost", "C"]}
POSITION = {"A": 1, "B": 2, "C": 3, "D": 4, "Lost": None}


def _deal(deal_id: str, furthest: int, **more) -> dict:
    return dict(deal_id=deal_id, status="open", stage="A", furthest_pos=furthest, amount=100.0,
                created_at="2024-01-10", **more)


def _dataset():
    start = datetime(2024, 1, 10)
    events = [(deal, stage, POSITION[stage], start + timedelta(days=i))
              for deal, path in PATHS.items() for i, stage in enumerate(path)]
    deals = [_deal(d, max(POSITION[s] or 0 for s in path)) for d, path in PATHS.items()]
    deals.append(_deal("u1", 1, lost_stage_known=False) | {"status": "lost", "stage": "Lost"})
    # as the import writes them: n = moves, detail = deals that made them
    quality = [("history.backward_moves", 2, "2"), ("history.skipped_stages", 3, "2")]
    return run_audit(deals, meta=HISTORY, events=events, quality=quality)


def _ids(con, info, selection) -> set[str]:
    return set(deals_behind(con, info, FunnelSpec(), selection).frame["deal_id"])


def test_each_data_quality_variant_about_deals_opens_exactly_them():
    con, info, d = _dataset()
    variants = {f.variant: f for f in of(d, "data_quality")}
    assert set(variants) == {"backward_moves", "skipped_stages", "lost_stage_unknown"}
    assert (variants["backward_moves"].value, variants["skipped_stages"].value) == (2, 3)
    # three skipped stages, but two deals skipped them: the card's deal count is deals, not moves
    assert (variants["backward_moves"].deal_count, variants["skipped_stages"].deal_count) == (2, 2)
    assert _ids(con, info, variants["backward_moves"].selection) == {"back", "both"}
    assert _ids(con, info, variants["skipped_stages"].selection) == {"skip", "both"}
    assert _ids(con, info, variants["lost_stage_unknown"].selection) == {"u1"}


def test_a_move_drill_is_sorted_and_counted_like_any_other():
    con, info, _ = _dataset()
    result = deals_behind(con, info, FunnelSpec(), Selection("skipped_stage"), sort="deal_id", descending=True)
    assert (list(result.frame["deal_id"]), result.total) == (["skip", "both"], 2)


def test_the_import_counts_moves_and_deals_apart_and_the_finding_reads_both(mem_store, tmp_path):
    """The same paths through the real importer (order A B C D; "gap" left out, Lost is no stage):
    backward moves 2 by 2 deals {back, both}, skipped stages 3 by 2 deals {skip, both}."""
    from funnel.audit.data import AuditOptions
    from funnel.audit.diagnose import diagnose
    from funnel.importer import import_file

    paths = {d: p for d, p in PATHS.items() if d != "gap"}
    deals = tmp_path / "deals.csv"
    deals.write_text("Deal ID,Stage,Created\n" + "".join(f"{d},{p[-1]},2024-01-10\n" for d, p in paths.items()),
                     encoding="utf-8")
    history = tmp_path / "history.csv"
    history.write_text("Deal ID,Stage,Date Entered\n" + "".join(
        f"{d},{s},2024-01-{10 + i:02d} 10:00\n" for d, p in paths.items() for i, s in enumerate(p)), encoding="utf-8")
    info, _built, _ = import_file(mem_store, deals, history=history, stages=["A", "B", "C", "D"])
    with mem_store.connect() as con:
        variants = {f.variant: f for f in of(diagnose(con, info, FunnelSpec(), AuditOptions()), "data_quality")}
    assert (variants["backward_moves"].value, variants["backward_moves"].deal_count) == (2, 2)
    assert (variants["skipped_stages"].value, variants["skipped_stages"].deal_count) == (3, 2)


def test_variants_about_the_file_have_no_deals_to_open():
    deals = [_deal("x", 1)]
    _, _, d = run_audit(deals, quality=[("stages.order_guessed", 1)])
    variants = {f.variant: f for f in of(d, "data_quality")}
    assert set(variants) == {"no_history", "order_guessed"}
    assert all(f.selection is None for f in variants.values())
