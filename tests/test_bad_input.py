"""The bad-input catalogue: each case raises DataError naming the column, rows or parameter."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import coursekit as ck
from coursekit import DataError


def _rfm(tx, **kwargs):
    return ck.rfm_table(tx, **kwargs)


class TestRfmTableBadInput:
    def test_data_error_is_a_value_error(self):
        assert issubclass(DataError, ValueError)

    def test_not_a_dataframe(self):
        with pytest.raises(DataError, match="transactions must be a pandas DataFrame, got list"):
            _rfm([1, 2, 3])

    def test_missing_column(self, shop):
        with pytest.raises(DataError, match=r"Required column 'amount' missing from transactions; "
                                            r"its columns are \['customer_id', 'order_id', 'order_date', 'amt'\]"):
            _rfm(shop.rename(columns={"amount": "amt"}))

    def test_missing_order_column(self, shop):
        with pytest.raises(DataError, match="Required column 'invoice' missing"):
            _rfm(shop, order_col="invoice")

    def test_unparsable_dates(self, shop):
        bad = shop.assign(order_date=shop["order_date"].dt.strftime("%Y-%m-%d"))
        bad.loc[3, "order_date"] = "2024-02-30"
        bad.loc[7, "order_date"] = "yesterday"
        with pytest.raises(DataError, match=r"column 'order_date' has values that are not dates .* "
                                            r"2 rows: row 3 \(order_date='2024-02-30'\); "
                                            r"row 7 \(order_date='yesterday'\)"):
            _rfm(bad)

    def test_missing_dates(self, shop):
        bad = shop.copy()
        bad.loc[4, "order_date"] = pd.NaT
        with pytest.raises(DataError, match=r"column 'order_date' has missing dates at 1 row: row 4"):
            _rfm(bad)

    def test_dates_written_as_numbers(self, shop):
        bad = shop.assign(order_date=shop["order_date"].dt.strftime("%Y%m%d").astype(int))
        with pytest.raises(DataError, match=r"column 'order_date' holds numbers .*e\.g\. 20240330.*"
                                            r"format='%Y%m%d'"):
            _rfm(bad)

    def test_non_numeric_amounts(self, shop):
        bad = shop.astype({"amount": object})
        bad.loc[2, "amount"] = "1,000.00"
        with pytest.raises(DataError, match=r"column 'amount' must be numeric: non-numeric values at "
                                            r"1 row: row 2 \(amount='1,000.00'\); expected e.g. 12.50"):
            _rfm(bad)

    def test_numeric_strings_are_accepted(self, shop):
        as_text = shop.assign(amount=shop["amount"].map(lambda x: f"{x:.2f}"))
        assert _rfm(as_text, order_col="order_id").loc["C1", "monetary"] == 175.5

    def test_missing_amounts(self, shop):
        bad = shop.copy()
        bad.loc[[1, 5], "amount"] = np.nan
        with pytest.raises(DataError, match=r"column 'amount' has missing \(NaN\) values at 2 rows: "
                                            r"row 1 \(amount=nan\); row 5"):
            _rfm(bad)

    def test_infinite_amounts(self, shop):
        bad = shop.copy()
        bad.loc[0, "amount"] = np.inf
        with pytest.raises(DataError, match=r"column 'amount' has infinite values at 1 row: row 0"):
            _rfm(bad)

    def test_boolean_amounts(self, shop):
        with pytest.raises(DataError, match=r"column 'amount' must be numeric, got True/False values"):
            _rfm(shop.assign(amount=True))

    def test_missing_customer_ids(self, shop):
        bad = shop.copy()
        bad.loc[6, "customer_id"] = None
        with pytest.raises(DataError, match=r"column 'customer_id' has missing ids at 1 row: "
                                            r"row 6 \(customer_id=(None|nan)\)"):
            _rfm(bad)

    def test_missing_order_ids(self, shop):
        bad = shop.copy()
        bad.loc[8, "order_id"] = None
        with pytest.raises(DataError, match=r"column 'order_id' has missing ids at 1 row: row 8"):
            _rfm(bad, order_col="order_id")

    def test_mixed_id_types(self, shop):
        bad = shop.astype({"customer_id": object})
        bad.loc[0, "customer_id"] = 17
        with pytest.raises(DataError, match=r"column 'customer_id' mixes value types \(int, str\)"):
            _rfm(bad)

    def test_empty_input(self, shop):
        with pytest.raises(DataError, match="transactions is empty"):
            _rfm(shop.iloc[0:0])

    def test_single_customer(self, shop):
        with pytest.raises(DataError, match=r"1 customer \(customer 'C1'\) with purchases; .*at least 2"):
            _rfm(shop[shop["customer_id"] == "C1"])

    def test_as_of_before_the_data(self, shop):
        with pytest.raises(DataError, match=r"as_of 2024-03-20 is before the data: 4 rows are dated after "
                                            r"it \(latest 2024-03-31\).*tx\[tx\['order_date'\] <= '2024-03-20'\]"
                                            r".*row 0 \(customer_id='C1', order_date="):
            _rfm(shop, as_of="2024-03-20")

    def test_as_of_not_a_date(self, shop):
        with pytest.raises(DataError, match=r"as_of = 'next tuesday' is not a date"):
            _rfm(shop, as_of="next tuesday")

    def test_duplicate_rows(self, shop):
        doubled = pd.concat([shop, shop.iloc[[2, 9]]], ignore_index=True)
        with pytest.raises(DataError, match=r"duplicate rows .*duplicates='keep'.*2 rows: "
                                            r"row 10 \(customer_id='C1', order_date=.*amount=100.0\); "
                                            r"row 11 \(customer_id='C5'"):
            _rfm(doubled)

    @pytest.mark.parametrize("bins", [1, 0, -3, 2.5, "5", True], ids=["1", "0", "neg", "float", "str", "bool"])
    def test_bins_below_two_or_not_whole(self, shop, bins):
        with pytest.raises(DataError, match=r"bins must be a whole number >= 2 .*got"):
            _rfm(shop, bins=bins)

    def test_duplicates_option_checked(self, shop):
        with pytest.raises(DataError, match="duplicates must be 'raise', 'keep' or 'drop', got 'ignore'"):
            _rfm(shop, duplicates="ignore")

    @pytest.mark.parametrize(
        "thresholds, message",
        [({"recency": [1, 2, 3, 4]}, r"unknown dimension 'recency'; expected one of \['recency_days'"),
         ({"frequency": [2, 3]}, r"thresholds for frequency has 2 edges; bins=5 needs 4"),
         ({"monetary": [10, 5, 20, 30]}, r"thresholds for monetary must be strictly increasing"),
         ({"monetary": ["a", 5, 20, 30]}, r"thresholds for monetary must be a list of numbers"),
         ([30, 90], r"thresholds must be a dict")],
        ids=["unknown-dimension", "wrong-count", "not-increasing", "not-numbers", "not-a-dict"],
    )
    def test_bad_thresholds(self, shop, thresholds, message):
        with pytest.raises(DataError, match=message):
            _rfm(shop, thresholds=thresholds)

    @pytest.mark.parametrize(
        "weights, message",
        [({"r": 1, "x": 1}, r"unknown key 'x'"), ({"r": -1, "f": 1}, r"weights\['r'\] = -1"),
         ({"r": 0, "f": 0, "m": 0}, "must not all be zero"), ([0.5, 0.3, 0.2], "must be a dict")],
        ids=["unknown-key", "negative", "all-zero", "not-a-dict"],
    )
    def test_bad_weights(self, shop, weights, message):
        with pytest.raises(DataError, match=message):
            _rfm(shop, weights=weights)


class TestScoreFunctionsBadInput:
    def test_missing_values(self):
        with pytest.raises(DataError, match=r"values has missing \(NaN\) values at 1 row: row 1"):
            ck.quantile_scores([1.0, None, 3.0])

    def test_non_numeric_values(self):
        with pytest.raises(DataError, match=r"values must be numeric: non-numeric values at 2 rows: row 0 \(values='a'\)"):
            ck.quantile_scores(["a", "b"])

    def test_threshold_edges_empty(self):
        with pytest.raises(DataError, match="non-empty list of finite numbers"):
            ck.threshold_scores([1, 2], [])
