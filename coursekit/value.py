"""Customer value: 80/20 concentration, Lorenz table, Gini, ABC classes and a simple CLV.

Module 0 teaches the Pareto principle (帕累托定律) on data with :func:`concentration`,
:func:`lorenz_table` and :func:`gini`; module 2 turns value into classes with :func:`abc_classes`
(ABC分析) and into customer lifetime value (客户终身价值) with :func:`retention_clv` and
:func:`customer_value` (historical profit + future profit, seed 004).

Every function here takes one non-negative value per customer (e.g. the ``monetary`` column of
:func:`coursekit.rfm_table`) and never depends on row order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real

import numpy as np
import pandas as pd

from coursekit._errors import DataError, as_numbers, describe_rows, require_columns

__all__ = [
    "concentration",
    "lorenz_table",
    "gini",
    "abc_classes",
    "retention_clv",
    "customer_value",
]

# Shares within this distance of an ABC cutoff count as reaching it, so that float rounding in a
# sum (0.7999999999999999 instead of 0.8) cannot flip a customer's class.
_SHARE_TOL = 1e-9


# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------

def _as_values(values, *, name: str = "values") -> pd.Series:
    """Return ``values`` as a float64 Series (index kept), or raise DataError for bad input.

    Checks: a Series / list / tuple / 1-D array; not empty; numeric; no missing or infinite
    values; no negative values; a total above zero.
    """
    if isinstance(values, pd.DataFrame):
        raise DataError(
            f"{name} must be one value per customer (a Series, list or 1-D array), got a "
            f"DataFrame with columns {[str(c) for c in values.columns]}; pass one column, "
            f"e.g. rfm['monetary']"
        )
    if isinstance(values, pd.Series):
        series = values
    elif isinstance(values, (list, tuple, np.ndarray, pd.Index)):
        array = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
        if array.ndim != 1:
            raise DataError(f"{name} must be one-dimensional, got an array of shape {array.shape}")
        series = pd.Series(list(values) if not isinstance(values, np.ndarray) else values)
    else:
        raise DataError(
            f"{name} must be a pandas Series, list or 1-D numpy array of numbers, got "
            f"{type(values).__name__}"
        )
    label = series.name if series.name is not None else "value"
    series = series.rename(label)
    if len(series) == 0:
        raise DataError(f"{name} is empty: need at least one customer's value")

    numbers = as_numbers(series, name, hint_missing="; fill them (e.g. .fillna(0) if missing means "
                         "'no purchases') or drop those customers")
    negative = (numbers < 0).to_numpy()
    if negative.any():
        raise DataError(
            f"{name} has negative values in {describe_rows(numbers, negative)}; concentration "
            f"is defined for non-negative values; net returns can make monetary negative — clip "
            f"them with .clip(lower=0) if you mean 'no value'"
        )
    if float(np.sort(numbers.to_numpy()).sum()) <= 0:
        raise DataError(
            f"{name} sum to zero over {len(numbers)} customers: shares of a zero total are "
            f"undefined; check that the value column is the right one"
        )
    return numbers


def _check_fraction(value, *, name: str) -> float:
    """Return ``value`` as float if it is a real number in (0, 1], else raise DataError."""
    if isinstance(value, bool) or not isinstance(value, Real) or math.isnan(float(value)):
        raise DataError(f"{name} must be a number in (0, 1], got {value!r}")
    number = float(value)
    if not (0 < number <= 1):
        raise DataError(f"{name} must be in (0, 1] (a fraction, e.g. 0.2 for 20%), got {value!r}")
    return number


def _sort_desc_by_value_then_label(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Sort by ``column`` descending, ties by index label ascending (labels compared as str if
    they cannot be compared directly)."""
    try:
        by_label = frame.sort_index(kind="stable")
    except TypeError:
        by_label = frame.sort_index(kind="stable", key=lambda idx: idx.map(str))
    return by_label.sort_values(column, ascending=False, kind="stable")


# --------------------------------------------------------------------------------------------
# concentration, Lorenz, Gini
# --------------------------------------------------------------------------------------------

def concentration(values, top: float = 0.2) -> float:
    """Share of the total value held by the top ``top`` fraction of customers (the 80/20 check).

    Definition (Pareto curve with linear interpolation): sort the ``n`` values descending,
    :math:`x_{(1)} \\ge x_{(2)} \\ge \\dots`, let :math:`k = top \\cdot n`, then

    .. math:: share = \\frac{\\sum_{i=1}^{\\lfloor k \\rfloor} x_{(i)}
                      + (k - \\lfloor k \\rfloor)\\, x_{(\\lfloor k \\rfloor + 1)}}{\\sum_i x_i}

    i.e. the sum of the largest ``floor(k)`` values plus the fitting fraction of the next one,
    over the total. With 5 customers and ``top=0.3``, ``k = 1.5``: the largest value plus half of
    the second largest. The result is at least ``top`` (the top customers hold at least their
    head-count share) and 1 when ``top=1``.

    Parameters
    ----------
    values : Series, list or 1-D array of float
        One non-negative value per customer (e.g. ``rfm["monetary"]``).
    top : float, default 0.2
        Fraction of customers, in (0, 1]; 0.2 means "the top 20%".

    Returns
    -------
    float
        Share of the total, in [top, 1].

    Raises
    ------
    DataError
        If ``values`` is empty, has missing, non-numeric or negative values, sums to zero, or
        ``top`` is outside (0, 1].

    Examples
    --------
    >>> concentration([50, 30, 10, 5, 5])          # top 20% = 1 customer: 50 of 100
    0.5
    >>> round(concentration([50, 30, 10, 5, 5], top=0.3), 4)   # (50 + 0.5*30) / 100
    0.65
    """
    numbers = _as_values(values)
    top = _check_fraction(top, name="top")
    ordered = np.sort(numbers.to_numpy())[::-1]
    ordered = ordered / ordered[0]  # in units of the largest value: tiny values cannot underflow to 0
    n = len(ordered)
    k = top * n
    if abs(k - round(k)) < 1e-9:  # 0.2 * 15 = 3.0000000000000004 must count as 3 customers
        k = float(round(k))
    whole = int(math.floor(k))
    held = float(ordered[:whole].sum())
    if whole < n:
        held += (k - whole) * float(ordered[whole])
    return held / float(ordered.sum())


def lorenz_table(values) -> pd.DataFrame:
    """The Pareto table: customers by value descending with cumulative customer and value shares.

    One row per customer, sorted by value descending (ties by index label ascending, so the
    table does not depend on row order). For the customer in position ``k`` of ``n``:

    - ``customer_share`` = k / n, the cumulative share of customers;
    - ``value_share`` = (x_(1) + ... + x_(k)) / Σ x, the cumulative share of the total.

    Plot ``value_share`` against ``customer_share`` to see the 80/20 curve; the last row always
    has both shares equal to 1. (A Lorenz curve in the economists' sense sorts ascending; this is
    its mirror image, the form used in customer analysis.)

    Parameters
    ----------
    values : Series, list or 1-D array of float
        One non-negative value per customer; a Series keeps its index labels (customer ids).

    Returns
    -------
    DataFrame
        Indexed by the input's labels (positions 0..n-1 for a list/array), columns ``value``,
        ``customer_share``, ``value_share``.

    Raises
    ------
    DataError
        If ``values`` is empty, has missing, non-numeric or negative values or sums to zero.

    Examples
    --------
    >>> values = pd.Series([5, 50, 10, 30, 5], index=["e", "a", "c", "b", "d"])
    >>> lorenz_table(values)
       value  customer_share  value_share
    a   50.0             0.2         0.50
    b   30.0             0.4         0.80
    c   10.0             0.6         0.90
    d    5.0             0.8         0.95
    e    5.0             1.0         1.00
    """
    numbers = _as_values(values)
    frame = _sort_desc_by_value_then_label(numbers.rename("value").to_frame(), "value")
    n = len(frame)
    total = float(frame["value"].sum())
    frame["customer_share"] = np.arange(1, n + 1, dtype="float64") / n
    # clip + exact last row: float sums must not give 1.0000000000000002 or 0.9999999999999999
    frame["value_share"] = (frame["value"].cumsum() / total).clip(upper=1.0)
    frame.iloc[-1, frame.columns.get_loc("value_share")] = 1.0
    return frame


def gini(values) -> float:
    """Gini coefficient of customer value: 0 = everyone brings the same, near 1 = one brings all.

    With the ``n`` values sorted ascending, :math:`x_{(1)} \\le \\dots \\le x_{(n)}`, and
    ranks ``i = 1..n``:

    .. math:: G = \\frac{2 \\sum_{i=1}^{n} i\\, x_{(i)}}{n \\sum_i x_i} - \\frac{n + 1}{n}

    G is 0 when all values are equal and at most (n - 1)/n (one customer holds everything), so
    it lies in [0, 1). Computed in the equivalent form :math:`\\sum_i (2i - n - 1) x_{(i)} /
    (n \\sum_i x_i)`; equal values give exactly 0.

    Parameters
    ----------
    values : Series, list or 1-D array of float
        One non-negative value per customer.

    Returns
    -------
    float
        The Gini coefficient, in [0, 1).

    Raises
    ------
    DataError
        If ``values`` is empty, has missing, non-numeric or negative values or sums to zero.

    Examples
    --------
    >>> gini([1, 2, 3, 4])      # 2*(1*1 + 2*2 + 3*3 + 4*4) / (4*10) - 5/4 = 60/40 - 1.25
    0.25
    >>> gini([7, 7, 7])
    0.0
    """
    numbers = np.sort(_as_values(values).to_numpy())
    if numbers[0] == numbers[-1]:
        return 0.0  # all equal: exactly 0, not a float residue such as 2e-17
    n = len(numbers)
    weights = 2.0 * np.arange(1, n + 1) - n - 1
    value = float((weights * numbers).sum() / (n * numbers.sum()))
    return max(value, 0.0) + 0.0  # + 0.0 turns -0.0 into 0.0


# --------------------------------------------------------------------------------------------
# ABC analysis
# --------------------------------------------------------------------------------------------

def abc_classes(values, *, cutoffs: Sequence[float] = (0.8, 0.95),
                labels: Sequence[str] = ("A", "B", "C")) -> pd.Series:
    """ABC analysis (ABC分析): class each customer by the cumulative value share before them.

    For a customer with value ``x`` let

    .. math:: share\\_above(x) = \\frac{\\sum_{j:\\, x_j > x} x_j}{\\sum_j x_j}

    the share of the total brought by customers with a strictly larger value. The customer is
    ``labels[0]`` if share_above < cutoffs[0], else ``labels[1]`` if share_above < cutoffs[1],
    and so on; the last label otherwise. With the defaults: **A** = the customers who together
    bring the first 80% of value, *including* the customer who crosses 80%; **B** = those who
    bring the value up to 95%; **C** = the rest. Because only larger values count, customers
    with equal values always get the same class, and row order never matters. (A share within
    1e-9 of a cutoff counts as reaching it, so float rounding cannot flip a class.)

    Parameters
    ----------
    values : Series, list or 1-D array of float
        One non-negative value per customer.
    cutoffs : sequence of float, default (0.8, 0.95)
        Strictly increasing cumulative shares in (0, 1).
    labels : sequence of str, default ("A", "B", "C")
        Class names, best first; exactly ``len(cutoffs) + 1`` distinct names.

    Returns
    -------
    Series
        Named ``abc_class``, same index as ``values`` (0..n-1 for a list/array), an ordered
        categorical whose categories are ``labels``.

    Raises
    ------
    DataError
        If ``values`` is empty, has missing, non-numeric or negative values or sums to zero; if
        ``cutoffs`` are not strictly increasing in (0, 1); if ``labels`` has the wrong length or
        repeats a name.

    Examples
    --------
    >>> values = pd.Series([50, 30, 10, 5, 5], index=[1, 2, 3, 4, 5])
    >>> abc_classes(values).tolist()   # share_above = 0, .5, .8, .9, .9
    ['A', 'A', 'B', 'B', 'B']
    >>> abc_classes(values, cutoffs=(0.5,), labels=("top", "rest")).tolist()
    ['top', 'rest', 'rest', 'rest', 'rest']
    """
    numbers = _as_values(values)
    cuts = _check_cutoffs(cutoffs)
    names = _check_labels(labels, n_cutoffs=len(cuts))

    raw = numbers.to_numpy()
    ascending = np.sort(raw)
    total = float(ascending.sum())
    # suffix[j] = sum of ascending[j:], summed largest-first so it never depends on row order
    suffix = np.concatenate([np.cumsum(ascending[::-1])[::-1], [0.0]])
    first_larger = np.searchsorted(ascending, raw, side="right")
    share_above = suffix[first_larger] / total
    codes = np.zeros(len(raw), dtype="int64")
    for cut in cuts:
        codes += share_above >= cut - _SHARE_TOL
    result = pd.Categorical.from_codes(codes, categories=list(names), ordered=True)
    return pd.Series(result, index=numbers.index, name="abc_class")


def _check_cutoffs(cutoffs) -> list[float]:
    if isinstance(cutoffs, (str, bytes)) or not isinstance(cutoffs, Sequence | np.ndarray):
        raise DataError(f"cutoffs must be a sequence of shares such as (0.8, 0.95), got {cutoffs!r}")
    cuts = list(cutoffs)
    if not cuts:
        raise DataError("cutoffs is empty: give at least one cumulative share, e.g. (0.8, 0.95)")
    for cut in cuts:
        if isinstance(cut, bool) or not isinstance(cut, Real) or not (0 < float(cut) < 1):
            raise DataError(
                f"cutoffs must be cumulative shares strictly between 0 and 1, got {cut!r} in "
                f"{tuple(cutoffs)!r}"
            )
    if any(b <= a for a, b in zip(cuts, cuts[1:])):
        raise DataError(f"cutoffs must be strictly increasing, got {tuple(cutoffs)!r}")
    return [float(c) for c in cuts]


def _check_labels(labels, *, n_cutoffs: int) -> list:
    if isinstance(labels, (str, bytes)) or not isinstance(labels, Sequence | np.ndarray):
        raise DataError(f"labels must be a sequence of class names such as ('A', 'B', 'C'), "
                        f"got {labels!r}")
    names = list(labels)
    if len(names) != n_cutoffs + 1:
        raise DataError(
            f"labels must have one more name than cutoffs ({n_cutoffs} cutoffs -> "
            f"{n_cutoffs + 1} labels), got {len(names)} labels {tuple(names)!r}"
        )
    if len(set(names)) != len(names):
        raise DataError(f"labels must be distinct, got {tuple(names)!r}")
    return names


# --------------------------------------------------------------------------------------------
# CLV
# --------------------------------------------------------------------------------------------

def _clv_input(value, *, name: str) -> float | pd.Series:
    """A finite real scalar (as float) or a numeric Series without missing values (as float64)."""
    if isinstance(value, pd.Series):
        label = value.name if value.name is not None else name
        return as_numbers(value, name).rename(label)
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise DataError(f"{name} must be a finite number or a numeric Series, got {value!r}")
    return float(value)


def retention_clv(margin, retention, discount) -> float | pd.Series:
    """Simple retention-based customer lifetime value (future profit) per customer.

    A customer who is retained each period with probability ``r`` brings margin ``m`` at the end
    of every period they are still a customer; money in period ``t`` is discounted by
    :math:`(1 + d)^t`. The expected present value is the geometric series

    .. math:: CLV = \\sum_{t=1}^{\\infty} \\frac{m\\, r^t}{(1 + d)^t} = \\frac{m\\, r}{1 + d - r}

    where m = margin (profit) per period, r = retention rate per period (probability that a
    customer stays for another period), d = discount rate per period. The first margin arrives
    at the end of the first period and only if the customer is retained, hence the factor r in
    the numerator (some textbooks count a margin "now" too: that is this value plus m).

    Parameters
    ----------
    margin : float or Series
        Profit per customer per period (may be negative: a loss-making customer).
    retention : float or Series
        Retention rate per period, 0 <= r < 1.
    discount : float or Series
        Discount rate per period, d >= 0 (e.g. 0.1 for 10% a year).

    Returns
    -------
    float or Series
        A float if all three inputs are numbers, else a Series named ``clv`` (elementwise; all
        Series must share one index).

    Raises
    ------
    DataError
        If an input is not a finite number / numeric Series, ``retention`` is outside [0, 1),
        ``discount`` is negative, or Series inputs have different indexes.

    Examples
    --------
    >>> round(retention_clv(100, retention=0.8, discount=0.1), 2)   # 100*0.8 / (1 + 0.1 - 0.8)
    266.67
    >>> retention_clv(pd.Series([100.0, 50.0], index=["a", "b"]), 0.5, 0.0).round(2)
    a    100.0
    b     50.0
    Name: clv, dtype: float64
    """
    m = _clv_input(margin, name="margin")
    r = _clv_input(retention, name="retention")
    d = _clv_input(discount, name="discount")

    bad_r = (r < 0) | (r >= 1)
    if np.any(bad_r):
        where = describe_rows(r, bad_r.to_numpy()) if isinstance(r, pd.Series) else repr(retention)
        raise DataError(
            f"retention must be a per-period probability with 0 <= retention < 1 (with 1 the "
            f"customer never leaves and CLV is infinite), got {where}"
        )
    bad_d = d < 0
    if np.any(bad_d):
        where = describe_rows(d, bad_d.to_numpy()) if isinstance(d, pd.Series) else repr(discount)
        raise DataError(f"discount must be a rate >= 0 per period (e.g. 0.1), got {where}")

    series = [(n, s) for n, s in (("margin", m), ("retention", r), ("discount", d))
              if isinstance(s, pd.Series)]
    for other_name, other in series[1:]:
        if not other.index.equals(series[0][1].index):
            raise DataError(
                f"{other_name} and {series[0][0]} are Series with different indexes; align them "
                f"first (e.g. {other_name}.reindex({series[0][0]}.index))"
            )
    result = m * r / (1 + d - r)
    if isinstance(result, pd.Series):
        return result.rename("clv")
    return float(result)


def customer_value(rfm: pd.DataFrame, *, margin_rate: float, retention, discount,
                   period_days: float = 365) -> pd.DataFrame:
    """Customer lifetime value per customer = historical profit + expected future profit (seed 004).

    From the ``monetary`` (net revenue in the analysis window) and ``tenure_days`` (days from the
    first order to the analysis date ``as_of``) columns of :func:`coursekit.rfm_table`:

    - ``historical_value`` = monetary × margin_rate, the profit the customer has brought;
    - ``margin_per_period`` = historical_value × period_days / max(tenure_days, period_days),
      the profit per period — at least one full period is assumed, so a customer who joined a
      few days before ``as_of`` is not extrapolated from those few days;
    - ``future_value`` = :func:`retention_clv` (max(margin_per_period, 0), retention, discount),
      i.e. m·r / (1 + d − r). A customer whose returns exceed their purchases (negative
      historical value) is not expected to produce negative profit in future: their future value
      is 0, while their historical value stays negative;
    - ``clv`` = historical_value + future_value.

    All four money columns are rounded to 2 decimals (cents); ``clv`` is the sum of the rounded
    parts, so the columns add up exactly as shown. The numbers depend on ``as_of`` through
    ``tenure_days`` and on the window through ``monetary``.

    Parameters
    ----------
    rfm : DataFrame
        Indexed by customer, with columns ``monetary`` and ``tenure_days`` (int >= 0).
    margin_rate : float
        Profit as a share of revenue, in (0, 1] (e.g. 0.3 for a 30% margin).
    retention : float or Series
        Retention rate per period, 0 <= r < 1 (a Series must be indexed like ``rfm``).
    discount : float or Series
        Discount rate per period, >= 0.
    period_days : float, default 365
        Length of one period in days (365: yearly margin, yearly retention and discount rates).

    Returns
    -------
    DataFrame
        A new frame with the index of ``rfm`` and columns ``historical_value``,
        ``margin_per_period``, ``future_value``, ``clv``.

    Raises
    ------
    DataError
        If a required column is missing, ``monetary`` or ``tenure_days`` has missing or
        non-numeric values, ``tenure_days`` is negative, ``margin_rate`` is outside (0, 1],
        ``period_days`` is not positive, or retention/discount are invalid (see
        :func:`retention_clv`).

    Examples
    --------
    >>> rfm = pd.DataFrame({"monetary": [1000.0, 100.0, -50.0], "tenure_days": [730, 30, 400]},
    ...                    index=[1, 2, 3])
    >>> customer_value(rfm, margin_rate=0.3, retention=0.8, discount=0.1)
       historical_value  margin_per_period  future_value    clv
    1             300.0             150.00         400.0  700.0
    2              30.0              30.00          80.0  110.0
    3             -15.0             -13.69           0.0  -15.0

    Customer 1: 300 profit over 2 years → 150 a year → 150·0.8/0.3 = 400 in future.
    """
    require_columns(rfm, ["monetary", "tenure_days"], what="rfm")
    margin_rate = _check_fraction(margin_rate, name="margin_rate")
    if (isinstance(period_days, bool) or not isinstance(period_days, Real)
            or not math.isfinite(float(period_days)) or period_days <= 0):
        raise DataError(f"period_days must be a positive number of days (e.g. 365), got "
                        f"{period_days!r}")

    monetary = _numeric_column(rfm, "monetary")
    tenure = _numeric_column(rfm, "tenure_days")
    negative = (tenure < 0).to_numpy()
    if negative.any():
        raise DataError(
            f"rfm column 'tenure_days' must be >= 0 (days from first order to as_of), got "
            f"negative values in {describe_rows(tenure, negative)}; is as_of before some orders?"
        )
    for name, value in (("retention", retention), ("discount", discount)):
        if isinstance(value, pd.Series) and not value.index.equals(rfm.index):
            raise DataError(f"{name} is a Series whose index differs from rfm's index; reindex it "
                            f"with {name}.reindex(rfm.index)")

    historical = monetary * margin_rate
    per_period = historical * float(period_days) / tenure.clip(lower=float(period_days))
    future = retention_clv(per_period.clip(lower=0), retention, discount)
    out = pd.DataFrame(
        {
            "historical_value": historical.round(2),
            "margin_per_period": per_period.round(2),
            "future_value": pd.Series(future, index=rfm.index).round(2),
        },
        index=rfm.index,
    )
    out["clv"] = (out["historical_value"] + out["future_value"]).round(2)
    return out + 0.0  # + 0.0 turns -0.0 into 0.0


def _numeric_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """``frame[column]`` as float64, or DataError naming the non-numeric / missing rows."""
    return as_numbers(frame[column], f"rfm column {column!r}")
