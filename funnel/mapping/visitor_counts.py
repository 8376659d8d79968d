"""Whether a table of counts counts visitors (people on a site, an ad's audience) or leads and deals: its wording.

Read from the header of what is counted (a long table's count column, a wide table's first step): «Users», «Visitors»,
«Sessions», an ad's impressions or clicks (:mod:`.ad_counts`). Asked at import (the Data page's reading of the file)
and again whenever a stored dataset is read (:func:`stored_of_visitors`, from the mapping and stage order it keeps):
a dataset imported before a spelling was known (``ad_clicks``, Facebook's «Impressions» before session 48) read
«leads» until it was edited or imported again, because the import wrote its verdict into the catalog.
"""

from __future__ import annotations

from typing import Any

from .ad_counts import is_ad_traffic
from .normalize import header_tokens
from .shapes import VISITS_HEADER


def of_visitors(headers: str | list[str]) -> bool:
    """The counts are of visitors or users, or of an ad's impressions or clicks (their header or first step says so),
    not of leads or deals. Read by the header's words too (``unique_users``, ``ad_clicks``, «Клики по объявлению»:
    an underscore defeats a regex word boundary)."""
    return any(VISITS_HEADER.search(h) or VISITS_HEADER.search(header_tokens(h)) or is_ad_traffic(h)
               for h in ([headers] if isinstance(headers, str) else headers))


def stored_of_visitors(meta: dict[str, Any]) -> bool:
    """Whether a stored counts dataset counts visitors: the import's verdict (``meta["counted"]``), or what its
    catalog entry keeps says so: the first step of a wide table's stage order (the user's order included), a long
    table's count column or the base column of an A/B platform's results (GrowthBook's «users»). A dataset the
    import of an older version did not know as visitors is read as such when it is opened."""
    if meta.get("counted") == "visitors":
        return True
    mapping = meta.get("mapping") or {}
    if mapping.get("wide_stages"):
        orders = [o for o in (meta.get("stage_order") or {}).values() if o] or [mapping["wide_stages"]]
        return any(of_visitors(str(order[0])) for order in orders)
    fields = mapping.get("fields") or {}
    return any(of_visitors(str(fields[role])) for role in ("count", "users") if fields.get(role))
