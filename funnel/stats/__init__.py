"""A/B statistics over counts: pure functions in, typed results out (codes, never sentences).

Modelled on GrowthBook gbstats: small frozen dataclasses hold sufficient statistics
(``Proportion``: n, x; ``SampleMean``: n, sum, sum of squares), one function per test, and
degenerate input returns a result with a ``reason`` code. scipy and statsmodels do the maths.
Results are frozen dataclasses (:mod:`funnel.stats.results`) read by attribute; ``to_json()`` gives
the JSON the command line prints.
"""

from .analysis import analyze_counts, analyze_steps, compare_proportions
from .means import SampleMean, welch_compare
from .means_analysis import analyze_amounts, analyze_means
from .power import mde_for_n, n_more_needed, power_for_n, sample_size
from .proportions import Proportion
from .srm import srm_check

__all__ = [
    "Proportion",
    "SampleMean",
    "analyze_amounts",
    "analyze_counts",
    "analyze_means",
    "analyze_steps",
    "compare_proportions",
    "mde_for_n",
    "n_more_needed",
    "power_for_n",
    "sample_size",
    "srm_check",
    "welch_compare",
]
