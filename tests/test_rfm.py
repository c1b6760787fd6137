"""rfm_table, quantile_scores, threshold_scores and ahp_weights against hand-computed values."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import coursekit as ck
from coursekit import CoursekitWarning, DataError

AS_OF = "2024-04-01"


def _hand_table() -> pd.DataFrame:
    # recency (days to 2024-04-01): C1 03-30 → 2; C2 last *purchase* 01-15 → 16+29+31 = 77 (the
    # return on 03-20 does not count); C3 03-25 → 7; C4 2023-12-01 → 31+31+29+31 = 122; C5 → 1.
    # frequency (distinct purchase orders): C1 {O1, O2} = 2; C2 {O3} = 1 (R1 is a return);
    # C3 {O4, O5, O6} = 3 (the zero-value order counts); C4 1; C5 1.
    # monetary (net): C1 50 + 25.5 + 100 = 175.5; C2 300 − 300 = 0; C3 100; C4 500; C5 10.
    # tenure (first purchase to as_of): C1 02-01 → 29+31 = 60; C2 77; C3 03-01 → 31; C4 122; C5 1.
    # scores, n = 5: score = 1 + floor(5 × strictly worse / 5) = 1 + strictly worse.
    #   r (worse = more days): C1 3 worse → 4, C2 1 → 2, C3 2 → 3, C4 0 → 1, C5 4 → 5
    #   f (worse = fewer):     C1 3 → 4, C2 0 → 1, C3 4 → 5, C4 0 → 1, C5 0 → 1
    #   m (worse = less):      C1 3 → 4, C2 0 → 1, C3 2 → 3, C4 4 → 5, C5 1 → 2
    return pd.DataFrame(
        {
            "recency_days": [2, 77, 7, 122, 1],
            "frequency": [2, 1, 3, 1, 1],
            "monetary": [175.5, 0.0, 100.0, 500.0, 10.0],
            "tenure_days": [60, 77, 31, 122, 1],
            "r_score": [4, 2, 3, 1, 5],
            "f_score": [4, 1, 5, 1, 1],
            "m_score": [4, 1, 3, 5, 2],
            "rfm_code": ["444", "211", "353", "115", "512"],
            "rfm_score": [12, 4, 11, 7, 8],
        },
        index=pd.Index(["C1", "C2", "C3", "C4", "C5"], name="customer_id"),
    )


class TestDefinitions:
    def test_hand_computed_table(self, shop):
        result = ck.rfm_table(shop, as_of=AS_OF, order_col="order_id")
        assert_frame_equal(result, _hand_table(), check_dtype=False)

    def test_dtypes_are_plain_numbers(self, shop):
        result = ck.rfm_table(shop, as_of=AS_OF, order_col="order_id")
        for column in ("recency_days", "frequency", "tenure_days", "r_score", "f_score", "m_score", "rfm_score"):
            assert result[column].dtype == np.int64, column
        assert result["monetary"].dtype == np.float64

    def test_default_as_of_is_day_after_latest_order(self, shop):
        # latest order 2024-03-31 → as_of 2024-04-01, the same table as the explicit date
        result = ck.rfm_table(shop, order_col="order_id")
        assert result.attrs["as_of"] == pd.Timestamp("2024-04-01")
        assert_frame_equal(result, ck.rfm_table(shop, as_of=AS_OF, order_col="order_id"))

    def test_as_of_and_bins_recorded(self, shop):
        result = ck.rfm_table(shop, as_of="2024-05-01", order_col="order_id", bins=3)
        assert result.attrs == {"as_of": pd.Timestamp("2024-05-01"), "bins": 3}
        assert result.loc["C5", "recency_days"] == 31  # 2024-03-31 → 2024-05-01

    def test_without_order_column_each_purchase_row_is_an_order(self, shop):
        # C1 has three purchase rows (O1 has two lines); the return row of C2 is still not counted
        result = ck.rfm_table(shop, as_of=AS_OF)
        assert result["frequency"].to_dict() == {"C1": 3, "C2": 1, "C3": 3, "C4": 1, "C5": 1}

    def test_date_strings_are_parsed(self, shop):
        text = shop.assign(order_date=shop["order_date"].dt.strftime("%Y-%m-%d"))
        assert_frame_equal(ck.rfm_table(text, as_of=AS_OF, order_col="order_id"), _hand_table(),
                           check_dtype=False)

    def test_time_zone_aware_dates_use_local_calendar_date(self, shop):
        aware = shop.assign(order_date=shop["order_date"].dt.tz_localize("Asia/Shanghai"))
        assert_frame_equal(ck.rfm_table(aware, as_of=AS_OF, order_col="order_id"), _hand_table(),
                           check_dtype=False)

    def test_custom_column_names(self, shop):
        renamed = shop.rename(columns={"customer_id": "客户号", "order_date": "日期", "amount": "金额",
                                       "order_id": "订单号"})
        result = ck.rfm_table(renamed, as_of=AS_OF, customer_col="客户号", date_col="日期",
                              amount_col="金额", order_col="订单号")
        expected = _hand_table()
        expected.index.name = "客户号"
        assert_frame_equal(result, expected, check_dtype=False)

    def test_integer_ids_give_the_same_table_as_string_ids(self, shop):
        numbered = shop.assign(customer_id=shop["customer_id"].str[1:].astype(int) * 1000)
        result = ck.rfm_table(numbered, as_of=AS_OF, order_col="order_id")
        expected = _hand_table()
        expected.index = pd.Index([1000, 2000, 3000, 4000, 5000], name="customer_id")
        assert_frame_equal(result, expected, check_dtype=False)

    def test_sparse_integer_ids(self, shop):
        # ids far apart (not a dense range) take the hashing path and give the same answer
        sparse = shop.assign(customer_id=shop["customer_id"].str[1:].astype(np.int64) * 10**15)
        result = ck.rfm_table(sparse, as_of=AS_OF, order_col="order_id")
        assert result["rfm_code"].tolist() == ["444", "211", "353", "115", "512"]
        assert result.index.tolist() == [k * 10**15 for k in range(1, 6)]

    def test_input_is_not_modified(self, shop):
        before = shop.copy()
        ck.rfm_table(shop, as_of=AS_OF, order_col="order_id")
        assert_frame_equal(shop, before)

    def test_order_id_reused_by_two_customers_counts_per_customer(self):
        # order numbers restart per customer: A has orders 1, 2; B has orders 1, 1 (one order, two lines)
        tx = pd.DataFrame({"customer_id": ["A", "A", "B", "B"], "order_id": [1, 2, 1, 1],
                           "order_date": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-03"],
                           "amount": [10.0, 20.0, 5.0, 6.0]})
        result = ck.rfm_table(tx, order_col="order_id")
        assert result["frequency"].to_dict() == {"A": 2, "B": 1}

    def test_sub_cent_amounts_are_summed_then_rounded(self):
        # 0.333 + 0.333 + 0.333 = 0.999 → 1.0 at cents; 1.0005 → 1.0
        tx = pd.DataFrame({"customer_id": ["A", "A", "A", "B"], "order_date": ["2024-01-01"] * 4,
                           "amount": [0.333, 0.333, 0.333, 1.0005]})
        result = ck.rfm_table(tx, duplicates="keep")
        assert result["monetary"].to_dict() == {"A": 1.0, "B": 1.0}

    def test_monetary_sums_exactly_in_cents(self):
        # 0.1 + 0.2 is 0.30000000000000004 in floating point; in cents it is exactly 30
        tx = pd.DataFrame({"customer_id": ["A", "A", "B"], "order_id": [1, 2, 3],
                           "order_date": ["2024-01-01", "2024-01-02", "2024-01-02"],
                           "amount": [0.1, 0.2, 0.3]})
        result = ck.rfm_table(tx, order_col="order_id")
        assert result.loc["A", "monetary"] == 0.3
        assert result.loc["A", "m_score"] == result.loc["B", "m_score"]  # equal money, equal score

    def test_customer_with_only_returns_is_left_out_with_a_warning(self, shop):
        extra = pd.DataFrame({"customer_id": ["C9"], "order_id": ["R9"],
                              "order_date": pd.to_datetime(["2024-03-10"]), "amount": [-20.0]})
        with pytest.warns(CoursekitWarning, match=r"1 customer\(s\) have only returns.*'C9'"):
            result = ck.rfm_table(pd.concat([shop, extra], ignore_index=True), as_of=AS_OF,
                                  order_col="order_id")
        assert "C9" not in result.index
        assert_frame_equal(result, _hand_table(), check_dtype=False)

    def test_bins_ten_codes_are_joined_with_dashes(self):
        tx = pd.DataFrame({"customer_id": list(range(20)),
                           "order_date": pd.date_range("2024-01-01", periods=20),
                           "amount": np.arange(1.0, 21.0)})
        result = ck.rfm_table(tx, bins=10)
        # customer 19: latest, 20.00 → r 10, f 1 (all tied at one order), m 10
        assert result.loc[19, "rfm_code"] == "10-1-10"
        assert result.loc[0, "rfm_code"] == "1-1-1"


class TestDuplicates:
    def test_keep_counts_repeated_rows(self, shop):
        doubled = pd.concat([shop, shop.iloc[[9]]], ignore_index=True)  # C5's order twice
        result = ck.rfm_table(doubled, as_of=AS_OF, duplicates="keep")
        assert result.loc["C5", "frequency"] == 2
        assert result.loc["C5", "monetary"] == 20.0

    def test_drop_keeps_the_first(self, shop):
        doubled = pd.concat([shop, shop.iloc[[9]]], ignore_index=True)
        result = ck.rfm_table(doubled, as_of=AS_OF, order_col="order_id", duplicates="drop")
        assert_frame_equal(result, _hand_table(), check_dtype=False)

    def test_rows_differing_in_another_column_are_not_duplicates(self, shop):
        # two lines of one order with the same price but different products are genuine
        lines = shop.assign(product=[f"P{i}" for i in range(len(shop))])
        twin = lines.iloc[[0]].assign(product="P99")
        result = ck.rfm_table(pd.concat([lines, twin], ignore_index=True), as_of=AS_OF,
                              order_col="order_id")
        assert result.loc["C1", "monetary"] == 225.5


class TestQuantileScores:
    def test_continuous_values_fill_every_level_equally(self):
        values = np.random.default_rng(3).lognormal(3, 1, 10_007)
        shares = pd.Series(ck.quantile_scores(values)).value_counts(normalize=True)
        assert sorted(shares.index) == [1, 2, 3, 4, 5]
        assert (shares - 0.2).abs().max() <= 0.03
        assert (shares * 10_007 - 10_007 / 5).abs().max() <= 1  # in fact within one customer

    def test_heavy_ties_half_bought_once(self):
        # 50% bought once, 20% twice, 10% three times, 20% more: qcut cannot even make edges
        freq = pd.Series([1] * 50 + [2] * 20 + [3] * 10 + list(range(4, 24)))
        with pytest.raises(ValueError, match="Bin edges must be unique"):
            pd.qcut(freq, 5, labels=False)
        scores = ck.quantile_scores(freq)
        # F=1: 0 strictly worse → 1; F=2: 50 worse → 1 + 5·50//100 = 3; F=3: 70 → 4;
        # F=4: 80 → 5; every F ≥ 4 → 5. Level 2 stays empty rather than splitting a tie.
        assert scores[freq == 1].unique().tolist() == [1]
        assert scores[freq == 2].unique().tolist() == [3]
        assert scores[freq == 3].unique().tolist() == [4]
        assert scores[freq >= 4].unique().tolist() == [5]

    def test_lower_is_better_reverses(self):
        assert ck.quantile_scores([1, 10, 100], bins=3, higher_is_better=False).tolist() == [3, 2, 1]

    def test_keeps_the_index(self):
        s = pd.Series([5.0, 1.0], index=["x", "y"], name="monetary")
        result = ck.quantile_scores(s, bins=2)
        assert result.to_dict() == {"x": 2, "y": 1}
        assert result.name == "monetary"


class TestThresholds:
    def test_threshold_scores_by_hand(self):
        # edges [2, 3, 5, 10]: 1 → 1; 2 → 2; 3, 4 → 3; 5..9 → 4; ≥ 10 → 5
        assert ck.threshold_scores([1, 2, 3, 4, 5, 9, 10, 50], [2, 3, 5, 10]).tolist() == [1, 2, 3, 3, 4, 4, 5, 5]
        # recency edges [30, 90, 180, 365]: ≤ 30 → 5; 31–90 → 4; 91–180 → 3; 181–365 → 2; > 365 → 1
        assert ck.threshold_scores([0, 30, 31, 90, 91, 365, 366], [30, 90, 180, 365],
                                   higher_is_better=False).tolist() == [5, 5, 4, 4, 3, 2, 1]

    def test_rfm_table_with_business_thresholds(self, shop):
        result = ck.rfm_table(shop, as_of=AS_OF, order_col="order_id", bins=3,
                              thresholds={"recency_days": [7, 90], "monetary": [50, 200]})
        # recency 2, 77, 7, 122, 1 with edges [7, 90] → 3, 2, 3, 1, 3
        assert result["r_score"].tolist() == [3, 2, 3, 1, 3]
        # monetary 175.5, 0, 100, 500, 10 with edges [50, 200] → 2, 1, 2, 3, 1
        assert result["m_score"].tolist() == [2, 1, 2, 3, 1]
        # frequency still by quantiles (bins=3): 2, 1, 3, 1, 1 → worse counts 3, 0, 4, 0, 0
        # → 1 + 3·3//5 = 2, 1, 1 + 12//5 = 3, 1, 1
        assert result["f_score"].tolist() == [2, 1, 3, 1, 1]


class TestWeights:
    def test_weighted_score_by_hand(self, shop):
        result = ck.rfm_table(shop, as_of=AS_OF, order_col="order_id",
                              weights={"r": 2, "f": 1, "m": 1})
        # weights scale to 0.5, 0.25, 0.25. C1 (4,4,4) → 4.0; C2 (2,1,1) → 1.5; C3 (3,5,3) → 3.5;
        # C4 (1,1,5) → 2.0; C5 (5,1,2) → 3.25
        assert result["weighted_score"].tolist() == [4.0, 1.5, 3.5, 2.0, 3.25]
        assert result.attrs["weights"] == {"r": 0.5, "f": 0.25, "m": 0.25}

    def test_ahp_textbook_example(self):
        # Saaty-style 3×3: R vs F = 3, R vs M = 5, F vs M = 3. Principal eigenvector
        # (0.637, 0.258, 0.105), lambda_max 3.0385, CI = 0.0385/2 = 0.0193, CR = 0.0193/0.58 = 0.033
        w = ck.ahp_weights([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
        assert {k: round(v, 3) for k, v in w.weights.items()} == {"r": 0.637, "f": 0.258, "m": 0.105}
        assert round(w.lambda_max, 4) == 3.0385
        assert round(w.consistency_index, 4) == 0.0193
        assert round(w.consistency_ratio, 3) == 0.033
        assert w.consistent

    def test_ahp_consistent_matrix_weights_by_hand(self):
        # a[i][j] = w_i / w_j with w = (4, 2, 1)/7 exactly
        w = ck.ahp_weights(pd.DataFrame([[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]],
                                        index=["R", "F", "M"], columns=["R", "F", "M"]))
        assert w.weights == pytest.approx({"R": 4 / 7, "F": 2 / 7, "M": 1 / 7})
        assert w.consistency_ratio == pytest.approx(0.0, abs=1e-9)

    def test_ahp_inconsistent_matrix_warns(self):
        # R > F (9), F > M (9), but M > R (9): circular judgements
        with pytest.warns(CoursekitWarning, match="consistency ratio"):
            w = ck.ahp_weights([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
        assert not w.consistent

    def test_ahp_weights_feed_rfm_table(self, shop):
        w = ck.ahp_weights([[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]])
        result = ck.rfm_table(shop, as_of=AS_OF, order_col="order_id", weights=w)
        # C1 (4,4,4) → 4; C4 (1,1,5) → 4/7 + 2/7 + 5/7 = 11/7 = 1.5714
        assert result.loc["C1", "weighted_score"] == 4.0
        assert result.loc["C4", "weighted_score"] == 1.5714

    @pytest.mark.parametrize(
        "matrix, message",
        [([[1, 2], [0.5, 1], [1, 1]], "square"),
         ([[1, 2, 3], [0.5, 1, 2], [1 / 3, 0.4, 1]], r"pairwise\[2\]\[1\].*reciprocal"),
         ([[2, 1, 1], [1, 1, 1], [1, 1, 1]], r"pairwise\[0\]\[0\].*diagonal"),
         ([[1, -2, 1], [-0.5, 1, 1], [1, 1, 1]], "positive")],
        ids=["not-square", "not-reciprocal", "diagonal", "negative"],
    )
    def test_ahp_bad_matrix(self, matrix, message):
        with pytest.raises(DataError, match=message):
            ck.ahp_weights(matrix)


def test_no_warnings_on_clean_data(shop):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ck.rfm_table(shop, as_of=AS_OF, order_col="order_id")
