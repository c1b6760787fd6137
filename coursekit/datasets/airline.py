"""An airline's frequent-flyer members for the LRFMC model — synthetic, seeded, nothing personal.

:func:`make_airline` makes the data of the classic airline case of "improved RFM" (改进RFM, seed 003;
module 1): one row per frequent-flyer member with what the LRFMC model needs,

- **L** — length of the relationship: months from ``join_date`` to ``as_of``;
- **R** — recency: days (or months) from ``last_flight_date`` to ``as_of``;
- **F** — frequency: ``flights`` in the observation window;
- **M** — mileage: ``miles`` flown in the window, in **kilometres** (the column keeps the industry's
  name "miles");
- **C** — discount coefficient: ``avg_discount``, the average fare paid as a fraction of the full
  economy fare (1.0 = full fare, 0.5 = half price, above 1 = premium cabins), in [0.1, 1.5].

The observation window is the two years ending on ``as_of`` (inclusive): ``as_of - 2 years + 1 day``
… ``as_of``. Every member flew at least once in the window (``flights >= 1``): like the classic case's
data preparation, which drops members with no flight or no fare in the window, inactive members are
not in the extract. So ``last_flight_date`` lies in the window, on or after ``join_date``, and
recency is at most 730 days.

Member types (the answer key)
    Members are drawn from five latent types, the five customer groups of the classic case. The type
    is **not** a column of ``"members"``; ``return_types=True`` adds it as a separate table, so a
    trainer can check what k-means on the five standardised LRFMC features recovers. Per type, with
    its share of the members:

    ==================  =====  ==========  =======  ======  ============  ==============
    type                share  L (months)  R mean   F mean  C             name in the case
    ==================  =====  ==========  =======  ======  ============  ==============
    important_retain    .12    N(75, 25)   20 d     26      N(1.05, .10)  重要保持客户
    important_develop   .18    N(9, 5)     30 d     6       N(0.95, .10)  重要发展客户
    important_win_back  .14    N(90, 25)   360 d    14      N(0.85, .10)  重要挽留客户
    general             .30    N(45, 18)   120 d    5       N(0.70, .08)  一般客户
    low_value           .26    N(30, 15)   450 d    2       N(0.45, .08)  低价值客户
    ==================  =====  ==========  =======  ======  ============  ==============

    R means are before clipping to the window and to the membership; F means are for a member of
    the whole window (members who joined later have flown proportionally less, see below).

    In words: *retain* fly often and far at high fares and flew lately; *develop* joined recently,
    pay high fares and have flown little so far; *win-back* are long-standing members with a good
    flying history who have not flown for about a year; *general* are middling on everything;
    *low value* fly rarely, on deep discounts, and not lately.

Generation (every draw comes from one ``numpy.random.default_rng(seed)``, in a fixed order):

- **type** ~ categorical with the shares above;
- **L** ~ the type's normal, clipped to 1–180 months; ``join_date = as_of - round(L × 30.4375)``
  days;
- **R** ~ gamma(shape 4) with the type's mean, rounded to whole days and clipped to 0…min(730,
  days since joining); ``last_flight_date = as_of - R`` days;
- **F** = 1 + negative binomial (dispersion 10) with mean (type's F mean − 1); a member who joined
  less than two years ago has F scaled by the share of the window they were a member (at least 1);
- **M** (km) = F × the member's average flight distance lognormal(log 1200, 0.35) × lognormal(0,
  0.1), rounded to whole km;
- **C** ~ the type's normal, clipped to [0.1, 1.5] and rounded to 2 decimals;
- **tier_card** (the airline's own card level, correlated with M but not a function of it): "gold"
  if M × lognormal(0, 0.3) ≥ 40,000 km, "silver" if ≥ 15,000 km, else "normal";
- **age_band** ~ 18-29 / 30-39 / 40-49 / 50-59 / 60+ with weights .18/.27/.25/.18/.12, independent
  of the type (a column that carries no segment signal).

Same seed, size and as_of → identical frames, byte for byte.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coursekit._errors import DataError
from coursekit.datasets._params import calendar_day, whole

__all__ = ["TYPES", "TYPE_SHARES", "make_airline"]

TYPES = ("important_retain", "important_develop", "important_win_back", "general", "low_value")
TYPE_SHARES = {"important_retain": 0.12, "important_develop": 0.18, "important_win_back": 0.14,
               "general": 0.30, "low_value": 0.26}
#                          retain  develop win_back general low_value
L_MEAN = np.array([75.0, 9.0, 90.0, 45.0, 30.0])        # months
L_SD = np.array([25.0, 5.0, 25.0, 18.0, 15.0])
R_MEAN = np.array([20.0, 30.0, 360.0, 120.0, 450.0])    # days
F_MEAN = np.array([26.0, 6.0, 14.0, 5.0, 2.0])          # flights in the window
C_MEAN = np.array([1.05, 0.95, 0.85, 0.70, 0.45])
C_SD = np.array([0.10, 0.10, 0.10, 0.08, 0.08])
R_SHAPE, F_DISPERSION = 4.0, 10.0
KM_PER_FLIGHT, KM_SD = 1200.0, 0.35
DAYS_PER_MONTH = 30.4375
TIER_CARDS = np.array(["normal", "silver", "gold"], dtype=object)
TIER_KM = np.array([15_000.0, 40_000.0])                # silver, gold thresholds on noisy km
AGE_BANDS = np.array(["18-29", "30-39", "40-49", "50-59", "60+"], dtype=object)
AGE_WEIGHTS = np.array([0.18, 0.27, 0.25, 0.18, 0.12])


def make_airline(n_members: int = 2000, seed: int = 42, *, as_of: str = "2024-12-31",
                 return_types: bool = False) -> dict[str, pd.DataFrame]:
    """Frequent-flyer members for the LRFMC model (distributions and types: see the module docstring).

    Parameters
    ----------
    n_members : int, default 2000
        Number of members, at least 10.
    seed : int, default 42
        Seed of the random generator (a whole number >= 0).
    as_of : date string, default "2024-12-31"
        Snapshot date: the last day of the two-year observation window; L and R are measured to it.
    return_types : bool, default False
        Also return the latent member type of each member (the answer key) as a ``"types"`` table.

    Returns
    -------
    dict of DataFrames

    - ``"members"``, one row per member, sorted by member_id: ``member_id`` (str, "M00001"…),
      ``join_date`` (date), ``last_flight_date`` (date, in the window and on or after join_date),
      ``flights`` (int, flights in the window, >= 1), ``miles`` (int, **kilometres** flown in the
      window), ``avg_discount`` (float, average fare / full economy fare, 0.1–1.5, 2 decimals),
      ``tier_card`` (str, the airline's card level: normal / silver / gold), ``age_band`` (str);
    - ``"types"`` (only with ``return_types=True``): ``member_id``, ``type`` (str, one of
      :data:`TYPES`).

    Raises
    ------
    DataError
        For ``n_members`` below 10 or not a whole number, a negative or non-integer ``seed``, an
        ``as_of`` that is not a calendar date, or a ``return_types`` that is not True/False.

    Examples
    --------
    >>> data = make_airline(100, seed=1, return_types=True)
    >>> sorted(data)
    ['members', 'types']
    >>> list(data["members"].columns)  # doctest: +NORMALIZE_WHITESPACE
    ['member_id', 'join_date', 'last_flight_date', 'flights', 'miles', 'avg_discount',
     'tier_card', 'age_band']
    >>> int(data["members"]["flights"].min()) >= 1
    True
    """
    n = whole(n_members, "n_members", 10)
    seed = whole(seed, "seed", 0)
    snapshot = calendar_day(as_of, "as_of")
    if not isinstance(return_types, (bool, np.bool_)):
        raise DataError(f"return_types must be True or False, got {return_types!r}")
    rng = np.random.default_rng(seed)

    window_start = np.datetime64((pd.Timestamp(snapshot) - pd.DateOffset(years=2)
                                  + pd.Timedelta(days=1)).date(), "D")
    window = int((snapshot - window_start).astype(np.int64)) + 1          # 731 days, or 730

    kind = rng.choice(len(TYPES), n, p=[TYPE_SHARES[t] for t in TYPES])
    length_months = np.clip(rng.normal(L_MEAN[kind], L_SD[kind]), 1.0, 180.0)
    member_days = np.round(length_months * DAYS_PER_MONTH).astype(np.int64)
    recency = np.round(rng.gamma(R_SHAPE, R_MEAN[kind] / R_SHAPE)).astype(np.int64)
    recency = np.clip(recency, 0, np.minimum(window - 1, member_days))
    extra = F_MEAN[kind] - 1.0
    flights = 1 + rng.negative_binomial(F_DISPERSION, F_DISPERSION / (F_DISPERSION + extra))
    in_window = np.minimum(member_days / window, 1.0)
    flights = np.maximum(np.round(flights * in_window), 1).astype(np.int64)
    km_per_flight = rng.lognormal(np.log(KM_PER_FLIGHT), KM_SD, n)
    km = np.round(flights * km_per_flight * rng.lognormal(0.0, 0.1, n)).astype(np.int64)
    discount = np.round(np.clip(rng.normal(C_MEAN[kind], C_SD[kind]), 0.1, 1.5), 2)
    card = np.searchsorted(TIER_KM, km * rng.lognormal(0.0, 0.3, n), side="right")
    age = rng.choice(len(AGE_BANDS), n, p=AGE_WEIGHTS)

    ids = np.array([f"M{i:0{max(5, len(str(n)))}d}" for i in range(1, n + 1)], dtype=object)
    members = pd.DataFrame({
        "member_id": ids,
        "join_date": pd.to_datetime(snapshot - member_days.astype("timedelta64[D]")),
        "last_flight_date": pd.to_datetime(snapshot - recency.astype("timedelta64[D]")),
        "flights": flights,
        "miles": km,
        "avg_discount": discount,
        "tier_card": TIER_CARDS[card],
        "age_band": AGE_BANDS[age],
    })
    out = {"members": members}
    if return_types:
        out["types"] = pd.DataFrame({"member_id": ids, "type": np.array(TYPES, dtype=object)[kind]})
    return out
