"""A/B on a visitor file whose later step does not need the earlier one (Cookie Cats: day-7 retention without day-1):
the funnel counts a visitor at every step up to its furthest (DOMAIN.md's «reached»), so a step's comparison holds the
visitors who skipped it. Said beside the step, with the comparison of those who recorded it (h3's audit: Cookie Cats'
«visit → retention_1» read 48.90 % vs 48.13 %, p 0.039, «significant», where day 1 itself is 44.82 % vs 44.23 %,
p 0.074).

The file, by hand: group A, 300 players: 120 back on day 1 (60 of them on day 7 too), 60 back on day 7 only, 120 never;
group B, 300: 150 on day 1 (30 also on day 7), 30 on day 7 only, 120 never. Reached «retention_1» (the funnel): A 180,
B 180, 60 % each: no difference at all. Recorded «retention_1»: A 120 (40 %), B 150 (50 %); skipped: A 60, B 30. The
two-proportion z-test of 120/300 against 150/300 is statsmodels' proportions_ztest (pooled), computed here from the
counts alone: z ≈ 2.46, p ≈ 0.0138.
"""

from __future__ import annotations

import json

import pytest
from statsmodels.stats.proportion import proportions_ztest

from funnel.cli import main as cli_main


def _rows(group: str, day1_and_7: int, day1_only: int, day7_only: int, never: int) -> list[str]:
    kinds = [("TRUE", "TRUE")] * day1_and_7 + [("TRUE", "FALSE")] * day1_only + [("FALSE", "TRUE")] * day7_only \
        + [("FALSE", "FALSE")] * never
    return [f"{group}{i},{group},{r1},{r7}" for i, (r1, r7) in enumerate(kinds)]


@pytest.fixture
def store(tmp_path, capsys):
    path = tmp_path / "retention.csv"
    lines = ["userid,version,retention_1,retention_7", *_rows("A", 60, 60, 60, 120), *_rows("B", 30, 120, 30, 120)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli_main(["--data-dir", str(tmp_path / "store"), "import", str(path), "--json"]) == 0
    capsys.readouterr()
    return tmp_path / "store"


def test_a_skipped_step_is_said_and_compared_on_its_recorded_entries(store, capsys):
    assert cli_main(["--data-dir", str(store), "abtest", "1", "--by", "variant", "--control", "A", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["stages"] == ["visit", "retention_1", "retention_7"]
    step = next(s for s in doc["steps"] if s["to"] == "retention_1")
    assert {g: (v["n"], v["conversions"]) for g, v in step["groups"].items()} == {"A": (300, 180), "B": (300, 180)}
    [skipped] = doc["skipped"]  # day 7 needs nobody to skip it: only retention_1
    assert skipped["stage"] == "retention_1" and skipped["skipped"] == {"A": 60, "B": 30}
    recorded = skipped["recorded"]
    assert (recorded["from"], recorded["to"]) == ("visit", "retention_1")
    assert {g: (v["n"], v["conversions"]) for g, v in recorded["groups"].items()} == {"A": (300, 120), "B": (300, 150)}
    z, p = proportions_ztest([150, 120], [300, 300])
    assert recorded["comparisons"]["B"]["test"] == "z"
    assert recorded["comparisons"]["B"]["p_value"] == pytest.approx(p, rel=1e-6)
    assert p == pytest.approx(0.0138, abs=1e-4) and z == pytest.approx(2.4618, abs=1e-3)


def test_the_text_output_and_the_russian_words(store, capsys, monkeypatch):
    monkeypatch.setenv("FUNNEL_LANG", "ru")
    assert cli_main(["--data-dir", str(store), "abtest", "1", "--by", "variant", "--control", "A"]) == 0
    out = capsys.readouterr().out
    assert "На шаге «retention_1» учтены посетители, у которых он не записан: 90 (A: 60, B: 30)." in out
    assert "Сравнение по тем, у кого «retention_1» записан, от «visit»:" in out


def test_a_pinned_step_in_the_report_says_it_and_compares_the_recorded_entries(store):
    """A pin of «visit → retention_1» (the report's A/B section recomputes it): the funnel's step, A 180/300 and
    B 180/300, then the note and the recorded comparison, A 120/300 and B 150/300."""
    from funnel.report.assemble import build_report
    from funnel.spec import FunnelSpec
    from funnel.store import Store

    db = Store(str(store / "funnel.duckdb"))
    info = db.info(1)
    pin = {"ds": 1, "by": "variant", "control": "A", "step": ["visit", "retention_1"], "alpha": 0.05,
           "sequential": False}
    with db.connect() as con:
        report = build_report(con, info, db.row(1), FunnelSpec(), "en", extras={"ab_pins": [pin]})
    section = report.section("ab")
    step, recorded = section.tables
    assert dict(zip(step.column("group"), step.column("conversions"), strict=True)) == {"A": 180, "B": 180}
    assert dict(zip(recorded.column("group"), recorded.column("conversions"), strict=True)) == {"A": 120, "B": 150}
    assert any(p.startswith("«retention_1» counts visitors who did not record it: 90 (A: 60, B: 30).")
               for p in section.paragraphs)
