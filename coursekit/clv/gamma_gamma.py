"""Gamma-Gamma: how much a customer spends per purchase, and the CLV that follows with BG/NBD.

The model of Fader, Hardie & Lee (2005), RFM and CLV: using iso-value curves for customer base
analysis, *Journal of Marketing Research* 42(4), 415–430, as written up in Fader & Hardie (2013),
The Gamma-Gamma model of monetary value (http://brucehardie.com/notes/025/). For a customer with
``x`` repeat purchases of mean value ``m̄`` (``monetary_value``):

1. the value of each purchase is gamma distributed with shape ``p`` and rate ν (mean p / ν), the
   same for all of a customer's purchases;
2. ν varies across customers as a gamma distribution with shape ``q`` and rate ``v`` (γ in the
   note);
3. spend per purchase is independent of how often the customer buys — check that the correlation
   between ``frequency`` and ``monetary_value`` among repeat buyers is weak (CDNOW: 0.11) before
   you rely on the model.

**Likelihood** of one repeat buyer (the density of the mean m̄ of x purchases)::

    f(m̄ | p, q, v; x) = Γ(p x + q) / (Γ(p x) Γ(q)) · v^q · m̄^(p x − 1) · x^(p x) / (v + m̄ x)^(p x + q)

    ln f = ln Γ(p x + q) − ln Γ(p x) − ln Γ(q) + q ln v + (p x − 1) ln m̄ + p x ln x
           − (p x + q) ln(v + x m̄)

Only repeat buyers (x > 0) carry information: one-time buyers are left out of the fit.

**Expected average spend** per future purchase, given the history::

    E[M | p, q, v, m̄, x] = p (v + x m̄) / (p x + q − 1)
                         = (q − 1) / (p x + q − 1) · p v / (q − 1)  +  p x / (p x + q − 1) · m̄

a weighted mean of the population mean ``p v / (q − 1)`` and the customer's own mean m̄: the more
purchases, the more weight on m̄. For frequency 0 it is the population mean. Needs q > 1.

**CLV** (:meth:`GammaGammaModel.customer_lifetime_value`) over a horizon of ``months``, with a
monthly discount rate ``d`` and money received at the end of each month::

    CLV = margin_rate · E[M] · Σ_{i=1..months} (E[Y(i·τ)] − E[Y((i − 1)·τ)]) / (1 + d)^i

where E[Y(t)] are the BG/NBD expected purchases in the next t time units (conditional on the
history) and τ = one month = 365.25 / 12 = 30.4375 days (4.348 weeks).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from numbers import Real

import numpy as np
import pandas as pd
from scipy.special import digamma, gammaln

from coursekit._errors import DataError, whole
from coursekit.clv._fit import compress, maximise, positive_params
from coursekit.clv._summary import DAYS_PER_MONTH, UNIT_DAYS, UNIT_NAMES, summary_arrays
from coursekit.clv.bg_nbd import BGNBDModel, _expected

__all__ = ["GammaGammaModel", "fit_gamma_gamma"]

NAMES = ("p", "q", "v")


def _log_likelihood(params: dict, x, m) -> np.ndarray:
    p, q, v = (params[k] for k in NAMES)
    px = p * x
    return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * math.log(v) + (px - 1) * np.log(m)
            + px * np.log(x) - (px + q) * np.log(v + x * m))


def _objective(x, m, weight):
    """Negative mean log-likelihood and its gradient in log-parameters (special functions once per
    distinct frequency)."""
    total = weight.sum()
    log_m, log_x = np.log(m), np.log(x)
    kx, which = np.unique(x, return_inverse=True)

    def f(theta):
        p, q, v = np.exp(theta)
        pk = p * kx
        lg_k = gammaln(pk + q) - gammaln(pk) - gammaln(q)
        psi_k = digamma(pk + q)
        dp_k = kx * (psi_k - digamma(pk))
        dq_k = psi_k - digamma(q)
        px = p * x
        log_vxm = np.log(v + x * m)
        ll = lg_k[which] + q * np.log(v) + (px - 1) * log_m + px * log_x - (px + q) * log_vxm
        d_p = dp_k[which] + x * (log_m + log_x - log_vxm)
        d_q = dq_k[which] + np.log(v) - log_vxm
        d_v = q / v - (px + q) / (v + x * m)
        grad = np.array([p * (weight @ d_p), q * (weight @ d_q), v * (weight @ d_v)]) / total
        return -(weight @ ll) / total, -grad

    return f


def _positive_number(value, name: str, *, upper: float | None = None, allow_zero: bool = False) -> float:
    ok = not isinstance(value, bool) and isinstance(value, Real) and math.isfinite(float(value))
    ok = ok and (value >= 0 if allow_zero else value > 0) and (upper is None or value <= upper)
    if not ok:
        rng = f"{'>= 0' if allow_zero else '> 0'}" + (f" and <= {upper}" if upper is not None else "")
        raise DataError(f"{name} must be a number {rng}, got {value!r}")
    return float(value)


@dataclass(frozen=True, repr=False)
class GammaGammaModel:
    """A Gamma-Gamma spend model: its parameters and, when fitted, how.

    Make one with :func:`fit_gamma_gamma`, or from known parameters, e.g. the published CDNOW ones:
    ``GammaGammaModel({"p": 6.25, "q": 3.74, "v": 15.44})``.

    Attributes
    ----------
    params : dict
        ``p`` (shape of the spend per purchase), ``q`` and ``v`` (shape and rate of its rate across
        customers; ``v`` is in money units).
    log_likelihood : float or None
        Total log-likelihood of the repeat buyers at the fitted parameters.
    n_customers : int or None
        Repeat buyers the model was fitted to.
    n_excluded : int or None
        Customers with frequency 0, left out of the fit.
    iterations : int or None
        Iterations the optimiser took.

    Examples
    --------
    >>> model = GammaGammaModel({"p": 6.25, "q": 3.74, "v": 15.44})
    >>> print(model)
    Gamma-Gamma: p=6.25, q=3.74, v=15.44; mean spend per purchase 35.22
    """

    params: dict
    log_likelihood: float | None = None
    n_customers: int | None = None
    n_excluded: int | None = None
    iterations: int | None = field(default=None)

    def __post_init__(self):
        object.__setattr__(self, "params", positive_params(self.params, NAMES, "Gamma-Gamma"))

    @property
    def mean_spend(self) -> float:
        """Population mean spend per purchase, ``p v / (q − 1)`` (infinite when q <= 1)."""
        p, q, v = (self.params[k] for k in NAMES)
        return p * v / (q - 1) if q > 1 else math.inf

    def __str__(self) -> str:
        text = "Gamma-Gamma: " + ", ".join(f"{k}={v:.2f}" for k, v in self.params.items())
        text += f"; mean spend per purchase {self.mean_spend:.2f}"
        if self.log_likelihood is not None:
            text += (f"; fitted to {self.n_customers:,} repeat buyers ({self.n_excluded:,} one-time "
                     f"buyers left out), log-likelihood {self.log_likelihood:.2f}")
        return text

    def __repr__(self) -> str:
        return f"<{self}>"

    def customer_log_likelihood(self, summary: pd.DataFrame) -> pd.Series:
        """Each repeat buyer's log-likelihood ln f(m̄ | p, q, v; x) (see the module docstring).

        Parameters
        ----------
        summary : DataFrame
            Columns ``frequency``, ``recency``, ``T``, ``monetary_value``.

        Returns
        -------
        Series named ``log_likelihood`` for the customers with frequency > 0 only (one-time buyers
        have no likelihood here). Its sum is what :func:`fit_gamma_gamma` maximises.

        Examples
        --------
        >>> model = GammaGammaModel({"p": 6.25, "q": 3.74, "v": 15.44})
        >>> summary = pd.DataFrame({"frequency": [2, 0], "recency": [30.43, 0.0], "T": [38.86, 38.86],
        ...                         "monetary_value": [22.345, 0.0]})
        >>> model.customer_log_likelihood(summary).round(4)
        0   -3.5512
        Name: log_likelihood, dtype: float64
        """
        d = summary_arrays(summary, monetary=True, repeat_only=True)
        return pd.Series(_log_likelihood(self.params, d["x"], d["m"]), index=d["index"],
                         name="log_likelihood")

    def expected_average_spend(self, summary: pd.DataFrame) -> pd.Series:
        """Expected value of each customer's future purchases, given their past spend.

        ``E[M | p, q, v, m̄, x] = p (v + x m̄) / (p x + q − 1)``: between the population mean
        ``p v / (q − 1)`` (frequency 0) and the customer's own ``monetary_value`` (many purchases).

        Parameters
        ----------
        summary : DataFrame
            Columns ``frequency``, ``recency``, ``T``, ``monetary_value`` (its value is not used for
            frequency 0 and may be 0 or NaN there).

        Returns
        -------
        Series named ``expected_average_spend``, indexed like ``summary``, in money units.

        Raises
        ------
        DataError
            For an invalid summary, or q <= 1 (the mean spend is then infinite).

        Examples
        --------
        >>> model = GammaGammaModel({"p": 6.25, "q": 3.74, "v": 15.44})
        >>> summary = pd.DataFrame({"frequency": [0, 1, 10], "recency": [0.0, 10.0, 30.0],
        ...                         "T": [38.86] * 3, "monetary_value": [0.0, 100.0, 100.0]})
        >>> model.expected_average_spend(summary).round(2).tolist()
        [35.22, 80.26, 97.28]
        """
        p, q, v = (self.params[k] for k in NAMES)
        if q <= 1:
            raise DataError(f"Gamma-Gamma q = {q:.4g} <= 1: the mean spend p v / (q − 1) is infinite, "
                            f"so there is no expected average spend")
        d = summary_arrays(summary, monetary=True)
        x = d["x"]
        m = np.where(x > 0, d["m"], 0.0)
        return pd.Series(p * (v + x * m) / (p * x + q - 1), index=d["index"], name="expected_average_spend")

    def customer_lifetime_value(self, bg_nbd: BGNBDModel, summary: pd.DataFrame, *, months: int = 12,
                                monthly_discount_rate: float = 0.01, margin_rate: float = 1.0) -> pd.Series:
        """Discounted expected value of each customer's purchases over the next ``months`` months.

        ``CLV = margin_rate · E[M] · Σ_{i=1..months} (E[Y(i·τ)] − E[Y((i − 1)·τ)]) / (1 + d)^i``

        - E[M] = :meth:`expected_average_spend` (this model);
        - E[Y(t)] = ``bg_nbd.expected_purchases(summary, t)``: purchases expected in the next t
          time units, from the observation end of ``summary``;
        - τ = one month = 365.25 / 12 days = 30.4375 days (4.348 weeks);
        - d = ``monthly_discount_rate``: the purchases of month i are discounted by (1 + d)^i,
          as if paid at the end of that month (0.01 a month ≈ 12.7% a year).

        Revenue unless ``margin_rate`` is given (CLV is then profit). Only future purchases
        count: the past spend is not included.

        Parameters
        ----------
        bg_nbd : BGNBDModel
            Fitted to the same customers (its time unit must be known).
        summary : DataFrame
            Columns ``frequency``, ``recency``, ``T``, ``monetary_value``.
        months : int, default 12
            Horizon in months (>= 1).
        monthly_discount_rate : float, default 0.01
            Discount rate per month, >= 0.
        margin_rate : float, default 1.0
            Profit as a share of revenue, in (0, 1].

        Returns
        -------
        Series named ``clv``, indexed like ``summary``, in money units.

        Raises
        ------
        DataError
            For an invalid summary or argument, a BG/NBD model without a time unit, or q <= 1.

        Examples
        --------
        >>> bg = BGNBDModel({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, time_unit="W")
        >>> gg = GammaGammaModel({"p": 6.25, "q": 3.74, "v": 15.44})
        >>> summary = pd.DataFrame({"frequency": [0, 2, 7], "recency": [0.0, 30.43, 35.0],
        ...                         "T": [38.86] * 3, "monetary_value": [0.0, 22.35, 40.0]})
        >>> gg.customer_lifetime_value(bg, summary, months=12).round(2).tolist()
        [8.37, 36.31, 207.29]
        """
        if not isinstance(bg_nbd, BGNBDModel):
            raise DataError(f"bg_nbd must be a BGNBDModel (from fit_bg_nbd), got {type(bg_nbd).__name__}")
        whole(months, "months", 1, meaning="the CLV horizon")
        rate = _positive_number(monthly_discount_rate, "monthly_discount_rate", allow_zero=True)
        margin = _positive_number(margin_rate, "margin_rate", upper=1.0)
        unit = bg_nbd.time_unit or getattr(summary, "attrs", {}).get("time_unit")
        if unit is None:
            raise DataError("the time unit is unknown: fit the BG/NBD model to a summary from "
                            "summary_from_transactions, or pass time_unit='W' (or 'D') to fit_bg_nbd")
        spend = self.expected_average_spend(summary).to_numpy()
        d = bg_nbd._arrays(summary)
        month = DAYS_PER_MONTH / UNIT_DAYS[unit]
        times = month * np.arange(months + 1)
        cumulative = _expected(bg_nbd.params, d["x"][:, None], d["t_x"][:, None], d["T"][:, None],
                               times[None, :])
        discount = (1.0 + rate) ** -np.arange(1, months + 1)
        clv = margin * spend * (np.diff(cumulative, axis=1) @ discount)
        return pd.Series(clv, index=d["index"], name="clv")


def fit_gamma_gamma(summary: pd.DataFrame, *, max_iterations: int = 1000) -> GammaGammaModel:
    """Fit the Gamma-Gamma spend model to the repeat buyers of a summary by maximum likelihood.

    Only customers with frequency > 0 are used — a one-time buyer has no repeat purchase, so says
    nothing about spend per repeat purchase; the model records how many were left out
    (``n_excluded``). Maximises the sum of ln f(m̄ | p, q, v; x) (module docstring) over log p,
    log q, log v with scipy's L-BFGS-B and the exact gradient; each parameter is kept in
    [1e-8, 1e8]. Start: p = 1, q = 2, v = mean monetary_value (so the start's mean spend equals
    the data's, in any currency).

    On the 946 repeat buyers of the CDNOW sample this reproduces p = 6.25, q = 3.74, v = 15.44 of
    Fader & Hardie (2013) when ``monetary_value`` is computed from the transaction log (lifetimes'
    summary file, rounded to cents, gives v = 15.45).

    Parameters
    ----------
    summary : DataFrame
        One row per customer with ``frequency``, ``recency``, ``T`` and ``monetary_value`` (mean
        value of the repeat purchases), e.g. from :func:`summary_from_transactions`.
    max_iterations : int, default 1000
        Most iterations of the optimiser.

    Returns
    -------
    GammaGammaModel
        ``params`` (p, q, v), ``log_likelihood``, ``n_customers`` (repeat buyers), ``n_excluded``.

    Raises
    ------
    DataError
        For an invalid summary (as :func:`fit_bg_nbd`), a repeat buyer whose ``monetary_value`` is
        not a positive number, fewer than 2 repeat buyers, or if the optimiser does not converge.
        A :class:`~coursekit.CoursekitWarning` says when a parameter ran to a bound.

    Examples
    --------
    >>> from coursekit.clv import simulate_summary
    >>> truth = {"p": 6.0, "q": 4.0, "v": 15.0}   # mean spend p v / (q - 1) = 30
    >>> summary = simulate_summary({"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}, n_customers=5000,
    ...                            T=39, seed=1, gamma_gamma_params=truth)
    >>> model = fit_gamma_gamma(summary)
    >>> {k: round(v, 1) for k, v in model.params.items()}, model.n_customers, model.n_excluded
    ({'p': 7.3, 'q': 3.9, 'v': 11.7}, 2230, 2770)
    >>> round(model.mean_spend, 1)   # the parameters trade off; the mean spend is well recovered
    30.0
    """
    d = summary_arrays(summary, monetary=True, repeat_only=True)
    n_all = len(summary)
    x, m = d["x"], d["m"]
    if len(x) < 2:
        raise DataError(f"summary has {len(x)} repeat buyer(s) (frequency > 0) out of {n_all} customers; "
                        f"the Gamma-Gamma model learns spend from repeat purchases and needs at least 2")
    (ux, um), weight = compress(x, m)
    start = [1.0, 2.0, float(np.mean(m))]
    params, mean_ll, iterations = maximise(_objective(ux, um, weight), start,
                                           names=NAMES, model="Gamma-Gamma", n=len(x),
                                           max_iterations=max_iterations, scale_free=("p", "q"))
    return GammaGammaModel(params, log_likelihood=mean_ll * len(x), n_customers=len(x),
                           n_excluded=n_all - len(x), iterations=iterations)
