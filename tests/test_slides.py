"""``coursekit slides`` / :func:`coursekit.slides.write_slides` without a browser.

How cells map to slides, that the decks refer only to files written next to them, that the output
folder is claimed like ``coursekit run``'s, and the vendored reveal.js. tests/test_browser.py opens
the decks in Chromium with the network blocked.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from _helpers import _Loads, _tree_hash

from coursekit import DataError
from coursekit.cli import main
from coursekit.course import MARKER, external_references
from coursekit.slides import REVEAL, SLIDES_MARKER, default_source, slide_types, write_slides

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
LESSONS = sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """Every committed lesson notebook as a deck (they are committed with their outputs)."""
    out = tmp_path_factory.mktemp("slides") / "slides"
    before = _tree_hash(NOTEBOOKS)
    lines: list[str] = []
    written = write_slides(NOTEBOOKS, out, log=lines.append)
    return out, written, lines, before


class TestSlideTypes:
    def test_headings_start_slides_and_knobs_are_left_out(self):
        book = nbformat.read(NOTEBOOKS / "03_value_tiers.ipynb", as_version=4)
        types = slide_types(book.cells)
        assert types[0] == "slide"  # the title cell
        parameters = [i for i, c in enumerate(book.cells) if "parameters" in c.metadata.get("tags", [])]
        setup = [i for i, c in enumerate(book.cells) if c.cell_type == "code" and "just run this cell" in c.source]
        assert parameters == [1] and setup == [2]
        assert [types[i] for i in parameters + setup] == ["skip", "skip"]
        headings = [i for i, c in enumerate(book.cells)
                    if c.cell_type == "markdown" and c.source.lstrip().startswith("#")]
        assert [i for i, t in enumerate(types) if t == "slide"] == headings
        assert set(types) == {"slide", "skip", "-"}
        # "## Explore the thresholds", the function and the widget share a slide
        explore = next(i for i in headings if "Explore the thresholds" in book.cells[i].source)
        assert "interactive(" in book.cells[explore + 2].source
        assert types[explore:explore + 3] == ["slide", "-", "-"]

    def test_papermill_cells_are_left_out_and_the_authors_choice_wins(self):
        cells = [{"cell_type": "markdown", "source": "# Title"},
                 {"cell_type": "code", "source": "case = 'bank'", "metadata": {"tags": ["injected-parameters"]}},
                 {"cell_type": "markdown", "source": "An error", "metadata": {"tags": ["papermill-error-cell-tag"]}},
                 {"cell_type": "markdown", "source": "## Not a slide", "metadata": {"slideshow": {"slide_type": "fragment"}}},
                 {"cell_type": "code", "source": "#not a heading", "metadata": {}},
                 {"cell_type": "markdown", "source": "\n\n### Recap\n- one"}]
        assert slide_types(cells) == ["slide", "skip", "skip", "fragment", "-", "slide"]


class TestDecks:
    def test_one_deck_per_lesson_and_an_index(self, decks):
        out, written, lines, _ = decks
        assert [p.name for p in written] == [f"{name}.slides.html" for name in LESSONS]
        assert lines[-1].startswith(f"{len(LESSONS)} decks written")
        assert re.fullmatch(r"03_value_tiers\.slides\.html: \d+ slides", lines[3])
        index = _Loads()
        index.feed((out / "index.html").read_text(encoding="utf-8"))
        assert index.anchors == [p.name for p in written]

    def test_decks_load_only_files_written_next_to_them(self, decks):
        out, written, _, _ = decks
        for page in written + [out / "index.html"]:
            text = page.read_text(encoding="utf-8")
            assert external_references(text) == [], page.name
            for host in ("unpkg.com", "cdnjs", "jsdelivr", "googleapis"):
                assert host not in text, f"{page.name} names {host}"
            parsed = _Loads()
            parsed.feed(text)
            for ref in parsed.loads:
                if not ref.startswith("data:"):
                    assert (out / ref).is_file(), f"{page.name} loads missing {ref}"
            for ref in re.findall(r'"(reveal/[^"]+\.js)"', text):  # the modules require.js loads
                assert (out / ref).is_file(), f"{page.name} requires missing {ref}"
        deck = (out / "03_value_tiers.slides.html").read_text(encoding="utf-8")
        assert '"reveal/dist/reveal.js"' in deck and "static/require.js" in deck
        assert "static/embed-amd.js" in deck  # saved widget state renders with the local renderer
        assert (out / "reveal" / "LICENSE").is_file() and (out / "static" / "LICENSE-mathjax.txt").is_file()

    def test_links_between_lessons_go_to_the_decks(self, decks):
        out, _, _, _ = decks
        parsed = _Loads()
        parsed.feed((out / "03_value_tiers.slides.html").read_text(encoding="utf-8"))
        lessons = [a for a in parsed.anchors if not a.startswith("#")]
        assert lessons == ["02_rfm.slides.html", "00_contents.slides.html", "04_clustering.slides.html"]

    def test_the_notebooks_are_not_touched(self, decks):
        *_, before = decks
        assert _tree_hash(NOTEBOOKS) == before


class TestFolders:
    def test_a_second_run_replaces_its_own_files(self, decks, tmp_path):
        out = shutil.copytree(decks[0], tmp_path / "slides")
        written = write_slides(NOTEBOOKS, out, only="01")
        assert [p.name for p in written] == ["01_why_tier.slides.html"]
        assert sorted(p.name for p in out.glob("*.html")) == ["01_why_tier.slides.html", "index.html"]
        manifest = json.loads((out / SLIDES_MARKER).read_text())
        assert manifest["made_by"] == "coursekit slides"
        assert set(manifest["files"]) == {p.relative_to(out).as_posix() for p in out.rglob("*")
                                          if p.is_file() and p.name != SLIDES_MARKER}

    def test_foreign_files_and_run_folders_are_refused(self, tmp_path):
        mine = tmp_path / "mine"
        mine.mkdir()
        (mine / "notes.txt").write_text("a trainer's notes\n")
        with pytest.raises(DataError, match=r"not made by coursekit slides \(it holds notes.txt\)"):
            write_slides(NOTEBOOKS, mine, only="00")
        run = tmp_path / "course"  # a `coursekit run` folder is not slides output
        run.mkdir()
        (run / MARKER).write_text('{"files": {}}')
        with pytest.raises(DataError, match="not made by coursekit slides"):
            write_slides(NOTEBOOKS, run, only="00")
        assert sorted(p.name for p in run.iterdir()) == [MARKER]

    def test_output_inside_the_notebooks_folder_is_refused(self):
        with pytest.raises(DataError, match="inside the notebooks folder"):
            write_slides(NOTEBOOKS, NOTEBOOKS / "slides")
        assert not (NOTEBOOKS / "slides").exists()


class TestCommandLine:
    def test_default_source_is_the_last_run_else_the_notebooks(self, tmp_path):
        assert default_source(tmp_path) == NOTEBOOKS
        run = tmp_path / "build" / "course"
        run.mkdir(parents=True)
        (run / MARKER).write_text('{"files": {}}')
        assert default_source(tmp_path) == NOTEBOOKS  # a run folder without notebooks
        shutil.copyfile(NOTEBOOKS / "00_contents.ipynb", run / "00_contents.ipynb")
        assert default_source(tmp_path) == run

    def test_slides_subcommand(self, tmp_path, capsys, monkeypatch):
        monkeypatch.chdir(tmp_path)  # no build/course here: the repository's notebooks
        assert main(["slides", "--out", "decks", "--only", "00"]) == 0
        printed = capsys.readouterr().out
        assert f"slides from {NOTEBOOKS}" in printed and "00_contents.slides.html: 1 slide\n" in printed
        assert (tmp_path / "decks" / "00_contents.slides.html").is_file()
        (tmp_path / "other").mkdir()
        (tmp_path / "other" / "x.txt").write_text("mine")
        assert main(["slides", "--out", "other", "--only", "00"]) == 2
        assert "coursekit: error: output folder" in capsys.readouterr().err


def test_vendored_reveal_matches_its_readme():
    table = re.findall(r"^\| `([^`]+)` \| ([\d,]+) \| `([0-9a-f]{64})` \|$",
                       (REVEAL / "README.md").read_text(encoding="utf-8"), re.M)
    listed = {path: (int(size.replace(",", "")), digest) for path, size, digest in table}
    present = {p.relative_to(REVEAL).as_posix() for p in REVEAL.rglob("*") if p.is_file()} - {"README.md"}
    assert set(listed) == present
    for path, (size, digest) in listed.items():
        data = (REVEAL / path).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (size, digest), path
