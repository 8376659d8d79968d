"""The dataset time zone: which IANA names are accepted, and how one is written into SQL.

Some exports write *instants* (Unix time, ``…Z``, ``+03:00``), not the wall-clock time of the team;
the importer keeps them in UTC unless a zone is given (``import --timezone Europe/Moscow``, the Data
page's «Time zone of timestamps»), and then converts only those values to that zone's wall-clock time
(funnel/readers/values.py, ``date_sql``). DuckDB's ICU extension (statically linked into the pinned
duckdb, no download) does the conversion with its own tz database, DST included.

A zone name is a user's value. It is checked against the standard library's list of IANA names
(:func:`check_zone`) and only a name of that list is ever written into SQL (:func:`zone_literal`):
the parse expressions are SQL fragments embedded in many statements, where a bound parameter cannot
travel, and every IANA name is made of letters, digits, ``_``, ``-``, ``+`` and ``/``.
"""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import available_timezones

from .errors import FunnelError

# First in the Data page's list: the zones of the product's users (RU, KZ, CN, HK, SG, JP, EU, US)
COMMON_ZONES = ("UTC", "Europe/Moscow", "Europe/Kyiv", "Asia/Almaty", "Asia/Yekaterinburg", "Asia/Novosibirsk",
                "Asia/Vladivostok", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Singapore", "Asia/Tokyo",
                "Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago", "America/Denver",
                "America/Los_Angeles")
EXAMPLES = ("Europe/Moscow", "Asia/Shanghai", "America/New_York", "UTC")
_SAFE = re.compile(r"^[A-Za-z0-9_+\-/]+$")


@cache
def zones() -> tuple[str, ...]:
    """Every IANA name the standard library knows, sorted (``localtime`` is a host's file, not a zone)."""
    return tuple(sorted(z for z in available_timezones() if z != "localtime" and _SAFE.match(z)))


def zone_choices() -> list[str]:
    """The common zones, then every other one sorted (the Data page's selectbox)."""
    known = set(zones())
    common = [z for z in COMMON_ZONES if z in known]
    return common + [z for z in zones() if z not in common]


def check_zone(name: str | None) -> str | None:
    """The IANA name as the list spells it (``europe/moscow`` is ``Europe/Moscow``); None for None or
    an empty name (the values as written). Anything else is refused, naming the value."""
    if name is None or not name.strip():
        return None
    wanted = name.strip()
    if wanted in zones():
        return wanted
    folded = {z.lower(): z for z in zones()}
    if wanted.lower() in folded:
        return folded[wanted.lower()]
    raise FunnelError("tz.unknown", value=wanted, examples=", ".join(EXAMPLES))


def zone_literal(name: str) -> str:
    """An accepted zone name as an SQL string literal (see the module docstring)."""
    zone = check_zone(name)
    if zone is None or not _SAFE.match(zone):
        raise FunnelError("tz.unknown", value=name, examples=", ".join(EXAMPLES))
    return "'" + zone + "'"
