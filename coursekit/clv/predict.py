"""Predicted future value per customer in one call: BG/NBD + Gamma-Gamma fitted to a transaction log.

:func:`predicted_value` is the bridge from the probabilistic models to the course's tiering tools:
its ``predicted_clv`` is the "future value" axis of the current × future value matrix, and its
``p_alive`` feeds the churn warning (流失预警).
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
import pandas as pd

from coursekit._errors import DataError, day_string, parse_day, to_days, whole
from coursekit.clv._summary import DAYS_PER_MONTH, UNIT_DAYS, _summary_up_to, check_time_unit
from coursekit.clv.bg_nbd import fit_bg_nbd
from coursekit.clv.gamma_gamma import fit_gamma_gamma

__all__ = ["predicted_value"]

COLUMNS = ("p_alive", "expected_purchases", "expected_spend", "predicted_clv")


def _rate(value, name: str, *, low_open: bool, high: float | None, meaning: str) -> float:
    ok = (not isinstance(value, (bool, np.bool_)) and isinstance(value, Real)
          and math.isfinite(float(value)) and (value > 0 if low_open else value >= 0)
          and (high is None or value <= high))
    if not ok:
        bounds = ("> 0" if low_open else ">= 0") + (f" and <= {high:g}" if high is not None else "")
        raise DataError(f"{name} must be a number {bounds} ({meaning}), got {value!r}")
    return float(value)


def predicted_value(
    transactions: pd.DataFrame,
    *,
    as_of=None,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    amount_col: str = "amount",
    time_unit: str = "W",
    horizon_months: int = 12,
    monthly_discount_rate: float = 0.01,
    margin_rate: float = 1.0,
) -> pd.DataFrame:
    """Each customer's P(alive), expected purchases, expected spend and CLV over the next months.

    The shape changes from one row per transaction line to one row per customer. Steps:

    1. the BTYD summary of the purchases up to ``as_of``
       (:func:`~coursekit.clv.summary_from_transactions` with ``observation_end=as_of``: a purchase
       is a calendar day, frequency = repeat purchase days, recency and T measured from the first
       purchase, in ``time_unit``);
    2. :func:`~coursekit.clv.fit_bg_nbd` on every customer and
       :func:`~coursekit.clv.fit_gamma_gamma` on the repeat buyers of that summary;
    3. per customer, with τ = one month = 365.25 / 12 days, H = ``horizon_months`` and
       d = ``monthly_discount_rate``:

       - ``p_alive`` = BG/NBD P(alive | x, t_x, T), the probability the customer is still active at
         ``as_of`` (1 for a customer who bought once);
       - ``expected_purchases`` = E[Y(H·τ) | x, t_x, T], purchases expected in the next H months
         (not discounted);
       - ``expected_spend`` = Gamma-Gamma E[M | x, m̄], the expected value of one future purchase;
         a customer without a repeat purchase gets the population mean p v / (q − 1), as the
         model does;
       - ``predicted_clv`` = margin_rate · expected_spend · Σ_{i=1..H} (E[Y(i·τ)] − E[Y((i−1)·τ)])
         / (1 + d)^i: the purchases expected in month i, discounted as if paid at the end of the
         month (:meth:`~coursekit.clv.GammaGammaModel.customer_lifetime_value`). Future value
         only: past spend is not in it.

    **as_of** is the snapshot date, as in :func:`coursekit.rfm_table`: purchases dated on or
    before it count, and the default is the day after the latest date in the data, so
    ``rfm_table(tx)`` and ``predicted_value(tx)`` describe the same snapshot. Rows dated after
    ``as_of`` are ignored (that is how a model is fitted on a calibration period); customers who
    first bought after it are not in the table. Returns (negative amounts) are not purchases: they
    are left out with a :class:`~coursekit.CoursekitWarning` counting them.

    Parameters
    ----------
    transactions : DataFrame
        One row per order line (or per order).
    as_of : date-like, optional
        Snapshot date (inclusive). Default: the day after the latest date in ``date_col``.
    customer_col, date_col, amount_col : str
        Column names; dates may be datetimes or ISO date strings.
    time_unit : {"W", "D"}, default "W"
        Unit of recency, T and the BG/NBD ``alpha`` (weeks of 7 days, as in the papers, or days).
        The predictions hardly depend on it; the parameter ``alpha`` scales with it.
    horizon_months : int, default 12
        Months ahead for ``expected_purchases`` and ``predicted_clv``.
    monthly_discount_rate : float, default 0.01
        Discount rate per month, >= 0 (0.01 a month ≈ 12.7% a year).
    margin_rate : float, default 1.0
        Profit as a share of revenue, in (0, 1]; 1.0 gives revenue (``expected_spend`` is always
        revenue).

    Returns
    -------
    DataFrame indexed by customer id (name ``customer_col``, sorted) with float columns
    ``p_alive``, ``expected_purchases``, ``expected_spend`` and ``predicted_clv`` (money units of
    ``amount_col``). ``attrs`` hold ``as_of`` (Timestamp), ``time_unit``, ``horizon_months``,
    ``monthly_discount_rate``, ``margin_rate``, ``bg_nbd_params`` (r, alpha, a, b) and
    ``gamma_gamma_params`` (p, q, v), as plain dicts of floats.

    Raises
    ------
    DataError
        For a missing column, bad ids, dates or amounts (as
        :func:`~coursekit.clv.summary_from_transactions`), an unknown ``time_unit``, a horizon,
        discount or margin out of range, no purchase up to ``as_of``, too few repeat buyers to fit
        the models (BG/NBD needs one, Gamma-Gamma two), a repeat purchase worth 0, or a fit that
        does not converge.

    See Also
    --------
    coursekit.clv.fit_bg_nbd, coursekit.clv.fit_gamma_gamma : the models, with their formulas.

    Examples
    --------
    >>> from coursekit.datasets import make_retail
    >>> tx = make_retail(300, seed=1)["transactions"]
    >>> purchases = tx[tx["amount"] > 0]        # returns would be left out anyway, with a warning
    >>> value = predicted_value(purchases, as_of="2024-12-31")
    >>> value.sort_values("predicted_clv", ascending=False).head(3).round(2)
                 p_alive  expected_purchases  expected_spend  predicted_clv
    customer_id
    C157             1.0               13.40          715.52        8994.12
    C300             1.0               19.66          450.54        8308.57
    C038             1.0               23.68          367.41        8161.94
    >>> {k: round(v, 3) for k, v in value.attrs["bg_nbd_params"].items()}
    {'r': 0.72, 'alpha': 10.519, 'a': 0.051, 'b': 2.817}
    >>> str(value.attrs["as_of"].date()), value.attrs["time_unit"], value.attrs["horizon_months"]
    ('2024-12-31', 'W', 12)

    C157 buys less often than C038 but spends about twice as much per purchase, so is worth more.
    """
    time_unit = check_time_unit(time_unit)
    months = whole(horizon_months, "horizon_months", 1, unit="months")
    rate = _rate(monthly_discount_rate, "monthly_discount_rate", low_open=False, high=None,
                 meaning="a discount rate per month, e.g. 0.01")
    margin = _rate(margin_rate, "margin_rate", low_open=True, high=1.0,
                   meaning="profit as a share of revenue; 1.0 for revenue")
    if not isinstance(transactions, pd.DataFrame):
        raise DataError(f"transactions must be a pandas DataFrame, got {type(transactions).__name__}")
    days = (to_days(transactions, date_col) if date_col in transactions.columns and len(transactions)
            else None)  # else the summary names the missing column / empty input
    end_day = None if days is None else int(days.max()) + 1
    if as_of is not None:
        end_day = parse_day(as_of, "as_of")
        if days is not None and int(days.min()) > end_day:
            raise DataError(f"no transaction on or before as_of {day_string(end_day)}: the earliest is "
                            f"{day_string(int(days.min()))}; choose a later as_of")
    observation_end = None if end_day is None else pd.Timestamp(np.datetime64(end_day, "D"))
    # the summary reuses the parsed dates; its returns warning points here, as it always has
    summary = _summary_up_to(transactions, customer_col, date_col, amount_col, observation_end, time_unit,
                             days=days, stacklevel=3)
    bg = fit_bg_nbd(summary)
    gg = fit_gamma_gamma(summary)
    horizon = months * DAYS_PER_MONTH / UNIT_DAYS[time_unit]
    result = pd.DataFrame({
        "p_alive": bg.p_alive(summary),
        "expected_purchases": bg.expected_purchases(summary, horizon),
        "expected_spend": gg.expected_average_spend(summary),
        "predicted_clv": gg.customer_lifetime_value(bg, summary, months=months,
                                                    monthly_discount_rate=rate, margin_rate=margin),
    }, index=summary.index)
    result.attrs.update({
        "as_of": summary.attrs["observation_end"],
        "time_unit": time_unit,
        "horizon_months": months,
        "monthly_discount_rate": rate,
        "margin_rate": margin,
        "bg_nbd_params": dict(bg.params),
        "gamma_gamma_params": dict(gg.params),
    })
    return result
