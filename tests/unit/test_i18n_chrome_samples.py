"""Streamlit's own chrome is set for the people reading the dashboard; sample datasets are named in
every language."""

import tomllib

from tests.conftest import ROOT


def test_toolbar_has_no_developer_menu_or_deploy_button():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    # "minimal": only options set by the app itself; no developer menu, no Deploy button
    assert config["client"]["toolbarMode"] == "minimal"
    assert config["browser"]["gatherUsageStats"] is False


def test_sample_datasets_are_named_in_every_language():
    from funnel.i18n import LANGUAGES
    from funnel.sample_datasets import display_name, manifest

    for entry in manifest():
        for lang in LANGUAGES:
            assert display_name(entry["name"], lang), (entry["name"], lang)
        assert display_name(entry["name"], "en") == entry["name"]
        assert display_name(entry["name"], "zh") != entry["name"] and display_name(entry["name"], "ru") != entry["name"]
    assert display_name("B2B services (amoCRM)", "ru") == "B2B-услуги (amoCRM)"
    assert display_name("B2B services (amoCRM)", "zh") == "B2B 服务（amoCRM）"
    assert display_name("My own export", "zh") == "My own export"  # a user's name is never changed
