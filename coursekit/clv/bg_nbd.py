"""BG/NBD: how many purchases a customer will make, and whether they are still "alive".

The beta-geometric / negative binomial distribution model of Fader, Hardie & Lee (2005), "Counting
your customers" the easy way: an alternative to the Pareto/NBD model, *Marketing Science* 24(2),
275–284. Assumptions, for a customer measured from their first purchase:

1. while active, the customer buys at the times of a Poisson process with rate λ;
2. λ varies across customers as a gamma distribution with shape ``r`` and rate ``alpha``
   (mean r / alpha purchases per time unit);
3. after each **repeat** purchase the customer drops out for good with probability p;
4. p varies across customers as a beta distribution with parameters ``a`` and ``b``
   (mean a / (a + b));
5. λ and p are independent.

A customer's data are ``x`` = frequency (repeat purchases), ``t_x`` = recency (age at the last
purchase) and ``T`` (age at the observation end), in one time unit (see
:func:`~coursekit.clv.summary_from_transactions`). With δ = 1 if x > 0 else 0:

**Likelihood** of one customer (as in the paper), its log summed over customers and maximised::

    L = B(a, b + x) / B(a, b) · Γ(r + x) α^r / (Γ(r) (α + T)^(r + x))
        + δ · B(a + 1, b + x − 1) / B(a, b) · Γ(r + x) α^r / (Γ(r) (α + t_x)^(r + x))

    ln L = A1 + A2 + ln(exp(A3) + δ exp(A4)) with
    A1 = ln Γ(r + x) − ln Γ(r) + r ln α
    A2 = ln B(a, b + x) − ln B(a, b)
    A3 = −(r + x) ln(α + T)
    A4 = ln a − ln(b + x − 1) − (r + x) ln(α + t_x)

**P(alive)**, the probability that the customer is still active at ``T``::

    P(alive | x, t_x, T) = 1 / (1 + δ · a / (b + x − 1) · ((α + T) / (α + t_x))^(r + x))

so it is 1 for a customer with no repeat purchase (nobody drops out before a repeat purchase).

**Expected purchases** in the next ``t`` time units, given the history (the paper's conditional
expectation)::

    E[Y(t) | x, t_x, T] = (a + b + x − 1) / (a − 1)
                          · [1 − ((α + T) / (α + T + t))^(r + x)
                                 · 2F1(r + x, b + x; a + b + x − 1; t / (α + T + t))]
                          · P(alive | x, t_x, T)

and for a new customer, just after the first purchase (x = t_x = T = 0)::

    E[X(t)] = (a + b − 1) / (a − 1) · [1 − (α / (α + t))^r · 2F1(r, b; a + b − 1; t / (α + t))]

The bracket is evaluated in the equivalent form 1 − ((α + T + t) / (α + T))^(1 − a) ·
2F1(a − 1, a + b − 1 − r; a + b + x − 1; t / (α + T + t)) (Pfaff and Euler transformations), which
stays accurate for customers with hundreds of purchases and long horizons.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from coursekit._errors import DataError
from coursekit.clv._fit import compress, maximise, positive_params
from coursekit.clv._summary import UNIT_NAMES, check_time, check_time_unit, summary_arrays

__all__ = ["BGNBDModel", "fit_bg_nbd"]

NAMES = ("r", "alpha", "a", "b")


def _log_likelihood(params: dict, x, t_x, T) -> np.ndarray:
    """Per-customer BG/NBD log-likelihood (see the module docstring)."""
    r, alpha, a, b = (params[k] for k in NAMES)
    repeat = x > 0
    xs = np.where(repeat, x, 1.0)
    a1 = gammaln(r + x) - gammaln(r) + r * math.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.where(repeat, math.log(a) - np.log(b + xs - 1) - (r + x) * np.log(alpha + t_x), -np.inf)
    return a1 + a2 + np.logaddexp(a3, a4)


def _objective(x, t_x, T, weight):
    """Negative mean log-likelihood and its gradient in log-parameters (for the optimiser).

    The special functions depend on the frequency only, so they are evaluated once per distinct
    frequency and gathered.
    """
    total = weight.sum()
    repeat = x > 0
    kx, which = np.unique(x, return_inverse=True)
    k_repeat = kx > 0
    kxs = np.where(k_repeat, kx, 1.0)

    def f(theta):
        r, alpha, a, b = np.exp(theta)
        # per distinct frequency
        a1_k = gammaln(r + kx) - gammaln(r)
        a2_k = betaln(a, b + kx) - betaln(a, b)
        dr_k = digamma(r + kx) - digamma(r)
        psi_abx = digamma(a + b + kx)
        da_k = digamma(a + b) - psi_abx
        db_k = digamma(b + kx) - psi_abx - digamma(b) + digamma(a + b)
        inv_bx1_k = np.where(k_repeat, 1.0 / (b + kxs - 1), 0.0)  # 1 / (b + x - 1), 0 for x = 0
        log_a_bx1_k = np.where(k_repeat, np.log(a) - np.log(b + kxs - 1), 0.0)
        # per customer
        log_alpha_T = np.log(alpha + T)
        log_alpha_tx = np.log(alpha + t_x)
        a3 = -(r + x) * log_alpha_T
        a4 = np.where(repeat, log_a_bx1_k[which] - (r + x) * log_alpha_tx, -np.inf)
        mix = np.logaddexp(a3, a4)
        ll = a1_k[which] + r * np.log(alpha) + a2_k[which] + mix
        w = np.exp(a4 - mix)  # share of the "dropped out after the last purchase" term
        d_r = dr_k[which] + np.log(alpha) - (1 - w) * log_alpha_T - w * log_alpha_tx
        d_alpha = r / alpha - (r + x) * ((1 - w) / (alpha + T) + w / (alpha + t_x))
        d_a = da_k[which] + w / a
        d_b = db_k[which] - w * inv_bx1_k[which]
        grad = np.array([r * (weight @ d_r), alpha * (weight @ d_alpha), a * (weight @ d_a),
                         b * (weight @ d_b)]) / total
        return -(weight @ ll) / total, -grad

    return f


def _p_alive(params: dict, x, t_x, T) -> np.ndarray:
    r, alpha, a, b = (params[k] for k in NAMES)
    repeat = x > 0
    xs = np.where(repeat, x, 1.0)
    log_odds_dead = math.log(a) - np.log(b + xs - 1) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
    return np.where(repeat, expit(-log_odds_dead), 1.0)


def _bracket(r, alpha, a, b, x, T, t):
    """(a + b + x − 1)/(a − 1) · [1 − ...2F1...] of E[Y(t)|...], in the numerically stable form."""
    c = a + b + x - 1
    z = t / (alpha + T + t)
    log_growth = np.log1p(t / (alpha + T))
    f = hyp2f1(a - 1, a + b - 1 - r, c, z)
    g = (1 - a) * log_growth
    # expm1 keeps precision when the bracket is tiny; it needs log(f), so f > 0. When a + b < 1 the
    # 2F1 factor can be negative for one-time buyers: the direct form 1 − (…)^(a−1)·f is exact there.
    positive = f > 0
    stable = -np.expm1(g + np.log(np.where(positive, f, 1.0)))
    return c / (a - 1) * np.where(positive, stable, 1.0 - np.exp(g) * f)


def _expected(params: dict, x, t_x, T, t) -> np.ndarray:
    """E[Y(t) | x, t_x, T], broadcasting customers against times ``t``."""
    r, alpha, a, b = (params[k] for k in NAMES)
    with np.errstate(invalid="ignore", divide="ignore"):
        if abs(a - 1) < 1e-6:  # 0/0 at a = 1: the mean of the two sides (error ~1e-8)
            core = 0.5 * (_bracket(r, alpha, a - 1e-4, b, x, T, t) + _bracket(r, alpha, a + 1e-4, b, x, T, t))
        else:
            core = _bracket(r, alpha, a, b, x, T, t)
        core = np.where(t == 0, 0.0, core)
    if not np.all(np.isfinite(core)):
        raise DataError("expected purchases could not be computed for some customers (the "
                        "hypergeometric function overflowed); check the parameters and the time unit")
    return core * _p_alive(params, x, t_x, T)


@dataclass(frozen=True, repr=False)
class BGNBDModel:
    """A BG/NBD model: its parameters and, when fitted, how.

    Make one with :func:`fit_bg_nbd`, or from known parameters, e.g. the published CDNOW ones:
    ``BGNBDModel({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, time_unit="W")``.

    Attributes
    ----------
    params : dict
        ``r``, ``alpha`` (gamma heterogeneity of the purchase rate; ``alpha`` is in the time unit)
        and ``a``, ``b`` (beta heterogeneity of the drop-out probability).
    time_unit : {"W", "D"} or None
        Unit of recency, T and every ``t`` (from the summary's ``attrs`` when fitted).
    log_likelihood : float or None
        Total log-likelihood at the fitted parameters (None when the parameters were given).
    n_customers : int or None
        Customers the model was fitted to.
    iterations : int or None
        Iterations the optimiser took.

    Examples
    --------
    >>> model = BGNBDModel({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, time_unit="W")
    >>> print(model)
    BG/NBD (time unit: weeks): r=0.243, alpha=4.414, a=0.793, b=2.426
    >>> round(model.expected_purchases_new(52), 3)   # repeat purchases in a new customer's first year
    1.446
    """

    params: dict
    time_unit: str | None = None
    log_likelihood: float | None = None
    n_customers: int | None = None
    iterations: int | None = field(default=None)

    def __post_init__(self):
        object.__setattr__(self, "params", positive_params(self.params, NAMES, "BG/NBD"))
        if self.time_unit is not None:
            check_time_unit(self.time_unit)

    def __str__(self) -> str:
        unit = UNIT_NAMES.get(self.time_unit, "not stated")
        text = f"BG/NBD (time unit: {unit}): " + ", ".join(f"{k}={v:.3f}" for k, v in self.params.items())
        if self.log_likelihood is not None:
            text += f"; fitted to {self.n_customers:,} customers, log-likelihood {self.log_likelihood:.2f}"
        return text

    def __repr__(self) -> str:
        return f"<{self}>"

    def _arrays(self, summary) -> dict:
        unit = getattr(summary, "attrs", {}).get("time_unit")
        if unit is not None and self.time_unit is not None and unit != self.time_unit:
            raise DataError(
                f"the summary is in {UNIT_NAMES.get(unit, unit)} but the model was fitted in "
                f"{UNIT_NAMES[self.time_unit]}; build the summary with time_unit={self.time_unit!r}"
            )
        return summary_arrays(summary)

    def customer_log_likelihood(self, summary: pd.DataFrame) -> pd.Series:
        """Each customer's log-likelihood ln L(r, alpha, a, b | x, t_x, T) (module docstring).

        Parameters
        ----------
        summary : DataFrame
            Columns ``frequency``, ``recency``, ``T`` (see :func:`summary_from_transactions`).

        Returns
        -------
        Series named ``log_likelihood``, indexed like ``summary``. Its sum is what
        :func:`fit_bg_nbd` maximises.

        Examples
        --------
        >>> model = BGNBDModel({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
        >>> summary = pd.DataFrame({"frequency": [2, 0], "recency": [30.43, 0.0], "T": [38.86, 38.86]})
        >>> model.customer_log_likelihood(summary).round(4).tolist()
        [-9.4586, -0.5547]
        """
        d = self._arrays(summary)
        return pd.Series(_log_likelihood(self.params, d["x"], d["t_x"], d["T"]), index=d["index"],
                         name="log_likelihood")

    def p_alive(self, summary: pd.DataFrame) -> pd.Series:
        """Probability that each customer is still active at the observation end.

        ``P(alive) = 1 / (1 + δ · a / (b + x − 1) · ((α + T) / (α + t_x))^(r + x))``, with δ = 1 for
        repeat buyers; 1 for frequency 0. For a given frequency it falls the longer the customer has
        been silent (T − t_x), and for given silence it is lower for frequent buyers.

        Parameters
        ----------
        summary : DataFrame
            Columns ``frequency``, ``recency``, ``T``.

        Returns
        -------
        Series named ``p_alive`` in [0, 1], indexed like ``summary``.

        Examples
        --------
        >>> model = BGNBDModel({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
        >>> summary = pd.DataFrame({"frequency": [0, 2, 2], "recency": [0.0, 30.43, 5.0],
        ...                         "T": [38.86, 38.86, 38.86]})
        >>> model.p_alive(summary).round(3).tolist()
        [1.0, 0.727, 0.124]
        """
        d = self._arrays(summary)
        return pd.Series(_p_alive(self.params, d["x"], d["t_x"], d["T"]), index=d["index"], name="p_alive")

    def expected_purchases(self, summary: pd.DataFrame, t: float) -> pd.Series:
        """Expected number of purchases of each customer in the next ``t`` time units, given their history.

        ``E[Y(t) | x, t_x, T]`` (module docstring): the conditional expectation of Fader, Hardie &
        Lee (2005), counting from the observation end. It grows with ``t`` and is 0 at
        ``t = 0``.

        Parameters
        ----------
        summary : DataFrame
            Columns ``frequency``, ``recency``, ``T``.
        t : float
            Horizon in the model's time unit (weeks for ``"W"``: 39 = the CDNOW holdout period).

        Returns
        -------
        Series named ``expected_purchases``, indexed like ``summary``.

        Examples
        --------
        >>> model = BGNBDModel({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, time_unit="W")
        >>> summary = pd.DataFrame({"frequency": [0, 2, 7], "recency": [0.0, 30.43, 35.0],
        ...                         "T": [38.86, 38.86, 38.86]}, index=["new", "regular", "heavy"])
        >>> model.expected_purchases(summary, 39).round(3)
        new        0.195
        regular    1.226
        heavy      4.387
        Name: expected_purchases, dtype: float64
        """
        t = check_time(t)
        d = self._arrays(summary)
        return pd.Series(_expected(self.params, d["x"], d["t_x"], d["T"], t), index=d["index"],
                         name="expected_purchases")

    def expected_purchases_new(self, t):
        """Expected purchases of a new customer in the ``t`` time units after their first purchase.

        ``E[X(t)] = (a + b − 1) / (a − 1) · [1 − (α / (α + t))^r · 2F1(r, b; a + b − 1; t / (α + t))]``
        (Fader, Hardie & Lee 2005): repeat purchases only.

        Parameters
        ----------
        t : float or array-like of floats
            Time(s) since the first purchase, in the model's time unit.

        Returns
        -------
        float, or an array shaped like ``t``.

        Examples
        --------
        >>> model = BGNBDModel({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
        >>> model.expected_purchases_new([13, 26, 52]).round(3).tolist()
        [0.534, 0.903, 1.446]
        """
        arr = np.asarray(t, dtype=np.float64)
        if not np.all(np.isfinite(arr)) or np.any(arr < 0):
            raise DataError(f"t must be finite numbers >= 0 (times in the model's time unit), got {t!r}")
        zero = np.zeros_like(arr)
        out = _expected(self.params, zero, zero, zero, arr)
        return float(out) if out.ndim == 0 else out


def fit_bg_nbd(summary: pd.DataFrame, *, time_unit: str | None = None,
               max_iterations: int = 1000) -> BGNBDModel:
    """Fit the BG/NBD model to a customer summary by maximum likelihood.

    Maximises the sum over customers of the BG/NBD log-likelihood (see the module docstring) over
    log r, log alpha, log a, log b with scipy's L-BFGS-B and the exact gradient, so every parameter
    stays positive; each is kept in [1e-8, 1e8]. Customers with identical (frequency, recency, T)
    are counted once with a weight, so large data fit quickly. Start: r = a = b = 1 and alpha =
    mean T / mean frequency (a rough purchase rate), so the start scales with the time unit.

    On the CDNOW sample (2,357 customers, 39 weeks) this reproduces r = 0.243, alpha = 4.414,
    a = 0.793, b = 2.426 and log-likelihood −9582.4 of Fader, Hardie & Lee (2005).

    Parameters
    ----------
    summary : DataFrame
        One row per customer with columns ``frequency`` (repeat purchases), ``recency`` and ``T``,
        e.g. from :func:`summary_from_transactions`. Other columns are ignored.
    time_unit : {"W", "D"}, optional
        Unit of recency and T. Default: ``summary.attrs["time_unit"]`` (set by
        :func:`summary_from_transactions`; a different value here is an error); needed for CLV.
    max_iterations : int, default 1000
        Most iterations of the optimiser.

    Returns
    -------
    BGNBDModel
        ``params`` (r, alpha, a, b), ``log_likelihood``, ``n_customers``, ``time_unit``.

    Raises
    ------
    DataError
        For a missing column; NaN, infinite or non-numeric values; negative or non-whole frequency;
        negative recency or T; recency > T; frequency 0 with recency > 0 (or frequency > 0 with
        recency 0); no repeat purchase at all (nothing to estimate drop-out from); all T = 0; or if
        the optimiser does not converge (the message gives the last values). A
        :class:`~coursekit.CoursekitWarning` says when a parameter ran to a bound.

    Examples
    --------
    Simulate 5,000 customers from known parameters, then recover them:

    >>> from coursekit.clv import simulate_summary
    >>> truth = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}
    >>> summary = simulate_summary(truth, n_customers=5000, T=39, seed=1)
    >>> model = fit_bg_nbd(summary)
    >>> {k: round(v, 2) for k, v in model.params.items()}
    {'r': 0.25, 'alpha': 3.87, 'a': 0.84, 'b': 2.84}
    >>> model.time_unit, model.n_customers
    ('W', 5000)

    The purchase rate (r, alpha) is pinned down well; the drop-out (a, b) less so, since only
    repeat buyers tell about it.
    """
    d = summary_arrays(summary)
    stated = getattr(summary, "attrs", {}).get("time_unit")
    if time_unit is None:
        time_unit = stated
    if time_unit is not None:
        check_time_unit(time_unit)
        if stated is not None and stated != time_unit:
            raise DataError(f"time_unit={time_unit!r} but the summary is in {UNIT_NAMES.get(stated, stated)} "
                            f"(summary.attrs['time_unit'] = {stated!r}); leave time_unit out or rebuild the "
                            f"summary with time_unit={time_unit!r}")
    x, t_x, T = d["x"], d["t_x"], d["T"]
    if not (x > 0).any():
        raise DataError(f"summary has no repeat purchase (frequency is 0 for all {len(x)} customers): "
                        f"BG/NBD learns drop-out from repeat purchases, so it cannot be fitted")
    if not (T > 0).any():
        raise DataError("summary has T = 0 for every customer: nobody was observed for any time")
    (ux, ut_x, uT), weight = compress(x, t_x, T)
    start = [1.0, float(np.mean(T)) / max(float(np.mean(x)), 1e-3), 1.0, 1.0]
    params, mean_ll, iterations = maximise(_objective(ux, ut_x, uT, weight), start,
                                           names=NAMES, model="BG/NBD", n=len(x),
                                           max_iterations=max_iterations, scale_free=("r", "a", "b"))
    return BGNBDModel(params, time_unit=time_unit, log_likelihood=mean_ll * len(x), n_customers=len(x),
                      iterations=iterations)

