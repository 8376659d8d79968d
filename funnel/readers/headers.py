"""A column header as a person reads it: the one cleaning every reader and the mapping apply.

Exports glue a UTF-8 BOM to the first header, write non-breaking or zero-width spaces, double
spaces and full-width forms after an Excel round trip. NFKC folds the compatibility forms
(``（`` -> ``(``, NBSP -> space; not «№», which stays), invisible characters go, runs of spaces become one, the ends are
trimmed. Readers store headers cleaned this way, so the mapping, the Data page and the CLI all see
the same text.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u200b\ufeff]+")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"), None)
# vtiger writes its header row as ``"A", "B"`` (a space after each comma): a field that starts with a
# space is not a quoted one, so its text keeps the quotes. One surrounding pair, nothing inside, goes.
_QUOTED = re.compile(r'^"([^"]*)"$')


def clean_header(text: object) -> str:
    """The header as a person reads it: no BOM, no invisible characters, single spaces, trimmed."""
    if text is None:
        return ""
    # «№» is kept as written: NFKC would make it "No", and the user types the header as the file shows it
    # (``--map deal_id=№``, 1C and МойСклад lists' number column)
    cleaned = "№".join(unicodedata.normalize("NFKC", part) for part in str(text).split("№")).translate(_INVISIBLE)
    cleaned = _SPACES.sub(" ", cleaned).strip()
    return _QUOTED.sub(r"\1", cleaned).strip()
