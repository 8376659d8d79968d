"""Every code the stats engine can emit has an English and a Russian text with the same placeholders."""

import json
from pathlib import Path

import pytest

from funnel.stats.wording import caveat_sentences, verdict_sentence
from tests.ab_results import verdict as typed_verdict

CATALOG = Path(__file__).resolve().parents[2] / "funnel" / "i18n" / "catalog"
CODES = {
    "verdict": ["winner", "loser", "no_difference_yet", "not_enough_data", "srm", "invalid"],
    "caveat": ["peeking", "small_sample", "many_comparisons", "srm"],
    "reason": ["no_visitors", "single_group", "zero_variance", "invalid_counts", "unknown_control", "no_groups",
               "invalid_parameters", "zero_effect", "invalid_effect", "unreachable", "too_few", "invalid_split"],
    "test": ["z", "fisher", "sequential", "welch"],
}


def _load(lang):
    return json.loads((CATALOG / f"stats.{lang}.json").read_text(encoding="utf-8"))


def test_catalogs_have_same_keys_and_placeholders():
    # keys, placeholders and plural categories of every language: tests/unit/test_i18n.py
    en, ru = _load("en"), _load("ru")
    assert en.keys() == ru.keys()
    assert all(key.startswith("stats.") for key in en)


@pytest.mark.parametrize(("area", "code"), [(a, c) for a, codes in CODES.items() for c in codes])
def test_every_code_translated(area, code):
    for lang in ("en", "ru", "zh"):
        assert f"stats.{area}.{code}" in _load(lang)


def test_sentences_fill_every_placeholder():
    verdict = typed_verdict("winner", group="B", control="A", rate=0.15, control_rate=0.1, rel_lift=0.5,
                            p_value=0.0007, test="z", comparisons=2, prob_beat_control=0.999,
                            caveats=["peeking", "small_sample", "many_comparisons", "srm"], srm_p_value=0.02)
    for lang in ("en", "ru"):
        for text in [verdict_sentence(verdict, 0.05, lang), *caveat_sentences(verdict, 0.05, lang)]:
            assert "{" not in text
    assert "B converts better than A" in verdict_sentence(verdict)
    assert "95 % likely" not in verdict_sentence(verdict)


def test_no_absurd_sample_size_hint_when_the_gap_is_about_zero():
    from funnel.stats.wording import verdict_sentence

    base = {"group": "B", "control": "A", "rate": 0.1, "control_rate": 0.1,
            "p_value": 0.99, "test": "z", "mde_abs": 0.01, "effect_abs": 0.00001}
    assert "more leads" in verdict_sentence(typed_verdict("no_difference_yet", **base, n_more_per_group=5000), 0.05, "en")
    text = verdict_sentence(typed_verdict("no_difference_yet", **base, n_more_per_group=25_302_793_749), 0.05, "en")
    assert "more leads" not in text and "percentage points or more" in text


def test_lead_counts_in_sentences_are_grouped_in_the_readers_locale():
    from funnel.stats.wording import verdict_sentence

    verdict = typed_verdict("no_difference_yet", group="B", control="A", rate=0.1867, control_rate=0.1847,
                            p_value=0.9, test="z", effect_abs=0.002, n_more_per_group=129_410)
    assert "about 129,410 more leads" in verdict_sentence(verdict, 0.05, "en")
    assert "примерно 129\u00a0410 лидов" in verdict_sentence(verdict, 0.05, "ru")
