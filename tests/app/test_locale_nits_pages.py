"""Screens in the reader's language and honest for web funnels (issue 15, nits seen on screen):
the A/B alpha in the reader's decimal notation, and a web funnel's stage table without the
lost/open columns that only deals have."""

from __future__ import annotations

import pytest

from tests.app.conftest import open_page

WEB = "Web funnel (landing test)"


@pytest.fixture(scope="module")
def ids(data_dir) -> dict[str, str]:
    from funnel.store import Store

    return {row["name"]: str(row["id"]) for row in Store(data_dir / "funnel.duckdb").datasets()}


@pytest.mark.parametrize(("lang", "options"), [("en", ["0.01", "0.05", "0.10"]), ("ru", ["0,01", "0,05", "0,10"])])
def test_ab_alpha_is_written_in_the_readers_notation(ids, lang, options):
    at = open_page("pages/ab.py", lang=lang, ds=ids[WEB], ab_by="landing")
    alpha = at.selectbox(key="ab_alpha_w")
    assert alpha.options == options and alpha.value == 0.05


def test_web_funnel_stage_table_has_no_lost_or_open_columns(ids):
    at = open_page("pages/funnel.py", lang="en", ds=ids[WEB])
    # a visitor's funnel has steps (words.STEPS): «Stage» and «Step» (its conversion) were two words for one thing
    assert list(at.dataframe[0].value.columns) == ["Step", "Reached", "Of previous", "Of first", "Drop-off"]
    deals = open_page("pages/funnel.py", lang="en", ds="1")  # the B2B sample: deals do have them
    assert list(deals.dataframe[0].value.columns)[-2:] == ["Lost", "Open"]


def test_velocity_as_of_is_no_iso_date_in_russian(ids):
    import re

    at = open_page("pages/velocity.py", lang="ru", ds="1")
    captions = [c.value for c in at.caption]
    assert any(c.startswith("На ") for c in captions)
    assert not [c for c in captions if re.search(r"\d{4}-\d{2}-\d{2}", c)]
