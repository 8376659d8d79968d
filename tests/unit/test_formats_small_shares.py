"""A share too small for its decimals is written with two significant digits, never as zero: an ad report's
goal conversion, 5 purchases of 45,700 impressions, read «Конверсия в цель 0,0 %» beside «Дошли до цели 5»."""

from __future__ import annotations

import pytest

from funnel.formats import fmt_pct


@pytest.mark.parametrize("value, lang, digits, text", [
    (5 / 45_700, "ru", 1, "0,011\xa0%"),   # 0.01094 % -> two significant digits
    (5 / 45_700, "en", 1, "0.011%"),
    (0.0005, "en", 1, "0.050%"),           # 0.05 % would round (half to even) to 0.0
    (0.001, "en", 0, "0.10%"),             # 0.1 % at no decimals
    (0.001, "en", 1, "0.1%"),              # enough decimals: as before
    (0.125, "ru", 1, "12,5\xa0%"),
    (0.0, "en", 1, "0.0%"),                # a true zero stays zero
])
def test_a_small_share_is_never_written_as_zero(value, lang, digits, text):
    assert fmt_pct(value, lang, digits) == text
