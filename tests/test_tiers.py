"""Tiering schemes: built-in rules by hand, exhaustiveness, custom schemes and their errors."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import coursekit as ck
from coursekit import DataError


def _scores(rows, index=None) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["r_score", "f_score", "m_score"], index=index)
    frame["rfm_score"] = frame.sum(axis=1)
    return frame


def _grid(bins=5) -> pd.DataFrame:
    return _scores(list(itertools.product(range(1, bins + 1), repeat=3)))


class TestBuiltInSchemes:
    def test_names(self):
        assert ck.scheme_names() == ["abc", "lifecycle", "segments", "value4", "value_matrix"]

    @pytest.mark.parametrize("name", ["value4", "segments", "value_matrix"])
    def test_every_score_combination_gets_exactly_one_known_tier(self, name):
        tiered = ck.assign_tiers(_grid(), name)
        scheme = ck.load_scheme(name)
        assert len(tiered) == 125
        assert tiered["tier"].notna().all()
        assert set(tiered["tier"]) == set(scheme.tiers)  # and every tier is reachable

    @pytest.mark.parametrize(
        "r, f, m, tier",
        [(5, 5, 5, "high-value"), (3, 4, 4, "high-value"),     # recent enough, frequent, big
         (2, 5, 5, "churning"), (1, 3, 3, "churning"),         # was valuable, not recent
         (4, 1, 1, "potential"), (3, 3, 3, "potential"),       # recent, not yet high-value
         (3, 2, 3, "general"), (2, 2, 5, "general"), (1, 1, 1, "general")],
        ids=lambda v: str(v),
    )
    def test_value4_by_hand(self, r, f, m, tier):
        assert ck.assign_tiers(_scores([(r, f, m)]), "value4")["tier"].item() == tier

    @pytest.mark.parametrize(
        "r, f, tier",
        [(5, 5, "Champions"), (5, 4, "Champions"), (4, 5, "Loyal Customers"), (3, 4, "Loyal Customers"),
         (5, 2, "Potential Loyalists"), (4, 3, "Potential Loyalists"), (5, 1, "New Customers"),
         (4, 1, "Promising"), (3, 3, "Need Attention"), (3, 1, "About To Sleep"),
         (1, 5, "Can't Lose Them"), (2, 3, "At Risk"), (2, 1, "Hibernating"), (1, 2, "Hibernating"),
         (1, 1, "Lost")],
        ids=lambda v: str(v),
    )
    def test_segments_grid_by_hand(self, r, f, tier):
        assert ck.assign_tiers(_scores([(r, f, 3)]), "segments")["tier"].item() == tier

    def test_abc_by_cumulative_share(self):
        # monetary 50, 30, 10, 5, 5 (total 100): share held by customers strictly ahead
        # 0, .5, .8, .9, .9 → A (< .8), A, B (< .95), B, B
        rfm = pd.DataFrame({"monetary": [10.0, 50.0, 5.0, 30.0, 5.0]}, index=list("cadbe"))
        assert ck.assign_tiers(rfm, "abc")["tier"].to_dict() == {
            "c": "B", "a": "A", "d": "B", "b": "A", "e": "B"}

    def test_abc_counts_negative_net_value_as_none(self):
        # -20 is clipped to 0: total 100, shares ahead 0, .6, 1.0 → A, A, C
        rfm = pd.DataFrame({"monetary": [60.0, 40.0, -20.0]}, index=["x", "y", "z"])
        assert ck.assign_tiers(rfm, "abc")["tier"].tolist() == ["A", "A", "C"]

    def test_value_matrix_by_hand_and_params(self):
        rows = _scores([(5, 5, 5), (1, 1, 5), (4, 3, 1), (1, 1, 1)], index=list("abcd"))
        # high now = m ≥ 4; high future = r + f ≥ 7: a (10, 5) VIP; b (2, 5) maintain;
        # c (7, 1) improve; d abandon
        assert ck.assign_tiers(rows, "value_matrix")["tier"].tolist() == ["VIP", "maintain", "improve", "abandon"]
        # a stricter future bar of 9 moves c from improve to abandon
        tiers = ck.assign_tiers(rows, "value_matrix", params={"future_high": 9})["tier"].tolist()
        assert tiers == ["VIP", "maintain", "abandon", "abandon"]

    def test_lifecycle_stages(self):
        rfm = pd.DataFrame({"recency_days": [400, 10, 10, 10, 200], "frequency": [9, 6, 2, 1, 5]},
                           index=list("abcde"))
        assert ck.assign_tiers(rfm, "lifecycle")["tier"].tolist() == ["lost", "loyal", "repeat", "first-time", "loyal"]
        # lost after 180 days instead of 365: e (200 days) becomes lost
        tiers = ck.assign_tiers(rfm, "lifecycle", params={"lost_after_days": 180})["tier"].tolist()
        assert tiers == ["lost", "loyal", "repeat", "first-time", "lost"]

    def test_on_real_rfm_table_keeps_rows_and_columns(self, shop):
        rfm = ck.rfm_table(shop, as_of="2024-04-01", order_col="order_id")
        tiered = ck.assign_tiers(rfm, "value4")
        assert tiered.index.equals(rfm.index)
        assert list(tiered.columns) == [*rfm.columns, "tier"]
        assert "tier" not in rfm.columns  # input untouched
        # C1 444 → high-value; C2 211 → general; C3 353 → potential (r ≥ 3, f + m = 8);
        # C4 115 → general; C5 512 → potential (r ≥ 4)
        assert tiered["tier"].tolist() == ["high-value", "general", "potential", "general", "potential"]


class TestCustomSchemes:
    def test_first_match_wins(self):
        scheme = {"name": "overlap", "rules": [
            {"tier": "gold", "when": "rfm_score >= 12"},
            {"tier": "silver", "when": "rfm_score >= 9"},   # also true for gold customers
            {"tier": "bronze", "when": "otherwise"}]}
        tiers = ck.assign_tiers(_scores([(5, 5, 5), (3, 3, 3), (1, 1, 1)]), scheme)["tier"].tolist()
        assert tiers == ["gold", "silver", "bronze"]

    def test_yaml_file_with_params_and_brackets(self, tmp_path):
        path = tmp_path / "bank.yaml"
        path.write_text(
            "name: bank\nbins: 5\nparams: {big: 4}\nlabels: {gold: 金卡客户}\nrules:\n"
            "  - {tier: gold, when: m_score >= big and (r_score >= 3 or f_score == 5)}\n"
            "  - {tier: other, when: otherwise}\n", encoding="utf-8")
        scheme = ck.load_scheme(path)
        assert scheme.labels == {"gold": "金卡客户"}
        tiers = ck.assign_tiers(_scores([(3, 1, 4), (1, 5, 4), (1, 4, 5), (5, 5, 3)]), str(path))
        assert tiers["tier"].tolist() == ["gold", "gold", "other", "other"]

    def test_thresholds_kind_for_aum_tiers(self):
        scheme = {"name": "aum", "kind": "thresholds", "column": "aum", "levels": [
            {"tier": "private", "min": 6_000_000}, {"tier": "wealth", "min": 500_000},
            {"tier": "mass"}]}
        frame = pd.DataFrame({"aum": [7_000_000, 6_000_000, 499_999.99, 500_000, 0]})
        assert ck.assign_tiers(frame, scheme)["tier"].tolist() == ["private", "private", "mass", "wealth", "mass"]

    def test_custom_tier_column_name(self):
        tiered = ck.assign_tiers(_scores([(5, 5, 5)]), "value4", tier_col="分层")
        assert tiered["分层"].item() == "high-value"


class TestSchemeErrors:
    def test_rule_with_unknown_column(self):
        scheme = {"name": "typo", "rules": [{"tier": "a", "when": "f_scor >= 3"}, {"tier": "b", "when": "otherwise"}]}
        with pytest.raises(DataError, match=r"scheme 'typo' reads column\(s\) \['f_scor'\] that the table does not have"):
            ck.assign_tiers(_grid(), scheme)

    def test_score_scheme_with_a_gap_is_rejected_on_load(self):
        scheme = {"name": "gap", "bins": 5, "rules": [{"tier": "a", "when": "r_score >= 2"}]}
        with pytest.raises(DataError, match=r"scheme 'gap' leaves customers without a tier: no rule "
                                            r"matches r_score=1, f_score=1, m_score=1"):
            ck.load_scheme(scheme)

    def test_gap_found_on_the_data_names_the_customers(self):
        scheme = {"name": "gap", "rules": [{"tier": "big", "when": "monetary >= 100"}]}
        frame = pd.DataFrame({"monetary": [150.0, 20.0]}, index=pd.Index(["A", "B"], name="customer_id"))
        with pytest.raises(DataError, match=r"scheme 'gap' leaves customers without a tier .*"
                                            r"1 row: row 'B' \(monetary=20.0\)"):
            ck.assign_tiers(frame, scheme)

    def test_otherwise_must_be_last(self):
        scheme = {"name": "early", "rules": [{"tier": "a", "when": "otherwise"}, {"tier": "b", "when": "r_score > 1"}]}
        with pytest.raises(DataError, match=r"rule 1 \(tier 'a'\): 'otherwise' must be the last rule"):
            ck.load_scheme(scheme)

    @pytest.mark.parametrize(
        "when, message",
        [("r_score >=", "cannot read the condition"),
         ("__import__('os').system('echo hi')", "Call is not allowed"),
         ("r_score.real > 1", "Attribute is not allowed")],
        ids=["syntax", "function-call", "attribute"],
    )
    def test_conditions_are_checked(self, when, message):
        with pytest.raises(DataError, match=message):
            ck.load_scheme({"name": "x", "rules": [{"tier": "a", "when": when}, {"tier": "b", "when": "otherwise"}]})

    def test_condition_that_is_not_true_false(self):
        scheme = {"name": "sum", "rules": [{"tier": "a", "when": "r_score + f_score"}, {"tier": "b", "when": "otherwise"}]}
        with pytest.raises(DataError, match="gives numbers, not true/false"):
            ck.assign_tiers(_grid(), scheme)

    def test_unknown_scheme_name(self):
        with pytest.raises(DataError, match=r"unknown scheme 'value5'; built-in schemes are \['abc'"):
            ck.assign_tiers(_grid(), "value5")

    def test_missing_yaml_file(self, tmp_path):
        with pytest.raises(DataError, match="does not exist"):
            ck.load_scheme(tmp_path / "nope.yaml")

    def test_unknown_keys_and_bad_rules(self):
        with pytest.raises(DataError, match=r"unknown keys \['rule'\]"):
            ck.load_scheme({"name": "x", "rule": []})
        with pytest.raises(DataError, match="rule 1 must have exactly the keys 'tier' and 'when'"):
            ck.load_scheme({"name": "x", "rules": [{"tier": "a"}]})

    def test_unknown_param(self):
        with pytest.raises(DataError, match=r"scheme 'lifecycle' has no parameter 'lost_days'; its "
                                            r"parameters are \['lost_after_days', 'loyal_min_orders'\]"):
            ck.assign_tiers(pd.DataFrame({"recency_days": [1], "frequency": [1]}), "lifecycle",
                            params={"lost_days": 90})

    def test_scheme_for_other_bins(self, shop):
        rfm = ck.rfm_table(shop, bins=3)
        with pytest.raises(DataError, match=r"scheme 'value4' is written for scores 1..5, but this table has bins=3"):
            ck.assign_tiers(rfm, "value4")

    def test_scores_above_scheme_scale_without_attrs(self):
        with pytest.raises(DataError, match="written for scores 1..5, but this table has bins=scores up to 7"):
            ck.assign_tiers(_scores([(7, 1, 1)]), "value4")

    def test_thresholds_must_decrease(self):
        scheme = {"name": "aum", "kind": "thresholds", "column": "aum",
                  "levels": [{"tier": "a", "min": 10}, {"tier": "b", "min": 20}, {"tier": "c"}]}
        with pytest.raises(DataError, match="'min' must decrease"):
            ck.load_scheme(scheme)

    def test_non_numeric_column(self):
        frame = pd.DataFrame({"monetary": ["a", "b"]})
        with pytest.raises(DataError, match="column 'monetary' must hold numbers"):
            ck.assign_tiers(frame, "abc")


class TestTierSummary:
    def test_by_hand(self):
        tiered = pd.DataFrame({"tier": ["high-value", "general", "general", "churning"],
                               "monetary": [600.0, 100.0, 100.0, 200.0],
                               "frequency": [6, 1, 2, 3], "recency_days": [3, 90, 30, 200]})
        summary = ck.tier_summary(tiered, "value4")
        # order follows the scheme; potential has nobody; value shares 600/1000, 0, 200/1000, 200/1000
        assert summary.index.tolist() == ["high-value", "potential", "general", "churning"]
        assert summary["customers"].tolist() == [1, 0, 2, 1]
        assert summary["customer_share"].tolist() == [0.25, 0.0, 0.5, 0.25]
        assert summary["value_share"].tolist() == [0.6, 0.0, 0.2, 0.2]
        assert summary.loc["general", "mean_recency_days"] == 60.0
        assert summary.loc["general", "mean_frequency"] == 1.5

    def test_unknown_tier(self):
        with pytest.raises(DataError, match=r"tiers \['gold'\] are not in scheme 'value4'"):
            ck.tier_summary(pd.DataFrame({"tier": ["gold"], "monetary": [1.0]}), "value4")

    def test_needs_tier_column(self):
        with pytest.raises(DataError, match="column 'tier' missing from the tiered table; run assign_tiers first"):
            ck.tier_summary(pd.DataFrame({"monetary": [1.0]}))


def test_every_builtin_scheme_tiers_the_sample_shop():
    tx = pd.read_csv(Path(__file__).parent.parent / "datasets" / "retail" / "transactions.csv")
    rfm = ck.rfm_table(tx, order_col="order_id")
    for name in ck.scheme_names():
        tiered = ck.assign_tiers(rfm, name)
        counts = tiered["tier"].value_counts()
        assert counts.sum() == len(rfm)
        assert set(counts.index) == set(ck.load_scheme(name).tiers), name  # every tier present
        assert np.isclose(ck.tier_summary(tiered, name)["value_share"].sum(), 1.0, atol=1e-3)


def test_value_matrix_scheme_on_the_proxy_equals_the_builtin():
    tx = pd.read_csv(Path(__file__).parent.parent / "datasets" / "retail" / "transactions.csv")
    rfm = ck.rfm_table(tx, order_col="order_id")
    builtin = ck.assign_tiers(rfm, "value_matrix")["tier"]
    rebuilt = ck.assign_tiers(rfm, ck.value_matrix_scheme("r_score + f_score", 7))["tier"]
    assert (builtin == rebuilt).all()
    moved = ck.assign_tiers(rfm, ck.value_matrix_scheme("r_score + f_score", 9))["tier"]
    assert (moved == "VIP").sum() < (builtin == "VIP").sum()


def test_value_matrix_scheme_on_a_money_column():
    rfm = pd.DataFrame({"m_score": [4, 4, 3, 3, 5], "predicted_clv": [100.0, 99.99, 100.0, 0.0, 250.0]},
                       index=pd.Index(list("ABCDE"), name="customer_id"))
    tiers = ck.assign_tiers(rfm, ck.value_matrix_scheme("predicted_clv", 100))["tier"]
    assert tiers.tolist() == ["VIP", "maintain", "improve", "abandon", "VIP"]
