"""Sources for ops: each source's health as `status` tells it (last run, failures in a row, open
incidents, next run), and, with the admin token, a new source added through the same dry run
as `policywatch try`, saved as the seed `policywatch add` would write."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crawler.cleaning.urls import absolute_link

from ..config import ConfigError, Settings, check_seeds
from ..onboard.findings import Findings, look
from ..onboard.seed import free_path, seed_name, seed_text, write_seed
from ..onboard.show import report_text
from ..ops import status
from .admin import _require_admin
from .common import Db, page, settings_of

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
RENDERS = ("auto", "static", "browser")


@router.get("/sources")
def sources_page(request: Request, s: Db) -> HTMLResponse:
    settings = settings_of(request)
    report = status.source_status(s, settings.sources())
    return page(request, "sources.html", report=report, added=request.query_params.get("added", ""))


def _look(settings: Settings, url: str, render: str) -> Findings:
    """The dry run `try` does, of an http(s) address only; ConfigError otherwise."""
    url = url.strip()
    if absolute_link(url) != url:
        raise ConfigError(f"not an http(s) URL: {url!r}")
    return look(url, settings.crawl, render if render in RENDERS else "auto")


@router.post("/admin/sources/preview")
def preview(
    request: Request,
    url: Annotated[str, Form(max_length=2000)],
    token: Annotated[str, Form()] = "",
    render: Annotated[str, Form()] = "auto",
) -> Response:
    """What a crawl of the address would find, as `try` prints it, and the seed `add` would write."""
    _require_admin(request, token)
    settings = settings_of(request)
    try:
        found = _look(settings, url, render)
    except ConfigError as exc:
        return _refused(request, str(exc))
    return page(
        request,
        "source_preview.html",
        found=found,
        report=report_text(found),
        seed=seed_text(found),
        seed_name=seed_name(found.url),
        render=render,
        problem="",
    )


@router.post("/admin/sources")
def add_source(
    request: Request,
    url: Annotated[str, Form(max_length=2000)],
    name: Annotated[str, Form(max_length=100)],
    token: Annotated[str, Form()] = "",
    render: Annotated[str, Form()] = "auto",
) -> Response:
    """Write seeds/NAME.toml as `add` does (never over another seed); the daemon picks it up."""
    _require_admin(request, token)
    settings = settings_of(request)
    try:
        sources, _problems = check_seeds(settings.seeds_dir)
        names_used = {source.name for source in sources}
        free_path(settings.seeds_dir, name, names_used)  # refused before the dry run, not after
        found = _look(settings, url, render)
        if found.kind == "nothing":
            return _refused(request, found.problem or "the address shows no documents: no seed written")
        write_seed(settings.seeds_dir, name, seed_text(found), names_used)
    except ConfigError as exc:
        return _refused(request, str(exc))
    return RedirectResponse(f"/sources?added={name}", status_code=303)


def _refused(request: Request, problem: str) -> HTMLResponse:
    """One line saying why nothing was written."""
    response = page(request, "source_preview.html", found=None, problem=problem)
    response.status_code = 400
    return response
