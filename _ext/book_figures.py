"""Sphinx extension of the book: the code that draws a figure is collapsed.

A chapter's figures matter more to a reader than the matplotlib calls that draw them. In the
rendered book, the input of every code cell whose output is a figure or an animation is put in
a collapsed toggle ("Show the code of this figure"), as myst-nb does for cells tagged
``hide-input`` - but decided here, centrally, so notebooks carry no tags for it. Cells already
tagged (hide-input, hide-cell, remove-input, ...) are left as their tags say. In Jupyter the
notebooks are unchanged.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

PROMPT_SHOW = "Show the code of this figure"
PROMPT_HIDE = "Hide the code of this figure"


def _draws_a_figure(output: nodes.Element) -> bool:
    if any(True for _ in output.findall(nodes.image)):
        return True
    return any("_anim_img" in node.astext() for node in output.findall(nodes.raw))


def collapse_figure_code(document: nodes.Element) -> int:
    """Mark the input of every figure-drawing code cell of ``document`` to be collapsed; returns
    how many cells were marked."""
    marked = 0
    for cell in document.findall(nodes.container):
        if cell.get("nb_element") != "cell_code" or cell.get("hide_mode") or len(cell.children) < 2:
            continue
        source, output = cell.children[0], cell.children[-1]
        if source.get("nb_element") != "cell_code_source" or output.get("nb_element") != "cell_code_output":
            continue
        if _draws_a_figure(output):
            cell["hide_mode"] = "input"
            cell["prompt_show"] = PROMPT_SHOW
            cell["prompt_hide"] = PROMPT_HIDE
            marked += 1
    return marked


class CollapseFigureCode(SphinxPostTransform):
    default_priority = 150          # before myst-nb's HideInputCells (199) builds the toggles
    formats = ("html",)

    def run(self, **kwargs) -> None:
        collapse_figure_code(self.document)


def setup(app):
    app.add_post_transform(CollapseFigureCode)
    # myst-nb draws its toggles for the "html" builder only; the single-page build that the PDF
    # is printed from ("singlehtml") needs the same visitors.
    try:
        from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput, visit_HideCellInput
    except ImportError:
        pass
    else:
        app.add_node(HideCodeCellNode, override=True, html=(visit_HideCellInput, depart_HideCellInput),
                     singlehtml=(visit_HideCellInput, depart_HideCellInput))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
