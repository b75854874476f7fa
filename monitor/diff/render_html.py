"""A self-contained HTML page for a diff: inline and side-by-side views, switchable without JS."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, Template, select_autoescape

from .engine import DocumentDiff
from .excerpt import label

_env = Environment(
    loader=PackageLoader("monitor.diff", "templates"),
    autoescape=select_autoescape(["html"]),  # every piece of crawled text is escaped
    trim_blocks=True,
    lstrip_blocks=True,
)


def template(name: str) -> Template:
    """One of this package's templates, autoescaping as every page here does."""
    return _env.get_template(name)


def render_fragment(diff: DocumentDiff, view: str = "inline") -> str:
    """The diff views alone (view: which one shows first), for a page that brings diff.css."""
    return _env.get_template("diff_views.html").render(diff=diff, label=label, view=view)


def stylesheet() -> str:
    return _env.get_template("diff.css").render()


def render_page(
    diff: DocumentDiff, old_title: str, new_title: str, url: str = "", old_url: str = "", view: str = "inline"
) -> str:
    return _env.get_template("diff_page.html").render(
        diff=diff,
        old_title=old_title,
        new_title=new_title,
        url=url,
        old_url=old_url,
        css=stylesheet(),
        views=render_fragment(diff, view),
    )
