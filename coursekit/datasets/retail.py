"""A retailer's customers, transactions and promotion campaign — synthetic, seeded, nothing personal.

:func:`make_retail` makes the data of the course's retailer case (module 5) with the features the
lessons need to show: a heavy-tailed spend distribution (the top 20% of customers hold most of the
revenue), seasonality, new customers arriving over time, customers whose buying fades (so the
churning and potential tiers exist), multi-line orders, about 2% returns as negative rows, and a
promotion campaign with a randomised control group, so its uplift can be measured.

Generation (every draw comes from one ``numpy.random.default_rng(seed)``, in a fixed order):

- **Joining**: a quarter of the customers are existing customers, whose first order of the period
  falls on a uniform day of its first 90 days; the others join on a uniform day of the period (up to
  two weeks before its end). Each customer buys on their first day.
- **Purchase rate**: orders per year ~ lognormal(log-mean 1.0, log-sd 1.0), capped at 60 — most
  customers buy a few times a year, a few buy weekly.
- **Fading**: 35% of customers fade: their rate halves every ``h`` days, ``h`` ~ uniform(60, 360).
- **Seasonality**: the rate is multiplied by a monthly factor — January 1.0, February 0.7 (Spring
  Festival), March–May 0.9, June 1.1 (mid-year sale), July–August 0.9, September–October 1.0,
  November 1.5 (Double 11), December 1.3.
- **Orders** are a Poisson process at that rate from the join day to the end (drawn by thinning).
  Each order has 1–4 lines; a line's category is one of apparel, beauty, home, food, electronics
  (weights .30/.20/.20/.20/.10, each with its own price level); amount = lognormal(log-mean 3.4,
  log-sd 0.8) × category price level × the customer's basket factor lognormal(0, 0.5) × quantity
  (1–3), rounded to cents.
- **Channel**: each customer prefers store, online or app (.45/.35/.20); 80% of their orders use it,
  the rest one of the others at random.
- **Returns**: 2% of lines are returned: a negative line of the same amount and quantity, in a new
  order 3–30 days later (dropped if that falls after the period).
- **Campaign** (the "exclusive discount" of seed 000's retailer case): on day ``0.7 × days`` the
  customers who bought in the previous 180 days are eligible; each is put at random (Bernoulli 0.5)
  in the treatment group (sent the offer) or the control group (not contacted). For 60 days after
  the send date the treatment group's purchase rate is multiplied by ``1 + campaign_effect``
  (default 0.15: the "+15% sales" the seed claims). The control group is untouched. So the true
  uplift is known, and an estimate from the data can be checked against it.

Same seed and size → identical frames, byte for byte.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coursekit._errors import DataError
from coursekit.datasets._params import calendar_day, whole

__all__ = ["make_retail"]

SEASON = np.array([1.0, 0.7, 0.9, 0.9, 0.9, 1.1, 0.9, 0.9, 1.0, 1.0, 1.5, 1.3])  # Jan..Dec
CATEGORIES = np.array(["apparel", "beauty", "home", "food", "electronics"])
CATEGORY_WEIGHTS = np.array([0.30, 0.20, 0.20, 0.20, 0.10])
CATEGORY_PRICE = np.array([1.2, 0.9, 1.0, 0.5, 2.5])
CHANNELS = np.array(["store", "online", "app"])
CHANNEL_WEIGHTS = np.array([0.45, 0.35, 0.20])
CAMPAIGN_WINDOW = 60       # days the offer works for
CAMPAIGN_LOOKBACK = 180    # bought within this many days before the send date = eligible


def make_retail(n_customers: int = 2000, seed: int = 42, *, start: str = "2023-01-01",
                days: int = 730, campaign_effect: float = 0.15) -> dict[str, pd.DataFrame]:
    """A retailer's customers, transactions and campaign (distributions: see the module docstring).

    Parameters
    ----------
    n_customers : int, default 2000
    seed : int, default 42
    start : date string, default "2023-01-01"
        First day of the period.
    days : int, default 730
        Length of the period in days (at least 240, so that the campaign has a history and a
        follow-up window).
    campaign_effect : float, default 0.15
        True relative increase of the treatment group's purchase rate during the 60 days after the
        campaign (0.15 = +15%; 0 = an offer that does nothing; must be > -1).

    Returns
    -------
    dict of DataFrames

    - ``"customers"``: ``customer_id`` (str, "C0001"…), ``join_date`` (date),
      ``preferred_channel`` (store / online / app);
    - ``"transactions"``: one row per order line, sorted by date and order —
      ``order_id`` (int, in date order), ``line_no`` (1, 2, … within the order), ``customer_id``, ``order_date`` (date), ``amount``
      (yuan, 2 decimals; negative = return), ``quantity`` (items; negative = returned),
      ``channel``, ``category``;
    - ``"campaign"``: one row per eligible customer — ``customer_id``, ``campaign_id``,
      ``send_date`` (date), ``group`` (treatment / control).

    Raises
    ------
    DataError
        For a size below 2, a period shorter than 240 days, an unreadable start date, or an
        effect of -1 or less.

    Examples
    --------
    >>> data = make_retail(200, seed=1)
    >>> sorted(data)
    ['campaign', 'customers', 'transactions']
    >>> list(data["transactions"].columns)
    ['order_id', 'line_no', 'customer_id', 'order_date', 'amount', 'quantity', 'channel', 'category']
    >>> data["campaign"]["group"].value_counts().sort_index().index.tolist()
    ['control', 'treatment']
    """
    n = whole(n_customers, "n_customers", 2)
    seed = whole(seed, "seed", 0)
    days = whole(days, "days", 240)
    if isinstance(campaign_effect, bool) or not isinstance(campaign_effect, (int, float)) or campaign_effect <= -1:
        raise DataError(f"campaign_effect must be a number > -1 (0.15 = +15%), got {campaign_effect!r}")
    base = calendar_day(start, "start")

    rng = np.random.default_rng(seed)
    # existing customers (a quarter) make their first order of the period in its first 90 days
    join = np.where(rng.random(n) < 0.25, rng.integers(0, 90, n), rng.integers(0, days - 14, n))
    rate = np.minimum(rng.lognormal(1.0, 1.0, n), 60.0) / 365.0  # orders per day
    fades = rng.random(n) < 0.35
    half_life = rng.uniform(60, 360, n)
    basket = rng.lognormal(0.0, 0.5, n)
    channel_pref = rng.choice(len(CHANNELS), n, p=CHANNEL_WEIGHTS)

    send_day = int(0.7 * days)
    month_of_day = (base + np.arange(days).astype("timedelta64[D]")).astype("datetime64[M]")
    season_of_day = SEASON[(month_of_day.astype(np.int64) % 12)]

    # Poisson process by thinning: candidates at the peak rate, kept with prob. rate(t) / peak
    peak = SEASON.max() * (1.0 + max(campaign_effect, 0.0))
    span = days - join
    counts = rng.poisson(rate * span * peak)
    cust = np.repeat(np.arange(n), counts)
    day = join[cust] + (rng.random(len(cust)) * span[cust]).astype(np.int64)
    elapsed = day - join[cust]
    intensity = season_of_day[day] * np.where(fades[cust], 0.5 ** (elapsed / half_life[cust]), 1.0)
    keep_draw = rng.random(len(cust))

    # the campaign: eligible = bought within the lookback before the send date (join day included)
    first_pass = keep_draw < intensity / peak
    recent = np.zeros(n, dtype=bool)
    window = first_pass & (day < send_day) & (day >= send_day - CAMPAIGN_LOOKBACK)
    recent[cust[window]] = True
    recent |= (join < send_day) & (join >= send_day - CAMPAIGN_LOOKBACK)
    treated = recent & (rng.random(n) < 0.5)
    boost = np.where(treated[cust] & (day >= send_day) & (day < send_day + CAMPAIGN_WINDOW),
                     1.0 + campaign_effect, 1.0)
    kept = keep_draw < intensity * boost / peak
    cust, order_day = cust[kept], day[kept]
    cust = np.concatenate([np.arange(n), cust])           # the first order, on the join day
    order_day = np.concatenate([join, order_day])
    n_orders = len(cust)
    other = (channel_pref[cust] + rng.integers(1, len(CHANNELS), n_orders)) % len(CHANNELS)
    order_channel = np.where(rng.random(n_orders) < 0.8, channel_pref[cust], other)

    lines = rng.integers(1, 5, n_orders)
    line_order = np.repeat(np.arange(n_orders), lines)
    n_lines = len(line_order)
    category = rng.choice(len(CATEGORIES), n_lines, p=CATEGORY_WEIGHTS)
    quantity = rng.integers(1, 4, n_lines)
    amount = np.round(rng.lognormal(3.4, 0.8, n_lines) * CATEGORY_PRICE[category]
                      * basket[cust[line_order]] * quantity, 2)

    returned = rng.random(n_lines) < 0.02
    ret_lines = np.flatnonzero(returned)
    ret_day = order_day[line_order[ret_lines]] + rng.integers(3, 31, len(ret_lines))
    ok = ret_day < days
    ret_lines, ret_day = ret_lines[ok], ret_day[ok]
    src = np.concatenate([np.arange(n_lines), ret_lines])

    tx = pd.DataFrame({
        "customer_id": cust[line_order][src],
        "day": np.concatenate([order_day[line_order], ret_day]),
        "order_key": np.concatenate([line_order, n_orders + np.arange(len(ret_lines))]),
        "amount": np.concatenate([amount, -amount[ret_lines]]),
        "quantity": np.concatenate([quantity, -quantity[ret_lines]]),
        "channel": CHANNELS[order_channel[line_order][src]],
        "category": CATEGORIES[category[src]],
    })
    tx = tx.sort_values(["day", "order_key"], kind="stable").reset_index(drop=True)
    tx["order_id"] = pd.factorize(tx["order_key"])[0] + 100001  # numbered in date order
    tx["line_no"] = tx.groupby("order_id").cumcount() + 1
    tx["order_date"] = pd.to_datetime(base + tx["day"].to_numpy().astype("timedelta64[D]"))
    width = len(str(n))
    ids = np.array([f"C{i:0{width}d}" for i in range(1, n + 1)], dtype=object)
    tx["customer_id"] = ids[tx["customer_id"].to_numpy()]

    customers = pd.DataFrame({
        "customer_id": ids,
        "join_date": pd.to_datetime(base + join.astype("timedelta64[D]")),
        "preferred_channel": CHANNELS[channel_pref],
    })
    eligible = np.flatnonzero(recent)
    send_date = pd.Timestamp(base + np.timedelta64(send_day, "D"))
    campaign = pd.DataFrame({
        "customer_id": ids[eligible],
        "campaign_id": f"PROMO-{send_date:%Y%m}",
        "send_date": send_date,
        "group": np.where(treated[eligible], "treatment", "control"),
    })
    columns = ["order_id", "line_no", "customer_id", "order_date", "amount", "quantity", "channel",
               "category"]
    return {"customers": customers, "transactions": tx[columns], "campaign": campaign}
