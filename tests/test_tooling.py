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
                                 _JavaScript(None, body='{"state": {}}', type="application/vnd.jupyter.widget-state+json"),
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
<script>window.MathJax = {{options: {{processHtmlClass: "math"}},
  loader: {{load: ["input/tex", "output/chtml", "a11y/assistive-mml"]}}}};</script>
<script defer src="mathjax/startup.js"></script></head>
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


def test_site_checker_weighs_chapter_pages(site):
    """A chapter page weighs its HTML and everything it loads (here MathJax, ~0.8 MB)."""
    import check_site

    body = '<p><span class="math notranslate nohighlight">\\(x^2\\)</span></p><img src="_images/opaque.png" alt="x">'
    (site / "ch01_light.html").write_text(PAGE.format(body=body))
    (site / "notachapter.html").write_text(PAGE.format(body=body))
    pages = [site / "ch01_light.html", site / "notachapter.html"]
    heavy = {Path(r.page).stem: r for r in check_site.check_pages(site, pages, None, {}, navigation=False,
                                                                   max_bytes=200_000)}
    assert heavy["ch01_light"].weight > 600_000
    assert any("page weighs" in p and "chtml.js" in p for p in heavy["ch01_light"].problems)
    assert heavy["notachapter"].problems == []              # the limit is for chapter pages
    light = check_site.check_pages(site, pages[:1], None, {}, navigation=False)
    assert light[0].problems == [], light[0].problems


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

    target = {"url": "https://github.com/org/book", "branch": "main", "hub": "https://hub.example.edu",
              "notebooks_branch": "notebooks", "colab_folder": "plain"}
    nb = "book/part1/ch01_x.ipynb"
    good = BeautifulSoup(
        f'<a href="https://mybinder.org/v2/gh/org/book/main?urlpath=lab/tree/{nb}">b</a>'
        f'<a href="https://colab.research.google.com/github/org/book/blob/notebooks/plain/{nb}">c</a>'
        f'<a href="https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A//github.com/org/book'
        f'&urlpath=lab/tree/book/{nb}&branch=main">h</a>', "html.parser")
    assert check_site.check_launch_buttons(good, nb, target) == []
    assert len(check_site.check_launch_buttons(BeautifulSoup("<p>no buttons</p>", "html.parser"), nb, target)) == 3
    other = check_site.check_launch_buttons(good, "book/part1/ch02_y.ipynb", target)
    assert any("Binder" in p for p in other) and any("Colab" in p for p in other)
    # with no hub configured, a JupyterHub entry is an error (it would be a dead link)
    unset = dict(target, hub="")
    assert any("no hub is configured" in p for p in check_site.check_launch_buttons(good, nb, unset))
    # Colab must open the plain-Markdown notebook, not the MyST one on main
    myst = BeautifulSoup(f'<a href="https://colab.research.google.com/github/org/book/blob/main/{nb}">c</a>',
                         "html.parser")
    assert any("Colab" in p for p in check_site.check_launch_buttons(myst, nb, unset))


def test_student_site_links_open_only_the_student_edition():
    from bs4 import BeautifulSoup

    import check_site

    nb = "book/part1/ch01_x.ipynb"
    target = {"url": "https://github.com/org/book", "branch": "notebooks", "folder": "student", "hub": "",
              "notebooks_branch": "notebooks", "colab_folder": "student-plain", "student_folder": "student"}
    good = (f'<a href="https://mybinder.org/v2/gh/org/book/notebooks?urlpath=lab/tree/student/{nb}">b</a>'
            f'<a href="https://colab.research.google.com/github/org/book/blob/notebooks/student-plain/{nb}">c</a>'
            '<a href="https://github.com/org/book/tree/notebooks/student">repo</a>'
            '<a href="https://github.com/org/book/issues/new?title=x">issue</a>')
    assert check_site.check_launch_buttons(BeautifulSoup(good, "html.parser"), nb, target) == []
    leaky = good + '<a href="https://github.com/org/book">repo</a>'
    problems = check_site.check_launch_buttons(BeautifulSoup(leaky, "html.parser"), nb, target)
    assert any("opens notebooks with solutions" in p for p in problems), problems
    main_binder = good.replace("book/notebooks?urlpath=lab/tree/student/", "book/main?urlpath=lab/tree/")
    assert check_site.check_launch_buttons(BeautifulSoup(main_binder, "html.parser"), nb, target)


def test_student_site_config_points_at_the_published_student_edition(tmp_path):
    import yaml

    from helpers import edition

    cfg_root = tmp_path / "src"
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "intro.md").write_text("# Intro\n")
    for name in ("_config.yml", "_toc.yml", "references.bib"):
        shutil.copy2(ROOT / name, tmp_path / name)
    edition.write_student_site(tmp_path, cfg_root)
    cfg = yaml.safe_load((cfg_root / "_config.yml").read_text())
    launch = cfg["sphinx"]["config"]["book_launch"]
    assert cfg["repository"]["branch"] == launch["notebooks_branch"] != "main"
    assert cfg["repository"]["path_to_book"] == "student" == launch["repository_folder"]
    assert launch["colab_folder"] == "student-plain"


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


# ------------------------------------------------------------------ figures, numbering, launch, run
def _png(width: int, height: int) -> str:
    import base64
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def _figure_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    outs = {
        "svg ok": {"image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" width="460.8pt" height="288pt"></svg>'},
        "svg wide": {"image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" width="720pt" height="288pt"></svg>'},
        "retina ok": {"image/png": _png(1200, 400)},
        "png 1x": {"image/png": _png(600, 400)},
    }
    meta = {"retina ok": {"image/png": {"width": 600, "height": 200}}}
    for name, data in outs.items():
        cell = nbformat.v4.new_code_cell(f"# {name}")
        cell.outputs = [nbformat.v4.new_output("display_data", data=data, metadata=meta.get(name, {}))]
        nb.cells.append(cell)
    anim = nbformat.v4.new_code_cell("# animation")
    anim.outputs = [nbformat.v4.new_output("display_data", data={"text/html": (
        '<img id="_anim_img1"><script>frames[0] = "data:image/png;base64,' + _png(1000, 300)[:60] + "\\\n"
        + _png(1000, 300)[60:] + '";</script>')})]
    nb.cells.append(anim)
    nbformat.write(nb, path)
    return path


def test_figure_check_reports_each_wide_or_blurry_figure_by_cell(tmp_path, capsys):
    import check_figures

    (tmp_path / "book").mkdir()
    path = _figure_notebook(tmp_path / "book" / "ch99_x.ipynb")
    assert check_figures.main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "cell 1 (SVG): 10.0 in wide" in out
    assert "cell 3 (PNG): low resolution" in out
    assert "cell 4 (animation): 10.0 in wide" in out
    assert "cell 0" not in out and "cell 2" not in out
    assert "5 figures checked, 3 problems" in out
    assert check_figures.main([str(path), "--max-width", "11"]) == 1      # the 1x PNG still fails


def test_exercise_numbers_per_chapter():
    import book_numbering

    assert book_numbering.chapter_number("book/part1/ch02_derivatives") == 2
    assert book_numbering.chapter_number("book/appendix/glossary") is None
    numbers = {"exercise": {"ex-b": (2,), "ex-a": (1,), "ex-c": (3,)}, "figure": {"f": (1,)}}
    book_numbering.renumber(numbers, 7)
    assert numbers["exercise"] == {"ex-a": (7, 1), "ex-b": (7, 2), "ex-c": (7, 3)}
    assert numbers["figure"] == {"f": (1,)}


def test_colab_and_student_repository_buttons_are_redirected():
    import book_launch

    repo = "https://github.com/org/book"
    nb = "book/part1/ch01_x.ipynb"
    buttons = [{"type": "group", "buttons": [
        {"text": "Binder", "url": f"https://mybinder.org/v2/gh/org/book/main?urlpath=lab/tree/{nb}"},
        {"text": "Colab", "url": f"https://colab.research.google.com/github/org/book/blob/main/{nb}"}]},
        {"label": "source-repository-button", "url": repo}]
    full = {"notebooks_branch": "notebooks", "colab_folder": "plain", "repository_folder": ""}
    book_launch.rewrite_buttons(buttons, repo, "main", "", full)
    assert buttons[0]["buttons"][1]["url"].endswith(f"/blob/notebooks/plain/{nb}")
    assert buttons[0]["buttons"][0]["url"].startswith("https://mybinder.org/v2/gh/org/book/main")
    assert buttons[1]["url"] == repo
    student = [{"text": "Colab", "url": f"https://colab.research.google.com/github/org/book/blob/notebooks/student/{nb}"},
               {"label": "source-repository-button", "url": repo}]
    book_launch.rewrite_buttons(student, repo, "notebooks", "student",
                                dict(full, colab_folder="student-plain", repository_folder="student"))
    assert student[0]["url"].endswith(f"/blob/notebooks/student-plain/{nb}")
    assert student[1]["url"] == f"{repo}/tree/notebooks/student"


def test_figure_code_is_collapsed_only_for_figure_cells():
    from docutils import nodes

    import book_figures

    def cell(with_image: bool, hide: str | None = None):
        c = nodes.container(nb_element="cell_code")
        c += nodes.container(nb_element="cell_code_source")
        out = nodes.container(nb_element="cell_code_output")
        out += nodes.image(uri="x.svg") if with_image else nodes.literal_block("1", "1")
        c += out
        if hide:
            c["hide_mode"] = hide
        return c

    doc = nodes.section()
    plot, text, tagged = cell(True), cell(False), cell(True, "all")
    anim = nodes.container(nb_element="cell_code")
    anim += nodes.container(nb_element="cell_code_source")
    out = nodes.container(nb_element="cell_code_output")
    out += nodes.raw("", '<img id="_anim_img0a">', format="html")
    anim += out
    for c in (plot, text, tagged, anim):
        doc += c
    assert book_figures.collapse_figure_code(doc) == 2
    assert plot["hide_mode"] == "input" and anim["hide_mode"] == "input"
    assert "hide_mode" not in text and tagged["hide_mode"] == "all"


def test_last_verified_comes_from_the_run_record(tmp_path):
    import book_run
    import execute_cache

    record = execute_cache.run_record(0.0)
    assert record["executed_at"] == "1970-01-01" and record["versions"]["numpy"]
    text = book_run.run_text(record)
    assert text.startswith("Last verified") and "1970-01-01" in text and "numpy " in text
    assert book_run.run_text({}) is None
    nb = nbformat.v4.new_notebook()
    nb.metadata["book_run"] = {"executed_at": "2026-01-02", "versions": {"python": "3.11.9"}}
    path = tmp_path / "ch01_x.ipynb"
    nbformat.write(nb, path)
    assert book_run.find_record(path, None)["executed_at"] == "2026-01-02"


# ------------------------------------------------------------------ the PDF
PDF_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Book</title>
<script>window.MathJax = {{options: {{processHtmlClass: "math"}},
  loader: {{load: ["input/tex", "output/chtml", "a11y/assistive-mml"]}}}};</script>
<script defer src="mathjax/startup.js"></script></head>
<body><main>{body}</main></body></html>"""


def test_pdf_printing_and_its_checks(site):
    """The PDF printer and checker on a two-chapter page: outline, CJK text, typeset math and
    expanded solutions pass; raw TeX, a glyph no font has, a missing outline and solutions in
    a student PDF fail."""
    import build_pdf
    import check_pdf

    good = PDF_PAGE.format(body=(
        '<section><h1>1. First chapter</h1><p>Differentiate everything (微分万物), '
        '<span class="math notranslate nohighlight">\\(\\frac{a}{b}^\\top\\)</span>.</p>'
        '<pre>label = r"$\\frac{1}{2}$"  # TeX in code is fine</pre></section>'
        '<section><h1>2. Second chapter</h1><div class="solution dropdown"><p class="admonition-title">'
        'Solution to Exercise 2.1</p><p class="toggle-hidden">The answer.</p></div></section>'))
    (site / "good.html").write_text(good)
    pdf = site / "good.pdf"
    info = build_pdf.print_pdf(site, pdf, solutions=True, page="good.html")
    assert info["math"] >= 1
    problems, meta = check_pdf.check(pdf, min_pages=2, outline=["1. First", "2. Second"], solutions=True,
                                     require_text=["微分万物"])
    assert problems == [], problems
    assert meta["pages"] >= 2 and meta["bookmarks"] >= 2
    problems, _ = check_pdf.check(pdf, solutions=False)
    assert any("solution is printed" in p for p in problems)

    bad = PDF_PAGE.format(body='<p class="mathjax_ignore">Raw $$\\frac{a}{b}$$ and a glyph no font has: \U0010fffd\U000e01ef</p>')
    (site / "bad.html").write_text(bad)
    pdf = site / "bad.pdf"
    build_pdf.print_pdf(site, pdf, solutions=False, page="bad.html")
    problems, _ = check_pdf.check(pdf, min_pages=3, outline=["1. First"])
    text = " | ".join(problems)
    for expected in ("pages, expected at least 3", "no outline", "bookmark for '1. First'", "raw TeX",
                     "missing glyph"):
        assert expected in text, (expected, text)


def test_icon_subset_draws_only_the_icons_used():
    import book_icons

    bundle_path = book_icons._theme_bundle()
    assert bundle_path is not None, "pydata-sphinx-theme's fontawesome.js not found"
    bundle = bundle_path.read_text(encoding="utf-8")
    packs = book_icons.parse_packs(bundle)
    assert len(packs["fas"]) > 1000 and "github" in packs["fab"] and "bars" in packs["fas"]
    html = ('<i class="fa-solid fa-bars"></i><span class="fab fa-github fa-lg"></span>'
            '<i class="fas fa-no-such-icon"></i>')
    used = book_icons.used_icons([html, 'x.className = "fa-solid fa-xmark";'])
    assert used == {("fas", "bars"), ("fab", "github"), ("fas", "no-such-icon"), ("fas", "xmark")}
    script, missing = book_icons.subset_script(bundle, used)
    assert missing == ["fas no-such-icon"]
    assert '"bars":[448,512,' in script and '"github"' in script and '"rocket"' not in script
    assert len(script) < 20_000 < len(bundle) / 50


def test_design_assets_only_on_pages_that_use_them():
    from sphinx.builders.html._assets import _CascadingStyleSheet, _JavaScript

    import book_assets

    def ctx(body):
        return {"body": body, "script_files": [_JavaScript("_static/design-tabs.js"), _JavaScript("_static/x.js")],
                "css_files": [_CascadingStyleSheet("_static/sphinx-design.min.css")]}

    plain = ctx("<p>text</p>")
    book_assets._dedupe(None, "p", "t", plain, None)
    assert [a.filename for a in plain["script_files"]] == ["_static/x.js"] and plain["css_files"] == []
    cards = ctx('<div class="sd-card sd-shadow-sm">card</div>')
    book_assets._dedupe(None, "p", "t", cards, None)
    assert len(cards["script_files"]) == 2 and len(cards["css_files"]) == 1


def test_icon_fonts_and_rules_are_cut_to_what_the_styles_name(tmp_path):
    import shutil

    import book_icons

    css = ('.fa-bars:before{content:"\\f0c9"}.fa-a:before,.fa-b:before{content:"\\f000"}'
           ':root{--pst-icon-note:"\\f05a"}.admonition-title:after{content:var(--pst-icon-note)}')
    trimmed = book_icons.strip_icon_rules(css)
    assert ".fa-bars" not in trimmed and ".fa-a" not in trimmed and "--pst-icon-note" in trimmed
    assert book_icons.css_code_points(trimmed) == {0xF05A}
    import pydata_sphinx_theme

    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
    font = next(theme.rglob("fa-solid-900.woff2"))
    copy = tmp_path / "fa-solid-900.woff2"
    shutil.copy2(font, copy)
    saved = book_icons.subset_font(copy, {0xF05A, 0xF0C9})
    assert saved > 100_000 and copy.stat().st_size < 10_000
    from fontTools.ttLib import TTFont

    assert {0xF05A, 0xF0C9} <= set(TTFont(str(copy)).getBestCmap())
