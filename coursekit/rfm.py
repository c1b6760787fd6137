"""RFM analysis (RFM分析): recency, frequency and monetary value per customer, and their scores.

Definitions used throughout the course (say them aloud in class):

- **as_of** (分析日期) — the snapshot date the analysis is made on. Default: the day after the latest
  order date in the data, so the most recent buyer has recency 1.
- **recency_days** (最近一次消费) — whole calendar days from the customer's last *purchase* date to
  ``as_of``. Dates are compared as calendar dates, so the time of day never matters.
- **frequency** (消费频率) — the number of distinct purchase orders (``order_col``); without an order
  column each purchase row is one order.
- **monetary** (消费金额) — the net sum of ``amount`` over all the customer's rows, returns included,
  in the currency of the data, rounded to cents.
- **tenure_days** — whole days from the customer's first purchase to ``as_of`` (relationship length,
  the "L" of LRFMC).

Returns and zero-value orders
    A row with a negative amount is a return (退货). Returns reduce ``monetary`` but are not purchases:
    they do not count in ``frequency`` and do not move the last-purchase date. A customer whose rows
    in the data are all returns has no purchase to measure and is left out of the table, with a
    :class:`~coursekit.CoursekitWarning` naming them. A zero-value order (a free sample, an order paid
    fully by voucher) is an order: it counts in ``frequency`` and ``recency_days`` and adds 0.

Scores (1..bins, higher is better)
    By default a score is a *quantile score* that depends only on how many customers are strictly
    worse::

        score = 1 + floor(bins × (customers strictly worse) / (all customers))

    "Strictly worse" means a larger ``recency_days``, or a smaller ``frequency`` / ``monetary``. So on
    continuous values each score level holds 1/bins of the customers; identical customers always get
    identical scores (ties are never broken by row order); and the result never depends on row order.
    On heavily tied data — half the customers bought once — everyone tied at the bottom gets score 1
    and the scores above stay meaningful: score 5 still means "better than at least 80% of customers".
    Some middle levels are then empty rather than split arbitrarily (see :func:`quantile_scores`).
    Business thresholds replace quantiles per dimension with ``thresholds`` (see
    :func:`threshold_scores`).

The total ``rfm_score`` is ``r_score + f_score + m_score``. With ``weights`` ("improved RFM", 改进RFM)
a ``weighted_score`` = Σ weight × score with weights summing to 1 is added; :func:`ahp_weights` derives
such weights from an AHP pairwise-comparison matrix and reports its consistency ratio.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from coursekit._errors import (
    CoursekitWarning,
    DataError,
    as_numbers,
    check_ids,
    day_string,
    describe_rows,
    encode_ids,
    parse_day,
    require_columns,
    to_amounts,
    to_days,
)

__all__ = [
    "AHPWeights",
    "ahp_weights",
    "quantile_scores",
    "rfm_table",
    "threshold_scores",
]

DIMENSIONS = {"recency_days": "r", "frequency": "f", "monetary": "m"}
_HIGHER_IS_BETTER = {"recency_days": False, "frequency": True, "monetary": True}


# --------------------------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------------------------

def _check_bins(bins) -> int:
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 2:
        raise DataError(
            f"bins must be a whole number >= 2 (the number of score levels, e.g. 5 for scores "
            f"1..5), got {bins!r}"
        )
    return int(bins)


def _numeric_values(values, name: str) -> pd.Series:
    series = values if isinstance(values, pd.Series) else pd.Series(values, name=name)
    return as_numbers(series, name)


def quantile_scores(values, bins: int = 5, *, higher_is_better: bool = True) -> pd.Series:
    """Score values 1..bins by the share of customers strictly worse (tie-safe quantile scores).

    ``score = 1 + floor(bins × w / n)`` where ``w`` is the number of values strictly worse than this
    one (smaller when ``higher_is_better``, larger otherwise) and ``n`` the number of values.

    - Continuous values: every level holds ``n / bins`` customers (±1).
    - Ties: identical values get identical scores, whatever the row order.
    - Heavy ties: a large tied group sits at the level of its lowest member, so the lowest group is
      always score 1 and a score of ``bins`` always means "better than at least (bins-1)/bins of the
      customers". Levels that would split a tied group stay empty instead (with 50% of customers at
      frequency 1 and 20% at 2, frequency scores are 1, 3, 4, 5 — none get 2). Unlike ``pd.qcut``
      this never fails with "Bin edges must be unique" and never silently merges levels.

    Parameters
    ----------
    values : Series or array-like of numbers
        One value per customer. No missing values.
    bins : int, default 5
        Number of score levels (>= 2).
    higher_is_better : bool, default True
        False for recency, where fewer days since the last purchase is better.

    Returns
    -------
    Series of int64 scores in 1..bins, with the index of ``values``.

    Raises
    ------
    DataError
        For missing or non-numeric values, or ``bins`` < 2.

    Examples
    --------
    >>> quantile_scores([10, 20, 30, 40, 50]).tolist()
    [1, 2, 3, 4, 5]
    >>> quantile_scores([1, 1, 1, 1, 1, 2, 2, 3, 5, 8]).tolist()   # half bought once
    [1, 1, 1, 1, 1, 3, 3, 4, 5, 5]
    >>> quantile_scores([3, 40, 7], bins=3, higher_is_better=False).tolist()  # recency in days
    [3, 1, 2]
    """
    bins = _check_bins(bins)
    series = _numeric_values(values, "values")
    arr = series.to_numpy(dtype=np.float64)
    scores = _quantile_scores_array(arr, bins, higher_is_better)
    return pd.Series(scores, index=series.index, name=series.name)


def _quantile_scores_array(arr: np.ndarray, bins: int, higher_is_better: bool) -> np.ndarray:
    n = len(arr)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    key = arr if higher_is_better else -arr
    order = np.argsort(key, kind="stable")
    ranked = key[order]
    # number strictly worse = position of the first occurrence of the value in sorted order
    worse_sorted = np.searchsorted(ranked, ranked, side="left")
    worse = np.empty(n, dtype=np.int64)
    worse[order] = worse_sorted
    return 1 + (bins * worse) // n


def threshold_scores(values, edges: Sequence[float], *, higher_is_better: bool = True,
                     name: str = "values") -> pd.Series:
    """Score values 1..bins with business thresholds instead of quantiles (bins = len(edges) + 1).

    ``edges`` are strictly increasing.

    - Higher is better (frequency, monetary): each edge is the lowest value of the next level up,
      ``score = 1 + (number of edges <= value)``. Edges ``[2, 3, 5, 10]``: one order → 1, two → 2,
      ten or more → 5.
    - Lower is better (recency in days): each edge is the most days a customer may have been away
      and still reach the next level up, ``score = bins − (number of edges < value)``. Edges
      ``[30, 90, 180, 365]``: bought within 30 days → 5, 31–90 days → 4, over a year → 1.

    Parameters
    ----------
    values : Series or array-like of numbers
    edges : sequence of numbers, strictly increasing
    higher_is_better : bool, default True
    name : str
        Used in error messages (e.g. the dimension the edges belong to).

    Returns
    -------
    Series of int64 scores in 1..len(edges)+1.

    Raises
    ------
    DataError
        For edges that are not strictly increasing numbers, or missing / non-numeric values.

    Examples
    --------
    >>> threshold_scores([1, 2, 4, 12], [2, 3, 5, 10]).tolist()
    [1, 2, 3, 5]
    >>> threshold_scores([5, 30, 31, 400], [30, 90, 180, 365], higher_is_better=False).tolist()
    [5, 5, 4, 1]
    """
    edges_arr = _check_edges(edges, name)
    series = _numeric_values(values, name)
    arr = series.to_numpy(dtype=np.float64)
    bins = len(edges_arr) + 1
    if higher_is_better:
        scores = 1 + np.searchsorted(edges_arr, arr, side="right")
    else:
        scores = bins - np.searchsorted(edges_arr, arr, side="left")
    return pd.Series(scores.astype(np.int64), index=series.index, name=series.name)


def _check_edges(edges, name: str) -> np.ndarray:
    try:
        arr = np.asarray(list(edges), dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(f"thresholds for {name} must be a list of numbers, got {edges!r}") from None
    if arr.ndim != 1 or len(arr) < 1 or not np.all(np.isfinite(arr)):
        raise DataError(f"thresholds for {name} must be a non-empty list of finite numbers, got {edges!r}")
    if np.any(np.diff(arr) <= 0):
        raise DataError(f"thresholds for {name} must be strictly increasing, got {list(edges)!r}")
    return arr


# --------------------------------------------------------------------------------------------
# AHP weights (improved RFM)
# --------------------------------------------------------------------------------------------

# Saaty's random consistency index RI by matrix size n.
_RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45,
                 10: 1.49}


@dataclass(frozen=True)
class AHPWeights:
    """Weights derived from an AHP pairwise-comparison matrix, with its consistency figures.

    Attributes
    ----------
    weights : dict
        Label → weight; weights are >= 0 and sum to 1.
    lambda_max : float
        Principal eigenvalue of the comparison matrix (= n for a perfectly consistent matrix).
    consistency_index : float
        CI = (lambda_max − n) / (n − 1).
    consistency_ratio : float
        CR = CI / RI with Saaty's random index RI (0.58 for n = 3). Judgements are usually accepted
        when CR < 0.10.
    """

    weights: dict
    lambda_max: float
    consistency_index: float
    consistency_ratio: float

    @property
    def consistent(self) -> bool:
        """True when the consistency ratio is below Saaty's 0.10 rule of thumb."""
        return self.consistency_ratio < 0.10


def ahp_weights(pairwise, labels: Sequence[str] = ("r", "f", "m")) -> AHPWeights:
    """Weights from an AHP (层次分析法) pairwise-comparison matrix, for a weighted RFM score.

    Entry ``a[i][j]`` says how many times more important criterion i is than j (Saaty's 1–9
    scale), with ``a[j][i] = 1 / a[i][j]`` and ones on the diagonal. The weights are the principal
    eigenvector of the matrix, scaled to sum to 1; consistency is measured by
    ``CI = (lambda_max − n) / (n − 1)`` and ``CR = CI / RI``. A warning is given when CR >= 0.10,
    the usual sign that the judgements contradict each other and should be revisited.

    Parameters
    ----------
    pairwise : square array-like or DataFrame
        The comparison matrix. A DataFrame's index supplies the labels.
    labels : sequence of str, default ("r", "f", "m")
        Names of the criteria, in matrix order.

    Returns
    -------
    AHPWeights

    Raises
    ------
    DataError
        If the matrix is not square, has non-positive entries, a diagonal entry other than 1, or
        is not reciprocal (the cell at fault is named).

    Examples
    --------
    A perfectly consistent matrix: R twice as important as F, F twice as important as M.

    >>> w = ahp_weights([[1, 2, 4], [1/2, 1, 2], [1/4, 1/2, 1]])
    >>> {k: round(v, 4) for k, v in w.weights.items()}
    {'r': 0.5714, 'f': 0.2857, 'm': 0.1429}
    >>> round(w.consistency_ratio, 4)
    0.0
    """
    if isinstance(pairwise, pd.DataFrame):
        labels = [str(x) for x in pairwise.index]
        matrix = pairwise.to_numpy()
    else:
        matrix = pairwise
    try:
        a = np.asarray(matrix, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError("pairwise must be a square matrix of positive numbers") from None
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise DataError(f"pairwise must be a square matrix, got shape {a.shape}")
    n = a.shape[0]
    if len(labels) != n:
        raise DataError(f"labels has {len(labels)} names but the matrix is {n}×{n}")
    if n > max(_RANDOM_INDEX):
        raise DataError(f"AHP supports at most {max(_RANDOM_INDEX)} criteria, got {n}")
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        i, j = np.argwhere(~np.isfinite(a) | (a <= 0))[0]
        raise DataError(f"pairwise[{i}][{j}] = {a[i, j]!r}: every entry must be a positive number")
    for i in range(n):
        if not np.isclose(a[i, i], 1.0):
            raise DataError(f"pairwise[{i}][{i}] = {a[i, i]!r}: the diagonal must be 1")
        for j in range(i + 1, n):
            if not np.isclose(a[i, j] * a[j, i], 1.0, rtol=1e-3):
                raise DataError(
                    f"pairwise[{j}][{i}] = {a[j, i]!r} but pairwise[{i}][{j}] = {a[i, j]!r}: "
                    f"the matrix must be reciprocal (a[j][i] = 1 / a[i][j] = {1 / a[i, j]:.4g})"
                )
    eigenvalues, eigenvectors = np.linalg.eig(a)
    k = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[k].real)
    vector = np.abs(eigenvectors[:, k].real)
    vector = vector / vector.sum()
    ci = (lambda_max - n) / (n - 1) if n > 1 else 0.0
    ci = max(ci, 0.0)  # rounding can give -1e-16 for a consistent matrix
    ri = _RANDOM_INDEX[n]
    cr = ci / ri if ri > 0 else 0.0
    result = AHPWeights(
        weights={str(label): float(w) for label, w in zip(labels, vector)},
        lambda_max=lambda_max,
        consistency_index=float(ci),
        consistency_ratio=float(cr),
    )
    if not result.consistent:
        warnings.warn(
            f"AHP consistency ratio is {cr:.3f} (>= 0.10): the pairwise judgements contradict each "
            f"other; revisit them before using these weights",
            CoursekitWarning,
            stacklevel=2,
        )
    return result


def _normalise_weights(weights) -> dict[str, float]:
    if isinstance(weights, AHPWeights):
        weights = weights.weights
    if not isinstance(weights, Mapping):
        raise DataError(f"weights must be a dict like {{'r': 0.5, 'f': 0.3, 'm': 0.2}}, got {weights!r}")
    aliases = {"r": "r", "recency": "r", "recency_days": "r", "r_score": "r",
               "f": "f", "frequency": "f", "f_score": "f",
               "m": "m", "monetary": "m", "m_score": "m"}
    out = {"r": 0.0, "f": 0.0, "m": 0.0}
    for key, value in weights.items():
        dim = aliases.get(str(key).lower())
        if dim is None:
            raise DataError(f"weights has an unknown key {key!r}; expected 'r', 'f' and 'm'")
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not np.isfinite(value) or value < 0:
            raise DataError(f"weights[{key!r}] = {value!r}: expected a non-negative number")
        out[dim] = float(value)
    total = sum(out.values())
    if total <= 0:
        raise DataError("weights must not all be zero")
    return {k: v / total for k, v in out.items()}


# --------------------------------------------------------------------------------------------
# The RFM table
# --------------------------------------------------------------------------------------------

def _hash_columns(parts: Sequence[np.ndarray]) -> np.ndarray:
    """Mix integer columns into one uint64 key per row (equal rows → equal keys), in place."""
    key = np.zeros(len(parts[0]), dtype=np.uint64)
    mixed = np.empty_like(key)
    for i, part in enumerate(parts):
        np.multiply(part.view(np.uint64) if part.dtype == np.int64 else part.astype(np.uint64),
                    np.uint64(0x9E3779B97F4A7C15 - 2 * i), out=mixed)
        np.bitwise_xor(key, mixed, out=key)
        np.multiply(key, np.uint64(0xBF58476D1CE4E5B9), out=key)
        np.bitwise_xor(key, key >> np.uint64(31), out=key)
    return key


def _duplicate_mask(transactions: pd.DataFrame, parts: Sequence[np.ndarray]) -> np.ndarray:
    """Rows that repeat an earlier row exactly, in every column.

    A sort on a hash of the RFM columns finds the candidates quickly; the exact check over all
    columns runs on the candidates only, so a hash collision can never create a false duplicate.
    """
    key = _hash_columns(parts)
    ordered = np.sort(key)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    mask = np.zeros(len(key), dtype=bool)
    if len(repeated) == 0:
        return mask
    # rows whose key's low 22 bits match a repeated key: a cache-sized bitmap is the fastest test;
    # the few extra rows it lets through are removed by the exact check below
    low = np.uint64((1 << 22) - 1)
    bitmap = np.zeros(1 << 22, dtype=bool)
    bitmap[(repeated & low).astype(np.intp)] = True
    candidates = bitmap[(key & low).astype(np.intp)]
    subset = transactions[candidates]
    exact = subset.duplicated(keep="first").to_numpy()
    mask[np.flatnonzero(candidates)[exact]] = True
    return mask


def rfm_table(
    transactions: pd.DataFrame,
    *,
    as_of=None,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    amount_col: str = "amount",
    order_col: str | None = None,
    bins: int = 5,
    thresholds: Mapping[str, Sequence[float]] | None = None,
    weights: Mapping[str, float] | AHPWeights | None = None,
    duplicates: Literal["raise", "keep", "drop"] = "raise",
) -> pd.DataFrame:
    """Recency, frequency, monetary value and their scores, one row per customer.

    The shape changes from one row per transaction line to one row per customer (sorted by id).
    Definitions (see the module docstring for returns and zero-value orders):

    - ``recency_days`` = whole calendar days from the last purchase date to ``as_of``;
    - ``frequency`` = distinct purchase orders (``order_col``; without it each purchase row is one
      order);
    - ``monetary`` = net sum of ``amount`` (returns are negative rows and reduce it), rounded to
      cents. Amounts with at most 2 decimals are summed exactly in integer cents, so the total
      never depends on row order;
    - ``tenure_days`` = whole days from the first purchase date to ``as_of``;
    - ``r_score``, ``f_score``, ``m_score`` in 1..bins, higher is better — quantile scores by the share
      of customers strictly worse (:func:`quantile_scores`), or business thresholds per dimension;
    - ``rfm_code`` = the three scores written together, e.g. ``"545"`` (joined with "-" when
      bins >= 10, e.g. ``"10-3-7"``); ``rfm_score`` = r_score + f_score + m_score;
    - ``weighted_score`` (only with ``weights``) = Σ weight × score, weights scaled to sum to 1.

    The analysis date is kept in ``result.attrs["as_of"]`` (a Timestamp), the number of levels in
    ``result.attrs["bins"]``.

    Parameters
    ----------
    transactions : DataFrame
        One row per order line (or per order). Needs the customer, date and amount columns.
    as_of : date-like, optional
        Snapshot date. Default: the day after the latest order date. Orders after ``as_of`` are an
        error (filter the data first), so a snapshot never mixes in the future.
    customer_col, date_col, amount_col : str
        Column names. Dates may be datetimes or date strings; amounts numbers.
    order_col : str, optional
        Order id column; frequency counts distinct order ids per customer.
    bins : int, default 5
        Number of score levels (>= 2).
    thresholds : dict, optional
        Business thresholds for some dimensions instead of quantiles, keyed by ``"recency_days"``,
        ``"frequency"``, ``"monetary"``, each a list of ``bins - 1`` increasing edges
        (see :func:`threshold_scores`).
    weights : dict or AHPWeights, optional
        Weights for ``r``, ``f``, ``m`` (e.g. from :func:`ahp_weights`); adds ``weighted_score``.
    duplicates : {"raise", "keep", "drop"}, default "raise"
        What to do with rows that repeat another row in every column: a loading mistake unless you
        say they are genuine ("keep"); "drop" keeps the first of each.

    Returns
    -------
    DataFrame indexed by customer id with columns ``recency_days``, ``frequency``, ``monetary``,
    ``tenure_days``, ``r_score``, ``f_score``, ``m_score``, ``rfm_code``, ``rfm_score`` (and
    ``weighted_score``).

    Raises
    ------
    DataError
        For a missing column, empty input, missing or unparsable dates, missing or non-numeric
        amounts, missing customer or order ids, duplicate rows, ``as_of`` before the latest order,
        fewer than two customers, ``bins`` < 2, or bad ``thresholds`` / ``weights``.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer_id": ["A", "A", "B", "C", "C", "C"],
    ...     "order_date": ["2024-01-05", "2024-03-01", "2024-02-10",
    ...                    "2024-01-20", "2024-02-25", "2024-03-02"],
    ...     "amount": [120.0, 80.0, 35.5, 60.0, -20.0, 90.0],
    ... })
    >>> rfm = rfm_table(tx, as_of="2024-03-31", bins=3)
    >>> rfm[["recency_days", "frequency", "monetary", "rfm_code", "rfm_score"]]
                 recency_days  frequency  monetary rfm_code  rfm_score
    customer_id
    A                      30          2     200.0      223          7
    B                      50          1      35.5      111          3
    C                      29          2     130.0      322          7
    """
    bins = _check_bins(bins)
    if duplicates not in ("raise", "keep", "drop"):
        raise DataError(f"duplicates must be 'raise', 'keep' or 'drop', got {duplicates!r}")
    columns = [customer_col, date_col, amount_col] + ([order_col] if order_col is not None else [])
    require_columns(transactions, columns, what="transactions")
    if len(transactions) == 0:
        raise DataError("transactions is empty: there are no orders to analyse")
    scoring = _scoring_plan(thresholds, weights, bins)

    check_ids(transactions, customer_col)
    if order_col is not None:
        check_ids(transactions, order_col)
    days = to_days(transactions, date_col)
    amounts = to_amounts(transactions, amount_col)

    if as_of is None:
        as_of_day = int(days.max()) + 1
    else:
        as_of_day = parse_day(as_of, "as_of")
        later = days > as_of_day
        if later.any():
            raise DataError(
                f"as_of {day_string(as_of_day)} is before the data: {int(later.sum())} rows are "
                f"dated after it (latest {day_string(int(days.max()))}). Choose a later as_of, or "
                f"keep only the orders up to it first: tx[tx[{date_col!r}] <= {day_string(as_of_day)!r}]. "
                f"First " + describe_rows(transactions, later, columns=[customer_col, date_col])
            )

    cust_codes, customers = encode_ids(transactions[customer_col], customer_col)
    scaled = amounts * 100.0
    cents = np.rint(scaled)
    np.subtract(scaled, cents, out=scaled)
    np.abs(scaled, out=scaled)
    exact_cents = bool(scaled.max() < 1e-6)
    del scaled
    order_codes = encode_ids(transactions[order_col], order_col)[0] if order_col is not None else None

    if duplicates != "keep":
        # candidates share customer, day and amount; the exact check then compares every column
        dup = _duplicate_mask(transactions, [cust_codes, days, cents.astype(np.int64) if exact_cents
                                             else amounts.view(np.int64)])
        if dup.any():
            if duplicates == "raise":
                raise DataError(
                    "transactions has duplicate rows (identical in every column), usually a file "
                    "loaded twice. If they are genuine separate orders pass duplicates='keep' (or add "
                    "an order id column and order_col=...); duplicates='drop' keeps the first of each. "
                    "Duplicates: " + describe_rows(transactions, dup, columns=columns)
                )
            keep = ~dup
            cust_codes, days, amounts, cents = cust_codes[keep], days[keep], amounts[keep], cents[keep]
            if order_codes is not None:
                order_codes = order_codes[keep]

    n_all = len(customers)
    purchase = amounts >= 0
    if exact_cents:
        monetary = np.bincount(cust_codes, weights=cents, minlength=n_all)
        monetary = np.rint(monetary) / 100.0
    else:
        monetary = np.round(np.bincount(cust_codes, weights=amounts, minlength=n_all), 2)

    p_codes, p_days = cust_codes[purchase], days[purchase]
    last_day = np.full(n_all, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last_day, p_codes, p_days)
    first_day = np.full(n_all, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_day, p_codes, p_days)
    frequency = _frequency(p_codes, None if order_codes is None else order_codes[purchase], n_all)

    has_purchase = frequency > 0
    if not has_purchase.all():
        dropped = customers[~has_purchase]
        shown = ", ".join(repr(x) for x in dropped[:5]) + (" ..." if len(dropped) > 5 else "")
        warnings.warn(
            f"{len(dropped)} customer(s) have only returns (negative amounts) and no purchase in the "
            f"data, so they have no recency and are left out of the RFM table: {shown}",
            CoursekitWarning,
            stacklevel=2,
        )
        customers = customers[has_purchase]
        monetary, last_day, first_day, frequency = (
            monetary[has_purchase], last_day[has_purchase], first_day[has_purchase],
            frequency[has_purchase])

    n = len(customers)
    if n < 2:
        only = f" (customer {customers[0]!r})" if n == 1 else ""
        raise DataError(
            f"transactions hold {n} customer{only} with purchases; RFM scores rank customers against "
            f"each other, so at least 2 are needed"
        )

    result = pd.DataFrame(
        {
            "recency_days": as_of_day - last_day,
            "frequency": frequency,
            "monetary": monetary,
            "tenure_days": as_of_day - first_day,
        },
        index=pd.Index(customers, name=customer_col),
    )
    for dim, letter in DIMENSIONS.items():
        values = result[dim].to_numpy(dtype=np.float64)
        edges = scoring["thresholds"].get(dim)
        if edges is None:
            scores = _quantile_scores_array(values, bins, _HIGHER_IS_BETTER[dim])
        else:
            scores = threshold_scores(values, edges, higher_is_better=_HIGHER_IS_BETTER[dim],
                                      name=dim).to_numpy()
        result[f"{letter}_score"] = scores.astype(np.int64)
    r, f, m = (result[c].to_numpy() for c in ("r_score", "f_score", "m_score"))
    if bins < 10:  # "545": one digit per score, written from the number 545
        result["rfm_code"] = pd.Series(100 * r + 10 * f + m, index=result.index).astype(str).astype(object)
    else:  # "10-3-7"
        result["rfm_code"] = (result["r_score"].astype(str) + "-" + result["f_score"].astype(str)
                              + "-" + result["m_score"].astype(str)).astype(object)
    result["rfm_score"] = result["r_score"] + result["f_score"] + result["m_score"]
    w = scoring["weights"]
    if w is not None:
        result["weighted_score"] = (
            w["r"] * result["r_score"] + w["f"] * result["f_score"] + w["m"] * result["m_score"]
        ).round(4)
    result.attrs["as_of"] = pd.Timestamp(np.datetime64(as_of_day, "D"))
    result.attrs["bins"] = bins
    if w is not None:
        result.attrs["weights"] = w
    return result


def _frequency(codes: np.ndarray, order_codes: np.ndarray | None, n: int) -> np.ndarray:
    """Distinct orders per customer (rows per customer when there is no order column)."""
    if order_codes is None:
        return np.bincount(codes, minlength=n)
    if len(order_codes) == 0:
        return np.zeros(n, dtype=np.int64)
    n_orders = int(order_codes.max()) + 1
    owner = np.full(n_orders, -1, dtype=np.int64)
    owner[order_codes] = codes
    if np.array_equal(owner[order_codes], codes):
        # every order belongs to one customer: count the orders each customer owns
        return np.bincount(owner[owner >= 0], minlength=n)
    # the same order id appears under several customers: count distinct (customer, order) pairs
    pairs = np.unique(codes.astype(np.int64) * n_orders + order_codes)
    return np.bincount(pairs // n_orders, minlength=n)


def _scoring_plan(thresholds, weights, bins: int) -> dict:
    plan: dict = {"thresholds": {}, "weights": None}
    if thresholds is not None:
        if not isinstance(thresholds, Mapping):
            raise DataError(
                "thresholds must be a dict like {'recency_days': [30, 90, 180, 365]}, "
                f"got {thresholds!r}"
            )
        for dim, edges in thresholds.items():
            if dim not in DIMENSIONS:
                raise DataError(
                    f"thresholds has an unknown dimension {dim!r}; expected one of {list(DIMENSIONS)}"
                )
            arr = _check_edges(edges, dim)
            if len(arr) != bins - 1:
                raise DataError(
                    f"thresholds for {dim} has {len(arr)} edges; bins={bins} needs {bins - 1} "
                    f"(one fewer than the number of levels)"
                )
            plan["thresholds"][dim] = arr
    if weights is not None:
        plan["weights"] = _normalise_weights(weights)
    return plan
