"""Helpers shared by tests/test_course_runner.py and tests/test_slides.py.

Imported as ``from _helpers import ...``: ``tests/`` has no ``__init__.py``, so pytest's default
import mode (prepend) puts this folder on ``sys.path`` for the test modules in it.
"""

from __future__ import annotations

import hashlib
from html.parser import HTMLParser
from pathlib import Path


def _tree_hash(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


class _Loads(HTMLParser):
    """Every src/href of script, link and img tags, and every <a href>."""

    def __init__(self):
        super().__init__()
        self.loads: list[str] = []
        self.anchors: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img") and attrs.get("src"):
            self.loads.append(attrs["src"])
        elif tag == "link" and attrs.get("href"):
            self.loads.append(attrs["href"])
        elif tag == "a" and attrs.get("href"):
            self.anchors.append(attrs["href"])
