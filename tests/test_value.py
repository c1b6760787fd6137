"""Tests for coursekit.value: concentration, Lorenz table, Gini, ABC classes and CLV."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal, assert_series_equal

from coursekit._errors import DataError
from coursekit.value import (
    abc_classes,
    concentration,
    customer_value,
    gini,
    lorenz_table,
    retention_clv,
)

PARETO = [50, 30, 10, 5, 5]  # total 100: easy shares by hand

# Non-negative values with a positive total (hypothesis strategy).
values_strategy = st.lists(
    st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
    min_size=1, max_size=40,
).filter(lambda xs: sum(xs) > 0)


# Bad inputs shared by every function that takes one value per customer.
BAD_VALUES = [
    ([], "empty"),
    ([1.0, np.nan, 3.0], r"missing \(NaN\).*row 1"),
    (pd.Series([1.0, None], index=["c1", "c2"]), r"missing \(NaN\).*row 'c2'"),
    ([1, "x", 3], r"non-numeric.*'x'"),
    (pd.Series(["10", "20"]), "non-numeric"),
    ([True, False], "booleans"),
    ([5, -2, 3], r"non-negative.*clip\(lower=0\)"),
    (pd.Series([5.0, -2.0], index=["a", "b"]), r"negative values in 1 row: row 'b'"),
    ([0, 0, 0], "sum to zero"),
    ([1.0, np.inf], "infinite"),
    (pd.DataFrame({"monetary": [1, 2]}), "DataFrame"),
    (np.array([[1, 2], [3, 4]]), "one-dimensional"),
    ("123", "Series, list or 1-D numpy array"),
]
BAD_IDS = ["empty", "nan-list", "nan-series", "text", "numeric-text", "bool", "negative",
           "negative-label", "zero-total", "inf", "frame", "2d", "str"]


class TestConcentration:
    @pytest.mark.parametrize(
        ("values", "top", "expected"),
        [
            (PARETO, 0.2, 0.5),   # k = 0.2*5 = 1 -> 50/100
            (PARETO, 0.3, 0.65),  # k = 1.5 -> (50 + 0.5*30)/100
            (PARETO, 0.5, 0.85),  # k = 2.5 -> (50 + 30 + 0.5*10)/100
            (PARETO, 1.0, 1.0),   # everyone holds everything
            ([10, 0, 0, 0], 0.1, 0.4),  # k = 0.4 -> 0.4*10/10
            (list(range(1, 16)), 0.2, 0.35),  # k = 3 (not 3.0000000000000004) -> (15+14+13)/120
            ([4, 4, 4, 4], 0.25, 0.25),  # equal values: the top 25% hold 25%
        ],
        ids=["top20", "interpolated-top30", "interpolated-top50", "top100", "one-holds-all",
             "float-k", "equal"],
    )
    def test_hand_computed(self, values, top, expected):
        assert concentration(values, top=top) == pytest.approx(expected, abs=1e-12)

    def test_default_top_is_20_percent(self):
        assert concentration(PARETO) == pytest.approx(0.5)

    @pytest.mark.parametrize(
        "values",
        [pd.Series(PARETO, index=list("abcde")), np.array(PARETO, dtype=float), [5, 10, 50, 5, 30],
         pd.Series(PARETO, dtype="Int64")],
        ids=["series", "array", "shuffled-list", "nullable-int"],
    )
    def test_input_kinds_and_order_do_not_matter(self, values):
        # (50 + 0.5*30) / 100
        assert concentration(values, top=0.3) == pytest.approx(0.65)

    def test_input_not_mutated(self):
        values = pd.Series([5.0, 50.0, 30.0], index=[3, 1, 2])
        copy = values.copy()
        concentration(values)
        assert_series_equal(values, copy)

    @given(values_strategy, st.floats(0.01, 1.0), st.floats(0.01, 1.0))
    @settings(max_examples=60, deadline=None)
    def test_monotone_in_top_and_at_least_top(self, values, a, b):
        low, high = sorted((a, b))
        share_low, share_high = concentration(values, top=low), concentration(values, top=high)
        assert share_low <= share_high + 1e-12
        assert low - 1e-9 <= share_low <= 1 + 1e-12

    def test_tiny_values_do_not_underflow(self):
        # found by hypothesis: 0.2 × 5e-324 underflowed to 0 and the share came out 0, below `top`
        assert concentration([5e-324]) == 0.2
        assert concentration([5e-324, 5e-324, 0.0, 0.0, 0.0]) == 0.5

    @pytest.mark.parametrize("top", [0, -0.1, 1.5, float("nan"), "0.2", True],
                             ids=["zero", "negative", "above-one", "nan", "text", "bool"])
    def test_bad_top(self, top):
        with pytest.raises(DataError, match="top must be"):
            concentration(PARETO, top=top)

    @pytest.mark.parametrize(("values", "match"), BAD_VALUES, ids=BAD_IDS)
    def test_bad_values(self, values, match):
        with pytest.raises(DataError, match=match):
            concentration(values)


class TestLorenzTable:
    def test_hand_computed(self):
        values = pd.Series([5, 50, 10, 30, 5], index=["e", "a", "c", "b", "d"], name="monetary")
        expected = pd.DataFrame(
            {
                "value": [50.0, 30.0, 10.0, 5.0, 5.0],
                "customer_share": [0.2, 0.4, 0.6, 0.8, 1.0],  # k / 5
                "value_share": [0.5, 0.8, 0.9, 0.95, 1.0],    # 50, 80, 90, 95, 100 of 100
            },
            index=["a", "b", "c", "d", "e"],  # ties d/e (both 5) by label ascending
        )
        assert_frame_equal(lorenz_table(values), expected, check_names=False)

    def test_ties_by_label_whatever_the_row_order(self):
        first = lorenz_table(pd.Series([1, 1, 1], index=["b", "c", "a"]))
        second = lorenz_table(pd.Series([1, 1, 1], index=["c", "a", "b"]))
        assert list(first.index) == ["a", "b", "c"]
        assert_frame_equal(first, second)

    def test_list_gets_positions_as_index(self):
        table = lorenz_table([1, 3])  # 3 (position 1) first: 3/4, then 4/4
        assert list(table.index) == [1, 0]
        assert table["value_share"].tolist() == [0.75, 1.0]

    def test_input_not_mutated(self):
        values = pd.Series([2.0, 8.0], index=["x", "y"])
        copy = values.copy()
        lorenz_table(values)
        assert_series_equal(values, copy)

    @given(values_strategy)
    @settings(max_examples=60, deadline=None)
    def test_last_row_is_one_and_shares_increase(self, values):
        table = lorenz_table(values)
        assert table["value_share"].iloc[-1] == 1.0
        assert table["customer_share"].iloc[-1] == 1.0
        assert table["value_share"].is_monotonic_increasing
        assert table["value"].is_monotonic_decreasing
        # the curve is concave: the value share is never below the customer share
        assert (table["value_share"] >= table["customer_share"] - 1e-9).all()

    @pytest.mark.parametrize(("values", "match"), BAD_VALUES, ids=BAD_IDS)
    def test_bad_values(self, values, match):
        with pytest.raises(DataError, match=match):
            lorenz_table(values)


class TestGini:
    @pytest.mark.parametrize(
        ("values", "expected"),
        [
            ([1, 2, 3, 4], 0.25),       # 2*(1+4+9+16)/(4*10) - 5/4 = 1.5 - 1.25
            ([7, 7, 7], 0.0),           # all equal
            ([0, 0, 0, 10], 0.75),      # 2*(4*10)/(4*10) - 5/4 = (n-1)/n
            ([3, 1], 0.25),             # ascending 1, 3: 2*(1 + 6)/(2*4) - 3/2 = 1.75 - 1.5
            ([42], 0.0),                # one customer: 2*42/42 - 2
        ],
        ids=["1234", "equal", "one-holds-all", "two", "single"],
    )
    def test_hand_computed(self, values, expected):
        assert gini(values) == pytest.approx(expected, abs=1e-12)

    def test_equal_values_give_exactly_zero(self):
        assert gini([0.1] * 7) == 0.0

    @given(values_strategy, st.randoms(use_true_random=False))
    @settings(max_examples=60, deadline=None)
    def test_in_unit_interval_and_order_free(self, values, rng):
        g = gini(values)
        assert 0 <= g < 1
        assert g <= (len(values) - 1) / len(values) + 1e-12
        shuffled = values[:]
        rng.shuffle(shuffled)
        assert gini(shuffled) == pytest.approx(g, abs=1e-12)

    @pytest.mark.parametrize(("values", "match"), BAD_VALUES, ids=BAD_IDS)
    def test_bad_values(self, values, match):
        with pytest.raises(DataError, match=match):
            gini(values)


class TestAbcClasses:
    def test_hand_computed(self):
        values = pd.Series(PARETO, index=["c1", "c2", "c3", "c4", "c5"])
        # share_above: 50 -> 0; 30 -> 50/100 = .5; 10 -> 80/100 = .8 (not < .8: B);
        # 5 -> 90/100 = .9 (< .95: B) for both fives
        expected = pd.Series(pd.Categorical(["A", "A", "B", "B", "B"], categories=["A", "B", "C"],
                                            ordered=True),
                             index=values.index, name="abc_class")
        assert_series_equal(abc_classes(values), expected)

    def test_c_class(self):
        # 90, 6, 3, 1 of 100: share_above = 0, .9, .96, .99 -> A, B, C, C
        assert abc_classes([90, 6, 3, 1]).tolist() == ["A", "B", "C", "C"]

    def test_ties_share_a_class(self):
        # 40, 40, 20: share_above = 0, 0, 80/100 -> A, A, B (both 40s A, whatever the order)
        assert abc_classes([40, 20, 40]).tolist() == ["A", "B", "A"]

    def test_float_rounding_does_not_flip_a_class(self):
        # share_above(0.2) = (0.6 + 0.6) / 1.5 = 0.8 exactly; in floats 1.2/1.5 = 0.7999999999999999
        # share_above(0.1) = 1.4 / 1.5 = 0.933 -> B
        assert abc_classes([0.6, 0.6, 0.2, 0.1]).tolist() == ["A", "A", "B", "B"]

    def test_custom_cutoffs_and_labels(self):
        # cutoffs (.5,): 50 -> 0 < .5 top; 30 -> .5 not < .5 rest
        result = abc_classes(PARETO, cutoffs=(0.5,), labels=("top", "rest"))
        assert result.tolist() == ["top", "rest", "rest", "rest", "rest"]
        assert list(result.cat.categories) == ["top", "rest"]

    def test_zero_values_are_last_class(self):
        # 100, 0, 0: share_above(0) = 100/100 = 1 -> C
        assert abc_classes([100, 0, 0]).tolist() == ["A", "C", "C"]

    @given(values_strategy, st.randoms(use_true_random=False))
    @settings(max_examples=60, deadline=None)
    def test_order_free_and_equal_values_equal_classes(self, values, rng):
        series = pd.Series(values, index=range(len(values)))
        classes = abc_classes(series)
        shuffled_index = list(series.index)
        rng.shuffle(shuffled_index)
        again = abc_classes(series.loc[shuffled_index]).loc[series.index]
        assert_series_equal(classes, again)
        by_value = pd.DataFrame({"v": series, "c": classes.astype(str)}).groupby("v")["c"].nunique()
        assert (by_value == 1).all()
        # the largest value is always A
        assert classes.loc[series.idxmax()] == "A"

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"cutoffs": (0.95, 0.8)}, "strictly increasing"),
            ({"cutoffs": (0.8, 0.8)}, "strictly increasing"),
            ({"cutoffs": (0.8, 1.0)}, "strictly between 0 and 1"),
            ({"cutoffs": (0.0, 0.5)}, "strictly between 0 and 1"),
            ({"cutoffs": 0.8}, "sequence"),
            ({"cutoffs": ()}, "empty"),
            ({"labels": ("A", "B")}, "one more name than cutoffs"),
            ({"labels": ("A", "A", "C")}, "distinct"),
            ({"labels": "ABC"}, "sequence of class names"),
        ],
        ids=["decreasing", "equal", "one", "zero", "scalar", "empty", "labels-short",
             "labels-repeat", "labels-str"],
    )
    def test_bad_options(self, kwargs, match):
        with pytest.raises(DataError, match=match):
            abc_classes(PARETO, **kwargs)

    @pytest.mark.parametrize(("values", "match"), BAD_VALUES, ids=BAD_IDS)
    def test_bad_values(self, values, match):
        with pytest.raises(DataError, match=match):
            abc_classes(values)


class TestRetentionClv:
    @pytest.mark.parametrize(
        ("m", "r", "d", "expected"),
        [
            (100, 0.8, 0.1, 800 / 3),   # 100*0.8 / (1 + 0.1 - 0.8) = 80/0.3 = 266.67
            (100, 0.5, 0.0, 100.0),     # 50 / 0.5
            (100, 0.0, 0.1, 0.0),       # nobody stays: no future margin
            (60, 0.9, 0.2, 180.0),      # 54 / 0.3
            (-10, 0.5, 0.0, -10.0),     # a loss-making customer: -5 / 0.5
        ],
        ids=["seed-example", "no-discount", "no-retention", "r90-d20", "negative-margin"],
    )
    def test_hand_computed(self, m, r, d, expected):
        assert retention_clv(m, r, d) == pytest.approx(expected)

    def test_rounds_to_hand_value(self):
        assert round(retention_clv(100, retention=0.8, discount=0.1), 2) == 266.67

    def test_closed_form_equals_the_series(self):
        # sum_{t=1..2000} m r^t / (1+d)^t converges to m r / (1 + d - r)
        m, r, d = 100.0, 0.8, 0.1
        partial = sum(m * r**t / (1 + d) ** t for t in range(1, 2001))
        assert retention_clv(m, r, d) == pytest.approx(partial, rel=1e-12)

    def test_returns_float_for_scalars(self):
        assert type(retention_clv(np.int64(100), np.float64(0.8), 0.1)) is float

    def test_elementwise_on_series(self):
        margin = pd.Series([100.0, 60.0], index=["a", "b"])
        retention = pd.Series([0.8, 0.9], index=["a", "b"])
        # a: 80/0.3 = 266.67; b: 54/0.2 = 270
        expected = pd.Series([800 / 3, 270.0], index=["a", "b"], name="clv")
        assert_series_equal(retention_clv(margin, retention, 0.1), expected)

    @pytest.mark.parametrize(
        ("args", "match"),
        [
            ((100, 1.0, 0.1), "0 <= retention < 1"),
            ((100, -0.1, 0.1), "0 <= retention < 1"),
            ((100, pd.Series([0.5, 1.2]), 0.1), r"retention.*row 1"),
            ((100, 0.8, -0.01), "discount must be a rate >= 0"),
            ((float("nan"), 0.8, 0.1), "margin must be a finite number"),
            (("100", 0.8, 0.1), "margin must be a finite number"),
            ((100, True, 0.1), "retention must be a finite number"),
            ((pd.Series([1.0, np.nan]), 0.8, 0.1), "margin has missing"),
            ((pd.Series(["a"]), 0.8, 0.1), "margin must be numeric"),
            ((pd.Series([1.0], index=["a"]), pd.Series([0.5], index=["b"]), 0.1),
             "different indexes"),
        ],
        ids=["r-one", "r-negative", "r-series", "d-negative", "m-nan", "m-text", "r-bool",
             "m-series-nan", "m-series-text", "misaligned"],
    )
    def test_bad_input(self, args, match):
        with pytest.raises(DataError, match=match):
            retention_clv(*args)


@pytest.fixture
def rfm() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "monetary": [1000.0, 100.0, -50.0, 0.0],
            "tenure_days": [730, 30, 400, 365],
            "frequency": [5, 1, 2, 1],  # extra columns are ignored
        },
        index=pd.Index(["c1", "c2", "c3", "c4"], name="customer_id"),
    )


class TestCustomerValue:
    def test_hand_computed(self, rfm):
        # margin_rate .3, r .8, d .1 -> future = m * .8/.3
        # c1: hv 300; per year 300*365/730 = 150; future 150*.8/.3 = 400;   clv 700
        # c2: hv 30;  per year 30*365/max(30, 365) = 30; future 80;          clv 110
        # c3: hv -15; per year -15*365/400 = -13.6875 -> -13.69; future 0 (clipped); clv -15
        # c4: hv 0;   per year 0; future 0; clv 0
        expected = pd.DataFrame(
            {
                "historical_value": [300.0, 30.0, -15.0, 0.0],
                "margin_per_period": [150.0, 30.0, -13.69, 0.0],
                "future_value": [400.0, 80.0, 0.0, 0.0],
                "clv": [700.0, 110.0, -15.0, 0.0],
            },
            index=rfm.index,
        )
        result = customer_value(rfm, margin_rate=0.3, retention=0.8, discount=0.1)
        assert_frame_equal(result, expected)

    def test_monthly_periods_and_rounding(self):
        rfm = pd.DataFrame({"monetary": [600.0], "tenure_days": [90]}, index=[7])
        # hv = 600*.5 = 300; per 30-day period 300*30/90 = 100; future 100*.8/.3 = 266.666.. -> 266.67
        # clv = 300 + 266.67 = 566.67
        result = customer_value(rfm, margin_rate=0.5, retention=0.8, discount=0.1, period_days=30)
        assert result.loc[7].tolist() == [300.0, 100.0, 266.67, 566.67]

    def test_clv_adds_up_as_shown(self):
        rfm = pd.DataFrame({"monetary": [123.45, 999.99, 10.01], "tenure_days": [1000, 500, 3]})
        result = customer_value(rfm, margin_rate=0.37, retention=0.73, discount=0.08)
        assert (result["clv"] == (result["historical_value"] + result["future_value"]).round(2)).all()
        assert (result.round(2) == result).all().all()

    def test_retention_per_customer(self, rfm):
        retention = pd.Series([0.8, 0.5, 0.8, 0.8], index=rfm.index)
        result = customer_value(rfm, margin_rate=0.3, retention=retention, discount=0.1)
        # c2: 30 * .5 / (1.1 - .5) = 25
        assert result.loc["c2", "future_value"] == 25.0
        assert result.loc["c1", "future_value"] == 400.0

    def test_input_not_mutated_and_index_kept(self, rfm):
        copy = rfm.copy()
        result = customer_value(rfm, margin_rate=0.3, retention=0.8, discount=0.1)
        assert_frame_equal(rfm, copy)
        assert result.index.equals(rfm.index)
        assert list(result.columns) == ["historical_value", "margin_per_period", "future_value",
                                        "clv"]

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"margin_rate": 0}, r"margin_rate must be in \(0, 1\]"),
            ({"margin_rate": 1.5}, r"margin_rate must be in \(0, 1\]"),
            ({"margin_rate": "0.3"}, "margin_rate must be a number"),
            ({"period_days": 0}, "period_days must be a positive number"),
            ({"period_days": -30}, "period_days must be a positive number"),
            ({"retention": 1.0}, "0 <= retention < 1"),
            ({"discount": -0.1}, "discount must be a rate"),
            ({"retention": pd.Series([0.5], index=["zz"])}, "index differs from rfm"),
        ],
        ids=["margin-zero", "margin-above-one", "margin-text", "period-zero", "period-negative",
             "retention-one", "discount-negative", "retention-misaligned"],
    )
    def test_bad_options(self, rfm, kwargs, match):
        options = {"margin_rate": 0.3, "retention": 0.8, "discount": 0.1} | kwargs
        with pytest.raises(DataError, match=match):
            customer_value(rfm, **options)

    @pytest.mark.parametrize(
        ("change", "match"),
        [
            (lambda f: f.drop(columns="tenure_days"), "Required column 'tenure_days' missing from rfm"),
            (lambda f: f.drop(columns="monetary"), "Required column 'monetary' missing from rfm"),
            (lambda f: f.assign(monetary=[1.0, np.nan, 2.0, 3.0]), r"'monetary' has missing.*'c2'"),
            (lambda f: f.assign(monetary=["1", "2", "3", "4"]), "'monetary' must be numeric"),
            (lambda f: f.assign(tenure_days=[1, -5, 2, 3]), r"'tenure_days' must be >= 0.*'c2'"),
            (lambda f: f["monetary"], "rfm must be a pandas DataFrame"),
        ],
        ids=["no-tenure", "no-monetary", "nan-monetary", "text-monetary", "negative-tenure",
             "series"],
    )
    def test_bad_rfm(self, rfm, change, match):
        with pytest.raises(DataError, match=match):
            customer_value(change(rfm), margin_rate=0.3, retention=0.8, discount=0.1)

