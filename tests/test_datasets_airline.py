"""make_airline keeps its promises: LRFMC-ready members whose five latent types k-means can recover.

Neither scikit-learn nor scipy is a dependency, so k-means (Lloyd's algorithm, k-means++ starts,
several seeded restarts) and the adjusted Rand index are written out here, and checked first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coursekit import DataError
from coursekit.datasets.airline import TYPE_SHARES, TYPES, make_airline

AS_OF = pd.Timestamp("2024-12-31")
WINDOW_START = pd.Timestamp("2023-01-01")
COLUMNS = {"member_id": "str", "join_date": "datetime64[s]", "last_flight_date": "datetime64[s]",
           "flights": "int64", "miles": "int64", "avg_discount": "float64", "tier_card": "str",
           "age_band": "str"}


# ---- helpers: k-means and the adjusted Rand index in numpy ------------------------------------

def kmeans(x: np.ndarray, k: int, *, seed: int = 0, restarts: int = 8, iterations: int = 100) -> np.ndarray:
    """Cluster labels of the best (lowest within-cluster sum of squares) of ``restarts`` Lloyd runs."""
    rng = np.random.default_rng(seed)
    best_inertia, best_labels = np.inf, None
    for _ in range(restarts):
        centres = [x[rng.integers(len(x))]]                       # k-means++ starting centres
        for _ in range(k - 1):
            d2 = ((x[:, None, :] - np.array(centres)[None]) ** 2).sum(-1).min(axis=1)
            centres.append(x[rng.choice(len(x), p=d2 / d2.sum())])
        centres = np.array(centres)
        for _ in range(iterations):
            labels = ((x[:, None, :] - centres[None]) ** 2).sum(-1).argmin(axis=1)
            moved = np.array([x[labels == j].mean(axis=0) if (labels == j).any() else centres[j]
                              for j in range(k)])
            if np.allclose(moved, centres):
                break
            centres = moved
        inertia = ((x - centres[labels]) ** 2).sum()
        if inertia < best_inertia:
            best_inertia, best_labels = inertia, labels
    return best_labels


def adjusted_rand_index(a, b) -> float:
    """Hubert & Arabie's ARI from the contingency table: 1 = same partition, about 0 = chance."""
    _, a = np.unique(np.asarray(a), return_inverse=True)
    _, b = np.unique(np.asarray(b), return_inverse=True)
    table = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(table, (a, b), 1)

    def pairs(x):
        return (x * (x - 1) / 2).sum()

    index, rows, cols = pairs(table), pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    total = len(a) * (len(a) - 1) / 2
    expected = rows * cols / total
    return float((index - expected) / ((rows + cols) / 2 - expected))


def lrfmc(members: pd.DataFrame, as_of=AS_OF) -> pd.DataFrame:
    """The five LRFMC features: L in months, R in days, F flights, M km, C discount coefficient."""
    return pd.DataFrame({
        "L": (as_of - members["join_date"]).dt.days / 30.4375,
        "R": (as_of - members["last_flight_date"]).dt.days,
        "F": members["flights"],
        "M": members["miles"],
        "C": members["avg_discount"],
    })


def standardise(frame: pd.DataFrame) -> np.ndarray:
    x = frame.to_numpy(dtype=float)
    return (x - x.mean(axis=0)) / x.std(axis=0)


def _spearman(a: pd.Series, b: pd.Series) -> float:
    return float(np.corrcoef(a.rank(), b.rank())[0, 1])


@pytest.fixture(scope="module")
def default():
    return make_airline(return_types=True)


@pytest.fixture(scope="module")
def big():
    return make_airline(5000, seed=5, return_types=True)


# ---- the helpers themselves ------------------------------------------------------------------

class TestHelpers:
    def test_ari_published_values(self):
        """Values from scikit-learn's adjusted_rand_score documentation."""
        assert adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 1]) == 1.0
        assert adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0
        assert adjusted_rand_index([0, 0, 1, 2], [0, 0, 1, 1]) == pytest.approx(0.5714285714285715)
        assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)

    def test_kmeans_finds_separated_blobs(self):
        rng = np.random.default_rng(0)
        centres = np.array([[0, 0], [10, 0], [0, 10]])
        truth = np.repeat([0, 1, 2], 50)
        x = centres[truth] + rng.normal(0, 1, (150, 2))
        assert adjusted_rand_index(kmeans(x, 3), truth) == 1.0
        assert adjusted_rand_index(rng.integers(0, 3, 150), truth) < 0.1


# ---- the generator ---------------------------------------------------------------------------

class TestReproducible:
    def test_same_seed_same_bytes(self):
        a, b = make_airline(300, seed=7, return_types=True), make_airline(300, seed=7, return_types=True)
        assert list(a) == ["members", "types"]
        for table in a:
            pd.testing.assert_frame_equal(a[table], b[table])
            assert a[table].to_csv() == b[table].to_csv()

    def test_other_seed_other_data(self):
        a, b = make_airline(300, seed=7, return_types=True), make_airline(300, seed=8, return_types=True)
        for table in a:
            assert a[table].to_csv() != b[table].to_csv()

    def test_answer_key_does_not_change_the_members(self):
        with_key, without = make_airline(300, seed=7, return_types=True), make_airline(300, seed=7)
        assert list(without) == ["members"]
        pd.testing.assert_frame_equal(with_key["members"], without["members"])


class TestSchema:
    def test_columns_and_dtypes(self, default):
        members = default["members"]
        assert {c: str(t) for c, t in members.dtypes.items()} == COLUMNS
        assert "type" not in members.columns, "the answer key must not leak into the members table"
        assert len(members) == 2000 and members["member_id"].is_unique
        assert members["member_id"].str.fullmatch(r"M\d{5}").all()
        assert members["member_id"].iloc[0] == "M00001"

    def test_types_table(self, default):
        types = default["types"]
        assert list(types.columns) == ["member_id", "type"]
        assert (types["member_id"] == default["members"]["member_id"]).all()
        assert set(types["type"]) == set(TYPES)

    def test_values(self, default):
        m = default["members"]
        for col in ["join_date", "last_flight_date"]:
            assert m[col].notna().all() and (m[col] == m[col].dt.normalize()).all()
        assert (m["flights"] >= 1).all(), "every member flew at least once in the window"
        assert (m["miles"] > 0).all()
        c = m["avg_discount"]
        assert c.between(0.1, 1.5).all() and np.allclose(c, c.round(2), rtol=0, atol=1e-9)
        assert set(m["tier_card"]) == {"normal", "silver", "gold"}
        assert set(m["age_band"]) == {"18-29", "30-39", "40-49", "50-59", "60+"}

    def test_dates_are_consistent(self, default):
        m = default["members"]
        assert (m["join_date"] <= m["last_flight_date"]).all()
        assert (m["last_flight_date"] >= WINDOW_START).all() and (m["last_flight_date"] <= AS_OF).all()
        assert m["join_date"].min() >= AS_OF - pd.DateOffset(years=15)

    def test_other_as_of(self):
        m = make_airline(200, seed=2, as_of="2023-06-30")["members"]
        assert m["last_flight_date"].max() <= pd.Timestamp("2023-06-30")
        assert m["last_flight_date"].min() >= pd.Timestamp("2021-07-01")
        assert (m["join_date"] <= m["last_flight_date"]).all()

    def test_smallest_size(self):
        m = make_airline(10, seed=0)["members"]
        assert {c: str(t) for c, t in m.dtypes.items()} == COLUMNS and len(m) == 10


class TestRelations:
    def test_miles_follow_flights(self, default):
        m = default["members"]
        assert _spearman(m["miles"], m["flights"]) > 0.6

    def test_tier_card_follows_miles(self, default):
        m = default["members"]
        median = m.groupby("tier_card")["miles"].median()
        assert median["normal"] < median["silver"] < median["gold"]
        shares = m["tier_card"].value_counts(normalize=True)
        assert shares["normal"] > shares["silver"] > shares["gold"] > 0.02

    def test_type_profiles(self, big):
        """Each type looks like its name in the LRFMC features."""
        f = lrfmc(big["members"]).assign(type=big["types"]["type"].to_numpy())
        mean = f.groupby("type").mean()
        assert mean["F"].idxmax() == "important_retain" and mean["M"].idxmax() == "important_retain"
        assert mean["C"].idxmin() == "low_value" and mean["C"].idxmax() == "important_retain"
        assert mean["L"].idxmin() == "important_develop" and mean["L"].idxmax() == "important_win_back"
        assert mean.loc["important_win_back", "R"] > 300 > 60 > mean.loc["important_retain", "R"]
        assert mean["R"].idxmax() == "low_value"

    def test_type_shares_as_documented(self, big):
        shares = big["types"]["type"].value_counts(normalize=True)
        assert sum(TYPE_SHARES.values()) == pytest.approx(1.0)
        for kind, share in TYPE_SHARES.items():
            assert abs(shares[kind] - share) <= 0.03, (kind, shares[kind], share)

    def test_kmeans_recovers_the_types(self, default):
        x = standardise(lrfmc(default["members"]))
        labels = kmeans(x, 5, seed=0)
        ari = adjusted_rand_index(labels, default["types"]["type"])
        assert ari > 0.5, f"ARI {ari:.3f}"

    def test_age_band_carries_no_signal(self, big):
        """age_band is drawn independently of the type: no type is over-represented in any band."""
        table = pd.crosstab(big["types"]["type"], big["members"]["age_band"], normalize="columns")
        expected = pd.Series(TYPE_SHARES)
        assert (table.sub(expected, axis=0).abs() < 0.06).all().all()


class TestBadInput:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"n_members": 3}, r"n_members must be a whole number >= 10, got 3"),
            ({"n_members": 2000.0}, r"n_members must be a whole number >= 10, got 2000\.0"),
            ({"seed": -5}, r"seed must be a whole number >= 0, got -5"),
            ({"seed": None}, r"seed must be a whole number >= 0, got None"),
            ({"as_of": "soon"}, r"as_of = 'soon' is not a date"),
            ({"as_of": "2024-12-31T08:30"}, r"as_of = '2024-12-31T08:30' must be a calendar date without a time"),
            ({"return_types": "yes"}, r"return_types must be True or False, got 'yes'"),
        ],
        ids=["too-few", "float-size", "negative-seed", "no-seed", "text-as-of", "as-of-with-time",
             "text-flag"],
    )
    def test_raises_data_error_naming_the_parameter(self, kwargs, message):
        with pytest.raises(DataError, match=message):
            make_airline(**kwargs)
