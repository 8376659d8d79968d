"""The metrics catalog: both languages, same keys, same placeholders, every engine code translated."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from funnel.metrics import cohorts, outcomes
from funnel.metrics.fixture import make_dataset

CATALOG = Path(__file__).resolve().parents[2] / "funnel" / "i18n" / "catalog"
SOURCES = Path(__file__).resolve().parents[2] / "funnel" / "metrics"


def load(lang):
    return json.loads((CATALOG / f"metrics.{lang}.json").read_text(encoding="utf-8"))


def test_same_keys_and_placeholders_in_both_languages():
    # keys, placeholders and plural categories of every language: tests/unit/test_i18n.py
    en, ru = load("en"), load("ru")
    assert set(en) == set(ru)
    assert all(k.startswith(("metrics.", "error.metrics.")) for k in en)
    for key in en:
        assert en[key] != ru[key] or key.endswith("deal_id"), key


def test_every_code_in_the_engine_has_a_text():
    en = load("en")
    text = "".join(p.read_text(encoding="utf-8") for p in SOURCES.glob("*.py"))
    codes = set(re.findall(r'"(metrics\.(?:reason|finding|dropoff)\.\w+)"', text))
    errors = {f"error.{c}" for c in re.findall(r'FunnelError\("(metrics\.\w+)"', text)}
    assert codes and errors
    assert codes | errors <= set(en), sorted((codes | errors) - set(en))


@pytest.mark.parametrize("lang", ["en", "ru", "zh"])
def test_t_fills_the_drop_off_sentence(lang):
    from funnel.i18n import t

    text = t("metrics.dropoff.step", lang, n=3, stage_from="Lead", stage_to="Qualified",
             rate="30%", lost_here=2, open_here=1)
    assert "Lead" in text and "Qualified" in text and "{" not in text


def test_cohort_and_outcome_reasons_are_catalogued():
    import duckdb

    con = duckdb.connect()
    info = make_dataset(con, stages={"S": [("A", "open"), ("W", "won")]}, deals=[])
    reasons = set(outcomes(con, info, __import__("funnel.spec").spec.FunnelSpec()).reasons.values())
    reasons.add(cohorts(con, info, __import__("funnel.spec").spec.FunnelSpec()).reason)
    assert reasons <= set(load("en"))
