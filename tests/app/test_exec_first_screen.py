"""The executive's two questions are answered first on their pages (session 49, a 1440×900 laptop).

Before, on the B2B sample: the Overview's «Top findings» (which stage is the problem, and what it costs) came after
the funnel and the drop-offs, ~1 900 px down; the Managers page's «Real gaps» (who) after the table, the heatmap
and its grid, ~1 700 px down; the Pipeline page's forecast tiles («what will we close this month») after the
snapshot, the weekly chart, the waterfall and the probability chart, ~3 000 px down. Now each is the first
section under the page's head. The sample's planted weak manager (sample_data/README.md) is Игорь Лебедев at
«Счёт выставлен → Предоплата получена».
"""

from __future__ import annotations

from tests.app.conftest import open_page
from ui import background


def _subheaders(at) -> list[str]:
    return [h.value for h in at.subheader]


def test_overview_top_findings_come_before_the_funnel(data_dir):
    at = open_page("pages/overview.py", lang="en", ds="1")
    for job in list(background._JOBS.values()):  # computed in the background (ui/background.py)
        job.result(timeout=120)
    at.run()
    heads = _subheaders(at)
    assert heads.index("Top findings") < heads.index("Funnel")


def test_managers_real_gaps_come_first(data_dir):
    at = open_page("pages/managers.py", lang="en", ds="1")
    heads = _subheaders(at)
    assert heads[0] == "Real gaps" and heads.index("Real gaps") < heads.index("Per manager")
    first = next(m.value for m in at.markdown if "If this step converted like the rest of the team" in m.value)
    assert "Игорь Лебедев" in first and "Счёт выставлен → Предоплата получена" in first


def test_pipeline_forecast_tiles_come_before_the_snapshot(data_dir):
    at = open_page("pages/pipeline.py", lang="en", ds="1")
    heads = _subheaders(at)
    assert heads[0] == "Forecast" and heads[1].startswith("Pipeline on ")
    labels = [m.label for m in at.metric]
    assert labels[0] == "Weighted pipeline" and labels.index("Weighted pipeline") < labels.index("Open deals")
