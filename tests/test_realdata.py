"""coursekit on real data: UCI Bank Marketing (../shared/realdata, 45,211 clients; not shipped).

Skips with a reason when the shared folder is absent (it is present on the developers' machines
and in CI). Each figure is checked against an independent computation, not a stored number.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import coursekit as ck
from coursekit import DataError

BANK = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "bank-marketing" / "bank-full.csv"

pytestmark = pytest.mark.skipif(not BANK.exists(), reason=f"real data not found at {BANK}")


@pytest.fixture(scope="module")
def bank() -> pd.DataFrame:
    return pd.read_csv(BANK, sep=";")


def test_dataset_is_the_documented_one(bank):
    assert bank.shape == (45211, 17)
    assert round(bank["balance"].mean(), 2) == 1362.27


def test_negative_balances_are_refused_with_a_clear_error(bank):
    with pytest.raises(DataError, match="negative"):
        ck.concentration(bank["balance"])


def test_concentration_and_gini_of_balances(bank):
    balance = bank["balance"].clip(lower=0)
    # independent: sort descending, the top 20% of 45,211 clients is 9,042.2 clients
    ordered = np.sort(balance.to_numpy(dtype=float))[::-1]
    k = 0.2 * len(ordered)
    expected = (ordered[: int(k)].sum() + (k - int(k)) * ordered[int(k)]) / ordered.sum()
    top20 = ck.concentration(balance, top=0.2)
    assert top20 == pytest.approx(expected, rel=1e-12)
    assert 0.70 < top20 < 0.80  # measured: the top 20% of clients hold 74.5% of positive balances
    # Gini from the Lorenz curve's area (trapezoids), independent of coursekit's formula
    asc = np.sort(balance.to_numpy(dtype=float))
    lorenz = np.concatenate([[0.0], np.cumsum(asc) / asc.sum()])
    area = np.trapezoid(lorenz, dx=1 / len(asc))
    assert ck.gini(balance) == pytest.approx(1 - 2 * area, abs=1e-9)


def test_abc_classes_hold_the_promised_shares(bank):
    balance = bank["balance"].clip(lower=0)
    classes = ck.abc_classes(balance)
    total = balance.sum()
    share_a = balance[classes == "A"].sum() / total
    share_ab = balance[classes.isin(["A", "B"])].sum() / total
    # A covers the first 80% of value, including the client who crosses it
    assert 0.80 <= share_a < 0.80 + balance.max() / total
    assert 0.95 <= share_ab < 0.95 + balance.max() / total
    assert (balance[classes == "A"].min() >= balance[classes == "B"].max())


def test_quantile_scores_on_heavily_tied_real_counts(bank):
    # 'campaign' = contacts during the campaign: 39% of clients were contacted once
    contacts = bank["campaign"]
    scores = ck.quantile_scores(contacts)
    once = contacts == 1
    assert once.mean() > 0.35
    assert scores[once].unique().tolist() == [1]
    # every distinct count maps to exactly one score, and more contacts never score lower
    by_value = scores.groupby(contacts).agg(["min", "max"])
    assert (by_value["min"] == by_value["max"]).all()
    assert by_value["min"].is_monotonic_increasing
    assert scores.max() == 5


def test_bank_balances_tier_with_a_thresholds_scheme(bank):
    scheme = {"name": "balance", "kind": "thresholds", "column": "balance",
              "levels": [{"tier": "wealth", "min": 10_000}, {"tier": "core", "min": 1_000},
                         {"tier": "mass", "min": 0}, {"tier": "overdrawn"}]}
    tiers = ck.assign_tiers(bank, scheme)["tier"]
    assert tiers.value_counts().sum() == len(bank)
    assert (tiers == "overdrawn").sum() == (bank["balance"] < 0).sum()
    assert (tiers == "wealth").sum() == (bank["balance"] >= 10_000).sum()
