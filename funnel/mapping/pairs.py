"""The user's answer to "which column is what", typed as ``FIELD=HEADER`` (the CLI's ``--map`` of
``import`` and ``edit``; the Data page's column pickers change the same mapping)."""

from __future__ import annotations

from ..errors import FunnelError
from .model import Mapping
from .synonyms import MAPPABLE_FIELDS


def with_pairs(mapping: Mapping, headers: list[str], pairs: list[str]) -> Mapping:
    """``mapping`` with each ``FIELD=HEADER`` of ``pairs`` applied (an empty HEADER unmaps the field)."""
    for pair in pairs:
        field, _sep, header = pair.partition("=")
        field, header = field.strip(), header.strip()
        if field not in MAPPABLE_FIELDS:
            raise FunnelError("edit.unknown_field", field=field, fields=", ".join(MAPPABLE_FIELDS))
        if not header:
            mapping.fields.pop(field, None)
        elif header in headers:
            mapping.fields[field] = headers.index(header)
            mapping.extras.pop(headers.index(header), None)
        else:
            raise FunnelError("edit.unknown_column", column=header, headers=", ".join(headers[:12]))
    return mapping
