"""Per-customer BTYD summaries (frequency, recency, T, monetary_value) from a transaction log."""

from __future__ import annotations

import math
import warnings
from numbers import Real

import numpy as np
import pandas as pd

from coursekit._errors import (CoursekitWarning, DataError, as_numbers, check_ids, day_string, describe_rows,
                               encode_ids, parse_day, require_columns, to_amounts, to_days)

__all__ = ["calibration_holdout", "summary_from_transactions"]

#: days in one time unit
UNIT_DAYS = {"D": 1.0, "W": 7.0}
UNIT_NAMES = {"D": "days", "W": "weeks"}
#: a month, for CLV horizons and monthly discounting: 365.25 / 12 = 30.4375 days
DAYS_PER_MONTH = 365.25 / 12
SUMMARY_COLUMNS = ("frequency", "recency", "T")


def check_time_unit(time_unit) -> str:
    if time_unit not in UNIT_DAYS:
        raise DataError(f"time_unit must be 'W' (weeks of 7 days) or 'D' (days), got {time_unit!r}")
    return time_unit


def _purchases(transactions: pd.DataFrame, customer_col: str, date_col: str, amount_col: str | None, *,
               days: np.ndarray | None = None,
               stacklevel: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Validated rows that are purchases: (row positions, calendar days, amounts or None).

    Rows with a negative amount are returns: not purchases. A warning counts them, attributed
    ``stacklevel`` frames up. ``days``: ``date_col`` already parsed by :func:`to_days` (not parsed
    again).
    """
    columns = [customer_col, date_col] + ([amount_col] if amount_col is not None else [])
    require_columns(transactions, columns, what="transactions")
    if len(transactions) == 0:
        raise DataError("transactions is empty: there are no purchases to summarise")
    check_ids(transactions, customer_col)
    if days is None:
        days = to_days(transactions, date_col)
    rows = np.arange(len(transactions))
    if amount_col is None:
        return rows, days, None
    amounts = to_amounts(transactions, amount_col)
    returns = amounts < 0
    if returns.any():
        warnings.warn(
            f"left out {int(returns.sum())} return row(s) (negative {amount_col!r}): a return is not a "
            f"purchase, so it counts in neither frequency, recency, T nor monetary_value. First "
            + describe_rows(transactions, returns, columns=columns, limit=3),
            CoursekitWarning, stacklevel=stacklevel,
        )
    keep = ~returns
    return rows[keep], days[keep], amounts[keep]


def _on_or_before(days: np.ndarray, end_day: int, name: str) -> np.ndarray:
    """Which purchase ``days`` fall on or before ``end_day``; DataError if none (``name``: the end's name)."""
    before = days <= end_day
    if not before.any():
        raise DataError(
            f"no purchase on or before {name} {day_string(end_day)}: the earliest is "
            f"{day_string(int(days.min())) if len(days) else 'none'}; choose a later {name}"
        )
    return before


def _daily(codes: np.ndarray, days: np.ndarray, amounts: np.ndarray | None, n_customers: int):
    """One entry per (customer, purchase day), sorted by customer then day.

    Returns the customer code and day of each entry and the day's total amount (None without
    amounts).
    """
    if len(codes) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, (np.zeros(0) if amounts is not None else None)
    lo = int(days.min())
    span = int(days.max()) - lo + 1
    keys = codes.astype(np.int64) * span + (days - lo)
    unique, inverse = np.unique(keys, return_inverse=True)
    totals = None if amounts is None else np.bincount(inverse, weights=amounts, minlength=len(unique))
    return unique // span, unique % span + lo, totals


def summary_from_transactions(
    transactions: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    amount_col: str | None = "amount",
    observation_end=None,
    time_unit: str = "W",
) -> pd.DataFrame:
    """The BTYD summary (frequency, recency, T, monetary_value) of each customer, as BG/NBD needs it.

    The shape changes from one row per transaction line to one row per customer (sorted by id).
    A **purchase** is a calendar day on which the customer bought (all their rows of that day
    together, time of day ignored); time is measured from the customer's **first purchase**, and
    everything is seen as of ``observation_end``:

    - ``frequency`` (BTYD frequency, *not* RFM frequency) = number of **repeat** purchases = distinct
      purchase days after the first one, up to ``observation_end``. A customer who bought once has
      frequency 0; two orders on one day count once. (``lifetimes`` counts distinct purchase
      *periods* minus one; here the period is always the day, as in Fader, Hardie & Lee's CDNOW data,
      whatever ``time_unit`` says.)
    - ``recency`` (*not* RFM recency) = the customer's **age at the last purchase**: time from the
      first to the last purchase day, 0 for frequency 0. Larger is better here, unlike RFM's
      "days since the last purchase".
    - ``T`` = the customer's age at ``observation_end``: time from the first purchase day to
      ``observation_end``. Write ``summary["T"]``: ``summary.T`` is the transpose.
    - ``monetary_value`` = mean value of the **repeat** purchases (each purchase = the sum of that
      day's amounts); the first purchase is left out, as in the Gamma-Gamma model. 0.0 for
      frequency 0 (no repeat purchase: the value is not used by any model).

    ``recency`` and ``T`` are in ``time_unit``: ``"W"`` = weeks = days / 7 (fractional, e.g. 272
    days = 38.857 weeks), ``"D"`` = days. They are not rounded.

    Returns (negative amounts) are not purchases and are left out, with a
    :class:`~coursekit.CoursekitWarning` counting them (a customer with only returns is not in the
    table); zero-value rows are purchases. Rows that repeat each other are all counted (their
    amounts add up in the day's purchase): remove loading duplicates first. Rows dated
    after ``observation_end`` are ignored (that is what the observation end means), and customers
    whose first purchase comes after it are not in the table.

    Parameters
    ----------
    transactions : DataFrame
        One row per order line (or per order).
    customer_col, date_col, amount_col : str
        Column names. Dates may be datetimes or ISO date strings. ``amount_col=None``: no amounts,
        no ``monetary_value`` column.
    observation_end : date-like, optional
        Last day of the observation period (inclusive: purchases on that day count). Default: the
        latest purchase date in the data. For the CDNOW calibration period, ``"1997-09-30"``.
    time_unit : {"W", "D"}, default "W"
        Unit of ``recency`` and ``T``: weeks of 7 days or days.

    Returns
    -------
    DataFrame indexed by customer id (name ``customer_col``) with columns ``frequency`` (int64),
    ``recency``, ``T`` (float64, in ``time_unit``) and ``monetary_value`` (float64). ``attrs`` hold
    ``time_unit`` ("W" or "D") and ``observation_end`` (a Timestamp).

    Raises
    ------
    DataError
        For a missing column, empty input, missing ids, missing or unparsable dates, non-numeric or
        missing amounts, an unknown ``time_unit``, or no purchase up to ``observation_end``.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer_id": ["A", "A", "A", "A", "B"],
    ...     "order_date": ["2024-01-01", "2024-01-01", "2024-01-15", "2024-02-12", "2024-02-05"],
    ...     "amount": [10.0, 5.0, 20.0, 30.0, 99.0],
    ... })
    >>> summary = summary_from_transactions(tx, observation_end="2024-02-26")
    >>> summary
                 frequency  recency    T  monetary_value
    customer_id
    A                    2      6.0  8.0            25.0
    B                    0      0.0  3.0             0.0
    >>> summary.attrs["time_unit"], str(summary.attrs["observation_end"].date())
    ('W', '2024-02-26')

    A: first purchase 1 January (two rows, one purchase), repeats on 15 January (20) and 12 February
    (30): frequency 2, recency 42 days = 6 weeks, T 56 days = 8 weeks, monetary_value (20 + 30) / 2.
    B bought once, 21 days (3 weeks) before the observation end.
    """
    time_unit = check_time_unit(time_unit)
    return _summary_up_to(transactions, customer_col, date_col, amount_col, observation_end, time_unit,
                          stacklevel=4)


def _summary_up_to(transactions, customer_col, date_col, amount_col, observation_end, time_unit, *,
                   days=None, stacklevel) -> pd.DataFrame:
    """:func:`summary_from_transactions` after its ``time_unit`` check; ``days`` and ``stacklevel``
    as in :func:`_purchases`."""
    rows, days, amounts = _purchases(transactions, customer_col, date_col, amount_col, days=days,
                                     stacklevel=stacklevel)
    if len(rows) == 0:
        raise DataError(f"transactions hold no purchases (every {amount_col!r} is negative)")
    end_day = int(days.max()) if observation_end is None else parse_day(observation_end, "observation_end")
    before = _on_or_before(days, end_day, "observation_end")
    rows, days = rows[before], days[before]
    amounts = None if amounts is None else amounts[before]
    return _summary(transactions, rows, days, amounts, end_day, customer_col, time_unit)


def _summary(transactions, rows, days, amounts, end_day, customer_col, time_unit) -> pd.DataFrame:
    codes, customers = encode_ids(transactions[customer_col].iloc[rows], customer_col)
    n = len(customers)
    owner, day, totals = _daily(codes, days, amounts, n)
    purchase_days = np.bincount(owner, minlength=n)
    starts = np.concatenate([[0], np.cumsum(purchase_days)[:-1]])
    first = day[starts]
    last = day[starts + purchase_days - 1]
    frequency = purchase_days - 1
    scale = UNIT_DAYS[time_unit]
    result = pd.DataFrame(
        {
            "frequency": frequency.astype(np.int64),
            "recency": (last - first) / scale,
            "T": (end_day - first) / scale,
        },
        index=pd.Index(customers, name=customer_col),
    )
    if totals is not None:
        repeat = np.ones(len(owner), dtype=bool)
        repeat[starts] = False
        spend = np.bincount(owner[repeat], weights=totals[repeat], minlength=n)
        result["monetary_value"] = np.divide(spend, frequency, out=np.zeros(n), where=frequency > 0)
    result.attrs["time_unit"] = time_unit
    result.attrs["observation_end"] = pd.Timestamp(np.datetime64(end_day, "D"))
    return result


def calibration_holdout(
    transactions: pd.DataFrame,
    *,
    calibration_end,
    holdout_end,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    amount_col: str | None = "amount",
    time_unit: str = "W",
) -> pd.DataFrame:
    """Split a transaction log in time: a calibration summary per customer and what they did next.

    The calibration period runs up to ``calibration_end`` (inclusive); the holdout period is the
    days after it up to ``holdout_end`` (inclusive). The table holds every customer whose first
    purchase falls in the calibration period (customers who first bought later are not in it: the
    model has nothing to predict them from), with

    - ``frequency``, ``recency``, ``T``, ``monetary_value``: :func:`summary_from_transactions` with
      ``observation_end=calibration_end`` (the same definitions);
    - ``holdout_purchases``: purchases (distinct purchase days, returns left out) in the holdout
      period — all are repeat purchases, so they compare with a BG/NBD forecast;
    - ``holdout_spend``: the sum of those purchases' amounts (only with ``amount_col``);
    - ``holdout_length``: length of the holdout period in ``time_unit`` (the same for everyone).

    CDNOW as in Fader, Hardie & Lee (2005): ``calibration_end="1997-09-30"`` (39 weeks from
    1 January 1997), ``holdout_end="1998-06-30"`` (39 more weeks).

    Parameters
    ----------
    transactions : DataFrame
        One row per order line (or per order).
    calibration_end, holdout_end : date-like
        Last days of the two periods; ``holdout_end`` must be later.
    customer_col, date_col, amount_col, time_unit
        As in :func:`summary_from_transactions`.

    Returns
    -------
    DataFrame indexed by customer id: ``frequency``, ``recency``, ``T``, ``monetary_value``,
    ``holdout_purchases`` (int64), ``holdout_spend``, ``holdout_length``. ``attrs`` hold
    ``time_unit``, ``observation_end`` (= calibration end) and ``holdout_end``.

    Raises
    ------
    DataError
        As :func:`summary_from_transactions`, and if ``holdout_end`` is not after
        ``calibration_end``.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer_id": ["A", "A", "A", "B", "C"],
    ...     "order_date": ["2024-01-01", "2024-01-29", "2024-03-11", "2024-01-08", "2024-03-04"],
    ...     "amount": [10.0, 20.0, 40.0, 15.0, 5.0],
    ... })
    >>> data = calibration_holdout(tx, calibration_end="2024-02-26", holdout_end="2024-03-25")
    >>> data[["frequency", "recency", "T", "holdout_purchases", "holdout_spend"]]
                 frequency  recency    T  holdout_purchases  holdout_spend
    customer_id
    A                    1      4.0  8.0                  1           40.0
    B                    0      0.0  7.0                  0            0.0
    >>> data["holdout_length"].tolist()   # 28 days
    [4.0, 4.0]

    C first bought in the holdout period, so C is not in the table.
    """
    time_unit = check_time_unit(time_unit)
    cal_day = parse_day(calibration_end, "calibration_end")
    hold_day = parse_day(holdout_end, "holdout_end")
    if hold_day <= cal_day:
        raise DataError(f"holdout_end {day_string(hold_day)} must be after calibration_end "
                        f"{day_string(cal_day)}: the holdout period follows the calibration period")
    rows, days, amounts = _purchases(transactions, customer_col, date_col, amount_col)
    in_cal = _on_or_before(days, cal_day, "calibration_end")
    result = _summary(transactions, rows[in_cal], days[in_cal],
                      None if amounts is None else amounts[in_cal], cal_day, customer_col, time_unit)
    in_hold = (days > cal_day) & (days <= hold_day)
    ids = transactions[customer_col].iloc[rows[in_hold]]
    position = result.index.get_indexer(pd.Index(ids))
    known = position >= 0
    n = len(result)
    owner, _, totals = _daily(position[known], days[in_hold][known],
                              None if amounts is None else amounts[in_hold][known], n)
    result["holdout_purchases"] = np.bincount(owner, minlength=n).astype(np.int64)
    if totals is not None:
        result["holdout_spend"] = np.bincount(owner, weights=totals, minlength=n)
    result["holdout_length"] = (hold_day - cal_day) / UNIT_DAYS[time_unit]
    result.attrs["holdout_end"] = pd.Timestamp(np.datetime64(hold_day, "D"))
    return result


# --------------------------------------------------------------------------------------------
# validation of a summary handed to a model
# --------------------------------------------------------------------------------------------

def summary_arrays(summary, *, what: str = "summary", monetary: bool = False,
                   repeat_only: bool = False) -> dict:
    """Validated float arrays ``x``, ``t_x``, ``T`` (and ``m``) and the ``index`` of a summary.

    Checks: a DataFrame with the columns; not empty; numbers without NaN or infinities; frequency
    whole and >= 0; recency and T >= 0; recency <= T; frequency 0 exactly when recency is 0. With
    ``monetary``: ``monetary_value`` finite and > 0 for repeat buyers (its value for frequency 0 is
    not used and may be NaN). With ``repeat_only`` the arrays hold only the repeat buyers.
    """
    columns = list(SUMMARY_COLUMNS) + (["monetary_value"] if monetary else [])
    require_columns(summary, columns, what=what)
    if len(summary) == 0:
        raise DataError(f"{what} is empty: no customers")
    hint = ("; build the summary with coursekit.clv.summary_from_transactions, or drop those "
            "customers")
    x = as_numbers(summary["frequency"], f"{what} column 'frequency'", hint_missing=hint)
    t_x = as_numbers(summary["recency"], f"{what} column 'recency'", hint_missing=hint)
    T = as_numbers(summary["T"], f"{what} column 'T'", hint_missing=hint)
    checks = [
        ((x < 0) | (x != np.floor(x)), "'frequency' must be a whole number >= 0 (repeat purchases)"),
        (t_x < 0, "'recency' must be >= 0 (age at the last purchase)"),
        (T < 0, "'T' must be >= 0 (age at the observation end)"),
        (t_x > T * (1 + 1e-12) + 1e-12,
         "'recency' must not exceed 'T' (the last purchase cannot come after the observation end)"),
        ((x == 0) & (t_x > 0), "frequency 0 means no repeat purchase, so 'recency' must be 0"),
        ((x > 0) & (t_x == 0), "frequency > 0 needs 'recency' > 0 (a repeat purchase comes after "
                               "the first)"),
    ]
    shown = list(SUMMARY_COLUMNS)
    for bad, message in checks:
        bad = bad.to_numpy()
        if bad.any():
            raise DataError(f"{what}: {message}; got " + describe_rows(summary, bad, columns=shown))
    out = {"x": x.to_numpy(), "t_x": t_x.to_numpy(), "T": T.to_numpy(), "index": summary.index}
    repeat = out["x"] > 0
    if monetary:
        values = summary["monetary_value"]
        if pd.api.types.is_bool_dtype(values.dtype) or not pd.api.types.is_numeric_dtype(values.dtype):
            raise DataError(f"{what} column 'monetary_value' must be numeric, got dtype {values.dtype}")
        m = values.to_numpy(dtype=np.float64)
        bad = repeat & ~(np.isfinite(m) & (m > 0))
        if bad.any():
            raise DataError(
                f"{what} column 'monetary_value' must be a positive amount for every repeat buyer "
                f"(frequency > 0): the Gamma-Gamma model describes positive spend per purchase; got "
                + describe_rows(summary, bad, columns=shown + ["monetary_value"])
                + ". Drop those customers, or leave zero-value purchases out of the transactions"
            )
        out["m"] = m
    if repeat_only:
        for key in ("x", "t_x", "T", "m"):
            if key in out:
                out[key] = out[key][repeat]
        out["index"] = summary.index[repeat]
    return out


def check_time(t, name: str = "t") -> float:
    """A finite real number >= 0, as float."""
    if isinstance(t, bool) or not isinstance(t, Real) or not math.isfinite(float(t)) or t < 0:
        raise DataError(f"{name} must be a finite number >= 0 (a length of time in the summary's "
                        f"time unit), got {t!r}")
    return float(t)
