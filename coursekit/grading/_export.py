"""Runs inside a submission's kernel: write the answer variables to disk as data (JSON / Parquet).

The grader calls :func:`export` after every cell, so answers given before a crash, an endless loop
or a dead kernel are still collected. Nothing here is trusted: the grader reads the files back as
plain data and checks them in its own process. No pickles cross the boundary.
"""

from __future__ import annotations

import json
import math
import os

__all__ = ["export"]


def _plain(value):
    """JSON-ready copy of scalars / lists / dicts (numpy scalars become Python numbers)."""
    import numpy as np

    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return {"__float__": repr(value)} if not math.isfinite(value) else value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {"__dict__": [[_plain(k), _plain(v)] for k, v in value.items()]}
    raise TypeError(type(value).__name__)


def _write(path: str, data: bytes) -> None:
    tmp = path + ".tmp"
    with open(tmp, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def export(namespace: dict, names: list[str], folder: str) -> None:
    """Write each of ``names`` found in ``namespace`` to ``folder/<name>.json`` (+ ``.parquet``)."""
    import pandas as pd

    os.makedirs(folder, exist_ok=True)
    for name in names:
        if name not in namespace:
            continue
        value = namespace[name]
        meta: dict = {"name": name}
        try:
            if value is Ellipsis:
                meta["kind"] = "ellipsis"
            elif isinstance(value, (pd.DataFrame, pd.Series)):
                import pyarrow as pa
                import pyarrow.parquet as pq

                if isinstance(value, pd.Series):
                    meta.update(kind="series", series_name=_plain(value.name) if value.name is None
                                or isinstance(value.name, (str, int, float)) else str(value.name))
                    frame = value.to_frame("value")
                else:
                    meta["kind"] = "frame"
                    frame = value.copy()
                    meta["columns"] = [_plain(c) if isinstance(c, (str, int, float)) else str(c)
                                       for c in frame.columns]
                    frame.columns = [f"c{k}" for k in range(frame.shape[1])]
                if isinstance(frame.index, pd.MultiIndex):
                    frame = frame.reset_index()
                    meta["index_reset"] = True
                table = pa.Table.from_pandas(frame, preserve_index=True)
                sink = pa.BufferOutputStream()
                pq.write_table(table, sink)
                _write(os.path.join(folder, name + ".parquet"), sink.getvalue().to_pybytes())
            else:
                meta.update(kind="json", value=_plain(value))
        except Exception as exc:  # an answer of a kind the grader cannot read
            meta = {"name": name, "kind": "unsupported", "type": type(value).__name__,
                    "repr": repr(value)[:300] if not isinstance(exc, RecursionError) else "",
                    "error": f"{type(exc).__name__}: {exc}"[:300]}
        _write(os.path.join(folder, name + ".json"), json.dumps(meta).encode("utf-8"))
