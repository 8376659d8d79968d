"""A one-step funnel is one comparison (one Holm test, not two); chances are capped for display."""

import math

import pandas as pd
import pytest

from funnel.ab_charts import ab_rows
from funnel.ab_dataset import analyze_dataset
from funnel.importer import import_file
from funnel.spec import FunnelSpec
from funnel.stats.results import RateComparison
from funnel.stats.wording import chance
from funnel.store import Store
from tests.ab_results import step as typed_step
from tests.conftest import shared_path


def _z_test_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """Pooled two-proportion z-test, two-sided, from its textbook definition."""
    p = (x1 + x2) / (n1 + n2)
    z = (x2 / n2 - x1 / n1) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    return math.erfc(abs(z) / math.sqrt(2))


def test_one_step_funnel_is_one_test(tmp_path):
    # A: 40 of 400 visitors converted, B: 60 of 400
    rows = ["visitor,step,timestamp,landing"]
    for group, n, x in (("A", 400, 40), ("B", 400, 60)):
        for i in range(n):
            rows.append(f"{group}{i},visit,2024-01-01 10:00,{group}")
            if i < x:
                rows.append(f"{group}{i},buy,2024-01-02 10:00,{group}")
    path = tmp_path / "one_step.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    store = Store(":memory:")
    info, _b, _d = import_file(store, path, path.name, stages=["visit", "buy"])
    with store.connect() as con:
        r = analyze_dataset(con, info, FunnelSpec(), "landing", control="A")
    expected = _z_test_p(40, 400, 60, 400)  # 0.0344...
    assert r.comparisons["B"].p_value == pytest.approx(expected, rel=1e-6)
    assert r.comparisons["B"].p_value_adjusted == pytest.approx(expected, rel=1e-6)  # not doubled
    assert r.comparisons_total == 1 and r.steps == ()


def test_udacity_landing_page_whole_funnel_is_not_doubled():
    """ab_data.csv as dropped: one step (visit -> converted). Holm over ONE test leaves p as it is:
    0.169 (the page showed 0.338, the same test counted twice)."""
    path = shared_path("datasets", "udacity_ab_test_landing_page", "ab_data.csv")
    raw = pd.read_csv(path)
    per_user = raw.groupby("user_id", sort=False).agg(page=("landing_page", "first"), conv=("converted", "max"))
    counts = {page: (len(g), int(g.conv.sum())) for page, g in per_user.groupby("page")}
    expected = _z_test_p(counts["old_page"][1], counts["old_page"][0], counts["new_page"][1], counts["new_page"][0])
    assert expected == pytest.approx(0.169, abs=5e-4)
    store = Store(":memory:")
    info, _b, _d = import_file(store, path, path.name)
    with store.connect() as con:
        r = analyze_dataset(con, info, FunnelSpec(), "variant", control="old_page")
    assert r.comparisons["new_page"].p_value_adjusted == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(("value", "text"), [(1.0, "> 99.9%"), (0.99995, "> 99.9%"), (0.0, "< 0.1%"),
                                             (0.0004, "< 0.1%"), (0.8766, "87.7%"), (None, "—")])
def test_chance_is_capped(value, text):
    assert chance(value) == text


def test_table_caps_the_chance_too():
    result = typed_step({"A": {"n": 10, "conversions": 1}, "B": {"n": 10, "conversions": 9}},
                        {"B": RateComparison(prob_beat_control=0.99999)})
    rows = ab_rows(result, {}, "en")
    assert [r["prob_beat_control"] for r in rows] == ["—", "> 99.9%"]
