"""Course datasets: synthetic generators (reproducible from a seed, nothing personal) and loaders.

Generators return a dict of tidy DataFrames keyed by table name; the same seed and size give
identical frames, byte for byte.

- :func:`make_retail` — a shop: customers, transactions (RFM-ready), a promotion campaign;
- :func:`make_bank` — a retail bank: customers and monthly product snapshots;
- :func:`make_b2b` — a distributor's and a manufacturer's accounts, orders, pipeline, contacts;
- :func:`make_airline` — frequent-flyer members for LRFMC.

Loaders read a trainer's own file (CSV, Excel, Parquet) with a column mapping, and the public
UCI Online Retail and CDNOW formats, into the column names ``rfm_table`` expects.
"""

from coursekit.datasets.airline import make_airline
from coursekit.datasets.b2b import make_b2b
from coursekit.datasets.bank import make_bank
from coursekit.datasets.loaders import LoadResult, load_cdnow, load_online_retail, load_transactions
from coursekit.datasets.retail import make_retail
from coursekit.datasets.shipped import course_transactions

__all__ = [
    "LoadResult",
    "course_transactions",
    "load_cdnow",
    "load_online_retail",
    "load_transactions",
    "make_airline",
    "make_b2b",
    "make_bank",
    "make_retail",
]
