"""Tests for coursekit.migration: transition matrix and the churn warning list."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from coursekit._errors import DataError
from coursekit.migration import fallen_from, transition_matrix

ORDER = ["high-value", "potential", "general", "churning"]


@pytest.fixture
def before() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "tier": ["high-value", "high-value", "potential", "general", "churning", "general",
                     "high-value"],
            "monetary": [900.0, 800.0, 300.0, 100.0, 50.0, 80.0, 700.0],  # ignored
        },
        index=pd.Index(["c1", "c2", "c3", "c4", "c5", "c6", "c9"], name="customer_id"),
    )


@pytest.fixture
def after() -> pd.DataFrame:
    # c1 stays high, c2 high -> churning, c3 potential -> high, c4 stays general,
    # c5 gone, c6 general -> potential, c9 gone (was high), c7 and c8 new
    return pd.DataFrame(
        {"tier": ["potential", "high-value", "churning", "high-value", "general", "potential",
                  "general"]},
        index=pd.Index(["c7", "c1", "c2", "c3", "c4", "c6", "c8"], name="customer_id"),
    )


def expected_counts(rows, cols, values) -> pd.DataFrame:
    return pd.DataFrame(np.array(values, dtype="int64"),
                        index=pd.Index(rows, dtype=object, name="tier_before"),
                        columns=pd.Index(cols, dtype=object, name="tier_after"))


class TestTransitionMatrix:
    def test_hand_computed_counts(self, before, after):
        counts, _ = transition_matrix(before, after, order=ORDER)
        expected = expected_counts(
            [*ORDER, "(new)"], [*ORDER, "(gone)"],
            [
                # high potential general churning (gone)
                [1, 0, 0, 1, 1],  # high-value: c1 stays, c2 -> churning, c9 gone
                [1, 0, 0, 0, 0],  # potential: c3 -> high-value
                [0, 1, 1, 0, 0],  # general: c6 -> potential, c4 stays
                [0, 0, 0, 0, 1],  # churning: c5 gone
                [0, 1, 1, 0, 0],  # (new): c7 potential, c8 general
            ],
        )
        assert_frame_equal(counts, expected)

    def test_hand_computed_shares(self, before, after):
        _, shares = transition_matrix(before, after, order=ORDER)
        third = 1 / 3  # high-value row: 3 customers, one in each of high / churning / gone
        expected = pd.DataFrame(
            [
                [third, 0, 0, third, third],
                [1.0, 0, 0, 0, 0],
                [0, 0.5, 0.5, 0, 0],
                [0, 0, 0, 0, 1.0],
                [0, 0.5, 0.5, 0, 0],
            ],
            index=pd.Index([*ORDER, "(new)"], dtype=object, name="tier_before"),
            columns=pd.Index([*ORDER, "(gone)"], dtype=object, name="tier_after"),
            dtype="float64",
        )
        assert_frame_equal(shares, expected)
        assert np.allclose(shares.sum(axis=1), 1.0)

    def test_empty_tier_in_order_gets_zero_row_and_column(self, before, after):
        counts, shares = transition_matrix(before, after, order=[*ORDER, "dormant"])
        assert counts.loc["dormant"].sum() == 0
        assert counts["dormant"].sum() == 0
        assert (shares.loc["dormant"] == 0).all()  # zero total -> shares 0, not NaN
        assert list(counts.index) == [*ORDER, "dormant", "(new)"]
        assert list(counts.columns) == [*ORDER, "dormant", "(gone)"]

    def test_default_order_is_sorted_by_name(self, before, after):
        counts, _ = transition_matrix(before, after)
        assert list(counts.index) == ["churning", "general", "high-value", "potential", "(new)"]
        assert list(counts.columns) == ["churning", "general", "high-value", "potential", "(gone)"]
        assert counts.loc["high-value", "churning"] == 1  # c2

    def test_default_order_from_shared_categories(self, before, after):
        cat = pd.CategoricalDtype(ORDER, ordered=True)
        counts, _ = transition_matrix(before.astype({"tier": cat}), after.astype({"tier": cat}))
        assert list(counts.index) == [*ORDER, "(new)"]
        assert counts.loc["high-value", "(gone)"] == 1  # c9

    def test_row_order_does_not_matter(self, before, after):
        first = transition_matrix(before, after, order=ORDER)
        second = transition_matrix(before.iloc[::-1], after.sample(frac=1, random_state=3),
                                   order=ORDER)
        assert_frame_equal(first[0], second[0])
        assert_frame_equal(first[1], second[1])

    def test_series_input_and_other_tier_col(self, before, after):
        counts, _ = transition_matrix(before["tier"], after.rename(columns={"tier": "segment"}),
                                      tier_col="segment", order=ORDER)
        assert counts.loc["potential", "high-value"] == 1  # c3

    def test_inputs_not_mutated(self, before, after):
        copies = before.copy(), after.copy()
        transition_matrix(before, after, order=ORDER)
        assert_frame_equal(before, copies[0])
        assert_frame_equal(after, copies[1])

    @given(
        st.dictionaries(st.integers(0, 30), st.sampled_from(["a", "b", "c"]), max_size=25),
        st.dictionaries(st.integers(0, 30), st.sampled_from(["a", "b", "c"]), max_size=25),
    )
    @settings(max_examples=50, deadline=None)
    def test_counts_every_customer_once(self, old, new):
        before = pd.DataFrame({"tier": pd.Series(old, dtype=object)})
        after = pd.DataFrame({"tier": pd.Series(new, dtype=object)})
        counts, shares = transition_matrix(before, after, order=["a", "b", "c"])
        assert counts.to_numpy().sum() == len(set(old) | set(new))
        assert counts.drop(index="(new)").sum(axis=1).tolist() == [
            sum(t == tier for t in old.values()) for tier in "abc"]
        assert counts.drop(columns="(gone)").sum(axis=0).tolist() == [
            sum(t == tier for t in new.values()) for tier in "abc"]
        totals = shares.sum(axis=1)
        assert all(np.isclose(t, 1.0) or t == 0 for t in totals)

    @pytest.mark.parametrize(
        ("change", "kwargs", "match"),
        [
            (lambda b, a: (b.drop(columns="tier"), a), {}, "Required column 'tier' missing from before"),
            (lambda b, a: (b, a.rename(columns={"tier": "t"})), {},
             "Required column 'tier' missing from after"),
            (lambda b, a: (pd.concat([b, b.loc[["c2"]]]), a), {},
             "before has duplicate customer ids.*'c2'"),
            (lambda b, a: (b, pd.concat([a, a.loc[["c7"]]])), {},
             "after has duplicate customer ids.*'c7'"),
            (lambda b, a: (b, a), {"order": ["high-value", "general"]},
             r"tiers \['churning', 'potential'\] appear in the data but not in order"),
            (lambda b, a: (b, a), {"order": [*ORDER, "general"]}, "more than once.*'general'"),
            (lambda b, a: (b, a), {"order": [*ORDER, "(new)"]}, "reserved"),
            (lambda b, a: (b, a), {"order": "high-value"}, "order must be a list"),
            (lambda b, a: (b.assign(tier=[None, *b["tier"][1:]]), a), {},
             "missing tiers.*'c1'"),
            (lambda b, a: (b, a.assign(tier=["(gone)", *a["tier"][1:]])), {}, "reserved"),
            (lambda b, a: (b.to_numpy(), a), {}, "must be a pandas DataFrame"),
        ],
        ids=["no-col-before", "no-col-after", "dup-before", "dup-after", "tier-not-in-order",
             "order-repeats", "order-reserved", "order-str", "missing-tier", "reserved-tier",
             "array"],
    )
    def test_bad_input(self, before, after, change, kwargs, match):
        b, a = change(before, after)
        with pytest.raises(DataError, match=match):
            transition_matrix(b, a, **kwargs)


class TestFallenFrom:
    def test_hand_computed(self, before, after):
        # high-value before: c1 (still high), c2 (-> churning), c9 (gone)
        expected = pd.DataFrame(
            {"tier_before": ["high-value", "high-value"], "tier_after": ["churning", "(gone)"]},
            index=pd.Index(["c2", "c9"], name="customer_id"),
        )
        assert_frame_equal(fallen_from(before, after), expected, check_dtype=False)

    def test_several_high_tiers(self, before, after):
        # high = high-value + potential: c3 potential -> high-value stays within high (not listed)
        result = fallen_from(before, after, high=["high-value", "potential"])
        assert list(result.index) == ["c2", "c9"]

    def test_move_within_high_is_not_listed(self):
        before = pd.DataFrame({"tier": ["platinum", "gold"]}, index=["a", "b"])
        after = pd.DataFrame({"tier": ["gold", "silver"]}, index=["a", "b"])
        # a: platinum -> gold stays inside high; b: gold -> silver leaves it
        result = fallen_from(before, after, high=("platinum", "gold"))
        assert result.to_dict("index") == {"b": {"tier_before": "gold", "tier_after": "silver"}}

    def test_single_name_string(self, before, after):
        # "general" as a str is one tier, not the letters g, e, n, ...: c6 general -> potential
        result = fallen_from(before, after, high="general")
        assert result.to_dict("index") == {"c6": {"tier_before": "general",
                                                  "tier_after": "potential"}}

    def test_sorted_by_customer_whatever_the_row_order(self, before, after):
        first = fallen_from(before, after)
        second = fallen_from(before.iloc[::-1], after.iloc[::-1])
        assert_frame_equal(first, second)
        assert first.index.is_monotonic_increasing

    def test_nobody_fell_gives_empty_frame(self, before):
        result = fallen_from(before, before)
        assert result.empty
        assert list(result.columns) == ["tier_before", "tier_after"]

    def test_high_tier_known_from_order_may_be_empty(self, before, after):
        order = [*ORDER, "vip"]
        assert fallen_from(before, after, high=["vip"], order=order).empty

    def test_inputs_not_mutated(self, before, after):
        copies = before.copy(), after.copy()
        fallen_from(before, after)
        assert_frame_equal(before, copies[0])
        assert_frame_equal(after, copies[1])

    @pytest.mark.parametrize(
        ("change", "kwargs", "match"),
        [
            (lambda b, a: (b, a), {"high": ("High-Value",)},
             r"high tiers \['High-Value'\] do not occur in before.*'churning', 'general', "
             r"'high-value', 'potential'"),
            (lambda b, a: (b, a), {"high": []}, "non-empty"),
            (lambda b, a: (b, a), {"high": 3}, "tier name"),
            (lambda b, a: (b, a.drop(columns="tier")), {}, "Required column 'tier' missing from after"),
            (lambda b, a: (pd.concat([b, b.loc[["c1"]]]), a), {}, "duplicate customer ids.*'c1'"),
            (lambda b, a: (b, a), {"order": ["high-value"]}, "not in order"),
        ],
        ids=["typo", "empty-high", "not-a-name", "no-col", "dup", "order"],
    )
    def test_bad_input(self, before, after, change, kwargs, match):
        b, a = change(before, after)
        with pytest.raises(DataError, match=match):
            fallen_from(b, a, **kwargs)
