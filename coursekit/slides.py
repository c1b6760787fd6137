"""Slides: a reveal.js deck per lesson notebook that works offline (``coursekit slides``).

:func:`write_slides` turns each lesson notebook of a folder (``NN_topic.ipynb``; names starting
with ``_`` or ``.`` are skipped) into ``NN_topic.slides.html`` with nbconvert's ``SlidesExporter``,
and writes an ``index.html`` linking the decks. Everything a deck loads is copied next to it:
reveal.js 5 (``reveal/``, vendored from the npm registry with its license, see
``coursekit/static/reveal/README.md``), require.js, the widget renderer and MathJax 3
(``static/``, the same files as ``coursekit run`` uses). The decks open from ``file://`` with no
request to the internet: no CDN, no web fonts from elsewhere, no jQuery.

How cells become slides (on a copy; the notebooks are never written to):

- a markdown cell that starts with a heading (``#`` … ``######``) starts a new slide, so the
  title cell is the first slide and each ``## section`` (and ``### Try it``, ``### Recap``, ...)
  is a slide of its own;
- every other cell goes on the slide of the heading above it, code with its output;
- the trainer's knobs are left out: the cell tagged ``parameters``, papermill's
  ``injected-parameters`` and error-banner cells, and setup cells (a code cell whose first line
  says "just run this cell");
- links to another notebook of the folder (``[RFM](02_rfm.ipynb)``) point to its deck instead;
- a cell whose notebook metadata already sets ``slideshow.slide_type`` (JupyterLab's property
  inspector, "Slide Type") keeps it: the author's choice wins.

A slide taller than the screen scrolls. Press ``S`` for the speaker view, ``Esc`` for the overview.

``out_dir`` is claimed like ``coursekit run``'s folder, with its own marker file
(``.coursekit-slides``): a later call replaces what an earlier one wrote and refuses a folder that
holds anything else, so a trainer's files are never overwritten.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from coursekit._errors import DataError
from coursekit.course import (
    _INJECTED_TAG,
    _MATHJAX_HEAD,
    _PAPERMILL_ERROR_TAG,
    MARKER,
    NOTEBOOKS,
    STATIC,
    _OutputFolder,
    _export,
    _first_line,
    _loads_warning,
    _offline,
    _select,
    _tags,
)

__all__ = ["SLIDES_MARKER", "default_source", "slide_types", "write_slides"]

SLIDES_MARKER = ".coursekit-slides"
"""Name of the file that marks a folder as ``coursekit slides`` output and lists the files it wrote."""

REVEAL = STATIC / "reveal"
"""The vendored reveal.js files, copied to ``out_dir/reveal/``."""

_REVEAL_PREFIX = "reveal"
_REINSTALL = "reinstall coursekit (the decks need them to work offline)"
_SKIP_TAGS = {"parameters", _INJECTED_TAG, _PAPERMILL_ERROR_TAG}
_HEADING = re.compile(r"#{1,6}(\s|$)")
_NOTEBOOK_LINK = re.compile(r"\]\(\s*(?P<target>[^()\s:#]+)\.ipynb(?P<anchor>#[^()\s]*)?\s*\)")

# nbconvert's reveal template, changed where it would load something from a CDN (reveal.js, jQuery,
# MathJax 2, mermaid) and in its start-up script: reveal.js 5 from ./reveal, no jQuery (tall slides
# scroll with CSS instead), MathJax 3 configured as for the HTML pages, `window.Reveal` set.
_TEMPLATE_NAME = "coursekit_slides.html.j2"
_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js_jquery -%}
{%- endblock html_head_js_jquery -%}
{%- block html_head_js_mermaidjs -%}
{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
""" + _MATHJAX_HEAD + r"""{%- endblock html_head_js_mathjax -%}
{%- block html_head_css -%}
<style type="text/css">
/* a slide taller than the screen scrolls instead of being cut off */
.reveal .slides > section, .reveal .slides > section > section {
  height: 100%; overflow-y: auto; overflow-x: hidden; box-sizing: border-box; padding-right: 0.5em;
}
.reveal .slides .highlight pre { overflow-x: auto; }
.reveal .slides .jp-OutputArea-output img { max-height: 560px; width: auto; }
.reveal .slides section table.dataframe { font-size: 17px; }
.reveal .slides h1, .reveal .slides h2, .reveal .slides h3, .reveal .slides h4 { text-transform: none; }
</style>
{%- endblock html_head_css -%}
{% block footer_js %}
<script>
require({waitSeconds: 60},
  ["{{ resources.reveal.url_prefix }}/dist/reveal.js", "{{ resources.reveal.url_prefix }}/plugin/notes/notes.js"],
  function (Reveal, RevealNotes) {
    window.Reveal = Reveal;
    Reveal.initialize({
      controls: true, progress: true, hash: true, center: false,
      transition: "{{ resources.reveal.transition or 'slide' }}",
      slideNumber: "{{ resources.reveal.number }}" || false,
      width: {{ resources.reveal.width or 960 }}, height: {{ resources.reveal.height or 700 }},
      plugins: [RevealNotes]
    });
  });
</script>
{% endblock footer_js %}
"""

_INDEX_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "PingFang SC", sans-serif;
       margin: 2em auto; max-width: 50em; padding: 0 1em; color: #222; }
li { margin: 0.4em 0; }
"""


class _SlidesFolder(_OutputFolder):
    marker = SLIDES_MARKER
    made_by = "coursekit slides"


def default_source(cwd: str | Path = ".") -> Path:
    """Where ``coursekit slides`` reads notebooks by default.

    The executed notebooks of the last ``coursekit run`` (``build/course`` under ``cwd``, when it
    holds that run's marker and notebooks), otherwise the repository's ``notebooks/`` (committed
    with their outputs).
    """
    run = Path(cwd) / "build" / "course"
    if (run / MARKER).is_file() and any(run.glob("*.ipynb")):
        return run
    return NOTEBOOKS


def slide_types(cells: Iterable[dict]) -> list[str]:
    """The reveal.js slide type of each cell: ``"slide"``, ``"-"`` (same slide) or ``"skip"``.

    See the module docstring for the rules. A ``slideshow.slide_type`` already in a cell's metadata
    is kept.

    Examples
    --------
    >>> cells = [{"cell_type": "markdown", "source": "# 3 · Value tiers\\n\\nObjectives ..."},
    ...          {"cell_type": "code", "source": "case = 'retail'", "metadata": {"tags": ["parameters"]}},
    ...          {"cell_type": "code", "source": "# Setup — just run this cell\\nimport coursekit"},
    ...          {"cell_type": "markdown", "source": "## Four tiers"},
    ...          {"cell_type": "code", "source": "summary"},
    ...          {"cell_type": "markdown", "source": "A note", "metadata": {"slideshow": {"slide_type": "notes"}}}]
    >>> slide_types(cells)
    ['slide', 'skip', 'skip', 'slide', '-', 'notes']
    """
    types = []
    for cell in cells:
        metadata = cell.get("metadata", {}) or {}
        explicit = (metadata.get("slideshow") or {}).get("slide_type")
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        first = _first_line(source, limit=None)
        if explicit:
            types.append(explicit)
        elif _tags(cell) & _SKIP_TAGS or (
                cell.get("cell_type") == "code" and "just run this cell" in first.lower()):
            types.append("skip")
        elif cell.get("cell_type") == "markdown" and _HEADING.match(first):
            types.append("slide")
        else:
            types.append("-")
    return types


def _count(types: list[str]) -> int:
    """Slides in a deck: nbconvert makes the first shown cell start a slide whatever its type."""
    shown = [t for t in types if t not in ("skip", "notes")]
    return sum(t == "slide" for t in shown) + (1 if shown and shown[0] != "slide" else 0)


def _prepare(book, decks: set[str]):
    """A copy of the notebook with slide types set and links to other notebooks sent to their decks."""
    book = copy.deepcopy(book)

    def relink(match: re.Match) -> str:
        target = match.group("target")
        if Path(target).name not in decks:
            return match.group(0)
        return f"]({target}.slides.html{match.group('anchor') or ''})"

    for cell, kind in zip(book.cells, slide_types(book.cells)):
        cell.metadata.setdefault("slideshow", {})["slide_type"] = kind
        if cell.cell_type == "markdown":
            cell.source = _NOTEBOOK_LINK.sub(relink, cell.source)
    return book


def _exporter():
    from nbconvert import SlidesExporter

    return SlidesExporter(
        **_offline(_TEMPLATE_NAME, _TEMPLATE),
        reveal_url_prefix=_REVEAL_PREFIX,
        reveal_theme="white",
        reveal_number="c/t",
        font_awesome_url="",
    )


def _title(book, fallback: str) -> str:
    for cell in book.cells:
        if cell.cell_type == "markdown":
            first = _first_line(cell.source, limit=None)
            if _HEADING.match(first):
                return first.lstrip("#").strip()
    return fallback


def _index_page(decks: list[tuple[str, str, int]], source: Path) -> str:
    esc = html.escape
    items = "\n".join(f'<li><a href="{esc(name)}">{esc(title)}</a> '
                      f'<small>({count} slide{"" if count == 1 else "s"})</small></li>'
                      for name, title, count in decks)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Slides: {esc(source.name)}</title>
<style>{_INDEX_STYLE}</style>
</head>
<body>
<h1>Slides</h1>
<p>{len(decks)} decks from <code>{esc(str(source))}</code>. In a deck: arrow keys or space to move,
<kbd>S</kbd> speaker view, <kbd>Esc</kbd> overview, <kbd>F</kbd> full screen.</p>
<ol>
{items}
</ol>
</body>
</html>
"""


def write_slides(
    source: str | Path | None = None,
    out_dir: str | Path = "build/slides",
    *,
    only: str | None = None,
    log: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write an offline reveal.js deck per lesson notebook, and an ``index.html``.

    Parameters
    ----------
    source : str or Path, optional
        A folder of notebooks: the executed notebooks of a ``coursekit run`` output folder, or the
        course's ``notebooks/``. Default: :func:`default_source` (``build/course`` when a run is
        there, else ``notebooks/``). Never written to.
    out_dir : str or Path
        Where ``NN_topic.slides.html``, ``index.html``, ``reveal/`` and ``static/`` go (default
        ``build/slides``). Must be new, empty, or an earlier ``write_slides`` output (marker file
        ``.coursekit-slides``), whose files are then replaced.
    only : str, optional
        Only notebooks whose file name matches: a glob (``"0[12]_*"``) or a substring (``"03"``).
    log : callable, optional
        Called with one line per deck written, and a warning line for a deck that still loads
        something from the internet (an address written in the notebook itself).

    Returns
    -------
    list of Path
        The decks written, in name order.

    Raises
    ------
    DataError
        The source folder does not exist or has no notebooks; ``out_dir`` is the source folder or
        inside it, or holds files this function did not write (or that changed since).
    """
    import nbformat

    say = log or (lambda _line: None)
    source = Path(source if source is not None else default_source()).expanduser().resolve()
    out = Path(out_dir).expanduser().resolve()
    if not source.is_dir():
        raise DataError(f"notebooks folder {source} does not exist; pass --notebooks DIR")
    if out == source or source in out.parents:
        raise DataError(f"output folder {out} is inside the notebooks folder {source}; "
                        f"coursekit slides never writes there: choose another --out")
    books = _select(source, only)
    decks_in_folder = {p.stem for p in _select(source, None)}

    folder = _SlidesFolder(out)
    folder.claim()
    folder.copy_static(hint=_REINSTALL)
    folder.copy_tree(REVEAL, _REVEAL_PREFIX, recursive=True, required=["dist/reveal.js"], hint=_REINSTALL)
    exporter = _exporter()
    written: list[Path] = []
    listing: list[tuple[str, str, int]] = []
    for book_path in books:
        book = nbformat.read(book_path, as_version=4)
        prepared = _prepare(book, decks_in_folder)
        name = f"{book_path.stem}.slides.html"
        folder.expect(name)
        try:
            loads = _export(exporter, prepared, book_path.stem, out / name, notebooks_dir=source)
        except ValueError as exc:  # e.g. every cell skipped
            raise DataError(f"{book_path.name}: cannot make slides ({exc})") from None
        folder.written(name)
        count = _count(slide_types(prepared.cells))
        listing.append((name, _title(book, book_path.stem), count))
        written.append(out / name)
        say(f"{name}: {count} slide{'' if count == 1 else 's'}")
        if loads:
            say(_loads_warning(name, loads))
    folder.expect("index.html")
    (out / "index.html").write_text(_index_page(listing, source), encoding="utf-8")
    folder.written("index.html")
    say(f"{len(written)} deck{'' if len(written) == 1 else 's'} written; open {out / 'index.html'}")
    return written
