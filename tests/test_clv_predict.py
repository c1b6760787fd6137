"""coursekit.clv.predicted_value: BG/NBD + Gamma-Gamma on a transaction log, one row per customer.

Every column is recomputed here independently from the public model API (fit the models on the
same summary, then apply the documented formulas), and the conventions are pinned: the snapshot
date, the horizon in months of 365.25 / 12 days, end-of-month discounting, returns left out.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coursekit import CoursekitWarning, DataError, rfm_table
from coursekit.clv import fit_bg_nbd, fit_gamma_gamma, predicted_value, summary_from_transactions
from coursekit.datasets import load_cdnow, make_retail
from coursekit.datasets.shipped import course_transactions

ROOT = Path(__file__).resolve().parent.parent
MONTH_WEEKS = 365.25 / 12 / 7
COLUMNS = ["p_alive", "expected_purchases", "expected_spend", "predicted_clv"]
PUBLISHED_BG = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "v": 15.44}


@pytest.fixture(scope="module")
def shop() -> pd.DataFrame:
    """A generated shop's purchases (300 customers, 2023–2024), returns removed."""
    tx = make_retail(300, seed=1)["transactions"]
    return tx[tx["amount"] > 0].reset_index(drop=True)


@pytest.fixture(scope="module")
def value(shop) -> pd.DataFrame:
    return predicted_value(shop, as_of="2024-12-31")


@pytest.fixture(scope="module")
def models(shop):
    summary = summary_from_transactions(shop, observation_end="2024-12-31")
    return summary, fit_bg_nbd(summary), fit_gamma_gamma(summary)


@pytest.fixture(scope="module")
def cdnow_tx() -> pd.DataFrame:
    return load_cdnow(ROOT / "datasets" / "cdnow" / "CDNOW_sample.txt").data


class TestDefinition:
    def test_one_row_per_customer_with_the_four_columns(self, shop, value):
        assert list(value.columns) == COLUMNS
        assert value.index.name == "customer_id"
        assert value.index.is_monotonic_increasing
        assert set(value.index) == set(shop["customer_id"])
        assert all(value[c].dtype == np.float64 for c in COLUMNS)
        assert np.isfinite(value.to_numpy()).all()

    def test_p_alive_is_a_probability_and_the_bg_nbd_one(self, value, models):
        summary, bg, _ = models
        assert value["p_alive"].between(0, 1).all()
        pd.testing.assert_series_equal(value["p_alive"], bg.p_alive(summary), check_names=False, rtol=1e-6)

    def test_one_time_buyers_are_alive_and_get_the_population_mean_spend(self, value, models):
        summary, _, gg = models
        once = summary.index[summary["frequency"] == 0]
        assert len(once) > 0
        assert (value.loc[once, "p_alive"] == 1.0).all()
        p, q, v = gg.params["p"], gg.params["q"], gg.params["v"]
        np.testing.assert_allclose(value.loc[once, "expected_spend"], p * v / (q - 1), rtol=1e-6)

    def test_expected_purchases_over_twelve_months_of_365_25_12_days(self, value, models):
        summary, bg, _ = models
        expected = bg.expected_purchases(summary, 12 * MONTH_WEEKS)
        np.testing.assert_allclose(value["expected_purchases"], expected, rtol=1e-6)

    def test_expected_spend_is_the_gamma_gamma_weighted_mean(self, value, models):
        summary, _, gg = models
        p, q, v = gg.params["p"], gg.params["q"], gg.params["v"]
        x, m = summary["frequency"], summary["monetary_value"]
        np.testing.assert_allclose(value["expected_spend"], p * (v + x * m) / (p * x + q - 1), rtol=1e-6)

    def test_clv_is_spend_times_discounted_monthly_purchases(self, shop, models):
        summary, bg, gg = models
        result = predicted_value(shop, as_of="2024-12-31", horizon_months=6, monthly_discount_rate=0.02,
                                 margin_rate=0.3)
        cumulative = np.column_stack([bg.expected_purchases(summary, i * MONTH_WEEKS) for i in range(7)])
        monthly = np.diff(cumulative, axis=1)  # purchases expected in month 1, ..., 6
        discounted = monthly @ (1.02 ** -np.arange(1, 7))
        expected = 0.3 * gg.expected_average_spend(summary).to_numpy() * discounted
        np.testing.assert_allclose(result["predicted_clv"], expected, rtol=1e-6)

    def test_without_discount_clv_is_margin_times_spend_times_purchases(self, shop):
        result = predicted_value(shop, as_of="2024-12-31", monthly_discount_rate=0, margin_rate=0.5)
        np.testing.assert_allclose(result["predicted_clv"],
                                   0.5 * result["expected_spend"] * result["expected_purchases"], rtol=1e-9)

    def test_discounting_lowers_every_clv(self, shop, value):
        none = predicted_value(shop, as_of="2024-12-31", monthly_discount_rate=0)
        assert (value["predicted_clv"] < none["predicted_clv"]).all()

    def test_attrs_record_the_fit_and_the_conventions(self, value, models):
        _, bg, gg = models
        attrs = value.attrs
        assert attrs["as_of"] == pd.Timestamp("2024-12-31")
        assert (attrs["time_unit"], attrs["horizon_months"]) == ("W", 12)
        assert (attrs["monthly_discount_rate"], attrs["margin_rate"]) == (0.01, 1.0)
        assert attrs["bg_nbd_params"] == pytest.approx(bg.params, rel=1e-9)
        assert attrs["gamma_gamma_params"] == pytest.approx(gg.params, rel=1e-9)
        assert all(type(v) is float for v in attrs["bg_nbd_params"].values())


class TestSnapshot:
    def test_default_as_of_is_the_day_after_the_latest_date_like_rfm_table(self, shop):
        result = predicted_value(shop)
        assert result.attrs["as_of"] == shop["order_date"].max() + pd.Timedelta(days=1)
        assert result.attrs["as_of"] == rfm_table(shop).attrs["as_of"]

    def test_purchases_on_as_of_count_and_later_rows_are_ignored(self, shop):
        cut = "2024-06-30"
        before = shop[shop["order_date"] <= cut]
        pd.testing.assert_frame_equal(predicted_value(shop, as_of=cut), predicted_value(before, as_of=cut))
        summary = summary_from_transactions(shop, observation_end=cut)
        assert len(predicted_value(shop, as_of=cut)) == len(summary) < shop["customer_id"].nunique()

    def test_returns_are_left_out_with_a_warning(self):
        tx = make_retail(300, seed=1)["transactions"]
        assert (tx["amount"] < 0).any()
        with pytest.warns(CoursekitWarning, match="return row"):
            with_returns = predicted_value(tx, as_of="2024-12-31")
        purchases = predicted_value(tx[tx["amount"] >= 0], as_of="2024-12-31")
        pd.testing.assert_frame_equal(with_returns, purchases)

    def test_days_give_the_same_predictions_as_weeks(self, shop, value):
        days = predicted_value(shop, as_of="2024-12-31", time_unit="D")
        assert days.attrs["bg_nbd_params"]["alpha"] == pytest.approx(7 * value.attrs["bg_nbd_params"]["alpha"],
                                                                     rel=1e-3)
        np.testing.assert_allclose(days[COLUMNS], value[COLUMNS], rtol=1e-3)

    def test_input_is_not_changed(self, shop):
        copy = shop.copy()
        predicted_value(shop, as_of="2024-12-31")
        pd.testing.assert_frame_equal(shop, copy)

    def test_other_column_names(self, shop, value):
        renamed = shop.rename(columns={"customer_id": "client", "order_date": "day", "amount": "yuan"})
        result = predicted_value(renamed, as_of="2024-12-31", customer_col="client", date_col="day",
                                 amount_col="yuan")
        assert result.index.name == "client"
        np.testing.assert_allclose(result.to_numpy(), value.to_numpy())


class TestCourseData:
    def test_cdnow_calibration_gives_the_published_parameters(self, cdnow_tx):
        result = predicted_value(cdnow_tx, as_of="1997-09-30")
        assert len(result) == 2357
        assert {k: round(v, 3) for k, v in result.attrs["bg_nbd_params"].items()} == PUBLISHED_BG
        assert {k: round(v, 2) for k, v in result.attrs["gamma_gamma_params"].items()} == PUBLISHED_GG

    @pytest.mark.parametrize("case", ["retail", "b2b-distributor", "b2b-manufacturer"])
    def test_shipped_transactions_fit(self, case):
        tx = course_transactions(case, data_dir=ROOT / "datasets")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = predicted_value(tx)
        messages = [str(w.message) for w in caught]
        assert not any("extreme value" in m for m in messages), messages
        assert any("return row" in m for m in messages) == (case == "retail")
        assert len(result) == tx["customer_id"].nunique()
        assert np.isfinite(result.to_numpy()).all() and (result["predicted_clv"] > 0).all()
        assert result["p_alive"].between(0, 1).all()

    def test_fit_with_a_plus_b_below_one(self):
        # generated shops often fit a drop-out distribution with a + b < 1 (few customers drop out)
        tx = make_retail(300, seed=10)["transactions"]
        purchases = tx[tx["amount"] > 0]
        summary = summary_from_transactions(purchases)
        bg = fit_bg_nbd(summary)
        assert bg.params["a"] + bg.params["b"] < 1
        result = predicted_value(purchases)
        assert np.isfinite(result.to_numpy()).all()


class TestBadInput:
    @pytest.mark.parametrize("kwargs, match", [
        ({"horizon_months": 0}, "horizon_months must be a whole number of months >= 1"),
        ({"horizon_months": 1.5}, "horizon_months"),
        ({"horizon_months": True}, "horizon_months"),
        ({"monthly_discount_rate": -0.01}, "monthly_discount_rate must be a number >= 0"),
        ({"monthly_discount_rate": float("nan")}, "monthly_discount_rate"),
        ({"margin_rate": 0}, r"margin_rate must be a number > 0 and <= 1"),
        ({"margin_rate": 30}, "margin_rate"),
        ({"time_unit": "M"}, "time_unit must be 'W'"),
        ({"as_of": "not a date"}, "as_of = 'not a date' is not a date"),
        ({"as_of": "2022-12-31"}, "no transaction on or before as_of 2022-12-31"),
    ], ids=["horizon-0", "horizon-fraction", "horizon-bool", "discount-negative", "discount-nan",
            "margin-0", "margin-percent", "unit", "as_of-text", "as_of-before-data"])
    def test_bad_arguments_are_named(self, shop, kwargs, match):
        with pytest.raises(DataError, match=match):
            predicted_value(shop, **kwargs)

    def test_missing_column_is_named(self, shop):
        with pytest.raises(DataError, match="Required column 'amount' missing"):
            predicted_value(shop.drop(columns="amount"))
        with pytest.raises(DataError, match="Required column 'order_date' missing"):
            predicted_value(shop.drop(columns="order_date"))

    def test_not_a_frame_and_empty(self, shop):
        with pytest.raises(DataError, match="must be a pandas DataFrame"):
            predicted_value(shop.to_dict())
        with pytest.raises(DataError, match="empty"):
            predicted_value(shop.iloc[:0])

    def test_no_repeat_purchase_cannot_be_fitted(self):
        tx = pd.DataFrame({"customer_id": ["A", "B", "C"],
                           "order_date": ["2024-01-01", "2024-02-01", "2024-03-01"],
                           "amount": [10.0, 20.0, 30.0]})
        with pytest.raises(DataError, match="no repeat purchase"):
            predicted_value(tx)

    def test_three_customers_are_too_few_and_say_so(self):
        tx = pd.DataFrame({"customer_id": ["A", "A", "B", "C"],
                           "order_date": ["2024-01-01", "2024-01-20", "2024-02-01", "2024-03-01"],
                           "amount": [10.0, 15.0, 20.0, 30.0]})
        with pytest.raises(DataError, match="(on|out of) 3 customers"), warnings.catch_warnings():
            warnings.simplefilter("ignore", CoursekitWarning)  # BG/NBD: a, b run to the edge
            predicted_value(tx)

    def test_missing_date_is_named(self, shop):
        broken = shop.copy()
        broken.loc[3, "order_date"] = pd.NaT
        with pytest.raises(DataError, match="order_date"):
            predicted_value(broken)
