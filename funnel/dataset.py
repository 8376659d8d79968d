"""What the engine needs to know about one stored dataset (a row of the ``datasets`` catalog).

What the data can answer is :attr:`DatasetInfo.capabilities` (see :mod:`funnel.capabilities`):
ask it rather than branching on ``shape`` or reading ``meta``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .capabilities import Capabilities
from .sql import ident


@dataclass(frozen=True)
class DatasetInfo:
    id: int
    name: str
    version: int
    shape: str  # 'deals' (input shapes A, B, C), 'events' (D) or 'counts' (E)
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def schema(self) -> str:
        """Where the tables are: the store's schema ``ds_<id>``, or for a dataset attached from a
        warehouse (``meta['engine']``, funnel/backends) the schema its backend holds them in."""
        engine = self.meta.get("engine")
        return engine["schema"] if engine else f"ds_{int(self.id)}"

    @property
    def tables(self) -> dict[str, str]:
        """Quoted identifiers of this dataset's tables (``deals``, ``events``, ``stages``, ...)."""
        from .schema import TABLES

        return {t: ident(self.schema, t) for t in TABLES}

    @property
    def engine(self) -> dict[str, Any] | None:
        """Where an attached dataset lives (``{"backend", "url", "schema", "source"}``); None: the store."""
        return self.meta.get("engine")

    @property
    def extra_columns(self) -> dict[str, str]:
        """Stored name (``x_...``) -> original header of every extra attribute column kept."""
        return dict(self.meta.get("extra_columns", {}))

    @property
    def timezone(self) -> str | None:
        """The zone instants were read in (an IANA name, funnel/timezones.py); None: as written (UTC)."""
        return self.meta.get("timezone")

    @property
    def pipelines(self) -> list[str]:
        return list(self.meta.get("pipelines", []))

    @property
    def mapped_headers(self) -> dict[str, str]:
        """Canonical field (or ``group``/``entity``/...) -> the file's header it was read from."""
        return dict((self.meta.get("mapping") or {}).get("fields") or {})

    @property
    def capabilities(self) -> Capabilities:
        """What this dataset can answer (stored at import; ``Store.info`` derives it for old datasets)."""
        known = self.__dict__.get("_capabilities")  # parsed once per object: pages ask ~40 times a run
        if known is None:
            data = self.meta.get("capabilities")
            known = Capabilities.from_json(data) if data else Capabilities(shape=self.shape)
            object.__setattr__(self, "_capabilities", known)
        return known


def guessed_for(info, pipeline: str | None) -> bool:
    """False when the dataset says which pipelines' orders were guessed and ``pipeline`` (the one shown) is not
    among them; True otherwise (no pipeline named, a guess for the whole file, or a dataset that does not say)."""
    where = (info.meta or {}).get("guessed_pipelines")
    return pipeline is None or not where or "" in where or pipeline in where
