"""Tests for coursekit.privacy: keyed-hash pseudonymisation of customer ids."""

from __future__ import annotations

import hashlib
import hmac
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal, assert_series_equal

from coursekit._errors import DataError
from coursekit.privacy import _check_collisions, pseudonymise

KEY = "workshop-test-key-0001"  # 22 characters; a test key, not a secret


def hand_token(customer_id: str, key: str = KEY, *, prefix: str = "C", length: int = 12) -> str:
    """The definition, written out with the standard library only."""
    digest = hmac.new(key.encode("utf-8"), customer_id.encode("utf-8"), hashlib.sha256)
    return prefix + digest.hexdigest()[:length]


class TestToken:
    def test_matches_hmac_sha256_by_hand(self):
        assert pseudonymise("12345", KEY) == hand_token("12345")

    def test_int_id_is_hashed_as_its_text(self):
        # str(12345) == "12345"
        assert pseudonymise(12345, KEY) == hand_token("12345")

    def test_pinned_value_is_stable_across_machines(self):
        # HMAC-SHA256(b"demo-key-not-a-real-secret", b"12345") starts with e1a7f482c4fb
        assert pseudonymise(12345, "demo-key-not-a-real-secret") == "Ce1a7f482c4fb"

    @pytest.mark.parametrize(
        ("prefix", "length"),
        [("C", 8), ("X-", 20), ("", 64)],
        ids=["shortest", "custom-prefix", "full-digest"],
    )
    def test_prefix_and_length(self, prefix, length):
        token = pseudonymise("abc", KEY, prefix=prefix, length=length)
        assert token == hand_token("abc", prefix=prefix, length=length)
        assert len(token) == len(prefix) + length

    def test_bytes_key_equals_its_str(self):
        assert pseudonymise(7, KEY.encode("utf-8")) == pseudonymise(7, KEY)

    def test_non_ascii_id_and_key(self):
        key = "密钥-不要写在笔记本里-0123"  # 18 characters
        assert len(key) >= 16
        assert pseudonymise("客户-001", key) == hand_token("客户-001", key)

    def test_whole_float_is_hashed_like_the_int(self):
        # an id column read as float (7.0) must give the same token as 7
        assert pseudonymise(7.0, KEY) == pseudonymise(7, KEY) == hand_token("7")
        assert pseudonymise(np.int64(7), KEY) == hand_token("7")
        assert pseudonymise(7.5, KEY) == hand_token("7.5")

    def test_stable_across_calls(self):
        assert pseudonymise(["a", "b"], KEY) == pseudonymise(["a", "b"], KEY)

    def test_key_sensitivity(self):
        assert pseudonymise("a", KEY) != pseudonymise("a", KEY + "x")

    @given(st.text(min_size=1).filter(lambda s: s.strip() != ""), st.integers(8, 64))
    @settings(max_examples=60, deadline=None)
    def test_format_and_definition(self, customer_id, length):
        token = pseudonymise(customer_id, KEY, length=length)
        assert re.fullmatch(rf"C[0-9a-f]{{{length}}}", token)
        assert token == hand_token(customer_id, length=length)


class TestContainers:
    def test_series_keeps_index_and_name(self):
        ids = pd.Series([101, 102, 101], index=["r1", "r2", "r3"], name="customer_id")
        copy = ids.copy()
        result = pseudonymise(ids, KEY)
        expected = pd.Series([hand_token("101"), hand_token("102"), hand_token("101")],
                             index=["r1", "r2", "r3"], name="customer_id")
        assert_series_equal(result, expected, check_dtype=False)
        assert_series_equal(ids, copy)  # input not mutated

    def test_frame_column(self):
        orders = pd.DataFrame({"customer_id": [1, 2, 1], "amount": [9.5, 20.0, 3.0]},
                              index=[10, 11, 12])
        copy = orders.copy()
        result = pseudonymise(orders, KEY, column="customer_id")
        assert result["customer_id"].tolist() == [hand_token("1"), hand_token("2"), hand_token("1")]
        assert_series_equal(result["amount"], orders["amount"])
        assert list(result.columns) == ["customer_id", "amount"]
        assert result.index.equals(orders.index)
        assert_frame_equal(orders, copy)  # input not mutated

    def test_frame_index(self):
        rfm = pd.DataFrame({"monetary": [5.0, 6.0]},
                           index=pd.Index(["c1", "c2"], name="customer_id"))
        copy = rfm.copy()
        result = pseudonymise(rfm, KEY)
        assert result.index.tolist() == [hand_token("c1"), hand_token("c2")]
        assert result.index.name == "customer_id"
        assert result["monetary"].tolist() == [5.0, 6.0]
        assert_frame_equal(rfm, copy)

    @pytest.mark.parametrize(
        "ids", [["a", "b"], ("a", "b"), np.array(["a", "b"])], ids=["list", "tuple", "array"])
    def test_sequences_give_lists(self, ids):
        assert pseudonymise(ids, KEY) == [hand_token("a"), hand_token("b")]

    def test_index(self):
        result = pseudonymise(pd.Index([3, 4], name="cid"), KEY)
        assert isinstance(result, pd.Index)
        assert result.name == "cid"
        assert result.tolist() == [hand_token("3"), hand_token("4")]

    def test_distinct_ids_distinct_tokens(self):
        tokens = pseudonymise(list(range(2000)), KEY, length=8)
        assert len(set(tokens)) == 2000


class TestBadInput:
    @pytest.mark.parametrize(
        ("key", "match"),
        [
            ("too-short", "at least 16 characters, got a str of 9.*brute-forced.*secret"),
            (b"short-bytes", "at least 16 bytes, got 11 bytes"),
            (1234567890123456789, "must be a str or bytes"),
            (None, "must be a str or bytes"),
        ],
        ids=["short-str", "short-bytes", "int", "none"],
    )
    def test_bad_key(self, key, match):
        with pytest.raises(DataError, match=match):
            pseudonymise("a", key)

    def test_key_is_never_echoed(self):
        with pytest.raises(DataError) as info:
            pseudonymise("a", "hunter2-secret")  # 14 characters: too short
        assert "hunter2" not in str(info.value)

    @pytest.mark.parametrize("length", [7, 65, 0, True, 12.0, "12"],
                             ids=["7", "65", "0", "bool", "float", "text"])
    def test_bad_length(self, length):
        with pytest.raises(DataError, match="length must be an int from 8 to 64"):
            pseudonymise("a", KEY, length=length)

    def test_bad_prefix(self):
        with pytest.raises(DataError, match="prefix must be a str"):
            pseudonymise("a", KEY, prefix=1)

    @pytest.mark.parametrize(
        ("ids", "kwargs", "match"),
        [
            (pd.Series(["a", None], index=["r1", "r2"]), {}, "missing ids.*row 'r2'"),
            (pd.Series([1.0, np.nan]), {}, r"missing ids.*row 1"),
            (["a", " "], {}, "missing ids.*row 1"),
            (pd.DataFrame({"customer_id": ["a", pd.NA]}), {"column": "customer_id"},
             "column 'customer_id' has missing ids.*row 1"),
            (pd.DataFrame({"x": [1]}, index=pd.Index([None], dtype=object)), {},
             "the index of ids has missing ids"),
            (None, {}, "ids is missing"),
            (pd.DataFrame({"x": [1]}), {"column": "customer_id"},
             "Required column 'customer_id' missing from ids"),
            (["a"], {"column": "customer_id"}, "only for a DataFrame"),
            ({"a", "b"}, {}, "ordered"),
            (np.array([["a"], ["b"]]), {}, "one-dimensional"),
            (pd.DataFrame({"x": [1]}, index=pd.MultiIndex.from_tuples([(1, 2)])), {},
             "MultiIndex"),
        ],
        ids=["series-none", "series-nan", "blank", "frame-na", "index-none", "scalar-none",
             "no-column", "column-on-list", "set", "2d", "multiindex"],
    )
    def test_bad_ids(self, ids, kwargs, match):
        with pytest.raises(DataError, match=match):
            pseudonymise(ids, KEY, **kwargs)


class TestCollisions:
    def test_crafted_pair_raises(self):
        with pytest.raises(DataError, match=r"'a' and 'b' -> 'C0000'.*larger length \(now 8\)"):
            _check_collisions(["a", "b", "c"], ["C0000", "C0000", "C1111"], length=8)

    def test_same_id_twice_is_not_a_collision(self):
        _check_collisions(["a", "a", 7, 7.0], ["T1", "T1", "T2", "T2"])  # 7 and 7.0 hash alike

    def test_distinct_tokens_pass(self):
        assert _check_collisions(["a", "b"], ["T1", "T2"]) is None

    def test_misaligned_lengths_are_a_bug(self):
        with pytest.raises(ValueError):
            _check_collisions(["a", "b"], ["T1"])
