"""The Diagnostics page's data-quality cards open the deals behind them, on the sample B2B dataset
whose planted defects sample_data/README.md counts: 3 backward moves, one in each of 3 won deals
(invoice sent -> mock-up approved -> invoice sent), and 5 skipped stages, one in each of 5 won deals
(no «Передан в производство» row)."""

from __future__ import annotations

import pytest

from tests.app.conftest import open_page


@pytest.mark.parametrize(("title", "deals"), [("Backward moves in the history: 3", 3),
                                              ("Skipped stages in the history: 5", 5)])
def test_a_data_quality_card_opens_its_deals(data_dir, title, deals):
    at = open_page("pages/diagnostics.py", lang="en", ds="1", dg_codes="data_quality")
    titles = [m.value for m in at.markdown if m.value.startswith(":material/")]
    index = next(i for i, x in enumerate(titles) if title in x)
    at.button(key=f"dg_finding_{index}").click().run()
    assert not at.exception
    texts = [m.value for m in at.markdown]
    assert f"**{deals}** deals" in texts
    statuses = set(at.dataframe[-1].value["Status"])
    assert statuses == {"won"}  # the planted defects are all in won deals
