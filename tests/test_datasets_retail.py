"""make_retail keeps its promises: a shop's 80/20, returns, seasonality, fading, a random campaign."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import coursekit as ck
from coursekit import DataError
from coursekit.datasets import make_retail


@pytest.fixture(scope="module")
def big():
    return make_retail(20_000, seed=11)


def test_same_seed_same_bytes_other_seed_other_data():
    a, b = make_retail(300, seed=7), make_retail(300, seed=7)
    for table in a:
        pd.testing.assert_frame_equal(a[table], b[table])
        assert a[table].to_csv() == b[table].to_csv()
    assert not make_retail(300, seed=8)["transactions"].equals(a["transactions"])


def test_schema_matches_rfm_table_defaults(big):
    tx = big["transactions"]
    assert list(tx.columns) == ["order_id", "line_no", "customer_id", "order_date", "amount", "quantity",
                                "channel", "category"]
    assert pd.api.types.is_datetime64_any_dtype(tx["order_date"])
    assert tx["order_date"].min() >= pd.Timestamp("2023-01-01")
    assert tx["order_date"].max() <= pd.Timestamp("2024-12-30")
    assert set(tx["customer_id"]) == set(big["customers"]["customer_id"])
    ck.rfm_table(tx, order_col="order_id")  # no duplicate rows, nothing to fix


def test_heavy_tail_80_20(big):
    rfm = ck.rfm_table(big["transactions"], order_col="order_id")
    assert 0.60 <= ck.concentration(rfm["monetary"].clip(lower=0), top=0.2) <= 0.80


def test_about_two_percent_returns(big):
    tx = big["transactions"]
    returns = tx[tx["amount"] < 0]
    assert 0.015 <= len(returns) / len(tx) <= 0.025
    assert (returns["quantity"] < 0).all()
    # a return is its own order, never mixed with purchases
    assert not set(returns["order_id"]) & set(tx.loc[tx["amount"] >= 0, "order_id"])


def test_seasonality(big):
    tx = big["transactions"]
    orders = tx[tx["amount"] >= 0].drop_duplicates("order_id")
    by_month = orders.groupby(orders["order_date"].dt.month).size()
    ratio = by_month / by_month.mean()
    assert ratio[11] > 1.3 and ratio[12] > 1.15    # Double 11 and December
    assert ratio[2] < 0.8                          # Spring Festival
    assert ratio[2] == ratio.min() and ratio[11] == ratio.max()


def test_new_customers_keep_arriving(big):
    joins = big["customers"]["join_date"]
    per_quarter = joins[joins >= "2023-04-01"].dt.to_period("Q").value_counts()
    assert len(per_quarter) == 7 and per_quarter.min() > 0.08 * len(joins) / 8


def test_every_value4_tier_is_present(big):
    shares = ck.assign_tiers(ck.rfm_table(big["transactions"], order_col="order_id"))["tier"].value_counts(normalize=True)
    assert set(shares.index) == {"high-value", "potential", "general", "churning"}
    assert shares.min() >= 0.05


def _window_orders(data):
    """Orders per eligible customer in the 60 days after the send date, the 180 days before, groups."""
    tx, camp = data["transactions"], data["campaign"]
    send = camp["send_date"].iloc[0]
    buys = tx[tx["amount"] >= 0]

    def orders(lo, hi):
        part = buys[(buys["order_date"] >= lo) & (buys["order_date"] < hi)]
        return part.groupby("customer_id")["order_id"].nunique().reindex(camp["customer_id"], fill_value=0).to_numpy(float)

    after = orders(send, send + pd.Timedelta(days=60))
    before = orders(send - pd.Timedelta(days=180), send)
    return after, before, (camp["group"] == "treatment").to_numpy()


def _diff_z(values, treated, covariate=None):
    """z of the treatment − control difference in means, and the relative uplift.

    With a pre-period covariate the values are adjusted first (CUPED: subtract θ·(x − mean x),
    θ = cov(y, x) / var(x)), which removes most of the customer-to-customer spread in buying rates
    without biasing the difference, since the groups were formed at random.
    """
    if covariate is not None:
        theta = np.cov(values, covariate)[0, 1] / covariate.var(ddof=1)
        values = values - theta * (covariate - covariate.mean())
    a, b = values[treated], values[~treated]
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    return (a.mean() - b.mean()) / se, a.mean() / b.mean() - 1


def test_campaign_groups_are_random_and_balanced(big):
    camp = big["campaign"]
    assert camp["customer_id"].is_unique and camp["send_date"].nunique() == 1
    share = (camp["group"] == "treatment").mean()
    assert abs(share - 0.5) < 3 * np.sqrt(0.25 / len(camp))
    _, pre, treated = _window_orders(big)
    z, _ = _diff_z(pre, treated)
    assert abs(z) < 3  # no difference before the offer was sent


def test_campaign_uplift_is_measurable_and_near_the_truth(big):
    after, before, treated = _window_orders(big)
    z, uplift = _diff_z(after, treated, covariate=before)
    assert z > 3                        # clearly detected at this size
    assert 0.05 < uplift < 0.30         # true effect +15% on the purchase rate


def test_a_campaign_without_effect_shows_none():
    after, before, treated = _window_orders(make_retail(20_000, seed=11, campaign_effect=0.0))
    z, _ = _diff_z(after, treated, covariate=before)
    assert abs(z) < 3


@pytest.mark.parametrize("kwargs, message", [
    ({"n_customers": 1}, "n_customers must be a whole number >= 2"),
    ({"days": 100}, "days must be a whole number >= 240"),
    ({"campaign_effect": -1.0}, "campaign_effect must be a number > -1"),
    ({"start": "someday"}, "start = 'someday' is not a date"),
], ids=["size", "days", "effect", "start"])
def test_bad_parameters(kwargs, message):
    with pytest.raises(DataError, match=message):
        make_retail(**kwargs)
