"""coursekit: customer tiering (客户分层管理) functions for a Jupyter training course.

The public API a trainee calls:

- :func:`rfm_table` — recency, frequency, monetary and their 1..bins scores per customer;
- :func:`assign_tiers` — a tier per customer from a scheme (value4, segments, abc, ...);
- :func:`concentration`, :func:`lorenz_table`, :func:`gini`, :func:`abc_classes` — 80/20 analysis;
- :func:`retention_clv`, :func:`customer_value` — simple CLV (historical + future profit);
- :func:`transition_matrix`, :func:`fallen_from` — tier migration between two snapshots;
- :func:`pseudonymise` — keyed hash of customer ids before data leaves the bank or shop;
- :mod:`coursekit.clv` — probabilistic CLV (BG/NBD, Gamma-Gamma; imported on demand, it needs scipy);
- :class:`Exercise` / :func:`check` — an exercise notebook's data and immediate feedback on an answer.

Every bad input raises :class:`DataError`, a :class:`ValueError` whose message names the column,
rows or parameter at fault.
"""

from coursekit._errors import CoursekitWarning, DataError
from coursekit.grading.core import Exercise, check
from coursekit.migration import fallen_from, transition_matrix
from coursekit.privacy import pseudonymise
from coursekit.rfm import AHPWeights, ahp_weights, quantile_scores, rfm_table, threshold_scores
from coursekit.tiers import Scheme, assign_tiers, load_scheme, scheme_names, tier_summary, value_matrix_scheme
from coursekit.value import (
    abc_classes,
    concentration,
    customer_value,
    gini,
    lorenz_table,
    retention_clv,
)

__version__ = "0.1.0"

__all__ = [
    "AHPWeights",
    "CoursekitWarning",
    "DataError",
    "Exercise",
    "Scheme",
    "abc_classes",
    "ahp_weights",
    "assign_tiers",
    "concentration",
    "check",
    "customer_value",
    "fallen_from",
    "gini",
    "load_scheme",
    "lorenz_table",
    "pseudonymise",
    "quantile_scores",
    "retention_clv",
    "rfm_table",
    "scheme_names",
    "threshold_scores",
    "tier_summary",
    "transition_matrix",
    "value_matrix_scheme",
]
