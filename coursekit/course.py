"""Run the course: execute every notebook with papermill, export offline HTML, write an index.

``coursekit run`` is a thin layer over :func:`run_course`. What it does, in order:

1. picks the notebooks of a folder (``NN_topic.ipynb``; names starting with ``_`` or ``.`` are
   skipped), sorted by name, optionally filtered with ``only``;
2. reads the parameters each notebook declares (its cell tagged ``parameters``) and injects a
   parameter only into the notebooks that declare it; a parameter that no notebook declares is
   refused, since it is most likely a typo;
3. executes the notebooks one after the other in this Python process (papermill, kernel
   ``python3``, working directory = the notebooks folder so relative data paths work), writing the
   executed copy to ``out_dir``. A failing notebook does not stop the run: every notebook is run
   and every failure is reported (the failed executed notebook, with its full traceback, is kept);
4. exports each executed notebook to HTML that works offline: require.js, the widget renderer
   (``@jupyter-widgets/html-manager``) and MathJax 3 are copied into ``out_dir/static`` and
   referenced by relative paths, so saved widget state (sliders) and math render from ``file://``
   with no request to the internet;
5. writes ``out_dir/index.html`` linking every notebook with its status and time.

``out_dir`` is claimed with a marker file, ``.coursekit-run``, listing what the run wrote and its
sha256. A later run replaces those files, but refuses (:class:`~coursekit.DataError`) a folder that
holds anything else, or a file changed since it was written: a trainee's files are never
overwritten. Nothing is ever written into the notebooks folder.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as _dt
import fnmatch
import hashlib
import html
import json
import logging
import math
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from coursekit._errors import DataError

__all__ = [
    "MARKER",
    "NOTEBOOKS",
    "CellError",
    "NotebookResult",
    "external_references",
    "parse_value",
    "run_course",
]

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
"""The course's notebooks folder in the repository: the default of ``coursekit run``."""

MARKER = ".coursekit-run"
"""Name of the file that marks a folder as ``coursekit run`` output and lists the files it wrote."""

STATIC = Path(__file__).resolve().parent / "static"
_REQUIRE_JS = "static/require.js"
_WIDGET_RENDERER = "static/embed-amd.js"
_MATHJAX = "static/tex-svg-full.js"

_PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"
_INJECTED_TAG = "injected-parameters"

# nbconvert's "lab" HTML template, changed only where it would load something from a CDN.
# MathJax 3 (SVG output: one file, no web fonts) is configured like nbconvert's MathJax 2 setup;
# mermaid diagrams, which the course does not use, stay as their source text.
_TEMPLATE_NAME = "coursekit_offline.html.j2"
_MATHJAX_HEAD = r"""<script>
window.MathJax = {
  tex: {inlineMath: [['$', '$'], ['\\(', '\\)']], displayMath: [['$$', '$$'], ['\\[', '\\]']],
        processEscapes: true, processEnvironments: true, tags: 'ams'},
  options: {ignoreHtmlClass: 'tex2jax_ignore|mathjax_ignore'},
  svg: {fontCache: 'global'},
  startup: {
    ready: function () {
      MathJax.startup.defaultReady();
      // the widget renderer typesets labels with MathJax 2's MathJax.Hub.Queue(["Typeset", hub, element])
      MathJax.Hub = {Queue: function () {
        Array.prototype.forEach.call(arguments, function (job) {
          if (job && job[0] === 'Typeset') { MathJax.typesetPromise(job[2] ? [job[2]] : undefined); }
        });
      }};
    }
  }
};
</script>
<script src="{{ resources.mathjax_url }}" async></script>
"""
_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js_mathjax -%}
""" + _MATHJAX_HEAD + r"""{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}
{%- endblock html_head_js_mermaidjs -%}
{%- block body_header -%}
{{ super() }}
<nav style="margin: 0.5em 0 1em 0; font-family: sans-serif;"><a href="index.html">&larr; course index</a></nav>
{%- endblock body_header -%}
"""


@dataclass(frozen=True)
class CellError:
    """Where and how a notebook failed.

    ``cell`` counts the cells of the *source* notebook from 1 (markdown cells included), so the
    trainer finds the cell in the notebook they edit; ``source_line`` is its first non-blank line.
    Both are ``None`` when the failure is not tied to a cell (e.g. the notebook could not start).
    """

    ename: str
    evalue: str
    cell: int | None = None
    source_line: str | None = None

    def __str__(self) -> str:
        what = f"{self.ename}: {self.evalue}" if self.evalue else self.ename
        if self.cell is None:
            return what
        return f"cell {self.cell} ({self.source_line!r}): {what}"


@dataclass(frozen=True)
class NotebookResult:
    """The outcome of one notebook of a :func:`run_course` run.

    ``status`` is ``"ok"`` or ``"failed"``; ``seconds`` is the wall time of its execution (HTML
    export excluded); ``notebook`` the executed copy in the output folder (kept when it failed);
    ``html`` its HTML export, or ``None`` with ``html=False``; ``parameters`` what was injected.
    """

    name: str
    status: str
    seconds: float
    error: CellError | None
    html: Path | None
    notebook: Path | None = None
    parameters: Mapping[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the notebook ran to its end without an error."""
        return self.status == "ok"

    @property
    def message(self) -> str:
        """One line for the trainer: ``02_x.ipynb failed at cell 2 ('y = f(x)'): ValueError: ...``."""
        if self.error is None:
            return f"{self.name} ran in {self.seconds:.1f} s"
        return f"{self.name} failed {_failure(self.error)}"


def parse_value(text: str) -> object:
    """A command-line parameter value as a YAML scalar: a number, ``true``/``false``, ``null``, or text.

    Only those kinds are converted; everything else stays the text as typed (``2024-01-31`` is
    the string, not a date, and ``yes``/``no``/``on``/``off`` stay strings). Quote a value to keep
    a number as text: ``'"42"'``.

    Parameters
    ----------
    text : str
        The value as typed after ``-p NAME``.

    Returns
    -------
    int, float, bool, None or str

    Examples
    --------
    >>> [parse_value(v) for v in ["5", "0.25", "true", "False", "null", "bank", "2024-01-31", "yes", "'7'"]]
    [5, 0.25, True, False, None, 'bank', '2024-01-31', 'yes', '7']
    """
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if isinstance(value, bool):
        return value if text.strip().lower() in ("true", "false") else text
    if value is None:
        return None if text.strip() in ("null", "Null", "NULL", "~") else text
    if isinstance(value, (int, float, str)):
        return value
    return text


class _RefCollector(HTMLParser):
    """Collects the ``src``/``href`` of the tags through which a page loads something."""

    LOADING = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src",
               "video": "src", "audio": "src", "embed": "src", "object": "data"}

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        wanted = self.LOADING.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.refs.append(value.strip())


def external_references(page: str) -> list[str]:
    """The addresses an HTML page loads from elsewhere (``http:``, ``https:``, ``//host``).

    Looks at ``script``/``img``/``iframe``/... ``src`` and ``link href``; relative paths and
    ``data:`` URIs are local and not listed. Hyperlinks (``<a href>``) load nothing and are ignored.

    Examples
    --------
    >>> external_references('<script src="static/require.js"></script><img src="data:image/png;base64,AA">'
    ...                     '<link rel="stylesheet" href="https://cdn.example/x.css"><a href="https://docs">docs</a>')
    ['https://cdn.example/x.css']
    """
    collector = _RefCollector()
    collector.feed(page)
    return [ref for ref in collector.refs if ref.lower().startswith(("http:", "https:", "//", "ftp:"))]


# --- the output folder ---------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _entries(folder: Path) -> list[str]:
    """Every file (and symlink) under ``folder``, as sorted relative POSIX paths."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        names = filenames + [d for d in dirnames if (here / d).is_symlink()]
        found += [(here / name).relative_to(folder).as_posix() for name in names]
    return sorted(found)


def _listing(names: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


class _OutputFolder:
    """The run's output folder and its marker file, which lists every file the run wrote."""

    marker = MARKER
    made_by = "coursekit run"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, str | None] = {}

    def claim(self) -> None:
        """Make ``root`` ours: create it, or empty a folder a previous run made; refuse anything else."""
        root = self.root
        if root.exists() and not root.is_dir():
            raise DataError(f"output folder {root} is a file; choose another --out")
        root.mkdir(parents=True, exist_ok=True)
        marker = root / self.marker
        present = [p for p in _entries(root) if p != self.marker]
        if not marker.is_file():
            if present or any(root.iterdir()):
                raise DataError(
                    f"output folder {root} is not empty and was not made by {self.made_by} "
                    f"(it holds {_listing(present or [p.name for p in root.iterdir()])}); coursekit "
                    f"never overwrites your files: choose another --out or an empty folder")
        else:
            try:
                manifest = json.loads(marker.read_text(encoding="utf-8"))
                files = dict(manifest["files"])
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise DataError(f"{marker} is not a marker written by {self.made_by} ({exc}); "
                                f"choose another --out") from None
            foreign = [p for p in present if p not in files]
            changed = [p for p in present if p in files and files[p] is not None
                       and ((root / p).is_symlink() or _sha256(root / p) != files[p])]
            if foreign or changed:
                parts = []
                if foreign:
                    parts.append(f"files {self.made_by} did not make: {_listing(foreign)}")
                if changed:
                    parts.append(f"files changed since {self.made_by} wrote them: {_listing(changed)}")
                raise DataError(f"output folder {root} holds " + "; ".join(parts) + ". coursekit never "
                                f"overwrites your files: move them away or choose another --out")
            for rel in present:
                (root / rel).unlink()
            # the folders those files were in (static/, reveal/dist/, ...), deepest first, when now empty
            folders = {parent for rel in present for parent in Path(rel).parents if parent != Path(".")}
            for rel in sorted(folders, key=lambda f: len(f.parts), reverse=True):
                folder = root / rel
                if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
                    folder.rmdir()
        self.files = {}
        self.save()

    def save(self) -> None:
        from coursekit import __version__

        manifest = {"made_by": self.made_by, "coursekit": __version__,
                    "note": f"{self.made_by} replaces the files listed here, and refuses to touch anything else",
                    "files": self.files}
        (self.root / self.marker).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")

    def expect(self, *rels: str) -> None:
        """Record files about to be written (before writing, so an interrupted run still owns them)."""
        for rel in rels:
            self.files.setdefault(rel, None)
        self.save()

    def written(self, *rels: str) -> None:
        """Record the content of files just written; files that do not exist are dropped."""
        for rel in rels:
            path = self.root / rel
            if path.is_file():
                self.files[rel] = _sha256(path)
            else:
                self.files.pop(rel, None)
        self.save()

    def copy_tree(self, source: Path, prefix: str, *, required: Iterable[str], hint: str,
                  recursive: bool = False) -> None:
        """Copy the files of ``source`` (its subfolders too with ``recursive``; no hidden files) to ``root/prefix``.

        Refuses (:class:`~coursekit.DataError`, ending with ``hint``) when one of ``required``, paths
        relative to ``source``, is not there.
        """
        found = source.rglob("*") if recursive else source.iterdir()
        sources = sorted(p for p in found if p.is_file() and not p.name.startswith("."))
        present = {p.relative_to(source).as_posix() for p in sources}
        missing = sorted(set(required) - present)
        if missing:
            raise DataError(f"the vendored scripts {missing} are missing from {source}; {hint}")
        rels = [f"{prefix}/{p.relative_to(source).as_posix()}" for p in sources]
        self.expect(*rels)
        for path, rel in zip(sources, rels):
            target = self.root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        self.written(*rels)

    def copy_static(self, hint: str = "reinstall coursekit (or run with --no-html)") -> None:
        """Copy require.js, the widget renderer and MathJax (``coursekit/static``) to ``root/static``."""
        self.copy_tree(STATIC, "static", hint=hint,
                       required=[Path(rel).name for rel in (_REQUIRE_JS, _WIDGET_RENDERER, _MATHJAX)])


# --- notebooks and parameters -------------------------------------------------------------------


def _select(notebooks_dir: Path, only: str | None) -> list[Path]:
    books = sorted(p for p in notebooks_dir.glob("*.ipynb")
                   if p.is_file() and not p.name.startswith(("_", ".")))
    if only:
        if any(ch in only for ch in "*?["):
            books = [p for p in books if fnmatch.fnmatchcase(p.name, only)]
        else:
            books = [p for p in books if only in p.name]
    if not books:
        where = f" matching {only!r}" if only else ""
        raise DataError(f"no notebooks{where} in {notebooks_dir} (names starting with _ are skipped)")
    if any(p.stem == "index" for p in books):
        raise DataError(f"{notebooks_dir / 'index.ipynb'}: coursekit run writes its own index.html; "
                        f"rename the notebook (e.g. 00_index.ipynb)")
    return books


def _declared(path: Path) -> list[str]:
    """The names the first cell tagged ``parameters`` assigns, in order.

    Read with :mod:`ast` rather than ``papermill.inspect_notebook``, whose line parser skips any
    line with a second ``=`` (``as_of = ""  # "" = the day after the last order``), so that a
    declared parameter would look undeclared. papermill's reader is the fallback for a cell that
    is not plain Python (e.g. with IPython magics that are more than a line).
    """
    import nbformat

    try:
        book = nbformat.read(path, as_version=4)
    except Exception as exc:  # a notebook that cannot be read: nothing could run it
        raise DataError(f"cannot read {path.name}: {type(exc).__name__}: {_first_text_line(exc)}") from None
    cells = [c for c in book.cells if c.get("cell_type") == "code" and "parameters" in _tags(c)]
    if not cells:
        return []
    source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                       for line in cells[0].get("source", "").splitlines())
    try:
        tree = ast.parse(source)
    except SyntaxError:
        import papermill

        with _quiet_papermill():
            return list(papermill.inspect_notebook(str(path)))
    names: list[str] = []
    for node in tree.body:
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else [])
        for target in targets:
            names += [n.id for n in ast.walk(target) if isinstance(n, ast.Name) and n.id not in names]
    return names


def _plan_parameters(books: Sequence[Path], requested: Mapping[str, object]
                     ) -> dict[str, dict[str, object]]:
    """The parameters each notebook takes: those of ``requested`` its parameters cell declares."""
    declared = {p.name: _declared(p) for p in books}
    everything = sorted({name for names in declared.values() for name in names})
    unknown = [name for name in requested if name not in everything]
    if unknown:
        raise DataError(
            f"parameter {', '.join(map(repr, unknown))} is declared in the parameters cell of none of "
            f"the {len(books)} notebooks run (they declare: {', '.join(everything) or 'nothing'})")
    return {book: {k: v for k, v in requested.items() if k in names} for book, names in declared.items()}


def _failure(error: CellError) -> str:
    """``at cell 2 ('x = 1'): ValueError: ...`` or, for a failure outside a cell, ``: TypeError: ...``."""
    return f"at {error}" if error.cell is not None else f"({error})"


def _first_line(source: str, limit: int | None = 72) -> str:
    """The first non-blank line, stripped; longer than ``limit`` (``None``: no limit), cut with ``...``."""
    line = next((l.strip() for l in source.splitlines() if l.strip()), "")
    return line if limit is None or len(line) <= limit else line[:limit - 3] + "..."


def _first_text_line(text: str, limit: int = 200) -> str:
    from papermill.exceptions import strip_color

    return _first_line(strip_color(str(text)), limit)


def _tags(cell) -> set[str]:
    return set((cell.get("metadata") or {}).get("tags") or [])


def _source_position(source_cells, run_cells, k: int) -> int:
    """1-based position in the source notebook of ``run_cells[k]`` (papermill adds cells)."""
    cell_id = run_cells[k].get("id")
    if cell_id:
        for i, cell in enumerate(source_cells):
            if cell.get("id") == cell_id:
                return i + 1
    added = sum(1 for c in run_cells[:k] if _tags(c) & {_PAPERMILL_ERROR_TAG, _INJECTED_TAG})
    return k - added + 1


def _locate_failure(source: Path, executed: Path, ename: str, evalue: str, *, stuck: bool) -> CellError:
    """Find the failing cell in the executed copy papermill saved.

    With ``stuck`` (timeout, dead kernel) the failing cell is the last one that started;
    otherwise the first cell with an error output.
    """
    import nbformat

    try:
        run = nbformat.read(executed, as_version=4)
        src = nbformat.read(source, as_version=4)
    except Exception:
        return CellError(ename, evalue)
    index = None
    for k, cell in enumerate(run.cells):
        if cell.get("cell_type") != "code" or _PAPERMILL_ERROR_TAG in _tags(cell):
            continue
        if stuck:
            if cell.get("metadata", {}).get("papermill", {}).get("start_time"):
                index = k
        elif any(o.get("output_type") == "error" for o in cell.get("outputs", [])) or \
                cell.get("metadata", {}).get("papermill", {}).get("exception") is True:
            index = k
            break
    if index is None:
        return CellError(ename, evalue)
    return CellError(ename, evalue, _source_position(src.cells, run.cells, index),
                     _first_line(run.cells[index].get("source", "")))


@contextlib.contextmanager
def _quiet_papermill() -> Iterator[None]:
    """Keep papermill's log off the terminal: its parameter parser's "Unable to parse line ..."
    warnings, and nbclient's "Timeout waiting for execute reply" (a failure the run reports itself)."""
    logger = logging.getLogger("papermill")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextlib.contextmanager
def _kernel_environment() -> Iterator[None]:
    """Environment the kernels inherit: no ``__pycache__`` in the notebooks folder, no debugger chatter."""
    wanted = {"PYTHONDONTWRITEBYTECODE": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    saved = {k: os.environ.get(k) for k in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _execute(source: Path, target: Path, parameters: Mapping[str, object], *, cwd: Path,
             timeout: float | None) -> CellError | None:
    """Run one notebook with papermill; the error that stopped it, or ``None``."""
    import papermill
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    limit = math.ceil(timeout) if timeout else None  # nbclient counts whole seconds
    try:
        papermill.execute_notebook(
            str(source), str(target), parameters=dict(parameters), kernel_name="python3",
            cwd=str(cwd), progress_bar=False, log_output=False, execution_timeout=limit,
            # the kernel's own log (e.g. ipykernel 7's "running over TCP without encryption") would
            # reach the trainer's terminal; errors in cells are in the notebook anyway
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
    except PapermillExecutionError as exc:
        return _locate_failure(source, target, exc.ename, _first_text_line(exc.evalue), stuck=False)
    except CellTimeoutError:
        return _locate_failure(source, target, "TimeoutError",
                               f"the cell was still running after {limit} s (raise --timeout)", stuck=True)
    except DeadKernelError as exc:
        return _locate_failure(source, target, "DeadKernelError",
                               _first_text_line(exc) or "the kernel died (out of memory?)", stuck=True)
    except NoSuchKernel:
        raise DataError("no Jupyter kernel named 'python3' on this machine; install one with "
                        "`python -m ipykernel install --user --name python3`") from None
    except Exception as exc:  # papermill/nbclient failures outside a cell: report, keep going
        return CellError(type(exc).__name__, _first_text_line(exc))
    return None


# --- HTML ---------------------------------------------------------------------------------------


def _offline(template_name: str, template: str) -> dict[str, object]:
    """nbconvert exporter settings for a page that loads nothing from the internet.

    The page uses ``template`` (registered as ``template_name``), embeds its images, and takes
    require.js, the widget renderer and MathJax from ``static/`` (:meth:`_OutputFolder.copy_static`);
    mermaid and jQuery, which it would fetch from a CDN, are left out.
    """
    from jinja2 import DictLoader

    return {
        "extra_loaders": [DictLoader({template_name: template})],
        "template_file": template_name,
        "embed_images": True,
        "require_js_url": _REQUIRE_JS,
        "widget_renderer_url": _WIDGET_RENDERER,
        "mathjax_url": _MATHJAX,
        "jupyter_widgets_base_url": "static/",
        "mermaid_js_url": "",
        "mermaid_layout_elk_js_url": "",
        "jquery_url": "",
    }


def _exporter():
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab", **_offline(_TEMPLATE_NAME, _TEMPLATE))


def _export(exporter, book, stem: str, target: Path, *, notebooks_dir: Path) -> list[str]:
    """Write ``target`` from the notebook node ``book``; the external addresses the page still loads."""
    body, _ = exporter.from_notebook_node(
        book, resources={"metadata": {"name": stem, "path": str(notebooks_dir)}})
    target.write_text(body, encoding="utf-8")
    return external_references(body)


def _loads_warning(page: str, loads: Sequence[str]) -> str:
    """The line a run or ``coursekit slides`` prints for a page that loads ``loads`` from the internet."""
    return (f"warning: {page} loads {_listing(loads, 3)} from the internet "
            f"(an address written in the notebook itself)")


_INDEX_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "PingFang SC", sans-serif;
       margin: 2em auto; max-width: 60em; padding: 0 1em; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.35em 0.6em; border-bottom: 1px solid #ddd; vertical-align: top; }
td.time { text-align: right; white-space: nowrap; }
.ok { color: #1a7f37; font-weight: bold; }
.failed { color: #cf222e; font-weight: bold; }
code { font-size: 0.9em; }
.error { color: #cf222e; }
"""


def _index_page(results: Sequence[NotebookResult], *, notebooks_dir: Path, requested: Mapping[str, object],
                total: float) -> str:
    from coursekit import __version__

    esc = html.escape
    failed = [r for r in results if not r.ok]
    rows = []
    for i, r in enumerate(results, 1):
        stem = Path(r.name).stem
        link = f'<a href="{esc(stem)}.html">{esc(stem)}</a>' if r.html else esc(stem)
        params = ", ".join(f"{k}={v!r}" for k, v in r.parameters.items()) or "—"
        error = f'<div class="error">{esc(str(r.error))}</div>' if r.error else ""
        rows.append(
            f'<tr><td>{i}</td><td>{link} <small>(<a href="{esc(r.name)}">ipynb</a>)</small>{error}</td>'
            f'<td class="{esc(r.status)}">{esc(r.status)}</td><td class="time">{r.seconds:.1f} s</td>'
            f"<td><code>{esc(params)}</code></td></tr>")
    asked = ", ".join(f"{k}={v!r}" for k, v in requested.items()) or "none (the notebooks' defaults)"
    verdict = (f'<span class="failed">{len(failed)} failed</span>' if failed
               else '<span class="ok">all ran</span>')
    stamp = _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Course run: {esc(notebooks_dir.name)}</title>
<style>{_INDEX_STYLE}</style>
</head>
<body>
<h1>Course run: {esc(notebooks_dir.name)}</h1>
<p>{len(results)} notebooks, {verdict}, {total:.1f} s in all. Run {esc(stamp)} by coursekit {esc(__version__)}
from <code>{esc(str(notebooks_dir))}</code>.</p>
<p>Parameters: <code>{esc(asked)}</code> (each notebook takes only those its parameters cell declares).</p>
<table>
<thead><tr><th>#</th><th>Notebook</th><th>Status</th><th>Time</th><th>Parameters injected</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</body>
</html>
"""


# --- the runner ---------------------------------------------------------------------------------


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    stats = {}
    for rel in _entries(folder):
        st = (folder / rel).lstat()
        stats[rel] = (st.st_size, st.st_mtime_ns)
    return stats


def run_course(
    notebooks_dir: str | Path = NOTEBOOKS,
    out_dir: str | Path = "build/course",
    parameters: Mapping[str, object] | None = None,
    case: str | None = None,
    *,
    only: str | None = None,
    timeout: float | None = 300,
    html: bool = True,
    log: Callable[[str], None] | None = None,
    progress: bool = False,
) -> list[NotebookResult]:
    """Execute every notebook of a folder with papermill and write the results to ``out_dir``.

    Notebooks (``*.ipynb`` directly in ``notebooks_dir``, names starting with ``_`` skipped) run
    in name order in this process, kernel ``python3``, working directory ``notebooks_dir``. A
    failing notebook does not stop the run: all notebooks are run, and each result says how it went.

    Parameters
    ----------
    notebooks_dir : str or Path
        The course folder (default: the repository's ``notebooks/``). Never written to.
    out_dir : str or Path
        Where the executed notebooks (``NN_topic.ipynb``), their HTML (``NN_topic.html``),
        ``static/`` and ``index.html`` go (default ``build/course``, relative to the working
        directory). Must be new, empty, or the output of an earlier run (it holds the marker
        file ``.coursekit-run``); its earlier contents are then replaced.
    parameters : mapping, optional
        Parameter values by name. Each notebook receives only the names its ``parameters`` cell
        declares; a name that no notebook declares raises :class:`~coursekit.DataError`.
    case : str, optional
        Shorthand for ``parameters["case"]``.
    only : str, optional
        Run only notebooks whose file name matches: a glob (``"0[12]_*"``) or, without ``*?[``,
        a substring (``"03"``).
    timeout : float or None
        Seconds a single cell may run (default 300, rounded up to whole seconds); ``None`` or 0
        for no limit. A cell that runs longer fails its notebook.
    html : bool
        Export each executed notebook to offline HTML and write ``index.html`` (default True).
    log : callable, optional
        Called with one line of text per event (parameter plan, each notebook, summary).
    progress : bool
        Show a progress bar on the terminal (tqdm; nothing when stderr is not a terminal).

    Returns
    -------
    list of NotebookResult
        One per notebook run, in run order.

    Raises
    ------
    DataError
        The notebooks folder does not exist or has no notebooks to run; a parameter is declared by
        no notebook; ``out_dir`` is inside ``notebooks_dir``, or holds files this function did not
        write (or that changed since); the vendored HTML scripts are missing.
    """
    say = log or (lambda _line: None)
    notebooks_dir = Path(notebooks_dir).expanduser().resolve()
    out = Path(out_dir).expanduser().resolve()
    if not notebooks_dir.is_dir():
        raise DataError(f"notebooks folder {notebooks_dir} does not exist; pass --notebooks DIR")
    if out == notebooks_dir or notebooks_dir in out.parents:
        raise DataError(f"output folder {out} is inside the notebooks folder {notebooks_dir}; "
                        f"coursekit run never writes there: choose another --out")
    if timeout is not None and timeout < 0:
        raise DataError(f"timeout must be a number of seconds ≥ 0 (0: no limit), got {timeout}")
    requested = dict(parameters or {})
    if case is not None:
        if "case" in requested and requested["case"] != case:
            raise DataError(f"case given twice: --case {case!r} and -p case {requested['case']!r}")
        requested["case"] = case

    books = _select(notebooks_dir, only)
    plan = _plan_parameters(books, requested)
    for name, value in requested.items():
        takers = [b for b, taken in plan.items() if name in taken]
        say(f"parameter {name}={value!r} → {', '.join(takers)}")

    folder = _OutputFolder(out)
    folder.claim()
    exporter = None
    if html:
        folder.copy_static()
        exporter = _exporter()

    import nbformat
    from tqdm.auto import tqdm

    bar = tqdm(total=len(books), unit="notebook", file=sys.stderr, leave=False,
               disable=None if progress else True, dynamic_ncols=True)

    def emit(line: str) -> None:
        with bar.external_write_mode(file=sys.stdout):
            say(line)

    results: list[NotebookResult] = []
    before = _snapshot(notebooks_dir)
    started = time.perf_counter()
    try:
        with _kernel_environment(), _quiet_papermill():
            for i, book in enumerate(books, 1):
                counter = f"[{i}/{len(books)}]"
                bar.set_description(f"{counter} {book.name}")
                ipynb, page = book.name, f"{book.stem}.html"
                folder.expect(ipynb, *([page] if html else []))
                t0 = time.perf_counter()
                error = _execute(book, out / ipynb, plan[book.name], cwd=notebooks_dir, timeout=timeout)
                seconds = time.perf_counter() - t0
                html_path, loads = None, []
                if exporter is not None and (out / ipynb).is_file():
                    try:
                        loads = _export(exporter, nbformat.read(out / ipynb, as_version=4), book.stem,
                                        out / page, notebooks_dir=notebooks_dir)
                        html_path = out / page
                    except Exception as exc:
                        error = error or CellError("HTML export failed", f"{type(exc).__name__}: {exc}")
                folder.written(ipynb, page)
                status = "ok" if error is None else "failed"
                result = NotebookResult(book.name, status, seconds, error, html_path,
                                        out / ipynb if (out / ipynb).is_file() else None, plan[book.name])
                results.append(result)
                line = f"{counter} {book.name} … {seconds:.1f} s"
                emit(line if error is None else f"{line} FAILED {_failure(error)}")
                if loads:
                    emit(_loads_warning(page, loads))
                bar.update(1)
    finally:
        bar.close()
    total = time.perf_counter() - started
    if html:
        folder.expect("index.html")
        (out / "index.html").write_text(
            _index_page(results, notebooks_dir=notebooks_dir, requested=requested, total=total), encoding="utf-8")
        folder.written("index.html")
    after = _snapshot(notebooks_dir)
    touched = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if touched:
        say(f"warning: the notebooks changed files in their own folder {notebooks_dir}: {_listing(touched)}")
    failed = [r.name for r in results if not r.ok]
    where = out / "index.html" if html else out
    say(f"{len(results) - len(failed)} of {len(results)} notebooks ran in {total:.1f} s"
        + (f"; failed: {', '.join(failed)}" if failed else "") + f". Output: {where}")
    return results
