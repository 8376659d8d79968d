"""An ad platform's counts by what they count, read from the header's words, not its exact spelling.

Facebook, Google Ads, Yandex Direct and the Chinese platforms name the same count many ways: «Clicks», «Link clicks»,
``ad_clicks``, ``unique_clicks``, ``impressions_count``, «Клики по объявлению», «点击量». The header is split into
words (``normalize.header_tokens``: snake_case, camelCase and punctuation) and one of them says which count it is:
impressions (people shown the ad), clicks (people who came to the site) or conversions. Before, only a whole header
(``^clicks?$``) or a word between regex word boundaries (``\\bclicks\\b``, which an underscore defeats) was read,
so ``ad_clicks`` before «Impressions» kept the file's order and a table whose first step was ``impressions_count`` was
worded as leads.

A header that also names a rate, a price or a value of the count («CTR», «Cost per click», «Conv. rate», «点击率»,
«每次点击费用», «Стоимость клика») is no count of people: it has no rank.
"""

from __future__ import annotations

import re

from .normalize import header_tokens

IMPRESSIONS, CLICKS, CONVERSIONS = 0, 1, 2

_WORDS = {
    "impr": IMPRESSIONS, "impression": IMPRESSIONS, "impressions": IMPRESSIONS,
    "показы": IMPRESSIONS, "показов": IMPRESSIONS, "показ": IMPRESSIONS,
    "click": CLICKS, "clicks": CLICKS, "клики": CLICKS, "кликов": CLICKS, "клик": CLICKS,
    "conv": CONVERSIONS, "conversion": CONVERSIONS, "conversions": CONVERSIONS,
    "конверсии": CONVERSIONS, "конверсий": CONVERSIONS,
}  # not the singular «Конверсия»: Metrica's «Конверсия по цели» is a rate (5.00), no count
# a word glued to its qualifier without a separator in lower case («linkclicks», «uniqueclicks»)
_SUFFIXES = (("impressions", IMPRESSIONS), ("clicks", CLICKS), ("conversions", CONVERSIONS))
# Chinese headers have no spaces: 展示量, 展现次数, 曝光量, 点击量, 点击次数, 转化数
_HAN = ((re.compile(r"展示|展现|曝光"), IMPRESSIONS), (re.compile(r"点击"), CLICKS), (re.compile(r"转化"), CONVERSIONS))
# words of a rate, a price or a money value of a count: the column is no count of people
_NOT_COUNT = {"per", "rate", "ratio", "cost", "cpc", "cpm", "cpa", "ctr", "cr", "share", "value", "price", "%",
              "стоимость", "цена", "доля", "коэффициент", "процент", "ставка"}
_HAN_NOT_COUNT = re.compile(r"率|费|成本|单价|每|价值|金额|价格")
# the people an ad reached (Yandex Direct's and VK's «Охват»): visitors too, no step of the ad ladder
_REACH = {"охват", "reach"}


def _words(header: str) -> list[str]:
    return header_tokens(header).split()


def ad_rank(header: str | None) -> int | None:
    """:data:`IMPRESSIONS`, :data:`CLICKS` or :data:`CONVERSIONS` when ``header`` names such an ad count, else None.
    A header naming two (``post_click_conversions``, «click-through conv.») is the later one: what it counts
    happened after the other."""
    words = _words(header or "")
    text = " ".join(words)  # Traditional Chinese in its Simplified form (點擊率 is 点击率)
    if not words or any(w in _NOT_COUNT for w in words) or _HAN_NOT_COUNT.search(text):
        return None
    ranks = {_WORDS[w] for w in words if w in _WORDS}
    ranks |= {rank for w in words for suffix, rank in _SUFFIXES if w.endswith(suffix)}
    ranks |= {rank for rx, rank in _HAN if rx.search(text)}
    return max(ranks) if ranks else None


def is_ad_traffic(header: str | None) -> bool:
    """``header`` counts people seeing an ad or coming to the site from it (impressions, clicks, reach): visitors,
    not leads or deals."""
    rank = ad_rank(header)
    if rank is not None:
        return rank in (IMPRESSIONS, CLICKS)
    words = _words(header or "")
    return any(w in _REACH for w in words) and not any(w in _NOT_COUNT for w in words)


def in_ad_order(headers: list[str], steps: list[int]) -> list[int]:
    """``steps`` (column indexes into ``headers``) ordered impressions → clicks → conversions when every one of them
    is such an ad count (Google Ads writes «Clicks» before «Impr.»); steps of the same count keep the file's order
    (Facebook's «Total_Conversion, Approved_Conversion»). Else as they are."""
    ranks = [ad_rank(headers[i]) for i in steps]
    known = [r for r in ranks if r is not None]
    if len(known) < len(ranks):
        return steps
    return [i for _r, i in sorted(zip(known, steps, strict=True), key=lambda pair: pair[0])]
