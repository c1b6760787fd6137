"""The data shipped in ``datasets/``: which generator, size and seed made each file, and how.

One manifest (:data:`CASES`) drives the command line (``coursekit data make CASE``), the files in
the repository and the test that regenerates them and compares hashes, so the files and the
generators cannot drift apart.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from coursekit._errors import DataError

__all__ = ["CASES", "Case", "course_transactions", "csv_bytes", "make_case", "write_case"]


@dataclass(frozen=True)
class Case:
    """A shipped dataset: the generator, its default arguments, and where its files go."""

    name: str
    generator: str                      # a function name in coursekit.datasets
    defaults: dict = field(default_factory=dict)
    size_arg: str = "n_customers"
    description: str = ""

    def function(self) -> Callable[..., dict[str, pd.DataFrame]]:
        import coursekit.datasets as datasets

        return getattr(datasets, self.generator)


CASES: dict[str, Case] = {
    "retail": Case("retail", "make_retail", {"n_customers": 2000, "seed": 42},
                   description="a shop: customers, transactions, promotion campaign"),
    "bank": Case("bank", "make_bank", {"n_customers": 1000, "seed": 42},
                 description="a retail bank: customers, monthly product snapshots, care plan"),
    "b2b-distributor": Case("b2b-distributor", "make_b2b",
                            {"n_accounts": 400, "seed": 42, "company": "distributor"},
                            size_arg="n_accounts",
                            description="a distributor (seed 001): accounts, orders, pipeline, contacts"),
    "b2b-manufacturer": Case("b2b-manufacturer", "make_b2b",
                             {"n_accounts": 400, "seed": 42, "company": "manufacturer"},
                             size_arg="n_accounts",
                             description="a manufacturer with falling sales (seed 004)"),
    "airline": Case("airline", "make_airline", {"n_members": 2000, "seed": 42},
                    size_arg="n_members", description="frequent-flyer members for LRFMC"),
}


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The exact bytes a table is shipped as: UTF-8 CSV, no index, ISO dates, ``\\n`` line ends."""
    return frame.to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n").encode("utf-8")


def make_case(name: str, *, size: int | None = None, seed: int | None = None) -> dict[str, pd.DataFrame]:
    """Generate the tables of a shipped case, with its default size and seed unless given."""
    if name not in CASES:
        raise DataError(f"unknown dataset {name!r}; choose one of {sorted(CASES)}")
    case = CASES[name]
    kwargs = dict(case.defaults)
    if size is not None:
        kwargs[case.size_arg] = size
    if seed is not None:
        kwargs["seed"] = seed
    return case.function()(**kwargs)


def write_case(name: str, out_dir: str | Path, *, size: int | None = None,
               seed: int | None = None) -> list[tuple[Path, int, str]]:
    """Write a case's tables as ``OUT_DIR/<table>.csv``; refuse to overwrite any existing file.

    Returns ``(path, rows, sha256)`` for every file written.
    """
    out = Path(out_dir)
    tables = make_case(name, size=size, seed=seed)
    paths = {table: out / f"{table}.csv" for table in tables}
    existing = [str(p) for p in paths.values() if p.exists()]
    if existing:
        raise DataError(f"{', '.join(existing)} already exist(s); coursekit never overwrites data — "
                        f"choose another --out folder or move the files away")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table, frame in tables.items():
        data = csv_bytes(frame)
        paths[table].write_bytes(data)
        written.append((paths[table], len(frame), hashlib.sha256(data).hexdigest()))
    return written


# cases whose transactions feed RFM, and the customer column of their transaction table
_TRANSACTIONS = {
    "retail": ("transactions", "customer_id"),
    "b2b-distributor": ("orders", "account_id"),
    "b2b-manufacturer": ("orders", "account_id"),
}


def course_transactions(case: str = "retail", *, data_dir: str | Path | None = None,
                        own_file: str | Path | None = None, columns: dict | None = None,
                        size: int | None = None, seed: int | None = None) -> pd.DataFrame:
    """The transactions a lesson analyses, chosen by the notebook's parameters.

    - ``own_file`` given: the trainer's own file, read with
      :func:`coursekit.datasets.load_transactions` and the ``columns`` mapping (the report of what
      was dropped is printed);
    - else ``size`` or ``seed`` given: the case generated afresh with that size and seed;
    - else: the shipped file ``data_dir/<case>/<table>.csv``, or generated with the shipped defaults
      when ``data_dir`` is None (the same bytes, see ``datasets/README.md``).

    The customer column is always called ``customer_id`` (B2B accounts are renamed), so the lessons'
    code is the same for every case.

    Examples
    --------
    >>> tx = course_transactions("b2b-manufacturer", size=30, seed=1)
    >>> list(tx.columns[:4])
    ['order_id', 'customer_id', 'order_date', 'amount']
    """
    if own_file:
        from coursekit.datasets.loaders import load_transactions

        result = load_transactions(own_file, columns or None)
        print(result)
        return result.data
    if case not in _TRANSACTIONS:
        raise DataError(f"case {case!r} has no transaction table for RFM; choose one of {sorted(_TRANSACTIONS)}")
    table, customer_col = _TRANSACTIONS[case]
    if size or seed is not None or data_dir is None:
        frame = make_case(case, size=size or None, seed=seed)[table]
    else:
        path = Path(data_dir) / case / f"{table}.csv"
        if not path.is_file():
            raise DataError(f"no shipped file {path}; run `coursekit data make {case} --out {path.parent}` "
                            f"or set data_dir to the repository's datasets folder")
        frame = pd.read_csv(path, parse_dates=[c for c in ("order_date",) if c], dtype={customer_col: str})
    return frame.rename(columns={customer_col: "customer_id"})
