"""Sphinx extension of the book: where the launch and repository buttons lead.

sphinx-book-theme builds every launch button from one repository, branch and folder
(``repository`` in _config.yml). This extension redirects two of them, as set by the config
value ``book_launch`` (``sphinx.config.book_launch`` in _config.yml):

- **Colab** opens the plain-Markdown notebook (Colab does not render MyST) from the branch the
  deploy workflow publishes, ``book_launch.notebooks_branch``, in the folder
  ``book_launch.colab_folder`` (``plain`` for the full site, ``student-plain`` for the
  solution-free site);
- on the solution-free site (``book_launch.repository_folder`` set, e.g. ``student``) the
  repository button opens that folder of the published branch rather than the repository's
  main branch, which holds the solutions. (Binder and JupyterHub already open the student
  edition there, because ``python -m helpers.edition site`` sets the repository branch and
  folder of that site.)

The published branch is written by ``python -m helpers.edition editions`` (see
.github/workflows/deploy.yml).
"""

from __future__ import annotations

from typing import Any

DEFAULTS = {"notebooks_branch": "notebooks", "colab_folder": "plain", "repository_folder": ""}


def _settings(app) -> dict[str, str]:
    return {**DEFAULTS, **(getattr(app.config, "book_launch", None) or {})}


def _theme_repo(app) -> tuple[str, str, str]:
    opts = app.config.html_theme_options or {}
    url = str(opts.get("repository_url", "")).rstrip("/")
    branch = str(opts.get("repository_branch", "") or "main")
    folder = str(opts.get("path_to_docs", "") or "").strip("/")
    return url, branch, folder


def rewrite_buttons(buttons: list[dict[str, Any]], repo_url: str, branch: str, folder: str,
                    settings: dict[str, str]) -> None:
    """Rewrite, in place, the Colab and repository buttons of a page's header buttons."""
    prefix = f"/blob/{branch}/" + (f"{folder}/" if folder else "")
    colab_prefix = f"/blob/{settings['notebooks_branch']}/{settings['colab_folder'].strip('/')}/"
    for button in buttons:
        if isinstance(button.get("buttons"), list):
            rewrite_buttons(button["buttons"], repo_url, branch, folder, settings)
        url = str(button.get("url", ""))
        label = str(button.get("label", ""))
        is_colab = button.get("text") == "Colab" or "colab.research.google.com/" in url
        if is_colab and prefix in url:
            button["url"] = url.replace(prefix, colab_prefix, 1)
        elif label == "source-repository-button" and settings["repository_folder"]:
            button["url"] = (f"{repo_url}/tree/{settings['notebooks_branch']}/"
                             f"{settings['repository_folder'].strip('/')}")


def _rewrite(app, pagename, templatename, context, doctree) -> None:
    buttons = context.get("header_buttons")
    if not buttons:
        return
    url, branch, folder = _theme_repo(app)
    rewrite_buttons(buttons, url, branch, folder, _settings(app))


def setup(app):
    app.add_config_value("book_launch", dict(DEFAULTS), "html", types=[dict])
    # after sphinx-book-theme has made the buttons (priority 501)
    app.connect("html-page-context", _rewrite, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
