"""Managers heatmap: a real gap is flagged against the rest of the team, noise and tiny samples are not."""

import math

import duckdb
import numpy as np
from scipy.stats import norm

from funnel.audit.gaps import gaps_against_rest
from funnel.audit.managers import manager_report, managers_json
from funnel.audit.steps import StepCount
from funnel.metrics.fixture import SALES, make_dataset
from funnel.spec import FunnelSpec


def _deals(manager: str, n: int, passed: int, start: int = 0) -> list[dict]:
    """``n`` closed deals of ``manager`` entering Qualified -> Proposal; ``passed`` reach Proposal."""
    out = []
    for i in range(n):
        ok = i < passed
        out.append(dict(deal_id=f"{manager}{start + i}", manager=manager, status="lost", stage="Lost",
                        furthest_pos=3 if ok else 2, amount=100.0, created_at="2024-01-01",
                        closed_at="2024-01-05"))
    return out


def _report(deals, **kw):
    con = duckdb.connect()
    info = make_dataset(con, stages={"Sales": SALES}, deals=deals,
                        meta={"mapping": {"fields": {"manager": "Owner", "amount": "Amount"}}})
    return manager_report(con, info, FunnelSpec(), **kw)


def test_weak_manager_is_flagged_against_the_rest_with_the_z_test():
    deals = _deals("Bad", 40, 10) + _deals("Ann", 40, 30) + _deals("Bob", 40, 30) + _deals("Cid", 40, 30)
    report = _report(deals)
    bad = next(m for m in report.managers if m.manager == "Bad")
    cell = bad.steps[1]  # Qualified -> Proposal
    assert (cell.stage, cell.stage_to, cell.n, cell.passed) == ("Qualified", "Proposal", 40, 10)
    assert (cell.rest_n, cell.rest_passed) == (120, 90)  # Bad's own deals left out of the team
    # pooled z by hand: p = 100/160, se = sqrt(p(1-p)(1/40 + 1/120)), z = (.25 - .75) / se
    p = 100 / 160
    z = (0.25 - 0.75) / math.sqrt(p * (1 - p) * (1 / 40 + 1 / 120))
    assert cell.test == "z"
    assert math.isclose(cell.p_value, 2 * norm.sf(abs(z)), rel_tol=1e-6)
    assert cell.flagged
    assert report.extra_deals(cell) == 40 * 0.5  # converting like the rest: +20 deals at Proposal
    others = [c for m in report.managers if m.manager != "Bad" for c in m.steps]
    assert not any(c.flagged for c in others)  # Bad's weakness does not make the others look good


def test_five_deals_are_not_tested():
    deals = _deals("Tiny", 5, 0) + _deals("Ann", 40, 30) + _deals("Bob", 40, 30)
    tiny = next(m for m in _report(deals).managers if m.manager == "Tiny")
    assert tiny.steps[1].rate == 0.0
    assert tiny.steps[1].p_value is None and not tiny.steps[1].flagged


def test_managers_json_has_the_documented_keys():
    doc = managers_json(_report(_deals("Ann", 40, 30) + _deals("Bob", 40, 20)))
    ann = next(m for m in doc["managers"] if m["manager"] == "Ann")
    assert set(ann) == {"manager", "deals", "won", "lost", "win_rate", "revenue", "reasons", "steps"}
    step = ann["steps"][1]
    assert set(step) == {"stage", "stage_to", "n", "passed", "rate", "team_rate", "p_value",
                         "p_value_adjusted", "flagged"}
    assert (step["rate"], step["team_rate"]) == (0.75, 0.5)


def _noise_flags(seed: int, managers: int = 20, entrants: int = 60, rates=(0.6, 0.7, 0.5)) -> bool:
    rng = np.random.default_rng(seed)
    groups = {}
    for m in range(managers):
        n, steps = entrants, []
        for i, p in enumerate(rates):
            x = int(rng.binomial(n, p))
            steps.append(StepCount(i, f"S{i}", f"S{i + 1}", i + 1, n, x))
            n = x
        groups[f"M{m}"] = steps
    return any(c.flagged for c in gaps_against_rest({"manager": groups}))


def test_twenty_managers_from_one_distribution_give_no_gap_in_95_percent_of_seeds():
    seeds = 200
    false_alarms = sum(_noise_flags(seed) for seed in range(seeds))
    assert false_alarms / seeds <= 0.05, false_alarms


def test_holm_and_vectorised_z_match_statsmodels():
    from statsmodels.stats.multitest import multipletests
    from statsmodels.stats.proportion import proportions_ztest

    from funnel.audit.gaps import holm, z_p_values

    p = [0.01, 0.04, 0.03, 0.2, 0.001]
    assert np.allclose(holm(p), multipletests(p, method="holm")[1])
    z_p, fisher = z_p_values([40, 200], [10, 120], [120, 300], [90, 150])
    for i, (n1, x1, n2, x2) in enumerate([(40, 10, 120, 90), (200, 120, 300, 150)]):
        assert math.isclose(z_p[i], proportions_ztest([x1, x2], [n1, n2])[1], rel_tol=1e-9)
    assert not fisher.any()


def test_heatmap_cells_carry_their_row_and_step_for_a_click():
    from funnel.audit.charts import heatmap_cell, heatmap_figure
    from funnel.audit.gaps import GapCell

    def cell(i, n, passed):
        return GapCell("manager", None, i, "AB"[i], "BC"[i], i + 1, n, passed, 100, 50)

    rows = [("<b>Ann</b>", [cell(0, 40, 20), cell(1, 10, 1)]), ("Bob", [cell(0, 40, 30), cell(1, 0, 0)])]
    labels = {"rate": "rate", "team": "team", "n": "n", "diff": "diff"}
    fig = heatmap_figure(rows, labels)
    grid, marks = fig.data
    assert grid.type == "heatmap" and grid.hoverinfo == "skip"
    # one invisible marker per cell, at the cell, with [row, step]
    assert [list(c) for c in marks.customdata] == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert list(marks.y) == ["&lt;b&gt;Ann&lt;/b&gt;"] * 2 + ["Bob"] * 2 and list(marks.x) == list(grid.x) * 2
    assert fig.layout.hoverdistance == -1
    assert marks.hovertext[0].startswith("&lt;b&gt;Ann&lt;/b&gt; · 1. A → B<br>rate: 50")  # 20 / 40
    assert heatmap_cell({"curve_number": 1, "customdata": [1, 0]}) == (1, 0)
    assert heatmap_cell({"curve_number": 0, "customdata": None}) is None  # the colour grid itself
    assert heatmap_cell({"curve_number": 1}) is None


def test_long_step_names_take_height_of_their_own_not_the_rows():
    """Step names above the grid are wrapped, horizontal, at 14 characters a line, 4 lines at most
    (survey 51: at -30° they ran into each other on a phone). «1. Identifying Decision Makers → Identifying
    Decision Makers» is «1. Identifying» / «Decision» / «Makers →» / «Identifying…» (6 lines cut to 4), 3 lines
    more than «1. A → A»: the figure grows by 3 × 14 px and each manager's row keeps its 48 px:
    110 + 3 × 48 + 1 × 14 = 268 px, and 110 + 3 × 48 + 4 × 14 = 310 px."""
    from funnel.audit.charts import heatmap_figure
    from funnel.audit.gaps import GapCell

    def figure(stage: str):
        cells = [GapCell("manager", None, 0, stage, stage, 1, 10, 5, 10, 5)]
        return heatmap_figure([(m, cells) for m in ("Anna", "Boris", "Not Assigned")], {
            "rate": "rate", "team": "team", "n": "n", "diff": "diff"})

    short, long = figure("A"), figure("Identifying Decision Makers")
    assert (short.layout.height, long.layout.height) == (268, 310)
    assert list(long.layout.xaxis.ticktext) == ["1. Identifying<br>Decision<br>Makers →<br>Identifying…"]
    assert long.data[1].hovertext[0].startswith("Anna · 1. Identifying Decision Makers → Identifying Decision Makers")
