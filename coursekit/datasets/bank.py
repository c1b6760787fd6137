"""Synthetic retail-bank data (银行案例): customers and monthly product snapshots, nothing personal.

:func:`make_bank` makes what module 4 needs: AUM tiers (资产规模分层), Chase-style contribution
tiers (profit, including loss-making customers to "clear out"), HSBC-style loyalty × value classes
(tenure, products, activity × AUM, profit; inactive and growing customers included), counter vs
digital channel use (离柜率) and a branch care plan (客户关怀计划, seed 003) that was assigned at
random, so its effect on satisfaction can be estimated with a confidence interval.

Datasheet (all draws from one ``numpy.random.default_rng(seed)``; "lognormal(m, s)" means
``exp(Normal(m, s))``; money in yuan; "t" is the month index 0 … months−1):

Customers
    - ``age_band``: "18-29", "30-44", "45-59", "60+" with probabilities 0.18, 0.30, 0.28, 0.24.
    - ``region``: "North", "East", "South", "West", "Central" with probabilities 0.20, 0.30, 0.20,
      0.15, 0.15.
    - ``open_date``: the first month-end minus a uniform tenure of 0.1 to 15 years (0.1 to 8 years
      for the 18-29 band), to the day: every account is open before the first month.
    - A hidden behaviour type (not a column, so the answer is not leaked): 5% near-empty accounts
      (AUM log-uniform between 5 and 300 yuan, all of it deposits, few transactions); 2% dormant
      (5–50 yuan, constant, no transactions ever: inactive, HSBC class E); 2.5% closing (they run
      down like attriting customers, then close in a uniform month after the first: balances,
      loans, card spend and transactions 0 and ``products`` 1 from then on); 4.5% attriting (log
      AUM drifts by uniform(−0.25, −0.05) a month, so most lose more than half in a year, and
      their transactions and card spend fade with it); 8% growing (drift uniform(+0.02, +0.08) a
      month: potential customers); the other 78% stable (drift Normal(0, 0.005)).

Monthly balances (one row per customer × month-end; ``months`` months, the last one the month of
``end``)
    - Latent wealth ``z ~ Normal(0, 1)``. First-month deposits of a customer are
      lognormal(11.1 + age offset + region offset + 0.03 × (tenure in years − 7.5), 1.35), age
      offsets −0.6, −0.1, +0.2, +0.3 (18-29 … 60+), region offsets 0, +0.25, +0.1, −0.2, −0.1
      (North … Central).
    - Wealth products (理财): held with probability 0.9 × logistic((log deposits − log 100,000) /
      0.8); a holder keeps a fixed share of AUM in them, Beta-distributed (concentration 8) with
      mean 0.05 + 0.75 × logistic((log deposits − log 300,000) / 0.7), capped at 0.85: the richer,
      the more of their assets sit outside deposits, so AUM is more concentrated than deposits.
      First-month AUM = deposits / (1 − share).
    - Month to month: log AUM(t) = log AUM(0) + drift × t + w(t), where w is an AR(1) wobble (w(0) =
      0, w(t) = 0.9 w(t−1) + Normal(0, 0.06)): balances move smoothly, not independently.
      ``wealth = aum × share`` and ``deposits = aum − wealth``, each rounded to 2 decimals, and
      ``aum`` = rounded deposits + rounded wealth.
    - Loans: held with probability 0.15, 0.40, 0.35, 0.10 by age band (not by near-empty or
      dormant accounts); principal lognormal(log 250,000 + 0.3 z, 0.9), amortising by
      uniform(0.3%, 1.5%) a month.
    - Credit card: held with probability 0.55, 0.60, 0.45, 0.20 by age band (not by near-empty or
      dormant accounts); spend in a month = lognormal(log 2,500 + 0.35 z, 0.8) ×
      lognormal(0, 0.35), zero in 10% of months.
    - ``products``: 1 (the current account) + card + loan + wealth products + Poisson(0.3 + 0.4 ×
      max(z, 0) + tenure / 30) other products, capped at 8 (1 for near-empty and dormant accounts).
    - Transactions: a customer's count in a month is Poisson(rate), rate = lognormal(log 10, 0.6)
      (log 3 for near-empty accounts) × 1.3, 1.2, 1.0, 0.7 by age band × exp(min(drift, 0) × t)
      (card spend is scaled by the same fading factor); the customer's counter
      share is Beta (concentration 6) with mean 0.04, 0.08, 0.18, 0.45 by age band, and
      ``counter_txns`` ~ Binomial(count, share): older customers use the counter more.
    - ``profit`` (monthly contribution) = deposits × 2.2%/12 + loans × 2.2%/12 (net interest
      margin) + wealth × 0.9%/12 (fees) + card_spend × 1.2% (interchange and interest) − cost to
      serve, with cost = 2 yuan per account + 6 yuan per counter transaction + 0.2 yuan per
      digital transaction. Small balances with counter use lose money; inactive accounts lose 2
      yuan a month.

Care plan and survey (columns of ``customers``; the survey is at ``end``)
    - ``care_plan``: every customer was eligible (all accounts were open before the plan started);
      the branch enrolled each with probability 0.5, independently of everything else — a
      randomised trial, so comparing the two groups estimates the plan's effect.
    - A hidden service-experience score ``e ~ Normal(0, 1)`` drives both outcomes.
    - ``complaints_12m`` ~ Poisson(0.35 × exp(−0.5 e) × (1 + counter share) × 2 if attriting or
      closing × 0.75 if in the plan): the plan cuts the complaint rate by 25%.
    - ``satisfaction`` = round(3.55 + 0.3 × care_plan + 0.55 e − 0.3 if attriting or closing +
      Normal(0, 0.75)), clipped to 1–5. True effect of the plan: +0.3 on this latent scale, about
      +0.28 on the reported 1–5 scale (rounding and the clip at 5 absorb a little).
    - Non-response: customers active at ``end`` answer with probability 0.72, inactive ones
      (dormant or closed) with 0.3 — about 30% NaN. Answering depends neither on the plan nor on
      the score, so comparing respondents in and out of the plan stays unbiased.

Resulting figures (200,000 customers, seed 42, 12 months; balances in the last month): deposits
median about 55,000 yuan, mean/median 3.1, the top 20% of customers hold 75% of deposits, 8% hold
under 100 yuan (UCI Bank Marketing balances: mean/median 3.0, top 20% hold 74.5% of positive
balances); AUM tiers at 500,000 / 6,000,000 yuan: 11% wealth, 1.3% private banking; wealth products
are 60% of all AUM; 离柜率 84% (counter share 4% for 18-29, 45% for 60+); 10% of customers have a
negative average monthly profit; the AUM of 7% fell by more than half from the first to the last
month and of 6% rose by more than half; 2% never transact; 30% did not answer the survey.

Money is rounded to 2 decimals; counts are int64; dates are ``datetime64[s]``. Same seed, size and
parameters → identical frames, byte for byte.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from coursekit._errors import DataError

__all__ = ["make_bank"]

AGE_BANDS = ("18-29", "30-44", "45-59", "60+")
_AGE_P = (0.18, 0.30, 0.28, 0.24)
_AGE_AUM = np.array([-0.6, -0.1, 0.2, 0.3])
_AGE_MAX_TENURE = np.array([8.0, 15.0, 15.0, 15.0])
_AGE_LOAN = np.array([0.15, 0.40, 0.35, 0.10])
_AGE_CARD = np.array([0.55, 0.60, 0.45, 0.20])
_AGE_ACTIVITY = np.array([1.3, 1.2, 1.0, 0.7])
_AGE_COUNTER = np.array([0.04, 0.08, 0.18, 0.45])

REGIONS = ("North", "East", "South", "West", "Central")
_REGION_P = (0.20, 0.30, 0.20, 0.15, 0.15)
_REGION_AUM = np.array([0.0, 0.25, 0.1, -0.2, -0.1])

# behaviour types (hidden): share of customers
_STABLE, _EMPTY, _DORMANT, _CLOSING, _ATTRITING, _GROWING = range(6)
_TYPE_P = (0.78, 0.05, 0.02, 0.025, 0.045, 0.08)

_DEPOSIT_MEAN_LOG, _DEPOSIT_SD_LOG = 11.1, 1.35
_PHI, _WOBBLE_SD = 0.9, 0.06

# profit contribution (yuan): annual spreads / fee rates and cost to serve
_DEPOSIT_SPREAD, _LOAN_SPREAD, _WEALTH_FEE, _CARD_FEE = 0.022, 0.022, 0.009, 0.012
_ACCOUNT_COST, _COUNTER_COST, _DIGITAL_COST = 2.0, 6.0, 0.2

_PLAN_SATISFACTION = 0.3  # effect on the latent 1-5 satisfaction scale
_PLAN_COMPLAINTS = 0.75  # multiplier of the complaint rate


def _month_ends(end, months: int) -> pd.DatetimeIndex:
    if isinstance(end, bool) or not isinstance(end, (str, _dt.date, np.datetime64)):
        raise DataError(f"end must be a date such as '2024-12-31', got {end!r}")
    try:
        stamp = pd.Timestamp(end)
    except (ValueError, TypeError, OverflowError) as err:
        raise DataError(f"end must be a date such as '2024-12-31', got {end!r} ({err})") from None
    if pd.isna(stamp):
        raise DataError(f"end must be a date such as '2024-12-31', got {end!r}")
    try:
        last = (stamp.normalize() + pd.offsets.MonthEnd(0)).tz_localize(None)
        return pd.date_range(end=last, periods=months, freq="ME").as_unit("s")
    except (ValueError, OverflowError) as err:
        raise DataError(f"end={end!r} leaves no room for {months} month-ends before it ({err})") from None


def make_bank(n_customers: int = 1000, seed: int = 42, *, months: int = 12,
              end: str | _dt.date = "2024-12-31") -> dict[str, pd.DataFrame]:
    """A retail bank's customers and their monthly balances, channels and profit contribution.

    The distributions are listed in the module docstring (the datasheet). Nothing personal is
    generated: no names, phone numbers, national ids, birthdays or addresses; ages are bands.

    Parameters
    ----------
    n_customers : int, default 1000
        Number of customers, a whole number >= 2.
    seed : int, default 42
        Seed of the random generator (a whole number >= 0); the same seed gives identical frames.
    months : int, default 12
        Number of monthly snapshots, 1 to 120.
    end : str or datetime.date (incl. pandas.Timestamp), default "2024-12-31"
        The last month is the calendar month containing ``end``; every snapshot is dated at a
        month-end (``end="2024-12-15"`` still gives 2024-12-31 as the last month).

    Returns
    -------
    dict of DataFrame
        ``"customers"``, one row per customer, sorted by ``customer_id``:

        - ``customer_id`` (str): ``"B"`` + zero-padded number, e.g. ``"B0001"``;
        - ``open_date`` (datetime64): account opening date, up to 15 years before the first month;
        - ``age_band`` (str): "18-29", "30-44", "45-59" or "60+";
        - ``region`` (str): "North", "East", "South", "West" or "Central";
        - ``care_plan`` (bool): enrolled in the branch care plan (birthday and holiday greetings),
          assigned at random with probability 0.5;
        - ``satisfaction`` (float64): survey score, a whole number 1–5, NaN for the ~30% who did
          not answer;
        - ``complaints_12m`` (int64): complaints in the 12 months up to ``end``.

        ``"monthly"``, one row per customer × month, sorted by ``customer_id`` then ``month``
        (``n_customers * months`` rows):

        - ``customer_id`` (str);
        - ``month`` (datetime64): the month-end date of the snapshot;
        - ``deposits`` (float64, yuan): deposit balance at the month-end, >= 0;
        - ``aum`` (float64, yuan): assets under management = ``deposits + wealth``;
        - ``wealth`` (float64, yuan): wealth-product holdings, >= 0;
        - ``loans`` (float64, yuan): outstanding loan balance, >= 0;
        - ``card_spend`` (float64, yuan): credit-card spend in the month, 0 without a card;
        - ``products`` (int64): products held, 1–8;
        - ``counter_txns``, ``digital_txns`` (int64): transactions in the month at the counter and
          on digital channels (离柜率 = digital / (counter + digital));
        - ``profit`` (float64, yuan): profit contribution in the month (interest margin on deposits
          and loans + fees on wealth products and card spend − cost to serve); negative for
          loss-making customers.

        Money is rounded to 2 decimals.

    Raises
    ------
    DataError
        If ``n_customers`` is not a whole number >= 2, ``seed`` not a whole number >= 0,
        ``months`` not a whole number from 1 to 120, or ``end`` not a date.

    Examples
    --------
    >>> data = make_bank(100, seed=1, months=6)
    >>> sorted(data)
    ['customers', 'monthly']
    >>> list(data["customers"].columns)
    ['customer_id', 'open_date', 'age_band', 'region', 'care_plan', 'satisfaction', 'complaints_12m']
    >>> list(data["monthly"].columns)  # doctest: +NORMALIZE_WHITESPACE
    ['customer_id', 'month', 'deposits', 'aum', 'wealth', 'loans', 'card_spend', 'products',
     'counter_txns', 'digital_txns', 'profit']
    >>> len(data["monthly"]), str(data["monthly"]["month"].max().date())
    (600, '2024-12-31')
    """
    if isinstance(n_customers, bool) or not isinstance(n_customers, (int, np.integer)) or n_customers < 2:
        raise DataError(f"n_customers must be a whole number >= 2, got {n_customers!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise DataError(f"seed must be a whole number >= 0, got {seed!r}")
    if isinstance(months, bool) or not isinstance(months, (int, np.integer)) or not 1 <= months <= 120:
        raise DataError(f"months must be a whole number from 1 to 120, got {months!r}")
    month_ends = _month_ends(end, int(months))
    n, m = int(n_customers), int(months)
    rng = np.random.default_rng(int(seed))

    # ---- customers: who they are ---------------------------------------------------------
    age = rng.choice(4, size=n, p=_AGE_P)
    region = rng.choice(5, size=n, p=_REGION_P)
    tenure = 0.1 + rng.random(n) * (_AGE_MAX_TENURE[age] - 0.1)  # years before the first month
    kind = rng.choice(6, size=n, p=_TYPE_P)
    z = rng.standard_normal(n)

    # ---- first-month AUM (log scale) and its path ----------------------------------------
    log_dep = (_DEPOSIT_MEAN_LOG + _AGE_AUM[age] + _REGION_AUM[region] + 0.03 * (tenure - 7.5)
               + _DEPOSIT_SD_LOG * z)
    # wealth products: the richer, the likelier to hold them and the larger their share of AUM
    p_wealth = 0.9 / (1.0 + np.exp(-(log_dep - np.log(100_000.0)) / 0.8))
    holds_wealth = (rng.random(n) < p_wealth) & (kind != _EMPTY) & (kind != _DORMANT)
    share_mean = 0.05 + 0.75 / (1.0 + np.exp(-(log_dep - np.log(300_000.0)) / 0.7))
    share = np.minimum(rng.beta(share_mean * 8.0, (1.0 - share_mean) * 8.0), 0.85)
    share = np.where(holds_wealth, share, 0.0)
    log0 = log_dep - np.log1p(-share)  # AUM = deposits / (1 - share)
    log0 = np.where(kind == _EMPTY, rng.uniform(np.log(5.0), np.log(300.0), n), log0)
    log0 = np.where(kind == _DORMANT, rng.uniform(np.log(5.0), np.log(50.0), n), log0)
    drift = rng.normal(0.0, 0.005, n)
    drift = np.where((kind == _ATTRITING) | (kind == _CLOSING), rng.uniform(-0.25, -0.05, n), drift)
    drift = np.where(kind == _GROWING, rng.uniform(0.02, 0.08, n), drift)
    drift = np.where(kind == _DORMANT, 0.0, drift)
    close_at = np.full(n, m)  # first month index with everything closed (m: never)
    if m >= 2:
        close_at = np.where(kind == _CLOSING, rng.integers(1, m, n), m)
    steps = np.arange(m)
    shocks = rng.normal(0.0, _WOBBLE_SD, (n, m))
    shocks[:, 0] = 0.0
    wobble = np.empty((n, m))
    wobble[:, 0] = 0.0
    for t in range(1, m):  # AR(1) across months (a loop over months, vectorised over customers)
        wobble[:, t] = _PHI * wobble[:, t - 1] + shocks[:, t]
    wobble[kind == _DORMANT] = 0.0
    aum = np.exp(log0[:, None] + drift[:, None] * steps + wobble)
    open_now = steps[None, :] < close_at[:, None]  # (n, m): account still in use
    aum = np.where(open_now, aum, 0.0)

    # ---- split AUM into deposits and wealth products ------------------------------------
    wealth = np.round(aum * share[:, None], 2)
    deposits = np.round(aum - wealth, 2)
    aum = np.round(deposits + wealth, 2)

    # ---- loans and credit cards -------------------------------------------------------------
    active_kind = (kind != _EMPTY) & (kind != _DORMANT)
    has_loan = (rng.random(n) < _AGE_LOAN[age]) & active_kind
    principal = rng.lognormal(np.log(250_000.0) + 0.3 * z, 0.9)
    amortise = rng.uniform(0.003, 0.015, n)
    loans = principal[:, None] * (1.0 - amortise[:, None]) ** steps
    loans = np.round(np.where(has_loan[:, None] & open_now, loans, 0.0), 2)

    has_card = (rng.random(n) < _AGE_CARD[age]) & active_kind
    spend_level = rng.lognormal(np.log(2_500.0) + 0.35 * z, 0.8)
    spend = spend_level[:, None] * rng.lognormal(0.0, 0.35, (n, m))
    spend = np.where(rng.random((n, m)) < 0.10, 0.0, spend)
    fading = np.exp(np.minimum(drift, 0.0)[:, None] * steps)  # attriting customers use less
    card_spend = np.round(np.where(has_card[:, None] & open_now, spend * fading, 0.0), 2)

    # ---- products -----------------------------------------------------------------------------
    extra = rng.poisson(0.3 + 0.4 * np.maximum(z, 0.0) + tenure / 30.0)
    extra = np.where(active_kind, extra, 0)
    n_products = np.minimum(1 + has_card + has_loan + holds_wealth + extra, 8).astype(np.int64)
    products = np.where(open_now, n_products[:, None], 1).astype(np.int64)

    # ---- channels -------------------------------------------------------------------------------
    base_rate = np.where(kind == _EMPTY, 3.0, 10.0)
    activity = rng.lognormal(np.log(base_rate), 0.6) * _AGE_ACTIVITY[age]
    mean = _AGE_COUNTER[age]
    counter_share = rng.beta(mean * 6.0, (1.0 - mean) * 6.0)
    rate = np.where(open_now & (kind != _DORMANT)[:, None], activity[:, None] * fading, 0.0)
    txns = rng.poisson(rate)
    counter_txns = rng.binomial(txns, counter_share[:, None]).astype(np.int64)
    digital_txns = (txns - counter_txns).astype(np.int64)

    # ---- profit contribution ----------------------------------------------------------------
    profit = (deposits * _DEPOSIT_SPREAD / 12 + loans * _LOAN_SPREAD / 12
              + wealth * _WEALTH_FEE / 12 + card_spend * _CARD_FEE
              - _ACCOUNT_COST - _COUNTER_COST * counter_txns - _DIGITAL_COST * digital_txns)
    profit = np.round(profit, 2)

    # ---- care plan, complaints and the satisfaction survey -------------------------------
    care_plan = rng.random(n) < 0.5
    experience = rng.standard_normal(n)
    leaving = (kind == _ATTRITING) | (kind == _CLOSING)
    complaint_rate = (0.35 * np.exp(-0.5 * experience) * (1.0 + counter_share)
                      * np.where(leaving, 2.0, 1.0) * np.where(care_plan, _PLAN_COMPLAINTS, 1.0))
    complaints = rng.poisson(complaint_rate).astype(np.int64)
    latent = (3.55 + _PLAN_SATISFACTION * care_plan + 0.55 * experience - 0.3 * leaving
              + rng.normal(0.0, 0.75, n))
    score = np.clip(np.round(latent), 1, 5)
    inactive_at_end = (kind == _DORMANT) | (close_at < m)
    answered = rng.random(n) < np.where(inactive_at_end, 0.3, 0.72)
    satisfaction = np.where(answered, score, np.nan)

    # ---- frames -----------------------------------------------------------------------------
    width = max(4, len(str(n)))
    ids = pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(width).radd("B")
    first = month_ends[0].to_datetime64().astype("datetime64[s]")
    open_date = first - np.round(tenure * 365.25 * 86_400).astype("timedelta64[s]")
    open_date = open_date.astype("datetime64[D]").astype("datetime64[s]")
    customers = pd.DataFrame({
        "customer_id": ids,
        "open_date": open_date,
        "age_band": pd.Series(np.array(AGE_BANDS, dtype=object)[age], dtype="str"),
        "region": pd.Series(np.array(REGIONS, dtype=object)[region], dtype="str"),
        "care_plan": care_plan,
        "satisfaction": satisfaction,
        "complaints_12m": complaints,
    })
    monthly = pd.DataFrame({
        "customer_id": ids.repeat(m).reset_index(drop=True),
        "month": np.tile(month_ends.to_numpy(), n),
        "deposits": deposits.ravel(),
        "aum": aum.ravel(),
        "wealth": wealth.ravel(),
        "loans": loans.ravel(),
        "card_spend": card_spend.ravel(),
        "products": products.ravel(),
        "counter_txns": counter_txns.ravel(),
        "digital_txns": digital_txns.ravel(),
        "profit": profit.ravel(),
    })
    return {"customers": customers, "monthly": monthly}
