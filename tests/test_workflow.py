"""The course's workflow end to end on the shipped sample: two snapshots, migration, CLV, privacy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import coursekit as ck

SAMPLE = Path(__file__).resolve().parent.parent / "datasets" / "retail" / "transactions.csv"


@pytest.fixture(scope="module")
def tx() -> pd.DataFrame:
    return pd.read_csv(SAMPLE, parse_dates=["order_date"])


@pytest.fixture(scope="module")
def snapshots(tx):
    mid = pd.Timestamp("2024-06-30")
    before = ck.assign_tiers(ck.rfm_table(tx[tx["order_date"] <= mid], as_of=mid, order_col="order_id"))
    after = ck.assign_tiers(ck.rfm_table(tx, as_of="2024-12-31", order_col="order_id"))
    return before, after


def test_transition_matrix_accounts_for_every_customer(snapshots):
    before, after = snapshots
    order = ck.load_scheme("value4").tiers
    counts, shares = ck.transition_matrix(before, after, order=order)
    new_customers = len(after.index.difference(before.index))
    assert counts.to_numpy().sum() == len(before.index.union(after.index))
    assert counts.loc["(new)"].sum() == new_customers > 0
    # each row of a tier present before sums to the customers in that tier before
    for tier in order:
        assert counts.loc[tier].sum() == (before["tier"] == tier).sum()
    assert np.allclose(shares.loc[order].sum(axis=1), 1.0)


def test_churn_warning_lists_exactly_the_fallen(snapshots):
    before, after = snapshots
    fallen = ck.fallen_from(before, after, high=["high-value"])
    was_high = before.index[before["tier"] == "high-value"]
    still_high = after.index[after["tier"] == "high-value"]
    assert set(fallen.index) == set(was_high) - set(still_high)
    assert (fallen["tier_before"] == "high-value").all()
    assert len(fallen) > 0


def test_clv_adds_history_and_future(snapshots):
    _, after = snapshots
    value = ck.customer_value(after, margin_rate=0.3, retention=0.8, discount=0.1)
    assert value.index.equals(after.index)
    assert np.allclose(value["clv"], value["historical_value"] + value["future_value"], atol=0.011)
    # the best customers by history are also worth more in total
    top = after["monetary"].nlargest(100).index
    assert value.loc[top, "clv"].mean() > value["clv"].mean()


def test_pseudonymised_ids_give_the_same_analysis(tx):
    key = "workshop-2026-secret-key"
    hidden = ck.pseudonymise(tx, key, column="customer_id")
    assert not hidden["customer_id"].isin(tx["customer_id"]).any()
    plain = ck.rfm_table(tx, order_col="order_id")
    masked = ck.rfm_table(hidden, order_col="order_id")
    mapping = dict(zip(tx["customer_id"], hidden["customer_id"]))
    renamed = plain.rename(index=mapping).sort_index()
    cols = ["recency_days", "frequency", "monetary", "rfm_code"]
    pd.testing.assert_frame_equal(renamed[cols], masked[cols])
