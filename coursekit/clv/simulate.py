"""Simulated customer summaries from known BG/NBD (and Gamma-Gamma) parameters, for teaching and tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coursekit._errors import DataError, whole
from coursekit.clv._fit import positive_params
from coursekit.clv._summary import check_time_unit

__all__ = ["simulate_summary"]


def simulate_summary(bg_nbd_params: dict, *, n_customers: int, T, seed: int,
                     gamma_gamma_params: dict | None = None, time_unit: str = "W") -> pd.DataFrame:
    """Draw customers from the BG/NBD (and Gamma-Gamma) story and return their summary.

    Each customer gets a purchase rate λ ~ gamma(r, rate alpha) and a drop-out probability
    p ~ beta(a, b); from the first purchase at age 0 they buy at exponential waiting times with
    rate λ, and after each repeat purchase drop out with probability p, until age ``T``. With
    ``gamma_gamma_params`` each customer also gets ν ~ gamma(q, rate v) and purchases worth
    gamma(p, rate ν); ``monetary_value`` is the mean of the repeat purchases (0 for frequency 0).
    Fitting the result should give back roughly the parameters you chose: a way to see what the
    models can and cannot learn from data of a given size.

    Parameters
    ----------
    bg_nbd_params : dict
        ``r``, ``alpha``, ``a``, ``b``.
    n_customers : int
        Number of customers (>= 1).
    T : float or array-like
        Age of every customer at the observation end (one number, or one per customer), > 0.
    seed : int
        Seed of the random generator: the same seed gives the same table.
    gamma_gamma_params : dict, optional
        ``p``, ``q``, ``v``; adds ``monetary_value``.
    time_unit : {"W", "D"}, default "W"
        Stored in ``attrs["time_unit"]`` (the parameters are per this unit).

    Returns
    -------
    DataFrame indexed by ``customer_id`` 1..n with ``frequency``, ``recency``, ``T`` (and
    ``monetary_value``), as :func:`summary_from_transactions` returns.

    Examples
    --------
    >>> sim = simulate_summary({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426},
    ...                        n_customers=5, T=39, seed=3)
    >>> sim.round(2)
                 frequency  recency     T
    customer_id
    1                    0     0.00  39.0
    2                    4    29.05  39.0
    3                    0     0.00  39.0
    4                    1    11.68  39.0
    5                    0     0.00  39.0
    """
    r, alpha, a, b = positive_params(bg_nbd_params, ("r", "alpha", "a", "b"), "BG/NBD").values()
    n = whole(n_customers, "n_customers", 1)
    check_time_unit(time_unit)
    ages = np.broadcast_to(np.asarray(T, dtype=np.float64), (n,)).copy()
    if not (np.all(np.isfinite(ages)) and np.all(ages > 0)):
        raise DataError(f"T must be finite numbers > 0 (each customer's age at the observation end), got {T!r}")
    rng = np.random.default_rng(seed)
    rate = rng.gamma(r, 1.0 / alpha, n)
    drop = rng.beta(a, b, n)
    frequency = np.zeros(n, dtype=np.int64)
    recency = np.zeros(n)
    clock = np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        who = np.flatnonzero(active)
        with np.errstate(divide="ignore"):
            clock[who] += rng.standard_exponential(len(who)) / rate[who]
        bought = clock[who] <= ages[who]
        active[who[~bought]] = False
        buyers = who[bought]
        frequency[buyers] += 1
        recency[buyers] = clock[buyers]
        active[buyers[rng.random(len(buyers)) < drop[buyers]]] = False
    result = pd.DataFrame({"frequency": frequency, "recency": recency, "T": ages},
                          index=pd.Index(np.arange(1, n + 1), name="customer_id"))
    if gamma_gamma_params is not None:
        p, q, v = positive_params(gamma_gamma_params, ("p", "q", "v"), "Gamma-Gamma").values()
        nu = rng.gamma(q, 1.0 / v, n)
        repeat = frequency > 0
        shape = np.where(repeat, p * frequency, 1.0)
        mean = rng.gamma(shape, 1.0 / (nu * np.maximum(frequency, 1)))
        result["monetary_value"] = np.where(repeat, mean, 0.0)
    result.attrs["time_unit"] = time_unit
    return result
