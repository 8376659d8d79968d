"""Mapping CRM export headers onto the canonical model (../shared/reference/crm-exports.md).

Public API: :func:`propose_mapping` (deals exports), :func:`detect_shape` and the history / event /
counts proposers (other input shapes), :func:`classify_status_value` / :func:`classify_stage_name`
(won/lost detection), :func:`normalize_header` / :func:`header_key` (remembered mappings).
"""

from .matcher import detect_preset, propose_mapping
from .model import Mapping
from .normalize import header_key, normalize_header
from .presets import PRESETS
from .shapes import (
    CountsMapping,
    EventMapping,
    HistoryMapping,
    detect_shape,
    propose_counts_mapping,
    propose_event_mapping,
    propose_history_mapping,
    propose_outcome_mapping,
)
from .status import classify_stage_name, classify_status_value
from .synonyms import HELPER_FIELDS, MAPPABLE_FIELDS

__all__ = [
    "PRESETS", "HELPER_FIELDS", "MAPPABLE_FIELDS", "CountsMapping", "EventMapping", "HistoryMapping",
    "Mapping", "classify_stage_name", "classify_status_value", "detect_preset", "detect_shape",
    "header_key", "normalize_header", "propose_counts_mapping", "propose_event_mapping",
    "propose_history_mapping", "propose_mapping", "propose_outcome_mapping",
]
