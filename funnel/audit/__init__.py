"""The audit: who and where loses deals, and a bottleneck diagnosis ranked by money (issue 9).

``managers`` (manager x step heatmap tested against the rest of the team), ``drivers`` (attribute
values that raise or lower the chance of passing a step), ``stuck`` (time in stage, stuck deals,
pile-ups), ``segments`` and ``spend`` (per-source money), ``findings`` (one function per finding
code) and ``diagnose`` (all of them, most costly first). Definitions: ../shared/DOMAIN.md.
"""
