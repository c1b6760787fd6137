"""A B2B sales organisation's accounts, orders, pipeline and contacts — synthetic, seeded, nothing personal.

:func:`make_b2b` makes the data of the course's B2B case (module 6) for one of two companies:

- ``company="distributor"`` — seed 001's distributor ("世纪米洛"): a steady business in which a few
  big accounts dominate; the workshop classifies its customers, sets ownership (客户归属) and contact
  frequency (沟通频次) per class and builds a monthly sales plan (月度销售计划).
- ``company="manufacturer"`` — seed 004's manufacturer: sales fall year on year (the last 12 months
  are 10–25% below the previous 12), many prospects were never classified and sit in early pipeline
  stages for a long time, and a share of accounts belongs to sales reps who have left, so their
  records left with them (the case for one shared customer register).

Nothing in the data is personal: accounts are "A0001"…, sales reps are "R01"…"R12", industries and
regions are generic category names. Money is in yuan (元), rounded to cents; dates are calendar dates.

The period
    The three years ending on ``end`` (inclusive): ``end - 3 years + 1 day`` … ``end``. "The last
    12 months" below means the 365 days up to and including ``end``, i.e. ``order_date > end - 365
    days``; "the previous 12 months" the 365 days before those.

Generation (every draw comes from one ``numpy.random.default_rng(seed)``, in a fixed order; where
the companies differ, numbers are written distributor / manufacturer, e.g. "(.10 / .40)"):

- **Accounts**: industry one of manufacturing, construction, retail_trade, healthcare, hospitality,
  logistics (weights .25/.15/.20/.12/.13/.15); region one of north, east, south, central, west
  (.20/.30/.25/.15/.10); size band by employees — small (< 50), medium (50–249), large (≥ 250)
  (.55/.33/.12).
- **Account scale**: a latent log-scale ``z = shift(size band) + Normal(0, 1.0)``, shift −0.7 / 0 /
  +1.0 for small / medium / large, lowered by 0.5 for accounts that start buying during the period
  (new accounts are smaller) and capped at 3.0. It drives order rate, order size, deal size and
  contact rate, which is what makes revenue heavy-tailed (the top 20% of buying accounts hold
  about 70–85% of it).
- **Prospects** (never bought): a share (.10 / .40) of the accounts. The others buy.
- **Start**: a share (.75 / .90) of the buying accounts were already customers before the period
  (their ``first_order_date`` is 30 days to 10 years before it); the others place their first order
  on a uniform day of the period (up to 60 days before ``end``) — that day is ``first_order_date``.
- **Churn**: a buying account churns with probability .20 × 1.5 / 0.6 / 0.15 for small / medium /
  large accounts (big accounts are stickier); it stops ordering on a uniform day from 120 days
  after its start to ``end``, its order rate fading linearly to zero over the 90–360 days (uniform)
  before that day. Those that stopped more than 12 months before ``end`` are the "lost" accounts;
  the others are still "customer" — the ones to catch with an early warning.
- **Orders**: per account and calendar month the expected count is
  ``rate × days active in the month / 365 × season(month) × trend × fade``, where
  rate (orders per year) = ``clip(rate0 × exp(0.7 z), 2, 52)`` with rate0 = 6 / 5;
  season (Jan…Dec) = 1.00, 0.60 (Spring Festival), 0.95, 1.00, 1.00, 1.05, 0.95, 0.70 (summer
  slowdown), 1.05, 1.15, 1.25, 1.30 (year-end push): February and August weak, Q4 strong;
  trend = ``g ** (years before end)`` with yearly factor g = 1.00 / 0.85 (the manufacturer's
  decline). B2B accounts buy regularly, so the count is that expectation rounded up or down at
  random (``floor(expected + uniform(0, 1))``: the right mean, less scatter than Poisson). Each order
  falls on a uniform day of the account's active days in the month. A buying account that draws no
  order at all gets one on a uniform day of its active span, and a new account always orders on its
  first day. amount (yuan) = ``size0 × exp(0.6 z) × lognormal(−0.08, 0.4)`` (the last factor has
  mean 1), size0 = 6,000 / 8,000, rounded to cents; product_line one of consumables, standard,
  premium, equipment, service (.35/.30/.12/.08/.15), independent of the amount.
- **Status** is read off the orders, the way a trainer would define it: "customer" = ordered in the
  last 12 months, "lost" = ordered in the period but not in the last 12 months (churned accounts,
  plus the odd rare buyer), "prospect" = never ordered.
- **Owner**: each account is owned by one of 12 reps R01…R12 (uniform). A share (0 / .20) of the
  accounts' owner has left the company on a uniform day 60–540 days before ``end``: their ``owner``
  is the marker ``"(left)"`` (:data:`DEPARTED`) in every table — the distributor reassigns accounts
  when a rep leaves, the manufacturer does not.
- **Pipeline**: every prospect has one opportunity, created 1–270 days before ``end`` (distributor)
  or 365 days to 3 years before ``end`` (manufacturer: stuck for a long time), at stage
  lead/qualified/proposal/negotiation/lost with weights .30/.25/.20/.10/.15 (distributor) or
  .45/.27/.06/.02/.20 (manufacturer) — a prospect is never "won". Each current customer has
  Poisson(0.6 / 0.4) upsell opportunities created in the last 365 days, at stage
  lead/qualified/proposal/negotiation/won/lost with weights .10/.15/.20/.15/.25/.15 (distributor) or
  .20/.25/.15/.05/.15/.20 (manufacturer). ``probability`` follows the stage: lead 0.10, qualified
  0.25, proposal 0.50, negotiation 0.75, won 1.00, lost 0.00. estimated_value (yuan) = the account's
  expected yearly business ``rate × mean amount`` × uniform(0.1, 0.5), rounded to 100 yuan.
- **Contacts**: a Poisson process per account at ``clip(c0 × exp(0.5 z + Normal(0, sd)), 0.5, 48)``
  contacts per year, c0 = 6 / 4 and sd = 0.6 / 0.9 (bigger accounts are contacted more often, but
  imperfectly; the manufacturer's contact is more haphazard). Prospects: ``2 × lognormal(0, 0.5)``
  per year from the creation of their opportunity. Buying accounts are contacted from 60 days before
  their start (new accounts) or the start of the period, until ``end`` or 60 days after they churned.
  Contact stops early when the owner has left (nothing is logged after the departure day), and
  for a neglected share (.10 / .15) of accounts, whatever their size, from a day 91–399 days before
  ``end`` — so some big accounts have had no contact for the last 90 days (a teaching point).
  Channel by size band — small: visit/phone/wechat/email/event .10/.40/.40/.07/.03; medium
  .25/.30/.35/.05/.05; large .45/.20/.25/.03/.07. Outcome — prospect:
  no_interest/follow_up/quote/order .35/.50/.15/0; buying account .10/.45/.25/.20. The outcome is
  the rep's note; it is not linked to the orders table.

Same seed, size, company and end → identical frames, byte for byte.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coursekit._errors import DataError
from coursekit.datasets._params import calendar_day, whole

__all__ = ["DEPARTED", "STAGE_PROBABILITY", "STAGES", "make_b2b"]

COMPANIES = ("distributor", "manufacturer")
DEPARTED = "(left)"  #: the ``owner`` of an account whose sales rep has left the company
REPS = np.array([f"R{i:02d}" for i in range(1, 13)] + [DEPARTED], dtype=object)
INDUSTRIES = np.array(["manufacturing", "construction", "retail_trade", "healthcare", "hospitality",
                       "logistics"], dtype=object)
INDUSTRY_WEIGHTS = np.array([0.25, 0.15, 0.20, 0.12, 0.13, 0.15])
REGIONS = np.array(["north", "east", "south", "central", "west"], dtype=object)
REGION_WEIGHTS = np.array([0.20, 0.30, 0.25, 0.15, 0.10])
SIZE_BANDS = ("small", "medium", "large")  # < 50, 50-249, >= 250 employees
SIZE_WEIGHTS = np.array([0.55, 0.33, 0.12])
SIZE_SHIFT = np.array([-0.7, 0.0, 1.0])
CHURN_BY_SIZE = np.array([1.5, 0.6, 0.15])  # big accounts churn less
VALUE_SD = 1.0
NEW_SHIFT = 0.5   # accounts that start buying during the period are smaller
Z_MAX = 3.0       # caps the biggest account
RATE_SLOPE, SIZE_SLOPE, AMOUNT_SD = 0.7, 0.6, 0.4
SEASON = np.array([1.00, 0.60, 0.95, 1.00, 1.00, 1.05, 0.95, 0.70, 1.05, 1.15, 1.25, 1.30])  # Jan..Dec
PRODUCT_LINES = np.array(["consumables", "standard", "premium", "equipment", "service"], dtype=object)
PRODUCT_WEIGHTS = np.array([0.35, 0.30, 0.12, 0.08, 0.15])
STAGES = ("lead", "qualified", "proposal", "negotiation", "won", "lost")
STAGE_PROBABILITY = {"lead": 0.10, "qualified": 0.25, "proposal": 0.50, "negotiation": 0.75,
                     "won": 1.00, "lost": 0.00}
CHANNELS = np.array(["visit", "phone", "wechat", "email", "event"], dtype=object)
CHANNEL_WEIGHTS = np.array([[0.10, 0.40, 0.40, 0.07, 0.03],    # small
                            [0.25, 0.30, 0.35, 0.05, 0.05],    # medium
                            [0.45, 0.20, 0.25, 0.03, 0.07]])   # large
OUTCOMES = np.array(["no_interest", "follow_up", "quote", "order"], dtype=object)
OUTCOME_WEIGHTS = np.array([[0.35, 0.50, 0.15, 0.00],          # prospect
                            [0.10, 0.45, 0.25, 0.20]])         # buying account

PROFILES = {
    "distributor": dict(
        prospect_share=0.10, existing_share=0.75, churn_share=0.20, rate0=6.0, size0=6000.0,
        trend=1.00, departed_share=0.0, contact0=6.0, contact_sd=0.6, neglect_share=0.10,
        prospect_age=(1, 270), upsell_rate=0.6,
        prospect_stages=[0.30, 0.25, 0.20, 0.10, 0.00, 0.15],
        customer_stages=[0.10, 0.15, 0.20, 0.15, 0.25, 0.15]),
    "manufacturer": dict(
        prospect_share=0.40, existing_share=0.90, churn_share=0.20, rate0=5.0, size0=8000.0,
        trend=0.85, departed_share=0.20, contact0=4.0, contact_sd=0.9, neglect_share=0.15,
        prospect_age=(365, None), upsell_rate=0.4,
        prospect_stages=[0.45, 0.27, 0.06, 0.02, 0.00, 0.20],
        customer_stages=[0.20, 0.25, 0.15, 0.05, 0.15, 0.20]),
}


def _pick(rng: np.random.Generator, weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One category index per row, row ``i`` drawn with the probabilities ``weights[rows[i]]``."""
    cumulative = np.cumsum(weights, axis=1)[rows]
    draw = rng.random(len(rows))[:, None]
    return np.minimum((draw >= cumulative).sum(axis=1), weights.shape[1] - 1)


def _ids(prefix: str, count: int, width: int) -> np.ndarray:
    width = max(width, len(str(count)))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, count + 1)], dtype=object)


def _dates(base: np.datetime64, day: np.ndarray) -> pd.Series:
    return pd.Series(pd.to_datetime(base + np.asarray(day, dtype=np.int64).astype("timedelta64[D]")))


def make_b2b(n_accounts: int = 400, seed: int = 42, *, company: str = "distributor",
             end: str = "2024-12-31") -> dict[str, pd.DataFrame]:
    """A B2B company's accounts, orders, pipeline and contact log (distributions: see the module docstring).

    Parameters
    ----------
    n_accounts : int, default 400
        Number of accounts (customers, lost customers and prospects together), at least 10.
    seed : int, default 42
        Seed of the random generator (a whole number >= 0).
    company : {"distributor", "manufacturer"}, default "distributor"
        "distributor": seed 001's steady distributor, a few big accounts dominate.
        "manufacturer": seed 004's manufacturer — sales 10–25% down on the year, many prospects
        stuck in early stages, 20% of accounts owned by a rep who has left (``owner == "(left)"``).
    end : date string, default "2024-12-31"
        Last day of the three-year period (inclusive); use it (or the day after) as ``as_of``.

    Returns
    -------
    dict of DataFrames

    - ``"accounts"``, one row per account: ``account_id`` (str, "A0001"…), ``industry``, ``region``
      (str categories), ``size_band`` (ordered categorical small < medium < large, by employees:
      < 50, 50–249, ≥ 250), ``owner`` (str, "R01"…"R12", or "(left)" for a rep who has left),
      ``first_order_date`` (date of the account's first order ever, possibly before the period; NaT
      for prospects), ``status`` ("customer": ordered in the last 12 months; "lost": ordered in the
      period but not in the last 12 months; "prospect": never ordered);
    - ``"orders"``, one row per order, sorted by date: ``order_id`` (str, "O000001"…, in date
      order), ``account_id``, ``order_date`` (date), ``amount`` (yuan, 2 decimals, > 0),
      ``product_line`` (str) — pass ``customer_col="account_id", order_col="order_id"`` to
      :func:`coursekit.rfm_table`;
    - ``"pipeline"``, one row per sales opportunity, sorted by creation date: ``opportunity_id``
      (str, "OP00001"…), ``account_id``, ``stage`` (ordered categorical lead < qualified < proposal
      < negotiation < won < lost), ``estimated_value`` (yuan, rounded to 100), ``probability``
      (win probability of the stage, 0–1), ``created_date`` (date), ``owner`` (as in accounts);
    - ``"contacts"``, the contact log, one row per contact, sorted by date: ``contact_id`` (str,
      "CT000001"…), ``account_id``, ``contact_date`` (date), ``owner`` (the account's owner; "(left)"
      for contacts logged by a rep who has since left), ``channel`` (visit / phone / wechat / email /
      event), ``outcome`` (no_interest / follow_up / quote / order).

    Raises
    ------
    DataError
        For ``n_accounts`` below 10 or not a whole number, a negative or non-integer ``seed``, a
        ``company`` other than "distributor" or "manufacturer", or an ``end`` that is not a calendar
        date.

    Examples
    --------
    >>> data = make_b2b(60, seed=1, company="manufacturer")
    >>> sorted(data)
    ['accounts', 'contacts', 'orders', 'pipeline']
    >>> list(data["orders"].columns)
    ['order_id', 'account_id', 'order_date', 'amount', 'product_line']
    >>> data["accounts"]["status"].value_counts().sort_index().index.tolist()
    ['customer', 'lost', 'prospect']
    >>> bool(data["orders"]["account_id"].isin(data["accounts"]["account_id"]).all())
    True
    """
    n = whole(n_accounts, "n_accounts", 10)
    seed = whole(seed, "seed", 0)
    if not isinstance(company, str) or company not in COMPANIES:
        raise DataError(f"company must be one of {list(COMPANIES)}, got {company!r}")
    last = calendar_day(end, "end")
    p = PROFILES[company]
    rng = np.random.default_rng(seed)

    # ---- the calendar: day 0 = first day of the period, day `days - 1` = end
    first = np.datetime64((pd.Timestamp(last) - pd.DateOffset(years=3) + pd.Timedelta(days=1)).date(), "D")
    days = int((last - first).astype(np.int64)) + 1
    month_of_day = (first + np.arange(days).astype("timedelta64[D]")).astype("datetime64[M]")
    seg_month, seg_lo = np.unique(month_of_day, return_index=True)
    seg_hi = np.append(seg_lo[1:], days)
    season = SEASON[seg_month.astype(np.int64) % 12]
    recent = days - 365                       # first day of "the last 12 months"

    # ---- accounts
    industry = rng.choice(len(INDUSTRIES), n, p=INDUSTRY_WEIGHTS)
    region = rng.choice(len(REGIONS), n, p=REGION_WEIGHTS)
    size = rng.choice(len(SIZE_BANDS), n, p=SIZE_WEIGHTS)
    z = SIZE_SHIFT[size] + rng.normal(0.0, VALUE_SD, n)
    prospect = rng.random(n) < p["prospect_share"]
    existing = rng.random(n) < p["existing_share"]
    z = np.minimum(np.where(existing | prospect, z, z - NEW_SHIFT), Z_MAX)
    start = np.where(existing, 0, rng.integers(0, days - 60, n))
    before = rng.integers(30, 3651, n)        # an existing account's first order: days before day 0
    earliest_stop = start + 120
    churn = ~prospect & (rng.random(n) < p["churn_share"] * CHURN_BY_SIZE[size]) & (earliest_stop < days)
    stop = np.where(churn, earliest_stop + (rng.random(n) * (days - earliest_stop)).astype(np.int64), days)
    fade_from = stop - rng.uniform(90, 360, n)
    rate = np.clip(p["rate0"] * np.exp(RATE_SLOPE * z), 2.0, 52.0)               # orders per year
    order_mean = p["size0"] * np.exp(SIZE_SLOPE * z)                              # yuan
    rep = rng.integers(0, 12, n)
    departed = rng.random(n) < p["departed_share"]
    departure = rng.integers(days - 540, days - 59, n)
    owner = np.where(departed, len(REPS) - 1, rep)

    # ---- orders: a regular count per account and calendar month, on uniform days of the month
    lo = np.maximum(start[:, None], seg_lo[None, :])
    hi = np.minimum(stop[:, None], seg_hi[None, :])
    span = np.where(prospect[:, None], 0, np.clip(hi - lo, 0, None))
    mid = (lo + hi) / 2.0
    fade_left = (stop[:, None] - mid) / (stop - fade_from)[:, None]   # > 1 before the fade starts
    fade = np.where(churn[:, None], np.clip(fade_left, 0.0, 1.0), 1.0)
    trend = p["trend"] ** ((mid - (days - 1)) / 365.0)
    lam = rate[:, None] / 365.0 * span * season[None, :] * trend * fade
    counts = np.floor(lam + rng.random(lam.shape)).astype(np.int64).ravel()   # regular buying
    cell = np.repeat(np.arange(counts.size), counts)
    acc = cell // len(seg_lo)
    day = lo.ravel()[cell] + (rng.random(cell.size) * span.ravel()[cell]).astype(np.int64)
    # a new account orders on its first day; a buying account with no order gets one in its span
    drawn = np.bincount(acc, minlength=n)
    any_day = start + (rng.random(n) * (stop - start)).astype(np.int64)
    new_first = ~prospect & ~existing
    fill = ~prospect & existing & (drawn == 0)
    acc = np.concatenate([acc, np.flatnonzero(new_first), np.flatnonzero(fill)])
    day = np.concatenate([day, start[new_first], any_day[fill]])
    amount = np.round(order_mean[acc] * rng.lognormal(-AMOUNT_SD ** 2 / 2, AMOUNT_SD, acc.size), 2)
    line = rng.choice(len(PRODUCT_LINES), acc.size, p=PRODUCT_WEIGHTS)
    order = np.lexsort((acc, day))
    acc, day, amount, line = acc[order], day[order], amount[order], line[order]

    buyer = np.bincount(acc, minlength=n) > 0
    last_day = np.full(n, -1)
    np.maximum.at(last_day, acc, day)
    status = np.where(~buyer, "prospect", np.where(last_day >= recent, "customer", "lost")).astype(object)
    current = status == "customer"

    # ---- pipeline: one opportunity per prospect, Poisson upsell opportunities per current customer
    age_lo, age_hi = p["prospect_age"]
    age_hi = days - 1 if age_hi is None else age_hi
    prospect_created = days - 1 - rng.integers(age_lo, age_hi + 1, n)   # days before end
    upsell = np.where(current, rng.poisson(p["upsell_rate"], n), 0)
    opp_acc = np.concatenate([np.flatnonzero(~buyer), np.repeat(np.arange(n), upsell)])
    n_prospect_opps = int((~buyer).sum())
    opp_created = np.concatenate([prospect_created[~buyer], rng.integers(recent, days, int(upsell.sum()))])
    stage_weights = np.array([p["prospect_stages"], p["customer_stages"]])
    opp_kind = (np.arange(opp_acc.size) >= n_prospect_opps).astype(np.int64)
    stage = _pick(rng, stage_weights, opp_kind)
    value = np.round(rate[opp_acc] * order_mean[opp_acc] * rng.uniform(0.1, 0.5, opp_acc.size), -2)
    order_p = np.lexsort((opp_acc, opp_created))
    opp_acc, opp_created = opp_acc[order_p], opp_created[order_p]
    stage, value = stage[order_p], value[order_p]

    # ---- contacts: a Poisson process per account over its contact span, uniform days
    contact_rate = np.where(
        buyer,
        np.clip(p["contact0"] * np.exp(0.5 * z + rng.normal(0.0, p["contact_sd"], n)), 0.5, 48.0),
        np.clip(2.0 * rng.lognormal(0.0, 0.5, n), 0.5, 48.0))
    neglected = rng.random(n) < p["neglect_share"]
    neglect_from = days - rng.integers(91, 400, n)
    c_lo = np.where(buyer, np.maximum(start - 60, 0), np.maximum(prospect_created, 0))
    c_hi = np.where(churn, np.minimum(stop + 60, days), days)
    c_hi = np.where(neglected, np.minimum(c_hi, neglect_from), c_hi)
    c_hi = np.where(departed, np.minimum(c_hi, departure), c_hi)
    c_span = np.clip(c_hi - c_lo, 0, None)
    c_count = rng.poisson(contact_rate / 365.0 * c_span)
    c_acc = np.repeat(np.arange(n), c_count)
    c_day = c_lo[c_acc] + (rng.random(c_acc.size) * c_span[c_acc]).astype(np.int64)
    channel = _pick(rng, CHANNEL_WEIGHTS, size[c_acc])
    outcome = _pick(rng, OUTCOME_WEIGHTS, buyer[c_acc].astype(np.int64))
    order_c = np.lexsort((c_acc, c_day))
    c_acc, c_day, channel, outcome = c_acc[order_c], c_day[order_c], channel[order_c], outcome[order_c]

    # ---- frames
    account_ids = _ids("A", n, 4)
    first_order = np.where(existing, -before, start).astype(np.int64)
    first_order_date = _dates(first, first_order).where(buyer)
    accounts = pd.DataFrame({
        "account_id": account_ids,
        "industry": INDUSTRIES[industry],
        "region": REGIONS[region],
        "size_band": pd.Categorical.from_codes(size, categories=list(SIZE_BANDS), ordered=True),
        "owner": REPS[owner],
        "first_order_date": first_order_date,
        "status": status,
    })
    orders = pd.DataFrame({
        "order_id": _ids("O", acc.size, 6),
        "account_id": account_ids[acc],
        "order_date": _dates(first, day),
        "amount": amount,
        "product_line": PRODUCT_LINES[line],
    })
    stage_probability = np.array([STAGE_PROBABILITY[s] for s in STAGES])
    pipeline = pd.DataFrame({
        "opportunity_id": _ids("OP", opp_acc.size, 5),
        "account_id": account_ids[opp_acc],
        "stage": pd.Categorical.from_codes(stage, categories=list(STAGES), ordered=True),
        "estimated_value": value,
        "probability": stage_probability[stage],
        "created_date": _dates(first, opp_created),
        "owner": REPS[owner[opp_acc]],
    })
    contacts = pd.DataFrame({
        "contact_id": _ids("CT", c_acc.size, 6),
        "account_id": account_ids[c_acc],
        "contact_date": _dates(first, c_day),
        "owner": REPS[owner[c_acc]],
        "channel": CHANNELS[channel],
        "outcome": OUTCOMES[outcome],
    })
    return {"accounts": accounts, "orders": orders, "pipeline": pipeline, "contacts": contacts}
