"""A web funnel's times in the unit that suits them (funnel/formats.py duration_unit, unit_name)."""

from funnel.formats import duration_unit, unit_name


def test_the_typical_value_picks_the_largest_unit_it_fills():
    # medians 4.9 min, 14.7 min, 4.7 days (the sample web funnel): the middle one is minutes
    assert duration_unit([4.9 / 1440, 14.7 / 1440, 4.7]) == ("minute", 1 / 1440)
    # 0.0088 days = 12.7 minutes; 0.0003 days = 26 seconds; 2 hours; 3 days
    assert duration_unit([0.0088])[0] == "minute"
    assert duration_unit([0.0003])[0] == "second"
    assert duration_unit([2 / 24])[0] == "hour"
    assert duration_unit([3.0]) == ("day", 1.0)
    assert duration_unit([None, 0.0]) == ("day", 1.0)  # nothing measured: days, as everywhere else


def test_unit_names_are_the_languages_short_ones():
    assert (unit_name("minute", "en"), unit_name("minute", "ru"), unit_name("minute", "zh")) == ("mins", "мин", "分钟")
    assert unit_name("day", "ru") == "дн"
