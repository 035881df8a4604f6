"""Tests of the book's tooling: the notebook run fails on an error or a slow notebook, the
output check catches stored outputs, and the browser checker catches broken pages."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "_ext"))


def _notebook(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _run_notebook_tests(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "scripts.nbtiming", "--nbval-lax", "--nbval-current-env", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_notebook_run_fails_on_a_deliberate_error(tmp_path):
    good = _notebook(tmp_path / "good.ipynb", "x = 1 + 1", "assert x == 2")
    bad = _notebook(tmp_path / "bad.ipynb", "x = 1", "raise RuntimeError('deliberate')")
    res = _run_notebook_tests(str(good), str(bad))
    assert res.returncode != 0, res.stdout
    assert "deliberate" in res.stdout
    assert "notebook execution times" in res.stdout and "good.ipynb" in res.stdout


def test_notebook_run_fails_when_too_slow(tmp_path):
    nb = _notebook(tmp_path / "slow.ipynb", "import time; time.sleep(0.5)")
    res = _run_notebook_tests(str(nb), "--nb-time-limit", "0.2")
    assert res.returncode != 0
    assert "over the 0 s limit" in res.stdout or "TOO SLOW" in res.stdout
    res = _run_notebook_tests(str(nb), "--nb-time-limit", "60")
    assert res.returncode == 0, res.stdout


def test_output_check_catches_stored_outputs(tmp_path):
    import normalize_notebooks as nn

    path = _notebook(tmp_path / "a.ipynb", "print(1)")
    nb = json.loads(path.read_text())
    assert nn.problems(nb) == []
    nb["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "1\n"}]
    nb["cells"][0]["execution_count"] = 1
    assert len(nn.problems(nb)) == 2
    path.write_text(json.dumps(nb))
    assert nn.main(["--check", str(path)]) == 1
    assert nn.main([str(path)]) == 0 and nn.main(["--check", str(path)]) == 0


def test_book_notebooks_are_stored_clean():
    import normalize_notebooks as nn

    assert nn.main(["--check"]) == 0


def test_asset_dedupe_extension():
    from sphinx.builders.html._assets import _JavaScript

    import book_assets

    ctx = {"script_files": [_JavaScript(None, body="const A = 1"), _JavaScript("x.js"),
                            _JavaScript("", body="const A = 1"), _JavaScript("x.js")]}
    book_assets._dedupe(None, "p", "t", ctx, None)
    assert len(ctx["script_files"]) == 2


def test_asset_extension_drops_thebe_without_live_code_and_every_cdn_script():
    from types import SimpleNamespace

    from sphinx.builders.html._assets import _CascadingStyleSheet, _JavaScript

    import book_assets

    def ctx():
        return {"script_files": [_JavaScript("_static/sphinx-thebe.js"), _JavaScript("_static/x.js"),
                                 _JavaScript(None, body='const THEBE_JS_URL = "https://unpkg.com/thebe"'),
                                 _JavaScript("https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.4/require.min.js"),
                                 _JavaScript("//cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager/dist/embed-amd.js")],
                "css_files": [_CascadingStyleSheet("_static/sphinx-thebe.css"), _CascadingStyleSheet("_static/y.css")]}

    off = SimpleNamespace(config=SimpleNamespace(html_theme_options={"launch_buttons": {"thebe": False}}))
    c = ctx()
    book_assets._dedupe(off, "p", "t", c, None)
    assert [a.filename for a in c["script_files"]] == ["_static/x.js"]
    assert [a.filename for a in c["css_files"]] == ["_static/y.css"]
    on = SimpleNamespace(config=SimpleNamespace(html_theme_options={"launch_buttons": {"thebe": True}}))
    c = ctx()
    book_assets._dedupe(on, "p", "t", c, None)
    assert [a.filename for a in c["script_files"]] == ["_static/sphinx-thebe.js", "_static/x.js", None]


# ------------------------------------------------------------------ the browser checker
MATHJAX = ROOT / "_mathjax" / "mathjax"
CHROMIUM = Path("/usr/bin/chromium")

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<script>window.MathJax = {{options: {{processHtmlClass: "math"}}}};</script>
<script defer src="mathjax/tex-chtml.js"></script></head>
<body><main><h1 id="top">Page</h1>{body}</main></body></html>"""


@pytest.fixture()
def site(tmp_path):
    if not MATHJAX.exists() or not CHROMIUM.exists():
        pytest.fail("the browser checker's tests need Chromium (apt-get install chromium) and "
                    "MathJax (bash scripts/fetch_mathjax.sh); scripts/test.sh installs both")
    shutil.copytree(MATHJAX, tmp_path / "mathjax")
    from PIL import Image

    (tmp_path / "_images").mkdir()
    Image.new("RGB", (4, 4), "white").save(tmp_path / "_images" / "opaque.png")
    Image.new("RGBA", (4, 4), (0, 0, 0, 0)).save(tmp_path / "_images" / "clear.png")
    (tmp_path / "index.html").write_text(PAGE.format(body='<p><a href="good.html#sec">ok</a></p>'))
    return tmp_path


CASES = {
    "good": ('<h2 id="sec">S</h2><p><span class="math notranslate nohighlight">\\(a^2 + b^2\\)</span></p>'
             '<div class="math notranslate nohighlight">\\[\\int_0^1 x\\,dx\\]</div>'
             '<img src="_images/opaque.png" alt="a white square">'
             '<div class="solution dropdown admonition"><p>hidden answer</p></div>', None),
    "badmath": ('<p><span class="math notranslate nohighlight">\\(\\frac{1}{\\)</span></p>', "TeX error|un-typeset"),
    "jserror": ("<script>undefined_function_of_the_page()</script>", "JavaScript exception"),
    "image": ('<img src="missing.png" alt="a missing figure">', "broken image"),
    "link": ('<a href="nowhere.html">x</a>', "broken link"),
    "anchor": ('<a href="index.html#no-such-id">x</a>', "broken anchor"),
    "traceback": ('<div class="cell_output"><pre>Traceback (most recent call last):\n ZeroDivisionError</pre></div>',
                  "traceback"),
    "external": ('<script src="https://cdn.example.org/lib.js"></script>', "leaves the site"),
    "noalt": ('<img src="_images/opaque.png">', "without alt text"),
    "transparent": ('<img src="_images/clear.png" alt="a plot">', "transparent background"),
    "opensolution": ('<div class="solution admonition"><p>the answer</p></div>', "not collapsed"),
    # chapter 10's bug: a line of inline maths starting with "+" became a list item
    "rawtex": ("<ul><li><p>a^\\top \\frac{\\partial L}{\\partial v}$ is the adjoint</p></li></ul>", "raw TeX"),
    "rawdisplay": ('<p class="mathjax_ignore">where $$ x = 1 $$ holds</p>', "raw"),
    "deadlink": ('<a href="https://hub.example.edu/hub/user-redirect/git-pull?repo=x">hub</a>', "dead link"),
}


def test_site_checker_passes_a_good_page_and_fails_each_broken_one(site):
    import check_site

    for name, (body, _) in CASES.items():
        (site / f"{name}.html").write_text(PAGE.format(body=body))
    pages = [site / f"{name}.html" for name in CASES] + [site / "index.html"]
    reports = {Path(r.page).stem: r for r in check_site.check_pages(site, pages, None, {}, navigation=False)}
    assert reports["good"].problems == [], reports["good"].problems
    assert reports["index"].problems == [], reports["index"].problems
    for name, (_, expected) in CASES.items():
        if expected:
            text = " | ".join(reports[name].problems)
            assert re.search(expected, text), f"{name}: {text}"


def test_expect_unanswered_flags_a_wrong_or_silent_check(tmp_path):
    wrong = _notebook(tmp_path / "wrong.ipynb", "from helpers.exercises import check",
                      'check("ch01.stable-step", 0.7)')
    fine = _notebook(tmp_path / "fine.ipynb", "from helpers.exercises import check",
                     'check("ch01.stable-step", None)')
    res = _run_notebook_tests(str(wrong), str(fine), "--expect-unanswered")
    assert res.returncode != 0
    assert "did not report 'not answered yet'" in res.stdout
    assert "fine.ipynb" in res.stdout and "wrong.ipynb" in res.stdout
    res = _run_notebook_tests(str(fine), "--expect-unanswered")
    assert res.returncode == 0, res.stdout


NAV_PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
.panel {{ display: none; margin-top: 50px; }} .panel.open {{ display: block; }}
header {{ position: fixed; top: 0; left: 0; right: 0; height: 40px; z-index: 2; background: white; }}
main {{ margin-top: 60px; }}</style></head><body>
<header><button class="primary-toggle">&#9776;</button><button class="secondary-toggle">contents</button></header>
<div class="bd-sidebar-primary panel"><a class="reference internal" href="x.html">2. A chapter</a></div>
<div class="bd-sidebar-secondary panel"><a class="nav-link" href="#s">A section</a></div>
{cover}<main><h2 id="s">Section</h2></main>
<script>{script}</script></body></html>"""
NAV_WORKS = ("document.querySelector('.primary-toggle').onclick = () => "
             "document.querySelector('.bd-sidebar-primary').classList.toggle('open');"
             "document.querySelector('.secondary-toggle').onclick = () => "
             "document.querySelector('.bd-sidebar-secondary').classList.toggle('open');")


def test_navigation_check_taps_the_buttons(site):
    """The navigation check passes buttons that open their panels, and fails buttons bound to
    nothing (pydata-sphinx-theme#2451) and a panel whose links are covered by another element."""
    from playwright.sync_api import sync_playwright

    import check_site

    cover = '<div style="position:fixed;top:0;left:0;right:0;bottom:0;z-index:5"></div>'
    (site / "works.html").write_text(NAV_PAGE.format(cover="", script=NAV_WORKS))
    (site / "dead.html").write_text(NAV_PAGE.format(cover="", script=""))
    (site / "covered.html").write_text(NAV_PAGE.format(cover=cover, script=NAV_WORKS))
    httpd, base = check_site.serve(site)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=check_site.CHROMIUM_FLAGS)
            works = check_site.check_navigation(browser, base, "works.html", widths=(400, 1280))
            dead = check_site.check_navigation(browser, base, "dead.html", widths=(400,))
            covered = check_site.check_navigation(browser, base, "covered.html", widths=(800,))
            browser.close()
    finally:
        httpd.shutdown()
    assert works == [], works
    assert any("chapters" in d and "opens nothing" in d for d in dead), dead
    assert any("page contents" in d and "opens nothing" in d for d in dead), dead
    assert covered and all("cannot be used" in c for c in covered), covered


def test_launch_button_check():
    from bs4 import BeautifulSoup

    import check_site

    target = {"url": "https://github.com/org/book", "branch": "main", "hub": "https://hub.example.edu"}
    nb = "book/part1/ch01_x.ipynb"
    good = BeautifulSoup(
        f'<a href="https://mybinder.org/v2/gh/org/book/main?urlpath=lab/tree/{nb}">b</a>'
        f'<a href="https://colab.research.google.com/github/org/book/blob/main/{nb}">c</a>'
        f'<a href="https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A//github.com/org/book'
        f'&urlpath=lab/tree/book/{nb}&branch=main">h</a>', "html.parser")
    assert check_site.check_launch_buttons(good, nb, target) == []
    assert len(check_site.check_launch_buttons(BeautifulSoup("<p>no buttons</p>", "html.parser"), nb, target)) == 3
    other = check_site.check_launch_buttons(good, "book/part1/ch02_y.ipynb", target)
    assert any("Binder" in p for p in other) and any("Colab" in p for p in other)
    # with no hub configured, a JupyterHub entry is an error (it would be a dead link)
    unset = dict(target, hub="")
    assert any("no hub is configured" in p for p in check_site.check_launch_buttons(good, nb, unset))


def test_launch_settings_come_from_the_config():
    import check_site

    t = check_site.launch_targets(ROOT)
    assert t["url"].startswith("https://github.com/")
    assert t["hub"] == "" or t["hub"].startswith("https://"), "the hub is a real https URL or unset"
    assert "example" not in t["hub"], "no placeholder hub: leave jupyterhub_url empty instead"


def test_figure_alt_text_comes_from_the_caption_paragraph():
    from docutils import nodes

    import book_assets

    section = nodes.section()
    cell = nodes.container(classes=["cell"])
    out = nodes.container(classes=["cell_output"])
    img = nodes.image(uri="x.png", alt="../../_images/x.png")
    out += img
    cell += out
    section += cell
    section += nodes.paragraph(text="The error falls as h squared.")
    bare = nodes.image(uri="y.png", alt="y.png")
    lonely = nodes.container(classes=["cell"])
    lonely += bare
    section += lonely
    section += nodes.section()
    book_assets._alt_from_captions(None, section, "doc")
    assert img["alt"] == "The error falls as h squared."
    assert bare["alt"] == "y.png"   # no caption paragraph follows: left for the site check to report
