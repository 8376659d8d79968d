"""The formatted-number memo (funnel/formats.py) keys on language and pattern as well as the value:
the same number comes back right in every language and precision, whichever was asked first."""

from __future__ import annotations

import numpy as np

from funnel.formats import fmt_compact, fmt_int, fmt_num, fmt_pct


def test_same_value_in_two_languages_and_precisions():
    assert fmt_pct(0.125, "en") == "12.5%"
    assert fmt_pct(0.125, "ru") == "12,5\u00a0%"  # CLDR ru: decimal comma, no-break space before %
    assert fmt_pct(0.125, "en", 0) == "12%"  # half to even: 12.5 -> 12
    assert fmt_num(1172.5, "ru", 1) == "1\u00a0172,5"
    assert fmt_num(1172.5, "en", 1) == "1,172.5"
    assert fmt_int(np.int64(1172), "en") == fmt_int(1172, "en") == "1,172"
    assert fmt_pct(np.float64(0.125), "zh") == fmt_pct(0.125, "zh") == "12.5%"


def test_compact_money_is_remembered_per_language():
    nb = "\u00a0"
    assert fmt_compact(79_806_500, "ru") == f"79,8{nb}млн"  # asked in Russian first ...
    assert fmt_compact(79_806_500, "en") == "79.8M"  # ... English is not served the Russian text
    assert fmt_compact(79_806_500, "zh") == "7981万"  # 7,980.65 ten-thousands, rounded
    assert fmt_compact(-2_500_000.0, "en") == "-2.5M"
    assert fmt_compact(79_806_500, "en") == "79.8M"  # a second ask: the same text
