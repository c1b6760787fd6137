"""Synthetic course data: reproducible from a seed, with nothing personal in it.

:func:`make_retail` makes a shop's customers and transactions with the features the course needs
to show: a heavy-tailed spend distribution (the top 20% of customers hold most of the revenue),
new customers arriving over time, customers whose buying fades (so churning and potential tiers
exist), multi-line orders and about 2% returns as negative rows.

Generation (all draws from one ``numpy.random.default_rng(seed)``):

- each customer joins on a uniform day of the period (the first quarter of customers at its start);
- a customer's purchase rate (orders per year) is lognormal(mean log 1.0, sd 1.0), capped at 60;
- 35% of customers fade: their rate decays with a half-life drawn uniformly from 60–360 days;
- order dates are a Poisson process at that rate from the join day to the end of the period;
- each order has 1–4 lines; a line's amount is lognormal(mean log 3.4, sd 0.8) scaled by a
  per-customer basket factor lognormal(0, 0.5), rounded to cents;
- 2% of lines are returned: a negative line of the same amount in a separate order 3–30 days later
  (dropped if after the period).

Same seed and size → identical frames, byte for byte.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coursekit._errors import DataError

__all__ = ["make_retail"]


def make_retail(n_customers: int = 2000, seed: int = 42, *, start: str = "2023-01-01",
                days: int = 730) -> dict[str, pd.DataFrame]:
    """A retailer's customers and transactions (see the module docstring for the distributions).

    Parameters
    ----------
    n_customers : int, default 2000
    seed : int, default 42
    start : date string, default "2023-01-01"
        First day of the period.
    days : int, default 730
        Length of the period in days.

    Returns
    -------
    dict with ``"customers"`` (customer_id, join_date) and ``"transactions"`` (order_id,
    customer_id, order_date, amount, quantity), transactions sorted by order_date, order_id.

    Examples
    --------
    >>> data = make_retail(200, seed=1)
    >>> sorted(data)
    ['customers', 'transactions']
    >>> list(data["transactions"].columns)
    ['order_id', 'customer_id', 'order_date', 'amount', 'quantity']
    """
    if isinstance(n_customers, bool) or not isinstance(n_customers, (int, np.integer)) or n_customers < 2:
        raise DataError(f"n_customers must be a whole number >= 2, got {n_customers!r}")
    if isinstance(days, bool) or not isinstance(days, (int, np.integer)) or days < 30:
        raise DataError(f"days must be a whole number >= 30, got {days!r}")
    rng = np.random.default_rng(seed)
    n = int(n_customers)
    join = np.where(rng.random(n) < 0.25, 0, rng.integers(0, days - 14, n))
    rate = np.minimum(rng.lognormal(1.0, 1.0, n), 60.0) / 365.0  # orders per day
    fades = rng.random(n) < 0.35
    half_life = rng.uniform(60, 360, n)
    basket = rng.lognormal(0.0, 0.5, n)

    # Poisson process by thinning: draw at the peak rate, keep with probability rate(t)/peak.
    span = days - join
    counts = rng.poisson(rate * span)
    cust = np.repeat(np.arange(n), counts)
    offset = rng.random(len(cust)) * span[cust]
    keep_prob = np.where(fades[cust], 0.5 ** (offset / half_life[cust]), 1.0)
    kept = rng.random(len(cust)) < keep_prob
    cust, order_day = cust[kept], (join[cust] + offset).astype(np.int64)[kept]
    # every customer has at least one order: the first on the join day
    cust = np.concatenate([np.arange(n), cust])
    order_day = np.concatenate([join, order_day])
    n_orders = len(cust)

    lines = rng.integers(1, 5, n_orders)
    line_order = np.repeat(np.arange(n_orders), lines)
    quantity = rng.integers(1, 4, len(line_order))
    amount = np.round(rng.lognormal(3.4, 0.8, len(line_order)) * basket[cust[line_order]] * quantity, 2)

    returned = rng.random(len(line_order)) < 0.02
    ret_lines = np.flatnonzero(returned)
    ret_day = order_day[line_order[ret_lines]] + rng.integers(3, 31, len(ret_lines))
    ok = ret_day < days
    ret_lines, ret_day = ret_lines[ok], ret_day[ok]

    tx = pd.DataFrame({
        "customer_id": np.concatenate([cust[line_order], cust[line_order[ret_lines]]]),
        "day": np.concatenate([order_day[line_order], ret_day]),
        "order_key": np.concatenate([line_order, n_orders + np.arange(len(ret_lines))]),
        "amount": np.concatenate([amount, -amount[ret_lines]]),
        "quantity": np.concatenate([quantity, -quantity[ret_lines]]),
    })
    tx = tx.sort_values(["day", "order_key"], kind="stable").reset_index(drop=True)
    # order ids numbered in date order, so they read naturally
    tx["order_id"] = pd.factorize(tx["order_key"])[0] + 100001
    base = np.datetime64(pd.Timestamp(start).date(), "D")
    tx["order_date"] = pd.to_datetime(base + tx["day"].to_numpy().astype("timedelta64[D]"))
    width = len(str(n))
    tx["customer_id"] = "C" + tx["customer_id"].add(1).astype(str).str.zfill(width)
    customers = pd.DataFrame({
        "customer_id": "C" + pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(width),
        "join_date": pd.to_datetime(base + join.astype("timedelta64[D]")),
    })
    transactions = tx[["order_id", "customer_id", "order_date", "amount", "quantity"]]
    return {"customers": customers, "transactions": transactions}
