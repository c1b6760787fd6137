"""The course in a real browser: JupyterLab with live widgets, offline HTML and offline slides.

Headless Debian Chromium (``/usr/bin/chromium``, or ``$COURSEKIT_CHROMIUM``) driven by PyPI
``playwright``; ``.ci/run`` installs Chromium. Without it these tests fail (they never skip).

- JupyterLab runs on 127.0.0.1, a free port and a token made here, on a temporary copy of
  ``notebooks/`` with the project's Jupyter config (``.jupyter/``, via ``JUPYTER_CONFIG_PATH``) and
  temporary user folders, so nothing is written to ``~/.jupyter`` or to the committed notebooks.
  A fresh lab shows no pop-up; in lessons 3 and 5, Run → Run All Cells, then a slider moved with
  the keyboard must change the table to exactly what coursekit computes here for the new value.
- ``run_course`` on small data (lessons 0, 3 and 5, and the fixture notebook with math) and
  :func:`coursekit.slides.write_slides` on that run: every page opened from ``file://`` with every
  other request blocked and recorded; none may happen, and tables, plots, saved widgets, math and
  reveal.js must render.

Screenshots go to ``build/test-artifacts/``. About a minute in all on 2 cores.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
ARTIFACTS = ROOT / "build" / "test-artifacts"
PROJECT_JUPYTER_CONFIG = ROOT / ".jupyter"
CHROMIUM = Path(os.environ.get("COURSEKIT_CHROMIUM", "/usr/bin/chromium"))

# the lessons run for the offline pages: the contents, and the two widget lessons (tables, plots)
OFFLINE_LESSONS = "0[035]_*"
OFFLINE_PAGES = ["00_contents", "03_value_tiers", "05_strategies", "index"]
SMOKE = {"size": 150, "seed": 3}  # as tests/test_notebooks.py


# --- browser ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        pytest.fail("the browser tests need PyPI playwright: pip install -e '.[test]'", pytrace=False)
    if not CHROMIUM.is_file():
        pytest.fail(f"the browser tests need Chromium at {CHROMIUM}: apt-get install -y chromium "
                    f"(.ci/run does), or set COURSEKIT_CHROMIUM", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


class Offline:
    """A browser context that lets only file:, data: and blob: requests through and records the rest."""

    LOCAL = ("file:", "data:", "blob:")

    def __init__(self, browser, **options):
        self.context = browser.new_context(**options)
        self.blocked: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.requests = 0
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("requestfailed", lambda r: self.failed.append(r.url) if r.url.startswith(self.LOCAL) else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route):
        self.requests += 1
        url = route.request.url
        if url.startswith(self.LOCAL):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def open(self, path: Path) -> None:
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def wait(self, script: str, what: str, timeout: float = 20_000) -> None:
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function(script, timeout=timeout)
        except PlaywrightTimeout:
            pytest.fail(f"{what} not seen in {timeout / 1000:.0f} s on {self.page.url}; blocked requests: "
                        f"{self.blocked}; page errors: {self.errors}", pytrace=False)

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module", autouse=True)
def _fresh_artifacts():
    """Screenshots of an earlier run are removed, so build/test-artifacts/ shows this run only."""
    for old in ARTIFACTS.glob("*.png"):
        if old.name.startswith(("lab-", "offline-", "slides-")):
            old.unlink()


def _screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


# --- offline HTML ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def offline_course(tmp_path_factory):
    """Three lessons on small data, and the fixture notebook with math, as ``coursekit run`` writes them."""
    from coursekit.course import run_course

    base = tmp_path_factory.mktemp("offline")
    results = run_course(NOTEBOOKS, base / "course", SMOKE, only=OFFLINE_LESSONS)
    assert [r.status for r in results] == ["ok"] * 3, [r.message for r in results]
    math = run_course(FIXTURES, base / "math", only="01_params*")
    assert [r.status for r in math] == ["ok"], [r.message for r in math]
    return base


def _expected_content(notebook: Path) -> dict[str, object]:
    """What a page of this executed notebook must show: image count, slider labels, math."""
    book = json.loads(notebook.read_text(encoding="utf-8"))
    images = sum("image/png" in output.get("data", {})
                 for cell in book["cells"] for output in cell.get("outputs", []))
    state = book["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    sliders = sorted(m["state"]["description"] for m in state.get("state", {}).values()
                     if m["model_name"] in ("IntSliderModel", "FloatSliderModel"))
    math = any("$" in "".join(c["source"]) for c in book["cells"] if c["cell_type"] == "markdown")
    return {"images": images, "sliders": sliders, "math": math}


@pytest.mark.parametrize("page_name", OFFLINE_PAGES + ["math:01_params"])
def test_offline_html_renders_from_file_with_no_outside_request(browser, offline_course, page_name):
    folder, stem = ((offline_course / "math", page_name.split(":")[1]) if page_name.startswith("math:")
                    else (offline_course / "course", page_name))
    tab = Offline(browser, viewport={"width": 1280, "height": 900})
    try:
        tab.open(folder / f"{stem}.html")
        expected = (_expected_content(folder / f"{stem}.ipynb") if stem != "index"
                    else {"images": 0, "sliders": [], "math": False})
        if stem != "01_params":
            tab.wait("() => [...document.querySelectorAll('table')].some(t => t.offsetHeight > 0)", "a visible table")
        if expected["images"]:
            tab.wait(f"() => [...document.images].filter(i => i.complete && i.naturalWidth > 0).length"
                     f" >= {expected['images']}", f"{expected['images']} rendered plots")
        if expected["sliders"]:
            tab.wait(f"() => document.querySelectorAll('.widget-slider').length >= {len(expected['sliders'])}",
                     "the sliders of the saved widget state")
            labels = tab.page.eval_on_selector_all(".widget-slider .widget-label", "ls => ls.map(l => l.textContent)")
            assert sorted(labels) == expected["sliders"]
        if expected["math"]:
            tab.wait("() => document.querySelectorAll('mjx-container svg').length > 0", "math typeset by MathJax")
        if expected["sliders"]:
            tab.page.locator(".widget-slider").first.evaluate("s => s.scrollIntoView({block: 'center'})")
        _screenshot(tab.page, f"offline-{stem}")
        assert tab.blocked == [], f"{stem}.html asked the internet for {tab.blocked}"
        assert tab.failed == [], f"{stem}.html refers to missing local files {tab.failed}"
        assert tab.errors == [], f"{stem}.html raised {tab.errors}"
        assert tab.requests > 0  # the recorder saw the page's own loads
    finally:
        tab.close()


def test_the_math_fixture_really_has_math(offline_course):
    # the mjx-container check above runs only where a notebook has math: make sure one does
    assert _expected_content(offline_course / "math" / "01_params.ipynb")["math"]
    assert _expected_content(offline_course / "course" / "03_value_tiers.ipynb")["sliders"] == \
        ["big ≥ yuan", "recent ≤ days"]


# --- offline slides ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def offline_slides(offline_course, tmp_path_factory):
    from coursekit.slides import write_slides

    out = tmp_path_factory.mktemp("slides") / "slides"
    decks = write_slides(offline_course / "course", out)
    assert [d.name for d in decks] == [f"{n}.slides.html" for n in OFFLINE_PAGES[:-1]]
    return out


@pytest.mark.parametrize("stem", OFFLINE_PAGES[:-1])
def test_slides_open_from_file_with_reveal_and_no_outside_request(browser, offline_course, offline_slides, stem):
    import nbformat

    from coursekit.slides import _count, slide_types

    executed = offline_course / "course" / f"{stem}.ipynb"
    slides = _count(slide_types(nbformat.read(executed, as_version=4).cells))
    expected = _expected_content(executed)
    tab = Offline(browser, viewport={"width": 1280, "height": 800})
    try:
        tab.open(offline_slides / f"{stem}.slides.html")
        tab.wait("() => window.Reveal && window.Reveal.isReady()", "reveal.js initialised")
        if expected["sliders"]:
            tab.wait(f"() => document.querySelectorAll('.widget-slider').length >= {len(expected['sliders'])}",
                     "the sliders of the saved widget state")
        sections = tab.page.eval_on_selector_all(".reveal .slides section", "s => s.length")
        assert tab.page.evaluate("() => Reveal.getTotalSlides()") == slides
        tab.page.evaluate("() => Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
        if slides > 1:
            assert sections > 1
            tab.page.keyboard.press("ArrowRight")
            tab.wait("() => Reveal.getIndices().h === 1", "the next slide after pressing →")
        if expected["sliders"]:  # show the slide with the widget
            tab.page.evaluate("() => Reveal.slide(Reveal.getIndices("
                              "document.querySelector('.widget-slider').closest('.slides > section')).h)")
            slider = tab.page.locator(".widget-slider").first
            slider.evaluate("s => s.scrollIntoView({block: 'center'})")  # a tall slide scrolls
            assert slider.is_visible()
        _screenshot(tab.page, f"slides-{stem}")
        assert tab.blocked == [], f"{stem}.slides.html asked the internet for {tab.blocked}"
        assert tab.failed == [], f"{stem}.slides.html refers to missing local files {tab.failed}"
        assert tab.errors == [], f"{stem}.slides.html raised {tab.errors}"
    finally:
        tab.close()


def test_slides_index_links_every_deck(browser, offline_slides):
    tab = Offline(browser)
    try:
        tab.open(offline_slides / "index.html")
        links = tab.page.eval_on_selector_all("a", "as => as.map(a => a.getAttribute('href'))")
        assert links == [f"{n}.slides.html" for n in OFFLINE_PAGES[:-1]]
        assert tab.blocked == [] and tab.failed == []
    finally:
        tab.close()


# --- JupyterLab --------------------------------------------------------------------------------

ANNOUNCEMENTS = "@jupyterlab/apputils-extension:announcements"


class Lab:
    """A JupyterLab server started by the ``lab`` fixture."""

    def __init__(self, port: int, token: str, root: Path, log: Path, process: subprocess.Popen):
        self.port, self.token, self.root, self.log, self.process = port, token, root, log, process

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}/{path}{sep}token={self.token}"

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(self.url(f"api/{path}"), method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a copy of notebooks/ (with ../datasets beside it, as in the repository)."""
    import secrets

    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    (base / "datasets").symlink_to(ROOT / "datasets", target_is_directory=True)
    token, port = secrets.token_urlsafe(24), _free_port()
    env = {**os.environ,
           # the project's Jupyter config (no announcements pop-up), as README's "Presenting" says
           "JUPYTER_CONFIG_PATH": str(PROJECT_JUPYTER_CONFIG),
           # a fresh lab: user config, settings, workspaces and runtime files in the temporary folder
           "JUPYTER_CONFIG_DIR": str(base / "config"), "JUPYTER_DATA_DIR": str(base / "data"),
           "JUPYTER_RUNTIME_DIR": str(base / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"), "IPYTHONDIR": str(base / "ipython"),
           "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("JUPYTER_TOKEN", None)
    log = base / "lab.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--allow-root", "--no-browser", "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
             f"--ServerApp.root_dir={root}"],
            env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    server = Lab(port, token, root, log, process)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"jupyter lab exited with {process.returncode}:\n{log.read_text()[-3000:]}", pytrace=False)
            try:
                server.api("status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"jupyter lab not up after 60 s:\n{log.read_text()[-3000:]}", pytrace=False)
                time.sleep(0.25)
        yield server
    finally:
        if process.poll() is None:
            try:  # kernels run in sessions of their own: shut them down through the server
                for kernel in server.api("kernels") or []:
                    server.api(f"kernels/{kernel['id']}", method="DELETE")
            except OSError:
                pass
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


class LabTab:
    """A page of the lab; requests to anywhere but the lab's own address are blocked and recorded."""

    def __init__(self, browser, lab: Lab):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.outside: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.lab = lab

    def _route(self, route):
        url = route.request.url
        if url.startswith((f"http://127.0.0.1:{self.lab.port}/", f"ws://127.0.0.1:{self.lab.port}/", "data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, notebook: str) -> None:
        # ?reset: a workspace of its own, so notebooks opened by earlier tests do not come back
        self.page.goto(self.lab.url(f"lab/tree/{notebook}?reset"))
        self.page.locator("#jp-main-statusbar").get_by_text("Idle").wait_for(timeout=60_000)

    @property
    def notebook(self):
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")

    def run_all(self) -> None:
        """Run → Run All Cells, then wait until every code cell has run and the kernel is idle."""
        self.notebook.locator(".jp-Notebook").evaluate("""nb => { window.__queued = false;
            new MutationObserver(() => {
                if ([...nb.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'))) window.__queued = true;
            }).observe(nb, {subtree: true, childList: true, characterData: true}); }""")
        self.page.locator("#jp-MainMenu").get_by_text("Run", exact=True).click()
        self.page.locator(".lm-Menu-content").get_by_text("Run All Cells", exact=True).click()
        self.notebook.locator(".jp-Notebook").evaluate("nb => nb")  # the panel is still there
        self.page.wait_for_function("""() => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim());
            return window.__queued && document.querySelector('#jp-main-statusbar').textContent.includes('Idle')
                && prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p));
        }""", timeout=120_000)

    def close(self) -> None:
        self.context.close()


def test_a_fresh_lab_opens_a_lesson_without_pop_ups(browser, lab):
    tab = LabTab(browser, lab)
    try:
        tab.open("02_rfm.ipynb")
        tab.page.wait_for_timeout(3000)  # without the project config the news question shows by now
        config = json.loads(tab.page.locator("#jupyter-config-data").text_content())
        assert ANNOUNCEMENTS in config["disabledExtensions"]
        _screenshot(tab.page, "lab-open-02_rfm")
        assert tab.page.locator(".Toastify__toast").all_inner_texts() == []
        assert tab.page.locator(".jp-Dialog").all_inner_texts() == []
        assert tab.notebook.locator(".jp-Cell").count() > 10
        assert tab.outside == [], f"JupyterLab asked the internet for {tab.outside}"
    finally:
        tab.close()


class _Rows(HTMLParser):
    """The text of every th/td cell of an HTML table, row by row."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _displayed(frame: pd.DataFrame) -> list[list[str]]:
    """The table as the notebook shows it (its setup cell sets display.precision to 2)."""
    with pd.option_context("display.precision", 2):
        parser = _Rows()
        parser.feed(frame._repr_html_())
    return parser.rows


def _parameters(notebook: str) -> dict:
    """The defaults of the notebook's parameters cell (plain assignments)."""
    book = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))
    cell = next(c for c in book["cells"] if "parameters" in c["metadata"].get("tags", []))
    values: dict = {}
    exec("".join(cell["source"]), {}, values)
    return values


def _rfm(p: dict):
    import coursekit as ck
    from coursekit.datasets import course_transactions

    tx = course_transactions(p["case"], data_dir=NOTEBOOKS / p["data_dir"], own_file=p["own_file"] or None,
                             columns=p["column_map"], size=p["size"] or None, seed=p["seed"] if p["size"] else None)
    return ck.rfm_table(tx, as_of=p["as_of"] or None, order_col="order_id" if "order_id" in tx.columns else None)


def _threshold_explorer(p: dict):
    """Lesson 3's explorer: 'recent' (bought within recent_days) and 'big' (spent at least big_spend)."""
    import coursekit as ck

    rfm = _rfm(p)

    def table(recent_days: int, big_spend: int) -> pd.DataFrame:
        rules = {"name": "explorer", "rules": [
            {"tier": "high-value", "when": f"recency_days <= {recent_days} and monetary >= {big_spend}"},
            {"tier": "potential", "when": f"recency_days <= {recent_days}"},
            {"tier": "churning", "when": f"monetary >= {big_spend}"},
            {"tier": "general", "when": "otherwise"}]}
        return ck.tier_summary(ck.assign_tiers(rfm, rules), rules)[["customers", "customer_share", "value_share"]]

    return lambda recent: table(recent, p["big_spend"]), p["recent_days"]


def _budget_allocator(p: dict):
    """Lesson 5's allocator: even vs by-tier totals for a budget (high-value response rate as assumed)."""
    import coursekit as ck
    from coursekit import strategy as st

    tiered = ck.assign_tiers(_rfm(p), "value4")
    playbook = st.playbook("value4")

    def table(budget: int) -> pd.DataFrame:
        compared = st.compare_allocations(tiered, budget, response=p["response"],
                                          cost_per_contact=p["cost_per_contact"], playbook=playbook)
        return compared.loc[["total"], ["contacts_even", "contacts_by_tier", "value_even", "value_by_tier",
                                        "difference"]].round(0)

    return table, p["scarce_budget"]


# notebook: (slider label, its step, key presses, the expected table for a slider value)
EXPLORERS = {
    "03_value_tiers.ipynb": ("recent ≤ days", 10, 3, _threshold_explorer),
    "05_strategies.ipynb": ("budget", 10_000, 2, _budget_allocator),
}


@pytest.mark.parametrize("notebook", list(EXPLORERS))
def test_moving_a_slider_recomputes_the_table_in_jupyterlab(browser, lab, notebook):
    label, step, presses, make = EXPLORERS[notebook]
    expected, start = make(_parameters(notebook))
    moved = start + presses * step
    before, after = _displayed(expected(start)), _displayed(expected(moved))
    assert before != after, "choose a slider move that changes the table"

    tab = LabTab(browser, lab)
    try:
        tab.open(notebook)
        tab.run_all()
        widget = tab.notebook.locator(".widget-interact").first
        slider = widget.locator(".widget-slider").filter(has=tab.page.get_by_text(label, exact=True))
        read_table = "w => [...w.querySelectorAll('.widget-output table tr')].map(tr => [...tr.children].map(c => c.textContent.trim()))"

        def shows(rows, seconds: float = 30) -> list[list[str]]:
            deadline = time.monotonic() + seconds
            seen = widget.evaluate(read_table)
            while seen != rows and time.monotonic() < deadline:
                time.sleep(0.2)
                seen = widget.evaluate(read_table)
            return seen

        assert shows(before) == before
        assert slider.locator(".widget-readout").text_content().strip() == str(start)
        handle = slider.locator(".noUi-handle")
        handle.focus()
        for _ in range(presses):
            handle.press("ArrowRight")
        assert slider.locator(".widget-readout").text_content().strip() == str(moved)
        assert shows(after) == after
        widget.evaluate("w => w.scrollIntoView({block: 'center'})")
        _screenshot(tab.page, f"lab-{Path(notebook).stem}")
        assert tab.page.locator(".jp-Dialog").count() == 0
        assert tab.outside == [], f"JupyterLab asked the internet for {tab.outside}"
    finally:
        tab.close()
